"""``client.chat``: chat completions."""

from __future__ import annotations

from functools import cached_property

from ..._resource import SyncAPIResource
from .completions import Completions

__all__ = ["Chat", "Completions"]


class Chat(SyncAPIResource):
    @cached_property
    def completions(self) -> Completions:
        return Completions(self._client)
