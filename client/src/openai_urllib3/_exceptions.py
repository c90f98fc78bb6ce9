"""The error tree, with the official Python SDK's names so ``except`` clauses carry over.

    OpenAIError
    ├── APIError                      message, request, body, code, param, type
    │   ├── APIStatusError            status_code, response, request_id
    │   │   ├── BadRequestError            400
    │   │   ├── AuthenticationError        401
    │   │   ├── PermissionDeniedError      403
    │   │   ├── NotFoundError              404
    │   │   ├── ConflictError              409
    │   │   ├── UnprocessableEntityError   422
    │   │   ├── RateLimitError             429
    │   │   └── InternalServerError        >= 500
    │   ├── APIConnectionError
    │   │   └── APITimeoutError
    │   └── APIResponseValidationError
    ├── LengthFinishReasonError       structured output cut by the token limit
    ├── ContentFilterFinishReasonError structured output stopped by the content filter
    └── (argument errors are raised as TypeError / ValueError)

Every API error carries the request; status errors also carry the response, and
``dump_request()`` / ``dump_response()`` give the exchange as text with credentials redacted.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ._redact import redact_headers, redact_url, scrub_text

if TYPE_CHECKING:
    from ._http import Request, Response

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "ContentFilterFinishReasonError",
    "InternalServerError",
    "LengthFinishReasonError",
    "NotFoundError",
    "OpenAIError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseTooLargeError",
    "UnprocessableEntityError",
    "make_status_error",
]

_DUMP_BODY_LIMIT = 64 * 1024


class OpenAIError(Exception):
    """Base of every error this library raises on purpose."""


class APIError(OpenAIError):
    """A request was made and did not give a usable answer."""

    message: str
    request: Request
    body: object | None
    code: str | None
    param: str | None
    type: str | None

    def __init__(self, message: str, request: Request, *, body: object | None = None) -> None:
        # Scrubbed once here, so str(), repr(), tracebacks and log lines all show the same safe text
        # (``body`` keeps what the server sent).
        message = scrub_text(message)
        super().__init__(message)
        self.message = message
        self.request = request
        error = body.get("error") if isinstance(body, dict) else None
        # As the official SDK: ``body`` is the ``error`` object of an ``{"error": {...}}`` answer.
        self.body = error if isinstance(error, dict) else body
        source = error if isinstance(error, dict) else body if isinstance(body, dict) else {}
        self.code = _str_or_none(source.get("code"))
        self.param = _str_or_none(source.get("param"))
        self.type = _str_or_none(source.get("type"))

    def __str__(self) -> str:
        return scrub_text(self.message)

    def dump_request(self) -> str:
        """The request as HTTP/1.1 text, credentials redacted."""
        return dump_request(self.request)


class APIStatusError(APIError):
    """The server answered with a 4xx or 5xx status."""

    response: Response
    status_code: int
    request_id: str | None

    def __init__(self, message: str, *, response: Response, body: object | None) -> None:
        assert response.request is not None
        super().__init__(message, response.request, body=body)
        self.response = response
        self.status_code = response.status
        self.request_id = response.headers.get("x-request-id")

    def dump_response(self) -> str:
        """The response as HTTP/1.1 text (status line, headers, body), credentials redacted."""
        return dump_response(self.response)


class BadRequestError(APIStatusError):
    pass


class AuthenticationError(APIStatusError):
    pass


class PermissionDeniedError(APIStatusError):
    pass


class NotFoundError(APIStatusError):
    pass


class ConflictError(APIStatusError):
    pass


class UnprocessableEntityError(APIStatusError):
    pass


class RateLimitError(APIStatusError):
    pass


class InternalServerError(APIStatusError):
    pass


class APIConnectionError(APIError):
    """No complete response: the connection failed, was refused, reset or cut."""

    def __init__(self, message: str = "Connection error.", *, request: Request) -> None:
        super().__init__(message, request, body=None)


class APITimeoutError(APIConnectionError):
    """The server took longer than the timeout to connect or to send bytes."""

    def __init__(self, request: Request, message: str = "Request timed out.") -> None:
        super().__init__(message, request=request)


class ResponseTooLargeError(APIError):
    """A response body, or one event of a stream, grew past the client's ``max_response_bytes``
    (an endless body, a decompression bomb); the connection is closed and the call not retried."""

    limit: int

    def __init__(self, request: Request, limit: int, *, what: str = "The response body") -> None:
        super().__init__(
            f"{what} from {request.method} {redact_url(request.url)} is larger than max_response_bytes={limit}; "
            "raise the limit with OpenAI(max_response_bytes=...) if the answer is expected to be this large",
            request,
        )
        self.limit = limit


class APIResponseValidationError(APIError):
    """The server answered 2xx with a body that cannot be what was asked for (e.g. not JSON)."""

    response: Response
    status_code: int

    def __init__(self, message: str, *, response: Response, body: object | None = None) -> None:
        assert response.request is not None
        super().__init__(message, response.request, body=body)
        self.response = response
        self.status_code = response.status

    def dump_response(self) -> str:
        return dump_response(self.response)


class LengthFinishReasonError(OpenAIError):
    """A structured output could not be parsed: the model hit the token limit first."""

    def __init__(self, *, completion: object = None) -> None:
        super().__init__("Could not parse the response content: the length limit was reached (finish_reason 'length').")
        self.completion = completion


class ContentFilterFinishReasonError(OpenAIError):
    """A structured output could not be parsed: the content filter stopped the model."""

    def __init__(self) -> None:
        super().__init__("Could not parse the response content: the request was rejected by the content filter.")


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def error_class_for(status: int) -> type[APIStatusError]:
    if status >= 500:
        return InternalServerError
    return _STATUS_ERRORS.get(status, APIStatusError)


def make_status_error(response: Response) -> APIStatusError:
    """Build the typed error for an error response whose body has been read."""
    raw = response.read()
    body: Any
    try:
        body = json.loads(raw) if raw else None
    except (ValueError, RecursionError):  # not JSON, or nested past the stack: kept as text
        body = raw.decode("utf-8", errors="replace")
    request = response.request
    assert request is not None
    api_message = _api_message(body)
    reason = f" {response.reason}" if response.reason else ""
    message = f"Error code: {response.status}{reason} - {request.method} {redact_url(request.url)}"
    if api_message:
        message += f": {api_message}"
    return error_class_for(response.status)(message, response=response, body=body)


def _api_message(body: Any) -> str:
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
        if isinstance(error, str):
            return error
        if body.get("message"):
            return str(body["message"])
        return json.dumps(body)[:500]
    if isinstance(body, str):
        text = body.strip()
        if text.lstrip().lower().startswith(("<!doctype", "<html")):
            return "the server answered with an HTML page instead of JSON: " + _html_title(text)
        return text[:500]
    return ""


def _html_title(html: str) -> str:
    lower = html.lower()
    start, end = lower.find("<title>"), lower.find("</title>")
    if 0 <= start < end:
        return html[start + 7 : end].strip()[:200]
    return html[:200]


def _str_or_none(value: object) -> str | None:
    return None if value is None else str(value)


def _format_body(body: object) -> str:
    if body is None:
        return ""
    if isinstance(body, (bytes, bytearray)):
        text = bytes(body[:_DUMP_BODY_LIMIT]).decode("utf-8", errors="replace")
        if len(body) > _DUMP_BODY_LIMIT:
            text += f"\n... ({len(body) - _DUMP_BODY_LIMIT} more bytes)"
        return scrub_text(text)
    return "<streamed body, not retained>"


def dump_request(request: Request) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(request.url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    lines = [f"{request.method} {redact_url(target)} HTTP/1.1"]
    headers = dict(redact_headers(request.headers))
    if "host" not in {name.lower() for name in headers}:
        lines.append(f"Host: {parts.hostname or ''}{f':{parts.port}' if parts.port else ''}")
    lines.extend(f"{name}: {value}" for name, value in headers.items())
    return "\n".join(lines) + "\n\n" + _format_body(request.body)


def dump_response(response: Response) -> str:
    lines = [f"HTTP/1.1 {response.status} {response.reason}".rstrip()]
    lines.extend(f"{name}: {value}" for name, value in redact_headers(response.headers))
    try:
        body = response.read()
    except OpenAIError:
        body = b"<body could not be read>"
    return "\n".join(lines) + "\n\n" + _format_body(body)
