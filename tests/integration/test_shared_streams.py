"""Every recorded stream in ../shared/cassettes/public decodes through Stream[T] and the accumulators."""

from __future__ import annotations

import json

import pytest

from openai_urllib3 import Request, Response
from openai_urllib3._chat_accumulator import ChatCompletionAccumulator
from openai_urllib3._responses_stream import ResponseStreamAccumulator
from openai_urllib3._streaming import Stream, model_converter
from openai_urllib3.resources import _operations
from openai_urllib3.types import ChatCompletionChunk

from ..shared_cassettes import cassette_paths, header, interactions, require_shared, response_body

stream_event = _operations.RESPONSES_CREATE.stream_converter()
assert stream_event is not None


def recorded_streams() -> list[tuple[str, str, bytes]]:
    found = []
    for path in cassette_paths():
        for index, (request, response) in enumerate(interactions(path)):
            body = response_body(response)
            content_type = header(response.get("headers"), "content-type") or ""
            if "event-stream" in content_type or body.startswith((b"data:", b"event:")):
                found.append((f"{path.parent.name}/{path.name}#{index}", str(request.get("uri", "")), body))
    return found


STREAMS = recorded_streams()


def test_shared_streams_are_present() -> None:
    require_shared()
    assert len(STREAMS) >= 20


def as_response(body: bytes, uri: str) -> Response:
    return Response(200, {"content-type": "text/event-stream"}, body, request=Request("POST", uri))


@pytest.mark.parametrize(("name", "uri", "body"), STREAMS, ids=[s[0][-90:] for s in STREAMS])
def test_recorded_stream_decodes_and_accumulates(name: str, uri: str, body: bytes) -> None:
    if "/responses" in uri:
        stream = Stream(as_response(body, uri), lambda payload, event: stream_event(payload), done=None)
        accumulator = ResponseStreamAccumulator()
        deltas = []
        for event in stream:
            accumulator.add_event(event)
            if event.type == "response.output_text.delta":
                deltas.append(event.raw("delta"))
        final = accumulator.snapshot()
        if deltas and final.status == "completed":
            assert "".join(deltas) in final.output_text or final.output_text == "".join(deltas)
        return
    chunks = list(Stream(as_response(body, uri), model_converter(ChatCompletionChunk)))
    accumulator = ChatCompletionAccumulator()
    for chunk in chunks:
        accumulator.add_chunk(chunk)
    snapshot = accumulator.snapshot()
    recorded: dict[int, str] = {}
    arguments: dict[tuple[int, int], str] = {}
    for line in body.decode().splitlines():
        if not line.startswith("data: {"):
            continue
        for choice in json.loads(line[6:]).get("choices") or []:
            delta = choice.get("delta") or {}
            if delta.get("content"):
                recorded[choice["index"]] = recorded.get(choice["index"], "") + delta["content"]
            for call in delta.get("tool_calls") or []:
                key = (choice["index"], call.get("index", 0))
                arguments[key] = arguments.get(key, "") + ((call.get("function") or {}).get("arguments") or "")
    for index, text in recorded.items():
        assert snapshot.choices[[c.index for c in snapshot.choices].index(index)].message.content == text
    for (choice_index, call_index), text in arguments.items():
        choice = next(c for c in snapshot.choices if c.index == choice_index)
        assert choice.message.tool_calls[call_index].function.arguments == text

