"""The pure part of the server: a request value in, a reply value out. No sockets here.

Routing, authentication, OpenAI-shaped errors and the headers every answer carries.
Handlers are plain functions ``handler(state, request, params) -> Reply``.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence, Union

from .._json import loads as loads_json
from ._routes import api_path

__all__ = ["AppRequest", "HTTPError", "Reply", "Router", "StreamBody", "UnknownObject", "error_reply", "json_reply", "not_found"]


class AppRequest:
    """A parsed request as handlers see it."""

    __slots__ = ("body", "headers", "json_error", "method", "operation", "path", "query", "raw_body", "scripted", "target", "unknown_ids", "validation")

    def __init__(self, method: str, target: str, headers: Mapping[str, str], raw_body: bytes) -> None:
        from urllib.parse import parse_qs, urlsplit

        self.method = method
        self.target = target
        parts = urlsplit(target)
        self.path = api_path(parts.path)  # still percent-encoded: an escaped "/" in an ID must not split it
        self.query: dict[str, list[str]] = parse_qs(parts.query, keep_blank_values=True) if parts.query else {}
        self.headers = headers
        self.raw_body = raw_body
        self.body: Any = None
        self.json_error: str | None = None
        self.scripted: Any = None
        self.operation: dict[str, Any] | None = None
        """The spec's operation for this request, once the server has found it."""
        self.unknown_ids = "faithful"
        """The server's rule for IDs it does not know (``faithful``: as the API, 404; ``permissive``)."""
        self.validation = "strict"
        """The server's check level for this request (``strict``, ``lenient`` or ``off``): handlers
        that check what the spec cannot say relax as the validators do."""
        """A scripted reply the test queued for this request (consumed by the handler), if any."""
        content_type = headers.get("content-type", "")
        if raw_body and ("json" in content_type or not content_type):
            try:
                self.body = parse_json_body(raw_body)
            except UnicodeDecodeError:
                self.json_error = "The body is not valid UTF-8."
            except ValueError as error:
                self.json_error = f"We could not parse the JSON body of your request. ({error})"

    def q(self, name: str) -> str | None:
        """The last value of query parameter ``name``."""
        values = self.query.get(name)
        return values[-1] if values else None

    def q_prefixed(self, name: str) -> dict[str, str]:
        """Deep-object query parameters: ``metadata[k]=v`` -> ``{"k": "v"}``."""
        prefix = name + "["
        return {key[len(prefix) : -1]: values[-1] for key, values in self.query.items() if key.startswith(prefix) and key.endswith("]")}

    def json_object(self) -> dict[str, Any]:
        """The body as a JSON object, or an HTTPError the caller lets propagate."""
        if self.json_error:
            raise HTTPError(error_reply(400, self.json_error, code="invalid_json"))
        if not isinstance(self.body, dict):
            raise HTTPError(
                error_reply(400, "The request body must be a JSON object.", code="invalid_request_body")
            )
        return self.body


def parse_json_body(raw_body: bytes) -> Any:
    """A request body as JSON, as strict as the API: no ``NaN``/``Infinity``, bounded nesting.
    Raises ``ValueError`` (``UnicodeDecodeError`` for bytes that are not UTF-8)."""
    return loads_json(raw_body)


class StreamBody:
    """A reply body of server-sent events, sent one event at a time (chunked) with the server's pacing.

    ``error_event(message, code, type, sequence)`` renders an ``error`` event in this stream's own shape,
    for the ``StreamError`` fault.
    """

    __slots__ = ("cut", "delays", "error_event", "events")

    def __init__(
        self,
        events: Iterator[bytes],
        error_event: Callable[[str, str | None, str, int], bytes],
        *,
        delays: Sequence[float] | None = None,
        cut: bool = False,
    ) -> None:
        self.events = events
        self.error_event = error_event
        self.delays = delays
        """Seconds to wait before each event (a replayed recording's own timing); else the server's pacing."""
        self.cut = cut
        """End by dropping the connection without the final chunk, as a recorded cut stream did."""


class Reply:
    """What to send back: a status, headers and a body (bytes, or a :class:`StreamBody`)."""

    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, headers: Sequence[tuple[str, str]] = (), body: Union[bytes, StreamBody] = b"") -> None:
        self.status = status
        self.headers = list(headers)
        self.body = body

    def __repr__(self) -> str:
        size = f"{len(self.body)} bytes" if isinstance(self.body, bytes) else "streamed"
        return f"<Reply {self.status} {size}>"


class HTTPError(Exception):
    """Raised by handlers to answer with an error reply."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.status)
        self.reply = reply


class InvalidRequest(HTTPError):
    """A 400 for a request the spec does not allow (``problem`` says what is wrong, as the API would)."""

    def __init__(self, reply: Reply, problem: str) -> None:
        super().__init__(reply)
        self.problem = problem


class UnknownObject(HTTPError):
    """A 404 for an ID the server does not know; a permissive server answers with an invented object instead."""


def not_found(kind: str, object_id: str, param: str) -> UnknownObject:
    return UnknownObject(error_reply(404, f"No {kind} found with id '{object_id}'.", param=param, code="not_found"))


def json_reply(obj: Any, status: int = 200, headers: Iterable[tuple[str, str]] = ()) -> Reply:
    body = json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return Reply(status, [("content-type", "application/json"), *headers], body)


def error_reply(
    status: int,
    message: str,
    *,
    type: str = "invalid_request_error",
    param: str | None = None,
    code: str | None = None,
    headers: Iterable[tuple[str, str]] = (),
) -> Reply:
    """An error in the API's own shape: ``{"error": {"message", "type", "param", "code"}}``."""
    return json_reply({"error": {"message": message, "type": type, "param": param, "code": code}}, status, headers)


Handler = Callable[[Any, AppRequest, dict[str, str]], Reply]


class Router:
    """Route templates (``/models/{model}``) to handlers; 404 and 405 in the API's shape."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], str, Handler]] = []
        self._static: dict[str, dict[str, tuple[str, Handler]]] = {}

    def add(self, method: str, template: str, handler: Handler) -> None:
        if "{" not in template:
            self._static.setdefault(template, {})[method] = (f"{method} {template}", handler)
            return
        pattern = re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$")
        self._routes.append((method, pattern, f"{method} {template}", handler))

    def templates(self) -> list[str]:
        names = [name for methods in self._static.values() for name, _ in methods.values()]
        return names + [name for _, _, name, _ in self._routes]

    def resolve(self, method: str, path: str) -> tuple[str, Handler, dict[str, str]] | Reply:
        """The route name, handler and path parameters, or a 404/405 reply."""
        if len(path) > 1 and path.endswith("/"):
            path = path.rstrip("/")
        static = self._static.get(path)
        if static is not None:
            found = static.get(method)
            if found is not None:
                return found[0], found[1], {}
            return _method_not_allowed(method, path, static)
        allowed: dict[str, Any] = {}
        for route_method, pattern, name, handler in self._routes:
            match = pattern.match(path)
            if match is None:
                continue
            if route_method == method:
                from urllib.parse import unquote

                return name, handler, {key: unquote(value) for key, value in match.groupdict().items()}
            allowed[route_method] = True
        if allowed:
            return _method_not_allowed(method, path, allowed)
        return error_reply(404, f"Invalid URL ({method} /v1{path})", code="unknown_url")


def _method_not_allowed(method: str, path: str, allowed: Mapping[str, Any]) -> Reply:
    allow = ", ".join(sorted(allowed))
    return error_reply(
        405,
        f"Invalid method for URL ({method} /v1{path}); this route accepts {allow}.",
        code="method_not_allowed",
        headers=[("allow", allow)],
    )
