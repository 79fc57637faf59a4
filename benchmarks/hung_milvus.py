"""The time to answer through an edge server while its Milvus process is SIGSTOPped (hung, not dead).

A real `velo serve edge` process on loopback, its cache a `milvus-lite server` process, its LLM a stand-in endpoint in
this process answering "Forty-two." at once, so only the waiting is measured. A question is answered (edge) and
written back, asked again (cache), then the Milvus server is stopped and `--requests` requests and one `/healthz` are
timed (route, the response's `cache_error`); then it is resumed and the time until the edge serves from its cache again
is measured. Prints the end of the edge's log (its warnings and errors).

    python benchmarks/hung_milvus.py                                   # the defaults (VELO_EDGE_CACHE_TIMEOUT_S 1.5)
    python benchmarks/hung_milvus.py --extra-env VELO_EDGE_CACHE_TIMEOUT_S=0.5
    python benchmarks/hung_milvus.py --repo /path/to/an/older/checkout  # the same against other code

Before the cache's calls had a bound (`CacheConfig.timeout_s`), the first request waited until gRPC gave up on the
search: 70.3 s in pymilvus's log, past a 40 s client's patience (/work/scratch/svc33/repro3.py stop-serve).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.hung_cloud import upstream  # noqa: E402  (the stand-in LLM endpoint: "Forty-two.", whole or streamed)
from tests.milvus_servers import listening_process, lite_server  # noqa: E402
from velo.cli.up import free_ports  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repo", default=str(Path(__file__).resolve().parents[1]), help="The code tree the edge runs from (PYTHONPATH).")
    ap.add_argument("--requests", type=int, default=3)
    ap.add_argument("--patience", type=float, default=120.0, help="The client's timeout per request (s).")
    ap.add_argument("--extra-env", nargs="*", default=[])
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="velo-hung-milvus-"))
    up_port, edge_port = free_ports(2)
    server = uvicorn.Server(uvicorn.Config(upstream(), host="127.0.0.1", port=up_port, log_level="critical"))
    threading.Thread(target=server.run, daemon=True).start()
    env = {**os.environ, "PYTHONPATH": args.repo, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false", "VELO_HOME": str(tmp / "home"),
           "VELO_EDGE_LLM_MODEL": "edge-llm"}
    env.update(kv.split("=", 1) for kv in args.extra_env)
    url = f"http://127.0.0.1:{edge_port}"
    edge = None
    try:
        with lite_server(tmp / "milvus") as uri, open(tmp / "edge.log", "wb") as log:
            edge = subprocess.Popen([sys.executable, "-m", "velo", "serve", "edge", "--port", str(edge_port), "--cache-uri", uri,
                                     "--llm", f"http://127.0.0.1:{up_port}"], stdout=log, stderr=subprocess.STDOUT, env=env, cwd=args.repo)
            deadline = time.monotonic() + 600
            while True:
                assert edge.poll() is None and time.monotonic() < deadline, (tmp / "edge.log").read_text()[-3000:]
                try:
                    if httpx.get(f"{url}/healthz", timeout=3).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.3)

            def ask(question: str) -> str:
                t0 = time.monotonic()
                try:
                    r = httpx.post(f"{url}/v1/serve", timeout=args.patience,
                                   json={"messages": [{"role": "user", "content": question}], "max_tokens": 8})
                except httpx.TimeoutException:
                    return f"{time.monotonic() - t0:.2f} s, no answer within the client's {args.patience:g} s"
                body = r.json()
                what = f"route {body.get('route')}" if r.status_code == 200 else f"error {body.get('error', {}).get('message', '')[:200]!r}"
                return f"{time.monotonic() - t0:.2f} s, status {r.status_code}, {what}, cache_error {body.get('cache_error')!r}"

            def health() -> str:
                t0 = time.monotonic()
                body = httpx.get(f"{url}/healthz", timeout=30).json()
                return f"{time.monotonic() - t0:.2f} s, cache {body['cache']}, {json.dumps(body['problems'].get('cache'))}"

            print("Milvus up:", ask("What do cows drink?"), flush=True)
            httpx.post(f"{url}/admin/cache/sync", timeout=120)
            print("Milvus up, again:", ask("What do cows drink?"), flush=True)
            time.sleep(1.0)  # the hit's recency update done
            milvus = listening_process(uri)
            milvus.send_signal(signal.SIGSTOP)
            try:
                for i, q in enumerate(["Why do cats purr?", "How far away is the Moon?", "What is the speed of sound?", "Who wrote Hamlet?"][: args.requests]):
                    print(f"Milvus hung, request {i + 1}: {ask(q)}", flush=True)
                print(f"Milvus hung, /healthz: {health()}", flush=True)
            finally:
                milvus.send_signal(signal.SIGCONT)
            t0 = time.monotonic()
            while httpx.get(f"{url}/healthz", timeout=30).json()["cache"] != "up" and time.monotonic() - t0 < 120:
                time.sleep(0.2)
            print(f"Milvus resumed: cache up again after {time.monotonic() - t0:.2f} s; a request: {ask('What do cows drink?')}", flush=True)
            edge.terminate()
            edge.wait(60)
        lines = (tmp / "edge.log").read_text(errors="replace").splitlines()
        print(f"--- edge.log ({len(lines)} lines), its WARNING / ERROR lines:")
        print("\n".join(line[:400] for line in lines if " WARNING " in line or " ERROR " in line or "[ERROR]" in line))
    finally:
        if edge is not None and edge.poll() is None:
            edge.kill()
        server.should_exit = True
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
