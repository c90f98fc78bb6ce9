"""The loopback shell every harness server shares: bind, accept, one thread per connection,
clean stop, and server-side errors kept for the test that caused them."""

from __future__ import annotations

import dataclasses
import errno
import socket
import ssl
import threading
import time
import traceback
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from ._limits import ServerLimits
from ._routes import API_PREFIX
from ._wire import serve_connection, start_thread

if TYPE_CHECKING:
    from ._app import AppRequest, Reply
    from ._faults import Fault

__all__ = ["LoopbackServer", "ServerError"]

_S = TypeVar("_S", bound="LoopbackServer")


class ServerError(AssertionError):
    """An exception raised inside the server while it handled a test's request."""


class LoopbackServer:
    """Serves HTTP/1.1 on a loopback port from a background thread; subclasses answer requests
    in :meth:`_handle`. A context manager, or :meth:`start` / :meth:`stop`."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        max_body_bytes: int | None = None,
        max_header_bytes: int | None = None,
        stream_pacing: tuple[float, float] = (0.0, 0.0),
        limits: ServerLimits | None = None,
    ) -> None:
        self.host = host
        self.port = port
        limits = limits or ServerLimits()
        if max_body_bytes is not None:
            limits = dataclasses.replace(limits, max_body_bytes=max_body_bytes)
        if max_header_bytes is not None:
            limits = dataclasses.replace(limits, max_header_bytes=max_header_bytes)
        self.limits = limits
        """Timeouts, the connection cap and size limits (:class:`ServerLimits`)."""
        self.max_body_bytes = limits.max_body_bytes
        self.max_header_bytes = limits.max_header_bytes
        self.stream_pacing = stream_pacing
        """(seconds before the first event, seconds between events) of streamed answers without their own timing."""
        self._errors: list[tuple[BaseException, str]] = []
        self._errors_lock = threading.Lock()
        self._stop_event = threading.Event()
        self._listener: socket.socket | None = None
        self._accept_thread: threading.Thread | None = None
        self._connections: dict[socket.socket, threading.Thread] = {}
        self._connections_lock = threading.Lock()
        self.connections_accepted = 0
        """How many client connections the server has accepted since it started."""
        self.ssl_context: ssl.SSLContext | None = None
        """Set (a server-side context with its certificate) to serve HTTPS and ``wss://`` (for clients
        that insist on TLS, such as the Node SDK's Realtime client); ``None``: plain HTTP."""
        self.access_log: Callable[[str], None] | None = None
        """Called with one line per request answered (method, target with credentials redacted,
        status or fault, milliseconds); the commands print these unless ``-q``."""

    def _handle(self, request: AppRequest) -> tuple[Fault | None, Reply]:
        raise NotImplementedError

    def _websocket(self, request: AppRequest) -> Reply | tuple[Any, Any, Any]:
        """A WebSocket upgrade: the session, its log and a fault to serve it with, or the refusal to answer."""
        from ._app import error_reply

        return error_reply(404, f"Invalid URL (WebSocket {request.path}): this server takes no WebSocket sessions.", code="unknown_url")

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self: _S) -> _S:
        if self._listener is not None:
            raise RuntimeError("The server is already running")
        listener = socket.create_server((self.host, self.port), backlog=128)
        self._listener = listener
        self.port = listener.getsockname()[1]
        self._stop_event.clear()
        self._accept_thread = start_thread(self._accept_loop, f"openai-harness-accept-{self.port}")
        return self

    def stop(self) -> None:
        """Stop accepting, close every connection and join every thread."""
        listener = self._listener
        if listener is None:
            return
        self._stop_event.set()
        try:
            listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        listener.close()
        if self._accept_thread is not None:
            self._accept_thread.join(5)
        with self._connections_lock:
            connections = list(self._connections.items())
        for sock, _ in connections:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for _, thread in connections:
            thread.join(5)
        self._listener = None
        self._accept_thread = None

    def __enter__(self: _S) -> _S:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._listener is not None

    @property
    def root_url(self) -> str:
        """``http://127.0.0.1:PORT`` (``https://`` with an :attr:`ssl_context`)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if self.ssl_context is not None else 'http'}://{host}:{self.port}"

    @property
    def url(self) -> str:
        """The base URL to give a client: ``http://127.0.0.1:PORT/v1``."""
        return self.root_url + API_PREFIX

    def _accept_loop(self) -> None:
        # The loop survives every error but its own listener closing: out of file descriptors it
        # waits and tries again; a connection aborted before accept is skipped.
        listener = self._listener
        assert listener is not None
        while not self._stop_event.is_set():
            try:
                sock, _ = listener.accept()
            except OSError as error:
                if self._stop_event.is_set() or error.errno in (errno.EBADF, errno.EINVAL):
                    return
                if error.errno in (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM):
                    time.sleep(0.05)
                continue
            try:
                self._admit(sock)
            except Exception as error:  # a thread that cannot start must not end the loop
                self._record_error(error)
                _close_quietly(sock)

    def _admit(self, sock: socket.socket) -> None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._connections_lock:
            full = len(self._connections) >= self.limits.max_connections
        if full:
            _refuse(sock, self.limits.max_connections)
            return
        sock.settimeout(self.limits.idle_timeout)
        thread = threading.Thread(target=self._serve, args=(sock,), name=f"openai-harness-conn-{self.port}", daemon=True)
        with self._connections_lock:
            self._connections[sock] = thread
            self.connections_accepted += 1
        thread.start()

    def _serve(self, sock: socket.socket) -> None:
        try:
            serve_connection(sock, self)
        except BaseException as error:
            self._record_error(error)
        finally:
            with self._connections_lock:
                self._connections.pop(sock, None)

    def connection_count(self) -> int:
        """Open client connections right now."""
        with self._connections_lock:
            return len(self._connections)

    def check(self) -> None:
        """Re-raise the first exception the server hit since the last check, if any."""
        with self._errors_lock:
            errors = list(self._errors)
            self._errors.clear()
        if errors:
            error, trace = errors[0]
            raise ServerError(f"The server failed while handling a request ({len(errors)} error(s)):\n{trace}") from error

    def clear_errors(self) -> None:
        with self._errors_lock:
            self._errors.clear()

    def _record_error(self, error: BaseException) -> None:
        trace = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        # The text is kept, the frames are not: a traceback holds every frame's locals (a request's
        # body, say) alive for as long as the error is kept. And only the first errors are kept.
        error.__traceback__ = None
        with self._errors_lock:
            if len(self._errors) < 100:
                self._errors.append((error, trace[-20000:]))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.url if self.running else 'stopped'}>"


def _close_quietly(sock: socket.socket) -> None:
    try:
        sock.close()
    except OSError:
        pass


def _refuse(sock: socket.socket, cap: int) -> None:
    """A polite 503 for one connection too many, then close."""
    body = (
        '{"error":{"message":"The server has ' + str(cap) + ' open connections, its limit; retry shortly.",'
        '"type":"server_error","param":null,"code":"too_many_connections"}}'
    ).encode()
    head = f"HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\nretry-after: 1\r\nconnection: close\r\n\r\n"
    try:
        sock.settimeout(0.1)
        sock.sendall(head.encode() + body)
        sock.shutdown(socket.SHUT_WR)
        for _ in range(4):  # read what the client sent, so closing does not reset the answer away
            if not sock.recv(65536):
                break
    except OSError:
        pass
    _close_quietly(sock)
