"""Keeping generated lines readable: a long statement is broken at the commas of its widest
bracket, one item per line, recursively, the way a formatter would lay it out by hand."""

from __future__ import annotations

__all__ = ["WIDTH", "import_line", "wrap"]

WIDTH = 120
_OPEN = {"(": ")", "[": "]", "{": "}"}


def _scan(text: str) -> list[tuple[int, int]] | None:
    """The outermost bracket pairs of ``text`` as (open, close) offsets; None when ``text`` has a
    comment or unbalanced brackets (left as it is)."""
    pairs: list[tuple[int, int]] = []
    stack: list[int] = []
    quote = ""
    index = 0
    while index < len(text):
        char = text[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "#":
            return None
        elif char in _OPEN:
            stack.append(index)
        elif char in ")]}":
            if not stack:
                return None
            start = stack.pop()
            if not stack:
                pairs.append((start, index))
        index += 1
    return None if stack or quote else pairs


def _items(inner: str) -> list[str]:
    """``inner`` split at its top-level commas."""
    items: list[str] = []
    depth = 0
    quote = ""
    start = 0
    index = 0
    while index < len(inner):
        char = inner[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char in _OPEN:
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            items.append(inner[start:index].strip())
            start = index + 1
        index += 1
    last = inner[start:].strip()
    if last:
        items.append(last)
    return items


def wrap(text: str, indent: str = "", width: int = WIDTH) -> list[str]:
    """``text`` (one statement or expression) as lines of at most ``width`` where its brackets allow.

    A trailing comma is added only where there are several items, so a call with one argument or a
    subscript with one type means the same after wrapping.
    """
    if len(indent) + len(text) <= width:
        return [indent + text]
    pairs = _scan(text)
    if not pairs:
        return [indent + text]
    start, end = max(pairs, key=lambda pair: pair[1] - pair[0])
    items = _items(text[start + 1 : end])
    if not items:
        return [indent + text]
    several = len(items) > 1 or text[start + 1 : end].rstrip().endswith(",")
    lines = [indent + text[: start + 1]]
    for item in items:
        lines.extend(wrap(item + ("," if several else ""), indent + "    ", width))
    lines.extend(wrap(text[end:], indent, width))
    return lines


def import_line(module: str, name: str, indent: str = "", alias: str | None = None) -> list[str]:
    """``from module import name [as alias]``, parenthesized onto its own line when it is long."""
    target = f"{name} as {alias}" if alias else name
    line = f"{indent}from {module} import {target}"
    if len(line) <= WIDTH:
        return [line]
    return [f"{indent}from {module} import (", f"{indent}    {target},", f"{indent})"]
