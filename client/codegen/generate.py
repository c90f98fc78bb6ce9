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

if __package__ in (None, ""):
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
    __package__ = "codegen"

from codegen.models import ModelBuilder, ParamBuilder
from codegen.operations import OpInfo, analyze
from codegen.render_harness import render_harness_spec
from codegen.render_resources import render_client_mixin, render_operations, render_resource_module
from codegen.render_types import HEADER, assign_groups, render_class_module, render_init, render_params_module, render_registry
from codegen.spec import Spec

_NAME = re.compile(r"\b[A-Z][A-Za-z0-9_]*\b")
DEFAULT_OUT = pathlib.Path(__file__).resolve().parents[1] / "src" / "openai_urllib3"
DEFAULT_HARNESS_OUT = pathlib.Path(__file__).resolve().parents[2] / "harness" / "src" / "openai_harness" / "server" / "_spec.json"


def _top(resource: str) -> str:
    return resource.split(".", 1)[0]


def _assign_params(params: ParamBuilder, infos: list[OpInfo]) -> dict[str, str]:
    roots: dict[str, set[str]] = defaultdict(set)
    for info in infos:
        if info.params_name:
            roots[_top(info.resource)].add(info.params_name)
    reached: dict[str, set[str]] = defaultdict(set)
    for group, names in roots.items():
        stack = list(names)
        while stack:
            name = stack.pop()
            if name not in params.dicts or group in reached[name]:
                continue
            reached[name].add(group)
            for _, type_expr, _, _ in params.dicts[name].fields:
                stack.extend(n for n in _NAME.findall(type_expr) if n in params.dicts)
    locations = {}
    counts: dict[str, int] = defaultdict(int)
    for name in params.dicts:
        groups = reached.get(name) or {"shared"}
        group = next(iter(groups)) if len(groups) == 1 else "shared"
        index = counts[group]
        counts[group] += 1
        chunk = index // 150
        locations[name] = f"{group}_params" + (f"_{chunk + 1}" if chunk else "")
    return locations


def generate(spec_path: str | pathlib.Path, out: pathlib.Path, harness_out: pathlib.Path | None = None) -> list[pathlib.Path]:
    spec = Spec(spec_path)
    models = ModelBuilder(spec)
    params = ParamBuilder(spec)
    infos = analyze(spec, models, params)
    webhook_types = []
    for hook in (spec.data.get("webhooks") or {}).values():
        for operation in hook.values():
            schema = (((operation.get("requestBody") or {}).get("content") or {}).get("application/json") or {}).get("schema")
            if schema is not None:
                webhook_types.append(schema)
    webhook_event = models.resolve({"oneOf": webhook_types, "discriminator": {"propertyName": "type"}}, "WebhookEvent") if webhook_types else ("Any", None)
    roots: dict[str, list[str]] = defaultdict(list)
    roots["webhooks"].extend(n for n in _NAME.findall(webhook_event[0]) if n in models.classes)
    for info in infos:
        for expression in (info.return_type, info.stream_type or ""):
            roots[_top(info.resource)].extend(n for n in _NAME.findall(expression) if n in models.classes)
    class_locations = assign_groups(models, dict(roots))
    param_locations = _assign_params(params, infos)
    files: dict[pathlib.Path, str] = {}
    types_dir = out / "types"
    by_module: dict[str, list] = defaultdict(list)
    for name, definition in models.classes.items():
        by_module[class_locations[name]].append(definition)
    for module, classes in by_module.items():
        files[types_dir / f"{module}.py"] = render_class_module(module, classes, class_locations)
    params_by_module: dict[str, list] = defaultdict(list)
    for name, definition in params.dicts.items():
        params_by_module[param_locations[name]].append(definition)
    for module, dicts in params_by_module.items():
        files[types_dir / f"{module}.py"] = render_params_module(module, dicts, param_locations)
    files[types_dir / "_registry.py"] = render_registry(class_locations)
    files[types_dir / "__init__.py"] = render_init(class_locations, param_locations.items())
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
    tops = sorted({_top(resource) for resource in all_resources})
    for top in tops:
        top_infos = [info for info in infos if _top(info.resource) == top]
        files[resources_dir / f"{top}.py"] = render_resource_module(top, top_infos, dict(children), class_locations, param_locations)
    files[resources_dir / "_operations.py"] = render_operations(infos, webhook_event)
    files[resources_dir / "__init__.py"] = render_client_mixin(tops)
    for directory in (types_dir, resources_dir):
        directory.mkdir(parents=True, exist_ok=True)
        for existing in directory.rglob("*.py"):
            if existing not in files and existing.read_text(encoding="utf-8").startswith(HEADER):
                existing.unlink()
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
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
