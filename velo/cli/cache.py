"""`velo cache ...`: evaluate and calibrate the semantic cache."""

from __future__ import annotations

import json
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Iterator

import typer
from rich.table import Table

from velo.cli import json_out
from velo.cli.console import make_console
from velo.cli.errors import fail_cleanly
from velo.cli.milvus_uri import check_milvus_uri
from velo.cli.outputs import check_output, output_path
from velo.plural import counted

cache_app = typer.Typer(no_args_is_help=True, help="Evaluate and calibrate the Milvus semantic cache.")
console = make_console()

EmbedderOpt = Annotated[str, typer.Option(help="Search embedder: e5-small, use-multilingual, minilm or st:<name|path>.")]
DiffOpt = Annotated[str, typer.Option(help="Embedder for the words two questions do not share.")]
UriOpt = Annotated[
    str | None, typer.Option(help="Milvus server URI (http://host:port) or a milvus-lite file (an existing directory, a name ending in .db); "
                                 "default: a fresh embedded milvus-lite file in a temporary directory.")
]


def check_rule_option(rule: str) -> str:
    """`rule` (the --rule option), read as `velo.cache.decision.parse_rule` will read it, before any data is prepared
    or cache built: FileNotFoundError for a rule file that is not there (it used to be "unknown hit rule"),
    ValueError naming --rule for a bad `static:T` or a file that is not a rule (`velo demo --rule /etc/passwd` had
    prepared its data before refusing it: nc17 finding 17). The shipped rule's fit to the embedders is checked when
    the cache opens."""
    from velo.cache.decision import parse_rule

    if rule in ("default", "logistic"):
        return rule
    if not rule.startswith("static:"):
        path = Path(rule)
        if not path.exists():
            raise FileNotFoundError(f"--rule {rule}: file not found (a hit rule is default, static:T, or a rule .json file)")
        if not path.is_file():
            raise IsADirectoryError(f"--rule {rule} is a directory; give a rule .json file")
    try:
        parse_rule(rule, "")  # the embedders name only the default rule's file
    except ValueError as exc:
        raise ValueError(f"--rule {rule}: {exc}") from None
    return rule


@contextmanager
def fresh_cache(uri: str | None, embedder: str, diff_embedder: str, rule: str, languages=None) -> Iterator:
    """A cache over an empty collection: a temporary milvus-lite file, or a throw-away collection on a server;
    `languages` (a `velo.lang_id.LanguageIdentifier`) matches `und` by its best guess, as the edge server does."""
    from velo.cache import CacheConfig
    from velo.cache.factory import open_cache

    with tempfile.TemporaryDirectory(prefix="velo-eval-") as tmp:
        config = CacheConfig(
            uri=uri or str(Path(tmp) / "eval.db"), collection=f"velo_eval_{uuid.uuid4().hex[:12]}", capacity=None
        )
        cache = open_cache(config, embedder=embedder, diff_embedder=diff_embedder, rule=rule, languages=languages)
        try:
            yield cache
        finally:
            cache.client.drop_collection(config.collection)
            cache.close()


def _outcomes(seeds: Path, queries: Path, uri: str | None, embedder: str, diff_embedder: str, rule: str):
    from velo.cache.decision import embedder_key
    from velo.cache.evaluation import load_queries, load_seeds, run_queries

    from velo.lang_id import DEFAULT_LANGUAGES, EDGE_MIN_PROBABILITY, UNDETERMINED, LanguageIdentifier

    seed_rows = load_seeds(seeds)
    query_rows = load_queries(queries, {s.id for s in seed_rows})
    # The edge's identifier with its default settings: it decides only what `und` matches, so it is loaded (~1 s) only
    # when a seed or query is `und`.
    und = any(r.lang.split("-")[0].lower() == UNDETERMINED for r in [*seed_rows, *query_rows])
    languages = LanguageIdentifier(DEFAULT_LANGUAGES, EDGE_MIN_PROBABILITY) if und else None
    with fresh_cache(uri, embedder, diff_embedder, rule, languages) as cache:
        key = embedder_key(cache.embedder.name, cache.featurizer.alt_embedder.name)
        return run_queries(cache, seed_rows, query_rows), cache.rule.name, key


def _check_bank_splits(splits: list[str]) -> None:
    """Refuse, before any work, a `--bank-split` other than `train` or given twice: the test split's questions judge
    the schedulers (`velo evaluate --split test`), so a rule fitted on them would be tuned on test data, and a split
    given twice would silently weigh its source twice."""
    for split in splits:
        if split == "test":
            raise typer.BadParameter(
                "--bank-split test: the test split's questions judge the schedulers (velo evaluate --split test); "
                "a hit rule fitted on them would be tuned on test data: fit on train"
            )
        if split != "train":
            raise typer.BadParameter(f"--bank-split {split!r}: the only split a rule may be fitted on is train")
    if len(splits) > 1:
        raise typer.BadParameter(f"--bank-split given {len(splits)} times: each source is weighed once; give train once")


def _bank_source(split: str, key: str) -> tuple[list, list[bool], list[str]]:
    """(features, should-hit, question ids) of the labelled pairs (`envs.bank_pairs.labelled_pairs`) of the request bank
    `velo train` builds for `split` of $VELO_HOME/data (built and cached under $VELO_HOME/banks on first use). A
    BadParameter when the bank's features are of another embedder pair than `key`."""
    from envs.bank import all_paraphrase_files, bank_rule, build_bank
    from envs.bank_pairs import labelled_pairs
    from velo.paths import velo_home
    from velo.types import HitFeatures

    if bank_rule().embedder != key:
        raise typer.BadParameter(f"--bank-split: a request bank holds the features of {bank_rule().embedder}, not {key}")
    pairs = labelled_pairs(build_bank(velo_home() / "data", split, all_paraphrase_files()))
    console.print(f"bank {split}: {int(pairs.right.sum())} right pairs, {int((~pairs.right).sum())} look-alike pairs")
    return [HitFeatures(*map(float, row)) for row in pairs.features], pairs.right.tolist(), pairs.question


def _undefined_as_none(outcomes, report: dict, sweep: list[dict] | None) -> None:
    """In place: a precision with no hits, a recall with no query expecting a hit and a false-hit rate with no
    query expecting a miss are undefined (None, shown n/a), not 1.0 or 0.0 (a query set with no expected hit used
    to show recall 1.000)."""
    def fix(row: dict, expect_hit: int, expect_miss: int) -> None:
        for key, undefined in (("precision", row["hits"] == 0), ("recall", expect_hit == 0), ("false_hit_rate", expect_miss == 0)):
            if undefined:
                row[key] = None

    def expected(lang: str | None) -> tuple[int, int]:
        chosen = [o for o in outcomes if lang is None or o.query.lang == lang]
        hits = sum(o.query.expect == "hit" for o in chosen)
        return hits, len(chosen) - hits

    fix(report, *expected(None))
    for lang, row in report["by_lang"].items():
        fix(row, *expected(lang))
    for row in sweep or ():
        fix(row, *expected(None))


def _write_verdicts(outcomes, path: Path) -> str:  # noqa: ANN001 (QueryOutcome list)
    """Write `velo cache eval --verdicts`' file (one `verdict_record` per line, standard JSON); the line that says so."""
    from velo.cache.evaluation import verdict_counts, verdict_record

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for outcome in outcomes:
            f.write(json_out.dumps(verdict_record(outcome), ensure_ascii=False) + "\n")
    counts = ", ".join(f"{n} {verdict}" for verdict, n in verdict_counts(outcomes).items())
    return f"verdicts of {counted(len(outcomes), 'query')} ({counts}) written to {path}"


def _eval_inputs(seeds: Path, queries: Path, rule: str, uri: str | None) -> dict[str, Path | None]:
    """`velo cache eval`'s input files by option: --rule when it names a file, --uri when it names a milvus-lite file."""
    return {"--seeds": seeds, "--queries": queries, "--rule": None if rule in ("default", "logistic") or rule.startswith("static:") else Path(rule),
            "--uri": Path(uri) if uri is not None and "://" not in uri else None}


def _rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


@cache_app.command("eval")
@fail_cleanly
def eval_cmd(
    seeds: Annotated[Path, typer.Option(exists=True, dir_okay=False, help="SEEDS.jsonl: {id, question, answer, lang[, context]} per line.")],
    queries: Annotated[Path, typer.Option(exists=True, dir_okay=False, help="QUERIES.jsonl: {question, lang, expect, target[, context]} per line.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    sweep: Annotated[bool, typer.Option("--sweep", help="Also print the static-threshold precision/recall curve.")] = False,
    rule: Annotated[str, typer.Option(help="Hit rule: default, static:T, or a rule .json file.")] = "default",
    embedder: EmbedderOpt = "e5-small",
    diff_embedder: DiffOpt = "use-multilingual",
    uri: UriOpt = None,
    verdicts: Annotated[
        Path | None,
        typer.Option(parser=output_path, help="Also write one JSON line per query to this file: its line, question, lang (for und: "
                                              "looked_up_as, the language it was searched as), context, expect, "
                                              "target, the best neighbour's seed id and question, the seed served, the rule's score, the "
                                              "cosine similarity, the vetoes that fired and the verdict (right_hit, wrong_hit: served "
                                              "another seed, false_hit, missed, right_miss)."),
    ] = None,
) -> None:
    """Build a fresh cache from SEEDS, replay QUERIES, report precision, recall, false hits and latency.

    n/a where undefined: a recall with no query expecting a hit, a precision with no hit. A line's `context` (the
    earlier user turns) is replayed: seeds are stored and queries looked up under it. --verdicts FILE says which
    queries were wrong and why."""
    from velo.cache.evaluation import static_sweep, summarize

    check_rule_option(rule)
    if uri is not None:
        check_milvus_uri("--uri", uri)
    if verdicts is not None:
        check_output("--verdicts", verdicts, inputs=_eval_inputs(seeds, queries, rule, uri))
    outcomes, rule_name, _ = _outcomes(seeds, queries, uri, embedder, diff_embedder, rule)
    report = {**summarize(outcomes), "rule": rule_name, "embedder": embedder}
    curve = static_sweep(outcomes) if sweep else None
    _undefined_as_none(outcomes, report, curve)
    written = _write_verdicts(outcomes, verdicts) if verdicts is not None else None
    if as_json:
        if curve is not None:
            report["static_sweep"] = curve
        print(json_out.dumps(report))
        if written:
            typer.echo(written, err=True)  # stdout holds the one JSON object
        return
    table = Table(title=f"cache evaluation ({rule_name}, {embedder})")
    for col in ("lang", "queries", "hits", "precision", "recall", "false-hit rate"):
        table.add_column(col, justify="right")
    for lang, r in {**report["by_lang"], "all": report}.items():
        table.add_row(lang, str(r["queries"]), str(r["hits"]), _rate(r["precision"]), _rate(r["recall"]), _rate(r["false_hit_rate"]))
    console.print(table)
    console.print(f"lookup latency (embed + search + decide): p50 {report['p50_ms']:.1f} ms, p95 {report['p95_ms']:.1f} ms")
    if curve is not None:
        sweep_table = Table(title="static threshold: serve iff cosine(request, cached question) >= t")
        for col in ("t", "hits", "precision", "recall", "false-hit rate"):
            sweep_table.add_column(col, justify="right")
        for r in curve:
            sweep_table.add_row(f"{r['threshold']:.2f}", str(r["hits"]), _rate(r["precision"]), _rate(r["recall"]), _rate(r["false_hit_rate"]))
        console.print(sweep_table)
    if written:
        console.print(written, markup=False, highlight=False)


@cache_app.command("calibrate")
@fail_cleanly
def calibrate_cmd(
    seeds: Annotated[list[Path], typer.Option(exists=True, dir_okay=False, help="SEEDS.jsonl files (repeatable).")],
    queries: Annotated[list[Path], typer.Option(exists=True, dir_okay=False, help="QUERIES.jsonl files, one per --seeds, same order.")],
    out: Annotated[
        Path | None,
        typer.Option(parser=output_path, help="Rule file to write; default: $VELO_HOME/hit_rules/<embedder pair>.json (never the shipped rule)."),
    ] = None,
    target_precision: Annotated[
        float | None,
        typer.Option(help="Out-of-fold precision the threshold must reach, every --seeds / --queries pair weighing the same "
                          "(default: velo.cache.decision.TARGET_PRECISION, 0.97)."),
    ] = None,
    embedder: EmbedderOpt = "e5-small",
    diff_embedder: DiffOpt = "use-multilingual",
    bank_split: Annotated[
        list[str],
        typer.Option(help="train: the split of $VELO_HOME/data whose request bank's labelled pairs (envs.bank_pairs: two "
                          "wordings of one question should hit, a look-alike against its question's wordings should miss) "
                          "are one more source, weighing as much as each --seeds / --queries pair (once; test is refused: it judges the schedulers; the bank "
                          "`velo train` builds, e5 + USE only)."),
    ] = [],  # noqa: B006 (typer reads the default, never mutates it)
    interactions: Annotated[
        bool, typer.Option(help="Also weigh the products of every two terms (LogisticHitRule.fit(interactions=True)).")
    ] = False,
) -> None:
    """Fit the logistic hit rule on labelled queries (label: serving the best neighbour is right).

    Without --out the rule goes to $VELO_HOME/hit_rules/ and is used with `--rule PATH`; the shipped default
    (velo/cache/rules/) changes only when --out names it. Folds group by source and question: the bank pairs of an
    oasst1 question and its rewordings as queries may fall in different folds (grouped across sources instead, the
    threshold of the interactions fit with `--bank-split train` rose 0.926 -> 0.941 on format 30's features, helper recall31).
    """
    from velo.cache.decision import TARGET_PRECISION, LogisticHitRule, calibrated_rule_path, rule_path

    if len(seeds) != len(queries):
        raise typer.BadParameter("give one --queries file per --seeds file")
    _check_bank_splits(bank_split)
    if out is not None:
        check_output("--out", out, inputs={"--seeds": seeds, "--queries": queries})
    outcomes, sources = [], []
    for n, (s, q) in enumerate(zip(seeds, queries)):
        found, _, key = _outcomes(s, q, None, embedder, diff_embedder, "static:1")
        outcomes += found
        sources += [f"{n}:{q}"] * len(found)
    usable = [(o, src) for o, src in zip(outcomes, sources) if o.features is not None]
    features = [o.features for o, _ in usable]
    labels = [o.best_is_right for o, _ in usable]
    groups = [f"{src}:{o.query.meta.get('of') or o.query.target or o.query.question}" for o, src in usable]
    sources = [src for _, src in usable]
    for split in bank_split:
        found = _bank_source(split, key)
        features += found[0]
        labels += found[1]
        groups += [f"bank:{split}:{q}" for q in found[2]]
        sources += [f"bank:{split}"] * len(found[1])
    rule = LogisticHitRule.fit(
        features, labels, groups, key, TARGET_PRECISION if target_precision is None else target_precision,
        sources=sources, interactions=interactions,
    )
    path = out or calibrated_rule_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(rule.to_json(), indent=2) + "\n")
    bank_pairs = len(labels) - len(usable)
    fitted = counted(len(usable), "lookup") + (f" and {counted(bank_pairs, 'bank pair')}" if bank_pairs else "")
    console.print(f"fitted on {fitted}; threshold {rule.threshold:.3f}; written to {path}")
    if out is None:
        console.print(
            f"the shipped default rule ({rule_path(key)}) is unchanged: evaluate this one with `--rule {path}`, "
            f"ship it with `--out {rule_path(key)}`"
        )
