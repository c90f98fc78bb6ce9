"""Retries that succeed, errors that do not, and what an error tells you."""

from __future__ import annotations

from _mock import example_client

from openai_harness import Status
from openai_urllib3 import NotFoundError, RateLimitError


def main() -> None:
    with example_client(max_retries=2) as (client, server):
        assert server is not None, "this example needs the mock server to inject faults"
        server.fault("POST /chat/completions", Status(429, headers={"retry-after-ms": "50"}), times=2)
        raw = client.chat.completions.with_raw_response.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
        print(f"succeeded after {raw.retries_taken} retries in {raw.elapsed.total_seconds() * 1000:.0f} ms")

        server.fault("POST /chat/completions", Status(429), times=3)
        try:
            client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
        except RateLimitError as error:
            print(f"gave up: {error.status_code} {error.code} (request {error.request_id})")

        try:
            client.models.retrieve("no-such-model")
        except NotFoundError as error:
            print(error)
            print(error.dump_request())


if __name__ == "__main__":
    main()
