"""Print the README's headroom tables from a `velo evaluate --scenario ... --json` report.

    python scripts/headroom_tables.py docs/headroom/report.json [--ci]
    python scripts/headroom_tables.py A.json B.json --ci      # several reports (scenario subsets) as one

Three markdown tables: mean satisfaction (all / similar / new) per policy and scenario; per scenario the tuned
Greedy distance, the best baseline, the headroom and the workload; the edge LLM's answer quality per language.
Learned policies in the report get a fourth table (`learned_report`: paired difference with the best baseline,
share of the headroom, gain over the paper's rule baselines) and the README's two tables of the same differences in
thousandths (all requests with the share of the headroom; similar / new).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

METRICS = ("satisfaction", "satisfaction_similar", "satisfaction_new")


def _undefined(x: float | None) -> bool:
    """Null (`velo.cli.json_out` writes an undefined figure so) or NaN (reports written before it, in `docs/`)."""
    return x is None or not math.isfinite(x)


def pct(x: float | None) -> str:
    return "n/a" if _undefined(x) else f"{100 * x:+.1f} %"


def num(x: float | None, fmt: str) -> str:
    """`x` formatted, or n/a where the report has null or NaN (an undefined figure)."""
    return "n/a" if _undefined(x) else format(x, fmt)


def share(x: float | None) -> str:
    """A share of the headroom in whole percent, n/a where undefined (no headroom)."""
    return "n/a" if _undefined(x) else f"{100 * x:.0f} %"


def satisfaction_table(report: dict, ci: bool = False) -> str:
    scenarios = list(report)
    policies = list(dict.fromkeys(p for r in report.values() for p in r["policies"]))
    lines = ["| policy | " + " | ".join(f"`{s}`" for s in scenarios) + " |", "|---|" + "---:|" * len(scenarios)]
    for p in policies:
        cells = []
        for s in scenarios:
            m = report[s]["policies"].get(p)
            if m and ci:
                cells.append(f"{m['satisfaction']:.3f}±{num(m['satisfaction_ci95'], '.3f')} / "
                             + " / ".join(f"{m[k]:.3f}" for k in METRICS[1:]))
            else:
                cells.append(" / ".join(f"{m[k]:.3f}" for k in METRICS) if m else "")
        label = f"greedy-best (tuned on train)" if p == "greedy-best" else p
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def scenario_table(report: dict) -> str:
    head = ("| scenario | Greedy distance tuned on train (stand-in 0 / 1) | best baseline (all) | headroom all | similar "
            "| new | verbatim share of similar | items with rewordings | distinct items repeated reworded "
            "| look-alike share | right / wrong cache answer quality | abandoned (best baseline / oracle) |")
    lines = [head, "|---|---|---|" + "---:|" * 9]
    for s, r in report.items():
        h, w, c, t = r["headroom"], r["workload"], r["cache_answers"], r["greedy_tuning"]
        alt = " / ".join(f"{d:g}" for d in t.get("distance_if_stand_in", {}).values())
        best = h["satisfaction"]["best_baseline"]
        abandoned = f"{r['policies'][best]['abandoned_rate']:.3f} / {r['policies']['oracle']['abandoned_rate']:.3f}"
        lines.append(
            f"| `{s}` | {t['distance']:g}" + (f" ({alt})" if alt else "") + f" | {best} | "
            + " | ".join(pct(h[m]["headroom"]) for m in METRICS)
            + f" | {w['verbatim_share_of_similar']:.2f} | {w['items_with_rewordings']:.0f} of {w['items']:.0f}"
            f" | {w['distinct_reworded_items']:.0f} | {w['lookalike_share']:.3f}"
            f" | {c['cache_right_quality']:.3f} / {c['cache_wrong_quality']:.3f} | {abandoned} |")
    return "\n".join(lines)


def language_table(report: dict) -> str:
    langs = ("en", "es", "de", "zh", "ru")
    lines = ["| scenario | " + " | ".join(langs) + " |", "|---|" + "---:|" * len(langs)]
    for s, r in report.items():
        q = r["edge_quality_by_language"]
        lines.append(f"| `{s}` | " + " | ".join(f"{q[lang]:.3f}" for lang in langs) + " |")
    return "\n".join(lines)


def learned_table(report: dict) -> str | None:
    rows = []
    for s, r in report.items():
        for name, gains in r.get("learned", {}).items():
            cells = []
            for m in METRICS:
                g = gains.get(m)
                cells.append(f"{g['value']:.3f} ({g['diff_mean']:+.3f} ± {num(g['diff_ci95'], '.3f')}; "
                             f"{share(g['headroom_captured'])}; {pct(g['gain_vs_paper_baselines'])})" if g else "")
            rows.append(f"| `{s}` | {name} | " + " | ".join(cells) + " |")
    if not rows:
        return None
    head = ("| scenario | policy | all: value (difference with the best baseline ± 95 %; share of the headroom; "
            "gain over the paper's baselines) | similar | new |")
    return "\n".join([head, "|---|---|---|---|---|", *rows])


def _diff(g: dict) -> str:
    """A paired difference with the best baseline and its 95 % interval, in thousandths of satisfaction."""
    ci = "n/a" if _undefined(g["diff_ci95"]) else f"{1000 * g['diff_ci95']:.1f}"
    return f"{1000 * g['diff_mean']:+.1f} ± {ci}"


def thousandths_tables(report: dict) -> str | None:
    """The README's two tables of learned policies against the best baseline, in thousandths ± 95 %: on all requests
    with the share of the oracle's headroom, then on similar / new requests."""
    learned = list(dict.fromkeys(n for r in report.values() for n in r.get("learned", {})))
    if not learned:
        return None
    head = "| policy | " + " | ".join(f"`{s}`" for s in report) + " |\n|---|" + "---:|" * len(report)
    hs = {s: r["headroom"] for s, r in report.items()}
    first = [head,
             "| best baseline (all) | " + " | ".join(f"{h['satisfaction']['best_baseline']} {h['satisfaction']['best']:.3f}"
                                                    for h in hs.values()) + " |",
             "| oracle headroom | " + " | ".join(f"{1000 * (h['satisfaction']['oracle'] - h['satisfaction']['best']):+.1f} "
                                                f"({pct(h['satisfaction']['headroom'])})" for h in hs.values()) + " |"]
    second = [head, "| best baseline (similar / new) | " + " | ".join(
        " / ".join(f"{h[m]['best_baseline']} {h[m]['best']:.3f}" for m in METRICS[1:]) for h in hs.values()) + " |"]
    for name in learned:
        gains = [r.get("learned", {}).get(name) for r in report.values()]
        first.append(f"| {name} | " + " | ".join(
            f"{_diff(g['satisfaction'])} ({share(g['satisfaction']['headroom_captured'])})" if g else "" for g in gains) + " |")
        second.append(f"| {name} | " + " | ".join(
            " / ".join(_diff(g[m]) for m in METRICS[1:]) if g else "" for g in gains) + " |")
    return "\n".join(first) + "\n\n" + "\n".join(second)


def main(*paths: str, ci: bool = False) -> None:
    report: dict = {}
    for path in paths:
        report.update(json.loads(Path(path).read_text()))
    tables = [satisfaction_table(report, ci), scenario_table(report), language_table(report), learned_table(report),
              thousandths_tables(report)]
    print("\n\n".join(t for t in tables if t))


if __name__ == "__main__":
    files = [a for a in sys.argv[1:] if a != "--ci"]
    if not files:
        sys.exit(__doc__)
    main(*files, ci="--ci" in sys.argv[1:])
