"""Every Python snippet of the official SDK's README and helpers guide (``../shared/sdk-reference``),
run as written and with the import swapped, against the mock server: the two must end the same way
(both finish, or both stop with the same exception: many snippets are fragments), except where this
client documents a difference (about 15 s: each snippet runs in its own process)."""

from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from openai_harness import MockServer

REFERENCE = pathlib.Path(__file__).resolve().parents[3] / "shared" / "sdk-reference"
GUIDES = ("openai-python-README.md", "openai-python-helpers.md")

# What the README's "Differences from the official SDK" says is not built, by what a snippet uses.
DOCUMENTED_DIFFERENCES = {
    "workload_identity": "workload identity credentials are not built",
    "http_client": "http_client takes an httpx / aiohttp client, which this client does not use (proxy=, ssl_context=, transport=)",
}

def _snippets() -> list[tuple[str, str]]:
    found = []
    for name in GUIDES:
        path = REFERENCE / name
        if path.exists():
            for index, match in enumerate(re.finditer(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), re.S)):
                found.append((f"{name}#{index}", match.group(1)))
    return found


def _swap(code: str) -> str:
    code = re.sub(r"\bfrom openai\b", "from openai_urllib3", code)
    return re.sub(r"\bimport openai\b", "import openai_urllib3 as openai", code)


def _outcome(code: str, url: str, workdir: pathlib.Path) -> str:
    env = {**os.environ, "OPENAI_BASE_URL": url, "OPENAI_API_KEY": "sk-" + "snippet", "PYTHONWARNINGS": "ignore"}
    env.pop("OPENAI_ADMIN_KEY", None)
    try:
        result = subprocess.run([sys.executable, "-c", code], cwd=workdir, env=env, capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        return "timeout"
    if result.returncode == 0:
        return "finished"
    lines = [line for line in result.stderr.strip().splitlines() if line and not line.startswith(" ")]
    return lines[-1].split(":")[0].rsplit(".", 1)[-1] if lines else f"exit {result.returncode}"


def test_every_guide_snippet_ends_as_with_the_official_sdk(tmp_path: pathlib.Path) -> None:
    pytest.importorskip("openai")
    snippets = _snippets()
    if not snippets:
        pytest.skip("../shared/sdk-reference is not present")
    for name in ("input.jsonl", "mydata.jsonl", "speech.mp3", "audio.mp3", "image.png", "my_file.txt", "file.pdf"):
        (tmp_path / name).write_bytes(b'{"a": 1}\n')
    with MockServer(validation="lenient", unknown_ids="permissive") as server:
        with ThreadPoolExecutor(max_workers=2) as pool:
            official = list(pool.map(lambda item: _outcome(item[1], server.url, tmp_path), snippets))
            ours = list(pool.map(lambda item: _outcome(_swap(item[1]), server.url, tmp_path), snippets))
    unexplained = []
    for (label, code), theirs, mine in zip(snippets, official, ours):
        if theirs != mine and not any(f"{name}=" in code for name in DOCUMENTED_DIFFERENCES):
            unexplained.append(f"{label}: official {theirs}, ours {mine}")
    finished = sum(1 for theirs, mine in zip(official, ours) if theirs == mine == "finished")
    assert not unexplained, "\n".join(unexplained)
    assert finished >= 12, f"only {finished} snippets finish on both (12 did on 2026-12-03)"
