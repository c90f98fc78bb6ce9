"""Hand-written helpers that generated resources derive from (named in codegen/config.py):
stream helpers with accumulators, and the polling helpers of the official SDK."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping, TypeVar, overload

if TYPE_CHECKING:
    from ._assistant_stream import AssistantEventHandler, AssistantStreamManager
    from ._chat_stream import ChatCompletionStream
    from ._client import OpenAI
    from ._realtime import RealtimeConnectionManager
    from ._responses_stream import ResponseStream
    from ._structured import ParsedChatCompletion, ParsedResponse
    from .types.beta.threads import Run

_T = TypeVar("_T")

__all__ = [
    "BetaHelpers",
    "BetaThreadsHelpers",
    "BetaThreadsRunsHelpers",
    "ChatCompletionsHelpers",
    "FilesHelpers",
    "RealtimeHelpers",
    "ResponsesHelpers",
    "UploadsHelpers",
    "VectorStoreFileBatchesHelpers",
    "VectorStoreFilesHelpers",
    "VideosHelpers",
]

_TERMINAL_FILE = frozenset({"processed", "error", "deleted"})


class _Helper:
    _client: OpenAI

    def _sleep(self, seconds: float) -> None:
        self._client._config.sleep(seconds)


class BetaHelpers(_Helper):
    @property
    def chat(self) -> Any:
        """``client.beta.chat.completions.parse`` / ``.stream``: the official SDK's older paths for
        ``client.chat.completions``, which code written for it still uses."""
        return self._client.chat


_RUN_PENDING = frozenset({"queued", "in_progress", "cancelling"})


def _assistant_stream(client: OpenAI, operation: Any, path_values: dict[str, str], kwargs: dict[str, Any], event_handler: Any) -> AssistantStreamManager[Any]:
    from ._assistant_stream import AssistantEventHandler, AssistantStreamManager
    from ._operation import call_stream

    kwargs.pop("stream", None)
    kwargs["extra_headers"] = {"X-Stainless-Helper-Method": "stream", **(kwargs.get("extra_headers") or {})}
    return AssistantStreamManager(lambda: call_stream(client, operation, path_values, kwargs), event_handler or AssistantEventHandler())


class RealtimeHelpers(_Helper):
    def connect(
        self,
        *,
        model: str | None = None,
        call_id: str | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        websocket_connection_options: Mapping[str, Any] | None = None,
    ) -> RealtimeConnectionManager:
        """Open a Realtime session over a WebSocket: ``with client.realtime.connect(model=...) as
        connection:`` (needs ``pip install 'openai-urllib3[realtime]'``). ``websocket_connection_options``
        is the official SDK's pass-through to its WebSocket library; none are taken here, so giving
        any is an error."""
        from ._realtime import RealtimeConnectionManager

        if websocket_connection_options:
            raise TypeError(f"websocket_connection_options are not supported here (got {sorted(websocket_connection_options)}); the connection uses the client's own settings")
        return RealtimeConnectionManager(self._client, model=model, call_id=call_id, extra_query=extra_query, extra_headers=extra_headers)


class BetaThreadsRunsHelpers(_Helper):
    """The official SDK's run helpers: ``stream`` with an :class:`AssistantEventHandler`, and polling."""

    def stream(self, *, thread_id: str, event_handler: AssistantEventHandler | None = None, **kwargs: Any) -> AssistantStreamManager[Any]:
        """Create a run and stream it: ``with runs.stream(...) as stream: stream.until_done()``."""
        from .resources.beta import BETA_THREADS_RUNS_CREATE

        return _assistant_stream(self._client, BETA_THREADS_RUNS_CREATE, {"thread_id": thread_id}, kwargs, event_handler)

    create_and_stream = stream  # the official SDK's older name

    def submit_tool_outputs_stream(
        self, *, tool_outputs: Iterable[Any], run_id: str, thread_id: str, event_handler: AssistantEventHandler | None = None, **kwargs: Any
    ) -> AssistantStreamManager[Any]:
        """Submit tool outputs to a run awaiting them and stream what follows."""
        from .resources.beta import BETA_THREADS_RUNS_SUBMIT_TOOL_OUTPUTS

        kwargs["tool_outputs"] = list(tool_outputs)
        return _assistant_stream(self._client, BETA_THREADS_RUNS_SUBMIT_TOOL_OUTPUTS, {"thread_id": thread_id, "run_id": run_id}, kwargs, event_handler)

    def poll(self, run_id: str, thread_id: str, *, poll_interval_ms: int | None = None, **options: Any) -> Run:
        """Wait until the run is no longer queued or in progress (``requires_action`` ends the wait
        too), at the interval the server asks for (``openai-poll-after-ms``) unless one is given."""
        headers = {"X-Stainless-Poll-Helper": "true", **(options.pop("extra_headers", None) or {})}
        if poll_interval_ms is not None:
            headers["X-Stainless-Custom-Poll-Interval"] = str(poll_interval_ms)
        while True:
            raw = self.with_raw_response.retrieve(run_id, thread_id=thread_id, extra_headers=headers, **options)  # type: ignore[attr-defined]
            run: Run = raw.parse()
            if run.status not in _RUN_PENDING:
                return run
            self._sleep(_poll_interval(raw, poll_interval_ms))

    def create_and_poll(self, *, thread_id: str, poll_interval_ms: int | None = None, **kwargs: Any) -> Run:
        run = self.create(thread_id, **kwargs)  # type: ignore[attr-defined]
        return self.poll(run.id, thread_id, poll_interval_ms=poll_interval_ms)

    def submit_tool_outputs_and_poll(self, *, tool_outputs: Iterable[Any], run_id: str, thread_id: str, poll_interval_ms: int | None = None, **kwargs: Any) -> Run:
        run = self.submit_tool_outputs(run_id, thread_id=thread_id, tool_outputs=list(tool_outputs), **kwargs)  # type: ignore[attr-defined]
        return self.poll(run.id, thread_id, poll_interval_ms=poll_interval_ms)


class BetaThreadsHelpers(_Helper):
    def create_and_run_stream(self, *, event_handler: AssistantEventHandler | None = None, **kwargs: Any) -> AssistantStreamManager[Any]:
        """Create a thread and a run on it, and stream the run."""
        from .resources.beta import BETA_THREADS_CREATE_AND_RUN

        return _assistant_stream(self._client, BETA_THREADS_CREATE_AND_RUN, {}, kwargs, event_handler)

    def create_and_run_poll(self, *, poll_interval_ms: int | None = None, **kwargs: Any) -> Run:
        """Create a thread and a run on it, and wait for the run."""
        run = self.create_and_run(**kwargs)  # type: ignore[attr-defined]
        runs: BetaThreadsRunsHelpers = self._client.beta.threads.runs
        return runs.poll(run.id, run.thread_id, poll_interval_ms=poll_interval_ms)


class ChatCompletionsHelpers(_Helper):
    def stream(self, *, response_format: Any = None, **kwargs: Any) -> ChatCompletionStream:
        """Stream a chat completion as the official SDK's typed events (``content.delta``,
        ``tool_calls.function.arguments.done``, ...); then ``get_final_completion()``, parsed into
        ``response_format`` when one is given."""
        from ._chat_stream import ChatCompletionStream
        from ._operation import call_stream
        from ._structured import response_format_for
        from .resources.chat import CHAT_COMPLETIONS_CREATE

        kwargs.pop("stream", None)
        if response_format is not None:
            kwargs["response_format"] = response_format_for(response_format)
        stream = call_stream(self._client, CHAT_COMPLETIONS_CREATE, {}, kwargs)
        return ChatCompletionStream(stream, response_format=response_format, tools=kwargs.get("tools"))

    @overload
    def parse(self, *, response_format: type[_T], **kwargs: Any) -> ParsedChatCompletion[_T]: ...

    @overload
    def parse(self, *, response_format: None = None, **kwargs: Any) -> ParsedChatCompletion[None]: ...

    def parse(self, *, response_format: Any = None, **kwargs: Any) -> ParsedChatCompletion[Any]:
        """Create a completion whose message is parsed into ``response_format`` (a dataclass, a
        ``TypedDict`` or a pydantic model): ``choices[i].message.parsed``. Without one, as the
        official SDK, the completion comes back with ``parsed`` left ``None``."""
        from ._operation import call
        from ._structured import parse_chat_completion, response_format_for
        from .resources.chat import CHAT_COMPLETIONS_CREATE

        if response_format is not None:
            kwargs["response_format"] = response_format_for(response_format)
        completion = call(self._client, CHAT_COMPLETIONS_CREATE, {}, kwargs)
        return parse_chat_completion(completion, response_format, kwargs.get("tools"))


class ResponsesHelpers(_Helper):
    def stream(self, *, text_format: Any = None, **kwargs: Any) -> ResponseStream:
        """Stream a response: iterate its typed events, then ``get_final_response()`` (parsed into
        ``text_format`` when one is given: ``output_parsed``)."""
        from ._operation import call_stream
        from ._responses_stream import ResponseStream
        from ._structured import text_format_for
        from .resources.responses import RESPONSES_CREATE

        kwargs.pop("stream", None)
        if text_format is not None:
            text = dict(kwargs.pop("text", None) or {})
            text["format"] = text_format_for(text_format)
            kwargs["text"] = text
        return ResponseStream(call_stream(self._client, RESPONSES_CREATE, {}, kwargs), text_format=text_format)

    def parse(self, *, text_format: type[_T], **kwargs: Any) -> ParsedResponse[_T]:
        """Create a response whose output text is parsed into ``text_format``: ``output_parsed``."""
        from ._operation import call
        from ._structured import parse_response, text_format_for
        from .resources.responses import RESPONSES_CREATE

        text = dict(kwargs.pop("text", None) or {})
        text["format"] = text_format_for(text_format)
        response = call(self._client, RESPONSES_CREATE, {}, {**kwargs, "text": text})
        return parse_response(response, text_format)


class FilesHelpers(_Helper):
    def wait_for_processing(self, id: str, *, poll_interval: float = 5.0, max_wait_seconds: float = 30 * 60) -> Any:
        """Poll a file until it is processed (or failed); raise ``TimeoutError`` past ``max_wait_seconds``."""
        waited = 0.0
        file = self.retrieve(id)  # type: ignore[attr-defined]
        while file.status not in _TERMINAL_FILE:
            if waited >= max_wait_seconds:
                raise TimeoutError(f"File {id} was still {file.status!r} after {max_wait_seconds} seconds")
            self._sleep(poll_interval)
            waited += poll_interval
            file = self.retrieve(id)  # type: ignore[attr-defined]
        return file


def _poll_interval(response: Any, default_ms: int | None) -> float:
    if default_ms is not None:
        return default_ms / 1000
    raw = response.headers.get("openai-poll-after-ms") if hasattr(response, "headers") else None
    return int(raw) / 1000 if raw and raw.isdigit() else 1.0


class VectorStoreFilesHelpers(_Helper):
    def poll(self, file_id: str, *, vector_store_id: str, poll_interval_ms: int | None = None) -> Any:
        """Wait until a vector store file is no longer ``in_progress``."""
        while True:
            raw = self.with_raw_response.retrieve(file_id, vector_store_id=vector_store_id)  # type: ignore[attr-defined]
            file = raw.parse()
            if file.status != "in_progress":
                return file
            self._sleep(_poll_interval(raw, poll_interval_ms))

    def create_and_poll(self, file_id: str, *, vector_store_id: str, poll_interval_ms: int | None = None, **kwargs: Any) -> Any:
        self.create(vector_store_id=vector_store_id, file_id=file_id, **kwargs)  # type: ignore[attr-defined]
        return self.poll(file_id, vector_store_id=vector_store_id, poll_interval_ms=poll_interval_ms)

    def upload(self, *, vector_store_id: str, file: Any, **kwargs: Any) -> Any:
        """Upload a file (purpose ``assistants``) and attach it to the vector store."""
        uploaded = self._client.files.create(file=file, purpose="assistants")
        return self.create(vector_store_id=vector_store_id, file_id=uploaded.id, **kwargs)  # type: ignore[attr-defined]

    def upload_and_poll(self, *, vector_store_id: str, file: Any, poll_interval_ms: int | None = None, **kwargs: Any) -> Any:
        uploaded = self._client.files.create(file=file, purpose="assistants")
        return self.create_and_poll(uploaded.id, vector_store_id=vector_store_id, poll_interval_ms=poll_interval_ms, **kwargs)


class VectorStoreFileBatchesHelpers(_Helper):
    def poll(self, batch_id: str, *, vector_store_id: str, poll_interval_ms: int | None = None) -> Any:
        """Wait until a file batch is no longer ``in_progress``."""
        while True:
            raw = self.with_raw_response.retrieve(batch_id, vector_store_id=vector_store_id)  # type: ignore[attr-defined]
            batch = raw.parse()
            if batch.status != "in_progress":
                return batch
            self._sleep(_poll_interval(raw, poll_interval_ms))

    def create_and_poll(self, *, vector_store_id: str, poll_interval_ms: int | None = None, **kwargs: Any) -> Any:
        batch = self.create(vector_store_id=vector_store_id, **kwargs)  # type: ignore[attr-defined]
        return self.poll(batch.id, vector_store_id=vector_store_id, poll_interval_ms=poll_interval_ms)

    def upload_and_poll(self, *, vector_store_id: str, files: Iterable[Any], file_ids: Iterable[str] = (), poll_interval_ms: int | None = None, **kwargs: Any) -> Any:
        """Upload ``files`` one after the other, then create a batch of them (and ``file_ids``) and wait for it."""
        ids = list(file_ids)
        for file in files:
            ids.append(self._client.files.create(file=file, purpose="assistants").id)
        return self.create_and_poll(vector_store_id=vector_store_id, file_ids=ids, poll_interval_ms=poll_interval_ms, **kwargs)


class VideosHelpers(_Helper):
    def poll(self, video_id: str, *, poll_interval_ms: int | None = None) -> Any:
        """Wait until a video is ``completed`` or ``failed`` (check ``status`` and ``error``), at the
        interval the server asks for (``openai-poll-after-ms``) unless one is given."""
        while True:
            raw = self.with_raw_response.retrieve(video_id, extra_headers={"X-Stainless-Poll-Helper": "true"})  # type: ignore[attr-defined]
            video = raw.parse()
            if video.status not in ("queued", "in_progress"):
                return video
            self._sleep(_poll_interval(raw, poll_interval_ms))

    def create_and_poll(self, *, poll_interval_ms: int | None = None, **kwargs: Any) -> Any:
        video = self.create(**kwargs)  # type: ignore[attr-defined]
        return self.poll(video.id, poll_interval_ms=poll_interval_ms)


_DEFAULT_PART_SIZE = 64 * 1024 * 1024


class UploadsHelpers(_Helper):
    def upload_file_chunked(
        self,
        *,
        file: Any,
        mime_type: str,
        purpose: str,
        filename: str | None = None,
        bytes: int | None = None,
        part_size: int | None = None,
        md5: str | None = None,
    ) -> Any:
        """Upload a file (a path or its bytes) in parts of ``part_size`` (64 MiB), then complete the
        Upload with the parts in order, as the official SDK's helper; reads one part at a time."""
        import os
        import pathlib

        size = part_size or _DEFAULT_PART_SIZE
        if isinstance(file, (builtins.bytes, bytearray)):  # ``bytes`` is the official argument's name
            total = len(file) if bytes is None else bytes
            if filename is None:
                raise TypeError("upload_file_chunked needs filename= when file is bytes")
            chunks: Iterable[Any] = (file[start : start + size] for start in range(0, len(file), size))
        else:
            path = pathlib.Path(os.fspath(file))
            total = path.stat().st_size if bytes is None else bytes
            filename = filename or path.name
            chunks = _file_chunks(path, size)
        upload = self.create(bytes=total, filename=filename, mime_type=mime_type, purpose=purpose)  # type: ignore[attr-defined]
        part_ids = []
        for chunk in chunks:
            part = self.parts.create(upload.id, data=(filename, builtins.bytes(chunk)))  # type: ignore[attr-defined]
            part_ids.append(part.id)
        extra = {"md5": md5} if md5 is not None else {}
        return self.complete(upload.id, part_ids=part_ids, **extra)  # type: ignore[attr-defined]


def _file_chunks(path: Any, size: int) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        while chunk := handle.read(size):
            yield chunk
