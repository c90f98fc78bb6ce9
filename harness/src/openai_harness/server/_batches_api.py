"""``/batches``: the input file is read and checked; the batch moves validating -> in_progress ->
finalizing -> completed on the server's clock, and its output file answers every line through the
server's own handlers. Cancel, failure on a bad input file, and expiry past the completion window."""

from __future__ import annotations

import json
from typing import Any

from ._app import AppRequest, HTTPError, Reply, Router, error_reply, json_reply
from ._files_api import create_file
from ._paging import cursor_page
from ._state import State
from ._store import find, public, put, stage

__all__ = ["register"]

_STAGES = (("validating", "batch_validating"), ("in_progress", "batch_in_progress"), ("finalizing", "batch_finalizing"))
_WINDOWS = {"24h": 86_400}
_TERMINAL = frozenset({"completed", "failed", "expired", "cancelled"})


def _read_lines(state: State, batch: dict[str, Any]) -> list[dict[str, Any]] | list[dict[str, str | int | None]]:
    """The input's requests, or the errors that fail the batch."""
    content = state.blobs.get(batch["input_file_id"], b"")
    requests, errors = [], []
    for number, line in enumerate(content.decode("utf-8", "replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError:
            errors.append({"code": "invalid_json_line", "message": "This line is not parseable as valid JSON.", "param": None, "line": number})
            continue
        if not isinstance(item, dict) or not {"custom_id", "method", "url"} <= set(item):
            errors.append({"code": "missing_required_parameter", "message": "Each line needs custom_id, method and url.", "param": None, "line": number})
        elif item["url"] != batch["endpoint"]:
            errors.append({"code": "mismatched_endpoint", "message": f"The url {item['url']} does not match the batch endpoint {batch['endpoint']}.", "param": "url", "line": number})
        else:
            requests.append(item)
    if not requests and not errors:
        errors.append({"code": "empty_file", "message": "The input file has no requests.", "param": None, "line": None})
    return errors if errors else requests


def _finish(state: State, batch: dict[str, Any], at: float) -> None:
    """Answer every request line and write the output (and error) files."""
    dispatch = getattr(state, "dispatch", None)
    outputs: list[dict[str, Any]] = []
    failures: list[dict[str, Any]] = []
    for item in batch["_requests"]:
        status, body = dispatch(item["method"], item["url"], item.get("body")) if dispatch else (500, {"error": {"message": "no dispatcher"}})
        record = {"id": state.new_id("batch_req_"), "custom_id": item["custom_id"], "response": {"status_code": status, "request_id": state.new_id("req_", 32), "body": body}, "error": None}
        (outputs if status < 400 else failures).append(record)
    if outputs:
        batch["output_file_id"] = create_file(state, "".join(json.dumps(r) + "\n" for r in outputs).encode(), f"{batch['id']}_output.jsonl", "batch_output")["id"]
    if failures:
        batch["error_file_id"] = create_file(state, "".join(json.dumps(r) + "\n" for r in failures).encode(), f"{batch['id']}_error.jsonl", "batch_output")["id"]
    batch["request_counts"] = {"total": len(batch["_requests"]), "completed": len(outputs), "failed": len(failures)}
    batch["completed_at"] = int(at)


def _refresh(state: State, batch: dict[str, Any]) -> dict[str, Any]:
    """Bring a batch's status up to the server's clock."""
    with state.lock:
        if batch["status"] in _TERMINAL:
            return batch
        if batch["status"] == "cancelling":
            batch["status"], batch["cancelled_at"] = "cancelled", state.now()
            return batch
        status, since = stage(state, batch["created_at"], _STAGES, "completed")
        window_end = batch["created_at"] + _WINDOWS.get(batch["completion_window"], 86_400)
        if status != "completed" and state.now() >= window_end:
            batch["status"], batch["expired_at"] = "expired", window_end
            return batch
        if status == "completed" and since > window_end:
            batch["status"], batch["expired_at"] = "expired", window_end
            return batch
        if status in ("in_progress", "finalizing", "completed") and batch.get("in_progress_at") is None:
            batch["in_progress_at"] = batch["created_at"] + int(state.durations.get("batch_validating", 0))
        if status in ("finalizing", "completed") and batch.get("finalizing_at") is None:
            batch["finalizing_at"] = int(since if status == "finalizing" else since - state.durations.get("batch_finalizing", 0))
        if status == "completed":
            _finish(state, batch, since)
        batch["status"] = status
    return batch


def _create(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    body = request.json_object()
    find(state, "file", body["input_file_id"], "file", "input_file_id")
    now = state.now()
    batch: dict[str, Any] = {
        "id": state.new_id("batch_"),
        "object": "batch",
        "endpoint": body["endpoint"],
        "errors": None,
        "input_file_id": body["input_file_id"],
        "completion_window": body["completion_window"],
        "status": "validating",
        "output_file_id": None,
        "error_file_id": None,
        "created_at": now,
        "in_progress_at": None,
        "expires_at": now + _WINDOWS.get(body["completion_window"], 86_400),
        "finalizing_at": None,
        "completed_at": None,
        "failed_at": None,
        "expired_at": None,
        "cancelling_at": None,
        "cancelled_at": None,
        "request_counts": {"total": 0, "completed": 0, "failed": 0},
        "metadata": body.get("metadata"),
    }
    lines = _read_lines(state, batch)
    if lines and "code" in lines[0]:
        batch["status"], batch["failed_at"] = "failed", now
        batch["errors"] = {"object": "list", "data": lines}
        batch["_requests"] = []
    else:
        batch["_requests"] = lines
        batch["request_counts"]["total"] = len(lines)
    return json_reply(public(put(state, "batch", batch)))


def _retrieve(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    return json_reply(public(_refresh(state, find(state, "batch", params["batch_id"], "batch", "batch_id"))))


def _list(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    with state.lock:
        batches = [public(_refresh(state, b)) for b in state.store("batch").values()]
    return json_reply(cursor_page(request, batches, default_order="desc"))


def _cancel(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    batch = _refresh(state, find(state, "batch", params["batch_id"], "batch", "batch_id"))
    with state.lock:
        if batch["status"] in _TERMINAL:
            raise HTTPError(error_reply(409, f"Cannot cancel a batch with status {batch['status']}.", param="batch_id", code="batch_not_cancellable"))
        batch["status"], batch["cancelling_at"] = "cancelling", state.now()
    return json_reply(public(batch))


def register(router: Router) -> None:
    router.add("POST", "/batches", _create)
    router.add("GET", "/batches", _list)
    router.add("GET", "/batches/{batch_id}", _retrieve)
    router.add("POST", "/batches/{batch_id}/cancel", _cancel)
