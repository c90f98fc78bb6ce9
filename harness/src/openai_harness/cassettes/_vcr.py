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
from vcr.request import Request as VCRRequest

from ._format import dump_cassette, dumps_cassette, load_cassette, loads_cassette, normalize_interaction
from ._match import InteractionIndex, MatchConfig, Repeats
from ._model import Interaction, RecordedRequest
from ._scrub import CassetteSecretError, Scrubber, find_secrets

__all__ = ["RECORD_MODES", "CassetteMissError", "HarnessCassette", "HarnessPersister", "HarnessSerializer", "UnplayedInteractionsError", "use_cassette"]

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


def request_body(request: Any) -> bytes:
    """A vcrpy request's body as bytes. vcrpy keeps an iterator body (a streamed upload) as a list
    and hands out a fresh iterator or file object each time, so reading it here consumes nothing."""
    body = request.body
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    if hasattr(body, "read"):
        data = body.read()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    return b"".join(chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk) for chunk in body)


def to_interaction(request: Any, response: Mapping[str, Any]) -> Interaction:
    """A vcrpy request/response pair as an :class:`Interaction`."""
    data = {
        "request": {"method": request.method, "uri": request.uri, "headers": dict(request.headers), "body": request_body(request)},
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


class _LazyResponse(dict):  # type: ignore[type-arg]
    """A vcrpy response dict read from the cassette file only when it is first played."""

    def __init__(self, interaction: Interaction) -> None:
        super().__init__()
        self._interaction: Interaction | None = interaction

    def _fill(self) -> None:
        if self._interaction is not None:
            interaction, self._interaction = self._interaction, None
            self.update(to_vcr_dicts(interaction)[1])

    def __getitem__(self, key: Any) -> Any:
        self._fill()
        return super().__getitem__(key)

    def get(self, key: Any, default: Any = None) -> Any:
        self._fill()
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self._fill()
        return super().__contains__(key)

    def __iter__(self) -> Any:
        self._fill()
        return super().__iter__()

    def __len__(self) -> int:
        self._fill()
        return super().__len__()

    def keys(self) -> Any:
        self._fill()
        return super().keys()

    def items(self) -> Any:
        self._fill()
        return super().items()

    def values(self) -> Any:
        self._fill()
        return super().values()

    def copy(self) -> dict[str, Any]:
        self._fill()
        return dict(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        import copy

        self._fill()
        return copy.deepcopy(dict(self), memo)


class HarnessPersister:
    """vcrpy persister for the harness format: loads lazily, saves scrubbed and secret-checked."""

    def __init__(self, scrubber: Scrubber | None = None) -> None:
        self.scrubber = scrubber or Scrubber()

    def load_cassette(self, cassette_path: str, serializer: Any) -> tuple[list[Any], list[Any]]:
        from vcr.persisters.filesystem import CassetteNotFoundError

        path = pathlib.Path(cassette_path)
        if not path.is_file() or not path.read_bytes().strip():
            raise CassetteNotFoundError()
        interactions = load_cassette(path, lazy=True)
        requests = []
        for interaction in interactions:
            request = interaction.request
            headers: dict[str, list[str]] = {}
            for name, value in request.headers:
                headers.setdefault(name, []).append(value)
            vcr_request = VCRRequest(request.method, request.uri, request.body or None, headers)
            vcr_request._harness_interaction = interaction
            requests.append(vcr_request)
        return requests, [_LazyResponse(interaction) for interaction in interactions]

    def save_cassette(self, cassette_path: str, cassette_dict: Mapping[str, Any], serializer: Any) -> None:
        interactions = []
        for request, response in zip(cassette_dict["requests"], cassette_dict["responses"]):
            known = getattr(request, "_harness_interaction", None)
            if known is not None and isinstance(response, _LazyResponse) and response._interaction is not None:
                interactions.append(known)  # loaded and never touched: written back as it was
            else:
                interactions.append(to_interaction(request, response))
        interactions = [self.scrubber.scrub(interaction) for interaction in interactions]
        secrets = find_secrets(dumps_cassette(interactions))
        if secrets:
            raise CassetteSecretError(
                f"Refusing to write the cassette {cassette_path}: it still contains key-shaped text {secrets}. "
                "Add a scrubber (headers=, json_paths= or patterns=) for where it comes from."
            )
        dump_cassette(cassette_path, interactions)


class HarnessCassette(Cassette):  # type: ignore[misc]
    """A vcrpy cassette with indexed matching, explained misses and an "all played" check."""

    def __init__(self, *args: Any, match_config: MatchConfig | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.index = InteractionIndex([], match_config)

    @staticmethod
    def _recorded(request: Any) -> RecordedRequest:
        return RecordedRequest(request.method.upper(), request.uri, list(request.headers.items()), request_body(request))

    def _load(self) -> None:
        # vcrpy's own loading deep-copies every response; interactions from our persister are
        # taken as they are (responses still unread), which keeps large cassettes fast to open.
        self._loading = True
        try:
            super()._load()
        finally:
            self._loading = False

    def append(self, request: Any, response: Any) -> None:
        known = getattr(request, "_harness_interaction", None)
        if getattr(self, "_loading", False) and known is not None:
            self.data.append((request, response))
            self.index.add(known)
            return
        before = len(self.data)
        super().append(request, response)
        if len(self.data) > before:
            stored_request, stored_response = self.data[-1]
            self.index.add(to_interaction(stored_request, stored_response))

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
        index = self.index.find_index(recorded, limit=self._loaded_count)
        if index is None:
            raise CassetteMissError(self._miss_message(recorded), cassette=self, failed_request=request)
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
    vcr_options.setdefault("persister", HarnessPersister(scrubber))
    merged = config.get_merged_config(path=str(path), serializer="openai-harness", record_mode=record_mode, **vcr_options)
    merged.pop("func_path_generator", None)
    merged["match_config"] = MatchConfig(frozenset(ignore_fields), match_host=match_host, repeats=repeats)
    return HarnessCassette.use(**merged)
