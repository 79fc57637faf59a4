"""G-MAPPO: MAPPO with a recurrent (GRU) actor and critic.

The DLRS paper lists G-MAPPO among its baselines without a definition we can retrieve; we implement it as the
MAPPO reference code's recurrent variant (rMAPPO, Yu et al. 2022, marlbenchmark/on-policy `--use_recurrent_policy`):
the actor's and the critic's features pass through a GRU whose hidden state carries over from one request to
the next at the same edge (reset at each episode start), and PPO's update replays data chunks of
`chunk_length` = 10 consecutive steps per agent from the hidden state stored at the chunk's start (the replay
reproduces the collection-time log-probabilities exactly: ratio 1 before the first update). Both GRUs are the
reference code's `RNNLayer` (`velo.networks.recurrent.GRULayer`: orthogonal weights, zero biases, LayerNorm on
the output); with PyTorch's default GRU instead, G-MAPPO stalled at a training reward of 0.78 (see there).

Everything else is `agents.mappo`'s (value normalization, GAE, clipped objective, entropy bonus, masking,
separate Adam optimizers, learning rates, one rollout = one episode of every environment, exact resume).
A deployed G-MAPPO policy keeps its hidden state per instance: one per edge server (`velo.learned`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import nn

from agents.checkpoints import POLICY_FILE, policy_bytes, resume_learner, write_checkpoint
from agents.mappo import RolloutStats, ValueNorm, gae, require_positive_ints, whole_rollouts
from velo.networks.actors import orthogonal
from velo.networks.encoders import MLPEncoder
from velo.networks.recurrent import GRUActor, GRULayer


@dataclass
class GMAPPOConfig:
    total_steps: int = 200_000
    """Agent-steps to train for, rounded up to whole rollouts."""
    seed: int = 0
    scenario: str | None = None
    """One scenario, or (None) drawn per episode from the non-calm suite."""
    n_envs: int = 4
    episode_steps: int = 100
    """Requests per edge per episode (= rollout length); a multiple of chunk_length."""
    top_v: int = 10
    hidden: int = 128
    """MLP feature width before the GRU."""
    gru: int = 64
    """GRU hidden state size (actor and critic)."""
    chunk_length: int = 10
    """Steps per recurrent training chunk (the reference code's data_chunk_length)."""
    request_identity: bool = True
    """Whether the actor's encoder reads the request's embedding and language (as `agents.mappo.MAPPOConfig`'s)."""
    actor_lr: float = 3e-4
    critic_lr: float = 1e-3
    gamma: float = 0.99
    gae_lambda: float = 0.95
    clip: float = 0.2
    entropy_coef: float = 0.01
    epochs: int = 5
    minibatches: int = 4
    max_grad_norm: float = 10.0
    huber_delta: float = 10.0
    checkpoint_every: int = 50_000
    algo: str = "g-mappo"

    def __post_init__(self) -> None:
        require_positive_ints(self, (
            "total_steps", "n_envs", "episode_steps", "top_v", "hidden", "gru", "chunk_length", "epochs",
            "minibatches", "checkpoint_every"
        ))
        if self.episode_steps % self.chunk_length:
            raise ValueError(f"episode_steps ({self.episode_steps}) must be a multiple of chunk_length "
                             f"({self.chunk_length}): training chunks never cross an episode's end")
        for name in ("gamma", "gae_lambda"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must lie in [0, 1], got {getattr(self, name)!r}")
        if not isinstance(self.request_identity, bool):
            raise ValueError(f"request_identity must be a bool, got {self.request_identity!r}")

    def actor_spec(self) -> dict:
        encoder = {"name": "mlp", "hidden": self.hidden}
        if not self.request_identity:  # only then: a default run's description is the same as before the option
            encoder["request"] = False
        return {"encoder": encoder, "actor": {"name": "gru", "hidden": self.gru}}


class GRUCritic(nn.Module):
    """V(state, agent) through a GRU per agent."""

    def __init__(self, layout, state_size: int, n_agents: int, hidden: int, gru: int) -> None:
        super().__init__()
        self.n_agents, self.hidden = n_agents, gru
        self.body = MLPEncoder(layout, hidden, in_size=state_size + n_agents)
        self.gru = GRULayer(hidden, gru)
        self.head = orthogonal(nn.Linear(gru, 1), gain=1.0)

    def step(self, state_rows: torch.Tensor, agent: torch.Tensor, h: torch.Tensor, start: torch.Tensor):
        """state_rows (B, S), agent (B,) ids, h (B, gru) -> (values (B,), next h)."""
        x = torch.cat([state_rows, nn.functional.one_hot(agent, self.n_agents).float()], dim=-1)
        features, h = self.gru(self.body(x), h, start)
        return self.head(features).squeeze(-1), h


def train(config: GMAPPOConfig, vec, actor: GRUActor, out: Path, resume: bool = False,
          on_rollout: Callable[[RolloutStats], None] | None = None, writer=None, stop: Callable[[], bool] | None = None) -> Path:
    """As `agents.mappo.train` (`stop` too), with recurrent actor and critic trained on chunks of `chunk_length` steps."""
    cfg = config
    n, layout, a_count, steps, hit_rule = vec.n, vec.envs[0].layout, len(vec.agents), cfg.episode_steps, vec.hit_rule
    floor = vec.cache_min_score
    b = n * a_count
    per_rollout = steps * b
    rollouts = whole_rollouts(cfg.total_steps, per_rollout)
    every = whole_rollouts(cfg.checkpoint_every, per_rollout)
    gen = torch.Generator().manual_seed(cfg.seed)
    with torch.random.fork_rng():
        torch.manual_seed(cfg.seed + 1)
        critic = GRUCritic(layout, vec.state_size, a_count, cfg.hidden, cfg.gru)
    value_norm = ValueNorm()
    actor_opt = torch.optim.Adam(actor.parameters(), lr=cfg.actor_lr, eps=1e-5)
    critic_opt = torch.optim.Adam(critic.parameters(), lr=cfg.critic_lr, eps=1e-5)
    parts = {"actor": actor, "critic": critic, "value_norm": value_norm, "actor_opt": actor_opt, "critic_opt": critic_opt}
    out.mkdir(parents=True, exist_ok=True)
    start = resume_learner(out, cfg, hit_rule, floor, parts, gen) if resume else 0
    agent_ids = torch.arange(a_count).repeat(n)

    obs, mask, state = vec.reset(cfg.seed + start * n)
    for r in range(start, rollouts):
        began = time.perf_counter()
        buf = {k: torch.zeros(steps, b, *shape) for k, shape in
               (("obs", (layout.size,)), ("mask", (mask.shape[-1],)), ("state", (vec.state_size,)),
                ("h_actor", (actor.hidden,)), ("h_critic", (critic.hidden,)))}
        buf_action = torch.zeros(steps, b, dtype=torch.long)
        buf_logp, buf_value, buf_reward = torch.zeros(steps, b), torch.zeros(steps, b), torch.zeros(steps, b)
        starts = torch.zeros(steps, b)
        starts[0] = 1.0  # every rollout begins with a fresh episode in every environment
        h_a, h_c = actor.initial_state(b), torch.zeros(b, critic.hidden)
        for t in range(steps):
            o = torch.from_numpy(obs).reshape(b, -1)
            m = torch.from_numpy(mask).reshape(b, -1).bool()
            s = torch.from_numpy(state).repeat_interleave(a_count, dim=0)
            buf["obs"][t], buf["mask"][t], buf["state"][t], buf["h_actor"][t], buf["h_critic"][t] = o, m, s, h_a, h_c
            with torch.no_grad():
                dist, h_a = actor.step(o, m, actor.sample_noise(b, gen), h_a, starts[t])
                action = torch.multinomial(dist.probs, 1, generator=gen).squeeze(1)
                buf_logp[t] = dist.log_prob(action)
                buf_value[t], h_c = critic.step(s, agent_ids, h_c, starts[t])
            step = vec.step(action.reshape(n, a_count).numpy())
            buf_action[t] = action
            buf_reward[t] = torch.from_numpy(step.reward).reshape(-1)
            obs, mask, state = step.obs, step.mask, step.state
        if not bool(step.done.all()):
            raise RuntimeError("a rollout must end with every environment's episode (episode_steps = max_steps)")

        values = value_norm.denormalize(buf_value)
        done = torch.zeros(steps, b)
        done[-1] = 1.0
        adv = gae(buf_reward, values, done, torch.zeros(b), cfg.gamma, cfg.gae_lambda)
        returns = adv + values
        value_norm.update(returns)
        adv = (adv - adv.mean()) / (adv.std() + 1e-8)

        # chunks: (steps / C) x b sequences of C steps, each replayed from its stored first hidden state
        c = cfg.chunk_length
        chunks = (steps // c) * b

        def chunked(x: torch.Tensor) -> torch.Tensor:  # (T, b, ...) -> (C, chunks, ...)
            return x.reshape(steps // c, c, b, *x.shape[2:]).transpose(0, 1).reshape(c, chunks, *x.shape[2:])

        ch = {k: chunked(v) for k, v in buf.items()}
        ch_action, ch_logp, ch_adv = chunked(buf_action), chunked(buf_logp), chunked(adv)
        ch_ret, ch_oldv, ch_start = chunked(returns), chunked(buf_value), chunked(starts)
        ch_agent = chunked(agent_ids.expand(steps, b))
        logs = {"policy_loss": 0.0, "value_loss": 0.0, "entropy": 0.0, "approx_kl": 0.0, "clipfrac": 0.0}
        size, updates = max(1, chunks // cfg.minibatches), 0
        for _ in range(cfg.epochs):
            perm = torch.randperm(chunks, generator=gen)
            for k in range(0, chunks - size + 1, size):
                idx = perm[k:k + size]
                h_a, h_c = ch["h_actor"][0, idx], ch["h_critic"][0, idx]
                logp, ent, vals = [], [], []
                for t in range(c):
                    dist, h_a = actor.step(ch["obs"][t, idx], ch["mask"][t, idx].bool(), None, h_a, ch_start[t, idx])
                    logp.append(dist.log_prob(ch_action[t, idx]))
                    ent.append(dist.entropy())
                    v, h_c = critic.step(ch["state"][t, idx], ch_agent[t, idx], h_c, ch_start[t, idx])
                    vals.append(v)
                logp, ent, v = torch.stack(logp), torch.stack(ent), torch.stack(vals)
                log_ratio = logp - ch_logp[:, idx]
                ratio = log_ratio.exp()
                a = ch_adv[:, idx]
                policy_loss = -torch.min(ratio * a, ratio.clamp(1 - cfg.clip, 1 + cfg.clip) * a).mean()
                entropy = ent.mean()
                actor_opt.zero_grad()
                (policy_loss - cfg.entropy_coef * entropy).backward()
                nn.utils.clip_grad_norm_(actor.parameters(), cfg.max_grad_norm)
                actor_opt.step()
                old = ch_oldv[:, idx]
                v_clipped = old + (v - old).clamp(-cfg.clip, cfg.clip)
                target = value_norm.normalize(ch_ret[:, idx])
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
                updates += 1
        logs = {k: v / max(1, updates) for k, v in logs.items()}
        done_steps = (r + 1) * per_rollout
        stats = RolloutStats(r, done_steps, float(buf_reward.mean()), per_rollout / (time.perf_counter() - began), logs)
        if writer is not None:
            writer.add_scalar("train/reward", stats.reward, done_steps)
            writer.add_scalar("train/agent_steps_per_s", stats.steps_per_s, done_steps)
            for key, value in logs.items():
                writer.add_scalar(f"loss/{key}", value, done_steps)
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
