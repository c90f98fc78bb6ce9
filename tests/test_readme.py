"""Every Python code block in the README runs against the mock server.

A block may be preceded by ``<!-- setup: ... -->``: Python run first with ``server`` (the mock
server) in scope, to script what the block needs. Test functions a block defines are run too,
with the ``openai_client`` / ``openai_server`` fixtures they ask for, their markers applied, and
inside a cassette recorded against the mock server when marked ``vcr``.
"""

from __future__ import annotations

import inspect
import pathlib
import re
import sys
import types
from typing import Any

import pytest

from openai_harness import ChatReply, MockServer, RawReply, Status, ToolCall
from openai_harness.cassettes import use_cassette
from openai_urllib3 import OpenAI

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"
_BLOCK = re.compile(r"(?:<!-- setup: (?P<setup>.*?) -->\n)?```python\n(?P<code>.*?)```", re.S)


def blocks() -> list[tuple[int, str | None, str]]:
    text = README.read_text(encoding="utf-8")
    return [(text[: m.start("code")].count("\n") + 1, m.group("setup"), m.group("code")) for m in _BLOCK.finditer(text)]


BLOCKS = blocks()


def test_the_readme_has_code_for_every_guide_section() -> None:
    assert len(BLOCKS) >= 20


@pytest.mark.parametrize(("line", "setup", "code"), BLOCKS, ids=[f"README.md:{b[0]}" for b in BLOCKS])
def test_readme_block(line: int, setup: str | None, code: str, openai_server: MockServer, monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-readme")
    monkeypatch.setenv("OPENAI_BASE_URL", openai_server.url)
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", openai_server.root_url)
    if setup:
        exec(setup, {"server": openai_server, "ChatReply": ChatReply, "ToolCall": ToolCall, "RawReply": RawReply, "Status": Status})
    module = types.ModuleType(f"readme_block_{line}")  # a real module, so dataclasses and type hints resolve
    monkeypatch.setitem(sys.modules, module.__name__, module)
    exec(compile(code, f"README.md:{line}", "exec"), module.__dict__)
    for name, function in list(vars(module).items()):
        if name.startswith("test_") and callable(function):
            _run_test_function(function, openai_server, tmp_path)
    openai_server.check()


def _run_test_function(function: Any, server: MockServer, tmp_path: pathlib.Path) -> None:
    server.reset()
    marks = getattr(function, "pytestmark", [])
    for mark in marks:
        if mark.name == "openai_fault":
            server.fault(*mark.args, **mark.kwargs)
        if mark.name == "openai_reply":
            server.script(*mark.args, **mark.kwargs)
    arguments = {}
    parameters = inspect.signature(function).parameters
    if "openai_client" in parameters:
        arguments["openai_client"] = OpenAI(api_key="sk-readme", base_url=server.url, sleep=lambda s: None, trust_env=False)
    if "openai_server" in parameters:
        arguments["openai_server"] = server
    if any(mark.name == "vcr" for mark in marks):
        cassette = tmp_path / f"{function.__name__}.yaml"
        with use_cassette(cassette, record_mode="once"):
            function(**arguments)
        with use_cassette(cassette):  # and again, offline
            function(**arguments)
    else:
        function(**arguments)
