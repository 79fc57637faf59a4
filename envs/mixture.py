"""One environment slot whose scenario is drawn at random per episode (the learners' training regime).

`ScenarioMixture(envs)` holds one `velo_edge_v1` environment per scenario (sharing one request bank) and, at
each `reset(seed)`, picks the scenario of the episode from that seed alone, uniformly; the episode then runs in
that scenario's environment. The observation never names the scenario (a deployed scheduler cannot know it);
the critic's `state()` carries what the simulator knows of it (link states, the rate-limit bucket).

It offers what `envs.vector.VectorEdgeEnv` and the trainers use of an environment: `possible_agents`,
`agents`, `layout`, `state_space`, `reset`, `step`, `state`, `action_outcomes`, `close`; `scenario` names the
current episode's scenario (for logging, never for the policy).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from envs.scenarios import HARD_SCENARIOS
from envs.velo_edge_v1 import VeloEdgeEnvV1
from velo.policy import CACHE_MIN_SCORE


class ScenarioMixture:
    def __init__(self, envs: Sequence[VeloEdgeEnvV1]) -> None:
        if not envs:
            raise ValueError("ScenarioMixture needs at least one environment")
        shapes = {(tuple(e.possible_agents), e.layout.size, e.state_space.shape) for e in envs}
        if len(shapes) != 1:
            raise ValueError("every scenario's environment must have the same agents, observation and state sizes "
                             "(give them the same n_edges and top_v)")
        self.envs = list(envs)
        self.names = [e.scenario.name for e in envs]
        self.current = self.envs[0]
        self.possible_agents = list(self.current.possible_agents)
        self.layout = self.current.layout
        self.state_space = self.current.state_space

    @classmethod
    def of(cls, env: VeloEdgeEnvV1, scenarios: Sequence[str] = HARD_SCENARIOS) -> ScenarioMixture:
        """The mixture of `scenarios` built from `env`'s bank and configuration (top_v, max_steps, split)."""
        n_edges = env.config.n_edges
        return cls([env.with_scenario(name, n_edges=n_edges) for name in scenarios])

    @property
    def agents(self) -> list[str]:
        return self.current.agents

    @property
    def scenario(self) -> str:
        return self.current.scenario.name

    @staticmethod
    def pick(seed: int, n: int) -> int:
        """The scenario index of the episode seeded `seed` (independent of the episode's own draws)."""
        return int(np.random.default_rng([seed, 0x5CE7A]).integers(n))

    def reset(self, seed: int | None = None, options: dict | None = None):
        if seed is None:
            raise ValueError("ScenarioMixture.reset needs a seed: it picks the episode's scenario from it")
        self.current = self.envs[self.pick(seed, len(self.envs))]
        return self.current.reset(seed=seed, options=options)

    def step(self, actions: dict):
        return self.current.step(actions)

    def state(self) -> np.ndarray:
        return self.current.state()

    def action_outcomes(self, agent: str) -> np.ndarray:
        return self.current.action_outcomes(agent)

    def close(self) -> None:
        self.envs[0].close()  # one bank: saving its new pair features once is enough


def training_envs(n_envs: int, episode_steps: int, top_v: int = 10, scenario: str | None = None,
                  split: str | None = "train", data_dir=None, bank=None, edge_action: bool = True, edge_profile=None,
                  cache_min_score: float = CACHE_MIN_SCORE, steps=None):
    """`n_envs` environments stepped together (`VectorEdgeEnv`) for a trainer: each one `scenario`, or a
    `ScenarioMixture` of the non-calm suite (None). One request bank is built (or `bank` given) and shared.
    `edge_action=False` never offers EDGE (data without the edge LLM's answers; see `envs.velo_edge_v1`).
    `edge_profile`: the edge LLM's `velo.latency.EdgeLLMProfile` (default the measured single-request one; the
    batched one is `load_edge_profile(PROFILES / "edge_llm_batched.json")`). `cache_min_score`: the floor of the
    action mask (`EdgeEnvConfig.cache_min_score`; `velo train --cache-min-score`), recorded in the checkpoint. `steps`
    (`velo.progress.Steps`): where the bank's build, if it is built, reports."""
    from envs import velo_edge_v1
    from envs.vector import VectorEdgeEnv

    first = velo_edge_v1.parallel_env(scenario or HARD_SCENARIOS[0], bank=bank, edge_action=edge_action, steps=steps,
                                      max_steps=episode_steps, edge_profile=edge_profile,
                                      top_v=top_v, split=split, data_dir=data_dir, cache_min_score=cache_min_score)
    slots = []
    for i in range(n_envs):
        env = first if i == 0 else first.with_config()
        slots.append(env if scenario is not None else ScenarioMixture.of(env))
    return VectorEdgeEnv(slots)
