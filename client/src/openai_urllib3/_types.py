"""Sentinels and small value types shared by every layer of the client.

``NOT_GIVEN`` means "use the default" and ``None`` means "explicitly off" (or JSON
null in a request body): the two must never be confused, so they are distinct values.
``omit`` removes a default header for one request.
"""

from __future__ import annotations

from typing import ClassVar, Final, Literal, Mapping, Tuple, TypeVar, Union

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


class Timeout:
    """Per-attempt timeouts in seconds; ``None`` in a field disables that timeout.

    ``read`` bounds every wait for bytes from the server, so a stream that goes
    silent longer than ``read`` fails even though the whole stream may last longer.
    """

    __slots__ = ("connect", "read")

    def __init__(self, read: float | None = 600.0, *, connect: float | None = 5.0) -> None:
        for name, value in (("read", read), ("connect", connect)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0):
                raise ValueError(f"Timeout {name} must be a positive number of seconds or None, got {value!r}")
        self.connect = connect
        self.read = read

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Timeout) and (self.connect, self.read) == (other.connect, other.read)

    def __hash__(self) -> int:
        return hash((self.connect, self.read))

    def __repr__(self) -> str:
        return f"Timeout(read={self.read!r}, connect={self.connect!r})"


TimeoutLike = Union[float, Tuple[Union[float, None], Union[float, None]], Timeout, None]
"""A number (connect and read), a ``(connect, read)`` pair, a :class:`Timeout`, or ``None`` (no timeout)."""


def to_timeout(value: TimeoutLike) -> Timeout | None:
    """Normalise any accepted timeout form; a clear ``ValueError``/``TypeError`` otherwise."""
    if value is None or isinstance(value, Timeout):
        return value
    if isinstance(value, tuple):
        if len(value) != 2:
            raise ValueError(f"A timeout pair must be (connect, read), got {value!r}")
        connect, read = value
        return Timeout(read, connect=connect)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"timeout must be a number, a (connect, read) pair, a Timeout or None, got {value!r}")
    return Timeout(float(value), connect=float(value))


HeaderValue = Union[str, Omit]
HeadersLike = Mapping[str, HeaderValue]
