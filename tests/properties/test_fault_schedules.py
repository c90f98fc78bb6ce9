"""For any schedule of faults, the client gets the right answer when the faults fit within its
retries and otherwise raises the documented error; it never raises anything else, never hangs,
never leaks a connection, and makes exactly the attempts its retry rules predict."""

from __future__ import annotations

import time
from typing import Any, Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openai_harness import BadChunked, Delay, Empty, Fault, Garbage, Hang, MockServer, Reset, SlowBody, Status, Truncate
from openai_harness import strategies as oas
from openai_urllib3 import APIConnectionError, APIStatusError, APITimeoutError, OpenAI, OpenAIError, Timeout

from ..pool import checked_out
from .conftest import examples

READ_TIMEOUT = 0.3
HANG = 1.0  # longer than the read timeout: the client must give up first
MESSAGES = [{"role": "user", "content": "Hello"}]
STATUSES = (*oas.RETRYABLE_STATUSES, 400, 401, 403, 404, 422)

schedules = oas.fault_schedules(max_faults=4, statuses=STATUSES, hang=True, max_delay=HANG / 10, error_bodies=True)


def retried(fault: Fault) -> bool | None:
    """The client's retry rule for the attempt that met ``fault``: True (retried), False (final
    error) or None (answered normally)."""
    if isinstance(fault, Status):
        return fault.status in (408, 409, 429) or fault.status >= 500
    if isinstance(fault, (Reset, Truncate, Empty, Garbage, BadChunked, Hang)):
        return True  # connection errors and timeouts
    assert isinstance(fault, (Delay, SlowBody)), fault
    return None


def predict(schedule: list[Fault], max_retries: int) -> tuple[int, Fault | None]:
    """(attempts, the fault of the last attempt, or None when it is answered)."""
    for attempt, fault in enumerate(schedule, start=1):
        verdict = retried(fault)
        if verdict is None:
            return attempt, None
        if verdict is False or attempt == max_retries + 1:
            return attempt, fault
    return len(schedule) + 1, None


@pytest.fixture(scope="module")
def clients(server: MockServer) -> Iterator[dict[int, OpenAI]]:
    made = {n: OpenAI(api_key="sk-test", base_url=server.url, max_retries=n, timeout=Timeout(READ_TIMEOUT, connect=1), sleep=lambda s: None, trust_env=False) for n in range(4)}
    yield made
    for client in made.values():
        client.close()


@given(schedule=schedules, max_retries=st.integers(0, 3))
@settings(max_examples=examples(2))
def test_retries_follow_the_rules_and_end_cleanly(server: MockServer, clients: dict[int, OpenAI], schedule: list[Fault], max_retries: int) -> None:
    server.reset()
    if schedule:
        server.fault("POST /chat/completions", *schedule)
    client = clients[max_retries]
    attempts, last_fault = predict(schedule, max_retries)
    started = time.monotonic()
    outcome: Any
    try:
        outcome = client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    except OpenAIError as error:  # anything else fails the test: no foreign exception escapes
        outcome = error
    elapsed = time.monotonic() - started

    assert [entry.retry_count for entry in server.journal.all()] == list(range(attempts))
    if last_fault is None:
        assert not isinstance(outcome, Exception), outcome
        assert outcome.choices[0].message.content == "You said: Hello"
    elif isinstance(last_fault, Status):
        assert isinstance(outcome, APIStatusError) and outcome.status_code == last_fault.status, outcome
    elif isinstance(last_fault, Hang):
        assert isinstance(outcome, APITimeoutError), outcome
    else:
        assert isinstance(outcome, APIConnectionError) and not isinstance(outcome, APITimeoutError), outcome
    assert checked_out(client) == 0
    # Never hangs: each attempt ends within the read timeout, plus the scheduled slowness.
    assert elapsed < attempts * (READ_TIMEOUT + HANG / 10) + 2.0


stream_faults = oas.faults(statuses=(), connection=False, delays=False, stream=True, max_delay=HANG / 10)


@given(fault=stream_faults)
@settings(max_examples=examples(0.5))
def test_a_fault_inside_a_stream_ends_it_cleanly(server: MockServer, clients: dict[int, OpenAI], fault: Fault) -> None:
    server.reset()
    server.fault("POST /chat/completions", fault)
    client = clients[2]
    received = ""
    try:
        with client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=True) as stream:
            for chunk in stream:
                received += "".join(choice.delta.content or "" for choice in chunk.choices)
        error = None
    except OpenAIError as caught:
        error = caught
    assert len(server.journal.all()) == 1  # a stream that has begun is not retried
    assert "You said: Hello".startswith(received)
    assert checked_out(client) == 0
    if type(fault).__name__ == "Stall":
        assert error is None and received == "You said: Hello"
    else:
        assert error is not None
