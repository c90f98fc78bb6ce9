"""Middleware sees every attempt: here, timing each one and tagging requests."""

from __future__ import annotations

import time

from _mock import example_client

from openai_harness import Status
from openai_urllib3 import Next, Request, Response


def timing(request: Request, call_next: Next) -> Response:
    start = time.perf_counter()
    response = call_next(request)
    print(f"attempt {request.attempt}: {request.method} {request.url} -> {response.status} in {(time.perf_counter() - start) * 1000:.1f} ms")
    return response


def tag(request: Request, call_next: Next) -> Response:
    request.headers["X-Team"] = "examples"
    return call_next(request)


def main() -> None:
    with example_client(middleware=[timing, tag]) as (client, server):
        if server is not None:
            server.fault("POST /chat/completions", Status(503, headers={"retry-after-ms": "10"}))
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
        if server is not None:
            print("the server saw X-Team:", server.journal.last().headers["x-team"])


if __name__ == "__main__":
    main()
