"""Network blocking for tests: every socket ``connect`` to a host not allowed raises.

pytest-recording's ``--block-network`` / ``block_network`` marker semantics (hosts allowed by
regular expressions), plus the harness's own rule: a test replaying a cassette in record mode
``none`` reaches loopback only, whatever client it uses. Python subprocesses the test starts
block the same hosts (a ``sitecustomize`` put on their ``PYTHONPATH``); a subprocess started
with ``-I`` or ``-S``, or a program that is not Python, is not covered.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import socket
import threading
from typing import Iterator, Sequence

from ._child_site._openai_harness_netguard import ENV, NetworkBlockedError, guard, is_loopback, rule, rules_for_children

__all__ = ["NetworkBlockedError", "blocking_network", "is_loopback"]

_original_connect = socket.socket.connect
_original_connect_ex = socket.socket.connect_ex
_lock = threading.Lock()
_CHILD_SITE = str(pathlib.Path(__file__).resolve().parent / "_child_site")


@contextlib.contextmanager
def blocking_network(allowed_hosts: Sequence[str] | None = None, *, allow_loopback: bool = False, reason: str = "--block-network") -> Iterator[None]:
    """Within the block, a socket may connect only to hosts matching one of ``allowed_hosts``
    (regular expressions, as pytest-recording's ``--allowed-hosts``), and to loopback when
    ``allow_loopback``; so may the Python subprocesses started within it."""
    hosts = list(allowed_hosts or ())
    allowed = rule(hosts, allow_loopback)
    with _lock:
        previous = (socket.socket.connect, socket.socket.connect_ex)
        previous_env = (os.environ.get(ENV), os.environ.get("PYTHONPATH"))
        socket.socket.connect = guard(_original_connect, allowed, reason)  # type: ignore[method-assign]
        socket.socket.connect_ex = guard(_original_connect_ex, allowed, reason)  # type: ignore[method-assign]
        os.environ[ENV] = rules_for_children(hosts, allow_loopback, reason)
        os.environ["PYTHONPATH"] = os.pathsep.join(part for part in (_CHILD_SITE, previous_env[1]) if part)
    try:
        yield
    finally:
        with _lock:
            socket.socket.connect, socket.socket.connect_ex = previous  # type: ignore[method-assign]
            for name, value in zip((ENV, "PYTHONPATH"), previous_env):
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
