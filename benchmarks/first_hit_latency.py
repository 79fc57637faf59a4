"""Latency of the first cache hit after an edge server starts, against the hits that follow (issue 8 finding 6).

Fills a milvus-lite cache with one question and its answer, then starts `velo serve edge` on it `--starts` times, each a
fresh process: waits for `/healthz`, asks the cached question once (the first request the process serves) and
`--later` more times, and stops the server. Prints per start the time to ready, the first hit and the later hits'
median, then the medians over starts. The edge's own LLM is an endpoint nobody listens at (no model is loaded: a hit
needs none), no cloud; every answer must be `route: "cache"`.

    python benchmarks/first_hit_latency.py --starts 5 --later 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # ../shared/STACK.md: a hub look-up hangs ~74 s
REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

import httpx  # noqa: E402

from velo.cli.up import free_ports  # noqa: E402

QUESTION = "What is the capital of Australia?"
ANSWER = "Canberra is the capital of Australia."


def fill(uri: str) -> None:
    """The one cached entry, written as the edge writes back (its embedders, rule and language). Run in a process of
    its own (`--fill`): milvus-lite holds the file until its process ends, and the edges must open it."""
    from velo.cache.factory import open_cache
    from velo.cache.semantic_cache import CacheConfig

    with open_cache(CacheConfig(uri=uri)) as cache:
        cache.insert(QUESTION, ANSWER, lang="en")


def one_start(uri: str, later: int) -> tuple[float, float, list[float]]:
    """(seconds to ready, the first hit's ms, the later hits' ms) of one fresh edge process."""
    port, llm_port = free_ports(2)
    command = [str(Path(sys.executable).parent / "velo"), "serve", "edge", "--port", str(port), "--cache-uri", uri,
               "--llm", f"http://127.0.0.1:{llm_port}", "--policy", "rule-cloud"]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    t0 = time.perf_counter()
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            while True:
                if server.poll() is not None:
                    raise RuntimeError(f"the edge exited with {server.returncode}")
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.05)
            ready = time.perf_counter() - t0
            times = []
            for _ in range(1 + later):
                t = time.perf_counter()
                answer = client.post("/v1/serve", json={"messages": [{"role": "user", "content": QUESTION}]})
                times.append((time.perf_counter() - t) * 1000)
                assert answer.status_code == 200 and answer.json()["route"] == "cache", answer.text
    finally:
        server.terminate()
        server.wait(timeout=60)
    return ready, times[0], times[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--later", type=int, default=5)
    parser.add_argument("--fill", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fill:
        fill(args.fill)
        return
    with tempfile.TemporaryDirectory() as tmp:
        uri = str(Path(tmp) / "edge.db")
        subprocess.run([sys.executable, __file__, "--fill", uri], check=True, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
        firsts, laters, readies = [], [], []
        for i in range(args.starts):
            ready, first, rest = one_start(uri, args.later)
            readies.append(ready)
            firsts.append(first)
            laters.append(statistics.median(rest))
            print(f"start {i + 1}: ready in {ready:.1f} s, first hit {first:.1f} ms, later hits median {laters[-1]:.1f} ms", flush=True)
    print(f"median over {args.starts} starts: ready {statistics.median(readies):.1f} s, first hit {statistics.median(firsts):.1f} ms, "
          f"later hits {statistics.median(laters):.1f} ms")


if __name__ == "__main__":
    main()
