"""What a call asked for, kept so a page can ask for the next one."""

from __future__ import annotations

from typing import Any, Mapping

from ._options import RequestOptions

__all__ = ["RequestSpec"]


class RequestSpec:
    """Method, path, query, JSON body and options of one API call, before defaults are applied."""

    __slots__ = ("body", "method", "options", "path", "query")

    def __init__(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        body: Any = None,
        options: RequestOptions | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.options: RequestOptions = options if options is not None else {}

    def with_query(self, updates: Mapping[str, Any]) -> RequestSpec:
        """A copy whose query has ``updates`` applied (a value of ``None`` removes the key)."""
        query = dict(self.query or {})
        for key, value in updates.items():
            if value is None:
                query.pop(key, None)
            else:
                query[key] = value
        return RequestSpec(self.method, self.path, query=query, body=self.body, options=self.options)

    def __repr__(self) -> str:
        return f"RequestSpec({self.method} {self.path} query={self.query!r})"
