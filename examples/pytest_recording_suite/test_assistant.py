"""An assistant's tests as a pytest-recording user writes them: a chat turn, a stream, a tool call
round trip, parametrized ids with characters a file name cannot hold, and a shared cassette."""

import json
from typing import Any

import pytest

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The weather in a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


@pytest.mark.vcr
def test_chat_turn(client: Any) -> None:
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Say hello"}])
    assert reply.choices[0].message.content


@pytest.mark.vcr
def test_streamed_answer(client: Any) -> None:
    stream = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Count to three"}], stream=True)
    text = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    assert text


@pytest.mark.vcr
def test_tool_call_round_trip(client: Any) -> None:
    messages: list[Any] = [{"role": "user", "content": "What is the weather in Paris?"}]
    first = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=[WEATHER_TOOL])
    calls = first.choices[0].message.tool_calls
    assert calls and calls[0].function.name == "get_weather"
    messages.append(first.choices[0].message.model_dump(exclude_none=True))
    messages.append({"role": "tool", "tool_call_id": calls[0].id, "content": json.dumps({"city": "Paris", "sky": "clear"})})
    second = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=[WEATHER_TOOL])
    assert second.choices[0].message.content


@pytest.mark.vcr
@pytest.mark.parametrize("question", ["a/b?", "time: now", "two words"])
def test_parametrized_ids(client: Any, question: str) -> None:
    assert client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": question}]).choices


@pytest.mark.vcr
@pytest.mark.default_cassette("models.yaml")
def test_list_models(client: Any) -> None:
    assert [model.id for model in client.models.list()]


@pytest.mark.vcr
@pytest.mark.default_cassette("models.yaml")
def test_shared_cassette_used_again(client: Any) -> None:
    assert client.models.list().data
