"""Recorded interactions as plain values, independent of any file layout or HTTP library."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

from .._json import loads as loads_json

__all__ = ["Event", "Frame", "Interaction", "RecordedRequest", "RecordedResponse", "encode_events", "split_events"]


@dataclass
class Event:
    """One server-sent event; ``offset_ms`` is its arrival time after the response began, when known."""

    data: str
    event: str | None = None
    id: str | None = None
    offset_ms: float | None = None

    def to_bytes(self) -> bytes:
        lines = []
        if self.event is not None:
            lines.append(f"event: {self.event}")
        if self.id is not None:
            lines.append(f"id: {self.id}")
        lines.extend(f"data: {line}" for line in self.data.split("\n"))
        return ("\n".join(lines) + "\n\n").encode("utf-8")


@dataclass
class Frame:
    """One message of a WebSocket session: who sent it (``client`` / ``server``), its text (a JSON
    event), and when, after the session opened."""

    sender: str
    data: str
    offset_ms: float | None = None

    def json(self) -> Any:
        try:
            return loads_json(self.data)
        except ValueError:
            return None


@dataclass
class RecordedRequest:
    method: str
    uri: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    @property
    def path(self) -> str:
        return urlsplit(self.uri).path or "/"

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.uri).query, keep_blank_values=True)

    def json(self) -> Any:
        """The body as JSON, or ``None`` when it is empty or not JSON."""
        if not self.body:
            return None
        try:
            return loads_json(self.body)
        except ValueError:
            return None

    def header(self, name: str) -> str | None:
        lower = name.lower()
        return next((value for key, value in self.headers if key.lower() == lower), None)


@dataclass
class RecordedResponse:
    status: int
    reason: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    events: list[Event] | None = None
    """Set for ``text/event-stream`` bodies: the body is these events, in order."""
    cut: bool = False
    """The stream was cut off in the recording (no clean end); replays cut it at the same place."""
    frames: list[Frame] | None = None
    """Set for a WebSocket session (status 101): its messages both ways, in order."""

    def header(self, name: str) -> str | None:
        lower = name.lower()
        return next((value for key, value in self.headers if key.lower() == lower), None)

    def body_bytes(self) -> bytes:
        if self.events is not None:
            return encode_events(self.events)
        return self.body


class Interaction:
    """A request and its recorded response; the response may be read from the file on first use."""

    __slots__ = ("_load_response", "_response", "request")

    def __init__(self, request: RecordedRequest, response: RecordedResponse | None = None, *, load_response: Callable[[], RecordedResponse] | None = None) -> None:
        if response is None and load_response is None:
            raise TypeError("Interaction needs a response or a way to load it")
        self.request = request
        self._response = response
        self._load_response = load_response

    @property
    def response(self) -> RecordedResponse:
        if self._response is None:
            assert self._load_response is not None
            self._response = self._load_response()
            self._load_response = None
        return self._response

    @response.setter
    def response(self, value: RecordedResponse) -> None:
        self._response = value
        self._load_response = None

    def __deepcopy__(self, memo: dict[int, Any]) -> Interaction:
        import copy

        return Interaction(copy.deepcopy(self.request, memo), copy.deepcopy(self.response, memo))

    def __repr__(self) -> str:
        return f"Interaction({self.request.method} {self.request.uri})"


def encode_events(events: list[Event]) -> bytes:
    return b"".join(event.to_bytes() for event in events)


def split_events(body: bytes) -> tuple[list[Event], bytes]:
    """The complete events of an SSE body, and any trailing bytes that never finished an event."""
    from openai_urllib3 import SSEDecoder

    decoder = SSEDecoder()
    text = body.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    last_end = text.rfind(b"\n\n")
    complete, rest = (text[: last_end + 2], text[last_end + 2 :]) if last_end >= 0 else (b"", text)
    events = [Event(data=e.data, event=e.event, id=e.id) for e in decoder.feed(complete)]
    return events, rest
