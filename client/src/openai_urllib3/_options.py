"""Per-request options and how they are layered over the client's defaults.

Layers, later winning: client constructor -> ``client.with_options(...)`` -> the call's
keyword options. A key that is absent means "use the layer below"; ``None`` means
"explicitly off" (for ``timeout``) and JSON null (in ``extra_body``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence, TypedDict

from ._types import Omit, TimeoutLike

if TYPE_CHECKING:
    from ._http import Headers, Request, Response

__all__ = ["OPTION_KEYS", "RequestOptions", "apply_headers", "deep_merge", "split_options"]


class RequestOptions(TypedDict, total=False):
    """Keyword options every API method accepts besides its own parameters."""

    extra_headers: Mapping[str, str | Omit]
    """Headers merged over the defaults; a value of ``omit`` removes that header."""
    extra_query: Mapping[str, object]
    """Query parameters added to the URL (winning over the method's own)."""
    extra_body: Mapping[str, object]
    """JSON fields deep-merged over the typed parameters, winning on conflict."""
    timeout: TimeoutLike
    """A number, a ``(connect, read)`` pair, a ``Timeout``, or ``None`` for no timeout."""
    max_retries: int
    """Retries for this call only."""
    idempotency_key: str
    """Sent as ``Idempotency-Key``, the same on every attempt."""
    middleware: Sequence[Callable[[Request, Callable[[Request], Response]], Response]]
    """Runs after the client's middleware, left to right, on every attempt."""


OPTION_KEYS = frozenset(RequestOptions.__annotations__)
_EMPTY: RequestOptions = {}


def split_options(kwargs: Mapping[str, Any]) -> tuple[dict[str, Any], RequestOptions]:
    """Separate a method's keyword arguments into API parameters and request options."""
    options: dict[str, Any] | None = None
    for key in OPTION_KEYS:
        if key in kwargs:
            if options is None:
                options = {}
            options[key] = kwargs[key]
    if options is None:
        return dict(kwargs), _EMPTY
    params = {key: value for key, value in kwargs.items() if key not in options}
    return params, options  # type: ignore[return-value]


def apply_headers(headers: Headers, extra: Mapping[str, str | Omit]) -> None:
    """Merge ``extra`` into ``headers`` in place; ``omit`` removes the header."""
    for name, value in extra.items():
        if isinstance(value, Omit):
            headers.pop(name, None)
        elif not isinstance(value, str):
            raise TypeError(f"Header {name!r} must be a str (or omit), got {type(value).__name__}")
        else:
            headers[name] = value


def deep_merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """``extra`` over ``base``: nested objects merge, anything else in ``extra`` wins."""
    merged = dict(base)
    for key, value in extra.items():
        current = merged.get(key)
        if isinstance(current, Mapping) and isinstance(value, Mapping):
            merged[key] = deep_merge(current, value)
        else:
            merged[key] = value
    return merged
