"""Stateful answers for every resource the server has no handler of its own for, read off the spec.

A *family* is a collection path with a ``create`` (``POST /containers``) and an item path below it
(``/containers/{container_id}``), as the SDKs name them: ``create``, ``list``, ``retrieve``,
``update``, ``delete``, and the ``cancel`` / ``archive`` actions. Created objects start from the
spec's example (or a sample of the schema), take the request's fields that fit the schema, a fresh
ID in the example's style and the server's clock; they are listed with exact cursor paging under
their parent, retrieved, updated, and deleted, and an unknown ID is a 404 (an invented object on a
permissive server). Parents are checked too: a file of an unknown container is a 404.

Families without a ``create`` (rate limits, a project's API keys, ChatKit threads) keep the
stateless example answers: what they list comes from outside the API.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from ._app import AppRequest, Reply, json_reply, not_found
from ._state import State
from ._store import stage

__all__ = ["held_path_params", "stored_reply"]

_ITEM = re.compile(r"^(?P<collection>.+)/\{(?P<param>\w+)\}$")
_ID_PREFIX = re.compile(r"^([a-z][a-z0-9]{0,11}[_-])[A-Za-z0-9]")
_ACTION_STATUS = {"cancel": ("cancelled", "canceled"), "archive": ("archived",)}
# A created object whose status may be queued and completed runs: queued, in progress, then
# completed on the server's clock (durations ``resource_queued`` and ``resource_in_progress``).
_PROGRESS = (("queued", "resource_queued"), ("in_progress", "resource_in_progress"))
# Some lists spell their order out (a checkpoint's permissions: ``ascending``).
_ORDERS = {"asc": "asc", "desc": "desc", "ascending": "asc", "descending": "desc"}


class _Family:
    """One collection and its items, with the operations the spec gives them."""

    def __init__(self, collection: str, item: str, param: str) -> None:
        self.collection = collection
        self.item = item
        self.param = param
        self.create: dict[str, Any] | None = None
        self.lists = False
        """Whether its list holds what create makes (else the list keeps the example answer)."""
        self.label = collection.rstrip("/").rsplit("/", 1)[-1].rstrip("s").replace("_", " ") or "object"

    @property
    def kind(self) -> str:
        return "resource:" + self.collection


_families: dict[str, _Family] | None = None


def _index(spec: Any) -> dict[str, _Family]:
    """Item and collection templates -> family, for families with a create (built once)."""
    global _families
    if _families is not None:
        return _families
    paths = {op["path"] for op in spec.operations}
    families: dict[str, _Family] = {}
    for path in paths:
        match = _ITEM.match(path)
        if match is None or match["collection"] not in paths:
            continue
        family = _Family(match["collection"], path, match["param"])
        family.create = _op(spec, "POST", family.collection, ".create")
        retrieve = _op(spec, "GET", family.item, ".retrieve")
        if family.create is None or family.create["response"]["kind"] != "model":
            continue
        created = family.create["response"].get("schema")
        if retrieve is not None and retrieve["response"].get("schema") != created:
            continue  # what is created is not what is read back (a role assignment, a role): no store
        listing = _op(spec, "GET", family.collection, ".list")
        if listing is not None and listing["response"]["kind"] == "page":
            items = _properties(spec, listing["response"].get("schema")).get("data")
            family.lists = isinstance(items, dict) and items.get("items") == created
        families[family.collection] = family
        families[family.item] = family
    _families = families
    return families


def _op(spec: Any, method: str, path: str, suffix: str) -> dict[str, Any] | None:
    return next((op for op in spec.operations if op["method"] == method and op["path"] == path and op["name"].endswith(suffix)), None)


def _family_of(spec: Any, path: str) -> tuple[_Family, str] | None:
    """The family a template belongs to and what the path is to it: ``collection``, ``item``, or
    ``item-action`` (a suffix under the item: ``/evals/{eval_id}/runs/{run_id}/cancel``)."""
    families = _index(spec)
    family = families.get(path)
    if family is not None:
        return family, "collection" if path == family.collection else "item"
    head, _, _ = path.rpartition("/")
    family = families.get(head)
    if family is not None and head == family.item:
        return family, "item-action"
    return None


def _properties(spec: Any, schema: Any) -> dict[str, Any]:
    target = spec.deref(schema)
    return dict(target.get("properties") or {}) if isinstance(target, dict) else {}


def _sample(spec: Any, op: dict[str, Any], path_params: dict[str, str], seed: int) -> dict[str, Any]:
    reply = spec.generic_reply(op, path_params, seed)
    body = json.loads(reply.body) if isinstance(reply.body, bytes) and reply.body else {}
    return body if isinstance(body, dict) else {}


def _parents(family: _Family, path_params: dict[str, str]) -> list[str]:
    return [path_params[name] for name in re.findall(r"\{(\w+)\}", family.collection)]


def _check_parents(state: State, spec: Any, family: _Family, path_params: dict[str, str]) -> None:
    """A parent that is itself a stored family's item must exist."""
    for name in re.findall(r"\{(\w+)\}", family.collection):
        prefix = family.collection[: family.collection.index("{" + name + "}") + len(name) + 2]
        parent = _index(spec).get(prefix)
        if parent is not None and parent.item == prefix:
            _find(state, parent, path_params, path_params[name])


def _key(parents: list[str], key: str) -> str:
    return "\x00".join([*parents, key])


def _find(state: State, family: _Family, path_params: dict[str, str], key: str) -> dict[str, Any]:
    names = re.findall(r"\{(\w+)\}", family.item)
    parents = [path_params[name] for name in names[:-1] if name in path_params]
    found = state.store(family.kind).get(_key(parents, key))
    if found is None:
        raise not_found(family.label, key, family.param)
    return found


def _fresh_id(state: State, sample: dict[str, Any], family: _Family) -> str:
    current = sample.get("id")
    match = _ID_PREFIX.match(current) if isinstance(current, str) else None
    prefix = match.group(1) if match else family.label.split(" ")[-1][:6] + "_"
    return state.new_id(prefix)


def _overlay(spec: Any, obj: dict[str, Any], schema: Any, fields: dict[str, Any], *, skip: tuple[str, ...] = ()) -> None:
    """Take the request's fields that the object has and that fit its schema."""
    properties = _properties(spec, schema)
    for name, value in fields.items():
        if name in properties and name not in skip and spec._fits(value, properties[name]):
            obj[name] = copy.deepcopy(value)


def _public(obj: dict[str, Any]) -> dict[str, Any]:
    return {key: copy.deepcopy(value) for key, value in obj.items() if not key.startswith("_")}


def _view(state: State, obj: dict[str, Any]) -> dict[str, Any]:
    """The object as it stands now on the clock (a running one moves on; a finished one stays)."""
    started = obj.get("_started")
    if started is not None and obj.get("status") in ("queued", "in_progress"):
        status, _ = stage(state, started, _PROGRESS, "completed")
        with state.lock:
            obj["status"] = status
            if status == "completed":
                del obj["_started"]
    return _public(obj)


def _fields(request: AppRequest) -> dict[str, Any]:
    from ._spec import request_fields

    if request.method not in ("POST", "PUT", "PATCH") or not request.raw_body:
        return {}
    fields = request_fields(request)
    return fields if isinstance(fields, dict) else {}


def stored_reply(state: State, spec: Any, op: dict[str, Any], path_params: dict[str, str], request: AppRequest, seed: int) -> Reply | None:
    """The stateful answer for ``op``, or ``None`` when it is not part of a stored family."""
    place = _family_of(spec, op["path"])
    if place is None:
        return None
    family, where = place
    verb = op["name"].rsplit(".", 1)[-1]
    if where == "collection" and op["method"] == "POST" and op is family.create:
        return _create(state, spec, family, op, path_params, request, seed)
    if where == "collection" and op["method"] == "GET" and op["response"]["kind"] == "page" and family.lists:
        return _list(state, spec, family, op, path_params, request, seed)
    if where == "collection":
        return None
    key = path_params[family.param]
    _check_parents(state, spec, family, path_params)
    obj = _find(state, family, path_params, key)
    if where == "item" and op["method"] == "GET":
        return json_reply(_view(state, obj))
    if where == "item" and op["method"] == "DELETE":
        return _delete(state, spec, family, op, path_params, seed, obj)
    if verb in _ACTION_STATUS:
        return _act(state, spec, family, obj, verb)
    if where == "item" and op["method"] in ("POST", "PATCH") and verb in ("update", "modify"):
        with state.lock:
            _overlay(spec, obj, family.create["response"]["schema"] if family.create else {}, _fields(request), skip=("id", "object", family.param))
        return json_reply(_view(state, obj))
    return None  # another action: the example answer, as before


def _create(state: State, spec: Any, family: _Family, op: dict[str, Any], path_params: dict[str, str], request: AppRequest, seed: int) -> Reply:
    _check_parents(state, spec, family, path_params)
    schema = op["response"]["schema"]
    fields = _fields(request)
    obj = _sample(spec, op, {}, seed)
    properties = _properties(spec, schema)
    _overlay(spec, obj, schema, fields, skip=("id", "object"))
    parents = _parents(family, path_params)
    if "id" in properties:
        obj["id"] = _fresh_id(state, obj, family)
    for name, given in path_params.items():
        if name in properties and spec._fits(given, properties[name]):
            obj[name] = given
    for name in ("created_at", "created", "updated_at"):
        if name in properties and spec._fits(state.now(), properties[name]):
            obj[name] = state.now()
    if "status" not in fields and _runs(spec, family, properties):
        obj["status"] = "queued"
        obj["_started"] = float(state.now())
    store = state.store(family.kind)
    if family.param in properties and family.param not in fields and family.param != "id":
        # Keyed by a field of its own (a skill's ``version``): numbered in order of creation.
        count = 1 + sum(1 for existing in store.values() if existing["_parents"] == parents)
        value: Any = count if isinstance(obj.get(family.param), int) else str(count)
        if spec._fits(value, properties[family.param]):
            obj[family.param] = value
    key = fields.get(family.param) if isinstance(fields.get(family.param), str) else obj.get(family.param, obj.get("id"))
    if not isinstance(key, (str, int)):
        return json_reply(_public(obj))  # nothing to find it by again: answered, not stored
    obj["_parents"] = parents
    obj["_key"] = str(key)
    with state.lock:
        store[_key(parents, str(key))] = obj
    return json_reply(_public(obj))


def _runs(spec: Any, family: _Family, properties: dict[str, Any]) -> bool:
    """Whether objects of the family are jobs that run: a status that names queued and completed,
    or a free-text status on something that can be cancelled."""
    status = spec.deref(properties.get("status")) if "status" in properties else None
    if not isinstance(status, dict):
        return False
    enum = status.get("enum")
    if enum:
        return {"queued", "completed"} <= set(enum) or {"in_progress", "completed"} <= set(enum)
    cancellable = any(op["name"].endswith(".cancel") and op["path"].startswith(family.item) for op in spec.operations)
    return status.get("type") == "string" and cancellable


def _list(state: State, spec: Any, family: _Family, op: dict[str, Any], path_params: dict[str, str], request: AppRequest, seed: int) -> Reply:
    from ._paging import cursor_page

    _check_parents(state, spec, family, path_params)
    parents = _parents(family, path_params)
    items = [_view(state, obj) for obj in state.store(family.kind).values() if obj["_parents"] == parents]
    default = next((p.get("default") for p in op["params"] if p.get("name") == "order" and p.get("default")), "desc")
    order = _ORDERS.get(str(request.q("order") or default), "desc")
    body = _sample(spec, op, {}, seed)
    properties = _properties(spec, op["response"]["schema"])
    if all(isinstance(item.get("id"), str) for item in items):
        page = cursor_page(request, items, default_order=order, order=order, allow_before=True)
    else:
        limit = request.q("limit")
        count = int(limit) if limit and limit.isdigit() else 20
        ordered = items if order == "asc" else list(reversed(items))
        page = {"data": ordered[:count], "has_more": len(ordered) > count}
    body["data"] = page["data"]
    for name in ("first_id", "last_id", "has_more"):
        if name in properties and name in page:
            body[name] = page[name]
    return json_reply(body)


def _delete(state: State, spec: Any, family: _Family, op: dict[str, Any], path_params: dict[str, str], seed: int, obj: dict[str, Any]) -> Reply:
    with state.lock:
        state.store(family.kind).pop(_key(obj["_parents"], obj["_key"]), None)
    if op["response"]["kind"] != "model":
        return Reply(204, [], b"") if op["response"]["kind"] == "none" else spec.generic_reply(op, path_params, seed)
    body = _sample(spec, op, path_params, seed)
    properties = _properties(spec, op["response"]["schema"])
    if "id" in properties:
        body["id"] = obj.get("id", obj["_key"])
    if "deleted" in properties:
        body["deleted"] = True
    return json_reply(body)


def _act(state: State, spec: Any, family: _Family, obj: dict[str, Any], verb: str) -> Reply:
    """``cancel`` / ``archive``: the status the schema names for it, and the time it happened."""
    schema = family.create["response"]["schema"] if family.create else {}
    properties = _properties(spec, schema)
    status_schema = spec.deref(properties.get("status")) if "status" in properties else None
    allowed = status_schema.get("enum") if isinstance(status_schema, dict) else None
    if _view(state, obj).get("status") in ("completed", "failed", *_ACTION_STATUS[verb]):
        return json_reply(_public(obj))  # already over: unchanged
    spellings = _ACTION_STATUS[verb]
    if allowed is None and isinstance(status_schema, dict) and "canceled" in str(status_schema.get("description", "")):
        spellings = ("canceled", "cancelled")
    with state.lock:
        obj.pop("_started", None)
        for status in spellings:
            if allowed is None or status in allowed:
                if "status" in properties:
                    obj["status"] = status
                break
        stamp = {"cancel": ("cancelled_at", "canceled_at"), "archive": ("archived_at",)}[verb]
        for name in stamp:
            if name in properties and spec._fits(state.now(), properties[name]):
                obj[name] = state.now()
    return json_reply(_public(obj))


# Collections the server's own handlers keep: the store kind, and the path parameter an object
# names its parent by.
_HANDLER_KINDS = {
    "/files": ("file", None),
    "/batches": ("batch", None),
    "/vector_stores": ("vector_store", None),
    "/threads": ("thread", None),
    "/assistants": ("assistant", None),
    "/conversations": ("conversation", None),
    "/videos": ("video", None),
    "/uploads": ("upload", None),
    "/fine_tuning/jobs": ("fine_tuning_job", None),
    "/threads/{thread_id}/runs": ("run", "thread_id"),
}


def held_path_params(state: State, spec: Any, path: str) -> list[dict[str, str]]:
    """Path parameters of ``path`` (a template) that name objects the server holds, one dict per
    object: ``[{"container_id": "cntr_..", "file_id": "cfile_.."}, ...]``."""
    names = re.findall(r"\{(\w+)\}", path)
    if not names:
        return [{}]
    item = path[: path.index("{" + names[-1] + "}") + len(names[-1]) + 2]
    collection = item.rsplit("/", 1)[0]
    handled = _HANDLER_KINDS.get(collection)
    if handled is not None:
        kind, parent = handled
        return [dict(zip(names, [object_id] if parent is None else [str(obj.get(parent)), object_id])) for object_id, obj in state.store(kind).items()]
    family = _index(spec).get(item)
    if family is not None and family.item == item:
        return [dict(zip(names, [*obj["_parents"], obj["_key"]])) for obj in state.store(family.kind).values()]
    return []
