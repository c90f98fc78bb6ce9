"""Middleware: ``fn(request, call_next) -> response``, composed once, run on every attempt.

The chain sits inside the retry loop, so a middleware sees each attempt (its
``request.attempt`` and ``X-Stainless-Retry-Count`` say which) and each response,
including the error responses that will be retried.
"""

from __future__ import annotations

from typing import Callable, Sequence

from ._http import Request, Response

__all__ = ["Middleware", "Next", "compose"]

Next = Callable[[Request], Response]
Middleware = Callable[[Request, Next], Response]


def _link(middleware: Middleware, call_next: Next) -> Next:
    def step(request: Request) -> Response:
        return middleware(request, call_next)

    return step


def compose(middleware: Sequence[Middleware], handler: Next) -> Next:
    """One callable running ``middleware`` left to right around ``handler``."""
    for item in reversed(middleware):
        if not callable(item):
            raise TypeError(f"middleware must be callable as fn(request, call_next), got {item!r}")
        handler = _link(item, handler)
    return handler
