"""Per-layer costs of the real model on this machine: the measured input of the EdgeShard planner.

EdgeShard (arXiv 2405.14371, Sec. IV-A) profiles each layer's compute time, memory and output size on
every device before planning. This measures them for one CPU, by running the layers exactly as a shard
worker does (`velo.edgeshard.worker.LoadedShard.run` over all layers) and timing each layer with forward
hooks, for two phases:

* prefill: the forward pass over a `prompt_tokens`-token prompt (a fresh KV cache);
* decode: one further token over the KV cache of those `prompt_tokens` tokens.

Written to `velo/profiles/smollm2_layers.json` by `benchmarks/profile_layers.py`:

| field | meaning |
|---|---|
| `layers[i].prefill_ms`, `decode_ms` | median time of decoder layer i; layer 0 includes the token embedding, the last layer the final norm and LM head (of the last position) |
| `layers[i].memory_bytes` | parameter bytes; layer 0 includes the embedding matrix, the last layer the final norm and the LM head |
| `layers[i].activation_bytes_prefill`, `_decode` | float32 hidden states leaving layer i: prompt_tokens x hidden x 4, and hidden x 4 |
| `shard_overhead_ms` | per shard and step, outside any layer: rotary embeddings and the causal mask |
| `tied_embeddings` | the LM head shares the embedding matrix: a shard holding both ends stores it once, so the sum of `memory_bytes` over all layers counts it twice (`lm_head_bytes` too many) |
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from velo.edgeshard.worker import LoadedShard
from velo.files import write_text_atomic
from velo.paths import REPO_ROOT

if TYPE_CHECKING:
    from transformers import PreTrainedModel

DEFAULT_PROFILE = REPO_ROOT / "velo" / "profiles" / "smollm2_layers.json"
FLOAT32_BYTES = 4


@dataclass(frozen=True)
class LayerCost:
    memory_bytes: int
    activation_bytes_prefill: int
    activation_bytes_decode: int
    prefill_ms: float
    decode_ms: float


@dataclass(frozen=True)
class LayerProfile:
    model: str
    hidden_size: int
    prompt_tokens: int
    layers: tuple[LayerCost, ...]
    measured_at: str
    threads: int
    runs: int
    tied_embeddings: bool
    lm_head_bytes: int
    shard_overhead_ms: dict[str, float]

    @property
    def prefill_ms(self) -> float:
        return sum(layer.prefill_ms for layer in self.layers)

    @property
    def decode_ms(self) -> float:
        return sum(layer.decode_ms for layer in self.layers)

    def to_json(self) -> dict:
        return {**asdict(self), "layers": [asdict(layer) for layer in self.layers]}


def layer_memory_bytes(model: PreTrainedModel) -> tuple[list[int], int, bool]:
    """Parameter bytes per decoder layer (ends included, see the module docstring), the LM head's bytes,
    and whether the LM head is tied to the embeddings."""
    layers = model.model.layers
    sizes = [_bytes(layer) for layer in layers]
    head = _bytes(model.lm_head)
    sizes[0] += _bytes(model.model.embed_tokens)
    sizes[-1] += _bytes(model.model.norm) + head
    tied = model.lm_head.weight is model.model.embed_tokens.weight
    return sizes, head, tied


def profile_layers(model: PreTrainedModel, prompt_ids: Sequence[int], name: str, runs: int = 7, warmup: int = 2) -> LayerProfile:
    """Median per-layer prefill and decode times over `runs` (after `warmup` untimed runs) of the real
    model on this process's torch threads; each run uses a fresh KV cache."""
    import torch

    if runs < 1:
        raise ValueError(f"runs must be >= 1, got {runs}")
    if len(prompt_ids) < 1:
        raise ValueError("the prompt is empty")
    shard = LoadedShard(model, 0, int(model.config.num_hidden_layers))
    n = len(shard.layers)
    timer = _HookTimer(shard)
    prefill: list[list[float]] = []
    decode: list[list[float]] = []
    overhead: dict[str, list[float]] = {"prefill": [], "decode": []}
    prompt = torch.tensor([list(prompt_ids)])
    try:
        with torch.inference_mode():
            for run in range(warmup + runs):
                session = f"profile-{run}"
                for phase, position, inputs in (("prefill", 0, prompt), ("decode", len(prompt_ids), None)):
                    if inputs is None:
                        inputs = torch.tensor([[int(logits.argmax())]])
                    timer.reset()
                    started = time.perf_counter()
                    logits = shard.run(session, position, phase == "prefill", inputs)
                    total = (time.perf_counter() - started) * 1000.0
                    if run >= warmup:
                        per_layer = timer.per_layer(n)
                        (prefill if phase == "prefill" else decode).append(per_layer)
                        overhead[phase].append(total - sum(per_layer))
                shard.reset(session)
    finally:
        timer.remove()

    memory, head_bytes, tied = layer_memory_bytes(model)
    hidden = int(model.config.hidden_size)
    layers = tuple(
        LayerCost(
            memory_bytes=memory[i],
            activation_bytes_prefill=len(prompt_ids) * hidden * FLOAT32_BYTES,
            activation_bytes_decode=hidden * FLOAT32_BYTES,
            prefill_ms=round(statistics.median(r[i] for r in prefill), 4),
            decode_ms=round(statistics.median(r[i] for r in decode), 4),
        )
        for i in range(n)
    )
    return LayerProfile(
        model=name,
        hidden_size=hidden,
        prompt_tokens=len(prompt_ids),
        layers=layers,
        measured_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        threads=torch.get_num_threads(),
        runs=runs,
        tied_embeddings=tied,
        lm_head_bytes=head_bytes,
        shard_overhead_ms={phase: round(statistics.median(v), 4) for phase, v in overhead.items()},
    )


def write_layer_profile(profile: LayerProfile, path: Path = DEFAULT_PROFILE) -> None:
    """Write atomically (a reader never sees half a file)."""
    write_text_atomic(path, [json.dumps(profile.to_json(), indent=2) + "\n"])


class _HookTimer:
    """Wall time of each decoder layer in one shard step, from forward pre/post hooks.

    The embedding's time is added to layer 0, the final norm's and LM head's to the last layer.
    """

    def __init__(self, shard: LoadedShard) -> None:
        self.elapsed: dict[int, float] = {}
        self._started: dict[int, float] = {}
        self._handles = []
        last = len(shard.layers) - 1
        modules = [(i, layer) for i, layer in enumerate(shard.layers)]
        modules += [(0, shard.embed), (last, shard.norm), (last, shard.lm_head)]
        for slot, module in modules:
            if module is None:
                continue
            key = id(module)
            self._handles.append(module.register_forward_pre_hook(self._pre(key)))
            self._handles.append(module.register_forward_hook(self._post(key, slot)))

    def _pre(self, key: int):  # noqa: ANN202
        def hook(module, args):  # noqa: ANN001, ANN202
            self._started[key] = time.perf_counter()

        return hook

    def _post(self, key: int, slot: int):  # noqa: ANN202
        def hook(module, args, output):  # noqa: ANN001, ANN202
            self.elapsed[slot] = self.elapsed.get(slot, 0.0) + (time.perf_counter() - self._started.pop(key)) * 1000.0

        return hook

    def reset(self) -> None:
        self.elapsed.clear()

    def per_layer(self, n: int) -> list[float]:
        return [self.elapsed.get(i, 0.0) for i in range(n)]

    def remove(self) -> None:
        for handle in self._handles:
            handle.remove()


def _bytes(module: object) -> int:
    return sum(p.numel() * p.element_size() for p in module.parameters())  # type: ignore[attr-defined]
