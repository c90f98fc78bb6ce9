"""The SSE decoder: WHATWG rules, and the same events for any split of the bytes into reads."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from openai_harness import strategies as oas
from openai_urllib3._sse import ServerSentEvent, SSEDecoder, iter_events


def decode(*chunks: bytes) -> list[ServerSentEvent]:
    return list(iter_events(chunks))


def test_basic_fields_and_multiline_data() -> None:
    events = decode(b"event: update\nid: 7\nretry: 1500\ndata: line one\ndata: line two\n\n")
    assert events == [ServerSentEvent("line one\nline two", "update", "7", 1500)]


def test_all_line_endings_and_a_crlf_split_across_reads() -> None:
    assert decode(b"data: a\r\n\r\ndata: b\r\rdata: c\n\n") == [ServerSentEvent("a"), ServerSentEvent("b"), ServerSentEvent("c")]
    assert decode(b"data: a\r", b"\n\r", b"\ndata: b\n\n") == [ServerSentEvent("a"), ServerSentEvent("b")]


def test_bom_comments_and_events_without_data() -> None:
    assert decode(b"\xef\xbb", b"\xbfdata: x\n\n") == [ServerSentEvent("x")]
    assert decode(b": keep-alive comment\n\nevent: ping\n\ndata: real\n\n") == [ServerSentEvent("real")]


def test_utf8_split_across_reads_and_no_space_after_colon() -> None:
    text = "data:héllo 🌍\n\n".encode()
    cut = text.index("🌍".encode()) + 2
    assert decode(text[:cut], text[cut:]) == [ServerSentEvent("héllo 🌍")]


def test_field_without_colon_and_empty_data() -> None:
    assert decode(b"data\n\n") == [ServerSentEvent("")]
    assert decode(b"data:\ndata:\n\n") == [ServerSentEvent("\n")]


def test_id_with_nul_is_ignored_and_id_persists() -> None:
    events = decode(b"id: 1\ndata: a\n\nid: bad\x00\ndata: b\n\n")
    assert [e.id for e in events] == ["1", "1"]


def test_unterminated_event_at_end_of_stream_is_not_dispatched() -> None:
    assert decode(b"data: a\n\ndata: unfinished") == [ServerSentEvent("a")]


def test_no_line_length_limit() -> None:
    big = "x" * 5_000_000
    assert decode(f"data: {big}\n\n".encode()) == [ServerSentEvent(big)]


def _seen(events: list[ServerSentEvent]) -> list[tuple[str, str | None]]:
    return [(event.data, event.event) for event in events]


@settings(max_examples=200, deadline=None)
@given(data=st.data(), stream=oas.sse_streams(), bom=st.booleans())
def test_any_split_gives_the_same_events(data: st.DataObject, stream: oas.SSEStream, bom: bool) -> None:
    raw = (b"\xef\xbb\xbf" if bom else b"") + stream.raw
    pieces = data.draw(oas.byte_splits(raw), label="pieces")
    assert _seen(decode(*pieces)) == [(event.data, event.event) for event in stream.events]


@settings(max_examples=50, deadline=None)
@given(stream=oas.sse_streams())
def test_one_byte_reads_give_the_same_events(stream: oas.SSEStream) -> None:
    decoder = SSEDecoder()
    got: list[ServerSentEvent] = []
    for index in range(len(stream.raw)):
        got.extend(decoder.feed(stream.raw[index : index + 1]))
    got.extend(decoder.flush())
    assert _seen(got) == [(event.data, event.event) for event in stream.events]
