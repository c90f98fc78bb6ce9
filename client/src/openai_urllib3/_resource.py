"""The base of every resource, and the ``with_raw_response`` / ``with_streaming_response`` wrappers."""

from __future__ import annotations

import copy
import functools
from typing import TYPE_CHECKING, Any, Callable, Generic, TypeVar, cast

from ._response import APIResponse

if TYPE_CHECKING:
    from typing_extensions import ParamSpec

    from ._client import OpenAI

    _P = ParamSpec("_P")

__all__ = ["ResponseContextManager", "ResponseModeClient", "SyncAPIResource", "to_raw_response_wrapper", "to_streamed_response_wrapper"]

_R = TypeVar("_R")


class SyncAPIResource:
    """A group of API methods bound to one client."""

    def __init__(self, client: OpenAI) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._client!r}>"


class ResponseModeClient:
    """The client as a ``with_raw_response`` / ``with_streaming_response`` method sees it: the
    call it makes answers an :class:`APIResponse`; everything else is the client's own (a page's
    next page, fetched by the client itself, is parsed as usual)."""

    __slots__ = ("_client", "_mode")

    def __init__(self, client: OpenAI, mode: str) -> None:
        self._client = client
        self._mode = mode

    def request(self, *args: Any, **kwargs: Any) -> Any:
        return self._client.request(*args, mode=self._mode, **kwargs)

    def send(self, *args: Any, **kwargs: Any) -> Any:
        return self._client.send(*args, mode=self._mode, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


def _in_mode(func: Callable[..., Any], mode: str) -> Callable[..., Any]:
    """``func``, a resource's bound method, run on a copy of its resource whose client answers in ``mode``."""
    resource = getattr(func, "__self__", None)
    if not isinstance(resource, SyncAPIResource):
        raise TypeError(f"{func!r} is not a method of an API resource")
    function: Callable[..., Any] = cast(Any, func).__func__

    def call(*args: Any, **kwargs: Any) -> Any:
        view = copy.copy(resource)
        view._client = cast("OpenAI", ResponseModeClient(resource._client, mode))
        return function(view, *args, **kwargs)

    return call


def to_raw_response_wrapper(func: Callable[_P, _R]) -> Callable[_P, APIResponse[_R]]:
    """Make ``func`` return the call's :class:`APIResponse` (body read) instead of the parsed result."""
    return cast("Callable[_P, APIResponse[_R]]", functools.wraps(func)(_in_mode(func, "raw")))


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

    streaming = _in_mode(func, "stream")

    @functools.wraps(func)
    def wrapped(*args: Any, **kwargs: Any) -> ResponseContextManager[_R]:
        return ResponseContextManager(lambda: cast("APIResponse[_R]", streaming(*args, **kwargs)))

    return wrapped
