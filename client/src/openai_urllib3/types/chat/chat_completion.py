"""Chat completion objects (hand-written until the generated surface replaces them)."""

from __future__ import annotations

from typing import Any, Literal

from ..._models import BaseModel, Field, list_of
from ..completion_usage import CompletionUsage

__all__ = [
    "ChatCompletion",
    "ChatCompletionDeleted",
    "ChatCompletionMessage",
    "ChatCompletionMessageToolCall",
    "ChatCompletionStoreMessage",
    "Choice",
    "ChoiceLogprobs",
    "Function",
]


class Function(BaseModel):
    __slots__ = ()
    name = Field[str]()
    arguments = Field[str]()
    """The arguments as JSON text, exactly as the model produced them (it may be invalid JSON)."""


class ChatCompletionMessageToolCall(BaseModel):
    __slots__ = ()
    id = Field[str]()
    type = Field[Literal["function"]]()
    function = Field(Function)


class ChatCompletionMessage(BaseModel):
    __slots__ = ()
    content = Field[str | None]()
    refusal = Field[str | None]()
    role = Field[Literal["assistant"]]()
    tool_calls = Field(list_of(ChatCompletionMessageToolCall))
    annotations = Field[list[Any] | None]()
    audio = Field[dict[str, Any] | None]()


class ChoiceLogprobs(BaseModel):
    __slots__ = ()
    content = Field[list[Any] | None]()
    refusal = Field[list[Any] | None]()


class Choice(BaseModel):
    __slots__ = ()
    finish_reason = Field[Literal["stop", "length", "tool_calls", "content_filter", "function_call"]]()
    index = Field[int]()
    message = Field(ChatCompletionMessage)
    logprobs = Field(ChoiceLogprobs)


class ChatCompletion(BaseModel):
    """A model's reply to a chat conversation."""

    __slots__ = ()
    id = Field[str]()
    choices = Field(list_of(Choice))
    created = Field[int]()
    model = Field[str]()
    object = Field[Literal["chat.completion"]]()
    service_tier = Field[str | None]()
    system_fingerprint = Field[str | None]()
    usage = Field(CompletionUsage)
    metadata = Field[dict[str, str] | None]()


class ChatCompletionDeleted(BaseModel):
    __slots__ = ()
    id = Field[str]()
    deleted = Field[bool]()
    object = Field[str]()


class ChatCompletionStoreMessage(ChatCompletionMessage):
    """A message of a stored completion, as listed by ``chat.completions.messages.list``."""

    __slots__ = ()
    id = Field[str]()
