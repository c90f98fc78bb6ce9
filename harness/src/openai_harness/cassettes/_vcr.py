"""In-process record and replay on vcrpy's public API: a serializer for the harness format, and a
``Cassette`` subclass whose lookups go through an index instead of checking every interaction.

    from openai_harness.cassettes import use_cassette

    with use_cassette("cassettes/chat.yaml", record_mode="none"):
        client.chat.completions.create(...)      # answered from the cassette

Streamed answers are kept faithful in-process too (``_live_streams``): each event reaches the
caller as it arrives and is stored with its offset; ``pacing=1.0`` replays them at that pace, and a
stream cut while recording replays as the same cut.
"""

from __future__ import annotations

import contextlib
import inspect
import os
import pathlib
from typing import Any, Callable, Iterator, Mapping

import vcr
from vcr.cassette import Cassette, CassetteContextDecorator
from vcr.errors import CannotOverwriteExistingCassetteException
from vcr.matchers import requests_match
from vcr.record_mode import RecordMode
from vcr.request import Request as VCRRequest

from ._format import FORMAT_KEY, dump_cassette, dumps_cassette, load_cassette, loads_cassette, normalize_interaction
from ._live_streams import StreamTap
from ._match import InteractionIndex, MatchConfig, Repeats, body_difference
from ._model import Interaction, RecordedRequest
from ._scrub import CassetteSecretError, Scrubber
from ._secrets import find_secrets

__all__ = [
    "RECORD_MODES",
    "CassetteMissError",
    "HarnessCassette",
    "HarnessPersister",
    "HarnessSerializer",
    "UnplayedInteractionsError",
    "check_options",
    "use_cassette",
    "vcr_option_names",
]

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
                f"Refusing to write the cassette {self.source}: it still contains credentials: {'; '.join(secrets)}. "
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


def _is_native(path: pathlib.Path) -> bool:
    """Whether the file is in this harness's own format (its matching applies), not another tool's."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    return FORMAT_KEY.encode("ascii") + b":" in head


@contextlib.contextmanager
def _locked_directory(directory: pathlib.Path) -> Iterator[None]:
    """An exclusive advisory lock on the cassette's directory, so processes that write cassettes
    there take turns (a no-op where ``fcntl`` is missing)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    directory.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


class HarnessPersister:
    """vcrpy persister for the harness format: loads lazily (the cassette and any extra cassettes,
    as pytest-recording's marker arguments), saves scrubbed and secret-checked to the first."""

    def __init__(self, scrubber: Scrubber | None = None, extra_paths: tuple[str | os.PathLike[str], ...] = (), *, merge: bool = False) -> None:
        self.scrubber = scrubber or Scrubber()
        self.merge = merge
        """Add what was recorded to what the file holds when saving (record modes that append)."""
        self.extra_paths = tuple(pathlib.Path(p) for p in extra_paths)
        self.refused: CassetteSecretError | None = None
        """The last write this persister refused (a credential survived scrubbing), if any."""
        self.keep: Callable[[Any], bool] | None = None
        """Set by a cassette with ``drop_unused_requests``: which requests are saved."""

    def load_cassette(self, cassette_path: str, serializer: Any) -> tuple[list[Any], list[Any]]:
        from vcr.persisters.filesystem import CassetteNotFoundError

        requests: list[Any] = []
        responses: list[Any] = []
        found = False
        seen: set[pathlib.Path] = set()
        for path in (pathlib.Path(cassette_path), *self.extra_paths):
            if path in seen or not path.is_file() or not path.read_bytes().strip():
                continue
            seen.add(path)
            found = True
            native = _is_native(path)
            for interaction in load_cassette(path, lazy=True):
                request = interaction.request
                headers: dict[str, list[str]] = {}
                for name, value in request.headers:
                    headers.setdefault(name, []).append(value)
                vcr_request = VCRRequest(request.method, request.uri, request.body or None, headers)
                vcr_request._harness_interaction = interaction
                vcr_request._harness_native = native
                requests.append(vcr_request)
                responses.append(_LazyResponse(interaction))
        if not found:
            raise CassetteNotFoundError()
        return requests, responses

    def save_cassette(self, cassette_path: str, cassette_dict: Mapping[str, Any], serializer: Any) -> None:
        with _locked_directory(pathlib.Path(cassette_path).parent):
            self._save_locked(cassette_path, cassette_dict)

    def _save_locked(self, cassette_path: str, cassette_dict: Mapping[str, Any]) -> None:
        interactions = []
        fresh = []
        for request, response in zip(cassette_dict["requests"], cassette_dict["responses"]):
            if self.keep is not None and not self.keep(request):
                continue  # drop_unused_requests: loaded, never played
            known = getattr(request, "_harness_interaction", None)
            if known is not None and isinstance(response, _LazyResponse) and response._interaction is not None:
                interactions.append(known)  # loaded and never touched: written back as it was
            else:
                interaction = to_interaction(request, response)
                interactions.append(interaction)
                if known is None:
                    fresh.append(interaction)
        path = pathlib.Path(cassette_path)
        if self.merge and self.keep is None and path.is_file():
            # Other processes (xdist workers) may have added to the file since it was loaded: keep
            # what is there now and add what this cassette recorded.
            interactions = [*load_cassette(path), *fresh]
        interactions = [self.scrubber.scrub(interaction) for interaction in interactions]
        secrets = find_secrets(dumps_cassette(interactions))
        if secrets:
            # Not raised here: vcrpy would skip removing its patches. The cassette's context raises
            # it once vcrpy has left the process as clean as after a write.
            self.refused = CassetteSecretError(
                f"Refusing to write the cassette {cassette_path}: it still contains credentials: {'; '.join(secrets)}. "
                "Add a scrubber (headers=, json_paths= or patterns=) for where it comes from."
            )
            return
        dump_cassette(cassette_path, interactions)


class HarnessCassette(Cassette):  # type: ignore[misc]
    """A vcrpy cassette with explained misses, an "all played" check and two ways to match.

    The harness's own cassettes (and new ones) match through an index that compares the method,
    path, query and JSON body as data. Cassettes written by other tools, and any cassette given an
    explicit ``match_on``, match as vcrpy matches them (by default without the body), so a suite
    moved from vcrpy or pytest-recording replays as it did; a body that differs from the recorded
    one is then reported in :attr:`drift` rather than failed.
    """

    def __init__(
        self,
        *args: Any,
        match_config: MatchConfig | None = None,
        vcr_matching: bool = False,
        drop_unused: bool = False,
        stream_tap: StreamTap | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if stream_tap is not None:
            stream_tap.cassette = self
        # vcrpy's drop_unused_requests, done here on every vcrpy version (vcrpy's own needs
        # bookkeeping this cassette replaces): interactions loaded and never played are not saved.
        self.drop_unused = drop_unused
        self.harness_path = str(kwargs.get("path", args[0] if args else ""))
        # The same surface on every supported vcrpy: the mode as a RecordMode (a str too), as vcrpy 9 has it.
        self.record_mode: RecordMode = RecordMode(kwargs.get("record_mode", RecordMode.ONCE))
        persister = kwargs.get("persister")
        if drop_unused and isinstance(persister, HarnessPersister):
            persister.keep = self._kept_on_save
        self.index = InteractionIndex([], match_config)
        self._matchers = tuple(kwargs.get("match_on") or ())
        self._before_record = kwargs.get("before_record_request") or (lambda request: request)
        self._repeats_allowed = bool(kwargs.get("allow_playback_repeats"))
        self._vcr_matching = vcr_matching
        self.from_file = 0
        """How many interactions came from the file(s); only these answer requests."""
        self.drift: list[str] = []
        """Requests answered by a recorded interaction whose body differs (vcrpy-style matching only)."""

    @property
    def path(self) -> str:
        """The cassette's file (vcrpy 9.2 added this property; older ones have none)."""
        return self.harness_path

    @property
    def vcr_matching(self) -> bool:
        """Whether requests match as vcrpy matches them (foreign cassette or explicit ``match_on``)."""
        return self._vcr_matching

    @staticmethod
    def _recorded(request: Any) -> RecordedRequest:
        return RecordedRequest(request.method.upper(), request.uri, list(request.headers.items()), request_body(request))

    def _kept_on_save(self, request: Any) -> bool:
        """With ``drop_unused``: whether ``request`` is saved (recorded now, or loaded and played)."""
        for index in range(self.from_file):
            if self.data[index][0] is request:
                return self.index.play_counts[index] > 0
        return True

    def append(self, request: Any, response: Any) -> None:
        known = getattr(request, "_harness_interaction", None)
        if not self.rewound and known is not None:
            # Loading (vcrpy appends what the persister read, then sets ``rewound``). vcrpy's own
            # append deep-copies every response; ours are taken as they are (still unread), which
            # keeps large cassettes fast to open.
            self.data.append((request, response))
            self.index.add(known)
            self.from_file += 1
            if getattr(request, "_harness_native", True) is False:
                self._vcr_matching = True
            return
        before = len(self.data)
        super().append(request, response)
        if len(self.data) > before:
            stored_request, stored_response = self.data[-1]
            self.index.add(to_interaction(stored_request, stored_response))

    # Only interactions loaded from the file answer requests: one recorded a moment ago (a 429
    # before its retry) must not answer the retry.

    def _find(self, request: Any, *, play: bool) -> int | None:
        filtered = self._before_record(request)
        if not filtered:
            return None
        if not self._vcr_matching:
            return self.index.find_index(self._recorded(filtered), play=play, limit=self.from_file)
        for index in range(self.from_file):
            stored = self.data[index][0]
            if requests_match(filtered, stored, self._matchers) and (self.index.play_counts[index] == 0 or self._repeats_allowed):
                if play:
                    self.index.mark_played(index)
                    self._note_drift(filtered, index)
                return index
        return None

    def _note_drift(self, request: Any, index: int) -> None:
        recorded = self.index.interactions[index].request
        difference = body_difference(recorded, self._recorded(request))
        if difference:
            self.drift.append(f"{request.method} {request.uri} was answered by recorded interaction #{index + 1}, whose body differs: {difference}")

    def can_play_response_for(self, request: Any) -> bool:
        if self.record_mode == RecordMode.ALL:
            return False
        if not self._before_record(request):
            return False  # ignored (ignore_hosts, ignore_localhost, a filter returning None): not the cassette's
        if self._find(request, play=False) is not None:
            return True
        # Not recorded: in a mode that may not record, answer anyway so play_response can
        # raise an error that explains the miss, instead of a bare "can't overwrite".
        return bool(self.write_protected)

    def __contains__(self, request: Any) -> bool:
        return self._find(request, play=False) is not None

    def play_response(self, request: Any) -> Any:
        return self.data[self._play(request)][1]

    def play_interaction(self, request: Any) -> Interaction:
        """As ``play_response``, the recorded interaction itself (its events and their offsets)."""
        return self.index.interactions[self._play(request)]

    def _play(self, request: Any) -> int:
        if self.drop_unused:
            self.dirty = True  # saved even when nothing new is recorded, so the unused ones go
        index = self._find(request, play=True)
        if index is None:
            raise CassetteMissError(self._miss_message(request), cassette=self, failed_request=request)
        self.play_counts[index] += 1
        return index

    def _miss_message(self, request: Any) -> str:
        recorded = self._recorded(self._before_record(request) or request)
        mode = getattr(self.record_mode, "value", self.record_mode)
        how = (
            "To record it, run the test with --record-mode=once (a new cassette) or --record-mode=new_episodes "
            "(add to this one), with network access and a key; or record over the wire with "
            "'openai-harness record --upstream URL CASSETTE'."
        )
        if self._vcr_matching:
            names = ", ".join(getattr(m, "__name__", repr(m)) for m in self._matchers)
            explanation = f"Matching as vcrpy does, on {names}.\n{self._vcr_explanation(request)}\n{self.index.explain_miss(recorded, limit=self.from_file)}"
        else:
            explanation = self.index.explain_miss(recorded, limit=self.from_file)
        return (
            f"No recorded answer for {recorded.method} {recorded.uri} in cassette {self.harness_path} "
            f"(record mode {mode!r}: the network is not used).\n{explanation}\n{how}"
        )

    def _vcr_explanation(self, request: Any) -> str:
        lines = []
        for stored, _successes, failures in self.find_requests_with_most_matches(request)[:5]:
            for name, message in failures:
                lines.append(f"  {stored.method} {stored.uri}: matcher {name!r} failed: {message}")
        return "\n".join(lines) or "  no recorded request passes any matcher"

    @property
    def all_played(self) -> bool:
        return self.index.all_played(self.from_file)

    def unplayed(self) -> list[Interaction]:
        """Interactions loaded from the file that no request asked for."""
        return self.index.unplayed(self.from_file)


class _CassetteContext(CassetteContextDecorator):  # type: ignore[misc]
    """vcrpy's context manager and decorator, raising a refused write only after vcrpy's own exit
    has removed its patches (a refusal must leave the process as clean as a successful write)."""

    def __init__(self, cls: Any, args_getter: Callable[[], dict[str, Any]]) -> None:
        super().__init__(cls, args_getter)
        self._harness_args = args_getter

    def __exit__(self, *exc_info: Any) -> None:
        args = self._harness_args()
        persister = args.get("persister")
        tap = args.get("stream_tap")
        if tap is not None:
            tap.close_bridges()
        super().__exit__(*exc_info)
        if isinstance(persister, HarnessPersister) and persister.refused is not None:
            refused, persister.refused = persister.refused, None
            raise refused


# Per-cassette options vcrpy's use_cassette takes besides those of VCR() itself.
_USE_CASSETTE_ONLY = frozenset({"additional_matchers", "allow_playback_repeats", "inject_cassette", "persister"})
_HARNESS_OPTIONS = frozenset({"record_mode", "scrubber", "ignore_fields", "repeats", "match_host", "extra_paths", "configure", "drop_unused_requests", "pacing"})


def vcr_option_names() -> frozenset[str]:
    """Every option the installed vcrpy's ``VCR``/``use_cassette`` accepts."""
    return frozenset(inspect.signature(vcr.VCR.__init__).parameters) - {"self"} | _USE_CASSETTE_ONLY


def check_options(options: Mapping[str, Any], where: str) -> None:
    """Refuse an option that neither vcrpy nor the harness knows, naming it, rather than ignore it."""
    unknown = sorted(set(options) - vcr_option_names() - _HARNESS_OPTIONS - {"path"})
    if unknown:
        raise TypeError(f"{where}: unknown cassette option(s) {', '.join(unknown)} (neither vcrpy {vcr.__version__} nor openai-harness has them)")


def use_cassette(
    path: str | os.PathLike[str],
    *,
    record_mode: str = "none",
    scrubber: Scrubber | None = None,
    ignore_fields: frozenset[str] | set[str] | tuple[str, ...] = frozenset(),
    repeats: Repeats | None = None,
    match_host: bool = False,
    extra_paths: tuple[str | os.PathLike[str], ...] = (),
    configure: Callable[[vcr.VCR], None] | None = None,
    pacing: float | None = None,
    **vcr_options: Any,
) -> Any:
    """A context manager (and decorator) that records to and replays from the cassette at ``path``.

    ``record_mode`` is one of ``none`` (replay only; the default), ``once``, ``new_episodes``,
    ``all`` and ``rewrite`` (forget the file, record afresh). ``extra_paths`` are further
    cassettes whose interactions also answer (never written). ``configure`` is called with the
    ``vcr.VCR`` before the cassette opens (register matchers there). ``pacing`` replays streamed
    events at their recorded offsets scaled by it (``1.0``: as recorded; ``None``, the default: as
    fast as possible). Other keyword arguments are
    vcrpy's, with vcrpy's meaning (``match_on`` makes requests match as vcrpy matches them);
    an option neither knows is a ``TypeError``.
    """
    if record_mode not in RECORD_MODES:
        raise ValueError(f"record_mode must be one of {', '.join(RECORD_MODES)}, got {record_mode!r}")
    check_options(vcr_options, "use_cassette")
    path = pathlib.Path(path)
    if record_mode == "rewrite":
        if path.exists():
            path.unlink()
        record_mode = "all"
    if repeats is None:
        repeats = "repeat_last" if vcr_options.get("allow_playback_repeats") else "in_order"
    config = vcr.VCR(decode_compressed_response=True)
    if configure is not None:
        configure(config)
    config.register_serializer("openai-harness", HarnessSerializer(scrubber, source=str(path)))
    # Registered on the VCR (its public way): vcrpy 7's merged config takes the VCR's persister,
    # not a per-cassette one.
    persister = vcr_options.pop("persister", None) or HarnessPersister(scrubber, extra_paths, merge=record_mode in ("once", "new_episodes"))
    config.register_persister(persister)
    vcr_matching = "match_on" in vcr_options or "additional_matchers" in vcr_options
    drop_unused = bool(vcr_options.pop("drop_unused_requests", False))  # the harness's, whatever vcrpy has
    merged = config.get_merged_config(path=str(path), serializer="openai-harness", record_mode=record_mode, **vcr_options)
    merged.pop("func_path_generator", None)
    merged["match_config"] = MatchConfig(frozenset(ignore_fields), match_host=match_host, repeats=repeats)
    merged["vcr_matching"] = vcr_matching
    merged["drop_unused"] = drop_unused
    merged["persister"] = persister
    tap = StreamTap(pacing)
    merged["custom_patches"] = (*tuple(merged.get("custom_patches") or ()), *tap.patches())
    merged["stream_tap"] = tap
    return _CassetteContext.from_args(HarnessCassette, **merged)
