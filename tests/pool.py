"""How many connections a client has taken from its pool and not given back."""

from __future__ import annotations

from typing import Any


def checked_out(client: Any) -> int:
    """Connections currently taken from the pool (none may remain after a call or a stream)."""
    transport: Any = client.transport
    total = 0
    for pool in transport._direct.pools._container.values():
        if pool.pool is not None:  # urllib3 keeps one queue slot per connection it may lend
            total += pool.pool.maxsize - pool.pool.qsize()
    return total
