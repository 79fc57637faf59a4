"""`velo data …`: turn oasst1 files (or the hub dataset) into the prepared train/test directory."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from velo.cli.comma_list import comma_entries
from velo.cli.console import make_console
from velo.cli.errors import fail_cleanly
from velo.cli.outputs import check_output, output_path
from velo.cli.once import OnceGroup
from velo.data.oasst1 import download_hub_files, normalize_lang
from velo.data.prepare import DEFAULT_MAX_CHARS, SPLITS, PreparedData, prepare
from velo.paths import BUNDLED_OASST1, prepared_dir
from velo.types import LANGUAGES
from velo.plural import counted

data_app = typer.Typer(cls=OnceGroup, no_args_is_help=True, add_completion=False, help="Prepare oasst1 question/answer data.")


@data_app.callback()
def _data() -> None:
    """Prepare oasst1 question/answer pairs for the cache, the environments and the benchmarks."""


@data_app.command("prepare")
@fail_cleanly
def prepare_command(
    source: Annotated[
        list[Path] | None,
        typer.Option("--source", "-s", help=f"oasst1 file or directory (repeatable); default: {BUNDLED_OASST1}"),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", parser=output_path, help="output directory; default: $VELO_HOME/data")] = None,
    languages: Annotated[str, typer.Option(help="comma-separated language codes to keep")] = ",".join(LANGUAGES),
    test_fraction: Annotated[float, typer.Option(help="share of conversations held out for test")] = 0.2,
    seed: Annotated[int, typer.Option(min=0, help="seed of the conversation hash that assigns the split")] = 0,
    max_chars: Annotated[int, typer.Option(help="drop pairs whose question or answer is longer")] = DEFAULT_MAX_CHARS,
    from_hub: Annotated[bool, typer.Option("--from-hub", help="download the parquet files from the hub")] = False,
    hub_repo: Annotated[str, typer.Option(help="hub dataset used with --from-hub")] = "OpenAssistant/oasst1",
    revision: Annotated[str | None, typer.Option(help="hub revision used with --from-hub")] = None,
) -> None:
    """Read, deduplicate, filter and split oasst1 pairs by conversation; write train/test JSON Lines."""
    if not 0.0 < test_fraction < 1.0:  # 0 or 1 leaves a split empty, and training or evaluation on it fails later
        raise ValueError(f"--test-fraction must lie strictly between 0 and 1 (both splits non-empty), got {test_fraction}")
    if out is not None:  # train/test/manifest are replaced by renaming; the shipped edge answers are appended in place
        from velo.llm.edge_answers import EDGE_ANSWERS_FILE

        check_output("--out", out, directory=True, files=(EDGE_ANSWERS_FILE,))
    sources = list(source or [])
    if from_hub:
        sources = download_hub_files(hub_repo, revision) + sources
    result = prepare(
        sources or None,
        out or prepared_dir(),
        languages=comma_entries(languages, "--languages", normalize_lang),
        test_fraction=test_fraction,
        seed=seed,
        max_chars=max_chars,
        require_both_splits=True,
    )
    console = make_console()
    console.print(_counts_table(result))
    dropped = ", ".join(f"{count} {reason}" for reason, count in result.manifest.dropped.items() if count)
    console.print(f"read {counted(len(result.manifest.sources), 'file')}; dropped pairs: {dropped or 'none'}")
    console.print(f"wrote train.jsonl, test.jsonl and manifest.json to {escape(str(result.out_dir))}")
    from velo.llm.edge_answers import install_shipped_edge_answers

    installed = install_shipped_edge_answers(result.out_dir)
    if installed:
        console.print(f"installed the shipped edge LLM answers to {counted(installed, 'prepared question')}")


def _counts_table(result: PreparedData) -> Table:
    manifest = result.manifest
    table = Table(title="question/answer pairs")
    table.add_column("lang")
    for split in SPLITS:
        table.add_column(split, justify="right")
    for lang, per_split in manifest.counts.items():
        table.add_row(lang, *(str(per_split[split]) for split in SPLITS))
    table.add_row("total", *(str(manifest.total(split)) for split in SPLITS), style="bold")
    return table


@data_app.command("edge-answers")
@fail_cleanly
def edge_answers_command(
    data: Annotated[Path | None, typer.Option("--data", "-d", help="prepared directory; default: $VELO_HOME/data")] = None,
    split: Annotated[str, typer.Option(help="which pairs to answer: train, test or all")] = "all",
    limit: Annotated[int | None, typer.Option(min=0, help="answer only the first N selected pairs (train first)")] = None,
    max_new_tokens: Annotated[int, typer.Option(min=1, help="longest answer, in tokens; recorded with the answers, and a "
                                                           "file's answers all have one (a run with another is refused)")] = 200,
    languages: Annotated[str | None, typer.Option(help="comma-separated language codes; default: all prepared")] = None,
    model: Annotated[
        str | None, typer.Option(help="hub name or local directory of another chat model; default: SmolLM2-135M-Instruct")
    ] = None,
    threads: Annotated[
        int, typer.Option(min=1, help="torch threads; 1 by default, leaving the other core to the rest of the machine (2 decode ~28% faster when it is idle: velo/profiles/edge_llm.json)")
    ] = 1,
    batch_size: Annotated[
        int, typer.Option(min=1, help="questions answered together (shortest prompts first); 1 records single-request latencies")
    ] = 8,
) -> None:
    """Answer every prepared question with the edge LLM (with its conversation) into edge_answers.jsonl; resumable."""
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    from velo.llm.edge_answers import generate_edge_answers, plan_edge_answers
    from velo.llm.local import SMOLLM2_NAME, load_local_llm

    data_dir = data or prepared_dir()
    plan = plan_edge_answers(
        data_dir, split=split, languages=comma_entries(languages, "--languages", normalize_lang) if languages is not None else None, limit=limit, model=model or SMOLLM2_NAME,
        max_new_tokens=max_new_tokens,
    )
    console = make_console()
    console.print(f"{counted(len(plan.selected), 'pair')} selected, {plan.done} already answered in {escape(str(plan.path))}")
    if not plan.todo:
        console.print("nothing to generate")
        return
    check_output("--data", plan.path)  # appended to as answers come: an unwritable one failed after the model loaded
    started = time.perf_counter()
    with console.status(f"loading {escape(model or SMOLLM2_NAME)}"):
        llm = load_local_llm(model)
    console.print(f"loaded {escape(llm.name)} in {time.perf_counter() - started:.1f} s")
    import torch

    tokens = answered = capped = 0
    columns = (TextColumn("answering"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn())
    previous_threads = torch.get_num_threads()
    torch.set_num_threads(threads)
    started = time.perf_counter()
    try:
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("answers", total=len(plan.todo))
            for answer in generate_edge_answers(llm, plan, max_new_tokens=max_new_tokens, batch_size=batch_size):
                tokens += answer.output_tokens
                answered += 1
                capped += answer.output_tokens >= max_new_tokens
                progress.advance(task)
                if not console.is_terminal and (answered % batch_size == 0 or answered == len(plan.todo)):
                    # a log file gets no live bar: one line per batch says how far it got
                    console.print(f"{answered}/{len(plan.todo)} answered in {time.perf_counter() - started:.0f} s")
    finally:
        torch.set_num_threads(previous_threads)  # commands also run in-process (tests, the demo)
    elapsed = time.perf_counter() - started
    console.print(
        f"wrote {counted(answered, 'answer')} ({counted(tokens, 'token')}, {capped} at the --max-new-tokens cap) to {escape(str(plan.path))} "
        f"in {elapsed:.0f} s ({answered / elapsed:.3f} answers/s, batch size {batch_size})"
    )
