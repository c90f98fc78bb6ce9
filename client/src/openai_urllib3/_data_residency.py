"""The API's regional endpoints, chosen by name as in the official SDK (``data_residency="eu"``)."""

from __future__ import annotations

from typing import Literal

__all__ = ["DataResidency", "regional_base_url"]

DataResidency = Literal["global", "us", "eu", "ae", "au", "in", "jp"]

_REGIONS = ("global", "us", "eu", "ae", "au", "in", "jp")


def regional_base_url(data_residency: str, *, base_url: str | None, websocket_base_url: str | None) -> str:
    """The base URL of ``data_residency``'s endpoint; it replaces ``base_url``, so the two (and a
    ``websocket_base_url``, which it sets too) cannot both be given."""
    if base_url is not None:
        raise ValueError("The `data_residency` and `base_url` arguments are mutually exclusive")
    if websocket_base_url is not None:
        raise ValueError("The `data_residency` and `websocket_base_url` arguments are mutually exclusive")
    if not isinstance(data_residency, str) or data_residency not in _REGIONS:
        raise ValueError(f"Invalid `data_residency` {data_residency!r}; expected one of {', '.join(repr(r) for r in _REGIONS)}")
    host = "api.openai.com" if data_residency == "global" else f"{data_residency}.api.openai.com"
    return f"https://{host}/v1"
