"""Network blocking for tests: every socket ``connect`` to a host not allowed raises.

pytest-recording's ``--block-network`` / ``block_network`` marker semantics (hosts allowed by
regular expressions), plus the harness's own rule: a test replaying a cassette in record mode
``none`` reaches loopback only, whatever client it uses.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import socket
import threading
from typing import Any, Callable, Iterator, Sequence

__all__ = ["NetworkBlockedError", "blocking_network", "is_loopback"]

_original_connect = socket.socket.connect
_original_connect_ex = socket.socket.connect_ex
_lock = threading.Lock()


class NetworkBlockedError(RuntimeError):
    """A connection the test's network rules forbid (pytest-recording raises ``RuntimeError`` too)."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _host_of(sock: socket.socket, address: Any) -> str:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple):
        return str(address[0])
    if isinstance(address, bytes):
        return address.decode("utf-8", "replace")
    return str(address)


def _guard(original: Callable[..., Any], allowed: Callable[[str, int], bool], reason: str) -> Callable[..., Any]:
    def connect(self: socket.socket, address: Any, *args: Any, **kwargs: Any) -> Any:
        if self.family == getattr(socket, "AF_UNIX", object()):
            return original(self, address, *args, **kwargs)  # local IPC (socketpair, event loops)
        host = _host_of(self, address)
        if not allowed(host, self.family):
            raise NetworkBlockedError(f"Network is disabled for host {host!r} ({reason})")
        return original(self, address, *args, **kwargs)

    return connect


@contextlib.contextmanager
def blocking_network(allowed_hosts: Sequence[str] | None = None, *, allow_loopback: bool = False, reason: str = "--block-network") -> Iterator[None]:
    """Within the block, a socket may connect only to hosts matching one of ``allowed_hosts``
    (regular expressions, as pytest-recording's ``--allowed-hosts``), and to loopback when
    ``allow_loopback``."""
    patterns = [re.compile(pattern) for pattern in allowed_hosts or ()]

    def allowed(host: str, family: int) -> bool:
        return (allow_loopback and is_loopback(host)) or any(pattern.match(host) for pattern in patterns)

    with _lock:
        previous = (socket.socket.connect, socket.socket.connect_ex)
        socket.socket.connect = _guard(_original_connect, allowed, reason)  # type: ignore[method-assign]
        socket.socket.connect_ex = _guard(_original_connect_ex, allowed, reason)  # type: ignore[method-assign]
    try:
        yield
    finally:
        with _lock:
            socket.socket.connect, socket.socket.connect_ex = previous  # type: ignore[method-assign]
