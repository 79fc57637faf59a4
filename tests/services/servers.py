"""Run an ASGI app under uvicorn in a thread on a loopback port, for the services' tests, and the calls they make to it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn


class Running:
    """A started server: its `url`; `stop()` runs the app's shutdown (lifespan) and frees the port."""

    def __init__(self, app, port: int | None = None, start_timeout_s: float = 300.0) -> None:
        self.app = app
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
        """Idempotent."""
        self.server.should_exit = True
        self.thread.join(timeout=60)
        self.sock.close()


@contextmanager
def running(app, port: int | None = None) -> Iterator[Running]:
    server = Running(app, port)
    try:
        yield server
    finally:
        server.stop()


def closed_port() -> int:
    """A loopback port nothing listens on (an edge server that is down)."""
    with socket.create_server(("127.0.0.1", 0)) as sock:
        return sock.getsockname()[1]


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
