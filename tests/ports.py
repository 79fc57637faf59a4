"""Loopback ports that refuse connections, for tests of an upstream that is down, held so no server takes them.

A port found free and let go (`bind` to 0, close) is the next one the kernel may hand out: the CI run of 0b10e9b
failed when the gateway a test started next, on port 0, got its own "dead edge"'s port, asked itself, and got its
own 401 (tests/services/test_cooldown_reports.py). A port here stays bound, never listening, until `take` lets a
server start on it: a connection to it is refused, and no other bind in any process gets it (the holding socket
sets no SO_REUSEADDR, so even a server's `create_server`, which sets it, is refused). `tests/services/servers.py`
takes a held port when a test starts a server on it, and holds the port of a server it stops (best effort: a
connection in TIME_WAIT on it can make the bind fail), so a stopped upstream stays down until a test restarts it.
"""

from __future__ import annotations

import socket

_HELD: dict[int, socket.socket] = {}


def hold(port: int = 0) -> int:
    """Bind `port` (0: any free one) on 127.0.0.1 without listening and keep it bound; returns the port.
    OSError when the port is in use."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError:
        sock.close()
        raise
    port = sock.getsockname()[1]
    _HELD[port] = sock
    return port


def closed_port() -> int:
    """A loopback port that refuses connections (an upstream that is down), held until `take`."""
    return hold()


def take(port: int) -> None:
    """Let go of `port` if held here, for a server about to bind it (no-op otherwise)."""
    sock = _HELD.pop(port, None)
    if sock is not None:
        sock.close()
