"""The socket shell's limits, as one value shared by ``MockServer``, ``ReplayServer``,
``RecordingProxy`` and the ``serve`` / ``replay`` / ``record`` commands."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ServerLimits"]


@dataclass(frozen=True)
class ServerLimits:
    """How much a client may take from the server before it is refused or disconnected.

    ``idle_timeout``: seconds a connection may send nothing (between requests, or mid-request)
    before it is closed. ``header_timeout``: seconds from a request's first byte to the end of its
    head. ``max_connections``: open connections at once; one more is answered 503 and closed.
    ``max_body_bytes`` / ``max_header_bytes``: a larger request is answered 413 / 431.
    ``journal_max_bytes``: request and response bodies the journal keeps, all entries together;
    past it the oldest entries' bodies are released (the entry says so). ``journal_max_entries``:
    entries kept; past it the oldest are dropped (``journal.dropped`` counts them).
    """

    idle_timeout: float = 30.0
    header_timeout: float = 10.0
    max_connections: int = 512
    max_body_bytes: int = 64 * 1024 * 1024
    max_header_bytes: int = 64 * 1024
    journal_max_bytes: int = 256 * 1024 * 1024
    journal_max_entries: int = 100_000

    def __post_init__(self) -> None:
        for name in ("idle_timeout", "header_timeout"):
            if not getattr(self, name) > 0:
                raise ValueError(f"ServerLimits.{name} must be a positive number of seconds, got {getattr(self, name)!r}")
        for name in ("max_connections", "max_body_bytes", "max_header_bytes", "journal_max_bytes", "journal_max_entries"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 1:
                raise ValueError(f"ServerLimits.{name} must be a positive integer, got {getattr(self, name)!r}")
