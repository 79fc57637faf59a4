"""MAPPO and the learners built on it: T-MAPPO, LRS and DLRS (one algorithm family, read top to bottom).

MAPPO (Yu et al., "The Surprising Effectiveness of PPO in Cooperative Multi-Agent Games", NeurIPS 2022
Datasets & Benchmarks; reference code marlbenchmark/on-policy) as VELO's learners use it:

* one actor shared by every edge agent (parameter sharing), given to `train` as a constructor argument
  (`velo.networks.actors` interface): the MLP actor is MAPPO, a Transformer encoder over the request and its top-V
  search results is T-MAPPO, T-MAPPO with behaviour cloning on the oracle's actions is LRS (VELO, ICWS 2024,
  arXiv 2406.13399), and LRS with the diffusion actor of `velo.networks.diffusion` is DLRS (IEEE TSC 18(3), 2025).
  The loop never branches on the actor's type: it stores each transition's sampling noise and replays it;
* a centralized critic on the environment's `state()` plus the agent's one-hot id (the reference code's
  agent-specific global state: rewards are per agent), one value per agent;
* value normalization (`ValueNorm`: running mean and mean-square, beta 0.99999, debiased, variance floored
  at 1e-2, as the reference `ValueNorm`); the critic predicts normalized returns, GAE runs on denormalized ones;
* GAE (Schulman et al. 2016, eq. 16), gamma 0.99, lambda 0.95; advantages normalized over the rollout;
* PPO's clipped objective (Schulman et al. 2017, eq. 7), clip 0.2, entropy bonus 0.01, clipped value loss with
  Huber delta 10, gradient norm 10, separate Adam optimizers (eps 1e-5). Learning rates: the DLRS paper's
  (actor 3e-4, critic 1e-3), constant by default; `anneal_lr` lowers both linearly towards 0 over the run, one
  step per rollout (`annealed_lr`: CleanRL `ppo.py`'s default schedule);
* action masking in the actor (unavailable actions get logit -1e10: never sampled);
* minibatches over every (step, environment, agent) sample of the rollout from N vectorized environments
  (`envs.vector.VectorEdgeEnv`).
* behaviour cloning (LRS, DLRS): each state is labelled by the environment's hindsight oracle (`action_outcomes`,
  the satisfaction each allowed action would get, as `agents.baselines.OraclePolicy` reads it); the actor loss adds
  `bc_coef` times a demonstration term, the coefficient fading linearly to 0 over the first `bc_fade` of training
  (RL-NOTES, "Expert demonstrations"). `bc_target="argmax"` (the papers' recipe): -log pi(a_oracle | s), the
  oracle's best action cloned. Its optimum is P(oracle picks a | observation): the oracle knows whether the
  cached answer is right, the policy does not, so where a cached answer is right 60 % of the time the clone serves
  it although the cloud would be better on average. `bc_target="expected"`: -sum_a pi(a | s) (q_a - mean q) / scale,
  with q the oracle's per-action satisfactions, centred over the allowed actions and divided by their spread over
  the rollout (neither changes the optimum). Averaged over what the observation cannot see, its optimum is the
  action of best EXPECTED satisfaction given the observation (`hindsight_loss`).

One rollout is one episode of every environment (`episode_steps` requests per edge): all N environments
start together and end together, so a rollout never cuts an episode, GAE needs no bootstrap (the episode's end
is in the critic's state: `state()` carries the episode's progress), and a checkpoint taken between rollouts
resumes exactly (the next episodes' seeds follow from the rollout index).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from agents.checkpoints import POLICY_FILE, TRAIN_STATE, policy_bytes, read_state, resume_learner, write_checkpoint
from velo.networks.actors import orthogonal
from velo.networks.encoders import MLPEncoder
from velo.observation import ObservationLayout

ALGOS = ("mappo", "t-mappo", "lrs", "dlrs")
BC_TARGETS = ("argmax", "expected")


# ------------------------------------------------------------------------------------------------ config
MAX_TOTAL_STEPS = 10**11
"""The most agent-steps a training config takes: at 10,000 agent-steps/s, more than the environment alone runs on this
machine (README, "Simulator speed"), four months of training. 10**20 had been accepted and started (nc19 finding 9)."""


def require_positive_ints(config: object, names: tuple[str, ...]) -> None:
    """Each named field of `config` is an int >= 1 (not a bool), `total_steps` at most `MAX_TOTAL_STEPS`, else
    ValueError naming the field."""
    for name in names:
        value = getattr(config, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
        if name == "total_steps" and value > MAX_TOTAL_STEPS:
            raise ValueError(f"total_steps must be at most {MAX_TOTAL_STEPS:,} (agents.mappo.MAX_TOTAL_STEPS), got {value:,}")


def whole_rollouts(steps: int, per_rollout: int) -> int:
    """How many rollouts of `per_rollout` agent-steps cover `steps`, rounded up in integer arithmetic: `math.ceil` of a
    float quotient had rounded 99,999,999,999,999,999,999 down to a smaller total (nc19 finding 9)."""
    return -(-steps // per_rollout)


@dataclass
class MAPPOConfig:
    algo: str = "mappo"
    """mappo (MLP actor), t-mappo (Transformer encoder), lrs (t-mappo + behaviour cloning on the oracle's
    actions), dlrs (lrs with the diffusion actor)."""
    total_steps: int = 200_000
    """Agent-steps to train for (one agent-step = one request scheduled by one edge), rounded up to whole rollouts."""
    seed: int = 0
    """Seeds the networks' initialisation, the sampling and the training episodes (seed + i + k * n_envs)."""
    scenario: str | None = None
    """Train on this scenario only; default: a scenario drawn at random per episode from the non-calm suite."""
    n_envs: int = 4
    """Environments stepped together (each with 3 edge agents by default)."""
    episode_steps: int = 100
    """Requests per edge per episode; one rollout is one episode of every environment."""
    top_v: int = 10
    """Vector-search results in the observation (the DLRS-V ablations change it)."""
    denoise_steps: int = 10
    """Denoising steps of the diffusion actor (dlrs; the DLRS-L ablations change it)."""
    hidden: int = 128
    """Hidden units of the MLP encoder (mappo's actor) and of the critic."""
    d_model: int = 32
    """Width of the Transformer encoder (t-mappo, lrs, dlrs); see velo.networks.encoders for the sizing."""
    heads: int = 2
    layers: int = 1
    request_identity: bool = True
    """Whether the actor's encoder reads what names the request, its embedding and language (velo.networks.encoders:
    False leaves them out, so the policy cannot key its choices to the train split's few reworded questions)."""
    actor_lr: float = 3e-4
    critic_lr: float = 1e-3
    anneal_lr: bool = False
    """Lower both learning rates linearly towards 0 over the run (`annealed_lr`, as CleanRL's PPO does by default);
    the schedule spans `total_steps`, so a run resumes only with the same total."""
    gamma: float = 0.99
    gae_lambda: float = 0.95
    clip: float = 0.2
    """PPO's ratio clip, also the value clip."""
    entropy_coef: float = 0.01
    epochs: int = 5
    minibatches: int = 4
    max_grad_norm: float = 10.0
    huber_delta: float = 10.0
    bc_coef: float | None = None
    """Initial weight of the behaviour-cloning term; default 1.0 for lrs and dlrs, 0 otherwise."""
    bc_fade: float = 0.5
    """Share of training over which the behaviour-cloning weight fades linearly to 0; the fade spans `total_steps`,
    so a run that fades resumes only with the same total (`total_schedules`)."""
    bc_target: str = "argmax"
    """What the demonstration term fits (see the module docstring): argmax (the oracle's best action, cloned) or
    expected (the oracle's per-action satisfactions: the best action in expectation given the observation)."""
    checkpoint_every: int = 50_000
    """Write the policy and the training state every this many agent-steps (at the next rollout's end)."""

    def __post_init__(self) -> None:
        if self.algo not in ALGOS:
            raise ValueError(f"algo must be one of {', '.join(ALGOS)}, got {self.algo!r}")
        require_positive_ints(self, (
            "total_steps", "n_envs", "episode_steps", "top_v", "denoise_steps", "hidden", "d_model", "heads",
            "layers", "epochs", "minibatches", "checkpoint_every"
        ))
        for name in ("actor_lr", "critic_lr", "clip", "max_grad_norm", "huber_delta"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be > 0, got {getattr(self, name)!r}")
        for name in ("gamma", "gae_lambda", "bc_fade"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must lie in [0, 1], got {getattr(self, name)!r}")
        if self.entropy_coef < 0 or (self.bc_coef is not None and self.bc_coef < 0):
            raise ValueError("entropy_coef and bc_coef must be >= 0")
        if self.d_model % self.heads:
            raise ValueError(f"d_model ({self.d_model}) must be a multiple of heads ({self.heads})")
        if self.seed < 0:
            raise ValueError(f"seed must be >= 0, got {self.seed}")
        if self.bc_target not in BC_TARGETS:
            raise ValueError(f"bc_target must be one of {', '.join(BC_TARGETS)}, got {self.bc_target!r}")
        for name in ("request_identity", "anneal_lr"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be a bool, got {getattr(self, name)!r}")

    @property
    def bc_start(self) -> float:
        return self.bc_coef if self.bc_coef is not None else (1.0 if self.algo in ("lrs", "dlrs") else 0.0)

    def actor_spec(self) -> dict:
        """The actor's description (`velo.networks.build_actor`), stored in checkpoints."""
        if self.algo == "mappo":
            encoder = {"name": "mlp", "hidden": self.hidden}
        else:
            encoder = {"name": "transformer", "d_model": self.d_model, "heads": self.heads, "layers": self.layers}
        if not self.request_identity:  # only then: a default run's description is the same as before the option
            encoder["request"] = False
        actor = {"name": "diffusion", "denoise_steps": self.denoise_steps} if self.algo == "dlrs" else {"name": "categorical"}
        return {"encoder": encoder, "actor": actor}


def total_schedules(config: dict, total: str) -> list[str]:
    """What a run's `config` (a `MAPPOConfig` as a dict, as its training state stores it) schedules over its
    `total_steps`, in words, with its total written as `total`: such a run resumes only with its own total. Another
    total re-stretches the schedule: the annealed learning rates (`anneal_lr`) rise again, the behaviour-cloning
    weight (lrs, dlrs: `bc_fade`) jumps back up mid-fade or fades a second time (nc17 finding 6: 37 of 44 tensors of a dlrs run resumed from 3,000 to
    6,000 agent-steps differed from a fresh 6,000 run; mappo's, with neither schedule, all equal)."""
    spans = [f"anneals its learning rates over {total}"] if config.get("anneal_lr") else []
    coef = config.get("bc_coef")
    bc_start = coef if coef is not None else (1.0 if config.get("algo") in ("lrs", "dlrs") else 0.0)
    if bc_start > 0 and config.get("bc_fade", 0.0) > 0:
        spans.append(f"fades its behaviour-cloning term ({config.get('algo')}) over the first {config['bc_fade']:.0%} of {total}")
    return spans


# ------------------------------------------------------------------------------------------------ networks
class Critic(nn.Module):
    """V(state, agent): LayerNorm + 2 tanh layers over the global state and the agent's one-hot id."""

    def __init__(self, layout: ObservationLayout, state_size: int, n_agents: int, hidden: int = 128) -> None:
        super().__init__()
        self.n_agents = n_agents
        self.body = MLPEncoder(layout, hidden, in_size=state_size + n_agents)
        self.head = orthogonal(nn.Linear(hidden, 1), gain=1.0)

    def forward(self, state: torch.Tensor) -> torch.Tensor:
        """state (N, S) -> values (N, A), one per agent (normalized scale)."""
        n = state.shape[0]
        ids = torch.eye(self.n_agents).expand(n, -1, -1)
        x = torch.cat([state.unsqueeze(1).expand(-1, self.n_agents, -1), ids], dim=-1)
        return self.head(self.body(x)).squeeze(-1)


class ValueNorm(nn.Module):
    """Running normalizer of the value targets (MAPPO reference code, `utils/valuenorm.py`): exponential moving
    mean and mean-square with weight `beta` per update, debiased like Adam's moments, variance floored at 1e-2."""

    def __init__(self, beta: float = 0.99999, epsilon: float = 1e-5, var_floor: float = 1e-2) -> None:
        super().__init__()
        self.beta, self.epsilon, self.var_floor = beta, epsilon, var_floor
        self.register_buffer("running_mean", torch.zeros((), dtype=torch.float64))
        self.register_buffer("running_mean_sq", torch.zeros((), dtype=torch.float64))
        self.register_buffer("debiasing_term", torch.zeros((), dtype=torch.float64))

    def mean_var(self) -> tuple[torch.Tensor, torch.Tensor]:
        d = self.debiasing_term.clamp(min=self.epsilon)
        mean, mean_sq = self.running_mean / d, self.running_mean_sq / d
        return mean, (mean_sq - mean**2).clamp(min=self.var_floor)

    @torch.no_grad()
    def update(self, x: torch.Tensor) -> None:
        x = x.detach().double()
        self.running_mean.mul_(self.beta).add_((1 - self.beta) * x.mean())
        self.running_mean_sq.mul_(self.beta).add_((1 - self.beta) * (x**2).mean())
        self.debiasing_term.mul_(self.beta).add_(1 - self.beta)

    def normalize(self, x: torch.Tensor) -> torch.Tensor:
        mean, var = self.mean_var()
        return ((x.double() - mean) / var.sqrt()).to(x.dtype)

    def denormalize(self, x: torch.Tensor) -> torch.Tensor:
        mean, var = self.mean_var()
        return (x.double() * var.sqrt() + mean).to(x.dtype)


# ------------------------------------------------------------------------------------------------ GAE
def gae(rewards: torch.Tensor, values: torch.Tensor, dones: torch.Tensor, last_value: torch.Tensor,
        gamma: float, lam: float) -> torch.Tensor:
    """Generalized advantage estimates (Schulman et al. 2016, eq. 16) over time, the first axis.

    rewards, values (T, ...); dones (T, ...) 1 where the episode ended at that step (no bootstrap across it);
    last_value (...) the value after the last step. Returns advantages (T, ...); returns = advantages + values.
    """
    adv = torch.zeros_like(rewards)
    running = torch.zeros_like(last_value)
    next_value = last_value
    for t in range(rewards.shape[0] - 1, -1, -1):
        live = 1.0 - dones[t]
        delta = rewards[t] + gamma * next_value * live - values[t]
        running = delta + gamma * lam * live * running
        adv[t] = running
        next_value = values[t]
    return adv


def oracle_outcomes(envs, agents: list[str], mask: np.ndarray) -> np.ndarray:
    """(N, A, 4) float32: the satisfaction each action would give each agent's current request
    (`action_outcomes`), 0 where `mask` (N, A, 4) forbids the action."""
    out = np.zeros(mask.shape, np.float32)
    for i, env in enumerate(envs):
        for j, agent in enumerate(agents):
            out[i, j] = np.where(mask[i, j].astype(bool), np.nan_to_num(env.action_outcomes(agent)), 0.0)
    return out


def oracle_labels(outcomes: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """(...) the hindsight best allowed action given `oracle_outcomes` and the mask (..., 4)."""
    return np.argmax(np.where(mask.astype(bool), outcomes, -np.inf), axis=-1)


def hindsight_loss(probs: torch.Tensor, outcomes: torch.Tensor, mask: torch.Tensor, scale: float = 1.0) -> torch.Tensor:
    """-mean_b sum_a pi(a|s_b) (q_ba - mean_allowed q_b) / scale: probs, outcomes, mask (B, 4).

    The negative expected hindsight satisfaction of the policy, centred per state (the centring changes no
    gradient: sum_a pi(a|s) = 1). Its minimum over policies that see only the observation is the action of best
    expected satisfaction given it, not the one the oracle picks most often."""
    allowed = mask.to(outcomes.dtype)
    centred = (outcomes - (outcomes * allowed).sum(-1, keepdim=True) / allowed.sum(-1, keepdim=True)) * allowed
    return -(probs * centred).sum(-1).mean() / scale


def annealed_lr(base: float, rollout: int, rollouts: int) -> float:
    """The learning rate of rollout `rollout` (0-based) of `rollouts` when annealed linearly towards 0: `base` in the
    first, `base / rollouts` in the last (CleanRL `ppo.py`: `frac = 1 - (iteration - 1) / num_iterations`)."""
    if not 0 <= rollout < rollouts:
        raise ValueError(f"rollout must lie in [0, {rollouts}), got {rollout}")
    return base * (1.0 - rollout / rollouts)


# ------------------------------------------------------------------------------------------------ training
@dataclass
class RolloutStats:
    rollout: int
    steps: int
    """Agent-steps trained so far."""
    reward: float
    """Mean reward (satisfaction) per agent-step in this rollout."""
    steps_per_s: float
    """Agent-steps per second of this rollout (collection and update)."""
    losses: dict


def train(
    config: MAPPOConfig, vec, actor: nn.Module, out: Path, resume: bool = False,
    on_rollout: Callable[[RolloutStats], None] | None = None, writer=None, stop: Callable[[], bool] | None = None,
) -> Path:
    """Train `actor` (and a new critic) on `vec` (a `VectorEdgeEnv` of `config.n_envs` environments whose
    episodes last `config.episode_steps`); write checkpoints to `out`; return the final policy's path. When `stop()`
    turns true (`velo train`'s first Ctrl-C), the rollout under way is finished, checkpointed and training ends.

    With `resume`, continue from `out/train_state.pt` (its configuration and hit rule must match, `total_steps` aside;
    `agents.checkpoints`)."""
    cfg = config
    n, agents, layout, hit_rule, floor = vec.n, vec.agents, vec.envs[0].layout, vec.hit_rule, vec.cache_min_score
    a_count, steps = len(agents), cfg.episode_steps
    if any(e.config.max_steps != steps for e in _base_envs(vec)):
        raise ValueError(f"the environments' episodes must last episode_steps={steps} requests per edge")
    per_rollout = steps * n * a_count
    rollouts = whole_rollouts(cfg.total_steps, per_rollout)
    every = whole_rollouts(cfg.checkpoint_every, per_rollout)

    gen = torch.Generator().manual_seed(cfg.seed)
    with torch.random.fork_rng():
        torch.manual_seed(cfg.seed + 1)
        critic = Critic(layout, vec.state_size, a_count, cfg.hidden)
    value_norm = ValueNorm()
    actor_opt = torch.optim.Adam(actor.parameters(), lr=cfg.actor_lr, eps=1e-5)
    critic_opt = torch.optim.Adam(critic.parameters(), lr=cfg.critic_lr, eps=1e-5)
    out.mkdir(parents=True, exist_ok=True)
    parts = {"actor": actor, "critic": critic, "value_norm": value_norm, "actor_opt": actor_opt, "critic_opt": critic_opt}
    if resume and (total := read_state(out)["config"]["total_steps"]) != cfg.total_steps and (
            spans := total_schedules(asdict(cfg), f"total_steps={total}")):
        raise ValueError(f"--resume: {out / TRAIN_STATE} {' and '.join(spans)}, not {cfg.total_steps}: resume it with "
                         "the same total")
    start = resume_learner(out, cfg, hit_rule, floor, parts, gen) if resume else 0

    obs, mask, state = vec.reset(cfg.seed + start * n)
    for r in range(start, rollouts):
        began = time.perf_counter()
        bc_now = cfg.bc_start * max(0.0, 1.0 - (r * per_rollout) / max(1.0, cfg.bc_fade * rollouts * per_rollout))
        buf_obs = torch.zeros(steps, n * a_count, layout.size)
        buf_mask = torch.zeros(steps, n * a_count, mask.shape[-1], dtype=torch.bool)
        buf_noise = torch.zeros(steps, n * a_count, actor.noise_dim)
        buf_action = torch.zeros(steps, n * a_count, dtype=torch.long)
        buf_logp = torch.zeros(steps, n * a_count)
        buf_state = torch.zeros(steps, n, vec.state_size)
        buf_value = torch.zeros(steps, n, a_count)
        buf_reward = torch.zeros(steps, n, a_count)
        buf_done = torch.zeros(steps, n, 1)
        buf_expert = torch.zeros(steps, n * a_count, dtype=torch.long)
        buf_outcomes = torch.zeros(steps, n * a_count, mask.shape[-1])
        scenario_rewards: dict[str, list[float]] = {}
        # --- rollout: one episode of every environment
        for t in range(steps):
            o = torch.from_numpy(obs).reshape(n * a_count, -1)
            m = torch.from_numpy(mask).reshape(n * a_count, -1).bool()
            s = torch.from_numpy(state)
            with torch.no_grad():
                noise = actor.sample_noise(n * a_count, gen)
                dist = actor(o, m, noise)
                action = torch.multinomial(dist.probs, 1, generator=gen).squeeze(1)
                buf_logp[t] = dist.log_prob(action)
                buf_value[t] = critic(s)
            if bc_now > 0:
                outcomes = oracle_outcomes(vec.envs, agents, mask)
                buf_outcomes[t] = torch.from_numpy(outcomes.reshape(n * a_count, -1))
                buf_expert[t] = torch.from_numpy(oracle_labels(outcomes, mask).reshape(-1))
            names = [getattr(e, "scenario", None) for e in vec.envs]
            step = vec.step(action.reshape(n, a_count).numpy())
            buf_obs[t], buf_mask[t], buf_noise[t], buf_action[t], buf_state[t] = o, m, noise, action, s
            buf_reward[t] = torch.from_numpy(step.reward)
            buf_done[t, :, 0] = torch.from_numpy(step.done.astype(np.float32))
            for i, name in enumerate(names):
                if name is not None:
                    scenario_rewards.setdefault(str(name), []).append(float(step.reward[i].mean()))
            obs, mask, state = step.obs, step.mask, step.state
        if not bool(buf_done[-1].all()):
            raise RuntimeError("a rollout must end with every environment's episode (episode_steps = max_steps)")

        # --- advantages on denormalized values; the episode's end is terminal (its progress is in the state)
        values = value_norm.denormalize(buf_value)
        adv = gae(buf_reward, values, buf_done.expand(-1, -1, a_count), torch.zeros(n, a_count), cfg.gamma, cfg.gae_lambda)
        returns = adv + values
        value_norm.update(returns)
        b_adv = adv.reshape(steps, n * a_count).reshape(-1)
        b_adv = (b_adv - b_adv.mean()) / (b_adv.std() + 1e-8)
        b_ret = returns.reshape(-1)
        b_oldv = buf_value.reshape(-1)
        flat = steps * n * a_count
        b_obs, b_mask = buf_obs.reshape(flat, -1), buf_mask.reshape(flat, -1)
        b_noise, b_action, b_logp = buf_noise.reshape(flat, -1), buf_action.reshape(-1), buf_logp.reshape(-1)
        b_expert, b_outcomes = buf_expert.reshape(-1), buf_outcomes.reshape(flat, -1)
        # the rollout's spread of the centred outcomes: the expected-satisfaction term on the scale of the advantages
        allowed = b_mask.float()
        spread = ((b_outcomes - (b_outcomes * allowed).sum(-1, keepdim=True) / allowed.sum(-1, keepdim=True)) * allowed)
        bc_scale = float(spread[b_mask].std()) + 1e-8 if bc_now > 0 else 1.0
        # sample k = (t, env, agent) in that order; the critic's input is (t, env) and its output the agent
        b_state_index = torch.arange(flat) // a_count
        b_agent = torch.arange(flat) % a_count
        b_state = buf_state.reshape(steps * n, -1)

        # --- update: epochs x minibatches over every sample of the rollout
        if cfg.anneal_lr:  # set from the rollout index, not stepped: a resumed run continues the schedule exactly
            for opt, base in ((actor_opt, cfg.actor_lr), (critic_opt, cfg.critic_lr)):
                for group in opt.param_groups:
                    group["lr"] = annealed_lr(base, r, rollouts)
        logs = {"policy_loss": 0.0, "value_loss": 0.0, "entropy": 0.0, "bc_loss": 0.0, "approx_kl": 0.0, "clipfrac": 0.0}
        size = max(1, flat // cfg.minibatches)
        updates = 0
        for _ in range(cfg.epochs):
            perm = torch.randperm(flat, generator=gen)
            for k in range(0, flat - size + 1, size):
                idx = perm[k:k + size]
                dist = actor(b_obs[idx], b_mask[idx], b_noise[idx])
                logp = dist.log_prob(b_action[idx])
                log_ratio = logp - b_logp[idx]
                ratio = log_ratio.exp()
                a = b_adv[idx]
                policy_loss = -torch.min(ratio * a, ratio.clamp(1 - cfg.clip, 1 + cfg.clip) * a).mean()
                entropy = dist.entropy().mean()
                loss = policy_loss - cfg.entropy_coef * entropy
                bc_loss = torch.zeros(())
                if bc_now > 0:
                    if cfg.bc_target == "expected":
                        bc_loss = hindsight_loss(dist.probs, b_outcomes[idx], b_mask[idx], bc_scale)
                    else:
                        bc_loss = -dist.log_prob(b_expert[idx]).mean()
                    loss = loss + bc_now * bc_loss
                actor_opt.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(actor.parameters(), cfg.max_grad_norm)
                actor_opt.step()

                v = critic(b_state[b_state_index[idx]]).gather(1, b_agent[idx].unsqueeze(1)).squeeze(1)
                v_clipped = b_oldv[idx] + (v - b_oldv[idx]).clamp(-cfg.clip, cfg.clip)
                target = value_norm.normalize(b_ret[idx])
                huber = nn.functional.huber_loss
                value_loss = torch.max(huber(v, target, reduction="none", delta=cfg.huber_delta),
                                       huber(v_clipped, target, reduction="none", delta=cfg.huber_delta)).mean()
                critic_opt.zero_grad()
                value_loss.backward()
                nn.utils.clip_grad_norm_(critic.parameters(), cfg.max_grad_norm)
                critic_opt.step()

                with torch.no_grad():
                    logs["approx_kl"] += float(((ratio - 1) - log_ratio).mean())
                    logs["clipfrac"] += float(((ratio - 1).abs() > cfg.clip).float().mean())
                logs["policy_loss"] += float(policy_loss.detach())
                logs["value_loss"] += float(value_loss.detach())
                logs["entropy"] += float(entropy.detach())
                logs["bc_loss"] += float(bc_loss.detach())
                updates += 1
        logs = {k: v / max(1, updates) for k, v in logs.items()} | {"bc_coef": bc_now,
                                                                    "actor_lr": actor_opt.param_groups[0]["lr"]}
        done_steps = (r + 1) * per_rollout
        stats = RolloutStats(r, done_steps, float(buf_reward.mean()), per_rollout / (time.perf_counter() - began), logs)
        if writer is not None:
            writer.add_scalar("train/reward", stats.reward, done_steps)
            writer.add_scalar("train/agent_steps_per_s", stats.steps_per_s, done_steps)
            for k, v in logs.items():
                writer.add_scalar(f"loss/{k}", v, done_steps)
            for name, rewards in scenario_rewards.items():
                writer.add_scalar(f"reward/{name}", float(np.mean(rewards)), done_steps)
        if on_rollout is not None:
            on_rollout(stats)
        stopping = stop is not None and stop()
        if (r + 1) % every == 0 or r + 1 == rollouts or stopping:
            learner = {"rollout": r + 1, "config": asdict(cfg), "generator": gen.get_state(),
                       **{k: p.state_dict() for k, p in parts.items()}}
            write_checkpoint(out, policy_bytes(actor, cfg, layout, done_steps, hit_rule, floor), learner, done_steps, hit_rule,
                             floor)
        if stopping:
            break
    return out / POLICY_FILE


def _base_envs(vec) -> list:
    """The environments behind `vec`, unwrapping scenario mixtures."""
    return [sub for e in vec.envs for sub in getattr(e, "envs", [e])]
