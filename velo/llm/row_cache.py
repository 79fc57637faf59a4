"""One decode step for rows of different lengths without padding them to the longest: a KV cache per row.

A padded batch (`velo.llm.batch_generate`: caches left-padded to the longest row, an attention mask hiding the
padding) makes every row's decode step pay for the longest row: attention reads the padded width, and the model's
`DynamicCache` appends each step's keys by concatenation, copying the whole padded cache once per step. Measured
(CPU time of one decode step, 1 torch thread, oasst1 prompts, README "Edge LLM batching"): 16 rows of which one is
1,111 tokens long, 235 ms padded against 125 ms here; 16 rows of ~40-100 tokens, 147 against 120 ms; one row, the
same. Here (the idea of vLLM's PagedAttention, Kwon et al., SOSP 2023: each sequence keeps its own KV memory and
attention reads only that; without the pages):

* each row owns per-layer key and value buffers of (1, kv heads, capacity, head dim), allocated once for its prompt
  plus `max_new_tokens` (the worst case the batcher reserves for it anyway), so a step writes one position in place;
* the linear layers run on all rows at once (one read of the weights per step, which is what batching buys on CPU);
* attention runs row by row over that row's own positions with transformers' own SDPA call, on the shapes a
  request alone has (one query, no mask), so no row attends over another's padding.

The per-row attention is the transformers attention implementation `ROW_ATTENTION` ("velo_rows"), registered with
`AttentionInterface` (transformers' extension point for custom attention); `use_row_attention(model)` switches a
model to it. For anything but a `RowCache` step it is plain "sdpa" (same function, same mask), so the model's other
callers (`LocalLLM.generate_ids`, `generate_batch`) compute exactly what they did.

Shapes: a decode step feeds `input_ids` (rows, 1), `position_ids` (rows, 1) = each row's `lengths` entry (its
cached positions, so positions continue from the row's own prompt), no attention mask, `past_key_values` the
`RowCache`; after the forward pass `advance()` counts the written position.
"""

from __future__ import annotations

import torch
from transformers import AttentionInterface
from transformers.cache_utils import Cache, DynamicLayer
from transformers.integrations.sdpa_attention import sdpa_attention_forward
from transformers.masking_utils import ALL_MASK_ATTENTION_FUNCTIONS, sdpa_mask

ROW_ATTENTION = "velo_rows"
"""The name of the per-row attention implementation in transformers' `AttentionInterface`."""


class _RowKV(list):
    """What a `RowCache` layer hands to attention: per row, its (keys, values) views of (1, kv heads, length, dim)."""


def _row_attention(module, query, key, value, attention_mask, **kwargs):
    """Attention for a `RowCache` step, row by row; for anything else transformers' SDPA attention as is."""
    if not isinstance(key, _RowKV):
        return sdpa_attention_forward(module, query, key, value, attention_mask, **kwargs)
    rows = [sdpa_attention_forward(module, query[r : r + 1], k, v, None, **kwargs)[0] for r, (k, v) in enumerate(key)]
    return torch.cat(rows), None


def use_row_attention(model) -> None:
    """Register "velo_rows" with transformers (idempotent) and make `model` use it (see the module docstring);
    ValueError for a model that does not use "sdpa" (what it would replace)."""
    AttentionInterface.register(ROW_ATTENTION, _row_attention)
    ALL_MASK_ATTENTION_FUNCTIONS.register(ROW_ATTENTION, sdpa_mask)  # the masks of every other caller: sdpa's
    if model.config._attn_implementation != ROW_ATTENTION:
        if model.config._attn_implementation != "sdpa":
            raise ValueError(
                f"per-row attention replaces 'sdpa', but the model uses {model.config._attn_implementation!r}"
            )
        model.set_attn_implementation(ROW_ATTENTION)


class _RowLayer(DynamicLayer):
    """One layer's per-row buffers; `update` writes this step's key and value of every row at its length."""

    def __init__(self, lengths: list[int]) -> None:
        super().__init__()
        self.is_initialized = True
        self.lengths = lengths  # the cache's, shared by every layer, advanced once per step
        self.row_keys: list[torch.Tensor] = []
        self.row_values: list[torch.Tensor] = []

    def lazy_initialization(self, key_states: torch.Tensor, value_states: torch.Tensor) -> None:
        pass

    def update(self, key_states: torch.Tensor, value_states: torch.Tensor, *args, **kwargs) -> tuple[_RowKV, _RowKV]:
        if key_states.shape[-2] != 1:
            raise ValueError("a RowCache takes one new position per row and step (prefill each row alone)")
        views = _RowKV()
        for r, (length, keys, values) in enumerate(zip(self.lengths, self.row_keys, self.row_values)):
            keys[:, :, length] = key_states[r : r + 1, :, 0]
            values[:, :, length] = value_states[r : r + 1, :, 0]
            views.append((keys[:, :, : length + 1], values[:, :, : length + 1]))
        return views, views  # _row_attention reads both from the first

    def get_seq_length(self) -> int:
        return max(self.lengths, default=0)

    def get_mask_sizes(self, query_length: int) -> tuple[int, int]:
        return self.get_seq_length() + query_length, 0


class RowCache(Cache):
    """The running rows' KV caches, one set of buffers per row (see the module docstring)."""

    def __init__(self, num_layers: int) -> None:
        self.lengths: list[int] = []
        super().__init__(layers=[_RowLayer(self.lengths) for _ in range(num_layers)])

    @property
    def rows(self) -> int:
        return len(self.lengths)

    def add_row(self, layers: list[tuple[torch.Tensor, torch.Tensor]], capacity: int) -> None:
        """Append a row whose prefill produced `layers` ((1, kv heads, length, dim) keys and values per layer),
        with room for `capacity` positions in all; ValueError if they do not fit."""
        length = layers[0][0].shape[-2]
        if capacity < length:
            raise ValueError(f"capacity {capacity} is below the row's {length} cached positions")
        for layer, (keys, values) in zip(self.layers, layers):
            shape = (*keys.shape[:2], capacity, keys.shape[-1])
            row_keys, row_values = keys.new_empty(shape), values.new_empty(shape)
            row_keys[:, :, :length] = keys
            row_values[:, :, :length] = values
            layer.row_keys.append(row_keys)
            layer.row_values.append(row_values)
        self.lengths.append(length)

    def keep(self, indices: list[int]) -> None:
        """Keep only the rows at `indices`, in that order; the others' buffers are freed."""
        self.lengths[:] = [self.lengths[i] for i in indices]
        for layer in self.layers:
            layer.row_keys = [layer.row_keys[i] for i in indices]
            layer.row_values = [layer.row_values[i] for i in indices]

    def advance(self) -> None:
        """Count the position every row's step just wrote (once after each forward pass)."""
        self.lengths[:] = [length + 1 for length in self.lengths]
