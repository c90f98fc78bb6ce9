"""``/responses``: create (plain or streamed, from scripted or echoed replies), retrieve, delete,
cancel and input items; stored responses chain through ``previous_response_id``."""

from __future__ import annotations

import copy
from typing import Any, Mapping

from ._app import AppRequest, HTTPError, Reply, Router, error_reply, json_reply, not_found
from ._paging import cursor_page
from ._replies import ChatReply, count_tokens
from ._state import State
from ._store import public, stage

__all__ = ["register"]



def _given(body: dict[str, Any], name: str, default: Any) -> Any:
    """A request field's value, or the API's default when it was left out or sent as null."""
    value = body.get(name)
    return default if value is None else value

def _input_items(state: State, value: Any) -> list[dict[str, Any]]:
    if isinstance(value, str):
        value = [{"role": "user", "content": value}]
    if not isinstance(value, list):
        raise HTTPError(error_reply(400, "Invalid 'input': expected a string or an array of input items.", param="input", code="invalid_type"))
    items = []
    for raw in value:
        if not isinstance(raw, dict):
            raise HTTPError(error_reply(400, "Invalid 'input': every item must be an object.", param="input", code="invalid_type"))
        item = copy.deepcopy(raw)
        if "role" in item and "type" not in item:
            item["type"] = "message"
        if item.get("type") == "message" and isinstance(item.get("content"), str):
            kind = "output_text" if item.get("role") == "assistant" else "input_text"
            item["content"] = [{"type": kind, "text": item["content"]}]
        item.setdefault("id", state.new_id("msg_" if item.get("type") == "message" else "item_"))
        items.append(item)
    return items


def _item_text(item: Mapping[str, Any]) -> str:
    if item.get("type") == "function_call_output":
        return str(item.get("output", ""))
    content = item.get("content")
    if isinstance(content, list):
        return " ".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return str(content or "")


def _default_reply(items: list[dict[str, Any]]) -> ChatReply:
    if items and items[-1].get("type") == "function_call_output":
        return ChatReply(content=f"The tool returned: {_item_text(items[-1])}")
    users = [item for item in items if item.get("role") == "user"]
    if not users:
        return ChatReply(content="Hello! How can I help you today?")
    return ChatReply(content=f"You said: {_item_text(users[-1])}")


def build_output(state: State, reply: ChatReply) -> list[dict[str, Any]]:
    output: list[dict[str, Any]] = []
    if reply.content is not None or reply.refusal is not None:
        part: dict[str, Any] = (
            {"type": "refusal", "refusal": reply.refusal}
            if reply.refusal is not None
            else {"type": "output_text", "text": reply.content, "annotations": [], "logprobs": []}
        )
        output.append({"id": state.new_id("msg_"), "type": "message", "status": "completed", "role": "assistant", "content": [part]})
    for call in reply.tool_calls:
        output.append({"id": state.new_id("fc_"), "type": "function_call", "status": "completed", "call_id": call.id or state.new_id("call_"), "name": call.name, "arguments": call.arguments_text()})
    return output


# The model a response reports when the request named none (a stored prompt's model is not
# emulated): the API's default for prompts.
DEFAULT_PROMPT_MODEL = "gpt-4o"


def create(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    body = request.json_object()
    if not isinstance(body.get("model"), str):
        # A stored prompt brings its model, so the API takes a request without one; so does a
        # server that is not strict (the official SDKs type model as optional for that reason).
        if body.get("prompt") is None and request.validation == "strict":
            raise HTTPError(error_reply(400, "Missing required parameter: 'model'.", param="model", code="missing_required_parameter"))
        body = {**body, "model": DEFAULT_PROMPT_MODEL}
    items = _input_items(state, body.get("input", []))
    previous_id = body.get("previous_response_id")
    history: list[dict[str, Any]] = []
    conversation = body.get("conversation")
    conversation_id = conversation.get("id") if isinstance(conversation, dict) else conversation
    if conversation_id:
        from ._conversations_api import conversation_items

        history = conversation_items(state, conversation_id)
    if previous_id is not None:
        history = _previous_context(state, request, previous_id)
    scripted = request.scripted
    if scripted is not None and not isinstance(scripted, ChatReply):
        raise TypeError(f"Unsupported scripted reply for /responses: {scripted!r}")
    reply = scripted or _default_reply(history + items)
    output = build_output(state, reply)
    input_tokens = sum(count_tokens(_item_text(item)) for item in history + items)
    output_tokens = count_tokens(reply.content or reply.refusal or "") + sum(count_tokens(c.arguments_text()) for c in reply.tool_calls)
    usage = dict(reply.usage) if reply.usage is not None else {
        "input_tokens": input_tokens,
        "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
        "output_tokens": output_tokens,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": input_tokens + output_tokens,
    }
    store = body.get("store", True) is not False
    response = {
        "id": state.new_id("resp_", 48),
        "object": "response",
        "created_at": state.now(),
        "status": "completed" if reply.finish_reason in (None, "stop", "tool_calls") else "incomplete",
        "background": bool(body.get("background")),
        "completed_at": state.now(),
        "error": None,
        "incomplete_details": None if reply.finish_reason in (None, "stop", "tool_calls") else {"reason": "max_output_tokens" if reply.finish_reason == "length" else "content_filter"},
        "instructions": body.get("instructions"),
        "max_output_tokens": body.get("max_output_tokens"),
        "model": reply.model or body["model"],
        "output": output,
        "parallel_tool_calls": _given(body, "parallel_tool_calls", True),
        "previous_response_id": previous_id,
        "reasoning": {"effort": (body.get("reasoning") or {}).get("effort"), "summary": None},
        "store": store,
        "temperature": _given(body, "temperature", 1.0),
        "text": body.get("text") or {"format": {"type": "text"}},
        "tool_choice": _given(body, "tool_choice", "auto"),
        "tools": _given(body, "tools", []),
        "top_p": _given(body, "top_p", 1.0),
        "truncation": _given(body, "truncation", "disabled"),
        "usage": usage,
        "metadata": body.get("metadata") or {},
    }
    if body.get("user") is not None:
        response["user"] = body["user"]
    if conversation_id:
        from ._conversations_api import append_items

        append_items(state, conversation_id, items + output)
        response["conversation"] = {"id": conversation_id}
    if body.get("background"):
        # Answered later: queued, then in progress, then completed on the server's clock.
        response["_final"] = {"output": response["output"], "usage": response["usage"], "status": response["status"]}
        response.update({"status": "queued", "output": [], "usage": None, "completed_at": None})
    if store:
        with state.lock:
            state.responses[response["id"]] = {"response": response, "input": items, "context": history + items + output}
    if body.get("stream"):
        from ._streaming import responses_stream_reply

        return responses_stream_reply(public(response))
    return json_reply(public(response))


def _previous_context(state: State, request: AppRequest, previous_id: str) -> list[dict[str, Any]]:
    """What the response ``previous_id`` saw and said; a 404 when it is unknown (a server that
    invents unknown objects starts from an empty conversation instead)."""
    previous = state.responses.get(previous_id)
    if previous is not None:
        return list(previous["context"])
    if request.unknown_ids == "permissive":
        return []
    raise HTTPError(error_reply(404, f"Previous response with id '{previous_id}' not found.", param="previous_response_id", code="previous_response_not_found"))


def compact(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    """``POST /responses/compact``: the conversation's user messages, then one compaction item
    standing for the rest (its ``encrypted_content`` opaque, as the API's, and deterministic)."""
    import base64
    import json

    body = request.json_object()
    items = _input_items(state, body.get("input") or [])
    previous_id = body.get("previous_response_id")
    history: list[dict[str, Any]] = []
    if previous_id is not None:
        history = _previous_context(state, request, previous_id)
    context = history + items
    users = [{**copy.deepcopy(item), "status": "completed"} for item in context if item.get("type") == "message" and item.get("role") == "user"]
    summary = json.dumps([_item_text(item) for item in context], separators=(",", ":"), ensure_ascii=False)
    compaction = {"type": "compaction", "id": state.new_id("cmp_"), "encrypted_content": base64.b64encode(summary.encode()).decode("ascii")}
    input_tokens = sum(count_tokens(_item_text(item)) for item in context)
    output_tokens = max(1, input_tokens // 4)
    usage = {
        "input_tokens": input_tokens,
        "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
        "output_tokens": output_tokens,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": input_tokens + output_tokens,
    }
    return json_reply({"id": state.new_id("resp_", 48), "object": "response.compaction", "output": [*users, compaction], "created_at": state.now(), "usage": usage})


def _stored(state: State, response_id: str) -> dict[str, Any]:
    stored = state.responses.get(response_id)
    if stored is None:
        raise not_found("response", response_id, "response_id")
    return stored


def _refresh(state: State, response: dict[str, Any]) -> dict[str, Any]:
    final = response.get("_final")
    if final is None or response["status"] in ("completed", "cancelled", "failed", "incomplete"):
        return response
    status, since = stage(state, response["created_at"], (("queued", "response_background"), ("in_progress", "response_background")), "completed")
    response["status"] = status
    if status == "completed":
        response.update(final)
        response["completed_at"] = int(since)
        del response["_final"]
    return response


def retrieve(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    with state.lock:
        return json_reply(public(_refresh(state, _stored(state, params["response_id"])["response"])))


def delete(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    with state.lock:
        _stored(state, params["response_id"])
        del state.responses[params["response_id"]]
    return json_reply({"id": params["response_id"], "object": "response.deleted", "deleted": True})


def cancel(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    with state.lock:
        stored = _stored(state, params["response_id"])
        response = _refresh(state, stored["response"])
        if not response.get("background"):
            raise HTTPError(error_reply(400, "Only background responses can be cancelled.", param="response_id", code="invalid_request"))
        if response["status"] in ("queued", "in_progress"):
            response["status"] = "cancelled"
            response.pop("_final", None)
        return json_reply(public(response))


def input_items(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    with state.lock:
        items = list(_stored(state, params["response_id"])["input"])
    return json_reply(cursor_page(request, items, default_order="desc", allow_before=True))


def register(router: Router) -> None:
    router.add("POST", "/responses", create)
    router.add("POST", "/responses/compact", compact)
    router.add("GET", "/responses/{response_id}", retrieve)
    router.add("DELETE", "/responses/{response_id}", delete)
    router.add("POST", "/responses/{response_id}/cancel", cancel)
    router.add("GET", "/responses/{response_id}/input_items", input_items)
