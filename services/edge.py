"""The edge server: one Milvus semantic cache, one scheduling policy, its own LLM, a cloud behind it.

| route | does |
|---|---|
| `POST /v1/serve` | `ServeRequest` -> `ServeResponse`: lookup, the policy's action, the answer, its route, latency, similarity (`services/edge_serving.py`); with `stream: true` server-sent `ServeEvent`s (start, text deltas as the LLM makes them, done); `x-velo-timeout-ms` (the gateway's time left, `services/deadline.py`) bounds the cloud call to half of it |
| `POST /admin/cache/lookup` | `CacheLookupRequest` -> `CacheLookupResponse` (nothing recorded); without `lang` the question's language is identified as `/v1/serve` does, so it finds what a request would be served |
| `DELETE /admin/cache/entries/{id}` | `DeletedCount` (0 when the id is unknown) |
| `DELETE /admin/cache/namespaces/{namespace}` | every entry of the namespace, however many (pages past one Milvus query window) |
| `GET /admin/cache/namespaces/{namespace}` | `{"namespace", "entries"}` |
| `POST /admin/cache/sync` | waits until every queued write-back is in the cache |
| `GET /healthz` | `{"status": "ok" / "degraded" / "unavailable", "edge", "cache", "llm", "cloud", "down", "problems", "cooldowns", "pending_writes", "policy"}`: Milvus pinged, the LLM endpoint and the cloud asked (`GET /v1/models`) when it is called; `down` lists what does not answer (`cache`, `llm`, `cloud`; the cloud too while requests skip it in its cool-down: `cloud` "cooling down", `cooldowns.cloud` saying why and when its trial is), `problems` why; 200 while the edge answers anything ("degraded" with the cache down: it answers without it), 503 "unavailable" when cache, LLM and cloud are all down (`services/health.py`) |
| `GET /metrics` | Prometheus text (`services/metrics.py`); a cloud whose trial is due is probed first, the probe its trial (`Cooldown.probe_due`), so `velo_upstreams_down` holds at scrape time |

Identical whole (non-streaming) greedy `/v1/serve` requests in flight at once share one answer (`services/coalesce.py`,
`EdgeSettings.coalesce`): N identical concurrent misses make one cloud call, not N; each response has its own
`latency_ms` (its whole wait), `velo_coalesced_requests_total` counts the ones that shared (`velo_requests_total` counts
them too) and their request-log lines end `coalesced=yes`. Streams are each answered on their own.
A request whose client (the gateway) disconnects is cancelled, its cloud call or LLM generation with it, unless it shares
a call another request still waits for; nothing is written back; logged 499 (`services/disconnect.py`).

An admin route while Milvus is down answers 503 `cache_unavailable` with `Retry-After` (the reconnection interval,
`EdgeServer.reopen_after_s`, rounded up); `/v1/serve` answers without the cache meanwhile.

    velo serve edge --port 8201 --cloud-url http://127.0.0.1:8300
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from services.coalesce import Coalescer, coalescing_key, requests_fault
from services.deadline import Deadline
from services.disconnect import CancelOnDisconnect, describe
from services.edge_serving import EdgeServer, Started, check_cache_fields
from services.gateway_keys import key_problem
from services.health import edge_health, probe_due_cloud
from services.http import MAX_PROMPT_CHARS, RetryLater, check_prompt_chars, install_error_handlers, json_body, json_response, record_request, sse_response
from services.llm import CLOUD_MAX_TOKENS_LIMIT, ChatLLM, UpstreamError, collect, open_llm, refused_prompt
from services.llm_endpoint import EndpointLLM, PromptCounter
from services.metrics import EdgeMetrics
from velo.lang_id import DEFAULT_LANGUAGES, EDGE_MIN_PROBABILITY, LanguageIdentifier, check_candidates
from velo.checkpoint import HitRuleMismatch
from velo.policy import CACHE_MIN_SCORE, check_policy_spec, trained_floor
from velo.wire import (
    API_VERSION,
    APIError,
    CacheEntryOut,
    CacheLookupRequest,
    CacheLookupResponse,
    DEADLINE_EXCEEDED,
    DeletedCount,
    ServeRequest,
    ServeResponse,
    sse_event,
)

_NAMESPACE = r"^[A-Za-z0-9_-]{1,64}$"
log = logging.getLogger("velo.edge")


class EdgeSettings(BaseSettings):
    """Settings of one edge server; each can be set as VELO_EDGE_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="VELO_EDGE_", frozen=True, hide_input_in_errors=True)  # internal_token is a secret

    edge_id: str = "edge-0"
    cache_uri: str = ".velo/edge-0.db"
    """milvus-lite file (embedded, one process) or a Milvus server (http://host:19530)."""
    collection: str = "velo_cache"
    cache_timeout_s: float = Field(1.5, gt=0)
    """Longest wait for each Milvus call a request, a write-back or an admin route makes (search, query, get, upsert,
    delete; the `/healthz` ping too, at most 1.5 s) and for the cache's lock before it. Past it the request is answered
    without the cache; a call with no answer marks the cache down (reopened every second in the background), so the
    requests after it do not wait at all. 1.5 s: the health probe's bound (`services.health.PROBE_S`), so a Milvus the
    health finds down is one the requests give up on; a search takes milliseconds, a hung Milvus had held one 70 s."""
    cache_flush_timeout_s: float = Field(30.0, gt=0)
    """Longest wait for the Milvus calls a healthy server may take long over, none on a request's path nor under the
    cache's lock: the flush of written-back answers (every 128; real Milvus seals and persists segments) and opening
    the collection (at start and each reopen: load it, read its entries' eviction stats)."""
    capacity: int | None = Field(10_000, ge=1)
    ttl_s: float | None = Field(None, gt=0)
    top_v: int = Field(10, ge=1)
    """Neighbours searched and observed (the policy's layout must have the same V)."""
    embedder: str = "e5-small"
    diff_embedder: str = "use-multilingual"
    rule: str = "default"
    """The cache's hit rule: `default`, `static:T` or a rule file."""
    policy: str = "rule-cloud"
    """What `velo.policy.load_policy` loads: a named rule (`rule-cloud`: the hit rule, else cloud) or a checkpoint path."""
    cache_min_score: float | None = Field(None, ge=0.0, le=1.0, validate_default=True)
    """The policy may serve a cached answer only when the hit rule scores it at least this (0: whenever there is a
    neighbour): `velo.policy.cache_servable`, the rule the environment's action mask follows too (its
    `EdgeEnvConfig.cache_min_score`, same default), so a policy serves under the mask it was trained with. Unset: the
    floor the checkpoint `policy` was trained with (its header's, `velo.checkpoint.CheckpointHeader.trained_floor`),
    else `CACHE_MIN_SCORE`; set to another than the checkpoint's: refused at start-up. A learned
    policy reads the rule's score as one feature and may serve what the rule rejects: the shipped DLRS, trained without
    the floor, served one-word look-alikes live ("What is the capital of Australia?" the answer to "... of France?",
    rule score 0.000), since the simulator's wrong neighbours almost never differ from the request by one word (8 of the
    sample train bank's 2,542 candidate pairs of another item at cosine >= 0.84). Why 0.5: `velo.policy.CACHE_MIN_SCORE`.
    For a `static:T` rule the score is the cosine similarity."""
    llm: str = "local"
    """`local` (SmolLM2-135M-Instruct in this process) or an OpenAI-compatible URL."""
    llm_model: str = "SmolLM2-135M-Instruct"
    """The model id sent to an `llm` URL."""
    llm_api_key: SecretStr | None = None
    llm_tokenizer: Path | None = None
    """With an `llm` URL: a Hugging Face model directory of that model (its tokenizer, chat template and config.json), so the
    edge counts the endpoint's tokens and refuses a conversation too long for it before the lookup, as for the local
    LLM; without it the endpoint refuses such a conversation itself, after the lookup embedded the question."""
    llm_context_window: int | None = Field(None, ge=1)
    """The `llm` URL model's context window in tokens (default: `max_position_embeddings` in `llm_tokenizer`'s config.json)."""
    cloud_url: str | None = None
    """The cloud service (or any OpenAI-compatible server); None: no cloud from this edge."""
    cloud_model: str = "velo-cloud"
    cloud_api_key: SecretStr | None = None
    timeout_s: float = Field(120.0, gt=0)
    """Longest wait for the cloud's answer (or its stream's start), and for an `llm` URL's. A caller that sends
    `x-velo-timeout-ms` (the gateway does, `services/deadline.py`) lowers the cloud's to half the time it has left, so
    the edge LLM still has the other half to answer in when the cloud does not."""
    cloud_max_tokens: int | None = Field(CLOUD_MAX_TOKENS_LIMIT, ge=1)
    """The most `max_tokens` the cloud takes: the cloud service's `max_tokens_limit` (`VELO_CLOUD_MAX_TOKENS_LIMIT`, 1024
    by default); set it to your cloud's. A request asking more is not sent to the cloud: the cache or the edge LLM
    answers it, its `max_tokens` honoured (as when the cloud is down, the edge LLM's answer is not written back).
    max_tokens 2000 had been answered 200 on a cache hit and 400 (the cloud's "at most 1024") on a miss. None (from
    Python): no limit known, the cloud's refusal of a larger one is relayed (400 naming max_tokens)."""
    cloud_down_for_s: float = Field(30.0, ge=0)
    """How long a cloud that gave no answer (connection refused or reset, or none in time and its health probe failing;
    or `/healthz` finding it down) is skipped: requests go to the edge LLM without calling it, then one trial request
    calls it again (`services/cooldown.py`). 30 s: Envoy's default ejection time for a failing host; a hung cloud then
    costs one request's wait every 30 s instead of every request's."""
    model_dir: Path | None = None
    threads: int | None = Field(None, ge=1)
    """torch threads of the local LLM (None: torch's default)."""
    max_batch: int = Field(8, ge=1)
    """Most requests the local LLM decodes together (its continuous batcher's `max_batch`)."""
    queue_capacity: int = Field(4, ge=1)
    """Requests the edge LLM may hold before EDGE is masked (the environment's `edge_queue_capacity`)."""
    default_max_tokens: int = Field(128, ge=1)
    write_batch: int = Field(8, ge=1)
    """Most answers written back per cache insert (`EdgeServer.write_back_forever`)."""
    max_body_bytes: int = Field(1_000_000, ge=1024)
    """Largest request body accepted; larger -> 413 before it is read (`services.http.BodyLimit`)."""
    max_prompt_chars: int = Field(MAX_PROMPT_CHARS, ge=1)
    """Longest prompt accepted (characters over all messages); longer -> 400 `context_length_exceeded` before it is
    tokenized (`services.http.check_prompt_chars`; the default's reasoning: `services.http.MAX_PROMPT_CHARS`)."""
    lang_candidates: Annotated[list[str], NoDecode] = list(DEFAULT_LANGUAGES)
    """Languages a request that states none may be identified as (`velo.lang_id`; fewer candidates are surer on short questions):
    ISO 639-1 codes py3langid knows (`velo.lang_id.IDENTIFIABLE`), as a comma list (`VELO_EDGE_LANG_CANDIDATES=en,zh`) or JSON."""
    lang_min_probability: float = Field(EDGE_MIN_PROBABILITY, ge=0, le=1)
    """Below this probability a request's language is "und" (looked up as its best guess, `SemanticCache.search`). 0.8: no question of the
    sample's 1,464 or the shared paraphrases' 330 identified as another language, 1.3% / 3.6% "und"
    (`benchmarks/lang_id_accuracy.py`)."""
    write_back_truncated: bool = False
    """Also cache answers cut by max_tokens or by the request's stop strings (off by default: a cut answer would be served
    to requests that allow more)."""
    coalesce: bool = True
    """Identical whole (non-streaming) greedy requests in flight at once share one answer (`services/coalesce.py`): one
    lookup, one upstream call. False: each is answered on its own, as before (N identical misses made N cloud calls)."""
    internal_token: SecretStr | None = None
    """The token `/v1/serve` and `/admin/*` require as `Authorization: Bearer <token>`: the gateway's `edge_token`
    (`/healthz` and `/metrics` stay open to health checks and scrapers). The gateway enforces API keys and
    namespaces; an edge takes any namespace in its body and its admin routes read and delete cached answers, so
    without a token anyone who reaches its port bypasses the gateway (nc17 finding 7: `DELETE
    /admin/cache/namespaces/default` on an edge of docker-compose's network answered `{"deleted": 2}`). Unset: no
    check, for an edge only its gateway can reach (loopback, an isolated network). At least 8 visible ASCII characters."""

    @field_validator("internal_token")
    @classmethod
    def _token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and (problem := key_problem(value.get_secret_value())) is not None:
            raise ValueError(problem.replace("API key", "token"))
        return value

    @field_validator("lang_candidates", mode="before")
    @classmethod
    def _split_candidates(cls, value: object) -> object:
        if isinstance(value, str):
            if value.lstrip().startswith("["):
                try:
                    return json.loads(value)
                except json.JSONDecodeError as err:
                    raise ValueError(f"not a JSON list ({err.msg}); give a comma list like en,zh") from None
            return [code.strip() for code in value.split(",") if code.strip()]
        return value

    @field_validator("lang_candidates")
    @classmethod
    def _candidates(cls, value: list[str]) -> list[str]:
        return list(check_candidates(value))

    @field_validator("llm")
    @classmethod
    def _llm(cls, value: str) -> str:
        if value != "local" and not value.startswith(("http://", "https://")):
            raise ValueError(f"must be 'local' or an http(s):// URL of an OpenAI-compatible server, got {value!r}")
        return value

    @field_validator("cache_uri")
    @classmethod
    def _uri(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("cache_uri is empty: give a milvus-lite file path or http://host:port")
        return value

    @model_validator(mode="after")
    def _tokenizer(self) -> EdgeSettings:
        if (self.llm_tokenizer is not None or self.llm_context_window is not None) and self.llm == "local":
            raise ValueError("llm_tokenizer and llm_context_window describe an llm URL's model; the local LLM counts its own tokens")
        if self.llm_context_window is not None and self.llm_tokenizer is None:
            raise ValueError("llm_context_window needs llm_tokenizer: the endpoint's tokens cannot be counted without its tokenizer")
        if self.llm_tokenizer is not None and not self.llm_tokenizer.is_dir():
            raise ValueError(f"llm_tokenizer {self.llm_tokenizer}: no such directory")
        return self

    @field_validator("rule")
    @classmethod
    def _rule(cls, value: str, info: ValidationInfo) -> str:
        """A rule the cache cannot build (unknown, a missing file, none calibrated for the embedders) is refused here."""
        try:
            _hit_rule(value, info.data)
        except FileNotFoundError as err:
            raise ValueError(str(err)) from None
        return value

    @field_validator("policy")
    @classmethod
    def _policy(cls, value: str, info: ValidationInfo) -> str:
        """A policy `load_policy` cannot build is refused here, before the server opens anything, and so is a checkpoint
        trained with another hit rule than the cache's (`rule`): its observations would carry another rule's scores."""
        rule = _hit_rule(info.data["rule"], info.data) if "rule" in info.data else None  # absent: refused itself
        try:
            return check_policy_spec(value, None if rule is None else rule.identity)
        except FileNotFoundError as err:
            raise ValueError(str(err)) from None
        except HitRuleMismatch as err:
            shipped = _hit_rule("default", info.data).identity
            use = ("`default`" if err.trained == shipped else err.trained.name if err.trained.format == "static"
                   else f"a rule file of fingerprint {err.trained.fingerprint}")
            raise ValueError(f"{err} This edge's hit rule is its `rule` setting (VELO_EDGE_RULE={info.data['rule']}): "
                             f"set it to {use} to serve this policy.") from None

    @field_validator("cache_min_score")
    @classmethod
    def _floor(cls, value: float | None, info: ValidationInfo) -> float:
        """Unset: the checkpoint's training floor (or `CACHE_MIN_SCORE` for a rule, or a checkpoint whose floor is
        unknown); set to another floor than the checkpoint's: refused, as a rule the checkpoint was not trained with is."""
        spec = info.data.get("policy")  # absent: refused itself
        trained = trained_floor(spec) if spec is not None else None
        if value is None:
            return CACHE_MIN_SCORE if trained is None else trained
        if trained is not None and trained != value:
            raise ValueError(f"VELO_EDGE_CACHE_MIN_SCORE={value:g}, but the policy {spec} was trained with CACHE offered only "
                             f"from hit-rule score {trained:g} (its checkpoint's cache_min_score): it would be given another "
                             f"action mask than it learned with. Unset VELO_EDGE_CACHE_MIN_SCORE to take the checkpoint's, "
                             f"or set it to {trained:g}.")
        return value


def _hit_rule(rule: str, settings: dict):
    """The `velo.cache.decision.HitRule` the cache of these settings (`embedder`, `diff_embedder`) decides with."""
    from velo.cache.factory import hit_rule_for

    return hit_rule_for(rule, settings["embedder"], settings["diff_embedder"])  # fields declared before `rule`


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None


def _open(settings: EdgeSettings, metrics: EdgeMetrics) -> EdgeServer:
    """Everything slow (embedders, Milvus, the LLM, the policy) happens here, in a worker thread."""
    from velo.cache.factory import open_cache
    from velo.cache.semantic_cache import CacheConfig
    from velo.observation import ObservationLayout
    from velo.policy import load_policy

    if "://" not in settings.cache_uri:
        Path(settings.cache_uri).parent.mkdir(parents=True, exist_ok=True)
    config = CacheConfig(uri=settings.cache_uri, collection=settings.collection, top_k=settings.top_v, capacity=settings.capacity, ttl_s=settings.ttl_s,
                         timeout_s=settings.cache_timeout_s, slow_timeout_s=settings.cache_flush_timeout_s)
    languages = LanguageIdentifier(settings.lang_candidates, settings.lang_min_probability)
    cache = open_cache(config, embedder=settings.embedder, diff_embedder=settings.diff_embedder, rule=settings.rule, languages=languages)
    layout = ObservationLayout(cache.embedder.dim, settings.top_v)
    try:
        policy = load_policy(settings.policy, layout, hit_rule=cache.rule.identity, cache_min_score=settings.cache_min_score)
        counter = PromptCounter(settings.llm_tokenizer, settings.llm_context_window) if settings.llm_tokenizer is not None else None
        llm: ChatLLM = open_llm(settings.llm, model=settings.llm_model, api_key=_secret(settings.llm_api_key), model_dir=settings.model_dir,
                                timeout_s=settings.timeout_s, threads=settings.threads, max_batch=settings.max_batch, counter=counter)
    except Exception:
        cache.close()
        raise
    cloud = EndpointLLM(settings.cloud_url, settings.cloud_model, _secret(settings.cloud_api_key), settings.timeout_s) if settings.cloud_url else None
    edge = EdgeServer(settings.edge_id, cache, policy, layout, llm, cloud, metrics, languages, queue_capacity=settings.queue_capacity,
                      default_max_tokens=settings.default_max_tokens, write_back_truncated=settings.write_back_truncated,
                      write_batch=settings.write_batch, cache_min_score=settings.cache_min_score, cloud_timeout_s=settings.timeout_s,
                      cloud_down_for_s=settings.cloud_down_for_s, cloud_max_tokens=settings.cloud_max_tokens)
    try:  # before the lifespan yields: the first request is as fast as the next (`EdgeServer.warm_up`)
        log.info("edge %s warmed up in %.2f s", settings.edge_id, edge.warm_up())
    except Exception as err:  # the request path meets the same failure and answers it (Milvus down: without the cache)
        log.warning("warming up edge %s failed, the first request will load what is left: %s: %s", settings.edge_id, type(err).__name__, err)
    return edge


def build_app(settings: EdgeSettings) -> FastAPI:
    """The edge app; its lifespan opens the cache, policy and LLMs, runs the write-back task, and closes all."""
    metrics = EdgeMetrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        edge = await asyncio.to_thread(_open, settings, metrics)
        app.state.edge = edge
        writer = asyncio.create_task(edge.write_back_forever())
        reopener = asyncio.create_task(edge.reopen_forever())
        try:
            yield
        finally:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(edge.writes.join(), timeout=30)  # a clean stop loses no answer
            writer.cancel()
            reopener.cancel()
            await edge.clouds.aclose()
            for llm in (edge.llm, edge.cloud):
                if llm is not None:
                    await llm.aclose()
            with contextlib.suppress(Exception):
                await asyncio.to_thread(edge.cache.close)

    app = FastAPI(title=f"VELO edge server {settings.edge_id}", version=API_VERSION, lifespan=lifespan)
    token = settings.internal_token.get_secret_value().encode() if settings.internal_token else None

    def token_first(path: str, authorization: str | None) -> APIError | None:
        """The 401 of a `/v1/serve` or `/admin/*` request without the gateway's token (`settings.internal_token`), before
        any other check, its body's size included (`services.http.BodyLimit`); None when admitted or open."""
        guarded_path = path == f"/{API_VERSION}/serve" or path.startswith("/admin/")
        sent = authorization or ""
        if token is None or not guarded_path or (sent.startswith("Bearer ") and hmac.compare_digest(sent[7:].strip().encode(), token)):
            return None
        return APIError(401, "this edge server answers its gateway only: send 'Authorization: Bearer <the edge's internal token>' "
                             "(VELO_EDGE_INTERNAL_TOKEN, the gateway's VELO_GATEWAY_EDGE_TOKEN)", "authentication_error", "invalid_internal_token")

    install_error_handlers(app, settings.max_body_bytes, admit=token_first)
    app.add_middleware(CancelOnDisconnect, service="edge", on_closed=lambda closed: metrics.client_disconnects.labels(closed.phase).inc())

    def edge_of(request: Request) -> EdgeServer:
        return request.app.state.edge

    def internal(request: Request) -> None:
        """Admits a request of the gateway (`token_first`, which the middleware asked already: a route's own guard)."""
        if (refused := token_first(request.url.path, request.headers.get("authorization"))) is not None:
            raise refused

    guarded = [Depends(internal)]

    flights: Coalescer[ServeResponse] = Coalescer(shared_failure=requests_fault)
    app.state.flights = flights

    async def started(edge: EdgeServer, body: ServeRequest, deadline: Deadline | None, arrived: float | None = None) -> Started:
        try:
            return await edge.start(body, arrived, deadline)
        except ValueError as err:  # a prompt the LLM cannot take (the cache's refusals are APIErrors naming their field): nothing written
            raise refused_prompt(err) from None
        except UpstreamError as err:
            raise _no_llm(edge, err) from None

    async def whole(edge: EdgeServer, body: ServeRequest, deadline: Deadline | None, arrived: float | None = None) -> ServeResponse:
        begun = await started(edge, body, deadline, arrived)
        try:
            made = await collect(begun.stream)
        except UpstreamError as err:
            raise _no_llm(edge, err) from None
        return await edge.finish(begun, made)

    @app.post(f"/{API_VERSION}/serve", response_model=None, dependencies=guarded)
    async def serve(body: Annotated[ServeRequest, Depends(json_body(ServeRequest))], request: Request) -> Response:
        edge = edge_of(request)
        check_prompt_chars((turn.content for turn in body.messages), settings.max_prompt_chars, "messages")
        describe(request, body.user, body.safety_identifier, edge=settings.edge_id, namespace=body.namespace)
        deadline = Deadline.of_caller(request.headers)
        if body.stream:
            begun = await started(edge, body, deadline)
            record_request("edge", begun.route, body.user, body.safety_identifier, edge=settings.edge_id, namespace=body.namespace)
            return sse_response((sse_event(event) async for event in edge.events(begun)), on_close=begun.stream.aclose)
        key = coalescing_key(body) if settings.coalesce else None
        joined = False
        if key is None:
            answer = await whole(edge, body, deadline)
        else:
            # the whole wait counts, also for a request that ran on its own after the flight it had joined failed
            t0 = time.perf_counter()
            answer, joined = await flights.run(key, lambda: whole(edge, body, deadline, t0))
            if joined:  # another request's answer: this one's own time, counted as served by that route and as coalesced
                seconds = time.perf_counter() - t0
                answer = answer.model_copy(update={"latency_ms": round(seconds * 1000.0, 3)})
                edge.metrics.served(answer.route, seconds)
                edge.metrics.coalesced.inc()
        shared = {"coalesced": "yes"} if joined else {}  # a follower's line, told apart from its flight's first requester's
        record_request("edge", answer.route, body.user, body.safety_identifier, edge=settings.edge_id, namespace=body.namespace, **shared)
        return json_response(answer)

    @app.post("/admin/cache/lookup", dependencies=guarded)
    async def lookup(body: Annotated[CacheLookupRequest, Depends(json_body(CacheLookupRequest))], request: Request) -> CacheLookupResponse:
        edge = edge_of(request)
        check_cache_fields(body.lang, {"question": body.question, **{f"context[{j}]": turn for j, turn in enumerate(body.context)}})
        if (why := edge.uncacheable(body.question)) is not None:  # a question the cache cannot hold (over max_chars)
            raise APIError(400, why, code="invalid_value", param="question")
        lang = edge.request_lang(body.lang, body.question)
        await edge.embed_first(body.question)  # outside the cache's lock, which the lookup below holds
        found = await _admin(edge, "lookup", edge.cache.lookup, body.question, namespace=body.namespace, context=body.context, lang=lang.lang,
                             record=False, guess=lang.guess)
        best = found.decision.neighbour
        entry = None if best is None else CacheEntryOut(
            id=best.entry.id, question=best.entry.question, answer=best.entry.answer, lang=best.entry.lang, namespace=best.entry.namespace,
            source=best.entry.source.value, created_at=best.entry.created_at, hit_count=best.entry.hit_count,
        )
        return CacheLookupResponse(hit=found.decision.hit, score=found.decision.score, similarity=None if best is None else best.similarity, entry=entry,
                                   lang=lang.lang)

    @app.delete("/admin/cache/entries/{entry_id}", dependencies=guarded)
    async def delete(entry_id: str, request: Request) -> DeletedCount:
        edge = edge_of(request)
        return DeletedCount(deleted=await _admin(edge, "delete", edge.cache.delete, [entry_id]))

    @app.delete("/admin/cache/namespaces/{namespace}", dependencies=guarded)
    async def flush(namespace: str, request: Request) -> DeletedCount:
        edge = edge_of(request)
        return DeletedCount(deleted=await _admin(edge, "flush", edge.cache.clear_namespace, _checked(namespace)))

    @app.get("/admin/cache/namespaces/{namespace}", dependencies=guarded)
    async def count(namespace: str, request: Request) -> dict:
        edge = edge_of(request)
        entries = await _admin(edge, "count", edge.cache.entries, _checked(namespace))
        return {"namespace": namespace, "entries": len(entries)}

    @app.post("/admin/cache/sync", dependencies=guarded)
    async def sync(request: Request) -> dict:
        edge = edge_of(request)
        t0 = time.perf_counter()
        await edge.writes.join()
        return {"pending_writes": edge.writes.qsize(), "waited_ms": round((time.perf_counter() - t0) * 1000, 3)}

    @app.get("/healthz")
    async def healthz(request: Request) -> Response:
        edge = edge_of(request)
        body, status = await edge_health(edge)
        return JSONResponse({**body, "edge": settings.edge_id, "pending_writes": edge.writes.qsize(), "policy": settings.policy}, status)

    @app.get("/metrics")
    async def prometheus(request: Request) -> Response:
        if (edge := getattr(request.app.state, "edge", None)) is not None:
            await probe_due_cloud(edge)  # `velo_upstreams_down` true at scrape time (`Cooldown.probe_due`)
        return Response(metrics.render(), media_type=metrics.content_type)

    return app


def _no_llm(edge: EdgeServer, err: UpstreamError) -> APIError:
    """The LLM that was to answer failed (an endpoint, the cloud having failed first or not being allowed): 502, which
    the gateway retries and then answers from another edge or the cloud. An endpoint that refused the request itself
    (`services.llm.refused_request`: 400 for a prompt longer than its context window) did not fail: its status and
    error are relayed to the client as they are. One that could not begin within the caller's time
    (`services.llm.PastDeadline`) did not fail either: 504 `deadline_exceeded` with `x-should-retry: false` (the same
    request with the same budget would be refused alike), which the gateway does not retry."""
    if err.refused:
        return err.refusal("the LLM")
    if err.past_deadline:  # the LLM is fine: this prompt needs more time than the caller gives
        return RetryLater(504, str(err), DEADLINE_EXCEEDED, None)
    edge.metrics.upstream_failures.labels("llm").inc()
    skipped = edge.clouds.note(edge.cloud_name) if edge.cloud is not None else None
    return APIError(502, f"no LLM could answer: {err}" + (f"; {skipped}" if skipped else ""), "server_error", "upstream_failed")


def _checked(namespace: str) -> str:
    import re

    if not re.fullmatch(_NAMESPACE[1:-1], namespace):
        raise APIError(400, f"namespace {namespace!r} must be 1-64 characters of A-Z a-z 0-9 _ -", code="invalid_value", param="namespace")
    return namespace


async def _admin(edge: EdgeServer, operation: str, fn, *args, **kwargs):
    try:
        return await edge.cache_call(f"admin_{operation}", fn, *args, **kwargs)
    except ConnectionError as err:
        raise RetryLater(503, str(err), "cache_unavailable", edge.reopen_after_s) from None  # the cache is reopened that often
    except ValueError as err:  # CacheInputError: the request's fault
        raise APIError(400, str(err), code="invalid_value") from None
