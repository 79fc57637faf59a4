"""`velo demo`: the quick start's main job on embedded defaults.

Prepares the data, fills an edge server's semantic cache (embedded milvus-lite) with it, answers reworded
and look-alike questions in five languages from it, prints the cache evaluation on the bundled dev set, then
serves a multilingual workload through the whole stack (gateway, edge server on that cache, cloud) with the
SDK and evaluates the shipped learned scheduler (DLRS) against the baselines in the edge environment (`velo/cli/demo_serving.py`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from velo.cli.console import excerpt, make_console, section
from velo.cli.errors import fail_cleanly
from velo.paths import BUNDLED_CACHE_EVAL, require_bundled_data, velo_home
from velo.plural import counted

console = make_console()
SECTIONS = (
    "1. prepare oasst1 question/answer pairs",
    "2. fill the edge server's semantic cache (embedded milvus-lite)",
    "3. answer requests from the cache",
    "4. cache evaluation on the bundled multilingual dev set",
    "5. the serving stack: gateway -> edge server (this cache) -> cloud; a multilingual workload through velo.Client",
    "6. the shipped learned scheduler (DLRS) against the baselines in the edge environment",
)
"""The titles of the demo's sections, in order (`section`)."""


def _demo_queries(per_lang: int = 2) -> list[dict]:
    """A reworded question and a look-alike asking something else, per language, from the dev set."""
    import json

    rows = [json.loads(line) for line in (BUNDLED_CACHE_EVAL / "dev.queries.jsonl").read_text().splitlines() if line]
    picked: list[dict] = []
    for lang in ("en", "es", "de", "zh", "ru"):
        for kind in ("paraphrase", "hard_negative")[:per_lang]:
            picked += [r for r in rows if r["lang"] == lang and r.get("kind") == kind][:1]
    return picked


def _fill(cache, pairs, seeds) -> None:  # noqa: ANN001
    """The prepared pairs (follow-ups within their conversation) and the dev set's seed answers."""
    cache.insert_many([(p.question, p.answer, p.lang) for p in pairs if not p.context])
    follow_ups = [p for p in pairs if p.context]
    if follow_ups:
        cache.insert_many(
            [(p.question, p.answer, p.lang) for p in follow_ups],
            contexts=[[t.text for t in p.context if t.role.value == "user"] for p in follow_ups],
        )
    cache.insert_many([(s.question, s.answer, s.lang) for s in seeds])


@fail_cleanly
def demo(
    source: Annotated[
        list[Path] | None, typer.Option("--source", "-s", help="oasst1 files or directories; default: the bundled sample.")
    ] = None,
    rule: Annotated[str, typer.Option(help="Hit rule: default, static:T, or a rule .json file.")] = "default",
    serve: Annotated[bool, typer.Option(help="Also run the serving stack on the filled cache and compare the scheduling policies.")] = True,
) -> None:
    """Prepare data, fill an embedded Milvus cache, answer multilingual questions, evaluate the cache, serve through the stack."""
    from velo.cache import CacheConfig
    from velo.cache.evaluation import load_queries, load_seeds, run_queries, summarize
    from velo.cache.factory import open_cache
    from velo.cli.cache import check_rule_option, fresh_cache
    from velo.data import load_prepared, prepare

    check_rule_option(rule)
    require_bundled_data()
    home = velo_home()
    section(console, SECTIONS[0])
    prepared = prepare(source or None, home / "data")
    from velo.llm.edge_answers import install_shipped_edge_answers

    install_shipped_edge_answers(home / "data")
    for lang, per_split in prepared.manifest.counts.items():
        console.print(f"  {lang}: {per_split['train']} train / {per_split['test']} test")

    section(console, SECTIONS[1])
    pairs = load_prepared(home / "data")
    seeds = load_seeds(BUNDLED_CACHE_EVAL / "dev.seeds.jsonl")
    config = CacheConfig(uri=str(home / "edge_0.db"), collection="edge_0", capacity=None)
    cache = open_cache(config, rule=rule, embedding_cache=home / "embeddings.sqlite")
    _fill(cache, pairs, seeds)
    console.print(f"  {counted(len(cache), 'entry')}; hit rule: {cache.rule.name}")

    section(console, SECTIONS[2])
    table = Table(show_lines=False)
    for col in ("lang", "request", "served from cache", "similarity", "rule score", "ms"):
        table.add_column(col, overflow="fold")
    for q in _demo_queries():
        result = cache.lookup(q["question"], lang=q["lang"], record=False)
        served, best = result.answer, result.decision.neighbour
        cell = excerpt(console, served, 70) if served else Text("miss -> edge LLM / cloud")
        cell.stylize("green" if served else "yellow")
        table.add_row(q["lang"], Text(q["question"]), cell, f"{best.similarity:.3f}" if best else "none",
                      f"{result.decision.score:.4f}", f"{result.timings_ms['total']:.0f}")
    console.print(table)
    threshold = getattr(cache.rule, "threshold", None)
    console.print(f"  similarity: cosine of the request and the closest cached question; rule score: the hit rule's "
                  f"confidence that the cached answer fits ({cache.rule.name}"
                  + (f", served at >= {threshold:.4f})" if threshold is not None else ")")
                  + ": a look-alike scores high on similarity and low on the rule")
    cache.close()

    section(console, SECTIONS[3])
    queries = load_queries(BUNDLED_CACHE_EVAL / "dev.queries.jsonl", {s.id for s in seeds})
    with fresh_cache(None, "e5-small", "use-multilingual", rule) as eval_cache:
        report = summarize(run_queries(eval_cache, seeds, queries))
    console.print(
        f"  precision {report['precision']:.3f}  recall {report['recall']:.3f}  false-hit rate "
        f"{report['false_hit_rate']:.3f}  ({counted(report['hits'], 'hit')} / {counted(report['queries'], 'query')})  "
        f"lookup p50 {report['p50_ms']:.1f} ms, p95 {report['p95_ms']:.1f} ms"
    )
    console.print("  full table and the static-threshold curve: velo cache eval --seeds ... --queries ... --sweep")
    if not serve:
        return
    from velo.cli.demo_serving import evaluate_policies, serve_workload

    section(console, SECTIONS[4])
    serve_workload(console, home, lambda c: _fill(c, pairs, seeds), rule, _demo_queries())
    section(console, SECTIONS[5])
    evaluate_policies(console, home / "data")
