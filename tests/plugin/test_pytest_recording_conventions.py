"""A suite written for pytest-recording runs under the harness unchanged, whether or not
pytest-recording is installed or loaded first (pytester, real vcrpy, real sockets)."""

from __future__ import annotations

import json
import pathlib

import pytest
import urllib3
import vcr as vcrpy

from openai_harness import MockServer
from openai_harness._network import NetworkBlockedError, blocking_network, is_loopback

pytest_plugins = ["pytester"]

CONFTEST = """
import pytest

def by_model(r1, r2):
    import json
    assert json.loads(r1.body)["model"] == json.loads(r2.body)["model"], "models differ"

def pytest_recording_configure(config, vcr):
    vcr.register_matcher("by_model", by_model)

@pytest.fixture(scope="module")
def vcr_config():
    return {"filter_headers": ["authorization"]}
"""

SUITE = """
import json
import os
import pytest
import urllib3

URL = os.environ.get("UPSTREAM_URL", "http://127.0.0.1:9/v1")

def chat(content, model="gpt-4o-mini"):
    body = json.dumps({"model": model, "messages": [{"role": "user", "content": content}]})
    response = urllib3.request("POST", URL + "/chat/completions", body=body, headers={"Content-Type": "application/json", "Authorization": "Bearer sk-test"})
    return json.loads(response.data)

@pytest.mark.vcr
def test_drifted_body_still_replays():
    assert chat("a message the code now shapes differently")["object"] == "chat.completion"

@pytest.mark.vcr(match_on=["method", "path", "by_model"])
@pytest.mark.default_cassette("test_drifted_body_still_replays")
def test_custom_matcher_from_the_hook():
    assert chat("anything")["object"] == "chat.completion"

@pytest.mark.vcr(match_on=["method", "path", "by_model"])
@pytest.mark.default_cassette("test_drifted_body_still_replays")
def test_custom_matcher_refuses():
    with pytest.raises(Exception, match="models differ"):
        chat("anything", model="gpt-4o")

@pytest.mark.vcr
def test_disabled(vcr):
    print("CASSETTE", vcr is not None)
"""


def _record_foreign_cassette(directory: pathlib.Path, server: MockServer) -> None:
    """A cassette as plain vcrpy writes it (not the harness's format), with two interactions."""
    body = json.dumps({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hello"}]})
    with vcrpy.use_cassette(str(directory / "test_drifted_body_still_replays.yaml"), record_mode="once", filter_headers=["authorization"]):
        for _ in range(2):
            urllib3.request("POST", server.url + "/chat/completions", body=body, headers={"Content-Type": "application/json", "Authorization": "Bearer sk-test"})
    assert "openai_harness_cassette" not in (directory / "test_drifted_body_still_replays.yaml").read_text()


@pytest.mark.parametrize(
    "load",
    [
        pytest.param([], id="entry-points"),
        pytest.param(["-p", "pytest_recording.plugin"], id="pytest-recording-first"),
        pytest.param(["-p", "no:recording"], id="pytest-recording-absent"),
    ],
)
def test_a_pytest_recording_suite_with_a_vcrpy_cassette_passes_unchanged(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, load: list[str]) -> None:
    pytest.importorskip("pytest_recording")
    cassettes = pytester.path / "cassettes" / "test_suite"
    cassettes.mkdir(parents=True)
    with MockServer() as server:
        monkeypatch.setenv("UPSTREAM_URL", server.url)
        _record_foreign_cassette(cassettes, server)
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_suite=SUITE)
    result = pytester.runpytest("-p", "no:cacheprovider", *load)  # the server is gone: replay only
    result.assert_outcomes(passed=4)
    # vcrpy matched without the body; the harness says the body drifted and what was left unplayed.
    result.stdout.fnmatch_lines(["*openai-harness cassettes*", "*test_drifted_body_still_replays*body differs: fields messages*", "*1 recorded interaction(s)*never requested*"])
    disabled = pytester.runpytest("-p", "no:cacheprovider", "-s", "--disable-recording", "-k", "disabled", *load)
    disabled.stdout.fnmatch_lines(["*CASSETTE False*"])


def test_block_network_marker_and_allowed_hosts(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    pytester.makepyfile(
        test_blocked="""
import os
import pytest
import urllib3

def get():  # a fresh pool: a kept-alive connection would need no connect
    return urllib3.PoolManager(retries=False).request("GET", os.environ["UPSTREAM_URL"] + "/models")

@pytest.mark.block_network
def test_blocked():
    with pytest.raises(RuntimeError, match="Network is disabled for host '127.0.0.1'"):
        get()

@pytest.mark.block_network(allowed_hosts=["127\\\\.0\\\\.0\\\\.1"])
def test_allowed():
    assert get().status == 200

def test_cli_blocks():
    get()

@pytest.mark.block_network(hosts=["x"])
def test_bad_marker():
    pass
"""
    )
    with MockServer() as server:
        monkeypatch.setenv("UPSTREAM_URL", server.url)
        result = pytester.runpytest("-p", "no:cacheprovider")
        result.assert_outcomes(passed=3, errors=1)
        blocked = pytester.runpytest("-p", "no:cacheprovider", "--block-network", "-k", "cli_blocks")
        blocked.assert_outcomes(failed=1)
        allowed = pytester.runpytest("-p", "no:cacheprovider", "--block-network", "--allowed-hosts=127.0.0.1,localhost", "-k", "cli_blocks")
        allowed.assert_outcomes(passed=1)


def test_blocking_restores_the_socket_and_knows_loopback() -> None:
    import socket

    before = socket.socket.connect

    def get(url: str) -> int:
        return urllib3.PoolManager(retries=False).request("GET", url).status  # a fresh pool connects anew

    with MockServer() as server, blocking_network(allow_loopback=True):
        assert get(server.url + "/models") == 200
        with blocking_network(), pytest.raises(NetworkBlockedError):
            get(server.url + "/models")
        assert get(server.url + "/models") == 200
    assert socket.socket.connect is before
    assert is_loopback("127.0.0.5") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("203.0.113.5") and not is_loopback("api.openai.com")


def test_xdist_workers_recording_into_one_cassette_keep_every_interaction(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("xdist")
    pytester.makepyfile(
        test_shared="""
import os
import pytest
import urllib3

@pytest.mark.vcr(record_mode="new_episodes")
@pytest.mark.default_cassette("shared")
@pytest.mark.parametrize("n", range(12))
def test_records_one(n):
    assert urllib3.PoolManager().request("GET", os.environ["UPSTREAM_URL"] + f"/models/model-{n}").status in (200, 404)
"""
    )
    with MockServer() as server:
        monkeypatch.setenv("UPSTREAM_URL", server.url)
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2")
        result.assert_outcomes(passed=12)
    from openai_harness.cassettes import load_cassette

    recorded = sorted(interaction.request.uri.rsplit("/", 1)[1] for interaction in load_cassette(pytester.path / "cassettes" / "test_shared" / "shared.yaml"))
    assert recorded == sorted(f"model-{n}" for n in range(12))
    assert not [p.name for p in (pytester.path / "cassettes" / "test_shared").iterdir() if p.name != "shared.yaml"]


CHILD = """
import os, socket, sys, urllib.request
target = sys.argv[1]
try:
    if target == "env":
        print("RULES", os.environ.get("OPENAI_HARNESS_BLOCK_NETWORK"))
    elif target == "remote":
        socket.create_connection(("203.0.113.9", 443), timeout=2)
    else:
        urllib.request.urlopen(target, timeout=5).read()
    print("REACHED")
except RuntimeError as error:
    print("BLOCKED", error)
"""


def test_python_subprocesses_inherit_the_block_and_other_sitecustomize_still_runs(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess
    import sys

    own_site = tmp_path / "own"
    own_site.mkdir()
    (own_site / "sitecustomize.py").write_text("import os\nos.environ['OWN_SITECUSTOMIZE'] = 'ran'\nprint('OWN SITECUSTOMIZE')\n")
    monkeypatch.setenv("PYTHONPATH", str(own_site))
    script = tmp_path / "child.py"
    script.write_text(CHILD)

    def child(target: str) -> str:
        return subprocess.run([sys.executable, str(script), target], capture_output=True, text=True, timeout=60).stdout

    with MockServer() as server, blocking_network(allow_loopback=True, reason="record mode 'none' replays from the cassette only"):
        remote = child("remote")
        local = child(server.url + "/models")
    assert "BLOCKED Network is disabled for host '203.0.113.9'" in remote and "inherited by this subprocess" in remote
    assert "REACHED" in local  # loopback stays open, as in the test process
    assert remote.count("OWN SITECUSTOMIZE") == 1  # the project's own sitecustomize still runs
    after = child("env")
    assert "RULES None" in after and "OWN SITECUSTOMIZE" in after  # outside the block, nothing is inherited
    import os

    assert os.environ["PYTHONPATH"] == str(own_site)
