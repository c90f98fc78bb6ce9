"""Hypothesis strategies for any schema of the spec, built from the generated ``_spec.json``.

One builder walks a schema and returns a strategy for values that the mock server's validator
accepts: ``$ref``s are followed, ``allOf`` parts merged, every union variant reachable, bounds,
enums, ``const`` and string patterns respected. Past ``max_depth`` levels of nesting only required
fields and the fewest items are generated, so recursive schemas (JSON Schema definitions, nested
content parts) stay finite. Everything shrinks toward the required fields only, the first enum
value, empty strings and zero.
"""

from __future__ import annotations

import re
from typing import Any

from hypothesis import strategies as st

from ..server._spec import SpecIndex, spec_index
from ..server._validate import conforms

__all__ = ["SchemaStrategies", "json_values", "schema_strategies"]

_MAX_ITEMS = 3
_MAX_TEXT = 24
_INT_BOUND = 2**31

# Keys of free-form objects stay clear of "type", the tag unions are routed by.
_free_keys = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True).filter(lambda key: key != "type")

_uris = st.from_regex(r"https://example\.com/[a-z0-9/]{0,16}", fullmatch=True)

json_values: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers(-_INT_BOUND, _INT_BOUND) | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=_MAX_TEXT),
    lambda children: st.lists(children, max_size=_MAX_ITEMS) | st.dictionaries(_free_keys, children, max_size=_MAX_ITEMS),
    max_leaves=8,
)
"""Any small JSON value; shrinks to ``None``."""


class SchemaStrategies:
    """Strategies for the schemas of one spec index.

    ``for_response``: values as the API sends them (read-only fields included); otherwise as a
    client sends them (read-only fields left out). ``binary``: the strategy for ``format: binary``
    strings (file contents in multipart bodies).
    """

    def __init__(self, spec: SpecIndex, *, for_response: bool = False, max_depth: int = 3, binary: st.SearchStrategy[Any] | None = None) -> None:
        if max_depth < 0:
            raise ValueError(f"max_depth must be >= 0, got {max_depth}")
        self.spec = spec
        self.for_response = for_response
        self.max_depth = max_depth
        self.binary = binary if binary is not None else st.binary(max_size=64)
        self._memo: dict[tuple[int, int], tuple[Any, st.SearchStrategy[Any]]] = {}

    def named(self, name: str) -> st.SearchStrategy[Any]:
        """Values of the component schema ``name`` (``"ChatCompletionRequestMessage"``)."""
        if name not in self.spec.schemas:
            close = _close_matches(name, self.spec.schemas)
            raise ValueError(f"No schema named {name!r} in the spec" + (f"; did you mean {close}?" if close else ""))
        return self.build({"$ref": "#/components/schemas/" + name})

    def build(self, schema: Any, depth: int = 0) -> st.SearchStrategy[Any]:
        schema = self.spec.deref(schema)
        level = min(depth, self.max_depth + 1)
        key = (id(schema), level)
        found = self._memo.get(key)
        if found is not None and found[0] is schema:
            return found[1]
        strategy = self._build(schema, level)
        self._memo[key] = (schema, strategy)
        return strategy

    def child(self, schema: Any, depth: int) -> st.SearchStrategy[Any]:
        """A nested schema's strategy, built only when a value is drawn (schemas may be recursive)."""
        return st.deferred(lambda: self.build(schema, depth))

    # -- one schema --------------------------------------------------------------------------

    def _build(self, schema: Any, depth: int) -> st.SearchStrategy[Any]:
        if not isinstance(schema, dict) or not schema:
            return json_values
        base = self._base(schema, depth)
        if schema.get("nullable"):
            return st.none() | base
        return base

    def _base(self, schema: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
        if "const" in schema:
            return st.just(schema["const"])
        if "enum" in schema:
            return st.sampled_from(schema["enum"]) if schema["enum"] else st.nothing()
        variants = schema.get("anyOf") or schema.get("oneOf")
        if variants and not schema.get("properties"):
            return st.one_of([self.child(variant, depth) for variant in variants])
        parts = [self.spec.deref(part) for part in schema.get("allOf") or []]
        if parts and not schema.get("properties") and not any(isinstance(part, dict) and (part.get("properties") or part.get("allOf")) for part in parts):
            # allOf narrowing one schema (``[{$ref: X}, {nullable: true}]``): values of X that fit the
            # rest (a null would not fit X, so the nullable part does not make it nullable)
            real = [part for part in parts if isinstance(part, dict) and set(part) - {"nullable"}]
            if real:
                return self.field(real[0], depth, real[1:])
        if schema.get("allOf") or schema.get("properties") or schema.get("type") == "object":
            return self._object(schema, depth)
        kind = schema.get("type") or ("array" if "items" in schema else None)
        if isinstance(kind, list):
            return st.one_of([self._base({**schema, "type": one}, depth) for one in kind])
        if kind == "string":
            return self._string(schema)
        if kind == "integer":
            low, high = _bounds(schema, integer=True)
            return st.integers(low, high)
        if kind == "number":
            low, high = _bounds(schema, integer=False)
            return st.floats(low, high, allow_nan=False, allow_infinity=False)
        if kind == "boolean":
            return st.booleans()
        if kind == "null":
            return st.none()
        if kind == "array":
            return self._array(schema, depth)
        return json_values

    def _string(self, schema: dict[str, Any]) -> st.SearchStrategy[Any]:
        if schema.get("format") == "binary":
            return self.binary
        if schema.get("format") == "uri":
            return _uris
        if schema.get("format") == "date":
            return st.dates().map(lambda day: day.isoformat())
        low = int(schema.get("minLength", 0))
        high = int(schema.get("maxLength", low + _MAX_TEXT))
        pattern = schema.get("pattern")
        if isinstance(pattern, str):
            try:
                return st.from_regex(pattern, fullmatch=True).filter(lambda text: low <= len(text) <= high)
            except re.error:
                pass  # a pattern Python cannot read: plain text, as the server does not check it
        return st.text(min_size=low, max_size=min(high, low + _MAX_TEXT))

    def _array(self, schema: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
        low = int(schema.get("minItems", 0))
        high = int(schema.get("maxItems", low + _MAX_ITEMS))
        high = low if depth > self.max_depth else min(high, low + _MAX_ITEMS)
        return st.lists(self.child(schema.get("items") or {}, depth + 1), min_size=low, max_size=high)

    def _object(self, schema: dict[str, Any], depth: int, leave_out: tuple[str, ...] = (), also_required: tuple[str, ...] = ()) -> st.SearchStrategy[Any]:
        props, required, others = self.fields(schema)
        choices = [self.spec.deref(v) for v in (schema.get("anyOf") or schema.get("oneOf") or [])]
        one_of_required = bool(choices) and all(isinstance(v, dict) and set(v) == {"required"} for v in choices)
        if leave_out:
            if one_of_required:
                # A field left out cannot be the one a choice requires: keep the other choices, or,
                # if every choice needs a left-out field, keep those fields.
                kept = [v for v in choices if not set(v["required"]) & set(leave_out)]
                needed = set() if kept else {name for v in choices for name in v["required"]}
                choices = kept or choices
                leave_out = tuple(name for name in leave_out if name not in needed)
            props = {name: sub for name, sub in props.items() if name not in leave_out}
            required = [name for name in required if name not in leave_out]
        required = [*required, *(name for name in also_required if name in props and name not in required)]
        if one_of_required:
            # "one of these fields is required": each choice adds its names to the required ones
            return st.one_of([self.object_of(props, [*required, *v["required"]], depth, others) for v in choices])
        if not props:
            extra = schema.get("additionalProperties")
            values = self.child(extra, depth + 1) if isinstance(extra, dict) and extra else json_values
            size = 0 if depth > self.max_depth else _MAX_ITEMS
            return st.dictionaries(_free_keys, values, max_size=size)
        return self.object_of(props, required, depth, others)

    def object_without(self, schema: Any, leave_out: tuple[str, ...], also_required: tuple[str, ...] = ()) -> st.SearchStrategy[dict[str, Any]]:
        """Values of the object ``schema`` (a request body) that never have the fields ``leave_out``
        and always have ``also_required`` (when the schema has them)."""
        found: st.SearchStrategy[dict[str, Any]] = self._object(self.spec.deref(schema), 0, leave_out, also_required)
        return found

    def top_level_names(self, schema: Any) -> tuple[list[str], list[str]]:
        """A body schema's property names and its required ones."""
        props, required, _ = self.fields(self.spec.deref(schema))
        return list(props), required

    def object_of(self, props: dict[str, Any], required: list[str], depth: int, others: dict[str, list[Any]] | None = None) -> st.SearchStrategy[dict[str, Any]]:
        """Objects with every ``required`` field and, within the depth limit, any of the others.
        ``others``: further definitions a field's value must also fit."""
        fields = {name: self.field(sub, depth + 1, (others or {}).get(name, [])) for name, sub in props.items()}
        wanted = {name: strategy for name, strategy in fields.items() if name in required}
        # The spec requires a few fields it never describes (always IDs): text is the likely shape.
        wanted.update({name: st.text(max_size=_MAX_TEXT) for name in required if name not in props})
        optional = {} if depth > self.max_depth else {name: strategy for name, strategy in fields.items() if name not in required}
        return st.fixed_dictionaries(wanted, optional=optional)

    def field(self, schema: Any, depth: int, also: list[Any]) -> st.SearchStrategy[Any]:
        """Values of a property's ``schema`` that also fit the definitions in ``also``."""
        strategy = self.child(schema, depth)
        if not also:
            return strategy
        resolve = self.spec.resolve_ref
        return strategy.filter(lambda value: all(conforms(value, other, resolve) for other in also))

    def fields(self, schema: dict[str, Any]) -> tuple[dict[str, Any], list[str], dict[str, list[Any]]]:
        """An object schema's properties (``allOf`` parts merged), its required names, and for a property that several ``allOf`` parts define,
        the definitions besides the one kept (a value must fit them all)."""
        props: dict[str, Any] = {}
        required: list[str] = []
        others: dict[str, list[Any]] = {}

        def take(name: str, sub: Any) -> None:
            if name in props and props[name] != sub:
                others.setdefault(name, []).append(props[name])
            props[name] = sub

        for part in [*(schema.get("allOf") or []), schema]:
            part = self.spec.deref(part)
            if not isinstance(part, dict):
                continue
            if part is not schema and part.get("allOf"):
                sub_props, sub_required, sub_others = self.fields(part)
                for name, sub in sub_props.items():
                    take(name, sub)
                for name, subs in sub_others.items():
                    others.setdefault(name, []).extend(subs)
            else:
                sub_required = part.get("required") or []
                for name, sub in (part.get("properties") or {}).items():
                    take(name, sub)
            required += [name for name in sub_required if name not in required]
        if not self.for_response:
            for name, sub in list(props.items()):
                if isinstance(sub, dict) and sub.get("readOnly") and name not in required:
                    del props[name]
        return props, required, others

def _bounds(schema: dict[str, Any], *, integer: bool) -> tuple[Any, Any]:
    low, high = schema.get("minimum"), schema.get("maximum")
    if integer:
        low = -_INT_BOUND if low is None else int(low) + (1 if schema.get("exclusiveMinimum") is True else 0)
        high = _INT_BOUND if high is None else int(high) - (1 if schema.get("exclusiveMaximum") is True else 0)
        return low, high
    if schema.get("exclusiveMinimum") is True and low is not None:
        low = float(low) + 1e-9
    if schema.get("exclusiveMaximum") is True and high is not None:
        high = float(high) - 1e-9
    return low, high


def _close_matches(name: str, names: Any) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(names), n=3)
    return ", ".join(repr(found) for found in close)


_cache: dict[tuple[bool, int], SchemaStrategies] = {}


def schema_strategies(*, for_response: bool = False, max_depth: int = 3) -> SchemaStrategies:
    """The shared builder for the harness's spec (strategies are reused across calls)."""
    key = (for_response, max_depth)
    if key not in _cache:
        _cache[key] = SchemaStrategies(spec_index(), for_response=for_response, max_depth=max_depth)
    return _cache[key]
