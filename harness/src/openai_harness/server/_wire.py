"""The socket shell: HTTP/1.1 with h11 on one connection.

The app (``server._handle(request) -> (fault, reply)``) decides what to answer; this shell reads
requests within the limits, writes replies, and hands a fault the connection as a
:class:`~._faults.Wire` so it puts its own bytes on the wire (garbage, truncation, resets, stalls).
The shell knows no fault by name.
"""

from __future__ import annotations

import select
import socket
import struct
import threading
import time
from http import HTTPStatus
from typing import TYPE_CHECKING, NoReturn, Sequence

import h11

from ._app import AppRequest, Reply, StreamBody, error_reply
from ._faults import Fault, StreamFault

if TYPE_CHECKING:
    from ._loopback import LoopbackServer

__all__ = ["serve_connection", "start_thread"]

_RECV = 65536


def _reason(status: int) -> bytes:
    try:
        return HTTPStatus(status).phrase.encode("ascii")
    except ValueError:
        return b""


class _Close(Exception):
    """The connection is finished (by the client, a fault, or a protocol error)."""


def _headers(pairs: Sequence[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    return [(name.encode("latin-1"), value.encode("latin-1")) for name, value in pairs]


class _ConnectionHandler:
    def __init__(self, sock: socket.socket, server: LoopbackServer) -> None:
        self.sock = sock
        self.server = server
        self.conn = h11.Connection(h11.SERVER, max_incomplete_event_size=server.max_header_bytes)
        self.stop = server._stop_event

    # -- reading -----------------------------------------------------------------------------

    def _next_event(self, head_started: list[float] | None = None) -> object:
        """The next h11 event. While a request head is read (``head_started`` given), the head must
        be complete within the header timeout of its first byte, else 408; any silence longer than
        the idle timeout closes the connection."""
        limits = self.server.limits
        while True:
            event = self.conn.next_event()
            if event is h11.NEED_DATA:
                timeout = limits.idle_timeout
                if head_started:
                    remaining = head_started[0] + limits.header_timeout - time.monotonic()
                    if remaining <= 0:
                        self._send_error_and_close(error_reply(408, f"The request head took longer than {limits.header_timeout:g} s.", code="request_timeout"))
                    timeout = min(timeout, remaining)
                try:
                    self.sock.settimeout(timeout)
                    data = self.sock.recv(_RECV)
                except TimeoutError:
                    if head_started:
                        continue  # the deadline check above answers 408
                    raise _Close() from None
                except OSError:
                    raise _Close() from None
                if head_started is not None and not head_started and data:
                    head_started.append(time.monotonic())
                self.conn.receive_data(data)
                continue
            return event

    def _read_request(self) -> tuple[h11.Request, bytes] | None:
        event = self._next_event(head_started=[])
        if isinstance(event, h11.ConnectionClosed) or event is h11.PAUSED:
            return None
        assert isinstance(event, h11.Request), event
        if event.http_version not in (b"1.0", b"1.1"):
            self._send_error_and_close(
                error_reply(505, f"HTTP version {event.http_version.decode('ascii', 'replace')} is not supported; this server speaks HTTP/1.1.", code="http_version_not_supported")
            )
        # h11 only bounds headers that arrive in pieces; a large block read at once is checked here.
        header_bytes = len(event.target) + sum(len(name) + len(value) + 4 for name, value in event.headers)
        if header_bytes > self.server.max_header_bytes:
            self._send_error_and_close(
                error_reply(431, f"Request headers too large: {header_bytes} bytes; this server accepts at most {self.server.max_header_bytes}.", code="headers_too_large")
            )
        limit = self.server.max_body_bytes
        for name, value in event.headers:
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                self._send_error_and_close(error_reply(413, f"Request body too large: {int(value)} bytes; this server accepts at most {limit}.", code="request_too_large"))
        chunks: list[bytes] = []
        size = 0
        while True:
            part = self._next_event()
            if isinstance(part, h11.Data):
                size += len(part.data)
                if size > limit:
                    self._send_error_and_close(error_reply(413, f"Request body too large: more than {limit} bytes.", code="request_too_large"))
                chunks.append(bytes(part.data))
            elif isinstance(part, h11.EndOfMessage):
                self.sock.settimeout(self.server.limits.idle_timeout)  # writes get the idle timeout, not the head's rest
                return event, b"".join(chunks)
            else:
                raise _Close()

    # -- writing -----------------------------------------------------------------------------

    def _send(self, data: bytes | None) -> None:
        if data:
            try:
                self.sock.sendall(data)
            except OSError:
                raise _Close() from None

    def _send_error_and_close(self, reply: Reply) -> NoReturn:
        if self.conn.our_state in (h11.IDLE, h11.SEND_RESPONSE):
            try:
                self._write_plain(reply, close=True)
            except (_Close, h11.LocalProtocolError):
                pass
        raise _Close()

    def _write_plain(self, reply: Reply, close: bool = False) -> None:
        self._write_head(reply, chunked=False, close=close)
        body = reply.body if isinstance(reply.body, bytes) else b""
        data = self.conn.send(h11.Data(data=body)) if body else b""
        self._send((data or b"") + (self.conn.send(h11.EndOfMessage()) or b""))

    def _write_head(self, reply: Reply, *, chunked: bool, close: bool = False) -> None:
        headers = list(reply.headers)
        if not chunked:
            body = reply.body if isinstance(reply.body, bytes) else b""
            headers.append(("content-length", str(len(body))))
        if close:
            headers.append(("connection", "close"))
        self._send(self.conn.send(h11.Response(status_code=reply.status, headers=_headers(headers), reason=_reason(reply.status))))

    # -- the Wire a fault writes through ---------------------------------------------------------

    def write_reply(self, reply: Reply) -> None:
        if isinstance(reply.body, StreamBody):
            self.write_stream(reply)
        else:
            self._write_plain(reply)

    def write_head(self, reply: Reply, *, chunked: bool) -> None:
        self._write_head(reply, chunked=chunked)

    def write_stream(self, reply: Reply, fault: StreamFault | None = None) -> None:
        """Send events one at a time with the server's pacing; a stream fault acts once its
        ``after_events`` have gone and transmits each event its own way."""
        body = reply.body
        assert isinstance(body, StreamBody)
        self._write_head(reply, chunked=True)
        first_delay, between = self.server.stream_pacing
        after = getattr(fault, "after_events", None)
        transmit = fault.transmit if fault is not None else None
        for sent, event in enumerate(body.events):
            if fault is not None and sent == after and fault.at_event(self, body, sent):
                break
            if body.delays is not None:
                delay = body.delays[sent] if sent < len(body.delays) else 0.0
            else:
                delay = first_delay if sent == 0 else between
            if delay > 0 and self.stop.wait(delay):
                raise _Close()
            if transmit is None:
                self.send_data(event)
            else:
                transmit(self, event)
        if body.cut:
            raise _Close()  # as recorded: the stream ended without its final chunk
        self.end_message()

    def send_data(self, data: bytes) -> None:
        """Body bytes, framed as the response's head said (a chunk, or part of its length)."""
        self._send(self.conn.send(h11.Data(data=data)))

    def send_raw(self, data: bytes) -> None:
        """Bytes straight onto the socket, past h11's framing (for answers that break HTTP)."""
        self._send(data)

    def end_message(self) -> None:
        self._send(self.conn.send(h11.EndOfMessage()))

    def wait(self, seconds: float) -> bool:
        return self.stop.wait(seconds)

    def close(self) -> NoReturn:
        raise _Close()

    def close_with(self, code: int, reason: str) -> NoReturn:
        raise _Close()  # HTTP has no close code: the connection just ends

    def reset(self) -> NoReturn:
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        raise _Close()

    def wait_for_client_close(self, seconds: float | None) -> None:
        deadline = None if seconds is None else time.monotonic() + seconds
        while not self.stop.is_set():
            wait = 0.05 if deadline is None else min(0.05, deadline - time.monotonic())
            if wait <= 0:
                return
            try:
                readable, _, _ = select.select([self.sock], [], [], wait)
                if readable and not self.sock.recv(_RECV):
                    return
            except (OSError, ValueError):
                return

    # -- WebSocket ------------------------------------------------------------------------------

    def _upgrade(self, request: AppRequest) -> None:
        """Switch to WebSocket when the server takes the session (else its refusal, as HTTP)."""
        from ._websocket import accept_token, serve_websocket

        key = request.headers.get("sec-websocket-key", "")
        outcome = self.server._websocket(request)
        if isinstance(outcome, Reply) or not key or request.method != "GET":
            refusal = outcome if isinstance(outcome, Reply) else error_reply(400, "A WebSocket upgrade needs GET and a Sec-WebSocket-Key.", code="bad_websocket_upgrade")
            self._send_error_and_close(refusal)
        session, log, fault = outcome
        if fault is not None and not isinstance(fault, StreamFault.__args__):  # type: ignore[attr-defined]
            fault.apply(self, error_reply(503, "The session could not be opened (injected by the harness).", code="server_error"))
            raise _Close()  # a fault before the upgrade ends the exchange as it would an HTTP one
        headers = [(b"upgrade", b"websocket"), (b"connection", b"Upgrade"), (b"sec-websocket-accept", accept_token(key).encode("ascii"))]
        self._send(self.conn.send(h11.InformationalResponse(status_code=101, headers=headers, reason=b"Switching Protocols")))
        trailing, _ = self.conn.trailing_data
        limits = self.server.limits
        serve_websocket(
            self.sock, bytes(trailing), session, stop=self.stop, idle_timeout=limits.idle_timeout, max_message_bytes=self.server.max_body_bytes, log=log, fault=fault
        )

    # -- the loop ------------------------------------------------------------------------------

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                try:
                    received = self._read_request()
                except h11.RemoteProtocolError as error:
                    status = error.error_status_hint if 400 <= error.error_status_hint < 600 else 400
                    self._send_error_and_close(error_reply(status, f"Malformed HTTP request: {error}", code="bad_http_request"))
                if received is None:
                    return
                event, raw_body = received
                headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in event.headers}
                request = AppRequest(event.method.decode("ascii", "replace"), event.target.decode("latin-1"), headers, raw_body)
                if headers.get("upgrade", "").lower() == "websocket":
                    self._upgrade(request)
                    return
                started = time.perf_counter()
                fault, reply = self.server._handle(request)
                try:
                    if fault is None:
                        self.write_reply(reply)
                    else:
                        fault.apply(self, reply)
                finally:
                    if self.server.access_log is not None:
                        self.server.access_log(_access_line(request, fault, reply, started))
                if self.conn.our_state is h11.MUST_CLOSE or self.conn.their_state is h11.MUST_CLOSE:
                    return
                try:
                    self.conn.start_next_cycle()
                except h11.LocalProtocolError:
                    return
        except _Close:
            return
        finally:
            try:
                self.sock.close()
            except OSError:
                pass


def _access_line(request: AppRequest, fault: Fault | None, reply: Reply, started: float) -> str:
    from openai_urllib3._redact import redact_url

    outcome = f"{reply.status} {type(fault).__name__}" if fault is not None else str(reply.status)
    return f'"{request.method} {redact_url(request.target)[:500]}" {outcome} {(time.perf_counter() - started) * 1000:.1f}ms'


def serve_connection(sock: socket.socket, server: LoopbackServer) -> None:
    context = server.ssl_context
    if context is not None:
        # The TLS handshake happens here, on the connection's own thread, within the header timeout.
        try:
            sock.settimeout(server.limits.header_timeout)
            sock = context.wrap_socket(sock, server_side=True)
        except (OSError, ValueError):
            sock.close()
            return
    _ConnectionHandler(sock, server).run()


def start_thread(target: object, name: str) -> threading.Thread:
    thread = threading.Thread(target=target, name=name, daemon=True)  # type: ignore[arg-type]
    thread.start()
    return thread
