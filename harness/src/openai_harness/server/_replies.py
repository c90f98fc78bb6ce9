"""Scripted replies: what the model "says", independent of how it is sent (JSON or a stream).

A test scripts replies per route, as a queue (``server.script(route, ChatReply(...), ...)``)
or as a function of the request body (``server.script(route, lambda body: ChatReply(...))``).
With nothing scripted, chat replies echo the last user message, deterministically.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence, Union

if TYPE_CHECKING:
    from ._app import Reply

__all__ = ["ChatReply", "RawReply", "ScriptedReply", "ToolCall", "count_tokens", "default_chat_reply", "message_text", "raw_reply"]

_TOKEN = re.compile(r"\w+|[^\w\s]")


def count_tokens(text: str) -> int:
    """A deterministic stand-in for a tokenizer: words and punctuation marks."""
    return len(_TOKEN.findall(text))


@dataclass(frozen=True)
class ToolCall:
    """A function call the model makes. ``arguments`` may be a mapping (JSON-encoded) or raw text."""

    name: str
    arguments: str | Mapping[str, Any] = "{}"
    id: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"ToolCall.name must be a non-empty string, got {self.name!r}")
        if not isinstance(self.arguments, (str, Mapping)):
            raise ValueError(f"ToolCall.arguments must be JSON text or a mapping, got {type(self.arguments).__name__}")
        _optional_text("ToolCall.id", self.id)

    def arguments_text(self) -> str:
        if isinstance(self.arguments, str):
            return self.arguments
        return json.dumps(self.arguments, separators=(",", ":"))


@dataclass(frozen=True)
class ChatReply:
    """One assistant turn: text, tool calls or a refusal, and how it ended."""

    content: str | None = None
    tool_calls: Sequence[ToolCall] = ()
    refusal: str | None = None
    finish_reason: str | None = None
    usage: Mapping[str, int] | None = None
    model: str | None = None

    def __post_init__(self) -> None:
        # Checked when scripted, so a wrong value is refused there rather than failing the request it answers.
        for name in ("content", "refusal", "model"):
            _optional_text(f"ChatReply.{name}", getattr(self, name))
        if self.finish_reason is not None and self.finish_reason not in _FINISH_REASONS:
            raise ValueError(f"ChatReply.finish_reason must be one of {', '.join(_FINISH_REASONS)}, got {self.finish_reason!r}")
        calls: object = self.tool_calls  # as given, which the annotation does not promise
        if isinstance(calls, (str, bytes)) or not isinstance(calls, Sequence) or not all(isinstance(call, ToolCall) for call in calls):
            raise ValueError(f"ChatReply.tool_calls must be a sequence of ToolCall, got {self.tool_calls!r}")
        if self.usage is not None and (
            not isinstance(self.usage, Mapping) or not all(isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and v >= 0 for k, v in self.usage.items())
        ):
            raise ValueError(f"ChatReply.usage must map token counts to non-negative integers, got {self.usage!r}")

    def resolved_finish_reason(self) -> str:
        if self.finish_reason is not None:
            return self.finish_reason
        return "tool_calls" if self.tool_calls else "stop"


@dataclass(frozen=True)
class RawReply:
    """Any JSON body (or bytes) with a status and headers, for any route."""

    body: Any = None
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.status, bool) or not isinstance(self.status, int) or not 100 <= self.status <= 599:
            raise ValueError(f"RawReply.status must be an HTTP status from 100 to 599, got {self.status!r}")
        if not isinstance(self.headers, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in self.headers.items()):
            raise ValueError(f"RawReply.headers must map header names to text values, got {self.headers!r}")
        if not isinstance(self.body, (bytes, bytearray)):
            try:
                json.dumps(self.body)
            except (TypeError, ValueError) as error:
                raise ValueError(f"RawReply.body must be bytes or JSON-able: {error}") from None


_FINISH_REASONS = ("stop", "length", "tool_calls", "content_filter", "function_call")


def _optional_text(where: str, value: Any) -> None:
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{where} must be a string, got {type(value).__name__}")


ScriptedReply = Union[ChatReply, RawReply, Mapping[str, Any]]


def raw_reply(scripted: RawReply | Mapping[str, Any]) -> Reply:
    """The server reply for a raw scripted reply (a JSON dict is a 200 with that body)."""
    from ._app import Reply, json_reply

    if isinstance(scripted, RawReply):
        if isinstance(scripted.body, (bytes, bytearray)):
            return Reply(scripted.status, list(scripted.headers.items()), bytes(scripted.body))
        return json_reply(scripted.body, scripted.status, scripted.headers.items())
    return json_reply(dict(scripted))
ReplyFunction = Callable[[Any], ScriptedReply]


def message_text(message: Any) -> str:
    """The text of a chat message, whether its content is a string or a list of parts."""
    if not isinstance(message, Mapping):
        return ""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(str(part.get("text", "")) for part in content if isinstance(part, Mapping) and "text" in part)
    return ""


def default_chat_reply(body: Mapping[str, Any]) -> ChatReply:
    """Echo the last user message; answer a tool result with a summary of it."""
    messages = body.get("messages") or []
    last_user = next((m for m in reversed(messages) if isinstance(m, Mapping) and m.get("role") == "user"), None)
    if messages and isinstance(messages[-1], Mapping) and messages[-1].get("role") == "tool":
        return ChatReply(content=f"The tool returned: {message_text(messages[-1])}")
    if last_user is None:
        return ChatReply(content="Hello! How can I help you today?")
    return ChatReply(content=f"You said: {message_text(last_user)}")
