"""The cassette markers, options and fixtures in real pytest sessions (pytester)."""

from __future__ import annotations

import pytest

from openai_harness import MockServer

pytest_plugins = ["pytester"]

TEST_MODULE = """
import os
import pytest
from openai_urllib3 import OpenAI

URL = os.environ["UPSTREAM_URL"]

def client():
    return OpenAI(api_key="sk-proj-" + "Q" * 40, base_url=URL, max_retries=0, trust_env=False)

@pytest.mark.vcr
def test_chat():
    reply = client().chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert reply.choices[0].message.content == "You said: hi"

@pytest.mark.vcr
def test_stream():
    text = "".join(c.choices[0].delta.content or "" for c in client().chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "s"}], stream=True))
    assert text == "You said: s"
"""


def test_record_once_then_replay_offline(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    pytester.makeini("[pytest]\nopenai_cassette_dir = cassettes\n")
    pytester.makepyfile(test_calls=TEST_MODULE)
    with MockServer() as server:
        monkeypatch.setenv("UPSTREAM_URL", server.url)
        missing = pytester.runpytest("-p", "no:cacheprovider")
        missing.assert_outcomes(failed=2)
        missing.stdout.fnmatch_lines(["*No recorded answer for POST*", "*--record-mode=once*"])
        recorded = pytester.runpytest("-p", "no:cacheprovider", "--record-mode=once")
        recorded.assert_outcomes(passed=2)
    cassette = pytester.path / "cassettes" / "test_calls" / "test_chat.yaml"
    assert cassette.exists() and "Q" * 40 not in cassette.read_text()
    assert (pytester.path / "cassettes" / "test_calls" / "test_stream.yaml").exists()
    replayed = pytester.runpytest("-p", "no:cacheprovider")  # the server is gone
    replayed.assert_outcomes(passed=2)


def test_unplayed_interactions_fail_the_test_unless_allowed(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    pytester.makeini("[pytest]\nopenai_cassette_dir = cassettes\n")
    pytester.makepyfile(
        test_unplayed="""
import os
import pytest
from openai_urllib3 import OpenAI

def client():
    return OpenAI(api_key="sk-x", base_url=os.environ["UPSTREAM_URL"], max_retries=0, trust_env=False)

@pytest.mark.vcr("shared.yaml")
def test_uses_both():
    client().models.list()
    client().models.retrieve("gpt-4o")

@pytest.mark.vcr("shared.yaml")
def test_uses_one():
    client().models.list()

@pytest.mark.vcr("shared.yaml", allow_unplayed=True)
def test_allowed():
    client().models.list()
"""
    )
    with MockServer() as server:
        monkeypatch.setenv("UPSTREAM_URL", server.url)
        pytester.runpytest("-p", "no:cacheprovider", "--record-mode=once", "-k", "uses_both").assert_outcomes(passed=1)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(["*1 recorded interaction(s)*were never requested*", "*GET */v1/models/gpt-4o*"])


def test_precedence_cli_over_marker_over_fixture(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
import pytest

@pytest.fixture
def vcr_config():
    return {"record_mode": "all", "repeats": "repeat_last"}
"""
    )
    pytester.makepyfile(
        test_modes="""
import pytest

def test_fixture_default(vcr):
    assert vcr.record_mode.value == "all"
    assert vcr.index.config.repeats == "repeat_last"

@pytest.mark.vcr(record_mode="new_episodes")
def test_marker_wins(vcr):
    assert vcr.record_mode.value == "new_episodes"
"""
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)
    cli = pytester.runpytest("-p", "no:cacheprovider", "--record-mode=none", "-k", "marker_wins")
    cli.assert_outcomes(failed=1)
    cli.stdout.fnmatch_lines(["*assert 'none' == 'new_episodes'*"])


def test_cassette_server_fixture_over_the_wire(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    pytester.makeini("[pytest]\nopenai_cassette_dir = cassettes\n")
    pytester.makepyfile(
        test_wire="""
import os
import subprocess, sys, json
import pytest

@pytest.mark.vcr(upstream=os.environ.get("UPSTREAM_ROOT", "http://127.0.0.1:9"))
def test_any_process_can_use_it(openai_cassette_server):
    code = (
        "import sys, json, urllib.request;"
        "r = urllib.request.urlopen(urllib.request.Request(sys.argv[1] + '/models/gpt-4o', headers={'Authorization': 'Bearer sk-x'}));"
        "print(json.loads(r.read())['id'])"
    )
    out = subprocess.run([sys.executable, "-c", code, openai_cassette_server.url], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "gpt-4o"
"""
    )
    with MockServer() as server:
        monkeypatch.setenv("UPSTREAM_ROOT", server.root_url)
        pytester.runpytest("-p", "no:cacheprovider", "--record-mode=once").assert_outcomes(passed=1)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
