"""Cursor pagination exactly as the API does it: ``after``/``before``, ``limit``, ``order``,
``first_id``/``last_id`` and a ``has_more`` that is right on every page, the last included."""

from __future__ import annotations

from typing import Any, Sequence

from ._app import AppRequest, HTTPError, UnknownObject, error_reply

__all__ = ["cursor_page"]


def _limit(request: AppRequest, default: int, maximum: int) -> int:
    text = request.q("limit")
    if text is None:
        return default
    try:
        limit = int(text)
    except ValueError:
        raise HTTPError(error_reply(400, f"Invalid 'limit': expected an integer, got {text!r}.", param="limit", code="invalid_type")) from None
    if not 0 <= limit <= maximum:  # 0 is accepted, as the API does: a page with no items
        raise HTTPError(
            error_reply(400, f"Invalid 'limit': {limit}. Expected a value between 0 and {maximum}.", param="limit", code="integer_out_of_range")
        )
    return limit


def cursor_page(
    request: AppRequest,
    items: Sequence[dict[str, Any]],
    *,
    default_limit: int = 20,
    max_limit: int = 100,
    default_order: str = "asc",
    allow_before: bool = False,
    order: str | None = None,
) -> dict[str, Any]:
    """One page of ``items`` (given oldest first) for the request's cursor parameters (``order``,
    when given, is the request's order already read: a list that spells it ``ascending``)."""
    limit = _limit(request, default_limit, max_limit)
    order = order or request.q("order") or default_order
    if order not in ("asc", "desc"):
        raise HTTPError(error_reply(400, f"Invalid 'order': {order!r}. Expected 'asc' or 'desc'.", param="order", code="invalid_value"))
    ordered = list(items) if order == "asc" else list(reversed(items))
    ids = [item["id"] for item in ordered]
    after = request.q("after")
    before = request.q("before") if allow_before else None
    start, stop = 0, len(ordered)
    # A cursor names an object: one the list does not hold is a 404 naming it, as any unknown ID
    # is, unless the server invents what it does not know (permissive IDs): then nothing lies
    # past it, an empty last page.
    permissive = request.unknown_ids == "permissive"
    if after:
        if after in ids:
            start = ids.index(after) + 1
        elif permissive:
            start = len(ordered)
        else:
            raise _unknown_cursor(ordered, after, "after")
    if before:
        if before in ids:
            stop = ids.index(before)
        elif permissive:
            stop = 0
        else:
            raise _unknown_cursor(ordered, before, "before")
    window = ordered[start:stop]
    if before and not after:
        page = window[-limit:] if limit else []
        has_more = len(window) > limit
    else:
        page = window[:limit]
        has_more = len(window) > limit
    empty_id = None if _first_id_nullable(request) else ""
    return {
        "object": "list",
        "data": page,
        "first_id": page[0]["id"] if page else empty_id,
        "last_id": page[-1]["id"] if page else empty_id,
        "has_more": has_more,
    }


def _unknown_cursor(items: Sequence[dict[str, Any]], cursor: str, param: str) -> UnknownObject:
    kinds = {item.get("object") for item in items if isinstance(item.get("object"), str)}
    kind = kinds.pop() if len(kinds) == 1 else "object"
    return UnknownObject(error_reply(404, f"No {kind} found with id '{cursor}'.", param=param, code="not_found"))


def _first_id_nullable(request: AppRequest) -> bool:
    """Whether the operation's page may say ``first_id: null`` when empty; where the spec does not
    allow null, an empty page says ``""``."""
    if request.operation is None or not request.operation["response"].get("schema"):
        return True
    from ._spec import spec_index

    spec = spec_index()
    page = spec.deref(request.operation["response"]["schema"])
    first_id = spec.deref(((page or {}).get("properties") or {}).get("first_id"))
    if not isinstance(first_id, dict):
        return True
    return bool(first_id.get("nullable")) or any(spec.deref(v).get("type") == "null" for v in first_id.get("anyOf") or [])
