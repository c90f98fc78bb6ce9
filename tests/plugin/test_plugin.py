"""The pytest plugin, exercised in real pytest sessions with pytester."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]


def test_fixtures_markers_and_reset_between_tests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from openai_harness import ChatReply, Status
        from openai_urllib3 import RateLimitError

        @pytest.mark.openai_fault("POST /chat/completions", Status(429), times=2)
        def test_faults_from_a_marker(openai_client, openai_server):
            reply = openai_client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}])
            assert reply.choices[0].message.content == "You said: x"
            assert openai_server.journal.retry_counts("POST /chat/completions") == [0, 1, 2]

        @pytest.mark.openai_reply("POST /chat/completions", ChatReply(content="scripted"))
        def test_reply_from_a_marker(openai_client):
            reply = openai_client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}])
            assert reply.choices[0].message.content == "scripted"

        def test_the_server_was_reset(openai_server):
            assert openai_server.journal.count() == 0
            assert openai_server.faults.pending() == 0

        SEEN = set()

        @pytest.mark.parametrize("n", [1, 2])
        def test_same_server_for_the_session(openai_server, n):
            SEEN.add(openai_server.url)
            assert len(SEEN) == 1
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=5)


def test_server_errors_fail_the_test_that_caused_them(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from openai_urllib3 import InternalServerError
        import pytest

        def test_breaks_the_server(openai_client, openai_server):
            def boom(body):
                raise RuntimeError("kaboom in the server")
            openai_server.script("POST /chat/completions", boom)
            with pytest.raises(InternalServerError):
                openai_client.with_options(max_retries=0).chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])

        def test_next_test_is_clean(openai_server):
            openai_server.check()
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*kaboom in the server*"])


def test_markers_are_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.openai_fault*", "@pytest.mark.openai_reply*"])


PROFILE_PROBE = """
from hypothesis import settings

def test_profile():
    print("PROFILE=%s MAX=%d" % (settings.get_current_profile_name(), settings.default.max_examples))
"""


@pytest.mark.parametrize(
    ("ini", "args", "expected"),
    [
        ("", [], None),
        ("openai_hypothesis_profile = ci\n", [], "PROFILE=openai-harness-ci MAX=25"),
        ("openai_hypothesis_profile = ci\n", ["--openai-fuzz"], "PROFILE=openai-harness-fuzz MAX=2000"),
        ("", ["--hypothesis-profile=openai-harness-ci"], "PROFILE=openai-harness-ci MAX=25"),
    ],
    ids=["untouched", "ini", "fuzz-option", "hypothesis-option"],
)
def test_the_plugin_loads_the_hypothesis_profile_asked_for(pytester: pytest.Pytester, ini: str, args: list[str], expected: str | None) -> None:
    pytester.makeini("[pytest]\n" + ini)
    pytester.makepyfile(test_probe=PROFILE_PROBE)
    result = pytester.runpytest_subprocess("-s", "-p", "no:cacheprovider", *args)  # a profile is process-wide
    result.assert_outcomes(passed=1)
    if expected is None:  # hypothesis's own choice ("default", or "ci" on a CI machine) is left alone
        result.stdout.fnmatch_lines(["*PROFILE=*"])
        result.stdout.no_fnmatch_line("*PROFILE=openai-harness*")
    else:
        result.stdout.fnmatch_lines(["*" + expected])


def test_official_sdk_fixture_retries_scripted_faults_without_sleeping_their_backoff(pytester: pytest.Pytester) -> None:
    pytest.importorskip("openai")
    pytester.makepyfile(
        """
        import time
        import pytest
        from openai_harness import Status

        @pytest.mark.openai_fault("POST /chat/completions", Status(429), Status(500), Status(503))
        def test_three_retries(openai_sdk_client, openai_server):
            client = openai_sdk_client.with_options(max_retries=3)
            started = time.perf_counter()
            reply = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}])
            assert time.perf_counter() - started < 0.5  # the SDK's own backoff would be about 3.5 s
            assert reply.choices[0].message.content == "You said: x"
            assert openai_server.journal.retry_counts("POST /chat/completions") == [0, 1, 2, 3]

        @pytest.mark.openai_fault("POST /chat/completions", Status(429, headers={"retry-after-ms": "300"}))
        def test_a_real_retry_after_is_waited(openai_sdk_client):
            started = time.perf_counter()
            openai_sdk_client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}])
            assert time.perf_counter() - started >= 0.3
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_hypothesis_tests_take_the_server_fixtures_without_failing_the_health_check(pytester: pytest.Pytester) -> None:
    pytest.importorskip("hypothesis")
    pytester.makepyfile(
        """
        import pytest
        from hypothesis import given, settings, strategies as st

        @settings(max_examples=5)
        @given(st.text(min_size=1, max_size=10))
        def test_with_the_server(openai_client, openai_server, text):
            openai_server.reset()
            reply = openai_client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": text}])
            assert reply.choices[0].message.content == "You said: " + text
            assert openai_server.journal.count() == 1

        @pytest.fixture
        def mine():
            return 1

        @given(st.integers())
        def test_another_function_scoped_fixture_still_warns(openai_server, mine, n):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*test_another_function_scoped_fixture_still_warns*uses a function-scoped fixture*"])
