"""Every script in examples/ runs cleanly against the mock server."""

from __future__ import annotations

import importlib.util
import os
import pathlib
import subprocess
import sys

import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"
SCRIPTS = sorted(path for path in EXAMPLES.glob("*.py") if not path.name.startswith("_") and not path.name.startswith("test_"))


def test_there_are_examples() -> None:
    assert len(SCRIPTS) >= 4


@pytest.mark.parametrize("script", SCRIPTS, ids=[path.stem for path in SCRIPTS])
def test_example_runs(script: pathlib.Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("OPENAI_")}
    result = subprocess.run([sys.executable, str(script)], cwd=EXAMPLES, capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert "sk-example" not in result.stdout


def test_the_downstream_example_suite_passes() -> None:
    """examples/downstream is a project's own test suite: fixtures, a cassette and strategies."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("OPENAI_")}
    folder = EXAMPLES / "downstream"
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly"], cwd=folder, capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "3 passed" in result.stdout


RECORDING_SUITE = EXAMPLES / "pytest_recording_suite"


def _run_recording_suite(*options: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("OPENAI_")}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "--record-mode=none", *options]
    return subprocess.run(command, cwd=RECORDING_SUITE, capture_output=True, text=True, timeout=300, env=env)


@pytest.mark.parametrize("plugin", ["openai-harness", "pytest-recording"])
def test_a_pytest_recording_suite_passes_unchanged(plugin: str) -> None:
    """examples/pytest_recording_suite was written and recorded with pytest-recording and openai 1.40;
    today's SDK replays it under the harness (which sets pytest-recording aside) and under
    pytest-recording alone, with the same files and no edit."""
    if plugin == "pytest-recording":
        if importlib.util.find_spec("pytest_recording") is None:  # not imported here: it would register assert rewrites late
            pytest.skip("pytest-recording is not installed")
        result = _run_recording_suite("-p", "no:openai_harness")
    else:
        result = _run_recording_suite()
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "8 passed" in result.stdout
