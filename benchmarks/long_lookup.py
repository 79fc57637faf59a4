"""What one long question's lookup costs the other requests of an edge server: short lookups and cache calls meanwhile.

Runs an edge server's own objects (`services.edge._open`: e5 + USE, the learned hit rule, an embedded milvus-lite
file; the LLM is never called) on one asyncio loop, with `--prefill` oasst1 entries cached, in two phases:

1. **short lookups alone**: `--clients` closed-loop clients call `EdgeServer.lookup` on short oasst1 questions for
   `--seconds`; prints p50 / p95 / max.
2. **beside a long one**: a `--long-chars`-character question (under the cache's 8,000) is looked up while the same
   clients run, and one cache call that takes the cache's lock (`cache_call("delete", ...)` of an unknown id, as
   `DELETE /admin/cache/entries/{id}`) is made 0.2 s after it starts; prints the long lookup's seconds, the short ones'
   p50 / p95 / max meanwhile, and the cache call's seconds or its error (past the cache's `timeout_s` it is refused as
   "the cache is busy").

    python -u benchmarks/long_lookup.py --clients 2 --seconds 5
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

from benchmarks.write_back import lookups  # noqa: E402 - the closed-loop clients of its phase 2
from services.edge import EdgeSettings, _open  # noqa: E402
from services.edge_serving import WriteBack  # noqa: E402
from services.metrics import EdgeMetrics  # noqa: E402
from velo.data.oasst1 import read_oa_questions  # noqa: E402
from velo.paths import shared_dir  # noqa: E402
from velo.types import Source  # noqa: E402

SHARED_PAIRS = shared_dir() / "data" / "oasst1" / "oa_questions.jsonl"
SENTENCE = "Describe how the harbour changed once the new lighthouse was built on the northern cliffs. "


def summary(times: list[float]) -> str:
    ms = np.array(times) * 1000.0
    return f"p50 {np.percentile(ms, 50):.0f} ms, p95 {np.percentile(ms, 95):.0f} ms, max {ms.max():.0f} ms ({len(times)} lookups)"


async def run(args: argparse.Namespace) -> None:
    pairs = [p for p in read_oa_questions(SHARED_PAIRS) if p.answer and len(p.question) < 200][: args.prefill]
    home = Path(tempfile.mkdtemp(prefix="velo-long-lookup-"))
    edge = _open(EdgeSettings(cache_uri=str(home / "edge.db"), llm="http://127.0.0.1:9", capacity=None), EdgeMetrics())
    writer = asyncio.create_task(edge.write_back_forever())
    try:
        vectors = edge.cache.embedder.embed([p.question for p in pairs])
        for pair, vector in zip(pairs, vectors):
            edge.writes.put_nowait(WriteBack(pair.question, pair.answer, pair.lang, "default", (), Source.CLOUD, vector))
        await edge.writes.join()
        questions = [p.question for p in pairs]
        stop_at = time.perf_counter() + args.seconds
        print(f"1. short lookups alone, {args.clients} clients: {summary(await lookups(edge, questions, args.clients, lambda: time.perf_counter() > stop_at))} "
              f"(load {os.getloadavg()[0]:.1f})")

        long_question = (SENTENCE * (args.long_chars // len(SENTENCE) + 1))[: args.long_chars]
        edge.cache.embedder.clear()  # nothing remembered: the long question is embedded
        began = time.perf_counter()
        long_task = asyncio.create_task(edge.lookup(long_question, "default", (), edge.request_lang(None, long_question)))

        async def cache_call() -> str:
            await asyncio.sleep(0.2)
            t0 = time.perf_counter()
            try:
                await edge.cache_call("admin_delete", edge.cache.delete, ["no-such-entry"])
            except ConnectionError as err:
                return f"refused after {time.perf_counter() - t0:.2f} s: {err}"
            return f"done in {time.perf_counter() - t0:.3f} s"

        call = asyncio.create_task(cache_call())
        times = await lookups(edge, questions, args.clients, long_task.done)
        looked = await long_task
        print(f"2. beside a {len(long_question):,}-character lookup ({time.perf_counter() - began:.2f} s, {looked.error or 'looked up'}): "
              f"short lookups {summary(times) if times else 'none finished'}; a cache call meanwhile {await call} (load {os.getloadavg()[0]:.1f})")
    finally:
        writer.cancel()
        edge.cache.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefill", type=int, default=30, help="short oasst1 entries cached (the short lookups' questions)")
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=5.0, help="length of phase 1")
    parser.add_argument("--long-chars", type=int, default=7_900)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
