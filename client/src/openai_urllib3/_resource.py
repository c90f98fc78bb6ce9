"""The base of every resource, and the ``with_raw_response`` / ``with_streaming_response`` wrappers."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Callable, Generic, TypeVar, cast

from ._client import response_mode
from ._response import APIResponse

if TYPE_CHECKING:
    from typing_extensions import ParamSpec

    from ._client import OpenAI

    _P = ParamSpec("_P")

__all__ = ["ResponseContextManager", "SyncAPIResource", "to_raw_response_wrapper", "to_streamed_response_wrapper"]

_R = TypeVar("_R")


class SyncAPIResource:
    """A group of API methods bound to one client."""

    def __init__(self, client: OpenAI) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._client!r}>"


def to_raw_response_wrapper(func: Callable[_P, _R]) -> Callable[_P, APIResponse[_R]]:
    """Make ``func`` return the call's :class:`APIResponse` (body read) instead of the parsed result."""

    @functools.wraps(func)
    def wrapped(*args: Any, **kwargs: Any) -> APIResponse[_R]:
        token = response_mode.set("raw")
        try:
            return cast("APIResponse[_R]", func(*args, **kwargs))
        finally:
            response_mode.reset(token)

    return wrapped


class ResponseContextManager(Generic[_R]):
    """Makes the request on ``__enter__``; closes the response on ``__exit__``."""

    def __init__(self, call: Callable[[], APIResponse[_R]]) -> None:
        self._call = call
        self._response: APIResponse[_R] | None = None

    def __enter__(self) -> APIResponse[_R]:
        self._response = self._call()
        return self._response

    def __exit__(self, *exc: object) -> None:
        if self._response is not None:
            self._response.close()


def to_streamed_response_wrapper(func: Callable[_P, _R]) -> Callable[_P, ResponseContextManager[_R]]:
    """Make ``func`` return a context manager over the unread :class:`APIResponse`."""

    @functools.wraps(func)
    def wrapped(*args: Any, **kwargs: Any) -> ResponseContextManager[_R]:
        def call() -> APIResponse[_R]:
            token = response_mode.set("stream")
            try:
                return cast("APIResponse[_R]", func(*args, **kwargs))
            finally:
                response_mode.reset(token)

        return ResponseContextManager(call)

    return wrapped
