"""Gateway overhead at fixed request rates: an open-loop load generator against the gateway in front of an
upstream stub on loopback, so that only the gateway's own work is measured (issue "Edge performance").

Three processes, all on loopback:
  - the stub: a real HTTP/1.1 server (asyncio, this file with `--stub`) that answers `POST /v1/serve` at once
    with a fixed `velo.wire.ServeResponse` (a cache hit's shape: what an edge server answers) and `GET /healthz`;
  - the gateway as deployed: `velo serve gateway --edge STUB --keys-file ...` (uvicorn, one process);
  - the load generator (this process): open loop at a fixed rate, request i sent at t0 + i / rate whether or
    not the earlier ones have answered (so a slow gateway cannot slow the offered load, unlike closed-loop
    clients), over keep-alive HTTP/1.1 connections from a pool (a new one opened when none is free).

Per rate it prints: the achieved rate (answers per second over the run), errors (a status other than 200, a
broken connection, or no answer within 10 s), the time the gateway adds (its end-to-end p50 / p95 minus the
stub's called directly at the same rate: everything the gateway does, its HTTP server and client included, and
the time requests wait in its event loop), the gateway's own time as it reports it in `x-velo-overhead-ms`
(total minus the time waiting on the upstream: LiteLLM's definition) p50 / p95 / p99, the end-to-end latency
from each request's scheduled send time p50 / p95 (queueing in the gateway's event loop, which the header
cannot see, shows here), the same end to end for the stub called directly at the same rate (the floor of the
generator and the stub), the gateway's CPU per request (its process's user + system time over the run, per
answer) and the load average before and after.

    python benchmarks/gateway_rate.py --rates 100,300 --seconds 10

Timings on a shared machine are noisy: say what else ran, compare rows of the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from gateway_overhead import _port, _wait  # the same helpers (this folder is on sys.path when run as a script)

REPO = Path(__file__).resolve().parents[1]
KEY = "bench-key-0001"
QUESTION = "What is the capital of France?"
TIMEOUT_S = 10.0


# ---------------------------------------------------------------- the stub edge server
def _stub_body() -> bytes:
    from velo.wire import ServeResponse

    answer = ServeResponse(answer="Paris is the capital of France.", route="cache", similarity=0.998, latency_ms=0.1, finish_reason="stop",
                           prompt_tokens=0, completion_tokens=0, model="cache:stub", edge="stub", cache_error=None)
    return answer.model_dump_json().encode()


def run_stub(port: int) -> None:
    """Serve until killed; every `POST /v1/serve` gets the same ServeResponse, `GET /healthz` a small JSON."""
    serve = _stub_body()
    health = json.dumps({"status": "ok", "edge": "stub", "cache": "up"}).encode()

    def reply(body: bytes) -> bytes:
        return b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%s" % (len(body), body)

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                if length:
                    await reader.readexactly(length)
                writer.write(reply(serve if head.startswith(b"POST /v1/serve") else health))
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(connection, "127.0.0.1", port, backlog=1024)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


# ---------------------------------------------------------------- the open-loop generator
@dataclass
class Result:
    latency_ms: float
    """From the request's scheduled send time to its whole answer."""
    overhead_ms: float | None
    ok: bool


class Pool:
    """Keep-alive HTTP/1.1 connections to one server; `request` takes an idle one or opens one. A kept connection
    the server has closed meanwhile (uvicorn closes one idle for 5 s) is retried once on a new connection, as
    HTTP clients do: a request the server never read is not the server's error."""

    def __init__(self, port: int) -> None:
        self.port, self.idle = port, []

    async def request(self, raw: bytes) -> tuple[int, dict[bytes, bytes]]:
        if self.idle:
            try:
                return await self._on(self.idle.pop(), raw)
            except (asyncio.IncompleteReadError, ConnectionError) as err:
                if isinstance(err, asyncio.IncompleteReadError) and err.partial:
                    raise  # the server had begun to answer: a real failure
        return await self._on(await asyncio.open_connection("127.0.0.1", self.port), raw)

    async def _on(self, connection: tuple[asyncio.StreamReader, asyncio.StreamWriter], raw: bytes) -> tuple[int, dict[bytes, bytes]]:
        reader, writer = connection
        try:
            writer.write(raw)
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.split(b"\r\n")
            status = int(lines[0].split()[1])
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(b":")
                headers[name.strip().lower()] = value.strip()
            await reader.readexactly(int(headers.get(b"content-length", b"0")))
        except BaseException:
            writer.close()
            raise
        self.idle.append(connection)
        return status, headers


def _http(path: str, body: dict, headers: dict[str, str]) -> bytes:
    payload = json.dumps(body).encode()
    lines = [f"POST {path} HTTP/1.1", "host: 127.0.0.1", "content-type: application/json", f"content-length: {len(payload)}",
             *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


async def offer(port: int, raw: bytes, rate: float, seconds: float) -> tuple[list[Result], float]:
    """Send `rate * seconds` requests at fixed times; the results and the seconds until the last answer."""
    pool = Pool(port)
    n = int(rate * seconds)
    results: list[Result] = []

    async def one(scheduled: float) -> None:
        try:
            status, headers = await asyncio.wait_for(pool.request(raw), TIMEOUT_S)
            overhead = headers.get(b"x-velo-overhead-ms")
            results.append(Result((time.perf_counter() - scheduled) * 1000.0, float(overhead) if overhead else None, status == 200))
        except (asyncio.TimeoutError, OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            results.append(Result((time.perf_counter() - scheduled) * 1000.0, None, False))

    tasks = []
    t0 = time.perf_counter()
    for i in range(n):
        scheduled = t0 + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(scheduled)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - t0
    for _, writer in pool.idle:
        writer.close()
    return results, elapsed


# ---------------------------------------------------------------- the run
def _cpu_s(pid: int) -> float:
    import psutil

    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rates", default="100,300", help="requests per second, comma-separated")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds of load per rate")
    parser.add_argument("--stub", type=int, default=None, help=argparse.SUPPRESS)  # run as the stub on this port
    parser.add_argument("--gateway-env", action="append", default=[], metavar="NAME=VALUE",
                        help="an environment variable for the gateway's process (e.g. VELO_GATEWAY_...); repeat")
    args = parser.parse_args()
    if args.stub is not None:
        return run_stub(args.stub)
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        keys = Path(tmp) / "keys.json"
        keys.write_text(json.dumps({KEY: {"name": "bench"}}))
        stub_port, gw_port = _port(), _port()
        procs = [subprocess.Popen([sys.executable, __file__, "--stub", str(stub_port)], cwd=REPO, env=env)]
        try:
            _wait(f"http://127.0.0.1:{stub_port}/healthz", procs[0])
            procs.append(subprocess.Popen([sys.executable, "-m", "velo", "serve", "gateway", "--port", str(gw_port),
                                           "--edge", f"http://127.0.0.1:{stub_port}", "--keys-file", str(keys)], cwd=REPO,
                                          env={**env, **dict(e.split("=", 1) for e in args.gateway_env)}))
            _wait(f"http://127.0.0.1:{gw_port}/healthz", procs[1])
            chat = _http("/v1/chat/completions", {"model": "velo", "messages": [{"role": "user", "content": QUESTION}], "max_tokens": 8},
                         {"authorization": f"Bearer {KEY}"})
            serve = _http("/v1/serve", {"messages": [{"role": "user", "content": QUESTION}], "max_tokens": 8}, {})
            asyncio.run(offer(gw_port, chat, 100, 2))  # warm up: connections, imports, first-call paths
            print(f"open loop, {args.seconds:.0f} s per rate; ms; gateway CPU in ms per answer")
            print(f"{'rate/s':>6} | {'achieved':>8} {'errors':>6} | {'added p50':>9} {'p95':>6} | {'own p50':>7} {'p95':>6} {'p99':>6} | "
                  f"{'e2e p50':>7} {'p95':>6} | {'stub e2e p50':>12} {'p95':>6} | {'gw CPU':>6} | load before / after")
            for rate in (float(r) for r in args.rates.split(",")):
                before = os.getloadavg()[0]
                direct, _ = asyncio.run(offer(stub_port, serve, rate, args.seconds))
                cpu0 = _cpu_s(procs[1].pid)
                results, elapsed = asyncio.run(offer(gw_port, chat, rate, args.seconds))
                cpu = _cpu_s(procs[1].pid) - cpu0
                ok = [r for r in results if r.ok]
                own = np.array([r.overhead_ms for r in ok if r.overhead_ms is not None]) if ok else np.array([np.nan])
                e2e, floor = np.array([r.latency_ms for r in ok] or [np.nan]), np.array([r.latency_ms for r in direct if r.ok] or [np.nan])
                p = np.percentile
                print(f"{rate:>6.0f} | {len(ok) / elapsed:>8.1f} {len(results) - len(ok):>6d} | {p(e2e, 50) - p(floor, 50):>9.2f} "
                      f"{p(e2e, 95) - p(floor, 95):>6.2f} | {p(own, 50):>7.2f} {p(own, 95):>6.2f} {p(own, 99):>6.2f} | "
                      f"{p(e2e, 50):>7.2f} {p(e2e, 95):>6.2f} | {p(floor, 50):>12.2f} {p(floor, 95):>6.2f} | "
                      f"{cpu * 1000.0 / max(len(ok), 1):>6.2f} | {before:.1f} / {os.getloadavg()[0]:.1f}", flush=True)
        finally:
            for proc in reversed(procs):
                proc.terminate()
                proc.wait(timeout=30)


if __name__ == "__main__":
    main()
