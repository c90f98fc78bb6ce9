"""The control API over plain HTTP (what a client in any language would use) and the CLI."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from typing import Any

import pytest

from openai_harness import MockServer
from openai_harness._cli import main


def call(server: MockServer, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(server.root_url + path, data=data, method=method, headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_health_and_description(openai_server: MockServer) -> None:
    assert call(openai_server, "GET", "/__harness/health") == (200, {"status": "ok", "url": openai_server.url})
    status, info = call(openai_server, "GET", "/__harness")
    assert status == 200 and "GET /models" in info["routes"]


def test_schedule_faults_over_http(openai_server: MockServer) -> None:
    status, body = call(openai_server, "POST", "/__harness/faults", {"route": "GET /models", "faults": [{"kind": "status", "status": 429, "headers": {"retry-after-ms": "1"}}], "times": 2})
    assert (status, body) == (200, {"scheduled": 1})
    assert call(openai_server, "GET", "/v1/models")[0] == 429
    assert call(openai_server, "GET", "/v1/models")[0] == 429
    assert call(openai_server, "GET", "/v1/models")[0] == 200
    assert call(openai_server, "GET", "/__harness/faults") == (200, {"object": "list", "data": []})


def test_random_faults_and_clearing(openai_server: MockServer) -> None:
    assert call(openai_server, "POST", "/__harness/faults/random", {"seed": 1, "rate": 1.0, "faults": [{"kind": "status", "status": 503}]})[0] == 200
    assert call(openai_server, "GET", "/v1/models")[0] == 503
    assert call(openai_server, "DELETE", "/__harness/faults")[0] == 200
    assert call(openai_server, "GET", "/v1/models")[0] == 200


def test_script_replies_and_read_the_journal(openai_server: MockServer) -> None:
    assert call(openai_server, "POST", "/__harness/replies", {"replies": [{"content": "scripted!"}, {"tool_calls": [{"name": "f", "arguments": {"a": 1}}]}]})[0] == 200
    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}
    assert call(openai_server, "POST", "/v1/chat/completions", body)[1]["choices"][0]["message"]["content"] == "scripted!"
    second = call(openai_server, "POST", "/v1/chat/completions", body)[1]["choices"][0]
    assert second["finish_reason"] == "tool_calls"
    status, journal = call(openai_server, "GET", "/__harness/journal")
    assert status == 200
    assert [(e["method"], e["path"], e["status"]) for e in journal["data"]] == [("POST", "/chat/completions", 200)] * 2
    assert journal["data"][0]["body"] == body
    assert call(openai_server, "DELETE", "/__harness/journal")[0] == 200
    assert openai_server.journal.count() == 0


def test_reset_clock_and_models(openai_server: MockServer) -> None:
    assert call(openai_server, "POST", "/__harness/models", {"id": "ft:x", "owned_by": "me"})[1]["id"] == "ft:x"
    assert call(openai_server, "GET", "/v1/models/ft:x")[0] == 200
    assert call(openai_server, "POST", "/__harness/clock/advance", {"seconds": 30})[1] == {"now": 1_700_000_030}
    assert call(openai_server, "POST", "/__harness/reset", {})[0] == 200
    assert call(openai_server, "GET", "/v1/models/ft:x")[0] == 404


def test_reset_restores_the_check_levels_the_server_was_made_with(openai_server: MockServer) -> None:
    openai_server.validation, openai_server.unknown_ids = "off", "permissive"
    assert call(openai_server, "POST", "/v1/chat/completions", {"model": "m", "messages": [], "bogus": 1})[0] == 200
    openai_server.reset()
    assert (openai_server.validation, openai_server.unknown_ids) == ("strict", "faithful")
    assert call(openai_server, "POST", "/v1/chat/completions", {"model": "m", "messages": [], "bogus": 1})[0] == 400


@pytest.mark.parametrize(
    ("path", "body", "param"),
    [
        ("/__harness/faults", {"faults": [{"kind": "explode"}]}, "faults"),
        ("/__harness/faults", {"faults": []}, "faults"),
        ("/__harness/faults", {"route": "FETCH /x", "faults": [{"kind": "empty"}]}, None),
        ("/__harness/replies", {"replies": [{"contnet": "typo"}]}, "replies"),
        ("/__harness/clock/advance", {"seconds": -1}, "seconds"),
        ("/__harness/clock/advance", {"seconds": 1e308}, "seconds"),  # past any timestamp a client parses
        ("/__harness/clock/step", {"seconds": "1"}, "seconds"),
        ("/__harness/state", {"models": 5}, None),
        ("/__harness/state", {"files": [{"content": 5}]}, None),
        ("/__harness/state", {"durations": {"batch_in_progress": -1}}, None),
        ("/__harness/state", {"durations": {"batch_in_progres": 1}}, None),
        ("/__harness/state", {"format": "openai-harness-state/1", "clock_offset": 0}, None),
        ("/__harness/faults", {"faults": [{"kind": "delay", "seconds": 1e308}]}, "faults"),
        ("/__harness/faults", {"faults": [{"kind": "status", "status": "429"}]}, "faults"),
        ("/__harness/faults", {"faults": [{"kind": "status", "status": 429, "headers": 5}]}, "faults"),
        ("/__harness/faults", {"faults": [{"kind": "garbage", "data": 5}]}, "faults"),
        ("/__harness/faults", {"faults": [{"kind": "hang", "seconds": -1}]}, "faults"),
        ("/__harness/faults", {"faults": [{"kind": "close", "code": 7}]}, "faults"),
        ("/__harness/faults", {"times": "2", "faults": [{"kind": "empty"}]}, None),
        ("/__harness/faults/random", {"seed": "x", "rate": 0.5, "faults": [{"kind": "empty"}]}, None),
        ("/__harness/replies", {"replies": [{"raw": {}, "status": 99999}]}, "replies"),
        ("/__harness/replies", {"replies": [{"raw": {}, "headers": 5}]}, "replies"),
        ("/__harness/replies", {"replies": [{"content": 5}]}, "replies"),
        ("/__harness/replies", {"replies": [{"tool_calls": 5}]}, "replies"),
        ("/__harness/replies", {"replies": [{"tool_calls": [{"name": 5}]}]}, "replies"),
        ("/__harness/replies", {"replies": [{"usage": "many"}]}, "replies"),
        ("/__harness/replies", {"replies": [{"finish_reason": "bored"}]}, "replies"),
    ],
)
def test_bad_control_requests_get_a_clear_400(openai_server: MockServer, path: str, body: Any, param: str | None) -> None:
    status, answer = call(openai_server, "POST", path, body)
    assert status == 400
    assert answer["error"]["param"] == param
    assert answer["error"]["message"]


def test_control_requests_are_not_journaled_or_faulted(openai_server: MockServer) -> None:
    openai_server.fault("*", __import__("openai_harness").Status(500))
    assert call(openai_server, "GET", "/__harness/health")[0] == 200
    assert openai_server.journal.count() == 0


def test_cli_serve_prints_the_url_and_serves() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "openai_harness", "serve", "--port", "0", "--require-key", "sk-cli-key-000"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        url = line.split(" at ", 1)[1].split()[0]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v1")
        request = urllib.request.Request(url + "/models", headers={"Authorization": "Bearer sk-cli-key-000"})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert json.loads(response.read())["object"] == "list"
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(url + "/models", timeout=5)
        assert info.value.code == 401
    finally:
        proc.terminate()
        proc.wait(10)


def test_cli_demo_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "every step behaved as expected" in out
    assert "sk-demo" not in out


def test_cli_usage_errors() -> None:
    with pytest.raises(SystemExit):
        main([])


def _raw_control(server: MockServer, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> tuple[int, Any]:
    request = urllib.request.Request(server.root_url + path, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_web_page_cannot_drive_the_control_api(openai_server: MockServer) -> None:
    body = json.dumps({"route": "*", "faults": [{"kind": "status", "status": 500}]}).encode()
    foreign = _raw_control(openai_server, "POST", "/__harness/faults", body, {"content-type": "application/json", "origin": "http://evil.example"})
    assert foreign[0] == 403 and foreign[1]["error"]["code"] == "forbidden_origin"
    assert _raw_control(openai_server, "POST", "/__harness/reset", None, {"origin": "null"})[0] == 403
    assert _raw_control(openai_server, "GET", "/__harness/journal", None, {"sec-fetch-site": "cross-site"})[0] == 403
    simple = _raw_control(openai_server, "POST", "/__harness/faults", body, {"content-type": "text/plain"})  # a CORS "simple request"
    assert simple[0] == 415
    assert openai_server.faults.pending() == 0
    same = _raw_control(openai_server, "POST", "/__harness/faults", body, {"content-type": "application/json", "origin": openai_server.root_url})
    assert same[0] == 200


def test_a_server_that_needs_a_key_closes_its_control_api_and_the_journal_hands_out_no_credential() -> None:
    key = "sk-" + "ctl" * 12
    with MockServer(require_key=key) as server:
        urllib.request.urlopen(
            urllib.request.Request(server.url + "/models?api-key=" + key, headers={"Authorization": f"Bearer {key}", "x-goog-api-key": "AIza" + "k" * 35}), timeout=5
        ).read()
        assert server.journal.last().headers["authorization"] == f"Bearer {key}"  # in-process assertions still see it
        assert _raw_control(server, "POST", "/__harness/reset", None, {})[0] == 401
        assert _raw_control(server, "GET", "/__harness/journal", None, {"authorization": "Bearer wrong"})[0] == 401
        status, journal = _raw_control(server, "GET", "/__harness/journal", None, {"authorization": f"Bearer {key}"})
        assert status == 200 and journal["data"]
        text = json.dumps(journal)
        assert key not in text and "AIza" not in text and "<redacted>" in text
    with MockServer(control_token="ctl-token") as server:
        assert _raw_control(server, "GET", "/__harness/journal", None, {})[0] == 401
        assert _raw_control(server, "GET", "/__harness/journal", None, {"x-harness-token": "ctl-token"})[0] == 200


def _cli(*args: str, timeout: float = 20) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "openai_harness", *args], capture_output=True, text=True, timeout=timeout)


def test_cli_user_mistakes_are_one_line_and_exit_2(tmp_path: Any) -> None:
    import socket

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = str(taken.getsockname()[1])
    seed = tmp_path / "seed.json"
    seed.write_text('{"files": 3}')
    try:
        for args in (["serve", "--port", port], ["replay", str(tmp_path / "missing.yaml")], ["serve", "--state", str(tmp_path / "missing.json")], ["serve", "--state", str(seed)]):
            result = _cli(*args)
            assert result.returncode == 2, (args, result.stderr)
            assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
            assert result.stderr.startswith(f"openai-harness {args[0]}: error: ")
    finally:
        taken.close()
    version = _cli("--version")
    assert version.returncode == 0 and version.stdout.startswith("openai-harness ")


@pytest.mark.parametrize("quiet", [False, True])
def test_cli_serve_prints_one_access_log_line_per_request_unless_quiet(quiet: bool) -> None:
    command = [sys.executable, "-m", "openai_harness", "serve", "--port", "0"] + (["-q"] if quiet else [])
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stderr is not None
        url = proc.stdout.readline().split(" at ", 1)[1].split()[0]
        stderr_lines: list[str] = []
        reader = threading.Thread(target=lambda: stderr_lines.extend(iter(proc.stderr.readline, "")), daemon=True)
        reader.start()
        urllib.request.urlopen(url + "/models?api-key=sk-in-the-query-0000", timeout=5).read()
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(url + "/models/no-such-model", timeout=5)
        # A line is written once its answer is sent, so it may follow the answer by a moment.
        deadline = time.monotonic() + (0.5 if quiet else 10)
        while time.monotonic() < deadline and len([line for line in stderr_lines if line.startswith('"')]) < 2:
            time.sleep(0.02)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    reader.join(timeout=5)
    errors = "".join(stderr_lines)
    lines = [line.rstrip("\n") for line in stderr_lines if line.startswith('"')]
    if quiet:
        assert lines == []
    else:
        assert len(lines) == 2, errors
        assert lines[0].startswith('"GET /v1/models?api-key=%3Credacted%3E" 200 ') or lines[0].startswith('"GET /v1/models?api-key=<redacted>" 200 '), lines[0]
        assert lines[1].startswith('"GET /v1/models/no-such-model" 404 ') and lines[1].endswith("ms")
        assert "sk-in-the-query" not in errors


def test_a_bad_seed_or_export_names_the_problem_and_changes_nothing() -> None:
    with MockServer() as server:
        server.load_state({"models": ["ft:gpt-4o:acme::kept"], "files": [{"filename": "a.txt", "content": "kept", "id": "file-kept"}]})
        before = server.export_state()
        problems = {
            "models[0].id": {"models": [{"owned_by": "me"}]},
            "files[0].content_base64 is not base64": {"files": [{"content_base64": "***"}]},
            "unknown key(s) ['name']": {"files": [{"name": "a.txt"}]},
            "clock_offset must be a number": {"clock_offset": float("inf")},
            "Not a complete": {key: value for key, value in before.items() if key != "blobs"},
            "Not a valid": {**before, "blobs": {"file-kept": "not base64!"}},
        }
        for fragment, source in problems.items():
            with pytest.raises(ValueError, match=re.escape(fragment)):
                server.load_state(source)
            assert server.export_state() == before, fragment  # all or nothing
        with pytest.raises(ValueError, match="a century"):
            server.advance(200 * 365 * 86400)
        server.set_clock_step(100 * 365 * 86400)
        import urllib.request

        for _ in range(3):  # the step stops at the clock's end instead of failing requests
            with urllib.request.urlopen(server.url + "/models") as answer:
                assert answer.status == 200
        server.check()


def test_faults_and_replies_are_checked_when_made_and_repetitions_cost_nothing() -> None:
    """The Python API refuses what the control API refuses, naming the field; a billion
    repetitions of a fault are counted, not copied."""
    from openai_harness import ChatReply, Delay, Empty, RawReply, Status, ToolCall

    for make, fragment in (
        (lambda: Delay(float("inf")), "Delay.seconds"),
        (lambda: Status(429, headers={"retry-after": 1}), "Status.headers"),  # type: ignore[dict-item]
        (lambda: ChatReply(content=["not", "text"]), "ChatReply.content"),  # type: ignore[arg-type]
        (lambda: ChatReply(tool_calls=[{"name": "f"}]), "ChatReply.tool_calls"),  # type: ignore[list-item]
        (lambda: ToolCall(name=""), "ToolCall.name"),
        (lambda: RawReply({"a": object()}), "RawReply.body"),
    ):
        with pytest.raises(ValueError, match=re.escape(fragment)):
            make()
    with MockServer() as server:
        server.fault("GET /models", Empty(), times=10**9)
        assert server.faults.describe()[0]["queued"] == 10**9
        server.faults.clear()
        server.fault("GET /models", Status(500), Status(503), times=2)
        import urllib.error
        import urllib.request

        seen = []
        for _ in range(5):
            try:
                with urllib.request.urlopen(server.url + "/models") as answer:
                    seen.append(answer.status)
            except urllib.error.HTTPError as error:
                seen.append(error.code)
        assert seen == [500, 503, 500, 503, 200]
