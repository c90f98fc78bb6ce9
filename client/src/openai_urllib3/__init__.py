"""A light, fast client for the OpenAI API, built on urllib3 alone.

    from openai_urllib3 import OpenAI

    client = OpenAI()  # OPENAI_API_KEY from the environment
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}])
    print(reply.choices[0].message.content)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._binary import BinaryResponse
from ._client import DEFAULT_TIMEOUT, OpenAI
from ._data_residency import DataResidency
from ._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ContentFilterFinishReasonError,
    InternalServerError,
    LengthFinishReasonError,
    NotFoundError,
    OpenAIError,
    PermissionDeniedError,
    RateLimitError,
    ResponseTooLargeError,
    UnprocessableEntityError,
)
from ._files import FileTypes
from ._http import Headers, Request, Response
from ._logging import logging_middleware
from ._middleware import Middleware, Next
from ._models import BaseModel
from ._options import RequestOptions
from ._pagination import BasePage, CursorPage, NextCursorPage, PageNumberPage, SyncPage
from ._response import APIResponse
from ._retry import RetryPolicy
from ._sse import ServerSentEvent, SSEDecoder
from ._streaming import Stream
from ._transport import Transport, Urllib3Transport
from ._types import NOT_GIVEN, NotGiven, Omit, Timeout, not_given, omit
from ._version import __version__
from ._webhooks import InvalidWebhookSignatureError, Webhooks

if TYPE_CHECKING:
    from ._assistant_stream import AssistantEventHandler, AssistantStreamManager
    from ._async_client import AsyncAzureOpenAI, AsyncOpenAI, AsyncPage, AsyncStream
    from ._azure import AzureOpenAI
    from ._chat_accumulator import ChatCompletionAccumulator, FinishedContent, FinishedRefusal, FinishedToolCall
    from ._chat_stream import ChatCompletionStream
    from ._responses_stream import ResponseStream, ResponseStreamAccumulator
    from ._structured import StructuredOutputError, function_tool, parse_arguments, pydantic_function_tool

# Imported on first use: these pull in modules the plain request path never needs.
_LAZY = {
    "AssistantEventHandler": "._assistant_stream",
    "AssistantStreamManager": "._assistant_stream",
    "AsyncAzureOpenAI": "._async_client",
    "AsyncOpenAI": "._async_client",
    "AsyncPage": "._async_client",
    "AsyncStream": "._async_client",
    "AzureOpenAI": "._azure",
    "ChatCompletionAccumulator": "._chat_accumulator",
    "ChatCompletionStream": "._chat_stream",
    "FinishedContent": "._chat_accumulator",
    "FinishedRefusal": "._chat_accumulator",
    "FinishedToolCall": "._chat_accumulator",
    "ResponseStream": "._responses_stream",
    "ResponseStreamAccumulator": "._responses_stream",
    "function_tool": "._structured",
    "parse_arguments": "._structured",
    "pydantic_function_tool": "._structured",
    "StructuredOutputError": "._structured",
}


# The module-level client's settings, as the official SDK's (``openai_urllib3.api_key = ...``);
# ``None`` means the client's own default (the environment variable, for the key).
api_key: str | None = None
admin_api_key: str | None = None
organization: str | None = None
project: str | None = None
base_url: str | None = None
timeout: Any = None
max_retries: int | None = None
default_headers: Any = None
default_query: Any = None


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        if not name.startswith("_"):
            import sys

            from ._module_client import module_client, resource_names

            if name in resource_names():  # openai_urllib3.chat.completions.create(...)
                return getattr(module_client(sys.modules[__name__]), name)
        raise AttributeError(f"module 'openai_urllib3' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AssistantEventHandler",
    "AssistantStreamManager",
    "AsyncAzureOpenAI",
    "AsyncOpenAI",
    "AsyncPage",
    "AsyncStream",
    "AuthenticationError",
    "AzureOpenAI",
    "BadRequestError",
    "BaseModel",
    "BasePage",
    "BinaryResponse",
    "ChatCompletionAccumulator",
    "ChatCompletionStream",
    "ConflictError",
    "ContentFilterFinishReasonError",
    "CursorPage",
    "DEFAULT_TIMEOUT",
    "DataResidency",
    "FileTypes",
    "FinishedContent",
    "FinishedRefusal",
    "FinishedToolCall",
    "Headers",
    "InternalServerError",
    "InvalidWebhookSignatureError",
    "LengthFinishReasonError",
    "Middleware",
    "NOT_GIVEN",
    "Next",
    "NextCursorPage",
    "NotFoundError",
    "NotGiven",
    "Omit",
    "OpenAI",
    "OpenAIError",
    "PageNumberPage",
    "PermissionDeniedError",
    "RateLimitError",
    "Request",
    "RequestOptions",
    "Response",
    "ResponseStream",
    "ResponseStreamAccumulator",
    "ResponseTooLargeError",
    "RetryPolicy",
    "SSEDecoder",
    "ServerSentEvent",
    "Stream",
    "StructuredOutputError",
    "SyncPage",
    "Timeout",
    "Transport",
    "UnprocessableEntityError",
    "Urllib3Transport",
    "Webhooks",
    "__version__",
    "admin_api_key",
    "api_key",
    "base_url",
    "default_headers",
    "default_query",
    "function_tool",
    "logging_middleware",
    "max_retries",
    "not_given",
    "omit",
    "organization",
    "parse_arguments",
    "project",
    "pydantic_function_tool",
    "timeout",
]
