"""The headroom report: per scenario, every baseline, the oracle, and how much a better policy could gain.

    headroom = (oracle - best baseline) / best baseline        (for all, similar and new requests)

"Best baseline" is the best of the baselines on that metric, including Greedy with its threshold tuned for
the scenario on the *train* split (`tune_greedy`, seeds from `TUNING_SEED` on: never an evaluation seed).
The oracle is `velo_edge_v1`'s per-request hindsight (see its docstring): a reference, not a strict bound.

Also per scenario, what the workload was: the share of similar requests that were verbatim repeats, the
items of the split that have rewordings (what a reworded-only workload can repeat) and the distinct items
that were repeated with a rewording over the evaluated episodes, look-alike requests, the mean quality of
right and of wrong cache answers (over every policy's cache answers), and the edge LLM's answer quality per
language over the requests drawn (what EDGE would give them; `velo_edge_v1`'s `multilingual-edge`).

Learned policies (checkpoints) are evaluated beside the baselines but are never the "best baseline": for each,
`learned_report` gives its paired per-episode difference with the best baseline (95 % interval), the share of
the headroom it captures, and the DLRS paper's own measure, the gain over the mean of its rule baselines.

Tuning data: the train split has no edge LLM answers (they were generated for the test split only), so
Greedy is tuned in an environment that never offers EDGE (`velo_edge_v1.parallel_env(edge_action=False)`).
Greedy never picks EDGE, so its actions are those it takes with EDGE offered; the one difference is the
score of the edge fallback after a failed cloud call, which uses the stand-in `edge_quality_fallback`
there (`velo evaluate` reports how the tuned threshold moves when the stand-in goes from 0 to 1).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np

from agents.evaluation import run_episodes, summarize
from agents.statistics import episode_means, paired_difference
from agents.registry import env_for, load_policy
from velo.policy import is_rule

SCENARIO_BASELINES = (
    "random", "greedy-0.05", "greedy-0.1", "greedy-0.2", "greedy-0.3", "greedy-0.5", "greedy-llm", "edge-only",
    "rule-cloud",
)
TUNING_GRID = (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5)
TUNING_SEED = 1_000_000
"""Greedy is tuned on episodes seeded from here; evaluation seeds must stay below it."""
METRICS = ("satisfaction", "satisfaction_similar", "satisfaction_new")
SUBSETS = {"satisfaction": "all", "satisfaction_similar": "similar", "satisfaction_new": "new"}
PAPER_BASELINES = ("greedy-0.1", "greedy-0.3", "greedy-0.5", "greedy-llm", "random")
"""The DLRS paper's rule baselines: its "+15.0 % / +14.6 %" is a gain over their mean (with its MAPPO-family
baselines too, which `learned_report` leaves out: they are among the learned policies here)."""


def is_baseline(name: str) -> bool:
    """A rule baseline (Random, any Greedy, Greedy-LLM, Edge-only, rule-cloud, the tuned greedy-best); not the
    oracle and not a learned policy."""
    return is_rule(name) or name == "greedy-best"


def split_label(spec: str) -> tuple[str, str]:
    """`"LABEL=SPEC"` -> (LABEL, SPEC); a bare spec is its own label, a checkpoint's is its run folder for the
    `policy.safetensors` `velo train` writes ("runs/dlrs/policy.safetensors" -> "dlrs"), else the file's stem
    ("data/checkpoints/dlrs.safetensors" -> "dlrs", not "checkpoints": nc23 finding L3, where two files of one folder
    were refused as one label given twice)."""
    if "=" in spec:
        label, _, policy = spec.partition("=")
        if not label.strip() or not policy.strip():
            raise ValueError(f"policy {spec!r}: write LABEL=SPEC with both parts")
        return label.strip(), policy.strip()
    path = Path(spec)
    if path.suffix != ".safetensors":
        return spec, spec
    return (path.parent.name if path.name == "policy.safetensors" and path.parent.name else path.stem), spec


def tune_greedy(env, episodes: int = 5) -> float:
    """The Greedy threshold (cosine distance) with the best mean satisfaction on `env` (a train-split env),
    over `episodes` episodes seeded from `TUNING_SEED`; ties go to the smaller distance."""
    return tune_greedy_report(env, episodes)["distance"]


def tune_greedy_report(env, episodes: int = 5) -> dict:
    """`tune_greedy` with what it saw: the score of every distance and, when `env`'s bank has no real edge
    answers, the distance it would pick were the edge fallback's stand-in quality 0 or 1 instead. Greedy's
    actions do not depend on that quality, so its episodes are run once and only the fallbacks re-scored."""
    records = {d: run_episodes(env, load_policy(f"greedy-{d:g}", env.layout), episodes, TUNING_SEED) for d in TUNING_GRID}
    scores = {d: summarize(r)["satisfaction"] for d, r in records.items()}
    out = {"distance": max(scores, key=scores.get), "scores": {f"{d:g}": v for d, v in scores.items()},
           "split": env.config.split, "edge_answers_real": bool(env.bank.edge_answers_real)}
    if not env.bank.edge_answers_real:
        out["stand_in_quality"] = env.config.edge_quality_fallback
        out["edge_fallbacks"] = {f"{d:g}": sum(r.get("fallback") == "edge" for r in rs) for d, rs in records.items()}
        out["distance_if_stand_in"] = {}
        for q in (0.0, 1.0):
            alt = {d: float(np.mean(_rescored(rs, q, env.config.weights))) for d, rs in records.items()}
            out["distance_if_stand_in"][f"{q:g}"] = max(alt, key=alt.get)
    return out


def _rescored(records: Sequence[dict], edge_quality: float, weights) -> list[float]:
    """Satisfaction of each request reaching the user had the edge fallbacks' answers had `edge_quality`
    (an abandoned request scores the same whatever its quality)."""
    from velo.satisfaction import satisfaction

    if records and "kept" in records[0]:
        if any(r["kept"] and r.get("fallback") == "edge" for r in records):
            return [float("nan")]  # the kept answer's shared score depends on every edge's spend
        return [r["satisfaction"] for r in records if r["kept"]]
    return [satisfaction(edge_quality, r["latency_ms"], r["cost_usd"], weights)
            if r.get("fallback") == "edge" and not r["abandoned"] else r["satisfaction"] for r in records]


def headroom(results: dict[str, dict[str, float]]) -> dict[str, dict]:
    """Per metric: the best baseline (`is_baseline`: learned policies and the oracle are not), its value, the
    oracle's, and the headroom `(oracle - best) / best`."""
    out = {}
    for m in METRICS:
        base = {n: r[m] for n, r in results.items() if is_baseline(n) and np.isfinite(r[m])}
        if not base or "oracle" not in results:
            continue
        best = max(base, key=base.get)
        oracle = results["oracle"][m]
        out[m] = {"best_baseline": best, "best": base[best], "oracle": oracle,
                  "headroom": (oracle - base[best]) / abs(base[best]) if base[best] else float("nan")}
    return out


def learned_report(results: dict[str, dict[str, float]], episodes: dict[str, dict[str, dict[int, float]]]) -> dict:
    """Per learned policy (neither a baseline nor the oracle) and metric: its value; its paired difference with
    the best baseline over the same seeded episodes (`agents.statistics.paired_difference`: mean and 95 %
    half-width, so "no worse beyond its interval" reads `diff_mean + diff_ci95 >= 0`); the share of the headroom
    it captures, `(value - best) / (oracle - best)` (NaN when the oracle is not above the best baseline); and
    the paper's measure, the gain over the mean of `PAPER_BASELINES` (NaN unless all of them were evaluated)."""
    gaps = headroom(results)
    # the paper's measure needs all of its baselines: a mean over some of them would be another measure
    has_paper = all(b in results for b in PAPER_BASELINES)
    out: dict[str, dict] = {}
    for name in results:
        if name == "oracle" or is_baseline(name):
            continue
        out[name] = {}
        for m, subset in SUBSETS.items():
            if m not in gaps:
                continue
            value, best, oracle = results[name][m], gaps[m]["best"], gaps[m]["oracle"]
            diff = paired_difference(episodes[name][subset], episodes[gaps[m]["best_baseline"]][subset])
            paper_mean = float(np.mean([results[b][m] for b in PAPER_BASELINES])) if has_paper else float("nan")
            out[name][m] = {
                "value": value, "best_baseline": gaps[m]["best_baseline"],
                "diff_mean": diff.mean, "diff_ci95": diff.half_width,
                "headroom_captured": (value - best) / (oracle - best) if oracle > best else float("nan"),
                "gain_vs_paper_baselines": (value - paper_mean) / paper_mean if has_paper else float("nan"),
            }
    return out


def workload_stats(records: Sequence[dict], bank=None) -> dict[str, float]:
    """What the requests were (from one policy's records: the stream does not depend on the policy); with
    the environment's `bank`, also how many of its questions have rewordings (`items`: its oasst1 questions, not
    counting the written look-alikes, `written_lookalikes`)."""
    similar = [r for r in records if r["similar"]]
    out = {
        "requests": float(len(records)),
        "similar_share": len(similar) / max(1, len(records)),
        "verbatim_share_of_similar": float(np.mean([r["verbatim"] for r in similar])) if similar else float("nan"),
        "distinct_reworded_items": float(len({r["item"] for r in similar if not r["verbatim"]})),
        "lookalike_share": float(np.mean([r["lookalike"] for r in records])) if records else float("nan"),
    }
    if bank is not None:
        reworded = np.zeros(bank.n_items, bool)
        reworded[bank.text_item[~bank.text_is_original]] = True
        out["items"] = float(bank.n_questions)
        out["written_lookalikes"] = float(bank.n_items - bank.n_questions)
        out["items_with_rewordings"] = float(reworded.sum())
    return out


def edge_quality_by_language(records: Sequence[dict], bank) -> dict[str, float]:
    """Mean quality of the edge LLM's answer (`bank.edge_quality`) over the requests drawn, per language of
    the question: what EDGE would give them (NaN for a language not drawn)."""
    from velo.types import LANGUAGES

    items = np.array([r["item"] for r in records], dtype=np.int64)
    langs = bank.item_lang[items] if items.size else np.zeros(0, np.int64)
    quality = bank.edge_quality[items] if items.size else np.zeros(0)
    return {lang: float(quality[langs == i].mean()) if (langs == i).any() else float("nan")
            for i, lang in enumerate(LANGUAGES)}


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
    env, policies: Mapping[str, str], episodes: int, seed: int, tuned_distance: float | None,
    on_step: Callable[[str], None] | None = None,
) -> dict:
    """Run `policies`, {label: spec} as the caller parsed them (`split_label` reads one `LABEL=SPEC`), plus Greedy
    at `tuned_distance`, on `env`; results, headroom, the learned policies' gains (`learned_report`) and the workload."""
    if not isinstance(policies, Mapping):
        raise TypeError(f"policies must be a mapping {{label: spec}} (split_label reads LABEL=SPEC), got {type(policies).__name__}")
    if seed + episodes > TUNING_SEED:
        raise ValueError(f"evaluation seeds must stay below {TUNING_SEED} (the tuning seeds)")
    specs = dict(policies)
    if tuned_distance is not None:
        specs.setdefault(f"greedy-{tuned_distance:g}", f"greedy-{tuned_distance:g}")
    results, per_episode, everything, first = {}, {}, [], None
    for label, spec in specs.items():
        policy_env = env_for(env, spec)
        records = run_episodes(policy_env, load_policy(spec, policy_env.layout, seed, policy_env.bank.rule.identity,
                                                       policy_env.config.cache_min_score), episodes, seed,
                               on_step=(lambda n=label: on_step(n)) if on_step else None)
        results[label] = summarize(records)
        per_episode[label] = {subset: episode_means(records, "satisfaction", subset) for subset in SUBSETS.values()}
        everything += records
        first = first or records
    if tuned_distance is not None:
        results["greedy-best"] = results[f"greedy-{tuned_distance:g}"]
        per_episode["greedy-best"] = per_episode[f"greedy-{tuned_distance:g}"]
    return {
        "policies": results, "headroom": headroom(results), "learned": learned_report(results, per_episode),
        "episode_means": per_episode, "workload": workload_stats(first or [], env.bank),
        "cache_answers": cache_quality(everything), "greedy_best_distance": tuned_distance,
        "edge_quality_by_language": edge_quality_by_language(first or [], env.bank),
        "edge_answers_real": bool(env.bank.edge_answers_real),
    }


def with_tuning(report: dict, tuning: dict) -> dict:
    """`report` (a `scenario_report` that ran Greedy at every `TUNING_GRID` distance, without `greedy-best`)
    completed by `tuning` (`tune_greedy_report` on the train split): `greedy-best` is Greedy at the distance the
    train split chose, and the headroom is recomputed with it. Evaluating first and tuning after gives the same
    numbers as the other order (every policy runs on the same seeded episodes) and lets both run apart."""
    d = tuning["distance"]
    results = dict(report["policies"])
    results["greedy-best"] = results[f"greedy-{d:g}"]
    per_episode = {**report["episode_means"], "greedy-best": report["episode_means"][f"greedy-{d:g}"]}
    return {**report, "policies": results, "headroom": headroom(results),
            "learned": learned_report(results, per_episode), "episode_means": per_episode,
            "greedy_best_distance": d, "greedy_tuning": tuning}


GRID_POLICIES = tuple(f"greedy-{d:g}" for d in TUNING_GRID)
"""Greedy at every tuning distance: evaluated with the baselines so that the tuned one is among them."""
