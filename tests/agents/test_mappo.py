"""Known answers of the MAPPO family: GAE by hand, value normalization, masking, checkpoints; and a short
training run that must beat Random on held-out episodes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from velo.networks.actors import CategoricalActor
from velo.networks.encoders import MLPEncoder
from agents.evaluation import run_episodes, summarize
from agents.mappo import MAPPOConfig, ValueNorm, gae, train
from velo.networks import build_actor
from agents.registry import load_policy
from velo.checkpoint import IncompatibleCheckpoint, read_header
from velo.observation import OBS_VERSION, ObservationLayout


def test_gae_matches_a_hand_computation() -> None:
    gamma, lam = 0.9, 0.8
    rewards = torch.tensor([1.0, 0.0, 2.0, 1.0])
    values = torch.tensor([0.5, 1.0, 1.5, 0.2])
    dones = torch.tensor([0.0, 1.0, 0.0, 0.0])  # the first episode ends after step 1
    last = torch.tensor(0.7)
    # deltas: r_t + gamma V_{t+1} (0 after a done) - V_t
    d3 = 1.0 + 0.9 * 0.7 - 0.2
    d2 = 2.0 + 0.9 * 0.2 - 1.5
    d1 = 0.0 - 1.0
    d0 = 1.0 + 0.9 * 1.0 - 0.5
    a3 = d3
    a2 = d2 + gamma * lam * a3
    a1 = d1
    a0 = d0 + gamma * lam * a1
    got = gae(rewards, values, dones, last, gamma, lam)
    assert torch.allclose(got, torch.tensor([a0, a1, a2, a3]), atol=1e-6)
    # batched over (env, agent) the same numbers come out per column
    wide = gae(rewards[:, None, None].expand(-1, 2, 3), values[:, None, None].expand(-1, 2, 3),
               dones[:, None, None].expand(-1, 2, 3), last.expand(2, 3), gamma, lam)
    assert torch.allclose(wide[:, 1, 2], got)


def test_value_norm_tracks_debiased_moments() -> None:
    norm = ValueNorm(beta=0.9)
    x1, x2 = torch.tensor([1.0, 3.0]), torch.tensor([10.0, 14.0])
    norm.update(x1)
    mean, var = norm.mean_var()
    assert mean.item() == pytest.approx(2.0) and var.item() == pytest.approx(1.0)  # one batch: its own moments
    norm.update(x2)
    w1, w2 = 0.9 * 0.1, 0.1  # exponential weights, debiased by their sum
    m = (w1 * 2.0 + w2 * 12.0) / (w1 + w2)
    m2 = (w1 * 5.0 + w2 * 148.0) / (w1 + w2)
    mean, var = norm.mean_var()
    assert mean.item() == pytest.approx(m) and var.item() == pytest.approx(m2 - m * m)
    y = torch.tensor([0.0, 5.0, 20.0])
    assert torch.allclose(norm.denormalize(norm.normalize(y)), y, atol=1e-5)
    assert torch.allclose(norm.normalize(y), (y - m) / np.sqrt(m2 - m * m), atol=1e-5)
    flat = ValueNorm()
    flat.update(torch.full((4,), 3.0))
    assert flat.mean_var()[1].item() == pytest.approx(1e-2)  # variance floored


def test_masked_actions_are_never_sampled() -> None:
    layout = ObservationLayout(8, 2)
    torch.manual_seed(0)
    actor = CategoricalActor(MLPEncoder(layout, 16))
    with torch.no_grad():
        actor.head.weight.normal_(0, 5.0)  # sharp, arbitrary preferences, including for masked actions
    gen = torch.Generator().manual_seed(1)
    obs = torch.randn(4000, layout.size, generator=gen)
    mask = torch.randint(0, 2, (4000, 4), generator=gen).bool()
    mask[:, 2] = True
    dist = actor(obs, mask, actor.sample_noise(4000, gen))
    action = torch.multinomial(dist.probs, 1, generator=gen).squeeze(1)
    assert mask[torch.arange(4000), action].all()
    assert set(action.tolist()) == {0, 1, 2, 3}


def tiny(algo: str, **changes) -> MAPPOConfig:
    return MAPPOConfig(**{"algo": algo, "total_steps": 60, "n_envs": 1, "episode_steps": 10, "epochs": 1,
                          "minibatches": 2, "d_model": 8, "hidden": 16, "denoise_steps": 2, "seed": 4} | changes)


def test_config_errors_name_the_field() -> None:
    with pytest.raises(ValueError, match="algo must be one of mappo, t-mappo, lrs, dlrs"):
        MAPPOConfig(algo="ppo")
    with pytest.raises(ValueError, match="n_envs must be an integer >= 1"):
        MAPPOConfig(n_envs=0)
    with pytest.raises(ValueError, match="gamma must lie in \\[0, 1\\]"):
        MAPPOConfig(gamma=1.5)
    with pytest.raises(ValueError, match="d_model \\(10\\) must be a multiple of heads \\(4\\)"):
        MAPPOConfig(d_model=10, heads=4)
    with pytest.raises(ValueError, match="bc_target must be one of argmax, expected"):
        MAPPOConfig(bc_target="soft")
    with pytest.raises(ValueError, match="request_identity must be a bool"):
        MAPPOConfig(request_identity="no")


def test_the_request_option_is_described_only_when_off() -> None:
    """A default run's actor description is the one checkpoints had before the option existed."""
    assert "request" not in MAPPOConfig(algo="dlrs").actor_spec()["encoder"]
    assert MAPPOConfig(algo="lrs", request_identity=False).actor_spec()["encoder"]["request"] is False
    assert MAPPOConfig(algo="mappo", request_identity=False).actor_spec()["encoder"] == {"name": "mlp", "hidden": 128,
                                                                                           "request": False}


@pytest.fixture(scope="module")
def vec_factory(prepared_with_edge_answers: Path):
    from envs.mixture import training_envs

    def make(config: MAPPOConfig, scenario: str | None = None):
        return training_envs(config.n_envs, config.episode_steps, config.top_v, scenario, "train", prepared_with_edge_answers)

    return make


def run(config: MAPPOConfig, vec, out: Path, resume: bool = False) -> Path:
    with torch.random.fork_rng():
        torch.manual_seed(config.seed)
        actor = build_actor(config.actor_spec(), vec.envs[0].layout)
    return train(config, vec, actor, out, resume=resume)


def test_checkpoint_round_trip_and_refusal(tmp_path: Path, vec_factory) -> None:
    config = tiny("lrs")
    vec = vec_factory(config)
    path = run(config, vec, tmp_path / "lrs")
    header = read_header(path)
    assert (header.algo, header.steps, header.observation["version"]) == ("lrs", 60, OBS_VERSION)
    assert header.config["denoise_steps"] == 2 and header.actor["encoder"]["name"] == "transformer"
    layout = vec.envs[0].layout
    policy = load_policy(str(path), layout)
    saved = torch.load(tmp_path / "lrs" / "train_state.pt", weights_only=True)["actor"]
    assert all(torch.equal(policy.actor.state_dict()[k], v) for k, v in saved.items())
    obs, mask, _ = vec.reset(123)
    for o, m in zip(obs[0], mask[0]):
        a = policy.act(o, m)
        probs = policy.actor(torch.from_numpy(o)[None], torch.from_numpy(m)[None].bool(), torch.zeros(1, 0)).probs[0]
        assert m[a] == 1 and a == int(probs.argmax())
    with pytest.raises(IncompatibleCheckpoint, match=f"trained on observations with embedding dim {layout.dim} and top_v 10"):
        load_policy(str(path), ObservationLayout(layout.dim, 5))


def test_loading_a_checkpoint_imports_no_simulator(tmp_path: Path, vec_factory) -> None:
    config = tiny("dlrs")
    vec = vec_factory(config)
    path = run(config, vec, tmp_path / "dlrs")
    code = f"""
import sys, numpy as np
from velo.policy import load_policy
p = load_policy({str(path)!r})
a = p.act(np.zeros(p.layout.size, np.float32), np.array([0, 1, 1, 0], np.int8))
assert a in (1, 2), a
print(__import__("json").dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("envs", "pettingzoo", "pymilvus", "gymnasium"))))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def same_weights(a: Path, b: Path) -> bool:
    """Same tensors."""
    wa, wb = load_file(str(a)), load_file(str(b))
    return wa.keys() == wb.keys() and all(torch.equal(wa[k], wb[k]) for k in wa)


def test_training_is_deterministic_and_resumes_exactly(tmp_path: Path, vec_factory) -> None:
    config = tiny("mappo", total_steps=60)
    vec = vec_factory(config)
    once = run(config, vec, tmp_path / "a")
    again = run(config, vec, tmp_path / "b")
    assert once.read_bytes() == again.read_bytes()  # byte for byte, so a run can be checked by its sha256 (nc18 finding 10)
    assert (tmp_path / "a" / "train_state.pt").read_bytes() == (tmp_path / "b" / "train_state.pt").read_bytes()
    half = MAPPOConfig(**{**config.__dict__, "total_steps": 30})
    run(half, vec, tmp_path / "c")
    resumed = run(config, vec, tmp_path / "c", resume=True)
    assert resumed.read_bytes() == once.read_bytes()  # the same weights and header
    other = run(MAPPOConfig(**{**config.__dict__, "seed": 5}), vec, tmp_path / "d")
    assert not same_weights(other, once)
    with pytest.raises(ValueError, match="trained with other settings \\(seed: seed=4\\)"):
        run(MAPPOConfig(**{**config.__dict__, "seed": 5}), vec, tmp_path / "c", resume=True)


def test_the_annealed_learning_rate_by_hand() -> None:
    """CleanRL's schedule, lr * (1 - r / R) for rollout r of R: the base at the first, base / R at the last."""
    from agents.mappo import annealed_lr

    assert [annealed_lr(3e-4, r, 4) for r in (0, 2, 3)] == pytest.approx([3e-4, 1.5e-4, 0.75e-4], rel=1e-12)
    with pytest.raises(ValueError, match="rollout must lie in \\[0, 4\\), got 4"):
        annealed_lr(3e-4, 4, 4)
    with pytest.raises(ValueError, match="anneal_lr must be a bool"):
        MAPPOConfig(anneal_lr="yes")


def test_an_annealed_run_follows_the_schedule_and_resumes_it_exactly(tmp_path: Path, vec_factory) -> None:
    """Three rollouts of 30 agent-steps: lr 3e-4, 2e-4, 1e-4 (critic 1e-3 x the same fractions); a run stopped after
    its second rollout's checkpoint resumes at the third rollout's rate and ends with the same weights."""
    config = tiny("mappo", total_steps=90, checkpoint_every=30, anneal_lr=True)
    vec = vec_factory(config)

    def train_logging(out: Path, resume: bool = False, stop_at: int | None = None) -> list[float]:
        seen: list[float] = []

        def on_rollout(stats) -> None:
            if stats.rollout == stop_at:
                raise KeyboardInterrupt
            seen.append(stats.losses["actor_lr"])

        with torch.random.fork_rng():
            torch.manual_seed(config.seed)
            actor = build_actor(config.actor_spec(), vec.envs[0].layout)
        train(config, vec, actor, out, resume=resume, on_rollout=on_rollout)
        return seen

    assert train_logging(tmp_path / "full") == pytest.approx([3e-4, 2e-4, 1e-4], rel=1e-12)
    saved = torch.load(tmp_path / "full" / "train_state.pt", weights_only=True)
    assert saved["critic_opt"]["param_groups"][0]["lr"] == pytest.approx(1e-3 / 3, rel=1e-12)
    with pytest.raises(KeyboardInterrupt):
        train_logging(tmp_path / "cut", stop_at=2)
    assert train_logging(tmp_path / "cut", resume=True) == pytest.approx([1e-4], rel=1e-12)
    assert same_weights(tmp_path / "cut" / "policy.safetensors", tmp_path / "full" / "policy.safetensors")
    with pytest.raises(ValueError, match="anneals its learning rates over total_steps=90, not 120"):
        run(MAPPOConfig(**{**config.__dict__, "total_steps": 120}), vec, tmp_path / "cut", resume=True)
    constant = []
    train(tiny("mappo"), vec, build_actor(tiny("mappo").actor_spec(), vec.envs[0].layout), tmp_path / "constant",
          on_rollout=lambda stats: constant.append(stats.losses["actor_lr"]))
    assert constant == [3e-4, 3e-4]


def test_a_run_interrupted_between_its_checkpoint_files_resumes_exactly(tmp_path: Path, vec_factory, monkeypatch) -> None:
    """Ctrl-C after the second checkpoint's training state was renamed into place, before its policy was: the resume
    restores the policy saved with the state and continues from it, as if never interrupted."""
    from agents.checkpoints import POLICY_FILE, saved_steps
    from envs.bank import bank_rule
    from tests.agents.test_checkpoints import Interrupt
    from velo.cache.decision import StaticThreshold

    config = tiny("mappo", total_steps=60, checkpoint_every=30)
    vec = vec_factory(config)
    once = run(config, vec, tmp_path / "a")
    assert read_header(once).trained_rule == vec.hit_rule == bank_rule().identity
    with monkeypatch.context() as patch:
        Interrupt(patch, "replace", 4)  # state 30, policy 30, state 60, [policy 60]
        with pytest.raises(KeyboardInterrupt):
            run(config, vec, tmp_path / "b")
    assert saved_steps(tmp_path / "b") == 60 and read_header(tmp_path / "b" / POLICY_FILE).steps == 30
    resumed = run(config, vec, tmp_path / "b", resume=True)
    assert resumed.read_bytes() == once.read_bytes()  # the same weights and header
    with pytest.raises(IncompatibleCheckpoint, match="static:0.9"):
        load_policy(str(once), vec.envs[0].layout, hit_rule=StaticThreshold(0.9).identity)
    assert load_policy(str(once), vec.envs[0].layout, hit_rule=vec.hit_rule).layout == vec.envs[0].layout


def test_hindsight_loss_by_hand() -> None:
    from agents.mappo import hindsight_loss

    probs = torch.tensor([[0.5, 0.0, 0.25, 0.25], [0.1, 0.2, 0.3, 0.4]])
    outcomes = torch.tensor([[0.9, 0.0, 0.6, 0.3], [0.2, 0.4, 0.6, 0.8]])
    mask = torch.tensor([[1, 0, 1, 1], [1, 1, 1, 1]]).bool()
    # row 0: allowed mean 0.6 -> centred (0.3, 0, 0, -0.3): 0.5*0.3 - 0.25*0.3 = 0.075
    # row 1: mean 0.5 -> (-0.3, -0.1, 0.1, 0.3): -0.03 - 0.02 + 0.03 + 0.12 = 0.10
    assert hindsight_loss(probs, outcomes, mask).item() == pytest.approx(-(0.075 + 0.10) / 2)
    assert hindsight_loss(probs, outcomes, mask, scale=2.0).item() == pytest.approx(-(0.075 + 0.10) / 4)


def test_the_expected_target_picks_the_best_action_on_average_the_argmax_clone_the_most_frequent() -> None:
    """One observation, two hidden outcomes: the cached answer is right (CACHE 0.98, CLOUD 0.75) 3 times in 5 and
    wrong (CACHE 0.2) 2 times in 5. The oracle picks CACHE 60 % of the time, so its clone serves from the cache;
    on average CACHE gives 0.668 < 0.75 and the expected-satisfaction term learns CLOUD."""
    from agents.mappo import hindsight_loss

    outcomes = torch.tensor([[0.98, 0.0, 0.75, 0.0]] * 3 + [[0.2, 0.0, 0.75, 0.0]] * 2)
    mask = torch.tensor([[1, 0, 1, 0]] * 5).bool()
    oracle = torch.where(mask, outcomes, torch.tensor(-1e9)).argmax(-1)
    chosen = {}
    for target in ("argmax", "expected"):
        logits = torch.zeros(4, requires_grad=True)
        opt = torch.optim.Adam([logits], lr=0.05)
        for _ in range(300):
            dist = torch.distributions.Categorical(logits=logits.masked_fill(~mask[0], -1e10).expand(5, -1))
            loss = -dist.log_prob(oracle).mean() if target == "argmax" else hindsight_loss(dist.probs, outcomes, mask)
            opt.zero_grad()
            loss.backward()
            opt.step()
        chosen[target] = int(logits.masked_fill(~mask[0], -1e10).argmax())
    assert chosen == {"argmax": 0, "expected": 2}


def test_a_run_with_the_expected_target_and_no_request_identity_trains_and_loads(tmp_path: Path, vec_factory) -> None:
    config = tiny("dlrs", bc_target="expected", request_identity=False)
    vec = vec_factory(config)
    path = run(config, vec, tmp_path / "x")
    header = read_header(path)
    assert header.config["bc_target"] == "expected" and header.actor["encoder"]["request"] is False
    policy = load_policy(str(path), vec.envs[0].layout)
    obs, mask, _ = vec.reset(3)
    assert mask[0, 0, policy.act(obs[0, 0], mask[0, 0])] == 1


def test_oracle_labels_are_the_oracles_choices(vec_factory) -> None:
    from agents.baselines import OraclePolicy
    from agents.mappo import oracle_labels, oracle_outcomes

    vec = vec_factory(tiny("lrs", n_envs=2))
    obs, mask, _ = vec.reset(11)
    oracle, seen = OraclePolicy(), set()
    for _ in range(10):
        labels = oracle_labels(oracle_outcomes(vec.envs, vec.agents, mask), mask)
        for i, env in enumerate(vec.envs):
            for j, agent in enumerate(vec.agents):
                oracle.observe_env(env, agent)
                assert labels[i, j] == oracle.act(obs[i, j], mask[i, j]) and mask[i, j, labels[i, j]] == 1
        seen |= set(labels.ravel().tolist())
        step = vec.step(labels)
        obs, mask = step.obs, step.mask
    assert len(seen) >= 2


def test_a_short_training_run_beats_random(tmp_path: Path, vec_factory, prepared_with_edge_answers: Path) -> None:
    """MAPPO on `paper` for 3,000 agent-steps against Random, on the test split's episodes (held out)."""
    from envs import velo_edge_v1

    config = MAPPOConfig(algo="mappo", total_steps=3000, n_envs=2, episode_steps=50, seed=0)
    path = run(config, vec_factory(config, "paper"), tmp_path / "m")
    env = velo_edge_v1.parallel_env("paper", max_steps=50, split="test", data_dir=prepared_with_edge_answers)
    learned = summarize(run_episodes(env, load_policy(str(path), env.layout), 2, seed=0))
    random = summarize(run_episodes(env, load_policy("random", env.layout), 2, seed=0))
    assert learned["invalid_actions"] == 0.0
    assert learned["satisfaction"] > random["satisfaction"] + 0.05, (learned["satisfaction"], random["satisfaction"])


    class OneAtATime:  # the same policy without act_many: evaluated one agent at a time
        def __init__(self, policy) -> None:
            self.act = policy.act

    policy = load_policy(str(path), env.layout)
    batched = run_episodes(env, policy, 3, seed=0, batch=2)
    assert batched == run_episodes(env, OneAtATime(policy), 3, seed=0)
    with pytest.raises(ValueError, match="reads"):
        policy.act_many(np.zeros((2, env.layout.size - 1), np.float32), np.ones((2, 4), np.int8))


def test_a_top_v_ablation_is_evaluated_on_its_own_top_v(tmp_path: Path, vec_factory, prepared_with_edge_answers: Path) -> None:
    """A DLRS-V5 checkpoint runs beside rules built for top_v 10, on a copy of the environment with top_v 5 and
    the same seeded requests."""
    from agents.headroom import scenario_report
    from envs import velo_edge_v1

    config = tiny("dlrs", top_v=5)
    path = run(config, vec_factory(config), tmp_path / "v5")
    env = velo_edge_v1.parallel_env("paper", max_steps=10, split="test", data_dir=prepared_with_edge_answers)
    report = scenario_report(env, {"greedy-0.1": "greedy-0.1", "v5": str(path), "oracle": "oracle"}, 2, seed=0, tuned_distance=None)
    assert report["policies"]["v5"]["requests"] == report["policies"]["greedy-0.1"]["requests"] == 2 * 3 * 10
    assert set(report["learned"]) == {"v5"}
    assert set(report["episode_means"]["v5"]["all"]) == {0, 1}
