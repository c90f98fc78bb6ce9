"""The request journal: what every request looked like and what the server did with it."""

from __future__ import annotations

import collections
import threading
from typing import Any, Iterator, Mapping

from openai_urllib3._redact import REDACTED, is_credential_field, is_credential_name, redact_header, redact_url, scrub_text

from ._routes import RoutePattern

__all__ = ["Journal", "JournalEntry"]


# Credentials by name (``Authorization``, ``x-goog-api-key``, ``?api-key=``) and by shape (a key
# echoed in a body): the journal keeps them for assertions in-process, never hands them out. The
# rules are the client's, so a log line, an error and a journal answer redact the same things.


def _scrub_data(value: Any) -> Any:
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {key: REDACTED if isinstance(item, str) and is_credential_field(str(key)) else _scrub_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub_data(item) for item in value]
    return value


class JournalEntry:
    """One request as received, and the outcome: a status, or the fault applied."""

    __slots__ = ("body", "counted", "fault", "headers", "invalid", "method", "path", "query", "raw_body", "released", "response_body", "route", "scripted", "seq", "status", "target", "time")

    def __init__(
        self,
        *,
        seq: int,
        method: str,
        target: str,
        path: str,
        query: Mapping[str, list[str]],
        headers: Mapping[str, str],
        body: Any,
        raw_body: bytes,
        time: float,
    ) -> None:
        self.seq = seq
        self.method = method
        self.target = target
        """The request target exactly as sent (absolute-form when the request came through as a proxy request)."""
        self.path = path
        """Relative to the API root: ``/chat/completions``."""
        self.query = dict(query)
        """Each parameter's values, in order (``{"after": ["x"]}``)."""
        self.headers = dict(headers)
        """Header names in lower case."""
        self.body = body
        """The decoded JSON body, or ``None`` when the body was empty or not JSON."""
        self.raw_body = raw_body
        self.status: int | None = None
        self.fault: str | None = None
        self.time = time
        self.route: str | None = None
        """The route template that answered (``GET /models/{model}``), if any."""
        self.response_body: bytes | None = None
        """The JSON body the server answered with (not kept for streams and binary answers)."""
        self.scripted = False
        """Whether a test's scripted raw reply answered, rather than the server itself."""
        self.invalid: str | None = None
        """Why the spec check refused the request (its 400 message), or ``None`` when it passed."""
        self.counted = 0  # what the journal has counted for this entry's bodies
        self.released: str | None = None
        """Why ``body``, ``raw_body`` and ``response_body`` are empty when the journal let them go
        to stay under ``journal_max_bytes``; ``None`` while they are kept."""

    def retained_bytes(self) -> int:
        """What the entry's bodies hold, counted as twice the raw request (bytes and decoded
        form) plus the response."""
        return 2 * len(self.raw_body) + len(self.response_body or b"")

    def release(self, reason: str) -> None:
        self.body = None
        self.raw_body = b""
        self.response_body = None
        self.released = reason

    @property
    def retry_count(self) -> int | None:
        """The client's ``X-Stainless-Retry-Count``, when it sent one."""
        value = self.headers.get("x-stainless-retry-count")
        return int(value) if value is not None and value.isdigit() else None

    def query_value(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None

    def to_dict(self) -> dict[str, Any]:
        """The entry as JSON-able data, credentials redacted (what the control API answers)."""
        return {
            "seq": self.seq,
            "method": self.method,
            "target": redact_url(self.target),
            "path": self.path,
            "query": {name: [REDACTED] * len(values) if is_credential_name(name) else [scrub_text(v) for v in values] for name, values in self.query.items()},
            "headers": {name: redact_header(name, value) for name, value in self.headers.items()},
            "body": _scrub_data(self.body if self.body is not None else (self.raw_body.decode("utf-8", "replace") if self.raw_body else None)),
            "status": self.status,
            "fault": self.fault,
            "invalid": self.invalid,
            "route": self.route,
            "time": self.time,
            "released": self.released,
        }

    def __repr__(self) -> str:
        outcome = self.fault or self.status
        return f"<JournalEntry #{self.seq} {self.method} {self.path} -> {outcome}>"


class Journal:
    """Thread-safe list of :class:`JournalEntry`, with helpers for assertions."""

    def __init__(self, max_bytes: int = 256 * 1024 * 1024, max_entries: int = 100_000) -> None:
        self._lock = threading.Lock()
        self._entries: collections.deque[JournalEntry] = collections.deque()
        self._seq = 0
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self._retained = 0  # bytes of the entries whose bodies are still kept
        self._kept_from = 0  # index of the oldest entry that still has its bodies
        self.dropped = 0
        """Entries dropped whole, oldest first, past ``max_entries``."""

    def next_seq(self) -> int:
        with self._lock:
            self._seq += 1
            return self._seq

    def add(self, entry: JournalEntry) -> None:
        with self._lock:
            self._entries.append(entry)
            entry.counted = entry.retained_bytes()
            self._retained += entry.counted
            self._trim()

    def settle(self, entry: JournalEntry) -> None:
        """Count what an entry gained after it was added (the answer's body), and trim."""
        with self._lock:
            if entry.released is None:
                counted = entry.retained_bytes()
                self._retained += counted - entry.counted
                entry.counted = counted
                self._trim()

    def _trim(self) -> None:
        entries = self._entries
        while len(entries) > self.max_entries:
            oldest = entries.popleft()
            self.dropped += 1
            if self._kept_from > 0:
                self._kept_from -= 1
            else:
                self._retained -= oldest.counted
        while self._retained > self.max_bytes and self._kept_from < len(entries) - 1:
            oldest = entries[self._kept_from]
            self._retained -= oldest.counted
            oldest.counted = 0
            oldest.release(f"bodies released to keep the journal under journal_max_bytes={self.max_bytes}")
            self._kept_from += 1

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._seq = 0
            self._retained = 0
            self._kept_from = 0
            self.dropped = 0

    def retained_bytes(self) -> int:
        """Body bytes the journal holds now (at most ``max_bytes``, plus the newest entry)."""
        with self._lock:
            return self._retained

    def all(self) -> list[JournalEntry]:
        with self._lock:
            return list(self._entries)

    def __iter__(self) -> Iterator[JournalEntry]:
        return iter(self.all())

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def for_route(self, route: str) -> list[JournalEntry]:
        """Entries matching a route pattern such as ``"POST /chat/completions"``."""
        pattern = RoutePattern(route)
        return [entry for entry in self.all() if pattern.matches(entry.method, entry.path)]

    def count(self, route: str | None = None) -> int:
        return len(self) if route is None else len(self.for_route(route))

    def last(self, route: str | None = None) -> JournalEntry:
        entries = self.all() if route is None else self.for_route(route)
        if not entries:
            raise AssertionError(f"No request{' for ' + route if route else ''} was received; journal: {self.all()!r}")
        return entries[-1]

    def retry_counts(self, route: str | None = None) -> list[int | None]:
        entries = self.all() if route is None else self.for_route(route)
        return [entry.retry_count for entry in entries]

    def to_list(self) -> list[dict[str, Any]]:
        return [entry.to_dict() for entry in self.all()]
