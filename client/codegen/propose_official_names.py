"""Propose ``official_types.tsv``: where the official SDK puts each type the spec describes.

    python client/codegen/propose_official_names.py ../shared/openapi/openapi.yaml \\
        ../shared/sdk-reference/openai-python-api.md > client/codegen/official_types.tsv

A maintenance tool, run by hand with the official ``openai`` package installed; the generator never
runs it and never imports ``openai``: it reads the table this writes, which is reviewed and
committed like code. Starting from every method ``api.md`` lists, it walks the official type of the
method's answer (and of its parameters) beside the spec's schema for the same operation, field by
field, array item by item and union variant by variant, and writes down, for each schema location
it reaches, the module and name the official SDK gives the type there. Type aliases ``api.md`` lists
(unions, enums) are matched to the named schema with the same variants.

Schema locations are written the way the generator walks them (see ``codegen.models``): a named
schema by its name, ``Owner.field`` for a property, ``[]`` for array items, ``{}`` for map values,
``|tag`` (or ``|index``) for a union variant, ``POST /path>body`` / ``>response`` for unnamed roots.
"""

from __future__ import annotations

import difflib
import importlib
import pathlib
import re
import sys
import typing
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
    __package__ = "codegen"

from codegen.models import _Walker
from codegen.spec import Operation, Spec

_METHOD = re.compile(r'<code title="(?P<verb>\w+) (?P<route>[^"]+)">client\.[\w.]+\.<a[^>]*>\w+</a>\((?P<args>[^)]*)\) -> (?P<result>.*?)</code>')
_LINK = re.compile(r'<a href="\.?/?src/openai/types/(?P<module>[\w/]+)\.py">(?P<text>[^<]*)</a>')
_IMPORTS = re.compile(r"from openai\.types([\w.]*) import (?:\(([^)]*)\)|([^\n]*))")


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin is typing.Union:
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation


def _fields(cls: type) -> dict[str, Any] | None:
    """Wire key -> annotation for an official model or TypedDict class."""
    if hasattr(cls, "model_fields"):
        return {(info.alias or name): info.annotation for name, info in cls.model_fields.items()}
    if hasattr(cls, "__required_keys__"):
        return dict(typing.get_type_hints(cls))
    return None


def _tag(cls: Any, prop: str) -> str | None:
    fields = _fields(cls) if isinstance(cls, type) else None
    if not fields or prop not in fields:
        return None
    annotation = _unwrap(fields[prop])
    if typing.get_origin(annotation) is typing.Literal and len(typing.get_args(annotation)) == 1:
        return str(typing.get_args(annotation)[0])
    return None


class Proposer(_Walker):
    def __init__(self, spec: Spec) -> None:
        super().__init__(spec)
        self.rows: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self.located: dict[tuple[str, str], str] = {}  # (module, name) -> where
        self._seen: set[tuple[str, str, str]] = set()
        self.unions: dict[str, set[str]] = {}  # where -> the locations of its variants
        self.enums: dict[str, set[str]] = {}  # where -> its values

    def record(self, kind: str, where: str, cls: type) -> None:
        module = cls.__module__.removeprefix("openai.types").lstrip(".")
        names = self.rows.setdefault((kind, where), [])
        if (module, cls.__name__) not in names:
            names.append((module, cls.__name__))
        self.located.setdefault((module, cls.__name__), where)

    def walk(self, annotation: Any, schema: Any, where: str, kind: str, depth: int = 0) -> None:
        if depth > 40:
            return
        ref = self.spec.ref_name(schema)
        if ref is not None:
            where, schema = ref, self.spec.schemas[ref]
        if not isinstance(schema, dict):
            return
        annotation = _unwrap(annotation)
        if "allOf" in schema and not schema.get("properties"):
            parts, _ = self.structural_parts(schema["allOf"])
            if len(parts) == 1:
                return self.walk(annotation, parts[0], where, kind, depth + 1)
        if isinstance(schema.get("type"), list):
            non_null = [k for k in schema["type"] if k != "null"]
            if len(non_null) == 1:
                schema = {**schema, "type": non_null[0]}
        values = _enum_values(self.spec, schema)
        if values:
            self.enums[where] = values
        if ("anyOf" in schema or "oneOf" in schema) and not schema.get("properties"):
            return self._union(annotation, schema, where, kind, depth)
        origin = typing.get_origin(annotation)
        if isinstance(annotation, type) and _fields(annotation) is not None:
            if not self.is_object(schema):
                return
            key = (kind, where, annotation.__qualname__ + annotation.__module__)
            if key in self._seen:
                return
            self._seen.add(key)
            self.record(kind, where, annotation)
            props, _ = self.properties(schema)
            for name, inner in (_fields(annotation) or {}).items():
                if name in props:
                    self.walk(inner, props[name], f"{where}.{name}", kind, depth + 1)
        elif origin in (list, typing.List, typing.Iterable, typing.Sequence) or str(origin) in ("<class 'collections.abc.Iterable'>", "<class 'collections.abc.Sequence'>"):
            if schema.get("type") == "array" and typing.get_args(annotation):
                self.walk(typing.get_args(annotation)[0], schema.get("items") or {}, where + "[]", kind, depth + 1)
        elif origin in (dict, typing.Dict):
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and len(typing.get_args(annotation)) == 2:
                self.walk(typing.get_args(annotation)[1], extra, where + "{}", kind, depth + 1)

    def _union(self, annotation: Any, schema: dict[str, Any], where: str, kind: str, depth: int) -> None:
        variants, _ = self.options(schema)
        if len(variants) == 1:
            return self.walk(annotation, variants[0], where, kind, depth + 1)
        members = [_unwrap(a) for a in typing.get_args(annotation)] if typing.get_origin(annotation) is typing.Union else [annotation]
        prop = self.tag_property(schema, variants)
        self.unions[where] = set()
        for index, variant in enumerate(variants):
            value = self.tag_value(variant, prop) if self.is_object(variant) else None
            label = f"{where}|{value if value else index}"
            self.unions[where].add(self.spec.ref_name(variant) or label)
            target = self.spec.deref(variant)
            if value is not None:
                match = [m for m in members if _tag(m, prop) == value]
            elif self.is_object(variant):
                keys = set(self.properties(variant)[0])
                scored = [(len(keys & set(_fields(m) or {})) / max(1, len(keys | set(_fields(m) or {}))), i) for i, m in enumerate(members) if isinstance(m, type) and _fields(m) is not None]
                scored.sort(reverse=True)
                match = [members[scored[0][1]]] if scored and scored[0][0] >= 0.6 else []
            elif isinstance(target, dict) and target.get("type") == "array":
                match = [m for m in members if typing.get_origin(m) in (list, typing.List) or "Iterable" in str(typing.get_origin(m))]
            else:
                match = []
            if match:
                self.walk(match[0], variant, label, kind, depth + 1)


def _official(module: str, *names: str) -> Any:
    try:
        loaded = importlib.import_module(".".join(["openai.types", *filter(None, [module.replace("/", ".")])]))
    except ImportError:
        return None
    for name in names:
        if hasattr(loaded, name):
            return getattr(loaded, name)
    return None


def _pascal(module: str) -> str:
    return "".join(part.capitalize() for part in module.rsplit("/", 1)[-1].split("_"))


def propose(spec_path: str, api_md: str) -> list[tuple[str, str, str, str]]:
    spec = Spec(spec_path)
    proposer = Proposer(spec)
    operations: dict[str, Operation] = {op.key: op for op in spec.operations}
    text = pathlib.Path(api_md).read_text(encoding="utf-8")
    params_rows: list[tuple[str, str, str, str]] = []
    for match in _METHOD.finditer(text):
        key = f"{match['verb'].upper()} {match['route']}"
        op = operations.get(key)
        if op is None:
            continue
        for link in _LINK.finditer(match["args"]):
            module = link["module"]
            params_rows.append(("params", key, module.replace("/", "."), _pascal(module)))
            cls = _official(module, _pascal(module) + "Base", _pascal(module))
            if cls is not None and op.body_schema is not None:
                proposer.walk(cls, op.body_schema, spec.ref_name(op.body_schema) or f"{key}>body", "param")
        result = _LINK.search(match["result"])
        if result is None or op.response_schema is None:
            continue
        name = result["text"]
        paged = re.match(r"\w*Page\[(\w+)\]", name)
        cls = _official(result["module"], paged[1] if paged else name)
        if cls is None:
            continue
        root = spec.ref_name(op.response_schema) or f"{key}>response"
        if paged:
            data = proposer.properties(op.response_schema)[0].get("data") or {}
            proposer.walk(cls, spec.deref(data).get("items") or {}, root + ".data[]", "model")
        else:
            proposer.walk(cls, op.response_schema, root, "model")
    _unreached(spec, proposer, text)
    alias_rows = _aliases(spec, proposer, text)
    rows = [(kind, where, module, name) for (kind, where), names in proposer.rows.items() for module, name in names]
    return sorted(set(rows + params_rows + alias_rows))


def _listed(text: str) -> list[tuple[str, str]]:
    """(package, name) of every type api.md lists."""
    found = []
    for match in _IMPORTS.finditer(text):
        package = match[1].lstrip(".")
        found += [(package, n.strip()) for n in (match[2] or match[3]).replace("\n", ",").split(",") if n.strip()]
    return found


def _unreached(spec: Spec, proposer: Proposer, text: str) -> None:
    """Classes api.md lists that no method's answer reaches (stream events, realtime events, ...):
    the named object schema with the same ``type`` tag and the most fields in common, then walked."""
    reached = {name for names in proposer.rows.values() for _, name in names}
    placed = {where for (_, where) in proposer.rows}
    # A schema the walk placed already is not the match of a class it did not reach (the beta
    # namespace's tool-call delta is not chat's).
    objects = {name: set(proposer.properties(schema)[0]) for name, schema in spec.schemas.items() if proposer.is_object(schema) and name not in placed}
    for package, name in _listed(text):
        cls = _official(package.replace(".", "/"), name, name + "Param")
        if not isinstance(cls, type) or _fields(cls) is None or cls.__name__ in reached:
            continue
        keys = set(_fields(cls) or {})
        tag = _tag(cls, "type")
        best: tuple[float, str] | None = None
        for schema_name, props in objects.items():
            if tag is not None and proposer.tag_value(spec.schemas[schema_name], "type") != tag:
                continue
            score = len(keys & props) / max(1, len(keys | props))
            if name.startswith("Beta") == schema_name.startswith("Beta"):
                score += 0.05  # the beta namespace's twin of a schema, not the schema
            if schema_name.lower() == name.lower().removesuffix("param"):
                score += 0.5
            if score >= 0.6 and (best is None or score > best[0]):
                best = (score, schema_name)
        if best is not None:
            kind = "param" if hasattr(cls, "__required_keys__") else "model"
            proposer.walk(cls, {"$ref": f"#/components/schemas/{best[1]}"}, best[1], kind)


def _aliases(spec: Spec, proposer: Proposer, text: str) -> list[tuple[str, str, str, str]]:
    """Type aliases api.md lists (unions and enums), matched to the named schema of the same shape:
    a union to the one whose variants are the schemas of its members, an enum by its values."""
    rows = []
    for package, name in _listed(text):
        module = package.replace(".", "/")
        real = name if _official(module, name) is not None else name + "Param"
        official = _official(module, real)
        if official is None or isinstance(official, type):
            continue
        kind = "param_alias" if real.endswith("Param") else "alias"
        schema_name = _alias_schema(spec, proposer, _unwrap(official), real)
        if schema_name:
            rows.append((kind, schema_name, package, real))
            if schema_name in spec.schemas:
                # The union's variants that only it names (the assistant stream's ThreadRunCreated, ...).
                proposer.walk(official, {"$ref": f"#/components/schemas/{schema_name}"}, schema_name, "param" if kind == "param_alias" else "model")
    return rows


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio()


def _alias_schema(spec: Spec, proposer: Proposer, official: Any, name: str) -> str | None:
    base = name.removesuffix("Param")
    origin = typing.get_origin(official)
    members = list(typing.get_args(official)) if origin is typing.Union else [official]
    literal_values = {str(v) for m in members if typing.get_origin(m) is typing.Literal for v in typing.get_args(m)}
    if literal_values and all(typing.get_origin(m) is typing.Literal or m is str for m in members):
        scored = []
        named = [(schema_name, _enum_values(spec, schema)) for schema_name, schema in spec.schemas.items()]
        for schema_name, values in named + sorted(proposer.enums.items()):
            if values:
                overlap = len(values & literal_values) / len(values | literal_values)
                scored.append((overlap + 0.2 * _similar(schema_name, base), overlap, schema_name))
        scored.sort(reverse=True)
        return scored[0][2] if scored and scored[0][1] >= 0.7 else None
    wanted = set()
    for member in members:
        member = _unwrap(member)
        if isinstance(member, type):
            location = proposer.located.get((member.__module__.removeprefix("openai.types").lstrip("."), member.__name__))
            if location:
                wanted.add(location)
    if not wanted:
        return base if base in spec.schemas else None
    scored = []
    for schema_name, schema in spec.schemas.items():
        if not isinstance(schema, dict) or not ("anyOf" in schema or "oneOf" in schema) or schema.get("properties"):
            continue
        variants, _ = proposer.options(schema)
        prop = proposer.tag_property(schema, variants)
        have = set()
        for index, variant in enumerate(variants):
            ref = spec.ref_name(variant)
            value = proposer.tag_value(variant, prop) if proposer.is_object(variant) else None
            have.add(ref or f"{schema_name}|{value if value else index}")
        overlap = len(have & wanted) / len(have | wanted)
        scored.append((overlap + 0.2 * _similar(schema_name, base), overlap, schema_name))
    for where, have in sorted(proposer.unions.items()):
        overlap = len(have & wanted) / len(have | wanted)
        scored.append((overlap, overlap, where))
    scored.sort(reverse=True)
    return scored[0][2] if scored and scored[0][1] >= 0.6 else None


def _enum_values(spec: Spec, schema: Any, depth: int = 0) -> set[str]:
    schema = spec.deref(schema)
    if not isinstance(schema, dict) or depth > 4:
        return set()
    values = {str(v) for v in schema.get("enum") or [] if v is not None}
    for variant in schema.get("anyOf") or schema.get("oneOf") or []:
        values |= _enum_values(spec, variant, depth + 1)
    return values


def main() -> int:
    rows = propose(sys.argv[1], sys.argv[2])
    print("# Where the official SDK puts each type: kind, schema location, module under types/, name.")
    print("# Proposed by client/codegen/propose_official_names.py, then reviewed; the generator reads it.")
    for row in rows:
        print("\t".join(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
