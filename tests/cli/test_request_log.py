"""Issue 9 finding 2: the request log is written where a deployment reads it. `velo serve` runs uvicorn at log level
"warning" and nothing had configured the `velo.requests` logger, so its INFO lines (the client's `user` and
`safety_identifier`, which the README says each service writes) reached no file under `$VELO_HOME/up/logs`. A real
`velo serve cloud` process (upstream mode, in front of a stand-in upstream) with its stdout and stderr sent to a log
file, as `velo up` starts it (`velo.cli.up.Stack.start`), writes the line with the user."""

from __future__ import annotations

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


def test_velo_serve_writes_the_request_log_with_the_user_to_its_log_file(tmp_path: Path) -> None:
    seen: list[dict] = []
    port = free_ports(1)[0]
    log = tmp_path / "cloud.log"
    with running(recording_upstream(seen)) as upstream, open(log, "ab") as out:
        serve = subprocess.Popen([sys.executable, "-m", "velo", "serve", "cloud", "--port", str(port), "--upstream-url", upstream.url,
                                  "--upstream-model", "up"], stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=REPO,
                                 env={**os.environ, "PYTHONPATH": str(REPO)})
        try:
            deadline = time.monotonic() + 120
            while True:
                assert serve.poll() is None and time.monotonic() < deadline, log.read_text()
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            body = {"model": "velo-cloud", "messages": [{"role": "user", "content": "What is six times seven?"}], "user": "hash-9c1e",
                    "safety_identifier": "sid-41f2"}
            answer = httpx.post(f"http://127.0.0.1:{port}/v1/chat/completions", json=body, timeout=60)
            assert answer.status_code == 200, answer.text
            deadline = time.monotonic() + 10
            while "user='hash-9c1e'" not in log.read_text() and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            serve.terminate()
            serve.wait(timeout=60)
    lines = [line for line in log.read_text().splitlines() if "velo.requests" in line]
    assert len(lines) == 1 and "cloud upstream user='hash-9c1e' safety_identifier='sid-41f2'" in lines[0], log.read_text()
    assert seen and seen[0]["user"] == "hash-9c1e"
