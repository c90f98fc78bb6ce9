"""The socket guard behind network blocking, in the standard library only.

openai-harness installs it in the test process, and (through ``sitecustomize`` in this folder,
put on ``PYTHONPATH`` while a test blocks the network) in every Python subprocess the test
starts, whatever interpreter that is and whether or not it has openai-harness installed.
"""

from __future__ import annotations

import ipaddress
import json
import re
import socket
from typing import Any, Callable, Sequence

ENV = "OPENAI_HARNESS_BLOCK_NETWORK"


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


def rule(allowed_hosts: Sequence[str], allow_loopback: bool) -> Callable[[str], bool]:
    """Whether a host may be reached: loopback when allowed, or a match of one pattern
    (regular expressions, as pytest-recording's ``--allowed-hosts``)."""
    patterns = [re.compile(pattern) for pattern in allowed_hosts]
    return lambda host: (allow_loopback and is_loopback(host)) or any(pattern.match(host) for pattern in patterns)


def guard(original: Callable[..., Any], allowed: Callable[[str], bool], reason: str) -> Callable[..., Any]:
    """``socket.connect`` (or ``connect_ex``) refusing hosts ``allowed`` rejects."""

    def connect(self: socket.socket, address: Any, *args: Any, **kwargs: Any) -> Any:
        if self.family == getattr(socket, "AF_UNIX", object()):
            return original(self, address, *args, **kwargs)  # local IPC (socketpair, event loops)
        host = _host_of(self, address)
        if not allowed(host):
            raise NetworkBlockedError(f"Network is disabled for host {host!r} ({reason})")
        return original(self, address, *args, **kwargs)

    return connect


def rules_for_children(allowed_hosts: Sequence[str], allow_loopback: bool, reason: str) -> str:
    return json.dumps({"allowed_hosts": list(allowed_hosts), "allow_loopback": allow_loopback, "reason": reason + ", inherited by this subprocess"})


def install_from_environment(value: str) -> None:
    """In a subprocess: block as the parent test does."""
    try:
        rules = json.loads(value)
        allowed = rule(rules.get("allowed_hosts") or (), bool(rules.get("allow_loopback")))
        reason = str(rules.get("reason", "blocked by the test that started this process"))
    except (ValueError, TypeError, AttributeError, re.error):
        allowed, reason = rule((), False), "blocked by the test that started this process"
    socket.socket.connect = guard(socket.socket.connect, allowed, reason)  # type: ignore[method-assign]
    socket.socket.connect_ex = guard(socket.socket.connect_ex, allowed, reason)  # type: ignore[method-assign]
