"""The only module that touches urllib3.

urllib3 is always called with ``retries=False, redirect=False, preload_content=False``:
retry and redirect policy are the client's, and bodies are read lazily. Every urllib3
and socket error, while connecting or while a body is being read, is translated here
into :class:`APIConnectionError` or :class:`APITimeoutError`.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import ssl
import time
from typing import Any, Iterator, Mapping, Protocol

import urllib3
from urllib3.exceptions import EmptyPoolError as _EmptyPoolError
from urllib3.exceptions import HTTPError as _Urllib3Error
from urllib3.exceptions import NewConnectionError as _NewConnectionError
from urllib3.exceptions import TimeoutError as _Urllib3Timeout

from ._exceptions import APIConnectionError, APITimeoutError, ResponseTooLargeError
from ._http import Headers, Request, Response
from ._pool_ledger import PoolLedger
from ._proxy import proxy_for
from ._redact import SENSITIVE_HEADERS
from ._types import NOT_GIVEN, NotGiven, Timeout

__all__ = ["Transport", "Urllib3Transport"]

_READ_SIZE = 65536
# Generous: far above any answer the API gives (a file download included), far below what ends a
# process when a body never stops or a small gzip inflates without end.
DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024 * 1024
_LOW_LEVEL_ERRORS = (_Urllib3Error, OSError, ssl.SSLError, http.client.HTTPException)


class Transport(Protocol):
    """What the client needs from the network: one attempt in, one response out."""

    def handle_request(self, request: Request) -> Response: ...

    def close(self) -> None: ...


def _bad_header_message(headers: Mapping[str, str]) -> str:
    for name, value in headers.items():
        if not _HEADER_NAME.fullmatch(name):
            return f"Header name {name!r} is not a valid HTTP header name"
        if _BAD_HEADER_VALUE.search(str(value)):
            if name.lower() in SENSITIVE_HEADERS:
                return f"Header {name!r} holds a line break or another control character (its value is not shown); a key read from a file may end with a newline"
            return f"Header {name!r} holds a line break or another control character: {value!r}"
    return "A request header is not valid HTTP"


_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_BAD_HEADER_VALUE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def _translate(error: BaseException, request: Request) -> APIConnectionError:
    # NewConnectionError subclasses ConnectTimeoutError for historical reasons, but a
    # refused or unresolvable connection is not a timeout.
    if isinstance(error, (_Urllib3Timeout, socket.timeout, TimeoutError)) and not isinstance(error, _NewConnectionError):
        return APITimeoutError(request)
    detail = str(error) or type(error).__name__
    return APIConnectionError(f"Connection error: {detail}", request=request)


class Urllib3Response(Response):
    """A response whose body comes from a urllib3 response, read lazily and released once."""

    __slots__ = ("_on_release", "_raw", "deadline")

    def __init__(self, raw: Any, request: Request, max_bytes: int | None = None) -> None:
        super().__init__(raw.status, raw.headers, request=request)
        self._content = None
        self._raw = raw
        self._on_release: Any = None
        """Called once when the connection goes back (set by a blocking pool's bookkeeping)."""
        self.max_bytes = max_bytes
        self.deadline: float | None = None
        """When the attempt must be over, body included (``Timeout(total=...)``), on ``time.monotonic()``."""

    def _check_deadline(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            self._discard()
            raise APITimeoutError(self._req())

    def read(self) -> bytes:
        if self._content is None:
            if self._closed:
                raise APIConnectionError("The response body was closed before it was read.", request=self._req())
            try:
                self._content = self._read_bounded()
            except _LOW_LEVEL_ERRORS as error:
                self._discard()
                raise _translate(error, self._req()) from error
            self._check_complete(len(self._content))
            self._release()
        return self._content

    def _read_bounded(self) -> bytes:
        limit = self.max_bytes
        headers = self.headers
        length = headers.get("content-length")
        deadline = self.deadline
        if deadline is None and (limit is None or (length and length.isdigit() and int(length) <= limit and not headers.get("content-encoding"))):
            return bytes(self._raw.read())  # the length is known and allowed: urllib3 reads exactly that
        if limit is not None and length and length.isdigit() and int(length) > limit and not headers.get("content-encoding"):
            self._discard()
            raise ResponseTooLargeError(self._req(), limit)
        # Unknown length (chunked) or compressed: read in pieces, decompressed piece by piece, so
        # an endless body or a bomb stops at the limit instead of exhausting memory.
        parts: list[bytes] = []
        total = 0
        read = self._raw.read1 if deadline is not None and hasattr(self._raw, "read1") else self._raw.read
        while True:
            chunk = read(_READ_SIZE)
            if not chunk:
                return b"".join(parts)
            total += len(chunk)
            if limit is not None and total > limit:
                self._discard()
                raise ResponseTooLargeError(self._req(), limit)
            parts.append(chunk)
            if deadline is not None:
                self._check_deadline()

    def _check_complete(self, received: int) -> None:
        # urllib3 enforces Content-Length itself; a stand-in response object (a recording
        # library's, say) may not, so a body that ends short is caught here too.
        expected = self.headers.get("content-length")
        if expected and expected.isdigit() and not self.headers.get("content-encoding") and received < int(expected):
            self._discard()
            raise APIConnectionError(f"Connection broken: the body ended {int(expected) - received} byte(s) short of its Content-Length", request=self._req())

    def _iter_raw(self, chunk_size: int | None) -> Iterator[bytes]:
        """Bytes as soon as they arrive (``read1``), so streamed events are not held back."""
        if self._closed:
            raise APIConnectionError("The response body was closed before it was read.", request=self._req())
        raw = self._raw
        size = chunk_size or _READ_SIZE
        received = 0
        try:
            while True:
                chunk = raw.read1(size)
                if not chunk:
                    break
                received += len(chunk)
                if self.deadline is not None:
                    self._check_deadline()
                yield chunk
        except _LOW_LEVEL_ERRORS as error:
            self._discard()
            raise _translate(error, self._req()) from error
        except GeneratorExit:
            self._discard()
            raise
        self._check_complete(received)
        self._release()

    def _req(self) -> Request:
        assert self.request is not None
        return self.request

    def _release(self) -> None:
        if not self._closed:
            self._closed = True
            _release_conn(self._raw)
            self._released()

    def _discard(self) -> None:
        """Close the connection (it may hold unread bytes) and give its pool slot back."""
        if not self._closed:
            self._closed = True
            try:
                self._raw.close()
            finally:
                _release_conn(self._raw)
                self._released()

    def _released(self) -> None:
        on_release, self._on_release = self._on_release, None
        if on_release is not None:
            on_release()

    def close(self) -> None:
        if self._closed:
            return
        if self._content is None and getattr(self._raw, "length_remaining", None) == 0:
            self._release()
        else:
            self._discard()


def _release_conn(raw: Any) -> None:
    # A stand-in response (vcrpy 7's, replaying a cassette) may have no connection to give back.
    release = getattr(raw, "release_conn", None)
    if release is not None:
        release()


class Urllib3Transport:
    """Sends requests with one urllib3 ``PoolManager`` (and a ``ProxyManager`` per proxy)."""

    def __init__(
        self,
        *,
        proxy: str | NotGiven | None = NOT_GIVEN,
        trust_env: bool = True,
        pool_connections: int = 10,
        pool_maxsize: int = 20,
        pool_block: bool = False,
        ca_certs: str | None = None,
        cert_file: str | None = None,
        key_file: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        environ: Mapping[str, str] | None = None,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        if pool_maxsize < 1 or pool_connections < 1:
            raise ValueError("pool_maxsize and pool_connections must be at least 1")
        if max_response_bytes is not None and (not isinstance(max_response_bytes, int) or max_response_bytes < 1):
            raise ValueError(f"max_response_bytes must be a positive int or None, got {max_response_bytes!r}")
        self.max_response_bytes = max_response_bytes
        self.ca_certs = ca_certs
        """The CA bundle HTTPS (and a Realtime session's TLS) trusts; ``None``: the system's."""
        self.ssl_context = ssl_context
        """The TLS settings HTTPS and Realtime sessions use, when given (a client certificate for
        mutual TLS, a private CA, a minimum version); it takes the place of ``ca_certs``."""
        self._pool_kwargs: dict[str, Any] = {
            "num_pools": pool_connections,
            "maxsize": pool_maxsize,
            "block": pool_block,
        }
        self._pool_maxsize = pool_maxsize
        self._ledger = PoolLedger() if pool_block else None
        self._overflow: dict[str | None, urllib3.PoolManager] = {}
        if ca_certs is not None:
            self._pool_kwargs["ca_certs"] = ca_certs
        if cert_file is not None:
            self._pool_kwargs["cert_file"] = cert_file
            self._pool_kwargs["key_file"] = key_file
        if ssl_context is not None:
            if not isinstance(ssl_context, ssl.SSLContext):
                raise TypeError(f"ssl_context must be an ssl.SSLContext, got {type(ssl_context).__name__}")
            self._pool_kwargs["ssl_context"] = ssl_context
        self._direct = urllib3.PoolManager(**self._pool_kwargs)
        self._explicit_proxy = proxy
        self._environ = environ if environ is not None else (os.environ if trust_env else {})
        self._proxies: dict[str, urllib3.ProxyManager] = {}
        self._route_cache: dict[str, urllib3.PoolManager] = {}
        self._timeouts: dict[Timeout | None, urllib3.Timeout] = {}

    @staticmethod
    def _origin(url: str) -> str:
        origin = url.split("/", 3)[2] if url.count("/") >= 2 else url
        return url[: url.find(":")] + "://" + origin

    def _manager_for(self, url: str) -> urllib3.PoolManager:
        key = self._origin(url)
        manager = self._route_cache.get(key)
        if manager is None:
            if isinstance(self._explicit_proxy, NotGiven):
                proxy_url = proxy_for(url, self._environ)
            else:
                proxy_url = self._explicit_proxy
            if proxy_url is None:
                manager = self._direct
            else:
                manager = self._proxies.get(proxy_url)
                if manager is None:
                    manager = urllib3.ProxyManager(proxy_url, **self._pool_kwargs)
                    self._proxies[proxy_url] = manager
            self._route_cache[key] = manager
        return manager

    def proxy_url_for(self, url: str) -> str | None:
        """The proxy that requests to ``url`` go through, if any."""
        manager = self._manager_for(url)
        return manager.proxy.url if isinstance(manager, urllib3.ProxyManager) and manager.proxy else None

    def handle_request(self, request: Request) -> Response:
        timeout = request.timeout
        urllib3_timeout = self._timeouts.get(timeout)
        if urllib3_timeout is None:
            if timeout is None:
                urllib3_timeout = urllib3.Timeout(connect=None, read=None)
            else:
                urllib3_timeout = urllib3.Timeout(connect=timeout.connect, read=timeout.read, total=timeout.total)
            if len(self._timeouts) < 64:
                self._timeouts[timeout] = urllib3_timeout
        started = time.monotonic()
        body = request.body
        headers = request.headers.as_dict() if isinstance(request.headers, Headers) else dict(request.headers.items())
        # An iterable body is sent as it is produced: with its length when known, else chunked.
        chunked = body is not None and not isinstance(body, (bytes, bytearray)) and not any(name.lower() == "content-length" for name in headers)
        send: dict[str, Any] = {
            "body": body,
            "headers": headers,
            "chunked": chunked,
            "retries": False,
            "redirect": False,
            "preload_content": False,
            "decode_content": True,
            "timeout": urllib3_timeout,
        }
        manager = self._manager_for(request.url)
        try:
            if self._ledger is None:
                raw = manager.urlopen(request.method, request.url, **send)
            else:
                raw, counted = self._open_blocking(manager, request, send)
        except _LOW_LEVEL_ERRORS as error:
            raise _translate(error, request) from error
        except ValueError as error:
            if "header" not in str(error).lower():
                raise
            # http.client's message quotes the value, which may be a credential.
            raise ValueError(_bad_header_message(headers)) from None
        response = Urllib3Response(raw, request, self.max_response_bytes)
        if self._ledger is not None and counted:
            response._on_release = self._ledger.take(self._origin(request.url))
        if timeout is not None and timeout.total is not None:
            response.deadline = started + timeout.total
        return response

    def _open_blocking(self, manager: urllib3.PoolManager, request: Request, send: dict[str, Any]) -> tuple[Any, bool]:
        """Open with ``pool_block=True``: a free connection at once, else wait for one unless only
        this thread could give one back. Returns the response and whether it holds a pooled slot."""
        assert self._ledger is not None
        try:
            return manager.urlopen(request.method, request.url, pool_timeout=0, **send), True
        except _EmptyPoolError:
            pass
        if self._ledger.held_here(self._origin(request.url)) >= self._pool_maxsize:
            # Every connection is held by a response this thread has not closed: waiting would
            # deadlock. One connection beyond the cap keeps the call going; it is pooled apart.
            return self._overflow_for(manager).urlopen(request.method, request.url, **send), False
        timeout = request.timeout
        wait = timeout.pool if timeout is not None else None
        try:
            return manager.urlopen(request.method, request.url, pool_timeout=wait, **send), True
        except _EmptyPoolError as error:
            raise APITimeoutError(
                request,
                f"No connection to {self._origin(request.url)} came free within the pool timeout ({wait}s): all "
                f"{self._pool_maxsize} (pool_maxsize, pool_block=True) are in use by other threads' requests or open streams.",
            ) from error

    def _overflow_for(self, manager: urllib3.PoolManager) -> urllib3.PoolManager:
        proxy = manager.proxy.url if isinstance(manager, urllib3.ProxyManager) and manager.proxy else None
        overflow = self._overflow.get(proxy)
        if overflow is None:
            kwargs = {**self._pool_kwargs, "block": False}
            overflow = urllib3.ProxyManager(proxy, **kwargs) if proxy else urllib3.PoolManager(**kwargs)
            self._overflow[proxy] = overflow
        return overflow

    def close(self) -> None:
        self._direct.clear()
        for manager in (*self._proxies.values(), *self._overflow.values()):
            manager.clear()
