"""``/conversations`` and their items; the Responses API adds its input and output to a conversation."""

from __future__ import annotations

import copy
from typing import Any

from ._app import AppRequest, Reply, Router, json_reply, not_found
from ._paging import cursor_page
from ._state import State
from ._store import find, public, put, remove

__all__ = ["append_items", "conversation_items", "register"]


def _item(state: State, raw: dict[str, Any]) -> dict[str, Any]:
    item = copy.deepcopy(raw)
    if "role" in item and "type" not in item:
        item["type"] = "message"
    if item.get("type") == "message":
        if isinstance(item.get("content"), str):
            kind = "output_text" if item.get("role") == "assistant" else "input_text"
            item["content"] = [{"type": kind, "text": item["content"]}]
        item.setdefault("status", "completed")
    item.setdefault("id", state.new_id("msg_" if item.get("type") == "message" else "item_"))
    return item


def conversation_items(state: State, conversation_id: str) -> list[dict[str, Any]]:
    return list(find(state, "conversation", conversation_id, "conversation", "conversation_id")["_items"])


def append_items(state: State, conversation_id: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    conversation = find(state, "conversation", conversation_id, "conversation", "conversation_id")
    added = [_item(state, item) for item in items]
    with state.lock:
        conversation["_items"].extend(added)
    return added


def _create(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    body = request.body if isinstance(request.body, dict) else {}
    conversation: dict[str, Any] = {"id": state.new_id("conv_", 48), "object": "conversation", "created_at": state.now(), "metadata": body.get("metadata") or {}, "_items": []}
    put(state, "conversation", conversation)
    append_items(state, conversation["id"], list(body.get("items") or []))
    return json_reply(public(conversation))


def _retrieve(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    return json_reply(public(find(state, "conversation", params["conversation_id"], "conversation", "conversation_id")))


def _update(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    body = request.json_object()
    conversation = find(state, "conversation", params["conversation_id"], "conversation", "conversation_id")
    conversation["metadata"] = body.get("metadata") or {}
    return json_reply(public(conversation))


def _delete(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    remove(state, "conversation", params["conversation_id"], "conversation", "conversation_id")
    return json_reply({"id": params["conversation_id"], "object": "conversation.deleted", "deleted": True})


def _create_items(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    body = request.json_object()
    added = append_items(state, params["conversation_id"], list(body["items"]))
    return json_reply({"object": "list", "data": added, "first_id": added[0]["id"] if added else None, "last_id": added[-1]["id"] if added else None, "has_more": False})


def _list_items(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    items = conversation_items(state, params["conversation_id"])
    return json_reply(cursor_page(request, items, default_order="desc"))


def _get_item(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    for item in conversation_items(state, params["conversation_id"]):
        if item["id"] == params["item_id"]:
            return json_reply(item)
    raise not_found("item", params["item_id"], "item_id")


def _delete_item(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    conversation = find(state, "conversation", params["conversation_id"], "conversation", "conversation_id")
    with state.lock:
        kept = [item for item in conversation["_items"] if item["id"] != params["item_id"]]
        if len(kept) == len(conversation["_items"]):
            raise not_found("item", params["item_id"], "item_id")
        conversation["_items"] = kept
    return json_reply(public(conversation))


def register(router: Router) -> None:
    router.add("POST", "/conversations", _create)
    router.add("GET", "/conversations/{conversation_id}", _retrieve)
    router.add("POST", "/conversations/{conversation_id}", _update)
    router.add("DELETE", "/conversations/{conversation_id}", _delete)
    router.add("POST", "/conversations/{conversation_id}/items", _create_items)
    router.add("GET", "/conversations/{conversation_id}/items", _list_items)
    router.add("GET", "/conversations/{conversation_id}/items/{item_id}", _get_item)
    router.add("DELETE", "/conversations/{conversation_id}/items/{item_id}", _delete_item)
