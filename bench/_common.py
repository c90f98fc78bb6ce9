"""Shared pieces of the benchmarks: a mock server in its own process, timing, reporting."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from typing import Callable, Iterator

__all__ = ["Result", "control", "measure", "print_table", "server_process", "static_server_process"]


@contextmanager
def server_process(*extra: str) -> Iterator[str]:
    """Start ``openai-harness serve`` in a child process (so it does not share our GIL); yield its URL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "openai_harness", "serve", "--port", "0", *extra],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        url = line.split(" at ", 1)[1].split()[0]
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


@contextmanager
def static_server_process(*extra: str) -> Iterator[str]:
    """Start ``bench/_static_server.py`` (answers pre-serialized in memory) in a child process, so
    the client, not the server, is what a benchmark measures; yield its URL."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_static_server.py")
    proc = subprocess.Popen([sys.executable, script, *extra], stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert proc.stdout is not None
        yield proc.stdout.readline().split(" at ", 1)[1].strip()
    finally:
        proc.terminate()
        proc.wait(10)


def control(url: str, path: str, body: object) -> object:
    root = url.rsplit("/v1", 1)[0]
    request = urllib.request.Request(root + "/__harness/" + path, data=json.dumps(body).encode(), headers={"content-type": "application/json"}, method="POST")
    with urllib.request.urlopen(request) as response:  # loopback only
        return json.loads(response.read())


class Result:
    def __init__(self, name: str, per_call_us: float) -> None:
        self.name = name
        self.per_call_us = per_call_us


def measure(calls: dict[str, Callable[[], object]], *, number: int, rounds: int, warmup: int = 100, clock: Callable[[], float] = time.perf_counter) -> dict[str, float]:
    """Median µs per call for each callable, rounds interleaved so drift hits all alike
    (``clock=time.process_time`` for this process's CPU time instead of wall time)."""
    for call in calls.values():
        for _ in range(warmup):
            call()
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(rounds):
        for name, call in calls.items():
            start = clock()
            for _ in range(number):
                call()
            samples[name].append((clock() - start) / number * 1e6)
    return {name: statistics.median(values) for name, values in samples.items()}


def print_table(title: str, results: dict[str, float], floor: str, unit: str = "µs/request") -> None:
    print(f"\n{title}")
    print(f"  {'':28} {unit:>14} {'x floor':>9}")
    for name, value in results.items():
        print(f"  {name:28} {value:14.1f} {value / results[floor]:9.2f}")
