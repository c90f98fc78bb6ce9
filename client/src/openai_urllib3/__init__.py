"""A light, fast client for the OpenAI API, built on urllib3 alone.

    from openai_urllib3 import OpenAI

    client = OpenAI()  # OPENAI_API_KEY from the environment
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}])
    print(reply.choices[0].message.content)
"""

from __future__ import annotations

from ._client import DEFAULT_TIMEOUT, OpenAI
from ._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    OpenAIError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from ._http import Headers, Request, Response
from ._logging import logging_middleware
from ._middleware import Middleware, Next
from ._models import BaseModel
from ._options import RequestOptions
from ._pagination import CursorPage, SyncPage
from ._response import APIResponse
from ._retry import RetryPolicy
from ._transport import Transport, Urllib3Transport
from ._types import NOT_GIVEN, NotGiven, Omit, Timeout, omit
from ._version import __version__

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "BaseModel",
    "ConflictError",
    "CursorPage",
    "DEFAULT_TIMEOUT",
    "Headers",
    "InternalServerError",
    "Middleware",
    "NOT_GIVEN",
    "Next",
    "NotFoundError",
    "NotGiven",
    "Omit",
    "OpenAI",
    "OpenAIError",
    "PermissionDeniedError",
    "RateLimitError",
    "Request",
    "RequestOptions",
    "Response",
    "RetryPolicy",
    "SyncPage",
    "Timeout",
    "Transport",
    "UnprocessableEntityError",
    "Urllib3Transport",
    "__version__",
    "logging_middleware",
    "omit",
]
