"""``client.responses``: the Responses API (create, stream, retrieve, delete, cancel, input items)."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, Dict, Iterable, Literal, Optional, TypedDict, Union, overload

from .._models import BaseModel
from .._options import split_options
from .._pagination import CursorPage, PageParser
from .._resource import SyncAPIResource, to_raw_response_wrapper, to_streamed_response_wrapper
from .._streaming import Stream, StreamParser
from .._url import path_segment
from ..types.responses.response import Response
from ..types.responses.response_stream_event import ResponseStreamEvent, stream_event

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .._options import RequestOptions
    from .._responses_stream import ResponseStream

    class ResponseCreateParams(TypedDict, total=False):
        model: str
        input: Union[str, Iterable[Dict[str, Any]]]
        background: Optional[bool]
        conversation: Union[str, Dict[str, Any], None]
        include: Optional[Iterable[str]]
        instructions: Optional[str]
        max_output_tokens: Optional[int]
        max_tool_calls: Optional[int]
        metadata: Optional[Dict[str, str]]
        parallel_tool_calls: Optional[bool]
        previous_response_id: Optional[str]
        prompt: Optional[Dict[str, Any]]
        prompt_cache_key: str
        reasoning: Optional[Dict[str, Any]]
        safety_identifier: str
        service_tier: Optional[str]
        store: Optional[bool]
        stream_options: Optional[Dict[str, Any]]
        temperature: Optional[float]
        text: Dict[str, Any]
        tool_choice: Union[str, Dict[str, Any]]
        tools: Iterable[Dict[str, Any]]
        top_logprobs: Optional[int]
        top_p: Optional[float]
        truncation: Optional[str]
        user: str

    class _CreateArgs(ResponseCreateParams, RequestOptions, total=False): ...

    class _InputItemsArgs(RequestOptions, total=False):
        after: str
        before: str
        include: Iterable[str]
        limit: int
        order: Literal["asc", "desc"]


__all__ = ["InputItems", "Responses"]


def _convert_event(payload: Any, event: Any) -> ResponseStreamEvent:
    return stream_event(payload)  # type: ignore[no-any-return]


_EVENT_PARSER: StreamParser[ResponseStreamEvent] = StreamParser(_convert_event, done=None)


class Responses(SyncAPIResource):
    @overload
    def create(self, *, stream: Literal[True], **kwargs: Unpack[_CreateArgs]) -> Stream[ResponseStreamEvent]: ...

    @overload
    def create(self, *, stream: Literal[False] | None = None, **kwargs: Unpack[_CreateArgs]) -> Response: ...

    def create(self, *, stream: bool | None = None, **kwargs: Unpack[_CreateArgs]) -> Response | Stream[ResponseStreamEvent]:
        """Create a model response; ``stream=True`` gives a :class:`Stream` of typed events."""
        params, options = split_options(kwargs)
        if stream:
            params["stream"] = True
            return self._client.request("POST", "/responses", body=params, cast_to=None, parser=_EVENT_PARSER, options=options, stream=True)  # type: ignore[no-any-return]
        if stream is not None:
            params["stream"] = stream
        return self._client.request("POST", "/responses", body=params, cast_to=Response, options=options)  # type: ignore[no-any-return]

    def stream(self, **kwargs: Unpack[_CreateArgs]) -> ResponseStream:
        """Stream a response with an accumulator: iterate events, then ``get_final_response()``."""
        from .._responses_stream import ResponseStream

        return ResponseStream(self.create(stream=True, **kwargs))

    def retrieve(self, response_id: str, **options: Unpack[RequestOptions]) -> Response:
        return self._client.request("GET", f"/responses/{path_segment(response_id, 'response_id')}", cast_to=Response, options=options)  # type: ignore[no-any-return]

    def delete(self, response_id: str, **options: Unpack[RequestOptions]) -> None:
        self._client.request("DELETE", f"/responses/{path_segment(response_id, 'response_id')}", cast_to=None, options=options)

    def cancel(self, response_id: str, **options: Unpack[RequestOptions]) -> Response:
        """Cancel a background response."""
        return self._client.request("POST", f"/responses/{path_segment(response_id, 'response_id')}/cancel", cast_to=Response, options=options)  # type: ignore[no-any-return]

    @cached_property
    def input_items(self) -> InputItems:
        return InputItems(self._client)

    @cached_property
    def with_raw_response(self) -> ResponsesWithRawResponse:
        return ResponsesWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> ResponsesWithStreamingResponse:
        return ResponsesWithStreamingResponse(self)


class InputItems(SyncAPIResource):
    def list(self, response_id: str, **kwargs: Unpack[_InputItemsArgs]) -> CursorPage[BaseModel]:
        """The input items of a stored response (newest first by default)."""
        params, options = split_options(kwargs)
        path = f"/responses/{path_segment(response_id, 'response_id')}/input_items"
        parser: PageParser[Any] = PageParser(CursorPage, BaseModel)
        return self._client.request("GET", path, query=params, cast_to=None, parser=parser, options=options)  # type: ignore[no-any-return]


class ResponsesWithRawResponse:
    def __init__(self, responses: Responses) -> None:
        self.create = to_raw_response_wrapper(responses.create)
        self.retrieve = to_raw_response_wrapper(responses.retrieve)
        self.delete = to_raw_response_wrapper(responses.delete)
        self.cancel = to_raw_response_wrapper(responses.cancel)


class ResponsesWithStreamingResponse:
    def __init__(self, responses: Responses) -> None:
        self.create = to_streamed_response_wrapper(responses.create)
        self.retrieve = to_streamed_response_wrapper(responses.retrieve)
        self.delete = to_streamed_response_wrapper(responses.delete)
        self.cancel = to_streamed_response_wrapper(responses.cancel)
