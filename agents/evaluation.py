"""Run policies through the edge environment and summarise what users got.

Metrics per policy, over every request of every episode:

* satisfaction (mean; all / similar / new requests), quality (mean);
* latency mean and p95 (ms);
* cache hit rate: share of requests answered from the cache;
* false-hit rate: share of cache answers that answered a different question;
* action shares; cloud calls (CLOUD + CLOUD_CONTEXT) per 1000 requests;
* invalid actions (masked actions a policy chose; served by the cloud instead);
* `*_ci95`: half-width of the 95% Student-t interval of satisfaction (all / similar / new) over per-episode
  means (`agents.statistics`: episodes, not requests, are the independent unit).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from agents.policy import Policy
from agents.statistics import episode_means, mean_interval
from envs.velo_edge_v0 import VeloEdgeEnv
from velo.policy import ACTIONS, CACHE, CLOUD, CLOUD_CONTEXT


BATCH_EPISODES = 10
"""Episodes stepped together for a policy that acts on batches (`act_many`): one forward pass per step for all
their agents instead of one per agent (a DLRS action costs ~1.1 ms of CPU alone, the environment ~0.2 ms)."""


def run_episodes(
    env: VeloEdgeEnv, policy: Policy, episodes: int, seed: int, on_step: Callable[[], None] | None = None,
    batch: int = BATCH_EPISODES,
) -> list[dict]:
    """Per-request records of `episodes` episodes seeded seed, seed+1, ... (the same for every policy), each
    record with its `episode` index. `on_step` is called once per environment step of each episode.

    A policy with `act_many` (a stateless learned policy) acts for up to `batch` episodes at once, run in
    lockstep on copies of `env` that share its request bank; the episodes and their seeds are the same."""
    if hasattr(policy, "act_many") and not getattr(policy, "stateful", False) and not hasattr(policy, "observe_env"):
        return _run_batched(env, policy, episodes, seed, on_step, max(1, min(batch, episodes)))
    records: list[dict] = []
    # A stateful (recurrent) policy remembers its edge's requests: one copy per edge, reset per episode.
    stateful = getattr(policy, "stateful", False)
    for ep in range(episodes):
        obs, _ = env.reset(seed=seed + ep)
        acting = {a: policy.spawn() if stateful else policy for a in env.agents}
        while env.agents:
            actions = {}
            for agent in env.agents:
                if hasattr(policy, "observe_env"):
                    policy.observe_env(env, agent)
                actions[agent] = acting[agent].act(obs[agent]["observation"], obs[agent]["action_mask"])
            obs, *_ = env.step(actions)
            if on_step is not None:
                on_step()
        records += [{**r, "episode": ep} for r in env.records]
    return records


def _run_batched(env: VeloEdgeEnv, policy, episodes: int, seed: int, on_step, batch: int) -> list[dict]:
    envs = [env] + [env.with_config() for _ in range(batch - 1)]
    records: list[dict] = []
    for first in range(0, episodes, batch):
        live = envs[: min(batch, episodes - first)]
        obs = [e.reset(seed=seed + first + i)[0] for i, e in enumerate(live)]
        while any(e.agents for e in live):
            rows = [(i, agent) for i, e in enumerate(live) for agent in e.agents]
            chosen = policy.act_many(np.stack([obs[i][a]["observation"] for i, a in rows]),
                                     np.stack([obs[i][a]["action_mask"] for i, a in rows]))
            actions: list[dict] = [{} for _ in live]
            for (i, agent), action in zip(rows, chosen):
                actions[i][agent] = int(action)
            for i, e in enumerate(live):
                if e.agents:
                    obs[i] = e.step(actions[i])[0]
                    if on_step is not None:
                        on_step()
        for i, e in enumerate(live):
            records += [{**r, "episode": first + i} for r in e.records]
    return records


def summarize(records: Sequence[dict]) -> dict[str, float]:
    if records and "kept" in records[0]:  # offload to all edges: one answer per request reached the user
        records = [r for r in records if r["kept"]]
    sat = np.array([r["satisfaction"] for r in records])
    similar = np.array([r["similar"] for r in records])
    action = np.array([r["action"] for r in records])
    latency = np.array([r["latency_ms"] for r in records])
    cached = action == CACHE
    wrong = np.array([r["hit_correct"] is False for r in records])
    out = {
        "requests": float(len(records)),
        "satisfaction": float(sat.mean()),
        "satisfaction_similar": float(sat[similar].mean()) if similar.any() else float("nan"),
        "satisfaction_new": float(sat[~similar].mean()) if (~similar).any() else float("nan"),
        "quality": float(np.mean([r["quality"] for r in records])),
        "latency_mean_ms": float(latency.mean()),
        "latency_p95_ms": float(np.percentile(latency, 95)),
        "cache_hit_rate": float(cached.mean()),
        "false_hit_rate": float(wrong.sum() / cached.sum()) if cached.any() else 0.0,
        "cloud_calls_per_1000": float(1000.0 * np.isin(action, (CLOUD, CLOUD_CONTEXT)).mean()),
        "invalid_actions": float(np.mean([r["invalid_action"] for r in records])),
    }
    for i, name in enumerate(ACTIONS):
        out[f"share_{name}"] = float((action == i).mean())
    if records and "episode" in records[0]:
        for subset, key in (("all", "satisfaction"), ("similar", "satisfaction_similar"), ("new", "satisfaction_new")):
            out[f"{key}_ci95"] = mean_interval(list(episode_means(records, "satisfaction", subset).values())).half_width
    if records and "abandoned" in records[0]:  # velo_edge_v1
        out["abandoned_rate"] = float(np.mean([r["abandoned"] for r in records]))
        out["cloud_failed_rate"] = float(np.mean([r["cloud_failed"] for r in records]))
    return out


PLOT_FILES = ("satisfaction.png", "latency.png", "actions.png")
"""The charts `plot` writes into its directory (`velo evaluate --plots`), in place."""

TABLE_COLUMNS = (
    ("satisfaction", "sat"), ("satisfaction_similar", "sat sim"), ("satisfaction_new", "sat new"),
    ("latency_mean_ms", "lat ms"), ("latency_p95_ms", "p95 ms"), ("cache_hit_rate", "hit"),
    ("false_hit_rate", "false hit"), ("share_cache", "cache"), ("share_edge", "edge"), ("share_cloud", "cloud"),
    ("share_cloud_context", "cloud+ctx"), ("cloud_calls_per_1000", "cloud/1k"),
)


def markdown_table(results: dict[str, dict[str, float]]) -> str:
    head = "| policy | " + " | ".join(label for _, label in TABLE_COLUMNS) + " |"
    rule = "|---|" + "---:|" * len(TABLE_COLUMNS)
    rows = []
    for name, m in results.items():
        cells = ["n/a" if np.isnan(m[k]) else f"{m[k]:,.0f}" if k.endswith(("_ms", "_1000")) else f"{m[k]:.3f}" for k, _ in TABLE_COLUMNS]
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join([head, rule, *rows])


def plot(results: dict[str, dict[str, float]], out_dir: Path) -> list[Path]:
    """Bar charts of satisfaction (all / similar / new), latency, and action shares per policy."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    names = list(results)
    x = np.arange(len(names))

    def chart(filename: str, ylabel: str, bars: list[tuple[str, str]], stacked: bool = False) -> Path:
        fig, ax = plt.subplots(figsize=(max(6, 1.2 * len(names)), 4))
        width = 0.6 if stacked else 0.8 / len(bars)
        bottom = np.zeros(len(names))
        for i, (key, label) in enumerate(bars):
            values = np.array([results[n][key] for n in names])
            offset = 0.0 if stacked else (i - (len(bars) - 1) / 2) * width
            ax.bar(x + offset, values, width, bottom=bottom if stacked else None, label=label)
            if stacked:
                bottom += values
        ax.set_xticks(x, names, rotation=30, ha="right")
        ax.set_ylabel(ylabel)
        ax.legend()
        fig.tight_layout()
        path = out_dir / filename
        fig.savefig(path, dpi=120)
        plt.close(fig)
        return path

    return [
        chart(PLOT_FILES[0], "mean satisfaction",
              [("satisfaction", "all"), ("satisfaction_similar", "similar"), ("satisfaction_new", "new")]),
        chart(PLOT_FILES[1], "latency (ms)", [("latency_mean_ms", "mean"), ("latency_p95_ms", "p95")]),
        chart(PLOT_FILES[2], "share of requests", [(f"share_{a}", a) for a in ACTIONS], stacked=True),
    ]
