"""A cold process doing one chat completion: raw urllib3 vs openai_urllib3 vs the official SDK.

Each run is a fresh interpreter that imports its client, builds it, sends one chat completion to
the static server (answers pre-serialized in memory) and reads the answer's text; the figure is
the child's wall time from its first line to the text in hand, plus its CPU time, median of many
runs. What a CLI tool or a serverless function pays on every start.
    python bench/bench_cold_call.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

from _common import static_server_process

_TIMED = """
import os, time
start, cpu = time.perf_counter(), os.times()
{body}
assert text == "Hello there.", text
now = os.times()
print(time.perf_counter() - start, (now.user + now.system) - (cpu.user + cpu.system))
"""

BODIES = {
    "raw urllib3": """
import json, urllib3
pool = urllib3.PoolManager()
answer = pool.request("POST", URL + "/chat/completions", body=json.dumps({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hi"}]}),
                      headers={"authorization": "Bearer sk-bench", "content-type": "application/json"})
text = json.loads(answer.data)["choices"][0]["message"]["content"]
""",
    "openai_urllib3": """
from openai_urllib3 import OpenAI
client = OpenAI(api_key="sk-bench", base_url=URL, max_retries=0)
text = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}]).choices[0].message.content
""",
    "openai": """
from openai import OpenAI
client = OpenAI(api_key="sk-bench", base_url=URL, max_retries=0)
text = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}]).choices[0].message.content
""",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # bytecode caching, as a user has it
    with static_server_process() as url:
        scripts = {name: f"URL = {url + '/v1'!r}\n" + _TIMED.format(body=body) for name, body in BODIES.items()}
        for script in scripts.values():
            subprocess.run([sys.executable, "-c", script], check=True, env=env, capture_output=True)  # warm the bytecode cache
        wall: dict[str, list[float]] = {name: [] for name in scripts}
        cpu: dict[str, list[float]] = {name: [] for name in scripts}
        for _ in range(args.repeat):
            for name, script in scripts.items():
                out = subprocess.run([sys.executable, "-c", script], check=True, env=env, capture_output=True, text=True).stdout.split()
                wall[name].append(float(out[0]))
                cpu[name].append(float(out[1]))
    floor = statistics.median(wall["raw urllib3"])
    print("One chat completion from a cold process (import, build, call, read), median")
    print(f"  {'':<16}{'wall ms':>9}{'x raw':>8}{'cpu ms':>9}")
    for name in scripts:
        median = statistics.median(wall[name])
        print(f"  {name:<16}{median * 1000:>9.1f}{median / floor:>8.2f}{statistics.median(cpu[name]) * 1000:>9.1f}")


if __name__ == "__main__":
    main()
