"""``/files`` and ``/uploads``: multipart upload with a size limit, list by purpose, retrieve,
content, delete; uploads in parts that ``complete`` assembles into a file."""

from __future__ import annotations

from typing import Any

from ._app import AppRequest, HTTPError, Reply, Router, error_reply, json_reply
from ._paging import cursor_page
from ._spec import parse_multipart
from ._state import State
from ._store import find, public, put, remove

__all__ = ["create_file", "register"]


def create_file(state: State, content: bytes, filename: str, purpose: str, expires_after: dict[str, Any] | None = None) -> dict[str, Any]:
    """Store a file (also used by batches for their output) and return its object."""
    if len(content) > state.max_file_bytes:
        raise HTTPError(error_reply(400, f"File is too large: {len(content)} bytes.", param="file", code="file_too_large"))
    now = state.now()
    file: dict[str, Any] = {
        "id": state.new_id("file-"),
        "object": "file",
        "bytes": len(content),
        "created_at": now,
        "expires_at": now + int(expires_after["seconds"]) if expires_after and "seconds" in expires_after else None,
        "filename": filename,
        "purpose": purpose,
        "status": "processed",
        "status_details": None,
    }
    with state.lock:
        state.blobs[file["id"]] = content
    return put(state, "file", file)


def _upload(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    fields = parse_multipart(request)
    file = fields.get("file")
    if not isinstance(file, bytes):
        raise HTTPError(error_reply(400, "Missing required parameter: 'file'.", param="file", code="missing_required_parameter"))
    expires = fields.get("expires_after") if isinstance(fields.get("expires_after"), dict) else None
    filename = getattr(file, "filename", None) or "upload"
    return json_reply(create_file(state, bytes(file), filename, str(fields.get("purpose")), expires))


def _list(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    purpose = request.q("purpose")
    with state.lock:
        files = [public(f) for f in state.store("file").values() if purpose is None or f["purpose"] == purpose]
    return json_reply(cursor_page(request, files, default_limit=10000, max_limit=10000, default_order="desc"))


def _retrieve(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    return json_reply(public(find(state, "file", params["file_id"], "file", "file_id")))


def _content(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    find(state, "file", params["file_id"], "file", "file_id")
    return Reply(200, [("content-type", "application/octet-stream")], state.blobs.get(params["file_id"], b""))


def _delete(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    remove(state, "file", params["file_id"], "file", "file_id")
    state.blobs.pop(params["file_id"], None)
    return json_reply({"id": params["file_id"], "object": "file", "deleted": True})


# -- uploads ----------------------------------------------------------------------------------------


def _create_upload(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    body = request.json_object()
    now = state.now()
    upload = {
        "id": state.new_id("upload_"),
        "object": "upload",
        "bytes": body["bytes"],
        "created_at": now,
        "expires_at": now + 3600,
        "filename": body["filename"],
        "purpose": body["purpose"],
        "status": "pending",
        "file": None,
        "_mime_type": body.get("mime_type"),
        "_parts": {},
    }
    return json_reply(public(put(state, "upload", upload)))


def _pending(state: State, upload_id: str) -> dict[str, Any]:
    upload = find(state, "upload", upload_id, "upload", "upload_id")
    if upload["status"] != "pending":
        raise HTTPError(error_reply(400, f"Upload {upload_id} is already {upload['status']}.", param="upload_id", code="invalid_upload_state"))
    return upload


def _add_part(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    fields = parse_multipart(request)
    with state.lock:
        upload = _pending(state, params["upload_id"])
        part = {"id": state.new_id("part_"), "object": "upload.part", "created_at": state.now(), "upload_id": upload["id"]}
        upload["_parts"][part["id"]] = bytes(fields.get("data") or b"")
    return json_reply(part)


def _complete(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    body = request.json_object()
    with state.lock:
        upload = _pending(state, params["upload_id"])
        unknown = [p for p in body["part_ids"] if p not in upload["_parts"]]
        if unknown:
            raise HTTPError(error_reply(400, f"Unknown part ID(s): {', '.join(unknown)}.", param="part_ids", code="invalid_part_ids"))
        content = b"".join(upload["_parts"][p] for p in body["part_ids"])
        if len(content) != upload["bytes"]:
            raise HTTPError(
                error_reply(400, f"The parts add up to {len(content)} bytes, but the upload was created for {upload['bytes']}.", param="part_ids", code="upload_size_mismatch")
            )
        file = create_file(state, content, upload["filename"], upload["purpose"])
        upload["status"] = "completed"
        upload["file"] = public(file)
    return json_reply(public(upload))


def _cancel(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    with state.lock:
        upload = _pending(state, params["upload_id"])
        upload["status"] = "cancelled"
    return json_reply(public(upload))


def register(router: Router) -> None:
    router.add("POST", "/files", _upload)
    router.add("GET", "/files", _list)
    router.add("GET", "/files/{file_id}", _retrieve)
    router.add("GET", "/files/{file_id}/content", _content)
    router.add("DELETE", "/files/{file_id}", _delete)
    router.add("POST", "/uploads", _create_upload)
    router.add("POST", "/uploads/{upload_id}/parts", _add_part)
    router.add("POST", "/uploads/{upload_id}/complete", _complete)
    router.add("POST", "/uploads/{upload_id}/cancel", _cancel)
