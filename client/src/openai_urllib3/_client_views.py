"""``client.with_raw_response`` / ``client.with_streaming_response``: the official SDK's client-wide
views, built on each resource's own ``with_raw_response`` / ``with_streaming_response``."""

from __future__ import annotations

from typing import Any

__all__ = ["ResponseModeView"]


class ResponseModeView:
    """Walks the client's resources as they are; a method is taken from the resource's view
    (``client.with_raw_response.chat.completions.create`` is
    ``client.chat.completions.with_raw_response.create``)."""

    __slots__ = ("_mode", "_target")

    def __init__(self, target: Any, mode: str) -> None:
        self._target = target
        self._mode = mode

    def __getattr__(self, name: str) -> Any:
        from ._resource import SyncAPIResource

        if name.startswith("_"):
            raise AttributeError(name)
        value = getattr(self._target, name)
        if isinstance(value, SyncAPIResource):
            return ResponseModeView(value, self._mode)
        if not isinstance(self._target, SyncAPIResource):
            raise AttributeError(f"{self._mode} has no {name!r}: it reaches the API's resources (client.{self._mode}.models.list())")
        return getattr(getattr(self._target, self._mode), name)

    def __repr__(self) -> str:
        return f"<{self._mode} view of {self._target!r}>"
