"""Answers that drift from the spec the way a live API does: new fields, new enum values, new union
variants, fields gone missing or sent with another type."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

__all__ = ["drift"]

_UNKNOWN_TEXT = "x_new_in_a_later_api_version"
# Fresh copies: a drawn list or dict is changed further by later changes.
_other_types = st.sampled_from([None, True, 0, 1.5, "text", [], {}, [1, "a"], {"unexpected": {"nested": [None]}}]).map(copy.deepcopy)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place inside ``value`` (keys of objects, indexes of arrays), outermost first."""
    found: list[tuple[Any, ...]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found.append((*prefix, key))
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.append((*prefix, index))
            found += _paths(item, (*prefix, index))
    return found


def _parent(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path[:-1]:
        value = value[step]
    return value


def _another_type_than(current: Any) -> Any:
    kind = type(current)
    return lambda other: type(other) is not kind


@st.composite
def _drifted(draw: st.DrawFn, original: Any, max_changes: int) -> Any:


    value = copy.deepcopy(original)
    for _ in range(draw(st.integers(0, max_changes))):
        paths = _paths(value)
        objects = [()] if isinstance(value, dict) else []
        objects += [path for path in paths if isinstance(_parent(value, (*path, None)), dict)]
        kind = draw(st.sampled_from(["extra_field", "unknown_tag", "unknown_text", "wrong_type", "missing"]))
        if kind == "extra_field" and objects:
            target = _parent(value, (*draw(st.sampled_from(objects)), None))
            target[draw(st.from_regex(r"x_[a-z]{1,8}", fullmatch=True))] = draw(_other_types)
            continue
        if not paths:
            continue
        path = draw(st.sampled_from(paths))
        parent = _parent(value, path)
        current = parent[path[-1]]
        if kind == "unknown_tag" and path[-1] == "type" and isinstance(current, str):
            parent["type"] = _UNKNOWN_TEXT  # a union variant this client has never heard of
        elif kind == "unknown_text" and isinstance(current, str):
            parent[path[-1]] = _UNKNOWN_TEXT  # a new enum value, or just new text
        elif kind == "wrong_type":
            parent[path[-1]] = draw(_other_types.filter(_another_type_than(current)))
        elif kind == "missing" and isinstance(parent, dict):
            del parent[path[-1]]
    return value


def drift(values: st.SearchStrategy[Any], *, max_changes: int = 3) -> st.SearchStrategy[Any]:
    """``values`` changed in up to ``max_changes`` places, each one of: an extra field, an unknown
    ``type`` tag (a new union variant), unknown text where an enum value was, a value of another
    JSON type, or a field left out.

    Shrinks toward the value unchanged."""
    if max_changes < 0:
        raise ValueError(f"max_changes must be >= 0, got {max_changes}")
    return values.flatmap(lambda value: _drifted(value, max_changes))
