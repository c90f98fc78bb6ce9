"""Record and replay, in-process (vcrpy) and over the wire, with this client and the official SDK."""

from __future__ import annotations

import pathlib
import subprocess
import sys
import time
from typing import Any

import pytest

from openai_harness import ChatReply, MockServer, Status, StreamCut, ToolCall
from openai_harness.cassettes import CassetteMissError, load_cassette, use_cassette
from openai_harness.cassettes._replay import RecordingProxy, ReplayServer
from openai_urllib3 import APIConnectionError, NotFoundError, OpenAI

openai = pytest.importorskip("openai")

KEY = "sk-proj-" + "Z9y8X7w6" * 5
MESSAGES: Any = [{"role": "user", "content": "hello"}]


def ours(url: str, **kwargs: Any) -> OpenAI:
    return OpenAI(api_key=KEY, base_url=url, sleep=lambda s: None, trust_env=False, **kwargs)


def test_in_process_record_then_replay_offline_with_both_clients(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "session.yaml"
    with MockServer() as server:
        url = server.url
        server.script("POST /chat/completions", ChatReply(tool_calls=[ToolCall("lookup", {"q": 1}, id="call_1")]))
        with use_cassette(path, record_mode="once"):
            recorded_tool = ours(url).chat.completions.create(model="gpt-4o", messages=MESSAGES)
            recorded_stream = [c.choices[0].delta.content for c in ours(url).chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True) if c.choices]
            recorded_official = openai.OpenAI(api_key=KEY, base_url=url).models.retrieve("gpt-4o").id
    text = path.read_text()
    assert KEY not in text and "Bearer REDACTED" in text
    assert "events:" in text  # the stream is stored event by event
    # The server is gone: only the cassette can answer now.
    with use_cassette(path) as cassette:
        assert ours(url, max_retries=0).chat.completions.create(model="gpt-4o", messages=MESSAGES).to_dict() == recorded_tool.to_dict()
        replayed = [c.choices[0].delta.content for c in ours(url, max_retries=0).chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True) if c.choices]
        assert replayed == recorded_stream
        assert openai.OpenAI(api_key="x", base_url=url, max_retries=0).models.retrieve("gpt-4o").id == recorded_official
        assert cassette.all_played


def test_a_retry_after_429_is_recorded_and_replayed_in_order(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "retry.yaml"
    with MockServer() as server:
        url = server.url
        server.fault("POST /chat/completions", Status(429, headers={"retry-after-ms": "1"}))
        with use_cassette(path, record_mode="once"):
            assert ours(url).chat.completions.create(model="gpt-4o", messages=MESSAGES).choices[0].message.content == "You said: hello"
    statuses = [i.response.status for i in load_cassette(path)]
    assert statuses == [429, 200]
    sleeps: list[float] = []
    with use_cassette(path) as cassette:
        client = OpenAI(api_key="x", base_url=url, sleep=sleeps.append, trust_env=False)
        assert client.chat.completions.create(model="gpt-4o", messages=MESSAGES).choices[0].message.content == "You said: hello"
        assert cassette.all_played
    assert sleeps == [0.001]  # the recorded retry-after-ms was honoured on replay


def test_a_miss_in_none_mode_names_the_request_and_how_to_record(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "empty.yaml"
    with use_cassette(path), pytest.raises(CassetteMissError) as info:
        ours("https://api.openai.com/v1").models.list()
    message = str(info.value)
    assert "GET https://api.openai.com/v1/models" in message
    assert "--record-mode=once" in message and "openai-harness record" in message


def test_replay_is_not_slowed_by_many_interactions(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "many.yaml"
    with MockServer() as server:
        url = server.url
        with use_cassette(path, record_mode="once"):
            client = ours(url)
            for index in range(300):
                client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": str(index)}])
    with use_cassette(path) as cassette:
        client = ours(url, max_retries=0)
        for index in reversed(range(300)):
            assert client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": str(index)}]).choices[0].message.content == f"You said: {index}"
        assert cassette.all_played


def test_over_the_wire_recording_keeps_offsets_and_replay_reproduces_pacing(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "wire.yaml"
    with MockServer() as server:
        server.set_pacing(first_event=0.03, between_events=0.02)
        with RecordingProxy(server.root_url, path) as proxy:
            chunks = list(ours(proxy.url).chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True))
            proxy.check()
    response = load_cassette(path)[0].response
    assert response.events is not None and len(response.events) == len(chunks) + 1  # + [DONE]
    offsets = [e.offset_ms or 0 for e in response.events]
    assert offsets[0] >= 25 and offsets == sorted(offsets) and offsets[-1] - offsets[0] >= 20 * (len(offsets) - 2)
    with ReplayServer(path) as fast:
        start = time.monotonic()
        assert len(list(ours(fast.url).chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True))) == len(chunks)
        fast_time = time.monotonic() - start
    with ReplayServer(path, pacing=1.0) as paced:
        start = time.monotonic()
        arrivals = [time.monotonic() - start for _ in ours(paced.url).chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True)]
    assert arrivals[0] >= 0.025 and arrivals[-1] >= offsets[-2] / 1000 * 0.9
    assert fast_time < arrivals[-1]


def test_a_cut_stream_stays_cut_over_the_wire_and_in_process(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "cut.yaml"
    with MockServer() as server:
        server.fault("POST /chat/completions", StreamCut(after_events=3))
        with RecordingProxy(server.root_url, path) as proxy:
            with pytest.raises(APIConnectionError):
                list(ours(proxy.url, max_retries=0).chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True))
        url = server.url
    recorded = load_cassette(path)[0].response
    assert recorded.cut and recorded.events is not None and len(recorded.events) == 3
    with ReplayServer(path) as replay:
        received = []
        with pytest.raises(APIConnectionError):
            for chunk in ours(replay.url, max_retries=0).chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True):
                received.append(chunk)
        assert len(received) == 3
    in_process = load_cassette(path)[0]
    in_process.request.uri = url + "/chat/completions"
    from openai_harness.cassettes import dump_cassette

    dump_cassette(path, [in_process])
    with use_cassette(path):
        received = []
        with pytest.raises(APIConnectionError):
            for chunk in ours(url, max_retries=0).chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True):
                received.append(chunk)
        assert len(received) == 3


def test_replay_server_serves_the_official_sdk_and_reports_misses(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "official.yaml"
    with MockServer() as server:
        with RecordingProxy(server.root_url, path) as proxy:
            sdk = openai.OpenAI(api_key=KEY, base_url=proxy.url)
            with sdk.chat.completions.stream(model="gpt-4o", messages=MESSAGES) as stream:
                final = stream.get_final_completion()
    with ReplayServer(path) as replay:
        sdk = openai.OpenAI(api_key="x", base_url=replay.url, max_retries=0)
        with sdk.chat.completions.stream(model="gpt-4o", messages=MESSAGES) as stream:
            assert stream.get_final_completion().choices[0].message.content == final.choices[0].message.content
        with pytest.raises(openai.NotFoundError) as info:
            sdk.models.list()
        assert "No recorded answer for GET /v1/models" in str(info.value)
        with pytest.raises(AssertionError, match="No recorded answer"):
            replay.check()


def test_recording_proxy_scrubs_what_it_writes(tmp_path: pathlib.Path) -> None:
    from openai_harness.cassettes import Scrubber

    path = tmp_path / "scrubbed.yaml"
    with MockServer() as server, RecordingProxy(server.root_url, path, scrubber=Scrubber(json_paths=["messages[*].content"])) as proxy:
        ours(proxy.url).chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "my secret plan"}])
    text = path.read_text()
    assert "my secret plan" not in text.split("response:")[0] and KEY not in text


def test_replay_and_record_commands(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "cli.yaml"
    with MockServer() as server:
        recorder = subprocess.Popen([sys.executable, "-m", "openai_harness", "record", str(path), "--upstream", server.root_url], stdout=subprocess.PIPE, text=True)
        try:
            assert recorder.stdout is not None
            proxy_url = recorder.stdout.readline().split(" at ")[1].split()[0]
            assert ours(proxy_url).models.retrieve("gpt-4o").id == "gpt-4o"
        finally:
            recorder.terminate()
            recorder.wait(10)
    replayer = subprocess.Popen([sys.executable, "-m", "openai_harness", "replay", str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert replayer.stdout is not None
        replay_url = replayer.stdout.readline().split(" at ")[1].split()[0]
        with pytest.raises(NotFoundError, match="No recorded answer"):
            ours(replay_url, max_retries=0).models.list()
        assert ours(replay_url).models.retrieve("gpt-4o").owned_by == "system"
    finally:
        replayer.terminate()
        replayer.wait(10)


def test_cassette_commands_verify_scrub_show(tmp_path: pathlib.Path) -> None:
    from openai_harness._cli import main

    path = tmp_path / "c.yaml"
    with MockServer() as server, RecordingProxy(server.root_url, path) as proxy:
        ours(proxy.url).chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "call me at 555-0199"}])
    assert main(["cassette", "verify", str(path)]) == 0
    assert main(["cassette", "scrub", str(path), "--pattern", r"555-\d{4}"]) == 0
    assert "555-0199" not in path.read_text()
    assert main(["cassette", "show", str(path)]) == 0
    path.write_text(path.read_text() + "\n  oops: [")
    assert main(["cassette", "verify", str(path)]) == 1


@pytest.mark.parametrize("target", ["@{other}/v1/models", "http://{other}/v1/models", ":{port}/v1/models"])
def test_the_recording_proxy_reaches_only_its_upstream(tmp_path: pathlib.Path, target: str) -> None:
    import socket

    with MockServer() as upstream, MockServer() as other, RecordingProxy(upstream.root_url, tmp_path / "c.yaml") as proxy:
        other_address = other.root_url.split("://", 1)[1]
        aimed = target.format(other=other_address, port=other_address.rsplit(":", 1)[1])
        with socket.create_connection((proxy.host, proxy.port), timeout=5) as connection:
            connection.sendall(f"GET {aimed} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer caller-secret\r\nConnection: close\r\n\r\n".encode())
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
        assert b"x-should-retry: false" in answer.lower()
        assert other.journal.count() == 0 and upstream.journal.count() == 0


def _packed_key() -> str:
    """A key packed by the application (base64 of gzip): no scrubber reaches it, the gate does."""
    import base64
    import gzip

    return base64.b64encode(gzip.compress(KEY.encode())).decode()


@pytest.mark.parametrize("client", ["ours", "official"])
def test_a_refused_write_is_an_answer_the_client_does_not_retry(tmp_path: pathlib.Path, client: str) -> None:
    path = tmp_path / "refused.yaml"
    messages = [{"role": "user", "content": "blob " + _packed_key()}]
    with MockServer() as server:
        proxy = RecordingProxy(server.root_url, path).start()
        try:
            if client == "ours":
                with pytest.raises(Exception) as info:
                    ours(proxy.url, max_retries=3).chat.completions.create(model="gpt-4o", messages=messages)
            else:
                sdk = openai.OpenAI(api_key=KEY, base_url=proxy.url, max_retries=3)
                with pytest.raises(openai.InternalServerError) as info:
                    sdk.chat.completions.create(model="gpt-4o", messages=messages)
            assert getattr(info.value, "status_code", None) == 500
            assert "cassette_write_refused" in str(getattr(info.value, "body", "")) or getattr(info.value, "code", None) == "cassette_write_refused"
            assert KEY not in str(info.value)
            assert server.journal.count("POST /chat/completions") == 1  # sent upstream once, never retried
            # A stream: the refusal is its last event, which the SDKs raise as an API error.
            server.reset()
            if client == "ours":
                stream = ours(proxy.url, max_retries=3).chat.completions.create(model="gpt-4o", messages=messages, stream=True)
            else:
                stream = sdk.chat.completions.create(model="gpt-4o", messages=messages, stream=True)
            with pytest.raises(Exception, match="Refusing to write") as stream_info:
                for _ in stream:
                    pass
            assert KEY not in str(stream_info.value)
            assert server.journal.count("POST /chat/completions") == 1
        finally:
            proxy.stop()
            proxy.clear_errors()
        assert not path.exists()


def test_drop_unused_requests_keeps_only_what_was_played_on_every_vcrpy(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "dropping.yaml"
    with MockServer() as server:
        with use_cassette(path, record_mode="once"):
            client = ours(server.url)
            client.models.list()
            client.models.retrieve("gpt-4o")
    assert len(load_cassette(path)) == 2
    with use_cassette(path, record_mode="new_episodes", drop_unused_requests=True):
        ours("http://127.0.0.1:9/v1").models.list()  # answered from the cassette; the retrieve is never asked for
    kept = load_cassette(path)
    assert [interaction.request.path for interaction in kept] == ["/v1/models"]
