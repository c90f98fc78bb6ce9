"""Writing ``resources/``: one module per top-level resource with a class per resource path, the
operation table the methods call into, and the client mixin that exposes the resources."""

from __future__ import annotations

import re
import textwrap
from collections import defaultdict

from .config import RESOURCE_BASES
from .local_names import import_names, rename
from .naming import class_name, top_resource
from .operations import OpInfo
from .render_types import HEADER
from .wrap import WIDTH, import_line, wrap

__all__ = ["render_client_mixin", "render_operations", "render_resource_module"]

_NAME = re.compile(r"\b[A-Z][A-Za-z0-9_]*\b")
_KNOWN = {"Literal", "Any", "None", "Stream", "BinaryResponse", "CursorPage", "NextCursorPage", "PageNumberPage", "SyncPage", "True", "False"}


def _summary(text: str) -> str:
    first = text.split("\n\n", 1)[0].replace("\n", " ").strip().replace("\\", "\\\\").replace('"""', "'''")
    first = re.sub(r"\*\*|`", "", first)
    return first[:400] or "Call the operation."


def _factory(expression: str | None) -> str:
    return "None" if expression is None else f"lambda: {expression}"


_CONVERTER_HELPERS = ("by_json_type", "by_required_fields", "dict_of", "generic_object", "list_of", "union_of")


def _operation_line(info: OpInfo) -> list[str]:
    """The operation's constant, typed by what it answers and what it streams."""
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
    if any("AdminApiKeyAuth" in requirement for requirement in op.raw.get("security") or ()):
        args.append("admin=True")  # sent with the client's admin_api_key, as the official SDK does
    return wrap(f"{info.const}: Operation[{info.return_type}, {info.stream_type or 'None'}] = Operation({', '.join(args)})")


def render_operations(infos: list[OpInfo], events: dict[str, tuple[str, str | None]] | None = None) -> str:
    """The index of every operation by its constant's name, each found in its resource's module
    when first asked for (tools and tests look operations up by name; a method uses its own
    module's), and the converters of the event unions read off other channels (webhook deliveries,
    Realtime events)."""
    events = events or {"WEBHOOK_EVENT": ("Any", None)}
    converters = " ".join(converter for _, converter in events.values() if converter)
    lines = [
        HEADER.rstrip("\n"),
        '"""Where each operation is defined (``FILES_CREATE`` -> ``resources/files.py``), and the events a webhook or a Realtime session may deliver."""',
        "",
        "from __future__ import annotations",
        "",
        "import importlib",
        "from typing import Any",
        "",
    ]
    if converters:
        lines += [*(f"from .._models import {h}" for h in _CONVERTER_HELPERS if h + "(" in converters), "from ..types._ref import ref", ""]
    lines.append("MODULES: dict[str, str] = {")
    lines.extend(f'    "{info.const}": "{top_resource(info.resource)}",' for info in sorted(infos, key=lambda i: i.const))
    lines += ["}", "", "", "def __getattr__(name: str) -> Any:", "    module = MODULES.get(name)", "    if module is None:"]
    lines += ['        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")', '    return getattr(importlib.import_module(f"{__package__}.{module}"), name)']
    for const, (_expression, converter) in sorted(events.items()):
        what = "a webhook may deliver: a union over the spec's webhooks" if const == "WEBHOOK_EVENT" else f"of ``{const}`` (a Realtime session's)"
        lines += ["", "", f"# The events {what}, by their ``type``."]
        if converter is None:
            lines.append(f"{const} = None")
        else:
            lines += [f"def {const}() -> Any:", *wrap(f"return {converter}", "    ")]
    return "\n".join(lines) + "\n"


def _class(resource: str) -> str:
    return class_name(resource.replace(".", "_"))


def render_resource_module(top: str, infos: list[OpInfo], children: dict[str, list[str]], paths: dict[str, str]) -> str:
    """``resources/<top>.py``: the operations of ``client.<top>`` and its sub-resources, typed, and a
    class per resource path whose methods call them."""
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
        for kind in ("Any", "Stream", "BinaryResponse", "CursorPage", "NextCursorPage", "PageNumberPage", "SyncPage"):
            if re.search(rf"\b{kind}\b", info.return_type) or (kind == "Stream" and info.stream_type):
                uses.add(kind)
        if info.params_name:
            param_names.add(info.params_name)
    factories = " ".join(f for info in infos for f in (info.item_factory, info.stream_factory) if f)
    helpers = sorted({base for r in resources for base in RESOURCE_BASES.get(r, [])})
    typing_names = ["TYPE_CHECKING", *(["Any"] if "Any" in uses else []), *(["Literal", "overload"] if "Stream" in uses else [])]
    lines = [
        HEADER.rstrip("\n"),
        f'"""``client.{top}``."""',
        "",
        "from __future__ import annotations",
        "",
        "from functools import cached_property",
        f"from typing import {', '.join(typing_names)}",
        "",
    ]
    lines.extend(f"from .._helpers import {helper}" for helper in helpers)
    lines.extend(f"from .._models import {helper}" for helper in _CONVERTER_HELPERS if helper + "(" in factories)
    lines.append("from .._operation import Operation, call" + (", call_stream" if "Stream" in uses else ""))
    lines.append("from .._resource import SyncAPIResource, to_raw_response_wrapper, to_streamed_response_wrapper")
    if "ref(" in factories:
        lines.append("from ..types._ref import ref")
    lines += ["", "if TYPE_CHECKING:", "    from typing_extensions import Unpack", "", "    from .._options import RequestOptions"]
    if "Stream" in uses:
        lines.append("    from .._streaming import Stream")
    if "BinaryResponse" in uses:
        lines.append("    from .._binary import BinaryResponse")
    for page in sorted(uses & {"CursorPage", "NextCursorPage", "PageNumberPage", "SyncPage"}):
        lines.append(f"    from .._pagination import {page}")
    # A type called like a resource class (or like another type imported here) is imported under another name.
    keys = {name for name in type_names | param_names if name in paths}
    display = {key: paths[key].partition(":")[2] for key in keys}
    names = import_names(keys, display, {_class(r) for r in resources} | set(_KNOWN), suffix="Model")
    for key in sorted(keys, key=lambda k: (paths[k], k)):
        module, _, own = paths[key].partition(":")
        lines.extend(import_line(f"..types.{module}", own, "    ", names[key] if names[key] != own else None))
    for info in infos:
        info.return_type = rename(info.return_type, names)
        info.stream_type = info.stream_type and rename(info.stream_type, names)
        info.params_name = info.params_name and names.get(info.params_name, info.params_name)
    for info in sorted(infos, key=lambda i: i.const):
        if info.params_name:
            lines.append("")
            lines.extend(wrap(f"class _{info.const}_ARGS({info.params_name}, RequestOptions, total=False): ...", "    "))
    lines += ["", "__all__ = [", *(f'    "{_class(r)}",' for r in resources), "]", ""]
    lines.append(f"# The operations of ``client.{top}``, typed by what each answers and streams.")
    for info in sorted(infos, key=lambda i: i.const):
        lines.extend(_operation_line(info))
    for resource in resources:
        lines += _resource_class(resource, by_resource.get(resource, []), list(children.get(resource, [])))
    return "\n".join(lines) + "\n"


def _args_annotation(info: OpInfo) -> str:
    return f"Unpack[_{info.const}_ARGS]" if info.params_name else "Unpack[RequestOptions]"


def _docstring(info: OpInfo) -> list[str]:
    text = _summary(info.op.summary)
    if len(text) + 14 <= WIDTH:
        return [f'        """{text}"""']
    lines = textwrap.wrap(text, WIDTH - 8, break_long_words=False, break_on_hyphens=False)
    return [f'        """{lines[0]}', *(f"        {line}" for line in lines[1:-1]), f'        {lines[-1]}"""']


def _signature(name: str, params: list[str], result: str, suffix: str) -> list[str]:
    line = f"def {name}({', '.join(params)}) -> {result}:{suffix}"
    if len(line) + 4 > WIDTH and " | " in result:
        line = f"def {name}({', '.join(params)}) -> ({result}):{suffix}"  # parenthesized, so it can break at its bars
    return wrap(line, "    ")


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
    body = [*_docstring(info), *(["        # Deprecated by the API."] if info.op.deprecated else [])]
    if info.stream_type:
        stream_type = f"Stream[{info.stream_type}]"
        lines = []
        for stream_annotation, result in (
            ("Literal[True]", stream_type),
            ("Literal[False] | None = None", info.return_type),
            ("bool", f"{info.return_type} | {stream_type}"),
        ):
            lines += ["", "    @overload", *_signature(info.method_name, ["self", *positional, "*", *keyword, f"stream: {stream_annotation}", kwargs], result, " ...")]
        lines += [
            "",
            *_signature(info.method_name, ["self", *positional, "*", *keyword, "stream: bool | None = None", kwargs], f"{info.return_type} | {stream_type}", ""),
            *body,
            "        if stream:",
            *wrap(f"return call_stream(self._client, {info.const}, {path_values}, kwargs)", "            "),
            *wrap(f"return call(self._client, {info.const}, {path_values}, kwargs, stream=stream)", "        "),
        ]
        return lines
    star = ["*"] if keyword else []
    return [
        "",
        *_signature(info.method_name, ["self", *positional, *star, *keyword, kwargs], info.return_type, ""),
        *body,
        *wrap(f"return call(self._client, {info.const}, {path_values}, kwargs)", "        "),
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
