"""Shared test setup: loopback only, and a run where no test passed is a failure."""

from __future__ import annotations

import os

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
