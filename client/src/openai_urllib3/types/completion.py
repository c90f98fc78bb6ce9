"""Legacy text completions (hand-written until the generated surface replaces them)."""

from __future__ import annotations

from typing import Any, Literal

from .._models import BaseModel, Field, list_of
from .completion_usage import CompletionUsage

__all__ = ["Completion", "CompletionChoice"]


class CompletionChoice(BaseModel):
    __slots__ = ()
    text = Field[str]()
    index = Field[int]()
    logprobs = Field[Any]()
    finish_reason = Field[Literal["stop", "length", "content_filter"] | None]()


class Completion(BaseModel):
    """A text completion (or, streamed, one chunk of it)."""

    __slots__ = ()
    id = Field[str]()
    choices = Field(list_of(CompletionChoice))
    created = Field[int]()
    model = Field[str]()
    object = Field[Literal["text_completion"]]()
    system_fingerprint = Field[str | None]()
    usage = Field(CompletionUsage)
