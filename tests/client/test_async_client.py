"""``AsyncOpenAI``: the official SDK's asyncio call shapes, run the same against both clients."""

from __future__ import annotations

import asyncio
import importlib
from typing import Any

import pytest

from openai_harness import MockServer, Status


def _module(which: str) -> Any:
    if which == "openai":
        return pytest.importorskip("openai")
    return importlib.import_module("openai_urllib3")


async def _session(module: Any, url: str) -> list[Any]:
    """One async program, written for the official SDK; the results it prints."""
    seen: list[Any] = []
    async with module.AsyncOpenAI(api_key="sk-async", base_url=url, max_retries=1) as client:
        completion = await client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
        seen.append(completion.choices[0].message.content)
        stream = await client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "stream me"}], stream=True)
        seen.append("".join([chunk.choices[0].delta.content or "" async for chunk in stream if chunk.choices]))
        async with client.chat.completions.stream(model="gpt-4o", messages=[{"role": "user", "content": "helper"}]) as events:
            seen.append([event.content async for event in events if event.type == "content.done"])
            seen.append((await events.get_final_completion()).choices[0].message.content)
        for index in range(3):
            await client.files.create(file=(f"f{index}.txt", b"x"), purpose="assistants")
        seen.append(len([file async for file in client.files.list(limit=1)]))  # every page, fetched as needed
        page = await client.files.list(limit=2)
        seen.append((len(page.data), page.has_next_page(), len((await page.get_next_page()).data)))
        raw = await client.chat.completions.with_raw_response.create(model="gpt-4o", messages=[{"role": "user", "content": "raw"}])
        seen.append((raw.status_code, raw.parse().choices[0].message.content))
        async with client.chat.completions.with_streaming_response.create(model="gpt-4o", messages=[{"role": "user", "content": "lazy"}]) as response:
            seen.append((response.status_code, (await response.parse()).choices[0].message.content))
        speech = await client.audio.speech.create(model="tts-1", voice="alloy", input="hi")
        seen.append(len(await speech.aread()) > 0)
        seen.append((await client.responses.create(model="gpt-4o", input="hello")).output_text)
        many = await asyncio.gather(*[client.models.retrieve("gpt-4o") for _ in range(12)])
        seen.append({model.id for model in many})
        with pytest.raises(module.NotFoundError):
            await client.models.retrieve("no-such-model")
        seen.append(type(client.with_options(timeout=5)).__name__)
    return seen


@pytest.mark.parametrize("which", ["openai_urllib3", "openai"])
def test_an_async_program_gives_the_same_results_on_both_clients(openai_server: MockServer, which: str) -> None:
    expected = [
        "You said: hi",
        "You said: stream me",
        ["You said: helper"],
        "You said: helper",
        3,
        (2, True, 1),
        (200, "You said: raw"),
        (200, "You said: lazy"),
        True,
        "You said: hello",
        {"gpt-4o"},
        "AsyncOpenAI",
    ]
    assert asyncio.run(_session(_module(which), openai_server.url)) == expected


@pytest.mark.parametrize("which", ["openai_urllib3", "openai"])
def test_async_retries_and_realtime_sessions(openai_server: MockServer, which: str) -> None:
    module = _module(which)
    if which == "openai":
        pytest.importorskip("websockets")
    openai_server.fault("GET /models", Status(500, headers={"retry-after-ms": "1"}))

    async def program() -> list[Any]:
        client = module.AsyncOpenAI(api_key="sk-async", base_url=openai_server.url, max_retries=1)
        models = await client.models.list()
        texts = [len(models.data) > 0]
        async with client.realtime.connect(model="gpt-realtime") as connection:
            await connection.session.update(session={"type": "realtime", "output_modalities": ["text"]})
            await connection.conversation.item.create(item={"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Say hi"}]})
            await connection.response.create()
            async for event in connection:
                if event.type == "response.output_text.done":
                    texts.append(event.text)
                if event.type == "response.done":
                    break
        await client.close()
        return texts

    assert asyncio.run(program()) == [True, "You said: Say hi"]
    assert [entry.status for entry in openai_server.journal.for_route("GET /models")] == [500, 200]


def test_a_stream_left_early_gives_its_connection_back(openai_server: MockServer) -> None:
    from openai_urllib3 import AsyncOpenAI

    async def program() -> None:
        client = AsyncOpenAI(api_key="sk-async", base_url=openai_server.url, max_retries=0, pool_maxsize=1, pool_block=True, timeout=5)
        for _ in range(3):  # one connection in the pool: a stream that kept it would block the next call
            stream = await client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "a b c d"}], stream=True)
            async for _chunk in stream:
                break
            await stream.close()
        assert (await client.models.retrieve("gpt-4o")).id == "gpt-4o"
        await client.close()

    asyncio.run(program())
