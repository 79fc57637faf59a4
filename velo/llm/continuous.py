"""Continuous batching for the edge LLM: requests join and leave a running batch at every decode step.

Policy (iteration-level scheduling, Orca: Yu et al., OSDI 2022; admission under a memory budget as in the
edge-inference scheduler OT-GAH, IEEE TWC 2024, which batches per time slot under KV-cache memory and deadline
limits):

1. **Admit** at each step boundary, first come first served, while the batch has fewer than `max_batch` rows,
   the KV cache of the running rows plus the newcomer (prompt + `max_new_tokens` positions each, the worst case)
   fits `kv_budget_tokens`, and this step's admissions have prefilled at most `prefill_budget_tokens` prompt
   tokens (so the newcomers of one step stall the running rows for a bounded time). A prompt with more new tokens
   than `prefill_chunk_tokens` (512) is prefilled that many at a time, one such prompt at a time, short newcomers
   joining between its chunks and the running rows decoding after each chunk for as long as it took (chunked prefill,
   Sarathi-Serve: Agrawal et al., OSDI 2024; one decode step per chunk had made each of their tokens wait a chunk,
   ~2.5 s: a short question beside a 20,000-character prompt took 29.9 s under `velo up`): a 5,000-token prompt,
   ~28 s of prefill on one core, had held every other request of the LLM that long, and ran to its end when its
   caller had left (nc46). A request that does not fit waits; one that could never fit is refused at `submit`.
2. **Prefill alone**: each newcomer runs its own prefill as `LocalLLM.generate_ids` does (no padding), except
   that the part of its prompt it shares with a recent prompt (at least 16 tokens: the chat template's system
   turn, 24 tokens of SmolLM2's) is not recomputed: its keys and values come from `velo.llm.prefix_cache` (vLLM's
   automatic prefix caching). Its cache then becomes the row's own KV buffers (`velo.llm.row_cache`). Its thread CPU
   time sets the rate of `prefill_seconds`, the least time a prompt's prefill takes (`velo.llm.prefill_time`).
3. **Decode together**: one forward pass per step for every running row: the linear layers on all rows at once
   (a step reads every weight once whatever the rows: on one thread 16 rows cost ~3x one row, 120-147 against
   42-45 ms of CPU, README "Edge LLM batching"), attention row by row over each row's own positions, so no row
   pays for another's length (no padding; the idea of vLLM's PagedAttention, Kwon et al., SOSP 2023).
4. **Leave**: a row that produced an end-of-sequence token, reached its `max_new_tokens`, or was cancelled
   leaves the batch at once, freeing its buffers; its future completes.

One worker thread owns the model; `submit` is thread-safe and returns a `Handle` whose `future` resolves to a
`BatchedGeneration` (concurrent.futures; `asyncio.wrap_future` for async servers). `on_token` callbacks run on
the worker thread, one call per produced token id (for streaming); a callback that returns True (e.g. its
detokenizer saw a stop string) or `Handle.finish()` makes the row leave with the answer so far, `Handle.cancel()`
without one.

Choosing tokens: greedy (argmax) by default; a request submitted with a `velo.llm.sampling.Sampler` draws its
tokens from its own sampler (temperature, top_p, its seed's generator) over its row's logits, so rows with
different sampling fields share one batch and a seed reproduces a request's draws.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError, Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from velo.llm.batch_generate import BatchedGeneration
from velo.llm.local import LocalLLM, check_room
from velo.llm.prefill_time import PrefillClock
from velo.llm.sampling import Sampler

if TYPE_CHECKING:
    import torch


class BatcherClosedError(RuntimeError):
    """The batcher was closed: no new requests are taken and waiting ones are cancelled."""


@dataclass(eq=False)
class Handle:
    """One submitted request: `future` resolves to its `BatchedGeneration`; `cancel()` makes it leave the batch."""

    prompt_ids: tuple[int, ...]
    max_new_tokens: int
    on_token: Callable[[int], bool | None] | None
    """Called on the worker thread with each produced token id; returning True finishes the request there."""
    sampler: Sampler | None = None
    """None: greedy (argmax); else the request's own sampler."""
    future: Future = field(default_factory=Future)
    produced: list[int] = field(default_factory=list)
    submitted: float = field(default_factory=time.perf_counter)
    prefill_ms: float = 0.0
    decode_ms: float = 0.0
    max_batch_seen: int = 1
    cancelled: bool = False
    finished: bool = False

    def cancel(self) -> None:
        """Stop generating for this request at the next step; its future then raises CancelledError (a no-op
        once it has finished)."""
        self.cancelled = True

    def finish(self) -> None:
        """Stop generating for this request after the token being produced; its future then resolves to the
        answer so far (a stop string was reached). Safe from `on_token`."""
        self.finished = True

    def choose(self, logits: torch.Tensor) -> int:
        """The next token from this row's logits [vocab]: argmax, or the request's sampler."""
        if self.sampler is None or not self.sampler.needs_logits:
            return int(logits.argmax())
        return self.sampler.choose(logits, self.produced)


@dataclass(frozen=True)
class BatcherStats:
    """Counters since start: decode steps run, rows decoded over all steps (their mean is the mean batch size)."""

    steps: int
    rows_decoded: int
    completed: int
    running: int
    waiting: int
    prefill_chunks: int = 0
    """Forward passes over a chunk of a long prompt (`prefill_chunk_tokens`), the last one of each prompt included."""

    @property
    def mean_batch(self) -> float:
        return self.rows_decoded / self.steps if self.steps else 0.0


class ContinuousBatcher:
    """Serves concurrent greedy generations of one `LocalLLM` in a continuously re-formed batch."""

    def __init__(
        self, llm: LocalLLM, max_batch: int = 8, kv_budget_tokens: int = 16_384, prefill_budget_tokens: int = 512,
        prefix_cache_entries: int = 4, prefill_chunk_tokens: int = 512,
    ) -> None:
        """`prefix_cache_entries`: prompt prefixes whose KV is kept for reuse (`velo.llm.prefix_cache`; 0: none);
        `prefill_chunk_tokens`: a prompt with more new tokens than this is prefilled that many at a time, the running
        rows decoding between its chunks (step 1 of the module docstring)."""
        for name, value in (("max_batch", max_batch), ("kv_budget_tokens", kv_budget_tokens),
                            ("prefill_budget_tokens", prefill_budget_tokens), ("prefill_chunk_tokens", prefill_chunk_tokens)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
        if not isinstance(prefix_cache_entries, int) or prefix_cache_entries < 0:
            raise ValueError(f"prefix_cache_entries must be an integer >= 0, got {prefix_cache_entries!r}")
        from velo.llm.prefix_cache import PrefixCache
        from velo.llm.row_cache import use_row_attention

        use_row_attention(llm.model)
        self.clock = PrefillClock.for_model(llm.model)
        """The least prefill time of a prompt (`prefill_seconds`), its rate measured on this batcher's own prefills."""
        self.prefixes = PrefixCache(prefix_cache_entries) if prefix_cache_entries else None
        self.llm = llm
        self.max_batch, self.kv_budget_tokens, self.prefill_budget_tokens = max_batch, kv_budget_tokens, prefill_budget_tokens
        self.prefill_chunk_tokens = prefill_chunk_tokens
        self._filling: _Filling | None = None
        """The one prompt being prefilled in chunks, if any."""
        self._chunks = 0
        self._waiting: deque[Handle] = deque()
        self._lock = threading.Condition()
        self._closed = False
        self._steps = self._rows_decoded = self._completed = self._running = 0
        self._worker = threading.Thread(target=self._run, name="velo-edge-llm-batcher", daemon=True)
        self._worker.start()

    # ------------------------------------------------------------------ API
    def submit(
        self, prompt_ids: Sequence[int], max_new_tokens: int, on_token: Callable[[int], bool | None] | None = None,
        sampler: Sampler | None = None,
    ) -> Handle:
        """Queue a request (token ids, e.g. `LocalLLM.prompt_ids`), greedy or drawn by `sampler`; raises
        ValueError for one the model cannot run or that could never fit `kv_budget_tokens`, BatcherClosedError
        after `close()`."""
        self.check(prompt_ids, max_new_tokens)
        handle = Handle(tuple(int(t) for t in prompt_ids), max_new_tokens, on_token, sampler)
        with self._lock:
            if self._closed:
                raise BatcherClosedError("the edge LLM batcher is closed")
            self._waiting.append(handle)
            self._lock.notify()
        return handle

    def check(self, prompt_ids: Sequence[int], max_new_tokens: int) -> None:
        """ValueError naming the limit for a request `submit` would refuse (the model's context window, the
        batcher's `kv_budget_tokens`); nothing is queued."""
        self.llm.check_request(prompt_ids, max_new_tokens)
        check_room(len(prompt_ids), max_new_tokens, self.kv_budget_tokens, f"the batcher's kv_budget_tokens={self.kv_budget_tokens}")

    def prefill_seconds(self, prompt_ids: Sequence[int]) -> float | None:
        """The least seconds the prefill of `prompt_ids` takes here (`velo.llm.prefill_time`), the prefix a recent prompt
        shares with it not counted (`PrefixCache.shared`); None before a rate was measured."""
        cached = self.prefixes.shared(prompt_ids) if self.prefixes is not None else 0
        return self.clock.seconds(len(prompt_ids) - cached, cached)

    def generate(self, prompt_ids: Sequence[int], max_new_tokens: int, timeout: float | None = None) -> BatchedGeneration:
        """Submit and wait for the answer."""
        return self.submit(prompt_ids, max_new_tokens).future.result(timeout)

    def stats(self) -> BatcherStats:
        with self._lock:
            return BatcherStats(self._steps, self._rows_decoded, self._completed, self._running, len(self._waiting), self._chunks)

    def close(self) -> None:
        """Finish the running rows, cancel the waiting ones, stop the worker."""
        with self._lock:
            self._closed = True
            for handle in self._waiting:
                handle.future.cancel()
            self._waiting.clear()
            self._lock.notify()
        self._worker.join()

    def __enter__(self) -> ContinuousBatcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ worker
    def _run(self) -> None:
        import torch

        torch.set_grad_enabled(False)
        batch = _Batch(self.llm.model)
        owed = 0.0  # seconds of decode steps the running rows are owed for the last prefill chunk
        while True:
            with self._lock:
                while not self._waiting and not batch.rows and self._filling is None and not self._closed:
                    self._lock.wait()
                if self._closed and not batch.rows and self._filling is None:
                    return
                admitted = self._admissions(batch)
            try:
                with torch.inference_mode():
                    for handle in admitted:
                        self._prefill(batch, handle)
                    if self._filling is not None and (not batch.rows or owed <= 0.0):
                        began = time.perf_counter()
                        self._prefill_chunk(batch)
                        owed = time.perf_counter() - began  # the running rows' turn: as long as the chunk took
                    if batch.rows:
                        began = time.perf_counter()
                        self._step(batch)
                        owed -= time.perf_counter() - began
            except Exception as error:  # a model failure fails the requests it touched, not the server
                filling = [self._filling.handle] if self._filling is not None else []
                for handle in {*batch.rows, *admitted, *filling}:
                    if not handle.future.done():
                        with self._lock:
                            self._running -= 1
                        handle.future.set_exception(error)
                batch, self._filling = _Batch(self.llm.model), None

    def _admissions(self, batch: _Batch) -> list[Handle]:
        """Waiting requests that join at this step (caller holds the lock)."""
        admitted: list[Handle] = []
        rows = [*batch.rows, *([self._filling.handle] if self._filling is not None else [])]
        kv = sum(len(h.prompt_ids) + h.max_new_tokens for h in rows)
        prefill = 0
        long_prompts = int(self._filling is not None)
        while self._waiting and len(rows) + len(admitted) < self.max_batch:
            handle = self._waiting[0]
            if handle.cancelled:
                self._waiting.popleft().future.cancel()
                continue
            need = len(handle.prompt_ids) + handle.max_new_tokens
            if kv + need > self.kv_budget_tokens:
                break
            if admitted and prefill + len(handle.prompt_ids) > self.prefill_budget_tokens:
                break
            long_prompt = len(handle.prompt_ids) > self.prefill_chunk_tokens
            if long_prompt and long_prompts:  # one prompt is prefilled in chunks at a time
                break
            long_prompts += long_prompt
            self._waiting.popleft()
            if not handle.future.set_running_or_notify_cancel():
                continue
            admitted.append(handle)
            self._running += 1
            kv += need
            prefill += len(handle.prompt_ids)
        return admitted

    def _prefill(self, batch: _Batch, handle: Handle) -> None:
        from transformers import DynamicCache

        start = time.perf_counter()
        ids = handle.prompt_ids
        reused, prefix = self.prefixes.lookup(ids) if self.prefixes is not None else (0, [])
        past = DynamicCache(prefix) if reused else None  # DynamicCache copies the prefix: the entry stays as it was
        if len(ids) - reused > self.prefill_chunk_tokens:  # `_prefill_chunk` goes on with it, a chunk per step
            self._filling = _Filling(handle, past if past is not None else DynamicCache(), reused, start)
            return
        out = self._forward(ids[reused:], reused, past)
        self._joined(batch, handle, out, start)

    def _forward(self, ids: Sequence[int], cached: int, past):  # noqa: ANN001, ANN202 - a DynamicCache, a model output
        """One prefill pass over `ids` after the `cached` positions of `past`, timed for the clock."""
        import torch

        start, cpu = time.perf_counter(), time.thread_time()
        out = self.llm.model(torch.tensor([list(ids)]), past_key_values=past, use_cache=True, logits_to_keep=1)
        cpu = time.thread_time() - cpu
        self.clock.observe(len(ids), cached, cpu)
        self.clock.note_load(cpu, time.perf_counter() - start)
        return out

    def _prefill_chunk(self, batch: _Batch) -> None:
        """The next `prefill_chunk_tokens` of the prompt being prefilled in chunks; after its last chunk it joins the
        batch. A request cancelled meanwhile (its client left, its caller's time ran out) leaves at once: the rest of a
        long prompt is not prefilled for nobody (Sarathi-Serve, Agrawal et al., OSDI 2024, chunks prefills so that
        decode steps go on between them; here it also bounds what an abandoned prompt costs)."""
        filling = self._filling
        assert filling is not None
        handle, ids = filling.handle, filling.handle.prompt_ids
        if handle.cancelled:
            self._filling = None
            self._complete(handle)
            return
        chunk = ids[filling.done : filling.done + self.prefill_chunk_tokens]
        out = self._forward(chunk, filling.done, filling.past)
        filling.done += len(chunk)
        with self._lock:
            self._chunks += 1
        if filling.done == len(ids):
            self._filling = None
            self._joined(batch, handle, out, filling.started)

    def _joined(self, batch: _Batch, handle: Handle, out, started: float) -> None:  # noqa: ANN001 - a model output
        """A prefilled request's first token; it joins the batch unless that ended it."""
        token = handle.choose(out.logits[0, -1])
        handle.prefill_ms = (time.perf_counter() - started) * 1000.0
        layers = [(k, v) for k, v, *_ in out.past_key_values]
        if self.prefixes is not None:
            self.prefixes.store(handle.prompt_ids, layers)
        self._emit(handle, token)
        if self._finished(handle):
            self._complete(handle)
            return
        batch.join(handle, layers, token)

    def _step(self, batch: _Batch) -> None:
        start, cpu = time.perf_counter(), time.thread_time()
        logits = batch.step(self.llm.model)
        tokens = [handle.choose(row) for handle, row in zip(batch.rows, logits)]
        batch.chose(tokens)
        elapsed = (time.perf_counter() - start) * 1000.0
        self.clock.note_load(time.thread_time() - cpu, elapsed / 1000.0)
        with self._lock:
            self._steps += 1
            self._rows_decoded += len(batch.rows)
        keep = []
        for index, (handle, token) in enumerate(zip(batch.rows, tokens)):
            handle.decode_ms += elapsed
            handle.max_batch_seen = max(handle.max_batch_seen, len(batch.rows))
            self._emit(handle, token)
            if self._finished(handle):
                self._complete(handle)
            else:
                keep.append(index)
        batch.keep(keep)

    def _emit(self, handle: Handle, token: int) -> None:
        handle.produced.append(token)
        if handle.on_token is not None and not handle.cancelled:
            try:
                if handle.on_token(token) is True:  # the consumer has what it needs (a stop string)
                    handle.finished = True
            except Exception:  # a broken consumer (e.g. a client that left) cancels its own request only
                handle.cancelled = True

    def _finished(self, handle: Handle) -> bool:
        return (handle.cancelled or handle.finished or len(handle.produced) >= handle.max_new_tokens
                or handle.produced[-1] in self.llm.stop_ids)

    def _complete(self, handle: Handle) -> None:
        with self._lock:
            self._completed += 1
            self._running -= 1
        if handle.cancelled:
            handle.future.set_exception(CancelledError(f"cancelled after {len(handle.produced)} tokens"))
            return
        handle.future.set_result(BatchedGeneration(
            text=self.llm.answer_text(handle.prompt_ids, handle.produced),
            prompt_tokens=len(handle.prompt_ids),
            output_tokens=len(handle.produced),
            prefill_ms=handle.prefill_ms,
            decode_ms=handle.decode_ms,
            batch_size=handle.max_batch_seen,
        ))


@dataclass(eq=False)
class _Filling:
    """A prompt being prefilled in chunks: its request, its KV cache so far, how many of its tokens it holds."""

    handle: Handle
    past: object
    """The `transformers.DynamicCache` of its first `done` positions."""
    done: int
    started: float
    """When its prefill began (`time.perf_counter`), for its `prefill_ms`."""


class _Batch:
    """The running rows: their handles, next input tokens and `velo.llm.row_cache.RowCache` (each row's own KV
    buffers, sized once for its prompt plus `max_new_tokens`: a step writes one position per row in place and a
    row's attention reads only its own positions, so no row pays for another's length; a leave frees one row's
    buffers and copies nothing)."""

    def __init__(self, model) -> None:
        from velo.llm.row_cache import RowCache

        self.rows: list[Handle] = []
        self.tokens: list[int] = []
        self.cache = RowCache(model.config.num_hidden_layers)

    def join(self, handle: Handle, layers: list[tuple[torch.Tensor, torch.Tensor]], token: int) -> None:
        self.cache.add_row(layers, len(handle.prompt_ids) + handle.max_new_tokens)
        self.rows.append(handle)
        self.tokens.append(token)

    def step(self, model) -> torch.Tensor:
        """One decode step of every row: the logits [rows, vocab] of the next position (`chose` then sets the
        tokens the rows feed next). Each row's position id is its own count of cached positions."""
        import torch

        out = model(torch.tensor(self.tokens)[:, None], position_ids=torch.tensor(self.cache.lengths)[:, None],
                    past_key_values=self.cache, use_cache=True)
        self.cache.advance()
        return out.logits[:, -1]

    def chose(self, tokens: list[int]) -> None:
        self.tokens = tokens

    def keep(self, indices: list[int]) -> None:
        """Keep only the rows at `indices`."""
        if len(indices) == len(self.rows):
            return
        self.rows = [self.rows[i] for i in indices]
        self.tokens = [self.tokens[i] for i in indices]
        self.cache.keep(indices)
