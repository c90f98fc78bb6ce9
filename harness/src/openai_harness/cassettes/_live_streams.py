"""Streamed answers in-process, kept faithful: each event reaches the caller as it arrives while it
is recorded with its arrival offset; a replay paces events as recorded (when asked) and cuts a
stream where the recording was cut, so the client sees the same error.

vcrpy reads a whole body before handing it over (and keeps nothing of a body cut half-way), so the
harness takes these exchanges itself, through vcrpy's public ``custom_patches`` and its cassette's
public methods (``can_play_response_for``, ``write_protected``, ``filter_request``, ``append``):

- urllib3 (this project's client, ``requests``): ``HTTPConnectionPool.urlopen`` answers requests
  that ask to stream (a JSON body with ``"stream": true``, or ``stream=true`` in the query); every
  other request goes on to vcrpy as before.
- httpx and httpx2 (the official SDK): ``HTTPTransport.handle_request`` is answered here for every
  request, as vcrpy's own would (same cassette, same matching), with streamed bodies kept live.
"""

from __future__ import annotations

import inspect
import time
from typing import Any, Callable, Generator, Iterator

from .._json import loads as loads_json
from ._model import Event, RecordedResponse, split_events

__all__ = ["StreamTap", "is_stream_request"]

_DROPPED_HEADERS = frozenset({"content-length", "transfer-encoding", "content-encoding"})


def is_stream_request(uri: str, body: Any) -> bool:
    """Whether the request asks for a streamed answer, as the OpenAI API's streams are asked for."""
    if "stream=true" in uri.partition("?")[2].lower():
        return True
    if not isinstance(body, (bytes, bytearray, str)) or not body:
        return False
    text = body if isinstance(body, str) else bytes(body)
    if b'"stream"' not in (text.encode() if isinstance(text, str) else text):
        return False
    try:
        parsed = loads_json(text)
    except ValueError:
        return False
    return isinstance(parsed, dict) and parsed.get("stream") is True


class StreamTap:
    """The cassette a set of patches answers from (set when the cassette opens) and its pacing:
    ``None`` replays events as fast as possible, ``1.0`` at their recorded offsets, ``0.5`` twice
    as fast."""

    def __init__(self, pacing: float | None = None) -> None:
        if pacing is not None and (not isinstance(pacing, (int, float)) or isinstance(pacing, bool) or pacing < 0):
            raise ValueError(f"pacing must be None or a non-negative number (1.0: as recorded), got {pacing!r}")
        self.pacing = pacing
        self.cassette: Any = None
        self.bridges: list[Any] = []
        """Loopback endpoints of other clients' Realtime sessions (see ``_live_sessions``), stopped with the cassette."""

    def close_bridges(self) -> None:
        """End what other clients' sessions left open, so each is in the cassette before it is saved."""
        bridges, self.bridges = self.bridges, []
        for bridge in bridges:
            bridge.finish()

    def patches(self) -> tuple[tuple[Any, str, Any], ...]:
        """vcrpy ``custom_patches`` triples for the HTTP libraries that are installed."""
        triples: list[tuple[Any, str, Any]] = []
        if _REAL_CONNECTIONS is not None:
            import urllib3.connectionpool

            triples.append((urllib3.connectionpool.HTTPConnectionPool, "urlopen", self._urllib3_urlopen(urllib3.connectionpool.HTTPConnectionPool.urlopen)))
        for name in ("httpx", "httpx2"):
            try:
                module = __import__(name)
            except ImportError:
                continue
            triples.append((module.HTTPTransport, "handle_request", self._httpx_handle_request(module)))
        from ._live_sessions import session_patches, websockets_patches

        triples.extend(session_patches(self))  # Realtime sessions of this project's client
        triples.extend(websockets_patches(self))  # and of clients on websockets (the official SDK)
        return tuple(triples)

    # -- pacing ---------------------------------------------------------------------------------------

    def _delays(self, events: list[Event]) -> list[float]:
        if not self.pacing:
            return [0.0] * len(events)
        delays, previous = [], 0.0
        for event in events:
            offset = event.offset_ms if event.offset_ms is not None else previous
            delays.append(max(0.0, offset - previous) / 1000.0 * self.pacing)
            previous = offset
        return delays

    def replayed_chunks(self, response: RecordedResponse, cut_error: Callable[[], Exception]) -> Generator[bytes, None, None]:
        """The recorded events one at a time, at the pacing; raises ``cut_error()`` where the
        recording was cut."""
        assert response.events is not None
        for event, delay in zip(response.events, self._delays(response.events)):
            if delay:
                time.sleep(delay)
            yield event.to_bytes()
        if response.cut:
            raise cut_error()

    # -- urllib3 ------------------------------------------------------------------------------------

    def _urllib3_urlopen(self, original: Callable[..., Any]) -> Callable[..., Any]:
        original = inspect.unwrap(original)
        tap = self

        def urlopen(pool: Any, method: str, url: str, body: Any = None, headers: Any = None, *args: Any, **kwargs: Any) -> Any:
            cassette = tap.cassette
            uri = url if url.startswith(("http://", "https://")) else _pool_uri(pool, url)
            if cassette is None or args or not is_stream_request(uri, body):
                return original(pool, method, url, body, headers, *args, **kwargs)
            from vcr.request import Request as VCRRequest

            vcr_request = VCRRequest(method, uri, body, dict(headers or {}))
            if not cassette.filter_request(vcr_request):
                return original(pool, method, url, body, headers, *args, **kwargs)  # ignored by the cassette
            if cassette.can_play_response_for(vcr_request):
                return _urllib3_replay(tap, cassette.play_interaction(vcr_request).response, method, url, kwargs)
            _refuse_if_protected(cassette, vcr_request)
            return _urllib3_record(original, cassette, vcr_request, pool, method, url, body, headers, kwargs)

        urlopen.__wrapped__ = original  # type: ignore[attr-defined]  # a nested cassette's tap reaches the real one
        return urlopen

    # -- httpx / httpx2 -----------------------------------------------------------------------------

    def _httpx_handle_request(self, module: Any) -> Callable[..., Any]:
        original = inspect.unwrap(module.HTTPTransport.handle_request)
        tap = self

        def handle_request(transport: Any, request: Any) -> Any:
            from vcr.request import Request as VCRRequest

            cassette = tap.cassette
            if cassette is None:
                return original(transport, request)
            content = b"".join(request.stream)
            request.stream = module.ByteStream(content)
            vcr_request = VCRRequest(request.method, str(request.url), content, request.headers)
            if cassette.can_play_response_for(vcr_request):
                return _httpx_replay(tap, module, cassette.play_interaction(vcr_request).response)
            _refuse_if_protected(cassette, vcr_request)
            real = original(transport, request)
            streamed = "text/event-stream" in real.headers.get("content-type", "") and not real.headers.get("content-encoding")
            if streamed and cassette.filter_request(vcr_request):
                recorder = _Recorder(cassette, vcr_request, real.status_code, real.reason_phrase, real.headers.multi_items())
                real.stream = _tee_stream_class(module)(real.stream, recorder)
                return real
            try:
                received = b"".join(real.stream)
            finally:
                real.stream.close()
            real.stream = module.ByteStream(received)
            cassette.append(vcr_request, _response_dict(real.status_code, real.reason_phrase, real.headers.multi_items(), received))
            return real

        handle_request.__wrapped__ = original  # type: ignore[attr-defined]  # a nested cassette's tap reaches the real one
        return handle_request


def _refuse_if_protected(cassette: Any, vcr_request: Any) -> None:
    if cassette.write_protected and cassette.filter_request(vcr_request):
        from vcr.errors import CannotOverwriteExistingCassetteException

        raise CannotOverwriteExistingCassetteException(cassette=cassette, failed_request=vcr_request)


def _response_dict(status: int, reason: str, headers: list[tuple[str, str]], body: bytes) -> dict[str, Any]:
    grouped: dict[str, list[str]] = {}
    for name, value in headers:
        grouped.setdefault(name, []).append(value)
    return {"status": {"code": status, "message": reason}, "headers": grouped, "body": {"string": body}}


class _Recorder:
    """Cuts arriving bytes into events stamped with their arrival offset; appends the exchange to
    the cassette once, when the stream ends (cleanly, cut, or closed early by the caller)."""

    def __init__(self, cassette: Any, vcr_request: Any, status: int, reason: str, headers: list[tuple[str, str]]) -> None:
        self.cassette = cassette
        self.vcr_request = vcr_request
        self.status, self.reason = status, reason
        self.headers = [(name, value) for name, value in headers if name.lower() not in _DROPPED_HEADERS]
        self.started = time.monotonic()
        self.pending = b""
        self.events: list[dict[str, Any]] = []
        self.finished = False

    def feed(self, chunk: bytes) -> None:
        self.pending += chunk.replace(b"\r\n", b"\n")
        end = self.pending.rfind(b"\n\n")
        if end < 0:
            return
        complete, self.pending = self.pending[: end + 2], self.pending[end + 2 :]
        offset = round((time.monotonic() - self.started) * 1000.0, 1)
        events, _ = split_events(complete)
        for event in events:
            entry: dict[str, Any] = {"data": event.data, "offset_ms": offset}
            if event.event is not None:
                entry["event"] = event.event
            if event.id is not None:
                entry["id"] = event.id
            self.events.append(entry)

    def finish(self, *, cut: bool) -> None:
        if self.finished:
            return
        self.finished = True
        response = _response_dict(self.status, self.reason, self.headers, b"")
        response["events"] = self.events
        response["cut"] = cut or bool(self.pending.strip())
        self.cassette.append(self.vcr_request, response)


_TEE_CLASSES: dict[str, type] = {}


def _tee_stream_class(module: Any) -> type:
    """An httpx response stream (of ``module``'s own base class) that records what passes through it."""
    cls = _TEE_CLASSES.get(module.__name__)
    if cls is not None:
        return cls

    class TeeStream(module.SyncByteStream):  # type: ignore[misc]
        def __init__(self, inner: Any, recorder: _Recorder) -> None:
            self._inner = inner
            self._recorder = recorder

        def __iter__(self) -> Iterator[bytes]:
            try:
                for chunk in self._inner:
                    self._recorder.feed(chunk)
                    yield chunk
            except Exception:
                self._recorder.finish(cut=True)
                raise
            self._recorder.finish(cut=False)

        def close(self) -> None:
            try:
                self._inner.close()
            finally:
                self._recorder.finish(cut=True)  # a no-op after a clean end; else the caller stopped reading

    _TEE_CLASSES[module.__name__] = TeeStream
    return TeeStream


def _httpx_replay(tap: StreamTap, module: Any, recorded: RecordedResponse) -> Any:
    headers = [(name, value) for name, value in recorded.headers if name.lower() not in _DROPPED_HEADERS]
    extensions = {"reason_phrase": recorded.reason.encode("ascii", "replace")} if recorded.reason else None
    if recorded.events is None:
        headers.append(("content-length", str(len(recorded.body))))
        return module.Response(recorded.status, headers=headers, stream=module.ByteStream(recorded.body), extensions=extensions)

    def cut() -> Exception:
        error: Exception = module.RemoteProtocolError("peer closed connection without sending complete message body (the recorded stream was cut here)")
        return error

    chunks = tap.replayed_chunks(recorded, cut)
    stream = type("ReplayedStream", (module.SyncByteStream,), {"__iter__": lambda self: chunks, "close": lambda self: chunks.close()})()
    return module.Response(recorded.status, headers=headers, stream=stream, extensions=extensions)


# -- urllib3 ----------------------------------------------------------------------------------------


def _real_connections() -> tuple[type, type] | None:
    """urllib3's own connection classes, taken before any cassette swaps in vcrpy's stubs."""
    try:
        import urllib3.connection
    except ImportError:  # pragma: no cover - urllib3 is a dependency
        return None
    classes = (urllib3.connection.HTTPConnection, urllib3.connection.HTTPSConnection)
    if any(not cls.__module__.startswith("urllib3.") for cls in classes):
        return None  # imported while a cassette was open: leave streams to vcrpy
    return classes


_REAL_CONNECTIONS = _real_connections()


def _pool_uri(pool: Any, url: str) -> str:
    """The URI vcrpy records for a request on ``pool`` (the port only when it is not the default)."""
    default = 443 if pool.scheme == "https" else 80
    port = f":{pool.port}" if pool.port and pool.port != default else ""
    return f"{pool.scheme}://{pool.host}{port}{url}"


class _ReplayedFile:
    """The recorded events as a file urllib3 reads: one event per read, paced, cut as recorded."""

    def __init__(self, chunks: Generator[bytes, None, None]) -> None:
        self._chunks = chunks
        self._buffer = b""
        self.closed = False

    def read1(self, amount: int = -1) -> bytes:
        if not self._buffer:
            self._buffer = next(self._chunks, b"")
        if amount is None or amount < 0:
            amount = len(self._buffer)
        chunk, self._buffer = self._buffer[:amount], self._buffer[amount:]
        return chunk

    def read(self, amount: int | None = None) -> bytes:
        if amount is not None and amount >= 0:
            return self.read1(amount)
        parts = []
        while chunk := self.read1():
            parts.append(chunk)
        return b"".join(parts)

    def close(self) -> None:
        self.closed = True
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()


class _TeeFile:
    """A live urllib3 response's body that records what the caller reads through it."""

    def __init__(self, real: Any, recorder: _Recorder) -> None:
        self._real = real
        self._recorder = recorder
        self.closed = False

    def _take(self, read: Callable[[], bytes]) -> bytes:
        try:
            chunk = read()
        except Exception:
            self._recorder.finish(cut=True)
            raise
        if chunk:
            self._recorder.feed(chunk)
        else:
            self._recorder.finish(cut=False)
            self._real.close()  # a pool of its own, never reused
        return chunk

    def read1(self, amount: int = -1) -> bytes:
        return self._take(lambda: self._real.read1(amount if amount and amount > 0 else 65536))

    def read(self, amount: int | None = None) -> bytes:
        if amount is not None and amount >= 0:
            return self._take(lambda: self._real.read(amount))
        parts = []
        while chunk := self.read1():
            parts.append(chunk)
        return b"".join(parts)

    def close(self) -> None:
        self.closed = True
        try:
            self._real.close()
        finally:
            self._recorder.finish(cut=True)  # a no-op after a clean end; else the caller stopped reading


def _urllib3_response(body: Any, status: int, reason: str, headers: list[tuple[str, str]], method: str, url: str, kwargs: dict[str, Any]) -> Any:
    import urllib3

    return urllib3.HTTPResponse(
        body=body,
        headers=urllib3.HTTPHeaderDict(headers),
        status=status,
        reason=reason,
        preload_content=kwargs.get("preload_content", True),
        decode_content=False,
        request_method=method,
        request_url=url,
    )


def _urllib3_replay(tap: StreamTap, recorded: RecordedResponse, method: str, url: str, kwargs: dict[str, Any]) -> Any:
    import io

    from urllib3.exceptions import ProtocolError

    headers = [(name, value) for name, value in recorded.headers if name.lower() not in _DROPPED_HEADERS]
    if recorded.events is None:
        headers.append(("content-length", str(len(recorded.body))))
        return _urllib3_response(io.BytesIO(recorded.body), recorded.status, recorded.reason, headers, method, url, kwargs)

    def cut() -> Exception:
        return ProtocolError("Connection broken: the recorded stream was cut here")

    return _urllib3_response(_ReplayedFile(tap.replayed_chunks(recorded, cut)), recorded.status, recorded.reason, headers, method, url, kwargs)


def _live_pool(pool: Any) -> Any:
    """A pool like ``pool`` whose connections are urllib3's own, not vcrpy's stubs (which read a
    body whole), for one recorded stream."""
    import urllib3

    assert _REAL_CONNECTIONS is not None
    kwargs: dict[str, Any] = {"timeout": pool.timeout, "maxsize": 1, "headers": pool.headers, **pool.conn_kw}
    https = isinstance(pool, urllib3.HTTPSConnectionPool)
    if https:
        for name in ("key_file", "cert_file", "cert_reqs", "key_password", "ca_certs", "ca_cert_dir", "ssl_version", "ssl_minimum_version", "ssl_maximum_version", "assert_hostname", "assert_fingerprint"):
            if hasattr(pool, name):
                kwargs[name] = getattr(pool, name)
    live = type(pool)(pool.host, pool.port, _proxy=pool.proxy, _proxy_headers=pool.proxy_headers, _proxy_config=pool.proxy_config, **kwargs)
    live.ConnectionCls = _REAL_CONNECTIONS[1] if https else _REAL_CONNECTIONS[0]
    return live


def _urllib3_record(urlopen: Callable[..., Any], cassette: Any, vcr_request: Any, pool: Any, method: str, url: str, body: Any, headers: Any, kwargs: dict[str, Any]) -> Any:
    import io

    live = _live_pool(pool)
    options = {key: value for key, value in kwargs.items() if key in ("timeout", "chunked", "decode_content")}
    real = urlopen(live, method, url, body=body, headers=headers, retries=False, redirect=False, assert_same_host=False, preload_content=False, **options)
    response_headers = list(real.headers.items())
    content_type = real.headers.get("content-type", "")
    if "text/event-stream" in content_type and not real.headers.get("content-encoding"):
        recorder = _Recorder(cassette, vcr_request, real.status, real.reason or "", response_headers)
        kept = [(name, value) for name, value in response_headers if name.lower() not in ("content-length", "transfer-encoding")]
        return _urllib3_response(_TeeFile(real, recorder), real.status, real.reason or "", kept, method, url, kwargs)
    try:
        received = real.read(decode_content=True)
    finally:
        real.release_conn()
    kept = [(name, value) for name, value in response_headers if name.lower() not in _DROPPED_HEADERS]
    cassette.append(vcr_request, _response_dict(real.status, real.reason or "", kept, received))
    kept.append(("content-length", str(len(received))))
    return _urllib3_response(io.BytesIO(received), real.status, real.reason or "", kept, method, url, kwargs)
