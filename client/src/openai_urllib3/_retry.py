"""The retry policy: an immutable value that answers "retry?" and "how long to wait?".

The numbers are the official SDKs': 2 retries; 0.5 s x 2**n capped at 8 s with up to
25% downward jitter; ``retry-after-ms``, then ``Retry-After`` (seconds or an HTTP
date); ``x-should-retry`` overrides the status rule. Two additions: a server-asked
delay above ``max_retry_delay`` is not slept (the error is raised at once), and a 429
whose error code is ``insufficient_quota`` is never retried, since waiting cannot fix it.
"""

from __future__ import annotations

import json
import time
from typing import Callable, Mapping

__all__ = ["RetryPolicy", "parse_retry_after"]

INITIAL_RETRY_DELAY = 0.5
MAX_BACKOFF = 8.0
DEFAULT_MAX_RETRY_DELAY = 60.0
_RETRY_STATUSES = frozenset({408, 409, 429})


class RetryPolicy:
    """When to retry and how long to sleep; ``random`` and ``now`` are injectable for tests."""

    __slots__ = ("max_retries", "max_retry_delay", "now", "random")

    def __init__(
        self,
        max_retries: int = 2,
        max_retry_delay: float = DEFAULT_MAX_RETRY_DELAY,
        *,
        random: Callable[[], float] | None = None,
        now: Callable[[], float] = time.time,
    ) -> None:
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError(f"max_retries must be a non-negative integer, got {max_retries!r}")
        if isinstance(max_retry_delay, bool) or not isinstance(max_retry_delay, (int, float)) or max_retry_delay < 0:
            raise ValueError(f"max_retry_delay must be a non-negative number of seconds, got {max_retry_delay!r}")
        self.max_retries = max_retries
        self.max_retry_delay = float(max_retry_delay)
        if random is None:
            import random as _random_module

            random = _random_module.random
        self.random = random
        self.now = now

    def replace(self, *, max_retries: int | None = None, max_retry_delay: float | None = None) -> RetryPolicy:
        return RetryPolicy(
            self.max_retries if max_retries is None else max_retries,
            self.max_retry_delay if max_retry_delay is None else max_retry_delay,
            random=self.random,
            now=self.now,
        )

    def should_retry_status(self, status: int, headers: Mapping[str, str], body: bytes) -> bool:
        """Whether a response with this status, headers and (already read) body is worth retrying."""
        override = headers.get("x-should-retry")
        if override == "true":
            return True
        if override == "false":
            return False
        if status == 429 and _is_insufficient_quota(body):
            return False
        return status in _RETRY_STATUSES or status >= 500

    def backoff(self, retries_taken: int) -> float:
        """The delay before retry number ``retries_taken + 1`` when the server did not ask for one."""
        delay = min(INITIAL_RETRY_DELAY * 2.0 ** min(retries_taken, 1000), MAX_BACKOFF)
        return max(0.0, delay * (1.0 - 0.25 * self.random()))

    def delay(self, retries_taken: int, headers: Mapping[str, str] | None) -> float | None:
        """Seconds to sleep before the next attempt, or ``None`` when the server asked for
        longer than ``max_retry_delay`` (the caller then raises instead of retrying)."""
        asked = parse_retry_after(headers, self.now) if headers is not None else None
        if asked is None:
            return self.backoff(retries_taken)
        if asked > self.max_retry_delay:
            return None
        return asked


def parse_retry_after(headers: Mapping[str, str], now: Callable[[], float] = time.time) -> float | None:
    """The delay the server asked for, in seconds: ``retry-after-ms``, else ``Retry-After``."""
    value = headers.get("retry-after-ms")
    if value is not None:
        try:
            ms = float(value)
        except ValueError:
            pass
        else:
            if ms >= 0 and ms == ms:  # not negative, not NaN
                return ms / 1000.0
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        return max(0.0, when.timestamp() - now())
    if seconds < 0 or seconds != seconds:
        return None
    return seconds


def _is_insufficient_quota(body: bytes) -> bool:
    if b"insufficient_quota" not in body:
        return False
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return False
    error = data.get("error") if isinstance(data, dict) else None
    return isinstance(error, dict) and (error.get("code") == "insufficient_quota" or error.get("type") == "insufficient_quota")
