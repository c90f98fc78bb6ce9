"""Typed events of a streamed Responses API answer, chosen by their ``type``."""

from __future__ import annotations

from typing import Any

from ..._models import BaseModel, Field, union_of
from .response import Response, output_item

__all__ = [
    "ResponseCompletedEvent",
    "ResponseContentPartEvent",
    "ResponseCreatedEvent",
    "ResponseErrorEvent",
    "ResponseFunctionCallArgumentsDeltaEvent",
    "ResponseFunctionCallArgumentsDoneEvent",
    "ResponseOutputItemEvent",
    "ResponseRefusalDeltaEvent",
    "ResponseStreamEvent",
    "ResponseTextDeltaEvent",
    "ResponseTextDoneEvent",
    "stream_event",
]


class ResponseStreamEvent(BaseModel):
    """Any event; unknown event types are kept as this class."""

    __slots__ = ()
    type = Field[str]()
    sequence_number = Field[int]()


class ResponseCreatedEvent(ResponseStreamEvent):
    """``response.created``, ``response.in_progress``, ``response.queued``."""

    __slots__ = ()
    response = Field(Response)


class ResponseCompletedEvent(ResponseStreamEvent):
    """``response.completed``, ``response.failed``, ``response.incomplete``: the final response object."""

    __slots__ = ()
    response = Field(Response)


class ResponseOutputItemEvent(ResponseStreamEvent):
    """``response.output_item.added`` / ``.done``."""

    __slots__ = ()
    output_index = Field[int]()
    item = Field(output_item)


class ResponseContentPartEvent(ResponseStreamEvent):
    """``response.content_part.added`` / ``.done``."""

    __slots__ = ()
    item_id = Field[str]()
    output_index = Field[int]()
    content_index = Field[int]()
    part = Field[dict[str, Any]]()


class ResponseTextDeltaEvent(ResponseStreamEvent):
    __slots__ = ()
    item_id = Field[str]()
    output_index = Field[int]()
    content_index = Field[int]()
    delta = Field[str]()


class ResponseTextDoneEvent(ResponseStreamEvent):
    __slots__ = ()
    item_id = Field[str]()
    output_index = Field[int]()
    content_index = Field[int]()
    text = Field[str]()


class ResponseRefusalDeltaEvent(ResponseStreamEvent):
    """``response.refusal.delta`` (``delta``) and ``response.refusal.done`` (``refusal``)."""

    __slots__ = ()
    item_id = Field[str]()
    output_index = Field[int]()
    content_index = Field[int]()
    delta = Field[str]()
    refusal = Field[str]()


class ResponseFunctionCallArgumentsDeltaEvent(ResponseStreamEvent):
    __slots__ = ()
    item_id = Field[str]()
    output_index = Field[int]()
    delta = Field[str]()


class ResponseFunctionCallArgumentsDoneEvent(ResponseStreamEvent):
    __slots__ = ()
    item_id = Field[str]()
    output_index = Field[int]()
    name = Field[str]()
    arguments = Field[str]()


class ResponseErrorEvent(ResponseStreamEvent):
    __slots__ = ()
    code = Field[str | None]()
    message = Field[str]()
    param = Field[str | None]()


stream_event = union_of(
    "type",
    {
        "response.created": ResponseCreatedEvent,
        "response.in_progress": ResponseCreatedEvent,
        "response.queued": ResponseCreatedEvent,
        "response.completed": ResponseCompletedEvent,
        "response.failed": ResponseCompletedEvent,
        "response.incomplete": ResponseCompletedEvent,
        "response.output_item.added": ResponseOutputItemEvent,
        "response.output_item.done": ResponseOutputItemEvent,
        "response.content_part.added": ResponseContentPartEvent,
        "response.content_part.done": ResponseContentPartEvent,
        "response.output_text.delta": ResponseTextDeltaEvent,
        "response.output_text.done": ResponseTextDoneEvent,
        "response.refusal.delta": ResponseRefusalDeltaEvent,
        "response.refusal.done": ResponseRefusalDeltaEvent,
        "response.function_call_arguments.delta": ResponseFunctionCallArgumentsDeltaEvent,
        "response.function_call_arguments.done": ResponseFunctionCallArgumentsDoneEvent,
        "error": ResponseErrorEvent,
    },
    ResponseStreamEvent,
)
"""Builds a stream event by its ``type``."""
