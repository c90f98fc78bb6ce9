"""µs per chunk through a 5,000-chunk chat stream (wall and client CPU), and time to first chunk.

This client vs raw urllib3 with a naive line split and ``json.loads`` (the floor) vs the official
SDK, against a server in a child process that writes the pre-serialized stream from memory, so the
client is the bottleneck (the harness's emulation is slower than the client and would hide it).
    python bench/bench_streaming.py [--chunks N] [--rounds R]
"""

from __future__ import annotations

import argparse
import json
import pathlib
import statistics
import sys
import time
from typing import Callable

sys.path.insert(0, str(pathlib.Path(__file__).parent))

from _common import static_server_process

MESSAGES = [{"role": "user", "content": "stream"}]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    import openai
    import urllib3

    import openai_urllib3

    with static_server_process("--chunks", str(args.chunks)) as url:
        ours = openai_urllib3.OpenAI(api_key="sk-bench", base_url=url, trust_env=False)
        official = openai.OpenAI(api_key="sk-bench", base_url=url)
        pool = urllib3.PoolManager()
        headers = {"Authorization": "Bearer sk-bench", "Content-Type": "application/json"}
        body = json.dumps({"model": "gpt-4o-mini", "messages": MESSAGES, "stream": True}).encode()

        def floor(on_first: Callable[[], None]) -> int:
            response = pool.request("POST", url + "/chat/completions", body=body, headers=headers, preload_content=False, retries=False)
            count = 0
            for line in response:
                if line.startswith(b"data: ") and not line.startswith(b"data: [DONE]"):
                    json.loads(line[6:])["choices"]
                    if count == 0:
                        on_first()
                    count += 1
            response.release_conn()
            return count

        def ours_stream(on_first: Callable[[], None]) -> int:
            count = 0
            for chunk in ours.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=True):  # type: ignore[arg-type]
                _ = chunk.choices
                if count == 0:
                    on_first()
                count += 1
            return count

        def official_stream(on_first: Callable[[], None]) -> int:
            count = 0
            for chunk in official.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=True):  # type: ignore[arg-type]
                _ = chunk.choices
                if count == 0:
                    on_first()
                count += 1
            return count

        runners = {"raw urllib3 (floor)": floor, "openai_urllib3": ours_stream, "openai (official)": official_stream}
        per_chunk: dict[str, list[float]] = {name: [] for name in runners}
        cpu_chunk: dict[str, list[float]] = {name: [] for name in runners}
        first: dict[str, list[float]] = {name: [] for name in runners}
        for round_index in range(args.rounds + 1):
            for name, run in runners.items():
                marks: list[float] = []
                start, cpu_start = time.perf_counter(), time.process_time()
                count = run(lambda marks=marks: marks.append(time.perf_counter()))  # type: ignore[misc]
                elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
                assert count >= args.chunks, (name, count)
                if round_index:  # the first round warms up
                    per_chunk[name].append(elapsed / count * 1e6)
                    cpu_chunk[name].append(cpu / count * 1e6)
                    first[name].append((marks[0] - start) * 1e3)
        floor_chunk = statistics.median(per_chunk["raw urllib3 (floor)"])
        floor_cpu = statistics.median(cpu_chunk["raw urllib3 (floor)"])
        floor_first = statistics.median(first["raw urllib3 (floor)"])
        print(f"\nChat stream of {args.chunks} chunks from memory (median of {args.rounds} rounds; CPU is this process's)")
        print(f"  {'':24} {'µs/chunk':>10} {'x floor':>8} {'CPU µs':>8} {'x floor':>8} {'chunks/s':>10} {'first chunk ms':>15}")
        for name in runners:
            chunk_us = statistics.median(per_chunk[name])
            cpu_us = statistics.median(cpu_chunk[name])
            first_ms = statistics.median(first[name])
            print(f"  {name:24} {chunk_us:10.2f} {chunk_us / floor_chunk:8.2f} {cpu_us:8.2f} {cpu_us / floor_cpu:8.2f} {1e6 / chunk_us:10.0f} {first_ms:15.2f}")
        del floor_first


if __name__ == "__main__":
    main()
