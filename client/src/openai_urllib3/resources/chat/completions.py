"""``client.chat.completions``: create chat completions, and manage stored ones."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, overload

from ..._options import split_options
from ..._pagination import CursorPage, PageParser
from ..._resource import SyncAPIResource, to_raw_response_wrapper, to_streamed_response_wrapper
from ..._streaming import Stream, StreamParser, model_converter
from ..._url import path_segment
from ...types.chat.chat_completion import ChatCompletion, ChatCompletionDeleted, ChatCompletionStoreMessage
from ...types.chat.chat_completion_chunk import ChatCompletionChunk

_CHUNK_PARSER: StreamParser[ChatCompletionChunk] = StreamParser(model_converter(ChatCompletionChunk))

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ..._chat_stream import ChatCompletionStream
    from ..._options import RequestOptions
    from ...types.chat.completion_create_params import (
        CompletionCreateParams,
        CompletionListParams,
        CompletionUpdateParams,
    )

    class _CreateArgs(CompletionCreateParams, RequestOptions, total=False): ...

    class _ListArgs(CompletionListParams, RequestOptions, total=False): ...

    class _UpdateArgs(CompletionUpdateParams, RequestOptions, total=False): ...

    class _MessagesListArgs(RequestOptions, total=False):
        after: str
        limit: int
        order: str


__all__ = ["Completions", "CompletionsWithRawResponse", "CompletionsWithStreamingResponse", "Messages"]


class Completions(SyncAPIResource):
    @overload
    def create(self, *, stream: Literal[True], **kwargs: Unpack[_CreateArgs]) -> Stream[ChatCompletionChunk]: ...

    @overload
    def create(self, *, stream: Literal[False] | None = None, **kwargs: Unpack[_CreateArgs]) -> ChatCompletion: ...

    @overload
    def create(self, *, stream: bool, **kwargs: Unpack[_CreateArgs]) -> ChatCompletion | Stream[ChatCompletionChunk]: ...

    def create(self, *, stream: bool | None = None, **kwargs: Unpack[_CreateArgs]) -> ChatCompletion | Stream[ChatCompletionChunk]:
        """Create a model response for the given chat conversation; ``stream=True`` gives a
        :class:`Stream` of :class:`ChatCompletionChunk`."""
        params, options = split_options(kwargs)
        if stream:
            params["stream"] = True
            return self._client.request("POST", "/chat/completions", body=params, cast_to=None, parser=_CHUNK_PARSER, options=options, stream=True)  # type: ignore[no-any-return]
        if stream is not None:
            params["stream"] = stream
        return self._client.request("POST", "/chat/completions", body=params, cast_to=ChatCompletion, options=options)  # type: ignore[no-any-return]

    def stream(self, **kwargs: Unpack[_CreateArgs]) -> ChatCompletionStream:
        """Stream a completion with an accumulator: iterate the chunks, then ``get_final_completion()``.

        A context manager; the connection is released when the block ends.
        """
        from ..._chat_stream import ChatCompletionStream

        return ChatCompletionStream(self.create(stream=True, **kwargs))

    def retrieve(self, completion_id: str, **options: Unpack[RequestOptions]) -> ChatCompletion:
        """A stored chat completion (created with ``store=True``)."""
        path = f"/chat/completions/{path_segment(completion_id, 'completion_id')}"
        return self._client.request("GET", path, cast_to=ChatCompletion, options=options)  # type: ignore[no-any-return]

    def update(self, completion_id: str, **kwargs: Unpack[_UpdateArgs]) -> ChatCompletion:
        """Change a stored completion's metadata."""
        params, options = split_options(kwargs)
        path = f"/chat/completions/{path_segment(completion_id, 'completion_id')}"
        return self._client.request("POST", path, body=params, cast_to=ChatCompletion, options=options)  # type: ignore[no-any-return]

    def list(self, **kwargs: Unpack[_ListArgs]) -> CursorPage[ChatCompletion]:
        """Stored chat completions, one page at a time (iterating auto-pages)."""
        params, options = split_options(kwargs)
        parser: PageParser[Any] = PageParser(CursorPage, ChatCompletion)
        return self._client.request("GET", "/chat/completions", query=params, cast_to=None, parser=parser, options=options)  # type: ignore[no-any-return]

    def delete(self, completion_id: str, **options: Unpack[RequestOptions]) -> ChatCompletionDeleted:
        path = f"/chat/completions/{path_segment(completion_id, 'completion_id')}"
        return self._client.request("DELETE", path, cast_to=ChatCompletionDeleted, options=options)  # type: ignore[no-any-return]

    @cached_property
    def messages(self) -> Messages:
        return Messages(self._client)

    @cached_property
    def with_raw_response(self) -> CompletionsWithRawResponse:
        return CompletionsWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> CompletionsWithStreamingResponse:
        return CompletionsWithStreamingResponse(self)


class Messages(SyncAPIResource):
    def list(self, completion_id: str, **kwargs: Unpack[_MessagesListArgs]) -> CursorPage[ChatCompletionStoreMessage]:
        """The messages of a stored chat completion."""
        params, options = split_options(kwargs)
        path = f"/chat/completions/{path_segment(completion_id, 'completion_id')}/messages"
        parser: PageParser[Any] = PageParser(CursorPage, ChatCompletionStoreMessage)
        return self._client.request("GET", path, query=params, cast_to=None, parser=parser, options=options)  # type: ignore[no-any-return]


class CompletionsWithRawResponse:
    def __init__(self, completions: Completions) -> None:
        self.create = to_raw_response_wrapper(completions.create)
        self.retrieve = to_raw_response_wrapper(completions.retrieve)
        self.update = to_raw_response_wrapper(completions.update)
        self.list = to_raw_response_wrapper(completions.list)
        self.delete = to_raw_response_wrapper(completions.delete)


class CompletionsWithStreamingResponse:
    def __init__(self, completions: Completions) -> None:
        self.create = to_streamed_response_wrapper(completions.create)
        self.retrieve = to_streamed_response_wrapper(completions.retrieve)
        self.update = to_streamed_response_wrapper(completions.update)
        self.list = to_streamed_response_wrapper(completions.list)
        self.delete = to_streamed_response_wrapper(completions.delete)
