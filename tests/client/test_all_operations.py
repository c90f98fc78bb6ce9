"""Every operation in the spec is a method: each is called against the mock server and checked on
the journal (method, path, query, body encoding, content type) and on the parsed result's type.

Operations the server does not emulate are answered with the spec's own example response.
"""

from __future__ import annotations

import json
import pathlib
import sys
from typing import Any

import pytest

from openai_harness import MockServer, RawReply
from openai_urllib3 import BaseModel, BinaryResponse, OpenAI
from openai_urllib3._pagination import BasePage

ROOT = pathlib.Path(__file__).resolve().parents[2]
SPEC_PATH = ROOT.parent / "shared" / "openapi" / "openapi.yaml"


def _load() -> tuple[Any, list[Any]]:
    if not SPEC_PATH.exists():
        return None, []
    sys.path.insert(0, str(ROOT / "client"))
    try:
        from codegen.models import ModelBuilder, ParamBuilder
        from codegen.operations import analyze
        from codegen.spec import Spec
    finally:
        sys.path.remove(str(ROOT / "client"))
    spec = Spec(SPEC_PATH)
    return spec, analyze(spec, ModelBuilder(spec), ParamBuilder(spec))


SPEC, INFOS = _load()


def sample(schema: Any, depth: int = 0) -> Any:
    """A small value that fits ``schema``: required fields only, first enum value, one array item."""
    target = SPEC.deref(schema)
    if not isinstance(target, dict) or depth > 8:
        return "x"
    for key in ("anyOf", "oneOf"):
        if key in target and not target.get("properties"):
            options = [v for v in target[key] if SPEC.deref(v).get("type") != "null"]
            return sample(options[0], depth + 1) if options else None
    if "allOf" in target or target.get("properties"):
        props: dict[str, Any] = {}
        required: set[str] = set()
        for part in [*(target.get("allOf") or []), target]:
            part = SPEC.deref(part)
            props.update(part.get("properties") or {})
            required |= set(part.get("required") or [])
        alternatives = target.get("anyOf") or target.get("oneOf") or []
        if alternatives and isinstance(alternatives[0], dict):
            required |= set(alternatives[0].get("required") or [])  # one way to satisfy "one of these is required"
        return {key: sample(props[key], depth + 1) for key in props if key in required}
    if "enum" in target:
        return target["enum"][0]
    if "const" in target:
        return target["const"]
    kind = target.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "string":
        return b"file-bytes" if target.get("format") == "binary" else "x"
    if kind == "integer":
        return max(1, int(target.get("minimum", 1)))
    if kind == "number":
        return 0.5
    if kind == "boolean":
        return True
    if kind == "array":
        return [sample(target.get("items") or {}, depth + 1)]
    if kind == "object":
        return {}
    return "x"


def example_body(info: Any) -> Any:
    text = info.op.example_response
    if text:
        try:
            return json.loads(text)
        except ValueError:
            pass
    schema = info.op.response_schema
    return sample(schema) if schema is not None else {}


def method_for(client: OpenAI, name: str) -> Any:
    target: Any = client
    for part in name.split("."):
        target = getattr(target, part)
    return target


@pytest.mark.skipif(SPEC is None, reason="../shared/openapi/openapi.yaml is not present")
def test_every_operation_is_reachable() -> None:
    assert len({info.op.key for info in INFOS}) == 288  # each spec operation, some under two names (an alias the official SDK keeps)
    client = OpenAI(api_key="sk-test", base_url="http://127.0.0.1:9/v1", trust_env=False)
    missing = [info.name for info in INFOS if not callable(method_for(client, info.name))]
    assert not missing


@pytest.mark.skipif(SPEC is None, reason="../shared/openapi/openapi.yaml is not present")
@pytest.mark.parametrize("info", INFOS, ids=[i.name for i in INFOS])
def test_operation_round_trip(openai_server: MockServer, info: Any) -> None:
    client = OpenAI(api_key="sk-test", base_url=openai_server.url, trust_env=False, max_retries=0)
    op = info.op
    route = f"{op.method.upper()} {op.path}"
    example = example_body(info)
    if info.response == "binary":
        openai_server.script(route, RawReply(b"\x00binary-bytes\xff", headers={"content-type": op.response_content_type or "application/octet-stream"}))
    elif info.response == "none":
        openai_server.script(route, RawReply(b"", status=204))
    else:
        openai_server.script(route, RawReply(example))
    path_args = {p.python_name: f"id-{p.python_name}/1" for p in info.path_params}
    kwargs: dict[str, Any] = {}
    expected_query: dict[str, Any] = {}
    for param in op.params:
        if param.location == "query" and param.required:
            kwargs[param.python_name] = sample(param.schema)
            expected_query[param.name] = kwargs[param.python_name]
    if op.body_kind in ("json", "multipart") and op.body_schema is not None:
        body = sample(op.body_schema)
        body.pop("stream", None)
        kwargs.update(body)
    elif op.body_kind == "raw":
        kwargs["body"] = "v=0"
    positional = []
    if info.path_params:
        *leading, last = info.path_params
        positional.append(path_args[last.python_name])
        kwargs.update({p.python_name: path_args[p.python_name] for p in leading})
    result = method_for(client, info.name)(*positional, **kwargs)

    entry = openai_server.journal.last()
    assert entry.method == op.method.upper()
    expected_path = op.path
    for param in info.path_params:
        expected_path = expected_path.replace("{" + param.name + "}", path_args[param.python_name].replace("/", "%2F"))
    assert entry.path == expected_path
    for name, value in expected_query.items():
        values = entry.query.get(name)
        assert values, f"query parameter {name} missing"
        if not isinstance(value, (list, dict)):
            assert values == [str(value).lower() if isinstance(value, bool) else str(value)]
    content_type = entry.headers.get("content-type", "")
    if op.body_kind == "json":
        assert content_type == "application/json"
        assert entry.body == {k: v for k, v in kwargs.items() if k not in {p.python_name for p in op.params}}
    elif op.body_kind == "multipart":
        assert content_type.startswith("multipart/form-data; boundary=")
        for key in kwargs:
            if key not in {p.python_name for p in op.params}:
                assert f'name="{key}'.encode() in entry.raw_body
    elif op.body_kind == "raw":
        assert content_type == op.body_content_type and entry.raw_body == b"v=0"
    else:
        assert not entry.raw_body

    if info.response == "binary":
        assert isinstance(result, BinaryResponse) and result.read() == b"\x00binary-bytes\xff"
    elif info.response == "none":
        assert result is None
    elif info.response == "page":
        assert isinstance(result, BasePage)
        assert all(isinstance(item, (BaseModel, dict, str, int, float)) for item in result.data)
    elif info.response == "model":
        assert isinstance(result, BaseModel) if isinstance(example, dict) else result == example
        if isinstance(result, BaseModel):
            assert result.to_dict() == example
