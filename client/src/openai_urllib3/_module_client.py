"""The module-level client of the official SDK: ``openai_urllib3.api_key = ...`` then
``openai_urllib3.chat.completions.create(...)``, built from the module's settings on first use and
again whenever they change."""

from __future__ import annotations

import threading
from functools import cached_property
from types import ModuleType
from typing import Any

from ._client import OpenAI

__all__ = ["SETTINGS", "module_client", "resource_names"]

SETTINGS = ("api_key", "admin_api_key", "organization", "project", "base_url", "timeout", "max_retries", "default_headers", "default_query")

_lock = threading.Lock()
_state: dict[str, Any] = {"client": None, "settings": None}


def resource_names() -> frozenset[str]:
    from .resources import ResourcesMixin

    return frozenset(name for name, value in vars(ResourcesMixin).items() if isinstance(value, cached_property))


def module_client(module: ModuleType) -> OpenAI:
    settings = tuple((name, getattr(module, name, None)) for name in SETTINGS)
    with _lock:
        client = _state["client"]
        if client is None or _state["settings"] != settings:
            client = OpenAI(**{name: value for name, value in settings if value is not None})
            _state["client"], _state["settings"] = client, settings
        return client  # type: ignore[no-any-return]
