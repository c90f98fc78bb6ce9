"""Helpers the stateful handlers share: storing, finding (404 when unknown), and time-based status."""

from __future__ import annotations

import copy
from typing import Any, Sequence

from ._app import not_found
from ._state import State

__all__ = ["find", "public", "put", "remove", "stage"]


def put(state: State, kind: str, obj: dict[str, Any]) -> dict[str, Any]:
    with state.lock:
        state.store(kind)[obj["id"]] = obj
    return obj


def find(state: State, kind: str, object_id: str, label: str, param: str) -> dict[str, Any]:
    """The stored object, or a 404 in the API's shape (an invented object on a permissive server)."""
    obj = state.store(kind).get(object_id)
    if obj is None:
        raise not_found(label, object_id, param)
    return obj


def remove(state: State, kind: str, object_id: str, label: str, param: str) -> dict[str, Any]:
    with state.lock:
        obj = find(state, kind, object_id, label, param)
        del state.store(kind)[object_id]
    return obj


def stage(state: State, started_at: float, stages: Sequence[tuple[str, str]], final: str) -> tuple[str, float]:
    """Which of ``stages`` (status, duration key) an object started at ``started_at`` is in now,
    and when that stage began; ``final`` once all have passed."""
    elapsed = state.now() - started_at
    begun = started_at
    for status, duration_key in stages:
        duration = state.durations.get(duration_key, 0.0)
        if elapsed < duration:
            return status, begun
        elapsed -= duration
        begun += duration
    return final, begun


def public(obj: dict[str, Any]) -> dict[str, Any]:
    """A copy without the server's private bookkeeping (keys starting with an underscore)."""
    return {key: copy.deepcopy(value) for key, value in obj.items() if not key.startswith("_")}
