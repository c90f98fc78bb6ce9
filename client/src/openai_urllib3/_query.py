"""Query-string encoding the way the OpenAI API reads it."""

from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import quote

__all__ = ["encode_query"]


def _scalar(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def encode_query(params: Mapping[str, Any]) -> str:
    """``k=v`` pairs: lists repeat the key, mappings use ``k[sub]=v``, ``None`` is left out."""
    parts: list[str] = []
    for key, value in params.items():
        if value is None:
            continue
        name = quote(str(key), safe="[]")
        if isinstance(value, (list, tuple)):
            parts.extend(f"{name}={quote(_scalar(item), safe='')}" for item in value if item is not None)
        elif isinstance(value, Mapping):
            for sub, item in value.items():
                if item is not None:
                    parts.append(f"{name}%5B{quote(str(sub), safe='')}%5D={quote(_scalar(item), safe='')}")
        else:
            parts.append(f"{name}={quote(_scalar(value), safe='')}")
    return "&".join(parts)
