"""Building request paths safely."""

from __future__ import annotations

from urllib.parse import quote

__all__ = ["path_segment"]


def path_segment(value: str, name: str) -> str:
    """``value`` escaped as one path segment, so an ID can never change the route."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    if not value:
        raise ValueError(f"{name} must be a non-empty string")
    if value in (".", ".."):
        # A dot-segment is removed or resolved by URL normalization and would reach another route
        # (``models.retrieve(".")`` would list the models); the official SDK refuses it too.
        raise ValueError(f"{name} must not be {value!r}: a dot-segment would change the route")
    return quote(value, safe="")
