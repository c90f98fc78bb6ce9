"""Cassettes: record once, replay offline for good, in-process (vcrpy) or over the wire."""

from __future__ import annotations

from ._format import FORMAT_VERSION, CassetteFormatError, dump_cassette, dumps_cassette, load_cassette, loads_cassette
from ._match import InteractionIndex, MatchConfig
from ._model import Event, Interaction, RecordedRequest, RecordedResponse
from ._scrub import REDACTED, CassetteSecretError, Scrubber
from ._secrets import SecretFinding, find_secrets, scan_cassette_text
from ._vcr import CassetteMissError, HarnessCassette, HarnessSerializer, UnplayedInteractionsError, use_cassette

__all__ = [
    "FORMAT_VERSION",
    "REDACTED",
    "CassetteFormatError",
    "CassetteMissError",
    "CassetteSecretError",
    "Event",
    "HarnessCassette",
    "HarnessSerializer",
    "Interaction",
    "InteractionIndex",
    "MatchConfig",
    "RecordedRequest",
    "RecordedResponse",
    "Scrubber",
    "SecretFinding",
    "UnplayedInteractionsError",
    "dump_cassette",
    "dumps_cassette",
    "find_secrets",
    "load_cassette",
    "loads_cassette",
    "scan_cassette_text",
    "use_cassette",
]
