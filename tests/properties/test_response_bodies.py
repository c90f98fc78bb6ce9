"""For any answer body (valid, drifted from the spec, truncated), reading fields never raises and
``to_dict()`` gives back exactly the body; a body that is not JSON is the documented error."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openai_harness import MockServer, RawReply
from openai_harness import strategies as oas
from openai_harness.server._spec import spec_index
from openai_urllib3 import APIResponseValidationError, BaseModel, OpenAI
from openai_urllib3._models import Field
from openai_urllib3.resources import _operations

from .conftest import examples, method_of

MODEL_OPERATIONS = [op["name"] for op in spec_index().operations if op["response"]["kind"] == "model" and op["response"].get("content_type") == "application/json" and op["response"].get("schema")]


def read_everything(value: Any, depth: int = 0) -> int:
    """Read every typed field of ``value`` and what it holds; returns how many were read."""
    if depth > 40:
        return 0
    if isinstance(value, BaseModel):
        count = 0
        for klass in type(value).__mro__:
            for attribute, descriptor in vars(klass).items():
                if isinstance(descriptor, Field):
                    count += 1 + read_everything(getattr(value, attribute), depth + 1)
        return count
    if isinstance(value, list):
        return sum(read_everything(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return sum(read_everything(item, depth + 1) for item in value.values())
    return 0


def build(name: str, body: Any) -> Any:
    """What the client makes of ``body`` as the answer of operation ``name``."""
    operation = getattr(_operations, name.upper().replace(".", "_"))
    convert = operation.item_converter()
    return convert(body) if convert is not None else body


@pytest.mark.parametrize("name", MODEL_OPERATIONS)
@given(data=st.data())
@settings(max_examples=examples(0.2))
def test_any_answer_reads_without_raising_and_round_trips(name: str, data: st.DataObject) -> None:
    body = data.draw(oas.drift(oas.response_objects(name)), label="body")
    result = build(name, body)
    read_everything(result)
    if isinstance(result, BaseModel):
        assert result.to_dict() == body
        assert json.loads(result.to_json()) == body
    else:
        assert result == body  # not an object: handed back as it came


WIRE_OPERATIONS = ["chat.completions.create", "responses.create", "embeddings.create"]
REQUESTS = {
    "chat.completions.create": {"model": "gpt-4o", "messages": [{"role": "user", "content": "Hi"}]},
    "responses.create": {"model": "gpt-4o", "input": "Hi"},
    "embeddings.create": {"model": "text-embedding-3-small", "input": "Hi"},
}


@pytest.mark.parametrize("name", WIRE_OPERATIONS)
@given(data=st.data(), cut=st.none() | st.integers(0, 10_000))
@settings(max_examples=examples(0.5))
def test_answers_over_the_wire_round_trip_or_fail_as_documented(server: MockServer, client: OpenAI, name: str, data: st.DataObject, cut: int | None) -> None:
    body = data.draw(oas.drift(oas.response_objects(name)), label="body")
    raw = json.dumps(body).encode()
    truncated = cut is not None and cut < len(raw)
    server.reset()
    op = next(op for op in spec_index().operations if op["name"] == name)
    server.script(op["key"], RawReply(raw[:cut] if truncated else raw, headers={"content-type": "application/json"}))
    try:
        result = method_of(client, name)(**REQUESTS[name])
    except APIResponseValidationError as error:
        assert truncated or not isinstance(body, dict), error  # only a body that is not a JSON object fails
        return
    assert not truncated or _is_json(raw[:cut])
    read_everything(result)
    if isinstance(result, BaseModel):
        assert result.to_dict() == json.loads(raw[:cut] if truncated else raw)
        assert result.request_id is not None


def _is_json(data: bytes) -> bool:
    try:
        json.loads(data)
    except ValueError:
        return False
    return True
