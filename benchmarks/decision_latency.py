"""What every request pays before it is answered: embed + search + decide + policy, at 1, 4 and 16 clients.

The edge server's decision path, stage by stage, on real data and real Milvus:

* embed: the request's e5 vector (exact repeats reuse a recent vector: `velo.embedding.recent`);
* search: Milvus top-V in the request's namespace, context and language;
* decide: the hit-decision features of the best neighbour (USE on the differing words, answer relevance) and
  the learned hit rule;
* policy: `encode_observation` + `load_policy(--policy).act` (the same calls as the edge server).

An edge server keeps the vectors of the questions it stores (`RecentEmbeddings.remember`, called by
`SemanticCache.insert_many`), so a word-for-word repeat of a cached question is not embedded again; each row starts
with only those (the previous row's request vectors are forgotten). `total, new` is the total of the other
requests alone (paraphrases, look-alikes, and questions not yet cached). `CPU ms` is the process's CPU time per
decision (both e5 threads, the embedded Milvus server's threads), the figure to compare under a varying load.

Concurrent clients are closed loops (each sends its next request when the last is decided) on one asyncio loop;
their requests are coalesced by `velo.batching.OpportunisticBatcher` (no timer: a request finding the worker idle
goes at once; those arriving meanwhile share the next batch: one e5 call, one search call per context and
language, one USE call for all the batch's hit features).
Per request, a stage's time is that of the batch it was in (what the request waited for); `total` is its
wall time from arrival to decision, queueing included. Requests: half hand-written paraphrases and look-alikes
of cached questions (`../shared/data/paraphrases` when present), half cached questions asked again
(`benchmarks/cache_latency.py` builds both). Entries: up to 2,000 oasst1 pairs (952 in the shared file) in the default namespace;
larger sizes add copies of them in tenant namespaces (a multi-tenant cache: the collection and its index hold
every entry, a search filters to one namespace).

    python benchmarks/decision_latency.py --entries 2000,50000 --clients 1,4,16 --backends embedded,standalone [--index FLAT]

Run it on an otherwise idle machine; the load average before each row is printed.
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
sys.path.insert(0, str(REPO_ROOT / "benchmarks"))

import numpy as np  # noqa: E402
from cache_latency import Request, backend_uri, fill, load_pairs, load_requests  # noqa: E402

from tests.milvus_servers import standalone_unavailable  # noqa: E402
from velo.batching import OpportunisticBatcher  # noqa: E402
from velo.cache import CacheConfig, SemanticCache, parse_rule  # noqa: E402
from velo.cache.decision import embedder_key  # noqa: E402
from velo.cache.features import HitFeaturizer  # noqa: E402
from velo.embedding import CachedEmbedder, load_embedder  # noqa: E402
from velo.embedding.recent import RecentEmbeddings  # noqa: E402
from velo.observation import ObservationLayout, SystemLoad, encode_observation  # noqa: E402
from velo.paths import velo_home  # noqa: E402
from velo.policy import N_ACTIONS, load_policy  # noqa: E402
from velo.types import Source  # noqa: E402

STAGES = ("embed", "search", "decide", "policy", "total")
TOP_V = 10


class DecisionPath:
    """embed -> search -> decide -> policy for a batch of requests, timing each stage."""

    def __init__(self, cache: SemanticCache, policy_spec: str) -> None:
        self.cache = cache
        self.layout = ObservationLayout(cache.embedder.dim, TOP_V)
        self.policy = load_policy(policy_spec, self.layout, hit_rule=cache.rule.identity)
        self.mask = np.ones(N_ACTIONS, dtype=np.int8)
        self.load = SystemLoad(0, 8, 0.0, 800.0, 0.5)

    def __call__(self, batch: list[Request]) -> list[dict[str, float]]:
        t0 = time.perf_counter()
        vectors = self.cache.embedder.embed([r.question for r in batch])
        t1 = time.perf_counter()
        found = self.cache.search(vectors, contexts=[r.context for r in batch], langs=[r.lang for r in batch], top_k=TOP_V)
        t2 = time.perf_counter()
        decisions = self.cache.decide_many([r.question for r in batch], vectors, found)
        t3 = time.perf_counter()
        out = []
        for r, vector, neighbours, d in zip(batch, vectors, found, decisions):
            s1 = time.perf_counter()
            obs = encode_observation(
                self.layout, vector, r.lang, bool(r.context), [n.similarity for n in neighbours],
                [n.entry.source is Source.EDGE for n in neighbours], [n.entry.hit_count for n in neighbours],
                d.features.as_tuple() if d.features is not None else None, d.score, d.hit, self.load,
            )
            self.policy.act(obs, self.mask)
            s2 = time.perf_counter()
            out.append({"embed": (t1 - t0) * 1e3, "search": (t2 - t1) * 1e3, "decide": (t3 - t2) * 1e3,
                        "policy": (s2 - s1) * 1e3, "hit": float(d.hit)})
        return out


async def run_clients(path: DecisionPath, requests: list[Request], clients: int, per_client: int, cached: set[str]) -> dict:
    """Closed-loop clients; per-stage p50 / p95, and the total of new questions and of word-for-word repeats of
    cached ones apart (a repeat reuses its stored vector)."""
    batcher = OpportunisticBatcher(path, max_batch=16)
    rows: list[dict[str, float]] = []

    async def client(c: int) -> None:
        for i in range(per_client):
            r = requests[(c * per_client + i) % len(requests)]
            start = time.perf_counter()
            row = await batcher(r)
            rows.append({**row, "total": (time.perf_counter() - start) * 1e3, "repeat": r.question in cached})

    start, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(client(c) for c in range(clients)))
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    new = [r["total"] for r in rows if not r["repeat"]] or [float("nan")]
    return {
        **{f"{s}_p50": float(np.median([r[s] for r in rows])) for s in STAGES},
        **{f"{s}_p95": float(np.percentile([r[s] for r in rows], 95)) for s in STAGES},
        "new_p50": float(np.median(new)), "new_p95": float(np.percentile(new, 95)),
        "per_s": len(rows) / wall, "cpu_ms": cpu * 1e3 / len(rows), "mean_batch": batcher.mean_batch,
        "hit_rate": float(np.mean([r["hit"] for r in rows])),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", default="2000,50000", help="cache sizes, comma-separated")
    parser.add_argument("--clients", default="1,4,16")
    parser.add_argument("--requests", type=int, default=400, help="requests per (backend, size, clients) row")
    parser.add_argument("--backends", default="embedded,standalone")
    parser.add_argument("--policy", default="rule-cloud", help="what load_policy loads (a rule or a checkpoint)")
    parser.add_argument("--embedding-cache", type=Path, default=velo_home() / "embeddings" / "bench-e5.sqlite",
                        help="on-disk cache of the fill's question and answer embeddings (requests are always embedded)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--index", default=CacheConfig().index, help="Milvus index type of the collection (HNSW, FLAT, ...)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.entries.split(",")]
    client_counts = [int(c) for c in args.clients.split(",")]

    config = CacheConfig()
    pairs, source = load_pairs(config.max_chars)
    pairs = pairs[:2000]
    requests = load_requests(pairs, args.requests, np.random.default_rng(args.seed))
    cached = {p.question for p in pairs}
    e5, use = load_embedder("e5-small"), load_embedder("use-multilingual")
    rule = parse_rule("default", embedder_key(e5.name, use.name))
    stored = CachedEmbedder(e5, args.embedding_cache)
    t0 = time.perf_counter()
    vectors = stored.embed([p.question for p in pairs])
    stored.embed([p.answer for p in pairs], passage=True)
    print(f"data: {len(pairs)} pairs from {source}; {len(requests)} requests per row; fill embeddings "
          f"{time.perf_counter() - t0:.0f} s ({stored.misses} computed)", file=sys.stderr)

    print(f"\npolicy `{args.policy}`, top-V {TOP_V}, e5 on {getattr(e5, 'threads', '?')} thread(s), index {args.index}; "
          "ms p50 / p95 per request; a stage's time is its batch's; `new` is the total of the requests that are not "
          "word-for-word repeats of a cached question; CPU ms is this process's CPU time per decision\n")
    print("| backend | entries | clients | embed | search | decide | policy | total | total, new | decisions/s | "
          "CPU ms | mean batch | load |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="velo-decision-") as tmp:
        for backend in (b.strip() for b in args.backends.split(",")):
            if backend == "standalone" and (reason := standalone_unavailable()):
                print(f"| {backend} | skipped: {reason} |")
                continue
            with backend_uri(backend, Path(tmp)) as uri:
                cfg = CacheConfig(uri=uri, collection="bench", capacity=None, top_k=TOP_V, index=args.index)
                # a fresh LRU per backend, so exact repeats are found only after this backend's first sight
                with SemanticCache(RecentEmbeddings(e5), rule, cfg, HitFeaturizer(stored, use)) as cache:
                    filled = 0
                    for size in sorted(sizes):
                        filled = fill_to(cache, pairs, vectors, filled, size)
                        path = DecisionPath(cache, args.policy)
                        path(requests[:1])  # load what loads lazily (the second embedder) before timing
                        for clients in client_counts:
                            # forget the previous row's request vectors; an edge server keeps those of its entries
                            cache.embedder.clear()
                            cache.embedder.remember([p.question for p in pairs], vectors)
                            load = os.getloadavg()[0]
                            per_client = max(1, args.requests // clients)
                            row = asyncio.run(run_clients(path, requests, clients, per_client, cached))
                            cells = " | ".join(f"{row[f'{s}_p50']:.1f} / {row[f'{s}_p95']:.1f}" for s in (*STAGES, "new"))
                            print(f"| {backend} | {size} | {clients} | {cells} | {row['per_s']:.1f} | {row['cpu_ms']:.1f} | "
                                  f"{row['mean_batch']:.1f} | {load:.1f} |", flush=True)


def fill_to(cache: SemanticCache, pairs: list, vectors: np.ndarray, filled: int, size: int) -> int:
    """Grow the cache from `filled` to `size` entries (the default namespace first, then tenant copies)."""
    if size <= filled:
        return filled
    start = time.perf_counter()
    fill(cache, pairs, vectors, size)  # upserts: entries already there are rewritten, not duplicated
    cache.client.flush(cache.config.collection)
    print(f"filled to {len(cache)} entries in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return size


if __name__ == "__main__":
    main()
