"""Keep credentials out of error messages, dumps and log lines.

Two rules decide what is a credential, and openai-harness applies the same two to cassettes:

* **by shape** (``SECRET_RULES``): the token formats a secret scanner knows (OpenAI keys and
  client and webhook secrets, Anthropic, Google, GitHub, AWS, Slack, Stripe, Hugging Face keys,
  JSON web tokens, private key blocks), wherever they appear;
* **by name** (``is_credential_name``, ``is_credential_field`` for JSON): the value of a header, query parameter or field whose
  name says it holds one (``Authorization``, ``api-key``, ``X-Custom-Key``, ``access_token``,
  ``password``), whatever its shape: an Azure key is 32 hex digits, a custom gateway's is anything.
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

__all__ = [
    "REDACTED",
    "SECRET_RULES",
    "SENSITIVE_HEADERS",
    "find_key_shapes",
    "is_credential_field",
    "is_credential_name",
    "redact_header",
    "redact_headers",
    "redact_url",
    "scrub_shapes",
    "scrub_shapes_bytes",
    "scrub_text",
]

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

# Token formats, as the rule sets of secret scanners (gitleaks, GitHub secret scanning) describe
# them. Each needs a non-alphanumeric character (or the start) before it; the fixed-length ones
# also after it, so they are not found inside longer base64 or hex runs.
SECRET_RULES: tuple[tuple[str, str], ...] = (
    ("Anthropic API key", r"sk-ant-[A-Za-z0-9_\-]{20,}"),
    ("OpenAI API key", r"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}"),
    ("OpenAI client secret", r"ek_[A-Za-z0-9_\-]{16,}"),
    ("webhook secret", r"whsec_[A-Za-z0-9+/=_\-]{16,}"),
    ("Google API key", r"AIza[0-9A-Za-z_\-]{35}(?![A-Za-z0-9_\-])"),
    ("GitHub token", r"(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"),
    ("AWS access key ID", r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])"),
    ("Slack token", r"xox[abposr]-[A-Za-z0-9\-]{10,}"),
    ("Stripe key", r"(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}"),
    ("Hugging Face token", r"hf_[A-Za-z0-9]{30,}"),
    ("JSON web token", r"eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}"),
    ("private key", r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----"),
)
_RULE_NAMES = tuple(name for name, _ in SECRET_RULES)
_SHAPES = re.compile("|".join(f"(?<![A-Za-z0-9])(?P<r{index}>{pattern})" for index, (_, pattern) in enumerate(SECRET_RULES)))
# Error messages also echo keys shorter than a real one (``Incorrect API key provided: sk-abc1****``).
_SHORT_OPENAI_KEY = re.compile(r"(?<![A-Za-z0-9])sk-[A-Za-z0-9_\-]{8,}")
_SHAPES_BYTES = re.compile(_SHAPES.pattern.encode("ascii"))
_SHAPE_PREFIXES = ("sk-", "ek_", "whsec_", "AIza", "gh", "github_pat_", "AKIA", "ASIA", "ABIA", "ACCA", "xox", "rk_", "hf_", "eyJ", "-----BEGIN")

# Words that make a header, parameter or field name a credential's; a few names use them for
# something else.
_CREDENTIAL_WORDS = frozenset(
    {"key", "apikey", "token", "secret", "password", "passwd", "auth", "authorization", "credential", "credentials", "signature", "sig", "cookie"}
)
_NOT_CREDENTIALS = frozenset({"idempotency-key", "idempotency_key", "sec-websocket-key", "max_tokens", "max-tokens"})


def find_key_shapes(text: str) -> list[tuple[str, str]]:
    """``(rule name, matched text)`` for every token in ``text`` shaped like a known secret."""
    if not any(prefix in text for prefix in _SHAPE_PREFIXES):
        return []
    found = []
    for match in _SHAPES.finditer(text):
        group = match.lastgroup
        assert group is not None
        found.append((_RULE_NAMES[int(group[1:])], match.group(group)))
    return found


def is_credential_name(name: str) -> bool:
    """Whether a header, query parameter or field called ``name`` holds a credential."""
    lower = name.lower()
    if lower in SENSITIVE_HEADERS:
        return True
    if lower in _NOT_CREDENTIALS or lower.startswith(("x-ratelimit-", "x-stainless-")):
        return False
    # ``X-Custom-Key``, ``api_key``, ``accessToken``: split on separators and camel case.
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name).lower().replace("-", " ").replace("_", " ").split()
    return any(word in _CREDENTIAL_WORDS for word in words) or "apikey" in lower.replace("-", "").replace("_", "")


_CREDENTIAL_FIELD_ENDINGS = (
    "apikey", "password", "passwd", "secret", "secretkey", "privatekey", "accesstoken", "refreshtoken", "authtoken", "idtoken", "bearertoken", "credential", "credentials",
)


def is_credential_field(name: str) -> bool:
    """Whether a JSON field called ``name`` holds a credential (``api_key``, ``client_secret``,
    ``accessToken``). Narrower than a header's rule: bodies have ``prompt_cache_key`` and a
    logprob's ``token``."""
    return name.lower().replace("-", "").replace("_", "").endswith(_CREDENTIAL_FIELD_ENDINGS)


def redact_header(name: str, value: str) -> str:
    if is_credential_name(name):
        if name.lower() in ("authorization", "proxy-authorization") and " " in value:
            return value.split(" ", 1)[0] + " " + REDACTED
        return REDACTED
    return scrub_text(value)


def redact_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    return [(name, redact_header(name, value)) for name, value in pairs]


def redact_url(url: str) -> str:
    """``url`` without a password in it, without credential-named query values, and without keys."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return scrub_text(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, host = netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:{REDACTED}@{host}" if ":" in userinfo else f"{REDACTED}@{host}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(is_credential_name(key) for key, _ in pairs):
            query = "&".join(
                f"{quote(key, safe='')}={REDACTED if is_credential_name(key) else quote(value, safe='')}" for key, value in pairs
            )
    return scrub_text(urlunsplit(parts._replace(netloc=netloc, query=query)))


def scrub_shapes(text: str, replacement: str = REDACTED) -> str:
    """``text`` with every token shaped like a known secret replaced."""
    if any(prefix in text for prefix in _SHAPE_PREFIXES):
        return _SHAPES.sub(replacement, text)
    return text


def scrub_shapes_bytes(data: bytes, replacement: bytes = REDACTED.encode()) -> bytes:
    """The same for bytes (a binary body: keys are ASCII, so they are found between binary parts)."""
    return _SHAPES_BYTES.sub(replacement, data)


def scrub_text(text: str, *secrets: str | None) -> str:
    """Replace key-shaped substrings, and any of ``secrets`` given literally."""
    for secret in secrets:
        if secret and len(secret) >= 4 and secret in text:
            text = text.replace(secret, REDACTED)
    if any(prefix in text for prefix in _SHAPE_PREFIXES):
        text = _SHAPES.sub(REDACTED, text)
        text = _SHORT_OPENAI_KEY.sub(REDACTED, text)
    return text
