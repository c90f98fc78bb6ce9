"""The spec as the server uses it (``_spec.json``, written by the client's generator): finding the
operation for a request, validating requests, and answering any operation with a schema-valid body.
Loaded on first use, so starting a server stays fast."""

from __future__ import annotations

import hashlib
import json
import pathlib
import random
import re
import threading
from typing import Any

from ._app import AppRequest, HTTPError, InvalidRequest, Reply, error_reply, json_reply
from ._validate import ValidationProblem, deref, validate

__all__ = ["SpecIndex", "spec_index"]

_SPEC_FILE = pathlib.Path(__file__).with_name("_spec.json")
_lock = threading.Lock()
_index: SpecIndex | None = None


def spec_index() -> SpecIndex:
    global _index
    with _lock:
        if _index is None:
            _index = SpecIndex(json.loads(_SPEC_FILE.read_text(encoding="utf-8")))
        return _index


class SpecIndex:
    def __init__(self, data: dict[str, Any]) -> None:
        self.schemas: dict[str, Any] = data["schemas"]
        self.operations: list[dict[str, Any]] = [op for op in data["operations"] if "?" not in op["key"]]
        # The beta variants the SDKs reach with ``?beta=true`` (``beta.responses.create``): the same
        # route, another schema (``BetaCreateResponse`` takes ``multi_agent``).
        self._beta_variants: dict[tuple[str, str], dict[str, Any]] = {
            (op["method"], op["path"]): op for op in data["operations"] if op["key"].endswith("?beta=true")
        }
        self._routes: list[tuple[str, re.Pattern[str], int, dict[str, Any]]] = []
        for op in self.operations:
            pattern = re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(op["path"])) + "/?$")
            self._routes.append((op["method"], pattern, op["path"].count("{"), op))
        self._routes.sort(key=lambda route: route[2])  # static paths before parameterized ones

    def resolve_ref(self, name: str) -> Any:
        return self.schemas.get(name, {})

    def deref(self, schema: Any) -> Any:
        return deref(schema, self.resolve_ref)

    def body_for(self, op: dict[str, Any], request: AppRequest) -> dict[str, Any] | None:
        """The operation's body description that fits the request's content type (some operations
        take JSON or a multipart form); the main one when none does."""
        body: dict[str, Any] | None = op.get("body")
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        for other in op.get("other_bodies") or ():
            if body is not None and content_type != body["content_type"] and content_type == other["content_type"]:
                return dict(other)
        return body

    def coerce_form(self, value: Any, schema: Any, depth: int = 0) -> Any:
        """Form text as the number or boolean ``schema`` expects (text that is not one stays text,
        for validation to name)."""
        schema = self.deref(schema)
        if not isinstance(schema, dict) or depth > 30:
            return value
        if isinstance(value, str):
            return _form_scalar(value, self._scalar_kinds(schema))
        if isinstance(value, list):
            items = schema.get("items") or next((v.get("items") for v in map(self.deref, schema.get("anyOf") or schema.get("oneOf") or []) if isinstance(v, dict) and v.get("items")), None)
            return [self.coerce_form(item, items, depth + 1) for item in value] if items else value
        if isinstance(value, dict):
            props: dict[str, Any] = {}
            for part in [*(schema.get("allOf") or []), *(schema.get("anyOf") or schema.get("oneOf") or []), schema]:
                part = self.deref(part)
                if isinstance(part, dict):
                    props.update(part.get("properties") or {})
            extra = schema.get("additionalProperties")
            return {key: self.coerce_form(item, props.get(key, extra if isinstance(extra, dict) else None), depth + 1) for key, item in value.items()}
        return value

    def _scalar_kinds(self, schema: dict[str, Any]) -> list[str]:
        kind = schema.get("type")
        kinds = list(kind) if isinstance(kind, list) else [kind] if isinstance(kind, str) else []
        for variant in schema.get("anyOf") or schema.get("oneOf") or schema.get("allOf") or []:
            variant = self.deref(variant)
            if isinstance(variant, dict):
                kinds += self._scalar_kinds(variant)
        return kinds

    def find(self, method: str, path: str, *, beta: bool = False) -> tuple[dict[str, Any], dict[str, str]] | str | None:
        """(operation, path params) for a request; ``"method"`` when only the method is wrong; the
        operation's beta variant when ``beta`` (the request's ``?beta=true``) and it has one.

        An action the SDKs address by name under its item (``POST /evals/{eval_id}/runs/{run_id}/cancel``)
        where the spec puts it on the item itself (an operation named ``evals.runs.cancel``) is that operation."""
        wrong_method = False
        for op_method, pattern, _, op in self._routes:
            match = pattern.match(path)
            if match is None:
                continue
            if op_method == method:
                return (self._beta_variants.get((method, op["path"]), op) if beta else op), match.groupdict()
            wrong_method = True
        if wrong_method:
            return "method"
        head, _, action = path.rstrip("/").rpartition("/")
        if head and action.isidentifier():
            for op_method, pattern, _, op in self._routes:
                match = pattern.match(head)
                if match is not None and op_method == method and op.get("name", "").endswith("." + action):
                    return op, match.groupdict()
        return None

    def operation(self, key: str) -> dict[str, Any] | None:
        return next((op for op in self.operations if op["key"] == key), None)

    # -- validation ------------------------------------------------------------------------------

    def validate_request(self, op: dict[str, Any], request: AppRequest, *, unknown_fields: bool) -> None:
        """Raise :class:`HTTPError` (400, in the API's shape) for the first problem in the request."""
        try:
            for param in op["params"]:
                if param["in"] == "query":
                    self._check_query(param, request)
            body = self.body_for(op, request)
            if body is None:
                return
            optional = frozenset(op.get("api_optional") or ())
            if body["kind"] == "json":
                if not request.raw_body:
                    if body.get("required"):
                        raise ValidationProblem("You must provide a request body (a JSON object).", "", "missing_body")
                    return
                if request.json_error:
                    raise HTTPError(error_reply(400, request.json_error, code="invalid_json"))
                validate(request.body, body["schema"], self.resolve_ref, unknown_fields=unknown_fields, optional=optional)
            elif body["kind"] == "multipart":
                fields = parse_multipart(request)
                validate(fields, body["schema"], self.resolve_ref, unknown_fields=unknown_fields, optional=optional)
        except ValidationProblem as problem:
            raise InvalidRequest(error_reply(400, problem.message, param=problem.param or None, code=problem.code), problem.message) from None

    def _check_query(self, param: dict[str, Any], request: AppRequest) -> None:
        name = param["name"]
        schema = self.deref(param.get("schema") or {})
        values = request.query.get(name)
        if values is None and name.endswith("[]"):
            values = request.query.get(name[:-2])
        if not values:
            if param.get("required"):
                raise ValidationProblem(f"Missing required parameter: '{name}'.", name, "missing_required_parameter")
            return
        kind = schema.get("type")
        if kind == "array":
            converted: Any = [_coerce(v, self.deref(schema.get("items") or {}), name) for v in values]
        elif kind == "object" or "additionalProperties" in schema:
            return  # deepObject (metadata[k]=v): keys are free-form
        else:
            converted = _coerce(values[-1], schema, name)
        validate(converted, schema, self.resolve_ref, unknown_fields=False, path=name)

    # -- answers -------------------------------------------------------------------------------

    def generic_reply(self, op: dict[str, Any], params: dict[str, str], seed: int) -> Reply:
        """A schema-valid answer: the spec's example when it has one, else built from the schema,
        the same for the same seed; an ``id`` field takes the ID the request named."""
        response = op["response"]
        if response["kind"] == "binary":
            return placeholder_bytes(response.get("content_type") or "application/octet-stream", op["key"])
        if response["kind"] == "none" or response.get("schema") is None:
            return Reply(204, [], b"")
        example = op.get("example")
        rng = random.Random(_stable_seed(seed, op["key"]))
        if isinstance(example, dict) and self._fits(example, response["schema"]):
            body = json.loads(json.dumps(example))
        else:
            body = Sampler(self, rng).sample(response["schema"])
        if isinstance(body, dict) and "id" in body and params:
            body["id"] = list(params.values())[-1]
        return json_reply(body)

    def generic_stream_reply(self, op: dict[str, Any], seed: int, count: int = 4) -> Reply:
        """A schema-valid event stream for a streaming operation the server does not emulate (an
        assistant run, a speech stream): ``count`` events drawn from the stream's event schema, the
        same for the same seed, none of them an error. Events shaped ``{event, data}`` go on the wire
        as the API sends them, the name on the SSE ``event:`` line and the data as the payload, and
        end with ``event: done`` / ``data: [DONE]``; others carry their ``type`` as the event name."""
        from ._streaming import sse, stream_reply

        rng = random.Random(_stable_seed(seed, op["key"] + ">stream"))
        variants = [v for v in self._variants(op["stream_schema"]) if _event_name(v, self) not in _NOT_MID_STREAM]
        chosen = sorted(rng.sample(range(len(variants)), min(count, len(variants))))
        sampler = Sampler(self, rng)
        events: list[bytes] = []
        enveloped = False
        for index in chosen:
            value = sampler.sample(variants[index])
            if isinstance(value, dict) and set(value) == {"event", "data"}:
                enveloped = True
                events.append(sse(value["data"], value["event"]))
            else:
                events.append(sse(value, value.get("type") if isinstance(value, dict) else None))
        if enveloped:
            events.append(sse("[DONE]", "done"))

        def error_event(message: str, code: str | None, kind: str, sequence: int) -> bytes:
            return sse({"error": {"message": message, "type": kind, "param": None, "code": code}}, "error")

        return stream_reply(iter(events), error_event)

    def _variants(self, schema: Any, depth: int = 0) -> list[Any]:
        """A union's variants, nested unions flattened."""
        target = self.deref(schema)
        options = (target.get("oneOf") or target.get("anyOf")) if isinstance(target, dict) and not target.get("properties") else None
        if not options or depth > 5:
            return [target]
        return [variant for option in options for variant in self._variants(option, depth + 1)]

    def prune(self, value: Any, schema: Any, depth: int = 0) -> Any:
        """Drop ``null`` fields the schema does not allow to be null and does not require: the API
        leaves such fields out rather than sending null. Changes ``value`` in place."""
        schema = self.deref(schema)
        if not isinstance(schema, dict) or depth > 20:
            return value
        if isinstance(value, list):
            items = schema.get("items")
            if items:
                for item in value:
                    self.prune(item, items, depth + 1)
            return value
        if not isinstance(value, dict):
            return value
        variants = schema.get("anyOf") or schema.get("oneOf")
        if variants and not schema.get("properties"):
            tag = value.get("type")
            chosen = None
            for variant in variants:
                target = self.deref(variant)
                variant_props = target.get("properties") or {}
                kind = self.deref(variant_props.get("type") or {})
                if tag is not None and (kind.get("const") == tag or kind.get("enum") == [tag]):
                    chosen = target
                    break
                if chosen is None and (variant_props or target.get("allOf")):
                    chosen = target
            return self.prune(value, chosen, depth + 1) if chosen is not None else value
        props: dict[str, Any] = {}
        required: set[str] = set()
        for part in [*(schema.get("allOf") or []), schema]:
            part = self.deref(part)
            props.update(part.get("properties") or {})
            required |= set(part.get("required") or [])
        for key in list(value):
            prop = props.get(key)
            if prop is None:
                continue
            if value[key] is None:
                if key not in required and not self._nullable(prop):
                    del value[key]
            else:
                self.prune(value[key], prop, depth + 1)
        return value

    def _nullable(self, schema: Any) -> bool:
        schema = self.deref(schema)
        if not isinstance(schema, dict):
            return True
        if schema.get("nullable") or schema.get("type") == "null" or (isinstance(schema.get("type"), list) and "null" in schema["type"]):
            return True
        return any(self._nullable(v) for v in (schema.get("anyOf") or schema.get("oneOf") or [])) if not schema.get("properties") else False

    def _fits(self, value: Any, schema: Any) -> bool:
        try:
            validate(value, schema, self.resolve_ref, unknown_fields=False)
        except ValidationProblem:
            return False
        return True


def _stable_seed(seed: int, key: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{seed}:{key}".encode()).digest()[:8], "big")


def _form_scalar(text: str, kinds: list[str]) -> Any:
    if "string" in kinds:
        return text
    if "integer" in kinds and re.fullmatch(r"-?\d+", text):
        return int(text)
    if "number" in kinds:
        try:
            return float(text)
        except ValueError:
            return text
    if "boolean" in kinds and text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text


def _coerce(text: str, schema: Any, name: str) -> Any:
    kind = schema.get("type") if isinstance(schema, dict) else None
    if kind == "integer":
        try:
            return int(text)
        except ValueError:
            raise ValidationProblem(f"Invalid type for '{name}': expected an integer, but got {text!r} instead.", name, "invalid_type") from None
    if kind == "number":
        try:
            return float(text)
        except ValueError:
            raise ValidationProblem(f"Invalid type for '{name}': expected a number, but got {text!r} instead.", name, "invalid_type") from None
    if kind == "boolean":
        if text.lower() not in ("true", "false"):
            raise ValidationProblem(f"Invalid type for '{name}': expected a boolean, but got {text!r} instead.", name, "invalid_type")
        return text.lower() == "true"
    return text


def parse_multipart(request: AppRequest) -> dict[str, Any]:
    """Form fields of a multipart body: files as :class:`FilePart`, ``name[]`` as lists and
    ``name[key]`` as objects, nested to any depth; text made a number or boolean where the
    operation's schema says so (a form has only text)."""
    from .._multipart import MultipartError, read_parts

    try:
        parts = read_parts(request.raw_body, request.headers.get("content-type", ""))
    except MultipartError as error:
        raise ValidationProblem(str(error), "", "invalid_multipart") from None
    fields: dict[str, Any] = {}
    for part in parts:
        value: Any = FilePart(part.filename, part.content_type or "application/octet-stream", part.content) if part.filename is not None else part.content.decode("utf-8", "replace")
        _put(fields, _form_path(part.name), value)
    body = spec_index().body_for(request.operation, request) if request.operation else None
    if body is not None and body["kind"] == "multipart":
        fields = spec_index().coerce_form(fields, body["schema"])
    return fields


def request_fields(request: AppRequest) -> dict[str, Any]:
    """The fields of a request that may come as JSON or as a multipart form."""
    if request.headers.get("content-type", "").lower().startswith("multipart/"):
        return parse_multipart(request)
    return request.json_object()


# Deeper than any form the API takes (``session[tools][][parameters][properties][x][type]``);
# a name nested past it is refused before anything is built for it.
_FORM_NESTING_LIMIT = 32


def _form_path(name: str) -> list[str]:
    """``session[tools][][name]`` -> ``["session", "tools", "", "name"]`` ("" appends to a list)."""
    head, _, rest = name.partition("[")
    if not rest:
        return [head]
    if rest.count("[") >= _FORM_NESTING_LIMIT:
        raise ValidationProblem(f"The form field name {name[:60]!r}... is nested deeper than {_FORM_NESTING_LIMIT} levels.", head[:100], "invalid_multipart")
    return [head, *re.findall(r"\[([^\]]*)\]", "[" + rest)]


def _put(target: Any, path: list[str], value: Any) -> None:
    """Store ``value`` at ``path``, walking down (not recursing), so the work is linear in the path."""
    last = len(path) - 1
    for index, key in enumerate(path):
        following = path[index + 1] if index < last else None
        if isinstance(target, list):  # key == "": a new item, unless the last one still lacks this field
            if following is None:
                target.append(value)
                return
            if not target or not isinstance(target[-1], dict) or following in target[-1]:
                target.append({} if following else [])
            target = target[-1]
            continue
        if following is None:
            target[key] = value
            return
        if key not in target or not isinstance(target[key], (dict, list)):
            target[key] = [] if following == "" else {}
        target = target[key]


class FilePart(bytes):
    """An uploaded file's bytes, with its filename and content type."""

    filename: str | None
    content_type: str

    def __new__(cls, filename: str | None, content_type: str, content: bytes) -> FilePart:
        part = super().__new__(cls, content)
        part.filename = filename
        part.content_type = content_type
        return part


_PLACEHOLDERS = {
    "audio/mpeg": b"ID3\x04\x00\x00\x00\x00\x00\x00",
    "audio/wav": b"RIFF\x24\x00\x00\x00WAVEfmt ",
    "image/png": b"\x89PNG\r\n\x1a\n",
    "image/webp": b"RIFF\x00\x00\x00\x00WEBPVP8 ",
    "video/mp4": b"\x00\x00\x00\x18ftypmp42",
    "application/zip": b"PK\x05\x06" + b"\x00" * 18,
}


def placeholder_bytes(content_type: str, key: str) -> Reply:
    """Deterministic bytes that start like a real file of that type."""
    head = _PLACEHOLDERS.get(content_type.split(";")[0], b"")
    body = head + hashlib.sha256(key.encode()).digest() * 4
    return Reply(200, [("content-type", content_type)], body)


_NOT_MID_STREAM = frozenset({"error", "done"})


def _event_name(schema: Any, spec: SpecIndex) -> str | None:
    """The constant ``event`` or ``type`` of a stream event schema."""
    props = (schema.get("properties") or {}) if isinstance(schema, dict) else {}
    for key in ("event", "type"):
        target = spec.deref(props.get(key) or {})
        if isinstance(target, dict):
            if "const" in target:
                return str(target["const"])
            if isinstance(target.get("enum"), list) and len(target["enum"]) == 1:
                return str(target["enum"][0])
    return None


class Sampler:
    """Builds a value that validates against a schema: required fields, first enum value, one item."""

    def __init__(self, spec: SpecIndex, rng: random.Random) -> None:
        self.spec = spec
        self.rng = rng

    def sample(self, schema: Any, depth: int = 0) -> Any:
        schema = self.spec.deref(schema)
        if not isinstance(schema, dict) or depth > 12:
            return None
        if "const" in schema:
            return schema["const"]
        if "enum" in schema:
            return schema["enum"][0]
        for key in ("oneOf", "anyOf"):
            if key in schema and not schema.get("properties"):
                options = [v for v in schema[key] if self.spec.deref(v).get("type") != "null"]
                return self.sample(options[0], depth + 1) if options else None
        parts = [self.spec.deref(part) for part in schema.get("allOf") or []]
        if parts and not schema.get("properties") and not any(isinstance(part, dict) and part.get("properties") for part in parts):
            # allOf that narrows one schema (``[{$ref: X}, {nullable: true}]``): a value of that schema
            real = [part for part in parts if isinstance(part, dict) and set(part) - {"nullable", "description"}]
            return self.sample(real[0], depth + 1) if real else None
        if schema.get("allOf") or schema.get("properties"):
            props: dict[str, Any] = {}
            required: list[str] = []
            for part in [*(schema.get("allOf") or []), schema]:
                part = self.spec.deref(part)
                props.update(part.get("properties") or {})
                required += [r for r in part.get("required") or [] if r not in required]
            # The required fields, and the ones with a single possible value (``object: "upload"``),
            # which the API always sends even where the spec leaves them optional.
            fixed = [name for name, prop in props.items() if name not in required and _single_value(self.spec.deref(prop))]
            return {name: self.sample(props.get(name, {}), depth + 1) for name in [*required, *fixed]}
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), None)
        if kind == "string":
            if schema.get("format") == "binary":
                return ""
            if schema.get("format") == "uri":
                return "https://example.com/" + "".join(self.rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(6))
            if schema.get("format") == "date":
                return "2023-11-14"
            length = max(int(schema.get("minLength", 0)), 6)
            return "".join(self.rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(length))
        if kind == "integer":
            low = int(schema.get("minimum", 0))
            high = int(schema.get("maximum", low + 100))
            return self.rng.randint(low, max(low, high))
        if kind == "number":
            bottom = float(schema.get("minimum", 0))
            top = float(schema.get("maximum", bottom + 1))
            return round(self.rng.uniform(bottom, top), 4)
        if kind == "boolean":
            return False
        if kind == "array":
            count = max(int(schema.get("minItems", 0)), 1 if depth < 4 else 0)
            return [self.sample(schema.get("items") or {}, depth + 1) for _ in range(count)]
        if kind == "object":
            return {}
        if kind == "null":
            return None
        return None


def _single_value(schema: Any) -> bool:
    """Whether a property schema allows exactly one value (a ``const``, or a one-item ``enum``)."""
    return isinstance(schema, dict) and ("const" in schema or (isinstance(schema.get("enum"), list) and len(schema["enum"]) == 1))
