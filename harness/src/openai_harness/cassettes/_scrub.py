"""Keeping secrets and noise out of cassettes.

By default credentials are replaced in requests and responses (``Authorization``, ``api-key``,
``OpenAI-Organization``, ``OpenAI-Project``, cookies), and volatile headers are dropped
(``date``, ``x-request-id``, ``openai-processing-ms``, ``x-ratelimit-*``, ``cf-ray``, and the
framing headers a replay recomputes). User scrubbers add to these: header names, query
parameters, JSON paths (``messages[*].content``, ``user``) and regular expressions. Before a
cassette is written its text is scanned for anything shaped like an OpenAI key; the write
fails loudly if one remains.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Pattern, Union
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ._model import Event, Interaction

__all__ = ["REDACTED", "CassetteSecretError", "Scrubber", "find_secrets"]

REDACTED = "REDACTED"
SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "api-key", "x-api-key", "openai-organization", "openai-project", "cookie", "set-cookie"}
)
VOLATILE_HEADERS = frozenset(
    {"date", "x-request-id", "openai-processing-ms", "cf-ray", "cf-cache-status", "content-length", "transfer-encoding", "connection", "keep-alive", "x-envoy-upstream-service-time"}
)
VOLATILE_PREFIXES = ("x-ratelimit-",)
_KEY_SHAPE = re.compile(r"(?<![A-Za-z0-9_\-])sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}")

PatternLike = Union[str, Pattern[str], tuple[Union[str, Pattern[str]], str]]


class CassetteSecretError(ValueError):
    """A cassette about to be written still contains something shaped like an API key."""


def find_secrets(text: str) -> list[str]:
    """Key-shaped substrings of ``text`` (shown shortened, so the error itself leaks nothing)."""
    return [f"{match[:7]}...{match[-2:]}" for match in _KEY_SHAPE.findall(text)]


@dataclass
class Scrubber:
    """What to remove before an interaction is stored; the defaults are always applied."""

    headers: Iterable[str] = ()
    """More header names whose values are replaced."""
    query_params: Iterable[str] = ()
    """Query parameters whose values are replaced."""
    json_paths: Iterable[str] = ()
    """Paths into JSON bodies (and streamed events) whose values are replaced: ``user``, ``messages[*].content``."""
    patterns: Iterable[PatternLike] = ()
    """Regular expressions replaced everywhere (a pattern, or ``(pattern, replacement)``)."""
    drop_headers: Iterable[str] = ()
    """More headers to drop entirely."""
    keep_volatile_headers: bool = False
    replacement: str = REDACTED
    _compiled: list[tuple[Pattern[str], str]] = field(default_factory=list, init=False, repr=False)
    _secret: frozenset[str] = field(default=frozenset(), init=False, repr=False)
    _drop: frozenset[str] = field(default=frozenset(), init=False, repr=False)
    _params: frozenset[str] = field(default=frozenset(), init=False, repr=False)
    _paths: tuple[tuple[str | int | None, ...], ...] = field(default=(), init=False, repr=False)

    def __post_init__(self) -> None:
        for name in ("headers", "query_params", "json_paths", "patterns", "drop_headers"):
            if isinstance(getattr(self, name), str):
                raise TypeError(f"Scrubber({name}=...) takes a list, not a single string")
        self._secret = frozenset(name.lower() for name in self.headers) | SECRET_HEADERS
        self._drop = frozenset(name.lower() for name in self.drop_headers)
        self._params = frozenset(self.query_params)
        self._paths = tuple(_parse_path(path) for path in self.json_paths)
        compiled = []
        for item in self.patterns:
            pattern, replacement = item if isinstance(item, tuple) else (item, self.replacement)
            compiled.append((re.compile(pattern) if isinstance(pattern, str) else pattern, replacement))
        self._compiled = compiled

    # -- applying -------------------------------------------------------------------------------

    def scrub(self, interaction: Interaction) -> Interaction:
        """A scrubbed copy of ``interaction``."""
        item = copy.deepcopy(interaction)
        request, response = item.request, item.response
        request.uri = self._text(self._uri(request.uri))
        request.headers = self._headers(request.headers)
        request.body = self._body(request.body)
        response.headers = self._headers(response.headers)
        if response.events is not None:
            response.events = [self._event(event) for event in response.events]
        else:
            response.body = self._body(response.body)
        return item

    def _headers(self, headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
        kept = []
        for name, value in headers:
            lower = name.lower()
            if lower in self._drop:
                continue
            if not self.keep_volatile_headers and (lower in VOLATILE_HEADERS or lower.startswith(VOLATILE_PREFIXES)):
                continue
            if lower in self._secret:
                scheme = value.split(" ", 1)[0] + " " if lower in ("authorization", "proxy-authorization") and " " in value else ""
                kept.append((name, scheme + self.replacement))
            else:
                kept.append((name, self._text(value)))
        return kept

    def _uri(self, uri: str) -> str:
        if not self._params:
            return uri
        parts = urlsplit(uri)
        pairs = [(k, self.replacement if k in self._params else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
        return urlunsplit(parts._replace(query=urlencode(pairs)))

    def _body(self, body: bytes) -> bytes:
        if not body:
            return body
        if self._paths and body[:1] in (b"{", b"["):
            try:
                data = json.loads(body)
            except ValueError:
                pass
            else:
                body = json.dumps(self._json(data), separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return body
        return self._text(text).encode("utf-8")

    def _event(self, event: Event) -> Event:
        data = event.data
        if self._paths and data.startswith(("{", "[")):
            try:
                data = json.dumps(self._json(json.loads(data)), separators=(",", ":"), ensure_ascii=False)
            except ValueError:
                pass
        return Event(self._text(data), event.event, event.id, event.offset_ms)

    def _json(self, data: Any) -> Any:
        for path in self._paths:
            data = _replace_path(data, path, self.replacement)
        return data

    def _text(self, text: str) -> str:
        for pattern, replacement in self._compiled:
            text = pattern.sub(replacement, text)
        return text


def _parse_path(path: str) -> tuple[str | int | None, ...]:
    """``messages[*].content`` -> ("messages", None, "content"); ``None`` means every item."""
    if not path or not isinstance(path, str):
        raise ValueError(f"A JSON path must be a non-empty string such as 'messages[*].content', got {path!r}")
    parts: list[str | int | None] = []
    for token in re.finditer(r"([^.\[\]]+)|\[(\*|\d+)\]", path.lstrip("$.")):
        name, index = token.groups()
        if name is not None:
            parts.append(name)
        else:
            parts.append(None if index == "*" else int(index))
    if not parts:
        raise ValueError(f"Could not read JSON path {path!r}")
    return tuple(parts)


def _replace_path(data: Any, path: tuple[str | int | None, ...], replacement: str) -> Any:
    if not path:
        return replacement
    head, rest = path[0], path[1:]
    if isinstance(data, dict) and isinstance(head, str) and head in data:
        data[head] = _replace_path(data[head], rest, replacement)
    elif isinstance(data, list):
        if head is None:
            for index in range(len(data)):
                data[index] = _replace_path(data[index], rest, replacement)
        elif isinstance(head, int) and -len(data) <= head < len(data):
            data[head] = _replace_path(data[head], rest, replacement)
    return data
