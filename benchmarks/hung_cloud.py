"""The time to answer through gateway -> edge -> cloud while the cloud process is SIGSTOPped (hung, not dead).

Real `velo serve cloud | edge | gateway` processes on loopback (the edge with its embedders and a milvus-lite file);
the cloud forwards to a stand-in upstream in this process, which is also the edge's LLM endpoint and answers
"Forty-two." at once, so only the waiting is measured. One request with the cloud up, then the cloud is stopped and
`--requests` requests are timed (status, route or error), then it is resumed. Prints the upstream calls by model (the
cloud's `cloud-up`, the edge LLM's `edge-llm`) and the end of the edge's and gateway's logs.

    python benchmarks/hung_cloud.py                                  # the services' defaults (timeout_s 120)
    python benchmarks/hung_cloud.py --gateway-timeout 5 --edge-timeout 5 --requests 3
    python benchmarks/hung_cloud.py --repo /path/to/an/older/checkout  # the same against other code

Before deadline propagation and the cloud's cool-down (`services/deadline.py`, `services/cooldown.py`) the defaults
gave 503 after 480.4 s (8 min 0 s), 5 s timeouts 503 after 20.4 s.
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
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse

from velo.cli.up import free_ports

seen: list[str] = []


def upstream() -> FastAPI:
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def chat(request: Request):  # noqa: ANN202
        body = await request.json()
        seen.append(body["model"])
        usage = {"prompt_tokens": 4, "completion_tokens": 3, "total_tokens": 7}
        if body.get("stream"):
            def events():
                for delta, finish in (({"role": "assistant", "content": "Forty-"}, None), ({"content": "two."}, None), ({}, "stop")):
                    yield "data: " + json.dumps({"id": "x", "object": "chat.completion.chunk", "created": 1, "model": body["model"],
                                                 "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}) + "\n\n"
                yield "data: " + json.dumps({"id": "x", "object": "chat.completion.chunk", "created": 1, "model": body["model"], "choices": [], "usage": usage}) + "\n\n"
                yield "data: [DONE]\n\n"
            return StreamingResponse(events(), media_type="text/event-stream")
        return JSONResponse({"id": "x", "object": "chat.completion", "created": 1, "model": body["model"], "usage": usage,
                             "choices": [{"index": 0, "message": {"role": "assistant", "content": "Forty-two."}, "finish_reason": "stop"}]})

    @app.get("/v1/models")
    async def models():  # noqa: ANN202
        return {"object": "list", "data": []}

    return app


def wait(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 600
    while True:
        assert proc.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
        try:
            if httpx.get(url, timeout=3).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repo", default=str(Path(__file__).resolve().parents[1]), help="The code tree the services run from (PYTHONPATH).")
    ap.add_argument("--gateway-timeout", type=float, default=None)
    ap.add_argument("--edge-timeout", type=float, default=None)
    ap.add_argument("--requests", type=int, default=2)
    ap.add_argument("--extra-env", nargs="*", default=[])
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="velo-hung-cloud-"))
    up_port, cloud_port, edge_port, gw_port = free_ports(4)
    server = uvicorn.Server(uvicorn.Config(upstream(), host="127.0.0.1", port=up_port, log_level="critical"))  # a request the resumed cloud forwards after its caller left is no news
    threading.Thread(target=server.run, daemon=True).start()
    env = {**os.environ, "PYTHONPATH": args.repo, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false", "VELO_HOME": str(tmp / "home")}
    if args.edge_timeout:
        env["VELO_EDGE_TIMEOUT_S"] = str(args.edge_timeout)
    if args.gateway_timeout:
        env["VELO_GATEWAY_TIMEOUT_S"] = str(args.gateway_timeout)
    env["VELO_EDGE_LLM_MODEL"] = "edge-llm"
    for kv in args.extra_env:
        k, v = kv.split("=", 1)
        env[k] = v
    (tmp / "keys.json").write_text(json.dumps({"hung-cloud-key-1": {}}))
    py = sys.executable
    procs = []
    try:
        def start(name: str, argv: list[str]) -> subprocess.Popen:
            log = open(tmp / f"{name}.log", "wb")
            proc = subprocess.Popen([py, "-m", "velo", "serve", *argv], stdout=log, stderr=subprocess.STDOUT, env=env, cwd=args.repo)
            procs.append(proc)
            return proc

        cloud = start("cloud", ["cloud", "--port", str(cloud_port), "--upstream-url", f"http://127.0.0.1:{up_port}", "--upstream-model", "cloud-up"])
        wait(f"http://127.0.0.1:{cloud_port}/healthz", cloud, tmp / "cloud.log")
        edge = start("edge", ["edge", "--port", str(edge_port), "--cache-uri", str(tmp / "edge.db"), "--cloud-url", f"http://127.0.0.1:{cloud_port}",
                              "--llm", f"http://127.0.0.1:{up_port}"])
        wait(f"http://127.0.0.1:{edge_port}/healthz", edge, tmp / "edge.log")
        gw = start("gateway", ["gateway", "--port", str(gw_port), "--edge", f"http://127.0.0.1:{edge_port}", "--cloud-url",
                                f"http://127.0.0.1:{cloud_port}", "--keys-file", str(tmp / "keys.json")])
        wait(f"http://127.0.0.1:{gw_port}/healthz", gw, tmp / "gateway.log")
        auth = {"Authorization": "Bearer hung-cloud-key-1"}

        def ask(q: str) -> tuple[float, int, str]:
            t0 = time.monotonic()
            r = httpx.post(f"http://127.0.0.1:{gw_port}/v1/chat/completions", headers=auth, timeout=900,
                           json={"model": "velo", "messages": [{"role": "user", "content": q}], "max_tokens": 8})
            body = r.json()
            what = body.get("route") or body.get("error", {}).get("message", "")[:300]
            return time.monotonic() - t0, r.status_code, what

        print("warm (cloud up):", ask("What is the tallest mountain in Europe?"), "upstream calls", seen, flush=True)
        os.kill(cloud.pid, signal.SIGSTOP)
        print(f"cloud pid {cloud.pid} SIGSTOPped", flush=True)
        for i, q in enumerate(["Why do cats purr?", "How far away is the Moon?", "What is the speed of sound?", "Who wrote Hamlet?"][: args.requests]):
            took, status, what = ask(q)
            print(f"hung cloud, request {i + 1}: {took:.2f} s, status {status}, {what}", flush=True)
        os.kill(cloud.pid, signal.SIGCONT)
        print("upstream calls by model:", {m: seen.count(m) for m in set(seen)}, flush=True)
        for name in ("edge", "gateway"):
            lines = (tmp / f"{name}.log").read_text(errors="replace").splitlines()
            print(f"--- {name}.log ({len(lines)} lines), its warnings and request lines:")
            print("\n".join(line for line in lines if " WARNING " in line or "velo.requests" in line))
    finally:
        for proc in procs:
            with_stop = proc.poll() is None
            if with_stop:
                os.kill(proc.pid, signal.SIGCONT)
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
        server.should_exit = True
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
