"""Every script in examples/ runs cleanly against the mock server."""

from __future__ import annotations

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
