"""Assembling a streamed Responses API answer: events in, the final ``Response`` out.

    with client.responses.stream(model="gpt-4o", input="Hi") as stream:
        for event in stream:
            if event.type == "response.output_text.delta":
                print(event.delta, end="")
        final = stream.get_final_response()
        print(final.output_text)

The final response is the one ``response.completed`` carries; if the stream ended without
it, the response assembled from the item and delta events is returned instead.
"""

from __future__ import annotations

import copy
from typing import Any, Iterator

from ._models import BaseModel
from ._streaming import Stream
from .types.responses import Response

__all__ = ["ResponseStream", "ResponseStreamAccumulator"]


class ResponseStreamAccumulator:
    """Builds the response object from stream events, whatever their order of arrival."""

    def __init__(self) -> None:
        self._response: dict[str, Any] | None = None
        self._final: dict[str, Any] | None = None
        self._output: dict[int, dict[str, Any]] = {}

    def add_event(self, event: BaseModel | dict[str, Any]) -> None:
        data = event.to_dict() if isinstance(event, BaseModel) else event
        kind = data.get("type")
        if kind in ("response.created", "response.in_progress", "response.queued"):
            self._response = copy.deepcopy(data.get("response") or {})
        elif kind in ("response.completed", "response.failed", "response.incomplete"):
            self._final = copy.deepcopy(data.get("response") or {})
        elif kind in ("response.output_item.added", "response.output_item.done"):
            self._output[int(data.get("output_index", 0))] = copy.deepcopy(data.get("item") or {})
        elif kind in ("response.content_part.added", "response.content_part.done"):
            item = self._output.setdefault(int(data.get("output_index", 0)), {"type": "message", "content": []})
            parts = item.setdefault("content", [])
            index = int(data.get("content_index", 0))
            while len(parts) <= index:
                parts.append({})
            parts[index] = copy.deepcopy(data.get("part") or {})
        elif kind == "response.output_text.delta":
            self._part(data).setdefault("type", "output_text")
            part = self._part(data)
            part["text"] = part.get("text", "") + str(data.get("delta", ""))
        elif kind == "response.refusal.delta":
            part = self._part(data)
            part.setdefault("type", "refusal")
            part["refusal"] = part.get("refusal", "") + str(data.get("delta", ""))
        elif kind == "response.function_call_arguments.delta":
            item = self._output.setdefault(int(data.get("output_index", 0)), {"type": "function_call", "arguments": ""})
            item["arguments"] = str(item.get("arguments") or "") + str(data.get("delta", ""))
        elif kind == "response.function_call_arguments.done":
            item = self._output.setdefault(int(data.get("output_index", 0)), {"type": "function_call"})
            item["arguments"] = data.get("arguments", item.get("arguments"))

    def _part(self, data: dict[str, Any]) -> dict[str, Any]:
        item = self._output.setdefault(int(data.get("output_index", 0)), {"type": "message", "content": []})
        parts = item.setdefault("content", [])
        index = int(data.get("content_index", 0))
        while len(parts) <= index:
            parts.append({})
        part: dict[str, Any] = parts[index]
        return part

    def snapshot(self) -> Response:
        """The final response if it arrived, else the one assembled so far."""
        if self._final is not None:
            return Response(copy.deepcopy(self._final))
        data = copy.deepcopy(self._response or {})
        data["output"] = [copy.deepcopy(self._output[index]) for index in sorted(self._output)]
        return Response(data)

    @property
    def output_text(self) -> str:
        return self.snapshot().output_text


class ResponseStream:
    """Iterate for typed events; ``get_final_response()`` reads to the end and returns the response."""

    def __init__(self, stream: Stream[BaseModel], *, text_format: Any = None) -> None:
        self.stream = stream
        self.accumulator = ResponseStreamAccumulator()
        self._text_format = text_format

    def __iter__(self) -> Iterator[BaseModel]:
        for event in self.stream:
            self.accumulator.add_event(event)
            yield event

    def until_done(self) -> ResponseStream:
        for _ in self:
            pass
        return self

    def get_final_response(self) -> Response:
        """The response as it ended; with ``text_format``, a ``ParsedResponse`` (``output_parsed``)."""
        self.until_done()
        response = self.accumulator.snapshot()
        if self._text_format is None:
            return response
        from ._structured import parse_response

        return parse_response(response, self._text_format)

    @property
    def output_text(self) -> str:
        return self.accumulator.output_text

    @property
    def request_id(self) -> str | None:
        return self.stream.request_id

    def close(self) -> None:
        self.stream.close()

    def __enter__(self) -> ResponseStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
