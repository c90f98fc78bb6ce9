"""The official ``openai`` package, unchanged, against the mock server."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

openai = pytest.importorskip("openai")

from openai_harness import (  # noqa: E402
    BadChunked,
    ChatReply,
    Delay,
    Empty,
    Garbage,
    Hang,
    MockServer,
    Reset,
    SlowBody,
    Status,
    ToolCall,
    Truncate,
)

CHAT = "POST /chat/completions"
MESSAGES: Any = [{"role": "user", "content": "hello"}]
FAST_RETRY = {"retry-after-ms": "1"}


@pytest.fixture
def sdk(openai_server: MockServer) -> Iterator[Any]:
    client = openai.OpenAI(api_key="sk-official-test", base_url=openai_server.url, max_retries=2, timeout=5)
    yield client
    client.close()


def test_models_list_and_retrieve(sdk: Any) -> None:
    ids = [model.id for model in sdk.models.list()]
    assert "gpt-4o" in ids
    assert sdk.models.retrieve("gpt-4o").owned_by == "system"
    with pytest.raises(openai.NotFoundError):
        sdk.models.retrieve("no-such-model")


def test_chat_completion_and_scripted_tool_call(sdk: Any, openai_server: MockServer) -> None:
    reply = sdk.chat.completions.create(model="gpt-4o", messages=MESSAGES)
    assert reply.choices[0].message.content == "You said: hello"
    assert reply.usage.total_tokens == reply.usage.prompt_tokens + reply.usage.completion_tokens
    openai_server.script(CHAT, ChatReply(tool_calls=[ToolCall(name="lookup", arguments={"q": "x"})]))
    call = sdk.chat.completions.create(model="gpt-4o", messages=MESSAGES).choices[0].message.tool_calls[0]
    assert call.function.name == "lookup" and call.function.arguments == '{"q":"x"}'


def test_stored_completions_auto_paginate_over_several_pages(sdk: Any) -> None:
    created = [sdk.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": str(i)}], store=True).id for i in range(10)]
    listed = [completion.id for completion in sdk.chat.completions.list(limit=3)]
    assert listed == created  # 4 pages: 3, 3, 3, 1
    first = sdk.chat.completions.list(limit=3)
    assert first.has_more is True and len(first.data) == 3


def test_429_twice_then_ok_retries_with_counts_0_1_2(sdk: Any, openai_server: MockServer) -> None:
    openai_server.fault(CHAT, Status(429, headers=FAST_RETRY), times=2)
    reply = sdk.chat.completions.with_raw_response.create(model="gpt-4o", messages=MESSAGES)
    assert reply.parse().choices[0].message.content == "You said: hello"
    assert openai_server.journal.retry_counts(CHAT) == [0, 1, 2]


def test_500_beyond_retries_raises_internal_server_error(sdk: Any, openai_server: MockServer) -> None:
    openai_server.fault(CHAT, Status(500, headers=FAST_RETRY), times=3)
    with pytest.raises(openai.InternalServerError):
        sdk.chat.completions.create(model="gpt-4o", messages=MESSAGES)
    assert openai_server.journal.count(CHAT) == 3


def test_hang_raises_the_timeout_error(openai_server: MockServer) -> None:
    client = openai.OpenAI(api_key="sk-official-test", base_url=openai_server.url, max_retries=0, timeout=0.3)
    openai_server.fault(CHAT, Hang())
    with pytest.raises(openai.APITimeoutError):
        client.chat.completions.create(model="gpt-4o", messages=MESSAGES)


@pytest.mark.parametrize(
    "fault",
    [Reset(), Reset("after_headers"), Truncate(keep=5), Garbage(), BadChunked(), Empty()],
    ids=["reset-before-status", "reset-after-headers", "truncated-body", "garbage", "bad-chunked", "empty"],
)
def test_connection_faults_end_in_connection_error_without_retries(openai_server: MockServer, fault: Any) -> None:
    client = openai.OpenAI(api_key="sk-official-test", base_url=openai_server.url, max_retries=0, timeout=5)
    openai_server.fault(CHAT, fault)
    with pytest.raises(openai.APIConnectionError):
        client.chat.completions.create(model="gpt-4o", messages=MESSAGES)


def test_connection_fault_then_success_after_one_retry(sdk: Any, openai_server: MockServer) -> None:
    openai_server.fault(CHAT, Reset())
    assert sdk.chat.completions.create(model="gpt-4o", messages=MESSAGES).choices[0].message.content
    assert openai_server.journal.retry_counts(CHAT) == [0, 1]


@pytest.mark.parametrize("fault", [Delay(0.05), SlowBody(chunk_size=64, interval=0.002)], ids=["delay", "slow-body"])
def test_slow_answers_within_the_timeout_succeed(sdk: Any, openai_server: MockServer, fault: Any) -> None:
    openai_server.fault(CHAT, fault)
    assert sdk.chat.completions.create(model="gpt-4o", messages=MESSAGES).choices[0].message.content == "You said: hello"
    assert openai_server.journal.count(CHAT) == 1


def test_status_fault_is_the_typed_error(sdk: Any, openai_server: MockServer) -> None:
    openai_server.fault(CHAT, Status(400))
    with pytest.raises(openai.BadRequestError) as info:
        sdk.chat.completions.create(model="gpt-4o", messages=MESSAGES)
    assert info.value.status_code == 400
