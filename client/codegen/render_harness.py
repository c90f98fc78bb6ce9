"""The spec, reduced to what the mock server needs: each operation's parameters, request and
response schemas and example answer, and the component schemas they refer to (descriptions,
titles and vendor notes removed). Written into the harness as JSON."""

from __future__ import annotations

import json
from typing import Any

from .config import API_OPTIONAL, EVENT_UNIONS, STREAM_ITEMS
from .operations import OpInfo
from .spec import Spec

__all__ = ["render_harness_spec"]

_KEEP = frozenset(
    {
        "type", "properties", "required", "items", "enum", "const", "anyOf", "oneOf", "allOf", "additionalProperties",
        "nullable", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems", "minLength",
        "maxLength", "format", "default", "discriminator", "$ref", "readOnly", "pattern",
    }
)  # fmt: skip


def _strip(schema: Any) -> Any:
    if isinstance(schema, list):
        return [_strip(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    result = {}
    for key, value in schema.items():
        if key not in _KEEP:
            continue
        if key == "properties" and isinstance(value, dict):
            result[key] = {name: _strip(sub) for name, sub in value.items()}
        elif key == "discriminator" and isinstance(value, dict):
            result[key] = {"propertyName": value.get("propertyName")}
        else:
            result[key] = _strip(value)
    return result


def _refs(schema: Any, found: set[str]) -> None:
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str):
            found.add(ref.rsplit("/", 1)[-1])
        for value in schema.values():
            _refs(value, found)
    elif isinstance(schema, list):
        for value in schema:
            _refs(value, found)


def render_harness_spec(spec: Spec, infos: list[OpInfo]) -> str:
    operations = []
    used: set[str] = set()
    seen: set[str] = set()
    for info in infos:
        op = info.op
        if op.key in seen:
            continue  # a second name for the same operation
        seen.add(op.key)
        params = [
            {"name": p.name, "in": p.location, "required": p.required, "schema": _strip(p.schema), **({"python_name": p.python_name} if p.python_name != p.name else {})}
            for p in op.params
        ]
        entry: dict[str, Any] = {"key": op.key, "method": op.method.upper(), "path": op.path, "name": info.name, "params": params}
        if op.key in API_OPTIONAL:
            entry["api_optional"] = API_OPTIONAL[op.key]
        if op.body_schema is not None:
            entry["body"] = {"kind": op.body_kind, "content_type": op.body_content_type, "schema": _strip(op.body_schema), "required": op.body_required}
            if op.other_bodies:
                entry["other_bodies"] = [{"kind": kind, "content_type": content_type, "schema": _strip(schema), "required": op.body_required} for kind, content_type, schema in op.other_bodies]
        entry["response"] = {"kind": info.response, "content_type": op.response_content_type, "schema": _strip(op.response_schema) if op.response_schema else None}
        if info.stream_factory:
            entry["streams"] = True
            stream_schema = op.stream_schema or ({"$ref": f"#/components/schemas/{STREAM_ITEMS[op.key]}"} if op.key in STREAM_ITEMS else None)
            if stream_schema is not None:
                entry["stream_schema"] = _strip(stream_schema)
        example = None
        if op.example_response:
            try:
                example = json.loads(op.example_response)
            except ValueError:
                example = None
        entry["example"] = example
        for part in (entry.get("body"), entry.get("other_bodies"), entry["response"], params, entry.get("stream_schema")):
            _refs(part, used)
        operations.append(entry)
    used.update(schema for _group, schema in EVENT_UNIONS.values())  # the Realtime events the server checks and sends
    pending = set(used)
    schemas: dict[str, Any] = {}
    while pending:
        name = pending.pop()
        if name in schemas or name not in spec.schemas:
            continue
        schemas[name] = _strip(spec.schemas[name])
        found: set[str] = set()
        _refs(schemas[name], found)
        pending |= found - set(schemas)
    data = {"generated_by": "client/codegen from the OpenAPI spec; do not edit by hand", "info_version": spec.data.get("info", {}).get("version"), "operations": operations, "schemas": dict(sorted(schemas.items()))}
    return json.dumps(data, separators=(",", ":"), sort_keys=False) + "\n"
