"""The headroom report: per scenario, every baseline, the oracle, and how much a better policy could gain.

    headroom = (oracle - best baseline) / best baseline        (for all, similar and new requests)

"Best baseline" is the best of the baselines on that metric, including Greedy with its threshold tuned for
the scenario on the *train* split (`tune_greedy`, seeds from `TUNING_SEED` on: never an evaluation seed).
The oracle is `velo_edge_v1`'s per-request hindsight (see its docstring): a reference, not a strict bound.

Also per scenario, what the workload was: the share of similar requests that were verbatim repeats, the
distinct items repeated with rewordings, look-alike requests, and the mean quality of right and of wrong
cache answers (over every policy's cache answers).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from agents.evaluation import run_episodes, summarize
from agents.registry import load_policy

SCENARIO_BASELINES = (
    "random", "greedy-0.05", "greedy-0.1", "greedy-0.2", "greedy-0.3", "greedy-0.5", "greedy-llm", "edge-only",
    "rule-cloud",
)
TUNING_GRID = (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5)
TUNING_SEED = 1_000_000
"""Greedy is tuned on episodes seeded from here; evaluation seeds must stay below it."""
METRICS = ("satisfaction", "satisfaction_similar", "satisfaction_new")


def tune_greedy(env, episodes: int = 5) -> float:
    """The Greedy threshold (cosine distance) with the best mean satisfaction on `env` (a train-split env)."""
    scores = {
        d: summarize(run_episodes(env, load_policy(f"greedy-{d:g}", env.layout), episodes, TUNING_SEED))["satisfaction"]
        for d in TUNING_GRID
    }
    return max(scores, key=scores.get)


def headroom(results: dict[str, dict[str, float]]) -> dict[str, dict]:
    """Per metric: the best baseline (any policy but the oracle), its value, the oracle's, and the headroom."""
    out = {}
    for m in METRICS:
        base = {n: r[m] for n, r in results.items() if n != "oracle" and np.isfinite(r[m])}
        if not base or "oracle" not in results:
            continue
        best = max(base, key=base.get)
        oracle = results["oracle"][m]
        out[m] = {"best_baseline": best, "best": base[best], "oracle": oracle,
                  "headroom": (oracle - base[best]) / abs(base[best]) if base[best] else float("nan")}
    return out


def workload_stats(records: Sequence[dict]) -> dict[str, float]:
    """What the requests were (from one policy's records: the stream does not depend on the policy)."""
    similar = [r for r in records if r["similar"]]
    return {
        "requests": float(len(records)),
        "similar_share": len(similar) / max(1, len(records)),
        "verbatim_share_of_similar": float(np.mean([r["verbatim"] for r in similar])) if similar else float("nan"),
        "distinct_reworded_items": float(len({r["item"] for r in similar if not r["verbatim"]})),
        "lookalike_share": float(np.mean([r["lookalike"] for r in records])) if records else float("nan"),
    }


def cache_quality(all_records: Sequence[dict]) -> dict[str, float]:
    """Mean quality of cache answers that answered the request's own item, and of those that did not."""
    right = [r["quality"] for r in all_records if r["hit_correct"] is True]
    wrong = [r["quality"] for r in all_records if r["hit_correct"] is False]
    return {
        "cache_right_quality": float(np.mean(right)) if right else float("nan"),
        "cache_wrong_quality": float(np.mean(wrong)) if wrong else float("nan"),
        "cache_right_answers": float(len(right)), "cache_wrong_answers": float(len(wrong)),
    }


def scenario_report(
    env, policies: Sequence[str], episodes: int, seed: int, tuned_distance: float | None,
    on_step: Callable[[str], None] | None = None,
) -> dict:
    """Run `policies` (plus `greedy-best` at `tuned_distance`) on `env`; results, headroom and workload."""
    if seed + episodes > TUNING_SEED:
        raise ValueError(f"evaluation seeds must stay below {TUNING_SEED} (the tuning seeds)")
    names = list(policies) + ([f"greedy-{tuned_distance:g}"] if tuned_distance is not None else [])
    results, everything, first = {}, [], None
    for name in dict.fromkeys(names):
        records = run_episodes(env, load_policy(name, env.layout, seed), episodes, seed,
                               on_step=(lambda n=name: on_step(n)) if on_step else None)
        label = "greedy-best" if tuned_distance is not None and name == f"greedy-{tuned_distance:g}" and name not in policies else name
        results[label] = summarize(records)
        everything += records
        first = first or records
    if tuned_distance is not None and "greedy-best" not in results:
        results["greedy-best"] = results[f"greedy-{tuned_distance:g}"]
    return {
        "policies": results, "headroom": headroom(results), "workload": workload_stats(first or []),
        "cache_answers": cache_quality(everything), "greedy_best_distance": tuned_distance,
    }
