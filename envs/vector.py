"""N edge environments stepped together, with batched arrays: what the trainers consume.

`VectorEdgeEnv(envs)` steps every environment once per call (in this process: an environment step costs
~0.1-0.3 ms per agent, less than a process hop) and returns arrays shaped (N envs, A agents, ...), agents in
`possible_agents` order. An environment whose episode ended is reset at once with the next seed of its
own sequence (env i uses seed + i, seed + i + N, ...), and the step's `final_*` arrays keep what the
ended episode returned, so a trainer can bootstrap from the last observation (CleanRL's convention).

| array | shape | dtype |
|---|---|---|
| `obs` | (N, A, L) | float32 |
| `mask` | (N, A, 4) | int8 |
| `state` | (N, S) | float32 |
| `reward` | (N, A) | float32 |
| `done` | (N,) | bool (the episode ended this step: every agent truncated) |
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from envs.velo_edge_v0 import VeloEdgeEnv
from velo.types import HitRuleId


@dataclass
class VectorStep:
    obs: np.ndarray
    mask: np.ndarray
    state: np.ndarray
    reward: np.ndarray
    done: np.ndarray
    final_obs: np.ndarray
    """The observation each environment returned on this step (before any reset)."""
    infos: list[dict]


class VectorEdgeEnv:
    def __init__(self, envs: Sequence[VeloEdgeEnv]) -> None:
        if not envs:
            raise ValueError("VectorEdgeEnv needs at least one environment")
        agents = [tuple(e.possible_agents) for e in envs]
        sizes = {e.layout.size for e in envs}
        if len(set(agents)) != 1 or len(sizes) != 1:
            raise ValueError("every environment must have the same agents and observation size")
        self.envs = list(envs)
        self.agents = list(agents[0])
        self.n = len(envs)
        self.obs_size = sizes.pop()
        self.state_size = int(envs[0].state_space.shape[0])
        self._seeds: list[int] = []
        self._episodes = [0] * self.n

    @property
    def hit_rule(self) -> HitRuleId:
        """The identity of the hit rule whose score and verdict every observation carries (its environments' bank's;
        a scenario mixture's environments share one): what a checkpoint trained here records (`velo.checkpoint`)."""
        rules = {sub.bank.rule.identity for e in self.envs for sub in getattr(e, "envs", [e])}
        if len(rules) != 1:
            raise ValueError(f"the environments decide with different hit rules ({', '.join(map(str, rules))}); "
                             "a policy trained on them would have no one rule to be served with")
        return rules.pop()

    @property
    def cache_min_score(self) -> float:
        """The CACHE floor of every environment's action mask (`EdgeEnvConfig.cache_min_score`): what a checkpoint
        trained here records (`velo.checkpoint`), so it is served and judged under the mask it learned with."""
        floors = {sub.config.cache_min_score for e in self.envs for sub in getattr(e, "envs", [e])}
        if len(floors) != 1:
            raise ValueError(f"the environments mask CACHE under different floors ({', '.join(map(str, sorted(floors)))}); "
                             "a policy trained on them would have no one floor to be served with")
        return floors.pop()

    def _stack(self, per_env: list[dict]) -> tuple[np.ndarray, np.ndarray]:
        obs = np.empty((self.n, len(self.agents), self.obs_size), np.float32)
        mask = np.empty((self.n, len(self.agents), 4), np.int8)
        for i, o in enumerate(per_env):
            for j, a in enumerate(self.agents):
                obs[i, j] = o[a]["observation"]
                mask[i, j] = o[a]["action_mask"]
        return obs, mask

    def _reset_one(self, i: int) -> dict:
        seed = self._seeds[i] + self._episodes[i] * self.n
        self._episodes[i] += 1
        obs, _ = self.envs[i].reset(seed=seed)
        return obs

    def reset(self, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(obs, mask, state) after resetting env i with seed + i."""
        self._seeds = [seed + i for i in range(self.n)]
        self._episodes = [0] * self.n
        self._last = [self._reset_one(i) for i in range(self.n)]
        obs, mask = self._stack(self._last)
        return obs, mask, self.states()

    def states(self) -> np.ndarray:
        """(N, S) float32: each environment's global state (built from the observations it last returned)."""
        out = np.empty((self.n, self.state_size), np.float32)
        for i, e in enumerate(self.envs):
            out[i] = e.state()
        return out

    def step(self, actions: np.ndarray) -> VectorStep:
        """`actions`: (N, A) integers."""
        actions = np.asarray(actions)
        if actions.shape != (self.n, len(self.agents)):
            raise ValueError(f"actions must have shape {(self.n, len(self.agents))}, got {actions.shape}")
        rewards = np.zeros((self.n, len(self.agents)), np.float32)
        done = np.zeros(self.n, bool)
        finals, infos = [], []
        for i, env in enumerate(self.envs):
            obs, rew, _, trunc, info = env.step({a: int(actions[i, j]) for j, a in enumerate(self.agents)})
            rewards[i] = [rew[a] for a in self.agents]
            finals.append(obs)
            infos.append(info)
            done[i] = all(trunc.values())
            self._last[i] = self._reset_one(i) if done[i] else obs
        final_obs, _ = self._stack(finals)
        obs, mask = self._stack(self._last)
        return VectorStep(obs, mask, self.states(), rewards, done, final_obs, infos)
