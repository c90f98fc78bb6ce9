"""Reading the recorded public cassettes in ../shared (tests that use them skip when it is absent)."""

from __future__ import annotations

import base64
import gzip
import pathlib
from typing import Any, Iterator

import pytest

SHARED = pathlib.Path(__file__).resolve().parents[2] / "shared"
PUBLIC = SHARED / "cassettes" / "public"


def cassette_paths() -> list[pathlib.Path]:
    if not PUBLIC.is_dir():
        return []
    return sorted(PUBLIC.rglob("*.yaml")) + sorted(PUBLIC.rglob("*.yml"))


def require_shared() -> None:
    if not PUBLIC.is_dir():
        pytest.skip("../shared/cassettes/public is not present")


def load(path: pathlib.Path) -> dict[str, Any]:
    import yaml

    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    assert isinstance(data, dict), f"{path.name}: not a mapping"
    return data


def header(headers: dict[str, Any] | None, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name.lower():
            return value[0] if isinstance(value, list) else value
    return None


def response_body(response: dict[str, Any]) -> bytes:
    """The body bytes as sent, whatever layout the recorder used (string, bytes, base64 of gzip, content)."""
    body = response.get("body", response.get("content"))
    if isinstance(body, dict):
        body = body.get("string", body.get("base64_string", ""))
        if isinstance(body, str) and "base64_string" in (response.get("body") or {}):
            body = base64.b64decode(body)
    if body is None:
        return b""
    raw = body if isinstance(body, bytes) else str(body).encode("utf-8")
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return raw


def interactions(path: pathlib.Path) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    for interaction in load(path).get("interactions") or []:
        yield interaction["request"], interaction["response"]
