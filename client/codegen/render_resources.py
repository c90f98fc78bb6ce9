"""Writing ``resources/``: one module per top-level resource with a class per resource path, the
operation table the methods call into, and the client mixin that exposes the resources."""

from __future__ import annotations

import re
from collections import defaultdict

from .config import RESOURCE_BASES
from .naming import class_name
from .operations import OpInfo
from .render_types import HEADER

__all__ = ["render_client_mixin", "render_operations", "render_resource_module"]

_NAME = re.compile(r"\b[A-Z][A-Za-z0-9_]*\b")
_KNOWN = {"Literal", "Any", "None", "Stream", "BinaryResponse", "CursorPage", "NextCursorPage", "PageNumberPage", "SyncPage", "True", "False"}


def _summary(text: str) -> str:
    first = text.split("\n\n", 1)[0].replace("\n", " ").strip().replace("\\", "\\\\").replace('"""', "'''")
    first = re.sub(r"\*\*|`", "", first)
    return first[:400] or "Call the operation."


def _factory(expression: str | None) -> str:
    return "None" if expression is None else f"lambda: {expression}"


def render_operations(infos: list[OpInfo], webhook_event: tuple[str, str | None] = ("Any", None)) -> str:
    lines = [
        HEADER.rstrip("\n"),
        '"""Every operation of the API, as the generated methods call it."""',
        "",
        "from __future__ import annotations",
        "",
        "from typing import Any",
        "",
        "from .._models import by_json_type, by_required_fields, dict_of, generic_object, list_of, union_of",
        "from .._operation import Operation",
        "from ..types._ref import ref",
        "",
        "_ = (by_json_type, by_required_fields, dict_of, generic_object, list_of, union_of, ref)  # used by the converter factories",
        "",
    ]
    for info in sorted(infos, key=lambda i: i.const):
        op = info.op
        args = [repr(op.method.upper()), repr(op.path)]
        if info.path_params:
            args.append(f"path_params={tuple(p.python_name for p in info.path_params)!r}")
        if info.query:
            args.append(f"query={info.query!r}")
        if info.headers:
            args.append(f"headers={info.headers!r}")
        if op.body_kind:
            args.append(f"body={op.body_kind!r}")
        if info.files:
            args.append(f"files={tuple(info.files)!r}")
        args.append(f"response={info.response!r}")
        if info.page:
            args.append(f"page={info.page!r}")
        if info.item_factory:
            args.append(f"item={_factory(info.item_factory)}")
        if info.stream_factory:
            args.append(f"stream_item={_factory(info.stream_factory)}")
        lines.append(f"{info.const} = Operation({', '.join(args)})")
    lines.append("")
    lines.append(f"# The events a webhook may deliver ({webhook_event[0]}).")
    if webhook_event[1] is None:
        lines.append("WEBHOOK_EVENT = None")
    else:
        lines += ["", "", "def WEBHOOK_EVENT() -> Any:", f"    return {webhook_event[1]}"]
    return "\n".join(lines) + "\n"


def _class(resource: str) -> str:
    return class_name(resource.replace(".", "_"))


def render_resource_module(top: str, infos: list[OpInfo], children: dict[str, list[str]], class_locations: dict[str, str], param_locations: dict[str, str]) -> str:
    resources = sorted({top} | {r for r in children if r == top or r.startswith(top + ".")} | {i.resource for i in infos}, key=lambda r: (r.count("."), r))
    by_resource: dict[str, list[OpInfo]] = defaultdict(list)
    for info in infos:
        by_resource[info.resource].append(info)
    type_names: set[str] = set()
    param_names: set[str] = set()
    uses = set()
    for info in infos:
        for expression in (info.return_type, info.stream_type or ""):
            type_names.update(n for n in _NAME.findall(expression) if n not in _KNOWN)
        for kind in ("Stream", "BinaryResponse", "CursorPage", "NextCursorPage", "PageNumberPage", "SyncPage"):
            if re.search(rf"\b{kind}\b", info.return_type) or (kind == "Stream" and info.stream_type):
                uses.add(kind)
        if info.params_name:
            param_names.add(info.params_name)
    helpers = sorted({base for r in resources for base in RESOURCE_BASES.get(r, [])})
    lines = [
        HEADER.rstrip("\n"),
        f'"""``client.{top}``."""',
        "",
        "from __future__ import annotations",
        "",
        "from functools import cached_property",
        "from typing import TYPE_CHECKING, Any, Literal, overload",
        "",
    ]
    if helpers:
        lines.append("from .._helpers import " + ", ".join(helpers))
    lines += [
        "from .._operation import call",
        "from .._resource import SyncAPIResource, to_raw_response_wrapper, to_streamed_response_wrapper",
        "from . import _operations as ops",
        "",
        "if TYPE_CHECKING:",
        "    from typing_extensions import Unpack",
        "",
        "    from .._options import RequestOptions",
    ]
    if "Stream" in uses:
        lines.append("    from .._streaming import Stream")
    if "BinaryResponse" in uses:
        lines.append("    from .._binary import BinaryResponse")
    pages = sorted(uses & {"CursorPage", "NextCursorPage", "PageNumberPage", "SyncPage"})
    if pages:
        lines.append("    from .._pagination import " + ", ".join(pages))
    grouped: dict[str, set[str]] = defaultdict(set)
    resource_classes = {_class(r) for r in resources}
    renamed = {name: f"{name}Model" for name in type_names if name in resource_classes}
    for name in type_names:
        if name in class_locations:
            grouped[class_locations[name]].add(f"{name} as {renamed[name]}" if name in renamed else name)
    for name in param_names:
        grouped[param_locations[name]].add(name)
    for module in sorted(grouped):
        lines.append(f"    from ..types.{module} import " + ", ".join(sorted(grouped[module])))
    if renamed:
        # A type with the name of a resource class is imported under another name.
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, renamed)) + r")\b")
        for info in infos:
            info.return_type = pattern.sub(lambda m: renamed[m.group(1)], info.return_type)
            if info.stream_type:
                info.stream_type = pattern.sub(lambda m: renamed[m.group(1)], info.stream_type)
    for info in sorted(infos, key=lambda i: i.const):
        if info.params_name:
            lines.append("")
            lines.append(f"    class _{info.const}_ARGS({info.params_name}, RequestOptions, total=False): ...")
    lines.append("")
    lines.append("__all__ = [" + ", ".join(f'"{_class(r)}"' for r in resources) + "]")
    lines.append("")
    lines.append("_ = (Any, Literal, overload)")
    for resource in resources:
        lines += _resource_class(resource, by_resource.get(resource, []), list(children.get(resource, [])))
    return "\n".join(lines) + "\n"


def _args_annotation(info: OpInfo) -> str:
    return f"Unpack[_{info.const}_ARGS]" if info.params_name else "Unpack[RequestOptions]"


def _method(info: OpInfo) -> list[str]:
    positional = []
    keyword = []
    values = []
    if info.path_params:
        *leading, last = info.path_params
        positional.append(f"{last.python_name}: str")
        keyword.extend(f"{p.python_name}: str" for p in leading)
        values = [f'"{p.python_name}": {p.python_name}' for p in info.path_params]
    kwargs = f"**kwargs: {_args_annotation(info)}"
    path_values = "{" + ", ".join(values) + "}"
    doc = f'        """{_summary(info.op.summary)}"""'
    deprecated = ["        # Deprecated by the API."] if info.op.deprecated else []
    if info.stream_type:
        stream_type = f"Stream[{info.stream_type}]"
        lines = []
        for stream_annotation, result in (
            ("Literal[True]", stream_type),
            ("Literal[False] | None = None", info.return_type),
            ("bool", f"{info.return_type} | {stream_type}"),
        ):
            params = ", ".join(["self", *positional, "*", *keyword, f"stream: {stream_annotation}", kwargs])
            lines += ["", "    @overload", f"    def {info.method_name}({params}) -> {result}: ..."]
        params = ", ".join(["self", *positional, "*", *keyword, "stream: bool | None = None", kwargs])
        lines += [
            "",
            f"    def {info.method_name}({params}) -> {info.return_type} | {stream_type}:",
            doc,
            *deprecated,
            f"        return call(self._client, ops.{info.const}, {path_values}, kwargs, stream=stream)  # type: ignore[no-any-return]",
        ]
        return lines
    star = ["*"] if keyword else []
    params = ", ".join(["self", *positional, *star, *keyword, kwargs])
    return [
        "",
        f"    def {info.method_name}({params}) -> {info.return_type}:",
        doc,
        *deprecated,
        f"        return call(self._client, ops.{info.const}, {path_values}, kwargs)  # type: ignore[no-any-return]",
    ]


def _resource_class(resource: str, infos: list[OpInfo], children: list[str]) -> list[str]:
    name = _class(resource)
    bases = ", ".join([*RESOURCE_BASES.get(resource, []), "SyncAPIResource"])
    lines = ["", "", f"class {name}({bases}):", f'    """``client.{resource}``."""']
    for child in sorted(children):
        attribute = child.rsplit(".", 1)[-1]
        lines += ["", "    @cached_property", f"    def {attribute}(self) -> {_class(child)}:", f"        return {_class(child)}(self._client)"]
    for info in sorted(infos, key=lambda i: i.method_name):
        lines += _method(info)
    for kind in ("WithRawResponse", "WithStreamingResponse"):
        attribute = "with_raw_response" if kind == "WithRawResponse" else "with_streaming_response"
        lines += ["", "    @cached_property", f"    def {attribute}(self) -> {name}{kind}:", f"        return {name}{kind}(self)"]
    for kind, wrapper in (("WithRawResponse", "to_raw_response_wrapper"), ("WithStreamingResponse", "to_streamed_response_wrapper")):
        attribute = "with_raw_response" if kind == "WithRawResponse" else "with_streaming_response"
        lines += ["", "", f"class {name}{kind}:", f"    def __init__(self, resource: {name}) -> None:", "        self._resource = resource"]
        for info in sorted(infos, key=lambda i: i.method_name):
            lines.append(f"        self.{info.method_name} = {wrapper}(resource.{info.method_name})")
        for child in sorted(children):
            attribute_name = child.rsplit(".", 1)[-1]
            lines += ["", "    @property", f"    def {attribute_name}(self) -> {_class(child)}{kind}:", f"        return self._resource.{attribute_name}.{attribute}"]
    return lines


def render_client_mixin(tops: list[str]) -> str:
    lines = [
        HEADER.rstrip("\n"),
        '"""API resources, one module per top-level resource, each imported on first use."""',
        "",
        "from __future__ import annotations",
        "",
        "from functools import cached_property",
        "from typing import TYPE_CHECKING, Any",
        "",
        "if TYPE_CHECKING:",
    ]
    for top in sorted(tops):
        lines.append(f"    from .{top} import {_class(top)}")
    lines += ["", '__all__ = ["ResourcesMixin"]', "", "", "class ResourcesMixin:", '    """The top-level resources of the client (``client.chat``, ``client.files``, ...)."""']
    for top in sorted(tops):
        lines += [
            "",
            "    @cached_property",
            f"    def {top}(self) -> {_class(top)}:",
            f"        from .{top} import {_class(top)}",
            "",
            "        client: Any = self",
            f"        return {_class(top)}(client)",
        ]
    return "\n".join(lines) + "\n"
