"""Run every benchmark in one go: ``python bench/run.py`` (or ``tox -e bench``)."""

from __future__ import annotations

import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).parent
BENCHMARKS = ["bench_import.py", "bench_cold_call.py", "bench_requests.py", "bench_streaming.py", "bench_sse_line.py", "bench_upload.py", "bench_realtime.py", "bench_server.py", "bench_cassettes.py"]


def main() -> int:
    names = sys.argv[1:] or BENCHMARKS
    for name in names:
        print(f"\n### {name}", flush=True)
        code = subprocess.call([sys.executable, str(HERE / name)])
        if code:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
