"""Latency of one semantic-cache lookup, per stage, on three Milvus backends.

Fills a cache with real oasst1 questions and answers (`../shared/data/oasst1/oa_questions.jsonl`, else the
bundled `data/sample/cache_eval/*.seeds.jsonl`), then replays requests -- hand-written paraphrases and
look-alikes of cached questions (`../shared/data/paraphrases`, when present) and cached questions asked
again, follow-ups with their conversation -- and reports, per backend:

* median and p95 of each stage of a single `lookup` (embed / search / decide / total, from
  `LookupResult.timings_ms`);
* throughput of single lookups and of `lookup_many` in batches.

Backends: embedded milvus-lite (a file), the milvus-lite gRPC server, and real Milvus standalone (`milvus`
pip package), each started and stopped by `tests/milvus_servers.py`. Lookups do not record hits, so every
backend sees the same cache state.

    python benchmarks/cache_latency.py --n-entries 2000 --n-queries 200

Answers are embedded once (as e5 passages, for the answer-relevance features) into an on-disk embedding
cache that later runs reuse; request embeddings are always computed, since they are part of a lookup.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # ../shared/STACK.md: a hub look-up hangs ~74 s
REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

import numpy as np  # noqa: E402

from tests.milvus_servers import lite_server, standalone_server, standalone_unavailable  # noqa: E402
from velo.cache import CacheConfig, SemanticCache, parse_rule  # noqa: E402
from velo.cache.keys import context_key  # noqa: E402
from velo.cache.decision import embedder_key  # noqa: E402
from velo.cache.evaluation import load_seeds  # noqa: E402
from velo.cache.features import HitFeaturizer  # noqa: E402
from velo.cache.semantic_cache import entry_id  # noqa: E402
from velo.data.oasst1 import read_oa_questions  # noqa: E402
from velo.embedding import CachedEmbedder, Embedder, load_embedder  # noqa: E402
from velo.paths import BUNDLED_CACHE_EVAL, velo_home  # noqa: E402
from velo.types import Role  # noqa: E402

SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
BACKENDS = ("embedded", "lite-server", "standalone")
STAGES = ("embed", "search", "decide", "total")


@dataclass(frozen=True)
class Pair:
    question: str
    answer: str
    lang: str
    context: tuple[str, ...] = ()
    """Earlier user turns of the conversation (a follow-up's context)."""


@dataclass(frozen=True)
class Request:
    question: str
    lang: str
    context: tuple[str, ...] = ()


def load_pairs(max_chars: int) -> tuple[list[Pair], str]:
    """Real question/answer pairs: oasst1 validation (with follow-ups) if present, else the bundled seeds."""
    path = SHARED_DATA / "oasst1" / "oa_questions.jsonl"
    if path.exists():
        pairs = [
            Pair(p.question, p.answer, p.lang, tuple(t.text for t in p.context if t.role == Role.USER))
            for p in read_oa_questions(path)
        ]
        source = str(path)
    else:
        seed_files = sorted(BUNDLED_CACHE_EVAL.glob("*.seeds.jsonl"))
        pairs = [Pair(s.question, s.answer, s.lang) for f in seed_files for s in load_seeds(f)]
        source = ", ".join(str(f) for f in seed_files)
    fits = [p for p in pairs if p.answer.strip() and max(len(p.question), len(p.answer)) <= max_chars]
    # One entry per cache id (the same question up to case and punctuation, in the same conversation).
    unique = list({entry_id("default", context_key(p.context), p.question, p.lang): p for p in fits}.values())
    return unique, source


def load_requests(pairs: list[Pair], n: int, rng: np.random.Generator) -> list[Request]:
    """Half paraphrases / look-alikes of cached questions (when the hand-written set exists), half repeats."""
    requests: list[Request] = []
    path = SHARED_DATA / "paraphrases" / "oasst1_paraphrases.jsonl"
    cached = {p.question for p in pairs if not p.context}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row["question"] in cached:
                requests += [Request(q, row["lang"]) for q in row["paraphrases"] + row["hard_negatives"]]
    rng.shuffle(requests)
    requests = requests[: n // 2]
    repeats = rng.choice(len(pairs), size=n - len(requests), replace=len(pairs) < n - len(requests))
    requests += [Request(pairs[i].question, pairs[i].lang, pairs[i].context) for i in repeats]
    rng.shuffle(requests)
    return requests


def fill(cache: SemanticCache, pairs: list[Pair], vectors: np.ndarray, n_entries: int, batch: int = 256) -> int:
    """Insert `n_entries` entries: every pair once in `default`, then copies in tenant namespaces if more are asked."""
    done = 0
    while done < n_entries:
        tenant = done // len(pairs)
        namespace = "default" if tenant == 0 else f"tenant-{tenant}"
        take = min(len(pairs), n_entries - done)
        for start in range(0, take, batch):
            chunk = range(start, min(take, start + batch))
            cache.insert_many(
                [(pairs[i].question, pairs[i].answer, pairs[i].lang) for i in chunk], namespace=namespace,
                contexts=[pairs[i].context for i in chunk], vectors=vectors[list(chunk)],
            )
        done += take
    return done


def measure(cache: SemanticCache, requests: list[Request], batch: int) -> dict:
    for r in requests[:5]:  # warm-up: first calls load indexes and allocate buffers
        cache.lookup(r.question, lang=r.lang, context=r.context, record=False)
    stages: dict[str, list[float]] = {s: [] for s in STAGES}
    hits = 0
    t0 = time.perf_counter()
    for r in requests:
        result = cache.lookup(r.question, lang=r.lang, context=r.context, record=False)
        hits += result.decision.hit
        for s in STAGES:
            stages[s].append(result.timings_ms[s])
    single_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for start in range(0, len(requests), batch):
        chunk = requests[start : start + batch]
        cache.lookup_many(
            [r.question for r in chunk], langs=[r.lang for r in chunk], contexts=[r.context for r in chunk], record=False
        )
    batch_s = time.perf_counter() - t0
    return {
        **{f"{s}_p50": float(np.median(v)) for s, v in stages.items()},
        **{f"{s}_p95": float(np.percentile(v, 95)) for s, v in stages.items()},
        "single_per_s": len(requests) / single_s,
        "batch_per_s": len(requests) / batch_s,
        "hit_rate": hits / len(requests),
    }


def backend_uri(name: str, workdir: Path) -> AbstractContextManager[str]:
    if name == "embedded":
        return nullcontext(str(workdir / "embedded.db"))
    if name == "lite-server":
        return lite_server(workdir / "lite-server")
    return standalone_server(workdir / "standalone")


def search_embedder(args: argparse.Namespace) -> Embedder:
    if args.e5_threads is None:
        return load_embedder("e5-small")
    from velo.embedding.models import E5SmallEmbedder

    return E5SmallEmbedder(threads=args.e5_threads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n-entries", type=int, default=2000, help="entries in the cache")
    parser.add_argument("--n-queries", type=int, default=200, help="requests replayed per backend")
    parser.add_argument("--batch", type=int, default=32, help="requests per lookup_many call")
    parser.add_argument("--backends", default=",".join(BACKENDS), help=f"comma-separated subset of {','.join(BACKENDS)}")
    parser.add_argument("--rule", default="default", help="hit rule: default, static:T or a rule .json")
    parser.add_argument("--e5-threads", type=int, default=None, help="e5 threads (default: what load_embedder ships)")
    parser.add_argument("--embedding-cache", type=Path, default=velo_home() / "embeddings" / "bench-e5.sqlite",
                        help="on-disk cache of question and answer embeddings used to fill the cache")
    parser.add_argument("--flush", action="store_true",
                        help="flush the collection after filling (milvus-lite searches unflushed rows by brute force)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if unknown := set(backends) - set(BACKENDS):
        parser.error(f"unknown backends {sorted(unknown)}; choose from {', '.join(BACKENDS)}")
    if args.n_entries < 1 or args.n_queries < 1 or args.batch < 1:
        parser.error("--n-entries, --n-queries and --batch must be >= 1")

    config = CacheConfig()
    pairs, source = load_pairs(config.max_chars)
    requests = load_requests(pairs, args.n_queries, np.random.default_rng(args.seed))
    e5, use = search_embedder(args), load_embedder("use-multilingual")
    rule = parse_rule(args.rule, embedder_key(e5.name, use.name))
    stored = CachedEmbedder(e5, args.embedding_cache)
    t0 = time.perf_counter()
    vectors = stored.embed([p.question for p in pairs])
    stored.embed([p.answer for p in pairs], passage=True)
    print(f"data: {len(pairs)} pairs from {source}; {len(requests)} requests; "
          f"fill embeddings {time.perf_counter() - t0:.1f} s ({stored.misses} computed, {stored.hits} from {args.embedding_cache})",
          file=sys.stderr)

    rows = []
    with tempfile.TemporaryDirectory(prefix="velo-bench-") as tmp:
        for name in backends:
            if name == "standalone" and (reason := standalone_unavailable()):
                print(f"{name}: skipped ({reason})", file=sys.stderr)
                continue
            with backend_uri(name, Path(tmp)) as uri:
                # Answers' passage vectors come from the on-disk cache: a lookup embeds only its request.
                cfg = CacheConfig(uri=uri, collection="bench", capacity=None, top_k=config.top_k)
                with SemanticCache(e5, rule, cfg, HitFeaturizer(stored, use)) as cache:
                    t0 = time.perf_counter()
                    n = fill(cache, pairs, vectors, args.n_entries)
                    if args.flush:
                        cache.client.flush(cfg.collection)
                    fill_s = time.perf_counter() - t0
                    print(f"{name}: {n} entries in {fill_s:.1f} s; measuring", file=sys.stderr)
                    rows.append({"backend": name, "entries": n, "fill_s": fill_s, **measure(cache, requests, args.batch)})

    threads = "shipped default" if args.e5_threads is None else str(args.e5_threads)
    print(f"\n{len(requests)} lookups per backend, rule `{rule.name}`, e5 threads: {threads}, "
          f"flushed after fill: {'yes' if args.flush else 'no'}; times in ms (p50 / p95)\n")
    print("| backend | entries | embed | search | decide | total | single lookups/s | lookup_many({}) lookups/s | hit rate |".format(args.batch))
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        cells = [f"{r[f'{s}_p50']:.1f} / {r[f'{s}_p95']:.1f}" for s in STAGES]
        print(f"| {r['backend']} | {r['entries']} | {' | '.join(cells)} | {r['single_per_s']:.1f} | {r['batch_per_s']:.1f} | {r['hit_rate']:.0%} |")


if __name__ == "__main__":
    main()
