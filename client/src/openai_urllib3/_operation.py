"""Running one API operation from its generated description: path, query, headers, body, and
what to build from the answer. Generated resource methods are one call into :func:`call` (or
:func:`call_stream` when asked to stream); an operation is typed by what it returns, so the call is
too."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Generic, Mapping, TypeVar, cast

from ._options import RequestOptions, split_options
from ._request_spec import RequestSpec
from ._response import ResponseParser, make_parser, streams
from ._types import NotGiven, Omit
from ._url import path_segment

if TYPE_CHECKING:
    from ._client import OpenAI
    from ._streaming import Stream

__all__ = ["Operation", "call", "call_stream", "request_spec"]

Factory = Callable[[], Callable[[Any], Any]]
Result = TypeVar("Result")
Event = TypeVar("Event")
# An operation only produces its result and events: covariant, so an operation streaming typed
# events is one streaming BaseModels.
_Result_co = TypeVar("_Result_co", covariant=True)
_Event_co = TypeVar("_Event_co", covariant=True)


class Operation(Generic[_Result_co, _Event_co]):
    """One operation of the spec, as the generator described it: ``Operation[Result, Event]``
    answers with a ``Result``, or, asked to stream, with a stream of ``Event``.

    ``query`` and ``headers`` map keyword names to wire names; ``files`` names the multipart
    fields that hold files; ``response`` is ``model``, ``page``, ``binary``, ``json`` or
    ``none``; the factories build converters on first use, so no type is imported before it is
    needed. ``admin``: an admin API operation (the spec's ``AdminApiKeyAuth``).
    """

    __slots__ = (
        "_item",
        "_parsers",
        "_stream_item",
        "admin",
        "body",
        "files",
        "headers",
        "item",
        "method",
        "page",
        "path",
        "path_params",
        "query",
        "response",
        "stream_item",
    )

    def __init__(
        self,
        method: str,
        path: str,
        *,
        path_params: tuple[str, ...] = (),
        query: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        body: str | None = None,
        files: tuple[str, ...] = (),
        response: str = "json",
        item: Factory | None = None,
        page: str | None = None,
        stream_item: Factory | None = None,
        admin: bool = False,
    ) -> None:
        self.method = method
        self.path = path
        self.path_params = path_params
        self.query = dict(query or {})
        self.headers = dict(headers or {})
        self.body = body
        self.files = files
        self.response = response
        self.item = item
        self.page = page
        self.stream_item = stream_item
        self.admin = admin
        self._item: Callable[[Any], Any] | None = None
        self._stream_item: Callable[[Any], Any] | None = None
        self._parsers: dict[bool, tuple[ResponseParser[Any], bool]] = {}  # by streaming: built once (they hold no state)

    def item_converter(self) -> Callable[[Any], Any] | None:
        if self._item is None and self.item is not None:
            self._item = self.item()
        return self._item

    def stream_converter(self) -> Callable[[Any], Any] | None:
        if self._stream_item is None and self.stream_item is not None:
            self._stream_item = self.stream_item()
        return self._stream_item

    def __repr__(self) -> str:
        return f"Operation({self.method} {self.path})"


def _parser(operation: Operation[Any, Any], streaming: bool) -> tuple[ResponseParser[Any], bool]:
    """What builds the operation's result (or, ``streaming``, its stream), from the one factory,
    and whether it reads the body as it arrives."""
    built = operation._parsers.get(streaming)
    if built is None:
        parser = make_parser(_result_class(operation, streaming), operation.stream_converter() if streaming else operation.item_converter())
        built = operation._parsers[streaming] = (parser, streams(parser))
    return built


def _result_class(operation: Operation[Any, Any], streaming: bool) -> Any:
    if streaming:
        from ._streaming import Stream

        return Stream
    kind = operation.response
    if kind == "model":
        from ._models import BaseModel

        return BaseModel if operation.item is not None else dict
    if kind == "page":
        from ._pagination import CursorPage, NextCursorPage, PageNumberPage, SyncPage

        return {"cursor": CursorPage, "next": NextCursorPage, "number": PageNumberPage}.get(operation.page or "", SyncPage)
    if kind == "binary":
        from ._binary import BinaryResponse

        return BinaryResponse
    return None if kind == "none" else dict


def call(client: OpenAI, operation: Operation[Result, Any], path_values: Mapping[str, str], kwargs: Mapping[str, Any], *, stream: bool | None = None) -> Result:
    """Send ``operation`` with the method's arguments and build its result (``stream``: the flag
    sent to an operation that can stream, when the caller passed ``False``)."""
    result: Result = _send(client, operation, path_values, kwargs, stream)
    return result


def call_stream(client: OpenAI, operation: Operation[Any, Event], path_values: Mapping[str, str], kwargs: Mapping[str, Any]) -> Stream[Event]:
    """Send ``operation`` asking it to stream; its events, as they come."""
    events: Stream[Event] = _send(client, operation, path_values, kwargs, True)
    return events


def _send(client: OpenAI, operation: Operation[Any, Any], path_values: Mapping[str, str], kwargs: Mapping[str, Any], stream: bool | None) -> Any:
    parser, streaming = _parser(operation, bool(stream))
    return client.send(request_spec(operation, path_values, kwargs, stream), parser=parser, stream=streaming)


def request_spec(operation: Operation[Any, Any], path_values: Mapping[str, str], kwargs: Mapping[str, Any], stream: bool | None = None) -> RequestSpec:
    """The request an operation makes of a method's arguments: the path filled in, query and
    header arguments sent where the spec puts them, the rest as the body (JSON, a multipart form
    or raw bytes), the request options kept apart."""
    params, options = split_options(kwargs)
    # NOT_GIVEN / not_given / omit as an argument's value mean "not passed", as in the official SDK.
    params = {name: value for name, value in params.items() if not isinstance(value, (NotGiven, Omit))}
    path = operation.path
    for name in operation.path_params:
        path = path.replace("{" + name + "}", path_segment(path_values[name], name))
    query = {wire: params.pop(name) for name, wire in operation.query.items() if name in params}
    if operation.headers:
        extra = {wire: _header_value(params.pop(name)) for name, wire in operation.headers.items() if name in params}
        if extra:
            options = {**options, "extra_headers": {**extra, **(options.get("extra_headers") or {})}}
    if stream is not None:
        if "stream" in operation.query:  # a GET that streams (responses.retrieve): a query flag
            query[operation.query["stream"]] = stream
        else:
            params["stream"] = stream
    content: Any = None
    content_type: str | None = None
    body: Any = None
    if operation.body == "json":
        body = params
    elif operation.body == "multipart":
        from ._files import encode_multipart

        extra_body = options.get("extra_body")
        if extra_body:  # extra fields are form fields of a multipart upload, as the official SDK sends them
            params = {**params, **extra_body}
            options = cast(RequestOptions, {name: value for name, value in options.items() if name != "extra_body"})
        body = params  # not sent as JSON (content is), but kept for Azure routing and pages
        multipart = encode_multipart(params, operation.files)
        content, content_type = multipart, multipart.content_type
        length = multipart.length
        if length is not None:
            options = {**options, "extra_headers": {"Content-Length": str(length), **(options.get("extra_headers") or {})}}
    elif operation.body == "raw":
        raw = params.pop("body", None)
        content = raw.encode("utf-8") if isinstance(raw, str) else raw
        content_type = params.pop("content_type", None) or "application/octet-stream"
    elif params:
        unknown = ", ".join(sorted(params))
        raise TypeError(f"{operation.method} {operation.path} takes no body; unexpected argument(s): {unknown}")
    return RequestSpec(operation.method, path, query=query or None, body=body, content=content, content_type=content_type, options=options, admin=operation.admin)


def _header_value(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ",".join(str(item) for item in value)
    return str(value)
