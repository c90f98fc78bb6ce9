"""Import time and memory after import: openai_urllib3 vs urllib3 vs the official openai package.

Each import runs in a fresh interpreter, many times; the median is reported.
    python bench/bench_import.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

PROBE = """
import time, os
def rss():
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE')
before = rss()
start = time.perf_counter()
import {module}
elapsed = time.perf_counter() - start
print(elapsed, rss() - before)
"""

MODULES = ["urllib3", "openai_urllib3", "openai"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    # Bytecode caching as a user would have it (tox turns it off for tests), warmed once.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for module in MODULES:
        subprocess.run([sys.executable, "-c", f"import {module}"], check=True, env=env)
    times: dict[str, list[float]] = {m: [] for m in MODULES}
    memory: dict[str, list[int]] = {m: [] for m in MODULES}
    for _ in range(args.repeat):
        for module in MODULES:  # interleaved, so drift hits all alike
            out = subprocess.run([sys.executable, "-c", PROBE.format(module=module)], capture_output=True, text=True, check=True, env=env).stdout.split()
            times[module].append(float(out[0]))
            memory[module].append(int(out[1]))
    base_time = statistics.median(times["urllib3"])
    base_mem = statistics.median(memory["urllib3"])
    print("\nImport cost (fresh interpreter each time, median)")
    print(f"  {'':16} {'ms':>8} {'x urllib3':>10} {'MB RSS':>8} {'x urllib3':>10}")
    for module in MODULES:
        t = statistics.median(times[module])
        m = statistics.median(memory[module])
        print(f"  {module:16} {t * 1000:8.1f} {t / base_time:10.2f} {m / 2**20:8.1f} {m / base_mem:10.2f}")


if __name__ == "__main__":
    main()
