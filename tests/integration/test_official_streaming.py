"""The official ``openai`` package's streaming, and its stream helpers, against the mock server."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

openai = pytest.importorskip("openai")

from openai_harness import ChatReply, MockServer, StreamCut, StreamError, ToolCall  # noqa: E402

MESSAGES: Any = [{"role": "user", "content": "stream please"}]


@pytest.fixture
def sdk(openai_server: MockServer) -> Iterator[Any]:
    client = openai.OpenAI(api_key="sk-official-test", base_url=openai_server.url, max_retries=0, timeout=5)
    yield client
    client.close()


def test_chat_stream_true(sdk: Any) -> None:
    chunks = list(sdk.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True, stream_options={"include_usage": True}))
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "You said: stream please"
    assert chunks[-1].usage.total_tokens > 0


def test_chat_stream_helper_with_tool_calls(sdk: Any, openai_server: MockServer) -> None:
    openai_server.script("POST /chat/completions", ChatReply(tool_calls=[ToolCall("get_weather", {"city": "Oslo"})]))
    tools = [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]
    with sdk.chat.completions.stream(model="gpt-4o", messages=MESSAGES, tools=tools) as stream:
        kinds = {event.type for event in stream}
        final = stream.get_final_completion()
    assert "tool_calls.function.arguments.delta" in kinds
    call = final.choices[0].message.tool_calls[0]
    assert call.function.name == "get_weather" and call.function.arguments == '{"city":"Oslo"}'


def test_chat_stream_helper_content(sdk: Any) -> None:
    with sdk.chat.completions.stream(model="gpt-4o", messages=MESSAGES) as stream:
        deltas = [event.delta for event in stream if event.type == "content.delta"]
        final = stream.get_final_completion()
    assert "".join(deltas) == final.choices[0].message.content == "You said: stream please"


def test_responses_stream_helper(sdk: Any) -> None:
    with sdk.responses.stream(model="gpt-4o", input="hello") as stream:
        deltas = [event.delta for event in stream if event.type == "response.output_text.delta"]
        final = stream.get_final_response()
    assert "".join(deltas) == final.output_text == "You said: hello"


def test_responses_stream_true(sdk: Any) -> None:
    events = list(sdk.responses.create(model="gpt-4o", input="hi", stream=True))
    assert events[0].type == "response.created" and events[-1].type == "response.completed"
    assert events[-1].response.output_text == "You said: hi"


def test_stream_error_event_raises(sdk: Any, openai_server: MockServer) -> None:
    openai_server.fault("POST /chat/completions", StreamError(after_events=1))
    with pytest.raises(openai.APIError):
        list(sdk.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True))


def test_cut_stream_raises(sdk: Any, openai_server: MockServer) -> None:
    openai_server.fault("POST /chat/completions", StreamCut(after_events=2))
    with pytest.raises(openai.APIConnectionError):
        list(sdk.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True))


def _assistant_run_events(client: Any) -> list[Any]:
    with client.beta.threads.runs.create("thread_abc", assistant_id="asst_abc", stream=True) as stream:
        return list(stream)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_a_stream_for_an_unknown_id_on_a_permissive_server_is_still_a_stream() -> None:
    """Asked to stream a run on a thread it never saw, a server that invents unknown objects
    answers schema-valid ``{event, data}`` events on the wire as the API sends them (``event:``
    line, data payload, ``event: done``); both clients read the same typed events, ours importable
    by the official SDK's names from its module."""
    from openai_urllib3 import OpenAI
    from openai_urllib3.types.beta import assistant_stream_event

    with MockServer(unknown_ids="permissive") as server:
        sdk = openai.OpenAI(api_key="sk-official-test", base_url=server.url, max_retries=0, timeout=5)
        ours = OpenAI(api_key="sk-test", base_url=server.url, max_retries=0, timeout=5)
        try:
            official, mine = _assistant_run_events(sdk), _assistant_run_events(ours)
        finally:
            ours.close()
            sdk.close()
    assert official, "the server streamed no events"
    assert [(e.event, type(e.data).__name__, e.data.id) for e in mine] == [(e.event, type(e.data).__name__, e.data.id) for e in official]
    for theirs, event in zip(official, mine):
        assert event.event.startswith("thread.")
        assert isinstance(event, getattr(assistant_stream_event, type(theirs).__name__))
