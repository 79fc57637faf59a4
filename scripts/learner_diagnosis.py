"""Why do the learners fall below a one-feature threshold rule? Supervised fits on hindsight outcomes (issue 10).

    python scripts/learner_diagnosis.py coverage
    python scripts/learner_diagnosis.py collect --out /tmp/diag/data.npz [--rollouts 40] [--seed 5000000] [--split train]
    python scripts/learner_diagnosis.py fit /tmp/diag/data.npz [--epochs 15] [--drop request,language]

`coverage` counts, per split and language, the questions with rewordings and the rewordings (the environment's
"similar" requests are rewordings: `envs.bank`), from the prepared data in $VELO_HOME and every paraphrase source.

`collect` runs the training environments (train split, scenario drawn per episode from the non-calm suite, as
`velo train`) under Greedy-0.1 with 20 % uniformly random actions, and stores per agent-step the observation, the
action mask, the hindsight satisfaction of every action (`action_outcomes`, the oracle's input) and the question's
bank item. Seeds from 5,000,000: a range no training run (seeds 0 ..), Greedy tuning (1,000,000 ..) or test
evaluation (9173 ..) uses.

`fit` splits the samples by question (80 % of the train questions fit, 20 % held out: the test split repeats no
train question either) and fits, by plain supervised learning on one thread, each actor network as `velo train`
builds it with three targets:
- `bc-argmax`: cross-entropy to the oracle's argmax (what LRS / DLRS clone);
- `expected`: maximise sum_a pi(a|obs) q(obs, a) over the hindsight outcomes q, whose optimum is the action of best
  expected satisfaction given the observation (the hindsight noise averages out over samples);
- `regress`: a per-action regressor of q (masked MSE), acting by its argmax.
Each is judged as a greedy (argmax) policy by the mean hindsight satisfaction of its chosen action on the held-out
questions' samples, beside Greedy-θ and the oracle on the same samples (a one-step comparison on the behaviour
policy's states: it ignores what a choice does to later requests, which the environment evaluation measures).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from velo.observation import ObservationLayout
from velo.policy import CACHE, CLOUD


def coverage() -> None:
    from collections import Counter

    from envs.bank import all_paraphrase_files, load_paraphrases
    from velo.data.prepare import load_prepared
    from velo.paths import prepared_dir

    rewordings = load_paraphrases(all_paraphrase_files())
    for split in ("train", "test"):
        pairs = load_prepared(prepared_dir(), split)
        questions, covered, texts = Counter(), Counter(), Counter()
        for p in pairs:
            questions[p.lang] += 1
            n = len({q for q in rewordings.get(p.id, []) if q != p.question})
            covered[p.lang] += n > 0
            texts[p.lang] += n
        print(f"{split}: " + ", ".join(f"{lang} {covered[lang]}/{questions[lang]} questions reworded ({texts[lang]} rewordings)"
                                        for lang in sorted(questions)))


def collect(out: Path, rollouts: int, seed: int, split: str = "train", eps: float = 0.2) -> None:
    from envs.mixture import training_envs

    vec = training_envs(4, 100, split=split)
    layout = vec.envs[0].layout
    rng = np.random.default_rng(seed)
    obs, mask, _ = vec.reset(seed)
    rows: dict[str, list] = {k: [] for k in ("obs", "mask", "q", "item", "similar", "scenario")}
    began = time.perf_counter()
    for _ in range(rollouts * 100):
        q = np.array([[e.action_outcomes(a) for a in vec.agents] for e in vec.envs])
        names = [e.scenario for e in vec.envs]
        sim = layout.best_similarity(obs)
        greedy = np.where(layout.best_present(obs) & (1.0 - sim <= 0.1) & (mask[..., CACHE] > 0), CACHE, CLOUD)
        random = np.array([[rng.choice(np.flatnonzero(m)) for m in env_mask] for env_mask in mask])
        action = np.where(rng.random(greedy.shape) < eps, random, greedy)
        step = vec.step(action)
        for i, info in enumerate(step.infos):
            for j, agent in enumerate(vec.agents):
                record = info[agent]["outcome"]
                rows["obs"].append(obs[i, j]); rows["mask"].append(mask[i, j]); rows["q"].append(q[i, j])
                rows["item"].append(record["item"]); rows["similar"].append(bool(record["similar"]))
                rows["scenario"].append(names[i])
        obs, mask = step.obs, step.mask
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, **{k: np.array(v) for k, v in rows.items()}, dim=layout.dim, top_v=layout.top_v)
    print(f"{len(rows['obs'])} samples in {time.perf_counter() - began:.0f} s -> {out}")


def value(q: np.ndarray, action: np.ndarray) -> float:
    return float(np.take_along_axis(q, action[:, None], 1).mean())


def greedy_actions(layout: ObservationLayout, obs: np.ndarray, mask: np.ndarray, distance: float) -> np.ndarray:
    hit = layout.best_present(obs) & (1.0 - layout.best_similarity(obs) <= distance) & (mask[:, CACHE] > 0)
    return np.where(hit, CACHE, CLOUD)


def fit_one(actor, target: str, obs, mask, q, epochs: int, seed: int) -> None:
    """Fit `actor` (velo.networks interface; noise zeros) to `target` on (obs, mask, q) tensors."""
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(actor.parameters(), lr=1e-3)
    qq = torch.nan_to_num(q, nan=0.0)
    label = torch.where(mask, torch.nan_to_num(q, nan=-1e9), torch.full_like(q, -1e9)).argmax(1)
    n = len(obs)
    for _ in range(epochs):
        for idx in torch.randperm(n, generator=gen).split(256):
            noise = torch.zeros(len(idx), actor.noise_dim)
            if target == "regress":
                pred = actor.logits_of(obs[idx], noise)
                loss = (((pred - qq[idx]) ** 2) * mask[idx]).sum(1).mean()
            else:
                dist = actor(obs[idx], mask[idx], noise)
                if target == "bc-argmax":
                    loss = -dist.log_prob(label[idx]).mean()
                else:  # expected: -sum_a pi(a|obs) q(obs, a), centred per state (same gradient, less variance)
                    centred = (qq[idx] - (qq[idx] * mask[idx]).sum(1, keepdim=True) / mask[idx].sum(1, keepdim=True))
                    loss = -(dist.probs * centred * mask[idx]).sum(1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()


@torch.no_grad()
def act(actor, target: str, obs, mask) -> np.ndarray:
    noise = torch.zeros(len(obs), actor.noise_dim)
    if target == "regress":
        scores = actor.logits_of(obs, noise).masked_fill(~mask, -1e9)
        return scores.argmax(1).numpy()
    return actor(obs, mask, noise).probs.argmax(1).numpy()


class Head(nn.Module):
    """encoder + linear head, the categorical actor's shape; `logits_of` gives the raw head (for `regress`)."""

    noise_dim = 0

    def __init__(self, encoder: nn.Module) -> None:
        super().__init__()
        self.encoder = encoder
        self.head = nn.Linear(encoder.out_dim, 4)

    def logits_of(self, obs, noise):
        return self.head(self.encoder(obs))

    def forward(self, obs, mask, noise=None):
        from velo.networks.actors import masked_categorical

        return masked_categorical(self.logits_of(obs, noise), mask)


def fit(path: Path, epochs: int, encoders: list[str], targets: list[str], drop: list[str], seed: int = 0) -> None:
    from velo.networks import build_encoder

    torch.set_num_threads(1)
    data = np.load(path)
    layout = ObservationLayout(int(data["dim"]), int(data["top_v"]))
    obs, mask, q, item = data["obs"].copy(), data["mask"].astype(bool), data["q"], data["item"]
    for name in drop:
        obs[:, layout.slices[name]] = 0.0  # the segment carries nothing: what a network that ignores it sees
    items = np.unique(item)
    held = np.random.default_rng(seed).permutation(items)[: len(items) // 5]
    test = np.isin(item, held)
    print(f"{len(obs)} samples, {len(items)} questions; held out {len(held)} questions ({test.sum()} samples)")
    qn = np.nan_to_num(q, nan=-np.inf)
    oracle = np.where(mask, qn, -np.inf).argmax(1)
    for part, sel in (("fit", ~test), ("held-out", test)):
        line = [f"oracle {value(q[sel], oracle[sel]):.4f}"]
        for d in (0.05, 0.1, 0.15, 0.2):
            line.append(f"greedy-{d:g} {value(q[sel], greedy_actions(layout, obs[sel], mask[sel], d)):.4f}")
        line.append(f"cloud {value(q[sel], np.full(sel.sum(), CLOUD)):.4f}")
        print(f"{part:9s} " + "  ".join(line) + f"  oracle cache share {np.mean(oracle[sel] == CACHE):.2f}")
    t_obs, t_mask, t_q = (torch.as_tensor(x[~test]) for x in (obs, mask, q))
    h_obs, h_mask = torch.as_tensor(obs[test]), torch.as_tensor(mask[test])
    for enc in encoders:
        name, _, opt = enc.partition(":")
        spec = {"name": name} | ({"hidden": 128} if name == "mlp" else {})
        spec |= dict(kv.split("=") for kv in opt.split(",") if kv) if opt else {}
        spec = {k: (int(v) if isinstance(v, str) and v.isdigit() else v) for k, v in spec.items()}
        for target in targets:
            torch.manual_seed(seed)
            actor = Head(build_encoder(spec, layout))
            began = time.process_time()
            fit_one(actor, target, t_obs, t_mask, t_q, epochs, seed)
            a_fit, a_held = act(actor, target, t_obs, t_mask), act(actor, target, h_obs, h_mask)
            print(f"{enc:28s} {target:10s} fit {value(q[~test], a_fit):.4f}  held-out {value(q[test], a_held):.4f}"
                  f"  cache share {np.mean(a_held == CACHE):.2f} edge {np.mean(a_held == 1):.2f}"
                  f"  ({time.process_time() - began:.0f} CPU s)", flush=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("coverage")
    c = sub.add_parser("collect")
    c.add_argument("--out", type=Path, required=True)
    c.add_argument("--rollouts", type=int, default=40)
    c.add_argument("--seed", type=int, default=5_000_000)
    c.add_argument("--split", default="train")
    f = sub.add_parser("fit")
    f.add_argument("data", type=Path)
    f.add_argument("--epochs", type=int, default=15)
    f.add_argument("--encoders", default="mlp,transformer")
    f.add_argument("--targets", default="bc-argmax,expected,regress")
    f.add_argument("--drop", default="", help="observation segments to zero, e.g. request")
    args = p.parse_args()
    if args.cmd == "coverage":
        coverage()
    elif args.cmd == "collect":
        collect(args.out, args.rollouts, args.seed, args.split)
    else:
        fit(args.data, args.epochs, args.encoders.split(";") if ";" in args.encoders else args.encoders.split(","),
            args.targets.split(","), [d for d in args.drop.split(",") if d])


if __name__ == "__main__":
    main()
