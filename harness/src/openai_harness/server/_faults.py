"""Faults as small frozen values. Each says what goes on the wire instead of the normal answer.

    Status(429, headers={"retry-after-ms": "10"})   an error status with an OpenAI error body
    Delay(0.5)                                       wait, then answer normally
    SlowBody(chunk_size=1, interval=0.01)            the normal answer, trickled
    Hang()                                           say nothing until the client gives up
    Reset("before_status" | "after_headers")         TCP reset
    Truncate(keep=10)                                fewer body bytes than Content-Length, then close
    Garbage(b"...")                                  bytes that are not HTTP, then close
    BadChunked()                                     an invalid chunked body, then close
    Empty()                                          close without a byte

and inside a stream: StreamCut(after_events), StreamError(after_events), MalformedEvent(after_events),
Stall(after_events, seconds), ByteByByte().
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Mapping, Union

__all__ = [
    "FAULT_TYPES",
    "BadChunked",
    "ByteByByte",
    "Delay",
    "Empty",
    "Fault",
    "Garbage",
    "Hang",
    "MalformedEvent",
    "Reset",
    "SlowBody",
    "Stall",
    "Status",
    "StreamCut",
    "StreamError",
    "StreamFault",
    "Truncate",
    "fault_from_dict",
    "fault_to_dict",
]

_DEFAULT_ERRORS: dict[int, tuple[str, str, str | None]] = {
    400: ("invalid_request_error", "Bad request (injected by the harness).", None),
    401: ("invalid_request_error", "Incorrect API key provided (injected by the harness).", "invalid_api_key"),
    403: ("invalid_request_error", "You are not allowed to sample from this model (injected by the harness).", None),
    404: ("invalid_request_error", "Not found (injected by the harness).", None),
    408: ("timeout", "Request timed out (injected by the harness).", None),
    409: ("invalid_request_error", "Conflict (injected by the harness).", None),
    422: ("invalid_request_error", "Unprocessable entity (injected by the harness).", None),
    429: ("requests", "Rate limit reached for requests (injected by the harness).", "rate_limit_exceeded"),
    500: ("server_error", "The server had an error while processing your request (injected by the harness).", None),
    502: ("server_error", "Bad gateway (injected by the harness).", None),
    503: ("server_error", "The engine is currently overloaded, please try again later (injected by the harness).", None),
}


@dataclass(frozen=True)
class Status:
    """Answer with ``status``. ``body`` defaults to an OpenAI-shaped error; bytes are sent as-is."""

    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: Any = None
    kind: Literal["status"] = field(default="status", repr=False)

    def __post_init__(self) -> None:
        if not 100 <= self.status <= 599:
            raise ValueError(f"Status fault needs an HTTP status between 100 and 599, got {self.status}")

    def error_body(self) -> Any:
        if self.body is not None:
            return self.body
        error_type, message, code = _DEFAULT_ERRORS.get(
            self.status,
            ("server_error" if self.status >= 500 else "invalid_request_error", f"Error {self.status} (injected by the harness).", None),
        )
        return {"error": {"message": message, "type": error_type, "param": None, "code": code}}


@dataclass(frozen=True)
class Delay:
    """Wait ``seconds`` before the status line, then answer normally."""

    seconds: float
    kind: Literal["delay"] = field(default="delay", repr=False)

    def __post_init__(self) -> None:
        if self.seconds < 0:
            raise ValueError("Delay needs a non-negative number of seconds")


@dataclass(frozen=True)
class SlowBody:
    """Send the headers, then the body ``chunk_size`` bytes at a time every ``interval`` seconds."""

    chunk_size: int = 1
    interval: float = 0.01
    kind: Literal["slow_body"] = field(default="slow_body", repr=False)

    def __post_init__(self) -> None:
        if self.chunk_size < 1 or self.interval < 0:
            raise ValueError("SlowBody needs chunk_size >= 1 and interval >= 0")


@dataclass(frozen=True)
class Hang:
    """Send nothing until the client closes the connection, the server stops, or ``seconds`` pass
    (then close without answering)."""

    seconds: float | None = None
    kind: Literal["hang"] = field(default="hang", repr=False)


@dataclass(frozen=True)
class Reset:
    """Reset the TCP connection before the status line or right after the headers."""

    when: Literal["before_status", "after_headers"] = "before_status"
    kind: Literal["reset"] = field(default="reset", repr=False)

    def __post_init__(self) -> None:
        if self.when not in ("before_status", "after_headers"):
            raise ValueError("Reset.when must be 'before_status' or 'after_headers'")


@dataclass(frozen=True)
class Truncate:
    """Promise the full ``Content-Length`` but send only ``keep`` body bytes, then close."""

    keep: int = 0
    kind: Literal["truncate"] = field(default="truncate", repr=False)


@dataclass(frozen=True)
class Garbage:
    """Send ``data`` (not HTTP) instead of a response, then close."""

    data: bytes = b"\x00\x01 this is not HTTP \xff\r\n\r\n"
    kind: Literal["garbage"] = field(default="garbage", repr=False)


@dataclass(frozen=True)
class BadChunked:
    """Answer with ``Transfer-Encoding: chunked`` and an invalid chunk, then close."""

    kind: Literal["bad_chunked"] = field(default="bad_chunked", repr=False)


@dataclass(frozen=True)
class Empty:
    """Close the connection without sending a byte."""

    kind: Literal["empty"] = field(default="empty", repr=False)





# -- faults inside a streamed (SSE) answer -----------------------------------------------------
# On an answer that is not a stream they do nothing, except ByteByByte, which trickles any body.


@dataclass(frozen=True)
class StreamCut:
    """Send ``after_events`` events, then drop the connection mid-stream (no final chunk)."""

    after_events: int = 1
    kind: Literal["stream_cut"] = field(default="stream_cut", repr=False)


@dataclass(frozen=True)
class StreamError:
    """After ``after_events`` events, send an ``error`` event in the API's shape and end the stream."""

    after_events: int = 1
    message: str = "The server had an error while processing your request (injected by the harness)."
    code: str | None = "server_error"
    type: str = "server_error"
    kind: Literal["stream_error"] = field(default="stream_error", repr=False)


@dataclass(frozen=True)
class MalformedEvent:
    """After ``after_events`` events, send a ``data:`` line that is not valid JSON, then continue."""

    after_events: int = 1
    kind: Literal["malformed_event"] = field(default="malformed_event", repr=False)


@dataclass(frozen=True)
class Stall:
    """After ``after_events`` events, send nothing for ``seconds``, then continue."""

    after_events: int = 1
    seconds: float = 1.0
    kind: Literal["stall"] = field(default="stall", repr=False)


@dataclass(frozen=True)
class ByteByByte:
    """Write every byte of the answer separately (stream or not)."""

    kind: Literal["byte_by_byte"] = field(default="byte_by_byte", repr=False)


StreamFault = Union[StreamCut, StreamError, MalformedEvent, Stall, ByteByByte]
Fault = Union[Status, Delay, SlowBody, Hang, Reset, Truncate, Garbage, BadChunked, Empty, StreamCut, StreamError, MalformedEvent, Stall, ByteByByte]
FAULT_TYPES = (Status, Delay, SlowBody, Hang, Reset, Truncate, Garbage, BadChunked, Empty, StreamCut, StreamError, MalformedEvent, Stall, ByteByByte)

_KINDS: dict[str, type[Any]] = {str(cls.__dataclass_fields__["kind"].default): cls for cls in FAULT_TYPES}


def fault_from_dict(data: Mapping[str, Any]) -> Fault:
    """A fault from its JSON form (``{"kind": "status", "status": 429, ...}``), as the control API takes it."""
    if not isinstance(data, Mapping) or "kind" not in data:
        raise ValueError(f"A fault must be an object with a 'kind' (one of {', '.join(sorted(_KINDS))}), got {data!r}")
    kind = data["kind"]
    cls = _KINDS.get(kind)
    if cls is None:
        raise ValueError(f"Unknown fault kind {kind!r}; expected one of {', '.join(sorted(_KINDS))}")
    fields = {key: value for key, value in data.items() if key != "kind"}
    if cls is Garbage and isinstance(fields.get("data"), str):
        fields["data"] = fields["data"].encode("utf-8")
    try:
        return cls(**fields)  # type: ignore[no-any-return]
    except TypeError as error:
        raise ValueError(f"Bad fields for fault {kind!r}: {error}") from None


def fault_to_dict(fault: Fault) -> dict[str, Any]:
    from dataclasses import asdict

    data = asdict(fault)
    if isinstance(data.get("data"), bytes):
        data["data"] = data["data"].decode("latin-1")
    if "headers" in data:
        data["headers"] = dict(data["headers"])
    return data
