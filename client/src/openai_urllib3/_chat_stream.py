"""``client.chat.completions.stream(...)``: the official SDK's typed events as chunks arrive, and the
accumulated (and parsed) completion at the end.

Events, as the official helpers guide lists them: ``chunk``, ``content.delta`` / ``content.done``,
``refusal.delta`` / ``refusal.done``, ``tool_calls.function.arguments.delta`` / ``.done`` (with
``parsed_arguments`` for strict tools), ``logprobs.content.delta`` / ``.done`` and
``logprobs.refusal.delta`` / ``.done``. A delta's ``parsed`` is set once the content so far is
complete JSON (the official SDK also parses incomplete JSON, partially).
"""

from __future__ import annotations

import json
from typing import Any, Iterator

from ._chat_accumulator import ChatCompletionAccumulator
from ._streaming import Stream
from .types.chat import ChatCompletionChunk

__all__ = [
    "ChatCompletionStream",
    "ChatCompletionStreamEvent",
    "ChunkEvent",
    "ContentDeltaEvent",
    "ContentDoneEvent",
    "FunctionToolCallArgumentsDeltaEvent",
    "FunctionToolCallArgumentsDoneEvent",
    "LogprobsContentDeltaEvent",
    "LogprobsContentDoneEvent",
    "LogprobsRefusalDeltaEvent",
    "LogprobsRefusalDoneEvent",
    "RefusalDeltaEvent",
    "RefusalDoneEvent",
]


class ChatCompletionStreamEvent:
    """One event of the stream; ``type`` says which, the other attributes are the event's fields."""

    type: str
    __slots__ = ("__dict__",)

    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(fields)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in self.__dict__.items() if name != "snapshot")
        return f"{type(self).__name__}(type={self.type!r}, {shown})"


def _event(name: str, kind: str) -> type[ChatCompletionStreamEvent]:
    return type(name, (ChatCompletionStreamEvent,), {"type": kind, "__slots__": ()})


ChunkEvent = _event("ChunkEvent", "chunk")
ContentDeltaEvent = _event("ContentDeltaEvent", "content.delta")
ContentDoneEvent = _event("ContentDoneEvent", "content.done")
RefusalDeltaEvent = _event("RefusalDeltaEvent", "refusal.delta")
RefusalDoneEvent = _event("RefusalDoneEvent", "refusal.done")
FunctionToolCallArgumentsDeltaEvent = _event("FunctionToolCallArgumentsDeltaEvent", "tool_calls.function.arguments.delta")
FunctionToolCallArgumentsDoneEvent = _event("FunctionToolCallArgumentsDoneEvent", "tool_calls.function.arguments.done")
LogprobsContentDeltaEvent = _event("LogprobsContentDeltaEvent", "logprobs.content.delta")
LogprobsContentDoneEvent = _event("LogprobsContentDoneEvent", "logprobs.content.done")
LogprobsRefusalDeltaEvent = _event("LogprobsRefusalDeltaEvent", "logprobs.refusal.delta")
LogprobsRefusalDoneEvent = _event("LogprobsRefusalDoneEvent", "logprobs.refusal.done")


class _Choice:
    __slots__ = ("content", "content_done", "content_logprobs", "refusal", "refusal_done", "refusal_logprobs", "tool_calls", "tools_done")

    def __init__(self) -> None:
        self.content: str | None = None
        self.refusal: str | None = None
        self.content_logprobs: list[Any] | None = None
        self.refusal_logprobs: list[Any] | None = None
        self.tool_calls: dict[int, dict[str, str]] = {}
        self.tools_done: set[int] = set()
        self.content_done = self.refusal_done = False


class ChatCompletionStream:
    """Iterate for typed events; ``get_final_completion()`` reads to the end and returns the
    accumulated completion, parsed when a ``response_format`` or strict tools were given."""

    def __init__(self, stream: Stream[ChatCompletionChunk], *, response_format: Any = None, tools: Any = None) -> None:
        self.stream = stream
        self.accumulator = ChatCompletionAccumulator()
        self._response_format = response_format
        self._tools = tools
        self._choices: dict[int, _Choice] = {}
        self._events: Iterator[ChatCompletionStreamEvent] | None = None

    def __iter__(self) -> Iterator[ChatCompletionStreamEvent]:
        if self._events is None:
            self._events = self._produce()
        return self._events

    def __next__(self) -> ChatCompletionStreamEvent:
        return next(iter(self))

    def _produce(self) -> Iterator[ChatCompletionStreamEvent]:
        for chunk in self.stream:
            self.accumulator.add_chunk(chunk)
            yield ChunkEvent(chunk=chunk, snapshot=self.accumulator.snapshot())
            for raw in chunk.raw("choices") or []:
                if isinstance(raw, dict):
                    yield from self._choice_events(raw)

    def _choice_events(self, raw: dict[str, Any]) -> Iterator[ChatCompletionStreamEvent]:
        index = raw.get("index", 0)
        state = self._choices.setdefault(index, _Choice())
        delta = raw.get("delta") or {}
        content = delta.get("content")
        if isinstance(content, str):  # an empty delta too, as the official SDK fires it
            state.content = (state.content or "") + content
            yield ContentDeltaEvent(delta=content, snapshot=state.content, parsed=self._parsed_so_far(state.content))
        refusal = delta.get("refusal")
        if isinstance(refusal, str):
            state.refusal = (state.refusal or "") + refusal
            yield RefusalDeltaEvent(delta=refusal, snapshot=state.refusal)
        for call in delta.get("tool_calls") or []:
            if not isinstance(call, dict):
                continue
            position = int(call.get("index", len(state.tool_calls)))
            slot = state.tool_calls.setdefault(position, {"name": "", "arguments": ""})
            function = call.get("function") or {}
            slot["name"] += str(function.get("name") or "")
            piece = str(function.get("arguments") or "")
            slot["arguments"] += piece
            yield FunctionToolCallArgumentsDeltaEvent(
                name=slot["name"], index=position, arguments=slot["arguments"], parsed_arguments=self._partial_arguments(slot), arguments_delta=piece
            )
        if state.tool_calls:  # a later call began: the earlier ones are complete (after this chunk's deltas)
            latest = max(state.tool_calls)
            for earlier in sorted(state.tool_calls):
                if earlier < latest and earlier not in state.tools_done:
                    yield self._tool_done(state, earlier)
        logprobs = raw.get("logprobs") or {}
        if isinstance(logprobs, dict):
            for key, delta_event in (("content", LogprobsContentDeltaEvent), ("refusal", LogprobsRefusalDeltaEvent)):
                items = logprobs.get(key)
                if isinstance(items, list) and items:
                    attribute = f"{key}_logprobs"
                    snapshot = (getattr(state, attribute) or []) + items
                    setattr(state, attribute, snapshot)
                    yield delta_event(**{key: items, "snapshot": snapshot})
        if raw.get("finish_reason"):
            yield from self._done_events(state)

    def _done_events(self, state: _Choice) -> Iterator[ChatCompletionStreamEvent]:
        if state.content is not None and not state.content_done:
            state.content_done = True
            yield ContentDoneEvent(content=state.content, parsed=self._parsed_final(state.content))
        if state.refusal is not None and not state.refusal_done:
            state.refusal_done = True
            yield RefusalDoneEvent(refusal=state.refusal)
        for position in sorted(state.tool_calls):
            if position not in state.tools_done:
                yield self._tool_done(state, position)
        if state.content_logprobs is not None:
            yield LogprobsContentDoneEvent(content=state.content_logprobs)
        if state.refusal_logprobs is not None:
            yield LogprobsRefusalDoneEvent(refusal=state.refusal_logprobs)

    def _tool_done(self, state: _Choice, position: int) -> ChatCompletionStreamEvent:
        from ._structured import _load, tool_argument_parser

        state.tools_done.add(position)
        slot = state.tool_calls[position]
        parsed, kind = tool_argument_parser(self._tools, slot["name"])
        parsed_arguments = _load(slot["arguments"], kind, f"arguments for {slot['name']}") if parsed else None
        return FunctionToolCallArgumentsDoneEvent(name=slot["name"], index=position, arguments=slot["arguments"], parsed_arguments=parsed_arguments)

    def _partial_arguments(self, slot: dict[str, str]) -> Any:
        from ._structured import tool_argument_parser

        if not tool_argument_parser(self._tools, slot["name"])[0]:
            return None
        return partial_json(slot["arguments"])

    def _parsed_so_far(self, content: str) -> Any:
        return partial_json(content) if self._response_format is not None else None

    def _parsed_final(self, content: str) -> Any:
        from ._structured import _load

        if self._response_format is None or isinstance(self._response_format, dict):
            return None
        return _load(content, self._response_format, "answer")

    def until_done(self) -> ChatCompletionStream:
        """Read the stream to its end (the events are not kept)."""
        for _ in self:
            pass
        return self

    def get_final_completion(self) -> Any:
        """The accumulated completion, a ``ParsedChatCompletion`` (``message.parsed``, tool calls'
        ``parsed_arguments``), as the official SDK's."""
        from ._structured import parse_chat_completion

        self.until_done()
        return parse_chat_completion(self.accumulator.snapshot(), self._response_format, self._tools)

    @property
    def current_completion_snapshot(self) -> Any:
        return self.accumulator.snapshot()

    @property
    def request_id(self) -> str | None:
        return self.stream.request_id

    @property
    def response(self) -> Any:
        return self.stream.response

    def close(self) -> None:
        self.stream.close()

    def __enter__(self) -> ChatCompletionStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def partial_json(text: str) -> Any:
    """The value an incomplete JSON text has so far, as the official SDK's partial parsing gives it:
    containers closed where the text stops, an unfinished key, string, number or literal left out
    (``'{"city": "Os'`` -> ``{}``, ``'{"a": 1, "b": [2'`` -> ``{"a": 1, "b": [2]}``)."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        pass
    stack: list[str] = []  # the open containers: "{" or "["
    safe = 0  # the longest prefix that, closed, is valid JSON
    safe_stack: list[str] = []
    expect_key = False  # in an object, whether the next string is a key
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char in " \t\r\n":
            index += 1
            continue
        if char == ",":
            expect_key = bool(stack) and stack[-1] == "{"
            index += 1
            continue
        if char == ":":
            expect_key = False
            index += 1
            continue
        if char in "{[":
            stack.append(char)
            expect_key = char == "{"
            index += 1
            safe, safe_stack = index, list(stack)
            continue
        if char in "}]":
            if not stack:
                break
            stack.pop()
            expect_key = False
            index += 1
            safe, safe_stack = index, list(stack)
            continue
        if char == '"':
            index += 1
            while index < length and text[index] != '"':
                index += 2 if text[index] == "\\" else 1
            if index >= length:
                break  # an unfinished string
            index += 1
        else:
            while index < length and text[index] not in " \t\r\n,:]}":
                index += 1
            if index >= length:
                break  # an unfinished number or literal: it may go on
        if stack and stack[-1] == "{" and expect_key:
            continue  # a key: complete only with its value
        safe, safe_stack = index, list(stack)
    candidate = text[:safe].rstrip().rstrip(",") + "".join("}" if opener == "{" else "]" for opener in reversed(safe_stack))
    try:
        return json.loads(candidate) if candidate else None
    except (ValueError, RecursionError):
        return None
