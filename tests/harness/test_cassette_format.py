"""The cassette file format: readable, stable, safe to load, and reading what other vcrpy users wrote."""

from __future__ import annotations

import base64
import gzip
import json
import pathlib

import pytest

from openai_harness.cassettes import (
    CassetteFormatError,
    Event,
    Interaction,
    RecordedRequest,
    RecordedResponse,
    dumps_cassette,
    load_cassette,
    loads_cassette,
)

CHAT = RecordedRequest("POST", "https://api.openai.com/v1/chat/completions", [("Content-Type", "application/json")], b'{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}')


def test_json_bodies_are_structured_yaml_in_their_original_key_order() -> None:
    response = RecordedResponse(200, "OK", [("content-type", "application/json")], b'{"z": 1, "a": {"y": 2, "b": 3}}')
    text = dumps_cassette([Interaction(CHAT, response)])
    assert "openai_harness_cassette: 1" in text
    assert text.index("z: 1") < text.index("a:") and text.index("y: 2") < text.index("b: 3")
    assert '"z"' not in text  # structured, not an escaped JSON string
    again = loads_cassette(text)[0]
    assert json.loads(again.response.body) == {"z": 1, "a": {"y": 2, "b": 3}}
    assert list(json.loads(again.response.body)) == ["z", "a"]


def test_streams_are_one_entry_per_event_with_offsets_and_cut() -> None:
    events = [Event('{"a":1}', offset_ms=12.34), Event("hello\nworld", event="note", offset_ms=20.0), Event("[DONE]", offset_ms=25.0)]
    text = dumps_cassette([Interaction(CHAT, RecordedResponse(200, "OK", [("content-type", "text/event-stream")], events=events, cut=True))])
    assert "offset_ms: 12.3" in text and "event: note" in text and "cut: true" in text
    assert "a: 1" in text  # JSON event data stored structured
    again = loads_cassette(text)[0].response
    assert again.cut and [e.data for e in again.events or []] == ['{"a":1}', "hello\nworld", "[DONE]"]
    assert again.body_bytes() == b'data: {"a":1}\n\nevent: note\ndata: hello\ndata: world\n\ndata: [DONE]\n\n'


@pytest.mark.parametrize("text", ["line\n", "two\nlines\n", "no newline", "trailing blank\n\n", "\n"])
def test_lazy_loading_keeps_every_body_byte_for_byte(text: str) -> None:
    bodies = [text.encode(), b"last " + text.encode()]
    interactions = [Interaction(CHAT, RecordedResponse(200, "OK", [("content-type", "text/plain")], body)) for body in bodies]
    dumped = dumps_cassette(interactions)
    for lazy in (False, True):
        assert [i.response.body for i in loads_cassette(dumped, lazy=lazy)] == bodies, lazy


def test_binary_bodies_are_base64() -> None:
    response = RecordedResponse(200, "OK", [("content-type", "audio/mpeg")], b"\xff\xfb\x90\x00binary")
    text = dumps_cassette([Interaction(CHAT, response)])
    assert "base64:" in text
    assert loads_cassette(text)[0].response.body == b"\xff\xfb\x90\x00binary"


def test_plain_vcrpy_layouts_are_read(tmp_path: pathlib.Path) -> None:
    gzipped = base64.b64encode(gzip.compress(b'{"id": "chatcmpl-1", "object": "chat.completion"}')).decode()
    cassette = f"""
interactions:
- request:
    body: '{{
        "model": "gpt-4o",
        "messages": []
      }}'
    headers:
      Content-Type: application/json
      Authorization: [Bearer REDACTED]
    method: POST
    uri: https://api.openai.com/v1/chat/completions
  response:
    body:
      string: !!binary |
        {gzipped}
    headers:
      Content-Encoding: [gzip]
      Content-Type: [application/json]
    status: {{code: 200, message: OK}}
- request:
    method: POST
    uri: https://api.openai.com/v1/embeddings
    parsed_body: {{input: hi, model: text-embedding-3-small}}
    headers: {{}}
  response:
    status: {{code: 200, message: OK}}
    headers: {{content-type: [application/json]}}
    parsed_body: {{object: list, data: []}}
- request:
    method: GET
    url: https://api.openai.com/v1/models
    headers: {{}}
  response:
    status_code: 200
    http_version: HTTP/1.1
    headers: {{content-type: application/json}}
    content: '{{"object": "list", "data": []}}'
version: 1
"""
    path = tmp_path / "foreign.yaml"
    path.write_text(cassette)
    first, second, third = load_cassette(path)
    assert json.loads(first.request.body) == {"model": "gpt-4o", "messages": []}
    assert json.loads(first.response.body)["id"] == "chatcmpl-1"  # gzip decoded...
    assert first.response.header("content-encoding") is None  # ...and its header dropped
    assert first.request.header("authorization") == "Bearer REDACTED"
    assert json.loads(second.request.body) == {"input": "hi", "model": "text-embedding-3-small"}
    assert json.loads(second.response.body) == {"object": "list", "data": []}
    assert third.response.status == 200 and json.loads(third.response.body)["object"] == "list"


def test_an_sse_body_in_a_foreign_cassette_becomes_events() -> None:
    text = """
interactions:
- request: {method: POST, uri: 'https://api.openai.com/v1/chat/completions', body: null, headers: {}}
  response:
    status: {code: 200, message: OK}
    headers: {Content-Type: [text/event-stream]}
    body: {string: "data: {\\"x\\":1}\\n\\ndata: [DONE]\\n\\n"}
"""
    response = loads_cassette(text)[0].response
    assert [e.data for e in response.events or []] == ['{"x":1}', "[DONE]"] and not response.cut


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not yaml", "not valid YAML"),
        ("- just\n- a list\n", "interaction 0"),
        ("interactions: 5", "'interactions' must be a list"),
        ("something: else", "no 'interactions' list"),
        ("openai_harness_cassette: 99\ninteractions: []", "format version 99"),
        ("interactions:\n- request: {method: GET}\n  response: {status: 200}", "'method' and a 'uri'"),
        ("interactions:\n- request: {method: GET, uri: /x}\n  response: {status: 9000}", "status must be an HTTP status"),
    ],
)
def test_unreadable_cassettes_name_the_file_and_the_problem(tmp_path: pathlib.Path, text: str, message: str) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    with pytest.raises(CassetteFormatError) as info:
        load_cassette(path)
    assert str(path) in str(info.value) and message in str(info.value)


def test_loading_never_executes_anything(tmp_path: pathlib.Path) -> None:
    marker = tmp_path / "executed"
    path = tmp_path / "evil.yaml"
    path.write_text(f"interactions: !!python/object/apply:os.system ['touch {marker}']\n")
    with pytest.raises(CassetteFormatError):
        load_cassette(path)
    assert not marker.exists()


def test_missing_file_is_named(tmp_path: pathlib.Path) -> None:
    with pytest.raises(CassetteFormatError, match="no such cassette"):
        load_cassette(tmp_path / "nope.yaml")


AIOHTTP_CASSETTE = """interactions:
- request:
    body: '{"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}'
    headers:
      ? !!python/object/apply:multidict._multidict.istr
      - Content-Type
      : - application/json
    method: POST
    uri: https://api.openai.com/v1/chat/completions
  response:
    body:
      string: '{"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "gpt-4o", "choices": []}'
    headers:
      ? !!python/object/apply:multidict._multidict.istr
      - Content-Type
      : - application/json
    status:
      code: 200
      message: OK
version: 1
"""


def test_cassettes_recorded_through_aiohttp_load_and_other_python_tags_are_refused(tmp_path: pathlib.Path) -> None:
    from openai_harness.cassettes import CassetteFormatError, load_cassette

    path = tmp_path / "aiohttp.yaml"
    path.write_text(AIOHTTP_CASSETTE)
    (interaction,) = load_cassette(path)
    assert interaction.request.header("content-type") == "application/json"
    assert interaction.response.header("Content-Type") == "application/json"
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(AIOHTTP_CASSETTE.replace("multidict._multidict.istr", "os.system").replace("- Content-Type", "- echo owned"))
    with pytest.raises(CassetteFormatError, match="will not construct"):
        load_cassette(hostile)


def test_a_file_holding_one_interaction_loads(tmp_path: pathlib.Path) -> None:
    from openai_harness.cassettes import load_cassette

    one = {
        "request": {"method": "GET", "uri": "https://api.openai.com/v1/models", "headers": {}, "body": None},
        "response": {"status": {"code": 200, "message": "OK"}, "headers": {"Content-Type": ["application/json"]}, "body": {"string": '{"object": "list", "data": []}'}},
    }
    path = tmp_path / "models_0001.json"
    path.write_text(json.dumps(one))
    (interaction,) = load_cassette(path)
    assert interaction.request.path == "/v1/models" and interaction.response.status == 200
