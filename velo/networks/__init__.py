"""Build an actor from its description, the form a checkpoint stores (`velo.checkpoint`, header `actor`).

    {"encoder": {"name": "mlp" | "transformer", **kwargs}, "actor": {"name": "categorical" | "diffusion" | "gru", **kwargs}}
    {"encoder": {"name": "none"}, "actor": {"name": "sb3-mlp", "hidden": [64, 64]}}     (ippo-sb3; "request": False
                                                                                          as the encoders' option)

Names map to classes through the fixed tables below (a name read from a file is never used as an import path).
Imports torch and the core only, never the environment: `velo.learned` reaches it when a checkpoint is loaded.
"""

from __future__ import annotations

from torch import nn

from velo.observation import ObservationLayout

ENCODERS = ("mlp", "transformer")
ACTORS = ("categorical", "diffusion", "gru", "sb3-mlp")


def build_encoder(spec: dict, layout: ObservationLayout) -> nn.Module:
    from velo.networks.encoders import MLPEncoder, TransformerEncoder

    kwargs = {k: v for k, v in spec.items() if k != "name"}
    if spec.get("name") == "mlp":
        return MLPEncoder(layout, **kwargs)
    if spec.get("name") == "transformer":
        return TransformerEncoder(layout, **kwargs)
    raise ValueError(f"unknown encoder {spec.get('name')!r}; choose from {', '.join(ENCODERS)}")


def build_actor(spec: dict, layout: ObservationLayout) -> nn.Module:
    """The (untrained) actor `spec` describes, for observations of `layout`."""
    try:
        encoder_spec, actor_spec = dict(spec["encoder"]), dict(spec["actor"])
    except (KeyError, TypeError):
        raise ValueError(f"an actor description needs 'encoder' and 'actor' entries, got {spec!r}") from None
    name = actor_spec.pop("name", None)
    if name == "sb3-mlp":  # stable-baselines3's own network: no separate encoder
        return SB3MlpActor(layout, **actor_spec)
    encoder = build_encoder(encoder_spec, layout)
    if name == "categorical":
        from velo.networks.actors import CategoricalActor

        return CategoricalActor(encoder, **actor_spec)
    if name == "diffusion":
        from velo.networks.diffusion import DiffusionActor

        return DiffusionActor(encoder, **actor_spec)
    if name == "gru":
        from velo.networks.recurrent import GRUActor

        return GRUActor(encoder, **actor_spec)
    raise ValueError(f"unknown actor {name!r}; choose from {', '.join(ACTORS)}")


class SB3MlpActor(nn.Module):
    """The actor half of stable-baselines3's PPO `MlpPolicy` as `agents.ippo_sb3` trains it (input: the
    observation with the action mask appended; two tanh layers of 64; `action_net`), under SB3's parameter
    names, behind the actor interface. SB3's PPO cannot mask actions while training (a masked choice is served
    by CLOUD, as the environment does); at inference this actor masks them like every other. `request=False`: the
    observation is read from the follow-up flag on, without the request's embedding and language (as the
    encoders' option, `velo.networks.encoders`)."""

    noise_dim = 0

    def __init__(self, layout: ObservationLayout, hidden: tuple[int, ...] | list[int] = (64, 64), n_actions: int = 4,
                 request: bool = True) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        self._start = 0 if request else layout.slices["follow_up"].start
        width = layout.size - self._start + n_actions
        for h in hidden:
            layers += [nn.Linear(width, h), nn.Tanh()]
            width = h
        self.policy_net = nn.Sequential(*layers)
        self.action_net = nn.Linear(width, n_actions)

    def sample_noise(self, batch: int, generator=None):
        import torch

        return torch.zeros(batch, 0)

    def forward(self, obs, mask, noise=None):
        import torch

        from velo.networks.actors import masked_categorical

        x = torch.cat([obs[..., self._start:], mask.to(obs.dtype)], dim=-1)
        return masked_categorical(self.action_net(self.policy_net(x)), mask)
