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
from velo.cli.progress import console_steps
from velo.cli.once import OnceGroup
from velo.plural import counted
from velo.repeated import first_repeat

cache_app = typer.Typer(cls=OnceGroup, no_args_is_help=True, help="Evaluate and calibrate the Milvus semantic cache.")
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


def _questions_of(query) -> set[str]:  # noqa: ANN001 (velo.cache.evaluation.Query)
    """The questions a query belongs to: its `of` (a look-alike's question too) and the seed it should hit."""
    return {q for q in (query.meta.get("of"), query.target) if q is not None}


def held_out_rows(seeds: list, queries: list, drop: frozenset[str], keep: frozenset[str] | None) -> tuple[list, list]:
    """(seeds, queries) without the questions `drop` (a seed with such an id, a query whose `of` or `target` is one:
    calibration's hold-out) and, when `keep` is given, with only the queries of the questions `keep` (every seed
    stays: the neighbours a cache would hold)."""
    seeds = [s for s in seeds if s.id not in drop]
    queries = [q for q in queries if not _questions_of(q) & drop and (keep is None or _questions_of(q) & keep)]
    return seeds, queries


def _outcomes(seeds: Path, queries: Path, uri: str | None, embedder: str, diff_embedder: str, rule: str,
              drop: frozenset[str] = frozenset(), keep: frozenset[str] | None = None):
    """(outcomes, rule name, embedder key) of replaying `queries` on a fresh cache of `seeds`. `drop`: question ids
    left out entirely (the seed with that id, every query of it: calibration's hold-out); `keep`: when given, only the
    queries of these questions are replayed, against every seed (judging on the hold-out)."""
    from velo.cache.decision import embedder_key
    from velo.cache.evaluation import load_queries, load_seeds, run_queries

    from velo.lang_id import DEFAULT_LANGUAGES, EDGE_MIN_PROBABILITY, UNDETERMINED, LanguageIdentifier

    seed_rows = load_seeds(seeds)
    seed_rows, query_rows = held_out_rows(seed_rows, load_queries(queries, {s.id for s in seed_rows}), drop, keep)
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


def _bank_source(split: str, key: str, held_out: frozenset[str]) -> tuple[list, list[bool], list[str]]:
    """(features, should-hit, question ids) of the labelled pairs (`envs.bank_pairs.labelled_pairs`) of the request bank
    `velo train` builds for `split` of $VELO_HOME/data (built and cached under $VELO_HOME/banks on first use), without
    the pairs of the `held_out` questions. A BadParameter when the bank's features are of another embedder pair than `key`."""
    from envs.bank import all_paraphrase_files, bank_rule, build_bank
    from envs.bank_pairs import labelled_pairs, without_questions
    from velo.paths import velo_home
    from velo.types import HitFeatures

    if bank_rule().embedder != key:
        raise typer.BadParameter(f"--bank-split: a request bank holds the features of {bank_rule().embedder}, not {key}")
    with console_steps(make_console(stderr=True)) as built:  # a first run builds the bank: minutes to hours
        every = labelled_pairs(build_bank(velo_home() / "data", split, all_paraphrase_files(), steps=built))
    pairs = without_questions(every, held_out)
    console.print(f"bank {split}: {int(pairs.right.sum())} right pairs, {int((~pairs.right).sum())} look-alike pairs "
                  f"({len(every.right) - len(pairs.right)} pairs of held-out questions left out)")
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


EVAL_SPLITS = ("holdout",)
"""What `velo cache eval --bank-split` judges on: only the train split's hold-out (`velo.data.holdout`)."""


def _check_eval_bank_split(split: str | None, seeds: Path | None, queries: Path | None, embedder: str, diff_embedder: str) -> None:
    """Refuse, before any work, a `velo cache eval --bank-split` other than holdout (train minus the hold-out is what
    calibration fits on; the test split's questions judge the schedulers, so nothing judged there may choose a rule),
    an embedder pair no request bank holds, and --seeds without --queries or neither without --bank-split."""
    if split is not None and split not in EVAL_SPLITS:
        why = {
            "train": "calibration fits on the train split outside its hold-out, so a rule judged there is judged on its own fitting data",
            "test": "the test split's questions judge the schedulers (velo evaluate --split test): nothing judged there may choose a hit rule",
        }.get(split, "unknown split")
        raise typer.BadParameter(f"--bank-split {split!r}: {why}; the only split a rule is judged on is holdout "
                                 "(the train split's hold-out, velo.data.holdout)")
    if (seeds is None) != (queries is None):
        raise typer.BadParameter("give --seeds and --queries together")
    if seeds is None and split is None:
        raise typer.BadParameter("give --seeds and --queries, or --bank-split holdout, or both")
    if split is not None and (embedder, diff_embedder) != ("e5-small", "use-multilingual"):
        raise typer.BadParameter(f"--bank-split: a request bank holds the features of e5-small + use-multilingual, not {embedder} + {diff_embedder}")


def _holdout_bank(rule_spec: str, held_out: frozenset[str]) -> dict:
    """The hold-out's labelled bank pairs (`envs.bank_pairs`, the train bank of $VELO_HOME/data, built and cached under
    $VELO_HOME/banks on first use) decided by the rule `rule_spec`: pairs, false / right pairs served, precision (None
    when nothing is served) and recall."""
    from envs.bank import all_paraphrase_files, bank_rule, build_bank
    from envs.bank_pairs import labelled_pairs, of_questions, served_counts
    from velo.cache.decision import parse_rule
    from velo.paths import velo_home
    from velo.types import HitFeatures

    rule = parse_rule(rule_spec, bank_rule().embedder)
    with console_steps(make_console(stderr=True)) as built:  # stderr: --json keeps stdout one document
        bank = build_bank(velo_home() / "data", "train", all_paraphrase_files(), steps=built)
    pairs = of_questions(labelled_pairs(bank), held_out)
    false, right = served_counts(pairs, lambda x: rule.accepts(rule.score(HitFeatures(*map(float, x)))))
    n_right = int(pairs.right.sum())
    return {
        "questions": len(set(pairs.question)), "right_pairs": n_right, "false_pairs": len(pairs.right) - n_right,
        "right_served": right, "false_served": false,
        "precision": right / (right + false) if right + false else None, "recall": right / n_right if n_right else None,
    }


@cache_app.command("eval")
@fail_cleanly
def eval_cmd(
    seeds: Annotated[
        Path | None, typer.Option(exists=True, dir_okay=False, help="SEEDS.jsonl: {id, question, answer, lang[, context]} per line.")
    ] = None,
    queries: Annotated[
        Path | None, typer.Option(exists=True, dir_okay=False, help="QUERIES.jsonl: {question, lang, expect, target[, context]} per line.")
    ] = None,
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
    bank_split: Annotated[
        str | None,
        typer.Option(help="holdout: judge the rule on the train split's hold-out (velo.data.holdout: questions `velo cache "
                          "calibrate` never fits on): its request-bank pairs (two wordings of one question should hit, a "
                          "look-alike against its question's wordings should miss; the train bank of $VELO_HOME/data, e5 + USE "
                          "only) and, with --seeds / --queries, only the queries of held-out questions (`of` or `target`), "
                          "against every seed. train and test are refused."),
    ] = None,
) -> None:
    """Build a fresh cache from SEEDS, replay QUERIES, report precision, recall, false hits and latency.

    n/a where undefined: a recall with no query expecting a hit, a precision with no hit. A line's `context` (the
    earlier user turns) is replayed: seeds are stored and queries looked up under it. --verdicts FILE says which
    queries were wrong and why. --bank-split holdout judges on the hold-out of the train split instead (with or
    without --seeds / --queries)."""
    from velo.cache.evaluation import static_sweep, summarize
    from velo.data.holdout import held_out_questions
    from velo.paths import velo_home

    _check_eval_bank_split(bank_split, seeds, queries, embedder, diff_embedder)
    check_rule_option(rule)
    if uri is not None:
        check_milvus_uri("--uri", uri)
    if verdicts is not None:
        if seeds is None:
            raise typer.BadParameter("--verdicts: give --seeds and --queries (the verdicts are the queries')")
        check_output("--verdicts", verdicts, inputs=_eval_inputs(seeds, queries, rule, uri))
    held_out = None
    if bank_split is not None:
        held_out = held_out_questions(velo_home() / "data")
        if not held_out:
            raise typer.BadParameter(f"--bank-split holdout: no prepared train split in {velo_home() / 'data'}; run `velo data prepare`")
        bank = _holdout_bank(rule, held_out)
        if seeds is None:
            _print_bank(bank, rule, as_json)
            return
    outcomes, rule_name, _ = _outcomes(seeds, queries, uri, embedder, diff_embedder, rule, keep=held_out)
    if not outcomes:
        raise typer.BadParameter(f"--queries {queries}: no query of a held-out question (velo.data.holdout)")
    report = {**summarize(outcomes), "rule": rule_name, "embedder": embedder}
    if held_out is not None:
        report["holdout_bank"] = bank
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
    if held_out is not None:
        _print_bank(bank, rule, False)


def _print_bank(bank: dict, rule: str, as_json: bool) -> None:
    """`velo cache eval --bank-split holdout`'s bank figures: one JSON object, or a line."""
    if as_json:
        print(json_out.dumps({"rule": rule, "holdout_bank": bank}))
        return
    console.print(
        f"hold-out bank pairs ({rule}; {counted(bank['questions'], 'question')}): false pairs served {bank['false_served']} of "
        f"{bank['false_pairs']}, right pairs served {bank['right_served']} of {bank['right_pairs']}; precision "
        f"{_rate(bank['precision'])}, recall {_rate(bank['recall'])}", markup=False, highlight=False,
    )


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
                          "are one more source, weighing as much as each --seeds / --queries pair, without its held-out "
                          "questions (velo.data.holdout) (once; test is refused: it judges the schedulers; the bank "
                          "`velo train` builds, e5 + USE only)."),
    ] = [],  # noqa: B006 (typer reads the default, never mutates it)
    interactions: Annotated[
        bool, typer.Option(help="Also weigh the products of every two terms (LogisticHitRule.fit(interactions=True)).")
    ] = False,
) -> None:
    """Fit the logistic hit rule on labelled queries (label: serving the best neighbour is right).

    Never on the hold-out of the train split prepared in $VELO_HOME/data (velo.data.holdout: the conversations a
    fixed hash puts in 20 %): a held-out question's seed, its queries (`of` or `target` its id: rewordings and
    look-alikes) and its bank pairs are left out, so `velo cache eval --bank-split holdout` judges the rule on
    questions it never saw.

    Without --out the rule goes to $VELO_HOME/hit_rules/ and is used with `--rule PATH`; the shipped default
    (velo/cache/rules/) changes only when --out names it. Folds group by source and question: the bank pairs of an
    oasst1 question and its rewordings as queries may fall in different folds (grouped across sources instead, the
    threshold of the interactions fit with `--bank-split train` rose 0.926 -> 0.941 on format 30's features, helper recall31).
    """
    from velo.cache.decision import TARGET_PRECISION, LogisticHitRule, calibrated_rule_path, rule_path
    from velo.data.holdout import held_out_questions
    from velo.paths import velo_home

    if len(seeds) != len(queries):
        raise typer.BadParameter("give one --queries file per --seeds file")
    if (repeat := first_repeat(queries, Path.resolve)) is not None:
        # a --seeds file may serve two query sets; one query set twice would weigh its queries twice in the fit
        raise typer.BadParameter(f"--queries {queries[repeat[1]]} is given twice: its queries would weigh twice in the fit; give each once")
    _check_bank_splits(bank_split)
    if out is not None:
        check_output("--out", out, inputs={"--seeds": seeds, "--queries": queries})
    held_out = held_out_questions(velo_home() / "data")
    console.print(f"held out from the fit: {counted(len(held_out), 'question')} of the train split in {velo_home() / 'data'} "
                  "(velo.data.holdout; judge with `velo cache eval --bank-split holdout`)")
    outcomes, sources = [], []
    for n, (s, q) in enumerate(zip(seeds, queries)):
        found, _, key = _outcomes(s, q, None, embedder, diff_embedder, "static:1", drop=held_out)
        outcomes += found
        sources += [f"{n}:{q}"] * len(found)
    usable = [(o, src) for o, src in zip(outcomes, sources) if o.features is not None]
    features = [o.features for o, _ in usable]
    labels = [o.best_is_right for o, _ in usable]
    groups = [f"{src}:{o.query.meta.get('of') or o.query.target or o.query.question}" for o, src in usable]
    sources = [src for _, src in usable]
    for split in bank_split:
        found = _bank_source(split, key, held_out)
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
