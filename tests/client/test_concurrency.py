"""One client shared by threads; the pool never leaks a connection."""

from __future__ import annotations

import threading

from openai_harness import MockServer, Status
from openai_urllib3 import OpenAI


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
    # pool_block with one connection: any connection not returned to the pool would deadlock
    # (urllib3 raises EmptyPoolError after pool timeout), so this proves every path releases.
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
