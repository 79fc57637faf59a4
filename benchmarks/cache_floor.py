"""What the edge's `cache_min_score` floor costs a policy in the simulator, and which hits it takes away.

    python benchmarks/cache_floor.py [--policy dlrs] [--floor 0.5] [--split test] [--episodes 10] [--scenarios lookalike,paper]

Runs the policy on the same seeded `velo_edge_v1` episodes twice: with `cache_min_score=0` (CACHE offered whenever a
neighbour exists, the environment's mask before the floor) and with `cache_min_score=FLOOR` (CACHE withheld whenever the
hit rule scores the best neighbour below it: `velo.policy.cache_servable`, the environment's default mask and the live
edge's). Prints per scenario the mean satisfaction, the share of requests served from the cache and the false-hit
rate of each run, and the difference. The simulator's wrong neighbours are almost never one-word look-alikes (see
`EdgeSettings.cache_min_score`), so the hits the floor takes away here are rewordings the rule misses: the cost printed is
what the floor costs where the simulator holds every low-score neighbour of the same item right.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from envs import velo_edge_v1  # noqa: E402
from velo.policy import CACHE, load_policy  # noqa: E402


def run(env, policy, episodes: int) -> tuple[float, float, float]:  # noqa: ANN001
    """(mean satisfaction, cache share, false-hit rate) over `episodes` episodes seeded 5000, 5001, ..."""
    total, hits, wrong, n = 0.0, 0, 0, 0
    for episode in range(episodes):
        obs, _ = env.reset(seed=5000 + episode)
        while env.agents:
            actions = {agent: int(policy.act(obs[agent]["observation"], obs[agent]["action_mask"])) for agent in env.agents}
            obs, _, _, _, infos = env.step(actions)
            for info in infos.values():
                outcome = info["outcome"]
                total, n = total + outcome["satisfaction"], n + 1
                if outcome["action"] == CACHE:
                    hits, wrong = hits + 1, wrong + (not outcome["hit_correct"])
    return total / n, hits / n, wrong / max(1, hits)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--policy", default="dlrs")
    parser.add_argument("--floor", type=float, default=0.5)
    parser.add_argument("--split", default="test")
    parser.add_argument("--episodes", type=int, default=10)
    parser.add_argument("--scenarios", default="lookalike,paper")
    args = parser.parse_args()
    for scenario in args.scenarios.split(","):
        free_env = velo_edge_v1.parallel_env(scenario, split=args.split, cache_min_score=0.0)
        floored_env = velo_edge_v1.parallel_env(scenario, bank=free_env.bank, split=args.split, cache_min_score=args.floor)
        policy = load_policy(args.policy, free_env.layout)
        free, floored = run(free_env, policy, args.episodes), run(floored_env, policy, args.episodes)
        for label, (satisfaction, share, false_hits) in (("no floor", free), (f"floor {args.floor}", floored)):
            print(f"{scenario:18s} {label:10s} satisfaction {satisfaction:.4f}  cache share {share:.3f}  false-hit rate {false_hits:.4f}")
        print(f"{scenario:18s} the floor changes satisfaction by {floored[0] - free[0]:+.4f}")


if __name__ == "__main__":
    main()
