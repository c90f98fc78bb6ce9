"""Streamed answers shaped like the real API's: chat chunks with ``data: [DONE]``, legacy completion
chunks, and the Responses API's typed ``event:`` stream; all driven by the same scripted replies."""

from __future__ import annotations

import json
import re
from typing import Any, Iterator, Mapping

from ._app import Reply, StreamBody
from ._replies import ChatReply
from ._state import State

__all__ = ["chat_stream_reply", "completion_stream_reply", "responses_stream_reply", "sse", "tokens"]

_TOKEN = re.compile(r"\s*\S+|\s+")
_SSE_HEADERS = [("content-type", "text/event-stream; charset=utf-8"), ("cache-control", "no-cache")]


def tokens(text: str) -> list[str]:
    """Split text into stream deltas (a word with its leading space); they join back to ``text``."""
    return _TOKEN.findall(text)


def _dumps(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def sse(data: Any, event: str | None = None) -> bytes:
    payload = data if isinstance(data, str) else _dumps(data)
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {payload}\n\n".encode()


def _chat_error(message: str, code: str | None, kind: str, sequence: int) -> bytes:
    return sse({"error": {"message": message, "type": kind, "param": None, "code": code}})


def _responses_error(message: str, code: str | None, kind: str, sequence: int) -> bytes:
    return sse({"type": "error", "code": code, "message": message, "param": None, "sequence_number": sequence}, "error")


def stream_reply(events: Iterator[bytes], error_event: Any) -> Reply:
    return Reply(200, list(_SSE_HEADERS), StreamBody(events, error_event))


# -- chat completions ---------------------------------------------------------------------------


def chat_stream_reply(state: State, body: Mapping[str, Any], reply: ChatReply, completion: dict[str, Any]) -> Reply:
    """``completion`` is the non-streamed answer for the same reply; the stream carries exactly it."""
    include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
    return stream_reply(_chat_events(completion, reply, include_usage), _chat_error)


def _chat_events(completion: dict[str, Any], reply: ChatReply, include_usage: bool) -> Iterator[bytes]:
    base = {key: completion[key] for key in ("id", "created", "model", "service_tier", "system_fingerprint")}
    base["object"] = "chat.completion.chunk"

    def chunk(choices: list[dict[str, Any]]) -> bytes:
        data = {**base, "choices": choices}
        if include_usage:
            data["usage"] = None
        return sse(data)

    def delta(index: int, values: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {"index": index, "delta": values, "logprobs": None, "finish_reason": finish}

    indexes = [choice["index"] for choice in completion["choices"]]
    first: dict[str, Any] = {"role": "assistant", "content": "" if reply.content is not None else None, "refusal": None}
    if reply.refusal is not None:
        first["refusal"] = ""
    yield chunk([delta(i, dict(first)) for i in indexes])
    if reply.content:
        for piece in tokens(reply.content):
            yield chunk([delta(i, {"content": piece}) for i in indexes])
    if reply.refusal:
        for piece in tokens(reply.refusal):
            yield chunk([delta(i, {"refusal": piece}) for i in indexes])
    calls = completion["choices"][0]["message"].get("tool_calls") or []
    for call_index, call in enumerate(calls):
        opening = {"index": call_index, "id": call["id"], "type": "function", "function": {"name": call["function"]["name"], "arguments": ""}}
        yield chunk([delta(i, {"tool_calls": [opening]}) for i in indexes])
        for piece in _argument_pieces(call["function"]["arguments"]):
            yield chunk([delta(i, {"tool_calls": [{"index": call_index, "function": {"arguments": piece}}]}) for i in indexes])
    yield chunk([delta(i, {}, reply.resolved_finish_reason()) for i in indexes])
    if include_usage:
        yield sse({**base, "choices": [], "usage": completion["usage"]})
    yield b"data: [DONE]\n\n"


def _argument_pieces(arguments: str, size: int = 8) -> list[str]:
    return [arguments[start : start + size] for start in range(0, len(arguments), size)]


# -- legacy completions -------------------------------------------------------------------------


def completion_stream_reply(completion: dict[str, Any], text: str, include_usage: bool) -> Reply:
    def events() -> Iterator[bytes]:
        base = {key: completion[key] for key in ("id", "object", "created", "model", "system_fingerprint")}
        indexes = [choice["index"] for choice in completion["choices"]]
        for piece in tokens(text):
            yield sse({**base, "choices": [{"text": piece, "index": i, "logprobs": None, "finish_reason": None} for i in indexes]})
        finish = completion["choices"][0]["finish_reason"]
        yield sse({**base, "choices": [{"text": "", "index": i, "logprobs": None, "finish_reason": finish} for i in indexes]})
        if include_usage:
            yield sse({**base, "choices": [], "usage": completion["usage"]})
        yield b"data: [DONE]\n\n"

    return stream_reply(events(), _chat_error)


# -- the Responses API ----------------------------------------------------------------------------


def responses_stream_reply(response: dict[str, Any]) -> Reply:
    """The typed event stream that builds ``response`` (the finished object) step by step."""
    return stream_reply(_responses_events(response), _responses_error)


def _responses_events(response: dict[str, Any]) -> Iterator[bytes]:
    sequence = 0

    def event(kind: str, **fields: Any) -> bytes:
        nonlocal sequence
        data = {"type": kind, **fields, "sequence_number": sequence}
        sequence += 1
        return sse(data, kind)

    pending = {**response, "status": "in_progress", "output": [], "usage": None, "completed_at": None}
    yield event("response.created", response=pending)
    yield event("response.in_progress", response=pending)
    for output_index, item in enumerate(response["output"]):
        if item["type"] == "message":
            yield event("response.output_item.added", output_index=output_index, item={**item, "status": "in_progress", "content": []})
            for content_index, part in enumerate(item["content"]):
                if part["type"] == "output_text":
                    yield event("response.content_part.added", item_id=item["id"], output_index=output_index, content_index=content_index, part={**part, "text": ""})
                    for piece in tokens(part["text"]):
                        yield event("response.output_text.delta", item_id=item["id"], output_index=output_index, content_index=content_index, delta=piece, logprobs=[])
                    yield event("response.output_text.done", item_id=item["id"], output_index=output_index, content_index=content_index, text=part["text"], logprobs=[])
                else:
                    yield event("response.content_part.added", item_id=item["id"], output_index=output_index, content_index=content_index, part={**part, "refusal": ""})
                    for piece in tokens(part["refusal"]):
                        yield event("response.refusal.delta", item_id=item["id"], output_index=output_index, content_index=content_index, delta=piece)
                    yield event("response.refusal.done", item_id=item["id"], output_index=output_index, content_index=content_index, refusal=part["refusal"])
                yield event("response.content_part.done", item_id=item["id"], output_index=output_index, content_index=content_index, part=part)
        elif item["type"] == "function_call":
            yield event("response.output_item.added", output_index=output_index, item={**item, "status": "in_progress", "arguments": ""})
            for piece in _argument_pieces(item["arguments"]):
                yield event("response.function_call_arguments.delta", item_id=item["id"], output_index=output_index, delta=piece)
            yield event("response.function_call_arguments.done", item_id=item["id"], output_index=output_index, name=item["name"], arguments=item["arguments"])
        yield event("response.output_item.done", output_index=output_index, item=item)
    yield event("response.completed", response=response)
