"""Run an ASGI app under uvicorn in a thread on a loopback port, for the services' tests, and the calls they make to it."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn

from tests import ports


class Running:
    """A started server: its `url`; `stop()` runs the app's shutdown (lifespan) and closes the port."""

    def __init__(self, app, port: int | None = None, start_timeout_s: float = 300.0) -> None:
        self.app, self.stopped = app, False
        if port:
            ports.take(port)  # held while down (`tests.ports`): this server is its upstream back
        self.sock = socket.create_server(("127.0.0.1", port or 0), reuse_port=False)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=30))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + start_timeout_s
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                self.sock.close()
                raise RuntimeError(f"the app on {self.url} did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        """Idempotent. The port stays held (`tests.ports`) so the stopped server stays down until a test restarts it."""
        self.server.should_exit = True
        self.thread.join(timeout=60)
        if not self.stopped:
            self.stopped = True
            self.sock.close()
            with contextlib.suppress(OSError):  # a connection in TIME_WAIT on it: not held, as before
                ports.hold(self.port)


@contextmanager
def running(app, port: int | None = None) -> Iterator[Running]:
    server = Running(app, port)
    try:
        yield server
    finally:
        server.stop()


def post(url: str, **kwargs: object) -> httpx.Response:
    return httpx.post(url, **{"timeout": 120, **kwargs})


def get(url: str, **kwargs: object) -> httpx.Response:
    return httpx.get(url, **{"timeout": 120, **kwargs})


def delete(url: str, **kwargs: object) -> httpx.Response:
    return httpx.delete(url, **{"timeout": 120, **kwargs})


def sync(edge: Running) -> None:
    """Wait until the edge's queued write-backs are in its cache."""
    assert post(f"{edge.url}/admin/cache/sync", timeout=120).json()["pending_writes"] == 0


def metric(server: Running, sample: str) -> float:
    """A sample's value in a server's /metrics (0 when it is not there yet)."""
    lines = [line for line in get(f"{server.url}/metrics").text.splitlines() if line.startswith(sample + " ")]
    return float(lines[0].split()[-1]) if lines else 0.0
