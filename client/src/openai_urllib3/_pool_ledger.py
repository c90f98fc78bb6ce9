"""Who holds the connections of a blocking pool, so a call never waits for itself."""

from __future__ import annotations

import threading
from typing import Callable

__all__ = ["PoolLedger"]


class PoolLedger:
    """How many open responses each thread holds in each pool (by origin).

    With ``pool_block=True`` a call waits for a free connection. When every connection of the pool
    is held by responses the calling thread opened and has not closed (a stream left open, a loop
    broken out of), nobody else can give one back: waiting could only deadlock.
    """

    __slots__ = ("_held", "_lock")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[tuple[str, int], int] = {}

    def take(self, origin: str) -> Callable[[], None]:
        """Count one connection of ``origin`` held by this thread; the result gives it back (once)."""
        key = (origin, threading.get_ident())
        with self._lock:
            self._held[key] = self._held.get(key, 0) + 1
        given_back = False

        def give_back() -> None:
            nonlocal given_back
            with self._lock:
                if given_back:
                    return
                given_back = True
                left = self._held.get(key, 0) - 1
                if left > 0:
                    self._held[key] = left
                else:
                    self._held.pop(key, None)

        return give_back

    def held_here(self, origin: str) -> int:
        """Connections of ``origin`` the calling thread holds."""
        with self._lock:
            return self._held.get((origin, threading.get_ident()), 0)
