"""Realtime sessions of this project's client in cassettes: recorded as the ordered messages of
both directions with their offsets, replayed with the server gone.

Recording wraps the connection ``client.realtime.connect()`` opens (through vcrpy's public
``custom_patches``, as the HTTP streams are): every event the client sends and every one it
receives is kept, and the session is written to the cassette when it closes. Replaying answers
``connect()`` from the cassette: each event the client sends must match the next one recorded as
JSON, ``event_id`` aside and audio bytes aside (``input_audio_buffer.append``'s ``audio``), or the
replay says what differs; the server's events come back in order, each once the client has sent
what preceded it in the recording, paced as recorded when ``pacing`` is set.

Other clients' sessions (the official SDK's, on the ``websockets`` library) are recorded and
replayed in-process too, over a real WebSocket: see :func:`websockets_patches`.
"""

from __future__ import annotations

import json
import time
from typing import Any, Callable
from urllib.parse import urlsplit

from .._json import loads as loads_json
from ._model import Frame

__all__ = ["RealtimeReplayError", "ReplayedSession", "session_patches", "websockets_patches"]

_IGNORED = frozenset({"event_id"})


class RealtimeReplayError(AssertionError):
    """A replayed Realtime session went where the recording did not."""


def _comparable(event: Any) -> Any:
    """The event as replay compares it: without ``event_id`` and audio bytes."""
    if isinstance(event, dict):
        kept = {key: _comparable(value) for key, value in event.items() if key not in _IGNORED}
        if event.get("type") == "input_audio_buffer.append":
            kept.pop("audio", None)
        return kept
    if isinstance(event, list):
        return [_comparable(item) for item in event]
    return event


def _difference(recorded: Any, sent: Any, path: str = "") -> str:
    if isinstance(recorded, dict) and isinstance(sent, dict):
        for key in sorted(set(recorded) | set(sent)):
            if recorded.get(key, ...) != sent.get(key, ...):
                return _difference(recorded.get(key, "<missing>"), sent.get(key, "<missing>"), f"{path}.{key}" if path else key)
        return ""
    return f"{path or 'the event'}: recorded {json.dumps(recorded)[:120]}, sent {json.dumps(sent)[:120]}"


def session_patches(tap: Any) -> tuple[tuple[Any, str, Any], ...]:
    """vcrpy ``custom_patches`` for ``openai_urllib3``'s Realtime connections (none when it is absent)."""
    try:
        from openai_urllib3._realtime import RealtimeConnectionManager
    except ImportError:  # pragma: no cover - the client is a dependency
        return ()
    import inspect

    original = inspect.unwrap(RealtimeConnectionManager.enter)

    def enter(manager: Any) -> Any:
        cassette = tap.cassette
        if cassette is None:
            return original(manager)
        from vcr.request import Request as VCRRequest

        from ._live_streams import _refuse_if_protected

        url = manager._url()
        headers = dict(manager._headers().items())
        vcr_request = VCRRequest("GET", url, b"", headers)
        if not cassette.filter_request(vcr_request):
            return original(manager)
        if cassette.can_play_response_for(vcr_request):
            recorded = cassette.play_interaction(vcr_request).response
            if recorded.frames is None:
                raise RealtimeReplayError(f"The cassette answers GET {url} with an HTTP {recorded.status}, not a Realtime session")
            return _replayed(manager, url, recorded.frames, tap.pacing, cut=recorded.cut)
        _refuse_if_protected(cassette, vcr_request)
        connection = original(manager)
        _record(connection, cassette, vcr_request)
        return connection

    enter.__wrapped__ = original  # type: ignore[attr-defined]
    return ((RealtimeConnectionManager, "enter", enter),)


def _record(connection: Any, cassette: Any, vcr_request: Any) -> None:
    """Keep what passes through ``connection`` (both ways, with offsets); append it to the
    cassette once the session ends (closed by the client, or ended by the server)."""
    started = time.monotonic()
    frames: list[dict[str, Any]] = []
    written = False
    send, recv_bytes, close = connection.send, connection.recv_bytes, connection.close

    def offset() -> float:
        return round((time.monotonic() - started) * 1000.0, 1)

    def finish(clean: bool) -> None:
        nonlocal written
        if not written:
            written = True
            cassette.append(vcr_request, _session_response(frames, clean))

    def recording_send(event: Any) -> None:
        data = event.to_dict() if hasattr(event, "to_dict") else event
        send(event)
        frames.append({"from": "client", "offset_ms": offset(), "text": json.dumps(data, separators=(",", ":"), ensure_ascii=False)})

    def recording_recv_bytes() -> bytes:
        try:
            data = recv_bytes()
        except Exception as error:
            from openai_urllib3 import APITimeoutError

            if not isinstance(error, APITimeoutError):  # the session ended: closed with a code, or dropped
                finish(getattr(error, "close_code", None) in (1000, 1001))
            raise
        frames.append({"from": "server", "offset_ms": offset(), "text": data.decode("utf-8", "replace")})
        return bytes(data)

    def recording_close(**options: Any) -> None:
        close(**options)
        finish(True)

    connection.send = recording_send
    connection.recv_bytes = recording_recv_bytes
    connection.close = recording_close


def _session_response(frames: list[dict[str, Any]], clean: bool) -> dict[str, Any]:
    """A session as vcrpy's response dict: the 101, its frames, and whether it was cut."""
    response: dict[str, Any] = {"status": {"code": 101, "message": "Switching Protocols"}, "headers": {}, "body": {"string": b""}, "websocket": frames}
    if not clean:
        response["cut"] = True
    return response


def _replayed(manager: Any, url: str, frames: list[Frame], pacing: float | None, *, cut: bool = False) -> Any:
    from openai_urllib3._http import Request
    from openai_urllib3._realtime import RealtimeConnection, _Ended

    request = Request("GET", url.replace("ws", "http", 1))

    class ReplayedConnection(RealtimeConnection):
        """A Realtime connection answered from a recording (no socket)."""

        def __init__(self) -> None:
            self._request = request
            self._closed = False
            self._convert = None
            self._server = [index for index, frame in enumerate(frames) if frame.sender == "server"]
            self._client = [index for index, frame in enumerate(frames) if frame.sender == "client"]
            self._sent_at: dict[int, float] = {}  # recorded index of a client frame -> when it was sent here
            self._opened = time.monotonic()

        def send(self, event: Any) -> None:
            if self._closed:
                raise _Ended(1000, "the replayed session is closed", request)
            data = event.to_dict() if hasattr(event, "to_dict") else event
            if not self._client:
                raise RealtimeReplayError(f"The recorded session has no more client events; the client sent {json.dumps(data)[:200]}")
            index = self._client[0]
            expected = frames[index].json()
            difference = _difference(_comparable(expected), _comparable(data))
            if difference:
                raise RealtimeReplayError(f"Client event #{index + 1} differs from the recording: {difference}")
            self._client.pop(0)
            self._sent_at[index] = time.monotonic()

        def recv_bytes(self) -> bytes:
            if not self._server:
                self._closed = True
                if cut:
                    raise _Ended(1006, "the recorded session was dropped here", request)
                raise _Ended(1000, "the recorded session ended", request)
            index = self._server[0]
            # Recorded when the client read it, a server event may sit after client events it did
            # not wait for (a session.created read late): it is given whether or not they were sent.
            trigger = max((i for i in range(index) if frames[i].sender == "client" and i in self._sent_at), default=None)
            self._wait(index, trigger)
            self._server.pop(0)
            return frames[index].data.encode("utf-8")

        def _wait(self, index: int, trigger: int | None) -> None:
            if not pacing:
                return
            since = self._sent_at[trigger] if trigger is not None else self._opened
            base = frames[trigger].offset_ms if trigger is not None else 0.0
            delay = ((frames[index].offset_ms or 0.0) - (base or 0.0)) / 1000.0 * pacing
            remaining = since + delay - time.monotonic()
            if remaining > 0:
                time.sleep(remaining)

        def close(self, *, code: int = 1000, reason: str = "") -> None:
            self._closed = True

        def _drop(self) -> None:
            self._closed = True

    replayed: Callable[[], Any] = ReplayedConnection
    connection = replayed()
    manager._connection = connection
    return connection


class ReplayedSession:
    """A recorded session served over the wire (the replay server's WebSocket endpoint, for any
    client): the server's recorded events up to the first client event on opening, then, for each
    client event that matches the next recorded one, the server events that followed it; a client
    event that does not match is answered with an ``error`` event naming the difference."""

    def __init__(self, frames: list[Frame], pacing: float | None = None, *, sleep: Callable[[float], object] = time.sleep) -> None:
        self.frames = frames
        self.position = 0
        self.pacing = pacing
        self.sleep = sleep
        self.misses: list[str] = []

    def _server_events(self, since: float | None) -> list[dict[str, Any]]:
        events = []
        while self.position < len(self.frames) and self.frames[self.position].sender == "server":
            frame = self.frames[self.position]
            self.position += 1
            if self.pacing and since is not None and frame.offset_ms is not None:
                self.sleep(max(0.0, frame.offset_ms - since) / 1000.0 * self.pacing)
                since = frame.offset_ms
            parsed = frame.json()
            events.append(parsed if isinstance(parsed, dict) else {"type": "error", "error": {"type": "invalid_request_error", "message": frame.data}})
        return events

    def opening(self) -> list[dict[str, Any]]:
        return self._server_events(0.0)

    def handle(self, text: str) -> list[dict[str, Any]]:
        try:
            sent = loads_json(text)
        except ValueError:
            sent = text
        if self.position >= len(self.frames):
            return [self._miss(f"The recorded session has no more client events; the client sent {text[:200]}")]
        expected = self.frames[self.position]
        difference = _difference(_comparable(expected.json()), _comparable(sent))
        if difference:
            return [self._miss(f"Client event #{self.position + 1} differs from the recording: {difference}")]
        self.position += 1
        return self._server_events(expected.offset_ms)

    def _miss(self, message: str) -> dict[str, Any]:
        self.misses.append(message)
        return {"type": "error", "event_id": f"event_miss{len(self.misses)}", "error": {"type": "invalid_request_error", "code": "cassette_miss", "message": message, "param": None, "event_id": None}}


class RelayedSession:
    """A client's session relayed to the upstream and recorded as it goes (the recording proxy's
    WebSocket endpoint): client events are forwarded as they come, the upstream's as they arrive,
    each stamped with its offset; ``on_end(frames, clean)`` gets the session once either side ends it."""

    def __init__(self, sock: Any, ws: Any, pending: list[Any], on_end: Callable[[list[Frame], bool], None]) -> None:
        import threading

        self.sock = sock
        self.ws = ws
        self.pending = pending
        self.on_end = on_end
        self.frames: list[Frame] = []
        self.started = time.monotonic()
        self.lock = threading.Lock()
        self.finished = False
        self._send: Callable[[Any], None] | None = None
        self._close: Callable[[int, str], None] | None = None

    def _offset(self) -> float:
        return round((time.monotonic() - self.started) * 1000.0, 1)

    def attach(self, send: Callable[[Any], None], close: Callable[[int, str], None]) -> None:
        import threading

        self._send, self._close = send, close
        threading.Thread(target=self._pump, name="openai-harness-relay", daemon=True).start()

    def opening(self) -> list[dict[str, Any]]:
        return []  # the upstream's events arrive through the pump

    def handle(self, text: str) -> list[dict[str, Any]]:
        from wsproto.events import TextMessage

        with self.lock:
            self.frames.append(Frame("client", text, self._offset()))
            try:
                self.sock.sendall(self.ws.send(TextMessage(data=text)))
            except OSError:
                pass  # the upstream is gone; the pump ends the session
        return []

    def _pump(self) -> None:
        from wsproto.events import CloseConnection, Ping, TextMessage

        parts: list[str] = []
        clean = False
        try:
            frames = list(self.pending)
            while True:
                for frame in frames:
                    if isinstance(frame, TextMessage):
                        parts.append(frame.data)
                        if frame.message_finished:
                            text, parts = "".join(parts), []
                            with self.lock:
                                self.frames.append(Frame("server", text, self._offset()))
                            assert self._send is not None
                            self._send(text)
                    elif isinstance(frame, Ping):
                        with self.lock:
                            self.sock.sendall(self.ws.send(frame.response()))
                    elif isinstance(frame, CloseConnection):
                        clean = frame.code in (1000, 1001)
                        with self.lock:
                            try:
                                self.sock.sendall(self.ws.send(frame.response()))
                            except Exception:
                                pass
                        assert self._close is not None
                        self._close(frame.code, frame.reason or "")
                        return
                data = self.sock.recv(65536)
                if not data:
                    assert self._close is not None
                    self._close(1011, "the upstream dropped the connection")
                    return
                self.ws.receive_data(data)
                frames = list(self.ws.events())
        except Exception:
            if self._close is not None:
                self._close(1011, "the upstream connection failed")
        finally:
            self._finish(clean)

    def ended(self) -> None:
        """The client side ended: close the upstream too."""
        from wsproto.events import CloseConnection

        with self.lock:
            try:
                self.sock.sendall(self.ws.send(CloseConnection(code=1000)))
            except Exception:
                pass
        self._finish(True)

    def _finish(self, clean: bool) -> None:
        with self.lock:
            if self.finished:
                return
            self.finished = True
            frames = list(self.frames)
        try:
            self.sock.close()
        except OSError:
            pass
        self.on_end(frames, clean)


def websockets_patches(tap: Any) -> tuple[tuple[Any, str, Any], ...]:
    """vcrpy ``custom_patches`` for sessions opened with the ``websockets`` library's sync client,
    as the official SDK opens them (none when ``websockets`` is absent).

    The session is not faked: the library connects, over loopback, to a one-session bridge that
    serves the recorded frames (replay) or relays to the real URL and records them (record), so
    what the SDK sees is a real WebSocket whichever way it goes.
    """
    import importlib
    import inspect

    try:  # optional, and untyped here: imported by name
        client_module = importlib.import_module("websockets.sync.client")
    except ImportError:
        return ()

    original = inspect.unwrap(client_module.connect)

    def connect(uri: str, *args: Any, **kwargs: Any) -> Any:
        opened = _open_bridge(tap, uri, kwargs)
        if opened is None:
            return original(uri, *args, **kwargs)
        bridge, local = opened
        tap.bridges.append(bridge)  # stopped with the cassette too, if the client never closes
        try:
            connection = original(local, *args, **kwargs)
        except BaseException:
            bridge.stop()
            raise
        close = connection.close

        def closing(*close_args: Any, **close_kwargs: Any) -> Any:
            try:
                return close(*close_args, **close_kwargs)
            finally:
                bridge.finish()

        connection.close = closing
        return connection

    connect.__wrapped__ = original  # type: ignore[attr-defined]
    patches: list[tuple[Any, str, Any]] = [(client_module, "connect", connect)]
    try:
        connect_class = importlib.import_module("websockets.asyncio.client").connect
    except ImportError:
        return tuple(patches)
    # The asyncio client's ``connect`` is a class the official SDK subclasses when first imported:
    # patched where every subclass finds it (``__init__``, which takes the URI), never replaced.
    original_init = inspect.unwrap(connect_class.__init__)

    def __init__(self: Any, uri: str, *args: Any, **kwargs: Any) -> None:
        opened = _open_bridge(tap, uri, kwargs)
        if opened is not None:
            bridge, uri = opened
            tap.bridges.append(bridge)  # stopped when the cassette closes, the session recorded by then
        original_init(self, uri, *args, **kwargs)

    __init__.__wrapped__ = original_init  # type: ignore[attr-defined]
    patches.append((connect_class, "__init__", __init__))
    return tuple(patches)


def _open_bridge(tap: Any, uri: str, kwargs: dict[str, Any]) -> tuple[_SessionBridge, str] | None:
    """Under a cassette, the loopback bridge a ``websockets`` client connects to for ``uri`` and the
    URL to reach it at; ``None`` when no cassette is open or it ignores the request."""
    cassette = tap.cassette
    if cassette is None:
        return None
    from vcr.request import Request as VCRRequest

    from ._live_streams import _refuse_if_protected

    headers = {str(name): str(value) for name, value in dict(kwargs.get("additional_headers") or {}).items()}
    vcr_request = VCRRequest("GET", uri, b"", headers)
    if not cassette.filter_request(vcr_request):
        return None
    if cassette.can_play_response_for(vcr_request):
        recorded = cassette.play_interaction(vcr_request).response
        if recorded.frames is None:
            raise RealtimeReplayError(f"The cassette answers GET {uri} with an HTTP {recorded.status}, not a Realtime session")
        bridge = _SessionBridge(frames=recorded.frames, pacing=tap.pacing)
    else:
        _refuse_if_protected(cassette, vcr_request)

        def on_end(frames: list[Frame], clean: bool) -> None:
            cassette.append(vcr_request, _session_response([{"from": f.sender, "offset_ms": f.offset_ms, "text": f.data} for f in frames], clean))

        bridge = _SessionBridge(upstream=uri, headers=list(headers.items()), on_end=on_end)
    bridge.start()
    parts = urlsplit(uri)
    return bridge, f"ws://{bridge.host}:{bridge.port}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")


class _SessionBridge:
    """One loopback WebSocket endpoint for one session of another client: recorded ``frames``
    served as the replay server serves them, or a relay to ``upstream`` that hands the session to
    ``on_end`` when it ends."""

    def __init__(
        self,
        *,
        frames: list[Frame] | None = None,
        pacing: float | None = None,
        upstream: str | None = None,
        headers: list[tuple[str, str]] | None = None,
        on_end: Callable[[list[Frame], bool], None] | None = None,
    ) -> None:
        from ..server._loopback import LoopbackServer

        bridge = self

        class Endpoint(LoopbackServer):
            def _handle(self, request: Any) -> Any:
                from ..server._app import error_reply

                return None, error_reply(404, "This endpoint serves one Realtime session.", code="unknown_url")

            def _websocket(self, request: Any) -> Any:
                from ..server._app import error_reply
                from ..server._websocket import UpstreamRefused

                try:
                    return bridge._session(), None, None
                except UpstreamRefused as error:  # the client sees the status it would have seen (401, ...)
                    return error_reply(error.status, str(error), code="upstream_refused")
                except OSError as error:
                    return error_reply(502, f"Could not open the session upstream: {error}", type="server_error", code="upstream_unreachable")

        self._frames, self._pacing, self._upstream, self._headers, self._on_end = frames, pacing, upstream, headers or [], on_end
        self._server = Endpoint("127.0.0.1", 0)
        self._relay: RelayedSession | None = None

    @property
    def host(self) -> str:
        return self._server.host

    @property
    def port(self) -> int:
        return self._server.port

    def start(self) -> None:
        self._server.start()

    def stop(self) -> None:
        self._server.stop()

    def finish(self) -> None:
        """The client closed: stop the endpoint, which ends a relay (recorded as a clean end)."""
        self.stop()
        if self._relay is not None:
            self._relay.ended()

    def _session(self) -> Any:
        if self._frames is not None:
            return ReplayedSession(self._frames, self._pacing)
        from ..server._websocket import connect_upstream

        assert self._upstream is not None and self._on_end is not None
        sock, ws, pending = connect_upstream(self._upstream, [(n, v) for n, v in self._headers if not n.lower().startswith("sec-websocket")])
        self._relay = RelayedSession(sock, ws, pending, self._on_end)
        return self._relay
