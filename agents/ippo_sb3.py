"""IPPO-SB3: parameter-shared PPO from stable-baselines3 over the same environment (a library baseline).

Every (environment, edge agent) pair is one of SB3's environments (`EdgeVecEnv`, a thin `VecEnv` over
`envs.vector.VectorEdgeEnv`: STACK.md notes that supersuit's ConcatVecEnv breaks `PPO(seed=...)`), so one
`MlpPolicy` acts for all agents (parameter sharing) and its critic sees only the agent's own observation
(independent PPO, IPPO: de Witt et al. 2020, arXiv 2011.09533). The observation is the agent's observation
with its action mask appended; SB3's PPO cannot mask actions, so a masked choice is served by CLOUD and
counted as invalid, as the environment does. An episode's end is terminal, as in `agents.mappo`.
With `request_identity=False` (`--no-request-identity`) SB3 is given the observation without the request's
embedding and language (from the follow-up flag on), as the MAPPO family's encoders leave them out.

Hyper-parameters are MAPPO's where they have a counterpart (gamma 0.99, lambda 0.95, clip 0.2, entropy 0.01,
5 epochs, 4 minibatches, one episode per rollout); the rest are SB3's defaults (lr 3e-4, [64, 64] tanh).
Checkpoints: the policy as a `velo.policy/3` file (`velo.networks.SB3MlpActor`) and, for `--resume`, the
SB3 policy's and optimizer's state (torch.save of tensors only, read with weights_only=True; SB3's own zip
format is not used because it unpickles), written as a pair by `agents.checkpoints`. A resumed run continues the weights and the step count, but the
rollout buffer and the environments restart: it is not bit-identical to an uninterrupted run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from gymnasium import spaces
from stable_baselines3 import PPO
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.logger import configure
from stable_baselines3.common.vec_env import VecEnv

from agents.checkpoints import POLICY_FILE, policy_bytes, resume_state, write_checkpoint
from agents.mappo import RolloutStats, require_positive_ints, whole_rollouts


@dataclass
class IPPOConfig:
    total_steps: int = 200_000
    """Agent-steps to train for, rounded up to whole rollouts."""
    seed: int = 0
    scenario: str | None = None
    """One scenario, or (None) drawn per episode from the non-calm suite."""
    n_envs: int = 4
    episode_steps: int = 100
    """Requests per edge per episode = SB3's n_steps (one episode per rollout)."""
    top_v: int = 10
    checkpoint_every: int = 50_000
    request_identity: bool = True
    """Whether the policy reads the request's embedding and language (as `agents.mappo.MAPPOConfig`'s)."""
    learning_rate: float = 3e-4
    epochs: int = 5
    minibatches: int = 4
    algo: str = "ippo-sb3"

    def __post_init__(self) -> None:
        require_positive_ints(self, (
            "total_steps", "n_envs", "episode_steps", "top_v", "checkpoint_every", "epochs", "minibatches"
        ))
        if not self.learning_rate > 0:
            raise ValueError(f"learning_rate must be > 0, got {self.learning_rate!r}")
        if not isinstance(self.request_identity, bool):
            raise ValueError(f"request_identity must be a bool, got {self.request_identity!r}")

    def actor_spec(self) -> dict:
        actor = {"name": "sb3-mlp", "hidden": [64, 64]}
        if not self.request_identity:  # only then: a default run's description is the same as before the option
            actor["request"] = False
        return {"encoder": {"name": "none"}, "actor": actor}


class EdgeVecEnv(VecEnv):
    """SB3's view of a `VectorEdgeEnv`: N * A environments, observation ++ action mask; `request=False` drops the
    observation's request embedding and language (its first segments)."""

    def __init__(self, vec, seed: int, request: bool = True) -> None:
        self.vec, self.seed_ = vec, seed
        self.agents = len(vec.agents)
        self._start = 0 if request else vec.envs[0].layout.slices["follow_up"].start
        size = vec.obs_size - self._start + 4
        super().__init__(vec.n * self.agents, spaces.Box(-np.inf, np.inf, (size,), np.float32), spaces.Discrete(4))
        self._actions: np.ndarray | None = None

    def _flat(self, obs: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return np.concatenate([obs[..., self._start:], mask.astype(np.float32)], axis=-1).reshape(self.num_envs, -1)

    def reset(self):
        obs, mask, _ = self.vec.reset(self.seed_)
        return self._flat(obs, mask)

    def step_async(self, actions: np.ndarray) -> None:
        self._actions = np.asarray(actions).reshape(self.vec.n, self.agents)

    def step_wait(self):
        step = self.vec.step(self._actions)
        obs = self._flat(step.obs, step.mask)
        done = np.repeat(step.done, self.agents)
        final = self._flat(step.final_obs, np.zeros_like(step.mask))
        infos = [{"terminal_observation": final[k], "TimeLimit.truncated": False} if done[k] else {}
                 for k in range(self.num_envs)]
        return obs, step.reward.reshape(-1).astype(np.float32), done, infos

    def close(self) -> None:
        pass

    def get_attr(self, attr_name, indices=None):
        return [getattr(self, attr_name, None)] * len(self._indices(indices))

    def set_attr(self, attr_name, value, indices=None) -> None:
        setattr(self, attr_name, value)

    def env_method(self, method_name, *args, indices=None, **kwargs):
        raise AttributeError(f"EdgeVecEnv has no per-environment method {method_name!r}")

    def env_is_wrapped(self, wrapper_class, indices=None):
        return [False] * len(self._indices(indices))

    def _indices(self, indices):
        if indices is None:
            return range(self.num_envs)
        return [indices] if isinstance(indices, int) else indices


class _Progress(BaseCallback):
    def __init__(self, config: IPPOConfig, out: Path, vec, on_rollout, writer, per_rollout: int, every: int, stop) -> None:
        super().__init__()
        self.config, self.out, self.vec, self.on_rollout, self.writer = config, out, vec, on_rollout, writer
        self.per_rollout, self.every, self.rollouts, self.stop, self.stopped = per_rollout, every, 0, stop, False
        self.started = None

    def _on_step(self) -> bool:
        return not self.stopped  # False ends `learn` (a rollout stopped after its checkpoint: its steps are dropped)

    def _on_rollout_start(self) -> None:
        import time

        self.started = time.perf_counter()

    def _on_rollout_end(self) -> None:
        import time

        self.rollouts += 1
        steps = int(self.model.num_timesteps)
        reward = float(self.model.rollout_buffer.rewards.mean())
        rate = self.per_rollout / max(1e-9, time.perf_counter() - self.started)
        if self.writer is not None:
            self.writer.add_scalar("train/reward", reward, steps)
        if self.on_rollout is not None:
            self.on_rollout(RolloutStats(self.rollouts, steps, reward, rate, {}))
        self.stopped = self.stop is not None and self.stop()
        if self.rollouts % self.every == 0 or self.stopped:
            save(self.model, self.config, self.vec, self.out)


def save(model: PPO, config: IPPOConfig, vec, out: Path) -> Path:
    """The policy as a `velo.policy/3` checkpoint, and the training state for `--resume` (`agents.checkpoints`)."""
    from velo.networks import build_actor

    layout, hit_rule, floor, steps = vec.envs[0].layout, vec.hit_rule, vec.cache_min_score, int(model.num_timesteps)
    actor = build_actor(config.actor_spec(), layout)
    state = model.policy.state_dict()
    actor.policy_net.load_state_dict({k.removeprefix("mlp_extractor.policy_net."): v for k, v in state.items()
                                      if k.startswith("mlp_extractor.policy_net.")})
    actor.action_net.load_state_dict({k.removeprefix("action_net."): v for k, v in state.items() if k.startswith("action_net.")})
    learner = {"config": asdict(config), "policy": state, "optimizer": model.policy.optimizer.state_dict(), "num_timesteps": steps}
    return write_checkpoint(out, policy_bytes(actor, config, layout, steps, hit_rule, floor), learner, steps, hit_rule, floor)


def train(config: IPPOConfig, vec, out: Path, resume: bool = False,
          on_rollout: Callable[[RolloutStats], None] | None = None, writer=None, stop: Callable[[], bool] | None = None) -> Path:
    """Train SB3's PPO with parameter sharing on `vec`; return the policy checkpoint's path. When `stop()` turns true,
    the rollout under way is checkpointed at its end (as every checkpoint here: before SB3's update of it) and
    training ends."""
    venv = EdgeVecEnv(vec, config.seed, config.request_identity)
    per_rollout = config.episode_steps * venv.num_envs
    rollouts = whole_rollouts(config.total_steps, per_rollout)
    model = PPO(
        "MlpPolicy", venv, n_steps=config.episode_steps, batch_size=max(1, per_rollout // config.minibatches),
        n_epochs=config.epochs, learning_rate=config.learning_rate, gamma=0.99, gae_lambda=0.95, clip_range=0.2,
        ent_coef=0.01, seed=config.seed, device="cpu", verbose=0,
    )
    out.mkdir(parents=True, exist_ok=True)
    model.set_logger(configure(str(out / "tb" / "sb3"), ["tensorboard"]))
    done_before = 0
    if resume:
        saved = resume_state(out, config, vec.hit_rule, vec.cache_min_score)
        model.policy.load_state_dict(saved["policy"])
        model.policy.optimizer.load_state_dict(saved["optimizer"])
        model.num_timesteps = done_before = int(saved["num_timesteps"])
    every = whole_rollouts(config.checkpoint_every, per_rollout)
    callback = _Progress(config, out, vec, on_rollout, writer, per_rollout, every, stop)
    remaining = max(0, rollouts * per_rollout - done_before)
    if remaining:
        model.learn(remaining, callback=callback, reset_num_timesteps=not resume, progress_bar=False)
    return out / POLICY_FILE if callback.stopped else save(model, config, vec, out)
