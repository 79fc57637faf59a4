"""What one edge server does with a question: look it up, let its policy choose, answer, write back.

    lookup (embed -> Milvus top-V -> hit features)   the SemanticCache's own stages
    observation = encode_observation(...)            the same function the environment calls
    action = policy.act(observation, action_mask)    a named rule or a checkpoint, via load_policy
      CACHE          the best neighbour's answer
      EDGE           this edge's LLM
      CLOUD          the cloud LLM
      CLOUD_CONTEXT  the cloud LLM, the best cached neighbours given as context
    write-back of LLM answers into the cache, off the request path (`services/edge_writeback.py`)

`serve` answers whole; `start` + `events` stream: the route is chosen and announced first, then the answer's
text as it is generated (the edge LLM's tokens from its continuous batcher, the cloud's stream relayed), a
cached answer in word pieces. The request's sampling fields go to whichever LLM answers (`services/llm.py`);
a cached answer is served as it is. An LLM answer is written back once complete, and only if the LLM ended it
itself: one cut by `max_tokens` (finish_reason "length") or by the request's `stop` strings is not (the next
requester would be served the cut answer), nor one whose stream the client abandoned (it stopped generating);
`write_back_truncated` writes the cut ones too. Nor is an answer the edge LLM gave in place of the cloud (`Started.fallback`:
the cloud cooling down, failed, out of time), one an upstream filtered, one in another language than its question, or
one that loops (`services/edge_writeback.py`, which holds the rules and the writer task).

Sampling and the cache: only greedy answers are written back (temperature absent or 0, `services.llm.sampling_params`);
sampled requests read the cache like greedy ones. A greedy request (VELO's default) is promised the answer the model
gives it, the same each time, so the cache may only hold that: a sampled answer (`temperature: 1.0, seed: 3`) is one
draw of many, and written back it was served at similarity 1.0 to every later greedy asker of the question. The other
way is safe: a cached greedy answer is the model's most likely one, an answer a sampled request may get too, and
clients that always send a temperature (LangChain's `ChatOpenAI` sends 0.7 unless told otherwise) keep their hits;
a client that wants a fresh draw each time sees `route: "cache"` and may use a namespace of its own.

The mask allows CACHE only with a neighbour the cache's hit rule scores at least `cache_min_score` (0.5 by default: see
`velo.policy.CACHE_MIN_SCORE`, the environment's mask the same), EDGE while the edge LLM's queue has room (always, when nothing else is allowed),
CLOUD / CLOUD_CONTEXT only with a cloud and when the caller may use it. A masked choice falls back (CACHE if the rule
accepted, else EDGE). A failed cloud call (unreachable, timed out,
5xx, 408, 429, a 401 / 403 / 404 that says the edge's cloud settings are wrong, or a 200 whose answer cannot be
relayed: a tool call, null content, no chat.completion at all, `services.llm_endpoint.relayable`) is counted in the cloud's
failures the policy observes and answered by the edge LLM. A cloud that gave no answer (connection refused or reset, or
none within its time: `cloud_timeout_s`, or half of what the caller's `x-velo-timeout-ms` leaves) is marked down and
skipped for `cloud_down_for_s`, CLOUD and CLOUD_CONTEXT masked as without a cloud, then tried by one request
(`services/cooldown.py`; a timeout is rechecked by the health probe first: a slow cloud is called again); once a streamed answer has begun, such a failure ends the
stream with an error event (502 `upstream_failed` naming what the upstream sent), as does an edge LLM at an endpoint
that fails, without a stream (`services.edge._no_llm`). A cloud that refuses the request itself (400, 413,
...: `services.llm.refused_request`, e.g. a max_tokens above the cloud's limit) did not fail: nothing is counted
and the client gets that status with the cloud's message (for CLOUD_CONTEXT, whose prompt the edge enlarged with
cached neighbours, the edge LLM answers instead). When Milvus is unreachable, or gives no answer within the cache's `timeout_s`
(`VELO_EDGE_CACHE_TIMEOUT_S`), every request is still answered, without the cache: the error
is logged and counted (`velo_cache_errors_total`), answers wait in the write-back queue, and the cache is
reopened (same embedders and rule) in the background every `reopen_after_s` until Milvus answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import AsyncIterator, Mapping, Sequence

import numpy as np

from services.cooldown import Cooldown
from services.deadline import FALLBACK_SHARE, Deadline, bounded
from services.edge_records import Begun, HitText, Looked, LookupKey, RequestLang, Started, WriteBack
from services.edge_writeback import Writer
from services.health import endpoint_problem
from services.llm import AnswerStream, ChatLLM, Generated, TextPieces, UpstreamError, collect, cut_at_stop, sampling_params
from services.llm_endpoint import EndpointLLM
from services.metrics import EdgeMetrics
from velo.batching import OpportunisticBatcher
from velo.lang_id import LanguageIdentifier
from velo.cache.input_checks import CacheInputError, check_lang, check_unicode
from velo.cache.milvus_client import milvus_failure
from velo.cache.semantic_cache import SemanticCache
from velo.observation import ObservationLayout, SystemLoad, encode_observation, request_tokens
from velo.policy import CACHE_MIN_SCORE, Action, Policy, cache_servable
from velo.types import Neighbour, Source
from velo.llm.sampling import SamplingParams
from services.repeats import recovered
from velo.wire import APIError, ServeEvent, ServeRequest, ServeResponse, ServeStart, cache_context, check_question

log = logging.getLogger("velo.edge")
cache_log = logging.getLogger("velo.edge.cache")
"""Milvus failing and coming back, apart from the cloud's (`cloud_log`): a recovery ends its own runs of repeated
failures (`services/repeats.py`), not the other's."""
cloud_log = logging.getLogger("velo.edge.cloud")
_EMA = 0.2
SKIPPED_FOR_ITS_MARK = "the cloud is skipped, cooling down after it gave no answer"
"""Why the cloud is not called for a request while it is marked down (`services/cooldown.py`): `EdgeServer._cloud_time`."""
NOT_ALLOWED = "the caller may not use the cloud for this request (cloud_allowed false: the gateway's key is past its cloud budget)"
"""Why the cloud is not called for a request whose `cloud_allowed` is false: `EdgeServer._cloud_time`."""
REPEAT_WAIT_S = 1.0
"""The longest a request waits for a queued answer to the very same question to be written back before it is looked up
(`Writer.landed`): a write takes ~0.1 s here, seconds only on a loaded core."""
LOOKUP_SHARE = 0.25
"""The most of the time its caller still waits that a long question's embedding may take before its lookup is skipped
(`EdgeServer.lookup`): the lookup is there to save time."""
EMBED_ALONE_CHARS = 1_000
"""A question longer than this is embedded before it joins a lookup batch (`EdgeServer.embed_first`): ~250 English
tokens or more, ~0.2 s of e5 and up (its 510-token windows: ~0.6 s each), where most oasst1 questions (the 95th
percentile: 85 tokens) take milliseconds."""
WARM_UP_PROBE = "What is the capital of France?"
"""The question `EdgeServer.warm_up` sends through a request's stages at start (looked up, never answered or written)."""


class EdgeServer:
    """One edge server's cache, policy and LLMs; `serve` answers one request."""

    def __init__(self, edge_id: str, cache: SemanticCache, policy: Policy, layout: ObservationLayout, llm: ChatLLM,
                 cloud: ChatLLM | None, metrics: EdgeMetrics, languages: LanguageIdentifier, *, queue_capacity: int, default_max_tokens: int,
                 write_back_truncated: bool, reopen_after_s: float = 1.0, write_batch: int = 8, cache_min_score: float = CACHE_MIN_SCORE,
                 cloud_timeout_s: float = 120.0, cloud_down_for_s: float = 30.0, cloud_max_tokens: int | None = None) -> None:
        self.edge_id, self.cache, self.policy, self.layout, self.llm, self.cloud = edge_id, cache, policy, layout, llm, cloud
        self.cache_min_score = cache_min_score
        self.languages = languages
        self.metrics, self.queue_capacity, self.default_max_tokens = metrics, queue_capacity, default_max_tokens
        self.reopen_after_s = reopen_after_s
        self._cache_mutex = threading.Lock()
        self._cache_holder = ""  # the operation holding it, named to one that waited past its bound
        self._lookups = OpportunisticBatcher(self._lookup_batch, max_batch=16)
        self.writer = Writer(self, write_batch=write_batch, write_back_truncated=write_back_truncated)
        self.writes: asyncio.Queue[WriteBack] = self.writer.queue
        """The answers waiting to be written back (`Writer.queue`; `/admin/cache/sync` joins it)."""
        self.write_back_forever = self.writer.forever
        self._cache_down_since: float | None = None
        self._cache_down_why = ""
        """What the failure that marked the cache down said (`milvus_failure`), for what asks while it is down."""
        self._edge_ms = 0.0
        self._cloud_ms = 0.0
        self._cloud_failures = 0.0
        self._rate_limited = 0.0
        self._cloud_inflight = 0
        self._link_state = 0
        self.cloud_timeout_s = cloud_timeout_s
        """The longest a cloud call may take (less when the caller's deadline leaves less: `_cloud_time`)."""
        self.cloud_max_tokens = cloud_max_tokens
        """The most max_tokens the cloud takes (None: not known); a request asking more is answered without it (`_cloud_time`)."""
        self.clouds = Cooldown("cloud", cloud_down_for_s, metrics, cloud_log, "answering with the edge LLM")
        """The cloud's down mark: skipped for `cloud_down_for_s` after it gave no answer, then one trial request."""
        self._background: set[asyncio.Task] = set()

    # ------------------------------------------------------------------ the cache, guarded
    def _guarded(self, operation: str, fn, *args, **kwargs):  # noqa: ANN001, ANN202
        """Run a cache method, one at a time (this runs in worker threads); a Milvus failure marks the cache down.

        While the cache is down this raises ConnectionError at once: the request path never waits for Milvus
        to come back (`reopen_forever` does). Nothing waits for the lock longer than the cache's `timeout_s`, the bound
        of each Milvus call made under it (`CacheConfig.timeout_s`): past it, ConnectionError without marking the cache
        down, as its holder does within that bound if Milvus hangs (a hung search had held it 70 s)."""
        bound = self.cache.config.timeout_s
        if not self._cache_mutex.acquire(timeout=-1 if bound is None else bound):
            self.metrics.cache_errors.labels(operation).inc()
            why = f"the cache is busy: {self._cache_holder or 'another call'} held it past {bound:g} s"
            cache_log.warning("cache %s waited in vain, serving without the cache: %s", operation, why)
            raise ConnectionError(f"cache {operation} not run: {why}")
        try:
            if self._cache_down_since is not None:
                raise ConnectionError(f"the cache is down ({self._cache_down_why}); reconnecting in the background")
            self._cache_holder = operation
            try:
                return fn(*args, **kwargs)
            except (ValueError, KeyError):  # CacheInputError and friends: the request's fault, Milvus is fine
                raise
            except Exception as err:
                why = milvus_failure(err, self.cache.config.uri, bound)  # one line, not gRPC's multi-line text
                self._cache_down_since, self._cache_down_why = time.monotonic(), why
                self.metrics.cache_errors.labels(operation).inc()
                cache_log.error("cache %s failed, serving without the cache: %s", operation, why)
                raise ConnectionError(f"cache {operation} failed: {why}") from err
        finally:
            self._cache_holder = ""
            self._cache_mutex.release()

    async def cache_call(self, operation: str, fn, *args, **kwargs):  # noqa: ANN001, ANN201
        """`fn(*args, **kwargs)` on the cache in a worker thread, guarded (see `_guarded`)."""
        return await asyncio.to_thread(self._guarded, operation, fn, *args, **kwargs)

    async def reopen_forever(self) -> None:
        """Every `reopen_after_s` while the cache is down, reopen it (same embedders, rule and config) off the lock."""
        while True:
            await asyncio.sleep(self.reopen_after_s)
            if self._cache_down_since is None:
                continue
            old = self.cache
            try:
                fresh = await asyncio.to_thread(SemanticCache, old.embedder, old.rule, old.config, old.featurizer, old.languages)
            except Exception as err:
                self.metrics.cache_errors.labels("reopen").inc()
                cache_log.warning("the cache is still down: %s", milvus_failure(err, old.config.uri))
                continue
            with self._cache_mutex:  # held for an assignment only: no await, no blocking of the loop to speak of
                self.cache, self._cache_down_since = fresh, None
            cache_log.warning("the cache is back (Milvus reachable again)", extra=recovered("pymilvus"))
            with contextlib.suppress(Exception):  # the old client's connection is dead already
                await asyncio.to_thread(old.close)

    @property
    def cache_up(self) -> bool:
        return self._cache_down_since is None

    def _lookup_batch(self, requests: list[LookupKey]) -> list[Looked]:
        """Embed, search and decide a batch of requests in one embedder call and one search per namespace; only the
        search holds the cache's lock (`_guarded`)."""
        return self._lookup_many(requests, guarded=True)

    def _lookup_many(self, requests: list[LookupKey], guarded: bool = False) -> list[Looked]:
        """The batch's lookups. Embedding and the hit decision are computation of ours on the request's text, not calls
        of the Milvus client, so they run outside the lock: a 7,995-character question's embedding (~4 s, e5 over each
        of its 510-token windows) had held it, and every write-back and admin call waiting past the cache's
        `timeout_s` (1.5 s) had failed as "the cache is busy" meanwhile. An embedder that fails fails the batch's
        lookups (ConnectionError: answered without the cache), without marking Milvus down."""
        questions = [r.question for r in requests]
        try:
            vectors = self.cache.embedder.embed(questions)
        except (ValueError, KeyError):  # EmbeddingError and friends: the request's fault
            raise
        except Exception as err:  # noqa: BLE001 - not Milvus: the cache stays up, these requests go without it
            self.metrics.cache_errors.labels("embed").inc()
            cache_log.exception("embedding %d question(s) failed, answered without the cache", len(questions))
            raise ConnectionError(f"the embedder failed ({type(err).__name__}: {err})") from err
        found = self._guarded("lookup", self._search_many, requests, vectors) if guarded else self._search_many(requests, vectors)
        return self._decided(self.cache, questions, vectors, found)

    def _search_many(self, requests: list[LookupKey], vectors: np.ndarray) -> list[tuple[Neighbour, ...]]:
        """Each request's top-V neighbours, one search per namespace."""
        cache = self.cache
        found: list[tuple[Neighbour, ...]] = [()] * len(requests)
        by_namespace: dict[str, list[int]] = {}
        for i, r in enumerate(requests):
            by_namespace.setdefault(r.namespace, []).append(i)
        for namespace, idx in by_namespace.items():
            hits = cache.search(vectors[idx], namespace=namespace, contexts=[requests[i].context for i in idx],
                                langs=[requests[i].lang.lang for i in idx], top_k=self.layout.top_v, questions=[requests[i].question for i in idx],
                                guesses=[requests[i].lang.guess for i in idx])
            for i, neighbours in zip(idx, hits):
                found[i] = neighbours
        return found

    def _decided(self, cache: SemanticCache, questions: list[str], vectors: np.ndarray, found: list[tuple[Neighbour, ...]]) -> list[Looked]:
        """The hit decisions of one batch of lookups. The decision stage is our own code over the request's text (the
        readers of `velo.cache.features`), not Milvus: a reader that raises (a bug; tests/cache/test_any_text.py) had
        made `_guarded` report Milvus down, reopen the cache and fail every request of the batch. Now the batch is
        decided again one request at a time, and a request whose decision raises is looked up as finding nothing
        (`Looked.rule_failed`), logged with its traceback and counted (`velo_cache_errors_total{operation="decide"}`)."""
        try:
            return [Looked(v, n, d, None) for v, n, d in zip(vectors, found, cache.decide_many(questions, vectors, found))]
        except CacheInputError:
            raise
        except Exception:  # noqa: BLE001 - which request raised is found below, each alone
            pass
        looked = []
        for question, vector, neighbours in zip(questions, vectors, found):
            try:
                looked.append(Looked(vector, neighbours, cache.decide_many([question], [vector], [neighbours])[0], None))
            except Exception as err:  # noqa: BLE001 - a bug of ours on this text: this request goes without the cache
                self.metrics.cache_errors.labels("decide").inc()
                cache_log.exception("the hit rule failed on a request (%d characters), answered without the cache: %s: %s",
                                    len(question), type(err).__name__, err)
                looked.append(Looked(vector, (), None, f"the hit rule failed on this request ({type(err).__name__}); answered "
                                                       "without the cache", rule_failed=True))
        return looked

    def uncacheable(self, question: str) -> str | None:
        """Why the cache cannot hold `question` (longer than its `max_chars`, empty), or None."""
        try:
            self.cache.check_text(question, "the question")
        except CacheInputError as err:
            return str(err)
        return None

    async def lookup(self, question: str, namespace: str, context: Sequence[str], lang: RequestLang, within_s: float | None = None) -> Looked:
        """One request's lookup; concurrent requests are looked up together (`velo.batching.OpportunisticBatcher`).
        A question the cache cannot hold is not looked up: it could match nothing, and embedding it would cost
        ~0.6 s per 500 tokens (its `Looked.error` says why; it is answered without the cache and not written back).
        A long question whose embedding takes more than `LOOKUP_SHARE` of `within_s` (the time its caller still waits)
        is not looked up either (`velo_cache_lookups_total{result="skipped"}`): a 7,990-character question's embedding
        (~4.5 s at load 3-5) had spent the edge's whole 5 s of a 10 s budget, and the request failed where one over
        the cache's 8,000 characters, never looked up, was answered (nc46). Its embedding goes on in the background and
        is remembered, so the same question with more time is looked up at once."""
        if (why := self.uncacheable(question)) is not None:
            return Looked(None, (), None, f"not looked up: {why}")
        if len(question) > EMBED_ALONE_CHARS:
            bound = None if within_s is None else max(0.0, within_s * LOOKUP_SHARE)
            if not await self.embed_first(question, bound):
                self.metrics.lookups.labels("skipped").inc()
                return Looked(None, (), None, f"not looked up: embedding its {len(question):,} characters takes more than "
                                              f"{bound:.2f} s, a quarter of the time the caller waits")
        try:
            looked = await self._lookups(LookupKey(question, namespace, tuple(context), lang))
        except ConnectionError as err:
            self.metrics.lookups.labels("error").inc()
            return Looked(None, (), None, str(err))
        self.metrics.lookups.labels("hit" if looked.decision is not None and looked.decision.hit else "miss").inc()
        return looked

    async def embed_first(self, question: str, within_s: float | None = None) -> bool:
        """Embed a question in a thread of its own, outside the cache's lock and any lookup batch, so that the lookup
        then finds its vector among the embedder's recent ones (`velo.embedding.recent`). `lookup` does it for a long
        question: the batches run one at a time, and the short requests batched with a 7,995-character question had
        waited for its ~4 s of e5 windows; `/admin/cache/lookup` for every question, its lookup (`SemanticCache.lookup`)
        running under the lock. A failure here is left to the lookup, which embeds it again and judges it. False when
        it did not end within `within_s` (it goes on in its thread, and its vector is remembered when it ends)."""
        embedding = asyncio.ensure_future(asyncio.to_thread(self.cache.embedder.embed, [question]))
        embedding.add_done_callback(lambda done: done.cancelled() or done.exception())  # a failure is the lookup's to judge
        try:
            await asyncio.wait_for(asyncio.shield(embedding), within_s)
        except TimeoutError:
            return False
        except Exception:  # noqa: BLE001 - judged by the lookup
            pass
        return True

    def request_lang(self, stated: str | None, question: str) -> RequestLang:
        """The language a request is looked up and written back under: the stated one, else the question's own as
        `velo.lang_id` identifies it (~35 us of CPU), so the lookup compares it only with entries of its language. The
        one rule of `/v1/serve` (and so the gateway) and `/admin/cache/lookup`. The identification runs once: its best
        guess goes to the cache with the language (`RequestLang.guess`)."""
        if stated is not None:
            return RequestLang(stated)
        identified = self.languages.identify(question)
        return RequestLang(identified.lang, identified.guess)

    def warm_up(self) -> float:
        """Run once every stage a request's path loads lazily, so the first request is as fast as the next; returns the
        seconds it took. The edge's lifespan calls it (in `services.edge._open`) before the server answers `/healthz`.

        The first cache hit after a start had taken 2-2.7 s against ~40 ms for the next (issue 8 finding 6): the hit
        rule's second embedder (USE) reads its tokenizer and weights on its first embedding (~2.8 s of a first lookup,
        profiled), Milvus' first search of the collection took ~0.3 s, the LLM's chat template is compiled on its first
        render. A probe question (`WARM_UP_PROBE`) goes through each: the LLM's `check`, the language identifier, the
        lookup (both embedders, query and passage; the search; the hit features and rule when the cache has a
        neighbour) and the observation. Nothing is recorded, written or generated, and the policy is not asked: a
        random or recurrent one would draw from its generator or step its state, and its choice costs microseconds."""
        t0 = time.perf_counter()
        turns = [{"role": "user", "content": WARM_UP_PROBE}]
        self.llm.check(turns, 1)
        language = self.request_lang(None, WARM_UP_PROBE)
        looked = self._lookup_many([LookupKey(WARM_UP_PROBE, "default", (), language)])[0]
        self.cache.featurizer.alt_embedder.embed([WARM_UP_PROBE])  # an empty cache decides nothing, so no features were made
        self.cache.featurizer.embedder.embed([WARM_UP_PROBE], passage=True)
        self._observe(looked, language.lang, False, request_tokens([WARM_UP_PROBE]))
        return time.perf_counter() - t0

    # ------------------------------------------------------------------ one request
    def _load(self, prompt_tokens: float) -> SystemLoad:
        fill = len(self.cache) / self.cache.config.capacity if self.cache.config.capacity else 0.0
        return SystemLoad(
            self.llm.waiting, self.queue_capacity, self.llm.waiting * self._edge_ms, self._cloud_ms, fill,
            self._cloud_failures, self._rate_limited, 1.0, self._cloud_inflight, self._link_state, prompt_tokens,
        )

    def _observe(self, looked: Looked, lang: str, follow_up: bool, prompt_tokens: float) -> np.ndarray:
        return observe(self.layout, looked, lang, follow_up, self._load(prompt_tokens))

    @property
    def cloud_name(self) -> str:
        """The cloud's URL (its name in logs, messages and its down mark); "" without a cloud."""
        return "" if self.cloud is None else getattr(self.cloud, "base_url", self.cloud.name)

    def _cloud_time(self, allowed: bool, deadline: Deadline | None, max_tokens: int) -> tuple[float | None, str | None]:
        """The seconds a cloud call may take (`cloud_timeout_s`, or `FALLBACK_SHARE` of what `deadline` leaves, the edge
        LLM having the rest: `services/deadline.py`), None when it may not be called; and, when the edge has a cloud this
        request may use but cannot call now, why not (`SKIPPED_FOR_ITS_MARK`, no time left, `max_tokens` above
        `cloud_max_tokens`, the caller not allowing it): an answer of the edge LLM is then a fallback, whatever kept the
        cloud out (an over-budget key's edge answers had been written back, served from the cache to keys with budget
        in place of the cloud's). None and None without a cloud: the edge LLM is then the scheduler's own choice. A
        request let through after the cool-down is its trial."""
        if self.cloud is None:
            return None, None
        if not allowed:
            return None, NOT_ALLOWED
        if self.cloud_max_tokens is not None and max_tokens > self.cloud_max_tokens:
            return None, f"max_tokens {max_tokens} is more than the cloud takes ({self.cloud_max_tokens})"
        bound = self.cloud_timeout_s if deadline is None else deadline.for_call(True, self.cloud_timeout_s)
        if bound <= 0:
            return None, "the caller's budget left the cloud no time"
        if self.clouds.skipped(self.cloud_name) is not None:
            return None, SKIPPED_FOR_ITS_MARK
        return bound, None

    def _mask(self, looked: Looked, cloud: bool) -> np.ndarray:
        """`cloud`: the cloud may be called for this request (`_cloud_time`)."""
        servable = servable_from_cache(looked, self.cache_min_score)
        mask = np.array([servable, self.llm.waiting < self.queue_capacity, cloud, cloud and bool(looked.neighbours)], dtype=np.int8)
        if not mask.any():
            mask[Action.EDGE] = 1
        return mask

    async def start(self, req: ServeRequest, arrived: float | None = None, deadline: Deadline | None = None) -> Started:
        """Look the request up, let the policy choose, and start the answer (its text not read yet); `arrived`: the
        `time.perf_counter()` its latency counts from, when it waited before (default: now); `deadline`: when the caller
        stops waiting (its `x-velo-timeout-ms`), which bounds the cloud call (`_cloud_time`).

        Raises APIError 400 for a field the cache would refuse (a bad language code, text that is not valid Unicode) and
        ValueError for a conversation the edge LLM cannot take (too long for its context window), both before the
        lookup; APIError with the cloud's status for a request the cloud refuses; nothing is answered or written."""
        t0 = time.perf_counter()
        turns = [t.model_dump() for t in req.messages]
        check_question(turns)  # the gateway's rule too: the last turn is the user's question
        max_tokens = self.default_max_tokens if req.max_tokens is None else req.max_tokens
        question, context = turns[-1]["content"], cache_context(turns[:-1])
        check_cache_fields(req.lang, {f"messages[{i}].content": t["content"] for i, t in enumerate(turns)})
        # The edge LLM answers whatever the cache and the cloud do not (a cloud failure included), so a conversation
        # it cannot take is refused here, before the lookup: embedding a long prompt costs ~0.6 s per 500 tokens
        # (e5 runs over every 510-token window), 41 s for a 61k-token CJK prompt that was then refused anyway.
        prompt_ids = self.llm.check(turns, max_tokens)  # the local LLM's tokens, generated from below without tokenizing again
        language = self.request_lang(req.lang, question)
        if self.cache_up:  # its own answer may still be on its way into the cache
            wait = REPEAT_WAIT_S if deadline is None else min(REPEAT_WAIT_S, deadline.left() * FALLBACK_SHARE / 2)
            await self.writer.landed(question, req.namespace, tuple(context), language.lang, wait)
        looked = await self.lookup(question, req.namespace, context, language, None if deadline is None else deadline.left())
        lang = language.lang
        obs = self._observe(looked, lang, bool(context), request_tokens(t["content"] for t in turns))
        cloud_s, unusable = self._cloud_time(req.cloud_allowed, deadline, max_tokens)
        mask = self._mask(looked, cloud_s is not None)
        action = int(self.policy.act(obs, mask))
        if not 0 <= action < len(mask) or not mask[action]:
            action = Action.CACHE if mask[Action.CACHE] and looked.decision is not None and looked.decision.hit else Action.EDGE
        if cloud_s is not None and action not in (Action.CLOUD, Action.CLOUD_CONTEXT):
            self.clouds.released(self.cloud_name)  # a trial this request was let through for goes to the next one
        if unusable == SKIPPED_FOR_ITS_MARK and action == Action.EDGE:  # generated without the cloud for its mark (a cache hit would not have asked it)
            self.clouds.count_skip()
        similarity = looked.neighbours[0].similarity if looked.neighbours else None
        fallback = None
        if action == Action.CACHE:
            best = looked.neighbours[0]
            hit = self.hit_answer(best.entry.answer, req.stop, req.max_tokens)
            prompt_tokens, completion_tokens = self.hit_usage(prompt_ids, hit.tokens)
            stream: AnswerStream = TextPieces(Generated(hit.text, hit.finish_reason, prompt_tokens, completion_tokens, f"cache:{best.entry.id}"))
            route, model = "cache", f"cache:{best.entry.id}"
            self._record_hit(best)
        else:
            sampling = sampling_params(req.temperature, req.top_p, req.seed)
            begun = await self._generate(action, turns, prompt_ids, looked, max_tokens, req.stop, sampling, req.stream,
                                         req.upstream_fields(), cloud_s, deadline)
            stream, route, model = begun.stream, begun.route, begun.model
            fallback = begun.fallback or (unusable if action == Action.EDGE else None)
        return Started(req, question, lang, context, looked, route, model, similarity, stream, t0, t0 if arrived is None else arrived, fallback)

    def hit_answer(self, answer: str, stop: list[str], max_tokens: int | None) -> HitText:
        """A cached `answer` as a request is served it, with its finish reason and its tokens: cut at the first of the
        request's `stop` strings, then to the request's `max_tokens` (the client's, not the edge's default cap, which
        bounds generation) in this edge LLM's tokens, the count `hit_usage` reports, so `completion_tokens <= max_tokens`
        holds for a hit as for a generated answer; "length" when that cut it, as an LLM stopped by `max_tokens` says. A
        hit had come back whole with "stop" whatever `max_tokens` while `stop` was applied (issue 9 finding 5). An
        endpoint LLM without `llm_tokenizer` cannot count: its hits are served uncut by `max_tokens`, as its
        `completion_tokens` are 0. The text is tokenized once: the cut's count is the one reported (it had been
        tokenized again to count it).

        Counted as the LLM that wrote it counted it (svc41 finding 4: the same answer had been one token fewer from the
        cache than from the cloud): a cached answer ended with the LLM's end-of-sequence token, which `usage` counts
        (`velo.llm.decoding.TextDecoder.tokens`, as vLLM does), so served whole it counts its text's tokens and that one,
        and it fits a `max_tokens` only with it: at a `max_tokens` of just its text's tokens the LLM would have stopped
        before its end token, "length". One cut at the request's `stop` ends without it, as a generated one does."""
        text, stopped = cut_at_stop(answer, stop)
        end = 0 if stopped else 1  # the end-of-sequence token that ended the cached answer, not the request's stop string
        if max_tokens is None or (prefix := self.llm.first_tokens(text, max_tokens)) is None:
            tokens = self.llm.count_tokens(text)
            return HitText(text, "stop", None if tokens is None else tokens + end)
        if not prefix.cut and prefix.tokens + end <= max_tokens:
            return HitText(text, "stop", prefix.tokens + end)
        return HitText(prefix.text, "length", prefix.tokens)

    @staticmethod
    def hit_usage(prompt_ids: list[int] | None, completion: int | None) -> tuple[int, int]:
        """(prompt_tokens, completion_tokens) of a cached answer served: the prompt's tokens as this edge's LLM counted
        them for the request (`ChatLLM.check`, the count it reports for an answer it generates) and the served answer's
        tokens in the same tokenizer (`hit_answer`'s count: its end-of-sequence token included when served whole, as a
        generated answer's). A hit had answered 0 and 0 (issue 8 finding 3), though the client sent a prompt and read an
        answer. 0 where the LLM cannot count (an endpoint without `llm_tokenizer`: `completion` None)."""
        return (0 if prompt_ids is None else len(prompt_ids)), (0 if completion is None else completion)

    async def finish(self, started: Started, made: Generated) -> ServeResponse:
        """After the answer's last text: queue its write-back (an LLM's complete answer), count it, the response."""
        if started.route != "cache":
            if started.route == "edge":
                elapsed = (time.perf_counter() - started.t0) * 1000.0
                self._edge_ms = (1 - _EMA) * self._edge_ms + _EMA * elapsed if self._edge_ms else elapsed
            self.writer.offer(started, made)
        seconds = time.perf_counter() - started.arrived
        self.metrics.served(started.route, seconds)
        return ServeResponse(
            answer=made.text, route=started.route, similarity=started.similarity, latency_ms=round(seconds * 1000.0, 3),
            finish_reason=made.finish_reason, prompt_tokens=made.prompt_tokens, completion_tokens=made.completion_tokens, model=made.model,
            edge=self.edge_id, cache_error=started.looked.error,
        )

    async def serve(self, req: ServeRequest) -> ServeResponse:
        """One request, answered whole."""
        started = await self.start(req)
        return await self.finish(started, await collect(started.stream))

    async def events(self, started: Started) -> AsyncIterator[ServeEvent]:
        """A started request as `ServeEvent`s: start, each text delta as the LLM produces it, done. An answer the
        client abandons (the stream closed early, even before its first event) stops generating and is not written
        back (the response also closes `started.stream` itself: `services.http.ClosingStreamingResponse`)."""
        try:
            yield ServeEvent(start=ServeStart(route=started.route, similarity=started.similarity, model=started.model, edge=self.edge_id,
                                              cache_error=started.looked.error))
            async for delta in started.stream:
                yield ServeEvent(delta=delta)
        except UpstreamError as err:
            self.metrics.upstream_failures.labels("cloud" if started.route.startswith("cloud") else "llm").inc()
            # its own line (svc40 item 3): the client gets an error event, the request log had the stream's start only
            (cloud_log if started.route.startswith("cloud") else log).warning("the %s LLM (%s) failed mid-stream, %.3g s after the request started: %s", started.route,
                                                                              started.model, time.perf_counter() - started.t0, err)
            yield ServeEvent(error=APIError(502, f"the {started.route} LLM failed mid-answer: {err}", "server_error", "upstream_failed").body.error)
            return
        except Exception as err:  # the status line is sent: a stream must still end with an error, never cut short
            log.exception("the %s answer failed mid-stream", started.route)
            yield ServeEvent(error=APIError(500, f"internal error mid-answer: {type(err).__name__}: {err}", "server_error", "internal_error").body.error)
            return
        finally:
            await started.stream.aclose()
        assert started.stream.generated is not None
        yield ServeEvent(done=await self.finish(started, started.stream.generated))

    async def _generate(self, action: int, turns: list[dict[str, str]], prompt_ids: list[int] | None, looked: Looked, max_tokens: int,
                        stop: list[str], sampling: SamplingParams, streaming: bool, fields: Mapping[str, str],
                        cloud_s: float | None, deadline: Deadline | None = None) -> Begun:
        """Start the answer of a generating `action`; the cloud is sent the client's identifiers (`fields`:
        `ServeRequest.upstream_fields`) as the cloud service forwards them to its upstream, and given `cloud_s` seconds
        (`_cloud_time`) to answer, or to start its stream. `deadline`: the caller's; when a client's budget shortened
        `cloud_s` (`Deadline.cut`) a timeout marks nothing down, is logged as such, and the edge LLM answers. When the edge LLM answers a cloud
        action, `Begun.fallback` says why."""
        if action in (Action.CLOUD, Action.CLOUD_CONTEXT) and self.cloud is not None and cloud_s is not None:
            messages = _with_neighbours(turns, looked.neighbours) if action == Action.CLOUD_CONTEXT else turns
            t0 = time.perf_counter()
            self._cloud_inflight += 1
            try:
                call = self.cloud.stream(messages, max_tokens, stop, sampling, fields=fields, within_s=cloud_s) if streaming else self.cloud.generate(
                    messages, max_tokens, stop, sampling, fields=fields, within_s=cloud_s)
                made = await bounded(call, cloud_s, self.cloud_name)  # a stream: until it opened
                stream: AnswerStream = TextPieces(made) if isinstance(made, Generated) else made
            except UpstreamError as err:
                if err.refused:  # it answered: the request's fault, not the link's
                    self.clouds.answered(self.cloud_name)
                    if action == Action.CLOUD:  # the client's own conversation
                        raise err.refusal("the cloud LLM") from None
                    # CLOUD_CONTEXT: the neighbours the edge added may be what the cloud refused
                    log.warning("the cloud refused the conversation with its cached neighbours, answering with the edge LLM: %s", err)
                    return Begun(await self._edge_llm(turns, max_tokens, stop, sampling, prompt_ids, deadline), "edge", self.llm.name,
                                 "the cloud refused the cached neighbours")
                if err.past_deadline:  # it answered at once that its share of the time is too short: the edge LLM has the rest
                    self.clouds.answered(self.cloud_name)
                    cloud_log.info("the cloud %s could not begin within %.3g s, answering with the edge LLM: %s", self.cloud_name, cloud_s, err)
                    return Begun(await self._edge_llm(turns, max_tokens, stop, sampling, prompt_ids, deadline), "edge", self.llm.name,
                                 "the cloud could not begin within its share of the caller's budget")
                if err.timed_out and deadline is not None and deadline.cut:  # the caller's short budget ran out: the edge LLM answers
                    self.clouds.released(self.cloud_name)
                    cloud_log.warning("%s; answering with the edge LLM", deadline.cut_line(f"cloud {self.cloud_name}", cloud_s))
                    return Begun(await self._edge_llm(turns, max_tokens, stop, sampling, prompt_ids, deadline), "edge", self.llm.name,
                                 "the cloud gave no answer within the caller's budget")
                self.metrics.upstream_failures.labels("cloud").inc()
                self._cloud_failures = (1 - _EMA) * self._cloud_failures + _EMA
                self._rate_limited = (1 - _EMA) * self._rate_limited + _EMA * (err.status == 429)
                self._link_state = 2 if err.status is None else 0
                self._cloud_failed(err)
                fallback = "the cloud failed"
            except BaseException:  # the client left, or an error no branch above judged: no verdict, a trial goes to the next request
                self.clouds.released(self.cloud_name)
                raise
            else:
                elapsed = (time.perf_counter() - t0) * 1000.0  # streamed: the time to the stream's start
                self._cloud_ms = (1 - _EMA) * self._cloud_ms + _EMA * elapsed if self._cloud_ms else elapsed
                self._cloud_failures *= 1 - _EMA
                self._rate_limited *= 1 - _EMA
                self._link_state = 0
                self.clouds.answered(self.cloud_name)
                return Begun(stream, "cloud" if action == Action.CLOUD else "cloud_context", self.cloud.name)
            finally:
                self._cloud_inflight -= 1
            return Begun(await self._edge_llm(turns, max_tokens, stop, sampling, prompt_ids, deadline), "edge", self.llm.name, fallback)
        return Begun(await self._edge_llm(turns, max_tokens, stop, sampling, prompt_ids, deadline), "edge", self.llm.name)

    async def _edge_llm(self, turns: list[dict[str, str]], max_tokens: int, stop: list[str], sampling: SamplingParams,
                        prompt_ids: list[int] | None, deadline: Deadline | None) -> AnswerStream:
        """The edge LLM's answer, started within what `deadline` leaves: `services.llm.PastDeadline` at once for a prompt
        whose prefill alone takes longer (the gateway then asks its next upstream with the time left)."""
        return await self.llm.stream(turns, max_tokens, stop, sampling, prompt_ids, within_s=None if deadline is None else deadline.left())

    def _cloud_failed(self, err: UpstreamError) -> None:
        """Mark the cloud down when it gave no answer (connection refused or reset, or none in time: `services/cooldown.py`;
        after a timeout the health probe decides whether it is down or slow); an error it answered is logged only."""
        cloud = self.cloud
        recheck = (lambda: endpoint_problem(cloud)) if err.timed_out and isinstance(cloud, EndpointLLM) else None
        self.clouds.failed(self.cloud_name, str(err), dead=err.status is None, recheck=recheck)

    def _record_hit(self, neighbour: Neighbour) -> None:
        async def record() -> None:
            try:
                await self.cache_call("record_hit", self.cache.record_hit, neighbour)
            except ConnectionError:
                pass  # counted and logged by cache_call; a lost recency bump only shifts eviction order

        task = asyncio.get_running_loop().create_task(record())
        self._background.add(task)  # held until done: the loop keeps only weak references to tasks
        task.add_done_callback(self._background.discard)


def observe(layout: ObservationLayout, looked: Looked, lang: str, follow_up: bool, load: SystemLoad) -> np.ndarray:
    """The policy's observation (layout.size,) float32 of one looked-up request: `encode_observation` of its vector (zeros
    when the lookup failed), its neighbours best first (similarity, written by the edge LLM, hit count), the hit rule's
    features, score and verdict of the best one, and the edge's `load`. The environment fills the same fields from its
    bank (`envs.velo_edge_v0.VeloEdgeEnv._observation`); tests/services/test_edge_observation.py checks both agree."""
    d = looked.decision
    return encode_observation(
        layout, looked.vector if looked.vector is not None else np.zeros(layout.dim, np.float32), lang,
        follow_up, [n.similarity for n in looked.neighbours], [n.entry.source is Source.EDGE for n in looked.neighbours],
        [n.entry.hit_count for n in looked.neighbours], d.features.as_tuple() if d is not None and d.features is not None else None,
        d.score if d is not None else 0.0, bool(d is not None and d.hit), load,
    )


def servable_from_cache(looked: Looked, min_score: float) -> bool:
    """Whether the policy may serve the best cached answer of a lookup: `velo.policy.cache_servable` (a neighbour exists
    and, with `min_score` > 0, the hit rule scores it at least `min_score`), as the environment's action mask decides."""
    return cache_servable(bool(looked.neighbours), looked.decision.score if looked.decision is not None else None, min_score)


def check_cache_fields(lang: str | None, texts: dict[str, str]) -> None:
    """APIError 400 naming the field for what the cache would refuse only once a lookup had embedded the question: a
    language code it does not know, a text (`texts`: request field -> text) that is not valid Unicode. Checked first,
    in microseconds: the refusal came after the embedding and, the lookup being batched, made every request of its
    batch be looked up again alone (`velo.batching.OpportunisticBatcher` finds the culprit that way)."""
    try:
        if lang is not None:
            check_lang(lang, "lang")
    except CacheInputError as err:
        raise APIError(400, str(err), code="invalid_value", param="lang") from None
    for field, text in texts.items():
        try:
            check_unicode(text, field)
        except CacheInputError as err:
            raise APIError(400, str(err), code="invalid_value", param=field) from None


def _with_neighbours(turns: list[dict[str, str]], neighbours: Sequence[Neighbour], most: int = 3) -> list[dict[str, str]]:
    """CLOUD_CONTEXT: the best cached questions and answers as a system message before the conversation."""
    known = "\n\n".join(f"Q: {n.entry.question}\nA: {n.entry.answer}" for n in neighbours[:most])
    note = {"role": "system", "content": f"Related questions answered before (use them if they help):\n\n{known}"}
    return [note, *turns]
