"""``/vector_stores``: stores, their files and file batches. A file is ``in_progress`` for a while on
the server's clock, then ``completed``; stores count their files by status; search ranks the stored
files by the words they share with the query."""

from __future__ import annotations

import re
from typing import Any

from ._app import AppRequest, HTTPError, Reply, Router, error_reply, json_reply, not_found
from ._paging import cursor_page
from ._state import State
from ._store import find, public, put, remove, stage

__all__ = ["register"]

_WORD = re.compile(r"\w+")


def _file_status(state: State, entry: dict[str, Any]) -> str:
    if entry["status"] in ("cancelled", "failed"):
        return str(entry["status"])
    status, _ = stage(state, entry["created_at"], (("in_progress", "vector_store_file"),), "completed")
    return status


def _files(state: State, store_id: str) -> list[dict[str, Any]]:
    return [f for f in state.store("vector_store_file").values() if f["vector_store_id"] == store_id]


def _counts(state: State, files: list[dict[str, Any]]) -> dict[str, int]:
    counts = {"in_progress": 0, "completed": 0, "failed": 0, "cancelled": 0, "total": len(files)}
    for entry in files:
        entry["status"] = _file_status(state, entry)
        counts[entry["status"]] += 1
    return counts


def _store_view(state: State, store: dict[str, Any]) -> dict[str, Any]:
    with state.lock:
        files = _files(state, store["id"])
        store["file_counts"] = _counts(state, files)
        store["usage_bytes"] = sum(f["usage_bytes"] for f in files if f["status"] == "completed")
        store["status"] = "in_progress" if store["file_counts"]["in_progress"] else "completed"
        return public(store)


def _attach(state: State, store_id: str, file_id: str, attributes: Any = None, chunking: Any = None) -> dict[str, Any]:
    find(state, "file", file_id, "file", "file_id")
    entry = {
        "id": file_id,
        "object": "vector_store.file",
        "usage_bytes": len(state.blobs.get(file_id, b"")),
        "created_at": state.now(),
        "vector_store_id": store_id,
        "status": "in_progress",
        "last_error": None,
        "chunking_strategy": {"type": "static", "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400}} if not chunking or chunking.get("type") == "auto" else chunking,
        "attributes": attributes,
    }
    with state.lock:
        state.store("vector_store_file")[f"{store_id}/{file_id}"] = entry
    return entry


def _create(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    body = request.json_object()
    now = state.now()
    expires_after = body.get("expires_after")
    store: dict[str, Any] = {
        "id": state.new_id("vs_"),
        "object": "vector_store",
        "created_at": now,
        "name": body.get("name") or "",
        "usage_bytes": 0,
        "file_counts": {},
        "status": "completed",
        "expires_after": expires_after,
        "expires_at": now + int(expires_after["days"]) * 86_400 if expires_after else None,
        "last_active_at": now,
        "metadata": body.get("metadata") or {},
    }
    put(state, "vector_store", store)
    for file_id in body.get("file_ids") or []:
        _attach(state, store["id"], file_id, chunking=body.get("chunking_strategy"))
    return json_reply(_store_view(state, store))


def _store(state: State, store_id: str) -> dict[str, Any]:
    return find(state, "vector_store", store_id, "vector store", "vector_store_id")


def _retrieve(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    return json_reply(_store_view(state, _store(state, params["vector_store_id"])))


def _update(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    body = request.json_object()
    store = _store(state, params["vector_store_id"])
    with state.lock:
        for key in ("name", "metadata", "expires_after"):
            if key in body:
                store[key] = body[key]
    return json_reply(_store_view(state, store))


def _list(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    stores = [_store_view(state, s) for s in list(state.store("vector_store").values())]
    return json_reply(cursor_page(request, stores, default_order="desc", allow_before=True))


def _delete(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    remove(state, "vector_store", params["vector_store_id"], "vector store", "vector_store_id")
    with state.lock:
        for key in [k for k in state.store("vector_store_file") if k.startswith(params["vector_store_id"] + "/")]:
            del state.store("vector_store_file")[key]
    return json_reply({"id": params["vector_store_id"], "object": "vector_store.deleted", "deleted": True})


def _file(state: State, store_id: str, file_id: str) -> dict[str, Any]:
    _store(state, store_id)
    entry = find(state, "vector_store_file", f"{store_id}/{file_id}", "vector store file", "file_id")
    entry["status"] = _file_status(state, entry)
    return entry


def _create_file(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    body = request.json_object()
    _store(state, params["vector_store_id"])
    entry = _attach(state, params["vector_store_id"], body["file_id"], body.get("attributes"), body.get("chunking_strategy"))
    return json_reply(public(entry))


def _list_files(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    _store(state, params["vector_store_id"])
    wanted = request.q("filter")
    with state.lock:
        files = _files(state, params["vector_store_id"])
        _counts(state, files)
        items = [public(f) for f in files if wanted is None or f["status"] == wanted]
    return json_reply(cursor_page(request, items, default_order="desc", allow_before=True))


def _retrieve_file(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    return json_reply(public(_file(state, params["vector_store_id"], params["file_id"])))


def _update_file(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    body = request.json_object()
    entry = _file(state, params["vector_store_id"], params["file_id"])
    entry["attributes"] = body.get("attributes")
    return json_reply(public(entry))


def _delete_file(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    _file(state, params["vector_store_id"], params["file_id"])
    remove(state, "vector_store_file", f"{params['vector_store_id']}/{params['file_id']}", "vector store file", "file_id")
    return json_reply({"id": params["file_id"], "object": "vector_store.file.deleted", "deleted": True})


def _file_content(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    _file(state, params["vector_store_id"], params["file_id"])
    text = state.blobs.get(params["file_id"], b"").decode("utf-8", "replace")
    return json_reply({"object": "vector_store.file_content.page", "data": [{"type": "text", "text": text}], "has_more": False, "next_page": None})


# -- file batches -----------------------------------------------------------------------------------


def _batch_view(state: State, batch: dict[str, Any]) -> dict[str, Any]:
    with state.lock:
        files = [state.store("vector_store_file").get(f"{batch['vector_store_id']}/{file_id}") for file_id in batch["_file_ids"]]
        counts = _counts(state, [f for f in files if f is not None])
        if batch["status"] != "cancelled":
            batch["status"] = "in_progress" if counts["in_progress"] else "completed"
        batch["file_counts"] = counts
        return public(batch)


def _create_batch(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    body = request.json_object()
    store_id = params["vector_store_id"]
    _store(state, store_id)
    specs = [{"file_id": file_id} for file_id in body.get("file_ids") or []] + list(body.get("files") or [])
    if not specs:
        raise HTTPError(error_reply(400, "Give file_ids or files.", param="file_ids", code="missing_required_parameter"))
    for spec in specs:
        _attach(state, store_id, spec["file_id"], spec.get("attributes", body.get("attributes")), spec.get("chunking_strategy", body.get("chunking_strategy")))
    batch = {
        "id": state.new_id("vsfb_"),
        "object": "vector_store.files_batch",
        "created_at": state.now(),
        "vector_store_id": store_id,
        "status": "in_progress",
        "file_counts": {},
        "_file_ids": [spec["file_id"] for spec in specs],
    }
    put(state, "vector_store_file_batch", batch)
    return json_reply(_batch_view(state, batch))


def _batch(state: State, store_id: str, batch_id: str) -> dict[str, Any]:
    _store(state, store_id)
    batch = find(state, "vector_store_file_batch", batch_id, "vector store file batch", "batch_id")
    if batch["vector_store_id"] != store_id:
        raise not_found("vector store file batch", batch_id, "batch_id")
    return batch


def _retrieve_batch(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    return json_reply(_batch_view(state, _batch(state, params["vector_store_id"], params["batch_id"])))


def _cancel_batch(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    batch = _batch(state, params["vector_store_id"], params["batch_id"])
    with state.lock:
        for file_id in batch["_file_ids"]:
            entry = state.store("vector_store_file").get(f"{batch['vector_store_id']}/{file_id}")
            if entry is not None and _file_status(state, entry) == "in_progress":
                entry["status"] = "cancelled"
        batch["status"] = "cancelled"
    return json_reply(_batch_view(state, batch))


def _batch_files(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    batch = _batch(state, params["vector_store_id"], params["batch_id"])
    wanted = request.q("filter")
    with state.lock:
        files = [state.store("vector_store_file").get(f"{batch['vector_store_id']}/{file_id}") for file_id in batch["_file_ids"]]
        present = [f for f in files if f is not None]
        _counts(state, present)
        items = [public(f) for f in present if wanted is None or f["status"] == wanted]
    return json_reply(cursor_page(request, items, default_order="desc", allow_before=True))


def _search(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    body = request.json_object()
    store_id = params["vector_store_id"]
    _store(state, store_id)
    query = body["query"] if isinstance(body["query"], str) else " ".join(body["query"])
    words = {w.lower() for w in _WORD.findall(query)}
    results = []
    with state.lock:
        for entry in _files(state, store_id):
            if _file_status(state, entry) != "completed":
                continue
            text = state.blobs.get(entry["id"], b"").decode("utf-8", "replace")
            found = {w.lower() for w in _WORD.findall(text)}
            score = len(words & found) / len(words) if words else 0.0
            if score > 0:
                filename = state.store("file").get(entry["id"], {}).get("filename", entry["id"])
                results.append({"file_id": entry["id"], "filename": filename, "score": round(score, 4), "attributes": entry.get("attributes") or {}, "content": [{"type": "text", "text": text[:2000]}]})
    results.sort(key=lambda r: (-r["score"], r["file_id"]))
    limit = int(body.get("max_num_results") or 10)
    return json_reply({"object": "vector_store.search_results.page", "search_query": [query], "data": results[:limit], "has_more": False, "next_page": None})


def register(router: Router) -> None:
    router.add("POST", "/vector_stores", _create)
    router.add("GET", "/vector_stores", _list)
    router.add("GET", "/vector_stores/{vector_store_id}", _retrieve)
    router.add("POST", "/vector_stores/{vector_store_id}", _update)
    router.add("DELETE", "/vector_stores/{vector_store_id}", _delete)
    router.add("POST", "/vector_stores/{vector_store_id}/files", _create_file)
    router.add("GET", "/vector_stores/{vector_store_id}/files", _list_files)
    router.add("GET", "/vector_stores/{vector_store_id}/files/{file_id}", _retrieve_file)
    router.add("POST", "/vector_stores/{vector_store_id}/files/{file_id}", _update_file)
    router.add("DELETE", "/vector_stores/{vector_store_id}/files/{file_id}", _delete_file)
    router.add("GET", "/vector_stores/{vector_store_id}/files/{file_id}/content", _file_content)
    router.add("POST", "/vector_stores/{vector_store_id}/file_batches", _create_batch)
    router.add("GET", "/vector_stores/{vector_store_id}/file_batches/{batch_id}", _retrieve_batch)
    router.add("POST", "/vector_stores/{vector_store_id}/file_batches/{batch_id}/cancel", _cancel_batch)
    router.add("GET", "/vector_stores/{vector_store_id}/file_batches/{batch_id}/files", _batch_files)
    router.add("POST", "/vector_stores/{vector_store_id}/search", _search)
