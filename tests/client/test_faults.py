"""Wire faults from the server end in the documented error (or success after a retry), never a hang."""

from __future__ import annotations

import time

import pytest

from openai_harness import BadChunked, Delay, Empty, Garbage, Hang, MockServer, Reset, SlowBody, Truncate
from openai_urllib3 import APIConnectionError, APITimeoutError, OpenAI

MODELS = "GET /models"


def client_for(server: MockServer, **kwargs: object) -> OpenAI:
    return OpenAI(api_key="sk-test", base_url=server.url, sleep=lambda s: None, trust_env=False, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "fault",
    [Reset(), Reset("after_headers"), Truncate(keep=10), Garbage(), BadChunked(), Empty()],
    ids=["reset-before-status", "reset-after-headers", "truncated-body", "garbage", "bad-chunked", "empty"],
)
def test_each_connection_fault_is_retried_then_succeeds(openai_server: MockServer, fault: object) -> None:
    client = client_for(openai_server)
    openai_server.fault(MODELS, fault)  # type: ignore[arg-type]
    page = client.models.list()
    assert len(page.data) > 0
    entries = openai_server.journal.for_route(MODELS)
    assert [e.retry_count for e in entries] == [0, 1]
    assert entries[0].fault == repr(fault)


@pytest.mark.parametrize(
    "fault",
    [Reset(), Reset("after_headers"), Truncate(keep=10), Garbage(), BadChunked(), Empty()],
    ids=["reset-before-status", "reset-after-headers", "truncated-body", "garbage", "bad-chunked", "empty"],
)
def test_each_connection_fault_beyond_retries_raises_connection_error(openai_server: MockServer, fault: object) -> None:
    client = client_for(openai_server, max_retries=1)
    openai_server.fault(MODELS, fault, times=2)  # type: ignore[arg-type]
    with pytest.raises(APIConnectionError) as info:
        client.models.list()
    assert not isinstance(info.value, APITimeoutError)
    assert openai_server.journal.count(MODELS) == 2


def test_a_server_that_never_answers_times_out_within_the_timeout(openai_server: MockServer) -> None:
    client = client_for(openai_server, timeout=0.3, max_retries=1)
    openai_server.fault(MODELS, Hang(), times=2)
    start = time.monotonic()
    with pytest.raises(APITimeoutError):
        client.models.list()
    elapsed = time.monotonic() - start
    assert 0.6 <= elapsed < 0.6 + 1.0
    assert openai_server.journal.count(MODELS) == 2


def test_per_request_timeout_overrides_the_client(openai_server: MockServer) -> None:
    client = client_for(openai_server, max_retries=0)
    openai_server.fault(MODELS, Delay(0.5))
    start = time.monotonic()
    with pytest.raises(APITimeoutError):
        client.models.list(timeout=0.1)
    assert time.monotonic() - start < 0.45


def test_a_connect_read_pair_sets_the_read_timeout(openai_server: MockServer) -> None:
    client = client_for(openai_server, max_retries=0)
    openai_server.fault(MODELS, Delay(0.5))
    with pytest.raises(APITimeoutError):
        client.models.list(timeout=(1.0, 0.1))


def test_a_slow_body_within_the_read_timeout_succeeds(openai_server: MockServer) -> None:
    client = client_for(openai_server, timeout=0.5)
    openai_server.fault(MODELS, SlowBody(chunk_size=256, interval=0.005))
    page = client.models.list()
    assert page.data[0].id == "gpt-4o"
    assert openai_server.journal.count(MODELS) == 1


def test_a_body_that_stalls_longer_than_the_read_timeout_times_out(openai_server: MockServer) -> None:
    client = client_for(openai_server, timeout=0.2, max_retries=0)
    openai_server.fault(MODELS, SlowBody(chunk_size=100, interval=0.5))
    with pytest.raises(APITimeoutError):
        client.models.list()


def test_none_disables_the_timeout(openai_server: MockServer) -> None:
    client = client_for(openai_server, timeout=None)
    openai_server.fault(MODELS, Delay(0.2))
    assert client.models.list().data


def test_a_body_dribbled_a_byte_at_a_time_ends_at_the_total_deadline(openai_server: MockServer) -> None:
    import time

    from openai_urllib3 import Timeout

    client = client_for(openai_server, timeout=Timeout(5, total=0.5), max_retries=0)
    openai_server.fault(MODELS, SlowBody(chunk_size=1, interval=0.02))  # every wait is short, the whole is not
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        client.models.list()
    assert time.monotonic() - started < 3
    assert openai_server.journal.count(MODELS) == 1


def test_the_official_sdks_timeout_objects_mean_the_same_here() -> None:
    openai = pytest.importorskip("openai")
    from openai_urllib3 import Timeout
    from openai_urllib3._types import to_timeout

    theirs = openai.Timeout(60.0, connect=2.0)
    assert to_timeout(theirs) == Timeout(60.0, connect=2.0)
    ours = Timeout(60.0, connect=2.0)
    assert (ours.connect, ours.read, ours.write, ours.pool) == (theirs.connect, theirs.read, theirs.write, theirs.pool)
    assert (Timeout(10).connect, Timeout(10).read) == (openai.Timeout(10).connect, openai.Timeout(10).read) == (10, 10)
    assert to_timeout(openai.Timeout(None, read=5.0)) == Timeout(None, read=5.0)
    with pytest.raises(ValueError, match="total"):
        Timeout(1, total=0)
