"""From schemas to Python: response classes on the lazy base, and request ``TypedDict``s.

Both walk the same schema shapes: references, ``allOf`` (merged), ``anyOf``/``oneOf`` (nullable,
discriminated by a ``type`` constant, or mixed by JSON type), enums (``Literal``), arrays, maps
and inline objects (nested classes named after their parent and property).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from .config import MODEL_BASES, RENAMES, SKIP_FIELDS
from .naming import class_name, pascal, python_name, singular
from .official import Official, Placement
from .spec import Spec

__all__ = ["AliasDef", "ClassDef", "FieldDef", "ModelBuilder", "ParamBuilder", "TypedDictDef"]

# Attribute names the response base class already uses.
_RESERVED = frozenset(
    {"to_dict", "to_json", "presence", "has", "raw", "model_dump", "model_dump_json", "extra_fields", "request_id", "model_fields_set", "construct"}
)


def _doc(schema: Any) -> str:
    if not isinstance(schema, dict):
        return ""
    text = str(schema.get("description") or schema.get("title") or "").strip()
    first = text.split("\n\n", 1)[0].replace("\n", " ").strip()
    return first[:300]


def _literal(values: list[Any]) -> str:
    return "Literal[" + ", ".join(json.dumps(v) if not isinstance(v, bool) else repr(v) for v in values) + "]"


@dataclass
class FieldDef:
    attr: str
    key: str
    type_expr: str
    converter: str | None
    doc: str = ""


@dataclass
class ClassDef:
    name: str
    doc: str
    fields: list[FieldDef] = field(default_factory=list)
    bases: list[str] = field(default_factory=list)
    schema_name: str | None = None
    where: str = ""  # the schema location (see ``codegen.official``)
    module: str | None = None  # the module the official SDK gives it, if any
    owner: str = ""  # the class whose module holds this one (itself for a module of its own)
    aliases: list[tuple[str, str]] = field(default_factory=list)  # (module, name) the official SDK also calls it


@dataclass
class TypedDictDef:
    name: str
    doc: str
    fields: list[tuple[str, str, bool, str]] = field(default_factory=list)  # key, type, required, doc
    where: str = ""
    module: str | None = None
    owner: str = ""
    aliases: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class AliasDef:
    """A named union or enum (``ChatCompletionMessageParam``), a module of its own."""

    name: str  # the key, unique across the package
    module: str
    type_expr: str
    title: str = ""  # the official name, which its module gives it; the key when empty

    def __post_init__(self) -> None:
        self.title = self.title or self.name


# A string that may be one of known values, as either builder writes it.
_OPEN_ENUM = re.compile(r"Union\[str, (Literal\[[^\[\]]*\])\]|Union\[(Literal\[[^\[\]]*\]), str\]|str \| (Literal\[[^\[\]]*\])|(Literal\[[^\[\]]*\]) \| str")


def _model_name(name: str) -> str:
    """A response class's name for a schema the spec names for requests (``ClickParam``): without
    the ``Param``, which in the SDK's convention marks a request ``TypedDict``."""
    return name.removesuffix("Param") if name.endswith("Param") and len(name) > len("Param") else name


def snake(name: str) -> str:
    """``ChatCompletionMessageParam`` -> ``chat_completion_message_param`` (``AdminAPIKey`` -> ``admin_api_key``)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


class _Walker:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec

    def properties(self, schema: Any) -> tuple[dict[str, Any], set[str]]:
        """Merged properties and required names of an object schema (``allOf`` included)."""
        schema = self.spec.deref(schema)
        props: dict[str, Any] = {}
        required: set[str] = set()
        for part in schema.get("allOf") or []:
            sub_props, sub_required = self.properties(part)
            props.update(sub_props)
            required |= sub_required
        props.update(schema.get("properties") or {})
        required |= set(schema.get("required") or [])
        return props, required

    def structural_parts(self, parts: list[Any]) -> tuple[list[Any], bool]:
        """The ``allOf`` parts that carry a type (not just ``nullable`` or a description), and whether one says nullable."""
        kept = []
        nullable = False
        for part in parts:
            target = self.spec.deref(part)
            if isinstance(target, dict) and not ({"$ref", "type", "properties", "allOf", "anyOf", "oneOf", "enum", "items", "const"} & set(target)) and "$ref" not in part:
                nullable = nullable or bool(target.get("nullable"))
                continue
            kept.append(part)
        return kept, nullable

    def is_object(self, schema: Any) -> bool:
        schema = self.spec.deref(schema)
        if not isinstance(schema, dict):
            return False
        if schema.get("properties"):
            return True
        if schema.get("allOf"):
            return all(self.is_object(part) for part in schema["allOf"])
        return False

    def options(self, schema: dict[str, Any], depth: int = 0) -> tuple[list[Any], bool]:
        """The non-null variants of a union (nested unions flattened), and whether null is allowed."""
        variants = schema.get("anyOf") or schema.get("oneOf") or []
        nullable = False
        kept = []
        for variant in variants:
            target = self.spec.deref(variant)
            if isinstance(target, dict) and target.get("type") == "null":
                nullable = True
            elif isinstance(target, dict) and ("anyOf" in target or "oneOf" in target) and not target.get("properties") and depth < 5:
                inner, inner_nullable = self.options(target, depth + 1)
                kept.extend(inner)
                nullable = nullable or inner_nullable
            else:
                kept.append(variant)
        return kept, nullable

    def tag_value(self, schema: Any, prop: str) -> str | None:
        """The constant value a variant has for its discriminator property."""
        props, _ = self.properties(schema)
        target = self.spec.deref(props.get(prop) or {})
        if not isinstance(target, dict):
            return None
        if "const" in target:
            return str(target["const"])
        enum = target.get("enum")
        if isinstance(enum, list) and len(enum) == 1:
            return str(enum[0])
        return None

    def variant_suffix(self, variant: Any, tag: str | None, index: int) -> str:
        """What a union variant's name adds to the union's: its tag, else its title (the SDK's
        ``TracingTracingConfiguration``), else its position."""
        if tag:
            return pascal(tag)
        title = variant.get("title") if isinstance(variant, dict) and self.spec.ref_name(variant) is None else None
        return pascal(title) if isinstance(title, str) and title.strip() else str(index)

    def tag_property(self, schema: dict[str, Any], variants: list[Any]) -> str:
        """The property whose constant tells a union's object variants apart: the declared
        discriminator, else ``type``, else another property every object variant fixes (``event``
        of the assistant stream events, ``object``)."""
        declared = (schema.get("discriminator") or {}).get("propertyName")
        if declared:
            return str(declared)
        objects = [variant for variant in variants if self.is_object(variant)]
        if any(self.tag_value(variant, "type") is not None for variant in objects):
            return "type"
        for prop in ("event", "object"):
            if objects and all(self.tag_value(variant, prop) is not None for variant in objects):
                return prop
        return "type"


class _Namer(_Walker):
    """Names for generated types: the official SDK's where ``official_types.tsv`` gives one and it
    is free, else one derived from the schema or the owner's name and the property."""

    kind = "model"

    def __init__(self, spec: Spec, official: Official | None = None, taken: set[str] | None = None, aliases: dict[str, AliasDef] | None = None) -> None:
        super().__init__(spec)
        self.official = official if official is not None else Official()
        self._taken: set[str] = taken if taken is not None else set()
        self._owners: list[str] = []
        self._reserved = self.official.own_names()
        # Inline types by the schema location they were built for: a union reached from several
        # places (a stream's events from three operations) is built once, not once per path.
        self._inline_by_where: dict[str, str] = {}
        self.aliases: dict[str, AliasDef] = aliases if aliases is not None else {}
        # Key -> the names the type would have alone, best first, for the keys ``_unique`` had to
        # number (or that lost their official name): its module may still have room for one.
        self.preferred: dict[str, list[str]] = {}

    def _unique(self, name: str) -> str:
        candidate, number = name, 2
        while candidate in self._taken or candidate in self._reserved:
            candidate = f"{name}{number}"
            number += 1
        self._taken.add(candidate)
        return candidate

    def _claim(self, placement: Placement, default: str) -> str:
        """The official name when it is free; else the default, the official name then leading to it."""
        if placement.name is not None and placement.name not in self._taken:
            self._taken.add(placement.name)
            return placement.name
        if placement.name is not None and placement.module is not None:
            placement.aliases.insert(0, (placement.module, placement.name))
        name = self._unique(default)
        official = [placement.name] if placement.name is not None and placement.module is not None else []
        self.preferred[name] = [*official, default]
        return name

    def listed(self, schema: Any, where: str, module: str) -> Any:
        """Resolve the union (or enum) the official SDK names at ``where`` in ``module``: the
        classes it writes inline are that module's (``@module`` owns them), as in the SDK."""
        self._owners.append("@" + module)
        try:
            return self.resolve(schema, where, where)
        finally:
            self._owners.pop()

    def _owner_for(self, name: str, top_level: bool, placement: Placement) -> str:
        return name if top_level or placement.module is not None or not self._owners else self._owners[-1]

    def _aliased(self, where: str, type_expr: str) -> str:
        """The official alias name for the union or enum at ``where``, registered; else the expression."""
        open_enum = _OPEN_ENUM.fullmatch(type_expr)
        if open_enum is not None:
            # ``str`` or a known value (a model id): the SDK names the known values, ``Union[str, EmbeddingModel]``.
            literal = next(group for group in open_enum.groups() if group)
            named = self._enum_alias(where, literal)
            return type_expr.replace(literal, named, 1)
        return self._enum_alias(where, type_expr)

    def _enum_alias(self, where: str, type_expr: str) -> str:
        kinds = ["alias", "param_alias"] if self.kind == "model" else ["param_alias", "alias"]
        if not type_expr.startswith("Literal["):
            kinds = kinds[:1]  # an enum is the same alias on both sides; a union is not
        found = next((hit for hit in (self.official.alias(kind, where) for kind in kinds) if hit), None)
        if found is None or type_expr in ("Any", "str"):
            return type_expr
        package, name = found
        module = ".".join(filter(None, [package, snake(name)]))
        existing = next((alias for alias in self.aliases.values() if alias.module == module and alias.title == name), None)
        if existing is not None:
            return existing.name if existing.type_expr == type_expr else type_expr
        if name in self._taken:
            # Another module's alias of that name (``realtime`` and ``beta.realtime`` both have a
            # ``RealtimeServerEvent``): a key of its own, the name in its module.
            key = self._unique(name)
            self.preferred[key] = [name]
        else:
            key = name
            self._taken.add(name)
        self.aliases[key] = AliasDef(key, module, type_expr, name)
        return key


class ModelBuilder(_Namer):
    """Response classes, keyed by class name, built on demand from the schemas they are reached by."""

    def __init__(self, spec: Spec, official: Official | None = None, taken: set[str] | None = None, aliases: dict[str, AliasDef] | None = None) -> None:
        super().__init__(spec, official, taken, aliases)
        self.classes: dict[str, ClassDef] = {}
        self.by_schema: dict[str, str] = {}

    def class_for_schema(self, schema_name: str) -> str:
        if schema_name in self.by_schema:
            return self.by_schema[schema_name]
        placement = self.official.place("model", schema_name)
        name = self._claim(placement, RENAMES.get(schema_name) or _model_name(class_name(schema_name)))
        self.by_schema[schema_name] = name
        schema = self.spec.schemas[schema_name]
        self._build(name, schema, schema_name, schema_name, placement)
        return name

    def _build(self, name: str, schema: Any, schema_name: str | None, where: str, placement: Placement) -> None:
        owner = self._owner_for(name, schema_name is not None, placement)
        definition = ClassDef(
            name, _doc(schema), schema_name=schema_name, bases=list(MODEL_BASES.get(name, [])), where=where, module=placement.module, owner=owner, aliases=placement.aliases
        )
        self.classes[name] = definition
        props, required = self.properties(schema)
        attrs: set[str] = set()
        self._owners.append(owner)
        try:
            for key, prop_schema in props.items():
                if key in SKIP_FIELDS.get(name, ()):
                    continue
                attr = python_name(key)
                if attr in _RESERVED or attr.startswith("_"):
                    attr = attr.strip("_") + "_"
                while attr in attrs:
                    attr += "_"
                attrs.add(attr)
                type_expr, converter = self.resolve(prop_schema, name + pascal(key), f"{where}.{key}")
                if key not in required and type_expr != "Any" and "None" not in type_expr.split(" | "):
                    type_expr += " | None"  # a missing field reads as None
                definition.fields.append(FieldDef(attr, key, type_expr, converter, _doc(prop_schema)))
        finally:
            self._owners.pop()

    def resolve(self, schema: Any, context: str, where: str = "") -> tuple[str, str | None]:
        """(type expression, converter expression or None) for a property's schema at ``where``."""
        ref = self.spec.ref_name(schema)
        if ref is not None:
            target = self.spec.schemas[ref]
            if self.is_object(target):
                cls = self.class_for_schema(ref)
                return cls, f'ref("{cls}")'
            return self.resolve(target, class_name(RENAMES.get(ref, ref)), ref)
        if not isinstance(schema, dict):
            return "Any", None
        if ("anyOf" in schema or "oneOf" in schema) and not schema.get("properties"):
            variants, nullable = self.options(schema)
            type_expr, converter = self._union(schema, variants, context, where)
            type_expr = f"{type_expr} | None" if nullable and type_expr != "Any" else type_expr
            return self._aliased(where, type_expr), converter
        if "allOf" in schema:
            parts, nullable = self.structural_parts(schema["allOf"])
            if len(parts) == 1:
                type_expr, converter = self.resolve(parts[0], context, where)
                return (f"{type_expr} | None" if nullable and type_expr != "Any" else type_expr), converter
            if self.is_object({"allOf": parts}):
                return self._inline_class({**schema, "allOf": parts}, context, where)
            return "Any", None
        kind = schema.get("type")
        if isinstance(kind, list):
            non_null = [k for k in kind if k != "null"]
            inner_type, converter = self.resolve({**schema, "type": non_null[0]} if len(non_null) == 1 else {}, context, where)
            return (f"{inner_type} | None" if "null" in kind and inner_type != "Any" else inner_type), converter
        if "enum" in schema and kind in ("string", "integer", None):
            values = [v for v in schema["enum"] if v is not None]
            return self._aliased(where, _literal(values) if values else "str"), None
        if "const" in schema:
            return _literal([schema["const"]]), None
        if kind == "string":
            return "str", None
        if kind == "integer":
            return "int", None
        if kind == "number":
            return "float", None
        if kind == "boolean":
            return "bool", None
        if kind == "null":
            return "None", None
        if kind == "array":
            item_type, item_converter = self.resolve(schema.get("items") or {}, singular(context), where + "[]")
            return self._aliased(where, f"list[{item_type}]"), (f"list_of({item_converter})" if item_converter else None)
        if kind == "object" or "properties" in schema or "additionalProperties" in schema:
            if schema.get("properties"):
                return self._inline_class(schema, context, where)
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                value_type, value_converter = self.resolve(extra, singular(context), where + "{}")
                return self._aliased(where, f"dict[str, {value_type}]"), (f"dict_of({value_converter})" if value_converter else None)
            return self._aliased(where, "dict[str, Any]"), None
        return "Any", None

    def _inline_class(self, schema: dict[str, Any], context: str, where: str) -> tuple[str, str]:
        name = self._inline_by_where.get(where) if where else None
        if name is None:
            placement = self.official.place("model", where)
            name = self._claim(placement, class_name(context))
            if where:
                self._inline_by_where[where] = name
            self._build(name, schema, None, where, placement)
        return name, f'ref("{name}")'

    def _union(self, schema: dict[str, Any], variants: list[Any], context: str, where: str) -> tuple[str, str | None]:
        if not variants:
            return "Any", None
        if len(variants) == 1:
            return self.resolve(variants[0], context, where)
        prop = self.tag_property(schema, variants)
        types: list[str] = []
        tagged: dict[str, str] = {}
        untagged: list[str] = []
        untagged_required: list[tuple[str, ...]] = []
        array_converter: str | None = None
        for index, variant in enumerate(variants):
            value = self.tag_value(variant, prop) if self.is_object(variant) else None
            type_expr, converter = self.resolve(variant, context + self.variant_suffix(variant, value, index), f"{where}|{value if value else index}")
            types.append(type_expr)
            if self.is_object(variant) and converter is not None:
                if value is not None:
                    tagged.setdefault(value, converter)
                else:
                    untagged.append(converter)
                    untagged_required.append(tuple(sorted(self.properties(variant)[1])))
            elif converter is not None and converter.startswith("list_of(") and array_converter is None:
                array_converter = converter
        unique_types = list(dict.fromkeys(types))
        type_expr = "Any" if "Any" in unique_types else " | ".join(unique_types)
        object_converter: str | None = None
        if tagged:
            # An object whose tag is unknown (a newer API) becomes the one untagged variant, or a
            # generic object: never an error.
            default = f", {untagged[0]}" if len(untagged) == 1 else ""
            entries = ", ".join(f'"{value}": {converter}' for value, converter in tagged.items())
            object_converter = f'union_of("{prop}", {{{entries}}}{default})'
        elif len(untagged) == 1:
            object_converter = untagged[0]
        elif untagged:
            # No tag: the variant whose required fields the object has, the most of them winning
            # (a transcription's ``text`` alone, or the verbose one's ``text``, ``language``, ...).
            entries = ", ".join(f"({required!r}, {converter})" for required, converter in zip(untagged_required, untagged))
            object_converter = f"by_required_fields({entries})"
        if array_converter is None:
            return type_expr, object_converter
        return type_expr, f"by_json_type(object={object_converter}, array={array_converter})"


class ParamBuilder(_Namer):
    """Request ``TypedDict``s: one per schema used in requests, and one per inline object."""

    kind = "param"

    def __init__(self, spec: Spec, official: Official | None = None, taken: set[str] | None = None, aliases: dict[str, AliasDef] | None = None) -> None:
        super().__init__(spec, official, taken, aliases)
        self.dicts: dict[str, TypedDictDef] = {}
        self.by_schema: dict[str, str] = {}

    def dict_for_schema(self, schema_name: str) -> str:
        if schema_name in self.by_schema:
            return self.by_schema[schema_name]
        base = class_name(schema_name)
        placement = self.official.place("param", schema_name)
        name = self._claim(placement, base if base.endswith("Param") else base + "Param")
        self.by_schema[schema_name] = name
        self.build(name, self.spec.schemas[schema_name], where=schema_name, placement=placement, top_level=True)
        return name

    def build(
        self,
        name: str,
        schema: Any,
        *,
        extra: list[tuple[str, str, bool, str]] | None = None,
        where: str = "",
        placement: Placement | None = None,
        top_level: bool = False,
    ) -> TypedDictDef:
        placement = placement or Placement()
        owner = self._owner_for(name, top_level, placement)
        definition = TypedDictDef(name, _doc(schema), where=where, module=placement.module, owner=owner, aliases=placement.aliases)
        self.dicts[name] = definition
        props, required = self.properties(schema)
        self._owners.append(owner)
        try:
            for key, prop_schema in props.items():
                if self.spec.deref(prop_schema).get("readOnly"):
                    continue
                type_expr = self.resolve(prop_schema, name.removesuffix("Param") + pascal(key), f"{where}.{key}")
                definition.fields.append((key, type_expr, key in required, _doc(prop_schema)))
        finally:
            self._owners.pop()
        definition.fields.extend(extra or [])
        return definition

    def named(self, placement: Placement, default: str) -> str:
        """A free name for an operation's parameters: the official one if it is free."""
        return self._claim(placement, default)

    def _inline(self, schema: dict[str, Any], context: str, where: str) -> str:
        known = self._inline_by_where.get(where) if where else None
        if known is not None:
            return known
        placement = self.official.place("param", where)
        name = self.build(self._claim(placement, class_name(context) + "Param"), schema, where=where, placement=placement).name
        if where:
            self._inline_by_where[where] = name
        return name

    def resolve(self, schema: Any, context: str, where: str = "") -> str:
        ref = self.spec.ref_name(schema)
        if ref is not None:
            target = self.spec.schemas[ref]
            if self.is_object(target):
                return self.dict_for_schema(ref)
            return self.resolve(target, class_name(ref), ref)
        if not isinstance(schema, dict):
            return "Any"
        if ("anyOf" in schema or "oneOf" in schema) and not schema.get("properties"):
            variants, nullable = self.options(schema)
            prop = self.tag_property(schema, variants)
            resolved = []
            for index, variant in enumerate(variants):
                value = self.tag_value(variant, prop) if self.is_object(variant) else None
                suffix = self.variant_suffix(variant, value, index)
                resolved.append(self.resolve(variant, context + suffix, f"{where}|{value if value else index}" if len(variants) > 1 else where))
            types = list(dict.fromkeys(resolved))
            if "Any" in types or not types:
                return "Any"
            inner = types[0] if len(types) == 1 else "Union[" + ", ".join(types) + "]"
            return self._aliased(where, f"Optional[{inner}]" if nullable else inner)
        if "allOf" in schema:
            parts, nullable = self.structural_parts(schema["allOf"])
            if len(parts) == 1:
                inner = self.resolve(parts[0], context, where)
                return f"Optional[{inner}]" if nullable and inner != "Any" else inner
            if self.is_object({"allOf": parts}):
                return self._inline({**schema, "allOf": parts}, context, where)
            return "Any"
        kind = schema.get("type")
        if isinstance(kind, list):
            non_null = [k for k in kind if k != "null"]
            inner = self.resolve({**schema, "type": non_null[0]} if len(non_null) == 1 else {}, context, where)
            return f"Optional[{inner}]" if "null" in kind and inner != "Any" else inner
        if "enum" in schema and kind in ("string", "integer", None):
            values = [v for v in schema["enum"] if v is not None]
            return self._aliased(where, _literal(values)) if values else "str"
        if "const" in schema:
            return _literal([schema["const"]])
        if kind == "string":
            return "FileTypes" if schema.get("format") == "binary" else "str"
        if kind == "integer":
            return "int"
        if kind == "number":
            return "float"
        if kind == "boolean":
            return "bool"
        if kind == "null":
            return "None"
        if kind == "array":
            return self._aliased(where, f"Iterable[{self.resolve(schema.get('items') or {}, singular(context), where + '[]')}]")
        if kind == "object" or "properties" in schema or "additionalProperties" in schema:
            if schema.get("properties"):
                return self._inline(schema, context, where)
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                return self._aliased(where, f"Dict[str, {self.resolve(extra, singular(context), where + '{}')}]")
            return self._aliased(where, "Dict[str, Any]")
        return "Any"
