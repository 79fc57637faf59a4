"""Write-back at one edge server: its cost per answer, and how many it sustains while serving lookups.

An edge server writes each LLM answer into its cache off the request's path: `EdgeServer.serve` queues it
(`writes.put_nowait`, with the question's vector from its lookup) and returns; one writer task takes the queue
`--write-batch` answers at a time (the server's `write_batch`), embeds their answers (e5 passages, for the hit
features) outside the cache lock, then calls `SemanticCache.insert_many` (one Milvus upsert) under it. This script runs that server's own objects (`services.edge._open`: e5 +
USE, the learned hit rule, an embedded milvus-lite file; the LLM is never called) on real oasst1 pairs, in
three phases on one asyncio loop:

1. **write-backs alone**: `--answers` answers queued at once; the writer drains them. Prints ms per answer
   and write-backs/s.
2. **lookups alone**: `--clients` closed-loop clients call `EdgeServer.lookup` (embed + search + decide, the
   path every request pays) for `--seconds`. Prints lookups/s and p50 / p95.
3. **both**: `--answers` new answers queued while the same clients look up until the queue is drained. Prints
   the write-backs/s sustained while serving lookups, and the lookups' rate and p50 / p95 meanwhile.

The cache lock serializes cache calls (lookups, inserts); phase 3 against phase 2 shows how much the
write-backs slow the lookups (they share the cores, and the lock during upserts).

    python -u benchmarks/write_back.py --prefill 30 --answers 16 --clients 4 --seconds 10 --write-batch 8
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # ../shared/STACK.md: a hub look-up hangs ~74 s
REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

import numpy as np  # noqa: E402

from services.edge import EdgeSettings, _open  # noqa: E402
from services.edge_serving import EdgeServer, WriteBack  # noqa: E402
from services.metrics import EdgeMetrics  # noqa: E402
from velo.data.oasst1 import read_oa_questions  # noqa: E402
from velo.paths import shared_dir  # noqa: E402
from velo.types import Source  # noqa: E402

SHARED_PAIRS = shared_dir() / "data" / "oasst1" / "oa_questions.jsonl"


def queue_answers(edge: EdgeServer, pairs: list, vectors: np.ndarray) -> None:
    for pair, vector in zip(pairs, vectors):
        edge.writes.put_nowait(WriteBack(pair.question, pair.answer, pair.lang, "default", (), Source.CLOUD, vector))


async def drain(edge: EdgeServer) -> float:
    t0 = time.perf_counter()
    await edge.writes.join()
    return time.perf_counter() - t0


async def lookups(edge: EdgeServer, questions: list[str], clients: int, until) -> list[float]:  # noqa: ANN001
    times: list[float] = []

    async def client(c: int) -> None:
        i = c
        while not until():
            question, t0 = questions[i % len(questions)], time.perf_counter()
            await edge.lookup(question, "default", (), edge.request_lang(None, question))
            times.append(time.perf_counter() - t0)
            i += clients

    await asyncio.gather(*(client(c) for c in range(clients)))
    return times


def summary(times: list[float], wall: float) -> str:
    ms = np.array(times) * 1000.0
    return f"{len(times) / wall:.1f} lookups/s, p50 {np.percentile(ms, 50):.1f} ms, p95 {np.percentile(ms, 95):.1f} ms ({len(times)} lookups)"


async def run(args: argparse.Namespace) -> None:
    pairs = [p for p in read_oa_questions(SHARED_PAIRS) if p.answer][: args.prefill + 2 * args.answers]
    prefill, first, second = pairs[: args.prefill], pairs[args.prefill : args.prefill + args.answers], pairs[args.prefill + args.answers :]
    home = Path(tempfile.mkdtemp(prefix="velo-write-back-"))
    settings = EdgeSettings(cache_uri=str(home / "edge.db"), llm="http://127.0.0.1:9", capacity=None, write_batch=args.write_batch)
    edge = _open(settings, EdgeMetrics())
    writer = asyncio.create_task(edge.write_back_forever())
    embed = edge.cache.embedder.embed
    try:
        print(f"write_batch {args.write_batch}; oasst1 pairs from {SHARED_PAIRS}; mean answer {np.mean([len(p.answer) for p in first + second]):.0f} characters; "
              f"load average {os.getloadavg()[0]:.1f}")
        queue_answers(edge, prefill, embed([p.question for p in prefill]))
        print(f"prefilled {args.prefill} entries in {await drain(edge):.1f} s")

        queue_answers(edge, first, embed([p.question for p in first]))
        wall = await drain(edge)
        print(f"1. write-backs alone: {len(first)} answers in {wall:.2f} s = {1000.0 * wall / len(first):.0f} ms per answer, "
              f"{len(first) / wall:.2f} write-backs/s (load {os.getloadavg()[0]:.1f})")

        questions = [p.question for p in prefill]
        stop_at = time.perf_counter() + args.seconds
        t0 = time.perf_counter()
        times = await lookups(edge, questions, args.clients, lambda: time.perf_counter() > stop_at)
        print(f"2. lookups alone, {args.clients} clients: {summary(times, time.perf_counter() - t0)} (load {os.getloadavg()[0]:.1f})")

        queue_answers(edge, second, embed([p.question for p in second]))
        t0 = time.perf_counter()
        times = await lookups(edge, questions, args.clients, lambda: edge.writes.empty() and edge.writes._unfinished_tasks == 0)
        wall = time.perf_counter() - t0
        print(f"3. both: {len(second)} write-backs in {wall:.2f} s = {len(second) / wall:.2f} write-backs/s while serving "
              f"{summary(times, wall)} (load {os.getloadavg()[0]:.1f})")
    finally:
        writer.cancel()
        edge.cache.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefill", type=int, default=30, help="entries cached before measuring (the lookups' targets)")
    parser.add_argument("--answers", type=int, default=16, help="answers written in phases 1 and 3 each")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of phase 2")
    parser.add_argument("--write-batch", type=int, default=8, help="answers per cache insert (the edge server's write_batch)")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
