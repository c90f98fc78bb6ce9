"""Request parameters and response objects for any operation, from the spec the harness carries."""

from __future__ import annotations

import difflib
import functools
from typing import Any

from hypothesis import strategies as st

from ..server._spec import SpecIndex, spec_index
from ._schema import SchemaStrategies, schema_strategies

__all__ = ["field_items", "field_values", "operation_names", "params_for", "required_ids", "response_objects", "schema_values"]

# Path parameters are IDs: URL-safe, never "." or "..", which a URL would collapse.
_path_ids = st.from_regex(r"[A-Za-z0-9_-]{1,24}", fullmatch=True)

_UPLOAD_NAMES = ("data.jsonl", "image.png", "speech.mp3", "notes.txt")
_uploads = st.tuples(st.sampled_from(_UPLOAD_NAMES), st.binary(max_size=64))
"""A file for a multipart field: ``(filename, content)``, as every Python OpenAI client accepts."""

# Fields that only mean something together with ``stream=True``; the API refuses them otherwise.
_STREAM_ONLY = ("stream", "stream_options")
_REFERENCE_FIELDS = frozenset({"conversation"})
_CURSORS = frozenset({"after", "before"})


def operation_names() -> list[str]:
    """Every operation's dotted name (``"chat.completions.create"``), in the spec's order."""
    return [op["name"] for op in spec_index().operations]


def _operation(spec: SpecIndex, operation: str) -> dict[str, Any]:
    if not isinstance(operation, str):
        raise TypeError(f"operation must be a dotted name such as 'chat.completions.create', got {type(operation).__name__}")
    for op in spec.operations:
        if operation in (op["name"], op["key"]):
            return op
    close = difflib.get_close_matches(operation, [op["name"] for op in spec.operations], n=3)
    hint = f"; did you mean {', '.join(repr(name) for name in close)}?" if close else "; see openai_harness.strategies.operation_names()"
    raise ValueError(f"Unknown operation {operation!r}{hint}")


@functools.lru_cache(maxsize=8)
def _file_builder(max_depth: int) -> SchemaStrategies:
    return SchemaStrategies(spec_index(), max_depth=max_depth, binary=_uploads)


def required_ids(operation: str) -> tuple[str, ...]:
    """The path parameters of ``operation`` that name objects (``("container_id", "file_id")``): a
    faithful server answers 404 unless they name objects it holds; draw them with ``server=`` or
    give them with ``ids=`` (see :func:`params_for`)."""
    op = _operation(spec_index(), operation)
    return tuple(param.get("python_name", param["name"]) for param in op["params"] if param["in"] == "path")


def _held(server: Any, op: dict[str, Any]) -> st.SearchStrategy[dict[str, str]]:
    """Path parameters naming objects ``server`` holds when the example is drawn."""

    @st.composite
    def draw_held(draw: st.DrawFn) -> dict[str, str]:
        held = server.held_path_params(op["path"])
        if not held:
            raise ValueError(
                f"params_for({op['name']!r}, server=...): the server holds no object for {', '.join(required_ids(op['name']))}; "
                "create one first, or pass ids="
            )
        chosen: dict[str, str] = draw(st.sampled_from(held))
        return chosen

    return draw_held()


def _given_ids(ids: Any, names: tuple[str, ...]) -> dict[str, st.SearchStrategy[Any]]:
    unknown = sorted(set(ids) - set(names))
    if unknown:
        raise ValueError(f"ids names {', '.join(unknown)}, which the operation has no path parameter for (it has: {', '.join(names) or 'none'})")
    strategies: dict[str, st.SearchStrategy[Any]] = {}
    for name, value in ids.items():
        if isinstance(value, st.SearchStrategy):
            strategies[name] = value
        elif isinstance(value, str):
            strategies[name] = st.just(value)
        elif isinstance(value, (list, tuple)) and value and all(isinstance(v, str) for v in value):
            strategies[name] = st.sampled_from(list(value))
        else:
            raise TypeError(f"ids[{name!r}] must be an ID, a non-empty list of IDs or a strategy, got {value!r}")
    return strategies


def params_for(
    operation: str, *, stream: bool = False, max_depth: int = 3, server: Any = None, ids: Any = None
) -> st.SearchStrategy[dict[str, Any]]:
    """Keyword arguments for one call of ``operation``: path parameters, query parameters and body
    fields, valid for the spec (the mock server accepts them in strict mode).

    ``operation`` is the dotted method name (``"chat.completions.create"``) or the route
    (``"POST /chat/completions"``). Call the method with them: ``client.chat.completions.create(**params)``.
    Every required field is present; optional ones come and go, ``None`` where the spec allows null.
    Files in multipart bodies are ``(filename, bytes)`` tuples, and a multipart body never holds a
    null or an empty list or object (a form cannot tell those from a missing field). ``stream`` and ``stream_options``
    are left out unless ``stream=True`` (then ``stream`` is ``True``). Optional references to other
    objects (``previous_response_id``, ``conversation``, ``*_ids``) are left out, since they would
    name objects the server does not hold (so are the list cursors ``after`` and ``before``, and
    query filters by ID); a ``model`` is always drawn. Other rules between fields
    that the spec does not state (``top_logprobs`` needing ``logprobs``) are not followed.

    Path parameters name objects (:func:`required_ids`). By default they are drawn as any URL-safe ID,
    which a server with ``unknown_ids="permissive"`` answers; for a faithful one give ``server=`` (a
    ``MockServer``: they are drawn among the objects it holds when the example is drawn, parents and
    children together) or ``ids={"container_id": "cntr_..."}`` (an ID, a list of IDs or a strategy).

    Shrinks toward the required fields alone, each at its simplest value.
    """
    spec = spec_index()
    op = _operation(spec, operation)
    if stream and not op.get("streams"):
        raise ValueError(f"{op['name']} does not stream; leave stream=False")
    if max_depth < 0:
        raise ValueError(f"max_depth must be >= 0, got {max_depth}")
    body = op.get("body") or {}
    builder = _file_builder(max_depth) if body.get("kind") == "multipart" else schema_strategies(max_depth=max_depth)
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    path_names = required_ids(op["name"])
    given = _given_ids(ids, path_names) if ids is not None else {}
    for param in op["params"]:
        name = param.get("python_name", param["name"])  # the keyword the clients take: project_ids for project_ids[]
        if param["in"] == "path":
            if server is None or name in given:
                required[name] = given.get(name, _path_ids)
        elif param["in"] == "query":
            if not param.get("required") and (_is_reference(name) or name in _CURSORS):
                continue  # names an object (a list cursor, a filter by ID) the server would have to hold
            schema = param.get("schema") or {}
            if name == "limit" and isinstance(schema, dict) and schema.get("type") == "integer" and "maximum" not in schema:
                schema = {**schema, "minimum": max(0, schema.get("minimum", 0)), "maximum": 100}  # every list's range, which some spec entries state only in prose
            (required if param.get("required") else optional)[name] = builder.build(schema, 1)
    base = st.fixed_dictionaries(required, optional=optional)
    if server is not None and set(path_names) - set(given):
        held = _held(server, op)
        base = base.flatmap(lambda params: held.map(lambda found: {**{k: v for k, v in found.items() if k not in params}, **params}))
    if body:
        names, body_required = builder.top_level_names(body["schema"])
        # An optional reference to another object (previous_response_id, conversation, file_ids)
        # names one the server would have to hold: left out, pass it yourself. A model is always
        # drawn: the API requires one unless a stored prompt brings it.
        references = tuple(name for name in names if name not in body_required and _is_reference(name))
        fields = builder.object_without(body["schema"], _STREAM_ONLY + references, also_required=("model",))
        if body.get("kind") == "multipart":
            fields = fields.filter(_fits_a_form)
        return base.flatmap(lambda params: fields.map(lambda values: {**values, **params})).map(lambda params: _with_stream(params, stream))
    return base


def _is_reference(name: str) -> bool:
    return name.endswith(("_id", "_ids")) or name in _REFERENCE_FIELDS


def _fits_a_form(value: Any) -> bool:
    """Whether a form can carry ``value`` as it is: it has no null and no empty list or object,
    which a multipart body cannot tell from a missing field."""
    if value is None:
        return False
    if isinstance(value, dict):
        return bool(value) and all(_fits_a_form(item) for item in value.values())
    if isinstance(value, list):
        return bool(value) and all(_fits_a_form(item) for item in value)
    return True


def _with_stream(params: dict[str, Any], stream: bool) -> dict[str, Any]:
    return {**params, "stream": True} if stream else params


def field_values(operation: str, field: str, *, max_depth: int = 3) -> st.SearchStrategy[Any]:
    """Values of one body field of ``operation`` (``field_values("responses.create", "input")``).

    Shrinks toward the field's simplest valid value."""
    builder, schema, others = _body_field(operation, field, max_depth)
    return builder.field(schema, 1, others)


def field_items(operation: str, field: str, *, max_depth: int = 3) -> st.SearchStrategy[Any]:
    """Items of an array-valued body field of ``operation`` (one tool of ``tools``).

    Shrinks toward the item's simplest valid value."""
    builder, schema, _ = _body_field(operation, field, max_depth)
    schema = builder.spec.deref(schema)
    if not isinstance(schema, dict) or "items" not in schema:
        raise ValueError(f"{operation} field {field!r} is not an array")
    return builder.build(schema["items"], 2)


def _body_field(operation: str, field: str, max_depth: int) -> tuple[SchemaStrategies, Any, list[Any]]:
    spec = spec_index()
    op = _operation(spec, operation)
    body = op.get("body")
    if not body:
        raise ValueError(f"{op['name']} takes no request body")
    builder = _file_builder(max_depth) if body.get("kind") == "multipart" else schema_strategies(max_depth=max_depth)
    props, _, others = builder.fields(spec.deref(body["schema"]))
    if field not in props:
        close = difflib.get_close_matches(field, list(props), n=3)
        hint = f"; did you mean {', '.join(repr(name) for name in close)}?" if close else f"; it takes {', '.join(sorted(props))}"
        raise ValueError(f"{op['name']} has no body field {field!r}{hint}")
    return builder, props[field], others.get(field, [])


def schema_values(name: str, *, for_response: bool = True, max_depth: int = 3) -> st.SearchStrategy[Any]:
    """Values of the spec's component schema ``name`` (``"ChatCompletionTool"``). With
    ``for_response`` (the default) read-only fields are included, as the API sends them.

    Shrinks toward the required fields alone."""
    return schema_strategies(for_response=for_response, max_depth=max_depth).named(name)


def response_objects(operation_or_schema: str, *, stream: bool = False, max_depth: int = 3) -> st.SearchStrategy[Any]:
    """Valid answers to stub with: the JSON body ``operation`` returns (``"chat.completions.create"``,
    a page object for list operations), each event of its stream with ``stream=True``, or values of
    a component schema (``"ChatCompletion"``).

    Shrinks toward the required fields alone."""
    spec = spec_index()
    if operation_or_schema in spec.schemas:
        if stream:
            raise ValueError("stream=True needs an operation name, not a schema name")
        return schema_values(operation_or_schema, max_depth=max_depth)
    op = _operation(spec, operation_or_schema)
    builder = schema_strategies(for_response=True, max_depth=max_depth)
    if stream:
        if not op.get("stream_schema"):
            raise ValueError(f"{op['name']} does not stream")
        return builder.build(op["stream_schema"])
    response = op.get("response") or {}
    if response.get("kind") in ("binary", "none") or response.get("content_type") != "application/json" or not response.get("schema"):
        raise ValueError(f"{op['name']} does not answer with a JSON object (it sends {response.get('content_type') or 'no body'})")
    return builder.build(response["schema"])
