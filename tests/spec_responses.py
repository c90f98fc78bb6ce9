"""Checking answers against the spec's response schemas, with jsonschema (a test dependency)."""

from __future__ import annotations

import json
import pathlib
from functools import lru_cache
from typing import Any

SPEC_JSON = pathlib.Path(__file__).resolve().parents[1] / "harness" / "src" / "openai_harness" / "server" / "_spec.json"


def _allow_null(schema: Any) -> Any:
    """OpenAPI's ``nullable: true`` as JSON Schema (``anyOf`` with null)."""
    if isinstance(schema, list):
        return [_allow_null(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    converted = {key: (value if key == "enum" else _allow_null(value)) for key, value in schema.items() if key != "nullable"}
    if key_nullable(schema):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def key_nullable(schema: dict[str, Any]) -> bool:
    return schema.get("nullable") is True


@lru_cache(maxsize=1)
def _spec() -> dict[str, Any]:
    data = json.loads(SPEC_JSON.read_text(encoding="utf-8"))
    data["schemas"] = _allow_null(data["schemas"])
    return data


@lru_cache(maxsize=512)
def _validator(key: str) -> Any:
    import jsonschema

    operation = next((op for op in _spec()["operations"] if op["key"] == key), None)
    if operation is None or operation["response"].get("schema") is None:
        return None
    schema = {**_allow_null(operation["response"]["schema"]), "components": {"schemas": _spec()["schemas"]}}
    return jsonschema.Draft202012Validator(schema)


# Where the spec and the real API disagree, the server follows the API; each exception says why.
SPEC_DEVIATIONS = {
    # The spec types stored messages as assistant messages; the API returns the request's messages,
    # user and system ones included.
    ("GET /chat/completions/{completion_id}/messages", "role"),
    # The spec types an embedding as an array of numbers; with encoding_format=base64 the API sends a string.
    ("POST /embeddings", "embedding"),
}


def response_problems(route_key: str, body: bytes) -> list[str]:
    """What is wrong with ``body`` as the answer of the operation ``route_key`` (``GET /files/{file_id}``)."""
    validator = _validator(route_key)
    if validator is None:
        return []
    data = json.loads(body)
    problems = []
    for error in validator.iter_errors(data):
        path = [str(part) for part in error.absolute_path]
        if any((route_key, part) in SPEC_DEVIATIONS for part in path):
            continue
        problems.append(f"{'/'.join(path) or '<root>'}: {error.message[:200]}")
    return problems[:5]
