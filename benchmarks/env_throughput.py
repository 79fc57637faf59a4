"""Throughput of the edge environment (`velo_edge_v0`, or `velo_edge_v1` under `--scenario`): agent-steps per second on one core.

An agent-step is one agent's share of `env.step`: its request is looked up in its edge's cache, observed,
acted on by the policy and served. The figure bounds how fast agents can be trained against the
environment.

The request bank precomputes hit features for each text's nearest candidates; a pair met for the first
time beyond those is featurized with the embedders (~1 ms) and kept on disk next to the bank, so a long
training run meets fewer and fewer new pairs. The script therefore runs every episode twice: a first
pass (featurizing what it has not met before: its rate and the pairs it featurized are reported) and
the timed pass over the same seeds, which measures the environment step itself. Policies are
interleaved so other load on the machine spreads over all of them; the table gives medians.

    python benchmarks/env_throughput.py --edges 3 --steps 3000 --repeats 3
    python benchmarks/env_throughput.py --profile 25      # also cProfile one episode, top 25 functions
    python benchmarks/env_throughput.py --scenario burst --vector 8

"Per core" is agent-steps per CPU second of this process (`time.process_time`), which a shared machine's
other load disturbs less than the wall-clock rate; both are printed, with the load average.

Needs prepared data (`velo data prepare`; default `$VELO_HOME/data`) and the measured edge LLM profile.
"""

from __future__ import annotations

import os

# One core: numpy's BLAS and any OpenMP runtime must not spread over the others (read once, at import).
for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_var] = "1"
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # ../shared/STACK.md: a hub look-up hangs ~74 s

import argparse  # noqa: E402
import cProfile  # noqa: E402
import platform  # noqa: E402
import pstats  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from agents.policy import Policy  # noqa: E402
from agents.registry import load_policy  # noqa: E402
from envs import velo_edge_v0  # noqa: E402
from envs.velo_edge_v0 import VeloEdgeEnv  # noqa: E402
from velo.paths import prepared_dir  # noqa: E402

POLICIES = ("random", "greedy-0.3")


def episode(env: VeloEdgeEnv, name: str, seed: int) -> tuple[int, float, float]:
    """Agent-steps of one episode and the wall and CPU seconds they took (reset included). The policy is seeded
    with the episode, so a second pass over the same seed replays the same actions."""
    policy: Policy = load_policy(name, env.layout, seed=seed)
    start, cpu = time.perf_counter(), time.process_time()
    obs, _ = env.reset(seed=seed)
    n = 0
    while env.agents:
        actions = {a: policy.act(obs[a]["observation"], obs[a]["action_mask"]) for a in env.agents}
        n += len(actions)
        obs, *_ = env.step(actions)
    return n, time.perf_counter() - start, time.process_time() - cpu


def vector_rate(env: VeloEdgeEnv, n_envs: int, steps: int, seed: int) -> tuple[float, float]:
    """Agent-steps per wall and per CPU second of `envs.vector.VectorEdgeEnv` over `n_envs` copies of `env`
    (same bank), with uniformly random allowed actions and the global state every step, as a trainer uses it."""
    import numpy as np

    from envs.vector import VectorEdgeEnv

    vec = VectorEdgeEnv([env.with_config() for _ in range(n_envs)])
    for _pass in range(2):  # the first pass featurizes the pairs these seeds meet; the second is timed
        rng = np.random.default_rng(seed)
        _, mask, _ = vec.reset(seed=seed)
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(steps):
            # one allowed action per agent: the argmax of random scores on the allowed ones
            actions = np.argmax(np.where(mask > 0, rng.random(mask.shape), -1.0), axis=-1)
            step = vec.step(actions)
            mask = step.mask
    n = steps * n_envs * len(vec.agents)
    return n / (time.perf_counter() - start), n / (time.process_time() - cpu)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--edges", type=int, default=3, help="edge servers (agents)")
    parser.add_argument("--steps", type=int, default=5000, help="requests per edge per episode")
    parser.add_argument("--repeats", type=int, default=3, help="timed episodes per policy")
    parser.add_argument("--data", type=Path, default=None, help="prepared data directory (default $VELO_HOME/data)")
    parser.add_argument("--split", default="train", choices=("train", "test", "all"))
    parser.add_argument("--seed", type=int, default=0, help="episodes use seeds seed, seed+1, ...")
    parser.add_argument("--scenario", default=None,
                        help="measure velo_edge_v1 under this scenario (envs/scenarios.py); default: velo_edge_v0")
    parser.add_argument("--vector", type=int, default=0, metavar="N",
                        help="also measure envs.vector.VectorEdgeEnv over N environments (random actions, state every step)")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="also run one episode of each policy under cProfile and print the top N functions")
    args = parser.parse_args()

    data = args.data or prepared_dir()
    if not (data / "manifest.json").is_file():
        raise SystemExit(f"no prepared data in {data}; run `velo data prepare` (or pass --data)")
    t0 = time.perf_counter()
    try:
        config = dict(n_edges=args.edges, max_steps=args.steps, data_dir=data,
                      split=None if args.split == "all" else args.split)
        if args.scenario:
            from envs import velo_edge_v1

            env = velo_edge_v1.parallel_env(args.scenario, **config)
        else:
            env = velo_edge_v0.parallel_env(**config)
    except FileNotFoundError as exc:
        raise SystemExit(f"{exc}\n(the edge LLM profile is written by benchmarks/edge_llm_speed.py)") from None
    print(f"bank: {env.bank.n_items} items, {len(env.bank.texts)} texts ({time.perf_counter() - t0:.1f} s to load)",
          file=sys.stderr)

    first: dict[str, list[float]] = {name: [] for name in POLICIES}
    featurized: dict[str, int] = dict.fromkeys(POLICIES, 0)
    for repeat in range(args.repeats):
        for name in POLICIES:
            before = env.bank.extra_pairs
            n, seconds, _ = episode(env, name, args.seed + repeat)
            first[name].append(n / seconds)
            featurized[name] += env.bank.extra_pairs - before
            print(f"first pass {repeat} {name}: {n / seconds:,.0f} agent-steps/s", file=sys.stderr)
    env.close()  # keeps the newly featurized pairs for the next run

    rates: dict[str, list[float]] = {name: [] for name in POLICIES}
    cpu_rates: dict[str, list[float]] = {name: [] for name in POLICIES}
    for repeat in range(args.repeats):
        for name in POLICIES:
            n, seconds, cpu = episode(env, name, args.seed + repeat)
            rates[name].append(n / seconds)
            cpu_rates[name].append(n / cpu)
            print(f"run {repeat} {name}: {n / seconds:,.0f} agent-steps/s ({n / cpu:,.0f} per CPU second)", file=sys.stderr)

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\n`{env.metadata['name']}`{f' ({args.scenario})' if args.scenario else ''}, {args.edges} edges x {args.steps} steps, cache capacity {env.config.cache_capacity}, "
          f"top-{env.config.top_v}; {args.repeats} timed episodes per policy; one thread; "
          f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores, load average {load:.1f}\n")
    print("| policy | agent-steps/s (median, wall) | min | max | per CPU second (median) | µs per agent-step (CPU) | first pass (median) | pairs featurized in it |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, values in rates.items():
        median, cpu_median = statistics.median(values), statistics.median(cpu_rates[name])
        print(f"| {name} | {median:,.0f} | {min(values):,.0f} | {max(values):,.0f} | {cpu_median:,.0f} | {1e6 / cpu_median:.0f} "
              f"| {statistics.median(first[name]):,.0f} | {featurized[name]} |")
    if args.vector:
        wall, cpu = vector_rate(env, args.vector, args.steps, args.seed)
        print(f"\nVectorEdgeEnv, {args.vector} environments x {args.edges} agents, random actions, state every step: "
              f"{wall:,.0f} agent-steps/s wall, {cpu:,.0f} per CPU second")

    if args.profile:
        for name in POLICIES:
            profiler = cProfile.Profile()
            profiler.enable()
            episode(env, name, args.seed)
            profiler.disable()
            print(f"\n## cProfile, {name} (one episode, by own time)\n", file=sys.stderr)
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
