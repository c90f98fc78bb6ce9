"""Test code that calls the OpenAI API, offline and deterministically.

``MockServer`` answers like the API on loopback, with faults on the wire and a journal;
the pytest plugin (``openai_server``, ``openai_client`` fixtures) is registered on install.
"""

from __future__ import annotations

from ._version import __version__
from .server import (
    BadChunked,
    ByteByByte,
    ChatReply,
    Close,
    Delay,
    Empty,
    Fault,
    FaultSchedule,
    Garbage,
    Hang,
    Journal,
    JournalEntry,
    MalformedEvent,
    MockServer,
    RawReply,
    Reset,
    ServerError,
    ServerLimits,
    SlowBody,
    Stall,
    Status,
    StreamCut,
    StreamError,
    StreamFault,
    ToolCall,
    Truncate,
)

__all__ = [
    "BadChunked",
    "ByteByByte",
    "ChatReply",
    "Close",
    "Delay",
    "Empty",
    "Fault",
    "FaultSchedule",
    "Garbage",
    "Hang",
    "Journal",
    "JournalEntry",
    "MalformedEvent",
    "MockServer",
    "RawReply",
    "Reset",
    "ServerError",
    "ServerLimits",
    "SlowBody",
    "Stall",
    "Status",
    "StreamCut",
    "StreamError",
    "StreamFault",
    "ToolCall",
    "Truncate",
    "__version__",
]
