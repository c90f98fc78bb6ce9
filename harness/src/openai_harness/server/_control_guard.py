"""Who may drive the control API (``/__harness/...``): the same machine's test code, not a web page
and not a stranger on a shared server.

A browser sends ``Origin`` on cross-origin requests and may send ``text/plain`` bodies without a
preflight, so a request with an ``Origin`` that is not this server's loopback address, or a body
that is not JSON, is refused. When the server needs a key (``require_key``), or was given a
``control_token``, control needs that token too (``Authorization: Bearer`` or ``X-Harness-Token``).
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from ._app import AppRequest, Reply, error_reply

__all__ = ["check_control"]

_LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


def _origin_allowed(origin: str) -> bool:
    host = urlsplit(origin).hostname or ""
    return host in _LOOPBACK_NAMES or host.startswith("127.")


def check_control(request: AppRequest, token: str | None) -> Reply | None:
    """``None`` when the control request may go on, else the refusal to send."""
    origin = request.headers.get("origin")
    if origin is not None and (origin == "null" or not _origin_allowed(origin)):
        return error_reply(403, f"The control API refuses cross-origin requests (Origin: {origin[:100]}).", type="invalid_request_error", code="forbidden_origin")
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return error_reply(403, f"The control API refuses requests from other sites (Sec-Fetch-Site: {site[:40]}).", type="invalid_request_error", code="forbidden_origin")
    if request.raw_body:
        content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
        if content_type != "application/json":
            return error_reply(415, f"Control requests send JSON with Content-Type: application/json, got {content_type or 'none'!r}.", type="invalid_request_error", code="unsupported_media_type")
    if token is not None:
        header = request.headers.get("authorization", "")
        given = header[7:] if header.lower().startswith("bearer ") else request.headers.get("x-harness-token", "")
        if not given or not hmac.compare_digest(given.encode(), token.encode()):
            return error_reply(401, "The control API needs the server's control token (Authorization: Bearer TOKEN or X-Harness-Token).", code="invalid_control_token")
    return None
