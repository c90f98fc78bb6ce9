"""The Assistants API's objects: assistants, threads and their messages, stored, listed with
cursors, updated and deleted. Runs, which add the assistant's messages, are in ``_runs_api``."""

from __future__ import annotations

from typing import Any, Mapping

from ._app import AppRequest, Reply, Router, json_reply
from ._paging import cursor_page
from ._state import State
from ._store import find, public, put, remove

__all__ = ["add_message", "new_thread", "register", "text_content", "thread_messages"]


def _assistant(state: State, body: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": state.new_id("asst_"),
        "object": "assistant",
        "created_at": state.now(),
        "name": body.get("name"),
        "description": body.get("description"),
        "model": body.get("model"),
        "instructions": body.get("instructions"),
        "tools": list(body.get("tools") or []),
        "tool_resources": dict(body.get("tool_resources") or {}),
        "metadata": dict(body.get("metadata") or {}),
        "temperature": body.get("temperature", 1.0),
        "top_p": body.get("top_p", 1.0),
        "response_format": body.get("response_format") or "auto",
    }


def _update_fields(obj: dict[str, Any], body: Mapping[str, Any], fields: tuple[str, ...]) -> None:
    for name in fields:
        if name in body:
            obj[name] = body[name]


_ASSISTANT_FIELDS = ("name", "description", "model", "instructions", "tools", "tool_resources", "metadata", "temperature", "top_p", "response_format")


def _create_assistant(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    return json_reply(public(put(state, "assistant", _assistant(state, request.json_object()))))


def _retrieve_assistant(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    return json_reply(public(find(state, "assistant", params["assistant_id"], "assistant", "assistant_id")))


def _update_assistant(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    assistant = find(state, "assistant", params["assistant_id"], "assistant", "assistant_id")
    with state.lock:
        _update_fields(assistant, request.json_object(), _ASSISTANT_FIELDS)
    return json_reply(public(assistant))


def _delete_assistant(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    remove(state, "assistant", params["assistant_id"], "assistant", "assistant_id")
    return json_reply({"id": params["assistant_id"], "object": "assistant.deleted", "deleted": True})


def _list_assistants(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    return json_reply(cursor_page(request, [public(a) for a in state.store("assistant").values()], default_order="desc", allow_before=True))


# -- threads and messages ---------------------------------------------------------------------------


def text_content(value: Any) -> list[dict[str, Any]]:
    """A message's content as the API stores it: a string becomes one text block; parts keep their
    kind, text parts as ``{value, annotations}``."""
    if isinstance(value, str):
        return [{"type": "text", "text": {"value": value, "annotations": []}}]
    blocks = []
    for part in value or []:
        if isinstance(part, Mapping) and part.get("type") == "text":
            blocks.append({"type": "text", "text": {"value": str(part.get("text") or ""), "annotations": []}})
        elif isinstance(part, Mapping):
            blocks.append(dict(part))
    return blocks


def add_message(state: State, thread_id: str, body: Mapping[str, Any], *, run_id: str | None = None, assistant_id: str | None = None) -> dict[str, Any]:
    """Store a message at the end of the thread (which must exist) and return it."""
    thread = find(state, "thread", thread_id, "thread", "thread_id")
    now = state.now()
    message = {
        "id": state.new_id("msg_"),
        "object": "thread.message",
        "created_at": now,
        "thread_id": thread_id,
        "status": "completed",
        "incomplete_details": None,
        "completed_at": now,
        "incomplete_at": None,
        "role": body.get("role") or "user",
        "content": text_content(body.get("content")),
        "assistant_id": assistant_id,
        "run_id": run_id,
        "attachments": list(body.get("attachments") or []),
        "metadata": dict(body.get("metadata") or {}),
    }
    with state.lock:
        thread["_messages"].append(message)
    return message


def thread_messages(state: State, thread_id: str) -> list[dict[str, Any]]:
    """The thread's messages, oldest first."""
    return list(find(state, "thread", thread_id, "thread", "thread_id")["_messages"])


def new_thread(state: State, body: Mapping[str, Any]) -> dict[str, Any]:
    thread: dict[str, Any] = {
        "id": state.new_id("thread_"),
        "object": "thread",
        "created_at": state.now(),
        "metadata": dict(body.get("metadata") or {}),
        "tool_resources": dict(body.get("tool_resources") or {}),
        "_messages": [],
    }
    put(state, "thread", thread)
    for message in body.get("messages") or []:
        add_message(state, thread["id"], message)
    return thread


def _create_thread(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    body = request.body if isinstance(request.body, dict) else {}
    return json_reply(public(new_thread(state, body)))


def _retrieve_thread(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    return json_reply(public(find(state, "thread", params["thread_id"], "thread", "thread_id")))


def _update_thread(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    thread = find(state, "thread", params["thread_id"], "thread", "thread_id")
    with state.lock:
        _update_fields(thread, request.json_object(), ("metadata", "tool_resources"))
    return json_reply(public(thread))


def _delete_thread(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    remove(state, "thread", params["thread_id"], "thread", "thread_id")
    return json_reply({"id": params["thread_id"], "object": "thread.deleted", "deleted": True})


def _find_message(state: State, thread_id: str, message_id: str) -> dict[str, Any]:
    from ._app import not_found

    for message in thread_messages(state, thread_id):
        if message["id"] == message_id:
            return message
    raise not_found("message", message_id, "message_id")


def _create_message(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    return json_reply(add_message(state, params["thread_id"], request.json_object()))


def _list_messages(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    messages = thread_messages(state, params["thread_id"])
    run_id = request.q("run_id")
    if run_id:
        messages = [m for m in messages if m["run_id"] == run_id]
    return json_reply(cursor_page(request, messages, default_order="desc", allow_before=True))


def _retrieve_message(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    return json_reply(_find_message(state, params["thread_id"], params["message_id"]))


def _update_message(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    message = _find_message(state, params["thread_id"], params["message_id"])
    with state.lock:
        _update_fields(message, request.json_object(), ("metadata",))
    return json_reply(message)


def _delete_message(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    thread = find(state, "thread", params["thread_id"], "thread", "thread_id")
    message = _find_message(state, params["thread_id"], params["message_id"])
    with state.lock:
        thread["_messages"].remove(message)
    return json_reply({"id": message["id"], "object": "thread.message.deleted", "deleted": True})


def register(router: Router) -> None:
    router.add("POST", "/assistants", _create_assistant)
    router.add("GET", "/assistants", _list_assistants)
    router.add("GET", "/assistants/{assistant_id}", _retrieve_assistant)
    router.add("POST", "/assistants/{assistant_id}", _update_assistant)
    router.add("DELETE", "/assistants/{assistant_id}", _delete_assistant)
    router.add("POST", "/threads", _create_thread)
    router.add("GET", "/threads/{thread_id}", _retrieve_thread)
    router.add("POST", "/threads/{thread_id}", _update_thread)
    router.add("DELETE", "/threads/{thread_id}", _delete_thread)
    router.add("POST", "/threads/{thread_id}/messages", _create_message)
    router.add("GET", "/threads/{thread_id}/messages", _list_messages)
    router.add("GET", "/threads/{thread_id}/messages/{message_id}", _retrieve_message)
    router.add("POST", "/threads/{thread_id}/messages/{message_id}", _update_message)
    router.add("DELETE", "/threads/{thread_id}/messages/{message_id}", _delete_message)
