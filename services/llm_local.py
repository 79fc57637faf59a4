"""The local LLM a service runs in its own process (`LocalChatLLM`): SmolLM2-135M-Instruct through `velo.llm`, serving
concurrent requests in one continuously re-formed batch (`velo.llm.continuous.ContinuousBatcher`: requests join and
leave the running batch at every decode step); its text is detokenized token by token (`velo.llm.decoding`), stop
strings end a request at once. A request whose prefill alone cannot end within the time its caller waits is refused
at once (`LocalChatLLM.past_deadline`). It answers the `services.llm.ChatLLM` contract; torch is imported when one is built.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

from services.llm import GREEDY, AnswerStream, Generated, PastDeadline, Prefix, collect, first_tokens
from velo.llm.sampling import SamplingParams
from velo.wire import FinishReason

_END = object()


class _Trim:
    """Deltas without the answer's leading and trailing whitespace (as `velo.llm.LocalLLM.generate`'s text):
    whitespace is held back until text follows it."""

    def __init__(self) -> None:
        self.started, self.pending = False, ""

    def push(self, text: str) -> str:
        text = self.pending + text
        if not self.started:
            text = text.lstrip()
        core = text.rstrip()
        self.pending = text[len(core):]
        if core:
            self.started = True
        return core


class _LocalStream:
    """One request on the continuous batcher; deltas are made on the batcher's thread and handed to the loop.

    It counts in its LLM's `waiting` from submission until its generation ends (finished, cut, cancelled or
    failed), whether or not anyone reads it: a stream its client abandoned unread must not hold a place in the
    edge's queue (a wrong count would mask EDGE for good once it reached the queue's capacity)."""

    def __init__(self, owner: LocalChatLLM, prompt_ids: list[int], max_tokens: int, stop: list[str], sampling: SamplingParams) -> None:
        from velo.llm.decoding import TextDecoder
        from velo.llm.sampling import Sampler

        self.generated: Generated | None = None
        self._owner, self._prompt = owner, prompt_ids
        self._loop = asyncio.get_running_loop()
        self._queue: asyncio.Queue = asyncio.Queue()
        self._decoder = TextDecoder.for_tokenizer(owner.llm.tokenizer, prompt_ids, stop, owner.llm.stop_ids)
        self._trim = _Trim()
        self._parts: list[str] = []
        sampler = Sampler(sampling) if sampling.needs_logits else None
        self._handle = owner.batcher.submit(prompt_ids, max_tokens, self._on_token, sampler)  # ValueError: the request's fault
        owner._inflight += 1
        self._counted = True
        self._handle.future.add_done_callback(self._on_done)

    def _release(self) -> None:
        if self._counted:
            self._counted = False
            self._owner._inflight -= 1

    def _put(self, item: object) -> None:
        self._loop.call_soon_threadsafe(self._queue.put_nowait, item)

    def _on_token(self, token: int) -> bool:  # the batcher's thread
        text = self._trim.push(self._decoder.push(token))
        if text:
            self._put(text)
        return self._decoder.finish_reason is not None

    def _on_done(self, future) -> None:  # the batcher's thread (or the closer's)
        if not future.cancelled() and future.exception() is None:
            text = self._trim.push(self._decoder.finish())
            if text:
                self._put(text)
        self._put(_END)
        self._loop.call_soon_threadsafe(self._release)

    async def __aiter__(self) -> AsyncIterator[str]:
        while (item := await self._queue.get()) is not _END:
            self._parts.append(item)
            yield item
        result = await asyncio.wrap_future(self._handle.future)  # raises the model's failure, if any
        reason: FinishReason = self._decoder.finish_reason or "length"
        self.generated = Generated("".join(self._parts), reason, result.prompt_tokens, result.output_tokens, self._owner.name)

    async def aclose(self) -> None:
        """Stop generating (idempotent); the count is released when the batcher drops the request (`_on_done`)."""
        if not self._handle.future.done():
            self._handle.cancel()


class LocalChatLLM:
    """A `velo.llm.LocalLLM` serving concurrent requests through one `ContinuousBatcher`.

    `max_batch`: most requests decoded together (the batcher's `max_batch`). `prompts_tokenized` counts the
    conversations tokenized (by `check`, and by `stream` when not given `check`'s ids): a request refused before it was
    tokenized leaves it unchanged, a request the edge server checked and answered with this LLM adds one. `calibrate`:
    prefill `velo.llm.prefill_time.CALIBRATION_TOKENS` once at start, so that `past_deadline` can judge the first long prompt too."""

    def __init__(self, model_dir: Path | None = None, threads: int | None = None, max_batch: int = 8, calibrate: bool = True) -> None:
        import torch

        from velo.llm.continuous import ContinuousBatcher
        from velo.llm.local import load_local_llm

        if threads is not None:
            torch.set_num_threads(threads)
        self.llm = load_local_llm(cache_dir=model_dir)
        self.name = self.llm.name
        self.batcher = ContinuousBatcher(self.llm, max_batch=max_batch)
        self._inflight = 0
        self.prompts_tokenized = 0
        if calibrate:
            from velo.llm.prefill_time import calibration_prompt

            self.batcher.generate(calibration_prompt(), 1)  # sets the prefill rate: `past_deadline`

    @property
    def waiting(self) -> int:
        return self._inflight

    async def stream(self, messages: list[dict[str, str]], max_tokens: int, stop: list[str], sampling: SamplingParams = GREEDY,
                     prompt_ids: list[int] | None = None, *, fields: Mapping[str, str] | None = None,
                     within_s: float | None = None) -> AnswerStream:
        """Raises ValueError for a conversation the model cannot take (too long for its context window), PastDeadline for
        one whose prefill cannot end within `within_s` (`past_deadline`). `messages` are tokenized unless `prompt_ids`
        (`check`'s answer for them) are given; `fields` are for an endpoint (ignored)."""
        ids = self._prompt_ids(messages) if prompt_ids is None else prompt_ids
        if within_s is not None and (why := self.past_deadline(ids, within_s)) is not None:
            raise PastDeadline(why)
        return _LocalStream(self, ids, max_tokens, stop, sampling)

    def past_deadline(self, prompt_ids: list[int], within_s: float) -> str | None:
        """Why the answer to `prompt_ids` cannot begin within `within_s` seconds: its prefill alone takes longer, at the
        fastest rate measured on this LLM's prefills (`velo.llm.prefill_time`; `CALIBRATION_TOKENS` at start); None when
        it may (or no rate is known). The answer's decode steps and the wait for a place in the batch are not counted, so
        what is refused could not have been answered in time."""
        from velo.llm.prefill_time import past_deadline

        return past_deadline(self.name, len(prompt_ids), self.batcher.prefill_seconds(prompt_ids), within_s)

    def check(self, messages: list[dict[str, str]], max_tokens: int) -> list[int]:
        """ValueError naming the context window for a conversation `stream` would refuse, else its token ids (for
        `stream`: the edge server checks before its lookup and generates after, from one tokenization). Counts the
        model's own tokens (a CJK character is one or two of them, an English word about one), so the limit holds for
        every script; tokenizing is fast (~0.1 s for 120,000 tokens on one core)."""
        ids = self._prompt_ids(messages)
        self.batcher.check(ids, max_tokens)
        return ids

    def _prompt_ids(self, messages: list[dict[str, str]]) -> list[int]:
        self.prompts_tokenized += 1  # called on the event loop's thread only
        return self.llm.prompt_ids(messages)

    def count_tokens(self, text: str) -> int:
        return len(self.llm.tokenizer.encode(text, add_special_tokens=False))

    def first_tokens(self, text: str, max_tokens: int) -> Prefix:
        return first_tokens(self.llm.tokenizer, text, max_tokens)

    async def generate(self, messages: list[dict[str, str]], max_tokens: int, stop: list[str], sampling: SamplingParams = GREEDY,
                       *, fields: Mapping[str, str] | None = None, within_s: float | None = None) -> Generated:
        return await collect(await self.stream(messages, max_tokens, stop, sampling, within_s=within_s))

    async def aclose(self) -> None:
        await asyncio.to_thread(self.batcher.close)
