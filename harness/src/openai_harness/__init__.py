"""Test code that calls the OpenAI API, offline and deterministically.

``MockServer`` answers like the API on loopback, with faults on the wire and a journal;
the pytest plugin (``openai_server``, ``openai_client`` fixtures) is registered on install.
"""

from __future__ import annotations

from ._version import __version__
from .server import (
    BadChunked,
    ChatReply,
    Delay,
    Empty,
    Fault,
    FaultSchedule,
    Garbage,
    Hang,
    Journal,
    JournalEntry,
    MockServer,
    RawReply,
    Reset,
    ServerError,
    SlowBody,
    Status,
    ToolCall,
    Truncate,
)

__all__ = [
    "BadChunked",
    "ChatReply",
    "Delay",
    "Empty",
    "Fault",
    "FaultSchedule",
    "Garbage",
    "Hang",
    "Journal",
    "JournalEntry",
    "MockServer",
    "RawReply",
    "Reset",
    "ServerError",
    "SlowBody",
    "Status",
    "ToolCall",
    "Truncate",
    "__version__",
]
