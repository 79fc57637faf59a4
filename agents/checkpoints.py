"""A training run's checkpoint: its policy and its training state, written as a pair that always resumes.

`velo train --out DIR` keeps two files (shared by every learner: `agents.mappo`, `agents.recurrent`, `agents.ippo_sb3`):

| file | holds | read by |
|---|---|---|
| `policy.safetensors` | the actor and its header (`velo.checkpoint`: algorithm, config, encoder, hit rule, CACHE floor, steps) | `velo evaluate`, the edge server |
| `train_state.pt` | the learner's state (critic, optimizers, value normalizer, generator), `steps`, the `hit_rule` and `cache_min_score` it was trained with, and `policy_file`: the exact bytes of the policy written with it (torch.save of tensors and plain values, read with `weights_only=True`) | `--resume` |

`write_checkpoint` writes both to temporary files, then renames the training state over its file first and the
policy second (`velo.files.write_files_in_order`). Interrupted (Ctrl-C, a full disk) at any point, DIR holds:

| interrupted | DIR holds | `--resume` continues from |
|---|---|---|
| while the temporaries are written | the previous pair, untouched (the temporaries are removed) | the previous checkpoint |
| between the two renames | the new state beside the previous policy (none at the first checkpoint) | the new one: `restore_policy` writes the policy saved in the state |
| after both | the new pair | the new one |

The state goes first because it holds the policy: the policy can be rebuilt from it, not the other way round (the
other order would leave a policy ahead of a state that cannot continue it). `velo train` restores the policy as soon
as Ctrl-C stops it, and `--resume` does before anything else. A state written before `policy_file` existed (before
`velo.policy/2`) is trusted with the policy beside it, as it was then.
"""

from __future__ import annotations

import io
import pickle
from dataclasses import asdict, fields
from pathlib import Path

import torch
from torch import nn

from velo.checkpoint import CheckpointHeader, canonical_bytes, read_header
from velo.files import write_bytes_atomic, write_files_in_order
from velo.observation import ObservationLayout
from velo.types import HitRuleId

TRAIN_STATE = "train_state.pt"
POLICY_FILE = "policy.safetensors"


def policy_bytes(actor: nn.Module, config, layout: ObservationLayout, steps: int, hit_rule: HitRuleId,
                 cache_min_score: float) -> bytes:
    """The actor as a `velo.policy/3` checkpoint (`velo.checkpoint`): safetensors + header, `config` a learner's
    config dataclass (`algo`, `actor_spec()`), `hit_rule` the rule its observations were scored with,
    `cache_min_score` the CACHE floor of its action masks (`VectorEdgeEnv.cache_min_score`). The same weights and
    header give the same bytes (`velo.checkpoint.canonical_bytes`)."""
    from safetensors.torch import save as save_bytes

    header = CheckpointHeader(config.algo, asdict(config), config.actor_spec(), layout.describe(), steps, asdict(hit_rule),
                              cache_min_score)
    tensors = {k: v.detach().contiguous().clone() for k, v in actor.state_dict().items()}
    return canonical_bytes(save_bytes(tensors, metadata=header.to_metadata()))


def write_checkpoint(out: Path, policy: bytes, state: dict, steps: int, hit_rule: HitRuleId, cache_min_score: float) -> Path:
    """Write `out/train_state.pt` (the learner's `state` entries, plus `steps`, `hit_rule`, `cache_min_score` and the
    `policy` bytes), then `out/policy.safetensors` (`policy`), as the module docstring says; returns the policy's path."""
    buffer = io.BytesIO()
    torch.save({**state, "steps": steps, "hit_rule": asdict(hit_rule), "cache_min_score": float(cache_min_score),
                "policy_file": torch.frombuffer(bytearray(policy), dtype=torch.uint8)}, buffer)
    write_files_in_order([(out / TRAIN_STATE, buffer.getvalue()), (out / POLICY_FILE, policy)])
    return out / POLICY_FILE


def read_state(out: Path) -> dict:
    """The training state `velo train` saved in `out` (torch, weights only), checked to be one: FileNotFoundError
    without one; ValueError naming the file for a damaged one (cut short, overwritten, not a training state), before
    anything is built (torch's own RuntimeError / KeyError / EOFError used to end the command in a traceback)."""
    path = out / TRAIN_STATE
    if not path.is_file():
        raise FileNotFoundError(f"--resume: no training state at {path} (train into this directory first)")
    try:
        saved = torch.load(path, weights_only=True)
    except (RuntimeError, KeyError, EOFError, ValueError, pickle.UnpicklingError, OSError) as exc:
        reason = str(exc).split(". ")[0].strip() or type(exc).__name__
        raise ValueError(f"--resume: {path} is damaged and cannot be read ({reason}); resume from a copy of it, or "
                         f"start afresh in another --out directory") from None
    if not isinstance(saved, dict) or not isinstance(saved.get("config"), dict) or not ("rollout" in saved or "num_timesteps" in saved):
        raise ValueError(f"--resume: {path} is not a training state written by `velo train` (no config and step count); "
                         "resume from a copy of it, or start afresh in another --out directory")
    return saved


def saved_steps(out: Path) -> int | None:
    """Agent-steps of the checkpoint a run in `out` resumes from: its training state's (a state from before `steps`
    was stored: the policy's beside it), None without a state (or a readable one)."""
    try:
        state = read_state(out)
    except (FileNotFoundError, ValueError):
        return None
    if "steps" in state:
        return int(state["steps"])
    policy = out / POLICY_FILE
    return read_header(policy).steps if policy.is_file() else None


def restore_policy(out: Path, state: dict | None = None) -> str | None:
    """Make `out/policy.safetensors` the policy saved with `out`'s training state (`state`, if already read), as after
    a checkpoint interrupted between its two files; returns a sentence saying what was replaced, or None when the
    pair already matched (or the state predates `policy_file`, or there is none)."""
    if state is None:
        try:
            state = read_state(out)
        except (FileNotFoundError, ValueError):
            return None
    saved = state.get("policy_file")
    if saved is None:
        return None
    data = saved.numpy().tobytes()
    policy = out / POLICY_FILE
    if policy.is_file() and policy.read_bytes() == data:
        return None
    try:
        was = f"the policy at {read_header(policy).steps:,} agent-steps" if policy.is_file() else "missing"
    except ValueError:
        was = "damaged"
    write_bytes_atomic(policy, data)
    return (f"{policy} was {was} (a checkpoint interrupted between its two files); it is now the policy saved with "
            f"{out / TRAIN_STATE}, at {int(state['steps']):,} agent-steps")


def run_floor(out: Path, state: dict | None = None) -> float | None:
    """The CACHE floor (`cache_min_score`) the run in `out` trains under: its training state's (`state`, if already
    read), or for a state from before the floor was stored the `trained_floor` of the policy saved with it
    (`velo.checkpoint`: 0.5 for every run of `velo.obs/4`); None when unknown."""
    if state is None:
        state = read_state(out)
    if state.get("cache_min_score") is not None:
        return float(state["cache_min_score"])
    restore_policy(out, state)
    policy = out / POLICY_FILE
    return read_header(policy).trained_floor if policy.is_file() else None


def resume_state(out: Path, config, hit_rule: HitRuleId, cache_min_score: float) -> dict:
    """The training state `--resume` continues from, with `out`'s policy made the one saved with it
    (`restore_policy`). Refused (ValueError) when it was trained with other settings than `config` (`total_steps`
    aside; a setting the run predates counts as its default), under another hit rule than `hit_rule` (the
    environment's: one policy would be trained under two rules) or under another CACHE floor than `cache_min_score`
    (the environment's mask: `run_floor`); FileNotFoundError without a state."""
    saved = read_state(out)
    path = out / TRAIN_STATE
    mine = asdict(config)
    differs = [f.name for f in fields(config)
               if f.name != "total_steps" and saved["config"].get(f.name, f.default) != mine[f.name]]
    if differs:
        raise ValueError(f"--resume: {path} was trained with other settings ({', '.join(differs)}: "
                         + ", ".join(f"{k}={saved['config'].get(k)!r}" for k in differs) + "); use the same ones")
    if saved.get("hit_rule") is not None and (trained := HitRuleId(**saved["hit_rule"])).fingerprint != hit_rule.fingerprint:
        raise ValueError(f"--resume: {path} was trained with hit rule {trained}, but the environment now decides with "
                         f"{hit_rule} (the shipped rule changed since): continuing would train one policy under two "
                         "rules; start a new run in another --out directory")
    if (floor := run_floor(out, saved)) is not None and floor != float(cache_min_score):
        raise ValueError(floor_differs(out, floor, cache_min_score))
    restore_policy(out, saved)
    return saved


def floor_differs(out: Path, floor: float, given: float) -> str:
    """The refusal of a `--resume` of the run in `out` (trained under CACHE floor `floor`) under floor `given`."""
    return (f"--resume: {out / TRAIN_STATE} was trained with --cache-min-score {floor:g}, not {float(given):g}: "
            "continuing would train one policy under two action masks; leave --cache-min-score out (or give "
            f"--cache-min-score {floor:g}) to continue the run, or train into another --out directory")


def resume_learner(out: Path, config, hit_rule: HitRuleId, cache_min_score: float, parts: dict,
                   generator: torch.Generator) -> int:
    """`resume_state` loaded into a MAPPO-family learner: its `parts` ({name: module or optimizer}, as saved) and
    its `generator`; returns the rollouts done."""
    saved = resume_state(out, config, hit_rule, cache_min_score)
    for key, part in parts.items():
        part.load_state_dict(saved[key])
    generator.set_state(saved["generator"])
    return int(saved["rollout"])
