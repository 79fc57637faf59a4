"""A healthy start of `velo serve edge` logs no traceback, no error and no warning: a real edge process on an embedded
milvus-lite file and on a milvus-lite server, started twice on each (the collection created, then opened again).

Every edge start on an embedded file had logged `grpc._server ERROR Exception calling application: Method not
implemented!` with the traceback of milvus-lite's missing AllocTimestamp (asked by pymilvus's wait for the index
build, `velo/cache/semantic_cache.py`): a user reading the log saw a traceback on a start that was fine.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import httpx
import pytest

from services import cloud as cloud_service
from tests.milvus_servers import free_ports, lite_server
from tests.ports import closed_port
from tests.services.servers import Running

REPO = Path(__file__).resolve().parents[2]


def _health(url: str) -> dict | None:
    try:
        return httpx.get(f"{url}/healthz", timeout=30).json()
    except httpx.TransportError:
        return None


@contextmanager
def _llm() -> Iterator[Running]:
    """An LLM endpoint that answers `/v1/models` (the cloud service in front of an upstream nobody runs): the edge's
    health is "ok" with it, and no request is made here."""
    server = Running(cloud_service.build_app(cloud_service.CloudSettings(upstream_url=f"http://127.0.0.1:{closed_port()}")))
    try:
        yield server
    finally:
        server.stop()


def _start_and_stop(uri: str, llm: str, log: Path, home: Path) -> dict:
    """`velo serve edge` on `uri` until its `/healthz` answers, then stopped (SIGTERM); its health."""
    port = free_ports(1)[0]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false", "VELO_HOME": str(home), "VELO_EDGE_LLM_MODEL": "velo-cloud"}
    url = f"http://127.0.0.1:{port}"
    with open(log, "ab") as sink:
        edge = subprocess.Popen([sys.executable, "-m", "velo", "serve", "edge", "--port", str(port), "--cache-uri", uri, "--llm", llm],
                                stdout=sink, stderr=subprocess.STDOUT, env=env, cwd=REPO)
    try:
        deadline = time.monotonic() + 300
        while (body := _health(url)) is None:
            assert edge.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
            time.sleep(0.3)
        edge.terminate()
        edge.wait(60)  # uvicorn shuts down, then re-raises the SIGTERM it caught: -15 is a clean stop
        return body
    finally:
        if edge.poll() is None:
            edge.kill()
            edge.wait(10)


@pytest.mark.parametrize("backend", ["embedded", "lite-server"])
def test_a_healthy_edge_start_logs_no_traceback(tmp_path: Path, backend: str) -> None:
    log = tmp_path / "edge.log"
    served = lite_server(tmp_path / "milvus") if backend == "lite-server" else nullcontext(str(tmp_path / "cache" / "edge.db"))
    with served as uri, _llm() as llm:
        for start in ("created", "opened"):
            body = _start_and_stop(uri, llm.url, log, tmp_path / "home")
            assert body["status"] == "ok" and body["cache"] == "up", (start, body)
    text = log.read_text(errors="replace")
    assert text.count("edge server edge-0 on") == 2, text[-3000:]
    said = [line for line in text.splitlines() if not line.startswith("edge server ")]
    assert not [line for line in said if "Traceback" in line or " ERROR " in line or " WARNING " in line], text[-5000:]
