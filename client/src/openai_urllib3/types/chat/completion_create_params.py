"""Parameters of ``chat.completions.create`` (hand-written until the generated surface replaces them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterable, Literal, Optional, TypedDict, Union

if TYPE_CHECKING:
    from typing_extensions import Required

__all__ = ["ChatCompletionMessageParam", "CompletionCreateParams", "CompletionListParams", "CompletionUpdateParams"]

# ``stream`` is not among the params: it is a separate argument, because it changes the return type.

ChatCompletionMessageParam = Dict[str, Any]
"""A message: ``{"role": "system" | "developer" | "user" | "assistant" | "tool", "content": ...}``."""


class CompletionCreateParams(TypedDict, total=False):
    messages: Required[Iterable[ChatCompletionMessageParam]]
    model: Required[str]
    audio: Optional[Dict[str, Any]]
    frequency_penalty: Optional[float]
    logit_bias: Optional[Dict[str, int]]
    logprobs: Optional[bool]
    max_completion_tokens: Optional[int]
    max_tokens: Optional[int]
    metadata: Optional[Dict[str, str]]
    modalities: Optional[Iterable[str]]
    n: Optional[int]
    parallel_tool_calls: bool
    prediction: Optional[Dict[str, Any]]
    presence_penalty: Optional[float]
    prompt_cache_key: str
    reasoning_effort: Optional[str]
    response_format: Dict[str, Any]
    safety_identifier: str
    seed: Optional[int]
    service_tier: Optional[str]
    stop: Union[Optional[str], Iterable[str], None]
    store: Optional[bool]
    stream_options: Optional[Dict[str, Any]]
    temperature: Optional[float]
    tool_choice: Union[str, Dict[str, Any]]
    tools: Iterable[Dict[str, Any]]
    top_logprobs: Optional[int]
    top_p: Optional[float]
    user: str
    verbosity: Optional[Literal["low", "medium", "high"]]
    web_search_options: Dict[str, Any]


class CompletionListParams(TypedDict, total=False):
    after: str
    limit: int
    metadata: Optional[Dict[str, str]]
    model: str
    order: Literal["asc", "desc"]


class CompletionUpdateParams(TypedDict, total=False):
    metadata: Required[Optional[Dict[str, str]]]
