"""An assistant run's stream, as the official SDK's ``AssistantEventHandler``: subscribe by
overriding ``on_*`` methods, or iterate the events; messages and run steps are accumulated from
their deltas, so every callback gets the snapshot so far.

    class Printer(AssistantEventHandler):
        def on_text_delta(self, delta, snapshot):
            print(delta.value, end="")

    with client.beta.threads.runs.stream(thread_id=..., assistant_id=..., event_handler=Printer()) as stream:
        stream.until_done()
        run = stream.get_final_run()

Beyond the official SDK, ``on_tool_call_done`` is called once per tool call (the official one
calls it again at every later step or run event of the same stream).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, Callable, Generic, Iterator, TypeVar

from ._exceptions import APITimeoutError
from ._streaming import Stream

if TYPE_CHECKING:
    from .types.beta.assistant_stream_event import AssistantStreamEvent
    from .types.beta.threads import ImageFile, Message, MessageDelta, Run, Text, TextDelta
    from .types.beta.threads.runs import RunStep, RunStepDelta, ToolCall, ToolCallDelta

__all__ = ["AssistantEventHandler", "AssistantStreamManager"]

_H = TypeVar("_H", bound="AssistantEventHandler")

_RUN_SETTLED = frozenset({"thread.run.completed", "thread.run.cancelled", "thread.run.failed", "thread.run.requires_action", "thread.run.expired", "thread.run.incomplete"})
_STEP_SETTLED = frozenset({"thread.run.step.completed", "thread.run.step.cancelled", "thread.run.step.expired", "thread.run.step.failed"})


def merge_delta(snapshot: dict[str, Any], delta: dict[str, Any]) -> None:
    """Fold a delta object into its snapshot: text is appended, objects merged, list entries that
    carry an ``index`` merged into that entry (new ones added); ``index``, ``type`` and ``id`` are
    replaced, never appended."""
    for key, value in delta.items():
        current = snapshot.get(key)
        if current is None or key in ("index", "type", "id"):
            snapshot[key] = copy.deepcopy(value)
        elif isinstance(current, str) and isinstance(value, str):
            snapshot[key] = current + value
        elif isinstance(current, dict) and isinstance(value, dict):
            merge_delta(current, value)
        elif isinstance(current, list) and isinstance(value, list):
            _merge_list(current, value)
        else:
            snapshot[key] = copy.deepcopy(value)


def _merge_list(snapshot: list[Any], delta: list[Any]) -> None:
    for entry in delta:
        if isinstance(entry, dict) and isinstance(entry.get("index"), int):
            position = next((i for i, old in enumerate(snapshot) if isinstance(old, dict) and old.get("index") == entry["index"]), None)
            if position is None:
                snapshot.append(copy.deepcopy(entry))
            else:
                merge_delta(snapshot[position], entry)
        else:
            snapshot.append(copy.deepcopy(entry))


class AssistantEventHandler:
    """Override the ``on_*`` methods for the events you want; iterate for all of them."""

    def __init__(self) -> None:
        self._stream: Stream[Any] | None = None
        self._events: Iterator[AssistantStreamEvent] | None = None
        self._current_event: AssistantStreamEvent | None = None
        self._current_run: Run | None = None
        self._messages: dict[str, dict[str, Any]] = {}
        self._message_id: str | None = None
        self._content_index: int | None = None
        self._steps: dict[str, dict[str, Any]] = {}
        self._step_id: str | None = None
        self._tool_call_index: int | None = None

    # -- the stream -------------------------------------------------------------------------

    def _attach(self, stream: Stream[Any]) -> None:
        if self._stream is not None:
            raise RuntimeError("This event handler is already attached to a stream; give each stream its own handler.")
        self._stream = stream
        self._events = self._run()

    def _run(self) -> Iterator[AssistantStreamEvent]:
        assert self._stream is not None
        try:
            for event in self._stream:
                self._dispatch(event)
                yield event
        except APITimeoutError as error:
            self.on_timeout()
            self.on_exception(error)
            raise
        except Exception as error:
            self.on_exception(error)
            raise
        finally:
            self.on_end()

    def __iter__(self) -> Iterator[AssistantStreamEvent]:
        if self._events is None:
            raise RuntimeError("The event handler has no stream yet: use it through runs.stream(..., event_handler=...) in a with block.")
        return self._events

    def __next__(self) -> AssistantStreamEvent:
        return next(iter(self))

    def until_done(self) -> None:
        """Consume the stream to its end, calling the handlers."""
        for _ in self:
            pass

    def close(self) -> None:
        """Release the connection."""
        if self._stream is not None:
            self._stream.close()

    @property
    def text_deltas(self) -> Iterator[str]:
        """The text of every text delta, as it arrives."""
        for event in self:
            if event.event == "thread.message.delta":
                for block in event.data.delta.content or []:
                    if block.type == "text" and block.text is not None and block.text.value:
                        yield block.text.value

    # -- context --------------------------------------------------------------------------------

    @property
    def current_event(self) -> AssistantStreamEvent | None:
        return self._current_event

    @property
    def current_run(self) -> Run | None:
        return self._current_run

    @property
    def current_message_snapshot(self) -> Message | None:
        return self._message(self._message_id) if self._message_id is not None else None

    @property
    def current_run_step_snapshot(self) -> RunStep | None:
        return self._step(self._step_id) if self._step_id is not None else None

    def get_final_run(self) -> Run:
        """Wait for the stream to end; the run as it was last sent."""
        self.until_done()
        if self._current_run is None:
            raise RuntimeError("The stream ended without a run object.")
        return self._current_run

    def get_final_run_steps(self) -> list[RunStep]:
        """Wait for the stream to end; every run step it told of."""
        self.until_done()
        return [self._step(step_id) for step_id in self._steps]

    def get_final_messages(self) -> list[Message]:
        """Wait for the stream to end; every message it told of."""
        self.until_done()
        return [self._message(message_id) for message_id in self._messages]

    def _message(self, message_id: str) -> Message:
        from .types.beta.threads import Message

        return Message(self._messages[message_id])

    def _step(self, step_id: str) -> RunStep:
        from .types.beta.threads.runs import RunStep

        return RunStep(self._steps[step_id])

    # -- turning events into callbacks -------------------------------------------------------

    def _dispatch(self, event: Any) -> None:
        self._current_event = event
        self.on_event(event)
        name = event.event
        if name.startswith("thread.run.step."):
            self._on_step_event(name, event.data)
        elif name.startswith("thread.run."):
            self._current_run = event.data
            if name in _RUN_SETTLED:
                self._finish_tool_call()
        elif name.startswith("thread.message."):
            self._on_message_event(name, event.data)

    def _on_message_event(self, name: str, data: Any) -> None:
        if name == "thread.message.created":
            self._messages[data.id] = data.to_dict()
            self._message_id, self._content_index = data.id, None
            self.on_message_created(self._message(data.id))
        elif name == "thread.message.delta":
            snapshot = self._messages.setdefault(data.id, {"id": data.id, "object": "thread.message", "content": []})
            self._message_id = data.id
            blocks = snapshot.setdefault("content", [])
            for block in data.delta.content or []:
                raw = block.to_dict()
                index = int(raw.get("index", len(blocks)))
                fresh = index >= len(blocks)
                if fresh:
                    while len(blocks) < index:
                        blocks.append({})
                    blocks.append({key: value for key, value in copy.deepcopy(raw).items() if key != "index"})
                else:
                    merge_delta(blocks[index], {key: value for key, value in raw.items() if key != "index"})
                if index != self._content_index:
                    self._finish_content()
                    self._content_index = index
                    if blocks[index].get("type") == "text":
                        self.on_text_created(self._message(data.id).content[index].text)
                if block.type == "text" and block.text is not None:
                    self.on_text_delta(block.text, self._message(data.id).content[index].text)
            self.on_message_delta(data.delta, self._message(data.id))
        elif name in ("thread.message.completed", "thread.message.incomplete"):
            self._messages[data.id] = data.to_dict()
            self._message_id = data.id
            self._finish_content()
            self.on_message_done(self._message(data.id))

    def _finish_content(self) -> None:
        """The block being written is done: its ``on_text_done`` / ``on_image_file_done``."""
        index, self._content_index = self._content_index, None
        if index is None or self._message_id is None:
            return
        message = self._message(self._message_id)
        if index >= len(message.content or []):
            return
        block = message.content[index]
        if block.type == "text":
            self.on_text_done(block.text)
        elif block.type == "image_file":
            self.on_image_file_done(block.image_file)

    def _on_step_event(self, name: str, data: Any) -> None:
        if name == "thread.run.step.created":
            self._finish_tool_call()
            self._steps[data.id] = data.to_dict()
            self._step_id = data.id
            self.on_run_step_created(self._step(data.id))
        elif name == "thread.run.step.in_progress":
            self._steps[data.id] = data.to_dict()
            self._step_id = data.id
        elif name == "thread.run.step.delta":
            snapshot = self._steps.setdefault(data.id, {"id": data.id, "object": "thread.run.step"})
            self._step_id = data.id
            delta = data.delta.to_dict()
            merge_delta(snapshot, delta)
            typed = data.delta.step_details
            typed_calls = (typed.tool_calls or []) if typed is not None and typed.type == "tool_calls" else []
            for raw, call in zip((delta.get("step_details") or {}).get("tool_calls") or [], typed_calls):
                index = int(raw.get("index", 0))
                position = next((i for i, c in enumerate(snapshot["step_details"]["tool_calls"]) if c.get("index") == index), index)
                snapshot_call = self._step(data.id).step_details.tool_calls[position]
                if index != self._tool_call_index:
                    self._finish_tool_call()
                    self._tool_call_index = index
                    self.on_tool_call_created(snapshot_call)
                else:
                    self.on_tool_call_delta(call, snapshot_call)
            self.on_run_step_delta(data.delta, self._step(data.id))
        elif name in _STEP_SETTLED:
            self._finish_tool_call()
            self._steps[data.id] = data.to_dict()
            self.on_run_step_done(self._step(data.id))
            self._step_id = None

    def _finish_tool_call(self) -> None:
        index, self._tool_call_index = self._tool_call_index, None
        if index is None or self._step_id is None or self._step_id not in self._steps:
            return
        details = self._steps[self._step_id].get("step_details") or {}
        calls = details.get("tool_calls") or []
        position = next((i for i, c in enumerate(calls) if c.get("index") == index), index)
        if position < len(calls):
            self.on_tool_call_done(self._step(self._step_id).step_details.tool_calls[position])

    # -- the callbacks (override these) ------------------------------------------------------------

    def on_event(self, event: AssistantStreamEvent) -> None:
        """Every event, before the more specific callbacks."""

    def on_run_step_created(self, run_step: RunStep) -> None: ...

    def on_run_step_delta(self, delta: RunStepDelta, snapshot: RunStep) -> None: ...

    def on_run_step_done(self, run_step: RunStep) -> None: ...

    def on_tool_call_created(self, tool_call: ToolCall) -> None: ...

    def on_tool_call_delta(self, delta: ToolCallDelta, snapshot: ToolCall) -> None: ...

    def on_tool_call_done(self, tool_call: ToolCall) -> None: ...

    def on_message_created(self, message: Message) -> None: ...

    def on_message_delta(self, delta: MessageDelta, snapshot: Message) -> None: ...

    def on_message_done(self, message: Message) -> None: ...

    def on_text_created(self, text: Text) -> None: ...

    def on_text_delta(self, delta: TextDelta, snapshot: Text) -> None: ...

    def on_text_done(self, text: Text) -> None: ...

    def on_image_file_done(self, image_file: ImageFile) -> None: ...

    def on_end(self) -> None:
        """The stream ended (normally or not)."""

    def on_timeout(self) -> None:
        """The stream timed out (``on_exception`` follows)."""

    def on_exception(self, exception: Exception) -> None:
        """The stream failed with ``exception`` (it is raised after this)."""


class AssistantStreamManager(Generic[_H]):
    """What ``runs.stream(...)`` returns: opens the stream on entering, gives the handler."""

    def __init__(self, open_stream: Callable[[], Stream[Any]], event_handler: _H) -> None:
        self._open = open_stream
        self._handler = event_handler

    def __enter__(self) -> _H:
        self._handler._attach(self._open())
        return self._handler

    def __exit__(self, *exc: object) -> None:
        self._handler.close()
