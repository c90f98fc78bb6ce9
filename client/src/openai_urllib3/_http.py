"""The request and response values that middleware and transports exchange.

Nothing here knows about urllib3: a transport returns a :class:`Response` (or a
subclass that reads its body from the wire), and middleware may build one itself.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any, Iterable, Iterator, Mapping, MutableMapping, Union

from ._types import Timeout

__all__ = ["Body", "Headers", "Request", "Response", "reason_phrase"]

Body = Union[bytes, Iterable[bytes], None]
"""``bytes`` can be sent again on a retry; any other iterable is sent once."""


class Headers(MutableMapping[str, str]):
    """A case-insensitive header map that keeps the spelling it was given."""

    __slots__ = ("_store",)

    def __init__(self, items: Mapping[str, str] | Iterable[tuple[str, str]] | None = None) -> None:
        self._store: dict[str, tuple[str, str]] = {}
        if items is not None:
            pairs = items.items() if isinstance(items, Mapping) else items
            for name, value in pairs:
                self._store[name.lower()] = (name, value)

    def __getitem__(self, name: str) -> str:
        return self._store[name.lower()][1]

    def __setitem__(self, name: str, value: str) -> None:
        self._store[name.lower()] = (name, value)

    def __delitem__(self, name: str) -> None:
        del self._store[name.lower()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._store

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._store.values())

    def __len__(self) -> int:
        return len(self._store)

    def get(self, name: str, default: Any = None) -> Any:  # faster than the Mapping mixin
        item = self._store.get(name.lower())
        return default if item is None else item[1]

    def as_dict(self) -> dict[str, str]:
        """A plain dict in the spelling given (what a transport sends), built in one pass."""
        return dict(self._store.values())

    def copy(self) -> Headers:
        new = Headers.__new__(Headers)
        new._store = self._store.copy()
        return new

    def __repr__(self) -> str:
        return f"Headers({dict(self.items())!r})"


class Request:
    """One HTTP attempt. Middleware may change any field before calling the next step."""

    __slots__ = ("attempt", "body", "headers", "method", "timeout", "url")

    def __init__(
        self,
        method: str,
        url: str,
        *,
        headers: Headers | None = None,
        body: Body = None,
        timeout: Timeout | None = None,
        attempt: int = 0,
    ) -> None:
        self.method = method
        self.url = url
        self.headers = headers if headers is not None else Headers()
        self.body = body
        self.timeout = timeout
        self.attempt = attempt

    @property
    def replayable(self) -> bool:
        """Whether the body can be sent again on a retry (bytes, or an iterable that says it can be re-read)."""
        return self.body is None or isinstance(self.body, (bytes, bytearray)) or bool(getattr(self.body, "replayable", False))

    def __repr__(self) -> str:
        return f"<Request {self.method} {self.url} attempt={self.attempt}>"


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


class Response:
    """An HTTP response whose body is read at most once, lazily.

    This base class holds its body in memory; transports subclass it to read from
    the socket. Headers are a case-insensitive mapping.
    """

    __slots__ = ("_closed", "_content", "headers", "max_bytes", "request", "status")

    def __init__(
        self,
        status: int,
        headers: Mapping[str, str] | None = None,
        content: bytes = b"",
        *,
        request: Request | None = None,
    ) -> None:
        self.status = status
        self.headers: Mapping[str, str] = (
            headers if headers is not None and not isinstance(headers, dict) else Headers(headers or {})
        )
        self.request = request
        self._content: bytes | None = content
        self._closed = False
        self.max_bytes: int | None = None  # set by the transport: the most a body or one event may hold

    @property
    def status_code(self) -> int:
        """The status, by the name httpx and the official SDK give it."""
        return self.status

    @property
    def reason(self) -> str:
        return reason_phrase(self.status)

    def read(self) -> bytes:
        """The whole body; later calls return the same bytes."""
        if self._content is None:
            self._content = b"".join(self._iter_raw(65536))
        return self._content

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body in chunks as they arrive; once consumed, it is gone."""
        if self._content is not None:
            if self._content:
                yield self._content
            return
        yield from self._iter_raw(chunk_size)

    def _iter_raw(self, chunk_size: int | None) -> Iterator[bytes]:
        return iter(())

    def json(self) -> Any:
        return json.loads(self.read())

    @property
    def text(self) -> str:
        return self.read().decode("utf-8", errors="replace")

    @property
    def is_closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Release the connection; safe to call more than once."""
        self._closed = True

    def __enter__(self) -> Response:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Response [{self.status}]>"
