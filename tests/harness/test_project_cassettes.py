"""The project's own cassettes (recorded by cassettes/record_sessions.py) replay offline through the
vcr marker, with this client and with the official SDK."""

from __future__ import annotations

import pathlib
import time
from typing import Any

import pytest

from openai_harness._cli import main
from openai_harness.cassettes._replay import ReplayServer
from openai_urllib3 import OpenAI

CASSETTES = pathlib.Path(__file__).resolve().parents[2] / "cassettes"
API = "https://api.openai.com/v1"  # what the recordings say; nothing is sent there


@pytest.fixture
def vcr_cassette_dir() -> pathlib.Path:
    return CASSETTES


@pytest.fixture
def client() -> OpenAI:
    return OpenAI(api_key="sk-any", base_url=API, trust_env=False, sleep=lambda s: None)


@pytest.mark.vcr("chat.yaml")
def test_chat(client: OpenAI) -> None:
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Say hello."}])
    assert reply.choices[0].message.content == "You said: Say hello."


@pytest.mark.vcr("tool_calls.yaml")
def test_tool_call_round_trip(client: OpenAI) -> None:
    tool = {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}
    messages: list[dict[str, Any]] = [{"role": "user", "content": "What is the weather in Paris?"}]
    first = client.chat.completions.create(model="gpt-4o", messages=messages, tools=[tool])
    call = first.choices[0].message.tool_calls[0]
    assert (call.id, call.function.name, call.function.arguments) == ("call_weather_1", "get_weather", '{"city":"Paris"}')
    messages += [first.choices[0].message.to_dict(), {"role": "tool", "tool_call_id": call.id, "content": '{"celsius": 18, "sky": "sunny"}'}]
    second = client.chat.completions.create(model="gpt-4o", messages=messages, tools=[tool])
    assert second.choices[0].message.content == "It is 18 °C and sunny in Paris."


@pytest.mark.vcr("streaming.yaml")
def test_streaming(client: OpenAI) -> None:
    chunks = list(client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Stream a short sentence."}], stream=True, stream_options={"include_usage": True}))
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "You said: Stream a short sentence."
    assert chunks[-1].usage.total_tokens > 0


@pytest.mark.vcr("responses.yaml")
def test_responses_stream_retrieve_and_items(client: OpenAI) -> None:
    with client.responses.stream(model="gpt-4o", input="Write a haiku about tests.") as stream:
        final = stream.get_final_response()
    assert final.output_text == "You said: Write a haiku about tests."
    assert client.responses.retrieve(final.id).output_text == final.output_text
    assert [item.raw("role") for item in client.responses.input_items.list(final.id)] == ["user"]


@pytest.mark.vcr("pagination.yaml")
def test_pagination(client: OpenAI) -> None:
    for index in range(7):
        client.chat.completions.create(model="gpt-4o-mini", store=True, metadata={"suite": "pagination"}, messages=[{"role": "user", "content": f"Remember {index}"}])
    pages = list(client.chat.completions.list(limit=3, metadata={"suite": "pagination"}).iter_pages())
    assert [len(page.data) for page in pages] == [3, 3, 1]
    assert pages[-1].has_more is False


@pytest.mark.vcr("rate_limited.yaml")
def test_429_then_success(client: OpenAI) -> None:
    sleeps: list[float] = []
    reply = client.with_options(sleep=sleeps.append).chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Are you there?"}])
    assert reply.retries_taken == 1 and sleeps == [0.02]


@pytest.mark.vcr("chat.yaml")
def test_the_official_sdk_replays_the_same_cassette() -> None:
    openai = pytest.importorskip("openai")
    sdk = openai.OpenAI(api_key="sk-any", base_url=API, max_retries=0)
    assert sdk.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Say hello."}]).choices[0].message.content == "You said: Say hello."


def _upload_session(files: Any) -> tuple[str, bytes, list[str]]:
    """What cassettes/record_sessions.py does in its file_upload session, with either client."""
    lines = b"".join(b'{"messages": [{"role": "user", "content": "Q%d"}, {"role": "assistant", "content": "A%d"}]}\n' % (i, i) for i in range(3))
    uploaded = files.create(file=("train.jsonl", lines, "application/jsonl"), purpose="fine-tune")
    assert files.retrieve(uploaded.id).filename == "train.jsonl"
    listed = [item.id for item in files.list(purpose="fine-tune")]
    content = files.content(uploaded.id).read()
    assert files.delete(uploaded.id).deleted is True
    return uploaded.id, content, listed


@pytest.mark.vcr("file_upload.yaml")
def test_a_multipart_upload_replays_although_its_boundary_is_new(client: OpenAI) -> None:
    file_id, content, listed = _upload_session(client.files)
    assert listed == [file_id]
    assert content.count(b"\n") == 3 and b'"A2"' in content


@pytest.mark.vcr("file_upload.yaml")
def test_the_official_sdk_replays_the_upload_session() -> None:
    openai = pytest.importorskip("openai")
    sdk = openai.OpenAI(api_key="sk-any", base_url=API, max_retries=0)
    file_id, content, listed = _upload_session(sdk.files)
    assert listed == [file_id] and content.startswith(b'{"messages"')


def test_streams_replayed_over_the_wire_keep_their_pacing() -> None:
    with ReplayServer(CASSETTES / "streaming.yaml", pacing=1.0) as replay:
        client = OpenAI(api_key="sk-any", base_url=replay.url, trust_env=False)
        start = time.monotonic()
        arrivals = [time.monotonic() - start for _ in client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Stream a short sentence."}], stream=True, stream_options={"include_usage": True})]
    assert arrivals[0] >= 0.04  # the recording's first event came after 50 ms
    assert arrivals[-1] - arrivals[0] >= 0.05


def test_every_project_cassette_verifies(capsys: pytest.CaptureFixture[str]) -> None:
    paths = sorted(str(p) for p in CASSETTES.glob("*.yaml"))
    assert len(paths) >= 7
    assert main(["cassette", "verify", *paths]) == 0
