"""The baseline policies through the one loader services use: interface, thresholds, masks, the oracle."""

from __future__ import annotations

import numpy as np
import pytest

from agents.baselines import BASELINES, OraclePolicy
from agents.evaluation import run_episodes, summarize
from agents.policy import Policy
from agents.registry import load_policy
from envs import velo_edge_v0
from envs.bank import RequestBank
from envs.velo_edge_v0 import CACHE, CLOUD, CLOUD_CONTEXT, EDGE
from velo.latency import EdgeLLMProfile
from velo.observation import ObservationLayout, SystemLoad, encode_observation

LAYOUT = ObservationLayout(384, 10)
TEST_EDGE = EdgeLLMProfile("test", 20.0, 0.5, 40.0)


class RandomOutcomes:
    """Stands in for the environment's counterfactuals when the oracle acts on random observations."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def action_outcomes(self, agent: str) -> np.ndarray:
        return self.rng.normal(size=4)


def random_masks(rng: np.random.Generator, n: int) -> np.ndarray:
    """Masks as the environment makes them: CLOUD is always allowed, the others at random."""
    masks = rng.integers(0, 2, size=(n, 4)).astype(np.int8)
    masks[:, CLOUD] = 1
    return masks


def observation(best_similarity: float | None, rng: np.random.Generator | None = None) -> np.ndarray:
    sims = [] if best_similarity is None else [best_similarity, best_similarity - 0.05, 0.5]
    rng = rng or np.random.default_rng(0)
    vector = rng.normal(size=LAYOUT.dim)
    return encode_observation(
        LAYOUT, vector / np.linalg.norm(vector), "en", False, sims, [False] * len(sims), [0] * len(sims),
        None, 0.0, False, SystemLoad(0, 4, 0.0, 1500.0, 0.1),
    )


@pytest.mark.parametrize("name", BASELINES)
def test_every_baseline_acts_within_the_mask(name: str) -> None:
    policy = load_policy(name, LAYOUT, seed=3)
    assert isinstance(policy, Policy) and policy.name == name
    rng = np.random.default_rng(0)
    outcomes = RandomOutcomes(1)
    for mask in random_masks(rng, 200):
        obs = rng.normal(size=LAYOUT.size).astype(np.float32)
        if hasattr(policy, "observe_env"):
            policy.observe_env(outcomes, "edge_0")
        action = policy.act(obs, mask)
        assert isinstance(action, int) and mask[action] == 1


@pytest.mark.parametrize("similarity", [0.5, 0.6999, 0.7001, 0.75, 0.9, 0.99999])
def test_greedy_serves_the_cache_iff_within_the_distance(similarity: float) -> None:
    greedy = load_policy("greedy-0.3", LAYOUT)
    obs = observation(similarity)
    assert obs[LAYOUT.slices["neighbours"].start] == np.float32(similarity)
    open_mask = np.ones(4, dtype=np.int8)
    assert greedy.act(obs, open_mask) == (CACHE if 1.0 - similarity <= 0.3 else CLOUD)
    no_cache = np.array([0, 1, 1, 0], dtype=np.int8)
    assert greedy.act(obs, no_cache) == CLOUD


def test_greedy_without_neighbours_goes_to_the_cloud() -> None:
    assert load_policy("greedy-0.3", LAYOUT).act(observation(None), np.ones(4, dtype=np.int8)) == CLOUD
    assert load_policy("greedy-2", LAYOUT).act(observation(None), np.ones(4, dtype=np.int8)) == CLOUD


def test_random_respects_the_mask_and_its_seed() -> None:
    masks = random_masks(np.random.default_rng(0), 400)
    obs = observation(0.9)

    def actions(seed: int) -> list[int]:
        policy = load_policy("random", LAYOUT, seed=seed)
        return [policy.act(obs, m) for m in masks]

    first = actions(5)
    assert first == actions(5)
    assert first != actions(6)
    assert all(masks[i][a] == 1 for i, a in enumerate(first))
    assert set(first) == {CACHE, EDGE, CLOUD, CLOUD_CONTEXT}
    open_only = [a for m, a in zip(masks, first) if m.all()]
    assert min(np.bincount(open_only, minlength=4)) > len(open_only) / 8  # uniform over the allowed actions


@pytest.fixture
def env(edge_bank: RequestBank):
    return velo_edge_v0.parallel_env(
        bank=edge_bank, n_edges=2, max_steps=40, edge_profile=TEST_EDGE,
        workload={"arrival_rate_per_s": 0.3, "p_similar": 0.7},
    )


def test_oracle_picks_the_best_counterfactual(env) -> None:
    oracle = load_policy("oracle", env.layout)
    obs, _ = env.reset(seed=0)
    chosen = set()
    while env.agents:
        actions = {}
        for agent in env.agents:
            outcomes = env.action_outcomes(agent)
            oracle.observe_env(env, agent)
            actions[agent] = oracle.act(obs[agent]["observation"], obs[agent]["action_mask"])
            assert actions[agent] == int(np.nanargmax(outcomes))
            chosen.add(actions[agent])
        obs, *_ = env.step(actions)
    assert len(chosen) >= 2


def test_oracle_needs_the_environment() -> None:
    with pytest.raises(RuntimeError, match="observe_env"):
        OraclePolicy().act(observation(0.9), np.ones(4, dtype=np.int8))


def test_oracle_beats_every_baseline(env) -> None:
    scores = {
        name: summarize(run_episodes(env, load_policy(name, env.layout), 1, seed=0))["satisfaction"] for name in BASELINES
    }
    assert all(scores["oracle"] >= s for s in scores.values()), scores


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("nope", "unknown policy 'nope'; choose from random, greedy-0.1"),
        ("greedy", "unknown policy 'greedy'"),
        ("greedy-x", "unknown policy 'greedy-x'"),
        ("greedy-3", "greedy-3: a cosine distance lies in \\[0, 2\\]"),
    ],
)
def test_unknown_policy_names(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_policy(spec, LAYOUT)
