"""Every cassette in ../shared/cassettes/public replays through this client, in-process (vcrpy) and
over the wire (the replay server), giving back the recorded statuses and bodies."""

from __future__ import annotations

import json
import pathlib
from typing import Any
from urllib.parse import urlsplit

import pytest

from openai_harness.cassettes import load_cassette, use_cassette
from openai_harness.cassettes._replay import ReplayServer
from openai_urllib3 import APIResponse, APIStatusError, OpenAI

from ..shared_cassettes import cassette_paths, require_shared

PATHS = cassette_paths()


def test_shared_cassettes_are_present() -> None:
    require_shared()
    assert len(PATHS) >= 50


def _same_body(got: bytes, expected: bytes) -> bool:
    try:
        return json.loads(got) == json.loads(expected)
    except ValueError:
        return got.replace(b"\r\n", b"\n") == expected.replace(b"\r\n", b"\n")


def _send(client: OpenAI, url: str, request: Any) -> tuple[int, bytes]:
    content_type = request.header("content-type")
    try:
        response = client.request(request.method, url, cast_to=APIResponse, content=request.body or None, content_type=content_type, options={"max_retries": 0})
    except APIStatusError as error:
        return error.status_code, error.response.read()
    return response.status_code, response.read()


@pytest.mark.parametrize("path", PATHS, ids=[f"{p.parent.name[:20]}/{p.stem[-60:]}" for p in PATHS])
def test_replays_in_process_and_over_the_wire(path: pathlib.Path) -> None:
    interactions = load_cassette(path)
    client = OpenAI(api_key="sk-replay", base_url="https://api.openai.com/v1", trust_env=False, max_retries=0)
    with use_cassette(path, allow_playback_repeats=False) as cassette:
        for interaction in interactions:
            status, body = _send(client, interaction.request.uri, interaction.request)
            assert status == interaction.response.status
            assert _same_body(body, interaction.response.body_bytes())
        assert cassette.all_played
    with ReplayServer(path) as replay:
        for interaction in interactions:
            parts = urlsplit(interaction.request.uri)
            target = replay.root_url + parts.path + (f"?{parts.query}" if parts.query else "")
            status, body = _send(client, target, interaction.request)
            assert status == interaction.response.status
            assert _same_body(body, interaction.response.body_bytes())
        assert not replay.unplayed()
        replay.check()
