"""`velo evaluate --scenario`'s text for people: the shipped report and an empty one (the issue: `6.07e+03`, `nan`)."""

from __future__ import annotations

import json
from pathlib import Path

from agents.headroom import cache_quality, edge_quality_by_language, workload_stats
from velo.cli.scenario_summary import scenario_summary, shown

REPORT = Path(__file__).resolve().parents[2] / "docs" / "headroom" / "report.json"


def test_counts_get_thousands_separators_and_no_exponent() -> None:
    calm = json.loads(REPORT.read_text())["calm"]
    text = scenario_summary("calm", calm)
    assert f"requests {calm['workload']['requests']:,.0f}," in text and "requests 30,000," in text
    assert f"cache_right_answers {calm['cache_answers']['cache_right_answers']:,.0f}" in text and "e+0" not in text and "nan" not in text.lower()
    # nc17 finding 21: the cache answers are summed over the policies, the requests are one policy's
    ran = len([label for label in calm["policies"] if label != "greedy-best"])
    assert "\nworkload (the same for each policy): requests 30,000," in text
    assert f"\ncache answers, all {ran} policies' episodes together: cache_right_quality" in text
    assert f" {calm['policies']['random']['latency_mean_ms']:,.0f} |" in text  # the table's mean latency in ms


def test_a_report_without_values_says_n_a_and_why() -> None:
    """What agents.headroom returns for no request at all: NaN shares and qualities."""
    calm = json.loads(REPORT.read_text())["calm"]
    empty = {**calm, "workload": workload_stats([]), "cache_answers": cache_quality([]), "edge_quality_by_language": edge_quality_by_language([], None)}
    text = scenario_summary("empty", empty)
    assert "nan" not in text.lower(), text
    assert "requests 0, similar_share 0.000, verbatim_share_of_similar n/a (no similar request)" in text
    assert "cache_right_quality n/a (no cache answer to its own question)" in text
    assert "en n/a (no request in this language)" in text


def test_shown_by_hand() -> None:
    assert shown(6070.0, "requests") == "6,070"
    assert shown(0.12345, "similar_share") == "0.123"
    assert shown(12.34, "headroom", "+.1f", "%") == "+12.3%"
    assert shown(float("nan"), "headroom_captured", ".0f", "%") == "n/a (the oracle is not above the best baseline)"
    assert shown(None, "something") == "n/a (no value)"


def test_a_learned_policy_judged_on_one_episode_has_no_interval_not_plus_minus_nan() -> None:
    """Issue 8 (newcomer report): `velo evaluate --scenario paper --episodes 1` printed "-0.002 ± nan": a paired
    difference over one episode has no 95 % half-width (`agents.statistics.paired_difference`)."""
    from agents.headroom import SUBSETS, learned_report

    calm = json.loads(REPORT.read_text())["calm"]
    names = ("greedy-0.1", "oracle", "dlrs")
    results = {n: {m: 0.9 + 0.01 * i for m in SUBSETS} for i, n in enumerate(names)}
    episodes = {n: {s: {9173: 0.9 + 0.01 * i} for s in SUBSETS.values()} for i, n in enumerate(names)}
    learned = learned_report(results, episodes)
    text = scenario_summary("one", {**calm, "learned": learned, "headroom": {m: {"best_baseline": "greedy-0.1", "best": 0.9, "oracle": 0.91, "headroom": 0.011} for m in SUBSETS}})
    assert "± n/a (one episode)" in text and "nan" not in text.lower(), text
