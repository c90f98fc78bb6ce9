from __future__ import annotations

from .._models import BaseModel, Field

__all__ = ["CompletionTokensDetails", "CompletionUsage", "PromptTokensDetails"]


class CompletionTokensDetails(BaseModel):
    __slots__ = ()
    accepted_prediction_tokens = Field[int | None]()
    audio_tokens = Field[int | None]()
    reasoning_tokens = Field[int | None]()
    rejected_prediction_tokens = Field[int | None]()


class PromptTokensDetails(BaseModel):
    __slots__ = ()
    audio_tokens = Field[int | None]()
    cached_tokens = Field[int | None]()


class CompletionUsage(BaseModel):
    """Token counts for one request."""

    __slots__ = ()
    completion_tokens = Field[int]()
    prompt_tokens = Field[int]()
    total_tokens = Field[int]()
    completion_tokens_details = Field(CompletionTokensDetails)
    prompt_tokens_details = Field(PromptTokensDetails)
