"""JSON from the wire, parsed as strictly as the API parses it and never past the stack.

Anything a client sends (an HTTP body, a WebSocket message) or a recording holds comes through
here: ``NaN`` and ``Infinity`` are not JSON, and arrays and objects nested deeper than
:data:`MAX_JSON_DEPTH` are refused with a ``ValueError``, as a malformed document is, instead of
ending the thread that parses them with a ``RecursionError``.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["MAX_JSON_DEPTH", "loads"]

MAX_JSON_DEPTH = 128
"""Deepest nesting of arrays and objects a JSON document may have (the deepest schema in the API is far shallower)."""


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether arrays and objects nest in ``value`` more than ``limit`` deep (no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def loads(text: str | bytes) -> Any:
    """``text`` as JSON; ``ValueError`` (``UnicodeDecodeError`` for bytes that are not UTF-8) when it
    is not JSON, or nests too deep."""
    too_deep = ValueError(f"the document nests arrays and objects more than {MAX_JSON_DEPTH} deep")
    document = text.decode("utf-8") if isinstance(text, (bytes, bytearray)) else text
    try:
        value = json.loads(document, parse_constant=_refuse_constant)
    except RecursionError:
        raise too_deep from None
    except ValueError as error:
        if "int_max_str_digits" in str(error):
            # Python's own wording names its settings; say what is wrong with the document.
            raise ValueError("an integer has too many digits (more than 4300)") from None
        raise
    if isinstance(value, (dict, list)) and _deeper_than(value, MAX_JSON_DEPTH):
        raise too_deep
    if "\\u" in document and _lone_surrogate(value):
        # Escapes such as "\ud800" alone parse but name no character: nothing could store or
        # answer them (they have no UTF-8 form), so the document is refused as malformed.
        raise ValueError("a string holds a lone UTF-16 surrogate escape, which is not a character")
    return value


_SURROGATE = re.compile("[\ud800-\udfff]")


def _lone_surrogate(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if not item.isascii() and _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
