"""Learning curves of training runs on the same axes, read from the TensorBoard logs `velo train` writes.

Every learner logs `train/reward` (mean satisfaction per request over one rollout, in [0, 1]) against
agent-steps, and `reward/<scenario>` for the scenario each episode drew. A rollout's reward is noisy
(its episodes draw different scenarios), so the plot shows a trailing moving average over `smooth`
rollouts, with the raw points faint behind it.

Reading uses TensorBoard's own `EventAccumulator` (the event format is TensorBoard's, not ours).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

REWARD_TAG = "train/reward"


def read_curve(run_dir: Path, tag: str = REWARD_TAG) -> tuple[np.ndarray, np.ndarray]:
    """(agent-steps, values) of `tag` in the run's `tb/` logs, both shape (n_rollouts,), sorted by step.

    Raises FileNotFoundError if `run_dir/tb` holds no event file, KeyError naming the tags it does hold
    if `tag` is not among them.
    """
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    logs = Path(run_dir) / "tb"
    if not any(logs.glob("events.out.tfevents.*")):
        raise FileNotFoundError(f"{run_dir}: no TensorBoard events in {logs} (is it a `velo train --out` directory?)")
    events = EventAccumulator(str(logs), size_guidance={"scalars": 0})
    events.Reload()
    tags = events.Tags()["scalars"]
    if tag not in tags:
        raise KeyError(f"{run_dir}: no scalar {tag!r}; it logs {', '.join(sorted(tags))}")
    # A resumed run appends to the same directory: keep the last value logged at each step.
    by_step = {e.step: e.value for e in events.Scalars(tag)}
    steps = np.array(sorted(by_step), dtype=np.int64)
    return steps, np.array([by_step[s] for s in steps], dtype=np.float64)


def moving_average(values: np.ndarray, window: int) -> np.ndarray:
    """Trailing mean over the last `window` values (fewer at the start), same shape as `values`."""
    if window < 1:
        raise ValueError(f"window must be >= 1, got {window}")
    sums = np.cumsum(np.concatenate([[0.0], values]))
    ends = np.arange(1, len(values) + 1)
    starts = np.maximum(ends - window, 0)
    return (sums[ends] - sums[starts]) / (ends - starts)


def plot_curves(runs: dict[str, Path], out: Path, smooth: int = 20, tag: str = REWARD_TAG) -> Path:
    """One PNG with every run's `tag` against agent-steps on shared axes; returns `out`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    curves = {name: read_curve(path, tag) for name, path in runs.items()}
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for i, (name, (steps, values)) in enumerate(curves.items()):
        # the default colour cycle has 10 colours: the 11th run on is dashed, so no two runs look alike
        (line,) = ax.plot(steps, moving_average(values, smooth), label=name, linewidth=1.5,
                          linestyle="-" if i < 10 else "--")
        ax.plot(steps, values, color=line.get_color(), alpha=0.15, linewidth=0.5)
    ax.set_xlabel("agent-steps")
    ax.set_ylabel(f"{tag} (moving average over {smooth} rollouts)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, ncol=2)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out
