"""Generate the client's ``types/`` and ``resources/`` from the OpenAPI spec.

    python client/codegen/generate.py ../shared/openapi/openapi.yaml [--out client/src/openai_urllib3]

Every file it writes starts with a "Generated" line; files with that line that it no longer
writes are removed, so the output always matches the spec exactly.
"""

from __future__ import annotations

import argparse
import pathlib
import re
import sys
from collections import defaultdict
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
    __package__ = "codegen"

from codegen.config import DERIVED_PACKAGES, EVENT_UNIONS, HELPER_TYPES
from codegen.local_names import display_names
from codegen.models import AliasDef, ModelBuilder, ParamBuilder, snake
from codegen.naming import top_resource
from codegen.official import Official, module_owns
from codegen.operations import OpInfo, analyze
from codegen.render_harness import render_harness_spec
from codegen.render_resources import render_client_mixin, render_operations, render_resource_module
from codegen.render_types import (
    HEADER,
    ModuleContent,
    qualify_refs,
    render_index,
    render_module,
    render_package,
    render_reexport,
    render_ref_module,
)
from codegen.spec import Spec

_NAME = re.compile(r"\b[A-Z][A-Za-z0-9_]*\b")
_REF = re.compile(r'ref\("(\w+)"\)')
DEFAULT_OUT = pathlib.Path(__file__).resolve().parents[1] / "src" / "openai_urllib3"
DEFAULT_HARNESS_OUT = pathlib.Path(__file__).resolve().parents[2] / "harness" / "src" / "openai_harness" / "server" / "_spec.json"


def _reach(roots: dict[str, set[str]], edges: dict[str, set[str]]) -> dict[str, str]:
    """Type -> the resource whose operations reach it, ``shared`` when several do."""
    reached: dict[str, set[str]] = defaultdict(set)
    for group, names in roots.items():
        stack = list(names)
        while stack:
            name = stack.pop()
            if name not in edges or group in reached[name]:
                continue
            reached[name].add(group)
            stack.extend(edges[name])
    return {name: next(iter(groups)) if len(groups) == 1 else "shared" for name, groups in reached.items()}


def _modules(defs: dict[str, Any], groups: dict[str, str], shared_package: str, preferred: dict[str, list[str]]) -> dict[str, str]:
    """Type -> its module: the official SDK's, else the module the official SDK nests it in (the
    assistant stream's events beside ``AssistantStreamEvent``), else ``<package>.<snake name>`` for
    a type of its own, else its owner's."""
    modules: dict[str, str] = {}
    for name, definition in defs.items():
        if definition.module:
            modules[name] = definition.module
        elif definition.owner == name and definition.aliases:
            modules[name] = definition.aliases[0][0]
        elif definition.owner == name:
            group = groups.get(name, "shared")
            package = shared_package if group == "shared" else DERIVED_PACKAGES.get(group, group)
            # Named as the type would be alone: a numbered key is only the generator's.
            modules[name] = ".".join(filter(None, [package, snake(preferred.get(name, [name])[-1])]))
    def module_of(owner: str) -> str | None:
        # ``@module``: built inside a listed union, whose module holds it (see ``ModelBuilder.listed``).
        return owner[1:] if owner.startswith("@") else modules.get(owner)

    for name, definition in defs.items():
        owner, hops = definition.owner, 0
        while module_of(owner) is None and hops < 50:
            owner, hops = defs[owner].owner, hops + 1
        modules.setdefault(name, module_of(owner) or shared_package)
    return modules


def _types_files(
    models: ModelBuilder,
    params: ParamBuilder,
    infos: list[OpInfo],
    event_roots: dict[str, list[str]],
    listed_roots: tuple[dict[str, set[str]], dict[str, set[str]]],
    types_dir: pathlib.Path,
) -> tuple[dict[pathlib.Path, str], dict[str, str]]:
    """The files of ``types/`` and every type's module (name -> dotted module under ``types``);
    ``event_roots`` are the type expressions of event unions, by the group that holds them;
    ``listed_roots`` the types built because the official SDK lists them (models, params), by the
    package it lists them in, which holds what no operation reaches."""
    model_roots: dict[str, set[str]] = defaultdict(set)
    param_roots: dict[str, set[str]] = defaultdict(set)
    for group, expressions in event_roots.items():
        for expression in expressions:
            model_roots[group].update(_NAME.findall(expression))
    for info in infos:
        for expression in (info.return_type, info.stream_type or ""):
            model_roots[top_resource(info.resource)].update(_NAME.findall(expression))
        if info.params_name:
            param_roots[top_resource(info.resource)].add(info.params_name)
    model_edges = {name: set(_REF.findall(" ".join(f.converter or "" for f in c.fields))) for name, c in models.classes.items()}
    param_edges = {name: {n for _, t, _, _ in d.fields for n in _NAME.findall(t)} for name, d in params.dicts.items()}
    for name, alias in models.aliases.items():
        (param_edges if name.endswith("Param") else model_edges)[name] = set(_NAME.findall(alias.type_expr))
    for roots, edges in ((model_roots, model_edges), (param_roots, param_edges), *zip(listed_roots, (model_edges, param_edges))):
        for group in roots:
            roots[group] = {n for name in roots[group] for n in [name, *sorted(edges.get(name, ()))]}
    model_groups = {**_reach(listed_roots[0], model_edges), **_reach(model_roots, model_edges)}
    param_groups = {**_reach(listed_roots[1], param_edges), **_reach(param_roots, param_edges)}
    preferred = {**models.preferred, **params.preferred}
    locations = _modules(models.classes, model_groups, "shared", preferred)
    locations.update(_modules(params.dicts, param_groups, "shared_params", preferred))
    for alias in models.aliases.values():
        locations[alias.name] = alias.module
    contents: dict[str, ModuleContent] = defaultdict(ModuleContent)
    for name, definition in models.classes.items():
        contents[locations[name]].classes.append(definition)
    for name, typed in params.dicts.items():
        contents[locations[name]].dicts.append(typed)
    for alias in models.aliases.values():
        contents[alias.module].aliases.append(alias)
    for definition in [*models.classes.values(), *params.dicts.values()]:
        for module, official_name in definition.aliases:
            if official_name not in locations or locations[official_name] != module:
                contents[module].other_names.setdefault(official_name, definition.name)
    display = _display_names(contents, preferred)
    paths = {key: f"{module}:{display.get(key, key)}" for key, module in locations.items()}
    packages = {""}
    for module in contents:
        parts = module.split(".")
        packages.update(".".join(parts[:depth]) for depth in range(1, len(parts)))
    clash = sorted(packages & set(contents))
    if clash:
        raise SystemExit(f"modules that are also packages: {clash}")
    exports: dict[str, dict[str, str]] = {package: {} for package in packages}
    index: dict[str, str] = {}
    # A name two modules of a package define is the package's for the type that is called by it
    # everywhere (the official one), not for one that is called by it only in its own module.
    for rank in (0, 1):
        for module, content in sorted(contents.items()):
            package = module.rpartition(".")[0]
            for key in [*(c.name for c in content.classes), *(d.name for d in content.dicts), *(a.name for a in content.aliases)]:
                if (display.get(key, key) != key) == bool(rank):
                    exports[package].setdefault(display.get(key, key), paths[key])
                    index.setdefault(display.get(key, key), paths[key])
            if rank == 0:
                for name, target in content.other_names.items():
                    if module_owns(module, name):
                        exports[package].setdefault(name, paths[target])
    for module, (_source, names) in HELPER_TYPES.items():
        exports[module.rpartition(".")[0]].update({name: f"{module}:{name}" for name in names})
    for name, path in exports.get("shared", {}).items():
        exports[""].setdefault(name, path)  # the official SDK's shared types are importable from ``types``
    files = {types_dir / (module.replace(".", "/") + ".py"): render_module(module, content, locations, display) for module, content in contents.items()}
    for package, names in exports.items():
        directory = types_dir / package.replace(".", "/") if package else types_dir
        files[directory / "__init__.py"] = render_package(package, names, index="_index" if not package else None)
    files[types_dir / "_index.py"] = render_index(index)
    files[types_dir / "_ref.py"] = render_ref_module()
    for module, (source, names) in HELPER_TYPES.items():
        files[types_dir / (module.replace(".", "/") + ".py")] = render_reexport(module, source, names)
    return files, paths


def _display_names(contents: dict[str, ModuleContent], preferred: dict[str, list[str]]) -> dict[str, str]:
    """Key -> the name its module defines it under (see ``local_names``)."""
    defined = {module: [*(a.name for a in content.aliases), *(c.name for c in content.classes), *(d.name for d in content.dicts)] for module, content in contents.items()}
    reserved = {module: dict(content.other_names) for module, content in contents.items()}
    return display_names(defined, preferred, {}, reserved)


def _build_listed(spec: Spec, official: Official, models: ModelBuilder, params: ParamBuilder) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Types the official SDK lists that no operation reaches (stream and realtime events, enums):
    built from their named schemas so they import as they do there. Answers the names built, by
    the package the SDK lists them in (models, params)."""
    roots: tuple[dict[str, set[str]], dict[str, set[str]]] = (defaultdict(set), defaultdict(set))
    for kind, builder, side in (("model", models, 0), ("alias", models, 0), ("param", params, 1), ("param_alias", params, 1)):
        for where in official.named_schemas(kind):
            variants = official.union_of(spec.schemas, where)
            if where not in spec.schemas and not variants:
                continue
            schema = {"oneOf": variants, "discriminator": {"propertyName": "type"}} if variants else {"$ref": f"#/components/schemas/{where}"}
            if kind.endswith("alias"):
                package, name = official.alias(kind, where) or ("", "")
                built = builder.listed(schema, where, ".".join(filter(None, [package, snake(name)])))
            else:
                package = (official.place(kind, where).module or "").rpartition(".")[0]
                built = builder.resolve(schema, where, where)
            expression = built[0] if isinstance(built, tuple) else built
            roots[side][package].update(_NAME.findall(expression))
    return roots


def generate(spec_path: str | pathlib.Path, out: pathlib.Path, harness_out: pathlib.Path | None = None) -> list[pathlib.Path]:
    spec = Spec(spec_path)
    official = Official()
    taken: set[str] = set()
    aliases: dict[str, AliasDef] = {}  # shared: an enum is one alias for responses and requests
    models = ModelBuilder(spec, official, taken, aliases)
    params = ParamBuilder(spec, official, taken, aliases)
    infos = analyze(spec, models, params)
    listed_roots = _build_listed(spec, official, models, params)
    webhook_types = []
    for hook in (spec.data.get("webhooks") or {}).values():
        for operation in hook.values():
            schema = (((operation.get("requestBody") or {}).get("content") or {}).get("application/json") or {}).get("schema")
            if schema is not None:
                webhook_types.append(schema)
    webhook_event = models.resolve({"oneOf": webhook_types, "discriminator": {"propertyName": "type"}}, "WebhookEvent", "webhooks>event") if webhook_types else ("Any", None)
    events: dict[str, tuple[str, str | None]] = {"WEBHOOK_EVENT": webhook_event}
    event_roots: dict[str, list[str]] = {"webhooks": [webhook_event[0]]}
    for const, (group, schema) in EVENT_UNIONS.items():
        events[const] = models.resolve({"$ref": f"#/components/schemas/{schema}"}, schema, schema)
        event_roots.setdefault(group, []).append(events[const][0])
    types_dir = out / "types"
    files, paths = _types_files(models, params, infos, event_roots, listed_roots, types_dir)
    for info in infos:
        info.item_factory = info.item_factory and qualify_refs(info.item_factory, paths)
        info.stream_factory = info.stream_factory and qualify_refs(info.stream_factory, paths)
    events = {const: (expression, converter and qualify_refs(converter, paths)) for const, (expression, converter) in events.items()}
    resources_dir = out / "resources"
    children: dict[str, list[str]] = defaultdict(list)
    all_resources = {info.resource for info in infos}
    for resource in list(all_resources):
        parts = resource.split(".")
        for depth in range(1, len(parts)):
            all_resources.add(".".join(parts[:depth]))
    for resource in all_resources:
        if "." in resource:
            children[resource.rsplit(".", 1)[0]].append(resource)
    methods = {(info.resource, info.method_name) for info in infos}
    for resource in all_resources:
        if "." in resource and (resource.rsplit(".", 1)[0], resource.rsplit(".", 1)[1]) in methods:
            raise SystemExit(f"{resource} is both a method and a resource")
    tops = sorted({top_resource(resource) for resource in all_resources})
    for top in tops:
        top_infos = [info for info in infos if top_resource(info.resource) == top]
        files[resources_dir / f"{top}.py"] = render_resource_module(top, top_infos, dict(children), paths)
    files[resources_dir / "_operations.py"] = render_operations(infos, events)
    files[resources_dir / "__init__.py"] = render_client_mixin(tops)
    for directory in (types_dir, resources_dir):
        directory.mkdir(parents=True, exist_ok=True)
        for existing in directory.rglob("*.py"):
            if existing not in files and existing.read_text(encoding="utf-8").startswith(HEADER):
                existing.unlink()
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for directory in sorted(types_dir.rglob("*"), reverse=True):
        if directory.is_dir() and not any(directory.iterdir()):
            directory.rmdir()
    if harness_out is not None:
        harness_out.write_text(render_harness_spec(spec, infos), encoding="utf-8")
    return sorted(files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("spec", help="path to openapi.yaml (e.g. ../shared/openapi/openapi.yaml)")
    parser.add_argument("--out", type=pathlib.Path, default=DEFAULT_OUT, help="the openai_urllib3 package directory to write into")
    parser.add_argument("--harness-out", type=pathlib.Path, default=DEFAULT_HARNESS_OUT, help="where to write the mock server's reduced spec (JSON)")
    args = parser.parse_args(argv)
    written = generate(args.spec, args.out, args.harness_out)
    print(f"wrote {len(written)} files under {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
