"""The diffusion actor of DLRS: schedule + denoiser + sampler, exposing a real categorical distribution for PPO.

DLRS (IEEE TSC 18(3), 2025) replaces the actor of LRS with a diffusion policy; the paper publishes no code. We
follow the discrete-action diffusion actor of D2SAC / AGOD (Du et al., IEEE TMC 2024), names after DDPM (Ho et al.
2020, arXiv 2006.11239):

- the chain lives in logit space R^A (A = 4 actions). It starts at x_T ~ N(0, I) and runs the DDPM reverse step
  `p_sample` T times (T = `denoise_steps`, the paper's L, default 10): the denoiser predicts the noise eps from
  [x_t, sinusoidal time embedding of t, the encoded state]; x_0 is reconstructed from it (DDPM eq. 15), softly
  clipped to +-`logit_range` (DDPM clips to the data range; logits need a wider one), and x_{t-1} is drawn from
  the posterior q(x_{t-1} | x_t, x_0) (DDPM eqs. 6-7), with no noise at the last step;
- the action distribution is Categorical(softmax(x_0 + mask)): unavailable actions get logit -1e10;
- the beta schedule is D2SAC's "vp" schedule (b_min 0.1, b_max 10; Song et al. 2021's variance-preserving SDE
  discretised): beta_t = 1 - exp(-b_min / T - (b_max - b_min) (2t - 1) / (2 T^2)), t = 1..T. "linear" (DDPM:
  1e-4 .. 0.02) and "cosine" (Nichol & Dhariwal 2021) are there for ablations; other names raise.

Log-probabilities for PPO (RL-NOTES option 1: keep the noise, replay it). The noise of one decision, z = (x_T and the
T - 1 posterior draws; `noise_dim` = T * A numbers), is drawn by `sample_noise` and stored with the transition. Given
z the chain is a deterministic, differentiable function of the state, so pi_theta(a | s, z) =
softmax(x_0(s, z))[a] is exact at collection time and again at update time with the stored z (a test checks they
agree before the first update). This is PPO on a policy that also observes an exogenous random input z ~ N(0, I)
independent of everything else: its objective E_z E_{a ~ pi(.|s,z)} A(s, a) equals that of the marginal
(mixture) policy pi(a | s) = E_z pi(a | s, z), and the critic, which sees only the state, needs no change. No
ELBO or Monte-Carlo likelihood estimate is involved. The entropy bonus is the entropy of pi(. | s, z).

Expert demonstrations (LRS / DLRS) use the same distribution: the trainer adds -log pi(a_expert | s, z) with the
stored z, so behaviour cloning and PPO act on the same network output.

Shapes: obs (B, layout.size) float32, mask (B, A) bool or 0/1, noise (B, T * A) float32.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.distributions import Categorical

from velo.networks.actors import masked_categorical, orthogonal

SCHEDULES = ("vp", "linear", "cosine")


def beta_schedule(name: str, steps: int) -> torch.Tensor:
    """Betas (steps,) float64 of the named schedule; raises ValueError for an unknown name or steps < 1."""
    if steps < 1:
        raise ValueError(f"denoise_steps must be >= 1, got {steps}")
    t = torch.arange(1, steps + 1, dtype=torch.float64)
    if name == "vp":
        b_min, b_max = 0.1, 10.0
        return 1.0 - torch.exp(-b_min / steps - 0.5 * (b_max - b_min) * (2 * t - 1) / steps**2)
    if name == "linear":
        scale = 1000.0 / steps  # DDPM's 1e-4..0.02 over 1000 steps, rescaled so short chains still reach noise
        return torch.linspace(scale * 1e-4, min(scale * 0.02, 0.999), steps, dtype=torch.float64)
    if name == "cosine":
        s = 0.008
        f = torch.cos(((torch.arange(steps + 1, dtype=torch.float64) / steps) + s) / (1 + s) * math.pi / 2) ** 2
        return (1 - f[1:] / f[:-1]).clamp(max=0.999)
    raise ValueError(f"unknown beta schedule {name!r}; choose from {', '.join(SCHEDULES)}")


class NoiseSchedule(nn.Module):
    """DDPM constants of one beta schedule, as buffers (indexed by t = 0..T-1, t = 0 the last reverse step)."""

    def __init__(self, name: str = "vp", steps: int = 10) -> None:
        super().__init__()
        betas = beta_schedule(name, steps)
        alphas = 1.0 - betas
        abar = torch.cumprod(alphas, 0)
        abar_prev = torch.cat([torch.ones(1, dtype=torch.float64), abar[:-1]])
        posterior_var = betas * (1.0 - abar_prev) / (1.0 - abar)
        consts = {
            "betas": betas,
            "alphas_cumprod": abar,
            "sqrt_recip_alphas_cumprod": torch.sqrt(1.0 / abar),
            "sqrt_recipm1_alphas_cumprod": torch.sqrt(1.0 / abar - 1.0),
            "posterior_std": torch.sqrt(posterior_var),
            "posterior_mean_coef1": betas * torch.sqrt(abar_prev) / (1.0 - abar),
            "posterior_mean_coef2": (1.0 - abar_prev) * torch.sqrt(alphas) / (1.0 - abar),
        }
        for key, value in consts.items():
            self.register_buffer(key, value.float())
        self.name, self.steps = name, steps

    def q_sample(self, x0: torch.Tensor, t: int, eps: torch.Tensor) -> torch.Tensor:
        """x_t ~ q(x_t | x_0) given the noise eps (DDPM eq. 4)."""
        abar = self.alphas_cumprod[t]
        return abar.sqrt() * x0 + (1.0 - abar).sqrt() * eps

    def predict_start_from_noise(self, x_t: torch.Tensor, t: int, eps: torch.Tensor) -> torch.Tensor:
        """x_0 implied by x_t and the predicted noise (DDPM eq. 15 solved for x_0)."""
        return self.sqrt_recip_alphas_cumprod[t] * x_t - self.sqrt_recipm1_alphas_cumprod[t] * eps

    def posterior_mean(self, x0: torch.Tensor, x_t: torch.Tensor, t: int) -> torch.Tensor:
        """Mean of q(x_{t-1} | x_t, x_0) (DDPM eq. 7)."""
        return self.posterior_mean_coef1[t] * x0 + self.posterior_mean_coef2[t] * x_t


def time_embedding(t: int, dim: int, device: torch.device) -> torch.Tensor:
    """Sinusoidal embedding (dim,) of the step index t (Vaswani et al. 2017, as in DDPM's U-Net)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10_000.0) * torch.arange(half, device=device) / max(1, half - 1))
    angles = t * freqs
    return torch.cat([angles.sin(), angles.cos()])


class Denoiser(nn.Module):
    """eps_theta(x_t, t, s): an MLP over [x_t, time embedding, encoded state] (D2SAC's denoiser, Mish activations)."""

    def __init__(self, n_actions: int, cond_dim: int, hidden: int = 128, time_dim: int = 16) -> None:
        super().__init__()
        self.time_dim = time_dim
        self.time = nn.Sequential(nn.Linear(time_dim, 2 * time_dim), nn.Mish(), nn.Linear(2 * time_dim, time_dim))
        self.net = nn.Sequential(
            nn.Linear(n_actions + time_dim + cond_dim, hidden), nn.Mish(),
            nn.Linear(hidden, hidden), nn.Mish(),
            orthogonal(nn.Linear(hidden, n_actions), gain=0.01),
        )

    def forward(self, x_t: torch.Tensor, t: int, cond: torch.Tensor) -> torch.Tensor:
        temb = self.time(time_embedding(t, self.time_dim, x_t.device)).expand(x_t.shape[0], -1)
        return self.net(torch.cat([x_t, temb, cond], dim=-1))


class DiffusionActor(nn.Module):
    """encoder -> T-step DDPM chain in logit space -> masked Categorical; see the module docstring."""

    def __init__(
        self, encoder: nn.Module, n_actions: int = 4, denoise_steps: int = 10, schedule: str = "vp",
        hidden: int = 64, logit_range: float = 5.0,
    ) -> None:
        super().__init__()
        if logit_range <= 0:
            raise ValueError(f"logit_range must be > 0, got {logit_range}")
        self.encoder = encoder
        self.schedule = NoiseSchedule(schedule, denoise_steps)
        self.denoiser = Denoiser(n_actions, encoder.out_dim, hidden)
        self.n_actions, self.denoise_steps, self.logit_range = n_actions, denoise_steps, logit_range
        self.noise_dim = denoise_steps * n_actions

    def sample_noise(self, batch: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """z (B, T * A): x_T in the first A columns, then the posterior draws of steps T-1 .. 1."""
        return torch.randn(batch, self.noise_dim, generator=generator)

    def p_sample(self, x_t: torch.Tensor, t: int, cond: torch.Tensor, z: torch.Tensor | None) -> torch.Tensor:
        """One reverse step x_t -> x_{t-1} given the posterior draw z (None at t = 0: the mean is x_0)."""
        eps = self.denoiser(x_t, t, cond)
        x0 = self.schedule.predict_start_from_noise(x_t, t, eps)
        x0 = self.logit_range * torch.tanh(x0 / self.logit_range)
        mean = self.schedule.posterior_mean(x0, x_t, t)
        return mean if z is None else mean + self.schedule.posterior_std[t] * z

    def logits(self, obs: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        """x_0 (B, A): the chain run from the stored noise."""
        if noise.shape != (obs.shape[0], self.noise_dim):
            raise ValueError(f"noise must have shape ({obs.shape[0]}, {self.noise_dim}), got {tuple(noise.shape)}")
        cond = self.encoder(obs)
        a = self.n_actions
        x = noise[:, :a]
        for i, t in enumerate(range(self.denoise_steps - 1, -1, -1)):
            z = noise[:, (i + 1) * a : (i + 2) * a] if t > 0 else None
            x = self.p_sample(x, t, cond, z)
        return x

    def forward(self, obs: torch.Tensor, mask: torch.Tensor, noise: torch.Tensor) -> Categorical:
        return masked_categorical(self.logits(obs, noise), mask)
