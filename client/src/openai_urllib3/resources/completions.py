"""``client.completions``: the legacy text completions endpoint."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Literal, Optional, TypedDict, Union, overload

from .._options import split_options
from .._resource import SyncAPIResource, to_raw_response_wrapper, to_streamed_response_wrapper
from .._streaming import Stream, StreamParser, model_converter
from ..types.completion import Completion

if TYPE_CHECKING:
    from typing_extensions import Required, Unpack

    from .._options import RequestOptions

    class CompletionCreateParams(TypedDict, total=False):
        model: Required[str]
        prompt: Required[Union[str, List[str], Iterable[int], Iterable[Iterable[int]], None]]
        best_of: Optional[int]
        echo: Optional[bool]
        frequency_penalty: Optional[float]
        logit_bias: Optional[Dict[str, int]]
        logprobs: Optional[int]
        max_tokens: Optional[int]
        n: Optional[int]
        presence_penalty: Optional[float]
        seed: Optional[int]
        stop: Union[Optional[str], List[str], None]
        stream_options: Optional[Dict[str, Any]]
        suffix: Optional[str]
        temperature: Optional[float]
        top_p: Optional[float]
        user: str

    class _CreateArgs(CompletionCreateParams, RequestOptions, total=False): ...


__all__ = ["Completions"]

_PARSER: StreamParser[Completion] = StreamParser(model_converter(Completion))


class Completions(SyncAPIResource):
    @overload
    def create(self, *, stream: Literal[True], **kwargs: Unpack[_CreateArgs]) -> Stream[Completion]: ...

    @overload
    def create(self, *, stream: Literal[False] | None = None, **kwargs: Unpack[_CreateArgs]) -> Completion: ...

    def create(self, *, stream: bool | None = None, **kwargs: Unpack[_CreateArgs]) -> Completion | Stream[Completion]:
        """Complete a prompt; ``stream=True`` gives a :class:`Stream` of partial completions."""
        params, options = split_options(kwargs)
        if stream:
            params["stream"] = True
            return self._client.request("POST", "/completions", body=params, cast_to=None, parser=_PARSER, options=options, stream=True)  # type: ignore[no-any-return]
        if stream is not None:
            params["stream"] = stream
        return self._client.request("POST", "/completions", body=params, cast_to=Completion, options=options)  # type: ignore[no-any-return]

    @cached_property
    def with_raw_response(self) -> CompletionsWithRawResponse:
        return CompletionsWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> CompletionsWithStreamingResponse:
        return CompletionsWithStreamingResponse(self)


class CompletionsWithRawResponse:
    def __init__(self, completions: Completions) -> None:
        self.create = to_raw_response_wrapper(completions.create)


class CompletionsWithStreamingResponse:
    def __init__(self, completions: Completions) -> None:
        self.create = to_streamed_response_wrapper(completions.create)
