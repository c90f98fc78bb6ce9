"""The official Node SDK's Realtime client (``OpenAIRealtimeWS``) against the mock server: it
insists on ``wss://``, so the server serves TLS with a certificate made for the test. Skips, saying
why, where Node, its packages (``.ci/run`` installs ``tests/node``) or openssl are missing."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import ssl
import subprocess

import pytest

from openai_harness import MockServer

from ..tls import certificate

NODE_DIR = pathlib.Path(__file__).resolve().parents[1] / "node"


def test_the_node_sdk_runs_a_realtime_turn(tmp_path: pathlib.Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("no Node.js installed")
    if not (NODE_DIR / "node_modules" / "openai").is_dir() or not (NODE_DIR / "node_modules" / "ws").is_dir():
        pytest.skip(f"the Node SDK is not installed: npm install --prefix {NODE_DIR} (.ci/run does)")
    cert, key = certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server = MockServer()
    server.ssl_context = context
    with server:
        assert server.url.startswith("https://")
        result = subprocess.run(
            [node, str(NODE_DIR / "realtime_turn.mjs"), server.url],
            capture_output=True,
            text=True,
            timeout=60,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "NODE_EXTRA_CA_CERTS": str(cert), "HOME": str(tmp_path)},
            cwd=NODE_DIR,
        )
        server.check()
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["text"] == "You said: hello from node"
    assert answer["kinds"][0] == "session.created" and "response.done" in answer["kinds"]
    assert server.journal.last().route == "GET /realtime"


def test_serve_takes_a_certificate_and_refuses_half_of_one(tmp_path: pathlib.Path) -> None:
    import sys
    import time
    import urllib.request

    cert, key = certificate(tmp_path)
    refused = subprocess.run([sys.executable, "-m", "openai_harness", "serve", "--tls-cert", str(cert)], capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "--tls-cert and --tls-key go together" in refused.stderr and "Traceback" not in refused.stderr
    process = subprocess.Popen([sys.executable, "-m", "openai_harness", "serve", "--tls-cert", str(cert), "--tls-key", str(key), "-q"], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        url = line.split(" at ", 1)[1].split()[0]
        assert url.startswith("https://")
        context = ssl.create_default_context(cafile=str(cert))
        request = urllib.request.Request(url + "/models", headers={"Authorization": "Bearer sk-x"})
        deadline = time.monotonic() + 10
        while True:
            try:
                with urllib.request.urlopen(request, context=context, timeout=5) as answer:  # loopback only
                    assert answer.status == 200
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
    finally:
        process.terminate()
        process.wait(10)
