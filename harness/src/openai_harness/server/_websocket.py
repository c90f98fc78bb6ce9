"""WebSocket frames on a connection the HTTP shell has upgraded (wsproto, the h11 family's
sans-I/O WebSocket library): text messages in, each answered by the session, pings answered,
a close answered; the session's events are logged both ways."""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import struct
import threading
import time
from typing import Any, NoReturn, Protocol

__all__ = ["UpstreamRefused", "WebSocketSession", "accept_token", "connect_upstream", "serve_websocket"]

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


class _Done(Exception):
    """A fault ended the session."""


class _MessageWire:
    """The wire a stream fault acts through in a WebSocket session: ``send_data`` is one text
    message (or, in a fragmenting transmit, one fragment of it)."""

    def __init__(self, sock: socket.socket, ws: Any, stop: threading.Event, *, fragment: bool = False) -> None:
        self.sock = sock
        self.ws = ws
        self.stop = stop
        self.fragment = fragment

    def send_data(self, data: bytes) -> None:
        from wsproto.events import TextMessage

        self.sock.sendall(self.ws.send(TextMessage(data=data.decode("utf-8", "replace"), message_finished=not self.fragment)))

    def send_raw(self, data: bytes) -> None:
        self.sock.sendall(data)

    def wait(self, seconds: float) -> bool:
        return self.stop.wait(seconds)

    def close(self) -> NoReturn:
        self.reset()

    def reset(self) -> NoReturn:
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        raise _Done()

    def close_with(self, code: int, reason: str) -> NoReturn:
        from wsproto.events import CloseConnection

        self.sock.sendall(self.ws.send(CloseConnection(code=code, reason=reason)))
        raise _Done()


class _ErrorEvents:
    """Builds the ``error`` event a StreamError fault sends into a Realtime session."""

    def error_event(self, message: str, code: str | None, kind: str, sequence: int) -> bytes:
        event = {"type": "error", "event_id": f"event_fault{sequence}", "error": {"type": kind, "code": code, "message": message, "param": None, "event_id": None}}
        return json.dumps(event, separators=(",", ":")).encode("utf-8")


def serve_websocket(
    sock: socket.socket,
    trailing: bytes,
    session: WebSocketSession,
    *,
    stop: threading.Event,
    idle_timeout: float,
    max_message_bytes: int,
    log: _Log | None = None,
    fault: Any = None,
) -> None:
    """Run the session until the client closes, the server stops, the connection goes idle, or a
    stream ``fault`` (counted in server events) ends it."""
    from wsproto.connection import Connection, ConnectionType
    from wsproto.events import BytesMessage, CloseConnection, Ping, TextMessage
    from wsproto.utilities import RemoteProtocolError

    ws = Connection(ConnectionType.SERVER)
    wire = _MessageWire(sock, ws, stop)
    pieces = _MessageWire(sock, ws, stop, fragment=True)
    sent = 0
    writing = threading.Lock()  # a relaying session sends from its own thread too

    def send(event: dict[str, Any] | str) -> None:
        nonlocal sent
        with writing:
            if fault is not None and sent == getattr(fault, "after_events", None):
                fault.at_event(wire, _ErrorEvents(), sent)
            if log is not None:
                log.add("server", event)
            text = event if isinstance(event, str) else json.dumps(event, separators=(",", ":"), ensure_ascii=fault is not None)
            if fault is None:
                sock.sendall(ws.send(TextMessage(data=text)))
            else:
                fault.transmit(pieces, text.encode("utf-8"))
                sock.sendall(ws.send(TextMessage(data="", message_finished=True)))
            sent += 1

    def close(code: int, reason: str) -> None:
        with writing:
            try:
                sock.sendall(ws.send(CloseConnection(code=code, reason=reason)))
            except Exception:
                pass

    attach = getattr(session, "attach", None)
    if attach is not None:
        attach(send, close)  # a session that pushes (a relay) sends as its events arrive
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
                    with writing:
                        try:
                            sock.sendall(ws.send(frame.response()))
                        except Exception:
                            pass  # the session had closed first: this is the client's answer
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
    except (OSError, _Done):
        return
    finally:
        ended = getattr(session, "ended", None)
        if ended is not None:
            ended()


class UpstreamRefused(ConnectionError):
    """The upstream answered the upgrade with an HTTP status instead (a wrong key is a 401)."""

    def __init__(self, url: str, status: int) -> None:
        super().__init__(f"{url} refused the WebSocket upgrade with HTTP {status}")
        self.status = status


def connect_upstream(url: str, headers: list[tuple[str, str]], *, timeout: float = 10.0) -> tuple[socket.socket, Any, list[Any]]:
    """Open a WebSocket to ``url`` (``ws://`` or ``wss://``) with ``headers``: the socket, the
    wsproto connection and the frames that came with the handshake. A refusal is ``ConnectionError``
    naming the status."""
    import ssl
    from urllib.parse import urlsplit

    from wsproto import ConnectionType, WSConnection
    from wsproto.events import AcceptConnection, RejectConnection, Request

    parts = urlsplit(url)
    host = parts.hostname or ""
    sock = socket.create_connection((host, parts.port or (443 if parts.scheme == "wss" else 80)), timeout=timeout)
    if parts.scheme == "wss":
        sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
    ws = WSConnection(ConnectionType.CLIENT)
    extra = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers]
    sock.sendall(ws.send(Request(host=parts.netloc, target=parts.path + (f"?{parts.query}" if parts.query else ""), extra_headers=extra)))
    while True:
        data = sock.recv(_RECV)
        if not data:
            sock.close()
            raise ConnectionError(f"{url} closed the connection during the WebSocket handshake")
        ws.receive_data(data)
        events = list(ws.events())
        for index, event in enumerate(events):
            if isinstance(event, AcceptConnection):
                sock.settimeout(None)
                return sock, ws, events[index + 1 :]
            if isinstance(event, RejectConnection):
                sock.close()
                raise UpstreamRefused(url, event.status_code)
