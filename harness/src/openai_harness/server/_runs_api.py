"""Assistant runs as the API runs them, from the same scripted replies as chat completions.

A run answers the thread's last user message (or what a test scripted for the route: a
``ChatReply`` with text or tool calls). Text adds an assistant message to the thread and the run
completes; tool calls leave it ``requires_action`` until ``submit_tool_outputs``, whose answer is
the next reply. Created ``queued``, a run reaches its outcome on the server's clock (durations
``run_queued`` and ``run_in_progress``, zero by default, so the first retrieve sees it). With
``stream: true`` the same run is sent as the API's events (``thread.run.created`` ...
``thread.message.delta`` ... ``done``), which the SDKs' assistant stream helpers consume.
"""

from __future__ import annotations

import copy
from typing import Any, Iterator, Mapping

from ._app import AppRequest, HTTPError, Reply, Router, error_reply, json_reply, not_found
from ._assistants_api import add_message, new_thread, thread_messages
from ._chat_api import resolve_reply
from ._paging import cursor_page
from ._replies import ChatReply, count_tokens, default_chat_reply
from ._state import State
from ._store import find, public, put, stage
from ._streaming import sse, stream_reply, tokens

__all__ = ["register"]

_STAGES = (("queued", "run_queued"), ("in_progress", "run_in_progress"))
_PENDING = ("queued", "in_progress")
_EXPIRES = 600


def _error_event(message: str, code: str | None, kind: str, sequence: int) -> bytes:
    return sse({"message": message, "type": kind, "param": None, "code": code}, "error")


# -- building a run -----------------------------------------------------------------------------


def _new_run(state: State, thread_id: str, assistant: dict[str, Any], body: Mapping[str, Any]) -> dict[str, Any]:
    now = state.now()
    return {
        "id": state.new_id("run_"),
        "object": "thread.run",
        "created_at": now,
        "thread_id": thread_id,
        "assistant_id": assistant["id"],
        "status": "queued",
        "required_action": None,
        "last_error": None,
        "expires_at": now + _EXPIRES,
        "started_at": None,
        "cancelled_at": None,
        "failed_at": None,
        "completed_at": None,
        "incomplete_details": None,
        "model": body.get("model") or assistant.get("model"),
        "instructions": _given(body, assistant, "instructions") or "",
        "tools": list(_given(body, assistant, "tools") or []),
        "metadata": dict(body.get("metadata") or {}),
        "usage": None,
        "temperature": body.get("temperature", assistant.get("temperature", 1.0)),
        "top_p": body.get("top_p", assistant.get("top_p", 1.0)),
        "max_prompt_tokens": body.get("max_prompt_tokens"),
        "max_completion_tokens": body.get("max_completion_tokens"),
        "truncation_strategy": body.get("truncation_strategy") or {"type": "auto", "last_messages": None},
        "response_format": body.get("response_format") or assistant.get("response_format") or "auto",
        "tool_choice": body.get("tool_choice") or "auto",
        "parallel_tool_calls": body.get("parallel_tool_calls", True),
        "_started": float(now),
        "_outcome": {},
        "_steps": [],
    }


def _given(body: Mapping[str, Any], assistant: Mapping[str, Any], name: str) -> Any:
    """The run's own setting where the request gives one (an empty list included), else the assistant's."""
    value = body.get(name)
    return assistant.get(name) if value is None else value


def _step(state: State, run: dict[str, Any], details: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": state.new_id("step_"),
        "object": "thread.run.step",
        "created_at": state.now(),
        "run_id": run["id"],
        "assistant_id": run["assistant_id"],
        "thread_id": run["thread_id"],
        "type": details["type"],
        "status": "completed",
        "cancelled_at": None,
        "completed_at": state.now(),
        "expired_at": None,
        "failed_at": None,
        "last_error": None,
        "step_details": details,
        "usage": None,
        "metadata": {},
    }


def _transcript(state: State, thread_id: str, tool_outputs: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The thread as chat messages, so the default reply answers it as a chat would."""
    messages: list[dict[str, Any]] = []
    for message in thread_messages(state, thread_id):
        text = " ".join(block["text"]["value"] for block in message["content"] if block.get("type") == "text")
        messages.append({"role": message["role"], "content": text})
    for output in tool_outputs:
        messages.append({"role": "tool", "content": str(output.get("output") or "")})
    return {"messages": messages}


def _usage(prompt: Mapping[str, Any], reply: ChatReply) -> dict[str, int]:
    if reply.usage is not None:
        usage = dict(reply.usage)
        usage.setdefault("total_tokens", usage.get("prompt_tokens", 0) + usage.get("completion_tokens", 0))
        return usage
    prompt_tokens = sum(count_tokens(str(m["content"])) + 4 for m in prompt["messages"])
    completion = count_tokens(reply.content or "") + sum(count_tokens(c.name) + count_tokens(c.arguments_text()) for c in reply.tool_calls)
    return {"prompt_tokens": prompt_tokens, "completion_tokens": completion, "total_tokens": prompt_tokens + completion}


def _perform(state: State, request: AppRequest, run: dict[str, Any], tool_outputs: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Work the run out to its outcome (stored, shown once the clock reaches it) and return the
    steps this turn added: a tool-calls step awaiting outputs, or the message it wrote."""
    prompt = _transcript(state, run["thread_id"], tool_outputs)
    scripted = request.scripted
    reply = resolve_reply(request, prompt) if scripted is not None else default_chat_reply(prompt)
    now = state.now()
    outcome: dict[str, Any] = {"started_at": now, "usage": _usage(prompt, reply)}
    if reply.tool_calls:
        calls: list[dict[str, Any]] = [
            {"id": call.id or state.new_id("call_"), "type": "function", "function": {"name": call.name, "arguments": call.arguments_text()}}
            for call in reply.tool_calls
        ]
        step = _step(state, run, {"type": "tool_calls", "tool_calls": [{**copy.deepcopy(c), "function": {**c["function"], "output": None}} for c in calls]})
        step.update(status="in_progress", completed_at=None)
        outcome.update(status="requires_action", required_action={"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": calls}}, usage=None)
    else:
        message = add_message(state, run["thread_id"], {"role": "assistant", "content": reply.content or ""}, run_id=run["id"], assistant_id=run["assistant_id"])
        step = _step(state, run, {"type": "message_creation", "message_creation": {"message_id": message["id"]}})
        step["usage"] = outcome["usage"]
        outcome.update(status="completed", completed_at=now, required_action=None)
    run["_outcome"] = outcome
    run["_steps"].append(step)
    return [step]


def _view(state: State, run: dict[str, Any]) -> dict[str, Any]:
    """The run as it stands now on the clock: queued, in progress, then its outcome."""
    view = public(run)
    if view["status"] not in _PENDING or not run["_outcome"]:
        return view
    status, since = stage(state, run["_started"], _STAGES, "done")
    if status == "done":
        view.update(copy.deepcopy(run["_outcome"]))
        with state.lock:  # settled: later views need no clock
            run.update(copy.deepcopy(run["_outcome"]))
            run["_outcome"] = {}
    else:
        view["status"] = status
        if status == "in_progress":
            view["started_at"] = int(since)
    return view


def _find_run(state: State, thread_id: str, run_id: str) -> dict[str, Any]:
    find(state, "thread", thread_id, "thread", "thread_id")
    run = state.store("run").get(run_id)
    if run is None or run["thread_id"] != thread_id:
        raise not_found("run", run_id, "run_id")
    return run


# -- streaming -----------------------------------------------------------------------------------


def _run_events(state: State, run: dict[str, Any], steps: list[dict[str, Any]], *, resumed: dict[str, Any] | None, thread: dict[str, Any] | None = None) -> Iterator[bytes]:
    """The events of one turn of the run, ending with ``done``; ``resumed`` is the tool-calls step
    whose outputs were just submitted (it completes first)."""
    start = {**public(run), "status": "queued", "required_action": None, "completed_at": None, "usage": None}
    if thread is not None:
        yield sse(public(thread), "thread.created")
    if resumed is None:
        yield sse(start, "thread.run.created")
    yield sse(start, "thread.run.queued")
    yield sse({**start, "status": "in_progress", "started_at": run["_outcome"].get("started_at")}, "thread.run.in_progress")
    if resumed is not None:
        yield sse(resumed, "thread.run.step.completed")
    for step in steps:
        opened = {**copy.deepcopy(step), "status": "in_progress", "completed_at": None, "usage": None}
        details = step["step_details"]
        if details["type"] == "tool_calls":
            opened["step_details"] = {"type": "tool_calls", "tool_calls": []}
        yield sse(opened, "thread.run.step.created")
        yield sse(opened, "thread.run.step.in_progress")
        if details["type"] == "tool_calls":
            yield from _tool_call_deltas(step)
            continue
        message = next(m for m in thread_messages(state, run["thread_id"]) if m["id"] == details["message_creation"]["message_id"])
        pending = {**message, "status": "in_progress", "completed_at": None, "content": []}
        yield sse(pending, "thread.message.created")
        yield sse(pending, "thread.message.in_progress")
        for index, block in enumerate(message["content"]):
            if block.get("type") != "text":
                continue
            for number, piece in enumerate(tokens(block["text"]["value"])):
                text: dict[str, Any] = {"value": piece}
                if number == 0:
                    text["annotations"] = []
                yield sse({"id": message["id"], "object": "thread.message.delta", "delta": {"content": [{"index": index, "type": "text", "text": text}]}}, "thread.message.delta")
        yield sse(message, "thread.message.completed")
        yield sse(step, "thread.run.step.completed")
    final = _view(state, {**run, "_started": float("-inf")})
    yield sse(final, f"thread.run.{final['status']}")
    yield sse("[DONE]", "done")


def _tool_call_deltas(step: dict[str, Any]) -> Iterator[bytes]:
    for index, call in enumerate(step["step_details"]["tool_calls"]):
        opening = {"index": index, "id": call["id"], "type": "function", "function": {"name": call["function"]["name"], "arguments": "", "output": None}}
        yield sse(_step_delta(step, opening), "thread.run.step.delta")
        arguments = call["function"]["arguments"]
        for start in range(0, len(arguments), 8):
            yield sse(_step_delta(step, {"index": index, "type": "function", "function": {"arguments": arguments[start : start + 8]}}), "thread.run.step.delta")


def _step_delta(step: dict[str, Any], call: dict[str, Any]) -> dict[str, Any]:
    return {"id": step["id"], "object": "thread.run.step.delta", "delta": {"step_details": {"type": "tool_calls", "tool_calls": [call]}}}


def _answer(
    state: State, run: dict[str, Any], steps: list[dict[str, Any]], stream: bool, *, resumed: dict[str, Any] | None = None, thread: dict[str, Any] | None = None
) -> Reply:
    if stream:
        return stream_reply(_run_events(state, run, steps, resumed=resumed, thread=thread), _error_event)
    return json_reply(_view(state, run))


# -- handlers ------------------------------------------------------------------------------------


def _start(state: State, request: AppRequest, thread_id: str, body: Mapping[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    assistant = find(state, "assistant", str(body.get("assistant_id")), "assistant", "assistant_id")
    for message in body.get("additional_messages") or []:
        add_message(state, thread_id, message)
    run = put(state, "run", _new_run(state, thread_id, assistant, body))
    return run, _perform(state, request, run, [])


def _create(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    body = request.json_object()
    find(state, "thread", params["thread_id"], "thread", "thread_id")
    run, steps = _start(state, request, params["thread_id"], body)
    return _answer(state, run, steps, bool(body.get("stream")))


def _create_thread_and_run(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    body = request.json_object()
    find(state, "assistant", str(body.get("assistant_id")), "assistant", "assistant_id")
    thread = new_thread(state, body.get("thread") or {})
    run, steps = _start(state, request, thread["id"], body)
    return _answer(state, run, steps, bool(body.get("stream")), thread=thread)


def _retrieve(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    return json_reply(_view(state, _find_run(state, params["thread_id"], params["run_id"])))


def _list(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    find(state, "thread", params["thread_id"], "thread", "thread_id")
    runs = [_view(state, run) for run in state.store("run").values() if run["thread_id"] == params["thread_id"]]
    return json_reply(cursor_page(request, runs, default_order="desc", allow_before=True))


def _update(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    run = _find_run(state, params["thread_id"], params["run_id"])
    body = request.json_object()
    with state.lock:
        if "metadata" in body:
            run["metadata"] = dict(body["metadata"] or {})
    return json_reply(_view(state, run))


def _cancel(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    run = _find_run(state, params["thread_id"], params["run_id"])
    status = _view(state, run)["status"]
    if status not in (*_PENDING, "requires_action"):
        raise HTTPError(error_reply(400, f"Cannot cancel run with status '{status}'.", param="run_id", code="run_not_cancellable"))
    with state.lock:
        run.update(status="cancelled", cancelled_at=state.now(), required_action=None, _outcome={})
        for step in run["_steps"]:
            if step["status"] == "in_progress":
                step.update(status="cancelled", cancelled_at=state.now())
    return json_reply(_view(state, run))


def _submit_tool_outputs(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    run = _find_run(state, params["thread_id"], params["run_id"])
    body = request.json_object()
    view = _view(state, run)
    if view["status"] != "requires_action":
        raise HTTPError(
            error_reply(400, f"Runs in status '{view['status']}' do not accept tool outputs.", param="run_id", code="run_not_awaiting_tool_outputs")
        )
    outputs = [o for o in body.get("tool_outputs") or [] if isinstance(o, Mapping)]
    expected = [call["id"] for call in view["required_action"]["submit_tool_outputs"]["tool_calls"]]
    given = [str(o.get("tool_call_id")) for o in outputs]
    if sorted(given) != sorted(expected):
        raise HTTPError(
            error_reply(400, f"Expected tool outputs for call_ids {expected}, got {given}.", param="tool_outputs", code="invalid_tool_outputs")
        )
    by_id = {str(o.get("tool_call_id")): o.get("output") for o in outputs}
    with state.lock:
        pending = run["_steps"][-1]
        for call in pending["step_details"]["tool_calls"]:
            call["function"]["output"] = by_id.get(call["id"])
        pending.update(status="completed", completed_at=state.now())
        run.update(status="queued", required_action=None, _started=float(state.now()))
    steps = _perform(state, request, run, outputs)
    return _answer(state, run, steps, bool(body.get("stream")), resumed=copy.deepcopy(pending))


def _list_steps(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    run = _find_run(state, params["thread_id"], params["run_id"])
    return json_reply(cursor_page(request, [copy.deepcopy(s) for s in run["_steps"]], default_order="desc", allow_before=True))


def _retrieve_step(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    run = _find_run(state, params["thread_id"], params["run_id"])
    for step in run["_steps"]:
        if step["id"] == params["step_id"]:
            return json_reply(copy.deepcopy(step))
    raise not_found("run step", params["step_id"], "step_id")


def register(router: Router) -> None:
    router.add("POST", "/threads/runs", _create_thread_and_run)
    router.add("POST", "/threads/{thread_id}/runs", _create)
    router.add("GET", "/threads/{thread_id}/runs", _list)
    router.add("GET", "/threads/{thread_id}/runs/{run_id}", _retrieve)
    router.add("POST", "/threads/{thread_id}/runs/{run_id}", _update)
    router.add("POST", "/threads/{thread_id}/runs/{run_id}/cancel", _cancel)
    router.add("POST", "/threads/{thread_id}/runs/{run_id}/submit_tool_outputs", _submit_tool_outputs)
    router.add("GET", "/threads/{thread_id}/runs/{run_id}/steps", _list_steps)
    router.add("GET", "/threads/{thread_id}/runs/{run_id}/steps/{step_id}", _retrieve_step)
