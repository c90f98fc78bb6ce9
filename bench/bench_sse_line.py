"""Decoding one very long SSE line (100 MB by default), fed in 64 KiB reads: this client's decoder
vs the official SDK's, in one run. Linear decoding takes a fraction of a second; a quadratic one
(re-joining what it holds on every read) takes minutes.
    python bench/bench_sse_line.py [--megabytes N]
"""

from __future__ import annotations

import argparse
import time
from typing import Iterator


def chunks(megabytes: int) -> Iterator[bytes]:
    yield b"data: "
    piece = b"x" * 65536
    for _ in range(megabytes * 16):
        yield piece
    yield b"\n\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=int, default=100)
    args = parser.parse_args()

    from openai_urllib3 import SSEDecoder

    start = time.perf_counter()
    decoder = SSEDecoder()
    events = [event for chunk in chunks(args.megabytes) for event in decoder.feed(chunk)]
    ours = time.perf_counter() - start
    assert len(events) == 1 and len(events[0].data) == args.megabytes * 1024 * 1024
    print(f"\nOne {args.megabytes} MB SSE line in 64 KiB reads")
    print(f"  {'openai_urllib3':24} {ours:8.2f} s")
    try:
        from openai._streaming import SSEDecoder as OfficialDecoder
    except ImportError:
        return
    start = time.perf_counter()
    official_events = list(OfficialDecoder().iter_bytes(chunks(args.megabytes)))
    theirs = time.perf_counter() - start
    assert len(official_events[0].data) == args.megabytes * 1024 * 1024
    print(f"  {'openai (official)':24} {theirs:8.2f} s   (ours is {theirs / ours:.1f}x faster)")


if __name__ == "__main__":
    main()
