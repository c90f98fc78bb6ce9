"""Timeouts: per attempt, set on the client or per call; a server that stalls gives APITimeoutError."""

from __future__ import annotations

import time

from _mock import example_client

from openai_harness import Hang
from openai_urllib3 import APITimeoutError, Timeout


def main() -> None:
    with example_client(timeout=Timeout(30, connect=2), max_retries=1) as (client, server):
        print("models:", len(client.models.list().data))
        if server is None:
            return
        server.fault("GET /models", Hang(), times=2)
        started = time.monotonic()
        try:
            client.models.list(timeout=0.2)
        except APITimeoutError:
            print(f"timed out twice (one retry) in {time.monotonic() - started:.1f}s")


if __name__ == "__main__":
    main()
