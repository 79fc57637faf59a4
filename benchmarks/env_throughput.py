"""Throughput of the edge environment `velo_edge_v0`: agent-steps per second on one core.

An agent-step is one agent's share of `env.step`: its request is looked up in its edge's cache, observed,
acted on by the policy and served. The figure bounds how fast agents can be trained against the
environment. Runs one warm-up episode per policy (the request bank computes features of pairs it meets
for the first time and remembers them), then `--repeats` timed episodes per policy, interleaved so other
load on the machine spreads over both, and prints a markdown table of the median.

    python benchmarks/env_throughput.py --edges 3 --steps 5000 --repeats 3
    python benchmarks/env_throughput.py --profile 25      # also cProfile one episode, top 25 functions

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
WARMUP_SEED = 1000
"""Timed episodes use seeds 0, 1, ...: the warm-up must not replay one of them."""


def episode(env: VeloEdgeEnv, policy: Policy, seed: int) -> tuple[int, float]:
    """Agent-steps of one episode and the seconds they took (reset included)."""
    start = time.perf_counter()
    obs, _ = env.reset(seed=seed)
    n = 0
    while env.agents:
        actions = {a: policy.act(obs[a]["observation"], obs[a]["action_mask"]) for a in env.agents}
        n += len(actions)
        obs, *_ = env.step(actions)
    return n, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--edges", type=int, default=3, help="edge servers (agents)")
    parser.add_argument("--steps", type=int, default=5000, help="requests per edge per episode")
    parser.add_argument("--repeats", type=int, default=3, help="timed episodes per policy")
    parser.add_argument("--data", type=Path, default=None, help="prepared data directory (default $VELO_HOME/data)")
    parser.add_argument("--split", default="train", choices=("train", "test", "all"))
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="also run one episode of each policy under cProfile and print the top N functions")
    args = parser.parse_args()

    data = args.data or prepared_dir()
    if not (data / "manifest.json").is_file():
        raise SystemExit(f"no prepared data in {data}; run `velo data prepare` (or pass --data)")
    t0 = time.perf_counter()
    try:
        env = velo_edge_v0.parallel_env(
            n_edges=args.edges, max_steps=args.steps, data_dir=data, split=None if args.split == "all" else args.split
        )
    except FileNotFoundError as exc:
        raise SystemExit(f"{exc}\n(the edge LLM profile is written by benchmarks/edge_llm_speed.py)") from None
    policies = {name: load_policy(name, env.layout, seed=0) for name in POLICIES}
    print(f"bank: {env.bank.n_items} items, {len(env.bank.texts)} texts ({time.perf_counter() - t0:.1f} s to load)",
          file=sys.stderr)

    for name, policy in policies.items():
        n, seconds = episode(env, policy, WARMUP_SEED)
        print(f"warm-up {name}: {n} agent-steps in {seconds:.1f} s", file=sys.stderr)

    rates: dict[str, list[float]] = {name: [] for name in POLICIES}
    for repeat in range(args.repeats):
        for name, policy in policies.items():
            n, seconds = episode(env, policy, repeat)
            rates[name].append(n / seconds)
            print(f"run {repeat} {name}: {n / seconds:,.0f} agent-steps/s", file=sys.stderr)

    print(f"\n`velo_edge_v0`, {args.edges} edges x {args.steps} steps, cache capacity {env.config.cache_capacity}, "
          f"top-{env.config.top_v}; {args.repeats} timed episodes per policy; one thread; "
          f"Python {platform.python_version()} on {platform.machine()}\n")
    print("| policy | agent-steps/s (median) | min | max | µs per agent-step |")
    print("|---|---:|---:|---:|---:|")
    for name, values in rates.items():
        median = statistics.median(values)
        print(f"| {name} | {median:,.0f} | {min(values):,.0f} | {max(values):,.0f} | {1e6 / median:.0f} |")

    if args.profile:
        for name, policy in policies.items():
            profiler = cProfile.Profile()
            profiler.enable()
            episode(env, policy, args.repeats)
            profiler.disable()
            print(f"\n## cProfile, {name} (one episode, by own time)\n", file=sys.stderr)
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
