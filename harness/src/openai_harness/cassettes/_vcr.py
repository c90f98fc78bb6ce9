"""In-process record and replay on vcrpy's public API: a serializer for the harness format, and a
``Cassette`` subclass whose lookups go through an index instead of checking every interaction.

    from openai_harness.cassettes import use_cassette

    with use_cassette("cassettes/chat.yaml", record_mode="none"):
        client.chat.completions.create(...)      # answered from the cassette

In-process, vcrpy reads a recorded stream whole before the client sees it, so its events are
stored without arrival offsets and replayed without pacing; the over-the-wire replay server and
recording proxy keep both (see ``ReplayServer`` and ``RecordingProxy``).
"""

from __future__ import annotations

import os
import pathlib
from typing import Any, Mapping

import vcr
from vcr.cassette import Cassette
from vcr.errors import CannotOverwriteExistingCassetteException
from vcr.record_mode import RecordMode

from ._format import dumps_cassette, loads_cassette, normalize_interaction
from ._match import InteractionIndex, MatchConfig, Repeats
from ._model import Interaction, RecordedRequest
from ._scrub import CassetteSecretError, Scrubber, find_secrets

__all__ = ["CassetteMissError", "HarnessCassette", "HarnessSerializer", "RECORD_MODES", "UnplayedInteractionsError", "use_cassette"]

RECORD_MODES = ("none", "once", "new_episodes", "all", "rewrite")


class CassetteMissError(CannotOverwriteExistingCassetteException):  # type: ignore[misc]
    """A request that the cassette cannot answer, in a mode that may not record it."""

    def __init__(self, message: str, *, cassette: Any, failed_request: Any) -> None:
        Exception.__init__(self, message)
        self.cassette = cassette
        self.failed_request = failed_request
        self.similar_requests: list[Any] = []
        self.reason = "no_match"


class UnplayedInteractionsError(AssertionError):
    """The test ended with recorded interactions it never asked for."""


def to_interaction(request: Any, response: Mapping[str, Any]) -> Interaction:
    """A vcrpy request/response pair as an :class:`Interaction`."""
    data = {
        "request": {"method": request.method, "uri": request.uri, "headers": dict(request.headers), "body": request.body},
        "response": response,
    }
    return normalize_interaction(data, "vcrpy interaction")


def to_vcr_dicts(interaction: Interaction) -> tuple[dict[str, Any], dict[str, Any]]:
    request, response = interaction.request, interaction.response
    headers: dict[str, list[str]] = {}
    for name, value in request.headers:
        headers.setdefault(name, []).append(value)
    request_dict = {"method": request.method, "uri": request.uri, "body": request.body or None, "headers": headers}
    response_headers: dict[str, list[str]] = {}
    for name, value in response.headers:
        if name.lower() not in ("content-length", "transfer-encoding"):  # the body may be re-encoded
            response_headers.setdefault(name, []).append(value)
    body = response.body_bytes()
    # A cut stream promises one byte more than there is: an HTTP client reading it sees the body
    # end early, the way the recorded stream was cut.
    response_headers["Content-Length"] = [str(len(body) + (1 if response.cut else 0))]
    return request_dict, {"status": {"code": response.status, "message": response.reason}, "headers": response_headers, "body": {"string": body}}


class HarnessSerializer:
    """vcrpy serializer for the harness format: scrubs, refuses to write secrets, reads any layout."""

    def __init__(self, scrubber: Scrubber | None = None, *, source: str = "<cassette>") -> None:
        self.scrubber = scrubber or Scrubber()
        self.source = source

    def serialize(self, cassette_dict: Mapping[str, Any]) -> str:
        interactions = [self.scrubber.scrub(normalize_interaction(raw, self.source)) for raw in cassette_dict.get("interactions", [])]
        text = dumps_cassette(interactions)
        secrets = find_secrets(text)
        if secrets:
            raise CassetteSecretError(
                f"Refusing to write the cassette {self.source}: it still contains key-shaped text {secrets}. "
                "Add a scrubber (headers=, json_paths= or patterns=) for where it comes from."
            )
        return text

    def deserialize(self, text: str) -> dict[str, Any]:
        interactions = loads_cassette(text, self.source)
        raw = []
        for interaction in interactions:
            request, response = to_vcr_dicts(interaction)
            raw.append({"request": request, "response": response})
        return {"version": 1, "interactions": raw}


class HarnessCassette(Cassette):  # type: ignore[misc]
    """A vcrpy cassette with indexed matching, explained misses and an "all played" check."""

    def __init__(self, *args: Any, match_config: MatchConfig | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.index = InteractionIndex([], match_config)

    @staticmethod
    def _recorded(request: Any) -> RecordedRequest:
        body = request.body if isinstance(request.body, bytes) else (request.body or "").encode("utf-8")
        return RecordedRequest(request.method.upper(), request.uri, list(request.headers.items()), body)

    def append(self, request: Any, response: Any) -> None:
        before = len(self.data)
        super().append(request, response)
        if len(self.data) > before:
            stored_request, stored_response = self.data[-1]
            self.index.add(to_interaction(stored_request, stored_response))

    def _index_of(self, interaction: Interaction) -> int:
        return next(i for i, item in enumerate(self.index.interactions) if item is interaction)

    # Only interactions loaded from the file answer requests: one recorded a moment ago (a 429
    # before its retry) must not answer the retry.

    def can_play_response_for(self, request: Any) -> bool:
        if self.record_mode == RecordMode.ALL:
            return False
        if self.index.find(self._recorded(request), play=False, limit=self._loaded_count) is not None:
            return True
        # Not recorded: in a mode that may not record, answer anyway so play_response can
        # raise an error that explains the miss, instead of a bare "can't overwrite".
        return bool(self.write_protected)

    def __contains__(self, request: Any) -> bool:
        return self.index.find(self._recorded(request), play=False, limit=self._loaded_count) is not None

    def play_response(self, request: Any) -> Any:
        recorded = self._recorded(request)
        interaction = self.index.find(recorded, limit=self._loaded_count)
        if interaction is None:
            raise CassetteMissError(self._miss_message(recorded), cassette=self, failed_request=request)
        index = self._index_of(interaction)
        if self.play_counts[index] == 0 and index < self._loaded_count:
            self._played_interactions.append(self.data[index])
        self.play_counts[index] += 1
        return self.data[index][1]

    def _miss_message(self, request: RecordedRequest) -> str:
        mode = getattr(self.record_mode, "value", self.record_mode)
        how = (
            "To record it, run the test with --record-mode=once (a new cassette) or --record-mode=new_episodes "
            "(add to this one), with network access and a key; or record over the wire with "
            "'openai-harness record --upstream URL CASSETTE'."
        )
        return (
            f"No recorded answer for {request.method} {request.uri} in cassette {self._path} "
            f"(record mode {mode!r}: the network is not used).\n{self.index.explain_miss(request)}\n{how}"
        )

    @property
    def all_played(self) -> bool:
        return self.index.all_played(self._loaded_count)

    def unplayed(self) -> list[Interaction]:
        """Interactions loaded from the file that no request asked for."""
        return self.index.unplayed(self._loaded_count)


def use_cassette(
    path: str | os.PathLike[str],
    *,
    record_mode: str = "none",
    scrubber: Scrubber | None = None,
    ignore_fields: frozenset[str] | set[str] | tuple[str, ...] = frozenset(),
    repeats: Repeats = "in_order",
    match_host: bool = False,
    **vcr_options: Any,
) -> Any:
    """A context manager (and decorator) that records to and replays from the cassette at ``path``.

    ``record_mode`` is one of ``none`` (replay only; the default), ``once``, ``new_episodes``,
    ``all`` and ``rewrite`` (forget the file, record afresh). Other keyword arguments go to vcrpy.
    """
    if record_mode not in RECORD_MODES:
        raise ValueError(f"record_mode must be one of {', '.join(RECORD_MODES)}, got {record_mode!r}")
    path = pathlib.Path(path)
    if record_mode == "rewrite":
        if path.exists():
            path.unlink()
        record_mode = "all"
    config = vcr.VCR(decode_compressed_response=True)
    config.register_serializer("openai-harness", HarnessSerializer(scrubber, source=str(path)))
    merged = config.get_merged_config(path=str(path), serializer="openai-harness", record_mode=record_mode, **vcr_options)
    merged.pop("func_path_generator", None)
    merged["match_config"] = MatchConfig(frozenset(ignore_fields), match_host=match_host, repeats=repeats)
    return HarnessCassette.use(**merged)
