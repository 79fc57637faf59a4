"""Gateway overhead: what the gateway adds to a request, at 1, 4 and 16 concurrent clients.

Starts a real edge server and a gateway as separate processes (`velo serve edge`, `velo serve gateway`) on
loopback, puts one answer in the edge's cache, then sends the same question (a cache hit, the fastest path
through VELO, where the gateway's share is largest) N times per concurrency level:
  - directly to the edge server (`POST /v1/serve`), and
  - through the gateway (`POST /v1/chat/completions` with an API key),
and prints p50 / p95 of the end-to-end latency of both, their difference, and the gateway's own time as
it reports it in `x-velo-overhead-ms` (total minus time waiting on the edge; LiteLLM's definition).

    python benchmarks/gateway_overhead.py --requests 100

Timings on a shared machine are noisy: say what else ran.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import numpy as np

from velo.cli.up import free_ports

REPO = Path(__file__).resolve().parents[1]
QUESTION = "What is the capital of France?"
KEY = "bench-key-0001"


def _wait(url: str, proc: subprocess.Popen, timeout_s: float = 600) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{url}: the process exited ({proc.returncode})")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} not healthy in {timeout_s} s")


def _run(n: int, clients: int, call) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
    def one(_: int) -> tuple[float, float]:
        t0 = time.perf_counter()
        overhead = call()
        return (time.perf_counter() - t0) * 1000.0, overhead

    with ThreadPoolExecutor(clients) as pool:
        got = list(pool.map(one, range(n)))
    return np.array([g[0] for g in got]), np.array([g[1] for g in got])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100, help="requests per concurrency level and path")
    parser.add_argument("--concurrency", default="1,4,16")
    parser.add_argument("--model-dir", type=Path, default=None)
    args = parser.parse_args()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false", "VELO_EDGE_WRITE_BACK_TRUNCATED": "true"}
    with tempfile.TemporaryDirectory() as tmp:
        keys = Path(tmp) / "keys.json"
        keys.write_text(json.dumps({KEY: {"name": "bench"}}))
        edge_port, gw_port = free_ports(2)
        models = ["--model-dir", str(args.model_dir)] if args.model_dir else []
        velo = [sys.executable, "-m", "velo", "serve"]
        procs = [subprocess.Popen([*velo, "edge", "--port", str(edge_port), "--cache-uri", f"{tmp}/edge.db", "--threads", "1", *models],
                                  env=env, cwd=REPO, stderr=subprocess.DEVNULL)]
        try:
            edge, gateway = f"http://127.0.0.1:{edge_port}", f"http://127.0.0.1:{gw_port}"
            _wait(f"{edge}/healthz", procs[0])
            procs.append(subprocess.Popen([*velo, "gateway", "--port", str(gw_port), "--edge", edge, "--keys-file", str(keys)],
                                          env=env, cwd=REPO, stderr=subprocess.DEVNULL))
            _wait(f"{gateway}/healthz", procs[1])
            serve_body = {"messages": [{"role": "user", "content": QUESTION}], "max_tokens": 8}
            chat_body = {"model": "velo", "messages": [{"role": "user", "content": QUESTION}], "max_tokens": 8}
            with httpx.Client(timeout=120, limits=httpx.Limits(max_connections=64)) as http:
                http.post(f"{edge}/v1/serve", json=serve_body).raise_for_status()
                http.post(f"{edge}/admin/cache/sync").raise_for_status()
                assert http.post(f"{edge}/v1/serve", json=serve_body).json()["route"] == "cache"

                def direct() -> float:
                    http.post(f"{edge}/v1/serve", json=serve_body).raise_for_status()
                    return 0.0

                def through() -> float:
                    response = http.post(f"{gateway}/v1/chat/completions", json=chat_body, headers={"Authorization": f"Bearer {KEY}"})
                    response.raise_for_status()
                    return float(response.headers["x-velo-overhead-ms"])

                _run(8, 4, through)  # warm both paths
                print(f"{args.requests} cache-hit requests per row; ms")
                print(f"{'clients':>7} | {'direct p50':>10} {'p95':>7} | {'gateway p50':>11} {'p95':>7} | {'added p50':>9} | {'own p50':>7} {'p95':>6}")
                for clients in (int(c) for c in args.concurrency.split(",")):
                    d, _ = _run(args.requests, clients, direct)
                    g, own = _run(args.requests, clients, through)
                    p = np.percentile
                    print(f"{clients:>7} | {p(d, 50):>10.1f} {p(d, 95):>7.1f} | {p(g, 50):>11.1f} {p(g, 95):>7.1f} | "
                          f"{p(g, 50) - p(d, 50):>9.1f} | {p(own, 50):>7.2f} {p(own, 95):>6.2f}")
        finally:
            for proc in reversed(procs):
                proc.terminate()
                proc.wait(timeout=60)


if __name__ == "__main__":
    main()
