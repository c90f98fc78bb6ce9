"""WebSocket frames on a connection the HTTP shell has upgraded (wsproto, the h11 family's
sans-I/O WebSocket library): text messages in, each answered by the session, pings answered,
a close answered; the session's events are logged both ways."""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import threading
import time
from typing import Any, Protocol

__all__ = ["WebSocketSession", "accept_token", "serve_websocket"]

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
_RECV = 65536


def accept_token(key: str) -> str:
    """The ``Sec-WebSocket-Accept`` value for a client's ``Sec-WebSocket-Key`` (RFC 6455)."""
    return base64.b64encode(hashlib.sha1(key.encode("ascii") + _GUID).digest()).decode("ascii")


class WebSocketSession(Protocol):
    """What a WebSocket endpoint answers: events on opening, and events for each text message."""

    def opening(self) -> list[dict[str, Any]]: ...

    def handle(self, text: str) -> list[dict[str, Any]]: ...


class _Log:
    """Both directions of one session, in order, with their time (for tests and cassettes)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.frames: list[tuple[str, float, dict[str, Any] | str]] = []
        self.started = time.monotonic()

    def add(self, direction: str, payload: dict[str, Any] | str) -> None:
        with self.lock:
            self.frames.append((direction, time.monotonic() - self.started, payload))


def serve_websocket(sock: socket.socket, trailing: bytes, session: WebSocketSession, *, stop: threading.Event, idle_timeout: float, max_message_bytes: int, log: _Log | None = None) -> None:
    """Run the session until the client closes, the server stops, or the connection goes idle."""
    from wsproto.connection import Connection, ConnectionType
    from wsproto.events import BytesMessage, CloseConnection, Ping, TextMessage
    from wsproto.utilities import RemoteProtocolError

    ws = Connection(ConnectionType.SERVER)

    def send(event: dict[str, Any]) -> None:
        if log is not None:
            log.add("server", event)
        sock.sendall(ws.send(TextMessage(data=json.dumps(event, separators=(",", ":"), ensure_ascii=False))))

    try:
        for event in session.opening():
            send(event)
        pending: list[str] = []
        size = 0
        data = trailing
        while not stop.is_set():
            if data:
                try:
                    ws.receive_data(data)
                except RemoteProtocolError:
                    return
            for frame in ws.events():
                if isinstance(frame, TextMessage):
                    pending.append(frame.data)
                    size += len(frame.data)
                    if size > max_message_bytes:
                        sock.sendall(ws.send(CloseConnection(code=1009, reason="message too big")))
                        return
                    if frame.message_finished:
                        text, pending, size = "".join(pending), [], 0
                        if log is not None:
                            log.add("client", text)
                        for answer in session.handle(text):
                            send(answer)
                elif isinstance(frame, BytesMessage):
                    sock.sendall(ws.send(CloseConnection(code=1003, reason="binary messages are not supported; send JSON text")))
                    return
                elif isinstance(frame, Ping):
                    sock.sendall(ws.send(frame.response()))
                elif isinstance(frame, CloseConnection):
                    sock.sendall(ws.send(frame.response()))
                    return
            sock.settimeout(min(idle_timeout, 0.5))
            deadline = time.monotonic() + idle_timeout
            data = b""
            while not stop.is_set():
                try:
                    data = sock.recv(_RECV)
                    break
                except TimeoutError:
                    if time.monotonic() > deadline:
                        sock.sendall(ws.send(CloseConnection(code=1001, reason="idle")))
                        return
            if not data:
                return
    except OSError:
        return
