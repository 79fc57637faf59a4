"""`velo up`'s ports: each process it starts gets its own (`velo.cli.up.free_ports` holds all until every one is
picked; one at a time, a port let go could be picked again for the next edge before the first listened)."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

from velo.cli.up import Stack, free_ports, lost_its_port, wait_or_rebind


def test_ports_picked_together_are_distinct_free_and_not_the_ones_to_avoid() -> None:
    ports = free_ports(64)
    assert len(set(ports)) == 64
    for port in ports:
        socket.create_server(("127.0.0.1", port)).close()  # free: bindable now
    low, high = (int(x) for x in open("/proc/sys/net/ipv4/ip_local_port_range").read().split())
    avoid = frozenset(range(low, (low + high) // 2))  # half of what the kernel hands out
    picked = free_ports(16, avoid=avoid)
    assert len(set(picked)) == 16 and not avoid & set(picked), picked


def test_a_child_whose_port_was_taken_first_is_started_again_on_another(tmp_path: Path) -> None:
    """nc45: `velo up` failed 1 time in 3 beside a test run with "cloud exited with code 3": its port, found free and let
    go, was bound by another process before the cloud bound it. A real milvus-lite server started on a port another
    socket holds exits ("Failed to bind to address"); `wait_or_rebind` starts it on another free port, where it listens."""
    data = tmp_path / "milvus"
    data.mkdir()

    def argv_of(port: int) -> list[str]:
        return [str(Path(sys.executable).parent / "milvus-lite"), "server", "--data-dir", str(data), "--host", "127.0.0.1", "--port", str(port)]

    stack = Stack(tmp_path / "logs")
    with socket.socket() as taken:  # bound, not listening: the child cannot bind it, and nothing answers on it
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        try:
            stack.start("milvus", argv_of(port), port=port)
            served = wait_or_rebind(stack, "milvus", port, argv_of, lambda port: stack.wait_milvus(port, 60.0))
            assert served != port and stack.children[0].port == served
            with socket.create_connection(("127.0.0.1", served), timeout=5):
                pass
        finally:
            stack.stop()
    assert lost_its_port(tmp_path / "logs" / "milvus.log")


def test_another_process_listening_on_the_milvus_port_does_not_pass_for_the_server(tmp_path: Path) -> None:
    """nc45 LOW: `velo up` waited for its milvus-lite server by connecting to its port, so a process listening there
    first passed for it (and the edges would have been sent to it). Now the server must answer a Milvus call
    (`velo.cache.milvus_client.milvus_answers`): the listener does not, the server started on that port exits
    ("Failed to bind"), and it is started again on another, where it answers."""
    from velo.cache.milvus_client import milvus_answers

    data = tmp_path / "milvus"
    data.mkdir()

    def argv_of(port: int) -> list[str]:
        return [str(Path(sys.executable).parent / "milvus-lite"), "server", "--data-dir", str(data), "--host", "127.0.0.1", "--port", str(port)]

    stack = Stack(tmp_path / "logs")
    with socket.create_server(("127.0.0.1", 0)) as impostor:  # listening: a connection to it succeeds
        port = impostor.getsockname()[1]
        assert not milvus_answers(f"http://127.0.0.1:{port}", 1.0)
        try:
            stack.start("milvus", argv_of(port), port=port)
            served = wait_or_rebind(stack, "milvus", port, argv_of, lambda port: stack.wait_milvus(port, 60.0))
            assert served != port and milvus_answers(f"http://127.0.0.1:{served}")
        finally:
            stack.stop()


def test_a_child_that_fails_for_another_reason_is_not_started_again(tmp_path: Path) -> None:
    stack = Stack(tmp_path / "logs")
    argv = [sys.executable, "-c", "import sys; print('no model here'); sys.exit(3)"]
    try:
        stack.start("cloud", argv, port=None)
        with pytest.raises(OSError, match="cloud exited with code 3"):
            wait_or_rebind(stack, "cloud", 1, lambda port: argv, lambda port: stack.wait_until("cloud", lambda: False, 30.0, 0.2, "up"))
    finally:
        stack.stop()
