"""Sentinels and small value types shared by every layer of the client.

``NOT_GIVEN`` means "use the default" and ``None`` means "explicitly off" (or JSON
null in a request body): the two must never be confused, so they are distinct values.
``omit`` removes a default header for one request.
"""

from __future__ import annotations

from typing import Any, ClassVar, Final, Literal, Mapping, Tuple, TypeVar, Union

__all__ = [
    "NOT_GIVEN",
    "NotGiven",
    "Omit",
    "Timeout",
    "TimeoutLike",
    "not_given",
    "omit",
    "to_timeout",
]

_T = TypeVar("_T")


class _Sentinel:
    """A falsy singleton per subclass that pickles by name."""

    __slots__ = ()
    _name = ""
    _instances: ClassVar[dict[type, _Sentinel]] = {}

    def __new__(cls) -> _Sentinel:
        instance = _Sentinel._instances.get(cls)
        if instance is None:
            instance = _Sentinel._instances[cls] = super().__new__(cls)
        return instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return self._name

    def __reduce__(self) -> str:
        return self._name


class NotGiven(_Sentinel):
    """The type of :data:`NOT_GIVEN`: an argument that was not passed at all."""

    __slots__ = ()
    _name = "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()
not_given: Final = NOT_GIVEN
"""The official SDK's newer spelling of :data:`NOT_GIVEN`."""


class Omit(_Sentinel):
    """The type of :data:`omit`: as a header value, removes that header from the request; as a
    parameter's value, leaves the parameter out."""

    __slots__ = ()
    _name = "omit"


omit: Final = Omit()


_UNSET: Any = object()


class Timeout:
    """Timeouts in seconds, the official SDK's (httpx's) shape: ``Timeout(60, connect=2)``.

    The first argument applies to every phase not named; ``None`` disables one. ``connect``
    bounds opening the connection (and, as urllib3 sends with it, writing the request); ``read``
    bounds every wait for bytes, so a stream silent longer than that fails; ``pool`` bounds the
    wait for a free connection with ``pool_block=True`` (never spent waiting on the calling
    thread's own open streams: that could only deadlock, so such a call takes one connection
    beyond the cap); ``write`` is accepted for compatibility (urllib3 bounds writes by
    ``connect``). ``total``, beyond httpx, bounds one whole attempt,
    body included: a body dribbled a byte at a time still ends in ``APITimeoutError``.
    """

    __slots__ = ("connect", "pool", "read", "total", "write")

    def __init__(
        self,
        timeout: float | None = _UNSET,
        *,
        connect: float | None = _UNSET,
        read: float | None = _UNSET,
        write: float | None = _UNSET,
        pool: float | None = _UNSET,
        total: float | None = None,
    ) -> None:
        def pick(value: Any, fallback: float) -> float | None:
            chosen = value if value is not _UNSET else (timeout if timeout is not _UNSET else fallback)
            return None if chosen is None else float(chosen) if _is_seconds(chosen) else chosen

        values = {"connect": pick(connect, 5.0), "read": pick(read, 600.0), "write": pick(write, 600.0), "pool": pick(pool, 600.0), "total": total}
        for name, value in values.items():
            if value is not None and not (_is_seconds(value) and value > 0):
                raise ValueError(f"Timeout {name} must be a positive number of seconds or None, got {value!r}")
        self.connect: float | None = values["connect"]
        self.read: float | None = values["read"]
        self.write: float | None = values["write"]
        self.pool: float | None = values["pool"]
        self.total: float | None = values["total"]

    def _key(self) -> tuple[float | None, ...]:
        return (self.connect, self.read, self.write, self.pool, self.total)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Timeout) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        total = f", total={self.total!r}" if self.total is not None else ""
        return f"Timeout(connect={self.connect!r}, read={self.read!r}, write={self.write!r}, pool={self.pool!r}{total})"


def _is_seconds(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


TimeoutLike = Union[float, Tuple[Union[float, None], Union[float, None]], Timeout, None]
"""A number (every phase), a ``(connect, read)`` pair, a :class:`Timeout` (or the official SDK's
``httpx.Timeout``), or ``None`` (no timeout)."""


def to_timeout(value: TimeoutLike) -> Timeout | None:
    """Normalise any accepted timeout form; a clear ``ValueError``/``TypeError`` otherwise."""
    if value is None or isinstance(value, Timeout):
        return value
    if isinstance(value, tuple):
        if len(value) != 2:
            raise ValueError(f"A timeout pair must be (connect, read), got {value!r}")
        connect, read = value
        return Timeout(connect=connect, read=read)
    if all(hasattr(value, name) for name in ("connect", "read", "write", "pool")):
        # ``openai.Timeout`` / ``httpx.Timeout``: the same four phases.
        phases: Any = value
        return Timeout(connect=phases.connect, read=phases.read, write=phases.write, pool=phases.pool)
    if not _is_seconds(value):
        raise TypeError(f"timeout must be a number, a (connect, read) pair, a Timeout or None, got {value!r}")
    return Timeout(float(value))


HeaderValue = Union[str, Omit]
HeadersLike = Mapping[str, HeaderValue]
