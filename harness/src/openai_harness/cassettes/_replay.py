"""Cassettes over the wire: a replay server any client can point at, and a recording proxy.

The replay server answers from a cassette with each stream's events one at a time, at the
recorded pacing (scaled, or as fast as possible by default), cutting a stream where the
recording was cut. The recording proxy forwards to an upstream (the real API with a key, or
the mock server), streams answers back as they arrive, and stores each event with its
arrival offset, scrubbed, after every interaction.
"""

from __future__ import annotations

import pathlib
import threading
import time
from typing import Any, Iterator

import urllib3

from ..server._app import AppRequest, Reply, StreamBody, error_reply
from ..server._faults import Fault
from ..server._loopback import LoopbackServer
from ..server._streaming import _chat_error
from ._format import dump_cassette, load_cassette
from ._match import InteractionIndex, MatchConfig
from ._model import Event, Interaction, RecordedRequest, RecordedResponse
from ._scrub import CassetteSecretError, Scrubber
from ._secrets import find_secrets

__all__ = ["RecordingProxy", "ReplayServer"]

_HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "host", "content-length", "accept-encoding"})


class ReplayServer(LoopbackServer):
    """Serves a cassette over HTTP. Point a client's base URL at :attr:`url` (the cassette's
    paths are kept, so a cassette recorded against ``https://api.openai.com/v1`` answers at
    ``http://127.0.0.1:PORT/v1``)."""

    def __init__(
        self,
        cassette: str | pathlib.Path | list[Interaction],
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        pacing: float | None = None,
        match: MatchConfig | None = None,
    ) -> None:
        super().__init__(host, port)
        interactions = cassette if isinstance(cassette, list) else load_cassette(cassette)
        self.source = "<interactions>" if isinstance(cassette, list) else str(cassette)
        self.index = InteractionIndex(interactions, match)
        self.pacing = pacing
        """Scale for recorded event offsets: ``1.0`` replays the recorded timing, ``None`` as fast as possible."""
        self.misses: list[str] = []
        self.sessions: list[Any] = []
        """The Realtime sessions served (each with the ``misses`` its client caused)."""

    @property
    def url(self) -> str:
        return self.root_url + "/v1"

    def _handle(self, request: AppRequest) -> tuple[Fault | None, Reply]:
        recorded = RecordedRequest(request.method, request.target, list(request.headers.items()), request.raw_body)
        try:
            interaction = self.index.find(recorded)
        except AssertionError as error:  # repeats="error"
            return None, self._miss(str(error))
        if interaction is None:
            return None, self._miss(f"No recorded answer for {request.method} {request.target} in {self.source}.\n{self.index.explain_miss(recorded)}")
        return None, self._reply(interaction.response)

    def _websocket(self, request: AppRequest) -> Reply | tuple[Any, Any, Any]:
        """A recorded Realtime session, served to any client (its events matched as the in-process
        replay matches them; a difference is an ``error`` event and a miss of this server)."""
        from ._live_sessions import ReplayedSession

        recorded = RecordedRequest(request.method, request.target, list(request.headers.items()), b"")
        interaction = self.index.find(recorded)
        if interaction is None or interaction.response.frames is None:
            return self._miss(f"No recorded Realtime session for {request.target} in {self.source}.\n{self.index.explain_miss(recorded)}")
        session = ReplayedSession(interaction.response.frames, self.pacing)
        self.sessions.append(session)
        return session, None, None

    def _miss(self, message: str) -> Reply:
        self.misses.append(message)
        self._record_error(AssertionError(message))
        return error_reply(404, message, type="invalid_request_error", code="cassette_miss", headers=[("x-should-retry", "false")])

    def _reply(self, response: RecordedResponse) -> Reply:
        headers = [(name, value) for name, value in response.headers if name.lower() not in _HOP_BY_HOP and name.lower() != "content-encoding"]
        if response.events is None:
            return Reply(response.status, headers, response.body)
        delays: list[float] | None = None
        if self.pacing:
            delays, previous = [], 0.0
            for event in response.events:
                offset = event.offset_ms if event.offset_ms is not None else previous
                delays.append(max(0.0, offset - previous) / 1000.0 * self.pacing)
                previous = offset
        events = iter([event.to_bytes() for event in response.events])
        return Reply(response.status, headers, StreamBody(events, _chat_error, delays=delays, cut=response.cut))

    def unplayed(self) -> list[Interaction]:
        return self.index.unplayed()


class RecordingProxy(LoopbackServer):
    """Forwards every request to ``upstream`` and records the exchanges into ``cassette``.

    ``upstream`` is the API root (``https://api.openai.com`` or a mock server's ``root_url``);
    request paths are kept. The cassette is written (scrubbed, secret-checked) after every
    interaction, so nothing is lost if the process is stopped.
    """

    def __init__(
        self,
        upstream: str,
        cassette: str | pathlib.Path,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        scrubber: Scrubber | None = None,
        append: bool = False,
        timeout: float = 600.0,
        record_as: str | None = None,
    ) -> None:
        super().__init__(host, port)
        if "://" not in upstream:
            raise ValueError(f"upstream must be an absolute URL such as https://api.openai.com, got {upstream!r}")
        self.upstream = upstream.rstrip("/")
        self.record_as = (record_as or upstream).rstrip("/")
        """The API root written into the cassette (``https://api.openai.com`` keeps diffs free of local ports)."""
        self.cassette = pathlib.Path(cassette)
        self.scrubber = scrubber or Scrubber()
        self.interactions: list[Interaction] = load_cassette(self.cassette) if append and self.cassette.exists() else []
        self._lock = threading.Lock()
        self._pool = urllib3.PoolManager(timeout=urllib3.Timeout(connect=10.0, read=timeout), retries=False)

    @property
    def url(self) -> str:
        return self.root_url + "/v1"

    def stop(self) -> None:
        super().stop()
        self._pool.clear()

    def _upstream_url(self, target: str) -> str | None:
        """The upstream URL for a request target, or ``None`` when the target would lead anywhere
        else (``@host:port/...``, an absolute URL): the proxy only ever reaches its upstream."""
        if not target.startswith("/"):
            return None
        url = self.upstream + target
        if urllib3.util.parse_url(url).netloc != urllib3.util.parse_url(self.upstream).netloc:
            return None
        return url

    def _handle(self, request: AppRequest) -> tuple[Fault | None, Reply]:
        url = self._upstream_url(request.target)
        if url is None:
            return None, error_reply(400, f"The recording proxy forwards paths under its upstream only, got the request target {request.target[:200]!r}.", code="invalid_target", headers=[("x-should-retry", "false")])
        headers = {name: value for name, value in request.headers.items() if name.lower() not in _HOP_BY_HOP}
        recorded_request = RecordedRequest(request.method, self.record_as + request.target, list(headers.items()), request.raw_body)
        try:
            upstream = self._pool.urlopen(
                request.method, url, body=request.raw_body or None, headers=headers, preload_content=False, redirect=False, decode_content=True
            )
        except urllib3.exceptions.HTTPError as error:
            return None, error_reply(502, f"The recording proxy could not reach {self.upstream}: {error}", type="server_error", code="upstream_unreachable")
        response_headers = [(name, value) for name, value in upstream.headers.items() if name.lower() not in _HOP_BY_HOP and name.lower() != "content-encoding"]
        recorded = RecordedResponse(upstream.status, upstream.reason or "", list(upstream.headers.items()))
        if "text/event-stream" in (upstream.headers.get("content-type") or ""):
            recorded.events = []
            body = StreamBody(iter(()), _chat_error)
            body.events = self._relay_events(upstream, recorded, recorded_request, body)
            return None, Reply(upstream.status, response_headers, body)
        try:
            recorded.body = upstream.read()
        except (urllib3.exceptions.HTTPError, OSError):
            recorded.body = b""
        finally:
            upstream.release_conn()
        try:
            self._save(Interaction(recorded_request, recorded))
        except CassetteSecretError as error:
            return None, _refusal(error)
        return None, Reply(upstream.status, response_headers, recorded.body)

    def _websocket(self, request: AppRequest) -> Reply | tuple[Any, Any, Any]:
        """A Realtime session relayed to the upstream and recorded, both directions with their
        arrival offsets (written when it ends, scrubbed and secret-checked like the rest)."""
        from ..server._websocket import UpstreamRefused, connect_upstream
        from ._live_sessions import RelayedSession

        url = self._upstream_url(request.target)
        if url is None:
            return error_reply(400, f"The recording proxy forwards paths under its upstream only, got the request target {request.target[:200]!r}.", code="invalid_target")
        headers = [(name, value) for name, value in request.headers.items() if name.lower() not in _HOP_BY_HOP and not name.lower().startswith("sec-websocket")]
        try:
            sock, ws, pending = connect_upstream("ws" + url[4:], headers)
        except UpstreamRefused as error:  # the status the upstream gave (a wrong key is a 401), for the client to see
            return error_reply(error.status, str(error), code="upstream_refused")
        except (OSError, ConnectionError) as error:
            return error_reply(502, f"The recording proxy could not open the session upstream: {error}", type="server_error", code="upstream_unreachable")
        recorded_request = RecordedRequest("GET", self.record_as + request.target, headers, b"")

        def on_end(frames: list[Any], clean: bool) -> None:
            try:
                self._save(Interaction(recorded_request, RecordedResponse(101, "Switching Protocols", [], frames=frames, cut=not clean)))
            except CassetteSecretError:
                pass  # kept by _save for check()

        return RelayedSession(sock, ws, pending, on_end), None, None

    def _relay_events(self, upstream: Any, recorded: RecordedResponse, request: RecordedRequest, body: StreamBody) -> Iterator[bytes]:
        from openai_urllib3 import SSEDecoder

        decoder = SSEDecoder()
        started = time.perf_counter()
        assert recorded.events is not None
        relayed = False
        done: Event | None = None
        try:
            while True:
                try:
                    chunk = upstream.read1(65536)
                except (urllib3.exceptions.HTTPError, OSError):
                    recorded.cut = True
                    break
                if not chunk:
                    break
                offset = (time.perf_counter() - started) * 1000.0
                for sse in decoder.feed(chunk):
                    event = Event(sse.data, sse.event, sse.id, offset)
                    recorded.events.append(event)
                    if event.data == "[DONE]":
                        done = event  # held back: a refusal has to reach the client before it
                    else:
                        yield event.to_bytes()
            relayed = True
        finally:
            upstream.release_conn()
            if not relayed:  # the client went away mid-stream: what arrived is still recorded
                try:
                    self._save(Interaction(request, recorded))
                except CassetteSecretError:
                    pass  # kept by _save for check()
        try:
            self._save(Interaction(request, recorded))
        except CassetteSecretError as error:
            # The head is sent: the refusal is the stream's last event, an ``error`` event that
            # the SDKs raise as an API error (and do not retry), on a stream that ends cleanly.
            yield Event(_refusal_body(error), "error").to_bytes()
            return
        if done is not None:
            yield done.to_bytes()
        body.cut = recorded.cut  # the client's stream is cut where the upstream's was

    def _save(self, interaction: Interaction) -> None:
        scrubbed = self.scrubber.scrub(interaction)
        with self._lock:
            self.interactions.append(scrubbed)
            from ._format import dumps_cassette

            secrets = find_secrets(dumps_cassette(self.interactions))
            if secrets:
                self.interactions.pop()
                error = CassetteSecretError(f"Refusing to write {self.cassette}: credentials survived scrubbing: {'; '.join(secrets)}")
                self._record_error(error)
                raise error
            dump_cassette(self.cassette, self.interactions)


def _refusal_body(error: CassetteSecretError) -> str:
    import json

    return json.dumps({"error": {"message": str(error), "type": "harness_error", "param": None, "code": "cassette_write_refused"}})


def _refusal(error: CassetteSecretError) -> Reply:
    """The upstream answered but its exchange cannot be stored: an HTTP error that names why
    (never the secret) and tells clients not to retry, so the request is not sent upstream again."""
    return error_reply(500, str(error), type="harness_error", code="cassette_write_refused", headers=[("x-should-retry", "false")])
