"""The mock OpenAI server: routing, state, faults, journal and the socket shell."""

from __future__ import annotations

from ._faults import BadChunked, Delay, Empty, Fault, Garbage, Hang, Reset, SlowBody, Status, Truncate
from ._journal import Journal, JournalEntry
from ._replies import ChatReply, RawReply, ToolCall
from ._schedule import FaultSchedule
from ._server import MockServer, ServerError

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
]
