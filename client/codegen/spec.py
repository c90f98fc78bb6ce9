"""Reading the OpenAPI spec: references, schemas, and the operations with what they take and return."""

from __future__ import annotations

import pathlib
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

__all__ = ["Operation", "Param", "Spec"]

HTTP_METHODS = ("get", "post", "put", "patch", "delete")
ADDITIONS = pathlib.Path(__file__).with_name("spec_additions.yaml")


@dataclass
class Param:
    name: str  # the wire name (``include[]``, ``openai-beta``)
    python_name: str
    location: str  # path | query | header
    required: bool
    schema: dict[str, Any]
    description: str = ""


@dataclass
class Operation:
    method: str
    path: str  # without any ?query suffix
    operation_id: str
    summary: str
    tags: list[str]
    deprecated: bool
    beta: bool  # the spec's "?beta=true" variants
    raw: dict[str, Any]
    params: list[Param] = field(default_factory=list)
    body_kind: str | None = None  # json | multipart | raw | None
    body_schema: dict[str, Any] | None = None
    body_content_type: str | None = None
    other_bodies: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    """The other JSON or multipart forms the operation accepts: (kind, content type, schema)."""
    body_required: bool = False
    response_schema: dict[str, Any] | None = None
    response_content_type: str | None = None
    streams: bool = False
    stream_schema: dict[str, Any] | None = None
    python_examples: list[str] = field(default_factory=list)
    example_response: str | None = None

    @property
    def key(self) -> str:
        return f"{self.method.upper()} {self.path}{'?beta=true' if self.beta else ''}"


def _identifier(name: str) -> str:
    text = re.sub(r"[^0-9a-zA-Z_]+", "_", name).strip("_")
    if not text or text[0].isdigit():
        text = "_" + text
    return text


class Spec:
    def __init__(self, path: str | pathlib.Path) -> None:
        import yaml

        with open(path, encoding="utf-8") as handle:
            self.data: dict[str, Any] = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        self.components: dict[str, Any] = self.data["components"]
        self.schemas: dict[str, dict[str, Any]] = self.components["schemas"]
        self._add_newer_fields(yaml.safe_load(ADDITIONS.read_text(encoding="utf-8")) or {})
        self.operations = list(self._operations())

    def _add_newer_fields(self, additions: dict[str, dict[str, Any]]) -> None:
        """Merge ``spec_additions.yaml``: request fields the API takes that this spec copy lacks."""
        for schema_name, fields in additions.items():
            schema = self.schemas.get(schema_name)
            if schema is None or "properties" not in schema:
                raise ValueError(f"spec_additions.yaml: the spec has no object schema {schema_name!r}")
            for name, field_schema in fields.items():
                if name in schema["properties"]:
                    raise ValueError(f"spec_additions.yaml: the spec lists {schema_name}.{name} now; drop the row")
                schema["properties"][name] = field_schema

    # -- references -----------------------------------------------------------------------------

    def ref_name(self, schema: Any) -> str | None:
        if isinstance(schema, dict) and "$ref" in schema:
            return str(schema["$ref"]).rsplit("/", 1)[-1]
        return None

    def deref(self, schema: Any) -> Any:
        seen = 0
        while isinstance(schema, dict) and "$ref" in schema:
            _, _, kind, name = schema["$ref"].split("/")
            schema = self.components[kind][name]
            seen += 1
            if seen > 50:
                raise ValueError(f"reference loop at {name}")
        return schema

    # -- operations -----------------------------------------------------------------------------

    def _operations(self) -> Iterator[Operation]:
        for raw_path, item in self.data["paths"].items():
            path, _, query = raw_path.partition("?")
            for method in HTTP_METHODS:
                op = item.get(method)
                if op is None:
                    continue
                operation = Operation(
                    method=method,
                    path=path,
                    operation_id=op.get("operationId") or f"{method}_{path}",
                    summary=(op.get("summary") or op.get("description") or "").strip(),
                    tags=list(op.get("tags") or []),
                    deprecated=bool(op.get("deprecated")),
                    beta="beta=true" in query,
                    raw=op,
                )
                self._read_params(operation, list(item.get("parameters") or []) + list(op.get("parameters") or []))
                self._read_body(operation, op.get("requestBody"))
                self._read_response(operation, op.get("responses") or {})
                self._read_examples(operation, op.get("x-oaiMeta") or {})
                yield operation

    def _read_params(self, operation: Operation, params: list[Any]) -> None:
        seen = set()
        for raw in params:
            param = self.deref(raw)
            key = (param["name"], param["in"])
            if key in seen or param["in"] == "cookie":
                continue
            seen.add(key)
            schema = param.get("schema") or {}
            python_name = schema.get("x-stainless-param") or param.get("x-stainless-param") or _identifier(param["name"].replace("[]", ""))
            operation.params.append(
                Param(param["name"], _identifier(python_name).lower(), param["in"], bool(param.get("required")) or param["in"] == "path", schema, (param.get("description") or "").strip())
            )

    def _read_body(self, operation: Operation, body: Any) -> None:
        if not body:
            return
        body = self.deref(body)
        content = body.get("content") or {}
        operation.body_required = bool(body.get("required"))
        # Multipart where it carries files (an upload), else JSON where both are offered.
        multipart = content.get("multipart/form-data", {}).get("schema")
        prefer = ("multipart/form-data", "application/json") if multipart is not None and self._has_files(multipart) else ("application/json", "multipart/form-data")
        for content_type in prefer:
            kind = "json" if content_type == "application/json" else "multipart"
            if content_type in content:
                if operation.body_kind is None:
                    operation.body_kind = kind
                    operation.body_content_type = content_type
                    operation.body_schema = content[content_type].get("schema") or {}
                else:
                    operation.other_bodies.append((kind, content_type, content[content_type].get("schema") or {}))
        if operation.body_kind is not None:
            return
        content_type = next(iter(content))
        operation.body_kind = "raw"
        operation.body_content_type = content_type
        operation.body_schema = content[content_type].get("schema") or {}

    def _has_files(self, schema: Any, depth: int = 0) -> bool:
        schema = self.deref(schema)
        if not isinstance(schema, dict) or depth > 4:
            return False
        if schema.get("format") == "binary":
            return True
        parts = [*(schema.get("properties") or {}).values(), *(schema.get("allOf") or []), *(schema.get("anyOf") or []), *(schema.get("oneOf") or [])]
        if "items" in schema:
            parts.append(schema["items"])
        return any(self._has_files(part, depth + 1) for part in parts)

    def _read_response(self, operation: Operation, responses: dict[str, Any]) -> None:
        for code in ("200", "201", "202", "204", "default"):
            if code not in responses:
                continue
            response = self.deref(responses[code])
            content = response.get("content") or {}
            if "text/event-stream" in content:
                operation.streams = True
                operation.stream_schema = content["text/event-stream"].get("schema")
            if "application/json" in content:
                operation.response_content_type = "application/json"
                operation.response_schema = content["application/json"].get("schema")
            elif content:
                other = next((c for c in content if c != "text/event-stream"), None)
                if other is not None:
                    operation.response_content_type = other
                    operation.response_schema = content[other].get("schema")
            return

    def _read_examples(self, operation: Operation, meta: dict[str, Any]) -> None:
        examples = meta.get("examples")
        if isinstance(examples, dict):
            examples = [examples]
        for example in examples or []:
            if not isinstance(example, dict):
                continue
            request = example.get("request")
            if isinstance(request, dict) and isinstance(request.get("python"), str):
                operation.python_examples.append(request["python"])
            response = example.get("response")
            if isinstance(response, str) and operation.example_response is None:
                operation.example_response = response


def list_paths(spec: Spec) -> frozenset[str]:
    """Paths whose GET answers a list (a ``data`` array), plus ``"GET <path>"`` for paths whose GET
    answers one object."""
    found: set[str] = set()
    for operation in spec.operations:
        if operation.method != "get":
            continue
        schema = spec.deref(operation.response_schema or {})
        props = _properties(spec, schema)
        if "data" in props and (spec.deref(props["data"]).get("type") == "array"):
            found.add(operation.path)
        elif not operation.path.endswith("}"):
            found.add(f"GET {operation.path}")
    return frozenset(found)


def _properties(spec: Spec, schema: Any) -> dict[str, Any]:
    schema = spec.deref(schema)
    props = dict(schema.get("properties") or {})
    for part in schema.get("allOf") or []:
        props.update(_properties(spec, part))
    return props
