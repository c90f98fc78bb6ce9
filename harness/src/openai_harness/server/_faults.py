"""Faults as small frozen values. Each says what goes on the wire instead of the normal answer,
and does it: ``fault.apply(wire, reply)`` uses the few primitives of a :class:`Wire` (the socket
shell), so the shell knows no fault by name and a new fault is one class here.

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
Stall(after_events, seconds), ByteByByte(), Close(after_events, code) (a WebSocket close code).

A Realtime session (a WebSocket) takes the same stream faults, counted in server events: StreamCut
drops the TCP connection, StreamError sends an ``error`` event (the session goes on, as the API's
do), MalformedEvent a text frame that is not JSON, Stall a silence, ByteByByte splits every message
into one-character frames, Close closes with its code; before the upgrade, the others act on the
HTTP exchange (Status refuses it with that status).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Literal, Mapping, NoReturn, Protocol, Union

if TYPE_CHECKING:
    from ._app import Reply, StreamBody

__all__ = [
    "FAULT_TYPES",
    "BadChunked",
    "ByteByByte",
    "Close",
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
    "Wire",
    "fault_from_dict",
    "fault_to_dict",
]

class Wire(Protocol):
    """What a fault may do to the connection it is answering on (the socket shell implements it).

    ``close`` and ``reset`` end the connection and do not return; ``wait`` returns ``True`` when
    the server is stopping (the fault should then ``close``)."""

    def write_reply(self, reply: Reply) -> None: ...
    def write_head(self, reply: Reply, *, chunked: bool) -> None: ...
    def write_stream(self, reply: Reply, fault: StreamFault | None = None) -> None: ...
    def send_data(self, data: bytes) -> None: ...
    def send_raw(self, data: bytes) -> None: ...
    def end_message(self) -> None: ...
    def wait(self, seconds: float) -> bool: ...
    def wait_for_client_close(self, seconds: float | None) -> None: ...
    def close(self) -> NoReturn: ...
    def reset(self) -> NoReturn: ...
    def close_with(self, code: int, reason: str) -> NoReturn:
        """End a WebSocket session with a close code (an HTTP connection just closes)."""
        ...


def _body_bytes(reply: Reply) -> bytes:
    return reply.body if isinstance(reply.body, bytes) else b""


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


MAX_FAULT_SECONDS = 86400.0
"""The longest wait a fault may hold a connection for (a day): longer is a mistake, not a test."""


class _Checked:
    """Every field of a fault is checked when it is made, from the Python API or the control
    API's JSON alike, so a wrong value is refused at once, naming the field, instead of breaking
    the connection it is later applied to."""

    def __post_init__(self) -> None:
        for spec in fields(self):  # type: ignore[arg-type]  # every subclass is a dataclass
            if spec.name != "kind":
                _check_field(type(self).__name__, spec.name, str(spec.type), getattr(self, spec.name))


def _check_field(owner: str, name: str, annotation: str, value: Any) -> None:
    where = f"{owner}.{name}"
    optional = annotation.endswith("| None")
    if value is None and optional:
        return
    kind = annotation.removesuffix("| None").strip()
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or not 0 <= value <= MAX_FAULT_SECONDS:
            raise ValueError(f"{where} must be a number of seconds from 0 to {MAX_FAULT_SECONDS:.0f}, got {value!r}")
    elif kind == "int":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{where} must be a non-negative integer, got {value!r}")
    elif kind == "str":
        if not isinstance(value, str):
            raise ValueError(f"{where} must be a string, got {type(value).__name__}")
    elif kind == "bytes":
        if not isinstance(value, (bytes, bytearray)):
            raise ValueError(f"{where} must be bytes, got {type(value).__name__}")
    elif kind.startswith("Mapping[str, str]"):
        if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            raise ValueError(f"{where} must map header names to text values, got {value!r}")


@dataclass(frozen=True)
class Status(_Checked):
    """Answer with ``status``. ``body`` defaults to an OpenAI-shaped error; bytes are sent as-is."""

    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: Any = None
    kind: Literal["status"] = field(default="status", repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
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

    def apply(self, wire: Wire, reply: Reply) -> None:
        wire.write_reply(reply)  # the server has already made the reply this status


@dataclass(frozen=True)
class Delay(_Checked):
    """Wait ``seconds`` before the status line, then answer normally."""

    seconds: float
    kind: Literal["delay"] = field(default="delay", repr=False)


    def apply(self, wire: Wire, reply: Reply) -> None:
        if wire.wait(self.seconds):
            wire.close()
        wire.write_reply(reply)


@dataclass(frozen=True)
class SlowBody(_Checked):
    """Send the headers, then the body ``chunk_size`` bytes at a time every ``interval`` seconds."""

    chunk_size: int = 1
    interval: float = 0.01
    kind: Literal["slow_body"] = field(default="slow_body", repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.chunk_size < 1:
            raise ValueError(f"SlowBody.chunk_size must be at least 1, got {self.chunk_size}")

    def apply(self, wire: Wire, reply: Reply) -> None:
        body = _body_bytes(reply)
        wire.write_head(reply, chunked=False)
        for start in range(0, len(body), self.chunk_size):
            wire.send_data(body[start : start + self.chunk_size])
            if self.interval and wire.wait(self.interval):
                wire.close()
        wire.end_message()


@dataclass(frozen=True)
class Hang(_Checked):
    """Send nothing until the client closes the connection, the server stops, or ``seconds`` pass
    (then close without answering)."""

    seconds: float | None = None
    kind: Literal["hang"] = field(default="hang", repr=False)

    def apply(self, wire: Wire, reply: Reply) -> None:
        wire.wait_for_client_close(self.seconds)
        wire.close()


@dataclass(frozen=True)
class Reset(_Checked):
    """Reset the TCP connection before the status line or right after the headers."""

    when: Literal["before_status", "after_headers"] = "before_status"
    kind: Literal["reset"] = field(default="reset", repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.when not in ("before_status", "after_headers"):
            raise ValueError("Reset.when must be 'before_status' or 'after_headers'")

    def apply(self, wire: Wire, reply: Reply) -> None:
        if self.when == "after_headers":
            wire.write_head(reply, chunked=False)
        wire.reset()


@dataclass(frozen=True)
class Truncate(_Checked):
    """Promise the full ``Content-Length`` but send only ``keep`` body bytes, then close."""

    keep: int = 0
    kind: Literal["truncate"] = field(default="truncate", repr=False)

    def apply(self, wire: Wire, reply: Reply) -> None:
        body = _body_bytes(reply)
        wire.write_head(reply, chunked=False)
        wire.send_raw(body[: max(0, min(self.keep, len(body) - 1))])
        wire.close()


@dataclass(frozen=True)
class Garbage(_Checked):
    """Send ``data`` (not HTTP) instead of a response, then close."""

    data: bytes = b"\x00\x01 this is not HTTP \xff\r\n\r\n"
    kind: Literal["garbage"] = field(default="garbage", repr=False)

    def apply(self, wire: Wire, reply: Reply) -> None:
        wire.send_raw(self.data)
        wire.close()


@dataclass(frozen=True)
class BadChunked(_Checked):
    """Answer with ``Transfer-Encoding: chunked`` and an invalid chunk, then close."""

    kind: Literal["bad_chunked"] = field(default="bad_chunked", repr=False)

    def apply(self, wire: Wire, reply: Reply) -> None:
        wire.send_raw(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nnot a chunk\r\n")
        wire.close()


@dataclass(frozen=True)
class Empty(_Checked):
    """Close the connection without sending a byte."""

    kind: Literal["empty"] = field(default="empty", repr=False)

    def apply(self, wire: Wire, reply: Reply) -> None:
        wire.close()


# -- faults inside a streamed (SSE) answer -----------------------------------------------------
# On an answer that is not a stream they do nothing, except ByteByByte, which trickles any body.


class _InStream(_Checked):
    """What a stream fault does: the shell sends the events, calls ``at_event`` once
    ``after_events`` have gone (``True`` ends the stream there), and ``transmit`` for each one."""

    def apply(self, wire: Wire, reply: Reply) -> None:
        from ._app import StreamBody

        if isinstance(reply.body, StreamBody):
            wire.write_stream(reply, self)  # type: ignore[arg-type]
        else:
            self.not_a_stream(wire, reply)

    def not_a_stream(self, wire: Wire, reply: Reply) -> None:
        wire.write_reply(reply)

    def at_event(self, wire: Wire, body: StreamBody, sent: int) -> bool:
        return False

    def transmit(self, wire: Wire, data: bytes) -> None:
        wire.send_data(data)


@dataclass(frozen=True)
class StreamCut(_InStream):
    """Send ``after_events`` events, then drop the connection mid-stream (no final chunk)."""

    after_events: int = 1
    kind: Literal["stream_cut"] = field(default="stream_cut", repr=False)

    def at_event(self, wire: Wire, body: StreamBody, sent: int) -> bool:
        wire.close()  # no terminating chunk: the client sees the body end early


@dataclass(frozen=True)
class StreamError(_InStream):
    """After ``after_events`` events, send an ``error`` event in the API's shape and end the stream."""

    after_events: int = 1
    message: str = "The server had an error while processing your request (injected by the harness)."
    code: str | None = "server_error"
    type: str = "server_error"
    kind: Literal["stream_error"] = field(default="stream_error", repr=False)

    def at_event(self, wire: Wire, body: StreamBody, sent: int) -> bool:
        wire.send_data(body.error_event(self.message, self.code, self.type, sent))
        return True


@dataclass(frozen=True)
class MalformedEvent(_InStream):
    """After ``after_events`` events, send a ``data:`` line that is not valid JSON, then continue."""

    after_events: int = 1
    kind: Literal["malformed_event"] = field(default="malformed_event", repr=False)

    def at_event(self, wire: Wire, body: StreamBody, sent: int) -> bool:
        wire.send_data(b'data: {"this is": not json\n\n')
        return False


@dataclass(frozen=True)
class Stall(_InStream):
    """After ``after_events`` events, send nothing for ``seconds``, then continue."""

    after_events: int = 1
    seconds: float = 1.0
    kind: Literal["stall"] = field(default="stall", repr=False)

    def at_event(self, wire: Wire, body: StreamBody, sent: int) -> bool:
        if wire.wait(self.seconds):
            wire.close()
        return False


@dataclass(frozen=True)
class ByteByByte(_InStream):
    """Write every byte of the answer separately (stream or not)."""

    kind: Literal["byte_by_byte"] = field(default="byte_by_byte", repr=False)

    def not_a_stream(self, wire: Wire, reply: Reply) -> None:
        SlowBody(chunk_size=1, interval=0).apply(wire, reply)

    def transmit(self, wire: Wire, data: bytes) -> None:
        for index in range(len(data)):
            wire.send_data(data[index : index + 1])


@dataclass(frozen=True)
class Close(_InStream):
    """After ``after_events`` events, close a WebSocket session with ``code`` (1011: an internal
    error) and ``reason``; on an HTTP stream, end it as StreamCut does."""

    after_events: int = 1
    code: int = 1011
    reason: str = "internal error (injected by the harness)"
    kind: Literal["close"] = field(default="close", repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        if not 1000 <= self.code <= 4999:
            raise ValueError(f"Close.code must be a WebSocket close code from 1000 to 4999, got {self.code}")

    def at_event(self, wire: Wire, body: StreamBody, sent: int) -> bool:
        wire.close_with(self.code, self.reason)


StreamFault = Union[StreamCut, StreamError, MalformedEvent, Stall, ByteByByte, Close]
Fault = Union[Status, Delay, SlowBody, Hang, Reset, Truncate, Garbage, BadChunked, Empty, StreamCut, StreamError, MalformedEvent, Stall, ByteByByte, Close]
FAULT_TYPES = (Status, Delay, SlowBody, Hang, Reset, Truncate, Garbage, BadChunked, Empty, StreamCut, StreamError, MalformedEvent, Stall, ByteByByte, Close)

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
