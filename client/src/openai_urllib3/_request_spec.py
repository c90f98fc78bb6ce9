"""What a call asks for, before the client's defaults are applied: the one description every call
(a generated operation or a custom request) is turned into, and that a page keeps to ask for the
next one."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from ._options import RequestOptions

__all__ = ["RequestSpec"]


class RequestSpec:
    """Method, path, query, body and options of one API call.

    ``body`` is JSON-encoded (``extra_body`` merged over it) unless ``content`` is given, which is
    sent as-is with ``content_type`` (``body`` then only describes it: the fields of a multipart
    upload, for Azure routing). ``admin``: an admin API call, sent with the client's
    ``admin_api_key`` when it has one."""

    __slots__ = ("admin", "body", "content", "content_type", "method", "options", "path", "query")

    def __init__(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        body: Any = None,
        content: bytes | Iterable[bytes] | None = None,
        content_type: str | None = None,
        options: RequestOptions | None = None,
        admin: bool = False,
    ) -> None:
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.content = content
        self.content_type = content_type
        self.options: RequestOptions = options if options is not None else {}
        self.admin = admin

    def with_query(self, updates: Mapping[str, Any]) -> RequestSpec:
        """A copy whose query has ``updates`` applied (a value of ``None`` removes the key)."""
        query = dict(self.query or {})
        for key, value in updates.items():
            if value is None:
                query.pop(key, None)
            else:
                query[key] = value
        return self._copy(self.path, query)

    def with_path(self, path: str) -> RequestSpec:
        """A copy sent to ``path`` instead (Azure routes some calls under a deployment)."""
        return self._copy(path, self.query)

    def _copy(self, path: str, query: Mapping[str, Any] | None) -> RequestSpec:
        return RequestSpec(
            self.method, path, query=query, body=self.body, content=self.content, content_type=self.content_type, options=self.options, admin=self.admin
        )

    def __repr__(self) -> str:
        return f"RequestSpec({self.method} {self.path} query={self.query!r})"
