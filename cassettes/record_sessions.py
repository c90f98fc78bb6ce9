"""Re-record the project's own cassettes against the mock server, through the recording proxy.

    python cassettes/record_sessions.py [session ...]   # all sessions when none is named

Each session is a small, realistic exchange; the tests and examples replay them offline.
The mock server is deterministic, so re-recording changes only the streams' arrival offsets.
"""

from __future__ import annotations

import pathlib
import sys
from typing import Callable

from openai_harness import ChatReply, MockServer, Status, ToolCall
from openai_harness.cassettes._replay import RecordingProxy
from openai_urllib3 import OpenAI

HERE = pathlib.Path(__file__).parent
TOOL = {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}


def chat(client: OpenAI, server: MockServer) -> None:
    client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Say hello."}])


def tool_calls(client: OpenAI, server: MockServer) -> None:
    server.script(
        "POST /chat/completions",
        ChatReply(tool_calls=[ToolCall("get_weather", {"city": "Paris"}, id="call_weather_1")]),
        ChatReply(content="It is 18 °C and sunny in Paris."),
    )
    messages: list[dict[str, object]] = [{"role": "user", "content": "What is the weather in Paris?"}]
    first = client.chat.completions.create(model="gpt-4o", messages=messages, tools=[TOOL])
    messages.append(first.choices[0].message.to_dict())
    messages.append({"role": "tool", "tool_call_id": "call_weather_1", "content": '{"celsius": 18, "sky": "sunny"}'})
    client.chat.completions.create(model="gpt-4o", messages=messages, tools=[TOOL])


def streaming(client: OpenAI, server: MockServer) -> None:
    server.set_pacing(first_event=0.05, between_events=0.01)
    for _ in client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Stream a short sentence."}], stream=True, stream_options={"include_usage": True}):
        pass


def responses(client: OpenAI, server: MockServer) -> None:
    server.set_pacing(first_event=0.02, between_events=0.01)
    with client.responses.stream(model="gpt-4o", input="Write a haiku about tests.") as stream:
        final = stream.get_final_response()
    client.responses.retrieve(final.id)
    list(client.responses.input_items.list(final.id))


def pagination(client: OpenAI, server: MockServer) -> None:
    for index in range(7):
        client.chat.completions.create(model="gpt-4o-mini", store=True, metadata={"suite": "pagination"}, messages=[{"role": "user", "content": f"Remember {index}"}])
    list(client.chat.completions.list(limit=3, metadata={"suite": "pagination"}))


def rate_limited(client: OpenAI, server: MockServer) -> None:
    server.fault("POST /chat/completions", Status(429, headers={"retry-after-ms": "20"}))
    client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Are you there?"}])


def file_upload(client: OpenAI, server: MockServer) -> None:
    lines = b"".join(b'{"messages": [{"role": "user", "content": "Q%d"}, {"role": "assistant", "content": "A%d"}]}\n' % (i, i) for i in range(3))
    uploaded = client.files.create(file=("train.jsonl", lines, "application/jsonl"), purpose="fine-tune")
    client.files.retrieve(uploaded.id)
    list(client.files.list(purpose="fine-tune"))
    client.files.content(uploaded.id).read()
    client.files.delete(uploaded.id)


SESSIONS: dict[str, Callable[[OpenAI, MockServer], None]] = {
    "chat": chat,
    "tool_calls": tool_calls,
    "streaming": streaming,
    "responses": responses,
    "pagination": pagination,
    "rate_limited": rate_limited,
    "file_upload": file_upload,
}


def main(names: list[str]) -> None:
    unknown = set(names) - set(SESSIONS)
    if unknown:
        raise SystemExit(f"unknown session(s) {sorted(unknown)}; choose from {sorted(SESSIONS)}")
    for name, session in SESSIONS.items():
        if names and name not in names:
            continue
        path = HERE / f"{name}.yaml"
        path.unlink(missing_ok=True)
        with MockServer() as server, RecordingProxy(server.root_url, path, record_as="https://api.openai.com") as proxy:
            client = OpenAI(api_key="sk-recording-" + "x" * 32, base_url=proxy.url, trust_env=False)
            session(client, server)
            proxy.check()
            server.check()
        print(f"recorded {path.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main(sys.argv[1:])
