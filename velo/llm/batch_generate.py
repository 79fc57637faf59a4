"""Greedy answers to several prompts at once: one forward pass per decode step for the whole batch.

`LocalLLM.generate_ids` answers one prompt per call. On CPU a decode step (one token per row over the KV
cache) costs about the same for 8 rows as for 1: it is bound by reading the weights, so offline jobs such
as `velo data edge-answers` decode prompts in batches. Prefill is not: it is bound by arithmetic on every
prompt token, and a batched prefill costs as much per token as a single one (measured 6.0 vs 6.9 ms per
token on SmolLM2, 1 thread) while left padding makes it pay for tokens that are not there. So:

1. **prefill, one prompt at a time**, exactly as `LocalLLM.generate_ids` does (no padding, no mask): each
   row's first token and KV cache are those of the request served alone;
2. **decode, together**: the rows' caches are **left-padded** to the longest prompt and stacked; an
   attention mask hides the padding, and each row's position ids continue from its own prompt length,
   so every row sees what it would see alone;
3. a row that has produced an end-of-sequence token or `max_new_tokens` tokens leaves the batch
   (`DynamicCache.batch_select_indices`), so short answers stop costing forward passes.

Times are attributed per row (`BatchedGeneration`). Batched and single answers are the same greedy
decoding, but not always the same floats: the attention kernel with a padding mask and matrix products of
another shape round differently, so where the two best next tokens are nearly tied a row can take the
other one and continue differently from there (0 of 24 oasst1 answers of up to 200 tokens differed at
batch sizes 8 and 16: `benchmarks/edge_answers_batching.py`; `tests/llm/test_batch_generate.py` checks
short prompts of different lengths).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from velo.llm.local import Generation, LocalLLM

if TYPE_CHECKING:
    import torch


@dataclass(frozen=True)
class BatchedGeneration(Generation):
    """One row of a batch: its answer and what it cost.

    `prefill_ms` is this prompt's own prefill, run alone: the same number a single request measures.
    `decode_ms` is the summed wall time of the batch's decode steps that produced this row's further
    tokens (`output_tokens - 1` steps, each one forward pass over every row still generating). So with
    `batch_size` > 1, `decode_ms` is NOT a single request's decode time (each step served up to
    `batch_size` rows), and `prefill_ms + decode_ms` is not the time from the batch's start to this
    answer (the other rows' prefills ran first).
    """

    batch_size: int = 1


def generate_batch(llm: LocalLLM, prompts: Sequence[Sequence[int]], max_new_tokens: int) -> list[BatchedGeneration]:
    """Greedy answers to `prompts` (token ids, e.g. `LocalLLM.prompt_ids`), in their order, decoded together.

    Stops each row at an end-of-sequence token or after `max_new_tokens` tokens, as `LocalLLM.generate_ids`.
    Sort prompts by length before forming batches: every row's decode attends over the longest prompt.
    A single prompt is answered by `LocalLLM.generate_ids` itself, so `batch_size` 1 means single-request
    numbers whichever way it was asked.
    """
    import torch
    from transformers import DynamicCache

    if not prompts:
        return []
    for ids in prompts:
        llm.check_request(ids, max_new_tokens)
    if len(prompts) == 1:
        alone = llm.generate_ids(prompts[0], max_new_tokens)
        return [BatchedGeneration(alone.text, alone.prompt_tokens, alone.output_tokens, alone.prefill_ms, alone.decode_ms)]

    def finished(row: int) -> bool:
        return len(produced[row]) >= max_new_tokens or produced[row][-1] in llm.stop_ids

    produced: list[list[int]] = [[] for _ in prompts]
    prefill_ms = [0.0] * len(prompts)
    decode_ms = [0.0] * len(prompts)
    row_caches: dict[int, list[tuple[torch.Tensor, torch.Tensor]]] = {}
    with torch.inference_mode():
        for row, ids in enumerate(prompts):
            start = time.perf_counter()
            # the prefill of LocalLLM.generate_ids (logits_to_keep=1: only the last position's logits)
            out = llm.model(torch.tensor([list(ids)]), use_cache=True, logits_to_keep=1)
            produced[row].append(int(out.logits[0, -1].argmax()))
            prefill_ms[row] = (time.perf_counter() - start) * 1000.0
            if not finished(row):
                row_caches[row] = [(keys, values) for keys, values, *_ in out.past_key_values]
        rows = list(row_caches)  # batch row -> prompt index, for the rows still generating
        if rows:
            width = max(len(prompts[row]) for row in rows)
            cache = DynamicCache()
            for layer in range(len(row_caches[rows[0]])):
                keys = torch.cat([_pad_left(row_caches[row][layer][0], width) for row in rows])
                values = torch.cat([_pad_left(row_caches[row][layer][1], width) for row in rows])
                cache.update(keys, values, layer)
            row_caches.clear()
            mask = torch.zeros((len(rows), width), dtype=torch.long)
            for index, row in enumerate(rows):
                mask[index, width - len(prompts[row]) :] = 1
            last = torch.tensor([len(prompts[row]) - 1 for row in rows])
            tokens = torch.tensor([produced[row][-1] for row in rows])
        while rows:
            mask = torch.cat([mask, mask.new_ones((len(rows), 1))], dim=1)
            last = last + 1
            start = time.perf_counter()
            out = llm.model(
                tokens[:, None], attention_mask=mask, position_ids=last[:, None], past_key_values=cache, use_cache=True
            )
            cache = out.past_key_values
            tokens = out.logits[:, -1].argmax(-1)
            step_ms = (time.perf_counter() - start) * 1000.0
            keep = []
            for index, (row, token) in enumerate(zip(rows, tokens.tolist())):
                decode_ms[row] += step_ms
                produced[row].append(token)
                if not finished(row):
                    keep.append(index)
            if len(keep) < len(rows):
                selected = torch.tensor(keep, dtype=torch.long)
                if keep:
                    cache.batch_select_indices(selected)
                rows = [rows[index] for index in keep]
                tokens, mask, last = tokens[selected], mask[selected], last[selected]
    return [
        BatchedGeneration(
            text=llm.answer_text(ids, produced[row]),
            prompt_tokens=len(ids),
            output_tokens=len(produced[row]),
            prefill_ms=prefill_ms[row],
            decode_ms=decode_ms[row],
            batch_size=len(prompts),
        )
        for row, ids in enumerate(prompts)
    ]


def _pad_left(states: torch.Tensor, width: int) -> torch.Tensor:
    """A (1, heads, length, dim) cache tensor with zeros before it up to `width` positions (masked out)."""
    import torch.nn.functional as F

    return F.pad(states, (0, 0, width - states.shape[-2], 0))
