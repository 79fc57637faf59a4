"""`velo up` brings the whole stack up as local processes, `velo ask` gets an answer through it, an edge that dies
is reported and restarted while the gateway keeps serving, and SIGTERM stops every process `velo up` started: none
is left behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from tests.milvus_servers import free_ports
from tests.services.conftest import shared_model_dir

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("stop", ["sigterm", "ctrl-c"])
def test_velo_up_serves_velo_ask_and_leaves_no_orphans(stop: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """`sigterm`: what docker or systemd send, to `velo up` alone; `ctrl-c`: what a terminal sends, SIGINT to the whole
    foreground process group, so every child gets it too while `velo up` stops them."""
    env = {**os.environ, "VELO_HOME": str(tmp_path / "home"), "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    port = free_ports(1)[0]
    model_dir = shared_model_dir(tmp_path_factory)
    if not (model_dir / "config.json").is_file():  # converted once per session; a fresh run converts it here
        from velo.llm.local import ensure_smollm2

        ensure_smollm2(model_dir)
    up = subprocess.Popen([sys.executable, "-m", "velo", "up", "--port", str(port), "--model-dir", str(model_dir)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO, process_group=0)
    started: list[psutil.Process] = []
    try:
        lines = []
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            line = up.stdout.readline()
            assert line or up.poll() is None, f"velo up stopped: {up.stderr.read()}"
            lines.append(line)
            if line.startswith("API key:"):
                break
        assert lines[0].strip() == f"VELO is up: http://127.0.0.1:{port}/v1   model: velo", lines  # the id requests must send
        key = lines[-1].split(":", 1)[1].strip()
        assert key.startswith("velo-local-")
        started = psutil.Process(up.pid).children(recursive=True)
        names = " ".join(" ".join(p.cmdline()) for p in started)
        assert len(started) >= 4 and "milvus-lite" in names and "serve gateway" in names and "serve edge" in names and "serve cloud" in names
        asked = subprocess.run([sys.executable, "-m", "velo", "ask", "What is the capital of France?", "--max-tokens", "4"],
                               capture_output=True, text=True, env=env, cwd=REPO, timeout=300)
        assert asked.returncode == 0, asked.stderr
        assert asked.stdout.strip() and "route=cloud" in asked.stderr
        # a newcomer's `velo ask --namespace NS` got 403 "this key may not use namespace": the local key may use any
        tenant = subprocess.run([sys.executable, "-m", "velo", "ask", "What is the capital of France?", "--namespace", "team-a", "--max-tokens", "4"],
                                capture_output=True, text=True, env=env, cwd=REPO, timeout=300)
        assert tenant.returncode == 0 and tenant.stdout.strip() and "route=" in tenant.stderr, tenant.stderr
        wrong = subprocess.run([sys.executable, "-m", "velo", "ask", "Hi", "--key", "not-a-key-at-all"], capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
        assert wrong.returncode == 2 and "invalid API key" in wrong.stderr
        # nc46: client.json's base_url (the SDK's) given to an OpenAI client got a bare 404; it holds that client's too
        client = json.loads((tmp_path / "home" / "up" / "client.json").read_text())
        assert client["openai_base_url"] == f"http://127.0.0.1:{port}/v1" == client["base_url"] + "/v1"
        models = httpx.get(f"{client['openai_base_url']}/models", headers={"Authorization": f"Bearer {key}"}, timeout=30)
        assert models.status_code == 200 and models.json()["data"][0]["id"] == "velo"
        lost = httpx.get(f"{client['base_url']}/models", headers={"Authorization": f"Bearer {key}"}, timeout=30)
        assert lost.status_code == 404 and "its API is under /v1/" in lost.json()["error"]["message"], lost.text
        # nc46: a `velo up` user had no way to reach the edges' admin routes (their URLs and token were nowhere)
        assert len(client["edges"]) == 1 and client["edges"][0].startswith("http://127.0.0.1:")
        admin = httpx.get(f"{client['edges'][0]}/admin/cache/namespaces/default", headers={"Authorization": f"Bearer {client['edge_token']}"}, timeout=30)
        assert admin.status_code == 200 and admin.json()["namespace"] == "default", admin.text
        assert httpx.get(f"{client['edges'][0]}/admin/cache/namespaces/default", timeout=30).status_code == 401
        if stop == "sigterm":
            _an_edge_that_dies_is_reported_and_restarted_while_the_gateway_serves(up, env)
            started = psutil.Process(up.pid).children(recursive=True)  # the restarted edge among them
    finally:
        if stop == "ctrl-c":
            os.killpg(up.pid, signal.SIGINT)
        else:
            up.send_signal(signal.SIGTERM)
        try:
            up.wait(timeout=120)
        except subprocess.TimeoutExpired:
            up.kill()
            for p in started:
                p.kill()
            raise
    _, alive = psutil.wait_procs(started, timeout=10)
    assert not alive, f"velo up left {[' '.join(p.cmdline()) for p in alive]} running"
    assert not (tmp_path / "home" / "up" / "client.json").exists()


def _an_edge_that_dies_is_reported_and_restarted_while_the_gateway_serves(up: subprocess.Popen, env: dict[str, str]) -> None:
    """nc17 finding 3: `kill -9` of edge-0 under `velo up` stopped the whole stack ("error: edge-0 (code -9)
    stopped"), and the next request got "Connection refused" from the gateway, whose cloud was healthy."""
    (edge,) = [p for p in psutil.Process(up.pid).children() if "serve edge" in " ".join(p.cmdline())]
    edge.kill()
    edge.wait(10)
    asked = subprocess.run([sys.executable, "-m", "velo", "ask", "What is the capital of Italy?", "--max-tokens", "4"],
                           capture_output=True, text=True, env=env, cwd=REPO, timeout=300)
    assert asked.returncode == 0 and "route=cloud" in asked.stderr, asked.stderr  # the gateway failed over to the cloud
    said = []
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not any(line.startswith("edge-0 is back (healthy at") for line in said):
        line = up.stderr.readline()
        assert line or up.poll() is None, f"velo up stopped: {said}"
        said.append(line)
    assert up.poll() is None, said
    assert any(line.startswith("edge-0 stopped (code -9); restarting it (1 of 3 within 60 s), meanwhile the gateway routes around it") for line in said), said
    assert any(line.startswith("edge-0 is back (healthy at") for line in said), said
    asked = subprocess.run([sys.executable, "-m", "velo", "ask", "What is the capital of Spain?", "--max-tokens", "4"],
                           capture_output=True, text=True, env=env, cwd=REPO, timeout=300)
    assert asked.returncode == 0, asked.stderr
