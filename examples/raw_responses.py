"""Raw responses: status, headers, request ID, retries and timing, then the parsed object."""

from __future__ import annotations

from _mock import example_client


def main() -> None:
    with example_client() as (client, _):
        raw = client.chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}])
        print(raw.status_code, raw.headers.get("content-type"), raw.request_id, f"retries={raw.retries_taken}", f"{raw.elapsed.total_seconds() * 1000:.1f} ms")
        print(raw.parse().choices[0].message.content)
        with client.models.with_streaming_response.list() as response:
            size = sum(len(chunk) for chunk in response.iter_bytes())
            print(f"models list: {size} bytes read lazily")


if __name__ == "__main__":
    main()
