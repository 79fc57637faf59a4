"""An edge server's write-back: which answers go into its cache, and the one writer task that puts them there.

What is written (`Writer.skip_reason`, asked by `EdgeServer.finish` when an LLM's answer is complete): an answer of the
LLM the scheduler chose, greedy, ended by the LLM itself, with text, to a question the cache can hold, in the question's
language. Each answer not written for a reason worth watching is counted in `velo_write_backs_skipped_total{reason}`:

| reason | the answer | why it is not written |
|---|---|---|
| `fallback` | the edge LLM's, given by an edge that has a cloud in place of it (one rule, `EdgeServer._cloud_time` and `_generate`'s `Begun.fallback`): the cloud was cooling down (`services/cooldown.py`), failed, gave no answer in the caller's budget, had no time left in it, refused the cached neighbours of CLOUD_CONTEXT, would refuse the request's `max_tokens` (`cloud_max_tokens`), or the caller did not allow it (`cloud_allowed` false: the gateway's key past its cloud budget, whose edge answers had been written back and served to keys with budget) | the scheduler did not choose it: written back, it was served from the cache to the question and its rewordings after the cloud answered again, the small model's answer where the scheduler wanted the cloud's (svc40 item 1). Also logged, as a warning on `velo.edge.cloud` (one line per outage through `services/repeats.py`, its count in the cloud's "answers again" line) |
| `language` | surely in another language than its question | served to the repeat under the question's language (nc17 finding 15) |
| `repetition` | ends in one passage repeated (`velo.text_loops.degenerate_repetition`) | a small model's loop, cut by `max_tokens`, served as the answer to the question and its rewordings (svc40 item 7: `velo demo`'s stand-in cloud, "Скажи, какой-Какой-Такой-Такой-Такой-Такой-Такой-") |
| `echo` | ended by the LLM itself as its question said again, nearly letter for letter (`velo.text_loops.echoes_question`; an answer cut by `max_tokens`, "The largest ocean on Earth is", may be leading up to its answer) | a small model's non-answer (nc46: "Какая столица Японии?" answered "Какой столица Японии?"), served from the cache to the question's rewordings |

Not counted, as before: an answer cut by `max_tokens` ("length") or by the request's own `stop` strings
(`write_back_truncated` writes them), a sampled one, a filtered one ("content_filter"), an empty one, one to a question
the cache cannot hold.

The writer (`Writer.forever`) takes queued answers `write_batch` at a time; their embeddings (e5 passages for the hit
features' answer relevance, the costly part: seconds for a long oasst1 answer on a loaded core) are computed outside the
cache lock, and the insert holds the lock for the Milvus upsert only, so lookups are not stalled behind write-backs
(`benchmarks/write_back.py`: with the embedding under the lock, 64 answers in one insert stalled every lookup for three
minutes on a loaded machine). While Milvus is down the answers wait in the queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING

import numpy as np

from services.edge_records import Started, WriteBack
from services.llm import Generated, sampling_params
from velo.cache.milvus_client import milvus_failure
from velo.control_chars import blank
from velo.lang_id import UNDETERMINED
from velo.plural import counted
from velo.text_loops import degenerate_repetition, echoes_question
from velo.types import Source

if TYPE_CHECKING:
    from services.edge_serving import EdgeServer
    from velo.cache.semantic_cache import SemanticCache

log = logging.getLogger("velo.edge")
cloud_log = logging.getLogger("velo.edge.cloud")
cache_log = logging.getLogger("velo.edge.cache")
SKIP_REASONS = ("fallback", "language", "repetition", "echo")
"""The labels of `velo_write_backs_skipped_total` (the module docstring's table)."""


class Writer:
    """The write-back of one edge server (`edge`): its queue (`queue`), what it takes (`skip_reason`, `offer`) and its one
    writer task (`forever`). It reads `edge.cache` at each use: a reopened cache replaces it."""

    def __init__(self, edge: EdgeServer, *, write_batch: int, write_back_truncated: bool) -> None:
        self.edge, self.write_batch, self.write_back_truncated = edge, write_batch, write_back_truncated
        self.queue: asyncio.Queue[WriteBack] = asyncio.Queue()
        self._landing: dict[tuple[str, tuple[str, ...], str, str], asyncio.Event] = {}
        """Per queued answer's (namespace, context, question, language): set once its write is done (`landed`)."""
        for reason in SKIP_REASONS:
            edge.metrics.not_written.labels(reason)

    # ------------------------------------------------------------------ what is written
    def offer(self, started: Started, made: Generated) -> bool:
        """Queue `made`, the complete answer of the LLM `started` was routed to, if it may be written (`skip_reason`);
        whether it was queued. An answer skipped for a reason of the module docstring's table is counted and logged."""
        reason = self.skip_reason(started, made)
        if reason is None:
            source = Source.EDGE if started.route == "edge" else Source.CLOUD
            item = WriteBack(started.question, made.text, started.lang, started.request.namespace, started.context, source,
                             started.looked.vector, time.perf_counter())
            self.queue.put_nowait(item)
            self._landing.setdefault(_landing_key(item.namespace, item.context, item.question, item.lang), asyncio.Event())
            self.edge.metrics.pending.set(self.queue.qsize())
            return True
        if reason in SKIP_REASONS:
            self.edge.metrics.not_written.labels(reason).inc()
        return False

    def skip_reason(self, started: Started, made: Generated) -> str | None:
        """None when `made` may be written back; else why not (a `SKIP_REASONS` label, or "cut", "sampled", "filtered",
        "empty", "uncacheable", which are not counted), logged for `fallback` (a warning), `language`, `repetition` and `echo` (info)."""
        req = started.request
        if made.finish_reason == "content_filter":  # an upstream filtered it: relayed to this client, never served to another
            return "filtered"
        if not sampling_params(req.temperature, req.top_p, req.seed).greedy:  # one draw of many: not what a greedy request would get
            return "sampled"
        if not (self.write_back_truncated or (made.finish_reason == "stop" and not req.stop)):
            return "cut"
        if blank(made.text):  # white space or invisible format characters only: the cache would refuse it as empty
            return "empty"
        if self.edge.uncacheable(started.question) is not None or started.looked.rule_failed:
            return "uncacheable"
        if started.fallback is not None:
            # One line per outage: identical records are held and counted (`services/repeats.py`) until the cloud's
            # "answers again", on this logger, ends the run with its count.
            cloud_log.warning("not writing back the edge LLM's answers given in place of the cloud (%s), so the cache does not "
                              "serve them once the cloud answers", started.fallback)
            return "fallback"
        if (other := self.answer_language_differs(started.lang, made.text)) is not None:
            log.info("not writing back a %s answer to a %s question", other, started.lang)
            return "language"
        if (loop := degenerate_repetition(made.text)) is not None:
            log.info("not writing back an answer that repeats itself: %s", loop)
            return "repetition"
        if made.finish_reason == "stop" and echoes_question(started.question, made.text):  # a cut one may be leading up to its answer
            log.info("not writing back an answer that says its question again")
            return "echo"
        return None

    def answer_language_differs(self, lang: str, answer: str) -> str | None:
        """The language `answer` is surely written in (the edge's identifier, at its `min_probability`) when that is not
        the request's `lang`, else None; None too when `lang` is "und" or a language the identifier cannot name. Such an
        answer is relayed but not written back: the stand-in cloud answered `Was ist die Hauptstadt von Schweden?` in
        English, which the cache stored under `de` and served at similarity 1.0 to the repeat (nc17 finding 15)."""
        languages = self.edge.languages
        base = lang.split("-")[0]
        if base not in languages.languages:
            return None
        found = languages.identify(answer).lang
        return found if found != UNDETERMINED and found.split("-")[0] != base else None

    # ------------------------------------------------------------------ the writer
    async def forever(self) -> None:
        """The one writer: takes queued answers `write_batch` at a time and inserts them; while Milvus is down they wait."""
        while True:
            batch = [await self.queue.get()]
            while not self.queue.empty() and len(batch) < self.write_batch:
                batch.append(self.queue.get_nowait())
            while True:
                try:
                    await self._insert(batch)
                    break
                except ConnectionError:
                    await asyncio.sleep(self.edge.reopen_after_s)
                except Exception as err:  # a refused entry (too long, bad text): drop it, say so, keep going
                    log.error("write-back refused %s: %s", counted(len(batch), "answer"), err)
                    break
            for item in batch:
                self.queue.task_done()
                if (landed := self._landing.pop(_landing_key(item.namespace, item.context, item.question, item.lang), None)) is not None:
                    landed.set()
            self.edge.metrics.pending.set(self.queue.qsize())

    async def landed(self, question: str, namespace: str, context: tuple[str, ...], lang: str, within_s: float) -> None:
        """Wait, at most `within_s`, until a queued answer to this very question (namespace, context and language
        alike) is written: a question asked again right after its answer (a client's retry, a double submit) had missed
        the cache while that answer was still being written back (embedding it, the upsert: ~0.1 s, seconds on a loaded
        core), and gone to the cloud a second time (nc45). Returns at once when none is queued."""
        landing = self._landing.get(_landing_key(namespace, context, question, lang))
        if landing is not None and within_s > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(landing.wait(), within_s)

    def _flush(self, cache: SemanticCache) -> None:
        """`cache.flush_if_due()` outside the cache lock, bounded by its `slow_timeout_s` (a flush on real Milvus can take
        seconds; lookups meanwhile are not held up by it). A failure loses nothing: the answers are upserted, and the
        flush stays due, for the next write. It marks nothing down either: a lookup finds a hung Milvus within its bound."""
        try:
            cache.flush_if_due()
        except Exception as err:
            self.edge.metrics.cache_errors.labels("flush").inc()
            cache_log.warning("flushing the written-back answers failed, flushing with the next write: %s",
                              milvus_failure(err, cache.config.uri, cache.config.slow_timeout_s))

    def _embed_answers(self, answers: list[str]) -> None:
        """Embed the answers for the hit features before the insert, outside the cache lock, so lookups run
        meanwhile: the featurizer's embedder remembers recent vectors (`velo.embedding.recent`), and the insert's
        own `remember_answers` then finds them instead of embedding under the lock. A failure here only means the
        insert embeds them itself."""
        try:
            self.edge.cache.featurizer.embedder.embed(answers, passage=True)
        except Exception as err:
            log.warning("embedding answers before their write-back failed (the insert will): %s: %s", type(err).__name__, err)

    async def _insert(self, batch: list[WriteBack]) -> None:
        edge = self.edge
        groups: dict[tuple[str, Source, bool], list[WriteBack]] = {}
        for item in batch:
            groups.setdefault((item.namespace, item.source, item.vector is not None), []).append(item)
        for (namespace, source, embedded), items in groups.items():
            vectors = np.stack([w.vector for w in items]) if embedded else None  # type: ignore[misc]
            t0 = time.perf_counter()
            await asyncio.to_thread(self._embed_answers, [w.answer for w in items])
            cache = edge.cache  # the flush below goes to the client that stored them, should a reopen replace it
            await edge.cache_call(
                "write", cache.insert_many, [(w.question, w.answer, w.lang) for w in items], namespace=namespace,
                contexts=[w.context for w in items], source=source, vectors=vectors, flush=False,
            )
            stored = time.perf_counter()
            await asyncio.to_thread(self._flush, cache)
            edge.metrics.write_backs.inc(len(items))
            for item in items:
                edge.metrics.write_cost.observe((stored - t0) / len(items))
                edge.metrics.write_delay.observe(stored - item.queued_at)


def _landing_key(namespace: str, context: tuple[str, ...], question: str, lang: str) -> tuple[str, tuple[str, ...], str, str]:
    return namespace, tuple(context), question, lang
