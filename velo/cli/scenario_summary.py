"""The text `velo evaluate --scenario` prints per scenario, with numbers written for people: counts with thousands
separators (6,070 requests, not 6.07e+03), shares and scores to three decimals, and "n/a (why)" where a report holds
no value (NaN: e.g. the share of verbatim repeats among similar requests when none was similar)."""

from __future__ import annotations

import math

COUNTS = frozenset({"requests", "distinct_reworded_items", "items", "items_with_rewordings", "written_lookalikes", "cache_right_answers", "cache_wrong_answers"})
"""Report entries that count something (whole numbers, stored as floats in the JSON report)."""
NO_VALUE = {
    "verbatim_share_of_similar": "no similar request",
    "lookalike_share": "no request",
    "cache_right_quality": "no cache answer to its own question",
    "cache_wrong_quality": "no cache answer to another question",
    "headroom": "the best baseline scored 0",
    "headroom_captured": "the oracle is not above the best baseline",
    "gain_vs_paper_baselines": "the paper's baselines were not all evaluated",
    "language": "no request in this language",
    "diff_ci95": "one episode",
}
"""Why an entry can hold no value (agents/headroom.py returns NaN in these cases)."""


def shown(value: float | None, key: str, spec: str = ".3f", unit: str = "") -> str:
    """`value` for people: `n/a (reason)` for None / NaN, `1,234` for a count, else `format(value, spec)` + `unit`."""
    if value is None or math.isnan(value):
        return f"n/a ({NO_VALUE.get(key, 'no value')})"
    if key in COUNTS:
        return f"{value:,.0f}"
    return format(value, spec) + unit


def scenario_summary(name: str, r: dict) -> str:
    """What is printed for one scenario's report (`agents.headroom.scenario_report` with its tuning)."""
    from agents.evaluation import markdown_table

    lines = [f"\n## {name} (greedy-best: distance {r['greedy_best_distance']:g})\n", markdown_table(r["policies"])]
    if not r["headroom"]:
        lines.append("\nno headroom and no comparison of learned policies: they need `oracle` in --policies")
    else:
        lines.append("\n" + ", ".join(
            f"{m}: best {h['best_baseline']} {h['best']:.3f}, oracle {h['oracle']:.3f}, "
            f"headroom {shown(100 * h['headroom'], 'headroom', '+.1f', '%')}" for m, h in r["headroom"].items()))
    for learner, gains in r["learned"].items():
        if gains:
            lines.append(f"{learner}: " + "; ".join(
                f"{m} {g['value']:.3f}, {g['diff_mean']:+.3f} ± {shown(g['diff_ci95'], 'diff_ci95')} vs {g['best_baseline']}, "
                f"{shown(100 * g['headroom_captured'], 'headroom_captured', '.0f', '%')} of the headroom, "
                f"{shown(100 * g['gain_vs_paper_baselines'], 'gain_vs_paper_baselines', '+.1f', '%')} vs the paper's baselines"
                for m, g in gains.items()))
    # the workload is one policy's episodes (every policy meets the same requests); the cache answers are counted over
    # every policy's episodes together (agents.headroom.cache_quality): "requests 1,200 ... cache_right_answers 8,402"
    # on one line read as one count of the other (nc17 finding 21)
    ran = len([label for label in r["policies"] if label != "greedy-best"])
    lines.append("workload (the same for each policy): " + ", ".join(f"{k} {shown(v, k)}" for k, v in r["workload"].items()))
    ran_policies = "the one policy's" if ran == 1 else f"all {ran} policies'"
    lines.append(f"cache answers, {ran_policies} episodes together: "
                 + ", ".join(f"{k} {shown(v, k)}" for k, v in r["cache_answers"].items()))
    lines.append("edge answer quality by language: " + ", ".join(f"{k} {shown(v, 'language')}" for k, v in r["edge_quality_by_language"].items()))
    t = r["greedy_tuning"]
    if "distance_if_stand_in" in t:
        lines.append(f"greedy tuned on {t['split']} without edge answers (EDGE not offered; fallback quality "
                     f"{t['stand_in_quality']:g}): distance {t['distance']:g}; with stand-in 0 / 1: "
                     + " / ".join(f"{d:g}" for d in t["distance_if_stand_in"].values()))
    return "\n".join(lines)
