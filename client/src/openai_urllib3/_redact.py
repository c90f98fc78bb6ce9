"""Keep credentials out of error messages, dumps and log lines."""

from __future__ import annotations

import re
from typing import Iterable, Mapping

__all__ = ["REDACTED", "SENSITIVE_HEADERS", "redact_header", "redact_headers", "redact_url", "scrub_text"]

REDACTED = "<redacted>"

SENSITIVE_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "api-key",
        "x-api-key",
        "openai-organization",
        "openai-project",
        "cookie",
        "set-cookie",
    }
)

# Things that look like OpenAI keys, also inside other text (an echoed error message).
_KEY_PATTERN = re.compile(r"sk-[A-Za-z0-9_\-]{8,}")
_SENSITIVE_QUERY = re.compile(r"(?i)([?&](?:api[-_]?key|key|token|access_token|sig|signature|secret|password)=)[^&#]*")


def redact_header(name: str, value: str) -> str:
    if name.lower() in SENSITIVE_HEADERS:
        if name.lower() == "authorization" and " " in value:
            return value.split(" ", 1)[0] + " " + REDACTED
        return REDACTED
    return scrub_text(value)


def redact_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    return [(name, redact_header(name, value)) for name, value in pairs]


def redact_url(url: str) -> str:
    return scrub_text(_SENSITIVE_QUERY.sub(lambda m: m.group(1) + REDACTED, url))


def scrub_text(text: str, *secrets: str | None) -> str:
    """Replace key-shaped substrings, and any of ``secrets`` given literally."""
    for secret in secrets:
        if secret and len(secret) >= 4 and secret in text:
            text = text.replace(secret, REDACTED)
    if "sk-" in text:
        text = _KEY_PATTERN.sub(REDACTED, text)
    return text
