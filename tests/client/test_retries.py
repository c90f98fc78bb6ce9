"""Every retry rule, against the real loopback server; no test sleeps through a real backoff."""

from __future__ import annotations

import email.utils
from typing import Any

import pytest

from openai_harness import Delay, MockServer, Status
from openai_urllib3 import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    OpenAI,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from openai_urllib3._retry import RetryPolicy, parse_retry_after

CHAT = "POST /chat/completions"
MESSAGES = [{"role": "user", "content": "hi"}]


class Sleeps:
    """Records requested sleeps instead of sleeping."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def make_client(server: MockServer, **kwargs: Any) -> tuple[OpenAI, Sleeps]:
    sleeps = Sleeps()
    kwargs.setdefault("random", lambda: 0.0)
    return OpenAI(api_key="sk-test", base_url=server.url, sleep=sleeps, trust_env=False, **kwargs), sleeps


def chat(client: OpenAI) -> Any:
    return client.chat.completions.create(model="gpt-4o", messages=MESSAGES)


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504])
def test_retryable_statuses_are_retried_until_success(openai_server: MockServer, status: int) -> None:
    client, sleeps = make_client(openai_server)
    openai_server.fault(CHAT, Status(status), times=2)
    reply = chat(client)
    assert reply.choices[0].message.content == "You said: hi"
    assert openai_server.journal.retry_counts(CHAT) == [0, 1, 2]
    assert sleeps.calls == [0.5, 1.0]


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (422, UnprocessableEntityError),
        (418, APIStatusError),
    ],
)
def test_other_statuses_are_not_retried(openai_server: MockServer, status: int, error: type[Exception]) -> None:
    client, sleeps = make_client(openai_server)
    openai_server.fault(CHAT, Status(status))
    with pytest.raises(error) as info:
        chat(client)
    assert type(info.value) is error
    assert openai_server.journal.count(CHAT) == 1
    assert sleeps.calls == []


@pytest.mark.parametrize(("status", "error"), [(409, ConflictError), (429, RateLimitError), (500, InternalServerError), (503, InternalServerError)])
def test_retries_exhausted_raise_the_typed_error(openai_server: MockServer, status: int, error: type[Exception]) -> None:
    client, sleeps = make_client(openai_server, max_retries=3)
    openai_server.fault(CHAT, Status(status), times=10)
    with pytest.raises(error):
        chat(client)
    assert openai_server.journal.retry_counts(CHAT) == [0, 1, 2, 3]
    assert sleeps.calls == [0.5, 1.0, 2.0]


def test_backoff_is_capped_at_8_seconds_with_downward_jitter(openai_server: MockServer) -> None:
    client, sleeps = make_client(openai_server, max_retries=6, random=lambda: 1.0)
    openai_server.fault(CHAT, Status(500), times=6)
    chat(client)
    assert sleeps.calls == [0.375, 0.75, 1.5, 3.0, 6.0, 6.0]  # 25% below 0.5 * 2**n, capped at 8 * 0.75


def test_jitter_stays_within_25_percent() -> None:
    import random

    policy = RetryPolicy(random=random.Random(7).random)
    for attempt in range(10):
        delay = policy.backoff(attempt)
        nominal = min(0.5 * 2**attempt, 8.0)
        assert 0.75 * nominal <= delay <= nominal


def test_retry_after_ms_wins(openai_server: MockServer) -> None:
    client, sleeps = make_client(openai_server)
    openai_server.fault(CHAT, Status(429, headers={"retry-after-ms": "250", "retry-after": "9"}))
    chat(client)
    assert sleeps.calls == [0.25]


def test_retry_after_seconds(openai_server: MockServer) -> None:
    client, sleeps = make_client(openai_server)
    openai_server.fault(CHAT, Status(503, headers={"retry-after": "3"}))
    chat(client)
    assert sleeps.calls == [3.0]


def test_retry_after_http_date(openai_server: MockServer) -> None:
    now = 1_800_000_000.0
    client, sleeps = make_client(openai_server, clock=lambda: now)
    date = email.utils.formatdate(now + 7, usegmt=True)
    openai_server.fault(CHAT, Status(503, headers={"retry-after": date}))
    chat(client)
    assert sleeps.calls == [pytest.approx(7.0)]


def test_unparseable_retry_after_falls_back_to_backoff(openai_server: MockServer) -> None:
    client, sleeps = make_client(openai_server)
    openai_server.fault(CHAT, Status(429, headers={"retry-after": "soon"}))
    chat(client)
    assert sleeps.calls == [0.5]


def test_x_should_retry_true_retries_a_400(openai_server: MockServer) -> None:
    client, _ = make_client(openai_server)
    openai_server.fault(CHAT, Status(400, headers={"x-should-retry": "true"}))
    chat(client)
    assert openai_server.journal.retry_counts(CHAT) == [0, 1]


def test_x_should_retry_false_stops_a_503(openai_server: MockServer) -> None:
    client, sleeps = make_client(openai_server)
    openai_server.fault(CHAT, Status(503, headers={"x-should-retry": "false"}))
    with pytest.raises(InternalServerError):
        chat(client)
    assert openai_server.journal.count(CHAT) == 1
    assert sleeps.calls == []


def test_insufficient_quota_is_never_retried(openai_server: MockServer) -> None:
    client, sleeps = make_client(openai_server)
    body = {"error": {"message": "You exceeded your current quota.", "type": "insufficient_quota", "param": None, "code": "insufficient_quota"}}
    openai_server.fault(CHAT, Status(429, body=body), times=3)
    with pytest.raises(RateLimitError) as info:
        chat(client)
    assert info.value.code == "insufficient_quota"
    assert openai_server.journal.count(CHAT) == 1
    assert sleeps.calls == []


def test_server_asked_delay_beyond_max_retry_delay_raises_at_once(openai_server: MockServer) -> None:
    client, sleeps = make_client(openai_server, max_retry_delay=30)
    openai_server.fault(CHAT, Status(429, headers={"retry-after": "120"}))
    with pytest.raises(RateLimitError):
        chat(client)
    assert openai_server.journal.count(CHAT) == 1
    assert sleeps.calls == []


def test_server_asked_delay_within_max_retry_delay_is_slept(openai_server: MockServer) -> None:
    client, sleeps = make_client(openai_server, max_retry_delay=200)
    openai_server.fault(CHAT, Status(429, headers={"retry-after": "120"}))
    chat(client)
    assert sleeps.calls == [120.0]


def test_max_retries_zero_and_per_request_override(openai_server: MockServer) -> None:
    client, _ = make_client(openai_server, max_retries=0)
    openai_server.fault(CHAT, Status(500), times=2)
    with pytest.raises(InternalServerError):
        chat(client)
    reply = client.chat.completions.create(model="gpt-4o", messages=MESSAGES, max_retries=1)
    assert reply.choices[0].message.content == "You said: hi"
    assert openai_server.journal.retry_counts(CHAT) == [0, 0, 1]


def test_a_non_replayable_body_is_not_retried(openai_server: MockServer) -> None:
    client, _ = make_client(openai_server)
    openai_server.fault(CHAT, Status(500))
    with pytest.raises(InternalServerError):
        client.request("POST", "/chat/completions", cast_to=dict, content=iter([b'{"model":"gpt-4o",', b'"messages":[{"role":"user","content":"x"}]}']))
    assert openai_server.journal.count(CHAT) == 1


def test_retries_taken_and_delay_are_reported_on_raw_responses(openai_server: MockServer) -> None:
    client, _ = make_client(openai_server)
    openai_server.fault(CHAT, Status(502), Delay(0.0))
    raw = client.chat.completions.with_raw_response.create(model="gpt-4o", messages=MESSAGES)
    assert raw.retries_taken == 1
    assert raw.status_code == 200
    assert raw.parse().choices[0].message.content == "You said: hi"


def test_parse_retry_after_rejects_negative_and_nan() -> None:
    assert parse_retry_after({"retry-after-ms": "-5"}) is None
    assert parse_retry_after({"retry-after": "nan"}) is None
    assert parse_retry_after({"retry-after": "-1"}) is None
    assert parse_retry_after({"retry-after-ms": "1500"}) == 1.5


def test_policy_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        RetryPolicy(-1)
    with pytest.raises(ValueError, match="max_retry_delay"):
        RetryPolicy(2, -3)
