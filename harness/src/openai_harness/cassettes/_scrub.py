"""Keeping secrets and noise out of cassettes.

By default credentials are replaced in requests and responses: the values of headers and query
parameters whose names say they hold one (``Authorization``, ``api-key``, ``X-Custom-Key``,
``OpenAI-Organization``, cookies, ``?api-key=``), JSON fields such as ``api_key`` or
``client_secret``, and every token shaped like a known secret (OpenAI, Anthropic, Google, GitHub,
AWS, ... keys; ``ek_`` and ``whsec_`` secrets) wherever it is, binary bodies included. Volatile
headers are dropped (``date``, ``x-request-id``, ``openai-processing-ms``, ``x-ratelimit-*``,
``cf-ray``, and the framing headers a replay recomputes). User scrubbers add to these: header
names, query parameters, JSON paths (``messages[*].content``, ``user``) and regular expressions.
Before a cassette is written, the leak gate (``_secrets``) scans what would be written, every
encoding undone; the write fails loudly if anything remains.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Pattern, Union
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

from openai_urllib3._redact import is_credential_field, is_credential_name, scrub_shapes, scrub_shapes_bytes

from ._model import Event, Frame, Interaction

__all__ = ["REDACTED", "CassetteSecretError", "Scrubber"]

REDACTED = "REDACTED"
SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "api-key", "x-api-key", "openai-organization", "openai-project", "cookie", "set-cookie"}
)
VOLATILE_HEADERS = frozenset(
    {"date", "x-request-id", "openai-processing-ms", "cf-ray", "cf-cache-status", "content-length", "transfer-encoding", "connection", "keep-alive", "x-envoy-upstream-service-time"}
)
VOLATILE_PREFIXES = ("x-ratelimit-",)

PatternLike = Union[str, Pattern[str], tuple[Union[str, Pattern[str]], str]]


class CassetteSecretError(ValueError):
    """A cassette about to be written still contains a credential (the message says what and where,
    shortened, so the error itself leaks nothing)."""


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
        if response.frames is not None:
            response.frames = [Frame(frame.sender, self._text(self._json_text(frame.data)), frame.offset_ms) for frame in response.frames]
        elif response.events is not None:
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
            if lower in self._secret or is_credential_name(name):
                scheme = value.split(" ", 1)[0] + " " if lower in ("authorization", "proxy-authorization") and " " in value else ""
                kept.append((name, scheme + self.replacement))
            else:
                kept.append((name, self._text(value)))
        return kept

    def _uri(self, uri: str) -> str:
        parts = urlsplit(uri)
        if not parts.query:
            return uri
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        scrubbed = [(k, self.replacement if k in self._params or is_credential_name(k) else self._text(v)) for k, v in pairs]
        if scrubbed == pairs:
            return uri  # untouched: the recorded query keeps its own encoding
        query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in scrubbed)
        return urlunsplit(parts._replace(query=query))

    def _body(self, body: bytes) -> bytes:
        if not body:
            return body
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return scrub_shapes_bytes(body, self.replacement.encode("utf-8"))  # binary parts around text ones
        return self._text(self._json_text(text)).encode("utf-8")

    def _event(self, event: Event) -> Event:
        return Event(self._text(self._json_text(event.data)), event.event, event.id, event.offset_ms)

    def _json_text(self, text: str) -> str:
        """A JSON text with paths and credential-named fields replaced, and keys in its strings
        (which an escape such as ``\\u0073k-`` hides from a scan of the text); re-encoded only
        when something changed."""
        if not text.startswith(("{", "[")):
            return text
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            return text
        scrubbed = self._json(copy.deepcopy(data))
        if scrubbed == data:
            return text
        return json.dumps(scrubbed, separators=(",", ":"), ensure_ascii=False)

    def _json(self, data: Any) -> Any:
        for path in self._paths:
            data = _replace_path(data, path, self.replacement)
        return _replace_credentials(data, self.replacement)

    def _text(self, text: str) -> str:
        for pattern, replacement in self._compiled:
            text = pattern.sub(replacement, text)
        return scrub_shapes(text, self.replacement)


def _replace_credentials(data: Any, replacement: str) -> Any:
    """Credential-named fields' values, and key-shaped tokens in every string, replaced."""
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, str):
                data[key] = replacement if is_credential_field(str(key)) else scrub_shapes(value, replacement)
            else:
                _replace_credentials(value, replacement)
    elif isinstance(data, list):
        for index, item in enumerate(data):
            data[index] = scrub_shapes(item, replacement) if isinstance(item, str) else _replace_credentials(item, replacement)
    return data


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
