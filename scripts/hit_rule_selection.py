"""Judge the hit-rule recipe on data it was not fitted on: each source left out in turn, then each language.

    python scripts/hit_rule_selection.py \
        --pair fit data/sample/cache_eval/fit.seeds.jsonl data/sample/cache_eval/fit.queries.jsonl \
        --pair shared SHARED/shared.seeds.jsonl SHARED/shared.queries.jsonl \
        --pair train TRAIN/train.seeds.jsonl TRAIN/train.queries.jsonl [--target 0.97] [--unweighted] [--rule FILE]

(SHARED from `shared_paraphrases_to_cache_eval.py`, TRAIN from `rewordings_to_cache_eval.py`.) Each source's queries are
looked up once in a fresh cache under the static:1 rule (the features of the best neighbour, nothing decided), as
`velo cache calibrate` does. Then `LogisticHitRule.fit` (the shipped recipe: every source weighing the same unless
--unweighted, the threshold at --target out-of-fold precision) is fitted on all sources but one and judged on that one,
and fitted on all languages but one (every source) and judged on that one. Per held-out set it prints precision,
recall and false hits at the recipe's threshold, and recall at precision 0.95 / 0.97 (the best threshold for each over
the same scores: the curve). With --rule, a rule file is judged as it is on every source and language instead (nothing
fitted). Dev is never read here.
"""

from __future__ import annotations

import argparse
import tempfile
import uuid
from pathlib import Path

import numpy as np

from velo.cache import CacheConfig
from velo.cache.decision import TARGET_PRECISION, LogisticHitRule, embedder_key, load_rule_file
from velo.cache.evaluation import QueryOutcome, load_queries, load_seeds, run_queries
from velo.cache.factory import open_cache


def lookups(seeds: Path, queries: Path, embedding_cache: Path | None) -> tuple[list[QueryOutcome], str]:
    seed_rows = load_seeds(seeds)
    query_rows = load_queries(queries, {s.id for s in seed_rows})
    with tempfile.TemporaryDirectory(prefix="velo-select-") as tmp:
        config = CacheConfig(uri=str(Path(tmp) / "eval.db"), collection=f"velo_select_{uuid.uuid4().hex[:12]}", capacity=None)
        with open_cache(config, rule="static:1", embedding_cache=embedding_cache) as cache:
            key = embedder_key(cache.embedder.name, cache.featurizer.alt_embedder.name)
            return run_queries(cache, seed_rows, query_rows), key


def judge(rule: LogisticHitRule, outcomes: list[QueryOutcome]) -> str:
    scores = np.array([rule.score(o.features) if o.features is not None else 0.0 for o in outcomes])
    right = np.array([o.best_is_right for o in outcomes])
    expected = sum(o.query.expect == "hit" for o in outcomes)
    hit = np.array([rule.accepts(s) for s in scores])
    correct = int((hit & right).sum())
    order = np.argsort(-scores, kind="stable")
    cum = np.cumsum(right[order])
    precision_at = cum / np.arange(1, len(order) + 1)
    curve = []
    for p in (0.95, 0.97):
        ok = (precision_at >= p) & (scores[order] > 0)
        curve.append(cum[ok].max() / expected if ok.any() else 0.0)
    return (f"{len(outcomes):5d} queries  precision {correct / max(1, hit.sum()):.3f}  recall {correct / max(1, expected):.3f}  "
            f"false hits {int((hit & ~right).sum()):4d}  recall at precision 0.95 / 0.97: {curve[0]:.3f} / {curve[1]:.3f}")


def fit(pairs: list[tuple[QueryOutcome, str]], key: str, target: float, weighted: bool) -> LogisticHitRule:
    usable = [(o, s) for o, s in pairs if o.features is not None]
    groups = [f"{s}:{o.query.meta.get('of') or o.query.target or o.query.question}" for o, s in usable]
    return LogisticHitRule.fit(
        [o.features for o, _ in usable], [o.best_is_right for o, _ in usable], groups, key, target,
        sources=[s for _, s in usable] if weighted else None,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pair", nargs=3, action="append", required=True, metavar=("NAME", "SEEDS", "QUERIES"))
    parser.add_argument("--target", type=float, default=TARGET_PRECISION)
    parser.add_argument("--unweighted", action="store_true", help="every query weighs the same, not every source")
    parser.add_argument("--embedding-cache", type=Path, help="SQLite file for the embeddings (spares repeated runs)")
    parser.add_argument("--rule", type=Path, help="judge this rule file as it is on every source and language")
    args = parser.parse_args()
    pairs: list[tuple[QueryOutcome, str]] = []
    for name, seeds, queries in args.pair:
        found, key = lookups(Path(seeds), Path(queries), args.embedding_cache)
        pairs += [(o, name) for o in found]
    names = [n for n, _, _ in args.pair]
    langs = sorted({o.query.lang for o, _ in pairs})
    if args.rule is not None:
        rule = load_rule_file(args.rule)
        for held in names:
            print(f"source {held:8s} {judge(rule, [o for o, s in pairs if s == held])}")
        for lang in langs:
            print(f"lang   {lang:8s} {judge(rule, [o for o, _ in pairs if o.query.lang == lang])}")
        return
    print(f"recipe: target {args.target}, {'unweighted' if args.unweighted else 'every source weighing the same'}")
    for held in names:
        rule = fit([p for p in pairs if p[1] != held], key, args.target, not args.unweighted)
        print(f"source {held:8s} (threshold {rule.threshold:.3f}) {judge(rule, [o for o, s in pairs if s == held])}")
    for lang in langs:
        rule = fit([p for p in pairs if p[0].query.lang != lang], key, args.target, not args.unweighted)
        print(f"lang   {lang:8s} (threshold {rule.threshold:.3f}) {judge(rule, [o for o, _ in pairs if o.query.lang == lang])}")


if __name__ == "__main__":
    main()
