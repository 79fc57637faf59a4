"""A failure that repeats is written once, then counted (`services/repeats.py`): real `logging` records through real
handlers, and a real `velo serve edge` whose milvus-lite server process is stopped and started again (it had written
2,950 lines in 6 s: pymilvus's 147-line traceback per failed call, "the cache is still down" every second)."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from services.repeats import Repeats, recovered
from tests.milvus_servers import free_ports, lite_server
from tests.ports import closed_port

REPO = Path(__file__).resolve().parents[2]


class Clock:
    """Time the test steps itself, so the reminder after `remind_s` is checked without sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def logged() -> Iterator[tuple[logging.Logger, io.StringIO, Clock]]:
    """A logger `velo.test.repeats` writing through one handler with the filter (remind_s 300 s) to a string."""
    out, clock = io.StringIO(), Clock()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    handler.addFilter(Repeats(remind_s=300.0, clock=clock))
    logger = logging.getLogger("velo.test.repeats")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield logger, out, clock
    finally:
        logger.removeHandler(handler)


def _fail(logger: logging.Logger, port: int) -> None:
    try:
        raise ConnectionRefusedError(111, f"Connection refused ({port})")
    except ConnectionRefusedError:
        logger.error("cloud call failed: port %d", port, exc_info=True)


def test_identical_failures_are_written_once_then_counted_when_the_failure_changes(logged) -> None:
    logger, out, _ = logged
    for _ in range(5):
        _fail(logger, 8300)
    _fail(logger, 8301)  # the same call, another text: the failure changed
    lines = out.getvalue().splitlines()
    assert sum(line.startswith("ERROR velo.test.repeats cloud call failed: port 8300") for line in lines) == 1, lines
    assert sum(line.startswith("Traceback") for line in lines) == 2, lines  # one per failure, not one per record
    changed = next(line for line in lines if "port 8301" in line)
    assert changed.endswith("[before: 'cloud call failed: port 8300 | ConnectionRefusedError: [Errno 111] Connection refused (8300)' "
                            "repeated 4 more times]"), changed


def test_a_recovery_says_how_many_were_held_back_and_a_new_failure_is_written_again(logged) -> None:
    logger, out, _ = logged
    for _ in range(3):
        logger.warning("the cache is still down: %s", "MilvusException")
    logger.info("a request answered")  # below WARNING: untouched, ends nothing
    logger.warning("the cache is back", extra=recovered())
    logger.warning("the cache is still down: %s", "MilvusException")
    assert out.getvalue().splitlines() == [
        "WARNING velo.test.repeats the cache is still down: MilvusException",
        "INFO velo.test.repeats a request answered",
        "WARNING velo.test.repeats the cache is back ['the cache is still down: MilvusException' repeated 2 more times until now]",
        "WARNING velo.test.repeats the cache is still down: MilvusException",
    ]


def test_a_failure_that_goes_on_is_written_again_every_remind_s_without_its_traceback(logged) -> None:
    logger, out, clock = logged
    _fail(logger, 8300)
    for _ in range(1, 300):  # one a second for 299 s
        clock.now += 1.0
        _fail(logger, 8300)
    assert len([line for line in out.getvalue().splitlines() if line.startswith("ERROR")]) == 1
    clock.now += 1.0
    _fail(logger, 8300)
    lines = out.getvalue().splitlines()
    assert lines[-1] == "ERROR velo.test.repeats cloud call failed: port 8300 [repeated 299 times in the last 300 s]", lines[-3:]
    assert sum(line.startswith("Traceback") for line in lines) == 1


def test_one_record_through_two_handlers_is_judged_once_and_loggers_are_apart(logged) -> None:
    """pymilvus's records reach its own handlers; a filter shared by them must not take the second for a repeat."""
    logger, out, _ = logged
    repeats = next(f for f in logger.handlers[0].filters if isinstance(f, Repeats))
    second = io.StringIO()
    other = logging.StreamHandler(second)
    other.addFilter(repeats)
    logger.addHandler(other)
    try:
        logger.warning("the cloud is down")
        logging.getLogger("velo.test.repeats.child").warning("the cloud is down")  # another logger: a run of its own
    finally:
        logger.removeHandler(other)
    assert second.getvalue().splitlines() == ["the cloud is down", "the cloud is down"]
    assert out.getvalue().count("the cloud is down") == 2


def test_a_bad_setting_is_refused() -> None:
    with pytest.raises(ValueError, match="remind_s must be > 0"):
        Repeats(remind_s=0)


def _health(url: str) -> dict | None:
    try:
        return httpx.get(f"{url}/healthz", timeout=30).json()
    except httpx.TransportError:
        return None


def _wait(url: str, cache: str, edge: subprocess.Popen, log: Path, timeout_s: float = 300.0) -> None:
    deadline = time.monotonic() + timeout_s
    while (got := _health(url)) is None or got["cache"] != cache:
        assert edge.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
        time.sleep(0.3)


def test_velo_serve_edge_writes_milvus_going_down_once_and_says_how_long_when_it_is_back(tmp_path: Path) -> None:
    milvus_port, edge_port = free_ports(2)
    log = tmp_path / "edge.log"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false", "VELO_HOME": str(tmp_path / "home")}
    url = f"http://127.0.0.1:{edge_port}"
    edge = None
    try:
        with lite_server(tmp_path / "milvus", port=milvus_port) as uri, open(log, "wb") as sink:
            edge = subprocess.Popen([sys.executable, "-m", "velo", "serve", "edge", "--port", str(edge_port), "--cache-uri", uri,
                                     "--llm", f"http://127.0.0.1:{closed_port()}"], stdout=sink, stderr=subprocess.STDOUT, env=env, cwd=REPO)
            _wait(url, "up", edge, log)
        _wait(url, "down", edge, log, 30.0)  # Milvus is stopped now: a health call finds it
        time.sleep(6.0)  # the edge tries to reopen the cache every second meanwhile
        with lite_server(tmp_path / "milvus", port=milvus_port):
            _wait(url, "up", edge, log, 60.0)
            edge.terminate()
            edge.wait(60)
    finally:
        if edge is not None and edge.poll() is None:
            edge.kill()
            edge.wait(10)
    text = log.read_text(errors="replace")
    lines = text.splitlines()
    assert sum("WARNING velo.edge.cache the cache is still down" in line for line in lines) == 1, text[-5000:]
    back = next(line for line in lines if "the cache is back" in line)
    assert "'the cache is still down: " in back and "more times until now" in back, back
    rpc_errors = [line for line in lines if "[_log_rpc_error]" in line]  # pymilvus's, one per distinct failed call
    assert len(rpc_errors) == 1 and "RPC error: [has_collection]" in rpc_errors[0] and len(lines) < 400, (rpc_errors, len(lines))
