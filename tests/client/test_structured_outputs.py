"""Structured outputs from dataclasses, TypedDicts and pydantic models; function tools from signatures."""

from __future__ import annotations

import dataclasses
import enum
import json
from typing import Literal, Optional, TypedDict

import pytest

from openai_harness import ChatReply, MockServer, RawReply
from openai_urllib3 import LengthFinishReasonError, OpenAI, function_tool, parse_arguments
from openai_urllib3._json_schema import strict_schema


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


@dataclasses.dataclass
class Address:
    city: str
    zip: Optional[str]


@dataclasses.dataclass
class Person:
    name: str
    age: int
    tags: list[str]
    address: Address
    color: Color
    status: Literal["active", "gone"]


class Point(TypedDict):
    x: float
    y: float


PERSON = {"name": "Ada", "age": 36, "tags": ["math"], "address": {"city": "London", "zip": None}, "color": "red", "status": "active"}


@pytest.fixture
def client(openai_server: MockServer) -> OpenAI:
    return OpenAI(api_key="sk-test", base_url=openai_server.url, trust_env=False)


def test_strict_schema_of_a_dataclass() -> None:
    schema = strict_schema(Person)
    assert schema["required"] == ["name", "age", "tags", "address", "color", "status"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["address"] == {"$ref": "#/$defs/Address"}
    assert schema["$defs"]["Address"]["properties"]["zip"] == {"anyOf": [{"type": "string"}, {"type": "null"}]}
    assert schema["properties"]["status"] == {"enum": ["active", "gone"], "type": "string"}
    with pytest.raises(TypeError, match="free-form dict"):
        strict_schema(TypedDict("Loose", {"data": dict}))  # type: ignore[operator]


def test_chat_parse_into_a_dataclass(client: OpenAI, openai_server: MockServer) -> None:
    openai_server.script("POST /chat/completions", ChatReply(content=json.dumps(PERSON)))
    completion = client.chat.completions.parse(model="gpt-4o", messages=[{"role": "user", "content": "Who?"}], response_format=Person)
    person = completion.choices[0].message.parsed
    assert isinstance(person, Person) and isinstance(person.address, Address)
    assert person.address.city == "London" and person.tags == ["math"]
    sent = openai_server.journal.last().body["response_format"]
    assert sent["type"] == "json_schema" and sent["json_schema"]["name"] == "Person" and sent["json_schema"]["strict"] is True


def test_chat_parse_into_a_typeddict_and_a_refusal(client: OpenAI, openai_server: MockServer) -> None:
    openai_server.script("POST /chat/completions", ChatReply(content='{"x": 1.5, "y": 2}'), ChatReply(refusal="I can't."))
    point = client.chat.completions.parse(model="gpt-4o", messages=[{"role": "user", "content": "Point?"}], response_format=Point).choices[0].message.parsed
    assert point == {"x": 1.5, "y": 2}
    refused = client.chat.completions.parse(model="gpt-4o", messages=[{"role": "user", "content": "Point?"}], response_format=Point).choices[0].message
    assert refused.parsed is None and refused.refusal == "I can't."


def test_length_finish_raises(client: OpenAI, openai_server: MockServer) -> None:
    openai_server.script("POST /chat/completions", ChatReply(content='{"x": 1', finish_reason="length"))
    with pytest.raises(LengthFinishReasonError):
        client.chat.completions.parse(model="gpt-4o", messages=[{"role": "user", "content": "Point?"}], response_format=Point)


def test_pydantic_models_when_installed(client: OpenAI, openai_server: MockServer) -> None:
    pydantic = pytest.importorskip("pydantic")

    class Event(pydantic.BaseModel):  # type: ignore[name-defined, misc]
        title: str
        attendees: list[str]

    openai_server.script("POST /chat/completions", ChatReply(content='{"title": "Standup", "attendees": ["a", "b"]}'))
    event = client.chat.completions.parse(model="gpt-4o", messages=[{"role": "user", "content": "?"}], response_format=Event).choices[0].message.parsed
    assert isinstance(event, Event) and event.attendees == ["a", "b"]
    schema = openai_server.journal.last().body["response_format"]["json_schema"]["schema"]
    assert schema["additionalProperties"] is False and schema["required"] == ["title", "attendees"]


def test_responses_parse(client: OpenAI, openai_server: MockServer) -> None:
    openai_server.script("POST /responses", ChatReply(content='{"x": 3, "y": 4}'))
    response = client.responses.parse(model="gpt-4o", input="Point?", text_format=Point)
    assert response.output_parsed == {"x": 3, "y": 4}
    assert openai_server.journal.last().body["text"]["format"]["name"] == "Point"


def test_function_tools_from_a_signature_and_a_type(client: OpenAI, openai_server: MockServer) -> None:
    def get_weather(city: str, unit: Literal["c", "f"], days: int) -> str:
        """Weather for a city."""
        return ""

    tool = function_tool(get_weather)
    assert tool["function"]["name"] == "get_weather" and tool["function"]["description"] == "Weather for a city."
    assert tool["function"]["parameters"]["required"] == ["city", "unit", "days"]
    assert tool["function"]["strict"] is True
    assert function_tool(Address)["function"]["parameters"]["properties"]["city"] == {"type": "string"}
    openai_server.script("POST /chat/completions", RawReply({"id": "c", "object": "chat.completion", "created": 1, "model": "m", "choices": [
        {"index": 0, "finish_reason": "tool_calls", "logprobs": None, "message": {"role": "assistant", "content": None, "refusal": None, "tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": "Address", "arguments": '{"city": "Oslo", "zip": "0150"}'}}]}}]}))  # fmt: skip
    message = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "?"}], tools=[function_tool(Address)]).choices[0].message  # type: ignore[list-item]
    assert message.tool_calls is not None
    call = message.tool_calls[0]
    assert parse_arguments(call.function.arguments, Address) == Address("Oslo", "0150")  # type: ignore[union-attr]
    with pytest.raises(TypeError, match="needs a type annotation"):
        function_tool(lambda x: x)  # type: ignore[arg-type]
