"""Checking a request against the spec's schemas, the way the API answers a bad one: the first
problem found, with ``param`` naming the field (``messages[0].role``) and a message a person can act on.

Supports what the spec uses: types (with nullable and ``null``), enums and constants, required and
unknown properties, arrays, ``allOf`` / ``anyOf`` / ``oneOf`` (with discriminators), and numeric and
length bounds.
"""

from __future__ import annotations

import json
from typing import Any, Callable

__all__ = ["ValidationProblem", "conforms", "deref", "validate"]

_TYPE_NAMES = {"string": "a string", "integer": "an integer", "number": "a number", "boolean": "a boolean", "array": "an array", "object": "an object", "null": "null"}


class ValidationProblem(Exception):
    """The first thing wrong with a value; ``param`` is the path to it, ``code`` the API's code."""

    def __init__(self, message: str, param: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        self.code = code


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def deref(schema: Any, resolve: Callable[[str], Any]) -> Any:
    """``schema`` with its ``$ref`` chain followed (``resolve`` maps a component name to its schema)."""
    seen = 0
    while isinstance(schema, dict) and "$ref" in schema and seen < 50:
        schema = resolve(schema["$ref"].rsplit("/", 1)[-1])
        seen += 1
    return schema


def _child(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, (bytes, bytearray)) else "<file>"
    return text if len(text) <= 60 else text[:57] + "..."


# Schemas are loaded once and never change, so what is derived from one is kept by its identity.
# Each entry holds the schema itself: a live object's id cannot be reused by a newer one.
_DERIVED: dict[tuple[str, int], tuple[Any, Any]] = {}


def _derived(kind: str, schema: Any, compute: Callable[[], Any]) -> Any:
    key = (kind, id(schema))
    entry = _DERIVED.get(key)
    if entry is None or entry[0] is not schema:
        entry = _DERIVED[key] = (schema, compute())
    return entry[1]


class _Validator:
    def __init__(self, resolve: Callable[[str], Any], *, unknown_fields: bool, optional: frozenset[str] = frozenset()) -> None:
        self.optional = optional  # top-level fields the spec requires and the API does not
        self.resolve = resolve
        self.unknown_fields = unknown_fields

    def deref(self, schema: Any) -> Any:
        return deref(schema, self.resolve)

    def check(self, value: Any, schema: Any, path: str, top: bool = False) -> None:
        schema = self.deref(schema)
        if not isinstance(schema, dict) or not schema:
            return
        if value is None and schema.get("nullable"):
            return
        for part in schema.get("allOf") or []:
            self.check_object_part(value, part, path)
        if "anyOf" in schema or "oneOf" in schema:
            self.check_union(value, schema, path)
            if not schema.get("properties") and "type" not in schema:
                return
        kind = schema.get("type")
        if kind is not None:
            self.check_type(value, kind, path, schema)
        if "enum" in schema and value not in schema["enum"] and value is not None:
            allowed = ", ".join(repr(v) for v in schema["enum"][:12])
            raise ValidationProblem(f"Invalid value: {_short(value)}. Supported values are: {allowed}.", path, "invalid_value")
        if "const" in schema and value != schema["const"]:
            raise ValidationProblem(f"Invalid value: {_short(value)}. Expected {schema['const']!r}.", path, "invalid_value")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            self.check_bounds(value, schema, path)
        if isinstance(value, str):
            if "maxLength" in schema and len(value) > schema["maxLength"]:
                raise ValidationProblem(f"Invalid '{path}': string too long. Expected a maximum length of {schema['maxLength']}, but got a string with length {len(value)} instead.", path, "string_above_max_length")
            if "minLength" in schema and len(value) < schema["minLength"]:
                raise ValidationProblem(f"Invalid '{path}': string too short. Expected a minimum length of {schema['minLength']}.", path, "string_below_min_length")
        if isinstance(value, list):
            if "minItems" in schema and len(value) < schema["minItems"]:
                raise ValidationProblem(f"Invalid '{path}': empty array. Expected an array with minimum length {schema['minItems']}, but got an array with length {len(value)} instead." if not value else f"Invalid '{path}': array too short. Expected at least {schema['minItems']} items.", path, "empty_array" if not value else "array_below_min_length")
            if "maxItems" in schema and len(value) > schema["maxItems"]:
                raise ValidationProblem(f"Invalid '{path}': array too long. Expected an array with maximum length {schema['maxItems']}, but got an array with length {len(value)} instead.", path, "array_above_max_length")
            items = schema.get("items")
            if items:
                for index, item in enumerate(value):
                    self.check(item, items, _child(path, index))
        if isinstance(value, dict) and (schema.get("properties") or schema.get("required") or "additionalProperties" in schema or schema.get("allOf")):
            self.check_object(value, schema, path, top)

    def check_object_part(self, value: Any, part: Any, path: str) -> None:
        part = self.deref(part)
        if isinstance(value, dict) and isinstance(part, dict):
            # One part of an allOf may not refuse the fields the other parts define.
            opened = _derived("opened", part, lambda: {**part, "additionalProperties": True})
            self.check_object(value, opened, path, False)
        else:
            self.check(value, part, path)

    def check_type(self, value: Any, kind: Any, path: str, schema: dict[str, Any]) -> None:
        kinds = kind if isinstance(kind, list) else [kind]
        actual = _json_type(value)
        if schema.get("format") == "binary" and isinstance(value, (bytes, bytearray)):
            return
        if actual in kinds or (actual == "integer" and "number" in kinds):
            return
        expected = " or ".join(_TYPE_NAMES.get(str(k), str(k)) for k in kinds)
        shown = _TYPE_NAMES.get(actual, actual).split()[-1] if actual != "null" else "null"
        raise ValidationProblem(f"Invalid type for '{path}': expected {expected}, but got {shown} instead.", path, "invalid_type")

    def check_bounds(self, value: float, schema: dict[str, Any], path: str) -> None:
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is not None and value < low:
            raise ValidationProblem(f"Invalid '{path}': decimal below minimum value. Expected a value >= {low}, but got {value} instead.", path, "decimal_below_min_value")
        if high is not None and value > high:
            raise ValidationProblem(f"Invalid '{path}': decimal above maximum value. Expected a value <= {high}, but got {value} instead.", path, "decimal_above_max_value")

    def properties(self, schema: dict[str, Any]) -> tuple[dict[str, Any], list[str], bool]:
        found: tuple[dict[str, Any], list[str], bool] = _derived("properties", schema, lambda: self._properties(schema))
        return found

    def _properties(self, schema: dict[str, Any]) -> tuple[dict[str, Any], list[str], bool]:
        props: dict[str, Any] = {}
        required: list[str] = []
        closed = schema.get("additionalProperties") is False
        for part in schema.get("allOf") or []:
            sub_props, sub_required, sub_closed = self.properties(self.deref(part))
            props.update(sub_props)
            required += [name for name in sub_required if name not in required]
            closed = closed or sub_closed
        props.update(schema.get("properties") or {})
        required += [name for name in schema.get("required") or [] if name not in required]
        return props, required, closed

    def check_object(self, value: dict[str, Any], schema: dict[str, Any], path: str, top: bool) -> None:
        props, required, closed = self.properties(schema)
        for name in required:
            if name not in value and not (not path and name in self.optional):
                where = _child(path, name)
                raise ValidationProblem(f"Missing required parameter: '{where}'.", where, "missing_required_parameter")
        if self.unknown_fields and props and (closed or top):
            for name in value:
                if name not in props and name not in required:  # the spec requires a few fields it does not describe
                    where = _child(path, name)
                    raise ValidationProblem(f"Unrecognized request argument supplied: {where}", where, "unknown_parameter")
        extra = schema.get("additionalProperties")
        for name, item in value.items():
            if name in props:
                self.check(item, props[name], _child(path, name))
            elif isinstance(extra, dict):
                self.check(item, extra, _child(path, name))

    def check_union(self, value: Any, schema: dict[str, Any], path: str) -> None:
        variants: list[Any] = _derived("variants", schema, lambda: [self.deref(v) for v in (schema.get("anyOf") or schema.get("oneOf") or [])])
        if value is None and any(isinstance(v, dict) and v.get("type") == "null" for v in variants):
            return
        prop = (schema.get("discriminator") or {}).get("propertyName") or "type"
        if isinstance(value, dict) and prop in value:
            by_tag: dict[Any, list[Any]] = _derived("by_tag:" + prop, schema, lambda: self._variants_by_tag(variants, prop))
            tag = value[prop]
            if isinstance(tag, str) and tag in by_tag:
                self._check_first_fitting(value, by_tag[tag], path)
                return
            if by_tag and None not in by_tag:  # every variant has its tag values: this one is none of them
                where = _child(path, prop)
                raise ValidationProblem(f"Invalid value: {_short(value[prop])}. Supported values are: {', '.join(repr(t) for t in list(by_tag)[:20])}.", where, "invalid_value")
        first: ValidationProblem | None = None
        same_kind: ValidationProblem | None = None
        actual = _json_type(value)
        for variant in variants:
            try:
                self.check(value, variant, path)
                return
            except ValidationProblem as problem:
                first = first or problem
                if same_kind is None and actual in self._kinds(variant):
                    same_kind = problem  # the variant meant for this kind of value says best what is wrong
        if same_kind is not None:
            raise same_kind
        if first is not None:
            if isinstance(value, (dict, list)):
                raise first
            kinds = [kind for variant in variants for kind in self._kinds(variant)]
            expected = " or ".join(dict.fromkeys(_TYPE_NAMES.get(kind, kind) for kind in kinds)) or "one of the accepted forms"
            shown = _TYPE_NAMES.get(actual, actual).split()[-1]
            raise ValidationProblem(f"Invalid type for '{path}': expected {expected}, but got {shown} instead.", path, "invalid_type")

    def _variants_by_tag(self, variants: list[Any], prop: str) -> dict[Any, list[Any]]:
        """The variants for each value of the tag ``prop``, in the union's order (several variants
        may share a tag, as a Responses input message and its easy form do). Variants without a
        fixed set of tag values are listed under every tag, and under ``None``."""
        by_tag: dict[Any, list[Any]] = {}
        untagged = []
        for variant in variants:
            tags = self._tags(variant, prop)
            for tag in tags:
                by_tag.setdefault(tag, []).append(variant)
            if not tags:
                untagged.append(variant)
        found = {tag: tagged + untagged for tag, tagged in by_tag.items()}
        if untagged and found:
            found[None] = untagged
        return found

    def _check_first_fitting(self, value: Any, variants: list[Any], path: str) -> None:
        """Pass when one variant accepts ``value``; otherwise raise what the first one found."""
        first: ValidationProblem | None = None
        for variant in variants:
            try:
                self.check(value, variant, path)
                return
            except ValidationProblem as problem:
                first = first or problem
        if first is not None:
            raise first

    def _kinds(self, variant: Any) -> list[str]:
        variant = self.deref(variant)
        if not isinstance(variant, dict):
            return []
        kind = variant.get("type")
        if isinstance(kind, list):
            return [str(k) for k in kind]
        if isinstance(kind, str):
            return ["integer", "number"] if kind == "number" else [kind]
        if "enum" in variant:
            return list(dict.fromkeys(_json_type(v) for v in variant["enum"]))
        if variant.get("properties") or variant.get("allOf"):
            return ["object"]
        return [kind for inner in (variant.get("anyOf") or variant.get("oneOf") or []) for kind in self._kinds(inner)]

    def _tags(self, variant: Any, prop: str) -> tuple[str, ...]:
        """The values the tag ``prop`` may take in ``variant`` (empty when it is not a fixed set)."""
        found: tuple[str, ...] = _derived("tags:" + prop, variant, lambda: self._find_tags(variant, prop))
        return found

    def _find_tags(self, variant: Any, prop: str) -> tuple[str, ...]:
        variant = self.deref(variant)
        if not isinstance(variant, dict):
            return ()
        target = self.deref((variant.get("properties") or {}).get(prop))
        if target is None:
            for part in variant.get("allOf") or []:
                found = self._tags(part, prop)
                if found:
                    return found
            return ()
        if "const" in target:
            return (target["const"],) if isinstance(target["const"], str) else ()
        enum = target.get("enum")
        return tuple(value for value in enum if isinstance(value, str)) if isinstance(enum, list) else ()


def validate(value: Any, schema: Any, resolve: Callable[[str], Any], *, unknown_fields: bool = True, path: str = "", optional: frozenset[str] = frozenset()) -> None:
    """Raise :class:`ValidationProblem` for the first problem with ``value``."""
    _Validator(resolve, unknown_fields=unknown_fields, optional=optional).check(value, schema, path, top=True)


def conforms(value: Any, schema: Any, resolve: Callable[[str], Any]) -> bool:
    """Whether ``value`` fits ``schema`` as a nested value (unknown fields refused only where the
    schema closes its object)."""
    try:
        _Validator(resolve, unknown_fields=True).check(value, schema, "", top=False)
    except ValidationProblem:
        return False
    return True
