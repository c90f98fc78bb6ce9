"""``Stream[T]``: server-sent events turned into typed objects, with the connection always released.

The connection goes back to the pool when the stream ends, when an error is raised,
on ``close()``, when a ``with`` block ends, and when the stream object is dropped (a
``for`` loop broken out of). An event carrying an ``error`` object raises an
:class:`APIError` subclass chosen by the error's code, as for HTTP errors.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Callable, Generic, Iterator, TypeVar

from ._exceptions import (
    APIError,
    APIResponseValidationError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseTooLargeError,
)
from ._http import Response
from ._sse import EventTooLargeError, ServerSentEvent, SSEDecoder

_scan: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]

if TYPE_CHECKING:
    from ._client import OpenAI
    from ._request_spec import RequestSpec

__all__ = ["Stream", "StreamParser", "stream_error"]

_T = TypeVar("_T")

_CODE_STATUS = {
    "rate_limit_exceeded": 429,
    "rate_limit_error": 429,
    "insufficient_quota": 429,
    "requests": 429,
    "tokens": 429,
    "server_error": 500,
    "internal_error": 500,
    "server_is_overloaded": 503,
    "overloaded": 503,
    "invalid_request_error": 400,
    "context_length_exceeded": 400,
    "invalid_prompt": 400,
    "bad_request": 400,
    "invalid_api_key": 401,
    "authentication_error": 401,
    "permission_denied": 403,
    "not_found": 404,
}
_STATUS_CLASS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
    500: InternalServerError,
    503: InternalServerError,
}


def stream_error(payload: dict[str, Any], event: ServerSentEvent, response: Response) -> APIError:
    """The typed error for an ``error`` object received inside a stream."""
    error = payload.get("error") if isinstance(payload.get("error"), dict) else payload
    assert isinstance(error, dict)
    code = error.get("code")
    kind = error.get("type")
    status = _CODE_STATUS.get(str(code)) or _CODE_STATUS.get(str(kind))
    message = str(error.get("message") or f"The stream reported an error: {json.dumps(error)[:300]}")
    request = response.request
    assert request is not None
    text = f"Error in stream ({code or kind or 'no code'}) - {request.method} {request.url}: {message}"
    body = {"error": error}
    result: APIError
    if status is None:
        result = APIError(text, request, body=body)
    else:
        result = _STATUS_CLASS[status](text, response=response, body=body)
        result.status_code = status
    result.event = event  # type: ignore[attr-defined]
    return result


class Stream(Generic[_T]):
    """An iterator over typed stream items and a context manager; see the module docstring."""

    def __init__(self, response: Response, convert: Callable[[Any, ServerSentEvent], _T | None], *, done: str | None = "[DONE]") -> None:
        self.response = response
        self._convert = convert
        self._done = done
        self._iterator: Iterator[_T] | None = None
        self._closed = False

    @classmethod
    def __response_parser__(cls, item: Callable[[Any], Any] | None) -> StreamParser[Any]:
        """The parser of a stream whose events' payloads ``item`` builds. An Assistants event
        (named ``thread.*``) is built from ``{"event": <its name>, "data": <its payload>}``, as
        the official SDK's streams do, so ``event.event == "thread.run.created"``."""
        convert: Callable[[Any], Any] = item if item is not None else _same

        def convert_event(payload: Any, event: ServerSentEvent) -> Any:
            name = event.event
            if name is not None and name.startswith("thread."):
                return convert({"event": name, "data": payload})
            return convert(payload)

        return StreamParser(convert_event)

    @property
    def request_id(self) -> str | None:
        return self.response.headers.get("x-request-id")

    def __iter__(self) -> Stream[_T]:
        return self

    def __next__(self) -> _T:
        if self._iterator is None:
            if self._closed:
                raise StopIteration
            self._iterator = self._items()
        try:
            return next(self._iterator)
        except BaseException:
            self.close()
            raise

    def _items(self) -> Iterator[_T]:
        decoder = SSEDecoder(self.response.max_bytes)
        done = self._done
        convert = self._convert
        chunks = self.response.iter_bytes()
        for chunk in chunks:
            try:
                events = decoder.feed(chunk)
            except EventTooLargeError:
                assert self.response.request is not None and self.response.max_bytes is not None
                raise ResponseTooLargeError(self.response.request, self.response.max_bytes, what="A stream event") from None
            for event in events:
                data = event.data
                if done is not None and data == done:
                    _drain(chunks)
                    return
                if data.startswith("{"):
                    # The C scanner straight away: json.loads would first match whitespace at
                    # both ends (two regex calls per event, a tenth of the per-event cost).
                    try:
                        payload, end = _scan(data, 0)
                    except (StopIteration, ValueError, RecursionError):
                        raise self._malformed(event) from None
                    if end != len(data) and data[end:].strip():
                        raise self._malformed(event)
                    if ("error" in payload and isinstance(payload["error"], dict)) or event.event == "error":
                        raise stream_error(payload, event, self.response)
                else:
                    try:
                        payload = json.loads(data)
                    except (ValueError, RecursionError):
                        raise self._malformed(event) from None
                item = convert(payload, event)
                if item is not None:
                    yield item

    def _malformed(self, event: ServerSentEvent) -> APIResponseValidationError:
        return APIResponseValidationError(f"A stream event is not valid JSON: {event.data[:200]!r}", response=self.response, body=event.data)

    def until_done(self) -> Stream[_T]:
        """Consume the rest of the stream."""
        for _ in self:
            pass
        return self

    def close(self) -> None:
        """Release the connection (idempotent)."""
        if not self._closed:
            self._closed = True
            self.response.close()
            if self._iterator is not None:
                iterator, self._iterator = self._iterator, None
                iterator.close()  # type: ignore[attr-defined]

    def __enter__(self) -> Stream[_T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        # A loop broken out of drops the stream; give the connection back then.
        try:
            self.close()
        except Exception:
            pass


def _same(value: Any) -> Any:
    return value


def _drain(chunks: Iterator[bytes], budget: int = 65536) -> None:
    """Read what follows the end marker (normally just the chunked terminator) so the
    connection goes back to the pool instead of being closed; give up past ``budget`` bytes."""
    for chunk in chunks:
        budget -= len(chunk)
        if budget < 0:
            return


class StreamParser(Generic[_T]):
    """A response parser producing a :class:`Stream` whose items are built with ``convert``."""

    __slots__ = ("convert", "done")
    streams = True  # the client leaves the body unread

    def __init__(self, convert: Callable[[Any, ServerSentEvent], _T | None], done: str | None = "[DONE]") -> None:
        self.convert = convert
        self.done = done

    def __call__(self, response: Response, client: OpenAI, spec: RequestSpec) -> Stream[_T]:
        return Stream(response, self.convert, done=self.done)


def model_converter(cls: Callable[[Any], _T]) -> Callable[[Any, ServerSentEvent], _T | None]:
    """Build each event's JSON object with ``cls`` (a model class or converter)."""

    def convert(payload: Any, event: ServerSentEvent) -> _T | None:
        return cls(payload) if isinstance(payload, dict) else payload

    return convert
