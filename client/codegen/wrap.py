"""Keeping generated lines readable: a long statement is broken at the commas of its widest
bracket, one item per line, recursively, the way a formatter would lay it out by hand."""

from __future__ import annotations

import ast

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


def _items(inner: str, separator: str = ",") -> list[str]:
    """``inner`` split at its top-level ``separator``s (commas, or the bars of a union)."""
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
        elif char == separator and depth == 0:
            items.append(inner[start:index].strip())
            start = index + 1
        index += 1
    last = inner[start:].strip()
    if last:
        items.append(last)
    return items


def wrap(text: str, indent: str = "", width: int = WIDTH, *, inside: bool = False) -> list[str]:
    """``text`` (one statement or expression) as lines of at most ``width`` where its brackets allow.

    A trailing comma is added only where there are several items, so a call with one argument or a
    subscript with one type means the same after wrapping. ``inside``: ``text`` is an item within
    brackets, where a long union may also break before its bars.
    """
    if len(indent) + len(text) <= width:
        return [indent + text]
    if inside and _is_string(text.rstrip(",")):
        return _split_string(text, indent, width)
    pairs = _scan(text)
    members = _items(text.rstrip(","), "|") if inside else []
    if len(members) > 1 and (not pairs or all(end - start < len(text) // 2 for start, end in pairs)):
        comma = "," if text.endswith(",") else ""
        return [f"{indent}{'| ' if index else ''}{member}{comma if index == len(members) - 1 else ''}" for index, member in enumerate(members)]
    if not pairs:
        return [indent + text]
    # The first long bracket pair: an annotation's subscript before the value's call, each then
    # broken on its own (the rest of the line is wrapped again below).
    longest = max(end - start for start, end in pairs)
    start, end = next(pair for pair in pairs if pair[1] - pair[0] >= min(longest, 60))
    items = _items(text[start + 1 : end])
    if not items:
        return [indent + text]
    several = len(items) > 1 or text[start + 1 : end].rstrip().endswith(",")
    lines = [indent + text[: start + 1]]
    for item in items:
        lines.extend(wrap(item + ("," if several else ""), indent + "    ", width, inside=True))
    # The closing bracket, then the rest of the line, itself wrapped (``] = Operation(...)``).
    rest = wrap(text[end + 1 :], indent, width - 1) if text[end + 1 :] else [indent]
    lines.append(indent + text[end] + rest[0][len(indent) :])
    lines.extend(rest[1:])
    return lines


def _is_string(text: str) -> bool:
    try:
        return isinstance(ast.literal_eval(text), str) and text[:1] in "'\"" and text[-1:] == text[:1]
    except (ValueError, SyntaxError):
        return False


def _split_string(text: str, indent: str, width: int) -> list[str]:
    """A long string literal within brackets as adjacent literals, broken before spaces: Python
    joins them back into the one string (a quoted type reads the same to the type checker)."""
    comma = "," if text.endswith(",") else ""
    literal = text.rstrip(",")
    quote, body = literal[0], literal[1:-1]
    room = max(20, width - len(indent) - 2)
    pieces: list[str] = []
    while len(body) > room:
        cut = body.rfind(" ", 1, room)
        if cut <= 0:
            break
        pieces.append(body[:cut])
        body = body[cut:]
    pieces.append(body)
    lines = [f"{indent}{quote}{piece}{quote}" for piece in pieces]
    lines[-1] += comma
    return lines


def import_line(module: str, name: str, indent: str = "", alias: str | None = None) -> list[str]:
    """``from module import name [as alias]``, parenthesized onto its own line when it is long."""
    target = f"{name} as {alias}" if alias else name
    line = f"{indent}from {module} import {target}"
    if len(line) <= WIDTH:
        return [line]
    return [f"{indent}from {module} import (", f"{indent}    {target},", f"{indent})"]
