"""`velo up`'s ports: each process it starts gets its own (`velo.cli.up.free_ports` holds all until every one is
picked; one at a time, a port let go could be picked again for the next edge before the first listened)."""

from __future__ import annotations

import socket

from velo.cli.up import free_ports


def test_ports_picked_together_are_distinct_free_and_not_the_ones_to_avoid() -> None:
    ports = free_ports(64)
    assert len(set(ports)) == 64
    for port in ports:
        socket.create_server(("127.0.0.1", port)).close()  # free: bindable now
    low, high = (int(x) for x in open("/proc/sys/net/ipv4/ip_local_port_range").read().split())
    avoid = frozenset(range(low, (low + high) // 2))  # half of what the kernel hands out
    picked = free_ports(16, avoid=avoid)
    assert len(set(picked)) == 16 and not avoid & set(picked), picked
