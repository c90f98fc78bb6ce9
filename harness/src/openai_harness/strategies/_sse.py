"""Server-sent event streams as bytes on the wire, with the events a conforming parser must see, and
the ways a transport may cut those bytes into reads."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from ._params import response_objects

__all__ = ["SSEEvent", "SSEStream", "byte_splits", "chat_completion_streams", "sse_streams"]


@dataclass(frozen=True)
class SSEEvent:
    """One dispatched event: its ``data`` (lines joined with ``\\n``) and ``event`` name, if any."""

    data: str
    event: str | None = None


@dataclass(frozen=True)
class SSEStream:
    """``raw``: the bytes a server sends; ``events``: what a parser following the HTML
    specification dispatches from them, in order."""

    raw: bytes
    events: tuple[SSEEvent, ...]

    def json_events(self) -> list[Any]:
        """The data of each event parsed as JSON, ``[DONE]`` left out."""
        return [json.loads(event.data) for event in self.events if event.data != "[DONE]"]


# Data may hold anything but CR, which ends a line; LF splits it over several data lines.
_payloads = st.text(alphabet=st.characters(exclude_characters="\r", exclude_categories=["Cs"]), max_size=40)
_names = st.from_regex(r"[a-z][a-z._]{0,15}", fullmatch=True)
_line_endings = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def _encoded(draw: st.DrawFn, events: list[SSEEvent], line_endings: st.SearchStrategy[str], extras: bool) -> SSEStream:
    out: list[str] = []
    ending = draw(line_endings)
    for event in events:
        if extras and draw(st.booleans()):
            out.append(": keep-alive" + ending)  # a comment: ignored
        if event.event is not None:
            out.append("event: " + event.event + ending)
        if extras and draw(st.booleans()):
            out.append("id: " + draw(st.from_regex(r"[A-Za-z0-9]{1,8}", fullmatch=True)) + ending)
        if extras and draw(st.booleans()):
            out.append("retry: " + str(draw(st.integers(0, 5000))) + ending)
        for line in event.data.split("\n"):
            space = " " if not extras or draw(st.booleans()) else ""
            # Without the optional space, a line starting with a space would lose it: keep one.
            out.append("data:" + (space or (" " if line.startswith(" ") else "")) + line + ending)
        out.append(ending)
    return SSEStream("".join(out).encode("utf-8"), tuple(events))


def sse_streams(
    payloads: st.SearchStrategy[str] | None = None,
    *,
    min_events: int = 0,
    max_events: int = 8,
    names: st.SearchStrategy[str | None] | None = None,
    line_endings: st.SearchStrategy[str] = _line_endings,
    extras: bool = True,
) -> st.SearchStrategy[SSEStream]:
    """Streams of ``min_events`` to ``max_events`` events. ``payloads``: each event's data (any text
    without CR; LF becomes several ``data:`` lines). ``names``: event names (or ``None`` for
    unnamed events; unnamed by default half the time). One line ending (LF, CRLF or CR) per stream.
    ``extras`` mixes in what a parser must skip: comments, ``id:`` and ``retry:`` fields, and
    ``data:`` without its optional space.

    Shrinks toward no events, then short unnamed events with LF endings and no extras."""
    if min_events < 0 or max_events < min_events:
        raise ValueError(f"need 0 <= min_events <= max_events, got {min_events} and {max_events}")
    data = _payloads if payloads is None else payloads
    event_names = st.none() | _names if names is None else names
    events = st.lists(st.builds(SSEEvent, data, event_names), min_size=min_events, max_size=max_events)
    return events.flatmap(lambda drawn: _encoded(drawn, line_endings, extras))


def chat_completion_streams(*, min_chunks: int = 0, max_chunks: int = 6, done: bool = True) -> st.SearchStrategy[SSEStream]:
    """Chat completion streams as the API sends them: each event's data a valid
    ``chat.completion.chunk`` object, then ``data: [DONE]`` (unless ``done=False``).

    Shrinks toward no chunks with the simplest chunk objects."""
    if min_chunks < 0 or max_chunks < min_chunks:
        raise ValueError(f"need 0 <= min_chunks <= max_chunks, got {min_chunks} and {max_chunks}")
    chunks = st.lists(response_objects("chat.completions.create", stream=True).map(lambda chunk: json.dumps(chunk, ensure_ascii=False)), min_size=min_chunks, max_size=max_chunks)
    return chunks.flatmap(
        lambda texts: _encoded([SSEEvent(text) for text in texts] + ([SSEEvent("[DONE]")] if done else []), st.just("\n"), False)
    )


def byte_splits(data: bytes, *, max_pieces: int = 16) -> st.SearchStrategy[list[bytes]]:
    """Ways to cut ``data`` into consecutive reads (pieces may split a line, a CRLF or a UTF-8
    character; their concatenation is always ``data``).

    Shrinks toward one piece: the whole of ``data``."""
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"byte_splits needs bytes, got {type(data).__name__}")
    if max_pieces < 1:
        raise ValueError(f"max_pieces must be >= 1, got {max_pieces}")
    whole = bytes(data)
    cuts = st.lists(st.integers(1, max(1, len(whole) - 1)), max_size=max_pieces - 1, unique=True) if len(whole) > 1 else st.just([])
    return cuts.map(lambda points: [whole[a:b] for a, b in zip([0, *sorted(points)], [*sorted(points), len(whole)])])
