"""A multi-turn conversation: with chat messages, and with the Responses API chaining by ID."""

from __future__ import annotations

from typing import Any

from _mock import example_client


def main() -> None:
    with example_client() as (client, _):
        messages: list[Any] = [{"role": "system", "content": "You are terse."}]
        for question in ("Name a prime number.", "And another one?"):
            messages.append({"role": "user", "content": question})
            reply = client.chat.completions.create(model="gpt-4o-mini", messages=messages)
            answer = reply.choices[0].message
            messages.append(answer.to_dict())
            print(f"user: {question}\nassistant: {answer.content}")
        first = client.responses.create(model="gpt-4o", input="Name a prime number.")
        second = client.responses.create(model="gpt-4o", input="And another one?", previous_response_id=first.id)
        print(f"responses API: {first.output_text!r} then {second.output_text!r}")


if __name__ == "__main__":
    main()
