"""Response objects: typed views over the decoded JSON, built lazily on first access.

A model wraps the ``dict`` the server sent, so ``to_dict()`` gives back what arrived, unknown
fields included. A typed attribute is a :class:`Field` descriptor: scalar fields read straight
from the dict; object and list fields build their child views on first access and cache them. A
value of the wrong type is handed back as it came instead of raising, so one odd field never breaks
access to the others. Presence is knowable, as in the Go library's ``respjson``:
``presence(name)`` says ``"missing"``, ``"null"`` or ``"present"``.

Models behave as the official SDK's pydantic models where code leans on them: declared fields can
be assigned (``call.function.arguments += delta``, which streaming guides do), and ``model_dump``
(``exclude_none``, ``exclude_unset``, ``include``, ``exclude``), ``model_dump_json``,
``model_validate``, ``model_validate_json``, ``model_copy``, ``model_fields`` and ``model_extra``
work; a dump always reflects what was assigned, in the child views too.
"""

from __future__ import annotations

import copy
import json
from typing import Any, Callable, Generic, Literal, TypeVar, cast, overload

__all__ = ["BaseModel", "Field", "Presence", "by_json_type", "by_required_fields", "dict_of", "generic_object", "json_default", "list_of", "union_of"]

_T = TypeVar("_T")
_M = TypeVar("_M", bound="BaseModel")

Presence = Literal["missing", "null", "present"]

_MISSING: Any = object()
_new = object.__new__


class BaseModel:
    """Base of every response object. Construct with the decoded JSON object."""

    __slots__ = ("_cache", "_data", "_request_id")
    _data: dict[str, Any]
    _cache: dict[str, Any] | None
    _request_id: str | None
    _fields: frozenset[str] = frozenset()
    model_fields: dict[str, Field[Any]] = {}  # noqa: RUF012 (per class, set by __init_subclass__)
    """The declared fields by attribute name (pydantic's ``Model.model_fields``)."""

    def __init__(self, data: dict[str, Any] | None = None, /, **fields: Any) -> None:
        if data is None:
            data = fields
        elif fields:
            data = {**data, **fields}
        elif not isinstance(data, dict):
            raise TypeError(f"{type(self).__name__} expects a JSON object (dict), got {type(data).__name__}")
        self._data = data
        self._cache: dict[str, Any] | None = None
        self._request_id: str | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        names = set()
        for klass in reversed(cls.__mro__):
            for value in vars(klass).values():
                if isinstance(value, Field):
                    names.add(value.key)
        cls._fields = frozenset(names)
        cls.model_fields = {name: value for klass in reversed(cls.__mro__) for name, value in vars(klass).items() if isinstance(value, Field)}

    @classmethod
    def _wrap(cls: type[_M], data: dict[str, Any]) -> _M:
        """A view of ``data``, known to be a JSON object: the constructor without its checks, for
        the many children a response builds."""
        model = _new(cls)
        model._data = data
        model._cache = None
        model._request_id = None
        return model

    @classmethod
    def construct(cls: type[_M], data: Any) -> _M | Any:
        """Wrap ``data`` when it is a JSON object; anything else is returned as it came."""
        if isinstance(data, dict):
            return cls(data)
        return data

    # -- raw JSON and presence -------------------------------------------------------

    @property
    def request_id(self) -> str | None:
        """The ``x-request-id`` of the response this object came from (top-level objects only)."""
        return self._request_id

    def presence(self, name: str) -> Presence:
        """Whether the JSON field ``name`` was missing, explicitly null, or had a value."""
        value = self._data.get(name, _MISSING)
        if value is _MISSING:
            return "missing"
        return "null" if value is None else "present"

    def has(self, name: str) -> bool:
        """Whether the JSON field ``name`` was sent at all (null counts as sent)."""
        return name in self._data

    def raw(self, name: str, default: Any = None) -> Any:
        """The field's JSON value exactly as received, without any typing."""
        return self._data.get(name, default)

    @property
    def model_fields_set(self) -> set[str]:
        """The names of the fields the server sent (as in pydantic)."""
        return set(self._data)

    @property
    def extra_fields(self) -> dict[str, Any]:
        """Fields the server sent that this type does not declare."""
        fields = type(self)._fields
        return {key: value for key, value in self._data.items() if key not in fields}

    def to_dict(self) -> dict[str, Any]:
        """A deep copy of the JSON object (as sent, with what was assigned since)."""
        return copy.deepcopy(self._current())

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self._current(), indent=indent, ensure_ascii=False)

    def _current(self) -> dict[str, Any]:
        """The JSON object, with child views that were built (and may have been changed) folded in."""
        cache = self._cache
        if not cache:
            return self._data
        data = dict(self._data)
        for key, value in cache.items():
            if key in data and value is not None:
                data[key] = _to_json(value)
        return data

    # -- the official SDK's (pydantic's) model API --------------------------------------

    def model_dump(
        self,
        *,
        mode: str = "python",
        include: Any = None,
        exclude: Any = None,
        by_alias: bool | None = None,
        exclude_unset: bool = False,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        round_trip: bool = False,
        warnings: Any = True,
        **_: Any,
    ) -> dict[str, Any]:
        """The object as plain data. ``exclude_unset`` changes nothing: a model holds only what was
        sent or assigned. ``mode`` may be ``python`` or ``json`` (the same here: the data is JSON)."""
        if mode not in ("python", "json"):
            raise ValueError(f"mode must be 'python' or 'json', got {mode!r}")
        data = self.to_dict()
        if include is not None:
            data = {key: value for key, value in data.items() if key in include}
        if exclude is not None:
            data = {key: value for key, value in data.items() if key not in exclude}
        return _without_none(data) if exclude_none else data

    def model_dump_json(self, *, indent: int | None = None, include: Any = None, exclude: Any = None, exclude_none: bool = False, **options: Any) -> str:
        return json.dumps(self.model_dump(include=include, exclude=exclude, exclude_none=exclude_none, **options), indent=indent, ensure_ascii=False)

    @classmethod
    def model_validate(cls: type[_M], obj: Any, **_: Any) -> _M:
        """A model of this type from a JSON object (a ``dict``) or another model."""
        if isinstance(obj, BaseModel):
            obj = obj.to_dict()
        if not isinstance(obj, dict):
            raise TypeError(f"{cls.__name__}.model_validate expects a JSON object (dict), got {type(obj).__name__}")
        return cls(copy.deepcopy(obj))

    @classmethod
    def model_validate_json(cls: type[_M], data: str | bytes, **_: Any) -> _M:
        return cls.model_validate(json.loads(data))

    @classmethod
    def model_construct(cls: type[_M], _fields_set: Any = None, **values: Any) -> _M:
        return cls(dict(values))

    def model_copy(self: _M, *, update: dict[str, Any] | None = None, deep: bool = False) -> _M:
        data = self.to_dict() if deep else dict(self._current())
        if update:
            data.update({key: _to_json(value) for key, value in update.items()})
        duplicate = type(self)(data)
        duplicate._request_id = self._request_id
        return duplicate

    @property
    def model_extra(self) -> dict[str, Any]:
        """Fields the server sent that this type does not declare (pydantic's name for them)."""
        return self.extra_fields

    def _set_derived(self, name: str, value: Any) -> None:
        """A value the library computes from the JSON (a tool call's ``parsed_arguments``): readable
        as an attribute, never part of the JSON (dumps and request bodies leave it out)."""
        cache = self._cache
        if cache is None:
            cache = self._cache = {}
        cache["\x00" + name] = value

    def __getattr__(self, name: str) -> Any:
        # Only reached for names that are not declared: undeclared JSON fields are
        # readable as attributes, like the official SDK's extra fields.
        if name.startswith("__") or name in ("_data", "_cache", "_request_id"):
            raise AttributeError(name)
        try:
            return self._data[name]
        except KeyError:
            cache = self._cache
            if cache is not None and "\x00" + name in cache:
                return cache["\x00" + name]
            raise AttributeError(f"{type(self).__name__!s} object has no field {name!r}") from None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BaseModel):
            return NotImplemented
        return type(self) is type(other) and self._current() == other._current()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._data!r})"

    def __getstate__(self) -> dict[str, Any]:
        return {"data": self._current(), "request_id": self._request_id}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._data = state["data"]
        self._cache = None
        self._request_id = state["request_id"]


class Field(Generic[_T]):
    """A typed, lazily built attribute of a model.

    ``Field[str]()`` reads a scalar; ``Field(Model)``, ``Field(list_of(Model))`` and
    ``Field(union_of(...))`` build children on first access and cache them. ``key`` is
    the JSON name when it differs from the attribute (``from_ = Field[str](key="from")``).
    A missing field reads as ``None``.
    """

    __slots__ = ("convert", "key")

    def __init__(self, convert: Callable[[Any], _T] | None = None, *, key: str | None = None) -> None:
        self.convert = convert
        self.key = key or ""

    def __set_name__(self, owner: type, name: str) -> None:
        if not self.key:
            self.key = name

    @overload
    def __get__(self, instance: None, owner: type) -> Field[_T]: ...

    @overload
    def __get__(self, instance: BaseModel, owner: type) -> _T: ...

    def __get__(self, instance: BaseModel | None, owner: type) -> Field[_T] | _T:
        if instance is None:
            return self
        # The hottest path of reading a response: typed locals, not cast() calls.
        key = self.key
        convert = self.convert
        found: _T
        if convert is None:
            found = instance._data.get(key)  # type: ignore[assignment]  # None stands for a missing field
            return found
        cache = instance._cache
        if cache is None:
            cache = instance._cache = {}
        elif key in cache:
            found = cache[key]
            return found
        raw = instance._data.get(key)
        value = None if raw is None else _safe_convert(convert, raw)
        cache[key] = value
        found = value  # type: ignore[assignment]  # None stands for a missing field
        return found

    def __set__(self, instance: BaseModel, value: Any) -> None:
        """Assign as the official SDK's models allow: the JSON changes, and a model or list given
        is the view read back."""
        instance._data[self.key] = _to_json(value)
        cache = instance._cache
        if self.convert is not None and isinstance(value, (BaseModel, list, dict)):
            if cache is None:
                cache = instance._cache = {}
            cache[self.key] = value
        elif cache is not None:
            cache.pop(self.key, None)


def _to_json(value: Any) -> Any:
    """Plain JSON data for a value that may hold models (after they were built or changed)."""
    if isinstance(value, BaseModel):
        return value._current()
    if isinstance(value, list):
        return [_to_json(item) for item in value]
    if isinstance(value, dict):
        return {key: _to_json(item) for key, item in value.items()}
    return value


def _without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_none(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_none(item) for item in value]
    return value


def _safe_convert(convert: Callable[[Any], Any], raw: Any) -> Any:
    try:
        return convert(raw)
    except (TypeError, ValueError, AttributeError, KeyError):
        return raw


def _build(kind: Any, value: Any) -> Any:
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return kind._wrap(value) if isinstance(value, dict) else value
    return kind(value)


def list_of(kind: Callable[[Any], _T]) -> Callable[[Any], list[_T]]:
    """A converter for a JSON array whose items are built with ``kind`` (a model class or converter)."""

    def convert(value: Any) -> list[_T]:
        if not isinstance(value, list):
            return cast("list[_T]", value)
        return [_build(kind, item) for item in value]

    return convert


def dict_of(kind: Callable[[Any], _T]) -> Callable[[Any], dict[str, _T]]:
    """A converter for a JSON object used as a map, its values built with ``kind``."""

    def convert(value: Any) -> dict[str, _T]:
        if not isinstance(value, dict):
            return cast("dict[str, _T]", value)
        return {key: _build(kind, item) for key, item in value.items()}

    return convert


def generic_object(value: Any) -> Any:
    """A JSON object of no known type: a :class:`BaseModel` (fields readable as attributes)."""
    return BaseModel(value) if isinstance(value, dict) else value


def union_of(discriminator: str, variants: dict[str, Callable[[Any], Any]], default: Callable[[Any], Any] | None = None) -> Callable[[Any], Any]:
    """A converter for a discriminated union: the variant is chosen by the ``discriminator``
    field; an unknown variant becomes ``default`` (a plain :class:`BaseModel` if not given), never an error."""
    fallback = default or generic_object

    def convert(value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        tag = value.get(discriminator)
        variant = variants.get(tag, fallback) if isinstance(tag, str) else fallback
        return variant(value)

    return convert


def by_json_type(*, object: Callable[[Any], Any] | None = None, array: Callable[[Any], Any] | None = None) -> Callable[[Any], Any]:
    """A converter for a union of shapes: objects built with ``object``, arrays with ``array``,
    anything else (strings, numbers) kept as it came."""

    def convert(value: Any) -> Any:
        if isinstance(value, dict):
            return object(value) if object is not None else value
        if isinstance(value, list):
            return array(value) if array is not None else value
        return value

    return convert


def by_required_fields(*variants: tuple[tuple[str, ...], Callable[[Any], Any]]) -> Callable[[Any], Any]:
    """A converter for a union without a tag: the variant whose required fields are all in the
    object, the one requiring most winning; an object none fits stays a generic object."""
    ordered = sorted(variants, key=lambda variant: -len(variant[0]))

    def convert(value: Any) -> Any:
        if isinstance(value, dict):
            for required, kind in ordered:
                if all(name in value for name in required):
                    return _build(kind, value)
        return generic_object(value)

    return convert


def json_default(value: Any) -> Any:
    """``json.dumps``'s fallback for request bodies: a response object passed back as a parameter
    (``messages.append(completion.choices[0].message)``, ``input += response.output``) is sent as
    the JSON the server sent; a pydantic model as its set fields; a date or time in ISO 8601."""
    if isinstance(value, BaseModel):
        return value._current()
    model_dump = getattr(value, "model_dump", None)
    if callable(model_dump):
        return model_dump(mode="json", exclude_unset=True)
    import datetime

    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable: request bodies take JSON values, dicts, lists and response objects")
