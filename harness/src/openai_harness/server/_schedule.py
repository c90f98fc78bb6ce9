"""When faults apply: by route and request ordinal, by retry count, or at random with a seed.

Rules are checked in the order they were added; the first that yields a fault wins.
Ordinals count the requests that match a rule's route since it was added (1-based).
"""

from __future__ import annotations

import random
import threading
from typing import Iterable, Mapping, Sequence

from ._faults import Fault
from ._routes import RoutePattern

__all__ = ["FaultSchedule"]


class _Rule:
    __slots__ = ("choices", "given", "ordinals", "queued", "rate", "retry_count", "rng", "route", "seen", "sequence", "times")

    def __init__(self, route: RoutePattern) -> None:
        self.route = route
        self.sequence: tuple[Fault, ...] = ()
        self.queued = 0  # faults of the sequence still to give: its length times the repetitions left
        self.given = 0
        self.ordinals: dict[int, Fault] = {}
        self.retry_count: tuple[int, Fault] | None = None
        self.times: int | None = None
        self.rng: random.Random | None = None
        self.rate = 0.0
        self.choices: Sequence[Fault] = ()
        self.seen = 0

    def pick(self, retry_count: int | None) -> Fault | None:
        self.seen += 1
        if self.queued:
            # Repetitions are counted, not copied: times=10**9 costs no memory.
            fault = self.sequence[self.given % len(self.sequence)]
            self.given += 1
            self.queued -= 1
            return fault
        if self.ordinals:
            return self.ordinals.pop(self.seen, None)
        if self.retry_count is not None:
            wanted, fault = self.retry_count
            if retry_count == wanted and (self.times is None or self.times > 0):
                if self.times is not None:
                    self.times -= 1
                return fault
            return None
        if self.rng is not None:
            # Draw both numbers every time so the sequence depends only on the seed and the count.
            roll = self.rng.random()
            choice = self.choices[self.rng.randrange(len(self.choices))]
            return choice if roll < self.rate else None
        return None

    def exhausted(self) -> bool:
        if self.rng is not None:
            return False
        if self.retry_count is not None:
            return self.times == 0
        return not self.queued and not self.ordinals


class FaultSchedule:
    """Thread-safe fault rules; ``pick(method, path, retry_count)`` is called once per request."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[_Rule] = []

    def add(
        self,
        route: str,
        *faults: Fault,
        times: int = 1,
        at: Iterable[int] | None = None,
        retry_count: int | None = None,
    ) -> None:
        """Schedule faults for requests matching ``route``.

        - ``add(route, f1, f2)``: the next matching requests get ``f1`` then ``f2``, then answers are normal;
          ``times=n`` repeats the sequence n times ("429 twice, then normal": ``add(route, Status(429), times=2)``).
        - ``add(route, f, at=[2, 5])``: the 2nd and 5th matching requests get ``f``.
        - ``add(route, f, retry_count=0, times=3)``: requests whose ``X-Stainless-Retry-Count`` is 0 get ``f``,
          three times (``times=0`` means every time).
        """
        if not faults:
            raise ValueError("Give at least one fault to schedule")
        _check_faults(faults)
        if isinstance(times, bool) or not isinstance(times, int) or times < 0:
            raise ValueError(f"times must be a non-negative integer, got {times!r}")
        rule = _Rule(RoutePattern(route))
        if retry_count is not None:
            if isinstance(retry_count, bool) or not isinstance(retry_count, int) or retry_count < 0:
                raise ValueError(f"retry_count must be a non-negative integer, got {retry_count!r}")
            if at is not None or len(faults) != 1:
                raise ValueError("retry_count takes exactly one fault and cannot be combined with at=")
            rule.retry_count = (retry_count, faults[0])
            rule.times = None if times == 0 else times
        elif at is not None:
            if len(faults) != 1:
                raise ValueError("at= takes exactly one fault")
            ordinals = sorted(set(at))
            if not ordinals or any(isinstance(n, bool) or not isinstance(n, int) or n < 1 for n in ordinals):
                raise ValueError(f"at= needs request ordinals >= 1, got {at!r}")
            rule.ordinals = dict.fromkeys(ordinals, faults[0])
        else:
            if times == 0:
                raise ValueError("times=0 (forever) is only meaningful with retry_count=; use add_random for ongoing faults")
            rule.sequence, rule.queued = tuple(faults), len(faults) * times
        with self._lock:
            self._rules.append(rule)

    def add_random(self, seed: int, rate: float, faults: Sequence[Fault], route: str = "*") -> None:
        """Each matching request gets one of ``faults`` with probability ``rate``, reproducibly for ``seed``."""
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ValueError(f"seed must be an integer, got {seed!r}")
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0.0 <= rate <= 1.0:
            raise ValueError(f"rate must be between 0 and 1, got {rate!r}")
        if not faults:
            raise ValueError("Give at least one fault to choose from")
        _check_faults(faults)
        rule = _Rule(RoutePattern(route))
        rule.rng = random.Random(seed)
        rule.rate = rate
        rule.choices = tuple(faults)
        with self._lock:
            self._rules.append(rule)

    def pick(self, method: str, path: str, retry_count: int | None) -> Fault | None:
        if not self._rules:
            return None
        with self._lock:
            for rule in list(self._rules):
                if rule.route.matches(method, path):
                    fault = rule.pick(retry_count)
                    if rule.exhausted():
                        self._rules.remove(rule)
                    if fault is not None:
                        return fault
        return None

    def pending(self) -> int:
        """How many rules still have faults to give."""
        with self._lock:
            return len(self._rules)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def describe(self) -> list[Mapping[str, object]]:
        with self._lock:
            return [
                {"route": rule.route.text, "queued": rule.queued, "ordinals": sorted(rule.ordinals), "random": rule.rng is not None}
                for rule in self._rules
            ]


def _check_faults(faults: Iterable[object]) -> None:
    from ._faults import FAULT_TYPES

    for fault in faults:
        if not isinstance(fault, FAULT_TYPES):
            raise TypeError(f"Not a fault: {fault!r}; use Status(...), Delay(...), Reset(), ... from openai_harness")
