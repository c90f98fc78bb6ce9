"""The mock OpenAI server: routing, state, faults, journal and the socket shell."""

from __future__ import annotations

from ._faults import (
    BadChunked,
    ByteByByte,
    Close,
    Delay,
    Empty,
    Fault,
    Garbage,
    Hang,
    MalformedEvent,
    Reset,
    SlowBody,
    Stall,
    Status,
    StreamCut,
    StreamError,
    StreamFault,
    Truncate,
)
from ._journal import Journal, JournalEntry
from ._limits import ServerLimits
from ._loopback import LoopbackServer, ServerError
from ._replies import ChatReply, RawReply, ToolCall
from ._schedule import FaultSchedule
from ._server import MockServer

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
    "LoopbackServer",
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
]
