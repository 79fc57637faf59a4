"""`velo train`: train a learned scheduler in the edge environment (composition root: reaches `envs` and
`agents` only inside the command)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from velo.cli.console import make_console
from velo.cli.errors import fail_cleanly
from velo.cli.floor import CacheMinScore
from velo.cli.outputs import check_output, output_path
from velo.cli.progress import console_steps
from velo.plural import counted

TRAIN_ALGOS = ("mappo", "g-mappo", "t-mappo", "lrs", "dlrs", "ippo-sb3")
RUN_SETTINGS = {"algo": "--algo", "seed": "--seed", "scenario": "--scenario", "denoise_steps": "--denoise-steps", "top_v": "--top-v",
                "n_envs": "--n-envs", "episode_steps": "--episode-steps", "checkpoint_every": "--checkpoint-every",
                "request_identity": "--request-identity/--no-request-identity", "bc_target": "--bc-target",
                "anneal_lr": "--anneal-lr/--no-anneal-lr"}
"""The options a run stores (its training state's config): on --resume, one left out is taken from the run."""
ONLY_FOR = {"denoise_steps": ("dlrs",), "bc_target": ("lrs", "dlrs"), "anneal_lr": ("mappo", "t-mappo", "lrs", "dlrs")}
"""Options that apply to some learners only: given with another --algo they are refused, not silently ignored."""


@fail_cleanly
def train(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option(parser=output_path, help="Directory for the policy, checkpoints and TensorBoard logs (tb/).")],
    algo: Annotated[str | None, typer.Option(help=f"Learner: {', '.join(TRAIN_ALGOS)}; required, but with --resume (the run's).")] = None,
    total_steps: Annotated[int | None, typer.Option(
        min=1, help="Agent-steps to train for (requests scheduled, all edges), rounded up to whole rollouts of n-envs x "
                    "episode-steps x edges (4 x 100 x 3 = 1,200 by default); required, but with --resume (the run's).")] = None,
    seed: Annotated[int, typer.Option(min=0, help="Seed of the networks, the sampling and the training episodes.")] = 0,
    scenario: Annotated[
        str | None, typer.Option(help="Train on one scenario; default: drawn per episode from the non-calm suite.")
    ] = None,
    denoise_steps: Annotated[int, typer.Option(min=1, help="Denoising steps L of the diffusion actor (dlrs).")] = 10,
    top_v: Annotated[int, typer.Option(min=1, help="Vector-search results V in the observation.")] = 10,
    request_identity: Annotated[
        bool, typer.Option("--request-identity/--no-request-identity",
                           help="Whether the actor reads the request's embedding and language (every --algo); "
                                "--no-request-identity keeps it from keying choices to the train split's few "
                                "reworded questions (velo/networks/encoders.py says why)."),
    ] = True,
    bc_target: Annotated[
        str, typer.Option(help="What the demonstration term of lrs and dlrs fits: argmax (the hindsight oracle's best action, "
                               "cloned) or expected (the oracle's per-action satisfactions: the action of best expected "
                               "satisfaction given the observation); agents/mappo.py says why.")
    ] = "argmax",
    anneal_lr: Annotated[
        bool, typer.Option("--anneal-lr/--no-anneal-lr",
                           help="Lower the actor's and the critic's learning rates linearly towards 0 over --total-steps "
                                "(mappo, t-mappo, lrs, dlrs; CleanRL's PPO default); a run resumes only with its own total.")
    ] = False,
    n_envs: Annotated[int, typer.Option(min=1, help="Environments stepped together.")] = 4,
    episode_steps: Annotated[int, typer.Option(min=1, help="Requests per edge per episode (= rollout length).")] = 100,
    checkpoint_every: Annotated[int, typer.Option(min=1, help="Checkpoint every this many agent-steps (rounded up to whole rollouts).")] = 50_000,
    resume: Annotated[bool, typer.Option("--resume", help="Continue from OUT's training state: options left out are "
                                                         "taken from the run; one given must match it.")] = False,
    data: Annotated[Path | None, typer.Option(file_okay=False, help="Prepared data directory; default $VELO_HOME/data.")] = None,
    split: Annotated[str, typer.Option(help="Prepared split to train on: train, or all (then the test split is no "
                                            "longer held out); never the evaluation's test split.")] = "train",
    edge_action: Annotated[
        bool, typer.Option("--edge-action/--no-edge-action",
                           help="Offer EDGE; --no-edge-action for data without the edge LLM's answers to the split "
                                "(`velo data edge-answers` makes them; both shared oasst1 splits and the sample ship "
                                "theirs): a policy trained so never chooses EDGE."),
    ] = True,
    threads: Annotated[int, typer.Option(min=1, help="torch threads (1 keeps a run deterministic and leaves a core).")] = 1,
    edge_profile: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="EDGE latency profile JSON, e.g. velo/profiles/edge_llm_batched.json "
                     "(the edge LLM batching concurrent requests, as the edge server runs it); default: one at a time."),
    ] = None,
    cache_min_score: CacheMinScore = None,
) -> None:
    """Train a scheduler; prints a progress bar with the live reward and the training throughput."""
    for name, value in (("--algo", algo), ("--total-steps", total_steps)):
        if value is None and not resume:
            raise typer.BadParameter(f"{name} is required (with --resume it is taken from the run)")
    check_output("--out", out, directory=True)
    if resume and not (out / "train_state.pt").is_file() and not (out / "sb3_model.zip").is_file():
        raise FileNotFoundError(f"--resume: {out} holds no training state; train into it first")
    given = {name for name in ctx.params if getattr(ctx.get_parameter_source(name), "name", "DEFAULT") != "DEFAULT"}
    restored = None
    if resume:  # before any environment is built: the run's settings, and a total it has not reached yet
        from agents.checkpoints import restore_policy

        restored = restore_policy(out)  # a checkpoint Ctrl-C stopped between its two files (agents/checkpoints.py)
        settings = _resumed_settings(out, given, dict(algo=algo, seed=seed, scenario=scenario, denoise_steps=denoise_steps,
                                                      top_v=top_v, n_envs=n_envs, episode_steps=episode_steps,
                                                      checkpoint_every=checkpoint_every,
                                                      request_identity=request_identity, bc_target=bc_target,
                                                      anneal_lr=anneal_lr),
                                     total_steps)
        algo, seed, scenario, denoise_steps, top_v = (settings[k] for k in ("algo", "seed", "scenario", "denoise_steps", "top_v"))
        n_envs, episode_steps, checkpoint_every = settings["n_envs"], settings["episode_steps"], settings["checkpoint_every"]
        request_identity, bc_target, anneal_lr = settings["request_identity"], settings["bc_target"], settings["anneal_lr"]
        total_steps = settings["total_steps"]
        cache_min_score = _resumed_floor(out, cache_min_score)
    if algo not in TRAIN_ALGOS:
        raise typer.BadParameter(f"--algo must be one of {', '.join(TRAIN_ALGOS)}, got {algo!r}")
    if split == "test":
        raise typer.BadParameter("--split test is the evaluation's held-out split: a policy trained on it would be "
                                 "judged on requests it learned from; train on train (or all, knowingly)")
    if split not in ("train", "all"):
        raise typer.BadParameter(f"--split must be train or all, got {split!r}")
    for name, algos in ONLY_FOR.items():
        if name in given and algo not in algos:
            raise ValueError(f"{RUN_SETTINGS[name]} applies to --algo {' or '.join(algos)} only, not {algo}; leave it out")
    if not resume and (held := [n for n in ("policy.safetensors", "train_state.pt", "sb3_model.zip") if (out / n).is_file()]):
        raise FileExistsError(f"--out {out} already holds a run ({', '.join(held)}): add --resume to continue it, or give "
                              "another directory (a new run there would replace its policy and mix its TensorBoard logs); "
                              f"to start afresh there, delete it first (rm -r {out})")
    if not resume and (out / "tb").is_dir() and any(p.is_file() for p in (out / "tb").rglob("*")):
        raise FileExistsError(f"--out {out} holds another run's TensorBoard logs (tb/) but no checkpoint to resume: a new "
                              f"run there would log the same steps twice; give another directory, or delete {out / 'tb'} "
                              "to start afresh there")
    import torch

    from agents.checkpoints import restore_policy, saved_steps
    from agents.mappo import whole_rollouts
    from envs.scenarios import get_scenario
    from velo.policy import CACHE_MIN_SCORE

    if cache_min_score is None:
        cache_min_score = CACHE_MIN_SCORE
    if scenario is not None:
        get_scenario(scenario)
    torch.set_num_threads(threads)
    console = make_console(stderr=True)
    if restored is not None:
        console.print(restored, highlight=False, soft_wrap=True)
    common = dict(total_steps=total_steps, seed=seed, scenario=scenario, n_envs=n_envs, episode_steps=episode_steps,
                  top_v=top_v, checkpoint_every=checkpoint_every, request_identity=request_identity)
    if algo == "ippo-sb3":
        from agents.ippo_sb3 import IPPOConfig as Config
        from agents.ippo_sb3 import train as run
    elif algo == "g-mappo":
        from agents.recurrent import GMAPPOConfig as Config
        from agents.recurrent import train as run
    else:
        from agents.mappo import MAPPOConfig as Config
        from agents.mappo import train as run

        common.update(algo=algo, denoise_steps=denoise_steps, bc_target=bc_target, anneal_lr=anneal_lr)
    try:
        config = Config(**common)
    except ValueError as exc:  # the config's own check, in the words the user typed ("bc_target must be" was the message)
        raise ValueError(_as_options(str(exc))) from None
    from torch.utils.tensorboard import SummaryWriter

    from velo.networks import build_actor
    from envs.mixture import training_envs

    console.print(f"building {counted(n_envs, 'environment')} ({scenario or 'scenario drawn per episode from the non-calm suite'}; "
                  f"CACHE offered from hit-rule score {cache_min_score:g})")
    from velo.latency import load_edge_profile

    saved_before = saved_steps(out)
    try:
        with console_steps(console) as built:  # a first run builds the train split's request bank: minutes to hours
            vec = training_envs(n_envs, episode_steps, top_v, scenario, None if split == "all" else split, data,
                                edge_action=edge_action, edge_profile=load_edge_profile(edge_profile) if edge_profile else None,
                                cache_min_score=cache_min_score, steps=built)
    except KeyboardInterrupt:
        _say_interrupted(console, out, resume, saved_before, saved_before, None)
    existed = {d: d.exists() for d in (out, out / "tb")}
    logs_before = set((out / "tb").iterdir()) if existed[out / "tb"] else set()
    per_rollout = n_envs * episode_steps * len(vec.agents)
    planned = whole_rollouts(total_steps, per_rollout) * per_rollout  # the learners run whole rollouts (agents.mappo.train)
    if planned != total_steps:
        console.print(f"training {planned:,} agent-steps: --total-steps {total_steps:,} rounded up to whole rollouts of "
                      f"{per_rollout:,} ({counted(n_envs, 'env')} x {counted(episode_steps, 'step')} x {counted(len(vec.agents), 'edge')})")
    started, trained, base, writer = time.perf_counter(), [0], [None], None
    stop = _StopAtRolloutEnd(console)
    try:
        writer = SummaryWriter(str(out / "tb"))
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[live]}"),
                      TimeElapsedColumn(), TimeRemainingColumn(), console=console) as progress:
            task = progress.add_task(algo, total=planned, live="")

            def on_rollout(stats) -> None:
                if base[0] is None:  # after --resume, count only this run's steps
                    base[0] = stats.steps - per_rollout
                trained[0] = stats.steps - base[0]
                # the run's rate so far, as the final line measures it; the last rollout's own (collection and update,
                # no checkpoint or start-up) beside it, labelled: the two used to disagree unlabelled (823 vs 324)
                overall = trained[0] / (time.perf_counter() - started)
                progress.update(task, completed=stats.steps, live=f"reward {stats.reward:.3f}  {overall:,.0f} agent-steps/s "
                                                                  f"overall (last rollout {stats.steps_per_s:,.0f})")

            with stop:
                if algo == "ippo-sb3":
                    path = run(config, vec, out, resume=resume, on_rollout=on_rollout, writer=writer, stop=stop.requested)
                else:
                    with torch.random.fork_rng():
                        torch.manual_seed(seed)
                        actor = build_actor(config.actor_spec(), vec.envs[0].layout)
                    path = run(config, vec, actor, out, resume=resume, on_rollout=on_rollout, writer=writer, stop=stop.requested)
    except BaseException as exc:  # the progress bar is gone by now
        if writer is not None:
            writer.close()
        # refused before its first rollout (e.g. --resume with other settings), or interrupted before a checkpoint
        # of its own: leave no trace (the logs of steps no checkpoint holds would be logged again by the next run)
        if isinstance(exc, KeyboardInterrupt):  # stopped between a checkpoint's two files: make them a pair again
            restore_policy(out)
        if base[0] is None or (isinstance(exc, KeyboardInterrupt) and saved_steps(out) == saved_before):
            _remove_new_logs(out, existed, logs_before)
        if not isinstance(exc, KeyboardInterrupt):
            raise
        first = min(planned, whole_rollouts(checkpoint_every, per_rollout) * per_rollout)
        _say_interrupted(console, out, resume, saved_before, saved_steps(out), first)
    writer.close()
    for env in vec.envs:
        env.close()  # keeps the hit features of pairs first met in this run (envs.bank)
    if stop.asked and (saved_steps(out) or 0) < planned:  # the first Ctrl-C: the learner checkpointed the rollout it was in
        _say_interrupted(console, out, resume, saved_before, saved_steps(out), None)
    elapsed = time.perf_counter() - started
    console.print(f"wrote {path}")
    print(f"trained {trained[0]:,} agent-steps in {elapsed:.1f} s: {trained[0] / elapsed:,.0f} agent-steps/s overall "
          f"(the whole run: collection, updates and checkpoints; {counted(threads, 'torch thread')})")


def _resumed_settings(out: Path, given: set[str], values: dict, total_steps: int | None) -> dict:
    """`values` and `total_steps` (None: the run's) with each option not `given` taken from the run in `out` (its
    training state's config); ValueError, before anything is built or written, for a given option that differs from
    the run's, for a --total-steps the run has already reached (a resume used to rewrite the policy then), or for
    another total than the run's when a schedule spans it (`agents.mappo.total_schedules`)."""
    from agents.checkpoints import read_state, saved_steps
    from agents.mappo import total_schedules

    saved = read_state(out)["config"] if (out / "train_state.pt").is_file() else {}
    differs = [f"{_typed(k, values[k])} (the run has {_typed(k, saved[k]) if '/' in RUN_SETTINGS[k] else saved[k]})" for k in RUN_SETTINGS
               if k in saved and k in given and values[k] != saved[k]]
    if differs:
        raise ValueError(f"--resume: {out} was trained with other settings: {', '.join(differs)}; leave them out to "
                         "continue with the run's own, or train into another directory")
    resumed = {k: saved[k] if k in saved and k not in given else v for k, v in values.items()}
    if resumed["algo"] is None:
        raise ValueError(f"--resume: the training state in {out} does not say its learner; give --algo")
    if total_steps is None:
        total_steps = saved.get("total_steps")
        if total_steps is None:
            raise ValueError(f"--resume: the training state in {out} does not say its total; give --total-steps")
    # agents.mappo refuses it too, after the build
    spans = total_schedules(saved, f"--total-steps {saved.get('total_steps', 0):,}")
    if spans and saved.get("total_steps") != total_steps:
        raise ValueError(f"--resume: the run in {out} {' and '.join(spans)}; another total would stretch that schedule: "
                         "resume it with the same total (leave --total-steps out), or train a new run")
    if (done := saved_steps(out)) is not None:
        if total_steps <= done:
            more = "a run whose schedules span its total cannot be extended" if spans else "give a larger total to continue it"
            raise ValueError(f"--resume: the run in {out} has already trained {done:,} agent-steps, at or past --total-steps "
                             f"{total_steps:,}; nothing to do ({more})")
    return resumed | {"total_steps": total_steps}


def _resumed_floor(out: Path, given: float | None) -> float | None:
    """The CACHE floor a --resume trains under: the run's (`agents.checkpoints.run_floor`), or `given` (None: the
    default) when the run's is unknown; ValueError, before anything is built, for a --cache-min-score given that
    differs from the run's (one policy would learn under two action masks)."""
    from agents.checkpoints import floor_differs, read_state, run_floor

    floor = run_floor(out, read_state(out)) if (out / "train_state.pt").is_file() else None
    if floor is None:
        return given
    if given is not None and floor != given:
        raise ValueError(floor_differs(out, floor, given))
    return floor


def _typed(name: str, value) -> str:
    """A setting as the user types it: `--top-v 5`, `--no-request-identity` (not `--request-identity/... False`)."""
    option = RUN_SETTINGS[name]
    if "/" in option:
        on, off = option.split("/")
        return on if value else off
    return f"{option} {value}"


def _as_options(message: str) -> str:
    """A training config's error with each field it names written as its option (`bc_target` -> `--bc-target`)."""
    import re

    for name, option in {**RUN_SETTINGS, "total_steps": "--total-steps"}.items():
        message = re.sub(rf"(?<![\w-]){name}\b", option.split("/")[0], message)
    return message


def _say_interrupted(console, out: Path, resume: bool, before: int | None, saved: int | None, first: int | None) -> None:
    """Ctrl-C: say what is saved in `out` and how to go on, and exit 130 (as a shell reports SIGINT); it used to
    end silently, whatever it had saved."""
    again = "the same command" if resume else "the same command with --resume"
    if saved is not None and saved != before:
        said = (f"interrupted: the checkpoint at {saved:,} agent-steps is saved in {out} (policy.safetensors, "
                f"train_state.pt; the steps after it are lost): continue with {again}")
    elif saved is not None:
        said = (f"interrupted before the next checkpoint: nothing new was saved; {out} still holds the run at "
                f"{saved:,} agent-steps: continue with {again}")
    elif (out / "policy.safetensors").is_file():  # stopped between writing the first policy and its training state
        said = (f"interrupted while saving the first checkpoint: {out / 'policy.safetensors'} can be evaluated but "
                f"not resumed (no train_state.pt): delete {out} and start again with the same command")
    else:
        due = f" (due at {first:,} agent-steps; --checkpoint-every sets it)" if first else ""
        said = (f"interrupted before the first checkpoint{due}: nothing was saved and {out} is as it was: "
                "start again with the same command")
    console.print(f"[bold yellow]{said}[/]", highlight=False, soft_wrap=True)
    raise typer.Exit(130)


class _StopAtRolloutEnd:
    """While training: the first Ctrl-C (SIGINT) asks the learner to finish the rollout under way, checkpoint it and
    stop (`requested`, the learners' `stop`); a second one stops at once (KeyboardInterrupt), losing the steps since
    the last checkpoint. A Ctrl-C before the first checkpoint used to save nothing: with the default --checkpoint-every
    50000, any shorter run kept nothing (nc17 finding 10). Outside the main thread no handler can be installed: Ctrl-C
    then stops at once, as before."""

    def __init__(self, console) -> None:  # noqa: ANN001 (a rich Console)
        self.console, self.asked, self.previous = console, False, None

    def requested(self) -> bool:
        return self.asked

    def _on_sigint(self, signum: int, frame: object) -> None:
        if self.asked:
            raise KeyboardInterrupt
        self.asked = True
        self.console.print("[bold yellow]Ctrl-C: finishing this rollout to save it; Ctrl-C again to stop at once, losing "
                           "the steps since the last checkpoint[/]", highlight=False, soft_wrap=True)

    def __enter__(self) -> _StopAtRolloutEnd:
        import signal
        import threading

        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, self._on_sigint)
        return self

    def __exit__(self, *exc: object) -> None:
        import signal

        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)


def _remove_new_logs(out: Path, existed: dict[Path, bool], logs_before: set[Path]) -> None:
    """Undo what a run that trained nothing wrote: its TensorBoard event file, and `out/tb` and `out` if it made them."""
    tb = out / "tb"
    for f in set(tb.iterdir()) - logs_before if tb.exists() else ():
        f.unlink()
    for d in (tb, out):
        if not existed[d] and d.exists() and not any(d.iterdir()):
            d.rmdir()
