"""``/chat/completions``: create (from scripted or echoed replies), and stored completions."""

from __future__ import annotations

import copy
from typing import Any, Mapping

from ._app import AppRequest, HTTPError, Reply, Router, error_reply, json_reply, not_found
from ._paging import cursor_page
from ._replies import ChatReply, count_tokens, default_chat_reply, message_text
from ._state import State

__all__ = ["build_completion", "register", "resolve_reply"]


def resolve_reply(request: AppRequest, body: Mapping[str, Any]) -> ChatReply:
    """The scripted reply for this request, or the default echo."""
    scripted = request.scripted
    if scripted is None:
        return default_chat_reply(body)
    if isinstance(scripted, ChatReply):
        return scripted
    raise TypeError(f"Unsupported scripted reply for {request.method} {request.path}: {scripted!r}")


def usage_for(body: Mapping[str, Any], reply: ChatReply) -> dict[str, Any]:
    if reply.usage is not None:
        usage = dict(reply.usage)
        usage.setdefault("total_tokens", usage.get("prompt_tokens", 0) + usage.get("completion_tokens", 0))
        return usage
    prompt = sum(count_tokens(message_text(m)) + 4 for m in body.get("messages") or [])
    completion = count_tokens(reply.content or reply.refusal or "")
    completion += sum(count_tokens(call.name) + count_tokens(call.arguments_text()) for call in reply.tool_calls)
    n = body.get("n") or 1
    completion *= n
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0, "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0},
    }


def tool_call_ids(state: State, reply: ChatReply) -> list[str]:
    return [call.id or state.new_id("call_") for call in reply.tool_calls]


def build_message(reply: ChatReply, call_ids: list[str]) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.content, "refusal": reply.refusal, "annotations": []}
    if reply.tool_calls:
        message["tool_calls"] = [
            {"id": call_id, "type": "function", "function": {"name": call.name, "arguments": call.arguments_text()}}
            for call, call_id in zip(reply.tool_calls, call_ids)
        ]
    return message


def build_completion(state: State, body: Mapping[str, Any], reply: ChatReply, completion_id: str | None = None) -> dict[str, Any]:
    call_ids = tool_call_ids(state, reply)
    n = body.get("n") or 1
    completion = {
        "id": completion_id or state.new_id("chatcmpl-", 29),
        "object": "chat.completion",
        "created": state.now(),
        "model": reply.model or body.get("model"),
        "choices": [
            {"index": index, "message": build_message(reply, call_ids), "logprobs": None, "finish_reason": reply.resolved_finish_reason()}
            for index in range(n)
        ],
        "usage": usage_for(body, reply),
        "service_tier": body.get("service_tier") or "default",
        "system_fingerprint": "fp_harness",
    }
    return completion


def store_completion(state: State, body: Mapping[str, Any], completion: dict[str, Any]) -> None:
    if not body.get("store"):
        return
    stored = copy.deepcopy(completion)
    stored["metadata"] = dict(body.get("metadata") or {})
    messages = []
    for index, message in enumerate(body.get("messages") or []):
        entry = {"id": f"{completion['id']}-{index}", **copy.deepcopy(message)}
        entry.setdefault("content", None)
        entry.setdefault("refusal", None)
        messages.append(entry)
    with state.lock:
        state.chat_completions[completion["id"]] = {"completion": stored, "messages": messages}


def create(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    body = request.json_object()  # checked against the spec before this handler runs
    reply = resolve_reply(request, body)
    completion = build_completion(state, body, reply)
    store_completion(state, body, completion)
    if body.get("stream"):
        from ._streaming import chat_stream_reply

        return chat_stream_reply(state, body, reply, completion)
    return json_reply(completion)


def _stored(state: State, completion_id: str) -> dict[str, Any]:
    stored = state.chat_completions.get(completion_id)
    if stored is None:
        raise not_found("chat completion", completion_id, "completion_id")
    return stored


def list_stored(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    model = request.q("model")
    metadata = request.q_prefixed("metadata")
    with state.lock:
        items = [entry["completion"] for entry in state.chat_completions.values()]
    if model:
        items = [item for item in items if item.get("model") == model]
    if metadata:
        items = [item for item in items if all((item.get("metadata") or {}).get(k) == v for k, v in metadata.items())]
    return json_reply(cursor_page(request, items))


def retrieve_stored(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    with state.lock:
        return json_reply(_stored(state, params["completion_id"])["completion"])


def update_stored(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    body = request.json_object()
    if "metadata" not in body:
        raise HTTPError(error_reply(400, "Missing required parameter: 'metadata'.", param="metadata", code="missing_required_parameter"))
    metadata = body["metadata"]
    if metadata is not None and (not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values())):
        raise HTTPError(error_reply(400, "Invalid 'metadata': expected an object of strings.", param="metadata", code="invalid_type"))
    with state.lock:
        stored = _stored(state, params["completion_id"])
        stored["completion"]["metadata"] = dict(metadata or {})
        return json_reply(stored["completion"])


def delete_stored(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    completion_id = params["completion_id"]
    with state.lock:
        _stored(state, completion_id)
        del state.chat_completions[completion_id]
    return json_reply({"object": "chat.completion.deleted", "id": completion_id, "deleted": True})


def list_messages(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    with state.lock:
        messages = list(_stored(state, params["completion_id"])["messages"])
    return json_reply(cursor_page(request, messages))


def register(router: Router) -> None:
    router.add("POST", "/chat/completions", create)
    router.add("GET", "/chat/completions", list_stored)
    router.add("GET", "/chat/completions/{completion_id}", retrieve_stored)
    router.add("POST", "/chat/completions/{completion_id}", update_stored)
    router.add("DELETE", "/chat/completions/{completion_id}", delete_stored)
    router.add("GET", "/chat/completions/{completion_id}/messages", list_messages)
