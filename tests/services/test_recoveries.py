"""An upstream that stops answering and comes back is logged as two lines, not one per request: its failure once, then
"answers again" with how many identical failures were held back (`services/cooldown.py` through `services/repeats.py`).
Real processes whose logs are read as a user reads them: an edge (`velo serve edge`) whose cloud (`velo serve cloud`)
is ended and started again on its port, and a gateway (`velo serve gateway`) whose edge is. The cache's own recovery
line is `tests/services/test_repeats.py`'s.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.milvus_servers import free_ports
from tests.services.servers import running
from tests.services.stack.test_end_user_fields import recording_upstream

REPO = Path(__file__).resolve().parents[2]
DOWN_FOR_S = 1.0
"""The cool-down of an upstream that gave no answer, here (the services' defaults are 5 and 30 s)."""
KEY = "recovery-key-01"


def start(argv: list[str], port: int, log: Path, **env: str) -> subprocess.Popen:
    """`velo serve ARGV --port PORT`, its output appended to `log`, once its `/healthz` answers."""
    url = f"http://127.0.0.1:{port}"
    with open(log, "ab") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "velo", "serve", *argv, "--port", str(port)], stdout=sink, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, cwd=REPO,
                                env={**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false", **env})
    deadline = time.monotonic() + 300
    while True:
        if proc.poll() is not None or time.monotonic() > deadline:
            stop(proc)
            raise AssertionError(log.read_text(errors="replace")[-3000:])
        try:
            httpx.get(f"{url}/healthz", timeout=30)
            return proc
        except httpx.TransportError:
            time.sleep(0.2)


def stop(proc: subprocess.Popen | None) -> None:
    """SIGTERM (a clean shutdown), SIGKILL if it does not end within 60 s; None or ended already: nothing."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def _lines(log: Path, start: str) -> list[str]:
    """The log's lines whose message starts with `start` (after `<date> <time> <LEVEL> <logger> `)."""
    return [line for line in log.read_text(errors="replace").splitlines() if line.split(" ", 4)[-1].startswith(start)]


def _assert_down_once_then_answers_again(log: Path, upstream: str, logged_as: str) -> None:
    """`log` says once that `upstream` ("cloud URL", "edge URL") does not answer and once that it answers again, both
    as `logged_as` (level and logger), the second counting the 2 failed trials in between."""
    down, again = _lines(log, f"{upstream} does not answer"), _lines(log, f"{upstream} answers again")
    assert len(down) == 1 and logged_as in down[0], log.read_text()[-5000:]
    assert len(again) == 1 and logged_as in again[0], log.read_text()[-5000:]
    assert again[0].endswith("repeated 2 more times until now]") and f"'{upstream} does not answer (" in again[0], again


def test_an_edge_whose_cloud_was_down_says_once_that_it_answers_again(tmp_path: Path) -> None:
    cloud_port, edge_port = free_ports(2)
    cloud_url, edge_url = f"http://127.0.0.1:{cloud_port}", f"http://127.0.0.1:{edge_port}"
    cloud_log, edge_log = tmp_path / "cloud.log", tmp_path / "edge.log"
    to_cloud: list[dict] = []

    def serve(question: str) -> str:
        response = httpx.post(f"{edge_url}/v1/serve", json={"messages": [{"role": "user", "content": question}], "max_tokens": 6}, timeout=60)
        assert response.status_code == 200, response.text
        return response.json()["route"]

    cloud = edge = None
    with running(recording_upstream(to_cloud)) as upstream, running(recording_upstream([])) as edge_llm:
        cloud_argv = ["cloud", "--upstream-url", upstream.url, "--upstream-model", "cloud-up"]
        try:
            cloud = start(cloud_argv, cloud_port, cloud_log)
            edge = start(["edge", "--cache-uri", str(tmp_path / "edge.db"), "--cloud-url", cloud_url, "--llm", edge_llm.url], edge_port, edge_log,
                         VELO_HOME=str(tmp_path / "home"), VELO_EDGE_LLM_MODEL="edge-llm", VELO_EDGE_CLOUD_DOWN_FOR_S=str(DOWN_FOR_S))
            assert serve("What is the tallest mountain in Europe?") == "cloud"
            stop(cloud)
            for question in ("Why do cats purr?", "How far away is the Moon?", "Why is the sea salty?"):  # each a trial that fails
                assert serve(question) == "edge"
                time.sleep(DOWN_FOR_S + 0.3)
            cloud = start(cloud_argv, cloud_port, cloud_log)  # back on its port
            assert serve("What is the speed of sound in air?") == "cloud"
            assert serve("What is the capital of Peru?") == "cloud"  # its next answers say nothing
            assert to_cloud[-1]["messages"][-1]["content"] == "What is the capital of Peru?"
        finally:
            stop(edge)
            stop(cloud)
    _assert_down_once_then_answers_again(edge_log, f"cloud {cloud_url}", " WARNING velo.edge.cloud ")


def test_a_gateway_whose_edge_was_down_says_once_that_it_answers_again(tmp_path: Path) -> None:
    # each port found free just before its server starts: one picked before the edge loaded its models had been bound
    # meanwhile by another pytest-xdist worker's process ("address already in use")
    [edge_port] = free_ports(1)
    edge_url = f"http://127.0.0.1:{edge_port}"
    edge_log, gateway_log = tmp_path / "edge.log", tmp_path / "gateway.log"
    edge_env = {"VELO_HOME": str(tmp_path / "home"), "VELO_EDGE_LLM_MODEL": "edge-llm"}

    def ask(question: str) -> int:
        response = httpx.post(f"{gateway_url}/v1/chat/completions", headers={"Authorization": f"Bearer {KEY}"}, timeout=60,
                              json={"model": "velo", "messages": [{"role": "user", "content": question}], "max_tokens": 6})
        return response.status_code

    edge = gateway = None
    with running(recording_upstream([])) as edge_llm:
        edge_argv = ["edge", "--cache-uri", str(tmp_path / "edge.db"), "--llm", edge_llm.url]
        try:
            edge = start(edge_argv, edge_port, edge_log, **edge_env)
            [gateway_port] = free_ports(1)
            gateway_url = f"http://127.0.0.1:{gateway_port}"
            gateway = start(["gateway", "--edge", edge_url], gateway_port, gateway_log, VELO_GATEWAY_KEYS_JSON=json.dumps({KEY: {"name": "tests"}}),
                            VELO_GATEWAY_DOWN_FOR_S=str(DOWN_FOR_S))
            assert ask("Why do cats purr?") == 200
            stop(edge)
            for question in ("How far away is the Moon?", "Why is the sea salty?", "What is the tallest tree?"):  # no edge, no cloud
                assert ask(question) == 503
                time.sleep(DOWN_FOR_S + 0.3)
            edge = start(edge_argv, edge_port, edge_log, **edge_env)  # back on its port
            assert ask("What is the speed of sound in air?") == 200
            assert ask("What is the capital of Peru?") == 200
        finally:
            stop(gateway)
            stop(edge)
    _assert_down_once_then_answers_again(gateway_log, f"edge {edge_url}", " WARNING velo.gateway")
