"""``AsyncOpenAI``: the official SDK's asyncio call shapes over this client.

urllib3 is synchronous, so each call runs the synchronous client in a worker thread and the event
loop awaits it: ``await client.chat.completions.create(...)``, ``async for item in
client.files.list()`` (pages fetched as needed), ``async for chunk in await
client.chat.completions.create(..., stream=True)``, ``async with
client.chat.completions.stream(...) as stream``, ``async with
client.files.with_streaming_response.content(...) as response``. Every result is the synchronous
client's (the same models, errors, retries and middleware); what reads from the network (a stream's
next event, a page's next page, a raw body) is awaited the same way. A stream waiting for its next
event holds a worker thread; the pool is shared and sized for many concurrent calls.

Cancelling an awaiting task does not stop the call already running in its thread; its result is
dropped (a stream is closed when it is released).
"""

from __future__ import annotations

import asyncio
import functools
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Generic, Mapping, TypeVar

from ._binary import BinaryResponse
from ._client import OpenAI
from ._client_views import ResponseModeView
from ._models import BaseModel
from ._pagination import BasePage
from ._resource import SyncAPIResource
from ._response import APIResponse

__all__ = ["MAX_WORKER_THREADS", "AsyncAzureOpenAI", "AsyncBinaryResponse", "AsyncOpenAI", "AsyncPage", "AsyncStream"]

_T = TypeVar("_T")

MAX_WORKER_THREADS = 64
"""Worker threads shared by every async client: calls (and streams waiting for an event) beyond
this many wait for one to be free."""

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=MAX_WORKER_THREADS, thread_name_prefix="openai_urllib3-async")
        return _executor


async def _run(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_pool(), functools.partial(function, *args, **kwargs))


class _Done(Exception):
    """``next()`` ended, carried out of the worker thread (StopIteration cannot cross a future)."""


def _next(iterator: Any) -> Any:
    try:
        return next(iterator)
    except StopIteration:
        raise _Done from None


def _adapt(value: Any) -> Any:
    """The async face of a synchronous result: models, dicts and raw responses whose body is read
    as they are; what still reads from the network behind an awaitable or async iterator."""
    if value is None or isinstance(value, (str, bytes, int, float, dict, list, tuple)):
        return value
    if isinstance(value, BasePage):
        return AsyncPage(value)
    if isinstance(value, BaseModel):
        return value
    if isinstance(value, BinaryResponse):
        return AsyncBinaryResponse(value)
    if hasattr(value, "__next__") or (hasattr(value, "__iter__") and type(value).__module__.startswith("openai_urllib3")):
        return AsyncStream(value)
    if _is_namespace(value):
        return _AsyncNamespace(value)
    return value


def _is_namespace(value: Any) -> bool:
    """Whether ``value`` groups methods that do I/O: a resource, its raw or streaming view, a
    Realtime connection's event groups (``connection.conversation.item``)."""
    kind = type(value)
    module = kind.__module__
    return (
        isinstance(value, SyncAPIResource)
        or module.startswith("openai_urllib3.resources")
        or isinstance(value, ResponseModeView)
        or getattr(kind, "sends_events", False)
    )


class _Pending:
    """What an async method returns: awaited, the call's result; iterated with ``async for``, its
    items (a page's, across pages); entered with ``async with``, the context it opens (a stream
    manager, a streamed response), closed on exit."""

    __slots__ = ("_args", "_entered", "_function", "_kwargs")

    def __init__(self, function: Callable[..., Any], args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
        self._function = function
        self._args = args
        self._kwargs = kwargs
        self._entered: Any = None

    async def _result(self) -> Any:
        return await _run(self._function, *self._args, **self._kwargs)

    def __await__(self) -> Any:
        async def result() -> Any:
            return _adapt(await self._result())

        return result().__await__()

    def __aiter__(self) -> Any:
        return self._iterate()

    async def _iterate(self) -> Any:
        adapted = _adapt(await self._result())
        async for item in adapted:
            yield item

    async def __aenter__(self) -> Any:
        result = await self._result()
        if hasattr(result, "__enter__"):
            self._entered = result
            return _adapt_entered(await _run(result.__enter__))
        self._entered = _adapt(result)
        if hasattr(self._entered, "__aenter__"):
            return await self._entered.__aenter__()
        return self._entered

    async def __aexit__(self, *exc: Any) -> None:
        entered, self._entered = self._entered, None
        if entered is None:
            return
        if hasattr(entered, "__exit__"):
            await _run(entered.__exit__, *exc)
        elif hasattr(entered, "__aexit__"):
            await entered.__aexit__(*exc)


def _async_method(function: Callable[..., Any]) -> Callable[..., _Pending]:
    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> _Pending:
        return _Pending(function, args, kwargs)

    return call


class _AsyncNamespace:
    """A resource (``client.chat.completions``) or one of its views, whose methods are awaitable."""

    __slots__ = ("_target",)

    def __init__(self, target: Any) -> None:
        self._target = target

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if _is_namespace(value):
            return _AsyncNamespace(value)
        if callable(value) and not isinstance(value, type):
            return _async_method(value)
        return value

    def __repr__(self) -> str:
        return f"<async {self._target!r}>"


class AsyncStream(Generic[_T]):
    """A stream (``Stream``, ``ChatCompletionStream``, a Realtime connection, ...) read with
    ``async for``; its other methods are awaitable (``await stream.get_final_completion()``) and
    its attributes are the stream's."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._iterator: Any = None

    def __aiter__(self) -> AsyncStream[_T]:
        return self

    async def __anext__(self) -> _T:
        if self._iterator is None:
            self._iterator = iter(self._stream)
        try:
            item: _T = _adapt(await _run(_next, self._iterator))
        except _Done:
            raise StopAsyncIteration from None
        return item

    async def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            await _run(close)

    async def __aenter__(self) -> AsyncStream[_T]:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._stream, name)
        if callable(value) and not isinstance(value, type):
            return _async_method(value)
        if _is_namespace(value):
            return _AsyncNamespace(value)
        return value

    def __repr__(self) -> str:
        return f"<async {self._stream!r}>"


class AsyncPage:
    """A page: ``data`` and ``has_next_page()`` as they are, ``await page.get_next_page()``,
    ``async for item in page`` (every item, fetching pages as needed), ``async for p in
    page.iter_pages()``."""

    def __init__(self, page: BasePage[Any]) -> None:
        self._page = page

    def __getattr__(self, name: str) -> Any:
        return getattr(self._page, name)

    async def get_next_page(self) -> AsyncPage:
        return AsyncPage(await _run(self._page.get_next_page))

    async def iter_pages(self) -> Any:
        page: AsyncPage = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = await page.get_next_page()

    def __aiter__(self) -> Any:
        return self._items()

    async def _items(self) -> Any:
        async for page in self.iter_pages():
            for item in page._page.data:
                yield item

    def __len__(self) -> int:
        return len(self._page.data)

    def __repr__(self) -> str:
        return f"<async {self._page!r}>"


class AsyncBinaryResponse:
    """A binary body (speech, file content): ``await response.aread()``, ``async for chunk in
    response.aiter_bytes()``, ``await response.astream_to_file(path)``; the synchronous
    ``read()``, ``content`` and ``write_to_file()`` as the official SDK's async client has them."""

    def __init__(self, response: BinaryResponse) -> None:
        self._response = response

    def __getattr__(self, name: str) -> Any:
        return getattr(self._response, name)

    async def aread(self) -> bytes:
        body: bytes = await _run(self._response.read)
        return body

    async def aiter_bytes(self, chunk_size: int | None = None) -> Any:
        chunks = self._response.iter_bytes(chunk_size)
        while True:
            try:
                yield await _run(_next, chunks)
            except _Done:
                return

    async def astream_to_file(self, file: Any, *, chunk_size: int | None = None) -> None:
        await _run(self._response.stream_to_file, file, chunk_size=chunk_size)

    async def aclose(self) -> None:
        await _run(self._response.close)


class _AsyncStreamedResponse:
    """The response ``with_streaming_response`` opens, read without blocking the loop."""

    def __init__(self, response: APIResponse[Any]) -> None:
        self._response = response

    def __getattr__(self, name: str) -> Any:
        return getattr(self._response, name)

    async def parse(self) -> Any:
        return _adapt(await _run(self._response.parse))

    async def read(self) -> bytes:
        body: bytes = await _run(self._response.read)
        return body

    async def text(self) -> str:
        return (await self.read()).decode("utf-8", errors="replace")

    async def json(self) -> Any:
        return await _run(self._response.json)

    def _lines(self, iterator: Any) -> Any:
        async def items() -> Any:
            while True:
                try:
                    yield await _run(_next, iterator)
                except _Done:
                    return

        return items()

    def iter_bytes(self, chunk_size: int | None = None) -> Any:
        return self._lines(self._response.iter_bytes(chunk_size))

    def iter_text(self, chunk_size: int | None = None) -> Any:
        return self._lines(self._response.iter_text(chunk_size))

    def iter_lines(self) -> Any:
        return self._lines(self._response.iter_lines())

    async def stream_to_file(self, file: Any, *, chunk_size: int | None = None) -> None:
        await _run(self._response.stream_to_file, file, chunk_size=chunk_size)

    async def close(self) -> None:
        await _run(self._response.close)


def _adapt_entered(value: Any) -> Any:
    """What ``async with`` gives: a streamed response is read without blocking the loop."""
    if isinstance(value, APIResponse):
        return _AsyncStreamedResponse(value)
    return _adapt(value)


class AsyncOpenAI(_AsyncNamespace):
    """The async client: the same arguments as :class:`OpenAI`, every API method awaitable."""

    __slots__ = ()
    _sync_class: type[OpenAI] = OpenAI

    def __init__(self, *, _client: OpenAI | None = None, **options: Any) -> None:
        super().__init__(_client if _client is not None else self._sync_class(**options))

    @property
    def sync_client(self) -> OpenAI:
        """The synchronous client every call runs on (settings, transport and pool are its)."""
        client: OpenAI = self._target
        return client

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if name in _CLIENT_CALLS:
            return _async_method(value)
        if _is_namespace(value):
            return _AsyncNamespace(value)
        return value  # settings, webhooks (no I/O), ...

    def with_options(self, **options: Any) -> AsyncOpenAI:
        """A copy with some settings changed, sharing the connection pool (as :meth:`OpenAI.with_options`)."""
        return type(self)(_client=self._target.with_options(**options))

    copy = with_options

    async def close(self) -> None:
        await _run(self._target.close)

    async def __aenter__(self) -> AsyncOpenAI:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"<Async{repr(self._target)[1:]}"


_CLIENT_CALLS = frozenset({"get", "post", "put", "patch", "delete", "request", "send"})


def _azure_class() -> type[OpenAI]:
    from ._azure import AzureOpenAI

    return AzureOpenAI


class AsyncAzureOpenAI(AsyncOpenAI):
    """The async Azure client: :class:`AzureOpenAI`'s arguments, every API method awaitable."""

    __slots__ = ()

    def __init__(self, *, _client: OpenAI | None = None, **options: Any) -> None:
        super().__init__(_client=_client if _client is not None else _azure_class()(**options))
