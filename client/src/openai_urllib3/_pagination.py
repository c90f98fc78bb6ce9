"""Pages that remember the request that made them, and auto-paging over their items.

Iterating a page yields its items and then those of every following page. A cursor
page whose ``has_more`` is true but whose last item carries no cursor raises instead
of silently stopping.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, Iterator, TypeVar, cast

from ._exceptions import APIResponseValidationError
from ._http import Response
from ._models import BaseModel
from ._response import make_parser, parse_json

if TYPE_CHECKING:
    from ._client import OpenAI
    from ._request_spec import RequestSpec

__all__ = ["BasePage", "CursorPage", "NextCursorPage", "PageNumberPage", "PageParser", "SyncPage"]

_T = TypeVar("_T")
_P = TypeVar("_P", bound="BasePage[Any]")


class BasePage(BaseModel, Generic[_T]):
    """One page of a list; ``data`` holds its items."""

    __slots__ = ("_client", "_item", "_response", "_spec")

    def __init__(self, data: dict[str, Any], /, **fields: Any) -> None:
        super().__init__(data, **fields)
        self._client: OpenAI | None = None
        self._spec: RequestSpec | None = None
        self._item: Any = None
        self._response: Response | None = None

    @property
    def data(self) -> list[_T]:
        cache = self._cache
        if cache is None:
            cache = self._cache = {}
        items = cache.get("data")
        if items is None:
            raw = self._data.get("data")
            convert = self._item
            target = getattr(convert, "target", None)
            if target is not None:  # a reference to a generated type: its class, to wrap each item directly
                convert = target()
            if not isinstance(raw, list):
                items = []
            elif convert is None:
                items = list(raw)
            elif isinstance(convert, type) and issubclass(convert, BaseModel):
                wrap = convert._wrap
                items = [wrap(item) if isinstance(item, dict) else item for item in raw]
            else:
                items = [convert(item) for item in raw]
            cache["data"] = items
        return cast("list[_T]", items)

    @classmethod
    def __response_parser__(cls, item: Any) -> PageParser[Any]:
        """The parser of a page of this class whose items ``item`` builds."""
        return PageParser(cls, item)

    def next_page_query(self) -> dict[str, Any] | None:
        """The query changes that fetch the next page, or ``None`` on the last page."""
        return None

    def has_next_page(self) -> bool:
        return self.next_page_query() is not None

    def get_next_page(self: _P) -> _P:
        query = self.next_page_query()
        if query is None:
            raise RuntimeError("This is the last page; check has_next_page() before get_next_page().")
        if self._client is None or self._spec is None:
            raise RuntimeError("This page was not fetched by a client, so it cannot fetch the next one.")
        parser = make_parser(type(self), self._item)
        return cast(_P, self._client.send(self._spec.with_query(query), parser=parser))

    def iter_pages(self: _P) -> Iterator[_P]:
        """This page, then each following page, fetched as needed."""
        page = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = page.get_next_page()

    def __iter__(self) -> Iterator[_T]:
        """Every item of this page and the following ones."""
        for page in self.iter_pages():
            yield from page.data

    def __len__(self) -> int:
        return len(self.data)


class SyncPage(BasePage[_T]):
    """A plain list (``{"object": "list", "data": [...]}``) with no further pages."""

    __slots__ = ()


class CursorPage(BasePage[_T]):
    """A page of a cursor list: ``has_more`` says whether to ask again with ``after``."""

    __slots__ = ()

    @property
    def has_more(self) -> bool | None:
        return cast("bool | None", self._data.get("has_more"))

    @property
    def first_id(self) -> str | None:
        return cast("str | None", self._data.get("first_id"))

    @property
    def last_id(self) -> str | None:
        return cast("str | None", self._data.get("last_id"))

    def next_page_query(self) -> dict[str, Any] | None:
        if not self._data.get("has_more"):
            return None
        items = self._data.get("data")
        if not items:
            return None
        cursor = self._cursor(items)
        if not cursor:
            raise APIResponseValidationError(
                "The page says has_more but its last item has no id to continue from",
                response=self._response or Response(200),
                body=None,
            )
        if self._spec is not None and self._spec.query and "before" in self._spec.query and "after" not in self._spec.query:
            first = items[0].get("id") if isinstance(items[0], dict) else None
            return {"before": self._data.get("first_id") or first}
        return {"after": cursor}

    def _cursor(self, items: list[Any]) -> str | None:
        last = items[-1]
        if isinstance(last, dict) and isinstance(last.get("id"), str):
            return cast(str, last["id"])
        last_id = self._data.get("last_id")
        return last_id if isinstance(last_id, str) else None


class NextCursorPage(BasePage[_T]):
    """A cursor page that names its next cursor in ``next`` (passed back as ``after``)."""

    __slots__ = ()

    @property
    def has_more(self) -> bool | None:
        return cast("bool | None", self._data.get("has_more"))

    def next_page_query(self) -> dict[str, Any] | None:
        if not self._data.get("has_more"):
            return None
        cursor = self._data.get("next")
        if not isinstance(cursor, str) or not cursor:
            raise APIResponseValidationError(
                "The page says has_more but gives no 'next' cursor to continue from", response=self._response or Response(200), body=None
            )
        return {"after": cursor}


class PageNumberPage(BasePage[_T]):
    """A page that names the next page in ``next_page`` (passed back as ``page``), as the usage and
    costs endpoints do."""

    __slots__ = ()

    @property
    def has_more(self) -> bool | None:
        return cast("bool | None", self._data.get("has_more"))

    def next_page_query(self) -> dict[str, Any] | None:
        if not self._data.get("has_more"):
            return None
        cursor = self._data.get("next_page")
        if not isinstance(cursor, str) or not cursor:
            raise APIResponseValidationError(
                "The page says has_more but gives no 'next_page' to continue from", response=self._response or Response(200), body=None
            )
        return {"page": cursor}


class PageParser(Generic[_P]):
    """Builds a page of ``page_type`` holding ``item_type`` items, bound to its request."""

    __slots__ = ("item_type", "page_type")

    def __init__(self, page_type: type[_P], item_type: Any) -> None:
        self.page_type = page_type
        self.item_type = item_type

    def __call__(self, response: Response, client: OpenAI, spec: RequestSpec) -> _P:
        data = parse_json(response)
        if not isinstance(data, dict):
            raise APIResponseValidationError(f"Expected a list object, got {type(data).__name__}", response=response, body=data)
        page = self.page_type(data)
        page._client = client
        page._spec = spec
        page._item = self.item_type
        page._response = response
        page._request_id = response.headers.get("x-request-id")
        return page
