"""A Realtime API session, as the API runs one: client events in, server events out.

Transport-free (``_websocket`` carries the frames): each client event is checked against the spec's
``RealtimeClientEvent`` (a bad one is answered with an ``error`` event naming the problem, and the
session goes on), then acted on. Session settings and conversation items are kept; a
``response.create`` answers with the reply scripted for ``GET /realtime`` (a ``ChatReply``: text,
tool calls) or an echo of the last user turn, as text or as audio (base64 PCM16 of a tone, with its
transcript) per the session's ``output_modalities``. Server VAD is emulated on appended audio: a
chunk with sound starts speech, a silent chunk after it stops it, commits the turn and (unless
``create_response`` is off) answers it.
"""

from __future__ import annotations

import base64
import copy
import math
import struct
from typing import Any, Callable, Mapping

from .._json import loads as loads_json
from ._replies import ChatReply, count_tokens
from ._state import State
from ._streaming import tokens

__all__ = ["ROUTE", "RealtimeSession", "tone"]

ROUTE = "/realtime"
"""Where sessions open (``wss://HOST/v1/realtime?model=...``); replies are scripted for ``GET /realtime``."""

_RATE = 24_000  # PCM16 mono samples per second, the API's default audio format
_SILENCE = 64  # mean absolute sample value below which a chunk counts as silence


def tone(milliseconds: int, frequency: float = 440.0, *, amplitude: int = 8000) -> bytes:
    """PCM16 mono 24 kHz samples of a sine tone (what the emulated assistant "says")."""
    count = _RATE * milliseconds // 1000
    return struct.pack(f"<{count}h", *(int(amplitude * math.sin(2 * math.pi * frequency * n / _RATE)) for n in range(count)))


def _loud(pcm: bytes) -> bool:
    count = len(pcm) // 2
    if not count:
        return False
    samples: tuple[int, ...] = struct.unpack(f"<{count}h", pcm[: count * 2])
    return sum(abs(s) for s in samples) / count >= _SILENCE


class RealtimeSession:
    """One session's state and its answers to client events."""

    def __init__(
        self, state: State, model: str, *, validate: Callable[[Any], str | None], next_reply: Callable[[Any], Any], max_audio_bytes: int = 64 * 1024 * 1024
    ) -> None:
        self.state = state
        self.max_audio_bytes = max_audio_bytes  # the input audio buffer, uncommitted: memory stays bounded
        self.validate = validate
        self.next_reply = next_reply
        self.items: list[dict[str, Any]] = []
        self.audio = bytearray()
        self.audio_ms = 0
        self.speech: dict[str, Any] | None = None
        self.session: dict[str, Any] = {
            "type": "realtime",
            "object": "realtime.session",
            "id": state.new_id("sess_"),
            "model": model,
            "output_modalities": ["audio"],
            "instructions": "",
            "tools": [],
            "tool_choice": "auto",
            "max_output_tokens": "inf",
            "audio": {
                "input": {
                    "format": {"type": "audio/pcm", "rate": _RATE},
                    "turn_detection": {"type": "server_vad", "threshold": 0.5, "prefix_padding_ms": 300, "silence_duration_ms": 200, "create_response": True, "interrupt_response": True},
                },
                "output": {"format": {"type": "audio/pcm", "rate": _RATE}, "voice": "alloy", "speed": 1.0},
            },
        }

    # -- events out ---------------------------------------------------------------------------------

    def _event(self, kind: str, **fields: Any) -> dict[str, Any]:
        return {"type": kind, "event_id": self.state.new_id("event_"), **fields}

    def _error(self, message: str, *, code: str, param: str | None = None, event_id: str | None = None) -> dict[str, Any]:
        return self._event("error", error={"type": "invalid_request_error", "code": code, "message": message, "param": param, "event_id": event_id})

    def opening(self) -> list[dict[str, Any]]:
        return [self._event("session.created", session=copy.deepcopy(self.session))]

    # -- events in ----------------------------------------------------------------------------------

    def handle(self, text: str) -> list[dict[str, Any]]:
        """The server events answering one client event (its JSON text)."""
        try:
            event = loads_json(text)
        except ValueError:
            return [self._error("The event is not valid JSON.", code="invalid_json")]
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            return [self._error("An event must be a JSON object with a 'type'.", code="invalid_event", param="type")]
        event_id = event.get("event_id") if isinstance(event.get("event_id"), str) else None
        handler = _HANDLERS.get(event["type"])
        if handler is None:
            return [self._error(f"Invalid value: '{event['type']}'. Supported values are: {', '.join(sorted(_HANDLERS))}.", code="invalid_value", param="type", event_id=event_id)]
        problem = self.validate(event)
        if problem is not None:
            return [self._error(problem, code="invalid_value", event_id=event_id)]
        return handler(self, event, event_id)

    def _session_update(self, event: Mapping[str, Any], event_id: str | None) -> list[dict[str, Any]]:
        _merge(self.session, {k: v for k, v in dict(event.get("session") or {}).items() if k not in ("id", "object")})
        return [self._event("session.updated", session=copy.deepcopy(self.session))]

    def _add(self, item: dict[str, Any], previous_item_id: Any = "last") -> list[dict[str, Any]]:
        item = copy.deepcopy(item)
        item.setdefault("id", self.state.new_id("item_"))
        item.setdefault("object", "realtime.item")
        item.setdefault("status", "completed")
        previous = self.items[-1]["id"] if self.items and previous_item_id == "last" else (previous_item_id if isinstance(previous_item_id, str) else None)
        at = next((i + 1 for i, existing in enumerate(self.items) if existing["id"] == previous), len(self.items) if previous_item_id == "last" else 0)
        self.items.insert(at, item)
        return [self._event("conversation.item.added", previous_item_id=previous, item=copy.deepcopy(item)), self._event("conversation.item.done", previous_item_id=previous, item=copy.deepcopy(item))]

    def _item_create(self, event: Mapping[str, Any], event_id: str | None) -> list[dict[str, Any]]:
        previous = event.get("previous_item_id", "last")
        if isinstance(previous, str) and previous not in ("root", "last") and all(item["id"] != previous for item in self.items):
            return [self._error(f"Previous item with id '{previous}' not found.", code="item_not_found", param="previous_item_id", event_id=event_id)]
        return self._add(dict(event["item"]), None if previous == "root" else previous)

    def _find(self, item_id: Any) -> dict[str, Any] | None:
        return next((item for item in self.items if item["id"] == item_id), None)

    def _item_delete(self, event: Mapping[str, Any], event_id: str | None) -> list[dict[str, Any]]:
        item = self._find(event.get("item_id"))
        if item is None:
            return [self._error(f"Item with item_id '{event.get('item_id')}' not found.", code="item_not_found", param="item_id", event_id=event_id)]
        self.items.remove(item)
        return [self._event("conversation.item.deleted", item_id=item["id"])]

    def _item_retrieve(self, event: Mapping[str, Any], event_id: str | None) -> list[dict[str, Any]]:
        item = self._find(event.get("item_id"))
        if item is None:
            return [self._error(f"Item with item_id '{event.get('item_id')}' not found.", code="item_not_found", param="item_id", event_id=event_id)]
        return [self._event("conversation.item.retrieved", item=copy.deepcopy(item))]

    def _item_truncate(self, event: Mapping[str, Any], event_id: str | None) -> list[dict[str, Any]]:
        item = self._find(event.get("item_id"))
        if item is None or item.get("role") != "assistant":
            return [self._error(f"Assistant item with item_id '{event.get('item_id')}' not found.", code="item_not_found", param="item_id", event_id=event_id)]
        return [self._event("conversation.item.truncated", item_id=item["id"], content_index=event["content_index"], audio_end_ms=event["audio_end_ms"])]

    def _audio_append(self, event: Mapping[str, Any], event_id: str | None) -> list[dict[str, Any]]:
        try:
            pcm = base64.b64decode(str(event.get("audio") or ""), validate=True)
        except ValueError:
            return [self._error("Invalid 'audio': expected base64-encoded audio bytes.", code="invalid_value", param="audio", event_id=event_id)]
        if len(self.audio) + len(pcm) > self.max_audio_bytes:
            return [
                self._error(
                    f"The input audio buffer would exceed {self.max_audio_bytes} bytes; commit or clear it first (this append was dropped).",
                    code="input_audio_buffer_too_large",
                    param="audio",
                    event_id=event_id,
                )
            ]
        self.audio += pcm
        start_ms = self.audio_ms
        self.audio_ms += len(pcm) * 1000 // (2 * _RATE)
        detection = (self.session.get("audio") or {}).get("input", {}).get("turn_detection")
        if not isinstance(detection, dict) or detection.get("type") not in ("server_vad", "semantic_vad"):
            return []
        loud = _loud(pcm)
        if self.speech is None and loud:
            self.speech = {"item_id": self.state.new_id("item_")}
            return [self._event("input_audio_buffer.speech_started", audio_start_ms=start_ms, item_id=self.speech["item_id"])]
        if self.speech is not None and not loud:
            item_id = self.speech["item_id"]
            self.speech = None
            events = [self._event("input_audio_buffer.speech_stopped", audio_end_ms=self.audio_ms, item_id=item_id)]
            events += self._commit(item_id)
            if detection.get("create_response", True):
                events += self._respond({})
            return events
        return []

    def _commit(self, item_id: str | None = None) -> list[dict[str, Any]]:
        audio = base64.b64encode(bytes(self.audio)).decode("ascii")
        self.audio.clear()
        item = {"id": item_id or self.state.new_id("item_"), "type": "message", "role": "user", "content": [{"type": "input_audio", "audio": audio}]}
        previous = self.items[-1]["id"] if self.items else None
        return [self._event("input_audio_buffer.committed", previous_item_id=previous, item_id=item["id"]), *self._add(item)]

    def _audio_commit(self, event: Mapping[str, Any], event_id: str | None) -> list[dict[str, Any]]:
        if not self.audio:
            return [self._error("Error committing input audio buffer: buffer is empty.", code="input_audio_buffer_commit_empty", event_id=event_id)]
        return self._commit()

    def _audio_clear(self, event: Mapping[str, Any], event_id: str | None) -> list[dict[str, Any]]:
        self.audio.clear()
        self.speech = None
        return [self._event("input_audio_buffer.cleared")]

    def _output_clear(self, event: Mapping[str, Any], event_id: str | None) -> list[dict[str, Any]]:
        return [self._event("output_audio_buffer.cleared", response_id=None)]

    def _response_cancel(self, event: Mapping[str, Any], event_id: str | None) -> list[dict[str, Any]]:
        return [self._error("Cancellation failed: no active response found.", code="response_cancel_not_active", event_id=event_id)]

    def _response_create(self, event: Mapping[str, Any], event_id: str | None) -> list[dict[str, Any]]:
        return self._respond(dict(event.get("response") or {}))

    # -- a response ----------------------------------------------------------------------------------

    def _reply(self) -> ChatReply:
        scripted = self.next_reply({"items": copy.deepcopy(self.items)})
        if isinstance(scripted, ChatReply):
            return scripted
        if scripted is not None:
            raise TypeError(f"Unsupported scripted reply for GET {ROUTE}: {scripted!r} (script a ChatReply)")
        last = next((item for item in reversed(self.items) if item.get("type") in ("message", "function_call_output") and item.get("role") != "assistant"), None)
        if last is None:
            return ChatReply(content="Hello! How can I help you today?")
        if last.get("type") == "function_call_output":
            return ChatReply(content=f"The tool returned: {last.get('output', '')}")
        texts = [str(part.get("text") or "") for part in last.get("content") or [] if part.get("type") == "input_text"]
        return ChatReply(content=f"You said: {' '.join(texts)}" if texts else "I heard you.")

    def _respond(self, options: dict[str, Any]) -> list[dict[str, Any]]:
        reply = self._reply()
        modalities = options.get("output_modalities") or self.session.get("output_modalities") or ["audio"]
        audio = "audio" in modalities
        response_id = self.state.new_id("resp_")
        shell = {"id": response_id, "object": "realtime.response", "status": "in_progress", "output": [], "metadata": options.get("metadata"), "conversation_id": "conv_" + self.session["id"][5:], "output_modalities": list(modalities), "max_output_tokens": "inf"}
        events = [self._event("response.created", response=copy.deepcopy(shell))]
        output: list[dict[str, Any]] = []
        if reply.content:
            events += self._message(response_id, len(output), reply.content, audio, output)
        for call in reply.tool_calls:
            events += self._function_call(response_id, len(output), call.name, call.arguments_text(), call.id, output)
        produced = count_tokens(reply.content or "") + sum(count_tokens(c.arguments_text()) for c in reply.tool_calls)
        heard = sum(count_tokens(" ".join(str(p.get("text") or p.get("transcript") or "") for p in item.get("content") or [])) for item in self.items)
        usage = {
            "total_tokens": heard + produced,
            "input_tokens": heard,
            "output_tokens": produced,
            "input_token_details": {"cached_tokens": 0, "text_tokens": heard, "audio_tokens": 0},
            "output_token_details": {"text_tokens": 0 if audio else produced, "audio_tokens": produced if audio else 0},
        }
        events.append(self._event("response.done", response={**shell, "status": "completed", "output": copy.deepcopy(output), "usage": usage}))
        return events

    def _message(self, response_id: str, index: int, text: str, audio: bool, output: list[dict[str, Any]]) -> list[dict[str, Any]]:
        item_id = self.state.new_id("item_")
        pending = {"id": item_id, "object": "realtime.item", "type": "message", "role": "assistant", "status": "in_progress", "content": []}
        where = {"response_id": response_id, "item_id": item_id, "output_index": index, "content_index": 0}
        events = [self._event("response.output_item.added", response_id=response_id, output_index=index, item=copy.deepcopy(pending))]
        events += self._add(pending)[:1]
        part_kind = "audio" if audio else "text"
        events.append(self._event("response.content_part.added", **where, part={"type": part_kind, **({"transcript": ""} if audio else {"text": ""})}))
        pieces = tokens(text)
        if audio:
            for piece in pieces:
                events.append(self._event("response.output_audio.delta", **where, delta=base64.b64encode(tone(100)).decode("ascii")))
                events.append(self._event("response.output_audio_transcript.delta", **where, delta=piece))
            events.append(self._event("response.output_audio.done", **where))
            events.append(self._event("response.output_audio_transcript.done", **where, transcript=text))
            content = {"type": "output_audio", "transcript": text}
        else:
            events += [self._event("response.output_text.delta", **where, delta=piece) for piece in pieces]
            events.append(self._event("response.output_text.done", **where, text=text))
            content = {"type": "output_text", "text": text}
        events.append(self._event("response.content_part.done", **where, part={"type": part_kind, **({"transcript": text} if audio else {"text": text})}))
        done = {**pending, "status": "completed", "content": [content]}
        stored = self._find(item_id)
        if stored is not None:
            stored.update(copy.deepcopy(done))
        events.append(self._event("response.output_item.done", response_id=response_id, output_index=index, item=copy.deepcopy(done)))
        events.append(self._event("conversation.item.done", previous_item_id=self._previous(item_id), item=copy.deepcopy(done)))
        output.append(done)
        return events

    def _function_call(self, response_id: str, index: int, name: str, arguments: str, call_id: str | None, output: list[dict[str, Any]]) -> list[dict[str, Any]]:
        item_id = self.state.new_id("item_")
        call_id = call_id or self.state.new_id("call_")
        pending = {"id": item_id, "object": "realtime.item", "type": "function_call", "status": "in_progress", "call_id": call_id, "name": name, "arguments": ""}
        events = [self._event("response.output_item.added", response_id=response_id, output_index=index, item=copy.deepcopy(pending))]
        events += self._add(pending)[:1]
        where = {"response_id": response_id, "item_id": item_id, "output_index": index, "call_id": call_id}
        for start in range(0, len(arguments), 8):
            events.append(self._event("response.function_call_arguments.delta", **where, delta=arguments[start : start + 8]))
        events.append(self._event("response.function_call_arguments.done", **where, name=name, arguments=arguments))
        done = {**pending, "status": "completed", "arguments": arguments}
        stored = self._find(item_id)
        if stored is not None:
            stored.update(copy.deepcopy(done))
        events.append(self._event("response.output_item.done", response_id=response_id, output_index=index, item=copy.deepcopy(done)))
        events.append(self._event("conversation.item.done", previous_item_id=self._previous(item_id), item=copy.deepcopy(done)))
        output.append(done)
        return events

    def _previous(self, item_id: str) -> str | None:
        ids = [item["id"] for item in self.items]
        at = ids.index(item_id) if item_id in ids else 0
        return ids[at - 1] if at > 0 else None


def _merge(target: dict[str, Any], changes: Mapping[str, Any]) -> None:
    for key, value in changes.items():
        if isinstance(value, Mapping) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


_HANDLERS: dict[str, Callable[[RealtimeSession, Mapping[str, Any], str | None], list[dict[str, Any]]]] = {
    "session.update": RealtimeSession._session_update,
    "conversation.item.create": RealtimeSession._item_create,
    "conversation.item.delete": RealtimeSession._item_delete,
    "conversation.item.retrieve": RealtimeSession._item_retrieve,
    "conversation.item.truncate": RealtimeSession._item_truncate,
    "input_audio_buffer.append": RealtimeSession._audio_append,
    "input_audio_buffer.commit": RealtimeSession._audio_commit,
    "input_audio_buffer.clear": RealtimeSession._audio_clear,
    "output_audio_buffer.clear": RealtimeSession._output_clear,
    "response.create": RealtimeSession._response_create,
    "response.cancel": RealtimeSession._response_cancel,
}
