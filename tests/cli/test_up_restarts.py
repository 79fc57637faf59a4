"""`velo up`'s restarts: a milvus-lite server killed and restarted is said to be back; the restart limit is a rate (`velo.cli.up.Stack.supervise`), checked with real child processes that die
at once (`sh -c 'exit 3'`): nc18 finding 12 found a count for the whole run, so three kills hours apart left an edge
down for good."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from velo.cli.up import Stack, start_milvus_lite

DIES = ["sh", "-c", "exit 3"]


def _death(stack: Stack, said: list[str]) -> None:
    """Wait for the one child to exit, then one round of supervision."""
    stack.children[0].proc.wait(10)
    stack.supervise(said.append)


def test_a_process_dying_faster_than_the_rate_is_left_down_after_three_restarts(tmp_path: Path) -> None:
    stack = Stack(tmp_path / "logs", restarts=3, window_s=60.0)
    stack.start("edge-0", DIES)
    said: list[str] = []
    try:
        for _ in range(5):
            _death(stack, said)
    finally:
        stack.stop()
    nothing = "nothing is left to route to (no other edge, no cloud runs): the gateway answers 503 no_upstream until it is back"
    assert [line.split(" (see ")[0] for line in said] == [
        f"edge-0 stopped (code 3); restarting it (1 of 3 within 60 s), meanwhile {nothing}",
        f"edge-0 stopped (code 3); restarting it (2 of 3 within 60 s), meanwhile {nothing}",
        f"edge-0 stopped (code 3); restarting it (3 of 3 within 60 s), meanwhile {nothing}",
        f"edge-0 stopped (code 3) after 3 restarts within 60 s: left down, {nothing}",
    ], said  # the 5th round finds it left down and says nothing more (nc: it had said "routes around it" with nothing left)
    assert stack.children[0].left_down


def test_deaths_spread_out_are_each_restarted(tmp_path: Path) -> None:
    window = 0.3
    stack = Stack(tmp_path / "logs", restarts=2, window_s=window)
    stack.start("edge-0", DIES)
    said: list[str] = []
    try:
        for _ in range(5):  # more deaths than `restarts`, one window apart
            time.sleep(window)
            _death(stack, said)
    finally:
        stack.stop()
    assert len(said) == 5 and all("restarting it (1 of 2 within 0.3 s)" in line for line in said), said
    assert not stack.children[0].left_down


def test_the_gateway_dying_faster_than_the_rate_stops_the_stack(tmp_path: Path) -> None:
    stack = Stack(tmp_path / "logs", restarts=1, window_s=60.0)
    stack.start("gateway", DIES)
    said: list[str] = []
    try:
        _death(stack, said)
        with pytest.raises(OSError, match=r"the gateway stopped \(code 3\) after 1 restart within 60 s"):
            _death(stack, said)
    finally:
        stack.stop()


@pytest.mark.parametrize(("restarts", "window_s"), [(-1, 60.0), (3, 0.0)])
def test_a_rate_that_is_none_is_refused(tmp_path: Path, restarts: int, window_s: float) -> None:
    with pytest.raises(ValueError, match="restarts must be >= 0 and window_s > 0"):
        Stack(tmp_path / "logs", restarts=restarts, window_s=window_s)


def test_a_milvus_that_dies_is_restarted_and_said_to_be_back(tmp_path: Path) -> None:
    """A newcomer's finding: `velo up` said "milvus stopped ...; restarting it" and never that it was back (milvus has
    no health URL, so "back" was never checked). A real milvus-lite server, killed with SIGKILL."""
    stack = Stack(tmp_path / "logs")
    said: list[str] = []
    try:
        uri = start_milvus_lite(stack, tmp_path / "milvus")
        port = int(uri.rsplit(":", 1)[1])
        stack.children[0].proc.kill()
        stack.children[0].proc.wait(10)
        deadline = time.monotonic() + 60
        while not any(" is back " in line for line in said):
            assert time.monotonic() < deadline, said
            stack.supervise(said.append)
            time.sleep(0.2)
        with socket.create_connection(("127.0.0.1", port), timeout=5):  # the same port as before: the edges' URI still holds
            pass
    finally:
        stack.stop()
    assert said[0].startswith("milvus stopped (code -9); restarting it (1 of 3 within 60 s), meanwhile the edges answer "
                              "without their cache until it returns"), said
    assert said[-1] == f"milvus is back (answering on port {port}; the edges reconnect to it by themselves)", said
    assert len(said) == 2, said


def test_an_edges_death_says_what_is_left_to_route_to(tmp_path: Path) -> None:
    """The other edges that run, then the cloud; the cloud alone; nothing (one left down counts as not running)."""
    stack = Stack(tmp_path / "logs", restarts=3, window_s=60.0)
    stack.start("edge-0", DIES)
    sleeping = ["sh", "-c", "sleep 30"]
    edge_1, cloud = stack.start("edge-1", sleeping), stack.start("cloud", sleeping)
    try:
        dead = stack.children[0]
        assert stack.without_edge(dead) == "the gateway routes around it (to edge-1, then the cloud)"
        edge_1.kill()
        edge_1.wait(10)
        assert stack.without_edge(dead) == "the gateway routes around it (to the cloud directly: no other edge runs)"
        cloud.kill()
        cloud.wait(10)
        assert stack.without_edge(dead).startswith("nothing is left to route to")
    finally:
        stack.stop()
