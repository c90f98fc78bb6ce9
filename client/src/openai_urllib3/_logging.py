"""A debug-logging middleware that never logs credentials.

``OPENAI_LOG=info`` logs one line per attempt (method, URL, status, time);
``OPENAI_LOG=debug`` adds headers and bodies, with credentials redacted.
"""

from __future__ import annotations

import logging
import time

from ._exceptions import APIConnectionError
from ._http import Request, Response
from ._middleware import Middleware, Next
from ._redact import redact_headers, redact_url, scrub_text

__all__ = ["LOGGER_NAME", "logging_middleware", "middleware_from_env"]

LOGGER_NAME = "openai_urllib3"
_BODY_LOG_LIMIT = 4096


def _body_text(body: object) -> str:
    if body is None:
        return ""
    if isinstance(body, (bytes, bytearray)):
        text = bytes(body[:_BODY_LOG_LIMIT]).decode("utf-8", errors="replace")
        return scrub_text(text) + (" ..." if len(body) > _BODY_LOG_LIMIT else "")
    return "<streamed body>"


def logging_middleware(logger: logging.Logger | None = None, *, level: int = logging.DEBUG) -> Middleware:
    """Log every attempt to ``logger`` (``openai_urllib3`` by default).

    At ``DEBUG`` the request and response headers and the request body are logged too;
    response bodies are not read here, so streams stay streams.
    """
    log = logger or logging.getLogger(LOGGER_NAME)
    verbose = level <= logging.DEBUG

    def middleware(request: Request, call_next: Next) -> Response:
        url = redact_url(request.url)
        if verbose:
            headers = ", ".join(f"{k}: {v}" for k, v in redact_headers(request.headers))
            log.log(level, "request %s %s attempt=%d headers={%s} body=%s", request.method, url, request.attempt, headers, _body_text(request.body))
        start = time.perf_counter()
        try:
            response = call_next(request)
        except APIConnectionError as error:
            log.log(level, "request %s %s attempt=%d failed after %.1f ms: %s", request.method, url, request.attempt, (time.perf_counter() - start) * 1000, error)
            raise
        elapsed_ms = (time.perf_counter() - start) * 1000
        log.log(level, "response %s %s attempt=%d status=%d in %.1f ms request_id=%s", request.method, url, request.attempt, response.status, elapsed_ms, response.headers.get("x-request-id"))
        if verbose:
            headers = ", ".join(f"{k}: {v}" for k, v in redact_headers(response.headers))
            log.log(level, "response headers={%s}", headers)
        return response

    return middleware


def middleware_from_env(value: str | None) -> Middleware | None:
    """The logging middleware ``OPENAI_LOG`` asks for, or ``None``."""
    if not value:
        return None
    name = value.strip().lower()
    if name == "debug":
        logger = logging.getLogger(LOGGER_NAME)
        if logger.level == logging.NOTSET or logger.level > logging.DEBUG:
            logger.setLevel(logging.DEBUG)
        _ensure_handler(logger)
        return logging_middleware(logger, level=logging.DEBUG)
    if name == "info":
        logger = logging.getLogger(LOGGER_NAME)
        if logger.level == logging.NOTSET or logger.level > logging.INFO:
            logger.setLevel(logging.INFO)
        _ensure_handler(logger)
        return logging_middleware(logger, level=logging.INFO)
    import warnings

    warnings.warn(f"OPENAI_LOG={value!r} is not 'debug' or 'info'; logging stays off", stacklevel=3)
    return None


def _ensure_handler(logger: logging.Logger) -> None:
    # Like the official SDK: OPENAI_LOG alone is enough to see output on stderr.
    if not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("[%(asctime)s %(name)s %(levelname)s] %(message)s"))
        logger.addHandler(handler)
