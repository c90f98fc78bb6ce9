"""The server's memory: models, stored objects, scripted replies, deterministic IDs and a clock.

Everything is reset by :meth:`State.reset`, which costs microseconds, so a session-wide
server can be reset before every test.
"""

from __future__ import annotations

import random
import string
import threading
from collections import deque
from typing import Any, Callable, Deque

from ._replies import ReplyFunction, ScriptedReply
from ._routes import RoutePattern

__all__ = ["DEFAULT_DURATIONS", "DEFAULT_MODELS", "EPOCH", "MAX_CLOCK_OFFSET", "State", "clock_seconds"]

EPOCH = 1_700_000_000
"""The server clock's start (2023-11-14T22:13:20Z): objects get reproducible timestamps."""

DEFAULT_MODELS: tuple[tuple[str, str], ...] = (
    ("gpt-4o", "system"),
    ("gpt-4o-mini", "system"),
    ("gpt-4.1", "system"),
    ("gpt-4.1-mini", "system"),
    ("o3-mini", "system"),
    ("gpt-3.5-turbo-instruct", "system"),
    ("text-embedding-3-small", "system"),
    ("text-embedding-3-large", "system"),
    ("dall-e-3", "system"),
    ("whisper-1", "system"),
    ("tts-1", "system"),
    ("omni-moderation-latest", "system"),
)

_ID_ALPHABET = string.ascii_letters + string.digits

MAX_CLOCK_OFFSET = 100 * 365 * 86400.0
"""How far the server's clock may run from :data:`EPOCH`: beyond a century a clock is a mistake
(and timestamps stop fitting the types clients parse them into)."""


def clock_seconds(value: object, what: str) -> float:
    """``value`` as a number of seconds the clock can move, or a ValueError naming ``what``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= MAX_CLOCK_OFFSET:
        raise ValueError(f"{what} must be a number of seconds from 0 to {MAX_CLOCK_OFFSET:.0f} (a century), got {value!r}")
    return float(value)


DEFAULT_DURATIONS: dict[str, float] = {  # seconds on the server's clock
    "batch_validating": 1.0,
    "batch_in_progress": 5.0,
    "batch_finalizing": 1.0,
    "fine_tuning_validating": 1.0,
    "fine_tuning_queued": 2.0,
    "fine_tuning_running": 30.0,
    "vector_store_file": 2.0,
    "response_background": 2.0,
    "videos_queued": 2.0,
    "videos_in_progress": 20.0,
    "run_queued": 0.0,
    "run_in_progress": 0.0,
    "resource_queued": 1.0,
    "resource_in_progress": 5.0,
}


class State:
    """In-memory model of the API, guarded by one re-entrant lock."""

    def __init__(self, seed: int = 0) -> None:
        self.lock = threading.RLock()
        self.seed = seed
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self._rng = random.Random(self.seed)
            self.clock_offset = 0.0
            self.clock_step = 0.0
            """Seconds the clock moves forward with every request (0: only when advanced)."""
            self.durations: dict[str, float] = dict(DEFAULT_DURATIONS)
            self.max_file_bytes = 512 * 1024 * 1024
            """The largest file the server stores (the API's limit)."""
            """How long things take on the server's clock, in seconds (see DEFAULT_DURATIONS)."""
            self.models: dict[str, dict[str, Any]] = {}
            for index, (model_id, owner) in enumerate(DEFAULT_MODELS):
                self.models[model_id] = {"id": model_id, "object": "model", "created": EPOCH - 86_400 * (len(DEFAULT_MODELS) - index), "owned_by": owner}
            self.chat_completions: dict[str, dict[str, Any]] = {}
            self.responses: dict[str, dict[str, Any]] = {}
            self.objects: dict[str, dict[str, dict[str, Any]]] = {}
            """Stored objects by kind (``file``, ``batch``, ``vector_store``, ...) then ID, oldest first."""
            self.blobs: dict[str, bytes] = {}
            """File contents by file ID."""
            self._scripts: list[tuple[RoutePattern, Deque[ScriptedReply] | ReplyFunction]] = []

    def add_model(self, model_id: str, *, owned_by: str = "user", created: int | None = None) -> dict[str, Any]:
        """Make a model exist (a fine-tuned one, say); models owned by ``system`` cannot be deleted."""
        model = {"id": model_id, "object": "model", "created": self.now() if created is None else created, "owned_by": owned_by}
        with self.lock:
            self.models[model_id] = model
        return model

    # -- time and identity ----------------------------------------------------------------

    def now(self) -> int:
        """Seconds since the epoch on the server's clock (starts at :data:`EPOCH`)."""
        return int(EPOCH + self.clock_offset)

    def store(self, kind: str) -> dict[str, dict[str, Any]]:
        """The objects of one kind, by ID, oldest first."""
        return self.objects.setdefault(kind, {})

    def advance(self, seconds: float) -> None:
        seconds = clock_seconds(seconds, "The clock's advance")
        with self.lock:
            if self.clock_offset + seconds > MAX_CLOCK_OFFSET:
                raise ValueError(f"The clock would run more than {MAX_CLOCK_OFFSET:.0f} seconds (a century) past its start")
            self.clock_offset += seconds

    def step_clock(self) -> None:
        """The clock step every request takes; it stops at the clock's end rather than failing."""
        with self.lock:
            self.clock_offset = min(self.clock_offset + self.clock_step, MAX_CLOCK_OFFSET)

    def new_id(self, prefix: str, length: int = 24) -> str:
        with self.lock:
            return prefix + "".join(_ID_ALPHABET[byte % 62] for byte in self._rng.randbytes(length))

    # -- scripted replies -------------------------------------------------------------------

    def script(self, route: str, *replies: ScriptedReply | ReplyFunction) -> None:
        """Queue replies (or install a function of the request body) for ``route``."""
        if not replies:
            raise ValueError("Give at least one reply (or one function) to script")
        pattern = RoutePattern(route)
        with self.lock:
            if len(replies) == 1 and callable(replies[0]) and not isinstance(replies[0], dict):
                self._scripts.append((pattern, replies[0]))
            else:
                for reply in replies:
                    if callable(reply) and not isinstance(reply, dict):
                        raise TypeError("A reply function must be scripted on its own")
                self._scripts.append((pattern, deque(replies)))  # type: ignore[arg-type]

    def next_scripted(self, method: str, path: str, body: Any) -> ScriptedReply | None:
        """The next scripted reply for this request, if any; queues are consumed in order."""
        if not self._scripts:
            return None
        function: Callable[[Any], ScriptedReply] | None = None
        with self.lock:
            for index, (pattern, source) in enumerate(self._scripts):
                if not pattern.matches(method, path):
                    continue
                if isinstance(source, deque):
                    reply = source.popleft()
                    if not source:
                        del self._scripts[index]
                    return reply
                function = source
                break
        return function(body) if function is not None else None

    def pending_scripts(self) -> int:
        with self.lock:
            return sum(len(source) if isinstance(source, deque) else 1 for _, source in self._scripts)
