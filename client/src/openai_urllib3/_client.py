"""The client: configuration layers, the retry loop, and resource access.

One request takes one path: resource method -> its :class:`RequestSpec` (``_operation``; a custom
request: :meth:`OpenAI.request`) -> :meth:`OpenAI.send` -> retry loop { middleware chain ->
transport } -> parser (``make_parser``) -> typed object, page, stream or raw response.
"""

from __future__ import annotations

import json
import os
import ssl
import time
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence, TypeVar

from ._data_residency import DataResidency, regional_base_url
from ._exceptions import APIConnectionError, APIStatusError, OpenAIError, make_status_error
from ._http import Headers, Request, Response
from ._logging import middleware_from_env
from ._middleware import Middleware, Next, compose
from ._models import json_default
from ._options import RequestOptions, apply_headers, deep_merge
from ._query import encode_query
from ._redact import redact_url
from ._request_spec import RequestSpec
from ._response import APIResponse, ResponseParser, make_parser, streams
from ._retry import DEFAULT_MAX_RETRY_DELAY, RetryPolicy
from ._transport import DEFAULT_MAX_RESPONSE_BYTES, Transport, Urllib3Transport
from ._types import NOT_GIVEN, NotGiven, Omit, Timeout, TimeoutLike, to_timeout
from ._version import __version__
from .resources import ResourcesMixin

if TYPE_CHECKING:
    from ._webhooks import Webhooks

__all__ = ["DEFAULT_TIMEOUT", "OpenAI"]

# One encoder for every request body: json.dumps with options builds a new one per call.
_BODY_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, default=json_default)
_ASCII_BODY_ENCODER = json.JSONEncoder(separators=(",", ":"), default=json_default)

_T = TypeVar("_T")

DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_TIMEOUT = Timeout(600.0, connect=5.0)
USER_AGENT = f"openai-urllib3/{__version__}"

"""Set by ``with_raw_response`` / ``with_streaming_response`` wrappers around one call."""


class _Config:
    """Everything a client copy may change; immutable once built."""

    __slots__ = (
        "admin_api_key",
        "api_key",
        "api_key_provider",
        "base_url",
        "chain",
        "default_headers",
        "default_query",
        "headers",
        "middleware",
        "organization",
        "policy",
        "project",
        "sleep",
        "timeout",
    )

    api_key: str
    """The key sent (with a provider: the one it gave last)."""
    api_key_provider: Callable[[], str] | None
    admin_api_key: str | None
    """The key admin API operations send (``OPENAI_ADMIN_KEY``); ``api_key`` when unset."""
    organization: str | None
    project: str | None
    base_url: str
    timeout: Timeout | None
    policy: RetryPolicy
    default_headers: Mapping[str, str | Omit]
    default_query: Mapping[str, object]
    middleware: tuple[Middleware, ...]
    sleep: Callable[[float], None]
    headers: Headers
    chain: Next


class OpenAI(ResourcesMixin):
    """A client for the OpenAI API; its resources (``client.chat``, ``client.files``, ...) are generated.

    Safe to share across threads. A context manager that closes its connection pool;
    copies made with :meth:`with_options` share that pool.
    """

    def __init__(
        self,
        *,
        api_key: str | Callable[[], str] | None = None,
        admin_api_key: str | None = None,
        organization: str | None = None,
        project: str | None = None,
        base_url: str | None = None,
        data_residency: DataResidency | None = None,
        timeout: TimeoutLike | NotGiven = NOT_GIVEN,
        max_retries: int = 2,
        max_retry_delay: float = DEFAULT_MAX_RETRY_DELAY,
        default_headers: Mapping[str, str | Omit] | None = None,
        default_query: Mapping[str, object] | None = None,
        middleware: Sequence[Middleware] = (),
        proxy: str | NotGiven | None = NOT_GIVEN,
        trust_env: bool = True,
        pool_connections: int = 10,
        pool_maxsize: int = 20,
        pool_block: bool = False,
        ca_certs: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        transport: Transport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        random: Callable[[], float] | None = None,
        clock: Callable[[], float] = time.time,
        webhook_secret: str | None = None,
        websocket_base_url: str | None = None,
    ) -> None:
        """Create a client.

        ``api_key``, ``admin_api_key``, ``base_url``, ``organization`` and ``project`` default to
        the ``OPENAI_API_KEY``, ``OPENAI_ADMIN_KEY``, ``OPENAI_BASE_URL``, ``OPENAI_ORG_ID`` and
        ``OPENAI_PROJECT_ID`` environment variables. The admin API's operations
        (``client.admin.organization...``) send ``admin_api_key`` when there is one, as the
        official SDK does, else ``api_key``; a client may have only one of the two. ``sleep``, ``random`` and ``clock`` drive retry backoff and
        exist so tests never wait. A response body (or one stream event) larger than
        ``max_response_bytes`` (1 GiB; ``None`` for no limit) raises ``ResponseTooLargeError``.
        ``ssl_context`` sets TLS for HTTPS and Realtime sessions (mutual TLS: load a client
        certificate into it; a private CA), in place of ``ca_certs``.
        ``websocket_base_url`` is where Realtime sessions open (default: the base URL, as ``ws(s)://``).
        ``data_residency`` (``"eu"``, ``"us"``, ...) picks the API's regional endpoint instead of a base URL.
        """
        environ = os.environ if trust_env else {}
        self.webhook_secret = webhook_secret or environ.get("OPENAI_WEBHOOK_SECRET")
        self.websocket_base_url = websocket_base_url
        if api_key is None:
            api_key = environ.get("OPENAI_API_KEY")
        if admin_api_key is None:
            admin_api_key = environ.get("OPENAI_ADMIN_KEY") or None
        if not api_key and not admin_api_key:
            raise OpenAIError(
                "No API key: pass api_key=... to OpenAI() or set the OPENAI_API_KEY environment variable "
                "(admin_api_key= or OPENAI_ADMIN_KEY for the admin API)."
            )
        # A callable is asked for the key before every attempt (a token that refreshes), as the
        # official SDK's ``api_key=Callable[[], str]``.
        api_key_provider = api_key if callable(api_key) else None
        api_key = _key_from(api_key_provider) if api_key_provider is not None else (api_key or "")
        if not isinstance(api_key, str):
            raise TypeError(f"api_key must be a str or a function returning one, got {type(api_key).__name__}")
        _check_key(api_key, "api_key")
        _check_key(admin_api_key, "admin_api_key")
        if data_residency is not None:
            base_url = regional_base_url(data_residency, base_url=base_url, websocket_base_url=websocket_base_url)
        if base_url is None:
            base_url = environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL
        if organization is None:
            organization = environ.get("OPENAI_ORG_ID") or None
        if project is None:
            project = environ.get("OPENAI_PROJECT_ID") or None
        self._transport: Transport = transport or Urllib3Transport(
            proxy=proxy,
            trust_env=trust_env,
            pool_connections=pool_connections,
            pool_maxsize=pool_maxsize,
            pool_block=pool_block,
            ca_certs=ca_certs,
            ssl_context=ssl_context,
            max_response_bytes=max_response_bytes,
        )
        env_logging = middleware_from_env(environ.get("OPENAI_LOG"))
        all_middleware = tuple(middleware)
        if env_logging is not None:
            all_middleware = (env_logging, *all_middleware)
        self._config = self._build_config(
            api_key=api_key,
            api_key_provider=api_key_provider,
            admin_api_key=admin_api_key,
            organization=organization,
            project=project,
            base_url=base_url,
            timeout=DEFAULT_TIMEOUT if isinstance(timeout, NotGiven) else to_timeout(timeout),
            policy=RetryPolicy(max_retries, max_retry_delay, random=random, now=clock),
            default_headers=dict(default_headers or {}),
            default_query=dict(default_query or {}),
            middleware=all_middleware,
            sleep=sleep,
        )

    # -- configuration ---------------------------------------------------------------

    def _build_config(self, **values: Any) -> _Config:
        config = _Config()
        for name, value in values.items():
            setattr(config, name, value)
        base_url = config.base_url
        if not isinstance(base_url, str) or "://" not in base_url:
            raise ValueError(f"base_url must be an absolute http(s) URL, got {base_url!r}")
        config.base_url = base_url.rstrip("/")
        headers = Headers({"Accept": "application/json", "Content-Type": "application/json", "User-Agent": USER_AGENT})
        if config.api_key:
            headers.update(self._auth_headers(config.api_key))
        if config.organization:
            headers["OpenAI-Organization"] = config.organization
        if config.project:
            headers["OpenAI-Project"] = config.project
        apply_headers(headers, config.default_headers)
        config.headers = headers
        config.chain = compose(config.middleware, self._transport.handle_request)
        return config

    def _auth_headers(self, api_key: str) -> dict[str, str]:
        """The credential headers (subclasses such as the Azure client send others)."""
        return {"Authorization": f"Bearer {api_key}"}

    @property
    def with_raw_response(self) -> Any:
        """Every call below it returns its :class:`APIResponse` (``client.with_raw_response.models.list()``)."""
        from ._client_views import ResponseModeView

        return ResponseModeView(self, "with_raw_response")

    @property
    def with_streaming_response(self) -> Any:
        """Every call below it returns a context manager over the unread response."""
        from ._client_views import ResponseModeView

        return ResponseModeView(self, "with_streaming_response")

    @property
    def webhooks(self) -> Webhooks:
        """Verify and unwrap webhook deliveries (secret: ``webhook_secret`` or ``OPENAI_WEBHOOK_SECRET``)."""
        from ._webhooks import Webhooks

        return Webhooks(self)

    @property
    def api_key(self) -> str:
        return self._config.api_key

    @property
    def admin_api_key(self) -> str | None:
        return self._config.admin_api_key

    @property
    def organization(self) -> str | None:
        return self._config.organization

    @property
    def project(self) -> str | None:
        return self._config.project

    @property
    def base_url(self) -> str:
        return self._config.base_url

    @property
    def timeout(self) -> Timeout | None:
        return self._config.timeout

    @property
    def max_retries(self) -> int:
        return self._config.policy.max_retries

    @property
    def max_retry_delay(self) -> float:
        return self._config.policy.max_retry_delay

    @property
    def default_headers(self) -> Mapping[str, str]:
        """The headers every request starts from (credentials included; never log them)."""
        return self._config.headers.copy()

    @property
    def transport(self) -> Transport:
        return self._transport

    def with_options(
        self,
        *,
        api_key: str | Callable[[], str] | None = None,
        admin_api_key: str | None = None,
        organization: str | NotGiven | None = NOT_GIVEN,
        project: str | NotGiven | None = NOT_GIVEN,
        base_url: str | None = None,
        data_residency: DataResidency | None = None,
        timeout: TimeoutLike | NotGiven = NOT_GIVEN,
        max_retries: int | None = None,
        max_retry_delay: float | None = None,
        default_headers: Mapping[str, str | Omit] | None = None,
        default_query: Mapping[str, object] | None = None,
        middleware: Sequence[Middleware] | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> OpenAI:
        """A copy with some settings changed, sharing this client's connection pool.

        ``default_headers`` and ``default_query`` are merged over this client's;
        ``middleware`` is appended after this client's.
        """
        old = self._config
        if isinstance(api_key, str):
            _check_key(api_key, "api_key")
        _check_key(admin_api_key, "admin_api_key")
        if data_residency is not None:
            base_url = regional_base_url(data_residency, base_url=base_url, websocket_base_url=None)
        copy = object.__new__(type(self))
        # Private state (the transport, subclass settings) is shared; cached resources are not,
        # since they are bound to the client that made them.
        copy.__dict__.update({k: v for k, v in self.__dict__.items() if (k.startswith("_") and k != "_config") or k in _SETTINGS})
        provider = old.api_key_provider if api_key is None else api_key if callable(api_key) else None
        copy._config = copy._build_config(
            api_key=(old.api_key if api_key is None else api_key) if provider is None else _key_from(provider),
            api_key_provider=provider,
            admin_api_key=old.admin_api_key if admin_api_key is None else admin_api_key,
            organization=old.organization if isinstance(organization, NotGiven) else organization,
            project=old.project if isinstance(project, NotGiven) else project,
            base_url=old.base_url if base_url is None else base_url,
            timeout=old.timeout if isinstance(timeout, NotGiven) else to_timeout(timeout),
            policy=old.policy.replace(max_retries=max_retries, max_retry_delay=max_retry_delay),
            default_headers={**old.default_headers, **(default_headers or {})},
            default_query={**old.default_query, **(default_query or {})},
            middleware=old.middleware + tuple(middleware or ()),
            sleep=old.sleep if sleep is None else sleep,
        )
        if data_residency is not None:
            copy.websocket_base_url = None  # the region's, from its base URL
        return copy

    copy = with_options

    def close(self) -> None:
        """Close the connection pool (shared with copies from :meth:`with_options`)."""
        self._transport.close()

    def __enter__(self: _C) -> _C:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} base_url={redact_url(str(self.base_url))!r}>"

    # -- custom requests -----------------------------------------------------------------

    def get(self, path: str, *, cast_to: Any = dict, query: Mapping[str, Any] | None = None, **options: Any) -> Any:
        """GET ``path`` (relative to ``base_url``, or absolute) with the client's retries and middleware."""
        return self.request("GET", path, query=query, cast_to=cast_to, options=_check_options(options))

    def post(self, path: str, *, cast_to: Any = dict, body: Any = None, query: Mapping[str, Any] | None = None, **options: Any) -> Any:
        return self.request("POST", path, body=body, query=query, cast_to=cast_to, options=_check_options(options))

    def put(self, path: str, *, cast_to: Any = dict, body: Any = None, query: Mapping[str, Any] | None = None, **options: Any) -> Any:
        return self.request("PUT", path, body=body, query=query, cast_to=cast_to, options=_check_options(options))

    def patch(self, path: str, *, cast_to: Any = dict, body: Any = None, query: Mapping[str, Any] | None = None, **options: Any) -> Any:
        return self.request("PATCH", path, body=body, query=query, cast_to=cast_to, options=_check_options(options))

    def delete(self, path: str, *, cast_to: Any = dict, body: Any = None, query: Mapping[str, Any] | None = None, **options: Any) -> Any:
        return self.request("DELETE", path, body=body, query=query, cast_to=cast_to, options=_check_options(options))

    # -- the pipeline ----------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        cast_to: Any,
        body: Any = None,
        query: Mapping[str, Any] | None = None,
        content: bytes | Iterable[bytes] | None = None,
        content_type: str | None = None,
        options: RequestOptions | None = None,
        parser: ResponseParser[Any] | None = None,
        stream: bool | None = None,
        mode: str = "parsed",
    ) -> Any:
        """Send one API call and build its result.

        ``body`` is JSON-encoded (with ``extra_body`` merged over it); ``content`` is sent
        as-is with ``content_type``. ``cast_to`` or ``parser`` says what to build from the
        response; ``mode`` ``"raw"`` (``with_raw_response``) gives the :class:`APIResponse`
        with its body read, ``"stream"`` (``with_streaming_response``) leaves it unread. Unless ``stream`` is true, the body is read
        inside the retry loop, so a connection cut mid-body is retried like any other.
        """
        spec = RequestSpec(method, path, query=query, body=body, content=content, content_type=content_type, options=options)
        return self.send(spec, cast_to=cast_to, parser=parser, stream=stream, mode=mode)

    def send(
        self,
        spec: RequestSpec,
        *,
        cast_to: Any = dict,
        parser: ResponseParser[Any] | None = None,
        stream: bool | None = None,
        mode: str = "parsed",
    ) -> Any:
        """Send a prepared :class:`RequestSpec` (what every call comes to; pages use it to fetch
        the next page). ``stream``: leave the body unread for the parser; by default, when the
        parser streams (``Stream``, ``BinaryResponse``)."""
        if parser is None:
            parser = make_parser(cast_to)
        if stream is None:
            stream = streams(parser)
        request, max_retries, chain = self._build_request(spec)
        start = time.perf_counter()
        preload = not stream and mode != "stream"
        response, retries_taken = self._send_with_retries(request, max_retries, chain, preload, refresh_key=not self._sends_admin_key(spec))
        elapsed = time.perf_counter() - start
        if mode == "parsed" and cast_to is not APIResponse:
            try:
                return parser(response, self, spec)
            except BaseException:
                response.close()
                raise
        raw: APIResponse[Any] = APIResponse(
            response, parser=parser, client=self, spec=spec, retries_taken=retries_taken, elapsed=elapsed
        )
        if mode == "raw" and not stream:
            raw.read()  # like the official SDK; a stream stays unread so parse() can stream it
        return raw

    def _sends_admin_key(self, spec: RequestSpec) -> bool:
        return spec.admin and bool(self._config.admin_api_key)

    def _build_request(self, spec: RequestSpec) -> tuple[Request, int, Next]:
        config = self._config
        options = spec.options
        path = spec.path
        url = path if "://" in path else config.base_url + path
        query: Mapping[str, Any] | None = spec.query
        if config.default_query:
            query = {**config.default_query, **(query or {})}
        extra_query = options.get("extra_query")
        if extra_query:
            query = {**(query or {}), **extra_query}
        if query:
            encoded = encode_query(query)
            if encoded:
                url += ("&" if "?" in url else "?") + encoded
        headers = config.headers.copy()
        if self._sends_admin_key(spec):
            headers["Authorization"] = f"Bearer {config.admin_api_key}"
        elif not config.api_key:
            raise OpenAIError(
                f"No API key for {spec.method} {spec.path}: this client has only an admin_api_key, which the admin API "
                "(client.admin.organization...) sends; pass api_key=... or set OPENAI_API_KEY for the rest."
            )
        extra_body = options.get("extra_body")
        payload: bytes | Iterable[bytes] | None
        content = spec.content
        if content is not None:
            payload = content
            if spec.content_type is not None:
                headers["Content-Type"] = spec.content_type
        elif spec.body is not None or extra_body:
            body = spec.body if spec.body is not None else {}
            if extra_body:
                if not isinstance(body, Mapping):
                    raise TypeError("extra_body can only be merged into a JSON object body")
                body = deep_merge(body, extra_body)
            try:
                payload = _BODY_ENCODER.encode(body).encode("utf-8")
            except UnicodeEncodeError:
                # Text with a lone surrogate has no UTF-8 form; as JSON escapes it is still sent,
                # as the official SDK sends it (the API decides what it means).
                payload = _ASCII_BODY_ENCODER.encode(body).encode("ascii")
        else:
            payload = None
            del headers["Content-Type"]
        idempotency_key = options.get("idempotency_key")
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        extra_headers = options.get("extra_headers")
        if extra_headers:
            apply_headers(headers, extra_headers)
        timeout = config.timeout
        if "timeout" in options:
            timeout = to_timeout(options["timeout"])
        max_retries = options.get("max_retries")
        if max_retries is None:
            max_retries = config.policy.max_retries
        elif isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError(f"max_retries must be a non-negative integer, got {max_retries!r}")
        chain = config.chain
        extra_middleware = options.get("middleware")
        if extra_middleware:
            chain = compose((*config.middleware, *extra_middleware), self._transport.handle_request)
        request = Request(spec.method, url, headers=headers, body=payload, timeout=timeout)
        return request, max_retries, chain

    def _send_with_retries(self, template: Request, max_retries: int, chain: Next, preload: bool, *, refresh_key: bool = True) -> tuple[Response, int]:
        """The retry loop: each attempt is a fresh :class:`Request` through the middleware chain. A
        connection error anywhere in an attempt (sending, or reading the body) is retried the same
        way; a status the policy retries waits as the response asks."""
        config = self._config
        policy = config.policy
        retries_taken = 0
        while True:
            request = self._attempt(template, retries_taken, refresh_key)
            can_retry = retries_taken < max_retries and template.replayable
            try:
                response = chain(request)
                if response.request is None:
                    response.request = request
                status = response.status
                if status < 300:
                    if preload:
                        response.read()
                    return response, retries_taken
                try:
                    body = response.read()
                finally:
                    response.close()
            except APIConnectionError:
                if not can_retry:
                    raise
                config.sleep(policy.backoff(retries_taken))
                retries_taken += 1
                continue
            if status < 400:
                raise APIStatusError(
                    f"Unexpected redirect {status} from {request.method} {redact_url(request.url)} "
                    f"to {redact_url(response.headers.get('location') or '')!r}; redirects are not followed",
                    response=response,
                    body=None,
                )
            if can_retry and policy.should_retry_status(status, response.headers, body):
                delay = policy.delay(retries_taken, response.headers)
                if delay is not None:
                    config.sleep(delay)
                    retries_taken += 1
                    continue
            raise make_status_error(response)

    def _attempt(self, template: Request, retries_taken: int, refresh_key: bool) -> Request:
        """The request of one attempt: the template's, with the attempt's own headers."""
        config = self._config
        if retries_taken:
            request = Request(template.method, template.url, headers=template.headers.copy(), body=template.body, timeout=template.timeout, attempt=retries_taken)
        else:
            request = template
            request.headers = template.headers.copy()
        request.headers["X-Stainless-Retry-Count"] = str(retries_taken)
        if config.api_key_provider is not None and refresh_key:
            request.headers.update(self._refreshed_auth_headers())
        return request

    def _refreshed_auth_headers(self) -> dict[str, str]:
        """The credential headers with a key asked of the ``api_key`` function now (an attempt, a
        Realtime session); the configured key's when there is no function."""
        config = self._config
        if config.api_key_provider is not None:
            config.api_key = _key_from(config.api_key_provider)
        return self._auth_headers(config.api_key) if config.api_key else {}


_C = TypeVar("_C", bound=OpenAI)

# Public settings a copy keeps (other public attributes are cached resources, bound to their client).
_SETTINGS = frozenset({"webhook_secret", "websocket_base_url", "api_version"})


def _check_options(options: Mapping[str, Any]) -> RequestOptions:
    from ._options import OPTION_KEYS

    unknown = set(options) - OPTION_KEYS
    if unknown:
        raise TypeError(f"Unknown request option(s): {', '.join(sorted(unknown))}; expected some of {', '.join(sorted(OPTION_KEYS))}")
    return options  # type: ignore[return-value]


def _key_from(provider: Callable[[], str]) -> str:
    key = provider()
    if not isinstance(key, str) or not key:
        raise OpenAIError(f"The api_key function returned {type(key).__name__ if not isinstance(key, str) else 'an empty string'}, not a key")
    _check_key(key, "The key the api_key function returned")
    return key


def _check_key(key: str | None, what: str) -> None:
    """A key that cannot be a header value is refused here, without quoting it (the HTTP library's
    error would show the whole key)."""
    if key is not None and not isinstance(key, str):
        raise TypeError(f"{what} must be a str, got {type(key).__name__}")
    if key and (not key.isprintable() or key != key.strip()):
        raise OpenAIError(f"{what} has a line break, a control character or spaces around it (the key is not shown); a key read from a file may end with a newline")
