"""Responses API objects (hand-written until the generated surface replaces them)."""

from __future__ import annotations

from typing import Any, Literal

from ..._models import BaseModel, Field, list_of, union_of

__all__ = [
    "Response",
    "ResponseError",
    "ResponseFunctionToolCall",
    "ResponseOutputMessage",
    "ResponseOutputRefusal",
    "ResponseOutputText",
    "ResponseUsage",
    "output_item",
]


class ResponseOutputText(BaseModel):
    __slots__ = ()
    type = Field[Literal["output_text"]]()
    text = Field[str]()
    annotations = Field[list[Any]]()
    logprobs = Field[list[Any] | None]()


class ResponseOutputRefusal(BaseModel):
    __slots__ = ()
    type = Field[Literal["refusal"]]()
    refusal = Field[str]()


_content_part = union_of("type", {"output_text": ResponseOutputText, "refusal": ResponseOutputRefusal})


class ResponseOutputMessage(BaseModel):
    __slots__ = ()
    id = Field[str]()
    type = Field[Literal["message"]]()
    role = Field[Literal["assistant"]]()
    status = Field[Literal["in_progress", "completed", "incomplete"]]()
    content = Field(list_of(_content_part))


class ResponseFunctionToolCall(BaseModel):
    __slots__ = ()
    id = Field[str | None]()
    type = Field[Literal["function_call"]]()
    call_id = Field[str]()
    name = Field[str]()
    arguments = Field[str]()
    status = Field[Literal["in_progress", "completed", "incomplete"] | None]()


output_item = union_of("type", {"message": ResponseOutputMessage, "function_call": ResponseFunctionToolCall})
"""Builds an output item by its ``type``; an unknown type stays a generic :class:`BaseModel`."""


class ResponseUsage(BaseModel):
    __slots__ = ()
    input_tokens = Field[int]()
    output_tokens = Field[int]()
    total_tokens = Field[int]()
    input_tokens_details = Field[dict[str, Any] | None]()
    output_tokens_details = Field[dict[str, Any] | None]()


class ResponseError(BaseModel):
    __slots__ = ()
    code = Field[str]()
    message = Field[str]()


class Response(BaseModel):
    """A model response from the Responses API."""

    __slots__ = ()
    id = Field[str]()
    object = Field[Literal["response"]]()
    created_at = Field[float]()
    status = Field[Literal["completed", "failed", "in_progress", "cancelled", "queued", "incomplete"] | None]()
    error = Field(ResponseError)
    incomplete_details = Field[dict[str, Any] | None]()
    instructions = Field[Any]()
    model = Field[str]()
    output = Field(list_of(output_item))
    previous_response_id = Field[str | None]()
    usage = Field(ResponseUsage)
    metadata = Field[dict[str, str] | None]()
    store = Field[bool | None]()
    background = Field[bool | None]()

    @property
    def output_text(self) -> str:
        """All ``output_text`` parts of all output messages, joined (as in the official SDK)."""
        texts = []
        for item in self._data.get("output") or []:
            if isinstance(item, dict) and item.get("type") == "message":
                for part in item.get("content") or []:
                    if isinstance(part, dict) and part.get("type") == "output_text" and isinstance(part.get("text"), str):
                        texts.append(part["text"])
        return "".join(texts)
