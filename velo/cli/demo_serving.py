"""The demo's serving part: the whole stack on loopback, a multilingual workload through the SDK, and the
scheduling policies side by side in the edge environment.

The stack is `velo up`'s (cloud service, one edge server over the demo's filled embedded cache, gateway) as
local processes, stopped when the part ends. The workload sends, per language, a reworded question (the cache
should answer), a look-alike that asks something else (the policy should send it to the cloud), then the
look-alike again (now answered from the cache: the cloud's answer was written back). Below the table, each row that
did not go as that plan says is explained: a rewording the hit rule scored under its threshold, or a first answer the
edge did not store (one in another language than its question: the offline stand-in cloud answers some of them in
English; one that loops, as the stand-in's small model does in some languages: "Такой-Такой-Такой-..."; the reasons of
`velo_write_backs_skipped_total`, `services/edge_writeback.py`). Then the shipped learned scheduler (DLRS) is evaluated
against the baselines in the edge environment.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from rich.console import Console
from rich.table import Table
from rich.text import Text

from velo.cli.console import excerpt, make_console
from velo.cli.progress import console_steps
from velo.plural import counted

if TYPE_CHECKING:
    from velo.cache import SemanticCache

DEMO_MAX_TOKENS = 48
"""Generated answers are cut at this length to keep the demo to minutes on a CPU; the demo caches them anyway."""
NOT_STORED_BECAUSE = {
    "language": "being in another language than the question",
    "repetition": "repeating one passage over and over (a small model's loop)",
    "fallback": "being the edge LLM's, given while the cloud did not answer",
    "echo": "saying the question again instead of answering it (a small model's non-answer)",
}
"""What each reason of `velo_write_backs_skipped_total` says in the demo's why-lines (`services/edge_writeback.py`)."""
EVAL_POLICIES = "dlrs,rule-cloud,greedy-0.1,greedy-0.3,greedy-0.5,greedy-llm,edge-only,random,oracle"
"""The shipped learned scheduler first, then the rule baselines (the edge server above runs rule-cloud) and the oracle."""


def serve_workload(console: Console, home: Path, fill: Callable[[SemanticCache], None], rule: str, queries: list[dict]) -> None:
    """Start the stack over a milvus-lite server holding the same entries as the embedded cache above (a file
    embedded in this process cannot be opened by another), send the workload, print routes and latency."""
    import shutil

    import velo
    from velo.cache import CacheConfig
    from velo.cache.factory import open_cache
    from velo.cli.up import Stack, free_ports, start_milvus_lite, start_stack, write_local_key

    up_home = home / "demo-stack"
    shutil.rmtree(up_home / "milvus", ignore_errors=True)
    up_home.mkdir(parents=True, exist_ok=True)
    key, keys_file = write_local_key(up_home)
    stack = Stack(up_home / "logs")
    console.print(f"  starting a milvus-lite server, the cloud service, an edge server and the gateway (logs: {stack.logs}) ...")
    try:
        uri = start_milvus_lite(stack, up_home / "milvus")
        with open_cache(CacheConfig(uri=uri, collection="edge_0", capacity=None), rule=rule, embedding_cache=home / "embeddings.sqlite") as cache:
            fill(cache)
        url = start_stack(stack, free_ports(1)[0], [(uri, "edge_0")], keys_file, env={"VELO_EDGE_WRITE_BACK_TRUNCATED": "true", "VELO_EDGE_RULE": rule})
        console.print(f"  gateway {url}/v1; every request below goes through velo.Client")
        console.print("  (offline, the 'cloud' here is a stand-in: the same small SmolLM2-135M as the edge, so its answers are "
                      "weak; point the cloud service at a real LLM with `velo serve cloud --upstream-url URL`)")
        kinds = [("reworded", q) for q in queries if q.get("kind") == "paraphrase"]
        lookalikes = [q for q in queries if q.get("kind") != "paraphrase"]
        kinds += [("look-alike", q) for q in lookalikes] + [("look-alike, asked again", q) for q in lookalikes]
        table = Table()
        for col in ("kind", "lang", "request", "route", "similarity", "ms", "answer"):
            table.add_column(col, overflow="fold")
        served: dict[str, list[float]] = {}
        why: list[str] = []
        not_stored: dict[str, str] = {}
        edges = _edges(url)
        with velo.Client(base_url=url, api_key=key) as client:
            for kind, q in kinds:
                skipped = _not_written(edges) if kind == "look-alike" else {}
                answer = client.chat(q["question"], max_tokens=DEMO_MAX_TOKENS)
                if kind == "look-alike":
                    _sync(edges)
                    now = _not_written(edges)
                    if reasons := [reason for reason, n in now.items() if n > skipped.get(reason, 0.0)]:
                        not_stored[q["question"]] = " and ".join(NOT_STORED_BECAUSE.get(r, r) for r in reasons)
                served.setdefault(answer.route or "?", []).append(answer.latency_ms or 0.0)
                sim = "-" if answer.similarity is None else f"{answer.similarity:.3f}"
                table.add_row(kind, q["lang"], Text(q["question"]), answer.route, sim, f"{answer.latency_ms:.0f}", excerpt(console, answer.text, 40))
                if answer.route != "cache" and kind == "reworded":
                    why.append(f"{q['lang']} rewording on the {answer.route} route: the hit rule scored its closest cached "
                               "question under the threshold (section 3 shows the score)")
                elif answer.route != "cache" and kind.endswith("asked again") and q["question"] in not_stored:
                    why.append(f"{q['lang']} look-alike asked again on the {answer.route} route: its first answer was not "
                               f"stored, {not_stored[q['question']]} (the edge stores none such)")
        console.print(table)
        for line in why:
            console.print(f"  {line}")
        summary = Table(title="latency per route (ms, end to end through the gateway)")
        for col in ("route", "requests", "p50", "max"):
            summary.add_column(col)
        for route, times in sorted(served.items()):
            summary.add_row(route, str(len(times)), f"{np.percentile(times, 50):.0f}", f"{max(times):.0f}")
        console.print(summary)
    finally:
        stack.stop()


def _edges(gateway_url: str) -> list[str]:
    """The gateway's edge URLs, from its `/healthz` (which probes each one: read once per stack)."""
    import httpx

    return list(httpx.get(f"{gateway_url}/healthz", timeout=30).json()["edges"])


def _not_written(edges: list[str]) -> dict[str, float]:
    """How many whole answers `edges` have not written back so far, by reason (`velo_write_backs_skipped_total{reason}`),
    read from each edge's Prometheus `/metrics`."""
    import httpx
    from prometheus_client.parser import text_string_to_metric_families

    totals: dict[str, float] = {}
    for edge in edges:
        for family in text_string_to_metric_families(httpx.get(f"{edge}/metrics", timeout=30).text):
            for sample in family.samples:
                if sample.name == "velo_write_backs_skipped_total":
                    reason = sample.labels.get("reason", "?")
                    totals[reason] = totals.get(reason, 0.0) + sample.value
    return totals


def _sync(edges: list[str]) -> None:
    """Wait for the edges' write-backs, so that the repeat finds the answer."""
    import httpx

    for edge in edges:
        httpx.post(f"{edge}/admin/cache/sync", timeout=120)


def evaluate_policies(console: Console, data: Path, episodes: int = 3, steps: int = 100, scenario: str = "paper") -> None:
    """The shipped learned policy (`dlrs`: data/checkpoints/dlrs.safetensors) beside the rule baselines and the oracle,
    on the same seeded episodes of `velo_edge_v1` under `scenario` (the one the VELO paper describes), on the held-out
    test split: what `velo evaluate --scenario paper --policies ...` prints, at a demo's budget."""
    from agents.evaluation import markdown_table, run_episodes, summarize
    from agents.registry import load_policy
    from envs import velo_edge_v1

    with console_steps(make_console(stderr=True)) as built:  # the sample's test bank, built on a first demo
        env = velo_edge_v1.parallel_env(scenario, max_steps=steps, data_dir=data, split="test", steps=built)
    console.print(f"  scenario {scenario}: {counted(len(env.possible_agents), 'edge server')}, {counted(episodes, 'episode')} x {counted(steps, 'request')} per edge "
                  "on the held-out test split (DLRS was trained on the train split); satisfaction, latency and action shares")
    results = {}
    for name in EVAL_POLICIES.split(","):
        policy = load_policy(name, env.layout, 0, env.bank.rule.identity)
        results[name] = summarize(run_episodes(env, policy, episodes, 0))
    env.close()
    print(markdown_table(results))  # markdown: printed as is, not wrapped to the terminal
