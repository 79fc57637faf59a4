"""Samples per second of each actor: forward without gradients (collection) and forward + backward (update).

    python benchmarks/actor_speed.py [--batch 1024] [--threads 1] [--top-v 10]

Prints one row per actor (MLP, Transformer encoder sizes, the diffusion actor at L = 5 / 10 / 15 denoising
steps) with the median of 7 repetitions, on the observation layout of the e5 embedder (384 dims) and top-V
search results. Used to size the default networks so that training DLRS fits in 30 minutes on two cores.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from velo.networks.actors import CategoricalActor  # noqa: E402
from velo.networks.diffusion import DiffusionActor  # noqa: E402
from velo.networks.encoders import MLPEncoder, TransformerEncoder  # noqa: E402
from velo.observation import ObservationLayout  # noqa: E402


def measure(actor: torch.nn.Module, layout: ObservationLayout, batch: int, reps: int = 7) -> tuple[float, float]:
    obs, mask = torch.randn(batch, layout.size), torch.ones(batch, 4)
    noise = actor.sample_noise(batch, torch.Generator().manual_seed(0))
    forward, update = [], []
    for _ in range(reps):
        t0 = time.perf_counter()
        with torch.no_grad():
            actor(obs, mask, noise)
        t1 = time.perf_counter()
        actor(obs, mask, noise).log_prob(torch.zeros(batch, dtype=torch.long)).mean().backward()
        t2 = time.perf_counter()
        forward.append(t1 - t0)
        update.append(t2 - t1)
    return batch / statistics.median(forward), batch / statistics.median(update)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=1024)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--top-v", type=int, default=10)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    layout = ObservationLayout(384, args.top_v)
    actors = {
        "mlp (MAPPO)": CategoricalActor(MLPEncoder(layout)),
        "transformer d32 h2 l1 (T-MAPPO, LRS)": CategoricalActor(TransformerEncoder(layout)),
        "transformer d64 h4 l2": CategoricalActor(TransformerEncoder(layout, 64, 4, 2)),
        **{f"diffusion L{n} (DLRS)": DiffusionActor(TransformerEncoder(layout), denoise_steps=n) for n in (5, 10, 15)},
    }
    print(f"batch {args.batch}, {args.threads} thread(s), top-V {args.top_v}; samples/s, median of 7")
    print(f"{'actor':40s} {'forward':>10s} {'fwd+bwd':>10s} {'params':>8s}")
    for name, actor in actors.items():
        fwd, upd = measure(actor, layout, args.batch)
        print(f"{name:40s} {fwd:10.0f} {upd:10.0f} {sum(p.numel() for p in actor.parameters()):8d}")


if __name__ == "__main__":
    main()
