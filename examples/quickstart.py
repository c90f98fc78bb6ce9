"""A chat completion, its usage, and the request id to quote to support."""

from __future__ import annotations

from _mock import example_client


def main() -> None:
    with example_client() as (client, _):
        reply = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Hello!"}])
        print(reply.choices[0].message.content)
        tokens = reply.usage.total_tokens if reply.usage else "?"
        print(f"{tokens} tokens, request id {reply.request_id}")


if __name__ == "__main__":
    main()
