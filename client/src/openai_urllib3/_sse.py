"""Server-sent events: an incremental decoder from bytes to events, following the WHATWG rules.

Line ends may be CR, LF or CRLF, also when a CR ends one read and its LF starts the next;
a UTF-8 BOM at the very start is dropped; lines are split on bytes and decoded whole, so
a character split across reads is never broken; comment lines are ignored; several
``data`` lines join with "\\n"; an event without data is not dispatched; lines have no
length limit.
"""

from __future__ import annotations

from typing import Iterable, Iterator

__all__ = ["EventTooLargeError", "SSEDecoder", "ServerSentEvent", "iter_events"]

_BOM = b"\xef\xbb\xbf"


class ServerSentEvent:
    """One dispatched event. ``event`` is ``None`` when the stream named no type."""

    __slots__ = ("data", "event", "id", "retry")

    def __init__(self, data: str, event: str | None = None, id: str | None = None, retry: int | None = None) -> None:
        self.data = data
        self.event = event
        self.id = id
        self.retry = retry

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ServerSentEvent) and (self.data, self.event, self.id, self.retry) == (other.data, other.event, other.id, other.retry)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ServerSentEvent(event={self.event!r}, data={self.data!r}, id={self.id!r}, retry={self.retry!r})"


class EventTooLargeError(ValueError):
    """One event of a stream is larger than the decoder was allowed to hold."""


class SSEDecoder:
    """Feed bytes as they arrive; get back the events they complete."""

    __slots__ = ("_buffer", "_data", "_event", "_held", "_last_id", "_max_event_bytes", "_parts", "_pending_cr", "_retry", "_started")

    def __init__(self, max_event_bytes: int | None = None) -> None:
        """``max_event_bytes`` bounds one event (its unfinished line and data lines so far):
        past it, ``feed`` raises ``EventTooLargeError`` instead of holding an endless line."""
        self._max_event_bytes = max_event_bytes
        self._held = 0  # bytes of the event being built: data lines kept plus the unfinished line
        self._parts: list[bytes] = []  # an unfinished line's pieces, joined once its end arrives
        self._buffer = b""
        self._pending_cr = False
        self._started = False
        self._data: list[str] = []
        self._event: str | None = None
        self._last_id: str | None = None
        self._retry: int | None = None

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        if not chunk:
            return []
        if not self._started:
            chunk = self._buffer + chunk
            self._buffer = b""
            if len(chunk) < 3 and _BOM.startswith(chunk):
                self._buffer = chunk  # could still be the start of a BOM
                return []
            self._started = True
            if chunk.startswith(_BOM):
                chunk = chunk[3:]
        if self._pending_cr:
            self._pending_cr = False
            if chunk.startswith(b"\n"):
                chunk = chunk[1:]  # the LF of a CRLF split across reads
        if b"\r" in chunk:
            if chunk.endswith(b"\r"):
                self._pending_cr = True
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        if b"\n" not in chunk:
            self._parts.append(chunk)  # pieces, not a growing bytes: an endless line stays linear
            self._held += len(chunk)
            self._check_size()
            return []
        if self._parts:
            self._buffer += b"".join(self._parts)
            self._parts = []
        lines = (self._buffer + chunk).split(b"\n")
        self._buffer = lines.pop()
        events: list[ServerSentEvent] = []
        for line in lines:
            event = self._line(line)
            if event is not None:
                events.append(event)
        if self._max_event_bytes is not None:  # one chunk adds at most its own size between checks
            self._held = sum(len(data) for data in self._data) + len(self._buffer)
            self._check_size()
        return events

    def _check_size(self) -> None:
        if self._max_event_bytes is not None and self._held > self._max_event_bytes:
            self._parts, self._buffer, self._data, self._held = [], b"", [], 0
            raise EventTooLargeError(f"A stream event grew past {self._max_event_bytes} bytes")

    def flush(self) -> list[ServerSentEvent]:
        """At end of stream: a final line without its line end still counts; an unfinished event does not."""
        events: list[ServerSentEvent] = []
        if self._parts:
            self._buffer += b"".join(self._parts)
            self._parts = []
        if self._buffer:
            line, self._buffer = self._buffer, b""
            if not self._started and line.startswith(_BOM):
                line = line[3:]
            self._started = True
            self._line(line)
        self._data = []
        self._event = None
        return events

    def _line(self, line: bytes) -> ServerSentEvent | None:
        if not line:
            if not self._data:
                self._event = None
                return None
            event = ServerSentEvent("\n".join(self._data), self._event, self._last_id, self._retry)
            self._data = []
            self._event = None
            return event
        if line.startswith(b"data:"):  # the common case first
            value = line[6:] if line.startswith(b"data: ") else line[5:]
            self._data.append(value.decode("utf-8", errors="replace"))
            return None
        if line.startswith(b":"):
            return None
        name, colon, value = line.partition(b":")
        if colon and value.startswith(b" "):
            value = value[1:]
        if name == b"event":
            self._event = value.decode("utf-8", errors="replace")
        elif name == b"data":
            self._data.append(value.decode("utf-8", errors="replace"))
        elif name == b"id":
            if b"\x00" not in value:
                self._last_id = value.decode("utf-8", errors="replace")
        elif name == b"retry":
            if value.isdigit():
                self._retry = int(value)
        return None


def iter_events(chunks: Iterable[bytes]) -> Iterator[ServerSentEvent]:
    """Events from an iterable of byte chunks, as soon as each is complete."""
    decoder = SSEDecoder()
    for chunk in chunks:
        yield from decoder.feed(chunk)
    yield from decoder.flush()
