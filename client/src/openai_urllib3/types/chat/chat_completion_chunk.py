"""Streamed chat completion chunks (hand-written until the generated surface replaces them)."""

from __future__ import annotations

from typing import Any, Literal

from ..._models import BaseModel, Field, list_of
from ..completion_usage import CompletionUsage
from .chat_completion import ChoiceLogprobs

__all__ = ["ChatCompletionChunk", "ChoiceDelta", "ChoiceDeltaToolCall", "ChoiceDeltaToolCallFunction", "ChunkChoice"]


class ChoiceDeltaToolCallFunction(BaseModel):
    __slots__ = ()
    name = Field[str | None]()
    arguments = Field[str | None]()


class ChoiceDeltaToolCall(BaseModel):
    __slots__ = ()
    index = Field[int]()
    id = Field[str | None]()
    type = Field[Literal["function"] | None]()
    function = Field(ChoiceDeltaToolCallFunction)


class ChoiceDelta(BaseModel):
    __slots__ = ()
    content = Field[str | None]()
    refusal = Field[str | None]()
    role = Field[Literal["developer", "system", "user", "assistant", "tool"] | None]()
    tool_calls = Field(list_of(ChoiceDeltaToolCall))


class ChunkChoice(BaseModel):
    __slots__ = ()
    delta = Field(ChoiceDelta)
    finish_reason = Field[Literal["stop", "length", "tool_calls", "content_filter", "function_call"] | None]()
    index = Field[int]()
    logprobs = Field(ChoiceLogprobs)


class ChatCompletionChunk(BaseModel):
    """One streamed piece of a chat completion; the last one may carry only ``usage``."""

    __slots__ = ()
    id = Field[str]()
    choices = Field(list_of(ChunkChoice))
    created = Field[int]()
    model = Field[str]()
    object = Field[Literal["chat.completion.chunk"]]()
    service_tier = Field[str | None]()
    system_fingerprint = Field[str | None]()
    usage = Field(CompletionUsage)
    obfuscation = Field[Any]()
