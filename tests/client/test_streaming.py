"""Streams end to end against the server: typed chunks, errors in streams, faults, pacing, release."""

from __future__ import annotations

import gc
import time
from typing import Any

import pytest

from openai_harness import ByteByByte, ChatReply, MalformedEvent, MockServer, Stall, Status, StreamCut, StreamError, ToolCall
from openai_urllib3 import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APITimeoutError,
    InternalServerError,
    OpenAI,
    RateLimitError,
)
from openai_urllib3._chat_accumulator import ChatCompletionAccumulator

from ..pool import checked_out

CHAT = "POST /chat/completions"
MESSAGES: Any = [{"role": "user", "content": "tell me a story"}]


@pytest.fixture
def client(openai_server: MockServer) -> OpenAI:
    return OpenAI(api_key="sk-test", base_url=openai_server.url, sleep=lambda s: None, trust_env=False, pool_maxsize=2, pool_block=True, timeout=5)


def test_checked_out_counts_an_open_stream(client: OpenAI) -> None:
    stream = client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True)
    next(stream)
    assert checked_out(client) == 1
    stream.close()
    assert checked_out(client) == 0


def test_chat_stream_yields_typed_chunks_and_stops_at_done(client: OpenAI, openai_server: MockServer) -> None:
    stream = client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True, stream_options={"include_usage": True})
    chunks = list(stream)
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "You said: tell me a story"
    assert chunks[-2].choices[0].finish_reason == "stop"
    assert chunks[-1].choices == [] and chunks[-1].usage.total_tokens > 0
    assert stream.request_id is not None
    assert stream.response.is_closed
    assert openai_server.journal.last().body["stream"] is True


def test_snapshot_equals_the_non_streamed_completion(client: OpenAI, openai_server: MockServer) -> None:
    reply = ChatReply(content="Paris is the capital.", tool_calls=[ToolCall("a", {"x": 1}, id="call_1"), ToolCall("b", "{}", id="call_2")])
    openai_server.script(CHAT, reply)
    plain = client.chat.completions.create(model="gpt-4o", messages=MESSAGES)
    openai_server.reset()
    openai_server.script(CHAT, reply)
    accumulator = ChatCompletionAccumulator()
    for chunk in client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True, stream_options={"include_usage": True}):
        accumulator.add_chunk(chunk)
    assert accumulator.snapshot().to_dict() == plain.to_dict()


def test_just_finished_events_fire_once_in_order(client: OpenAI, openai_server: MockServer) -> None:
    openai_server.script(CHAT, ChatReply(content="Let me check.", tool_calls=[ToolCall("first", {"q": 1}), ToolCall("second", {"q": 2})]))
    accumulator = ChatCompletionAccumulator()
    fired: list[tuple[str, object]] = []
    for chunk in client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True):
        accumulator.add_chunk(chunk)
        while (content := accumulator.just_finished_content()) is not None:
            fired.append(("content", content.content))
        while (call := accumulator.just_finished_tool_call()) is not None:
            fired.append(("tool", (call.index, call.name, call.arguments)))
        assert accumulator.just_finished_refusal() is None
    assert fired == [("content", "Let me check."), ("tool", (0, "first", '{"q":1}')), ("tool", (1, "second", '{"q":2}'))]


def test_refusal_and_several_choices(client: OpenAI, openai_server: MockServer) -> None:
    openai_server.script(CHAT, ChatReply(refusal="I can't help with that."))
    accumulator = ChatCompletionAccumulator()
    refusals = []
    for chunk in client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True, n=2):
        accumulator.add_chunk(chunk)
        while (refusal := accumulator.just_finished_refusal()) is not None:
            refusals.append((refusal.choice_index, refusal.refusal))
    assert refusals == [(0, "I can't help with that."), (1, "I can't help with that.")]
    snapshot = accumulator.snapshot()
    assert [c.index for c in snapshot.choices] == [0, 1]
    assert snapshot.choices[1].message.content is None


def test_stream_helper_gives_the_final_completion(client: OpenAI) -> None:
    with client.chat.completions.stream(model="gpt-4o", messages=MESSAGES) as stream:
        first = next(iter(stream))
        assert first.type == "chunk" and first.chunk.choices[0].delta.role == "assistant"
        final = stream.get_final_completion()
    assert final.choices[0].message.content == "You said: tell me a story"


def test_legacy_completion_stream(client: OpenAI) -> None:
    pieces = [chunk.choices[0].text for chunk in client.completions.create(model="gpt-3.5-turbo-instruct", prompt="hello", stream=True)]
    assert "".join(pieces) == "You said: hello"
    assert client.completions.create(model="gpt-3.5-turbo-instruct", prompt="hello").choices[0].text == "You said: hello"


def test_responses_stream_typed_events_and_final_response(client: OpenAI, openai_server: MockServer) -> None:
    openai_server.script("POST /responses", ChatReply(content="Hi there.", tool_calls=[ToolCall("lookup", {"k": "v"})]))
    with client.responses.stream(model="gpt-4o", input="hello") as stream:
        kinds = [event.type for event in stream]
        final = stream.get_final_response()
    assert kinds[0] == "response.created" and kinds[-1] == "response.completed"
    assert "response.output_text.delta" in kinds and "response.function_call_arguments.delta" in kinds
    assert final.output_text == "Hi there."
    assert final.output[1].arguments == '{"k":"v"}'
    assert stream.output_text == "Hi there."
    assert client.responses.retrieve(final.id).output_text == "Hi there."


def test_responses_assembled_without_the_completed_event(client: OpenAI, openai_server: MockServer) -> None:
    from openai_urllib3._responses_stream import ResponseStreamAccumulator

    accumulator = ResponseStreamAccumulator()
    events = list(client.responses.create(model="gpt-4o", input="piece by piece", stream=True))
    for event in events[:-1]:  # everything but response.completed
        accumulator.add_event(event)
    assert accumulator.output_text == "You said: piece by piece"


def test_error_event_mid_stream_raises_a_typed_error_keeping_the_event(client: OpenAI, openai_server: MockServer) -> None:
    openai_server.fault(CHAT, StreamError(after_events=2, code="rate_limit_exceeded", type="requests", message="Slow down"))
    stream = client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True)
    received = []
    with pytest.raises(RateLimitError) as info:
        for chunk in stream:
            received.append(chunk)
    assert len(received) == 2
    assert info.value.code == "rate_limit_exceeded" and "Slow down" in str(info.value)
    assert info.value.event.data.startswith('{"error"')  # type: ignore[attr-defined]
    assert stream.response.is_closed


def test_responses_error_event_is_classified_too(client: OpenAI, openai_server: MockServer) -> None:
    openai_server.fault("POST /responses", StreamError(after_events=3))
    with pytest.raises(InternalServerError):
        list(client.responses.create(model="gpt-4o", input="x", stream=True))


def test_unknown_error_code_is_a_plain_api_error(client: OpenAI, openai_server: MockServer) -> None:
    openai_server.fault(CHAT, StreamError(after_events=0, code="brand_new_code", type="mystery"))
    with pytest.raises(APIError) as info:
        list(client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True))
    assert type(info.value) is APIError and info.value.code == "brand_new_code"


def test_cut_stream_raises_connection_error(client: OpenAI, openai_server: MockServer) -> None:
    openai_server.fault(CHAT, StreamCut(after_events=3))
    received = []
    with pytest.raises(APIConnectionError):
        for chunk in client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True):
            received.append(chunk)
    assert len(received) == 3
    assert checked_out(client) == 0


def test_malformed_event_raises_a_validation_error(client: OpenAI, openai_server: MockServer) -> None:
    openai_server.fault(CHAT, MalformedEvent(after_events=1))
    with pytest.raises(APIResponseValidationError, match="not valid JSON"):
        list(client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True))


def test_byte_by_byte_stream_decodes_the_same(client: OpenAI, openai_server: MockServer) -> None:
    openai_server.fault(CHAT, ByteByByte())
    text = "".join(c.choices[0].delta.content or "" for c in client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True))
    assert text == "You said: tell me a story"


def test_a_stream_silent_longer_than_the_read_timeout_times_out(client: OpenAI, openai_server: MockServer) -> None:
    openai_server.fault(CHAT, Stall(after_events=2, seconds=2.0))
    start = time.monotonic()
    with pytest.raises(APITimeoutError):
        list(client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True, timeout=0.2))
    assert time.monotonic() - start < 1.5


def test_stall_shorter_than_the_timeout_is_fine(client: OpenAI, openai_server: MockServer) -> None:
    openai_server.fault(CHAT, Stall(after_events=2, seconds=0.05))
    assert len(list(client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True))) > 3


def test_pacing_first_token_arrives_before_the_last(client: OpenAI, openai_server: MockServer) -> None:
    openai_server.set_pacing(first_event=0.05, between_events=0.03)
    start = time.monotonic()
    arrivals = [time.monotonic() - start for _ in client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True)]
    assert arrivals[0] >= 0.04
    assert arrivals[-1] - arrivals[0] >= 0.03 * (len(arrivals) - 2)
    assert arrivals[0] < arrivals[-1]


def test_status_errors_before_a_stream_are_retried(client: OpenAI, openai_server: MockServer) -> None:
    openai_server.fault(CHAT, Status(429))
    chunks = list(client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True))
    assert chunks and openai_server.journal.retry_counts(CHAT) == [0, 1]


def test_connection_released_on_close_with_and_break(client: OpenAI) -> None:
    stream = client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True)
    next(stream)
    stream.close()
    assert stream.response.is_closed
    with client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True) as stream:
        next(stream)
    assert stream.response.is_closed
    for _ in client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True):
        break
    gc.collect()
    assert checked_out(client) == 0


def test_raw_response_of_a_stream_parses_to_a_stream(client: OpenAI) -> None:
    raw = client.chat.completions.with_raw_response.create(model="gpt-4o", messages=MESSAGES, stream=True)
    assert raw.status_code == 200 and raw.headers["content-type"].startswith("text/event-stream")
    stream = raw.parse()
    assert "".join(c.choices[0].delta.content or "" for c in stream) == "You said: tell me a story"
    assert checked_out(client) == 0


def test_no_leaks_after_many_streams(client: OpenAI, openai_server: MockServer) -> None:
    openai_server.random_faults(seed=11, rate=0.2, faults=[StreamCut(after_events=2), StreamError(after_events=1)], route=CHAT)
    for index in range(1000):
        stream = client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True)
        try:
            if index % 3 == 0:
                for _ in stream:
                    break
                stream.close()
            else:
                list(stream)
        except APIError:
            pass
    gc.collect()
    assert checked_out(client) == 0
    assert client.models.list().data  # the (blocking, 2-connection) pool still has room


def test_a_finished_stream_gives_its_connection_back_for_reuse(client: OpenAI, openai_server: MockServer) -> None:
    before = openai_server.connections_accepted
    for _ in range(5):
        assert list(client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True))
    client.models.list()
    assert openai_server.connections_accepted - before == 1  # one keep-alive connection served all six requests
