"""What each operation becomes: its method name, arguments, parameter TypedDict and result kind."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .config import BINARY_OPERATIONS, SKIPPED_OPERATIONS, STREAM_ITEMS, TEXT_ANSWERS
from .models import ModelBuilder, ParamBuilder
from .naming import METHOD_ALIASES, class_name, method_path, pascal
from .official import Placement
from .spec import Operation, Param, Spec, list_paths

__all__ = ["OpInfo", "analyze"]


@dataclass
class OpInfo:
    op: Operation
    name: str
    resource: str
    method_name: str
    const: str
    path_params: list[Param]
    query: dict[str, str]
    headers: dict[str, str]
    params_name: str | None
    response: str  # model | page | binary | json | none
    return_type: str
    item_factory: str | None = None
    page: str | None = None
    stream_type: str | None = None
    stream_factory: str | None = None
    files: list[str] = field(default_factory=list)
    has_required_params: bool = False


def _page_kind(spec: Spec, op: Operation, props: dict[str, Any]) -> str | None:
    if op.method != "get" or "data" not in props:
        return None
    if spec.deref(props["data"]).get("type") != "array":
        return None
    query = {p.name for p in op.params if p.location == "query"}
    if "page" in query and "next_page" in props:
        return "number"
    if "after" in query and "next" in props:
        return "next"
    if "after" in query and "has_more" in props:
        return "cursor"
    if not query & {"after", "before", "page"} and "has_more" not in props:
        return "list"
    return None


def analyze(spec: Spec, models: ModelBuilder, params: ParamBuilder) -> list[OpInfo]:
    paths = list_paths(spec)
    infos = []
    for op in spec.operations:
        if op.key in SKIPPED_OPERATIONS:
            continue
        names = [method_path(op, paths)] + ([] if op.beta else METHOD_ALIASES.get(op.key, []))
        infos.extend(_info(op, name, spec, models, params, primary=index == 0) for index, name in enumerate(names))
    return infos


def _info(op: Operation, name: str, spec: Spec, models: ModelBuilder, params: ParamBuilder, *, primary: bool = True) -> OpInfo:
    """What the operation becomes when called by ``name`` (``files.content``)."""
    resource, _, method_name = name.rpartition(".")
    path_order = [segment[1:-1] for segment in op.path.split("/") if segment.startswith("{")]
    path_params = sorted((p for p in op.params if p.location == "path"), key=lambda p: path_order.index(p.name) if p.name in path_order else 0)
    query = {p.python_name: p.name for p in op.params if p.location == "query"}
    headers = {p.python_name: p.name for p in op.params if p.location == "header"}
    info = OpInfo(op, name, resource, method_name, name.replace(".", "_").upper(), path_params, query, headers, None, "none", "None")
    _params_dict(info, spec, params, primary)
    _result(info, spec, models)
    return info


def _params_dict(info: OpInfo, spec: Spec, params: ParamBuilder, primary: bool = True) -> None:
    """The operation's parameters ``TypedDict``, named and placed as the official SDK's (a second
    name for the operation gets one of its own, derived)."""
    op = info.op
    extra: list[tuple[str, str, bool, str]] = []
    for param in op.params:
        if param.location == "query" and param.python_name == "stream" and op.key in STREAM_ITEMS:
            continue  # the method's own ``stream`` argument (a GET that streams sends it as this flag)
        if param.location in ("query", "header"):
            where = f"{op.key}>{param.location}.{param.python_name}"
            extra.append((param.python_name, params.resolve(param.schema, class_name(info.name) + pascal(param.python_name), where), param.required, param.description))
    placement = params.official.place("params", op.key) if primary else Placement()
    default = class_name(info.resource) + pascal(info.method_name) + "Params"
    if op.body_kind in ("json", "multipart") and op.body_schema is not None:
        where = spec.ref_name(op.body_schema) or f"{op.key}>body"
        definition = params.build(params.named(placement, default), op.body_schema, extra=extra, where=where, placement=placement, top_level=True)
        if op.streams or op.key in STREAM_ITEMS or any(key == "stream" for key, *_ in definition.fields):
            definition.fields = [f for f in definition.fields if f[0] != "stream"]
        if op.body_kind == "multipart":
            props, _ = params.properties(op.body_schema)
            for key, schema in props.items():
                if _holds_files(spec, schema):
                    info.files.append(key)
        info.params_name = definition.name
    elif op.body_kind == "raw":
        extra.append(("body", "Union[str, bytes]", op.body_required, "The request body, sent as it is."))
        extra.append(("content_type", "str", False, f"Defaults to {op.body_content_type}."))
        info.params_name = params.build(params.named(placement, default), {"type": "object"}, extra=extra, placement=placement, top_level=True).name
    elif extra:
        info.params_name = params.build(params.named(placement, default), {"type": "object"}, extra=extra, placement=placement, top_level=True).name
    if info.params_name:
        info.has_required_params = any(required for _, _, required, _ in params.dicts[info.params_name].fields)


def _holds_files(spec: Spec, schema: Any, depth: int = 0) -> bool:
    """Whether a multipart field takes a file, a list of files, or either (``image`` of images.edit)."""
    target = spec.deref(schema)
    if not isinstance(target, dict) or depth > 4:
        return False
    if target.get("format") == "binary":
        return True
    variants = [*(target.get("anyOf") or []), *(target.get("oneOf") or [])]
    return any(_holds_files(spec, part, depth + 1) for part in [*variants, *([target["items"]] if "items" in target else [])])


def _result(info: OpInfo, spec: Spec, models: ModelBuilder) -> None:
    op = info.op
    if op.streams or op.key in STREAM_ITEMS:
        stream_schema = op.stream_schema or ({"$ref": f"#/components/schemas/{STREAM_ITEMS[op.key]}"} if op.key in STREAM_ITEMS else None)
        if stream_schema is not None:
            type_expr, converter = models.resolve(stream_schema, class_name(info.name) + "Event", f"{op.key}>stream")
            info.stream_type = type_expr
            info.stream_factory = converter
    if op.key in BINARY_OPERATIONS or (op.response_content_type and op.response_content_type != "application/json"):
        info.response, info.return_type = "binary", "BinaryResponse"
        return
    if op.response_schema is None:
        info.response, info.return_type = "none", "None"
        return
    schema = spec.deref(op.response_schema)
    props = models.properties(schema)[0] if isinstance(schema, dict) else {}
    page = _page_kind(spec, op, props)
    if page is not None:
        root = spec.ref_name(op.response_schema) or f"{op.key}>response"
        item_type, item_converter = models.resolve(spec.deref(props["data"]).get("items") or {}, class_name(info.name) + "Item", root + ".data[]")
        info.response, info.page, info.item_factory = "page", page, item_converter
        page_class = {"cursor": "CursorPage", "next": "NextCursorPage", "number": "PageNumberPage", "list": "SyncPage"}[page]
        info.return_type = f"{page_class}[{item_type}]"
        return
    type_expr, converter = models.resolve(op.response_schema, class_name(info.name) + "Response", f"{op.key}>response")
    if converter is None:
        info.response, info.return_type = "json", type_expr if type_expr != "Any" else "Any"
        return
    info.response, info.return_type, info.item_factory = "model", type_expr, converter
    if op.key in TEXT_ANSWERS:
        info.return_type = f"{type_expr} | str"
