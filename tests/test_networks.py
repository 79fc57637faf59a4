"""Known answers for the actors: schedule constants, log-probability replay, masking, encoders' shapes."""

from __future__ import annotations

import math

import pytest
import torch

from velo.networks.actors import CategoricalActor
from velo.networks.diffusion import DiffusionActor, NoiseSchedule, beta_schedule
from velo.networks.encoders import MLPEncoder, TransformerEncoder
from velo.observation import NEIGHBOUR_FIELDS, ObservationLayout

LAYOUT = ObservationLayout(dim=8, top_v=3)


def observations(batch: int, seed: int = 0, present: int = 3) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    obs = torch.randn(batch, LAYOUT.size, generator=g)
    nb = LAYOUT.slices["neighbours"]
    flags = obs[:, nb].reshape(batch, LAYOUT.top_v, NEIGHBOUR_FIELDS).clone()
    flags[:, :, 1] = 0.0
    flags[:, :present, 1] = 1.0
    obs[:, nb] = flags.reshape(batch, -1)
    return obs


def test_vp_schedule_matches_the_formula_by_hand() -> None:
    betas = beta_schedule("vp", 2)
    # t = 1: 1 - exp(-0.1/2 - 9.9 * 1 / 8); t = 2: 1 - exp(-0.05 - 9.9 * 3 / 8)
    assert betas[0].item() == pytest.approx(1 - math.exp(-0.05 - 9.9 / 8))
    assert betas[1].item() == pytest.approx(1 - math.exp(-0.05 - 29.7 / 8))
    s = NoiseSchedule("vp", 2)
    assert s.alphas_cumprod[1].item() == pytest.approx((1 - betas[0].item()) * (1 - betas[1].item()), rel=1e-6)
    # the last reverse step (t = 0) returns x_0 itself: coef1 = 1, coef2 = 0, no posterior noise
    assert s.posterior_mean_coef1[0].item() == pytest.approx(1.0)
    assert s.posterior_mean_coef2[0].item() == pytest.approx(0.0)
    assert s.posterior_std[0].item() == pytest.approx(0.0)


@pytest.mark.parametrize("name", ["vp", "linear", "cosine"])
def test_schedules_reach_noise(name: str) -> None:
    s = NoiseSchedule(name, 10)
    assert torch.all(s.betas > 0) and torch.all(s.betas < 1)
    assert torch.all(s.alphas_cumprod[1:] < s.alphas_cumprod[:-1])
    assert s.alphas_cumprod[-1].item() < 0.5


def test_unknown_schedule_and_bad_steps_raise() -> None:
    with pytest.raises(ValueError, match="unknown beta schedule 'sigmoid'"):
        NoiseSchedule("sigmoid", 10)
    with pytest.raises(ValueError, match="denoise_steps must be >= 1"):
        NoiseSchedule("vp", 0)


@pytest.mark.parametrize("steps", [1, 5, 10])
def test_collection_and_update_log_probs_agree(steps: int) -> None:
    """Sample as the trainer collects, then re-score the stored (obs, mask, noise, action) in shuffled minibatches."""
    torch.manual_seed(0)
    actor = DiffusionActor(TransformerEncoder(LAYOUT, d_model=16, heads=2, layers=1), denoise_steps=steps)
    g = torch.Generator().manual_seed(1)
    obs, mask = observations(64), torch.ones(64, 4, dtype=torch.bool)
    mask[::3, 1] = False
    with torch.no_grad():
        noise = actor.sample_noise(64, g)
        dist = actor(obs, mask, noise)
        action = torch.multinomial(dist.probs, 1, generator=g).squeeze(1)
        logp_collect = dist.log_prob(action)
    perm = torch.randperm(64, generator=g)
    for idx in perm.split(16):
        logp_update = actor(obs[idx], mask[idx], noise[idx]).log_prob(action[idx])
        assert torch.allclose(logp_update, logp_collect[idx], atol=1e-5)
        assert logp_update.requires_grad


def test_noise_changes_the_diffusion_policy_and_the_marginal_covers_all_actions() -> None:
    torch.manual_seed(0)
    actor = DiffusionActor(MLPEncoder(LAYOUT, hidden=16), denoise_steps=5)
    obs = observations(1).expand(2000, -1)
    with torch.no_grad():
        probs = actor(obs, torch.ones(2000, 4), actor.sample_noise(2000, torch.Generator().manual_seed(2))).probs
    assert probs.std(0).min() > 0.01  # each z gives its own categorical
    assert probs.mean(0).min() > 0.1  # an untrained actor's marginal is spread over all actions


@pytest.mark.parametrize("make", [
    lambda: CategoricalActor(MLPEncoder(LAYOUT, hidden=16)),
    lambda: DiffusionActor(TransformerEncoder(LAYOUT, d_model=16, heads=2, layers=1), denoise_steps=3),
])
def test_masked_actions_are_never_sampled(make) -> None:
    torch.manual_seed(0)
    actor = make()
    with torch.no_grad():
        obs, mask = observations(4000), torch.ones(4000, 4, dtype=torch.bool)
        mask[:, 0] = False
        mask[::2, 2] = False
        g = torch.Generator().manual_seed(3)
        dist = actor(obs, mask, actor.sample_noise(4000, g))
        action = torch.multinomial(dist.probs, 1, generator=g).squeeze(1)
    assert not torch.any(action == 0)
    assert not torch.any(action[::2] == 2)
    assert set(action.tolist()) == {1, 2, 3}
    assert torch.all(dist.probs[:, 0] == 0.0)
    assert torch.isfinite(dist.entropy()).all()


def test_transformer_ignores_absent_neighbours() -> None:
    """What an absent search result holds must not change the encoding (it is padding)."""
    torch.manual_seed(0)
    enc = TransformerEncoder(LAYOUT, d_model=16, heads=2, layers=2).eval()
    obs = observations(5, present=1)
    other = obs.clone()
    nb = LAYOUT.slices["neighbours"]
    junk = other[:, nb].reshape(5, LAYOUT.top_v, NEIGHBOUR_FIELDS).clone()
    junk[:, 1:, 0] = 7.0
    other[:, nb] = junk.reshape(5, -1)
    with torch.no_grad():
        assert torch.allclose(enc(obs), enc(other), atol=1e-6)
        present = observations(5, present=3)
        assert not torch.allclose(enc(obs), enc(present), atol=1e-3)
    assert enc(obs).shape == (5, enc.out_dim)


@pytest.mark.parametrize("make", [lambda request: MLPEncoder(LAYOUT, hidden=8, request=request),
                                  lambda request: TransformerEncoder(LAYOUT, d_model=8, heads=2, request=request)])
def test_an_encoder_without_the_request_identity_ignores_it(make) -> None:
    """request=False: the embedding's and the language's values do not reach the output; the follow-up flag does."""
    torch.manual_seed(0)
    obs = observations(4)
    other, follow = obs.clone(), obs.clone()
    other[:, LAYOUT.slices["request"]] = torch.randn(4, LAYOUT.dim)
    other[:, LAYOUT.slices["language"]] = torch.randn(4, LAYOUT.sizes["language"])
    follow[:, LAYOUT.slices["follow_up"]] += 1.0
    with torch.no_grad():
        blind, reading = make(False).eval(), make(True).eval()
        assert torch.equal(blind(obs), blind(other))
        assert not torch.allclose(blind(obs), blind(follow), atol=1e-4)
        assert not torch.allclose(reading(obs), reading(other), atol=1e-4)
    assert blind(obs).shape == (4, blind.out_dim)


def test_an_actor_description_with_and_without_the_request_option() -> None:
    """A description without `request` (every checkpoint before the option) builds the encoder that reads it."""
    from velo.networks import build_actor

    obs = observations(3)
    other = obs.clone()
    other[:, LAYOUT.slices["language"]] += 1.0
    for encoder in ({"name": "mlp", "hidden": 8}, {"name": "transformer", "d_model": 8, "heads": 2}):
        torch.manual_seed(0)
        old = build_actor({"encoder": encoder, "actor": {"name": "categorical"}}, LAYOUT).eval()
        new = build_actor({"encoder": encoder | {"request": False}, "actor": {"name": "categorical"}}, LAYOUT).eval()
        with torch.no_grad():
            assert not torch.allclose(old.encoder(obs), old.encoder(other), atol=1e-4)
            assert torch.equal(new.encoder(obs), new.encoder(other))
    with pytest.raises(ValueError, match="cannot be combined with in_size"):
        MLPEncoder(LAYOUT, hidden=8, in_size=20, request=False)


def test_bad_shapes_and_sizes_raise() -> None:
    actor = DiffusionActor(MLPEncoder(LAYOUT, hidden=8), denoise_steps=4)
    with pytest.raises(ValueError, match=r"noise must have shape \(2, 16\)"):
        actor(observations(2), torch.ones(2, 4), torch.zeros(2, 3))
    with pytest.raises(ValueError, match="multiple of heads"):
        TransformerEncoder(LAYOUT, d_model=10, heads=4)


def test_a_checkpoint_loads_and_acts_with_the_core_alone(tmp_path) -> None:
    """The edge server's path: load_policy on a DLRS checkpoint imports no trainer, environment or Milvus client."""
    import subprocess
    import sys

    from safetensors.torch import save as save_bytes

    from velo.checkpoint import CheckpointHeader
    from velo.networks import build_actor

    spec = {"encoder": {"name": "transformer", "d_model": 16, "heads": 2, "layers": 1},
            "actor": {"name": "diffusion", "denoise_steps": 3}}
    actor = build_actor(spec, LAYOUT)
    header = CheckpointHeader("dlrs", {"algo": "dlrs"}, spec, LAYOUT.describe(), 0,
                              {"name": "static:0.9", "format": "static", "fingerprint": "962543ced22da500"}, 0.5)
    path = tmp_path / "dlrs.safetensors"
    path.write_bytes(save_bytes({k: v.contiguous() for k, v in actor.state_dict().items()}, metadata=header.to_metadata()))
    script = f"""
import sys, numpy as np
from velo.observation import ObservationLayout
from velo.policy import load_policy
layout = ObservationLayout({LAYOUT.dim}, {LAYOUT.top_v})
policy = load_policy({str(path)!r}, layout)
mask = np.array([0, 1, 1, 1], dtype=np.int8)
actions = {{policy.act(np.zeros(layout.size, np.float32), mask) for _ in range(5)}}
assert actions <= {{1, 2, 3}}, actions
print(sorted(m for m in sys.modules if m.split(".")[0] in ("agents", "envs", "pettingzoo", "pymilvus", "gymnasium")))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_the_shipped_dlrs_checkpoint_loads_by_name() -> None:
    import numpy as np

    from velo.checkpoint import read_header
    from velo.observation import ObservationLayout
    from velo.paths import SHIPPED_CHECKPOINTS
    from velo.policy import load_policy

    header = read_header(SHIPPED_CHECKPOINTS / "dlrs.safetensors")
    assert header.algo == "dlrs" and header.actor["actor"]["denoise_steps"] == 10
    layout = ObservationLayout(384, 10)
    policy = load_policy("dlrs", layout)
    assert policy.act(np.zeros(layout.size, np.float32), np.array([0, 0, 1, 1], np.int8)) in (2, 3)
