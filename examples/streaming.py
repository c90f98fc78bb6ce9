"""Print a reply as it streams in, then use the accumulated completion."""

from __future__ import annotations

from _mock import example_client

from openai_urllib3 import ChatCompletionAccumulator


def main() -> None:
    with example_client() as (client, server):
        if server is not None:
            server.set_pacing(first_event=0.1, between_events=0.02)
        accumulator = ChatCompletionAccumulator()
        stream = client.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": "Tell me something in a few words."}],
            stream=True,
            stream_options={"include_usage": True},
        )
        with stream:
            for chunk in stream:
                accumulator.add_chunk(chunk)
                if chunk.choices and chunk.choices[0].delta.content:
                    print(chunk.choices[0].delta.content, end="", flush=True)
        completion = accumulator.snapshot()
        tokens = completion.usage.completion_tokens if completion.usage else "?"
        print(f"\n[{tokens} completion tokens]")


if __name__ == "__main__":
    main()
