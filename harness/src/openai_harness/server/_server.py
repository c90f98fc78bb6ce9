"""``MockServer``: the OpenAI API on loopback, in a background thread, with faults and a journal."""

from __future__ import annotations

import json
import pathlib
import threading
import time
from typing import Any, Iterable, Mapping, Sequence

from ._app import AppRequest, HTTPError, InvalidRequest, Reply, Router, UnknownObject, error_reply, json_reply
from ._faults import Delay, Empty, Fault, Garbage, Hang, Reset, Status
from ._journal import Journal, JournalEntry
from ._limits import ServerLimits
from ._loopback import LoopbackServer
from ._replies import RawReply, ReplyFunction, ScriptedReply, raw_reply
from ._routes import azure_api_path
from ._schedule import FaultSchedule
from ._state import State, clock_seconds

__all__ = ["MockServer"]

CONTROL_PREFIX = "/__harness"

# Emulated answers already shaped exactly like the spec (the hot path skips the null pruning).
_CONFORMING = frozenset({"POST /chat/completions", "POST /completions", "GET /models", "GET /models/{model}"})

_RATE_LIMIT_HEADERS = (
    ("x-ratelimit-limit-requests", "10000"),
    ("x-ratelimit-limit-tokens", "30000000"),
    ("x-ratelimit-remaining-requests", "9999"),
    ("x-ratelimit-remaining-tokens", "29999000"),
    ("x-ratelimit-reset-requests", "6ms"),
    ("x-ratelimit-reset-tokens", "2ms"),
)


def default_router() -> Router:
    from . import (
        _assistants_api,
        _batches_api,
        _chat_api,
        _completions_api,
        _conversations_api,
        _embeddings_api,
        _files_api,
        _fine_tuning_api,
        _media_api,
        _models_api,
        _responses_api,
        _runs_api,
        _vector_stores_api,
        _videos_api,
    )

    router = Router()
    for module in (
        _models_api,
        _chat_api,
        _completions_api,
        _responses_api,
        _conversations_api,
        _files_api,
        _batches_api,
        _fine_tuning_api,
        _vector_stores_api,
        _embeddings_api,
        _media_api,
        _videos_api,
        _assistants_api,
        _runs_api,
    ):
        module.register(router)
    return router


class MockServer(LoopbackServer):
    """A loopback HTTP server that answers like the OpenAI API.

    Use as a context manager (or :meth:`start` / :meth:`stop`). Point any client's base URL
    at :attr:`url`. Schedule faults with :meth:`fault`, script replies with :meth:`script`,
    read what arrived in :attr:`journal`, and call :meth:`check` to re-raise any error the
    server hit while handling requests.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        require_key: str | None = None,
        control_token: str | None = None,
        seed: int = 0,
        max_body_bytes: int | None = None,
        max_header_bytes: int | None = None,
        stream_pacing: tuple[float, float] = (0.0, 0.0),
        validation: str = "strict",
        unknown_ids: str = "faithful",
        limits: ServerLimits | None = None,
    ) -> None:
        if validation not in ("strict", "lenient", "off"):
            raise ValueError(f"validation must be 'strict', 'lenient' or 'off', got {validation!r}")
        if unknown_ids not in ("faithful", "permissive"):
            raise ValueError(f"unknown_ids must be 'faithful' or 'permissive', got {unknown_ids!r}")
        self.validation = validation
        """``strict`` (the API's checks, unknown arguments refused), ``lenient`` (unknown arguments allowed) or ``off``."""
        self.unknown_ids = unknown_ids
        """``faithful``: an unknown ID is a 404, as in the API; ``permissive``: an invented, schema-valid object."""
        self._default_checks = (validation, unknown_ids)
        self.seed = seed
        super().__init__(host, port, max_body_bytes=max_body_bytes, max_header_bytes=max_header_bytes, stream_pacing=stream_pacing, limits=limits)
        self.require_key = require_key
        self.control_token = control_token if control_token is not None else require_key
        """What the control API needs (``Authorization: Bearer`` or ``X-Harness-Token``); by default the
        ``require_key``, so a server that needs a key never leaves its control open."""
        self._default_pacing = stream_pacing
        self.state = State(seed)
        self.state.dispatch = self._dispatch_internal  # type: ignore[attr-defined]
        self.journal = Journal(self.limits.journal_max_bytes, self.limits.journal_max_entries)
        self.faults = FaultSchedule()
        self.router = default_router()
        self._realtime_lock = threading.Lock()
        self.realtime_sessions: list[Any] = []
        """Every Realtime session opened (``.items``, ``.session``, ``.log.frames``: both directions)."""

    # -- test-facing API ----------------------------------------------------------------------

    def reset(self) -> None:
        """Forget state, journal, faults, scripts, pacing and check-level changes and recorded errors
        (microseconds)."""
        self.stream_pacing = self._default_pacing
        self.validation, self.unknown_ids = self._default_checks
        self.state.reset()
        self.journal.clear()
        self.faults.clear()
        self.clear_errors()
        with self._realtime_lock:
            self.realtime_sessions.clear()

    def fault(self, route: str, *faults: Fault, times: int = 1, at: Iterable[int] | None = None, retry_count: int | None = None) -> None:
        """Schedule faults for ``route``; see :meth:`FaultSchedule.add`.

        ``server.fault("POST /chat/completions", Status(429), times=2)``: 429 twice, then normal.
        """
        self.faults.add(route, *faults, times=times, at=at, retry_count=retry_count)

    def random_faults(self, seed: int, rate: float, faults: Sequence[Fault], route: str = "*") -> None:
        """Reproducible random faults: each matching request fails with probability ``rate``."""
        self.faults.add_random(seed, rate, faults, route)

    def script(self, route: str, *replies: ScriptedReply | ReplyFunction) -> None:
        """Queue replies for ``route`` (``ChatReply``, ``RawReply`` or a JSON dict), or one function
        of the request body returning a reply."""
        self.state.script(route, *replies)

    def set_pacing(self, first_event: float = 0.0, between_events: float = 0.0) -> None:
        """Pace streamed answers: wait ``first_event`` seconds before the first event, then
        ``between_events`` between events. Deterministic: no randomness, until the next reset."""
        if first_event < 0 or between_events < 0:
            raise ValueError("Pacing delays must be non-negative seconds")
        self.stream_pacing = (float(first_event), float(between_events))

    def held_path_params(self, route: str) -> list[dict[str, str]]:
        """For a route template (``"GET /containers/{container_id}/files/{file_id}"`` or its path),
        the path parameters naming objects the server holds now, one dict per object (what
        ``strategies.params_for(..., server=server)`` draws from)."""
        from ._resource_store import held_path_params
        from ._spec import spec_index

        path = route.split(" ", 1)[-1].strip()
        return held_path_params(self.state, spec_index(), path)

    def advance(self, seconds: float) -> None:
        """Move the server's clock forward (batches, fine-tuning jobs, vector store files and
        background responses progress with it)."""
        self.state.advance(seconds)

    def set_clock_step(self, seconds: float) -> None:
        """Move the clock forward by ``seconds`` with every request, so polling code sees progress."""
        self.state.clock_step = clock_seconds(seconds, "The clock step")

    def export_state(self) -> dict[str, Any]:
        """A JSON-able snapshot of everything the server holds; :meth:`load_state` restores it."""
        from ._snapshot import export_state

        return export_state(self.state)

    def load_state(self, source: dict[str, Any] | str | pathlib.Path) -> None:
        """Restore an export, or seed from a short description (a dict, or a JSON or YAML file)."""
        from ._snapshot import load_state

        load_state(self.state, source)

    # -- request handling (called from connection threads) -------------------------------------

    def _handle(self, request: AppRequest) -> tuple[Fault | None, Reply]:
        started = time.perf_counter()
        if request.path.startswith(CONTROL_PREFIX):
            from ._control import handle_control
            from ._control_guard import check_control

            refusal = check_control(request, self.control_token)
            if refusal is not None:
                return None, refusal
            try:
                return None, handle_control(self, request)
            except HTTPError as error:
                return None, error.reply
            except Exception as error:  # an answer, never a dropped connection; check() re-raises it
                self._record_error(error)
                return None, error_reply(500, f"The harness control API failed: {type(error).__name__}: {error}", type="server_error", code="harness_error")
        if self.state.clock_step:
            self.state.step_clock()
        seq = self.journal.next_seq()
        entry = JournalEntry(
            seq=seq,
            method=request.method,
            target=request.target,
            path=request.path,
            query=request.query,
            headers=request.headers,
            body=request.body,
            raw_body=request.raw_body,
            time=time.time(),
        )
        self.journal.add(entry)
        fault = self.faults.pick(request.method, request.path, entry.retry_count)
        if isinstance(fault, Status):
            reply = _status_reply(fault)
            entry.fault = repr(fault)
        else:
            reply = self._dispatch(request, entry)
            if fault is not None:
                entry.fault = repr(fault)
        # A fault that stops the status line from being sent leaves the entry without a status.
        no_status = isinstance(fault, (Hang, Garbage, Empty)) or (isinstance(fault, Reset) and fault.when == "before_status")
        entry.status = None if no_status else reply.status
        if isinstance(reply.body, bytes) and any(name == "content-type" and "json" in value for name, value in reply.headers):
            entry.response_body = reply.body
            self.journal.settle(entry)
        elapsed_ms = int((time.perf_counter() - started) * 1000)
        reply.headers.append(("x-request-id", f"req_{seq:032x}"))
        reply.headers.append(("openai-processing-ms", str(elapsed_ms)))
        reply.headers.extend(_RATE_LIMIT_HEADERS)
        return fault, reply

    def _dispatch_internal(self, method: str, url: str, body: Any) -> tuple[int, Any]:
        """Answer a request made by the server itself (a batch line), as a client request would be."""
        import json as _json

        target = url if url.startswith("/v1/") else "/v1" + url
        raw = _json.dumps(body).encode() if body is not None else b""
        request = AppRequest(method, target, {"content-type": "application/json"}, raw)
        entry = JournalEntry(seq=0, method=method, target=target, path=request.path, query={}, headers={}, body=body, raw_body=raw, time=time.time())
        reply = self._dispatch(request, entry)
        payload = reply.body if isinstance(reply.body, bytes) else b""
        try:
            return reply.status, _json.loads(payload) if payload else None
        except ValueError:
            return reply.status, payload.decode("utf-8", "replace")

    def _dispatch(self, request: AppRequest, entry: JournalEntry) -> Reply:
        auth = self._check_auth(request)
        if auth is not None:
            return auth
        try:
            # A raw scripted reply answers any route, emulated or not.
            scripted = self.state.next_scripted(request.method, request.path, request.body)
            if isinstance(scripted, (RawReply, Mapping)):
                entry.scripted = True
                return raw_reply(scripted)
            return self._answer(request, entry, scripted)
        except HTTPError as error:
            return error.reply
        except Exception as error:
            self._record_error(error)
            return error_reply(500, f"The harness server failed: {type(error).__name__}: {error}", type="server_error", code="harness_error")

    def _answer(self, request: AppRequest, entry: JournalEntry, scripted: Any) -> Reply:
        from ._spec import spec_index

        spec = spec_index()
        # Azure OpenAI's paths (what AzureOpenAI clients send) are the API's under /openai, the
        # deployment in the path naming the model; they are answered as the API's own.
        path, deployment = azure_api_path(request.path)
        if deployment is not None and isinstance(request.body, dict):
            request.body.setdefault("model", deployment)
        found = spec.find(request.method, path, beta=request.q("beta") == "true")
        operation, path_params = found if isinstance(found, tuple) else (None, {})
        resolved = self.router.resolve(request.method, path)
        if isinstance(resolved, Reply) and operation is None:
            if scripted is not None:
                raise TypeError(f"A {type(scripted).__name__} was scripted for {request.method} {request.path}, which the server does not know")
            return resolved  # 404 or 405, in the API's shape
        request.operation = operation
        if operation is not None:
            entry.route = entry.route or operation["key"]
            if self.validation != "off":
                try:
                    spec.validate_request(operation, request, unknown_fields=self.validation == "strict")
                except InvalidRequest as refused:
                    entry.invalid = refused.problem
                    raise
        if isinstance(resolved, Reply):
            assert operation is not None
            if operation.get("stream_schema") and _asks_to_stream(request):
                return spec.generic_stream_reply(operation, self.seed)
            # An operation without a handler of its own: stateful when it belongs to a resource
            # family the spec describes (create, list, retrieve, update, delete), else the example.
            from ._resource_store import stored_reply

            request.unknown_ids = self.unknown_ids
            try:
                stored = stored_reply(self.state, spec, operation, path_params, request, self.seed)
            except UnknownObject:
                if self.unknown_ids != "permissive":
                    raise
                stored = None
            return stored if stored is not None else spec.generic_reply(operation, path_params, self.seed)
        name, handler, params = resolved
        entry.route = name
        if request.json_error and request.method in ("POST", "PUT", "PATCH"):
            return error_reply(400, request.json_error, code="invalid_json")
        request.scripted = scripted
        request.validation = self.validation
        request.unknown_ids = self.unknown_ids
        try:
            reply = handler(self.state, request, params)
        except UnknownObject:
            if self.unknown_ids == "permissive" and operation is not None:
                if operation.get("stream_schema") and _asks_to_stream(request):
                    return spec.generic_stream_reply(operation, self.seed)
                return spec.generic_reply(operation, path_params, self.seed)
            raise
        is_json = any(name == "content-type" and value.startswith("application/json") for name, value in reply.headers)
        if operation is not None and operation["key"] not in _CONFORMING and 200 <= reply.status < 300 and is_json and isinstance(reply.body, bytes):
            # Fields the server keeps as null but the spec leaves out when unset are left out.
            data = json.loads(reply.body)
            if operation["response"].get("schema") is not None:
                spec.prune(data, operation["response"]["schema"])
            reply.body = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        return reply

    def _websocket(self, request: AppRequest) -> Reply | tuple[Any, Any, Any]:
        """``GET /v1/realtime?model=...`` upgraded: a Realtime session (``_realtime``), journaled as
        the request that opened it; its frames both ways are in :attr:`realtime_sessions`."""
        from ._realtime import ROUTE, RealtimeSession
        from ._routes import api_path
        from ._websocket import _Log

        path = api_path(request.path)
        if path.rstrip("/") not in (ROUTE, "/openai" + ROUTE):  # the API's, and Azure's
            return error_reply(404, f"Invalid URL (WebSocket {request.path}): Realtime sessions open at /v1{ROUTE}.", code="unknown_url")
        entry = JournalEntry(seq=self.journal.next_seq(), method=request.method, target=request.target, path=request.path, query=request.query, headers=request.headers, body=None, raw_body=b"", time=time.time())
        entry.route = "GET " + ROUTE
        self.journal.add(entry)
        auth = self._check_auth(request)
        if auth is not None:
            entry.status = auth.status
            return auth
        model = request.q("model") or request.q("deployment")  # Azure names the deployment
        if not model:
            entry.status = 400
            return error_reply(400, "Missing required parameter: 'model'.", param="model", code="missing_required_parameter")
        fault = self.faults.pick(request.method, request.path, None)
        if fault is not None:
            entry.fault = repr(fault)
        if isinstance(fault, Status):
            entry.status = fault.status
            return _status_reply(fault)
        if isinstance(fault, Delay):
            self._stop_event.wait(fault.seconds)
            fault = None
        entry.status = 101
        session = RealtimeSession(
            self.state,
            model,
            validate=self._realtime_problem,
            next_reply=lambda body: self.state.next_scripted("GET", ROUTE, body),
            max_audio_bytes=self.limits.max_body_bytes,
        )
        log = _Log()
        session.log = log  # type: ignore[attr-defined]
        with self._realtime_lock:
            self.realtime_sessions.append(session)
            # As the journal keeps its newest entries: a long-running server keeps its newest sessions.
            del self.realtime_sessions[: -self.limits.journal_max_entries]
        return session, log, fault

    def _realtime_problem(self, event: dict[str, Any]) -> str | None:
        """What is wrong with a client event, by the spec's schema for its type (``None``: nothing)."""
        if self.validation == "off":
            return None
        from ._spec import spec_index
        from ._validate import ValidationProblem, validate

        spec = spec_index()
        union = spec.deref({"$ref": "#/components/schemas/RealtimeClientEvent"})
        for variant in union.get("anyOf") or union.get("oneOf") or []:
            schema = spec.deref(variant)
            kinds = spec.deref((schema.get("properties") or {}).get("type") or {}).get("enum") or []
            if event.get("type") in kinds:
                try:
                    validate(event, variant, spec.resolve_ref, unknown_fields=self.validation == "strict")
                except ValidationProblem as problem:
                    return f"Invalid '{problem.param}': {problem.message}" if problem.param else problem.message
                return None
        return None

    def _check_auth(self, request: AppRequest) -> Reply | None:
        if self.require_key is None:
            return None
        header = request.headers.get("authorization", "")
        key = header[7:] if header.lower().startswith("bearer ") else request.headers.get("api-key", "")
        if not key:
            return error_reply(
                401,
                "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
                code=None,
            )
        if key != self.require_key:
            masked = (key[:3] + "*" * 4 + key[-4:]) if len(key) > 8 else "****"
            return error_reply(401, f"Incorrect API key provided: {masked}.", code="invalid_api_key")
        return None



def _status_reply(fault: Status) -> Reply:
    body = fault.error_body()
    headers = list(fault.headers.items())
    if isinstance(body, (bytes, bytearray)):
        return Reply(fault.status, headers, bytes(body))
    if isinstance(body, str):
        return Reply(fault.status, [("content-type", "text/plain; charset=utf-8"), *headers], body.encode("utf-8"))
    return json_reply(body, fault.status, headers)


def describe(server: MockServer) -> dict[str, Any]:
    return {"url": server.url, "routes": server.router.templates(), "faults": server.faults.describe()}


def _asks_to_stream(request: AppRequest) -> bool:
    """``stream: true`` in a JSON body, or ``?stream=true``."""
    return request.q("stream") == "true" or (isinstance(request.body, dict) and request.body.get("stream") is True)
