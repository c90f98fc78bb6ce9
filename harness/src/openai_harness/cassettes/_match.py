"""Finding the recorded answer for a request: an index by method and path, then the query and
the JSON body compared as data (ignoring volatile fields), then the play order of repeats.

A miss is explained: the closest recorded request and how it differs.
"""

from __future__ import annotations

import difflib
import json
import re
import threading
from dataclasses import dataclass
from typing import Any, Iterable, Literal
from urllib.parse import parse_qs, urlsplit

from .._json import loads as loads_json
from .._multipart import MultipartError, boundary_of, read_parts
from ._model import Interaction, RecordedRequest

_SLASHES = re.compile(r"/{2,}")

__all__ = ["InteractionIndex", "MatchConfig", "Repeats", "body_difference"]

Repeats = Literal["in_order", "repeat_last", "error"]


@dataclass(frozen=True)
class MatchConfig:
    """How requests match recorded ones.

    ``ignore_fields``: top-level or dotted JSON body fields left out of the comparison.
    ``repeats``: identical requests get the recorded answers ``"in_order"`` (then miss),
    ``"repeat_last"`` (then the last again), or ``"error"`` (a repeat is an error).
    """

    ignore_fields: frozenset[str] = frozenset()
    match_host: bool = False
    match_query: bool = True
    repeats: Repeats = "in_order"

    def __post_init__(self) -> None:
        if self.repeats not in ("in_order", "repeat_last", "error"):
            raise ValueError(f"repeats must be 'in_order', 'repeat_last' or 'error', got {self.repeats!r}")


class RepeatedRequestError(AssertionError):
    pass


def _strip(data: Any, fields: Iterable[str]) -> Any:
    if not isinstance(data, dict):
        return data
    data = dict(data)
    for field in fields:
        head, _, rest = field.partition(".")
        if head in data:
            if rest:
                data[head] = _strip(data[head], [rest])
            else:
                del data[head]
    return data


class _Entry:
    __slots__ = ("body", "host", "index", "query")

    def __init__(self, index: int, host: str, query: dict[str, list[str]], body: Any) -> None:
        self.index = index
        self.host = host
        self.query = query
        self.body = body


def _canonical(query: dict[str, list[str]], body: Any) -> str:
    """One hashable text for a query and body compared as data (key order and spacing ignored)."""
    if isinstance(body, bytes):
        body_text = "b:" + body.decode("latin-1")
    else:
        body_text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return json.dumps(sorted(query.items()), separators=(",", ":")) + "\n" + body_text


def _multipart_fields(body: bytes, content_type: str) -> Any:
    """A multipart body as data: its fields' names, filenames and contents, in name order.

    Clients draw a new random boundary for every request and order fields as they like, so the same
    upload would otherwise never match its recording. Anything unreadable stays the raw bytes."""
    if boundary_of(content_type) is None:
        return body
    try:
        parts = read_parts(body, content_type)
    except MultipartError:
        return body
    return sorted((["multipart", part.name, part.filename, part.content.decode("latin-1")] for part in parts), key=lambda field: (field[1], field[2] or ""))


class InteractionIndex:
    """Thread-safe lookup over a cassette's interactions; counts how often each was played."""

    def __init__(self, interactions: list[Interaction], config: MatchConfig | None = None) -> None:
        self.config = config or MatchConfig()
        self.interactions: list[Interaction] = []
        self.play_counts: list[int] = []
        self._buckets: dict[tuple[str, str], list[_Entry]] = {}
        self._exact: dict[tuple[str, str, str], list[_Entry]] = {}
        self._lock = threading.Lock()
        for interaction in interactions:
            self.add(interaction)

    def _normalize(self, request: RecordedRequest) -> tuple[tuple[str, str], str, dict[str, list[str]], Any]:
        parts = urlsplit(request.uri)
        # A doubled slash (an Azure endpoint written with a trailing "/") names the same resource.
        key = (request.method.upper(), _SLASHES.sub("/", parts.path).rstrip("/") or "/")
        query = parse_qs(parts.query, keep_blank_values=True) if self.config.match_query else {}
        body: Any = request.body
        if body:
            try:
                body = _strip(loads_json(body), self.config.ignore_fields)
            except ValueError:
                body = _multipart_fields(body, request.header("content-type") or "")
        else:
            body = None
        return key, parts.netloc.lower(), query, body

    def add(self, interaction: Interaction) -> int:
        key, host, query, body = self._normalize(interaction.request)
        with self._lock:
            index = len(self.interactions)
            self.interactions.append(interaction)
            self.play_counts.append(0)
            entry = _Entry(index, host, query, body)
            self._buckets.setdefault(key, []).append(entry)
            self._exact.setdefault((*key, _canonical(query, body)), []).append(entry)
        return index

    def _matches(self, request: RecordedRequest, limit: int | None) -> list[_Entry]:
        key, host, query, body = self._normalize(request)
        return [
            entry
            for entry in self._exact.get((*key, _canonical(query, body)), ())
            if (not self.config.match_host or entry.host == host) and (limit is None or entry.index < limit)
        ]

    def find(self, request: RecordedRequest, *, play: bool = True, limit: int | None = None) -> Interaction | None:
        """The interaction that answers ``request`` (marking it played), or ``None``.

        ``limit``: only the first ``limit`` interactions may answer (those loaded from the file,
        not the ones being recorded now).
        """
        index = self.find_index(request, play=play, limit=limit)
        return None if index is None else self.interactions[index]

    def find_index(self, request: RecordedRequest, *, play: bool = True, limit: int | None = None) -> int | None:
        """Like :meth:`find`, but the interaction's position."""
        matches = self._matches(request, limit)
        if not matches:
            return None
        with self._lock:
            for entry in matches:
                if self.play_counts[entry.index] == 0:
                    if play:
                        self.play_counts[entry.index] += 1
                    return entry.index
                if self.config.repeats == "error":
                    raise RepeatedRequestError(
                        f"{request.method} {request.uri} was already answered from this cassette and repeats='error'; "
                        "record the repeat or choose repeats='in_order' / 'repeat_last'"
                    )
            if self.config.repeats == "repeat_last":
                last = matches[-1]
                if play:
                    self.play_counts[last.index] += 1
                return last.index
        return None

    def unplayed(self, limit: int | None = None) -> list[Interaction]:
        with self._lock:
            counts = self.play_counts if limit is None else self.play_counts[:limit]
            return [self.interactions[i] for i, count in enumerate(counts) if count == 0]

    def all_played(self, limit: int | None = None) -> bool:
        return not self.unplayed(limit)

    def mark_played(self, index: int) -> None:
        with self._lock:
            self.play_counts[index] += 1

    def explain_miss(self, request: RecordedRequest, *, limit: int | None = None) -> str:
        """Every recorded request to the same method and path, with its played count, how this one
        differs from it and the option that would let it match; else the closest one."""
        key, _host, query, body = self._normalize(request)
        interactions = self.interactions if limit is None else self.interactions[:limit]
        if not interactions:
            return "The cassette has no recorded interactions."
        candidates = [i for i, interaction in enumerate(interactions) if self._normalize(interaction.request)[0] == key]
        if not candidates:
            best = max(
                range(len(interactions)),
                key=lambda i: (4 if self._normalize(interactions[i].request)[0][1] == key[1] else 0) + (2 if self._normalize(interactions[i].request)[0][0] == key[0] else 0),
            )
            other = interactions[best].request
            return f"No recorded {key[0]} {key[1]}. Closest recorded request: {other.method} {other.uri}"
        lines = [f"Recorded {key[0]} {key[1]} requests ({len(candidates)}):"]
        for i in candidates[:10]:
            _, _, other_query, other_body = self._normalize(interactions[i].request)
            lines.append(f"  #{i + 1} {interactions[i].request.uri}, played {self.play_counts[i]} time(s)")
            if other_query != query:
                lines.append(f"    query differs: recorded {other_query}, got {query}")
            if other_body != body:
                fields = _differing_fields(other_body, body)
                lines.append("    body differs (- recorded, + this request):")
                lines.extend("      " + line for line in _diff(other_body, body))
                if fields:
                    lines.append(f"    it would match with ignore_fields={sorted(fields)!r} (or match_on without 'body')")
            if other_query == query and other_body == body:
                lines.append("    it matches, but it was played already: allow_playback_repeats=True (or repeats='repeat_last') replays it")
        if len(candidates) > 10:
            lines.append(f"  ... and {len(candidates) - 10} more")
        return "\n".join(lines)


def _body_data(request: RecordedRequest) -> Any:
    if not request.body:
        return None
    try:
        return loads_json(request.body)
    except ValueError:
        return _multipart_fields(request.body, request.header("content-type") or "")


def _differing_fields(recorded: Any, actual: Any, prefix: str = "") -> set[str]:
    """The dotted JSON fields where two bodies differ (empty when either is not an object)."""
    if not isinstance(recorded, dict) or not isinstance(actual, dict):
        return set()
    fields: set[str] = set()
    for name in recorded.keys() | actual.keys():
        a, b = recorded.get(name), actual.get(name)
        if a != b:
            nested = _differing_fields(a, b, f"{prefix}{name}.")
            fields |= nested or {f"{prefix}{name}"}
    return fields


def body_difference(recorded: RecordedRequest, actual: RecordedRequest) -> str:
    """A one-line account of how two requests' bodies differ as data, or ``""`` when they do not."""
    a, b = _body_data(recorded), _body_data(actual)
    if a == b:
        return ""
    fields = _differing_fields(a, b)
    if fields:
        return "fields " + ", ".join(sorted(fields))
    return "the body as a whole"


def _pretty(value: Any) -> list[str]:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace").splitlines()
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False).splitlines()


def _diff(recorded: Any, actual: Any) -> list[str]:
    diff = list(difflib.unified_diff(_pretty(recorded), _pretty(actual), lineterm="", n=1))[2:]
    return diff[:40] + ([f"... ({len(diff) - 40} more lines)"] if len(diff) > 40 else [])
