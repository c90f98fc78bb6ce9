"""One client shared by threads; the pool never leaks a connection."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from openai_harness import MockServer, Status
from openai_urllib3 import APITimeoutError, OpenAI, Timeout

from ..pool import checked_out


def test_eight_threads_share_one_client(openai_server: MockServer) -> None:
    client = OpenAI(api_key="sk-test", base_url=openai_server.url, sleep=lambda s: None, trust_env=False, pool_maxsize=8)
    openai_server.fault("POST /chat/completions", Status(429), at=[3, 17, 40])
    errors: list[BaseException] = []
    results: dict[int, list[str]] = {}

    def worker(index: int) -> None:
        try:
            thread_client = client.with_options(default_headers={"X-Thread": str(index)}) if index % 2 else client
            results[index] = [
                thread_client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": f"t{index} r{n}"}]).choices[0].message.content or ""
                for n in range(25)
            ]
        except BaseException as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    for index in range(8):
        assert results[index] == [f"You said: t{index} r{n}" for n in range(25)]
    entries = openai_server.journal.for_route("POST /chat/completions")
    assert len(entries) == 8 * 25 + 3
    assert sum(1 for e in entries if e.status == 429) == 3
    odd = [e for e in entries if e.headers.get("x-thread")]
    assert {e.headers["x-thread"] for e in odd} == {"1", "3", "5", "7"}


def test_pool_is_not_exhausted_by_errors(openai_server: MockServer) -> None:
    # One pooled connection: any path that did not give it back would show in checked_out().
    client = OpenAI(api_key="sk-test", base_url=openai_server.url, sleep=lambda s: None, trust_env=False, pool_maxsize=1, pool_block=True, timeout=2, max_retries=0)
    from openai_urllib3 import APIStatusError

    for index in range(50):
        if index % 3 == 0:
            openai_server.fault("GET /models", Status(500))
            try:
                client.models.list()
            except APIStatusError:
                pass
        elif index % 3 == 1:
            with client.models.with_streaming_response.list() as response:
                next(response.iter_bytes(8))
        else:
            assert client.models.list().data
        assert checked_out(client) == 0


def _stream(client: OpenAI) -> Any:
    stream = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}], stream=True)
    next(stream)
    return stream


def test_a_stream_left_open_never_blocks_the_next_call_on_a_blocking_pool(openai_server: MockServer) -> None:
    # pool_block with one connection, held by a stream this thread broke out of and kept: waiting
    # for it could only deadlock, so the call goes on over one connection beyond the cap.
    client = OpenAI(api_key="sk-test", base_url=openai_server.url, trust_env=False, pool_maxsize=1, pool_block=True, timeout=5, max_retries=0)
    kept = _stream(client)
    for _ in kept:
        break
    before = openai_server.connections_accepted
    assert client.models.list().data
    assert openai_server.connections_accepted == before + 1
    assert checked_out(client) == 1  # the stream still holds the pooled one, and may go on
    assert "".join(chunk.choices[0].delta.content or "" for chunk in kept if chunk.choices)
    assert checked_out(client) == 0
    assert client.models.list().data
    assert openai_server.connections_accepted == before + 1  # the pooled connection is used again


def test_a_blocking_pool_waits_for_another_threads_stream(openai_server: MockServer) -> None:
    client = OpenAI(api_key="sk-test", base_url=openai_server.url, trust_env=False, pool_maxsize=1, pool_block=True, timeout=5, max_retries=0)
    held = threading.Event()
    finish = threading.Event()

    def hold() -> None:
        with _stream(client):
            held.set()
            finish.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    assert held.wait(5)
    threading.Timer(0.2, finish.set).start()
    started = time.monotonic()
    assert client.models.list().data
    assert time.monotonic() - started >= 0.15  # it waited for the other thread's stream to close
    holder.join(5)
    assert checked_out(client) == 0


def test_a_blocking_pool_wait_ends_at_the_pool_timeout_with_a_clear_error(openai_server: MockServer) -> None:
    client = OpenAI(api_key="sk-test", base_url=openai_server.url, trust_env=False, pool_maxsize=1, pool_block=True, timeout=Timeout(5, pool=0.2), max_retries=0)
    held = threading.Event()
    finish = threading.Event()

    def hold() -> None:
        with _stream(client):
            held.set()
            finish.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(5)
        with pytest.raises(APITimeoutError, match=r"came free within the pool timeout \(0.2s\).*pool_maxsize"):
            client.models.list()
    finally:
        finish.set()
        holder.join(5)
    assert checked_out(client) == 0
