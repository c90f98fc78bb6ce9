"""Shared test setup: loopback only, and a run where no test passed is a failure."""

from __future__ import annotations

import os
from typing import Iterator

import pytest

# Tests talk to loopback only; a proxy from the environment must not capture them.
for _name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy", "OPENAI_LOG", "OPENAI_BASE_URL"):
    os.environ.pop(_name, None)

_passed = 0


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    global _passed
    if report.when == "call" and report.passed:
        _passed += 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # "No tests collected" is already exit 5; also fail when everything was skipped or deselected.
    if exitstatus == 0 and _passed == 0 and not hasattr(session.config, "workerinput"):
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _server_answers_follow_the_spec(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every answer the mock server makes itself during a test validates against the spec."""
    yield
    server = request.node.funcargs.get("openai_server") if hasattr(request.node, "funcargs") else None
    if server is None or request.node.get_closest_marker("no_spec_check"):
        return
    from .spec_responses import response_problems

    problems = []
    for entry in server.journal.all():
        if entry.scripted or entry.fault or entry.response_body is None or entry.status is None or not 200 <= entry.status < 300:
            continue
        if entry.route is None or ("{" not in entry.route and entry.route.count(" ") != 1):
            continue
        key = _spec_key(entry)
        if key is None:
            continue
        for problem in response_problems(key, entry.response_body):
            problems.append(f"{entry.method} {entry.path}: {problem}")
    assert not problems, "the mock server answered outside the spec:\n" + "\n".join(problems[:20])


def _spec_key(entry: object) -> str | None:
    from openai_harness.server._spec import spec_index

    found = spec_index().find(entry.method, entry.path)  # type: ignore[attr-defined]
    return found[0]["key"] if isinstance(found, tuple) else None
