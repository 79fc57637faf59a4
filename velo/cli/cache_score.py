"""`velo cache score`: what the cache decides for (cached question, request) pairs, and why.

The question an operator asks of a semantic cache when a user reports a wrong answer ("why was this served?") or a
missed one, and the measurement every look-alike fix in docs/hit-rule-formats.md quotes: each pair is scored alone, in
a cache of its own (a fresh milvus-lite file, one namespace per pair), as the edge server scores its best neighbour:
the cached question is stored with an answer, the request looked up, and the rule's score, verdict, cosine similarity
and vetoes printed. The answer matters (the rule reads its relevance to the request); the default is the one the
project's figures use, "the answer to {cached}".
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from velo.cli import json_out
from velo.cli.cache import DiffOpt, EmbedderOpt, cache_app, check_rule_option, console, fresh_cache
from velo.cli.errors import fail_cleanly
from velo.control_chars import blank

if TYPE_CHECKING:  # the cache (pymilvus) is imported when the command runs, not when `velo` starts
    from velo.cache.evaluation import Pair

DEFAULT_ANSWER = "the answer to {cached}"


def score_pairs(cache, pairs: list[Pair]) -> list[dict]:  # noqa: ANN001 (velo.cache.SemanticCache)
    """Each pair's verdict in `cache` (empty), each in a namespace of its own: `{"cached", "request", "answer", "lang",
    "hit", "score", "similarity", "vetoes", "readers"}`; `similarity` (cosine, search embedder) and `score` are null
    when the request found no neighbour (another language); `readers` names, for a `symbol_swap` or `role_swap` that
    fired, the readers that found it (`velo.cache.features.vetoing_readers`: "role_swap" alone names a tense, a place, a
    modal or an answer language alike)."""
    from velo.cache.features import vetoing_readers

    rows = []
    for i, p in enumerate(pairs):
        namespace = f"pair{i}"
        cache.insert(p.cached, p.answer, lang=p.lang, namespace=namespace)
        d = cache.lookup(p.request, lang=p.lang, namespace=namespace, record=False).decision
        found = d.features is not None
        vetoes = list(cache.rule.vetoes(d.features)) if found else []
        readers = vetoing_readers(p.request, p.cached) if vetoes else {}
        rows.append({
            **p._asdict(), "hit": d.hit, "score": d.score if found else None,
            "similarity": d.features.similarity if found else None,
            "vetoes": vetoes, "readers": {v: readers[v] for v in vetoes if readers.get(v)},
        })
    return rows


@cache_app.command("score")
@fail_cleanly
def score_cmd(
    cached: Annotated[str | None, typer.Argument(help="The cached question.", show_default=False)] = None,
    request: Annotated[str | None, typer.Argument(help="The request looked up against it.", show_default=False)] = None,
    pairs: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help='PAIRS.jsonl: {"cached", "request"[, "answer"][, "lang"]} per line, in place of the arguments.'),
    ] = None,
    answer: Annotated[str, typer.Option(help="The cached answer; {cached} is replaced by the cached question.")] = DEFAULT_ANSWER,
    lang: Annotated[str, typer.Option(help="Language both are stored and looked up as (BCP 47; und: any).")] = "und",
    rule: Annotated[str, typer.Option(help="Hit rule: default, static:T, or a rule .json file.")] = "default",
    embedder: EmbedderOpt = "e5-small",
    diff_embedder: DiffOpt = "use-multilingual",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object per pair, one per line.")] = False,
) -> None:
    """Score (cached question, request) pairs as the cache decides them: score, hit or miss, cosine, vetoes.

    Give CACHED and REQUEST, or --pairs FILE. Each pair is scored alone in a fresh embedded cache."""
    if pairs is not None and (cached is not None or request is not None):
        raise typer.BadParameter("give CACHED and REQUEST, or --pairs FILE, not both")
    from velo.cache import CacheConfig
    from velo.cache.evaluation import Pair, answer_for, load_pairs
    from velo.cache.input_checks import check_lang

    check_rule_option(rule)
    lang = check_lang(lang, "--lang")
    if blank(answer):  # nc43: it surfaced from the cache as "answer #0 is empty"
        raise typer.BadParameter("--answer is empty (only white space or invisible characters): give the cached answer")
    if pairs is not None:
        todo = load_pairs(pairs, answer, lang)
    elif cached is None or request is None:
        raise typer.BadParameter("give CACHED and REQUEST (two questions), or --pairs FILE")
    else:
        for name, text in (("CACHED", cached), ("REQUEST", request)):
            if blank(text):
                raise typer.BadParameter(f"{name} is empty (only white space or invisible characters): give a question")
            if len(text) > CacheConfig.max_chars:  # named here: the cache would say "question has N characters" (nc45)
                raise typer.BadParameter(f"{name} has {len(text)} characters; the cache accepts at most {CacheConfig.max_chars}")
        todo = [Pair(cached, request, answer_for(answer, cached), lang)]
    with fresh_cache(None, embedder, diff_embedder, rule) as cache:
        rows = score_pairs(cache, todo)
        rule_name = str(cache.rule.identity)
    if as_json:
        for row in rows:
            print(json_out.dumps({**row, "rule": rule_name}, ensure_ascii=False))
        return
    table = Table(title=f"hit decisions ({rule_name}, {embedder})")
    for col, justify in (("score", "right"), ("verdict", "left"), ("cosine", "right"), ("vetoes", "left"),
                         ("cached", "left"), ("request", "left")):
        table.add_column(col, justify=justify)
    for r in rows:
        found = r["score"] is not None
        table.add_row(f"{r['score']:.3f}" if found else "n/a", "hit" if r["hit"] else "miss" if found else "no neighbour",
                      f"{r['similarity']:.3f}" if found else "n/a", escape(", ".join(f"{v} ({', '.join(r['readers'][v])})" if v in r["readers"] else v for v in r["vetoes"])),
                      escape(r["cached"]), escape(r["request"]))
    console.print(table)
    if answer == DEFAULT_ANSWER and any(r["answer"] == answer_for(DEFAULT_ANSWER, r["cached"]) for r in rows):
        # nc43: a verdict near the threshold moved with the answer (0.981 hit with this one, 0.889 with the real one)
        console.print(f"answer: {DEFAULT_ANSWER!r} stood in for the cached answer; the rule reads how relevant the answer "
                      "is to the request, so a score near the threshold moves with it: give the real one with --answer")
