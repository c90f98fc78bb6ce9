"""The control API under ``/__harness``: drive the server from any language over HTTP.

    GET    /__harness/health                  {"status": "ok"}
    POST   /__harness/reset                   forget state, journal, faults, scripts
    GET    /__harness/journal                 every request received, oldest first
    DELETE /__harness/journal                 clear the journal
    POST   /__harness/faults                  {"route": "POST /chat/completions", "faults": [{"kind": "status", "status": 429}], "times": 2}
    POST   /__harness/faults/random           {"seed": 1, "rate": 0.2, "faults": [...], "route": "*"}
    GET    /__harness/faults                  the pending rules
    DELETE /__harness/faults                  drop every rule
    POST   /__harness/replies                 {"route": "POST /chat/completions", "replies": [{"content": "Hi"}]}
    POST   /__harness/clock/advance           {"seconds": 60}
    POST   /__harness/models                  {"id": "ft:gpt-4o:acme::1", "owned_by": "org-acme"}: make a model exist
    POST   /__harness/clock/step              {"seconds": 1}: the clock moves this much with every request
    GET    /__harness/state                   export everything the server holds
    POST   /__harness/state                   load an export, or seed: {"models": [...], "files": [...]}
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._app import AppRequest, HTTPError, Reply, error_reply, json_reply
from ._faults import fault_from_dict
from ._replies import ChatReply, RawReply, ToolCall

if TYPE_CHECKING:
    from ._server import MockServer

__all__ = ["handle_control", "reply_from_dict"]


def _bad(message: str, param: str | None = None) -> HTTPError:
    return HTTPError(error_reply(400, message, param=param, code="invalid_control_request"))


def reply_from_dict(data: Any) -> ChatReply | RawReply:
    """A scripted reply from JSON: ``{"content": ...}``, ``{"tool_calls": [...]}``, ``{"refusal": ...}``,
    or ``{"raw": {...}, "status": 200}`` for any body."""
    if not isinstance(data, dict):
        raise _bad(f"A reply must be an object, got {data!r}", "replies")
    try:
        return _reply(data)
    except ValueError as error:
        raise _bad(str(error), "replies") from None


def _reply(data: dict[str, Any]) -> ChatReply | RawReply:
    if "raw" in data:
        unknown = set(data) - {"raw", "status", "headers"}
        if unknown:
            raise ValueError(f"Unknown raw reply field(s) {sorted(unknown)}; expected raw, status and headers")
        return RawReply(body=data["raw"], status=data.get("status", 200), headers=data.get("headers") or {})
    allowed = {"content", "tool_calls", "refusal", "finish_reason", "usage", "model"}
    unknown = set(data) - allowed
    if unknown:
        raise _bad(f"Unknown reply field(s) {sorted(unknown)}; expected some of {sorted(allowed)} (or 'raw')", "replies")
    calls = []
    tool_calls = data.get("tool_calls") or []
    if not isinstance(tool_calls, list):
        raise _bad(f"'tool_calls' must be an array of {{name, arguments, id}} objects, got {tool_calls!r}", "replies")
    for call in tool_calls:
        if not isinstance(call, dict) or "name" not in call:
            raise _bad(f"A tool call needs a 'name', got {call!r}", "replies")
        calls.append(ToolCall(name=call["name"], arguments=call.get("arguments", "{}"), id=call.get("id")))
    return ChatReply(
        content=data.get("content"),
        tool_calls=tuple(calls),
        refusal=data.get("refusal"),
        finish_reason=data.get("finish_reason"),
        usage=data.get("usage"),
        model=data.get("model"),
    )


def handle_control(server: MockServer, request: AppRequest) -> Reply:
    from ._server import CONTROL_PREFIX, describe

    action = request.path[len(CONTROL_PREFIX) :].strip("/")
    method = request.method
    if action == "health" and method == "GET":
        return json_reply({"status": "ok", "url": server.url})
    if action == "" and method == "GET":
        return json_reply(describe(server))
    if action == "reset" and method == "POST":
        server.reset()
        return json_reply({"reset": True})
    if action == "journal":
        if method == "GET":
            return json_reply({"object": "list", "data": server.journal.to_list()})
        if method == "DELETE":
            server.journal.clear()
            return json_reply({"cleared": True})
    if action == "faults":
        if method == "GET":
            return json_reply({"object": "list", "data": server.faults.describe()})
        if method == "DELETE":
            server.faults.clear()
            return json_reply({"cleared": True})
        if method == "POST":
            body = request.json_object()
            faults = _faults(body)
            try:
                server.fault(str(body.get("route", "*")), *faults, times=body.get("times", 1), at=body.get("at"), retry_count=body.get("retry_count"))
            except (TypeError, ValueError) as error:
                raise _bad(str(error)) from None
            return json_reply({"scheduled": len(faults)})
    if action == "faults/random" and method == "POST":
        body = request.json_object()
        try:
            server.random_faults(body["seed"], body["rate"], _faults(body), str(body.get("route", "*")))
        except KeyError as error:
            raise _bad(f"Missing field {error}") from None
        except (TypeError, ValueError) as error:
            raise _bad(str(error)) from None
        return json_reply({"scheduled": True})
    if action == "replies" and method == "POST":
        body = request.json_object()
        replies = body.get("replies")
        if not isinstance(replies, list) or not replies:
            raise _bad("'replies' must be a non-empty array", "replies")
        try:
            server.script(str(body.get("route", "POST /chat/completions")), *[reply_from_dict(item) for item in replies])
        except ValueError as error:
            raise _bad(str(error), "route") from None
        return json_reply({"scripted": len(replies)})
    if action == "models" and method == "POST":
        body = request.json_object()
        model_id = body.get("id")
        if not isinstance(model_id, str) or not model_id:
            raise _bad("'id' must be a non-empty string", "id")
        return json_reply(server.state.add_model(model_id, owned_by=str(body.get("owned_by", "user"))))
    if action == "clock/step" and method == "POST":
        body = request.json_object()
        try:
            server.set_clock_step(body.get("seconds"))  # type: ignore[arg-type]  # checked there
        except ValueError as error:
            raise _bad(str(error), "seconds") from None
        return json_reply({"clock_step": server.state.clock_step})
    if action == "state":
        if method == "GET":
            return json_reply(server.export_state())
        if method == "POST":
            try:
                server.load_state(request.json_object())
            except (ValueError, KeyError) as error:
                raise _bad(f"Could not load the state: {error}") from None
            return json_reply({"loaded": True})
    if action == "clock/advance" and method == "POST":
        body = request.json_object()
        try:
            server.advance(body.get("seconds"))  # type: ignore[arg-type]  # checked there
        except ValueError as error:
            raise _bad(str(error), "seconds") from None
        return json_reply({"now": server.state.now()})
    return error_reply(404, f"Unknown control endpoint {method} {request.path}; see GET {CONTROL_PREFIX}/health", code="unknown_url")


def _faults(body: dict[str, Any]) -> list[Any]:
    items = body.get("faults")
    if not isinstance(items, list) or not items:
        raise _bad("'faults' must be a non-empty array of fault objects", "faults")
    try:
        return [fault_from_dict(item) for item in items]
    except ValueError as error:
        raise _bad(str(error), "faults") from None
