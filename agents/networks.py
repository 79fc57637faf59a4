"""Build an actor from its description, the form a checkpoint stores (`velo.checkpoint`, header `actor`).

    {"encoder": {"name": "mlp" | "transformer", **kwargs}, "actor": {"name": "categorical" | "diffusion" | "gru", **kwargs}}

Names map to classes through the fixed tables below (a name read from a file is never used as an import path).
Imports torch and the core only, never the environment: `velo.learned` reaches it when a checkpoint is loaded.
"""

from __future__ import annotations

from torch import nn

from velo.observation import ObservationLayout

ENCODERS = ("mlp", "transformer")
ACTORS = ("categorical", "diffusion", "gru")


def build_encoder(spec: dict, layout: ObservationLayout) -> nn.Module:
    from agents.encoders import MLPEncoder, TransformerEncoder

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
    encoder = build_encoder(encoder_spec, layout)
    name = actor_spec.pop("name", None)
    if name == "categorical":
        from agents.actors import CategoricalActor

        return CategoricalActor(encoder, **actor_spec)
    if name == "diffusion":
        from agents.diffusion import DiffusionActor

        return DiffusionActor(encoder, **actor_spec)
    if name == "gru":
        from agents.recurrent import GRUActor

        return GRUActor(encoder, **actor_spec)
    raise ValueError(f"unknown actor {name!r}; choose from {', '.join(ACTORS)}")
