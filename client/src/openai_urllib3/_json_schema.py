"""Strict JSON schemas from Python types, for structured outputs and function tools.

Dataclasses, ``TypedDict``s, pydantic models (when pydantic is installed), enums, ``Literal``,
``Optional``/``Union``, lists and nested types are supported. Strict mode needs every property
required and no extra properties, so optional fields become ``anyOf [T, null]``; free-form maps
cannot be strict and are refused with a clear error.
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
import types
import typing
from typing import Any, Callable, Literal, Union, get_args, get_origin

__all__ = ["function_parameters_schema", "strict_schema", "type_name"]


def type_name(kind: Any) -> str:
    return str(getattr(kind, "__name__", None) or "response")


def _is_typeddict(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, dict) and hasattr(kind, "__total__")


def _is_pydantic(kind: Any) -> bool:
    return isinstance(kind, type) and hasattr(kind, "model_json_schema") and hasattr(kind, "model_validate")


class _Builder:
    def __init__(self) -> None:
        self.defs: dict[str, dict[str, Any]] = {}

    def object_schema(self, kind: Any) -> dict[str, Any]:
        hints = typing.get_type_hints(kind, include_extras=False)
        if dataclasses.is_dataclass(kind):
            names = [f.name for f in dataclasses.fields(kind)]
        else:
            names = list(hints)
        properties = {name: self.schema(hints[name], f"{type_name(kind)}.{name}") for name in names}
        return {"type": "object", "properties": properties, "required": names, "additionalProperties": False}

    def schema(self, kind: Any, where: str) -> dict[str, Any]:
        origin = get_origin(kind)
        if kind is type(None) or kind is None:
            return {"type": "null"}
        if kind is str:
            return {"type": "string"}
        if kind is bool:
            return {"type": "boolean"}
        if kind is int:
            return {"type": "integer"}
        if kind is float:
            return {"type": "number"}
        if origin is Literal:
            values = list(get_args(kind))
            schema: dict[str, Any] = {"enum": values}
            if all(isinstance(v, str) for v in values):
                schema["type"] = "string"
            return schema
        if origin in (Union, types.UnionType):
            return {"anyOf": [self.schema(arg, where) for arg in get_args(kind)]}
        if origin in (list, tuple, set, frozenset) or kind in (list, tuple):
            args = get_args(kind)
            return {"type": "array", "items": self.schema(args[0] if args else Any, where)}
        if origin is dict or kind is dict:
            raise TypeError(f"{where}: a free-form dict cannot be described by a strict schema; use a dataclass or TypedDict")
        if isinstance(kind, type) and issubclass(kind, enum.Enum):
            return {"enum": [member.value for member in kind]}
        if dataclasses.is_dataclass(kind) or _is_typeddict(kind):
            name = type_name(kind)
            if name not in self.defs:
                self.defs[name] = {}
                self.defs[name] = self.object_schema(kind)
            return {"$ref": f"#/$defs/{name}"}
        if _is_pydantic(kind):
            return _strict_pydantic(kind)
        if kind is Any:
            raise TypeError(f"{where}: Any cannot be described by a strict schema")
        raise TypeError(f"{where}: cannot describe {kind!r} in a JSON schema")


def strict_schema(kind: Any) -> dict[str, Any]:
    """The strict JSON schema of a dataclass, ``TypedDict`` or pydantic model."""
    if _is_pydantic(kind):
        return _strict_pydantic(kind)
    if not (dataclasses.is_dataclass(kind) or _is_typeddict(kind)):
        raise TypeError(f"A structured output type must be a dataclass, a TypedDict or a pydantic model, got {kind!r}")
    builder = _Builder()
    root = builder.object_schema(kind)
    builder.defs.pop(type_name(kind), None)
    if builder.defs:
        root["$defs"] = builder.defs
    return root


def _strict_pydantic(kind: Any) -> dict[str, Any]:
    schema: dict[str, Any] = _make_strict(kind.model_json_schema())
    return schema


def _make_strict(schema: Any) -> Any:
    if isinstance(schema, list):
        return [_make_strict(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    result: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ("title", "default"):
            continue  # annotations, not constraints (strict mode rejects defaults)
        if key in ("properties", "$defs", "definitions") and isinstance(value, dict):
            result[key] = {name: _make_strict(sub) for name, sub in value.items()}  # names, not keywords
        else:
            result[key] = _make_strict(value)
    if result.get("type") == "object" and "properties" in result:
        result["required"] = list(result["properties"])
        result["additionalProperties"] = False
    return result


def function_parameters_schema(function: Callable[..., Any]) -> dict[str, Any]:
    """The strict parameters schema of a function, from its annotated signature."""
    signature = inspect.signature(function)
    hints = typing.get_type_hints(function)
    builder = _Builder()
    properties = {}
    for name, parameter in signature.parameters.items():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            raise TypeError(f"{function.__name__}: *args and **kwargs cannot be described as tool parameters")
        if name not in hints:
            raise TypeError(f"{function.__name__}: parameter {name!r} needs a type annotation")
        properties[name] = builder.schema(hints[name], f"{function.__name__}({name})")
    schema: dict[str, Any] = {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}
    if builder.defs:
        schema["$defs"] = builder.defs
    return schema
