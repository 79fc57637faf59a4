"""Feature extractors that turn a flat observation into the vector an actor or critic reads.

Both take `velo.observation.ObservationLayout` so they read the observation by its named segments (request,
language, follow_up, neighbours, decision, system), never by raw offsets.

- `MLPEncoder`: LayerNorm on the input, then two tanh layers (MAPPO reference code, Yu et al. 2022: LayerNorm on
  inputs, 64-128 hidden units). The encoder of MAPPO and of the critic.
- `TransformerEncoder`: a Transformer encoder (Vaswani et al. 2017) over 3 + V tokens: the request (its embedding,
  language and follow-up flag), the hit-decision block, the edge server's system block, and one token per top-V
  vector-search result (similarity, present, written by the edge LLM, hits) with a learned rank embedding.
  Absent neighbours are padding (masked out of attention). This is the "Transformer encoder over the request
  features and the top-k vector-search results" of LRS (VELO, ICWS 2024, arXiv 2406.13399) and T-MAPPO / DLRS
  (IEEE TSC 18(3), 2025); the papers give no sizes, so ours are sized for two CPU cores: the default
  (d_model 32, 2 heads, 1 layer) runs ~10k forward / ~4.7k forward+backward samples/s on one thread, against
  ~2.8k / ~1.1k for d_model 64 with 2 layers (`python benchmarks/actor_speed.py`, measured under load).

Both take `request` (default True): False leaves out what names the request, its embedding and its language, and
keeps its follow-up flag, so a policy judges a request by its search results, the hit rule's features and the load.
Why: on the shared oasst1 data the train split's reworded ("similar") requests are rewordings of 90 of its 1,409
questions, 4 of them in Chinese, while every test question has three rewordings, half of them Chinese. An actor that
reads the embedding and the language learns which few train questions come back and that a Chinese request is
almost never a repeat; on the test split it sent rewordings to the cloud that Greedy-0.1 served right from the
cache (README, "Results on oasst1"). A checkpoint's header stores the option (absent in older ones: all is read).

Shapes: `forward(obs: (B, layout.size) float32) -> (B, out_dim)`.
"""

from __future__ import annotations

import torch
from torch import nn

from velo.observation import NEIGHBOUR_FIELDS, ObservationLayout


class MLPEncoder(nn.Module):
    def __init__(self, layout: ObservationLayout, hidden: int = 128, in_size: int | None = None,
                 request: bool = True) -> None:
        """`in_size` overrides the input width (the critic reads `state()`, not one observation); `request=False`
        skips the request's embedding and language (observations only)."""
        super().__init__()
        if hidden < 1:
            raise ValueError(f"hidden must be >= 1, got {hidden}")
        if not request and in_size is not None:
            raise ValueError("request=False reads an observation's segments; it cannot be combined with in_size")
        self.layout = layout
        self.out_dim = hidden
        self._start = 0 if request else layout.slices["follow_up"].start  # request, language, follow_up: in that order
        width = (in_size or layout.size) - self._start
        self.net = nn.Sequential(
            nn.LayerNorm(width),
            nn.Linear(width, hidden), nn.Tanh(),
            nn.Linear(hidden, hidden), nn.Tanh(),
        )

    def forward(self, obs: torch.Tensor) -> torch.Tensor:
        return self.net(obs[..., self._start:])


class TransformerEncoder(nn.Module):
    """Attention over the request, its decision features, the edge's load and the top-V search results."""

    def __init__(self, layout: ObservationLayout, d_model: int = 32, heads: int = 2, layers: int = 1,
                 request: bool = True) -> None:
        super().__init__()
        if d_model % heads:
            raise ValueError(f"d_model ({d_model}) must be a multiple of heads ({heads})")
        if layers < 1:
            raise ValueError(f"layers must be >= 1, got {layers}")
        self.layout = layout
        s = layout.slices
        # embedding, language, follow-up: contiguous; with request=False the request token reads the follow-up flag
        self._request = slice(s["request" if request else "follow_up"].start, s["follow_up"].stop)
        self._decision, self._system, self._neighbours = s["decision"], s["system"], s["neighbours"]
        width = self._request.stop - self._request.start
        # the follow-up flag alone is one number: a LayerNorm over one value would always give 0
        self.request_in = (nn.Sequential(nn.LayerNorm(width), nn.Linear(width, d_model)) if request
                           else nn.Linear(width, d_model))
        self.decision_in = nn.Sequential(nn.LayerNorm(layout.sizes["decision"]), nn.Linear(layout.sizes["decision"], d_model))
        self.system_in = nn.Linear(layout.sizes["system"], d_model)
        self.neighbour_in = nn.Linear(NEIGHBOUR_FIELDS, d_model)
        self.kind = nn.Parameter(torch.zeros(3 + layout.top_v, d_model))
        """Learned embedding per token position: request, decision, system, then search rank 1..V."""
        nn.init.normal_(self.kind, std=0.02)
        block = nn.TransformerEncoderLayer(d_model, heads, dim_feedforward=2 * d_model, dropout=0.0,
                                           batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(block, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(d_model)
        self.out_dim = 2 * d_model

    def forward(self, obs: torch.Tensor) -> torch.Tensor:
        b, v = obs.shape[0], self.layout.top_v
        neighbours = obs[:, self._neighbours].reshape(b, v, NEIGHBOUR_FIELDS)
        tokens = torch.cat([
            self.request_in(obs[:, self._request]).unsqueeze(1),
            self.decision_in(obs[:, self._decision]).unsqueeze(1),
            self.system_in(obs[:, self._system]).unsqueeze(1),
            self.neighbour_in(neighbours),
        ], dim=1) + self.kind
        absent = torch.cat([torch.zeros(b, 3, dtype=torch.bool, device=obs.device), neighbours[:, :, 1] < 0.5], dim=1)
        h = self.norm(self.encoder(tokens, src_key_padding_mask=absent))
        keep = (~absent).unsqueeze(-1).to(h.dtype)
        pooled = (h * keep).sum(1) / keep.sum(1)
        return torch.cat([h[:, 0], pooled], dim=-1)
