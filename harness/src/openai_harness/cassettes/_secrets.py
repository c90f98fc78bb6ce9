"""The leak gate: finding credentials in what a cassette file holds, whatever encodes them.

A cassette is scanned as it is read back: the YAML (or JSON) is parsed, so its escapes are undone
(a key after ``\\t`` is a key), and every string in it is looked at as it is and as what it may
carry: URL-decoded (``%3Dsk-...``), with backslash escapes undone, as JSON (a vcrpy body string),
and as base64 (a binary multipart body, a base64 of gzip). Two rules apply, the client's
(``openai_urllib3._redact``): a token shaped like a known secret, anywhere; and a token-like value
under a name that says it is a credential (a header, a query parameter, a JSON field, a multipart
field), whatever its shape (an Azure key is 32 hex digits).

Rules are written out rather than taken from a scanner on PyPI (detect-secrets, for one): those
scan lines of raw text, so they miss exactly the encoded forms above, and their entropy checks
flag every base64 audio chunk and ID in a recording.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from dataclasses import dataclass
from typing import Any, Iterator
from urllib.parse import parse_qsl, unquote, urlsplit

from openai_urllib3._redact import find_key_shapes, is_credential_field, is_credential_name

__all__ = ["SecretFinding", "find_secrets", "scan_cassette_text", "scan_data", "looks_like_token"]

_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_\-]{24,}={0,2}")
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[tnr\"'/\\])")
_ESCAPES = {"t": "\t", "n": "\n", "r": "\r"}
_MULTIPART_FIELD = re.compile(r'(?is)content-disposition:[^\r\n]*\bname="([^"]+)"[^\r\n]*\r?\n(?:[^\r\n]+\r?\n)*\r?\n([^\r\n]*)')
_TOKEN_RUN = re.compile(r"[A-Za-z0-9_\-+/=.~]{12,}")
_DECOMPRESSED_LIMIT = 64 * 1024 * 1024
# Scrubbed on every write, but not credentials: who the traffic belongs to, and Cloudflare's
# cookies (a key inside one is still found by its shape).
_IDENTIFYING = frozenset({"openai-organization", "openai-project", "cookie", "set-cookie"})
_NESTING_LIMIT = 4  # views of views: base64 of gzip of JSON whose string is URL-encoded


@dataclass(frozen=True)
class SecretFinding:
    """One credential found: which rule, where, and a shortened preview that leaks nothing."""

    rule: str
    where: str
    preview: str

    def __str__(self) -> str:
        return f"{self.rule} {self.preview!r} at {self.where}"


def looks_like_token(value: str) -> bool:
    """A run of at least 12 token characters holding a letter and a digit: what a credential-named
    value is when it was not scrubbed (``REDACTED``, ``Bearer <redacted>`` and ``true`` are not)."""
    return any(re.search(r"[A-Za-z]", run) and re.search(r"[0-9]", run) for run in _TOKEN_RUN.findall(value))


def _preview(secret: str) -> str:
    return f"{secret[:7]}...{secret[-2:]}" if len(secret) > 12 else secret[:3] + "..."


def find_secrets(text: str) -> list[str]:
    """Each credential in a cassette's text, described (rule, shortened preview, where)."""
    return [str(finding) for finding in scan_cassette_text(text)]


def scan_cassette_text(text: str) -> list[SecretFinding]:
    """Scan a cassette file's text: parsed when it parses (YAML or JSON), else as plain text."""
    from ._format import CassetteFormatError, _yaml_load

    try:
        data = _yaml_load(text, "<scan>")
    except (CassetteFormatError, RecursionError, ValueError):
        data = text
    findings = scan_data(data)
    return findings if findings or data is not text else _dedupe(_scan_string(text, "the file", 0))


def scan_data(data: Any, where: str = "") -> list[SecretFinding]:
    """Scan parsed cassette data (mappings, lists, strings, bytes), naming each place found."""
    return _dedupe(_walk(data, where or "$", None, 0))


def _dedupe(findings: Iterator[SecretFinding]) -> list[SecretFinding]:
    seen: dict[tuple[str, str], SecretFinding] = {}
    for finding in findings:
        seen.setdefault((finding.preview, finding.where), finding)
    return list(seen.values())


def _walk(value: Any, where: str, name: str | None, depth: int) -> Iterator[SecretFinding]:
    if isinstance(value, dict):
        headers = name in ("headers", "header")
        for key, item in value.items():
            place = f"{where}.{key}"
            if isinstance(key, str) and (is_credential_name(key) and key.lower() not in _IDENTIFYING if headers else is_credential_field(key)):
                for text in item if isinstance(item, list) else [item]:
                    if isinstance(text, str) and looks_like_token(text):
                        kind = "credential-named header" if headers else "credential-named field"
                        yield SecretFinding(kind, place, _preview(text))
            yield from _walk(item, place, str(key), depth)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{where}[{index}]", name, depth)
    elif isinstance(value, str):
        if name in ("uri", "url", "location"):
            yield from _scan_query(value, where)
        yield from _scan_string(value, where, depth)
    elif isinstance(value, (bytes, bytearray)):
        yield from _scan_bytes(bytes(value), where, depth)


def _scan_query(url: str, where: str) -> Iterator[SecretFinding]:
    try:
        query = urlsplit(url).query
    except ValueError:
        return
    for key, value in parse_qsl(query, keep_blank_values=True):
        if is_credential_name(key) and looks_like_token(value):
            yield SecretFinding("credential-named query parameter", f"{where} (?{key}=)", _preview(value))


def _scan_string(text: str, where: str, depth: int) -> Iterator[SecretFinding]:
    for rule, secret in find_key_shapes(text):
        yield SecretFinding(rule, where, _preview(secret))
    for match in _MULTIPART_FIELD.finditer(text) if 'name="' in text else ():
        field, value = match.groups()
        if is_credential_field(field) and looks_like_token(value):
            yield SecretFinding("credential-named multipart field", f"{where} (part {field!r})", _preview(value))
    if depth >= _NESTING_LIMIT:
        return
    if "%" in text:
        decoded = unquote(text)
        if decoded != text:
            yield from _scan_string(decoded, f"{where} (URL-decoded)", depth + 1)
    if "\\" in text:
        unescaped = _ESCAPE.sub(_unescape, text)
        if unescaped != text:
            yield from _scan_string(unescaped, f"{where} (escapes undone)", depth + 1)
    stripped = text.lstrip()
    if stripped[:1] in ("{", "["):
        try:
            parsed = json.loads(text)
        except (ValueError, RecursionError):
            pass
        else:
            yield from _walk(parsed, f"{where} (JSON)", None, depth + 1)
    for run in _BASE64_RUN.finditer(text):
        decoded_bytes = _base64(run.group())
        if decoded_bytes is not None:
            yield from _scan_bytes(decoded_bytes, f"{where} (base64)", depth + 1)


def _scan_bytes(data: bytes, where: str, depth: int) -> Iterator[SecretFinding]:
    if data[:2] == b"\x1f\x8b" or data[:1] == b"\x78":
        inflated = _inflate(data)
        if inflated is not None:
            data, where = inflated, f"{where} (decompressed)"
    # Keys are ASCII: latin-1 keeps every byte, so a key between binary parts is still found.
    yield from _scan_string(data.decode("latin-1"), where, depth)


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    if code[0] in "ux":
        return chr(int(code[1:], 16))
    return _ESCAPES.get(code, code)


def _base64(run: str) -> bytes | None:
    padded = run + "=" * (-len(run) % 4)
    try:
        if "-" in run or "_" in run:
            return base64.urlsafe_b64decode(padded)
        return base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        return None


def _inflate(data: bytes) -> bytes | None:
    """gzip or zlib data decompressed, never past a bound (a bomb stays a bounded scan)."""
    try:
        return zlib.decompressobj(47).decompress(data, _DECOMPRESSED_LIMIT) or None  # 47: either header
    except zlib.error:
        return None
