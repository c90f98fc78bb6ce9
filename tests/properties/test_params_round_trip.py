"""Any parameters from ``params_for`` are sent as JSON the server accepts, and arrive as passed:
omitted stays omitted, ``None`` stays null in a body (and is left out of a query string)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openai_harness import MockServer
from openai_harness import strategies as oas
from openai_harness.server._spec import spec_index
from openai_urllib3 import APIStatusError, OpenAI

from ..spec_responses import response_problems
from .conftest import examples, method_of

OPERATIONS = spec_index().operations
JSON_OPERATIONS = [op["name"] for op in OPERATIONS if (op.get("body") or {}).get("kind", "json") == "json"]
MULTIPART_OPERATIONS = [op["name"] for op in OPERATIONS if (op.get("body") or {}).get("kind") == "multipart"]
BY_NAME = {op["name"]: op for op in OPERATIONS}


def _call(client: OpenAI, server: MockServer, op: dict[str, Any], params: dict[str, Any]) -> Any:
    server.reset()
    server.unknown_ids = "permissive"  # path IDs are invented: answer them rather than 404
    try:
        result = method_of(client, op["name"])(**params)
    except APIStatusError:
        return None  # the emulation may refuse what the state forbids (an unknown cursor); the spec check must not
    close = getattr(result, "close", None)
    if callable(close):
        close()  # binary answers hold their connection until read or closed
    return result


@pytest.mark.parametrize("name", JSON_OPERATIONS)
@given(data=st.data())
@settings(max_examples=examples(0.2))
def test_params_arrive_exactly_as_passed(client: OpenAI, server: MockServer, name: str, data: st.DataObject) -> None:
    op = BY_NAME[name]
    params = data.draw(oas.params_for(op["name"]), label="params")
    _call(client, server, op, params)
    [entry] = server.journal.all()
    assert entry.invalid is None
    locations = {param.get("python_name", param["name"]): param["in"] for param in op["params"]}
    body = {field: value for field, value in params.items() if field not in locations}
    if op.get("body"):
        assert entry.body == body  # same keys (omitted stays omitted), None as null, values equal
    else:
        assert not body and entry.raw_body == b""
    # A query string has no null and no empty object or array: those are left out, as the official
    # SDKs do; objects are sent as name[key]=value and arrays as repeated name[]=value.
    expected = {field for field, where in locations.items() if where == "query" and params.get(field) not in (None, {}, [])}
    wire_names = {param.get("python_name", param["name"]): param["name"].removesuffix("[]") for param in op["params"]}
    assert {key.split("[")[0] for key in entry.query} == {wire_names[field] for field in expected}
    answers_json = op["response"]["kind"] not in ("binary", "none") and op["response"].get("content_type") == "application/json"
    if answers_json and entry.response_body is not None and 200 <= (entry.status or 0) < 300:
        assert not response_problems(op["key"], entry.response_body)


@pytest.mark.parametrize("name", MULTIPART_OPERATIONS)
@given(data=st.data())
@settings(max_examples=examples(0.2))
def test_multipart_params_are_accepted(client: OpenAI, server: MockServer, name: str, data: st.DataObject) -> None:
    op = BY_NAME[name]
    params = data.draw(oas.params_for(op["name"]), label="params")
    _call(client, server, op, params)
    [entry] = server.journal.all()
    assert entry.invalid is None
    assert entry.headers["content-type"].startswith("multipart/form-data; boundary=")
