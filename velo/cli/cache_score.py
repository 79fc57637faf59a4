"""`velo cache score`: what the cache decides for (cached question, request) pairs, and why.

The question an operator asks of a semantic cache when a user reports a wrong answer ("why was this served?") or a
missed one, and the measurement every look-alike fix in docs/hit-rule-formats.md quotes: each pair is scored alone, in
a cache of its own (a fresh milvus-lite file, one namespace per pair), as the edge server scores its best neighbour:
the cached question is stored with an answer, the request looked up, and the rule's score, verdict, cosine similarity
and vetoes printed. The answer matters (the rule reads its relevance to the request); the default is the one the
project's figures use, "the answer to {cached}".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, NamedTuple

import typer
from rich.markup import escape
from rich.table import Table

from velo.cli import json_out
from velo.cli.cache import DiffOpt, EmbedderOpt, cache_app, check_rule_option, console, fresh_cache
from velo.cli.errors import fail_cleanly
from velo.plural import noun_for

DEFAULT_ANSWER = "the answer to {cached}"
_FIELDS = {"cached", "request", "answer", "lang"}


class ScoredPair(NamedTuple):
    """One pair to score: the cached question, the request, the cached answer and the language both are stored and
    looked up as (`und`: any)."""

    cached: str
    request: str
    answer: str
    lang: str


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: expected a non-empty string, got {value!r}")
    return value


def read_pairs(path: Path, answer: str, lang: str) -> list[ScoredPair]:
    """The pairs of a JSONL file, one `{"cached", "request"[, "answer"][, "lang"]}` object per line (blank lines
    skipped); `answer` (with `{cached}` replaced) and `lang` where a line gives none. ValueError naming the file and
    line for a line that is not such an object, and for a file with no pair."""
    pairs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path} line {number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{where}: not JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise ValueError(f"{where}: expected an object with cached and request, got {type(row).__name__}")
        if unknown := sorted(set(row) - _FIELDS):
            raise ValueError(f"{where}: unknown {noun_for(len(unknown), 'field')} {', '.join(unknown)} (known: {', '.join(sorted(_FIELDS))})")
        cached = _text(row.get("cached"), f"{where} cached")
        pairs.append(ScoredPair(
            cached, _text(row.get("request"), f"{where} request"),
            _text(row["answer"], f"{where} answer") if "answer" in row else answer.replace("{cached}", cached),
            _text(row.get("lang", lang), f"{where} lang"),
        ))
    if not pairs:
        raise ValueError(f"{path}: no pair (one JSON object per line: {{\"cached\": ..., \"request\": ...}})")
    return pairs


def score_pairs(cache, pairs: list[ScoredPair]) -> list[dict]:  # noqa: ANN001 (velo.cache.SemanticCache)
    """Each pair's verdict in `cache` (empty), each in a namespace of its own: `{"cached", "request", "answer", "lang",
    "hit", "score", "similarity", "vetoes"}`; `similarity` (cosine, search embedder) and `score` are null when the
    request found no neighbour (another language)."""
    rows = []
    for i, p in enumerate(pairs):
        namespace = f"pair{i}"
        cache.insert(p.cached, p.answer, lang=p.lang, namespace=namespace)
        d = cache.lookup(p.request, lang=p.lang, namespace=namespace, record=False).decision
        found = d.features is not None
        rows.append({
            **p._asdict(), "hit": d.hit, "score": d.score if found else None,
            "similarity": d.features.similarity if found else None,
            "vetoes": list(cache.rule.vetoes(d.features)) if found else [],
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
    check_rule_option(rule)
    if pairs is not None:
        todo = read_pairs(pairs, answer, lang)
    elif cached is None or request is None:
        raise typer.BadParameter("give CACHED and REQUEST (two questions), or --pairs FILE")
    else:
        todo = [ScoredPair(_text(cached, "CACHED"), _text(request, "REQUEST"), answer.replace("{cached}", cached),
                           _text(lang, "--lang"))]
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
                      f"{r['similarity']:.3f}" if found else "n/a", escape(", ".join(r["vetoes"])),
                      escape(r["cached"]), escape(r["request"]))
    console.print(table)
