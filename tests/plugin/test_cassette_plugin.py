"""The cassette markers, options and fixtures in real pytest sessions (pytester)."""

from __future__ import annotations

import pathlib

import pytest

from openai_harness import MockServer

pytest_plugins = ["pytester"]

TEST_MODULE = """
import os
import pathlib
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

@pytest.mark.vcr
@pytest.mark.default_cassette("shared")
def test_uses_both():
    client().models.list()
    client().models.retrieve("gpt-4o")

@pytest.mark.vcr
@pytest.mark.default_cassette("shared.yaml")
def test_uses_one():
    client().models.list()

@pytest.mark.vcr(allow_unplayed=True)
@pytest.mark.default_cassette("shared")
def test_allowed():
    client().models.list()

@pytest.mark.vcr("shared.yaml", allow_unplayed=True)
def test_extra_cassette_answers():
    client().models.retrieve("gpt-4o")
"""
    )
    with MockServer() as server:
        monkeypatch.setenv("UPSTREAM_URL", server.url)
        pytester.runpytest("-p", "no:cacheprovider", "--record-mode=once", "-k", "uses_both").assert_outcomes(passed=1)
    assert sorted(p.name for p in (pytester.path / "cassettes" / "test_unplayed").iterdir()) == ["shared.yaml"]
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4, errors=1)
    result.stdout.fnmatch_lines(["*1 recorded interaction(s)*were never requested*", "*GET */v1/models/gpt-4o*"])
    assert not (pytester.path / "cassettes" / "test_unplayed" / "test_extra_cassette_answers.yaml").exists()  # extras are never written


def test_record_mode_precedence_is_pytest_recordings_marker_then_fixture_then_cli(pytester: pytest.Pytester) -> None:
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

def test_no_marker_no_cassette(vcr):
    assert vcr is None

@pytest.mark.vcr
def test_fixture_default(vcr):
    assert vcr.record_mode.value == "all"
    assert vcr.index.config.repeats == "repeat_last"

@pytest.mark.vcr(record_mode="new_episodes")
def test_marker_wins(vcr):
    assert vcr.record_mode.value == "new_episodes"
"""
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=3)
    pytester.runpytest("-p", "no:cacheprovider", "--record-mode=none").assert_outcomes(passed=3)
    pytester.makeconftest("")
    cli = pytester.runpytest("-p", "no:cacheprovider", "--record-mode=new_episodes", "-k", "fixture_default")
    cli.stdout.fnmatch_lines(["*assert 'new_episodes' == 'all'*"])


def test_rewrite_keeps_a_cassette_whose_marker_pins_record_mode_none(pytester: pytest.Pytester) -> None:
    cassettes = pytester.path / "cassettes" / "test_pinned"
    cassettes.mkdir(parents=True)
    source = pathlib.Path(__file__).parents[2] / "cassettes" / "chat.yaml"
    (cassettes / "test_pinned.yaml").write_bytes(source.read_bytes())
    pytester.makepyfile(
        test_pinned="""
import pytest

@pytest.mark.vcr(record_mode="none", allow_unplayed=True)
def test_pinned(vcr):
    assert vcr.record_mode.value == "none"
"""
    )
    pytester.runpytest("-p", "no:cacheprovider", "--record-mode=rewrite").assert_outcomes(passed=1)
    assert (cassettes / "test_pinned.yaml").read_bytes() == source.read_bytes()


def test_cassette_names_are_pytest_recordings_for_any_test_id(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_ids="""
import pytest

@pytest.mark.vcr
@pytest.mark.parametrize("value", ["a/b", "c:d", "with space", 'q"uote'])
def test_id(vcr, value):
    assert vcr.path.endswith(".yaml")
    print("PATH", vcr.path)

class TestGroup:
    @pytest.mark.vcr
    def test_in_class(self, vcr):
        print("PATH", vcr.path)
"""
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-s", "--record-mode=once")
    result.assert_outcomes(passed=5)
    names = {line.split("/")[-1] for line in result.outlines if "PATH /" in line}
    assert names == {"test_id[a-b].yaml", "test_id[c-d].yaml", "test_id[with space].yaml", "test_id[q-uote].yaml", "TestGroup.test_in_class.yaml"}


def test_unknown_cassette_options_are_refused_by_name(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_typo="""
import pytest

@pytest.mark.vcr(match_om=["method"])
def test_typo():
    pass
"""
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*unknown cassette option(s) match_om*"]) if result.outlines else result.stderr.fnmatch_lines(["*match_om*"])


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


def test_the_marker_paces_an_in_process_stream_replay(pytester: pytest.Pytester) -> None:
    from openai_harness.cassettes import use_cassette
    from openai_urllib3 import OpenAI

    messages = [{"role": "user", "content": "paced"}]
    cassette_dir = pytester.path / "cassettes" / "test_paced"
    cassette_dir.mkdir(parents=True)
    with MockServer() as server:
        server.set_pacing(first_event=0.3, between_events=0.0)
        with use_cassette(cassette_dir / "test_stream.yaml", record_mode="once"):
            list(OpenAI(api_key="sk-test", base_url=server.url, max_retries=0).chat.completions.create(model="gpt-4o", messages=messages, stream=True))
        url = server.url
    pytester.makepyfile(
        test_paced=f"""
        import time
        import pytest
        from openai_urllib3 import OpenAI

        def run():
            client = OpenAI(api_key="sk-test", base_url={url!r}, max_retries=0)
            started = time.monotonic()
            list(client.chat.completions.create(model="gpt-4o", messages={messages!r}, stream=True))
            return time.monotonic() - started

        @pytest.mark.vcr("test_stream.yaml", pacing=1.0, allow_unplayed=True)
        def test_stream():
            assert run() >= 0.25
        """
    )
    result = pytester.runpytest("-p", "no:randomly", "--record-mode=none")
    result.assert_outcomes(passed=1)
