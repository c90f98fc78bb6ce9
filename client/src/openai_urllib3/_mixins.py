"""Hand-written behaviour that generated response classes derive from (named in codegen/config.py)."""

from __future__ import annotations

from typing import Any

__all__ = ["ItemsMixin", "ResponseMixin"]


class ResponseMixin:
    """For the Responses API's ``Response``: ``output_text``, as in the official SDK."""

    __slots__ = ()
    _data: dict[str, Any]

    @property
    def output_text(self) -> str:
        """All ``output_text`` parts of all output messages, joined."""
        texts = []
        for item in self._data.get("output") or []:
            if isinstance(item, dict) and item.get("type") == "message":
                for part in item.get("content") or []:
                    if isinstance(part, dict) and part.get("type") == "output_text" and isinstance(part.get("text"), str):
                        texts.append(part["text"])
        return "".join(texts)


class ItemsMixin:
    """For result pages the API does not page by cursor (vector store search results): iterate the
    items of ``data``, as the official SDK's pages iterate."""

    __slots__ = ()
    _data: dict[str, Any]

    def __iter__(self) -> Any:
        return iter(getattr(self, "data", None) or [])
