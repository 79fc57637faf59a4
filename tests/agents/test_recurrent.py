"""G-MAPPO (`agents.recurrent`, `velo.networks.recurrent`): the hidden state resets at an episode's start and
each edge keeps its own; the GRU layer is the reference code's (orthogonal, LayerNorm on its output); a short
training run beats Random on held-out episodes without settling on one action."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from agents.evaluation import run_episodes, summarize
from agents.recurrent import GMAPPOConfig, train
from agents.registry import load_policy
from velo.networks import build_actor
from velo.networks.encoders import MLPEncoder
from velo.networks.recurrent import GRUActor, GRULayer
from velo.observation import ObservationLayout


def small_actor() -> tuple[GRUActor, ObservationLayout]:
    layout = ObservationLayout(8, 2)
    torch.manual_seed(0)
    return GRUActor(MLPEncoder(layout, 16), hidden=8), layout


def test_a_new_episode_forgets_the_last_one() -> None:
    actor, layout = small_actor()
    gen = torch.Generator().manual_seed(1)
    obs = torch.randn(6, 2, layout.size, generator=gen)
    mask = torch.ones(2, 4, dtype=torch.bool)
    state = actor.initial_state(2)
    with torch.no_grad():
        for t in range(5):
            _, state = actor.step(obs[t], mask, None, state, torch.zeros(2))
        carried, _ = actor.step(obs[5], mask, None, state, torch.zeros(2))
        reset, _ = actor.step(obs[5], mask, None, state, torch.tensor([1.0, 0.0]))  # row 0 starts an episode
        fresh = actor(obs[5], mask)
    assert torch.allclose(reset.probs[0], fresh.probs[0]) and not torch.allclose(carried.probs[0], fresh.probs[0])
    assert torch.equal(reset.probs[1], carried.probs[1])


def test_each_edge_keeps_its_own_memory() -> None:
    """`LearnedPolicy.spawn()` copies share the weights, not the hidden state; `reset` clears it."""
    from velo.learned import LearnedPolicy

    actor, layout = small_actor()
    policy = LearnedPolicy(actor, "g", layout)
    a, b = policy.spawn(), policy.spawn()
    gen = torch.Generator().manual_seed(2)
    mask = torch.ones(4, dtype=torch.int8).numpy()
    for _ in range(3):
        a.act(torch.randn(layout.size, generator=gen).numpy(), mask)
    assert torch.count_nonzero(a._state) > 0 and torch.count_nonzero(b._state) == 0
    a.reset()
    assert torch.count_nonzero(a._state) == 0


def test_the_gru_layer_is_the_reference_codes() -> None:
    """rMAPPO's `RNNLayer`: orthogonal weights, zero biases, LayerNorm on the output, so the policy head reads
    features of unit scale (PyTorch's default GRU gave it features of rms 0.12, and G-MAPPO stalled)."""
    layer = GRULayer(32, 16)
    for name in ("weight_ih", "weight_hh"):
        w = getattr(layer.cell, name)  # (3 * hidden, in): orthonormal columns
        assert torch.allclose(w.T @ w, torch.eye(w.shape[1]), atol=1e-5)
    assert not layer.cell.bias_ih.any() and not layer.cell.bias_hh.any()
    x = torch.randn(64, 32)
    features, state = layer(x, torch.zeros(64, 16), torch.ones(64))
    assert features.pow(2).mean().sqrt().item() > 0.99 and state.abs().max() < 1


def test_the_request_option_is_checked_and_described_only_when_off() -> None:
    """As MAPPO's: a default run's actor description is the one G-MAPPO checkpoints had before the option."""
    assert "request" not in GMAPPOConfig().actor_spec()["encoder"]
    assert GMAPPOConfig(request_identity=False).actor_spec()["encoder"] == {"name": "mlp", "hidden": 128, "request": False}
    with pytest.raises(ValueError, match="request_identity must be a bool"):
        GMAPPOConfig(request_identity="no")


def test_a_short_training_run_beats_random_without_settling_on_one_action(tmp_path: Path, prepared_with_edge_answers: Path) -> None:
    """G-MAPPO on `paper` for 3,000 agent-steps against Random, on the test split's episodes (held out)."""
    from envs import velo_edge_v1
    from envs.mixture import training_envs

    config = GMAPPOConfig(total_steps=3000, n_envs=2, episode_steps=50, seed=0)
    vec = training_envs(config.n_envs, config.episode_steps, config.top_v, "paper", "train", prepared_with_edge_answers)
    with torch.random.fork_rng():
        torch.manual_seed(config.seed)
        actor = build_actor(config.actor_spec(), vec.envs[0].layout)
    path = train(config, vec, actor, tmp_path / "g")
    env = velo_edge_v1.parallel_env("paper", max_steps=50, split="test", data_dir=prepared_with_edge_answers)
    learned = summarize(run_episodes(env, load_policy(str(path), env.layout), 2, seed=0))
    random = summarize(run_episodes(env, load_policy("random", env.layout), 2, seed=0))
    assert learned["invalid_actions"] == 0.0
    assert learned["satisfaction"] > random["satisfaction"] + 0.05, (learned["satisfaction"], random["satisfaction"])
    assert max(learned[k] for k in learned if k.startswith("share_")) < 1.0, learned
