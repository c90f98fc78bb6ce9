"""`chat.completions.stream(...)` yields the official SDK's typed events, in the same order, with
the same fields; strict tools get `parsed_arguments`; bad model JSON is a library error."""

from __future__ import annotations

import dataclasses
import enum
from typing import Any

import pytest

from openai_harness import ChatReply, MockServer, ToolCall
from openai_urllib3 import OpenAI, StructuredOutputError, pydantic_function_tool

MESSAGES: Any = [{"role": "user", "content": "weather?"}]


def _clients(server: MockServer) -> list[tuple[str, Any]]:
    openai = pytest.importorskip("openai")
    return [("ours", OpenAI(api_key="sk-events", base_url=server.url, max_retries=0)), ("official", openai.OpenAI(api_key="sk-events", base_url=server.url, max_retries=0))]


def _summary(event: Any) -> tuple[Any, ...]:
    kind = event.type
    if kind == "chunk":
        return (kind,)
    if kind == "content.delta":
        return (kind, event.delta, event.snapshot)
    if kind == "content.done":
        return (kind, event.content)
    if kind.startswith("tool_calls.function.arguments"):
        parsed = event.parsed_arguments
        parsed = parsed.model_dump() if hasattr(parsed, "model_dump") else parsed
        return (kind, event.name, event.index, event.arguments, parsed, getattr(event, "arguments_delta", None))
    return (kind,)


def test_content_events_match_the_official_sdk(openai_server: MockServer) -> None:
    seen = {}
    for name, client in _clients(openai_server):
        with client.chat.completions.stream(model="gpt-4o", messages=MESSAGES) as stream:
            seen[name] = [_summary(event) for event in stream]
            final = stream.get_final_completion()
        assert final.choices[0].message.content == "You said: weather?"
        assert final.choices[0].message.parsed is None
    assert seen["ours"] == seen["official"]
    assert ("content.done", "You said: weather?") in seen["ours"]


def test_tool_call_events_and_parsed_arguments_match_the_official_sdk(openai_server: MockServer) -> None:
    pydantic = pytest.importorskip("pydantic")

    class GetWeather(pydantic.BaseModel):  # type: ignore[misc, name-defined]
        city: str

    seen = {}
    for name, client in _clients(openai_server):
        module = pytest.importorskip("openai") if name == "official" else None
        tool = module.pydantic_function_tool(GetWeather) if module else pydantic_function_tool(GetWeather)
        openai_server.script("POST /chat/completions", ChatReply(tool_calls=[ToolCall("GetWeather", {"city": "Oslo"}), ToolCall("GetWeather", {"city": "Rome"})]))
        with client.chat.completions.stream(model="gpt-4o", messages=MESSAGES, tools=[tool]) as stream:
            seen[name] = [_summary(event) for event in stream]
            final = stream.get_final_completion()
        calls = final.choices[0].message.tool_calls
        assert [call.function.parsed_arguments.city for call in calls] == ["Oslo", "Rome"]
        assert isinstance(calls[0].function.parsed_arguments, GetWeather)
        openai_server.script("POST /chat/completions", ChatReply(tool_calls=[ToolCall("GetWeather", {"city": "Oslo"})]))
        parsed = client.chat.completions.parse(model="gpt-4o", messages=MESSAGES, tools=[tool])
        assert parsed.choices[0].message.tool_calls[0].function.parsed_arguments == GetWeather(city="Oslo")
    assert seen["ours"] == seen["official"]
    done = [entry for entry in seen["ours"] if entry[0] == "tool_calls.function.arguments.done"]
    assert [entry[2] for entry in done] == [0, 1]


def test_parsed_arguments_stay_out_of_the_json(openai_server: MockServer) -> None:
    client = OpenAI(api_key="sk-events", base_url=openai_server.url, max_retries=0)
    tool = {"type": "function", "function": {"name": "lookup", "strict": True, "parameters": {"type": "object", "properties": {"k": {"type": "string"}}, "required": ["k"], "additionalProperties": False}}}
    openai_server.script("POST /chat/completions", ChatReply(tool_calls=[ToolCall("lookup", {"k": "v"})]))
    message = client.chat.completions.parse(model="gpt-4o", messages=MESSAGES, tools=[tool]).choices[0].message
    assert message.tool_calls[0].function.parsed_arguments == {"k": "v"}
    assert "parsed_arguments" not in str(message.to_dict())


class Mood(enum.Enum):
    HAPPY = "happy"
    SAD = "sad"


@dataclasses.dataclass
class Feeling:
    mood: Mood
    reason: str


def test_enums_are_built_and_bad_model_json_is_a_library_error(openai_server: MockServer) -> None:
    client = OpenAI(api_key="sk-events", base_url=openai_server.url, max_retries=0)
    openai_server.script("POST /chat/completions", ChatReply(content='{"mood": "happy", "reason": "sun"}'))
    feeling = client.chat.completions.parse(model="gpt-4o", messages=MESSAGES, response_format=Feeling).choices[0].message.parsed
    assert feeling == Feeling(Mood.HAPPY, "sun")
    for content, problem in (('{"mood": "happy", "reason": ', "not valid JSON"), ('{"mood": "furious", "reason": "x"}', "does not fit Feeling"), ("[1, 2]", "does not fit Feeling")):
        openai_server.script("POST /chat/completions", ChatReply(content=content))
        with pytest.raises(StructuredOutputError, match=problem) as info:
            client.chat.completions.parse(model="gpt-4o", messages=MESSAGES, response_format=Feeling)
        assert isinstance(info.value, ValueError) and info.value.text == content


def test_responses_stream_takes_text_format_as_the_official_sdk(openai_server: MockServer) -> None:
    pydantic = pytest.importorskip("pydantic")

    class Answer(pydantic.BaseModel):  # type: ignore[misc, name-defined]
        city: str
        degrees: int

    for name, client in _clients(openai_server):
        openai_server.script("POST /responses", ChatReply(content='{"city": "Oslo", "degrees": 7}'))
        with client.responses.stream(model="gpt-4o", input="weather?", text_format=Answer) as stream:
            kinds = [event.type for event in stream]
            final = stream.get_final_response()
        assert "response.output_text.delta" in kinds, name
        assert final.output_parsed == Answer(city="Oslo", degrees=7), name
        assert openai_server.journal.last().body["text"]["format"]["type"] == "json_schema"
