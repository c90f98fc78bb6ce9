"""Peak memory of a 200 MB upload: the multipart body is streamed from disk, not held in memory.

The upload runs in a child process that reports its peak RSS before and after; the mock server
runs in another. ``python bench/bench_upload.py [--megabytes 200]``
"""

from __future__ import annotations

import argparse
import json
import pathlib
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).parent))

from _common import server_process

CHILD = """
import json, resource, sys, time
from openai_urllib3 import OpenAI

def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

client = OpenAI(api_key="sk-bench", base_url=sys.argv[1], trust_env=False, max_retries=0)
client.models.list()
baseline = peak_mb()
started = time.perf_counter()
try:
    client.files.create(file=sys.argv[2], purpose="batch")
except Exception as error:  # the mock server does not emulate /files yet; the body is what is measured
    pass
elapsed = time.perf_counter() - started
print(json.dumps({"baseline_mb": baseline, "peak_mb": peak_mb(), "seconds": elapsed}))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=int, default=200)
    args = parser.parse_args()
    size = args.megabytes * 1024 * 1024
    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / "upload.bin"
        with open(path, "wb") as handle:
            block = b"x" * (1024 * 1024)
            for _ in range(args.megabytes):
                handle.write(block)
        with server_process("--max-body-bytes", str(size * 2)) as url:
            out = subprocess.run([sys.executable, "-c", CHILD, url, str(path)], capture_output=True, text=True, check=True).stdout
    result = json.loads(out)
    growth = result["peak_mb"] - result["baseline_mb"]
    print(f"\n{args.megabytes} MB upload with openai_urllib3")
    print(f"  peak RSS before the upload   {result['baseline_mb']:8.1f} MB")
    print(f"  peak RSS after the upload    {result['peak_mb']:8.1f} MB  (+{growth:.1f} MB; the file is {args.megabytes} MB)")
    print(f"  time                         {result['seconds']:8.2f} s  ({args.megabytes / result['seconds']:.0f} MB/s)")


if __name__ == "__main__":
    main()
