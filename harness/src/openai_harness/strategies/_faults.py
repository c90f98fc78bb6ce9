"""Faults and fault schedules for :meth:`MockServer.fault`, and API error bodies."""

from __future__ import annotations

from typing import Any, Iterable

from hypothesis import strategies as st

from ..server._faults import (
    BadChunked,
    Delay,
    Empty,
    Fault,
    Garbage,
    Hang,
    MalformedEvent,
    Reset,
    SlowBody,
    Stall,
    Status,
    StreamCut,
    StreamError,
    Truncate,
)

__all__ = ["RETRYABLE_STATUSES", "api_error_bodies", "fault_schedules", "faults"]

RETRYABLE_STATUSES = (408, 409, 429, 500, 502, 503, 504)
"""The statuses the official SDKs (and this project's client) retry."""

_ERROR_TYPES = ("invalid_request_error", "authentication_error", "permission_error", "not_found_error", "rate_limit_error", "server_error", "requests", "tokens")
_ERROR_CODES = ("rate_limit_exceeded", "invalid_api_key", "model_not_found", "context_length_exceeded", "insufficient_quota", "server_error")
_short_text = st.text(max_size=40)


def api_error_bodies(*, malformed: bool = False) -> st.SearchStrategy[Any]:
    """Error bodies in the API's shape: ``{"error": {"message", "type", "param", "code"}}`` with
    ``param`` and ``code`` null or text, sometimes with extra fields. With ``malformed`` the bodies a
    client must still survive join them: a bare string as ``error``, no ``error`` key, a JSON
    array or string, and raw bytes that are not JSON (``bytes`` values; dicts and the rest are JSON).

    Shrinks toward ``{"error": {"message": "", "type": "invalid_request_error", "param": None, "code": None}}``."""
    error = st.fixed_dictionaries(
        {
            "message": _short_text,
            "type": st.sampled_from(_ERROR_TYPES),
            "param": st.none() | _short_text,
            "code": st.none() | st.sampled_from(_ERROR_CODES) | _short_text,
        },
        optional={"request_id": _short_text, "details": st.lists(_short_text, max_size=2)},
    )
    well_formed = st.builds(lambda inner: {"error": inner}, error)
    if not malformed:
        return well_formed
    return st.one_of(
        well_formed,
        st.builds(lambda text: {"error": text}, _short_text),
        st.builds(lambda text: {"message": text}, _short_text),
        st.builds(lambda text: {"detail": text}, _short_text),
        st.lists(_short_text, max_size=2),
        _short_text,
        st.binary(max_size=40).filter(_not_json),
        st.just(b""),
    )


def _not_json(data: bytes) -> bool:
    import json

    try:
        json.loads(data)
    except ValueError:
        return True
    return False


def faults(
    *,
    statuses: Iterable[int] = RETRYABLE_STATUSES,
    connection: bool = True,
    delays: bool = True,
    max_delay: float = 0.05,
    hang: bool = False,
    stream: bool = False,
    error_bodies: bool = False,
) -> st.SearchStrategy[Fault]:
    """One fault. ``statuses``: the error statuses to answer with (with ``Retry-After`` or
    ``retry-after-ms`` headers at times); ``connection``: resets, truncated bodies, garbage, bad
    chunking and silent closes; ``delays``: ``Delay`` and ``SlowBody`` up to ``max_delay`` seconds
    (both answer normally in the end); ``hang``: ``Hang`` for ``10 * max_delay`` seconds, which a
    client must time out on; ``stream``: cuts, error events, malformed events and stalls inside a
    stream (no effect on answers that are not streams); ``error_bodies``: status bodies from
    :func:`api_error_bodies` (malformed ones included) instead of the default.

    Shrinks toward the first of ``statuses`` with no headers."""
    codes = tuple(statuses)
    if any(not isinstance(code, int) or not 400 <= code <= 599 for code in codes):
        raise ValueError(f"statuses must be HTTP error statuses (400-599), got {codes!r}")
    if max_delay < 0:
        raise ValueError(f"max_delay must be >= 0 seconds, got {max_delay}")
    options: list[st.SearchStrategy[Fault]] = []
    if codes:
        headers: st.SearchStrategy[dict[str, str]] = st.one_of(
            st.just({}),
            st.builds(lambda ms: {"retry-after-ms": str(ms)}, st.integers(0, int(max_delay * 1000))),
            st.just({"retry-after": "0"}),
        )
        body = st.none() | api_error_bodies(malformed=True) if error_bodies else st.none()
        # The plain first status comes first, so a failing example shrinks to it.
        options.append(st.one_of(st.just(Status(codes[0])), st.builds(Status, st.sampled_from(codes), headers=headers, body=body)))
    if connection:
        options.append(
            st.one_of(
                st.builds(Reset, st.sampled_from(["before_status", "after_headers"])),
                st.builds(Truncate, st.integers(0, 20)),
                st.just(Empty()),
                st.builds(Garbage, st.binary(min_size=1, max_size=30).filter(lambda data: not data.startswith(b"HTTP/"))),
                st.just(BadChunked()),
            )
        )
    if delays:
        seconds = st.floats(0, max_delay, allow_nan=False)
        options.append(st.one_of(st.builds(Delay, seconds), st.builds(SlowBody, st.integers(64, 4096), st.floats(0, max_delay / 10, allow_nan=False))))
    if hang:
        options.append(st.just(Hang(seconds=max(10 * max_delay, 0.1))))
    if stream:
        after = st.integers(0, 3)
        options.append(
            st.one_of(
                st.builds(StreamCut, after),
                st.builds(StreamError, after),
                st.builds(MalformedEvent, after),
                st.builds(Stall, after, st.floats(0, max_delay, allow_nan=False)),
            )
        )
    if not options:
        raise ValueError("faults() needs at least one kind: statuses, connection, delays, hang or stream")
    return st.one_of(options)


def fault_schedules(*, max_faults: int = 4, **kinds: Any) -> st.SearchStrategy[list[Fault]]:
    """Lists of up to ``max_faults`` faults, one per request in order, for
    ``server.fault(route, *schedule)``; the keyword arguments choose the kinds as for :func:`faults`.

    Shrinks toward the empty schedule: no fault at all."""
    if max_faults < 0:
        raise ValueError(f"max_faults must be >= 0, got {max_faults}")
    return st.lists(faults(**kinds), max_size=max_faults)
