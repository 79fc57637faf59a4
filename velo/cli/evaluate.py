"""`velo evaluate`: baselines and trained agents in the edge environment, side by side.

The CLI is the composition root: this is the one module of `velo` that reaches `envs` and `agents`, and
only inside the command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from velo.cli import json_out
from velo.cli.comma_list import comma_entries
from velo.cli.console import make_console
from velo.cli.errors import fail_cleanly
from velo.cli.floor import CacheMinScore
from velo.cli.outputs import check_output, output_path
from velo.cli.progress import console_steps
from velo.cli.scenario_summary import scenario_summary

DEFAULT_POLICIES = "random,greedy-0.1,greedy-0.3,greedy-0.5,greedy-llm,edge-only,oracle"


@fail_cleanly
def evaluate(
    policies: Annotated[str, typer.Option(help="Comma-separated baselines and/or checkpoint files, each optionally LABEL=SPEC (a checkpoint is labelled by its run folder).")] = DEFAULT_POLICIES,
    episodes: Annotated[int, typer.Option(min=1, help="Episodes per policy (same seeds for every policy).")] = 3,
    seed: Annotated[int, typer.Option(min=0, help="Seed of the first episode.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print {policy: {metric: value}} as JSON.")] = False,
    plots: Annotated[Path | None, typer.Option(parser=output_path, help="Write PNG charts to this directory (created if missing).")] = None,
    edges: Annotated[int, typer.Option(min=1, help="Edge servers (agents).")] = 3,
    steps: Annotated[int, typer.Option(min=1, help="Requests per edge per episode.")] = 200,
    data: Annotated[Path | None, typer.Option(file_okay=False, help="Prepared data directory; default $VELO_HOME/data.")] = None,
    split: Annotated[str, typer.Option(help="Prepared split to draw requests from: train, test or all.")] = "test",
    edge_profile: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="EDGE latency profile JSON (e.g. from `velo shard edge-profile`); default: the measured single device."),
    ] = None,
    scenario: Annotated[
        str | None,
        typer.Option(help="Run velo_edge_v1 under named scenarios (calm, paper, paper-all, burst, flaky-backhaul, "
                          "lookalike, multilingual-edge; comma-separated) or `all`, with the headroom report; "
                          "default: velo_edge_v0."),
    ] = None,
    cache_min_score: CacheMinScore = None,
) -> None:
    """Run every policy for N episodes and report satisfaction, latency, hits and action shares."""
    from velo.policy import CACHE_MIN_SCORE

    floor = CACHE_MIN_SCORE if cache_min_score is None else cache_min_score  # every policy is judged under this mask
    if plots is not None and scenario is None:  # before any episode: a bad --plots used to fail after the whole evaluation
        from agents.evaluation import PLOT_FILES

        check_output("--plots", plots, directory=True, files=PLOT_FILES, inputs={"--edge-profile": edge_profile})
    if scenario is not None:
        return _evaluate_scenarios(scenario, policies, episodes, seed, as_json, plots, steps, data, split, edge_profile, floor)
    from agents.evaluation import markdown_table, plot, run_episodes, summarize
    from agents.registry import env_for, load_policy
    from envs import velo_edge_v0

    if split not in ("train", "test", "all"):
        raise typer.BadParameter("split must be train, test or all")
    specs = _labelled_specs(policies, floor)
    from velo.latency import load_edge_profile

    with console_steps(make_console(stderr=True)) as built:  # a first run builds the split's request bank: minutes
        env = velo_edge_v0.parallel_env(
            n_edges=edges, max_steps=steps, data_dir=data, split=None if split == "all" else split,
            edge_profile=load_edge_profile(edge_profile) if edge_profile is not None else None, cache_min_score=floor, steps=built,
        )
    names = list(specs)
    envs = [env_for(env, spec) for spec in specs.values()]
    loaded = [load_policy(spec, e.layout, seed, e.bank.rule.identity, floor) for spec, e in zip(specs.values(), envs)]
    results: dict[str, dict[str, float]] = {}
    console = make_console(stderr=True)
    with Progress(console=console, disable=as_json, transient=True) as progress:
        for name, policy, policy_env in zip(names, loaded, envs):
            task = progress.add_task(name, total=episodes * steps)
            records = run_episodes(policy_env, policy, episodes, seed, on_step=lambda: progress.advance(task))
            results[name] = {**summarize(records), "edge_answers_real": float(env.bank.edge_answers_real)}
    if as_json:
        print(json_out.dumps(results))
    else:
        print(markdown_table(results))
        if not env.bank.edge_answers_real:
            print(
                f"\nnote: the edge LLM's answers were not generated (`velo data edge-answers`); "
                f"EDGE quality is the stand-in value {env.config.edge_quality_fallback}."
            )
    if plots is not None:
        for path in plot(results, plots):
            console.print(f"wrote {path}")


def _labelled_specs(policies: str, cache_min_score: float) -> dict[str, str]:
    """`--policies` as {label: spec}; BadParameter for an empty list, a half-written LABEL=SPEC or a label given
    twice (two policies with one label used to keep the last one silently); ValueError / FileNotFoundError for a
    spec no policy loads (an unknown
    name, a missing or unreadable checkpoint, one trained under another hit rule or another CACHE floor than
    `cache_min_score`): all before anything is built (a typo used to be reported after the
    environment's bank was built, 212 s on the shared data)."""
    from agents.headroom import split_label
    from agents.registry import check_policy_spec
    from envs.bank import bank_rule
    from velo.checkpoint import FloorMismatch

    try:
        pairs = [split_label(p) for p in comma_entries(policies, "--policies")]
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    labels = [label for label, _ in pairs]
    if twice := sorted({label for label in labels if labels.count(label) > 1}):
        raise typer.BadParameter(f"policy label {', '.join(map(repr, twice))} given twice; give each policy once, with LABEL=SPEC to tell two apart")
    rule = bank_rule().identity  # the rule the environment will score observations with
    for _, spec in pairs:
        try:
            check_policy_spec(spec, rule, cache_min_score)  # ValueError / FileNotFoundError: one line from fail_cleanly
        except FloorMismatch as err:
            raise ValueError(f"{err} Pass --cache-min-score {err.trained:g} to judge it under its own floor (every policy "
                             "of a run is judged under one), or retrain it with this one.") from None
    return dict(pairs)


def _evaluate_scenarios(
    scenario: str, policies: str, episodes: int, seed: int, as_json: bool, plots: Path | None, steps: int,
    data: Path | None, split: str, edge_profile: Path | None, cache_min_score: float,
) -> None:
    """`velo evaluate --scenario`: per scenario, every baseline, the tuned Greedy, the oracle and the headroom."""
    from agents.evaluation import PLOT_FILES, plot
    from agents.headroom import (
        GRID_POLICIES,
        SCENARIO_BASELINES,
        scenario_report,
        tune_greedy_report,
        with_tuning,
    )
    from envs import velo_edge_v1
    from envs.scenarios import SCENARIOS, get_scenario
    from velo.latency import load_edge_profile

    asked = comma_entries(scenario, "--scenario")
    if "all" in asked and len(asked) > 1:  # its names are every scenario's: one of them would be given twice
        raise typer.BadParameter(f"--scenario: 'all' names every scenario already, in {scenario!r}; give all alone, or the names")
    names = list(SCENARIOS) if asked == ["all"] else [get_scenario(n).name for n in asked]
    if plots is not None:  # a chart directory per scenario
        for name in names:
            check_output("--plots", plots / name, directory=True, files=PLOT_FILES, inputs={"--edge-profile": edge_profile})
    # --policies parsed once, here (labels checked before any episode runs); scenario_report takes {label: spec}
    chosen = ({p: p for p in [*SCENARIO_BASELINES, "oracle"]} if policies == DEFAULT_POLICIES else _labelled_specs(policies, cache_min_score))
    # Greedy at every tuning distance, so that the one the train split picks is among the evaluated policies; the
    # oracle last.
    chosen |= {g: g for g in GRID_POLICIES if g not in chosen}
    if "oracle" in chosen:
        chosen["oracle"] = chosen.pop("oracle")
    common = dict(max_steps=steps, data_dir=data, edge_profile=load_edge_profile(edge_profile) if edge_profile else None,
                  cache_min_score=cache_min_score)
    console = make_console(stderr=True)
    # Both banks (the evaluated split's, the train split's Greedy is tuned on) before any bar: a first run builds them,
    # each minutes to hours, and says so (velo.cli.progress); one live display at a time.
    with console_steps(console) as built:
        env = velo_edge_v1.parallel_env(names[0], split=None if split == "all" else split, steps=built, **common)
        # The train split has no edge LLM answers: EDGE is not offered there, which changes no Greedy action
        # (agents/headroom.py says what it does change and reports it).
        # One bank when the evaluation is on train too: the pairs its episodes featurize serve the tuning.
        tuning = velo_edge_v1.parallel_env(names[0], split="train", edge_action=False, steps=built,
                                           bank=env.bank if split == "train" else None, **common)
    evaluated = {}
    with Progress(console=console, disable=as_json, transient=True) as progress:
        for name in names:
            task = progress.add_task(f"{name}", total=episodes * steps * len(chosen))
            evaluated[name] = scenario_report(
                env.with_scenario(name), chosen, episodes, seed, None, on_step=lambda _: progress.advance(task)
            )
        env.close()
        # Tuned after the evaluation (the same numbers: each policy runs on its own seeded episodes).
        report = {}
        for name in names:
            progress.add_task(f"{name}: tuning greedy on train", total=None)
            report[name] = with_tuning(evaluated[name], tune_greedy_report(tuning.with_scenario(name)))
        tuning.close()
    if as_json:
        print(json_out.dumps(report))
    else:
        for name, r in report.items():
            print(scenario_summary(name, r))
    if plots is not None:
        for name, r in report.items():
            for path in plot(r["policies"], plots / name):
                console.print(f"wrote {path}")
