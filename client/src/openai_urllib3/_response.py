"""Turning an HTTP response into what the caller asked for, and raw access to it.

:func:`make_parser` turns what a call asks for (``cast_to``: a model class, ``dict``, a page or
stream class, ``APIResponse`` for the raw response, ...) into the :class:`ResponseParser` that
builds it; generated operations and custom requests both get theirs there.
"""

from __future__ import annotations

import datetime
import json
import os
from typing import TYPE_CHECKING, Any, Callable, Generic, Iterator, Mapping, Protocol, TypeVar, cast, get_args, get_origin

from ._exceptions import APIResponseValidationError
from ._http import Request, Response
from ._models import BaseModel
from ._redact import redact_url

if TYPE_CHECKING:
    from ._client import OpenAI
    from ._request_spec import RequestSpec

__all__ = ["APIResponse", "ModelParser", "ResponseParser", "make_parser", "parse_json", "streams"]

_T = TypeVar("_T")
_T_co = TypeVar("_T_co", covariant=True)


class ResponseParser(Protocol[_T_co]):
    """Builds the result of a call from its final response (which it must close or read)."""

    def __call__(self, response: Response, client: OpenAI, spec: RequestSpec) -> _T_co: ...


def parse_json(response: Response) -> Any:
    """Decode a JSON body, with a clear error when the server sent something else."""
    raw = response.read()
    try:
        try:
            text = raw.decode("utf-8")  # what the API sends; decoding first spares json its encoding sniffing
        except UnicodeDecodeError:
            return json.loads(raw)  # UTF-16/32, which JSON allows
        return json.loads(text[1:] if text.startswith("\ufeff") else text)  # a BOM, as json.loads(bytes) allows
    except RecursionError:
        raise APIResponseValidationError(
            f"The JSON body from {response.request.method if response.request else ''} {response.request.url if response.request else ''} nests too deeply to decode",
            response=response,
        ) from None
    except ValueError:
        content_type = response.headers.get("content-type", "")
        snippet = raw[:200].decode("utf-8", errors="replace")
        raise APIResponseValidationError(
            f"Expected a JSON body from {response.request.method if response.request else ''} "
            f"{response.request.url if response.request else ''} but got {content_type or 'no content type'}: {snippet!r}",
            response=response,
            body=snippet,
        ) from None


def require_object(data: Any, cls: type, response: Response) -> dict[str, Any]:
    """``data`` when it is a JSON object, as a typed call needs; else the documented error."""
    if not isinstance(data, dict):
        snippet = json.dumps(data)[:200] if not isinstance(data, (bytes, bytearray)) else repr(data[:200])
        raise APIResponseValidationError(f"Expected a JSON object for {cls.__name__}, got {type(data).__name__}: {snippet}", response=response, body=data)
    return data


class ModelParser:
    """Builds a model from a JSON object with ``convert`` (a model class, or the converter of a
    union of them); a ``text/plain`` answer is returned as its text, as the official SDK does
    (transcriptions with ``response_format`` text, srt or vtt)."""

    __slots__ = ("convert",)

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        self.convert = convert

    def __call__(self, response: Response, client: OpenAI, spec: RequestSpec) -> Any:
        if response.headers.get("content-type", "").startswith("text/plain"):
            return response.read().decode("utf-8", errors="replace")
        data = parse_json(response)
        convert = self.convert
        if not isinstance(data, dict):
            # A typed call whose answer is not an object fails as documented, not later in user code.
            target = convert
            name = getattr(target, "type_name", None)
            if name is not None:
                from .types._ref import resolve

                target = resolve(name)
            if isinstance(target, type) and issubclass(target, BaseModel):
                require_object(data, target, response)
        value = convert(data)
        if hasattr(value, "_request_id"):
            value._request_id = response.headers.get("x-request-id")
        return value


def _json_parser(response: Response, client: OpenAI, spec: RequestSpec) -> Any:
    return parse_json(response)


def _bytes_parser(response: Response, client: OpenAI, spec: RequestSpec) -> Any:
    return response.read()


def _text_parser(response: Response, client: OpenAI, spec: RequestSpec) -> Any:
    return response.read().decode("utf-8", errors="replace")


def _none_parser(response: Response, client: OpenAI, spec: RequestSpec) -> Any:
    response.close()
    return None


def make_parser(cast_to: Any, item: Callable[[Any], Any] | None = None) -> ResponseParser[Any]:
    """The parser for what a call asks for; every call's parser is made here.

    ``cast_to`` is a model class, ``dict``, ``list``, ``bytes``, ``str``, ``None``,
    :class:`APIResponse`, a class that builds its own parser (pages, :class:`Stream`,
    :class:`BinaryResponse`; generic ones as ``CursorPage[Model]``), or any
    :class:`ResponseParser`. ``item`` builds what a model, page or stream holds when it is not
    the class itself (the converter of a union, a type not imported yet)."""
    origin = get_origin(cast_to)
    if isinstance(origin, type):  # dict[str, Any], CursorPage[Model], Stream[ChatCompletionChunk]
        arguments = get_args(cast_to)
        if item is None and len(arguments) == 1 and (hasattr(origin, "__response_parser__") or issubclass(origin, BaseModel)):
            item = arguments[0]
        cast_to = origin
    if cast_to is dict or cast_to is list or cast_to is object:
        return _json_parser
    if cast_to is bytes:
        return _bytes_parser
    if cast_to is str:
        return _text_parser
    if cast_to is None or cast_to is type(None):
        return _none_parser
    if cast_to is APIResponse:
        return _raw_marker
    own = getattr(cast_to, "__response_parser__", None)
    if own is not None:
        parser: ResponseParser[Any] = own(item)
        return parser
    if isinstance(cast_to, type) and issubclass(cast_to, BaseModel):
        return ModelParser(item if item is not None else cast_to)
    if callable(cast_to):
        return cast("ResponseParser[Any]", cast_to)
    raise TypeError(f"cast_to must be a model class, dict, list, bytes, str, None or APIResponse, got {cast_to!r}")


def streams(parser: ResponseParser[Any]) -> bool:
    """Whether ``parser`` reads the body as it arrives (a stream, a binary body), so the client
    must not read it first."""
    return bool(getattr(parser, "streams", False))


def _raw_marker(response: Response, client: OpenAI, spec: RequestSpec) -> Any:  # replaced by the client
    raise AssertionError("unreachable")


class APIResponse(Generic[_T]):
    """The raw response of one call: status, headers, timing, and ``parse()`` for the typed result."""

    def __init__(
        self,
        http_response: Response,
        *,
        parser: ResponseParser[_T],
        client: OpenAI,
        spec: RequestSpec,
        retries_taken: int,
        elapsed: float,
    ) -> None:
        self.http_response = http_response
        self.retries_taken = retries_taken
        """How many retries were made before this response (0 if the first attempt succeeded)."""
        self.elapsed = datetime.timedelta(seconds=elapsed)
        """From the first attempt's start until this response's headers arrived (a ``timedelta``,
        as the official SDK's ``httpx.Response.elapsed``)."""
        self._parser = parser
        self._client = client
        self._spec = spec
        self._parsed: Any = _UNSET

    @property
    def status_code(self) -> int:
        return self.http_response.status

    @property
    def headers(self) -> Mapping[str, str]:
        return self.http_response.headers

    @property
    def http_request(self) -> Request:
        request = self.http_response.request
        assert request is not None
        return request

    @property
    def url(self) -> str:
        return self.http_request.url

    @property
    def method(self) -> str:
        return self.http_request.method

    @property
    def request_id(self) -> str | None:
        return self.http_response.headers.get("x-request-id")

    def parse(self) -> _T:
        """The typed result, built once."""
        if self._parsed is _UNSET:
            self._parsed = self._parser(self.http_response, self._client, self._spec)
        return cast(_T, self._parsed)

    def read(self) -> bytes:
        return self.http_response.read()

    @property
    def content(self) -> bytes:
        return self.read()

    @property
    def text(self) -> str:
        return self.read().decode("utf-8", errors="replace")

    def json(self) -> Any:
        return parse_json(self.http_response)

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body as it arrives; the connection is released when it ends or breaks."""
        try:
            yield from self.http_response.iter_bytes(chunk_size)
        finally:
            self.http_response.close()

    def iter_text(self, chunk_size: int | None = None) -> Iterator[str]:
        import codecs

        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        for chunk in self.iter_bytes(chunk_size):
            text = decoder.decode(chunk)
            if text:
                yield text
        tail = decoder.decode(b"", final=True)
        if tail:
            yield tail

    def iter_lines(self) -> Iterator[str]:
        """Lines of the body without their line ends (CR, LF or CRLF)."""
        pending = ""
        for text in self.iter_text():
            pending += text
            lines = pending.splitlines(keepends=True)
            pending = ""
            if lines and not lines[-1].endswith(("\n", "\r")):
                pending = lines.pop()
            elif lines and lines[-1].endswith("\r"):
                # A CR may be the first half of a CRLF split across reads.
                pending = lines.pop()
            for line in lines:
                yield line.rstrip("\r\n")
        if pending:
            for line in pending.splitlines():
                yield line

    def stream_to_file(self, file: str | os.PathLike[str], *, chunk_size: int | None = None) -> None:
        """Write the body to ``file`` as it arrives (the official SDK's streamed binary responses)."""
        with open(file, "wb") as out:
            for chunk in self.iter_bytes(chunk_size):
                out.write(chunk)

    def close(self) -> None:
        self.http_response.close()

    def __enter__(self) -> APIResponse[_T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<APIResponse [{self.status_code}] {self.method} {redact_url(str(self.url))}>"


_UNSET: Any = object()

ParserFn = Callable[[Response, "OpenAI", "RequestSpec"], Any]
