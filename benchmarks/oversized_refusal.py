"""How long an oversized prompt takes to be refused, with and without the limits: the body's (`max_body_bytes`,
`services.http.BodyLimit`) and the prompt's (`max_prompt_chars`, `services.http.check_prompt_chars`).

Starts the cloud service, an edge server (local SmolLM2, embedded milvus-lite, no cloud) and the EdgeShard server
(`velo shard serve`, two workers) in this process on loopback, each twice: with the default limits (1,000,000 bytes,
64,000 characters) and with limits too high to matter (the behaviour before them). Each gets, in turn (A/B
interleaved), a CJK chat body of 3 MB (1 million characters, 1.6 million SmolLM2 tokens) and one of 0.9 MB
(300,000 characters: under the body limit, over the prompt's), and the time to the refusal is printed (median of
`--repeats`), with the status. Without the limits a body costs its tokenizing before the 8,192-token context window
refuses it (the time goes there: parsing 3 MB of JSON takes ~15 ms, the lookup is never reached).

    python benchmarks/oversized_refusal.py --repeats 3

Timings on a shared machine are noisy: the load average is printed with them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
CJK = "这是一个很长的中文提示，用来测试服务器的长度检查。"
NO_LIMIT = 10**9


def body(chars: int, model: str | None) -> bytes:
    """A chat body of `chars` CJK characters (3 bytes each in UTF-8); `model` None: the edge's `/v1/serve` body."""
    content = (CJK * (chars // len(CJK) + 1))[:chars]
    fields = {"max_tokens": 8, "messages": [{"role": "user", "content": content}]}
    return json.dumps(fields if model is None else {"model": model, **fields}, ensure_ascii=False).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    from services import cloud, edge, edgeshard
    from tests.services.servers import running
    from velo.llm.local import SMOLLM2_NAME

    tmp = Path(tempfile.mkdtemp(prefix="velo-oversized-"))
    apps = {
        "cloud": (lambda limits: cloud.build_app(cloud.CloudSettings(threads=1, **limits)), "/v1/chat/completions", "velo-cloud"),
        "edge": (lambda limits: edge.build_app(edge.EdgeSettings(cache_uri=str(tmp / f"edge-{len(limits)}.db"), threads=1, **limits)),
                 "/v1/serve", None),
        "velo shard serve": (lambda limits: edgeshard.build_app(edgeshard.ShardServerSettings(**limits)), "/v1/chat/completions", SMOLLM2_NAME),
    }
    no_limits = {"max_body_bytes": NO_LIMIT, "max_prompt_chars": NO_LIMIT}
    sizes = {"3 MB": 1_000_000, "0.9 MB": 300_000}
    print(f"load average before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}", flush=True)
    print("| server | body | default limits: status, s to refusal | no limits (before): status, s to refusal |")
    print("|---|---:|---:|---:|")
    for name, (build, route, model) in apps.items():
        with running(build({})) as limited, running(build(no_limits)) as unlimited:
            for size, chars in sizes.items():
                payload = body(chars, model)
                times: dict[str, list[float]] = {"limited": [], "unlimited": []}
                statuses: dict[str, set[int]] = {"limited": set(), "unlimited": set()}
                for _ in range(args.repeats):
                    for which, server in (("limited", limited), ("unlimited", unlimited)):
                        t0 = time.perf_counter()
                        response = httpx.post(server.url + route, content=payload, headers={"content-type": "application/json"}, timeout=600)
                        times[which].append(time.perf_counter() - t0)
                        statuses[which].add(response.status_code)
                cells = [f"{'/'.join(map(str, sorted(statuses[w])))}, {np.median(times[w]):.3f}" for w in ("limited", "unlimited")]
                print(f"| {name} | {size} ({len(payload):,} bytes) | {cells[0]} | {cells[1]} |", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
