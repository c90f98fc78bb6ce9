"""``openai-harness demo``: a short, readable session of the client against the mock server.

Each step says what it does, checks what happened, and the command exits 0 only if
every step behaved as expected.
"""

from __future__ import annotations

import json
import pathlib
import sys
import time
from typing import Any, Callable, TextIO

from openai_urllib3 import NotFoundError, OpenAI

from .server import ChatReply, MockServer, Status, ToolCall

__all__ = ["run_demo"]


class _Demo:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.failures: list[str] = []

    def say(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def step(self, title: str, body: Callable[[], None]) -> None:
        self.say(f"\n== {title}")
        try:
            body()
        except AssertionError as error:
            self.failures.append(f"{title}: {error}")
            self.say(f"   !! unexpected: {error}")
        else:
            self.say("   ok")

    @staticmethod
    def expect(condition: bool, message: str) -> None:
        if not condition:
            raise AssertionError(message)


def run_demo(out: TextIO | None = None) -> int:
    demo = _Demo(out or sys.stdout)
    sleeps: list[float] = []
    with MockServer() as server:
        demo.say(f"Mock OpenAI server listening at {server.url} (no API key, no network needed).")
        client = OpenAI(api_key="sk-demo", base_url=server.url, sleep=sleeps.append, trust_env=False)

        def chat() -> None:
            reply = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Say hello to the harness."}])
            message = reply.choices[0].message
            demo.say(f"   assistant: {message.content!r}")
            usage = reply.usage
            demo.expect(usage is not None, "no usage was reported")
            assert usage is not None
            demo.say(f"   usage: {usage.prompt_tokens} prompt + {usage.completion_tokens} completion tokens; request id {reply.request_id}")
            demo.expect(message.content == "You said: Say hello to the harness.", f"unexpected content {message.content!r}")

        def streaming() -> None:
            from openai_urllib3._chat_accumulator import ChatCompletionAccumulator

            server.set_pacing(first_event=0.05, between_events=0.03)
            accumulator = ChatCompletionAccumulator()
            demo.out.write("   assistant (streamed): ")
            started = time.monotonic()
            arrivals = []
            for chunk in client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "stream this sentence to me word by word"}], stream=True, stream_options={"include_usage": True}):
                accumulator.add_chunk(chunk)
                if chunk.choices and chunk.choices[0].delta.content:
                    demo.out.write(chunk.choices[0].delta.content)
                    demo.out.flush()
                    arrivals.append(time.monotonic() - started)
            server.set_pacing(0, 0)
            demo.say("")
            final = accumulator.snapshot()
            tokens = final.usage.completion_tokens if final.usage else 0
            demo.say(f"   {len(arrivals)} deltas; first after {arrivals[0] * 1000:.0f} ms, last after {arrivals[-1] * 1000:.0f} ms; accumulated {tokens} completion tokens")
            demo.expect(final.choices[0].message.content == "You said: stream this sentence to me word by word", "the accumulated text differs")
            demo.expect(arrivals[0] < arrivals[-1], "the first token did not arrive before the last")

        def tools() -> None:
            server.script(
                "POST /chat/completions",
                ChatReply(tool_calls=[ToolCall(name="get_weather", arguments={"city": "Paris"}, id="call_demo")]),
                ChatReply(content="It is sunny in Paris."),
            )
            tool_spec: Any = {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}
            messages: list[Any] = [{"role": "user", "content": "Weather in Paris?"}]
            first = client.chat.completions.create(model="gpt-4o", messages=messages, tools=[tool_spec])
            calls = first.choices[0].message.tool_calls
            demo.expect(bool(calls), "the model made no tool call")
            assert calls
            call = calls[0]
            demo.say(f"   the model calls {call.function.name}({call.function.arguments}) [finish_reason={first.choices[0].finish_reason}]")
            result = {"city": json.loads(call.function.arguments)["city"], "sky": "sunny"}
            messages.append(first.choices[0].message.to_dict())
            messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
            second = client.chat.completions.create(model="gpt-4o", messages=messages, tools=[tool_spec])
            demo.say(f"   after the tool result: {second.choices[0].message.content!r}")
            demo.expect(second.choices[0].message.content == "It is sunny in Paris.", "the tool round trip did not finish")

        def rate_limit() -> None:
            server.fault("POST /chat/completions", Status(429, headers={"retry-after-ms": "20"}), times=2)
            reply = client.chat.completions.with_raw_response.create(model="gpt-4o", messages=[{"role": "user", "content": "Are you there?"}])
            counts = server.journal.retry_counts("POST /chat/completions")[-3:]
            demo.say(f"   two 429s, then 200 after {reply.retries_taken} retries; client slept {sleeps[-2:]} s as the server asked")
            demo.say(f"   X-Stainless-Retry-Count seen by the server: {counts}")
            demo.expect(reply.retries_taken == 2 and counts == [0, 1, 2], f"retries were {reply.retries_taken}, counts {counts}")

        def pagination() -> None:
            for index in range(7):
                client.chat.completions.create(model="gpt-4o-mini", store=True, metadata={"demo": "yes"}, messages=[{"role": "user", "content": f"stored {index}"}])
            page = client.chat.completions.list(limit=3, metadata={"demo": "yes"})
            sizes = [len(p.data) for p in page.iter_pages()]
            ids = [completion.id for completion in client.chat.completions.list(limit=3, metadata={"demo": "yes"})]
            demo.say(f"   7 stored completions read in pages of {sizes}; auto-paging yielded {len(ids)} distinct ids")
            demo.expect(sizes == [3, 3, 1] and len(set(ids)) == 7, f"pages {sizes}, ids {len(set(ids))}")

        def error() -> None:
            try:
                client.models.retrieve("gpt-imaginary")
            except NotFoundError as exc:
                demo.say(f"   raised {type(exc).__name__}: {exc}")
                demo.say("   the exchange, credentials redacted:")
                for line in (exc.dump_request() + "\n" + exc.dump_response()).splitlines():
                    demo.say(f"     | {line}")
                demo.expect("sk-demo" not in exc.dump_request(), "the API key leaked into the dump")
            else:
                raise AssertionError("no error was raised")

        def cassette() -> None:
            import tempfile

            from .cassettes import load_cassette, use_cassette
            from .cassettes._replay import RecordingProxy

            with tempfile.TemporaryDirectory() as folder:
                path = pathlib.Path(folder) / "session.yaml"
                with RecordingProxy(server.root_url, path, record_as="https://api.openai.com") as proxy:
                    recorder = OpenAI(api_key="sk-demo", base_url=proxy.url, trust_env=False)
                    live = recorder.chat.completions.create(model="gpt-4o-mini", stream=False, messages=[{"role": "user", "content": "Record me."}])
                    streamed = "".join(c.choices[0].delta.content or "" for c in recorder.chat.completions.create(model="gpt-4o-mini", stream=True, messages=[{"role": "user", "content": "Stream me."}]))
                interactions = load_cassette(path)
                demo.say(f"   recorded {len(interactions)} interactions to a cassette ({path.stat().st_size} bytes, {len(interactions[1].response.events or [])} stream events, key scrubbed: {'sk-demo' not in path.read_text()})")
                offline = OpenAI(api_key="sk-demo", base_url="https://api.openai.com/v1", trust_env=False, max_retries=0)
                with use_cassette(path) as replay:
                    again = offline.chat.completions.create(model="gpt-4o-mini", stream=False, messages=[{"role": "user", "content": "Record me."}])
                    restreamed = "".join(c.choices[0].delta.content or "" for c in offline.chat.completions.create(model="gpt-4o-mini", stream=True, messages=[{"role": "user", "content": "Stream me."}]))
                demo.say(f"   replayed offline 'from api.openai.com': {again.choices[0].message.content!r} and {restreamed!r}")
                demo.expect(again.to_dict() == live.to_dict() and restreamed == streamed and replay.all_played, "the replay differs from the recording")

        demo.step("A chat completion", chat)
        demo.step("A streamed reply, printed as it arrives", streaming)
        demo.step("A scripted tool-call round trip", tools)
        demo.step("Rate limited twice, retried, then success", rate_limit)
        demo.step("A paginated list over several pages", pagination)
        demo.step("An error, with its request and response dumped", error)
        demo.step("A session recorded to a cassette, then replayed offline", cassette)
        client.close()
        try:
            server.check()
        except AssertionError as exc:
            demo.failures.append(str(exc))
    if demo.failures:
        demo.say(f"\nDemo FAILED: {len(demo.failures)} step(s) misbehaved.")
        return 1
    demo.say("\nDemo finished: every step behaved as expected.")
    return 0
