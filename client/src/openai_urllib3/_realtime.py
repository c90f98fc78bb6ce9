"""The Realtime API over a WebSocket, in the official SDK's shape:

    with client.realtime.connect(model="gpt-realtime") as connection:
        connection.session.update(session={"type": "realtime", "output_modalities": ["text"]})
        connection.conversation.item.create(item={"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Hi"}]})
        connection.response.create()
        for event in connection:          # typed from the spec's server events
            if event.type == "response.output_text.delta":
                print(event.delta, end="")
            elif event.type == "response.done":
                break

Frames go through wsproto (the h11 family's sans-I/O WebSocket library; ``pip install
'openai-urllib3[realtime]'``) on a socket this module opens with the client's base URL, headers,
credentials, CA file, proxy (a ``CONNECT`` tunnel) and connect/read timeouts; a failure to connect or a dropped connection is an
``APIConnectionError``, a refused upgrade the ``APIStatusError`` its status implies.
"""

from __future__ import annotations

import json
import socket
import ssl
from typing import TYPE_CHECKING, Any, Iterator, Mapping
from urllib.parse import urlencode, urlsplit

from ._exceptions import APIConnectionError, APITimeoutError, ResponseTooLargeError, make_status_error
from ._http import Headers, Request, Response

if TYPE_CHECKING:
    from ._client import OpenAI
    from ._models import BaseModel
    from .types.realtime import RealtimeClientEventParam

__all__ = ["RealtimeConnection", "RealtimeConnectionManager"]

_RECV = 65536
_MAX_REJECT_BODY = 1024 * 1024

# The client events, by namespace: ``connection.conversation.item.create(item=...)`` sends
# ``{"type": "conversation.item.create", "item": ...}``.
_EVENTS: dict[str, Any] = {
    "session": {"update": None},
    "response": {"create": None, "cancel": None},
    "conversation": {"item": {"create": None, "delete": None, "retrieve": None, "truncate": None}},
    "input_audio_buffer": {"append": None, "commit": None, "clear": None},
    "output_audio_buffer": {"clear": None},
}


def _wsproto() -> Any:
    try:
        import wsproto
    except ImportError as missing:  # pragma: no cover - the optional extra
        raise ImportError("client.realtime.connect() needs wsproto: pip install 'openai-urllib3[realtime]'") from missing
    return wsproto


class _Events:
    """One namespace of client events (``connection.response``); calling a leaf sends its event."""

    __slots__ = ("_connection", "_names", "_prefix")
    sends_events = True  # its leaves do I/O: the async client awaits them

    def __init__(self, connection: RealtimeConnection, prefix: str, names: Mapping[str, Any]) -> None:
        self._connection = connection
        self._prefix = prefix
        self._names = names

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name not in self._names:
            raise AttributeError(f"{self._prefix} has no event {name!r} (it has: {', '.join(sorted(self._names))})")
        inner = self._names[name]
        kind = f"{self._prefix}.{name}"
        if inner is not None:
            return _Events(self._connection, kind, inner)

        def send(**fields: Any) -> None:
            self._connection.send({"type": kind, **{key: value for key, value in fields.items() if value is not None}})

        send.__name__ = name
        send.__doc__ = f"Send a ``{kind}`` event (its fields as keywords)."
        return send

    def __repr__(self) -> str:
        return f"<client events {self._prefix}.*>"


class RealtimeConnection:
    """An open Realtime session: :meth:`send` client events, :meth:`recv` (or iterate) server events."""

    def __init__(self, sock: socket.socket, ws: Any, request: Request, pending: list[Any], max_message_bytes: int | None = None) -> None:
        self._sock = sock
        self._max_message_bytes = max_message_bytes  # the client's max_response_bytes, for one event
        self._size = 0
        self._ws = ws
        self._request = request
        self._pending = pending  # frames that arrived with the handshake
        self._parts: list[Any] = []
        self._closed = False
        self._convert: Any = None

    def __getattr__(self, name: str) -> Any:
        if name in _EVENTS:
            return _Events(self, name, _EVENTS[name])
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    # -- sending --------------------------------------------------------------------------------

    def send(self, event: RealtimeClientEventParam | Mapping[str, Any] | BaseModel) -> None:
        """Send one client event: a dict (typed as the SDK's ``RealtimeClientEventParam``), or a
        model of one (its JSON as received or built)."""
        from wsproto.events import TextMessage

        to_dict = getattr(event, "to_dict", None)
        data: Any = to_dict() if callable(to_dict) else event
        if not isinstance(data, Mapping) or not isinstance(data.get("type"), str):
            raise TypeError(f"A Realtime client event is a JSON object with a 'type', got {event!r}")
        self._write(self._ws.send(TextMessage(data=json.dumps(data, separators=(",", ":"), ensure_ascii=False))))

    def _write(self, data: bytes) -> None:
        if self._closed:
            raise APIConnectionError("The Realtime connection is closed.", request=self._request)
        try:
            self._sock.sendall(data)
        except OSError as error:
            self._drop()
            raise APIConnectionError(f"Connection error: {error}", request=self._request) from error

    # -- receiving ------------------------------------------------------------------------------

    def recv_bytes(self) -> bytes:
        """The next server event's JSON, as bytes; ``APIConnectionError`` once the session has ended."""
        from wsproto.events import BytesMessage, CloseConnection, Ping, TextMessage

        while True:
            while self._pending:
                frame = self._pending.pop(0)
                if isinstance(frame, (TextMessage, BytesMessage)):
                    # A message may come in fragments: gathered, up to the client's size limit.
                    self._parts.append(frame.data.encode("utf-8") if isinstance(frame, TextMessage) else bytes(frame.data))
                    self._size += len(self._parts[-1])
                    if self._max_message_bytes is not None and self._size > self._max_message_bytes:
                        self._too_large()
                    if frame.message_finished:
                        message, self._parts, self._size = b"".join(self._parts), [], 0
                        return message
                elif isinstance(frame, Ping):
                    self._write(self._ws.send(frame.response()))
                elif isinstance(frame, CloseConnection):
                    if not self._closed:
                        try:
                            self._sock.sendall(self._ws.send(frame.response()))
                        except OSError:
                            pass
                    self._drop()
                    raise _Ended(frame.code, frame.reason, self._request)
            if self._closed:
                raise _Ended(1006, "closed", self._request)
            try:
                data = self._sock.recv(_RECV)
            except TimeoutError as error:
                raise APITimeoutError(self._request, "The Realtime connection was silent longer than the read timeout.") from error
            except OSError as error:
                self._drop()
                raise APIConnectionError(f"Connection error: {error}", request=self._request) from error
            if not data:
                self._drop()
                raise _Ended(1006, "the connection was dropped", self._request)
            self._ws.receive_data(data)
            self._pending.extend(self._ws.events())

    def _too_large(self) -> None:
        from wsproto.events import CloseConnection

        assert self._max_message_bytes is not None
        try:
            self._sock.sendall(self._ws.send(CloseConnection(code=1009, reason="message too big")))
        except Exception:
            pass  # the session ends either way
        self._drop()
        raise ResponseTooLargeError(self._request, self._max_message_bytes, what="A Realtime event")

    def recv(self) -> Any:
        """The next server event, typed by its ``type`` (an unknown one stays a generic model)."""
        return self.parse_event(self.recv_bytes())

    def parse_event(self, data: str | bytes) -> Any:
        if self._convert is None:
            from .resources._operations import REALTIME_SERVER_EVENT

            self._convert = REALTIME_SERVER_EVENT()
        try:
            payload = json.loads(data)
        except (ValueError, RecursionError) as error:
            from ._exceptions import APIResponseValidationError

            raise APIResponseValidationError(f"A Realtime event is not valid JSON: {data[:200]!r}", response=Response(200, request=self._request), body=data) from error
        return self._convert(payload)

    def __iter__(self) -> Iterator[Any]:
        """Server events until the session ends (a normal close ends the loop; a dropped
        connection raises ``APIConnectionError``)."""
        while True:
            try:
                yield self.recv()
            except _Ended as ended:
                if ended.close_code in (1000, 1001):
                    return
                raise

    # -- closing --------------------------------------------------------------------------------

    def close(self, *, code: int = 1000, reason: str = "") -> None:
        """Close the session (idempotent)."""
        if self._closed:
            return
        from wsproto.events import CloseConnection

        try:
            self._sock.sendall(self._ws.send(CloseConnection(code=code, reason=reason)))
        except Exception:
            pass
        self._drop()

    def _drop(self) -> None:
        self._closed = True
        try:
            self._sock.close()
        except OSError:
            pass

    def __enter__(self) -> RealtimeConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Ended(APIConnectionError):
    """The session ended: closed by the server with ``code``, or dropped."""

    def __init__(self, code: int, reason: str | None, request: Request) -> None:
        super().__init__(f"The Realtime session ended (close code {code}{': ' + reason if reason else ''}).", request=request)
        self.close_code = code
        self.close_reason = reason


def _tunnel(proxy: str, host: str, port: int, timeout: float | None, request: Request) -> socket.socket:
    """A socket to ``host:port`` through the HTTP proxy's ``CONNECT`` tunnel (the way WebSockets
    cross proxies), with its credentials when the proxy URL carries them."""
    import base64

    parts = urlsplit(proxy)
    if parts.scheme not in ("http", ""):
        raise APIConnectionError(f"Realtime sessions cross HTTP proxies only (CONNECT); the proxy is {parts.scheme}://", request=request)
    sock = socket.create_connection((parts.hostname or "", parts.port or 80), timeout=timeout)
    lines = [f"CONNECT {host}:{port} HTTP/1.1", f"Host: {host}:{port}"]
    if parts.username is not None:
        from urllib.parse import unquote

        secret = base64.b64encode(f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()).decode("ascii")
        lines.append(f"Proxy-Authorization: Basic {secret}")
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
    head = b""
    while b"\r\n\r\n" not in head:
        data = sock.recv(1)  # byte by byte: nothing of the tunnel's own bytes is read past the head
        if not data or len(head) > 65536:
            sock.close()
            raise APIConnectionError("The proxy closed the connection before answering CONNECT.", request=request)
        head += data
    status_line = head.split(b"\r\n", 1)[0].decode("latin-1")
    fields = status_line.split(" ", 2)
    if len(fields) < 2 or fields[1] != "200":
        sock.close()
        raise APIConnectionError(f"The proxy refused the tunnel to {host}:{port}: {status_line}", request=request)
    return sock


class RealtimeConnectionManager:
    """What ``client.realtime.connect(...)`` returns: connects on ``__enter__`` (or :meth:`enter`)."""

    def __init__(self, client: OpenAI, *, model: str | None, call_id: str | None, extra_query: Mapping[str, Any] | None, extra_headers: Mapping[str, str] | None) -> None:
        self._client = client
        self._model = model
        self._call_id = call_id
        self._extra_query = dict(extra_query or {})
        self._extra_headers = dict(extra_headers or {})
        self._connection: RealtimeConnection | None = None

    def _url(self) -> str:
        query: dict[str, Any] = {**self._client._config.default_query, **self._extra_query}
        if self._call_id is not None:
            query["call_id"] = self._call_id
        # Azure puts the deployment in the query and keeps the API root ({endpoint}/openai).
        route = getattr(self._client, "_realtime_route", None)
        if route is not None:
            base, query = route(self._model, query)
        else:
            base = getattr(self._client, "websocket_base_url", None) or self._client._config.base_url
            if self._model is not None:
                query["model"] = self._model
        scheme, rest = base.rstrip("/").split("://", 1)
        secure = scheme in ("https", "wss")
        url = f"{'wss' if secure else 'ws'}://{rest}/realtime"
        return url + ("?" + urlencode(query) if query else "")

    def _headers(self) -> Headers:
        config = self._client._config
        headers = config.headers.copy()
        for name in ("Content-Type", "Accept"):
            if name in headers:
                del headers[name]
        if config.api_key_provider is not None:
            headers.update(self._client._refreshed_auth_headers())
        auth = getattr(self._client, "_realtime_auth", None)
        if auth is not None:
            headers.update(auth())  # Azure's api-key, or an Entra ID token asked for now
        from ._options import apply_headers

        apply_headers(headers, self._extra_headers)
        return headers

    def enter(self) -> RealtimeConnection:
        wsproto = _wsproto()
        from wsproto.events import AcceptConnection, RejectConnection, RejectData
        from wsproto.events import Request as Upgrade

        url = self._url()
        headers = self._headers()
        request = Request("GET", url.replace("ws", "http", 1), headers=headers)
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "wss" else 80)
        timeout = self._client._config.timeout
        proxy_for = getattr(self._client.transport, "proxy_url_for", None)
        proxy = proxy_for(request.url) if proxy_for is not None else None
        try:
            if proxy is not None:
                sock = _tunnel(proxy, host, port, timeout.connect if timeout is not None else None, request)
            else:
                sock = socket.create_connection((host, port), timeout=timeout.connect if timeout is not None else None)
            if parts.scheme == "wss":
                # The client's TLS settings, as HTTPS uses them: its context, else its CA file.
                context = getattr(self._client.transport, "ssl_context", None) or ssl.create_default_context(cafile=getattr(self._client.transport, "ca_certs", None))
                sock = context.wrap_socket(sock, server_hostname=host)
        except TimeoutError as error:
            raise APITimeoutError(request) from error
        except OSError as error:
            raise APIConnectionError(f"Connection error: {error}", request=request) from error
        ws = wsproto.WSConnection(wsproto.ConnectionType.CLIENT)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        authority = parts.netloc.rsplit("@", 1)[-1]
        extra = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]
        try:
            sock.sendall(ws.send(Upgrade(host=authority, target=target, extra_headers=extra)))
            sock.settimeout(timeout.read if timeout is not None else None)
            status, reject_headers, body = None, [], b""
            while True:
                data = sock.recv(_RECV)
                if not data:
                    raise APIConnectionError("The server closed the connection during the WebSocket handshake.", request=request)
                ws.receive_data(data)
                events = list(ws.events())
                for index, event in enumerate(events):
                    if isinstance(event, AcceptConnection):
                        limit = getattr(self._client._transport, "max_response_bytes", None)
                        self._connection = RealtimeConnection(sock, ws, request, events[index + 1 :], limit)
                        return self._connection
                    if isinstance(event, RejectConnection):
                        status, reject_headers = event.status_code, [(n.decode("latin-1"), v.decode("latin-1")) for n, v in event.headers]
                        if not event.has_body:
                            break
                    elif isinstance(event, RejectData):
                        body += event.data
                        if event.body_finished or len(body) > _MAX_REJECT_BODY:
                            body = body[:_MAX_REJECT_BODY]  # enough for the error it explains
                            break
                else:
                    continue
                break
        except TimeoutError as error:
            sock.close()
            raise APITimeoutError(request) from error
        except OSError as error:
            sock.close()
            raise APIConnectionError(f"Connection error: {error}", request=request) from error
        sock.close()
        raise make_status_error(Response(status or 400, Headers(dict(reject_headers)), body, request=request))

    def __enter__(self) -> RealtimeConnection:
        return self.enter()

    def __exit__(self, *exc: object) -> None:
        if self._connection is not None:
            self._connection.close()
