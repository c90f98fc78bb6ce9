"""Streams recorded in-process stay faithful, with this client (urllib3) and the official SDK
(httpx): each event reaches the caller while the stream is still running and is stored with its
arrival offset; a replay is as fast as possible unless paced; a cut stays a cut."""

from __future__ import annotations

import pathlib
import time
from typing import Any

import pytest

import openai_urllib3
from openai_harness import MockServer, StreamCut
from openai_harness.cassettes import load_cassette, use_cassette

MESSAGES: Any = [{"role": "user", "content": "one two three four"}]
KEY = "sk-proj-" + "Q1w2E3r4" * 5
FIRST, BETWEEN = 0.15, 0.05


def _module(which: str) -> Any:
    return pytest.importorskip("openai") if which == "openai" else openai_urllib3


def _client(which: str, url: str) -> Any:
    return _module(which).OpenAI(api_key=KEY, base_url=url, max_retries=0, timeout=5)


def _stream(client: Any) -> Any:
    return client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True)


def _text(chunks: list[Any]) -> str:
    return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)


@pytest.mark.parametrize("which", ["openai_urllib3", "openai"])
def test_recording_passes_each_event_on_as_it_arrives_and_stores_its_offset(tmp_path: pathlib.Path, which: str) -> None:
    path = tmp_path / "live.yaml"
    with MockServer() as server:
        server.set_pacing(first_event=FIRST, between_events=BETWEEN)
        client = _client(which, server.url)
        with use_cassette(path, record_mode="once"):
            started = time.monotonic()
            arrivals, chunks = [], []
            for chunk in _stream(client):
                arrivals.append(time.monotonic() - started)
                chunks.append(chunk)
            assert client.models.list().data  # a plain request beside it is recorded as before
    assert arrivals[0] < arrivals[-1] - BETWEEN * (len(arrivals) - 2) * 0.8  # the first event came long before the last
    interactions = load_cassette(path)
    assert [i.request.method for i in interactions] == ["POST", "GET"]
    events = interactions[0].response.events
    assert events is not None and len(events) == len(chunks) + 1 and events[-1].data == "[DONE]"
    offsets = [e.offset_ms or 0.0 for e in events]
    assert offsets == sorted(offsets) and offsets[0] >= FIRST * 1000 * 0.8
    assert offsets[-1] - offsets[0] >= BETWEEN * 1000 * (len(offsets) - 1) * 0.8
    assert KEY not in path.read_text()


@pytest.mark.parametrize("which", ["openai_urllib3", "openai"])
def test_replay_is_as_fast_as_possible_unless_paced_as_recorded(tmp_path: pathlib.Path, which: str) -> None:
    path = tmp_path / "paced.yaml"
    with MockServer() as server:
        server.set_pacing(first_event=FIRST, between_events=BETWEEN)
        with use_cassette(path, record_mode="once"):
            recorded = _text(list(_stream(_client(which, server.url))))
    offline = _client(which, "http://127.0.0.1:9/v1")  # nothing listens there
    last_offset = (load_cassette(path)[0].response.events or [])[-1].offset_ms or 0.0
    with use_cassette(path):
        started = time.monotonic()
        assert _text(list(_stream(offline))) == recorded
        fast = time.monotonic() - started
    with use_cassette(path, pacing=1.0):
        started = time.monotonic()
        arrivals = [time.monotonic() - started for _ in _stream(offline)]
    assert fast < FIRST
    assert arrivals[0] >= FIRST * 0.8 and arrivals[-1] >= last_offset / 1000 * 0.8
    with pytest.raises(ValueError, match="pacing"):
        use_cassette(path, pacing=-1)


@pytest.mark.parametrize("which", ["openai_urllib3", "openai"])
def test_a_stream_cut_while_recording_is_recorded_and_replays_as_the_same_cut(tmp_path: pathlib.Path, which: str) -> None:
    module = _module(which)
    path = tmp_path / "cut.yaml"
    with MockServer() as server:
        server.fault("POST /chat/completions", StreamCut(after_events=3))
        with use_cassette(path, record_mode="once"):
            received: list[Any] = []
            with pytest.raises(Exception) as recording:
                for chunk in _stream(_client(which, server.url)):
                    received.append(chunk)
    assert len(received) == 3
    response = load_cassette(path)[0].response
    assert response.cut and response.events is not None and len(response.events) == 3
    replayed: list[Any] = []
    with use_cassette(path), pytest.raises(Exception) as replay:
        for chunk in _stream(_client(which, "http://127.0.0.1:9/v1")):
            replayed.append(chunk)
    assert [c.to_dict() if hasattr(c, "to_dict") else c.model_dump() for c in replayed] == [
        c.to_dict() if hasattr(c, "to_dict") else c.model_dump() for c in received
    ]
    assert type(replay.value) is type(recording.value)  # the client sees the same error as when it was cut
    if module is openai_urllib3:
        assert isinstance(replay.value, openai_urllib3.APIConnectionError)


@pytest.mark.parametrize("which", ["openai_urllib3", "openai"])
def test_a_stream_the_caller_leaves_early_is_kept_up_to_where_it_stopped(tmp_path: pathlib.Path, which: str) -> None:
    path = tmp_path / "early.yaml"
    with MockServer() as server:
        with use_cassette(path, record_mode="once"):
            stream = _stream(_client(which, server.url))
            first = next(iter(stream))
            stream.close()
    response = load_cassette(path)[0].response
    assert response.cut and response.events is not None and 1 <= len(response.events) < 8
    assert first.choices[0].delta.role == "assistant"
