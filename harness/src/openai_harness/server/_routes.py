"""Route patterns: ``"POST /chat/completions"``, ``"/models/{model}"``, ``"GET /files/*"``, ``"*"``.

Paths are matched relative to the API root, so ``/v1/models`` and ``/models`` are the
same route. ``{name}`` and ``*`` match one path segment, ``**`` any number.
"""

from __future__ import annotations

import re
from typing import Pattern

__all__ = ["API_PREFIX", "RoutePattern", "api_path", "azure_api_path"]

API_PREFIX = "/v1"
_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "*"})


def api_path(path: str) -> str:
    """The path relative to the API root (``/v1/models`` -> ``/models``)."""
    if path == API_PREFIX:
        return "/"
    if path.startswith(API_PREFIX + "/"):
        return path[len(API_PREFIX) :]
    return path


def azure_api_path(path: str) -> tuple[str, str | None]:
    """An Azure OpenAI path as the API path it stands for, and its deployment:
    ``/openai/deployments/{d}/chat/completions`` -> (``/chat/completions``, ``d``),
    ``/openai/files`` -> (``/files``, None); any other path as it is."""
    if not path.startswith("/openai/"):
        return path, None
    rest = path[len("/openai") :]
    if rest.startswith("/deployments/"):
        deployment, _, tail = rest[len("/deployments/") :].partition("/")
        if deployment and tail:
            return "/" + tail, deployment
    return rest, None


class RoutePattern:
    """A method and path pattern; ``matches(method, path)``."""

    __slots__ = ("method", "regex", "text")

    def __init__(self, text: str) -> None:
        if not isinstance(text, str) or not text.strip():
            raise ValueError("A route pattern must be a non-empty string such as 'POST /chat/completions'")
        self.text = text.strip()
        method, _, path = self.text.partition(" ")
        if not path:
            method, path = "*", method
        method = method.upper()
        if method not in _METHODS:
            raise ValueError(f"Route pattern {text!r}: unknown method {method!r}")
        path = path.strip()
        if path != "*" and not path.startswith("/"):
            raise ValueError(f"Route pattern {text!r}: the path must start with '/' (or be '*')")
        self.method = method
        self.regex: Pattern[str] = _compile(api_path(path))

    def matches(self, method: str, path: str) -> bool:
        return (self.method == "*" or self.method == method) and self.regex.fullmatch(path) is not None

    def __repr__(self) -> str:
        return f"RoutePattern({self.text!r})"


def _compile(path: str) -> Pattern[str]:
    if path in ("*", "/**"):
        return re.compile(r".*")
    parts = []
    for segment in path.strip("/").split("/"):
        if segment == "**":
            parts.append(r"(?:[^/]+(?:/[^/]+)*)?")
        elif segment == "*" or (segment.startswith("{") and segment.endswith("}")):
            parts.append(r"[^/]+")
        else:
            parts.append(re.escape(segment))
    return re.compile("/" + "/".join(parts) + "/?")
