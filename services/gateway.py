"""The gateway: the users' OpenAI-compatible entry to VELO.

| route | answer |
|---|---|
| `POST /v1/chat/completions` | `chat.completion` (or its stream) with `route`, `latency_ms`, `similarity` |
| `POST /v1/completions` | `text_completion` (the prompt is served as one question) |
| `GET /v1/models`, `GET /v1/models/{id}` | the served model (`velo`; `services.http.model_routes`: another id -> 404 `model_not_found`), for a valid key |
| `GET /healthz` | each edge server's state from its own `/healthz` (`up`; `cache down`, `cloud down`, ... answering without them; `unavailable`; `down`: no answer; `status N`; `cooling down`: it answers its `/healthz` but requests skip it until its trial), `cooldowns` (each upstream marked down: `Cooldown.report`), the cloud's (`{"url", "state": "up" / "down" / "cooling down", "problem"}`, asked `GET /v1/models` now; null without one), `down` (what answers no request: edge URLs, `cloud`), `degraded` (edges answering without a part) and the gateway's `status`: `ok`, `degraded` (something down, requests still answered) or `unavailable` (503: no edge answering and no cloud answering; `services/health.py`) |
| `GET /metrics` | Prometheus text (`services/metrics.py`), with the gateway's own time per request; an upstream whose trial is due is probed first, the probe its trial (`Cooldown.probe_due`), so `velo_upstreams_down` holds at scrape time |

Order of checks, each answered with the one error shape: missing or unknown key -> 401 (`services/gateway_keys.py`),
before anything else of the request is looked at, its size included (`key_first`: a client without a key learns
nothing but that it needs one); body larger than `max_body_bytes` -> 413; the key's rate limit -> 429 with
`Retry-After` (the wait in whole seconds, rounded up, as its message says); a namespace (`x-velo-namespace` header)
that is no namespace -> 400, one the key may not use -> 403; a budget header that is no budget (`x-velo-timeout-ms`)
-> 400; a body that is empty, not UTF-8 or not JSON, a text
with a lone surrogate, or schema errors -> 400 naming the problem and the field (`velo.wire.parse_body`, as the edge); prompt longer than `max_prompt_chars` -> 400 `context_length_exceeded` naming `messages` (`prompt`) and the limit (a coarse bound: a character is a quarter of a token in
English but one or two in CJK, so the edge server, which counts its LLM's tokens, answers a prompt longer than
its context window with 400 before any lookup); request fields as `services/openai_chat.py` decides.
Then the request goes to the edge servers (`services/gateway_routing.py`) with `cloud_allowed` set from the
key's cloud budget, one cloud answer of it reserved while the request is routed (`KeyRing.cloud_use`: concurrent
requests cannot overspend it), within the request's budget: `timeout_s`, or less when the client states less in
`x-velo-timeout-ms` (the SDK), `x-stainless-timeout` or `x-stainless-read-timeout` (the official SDKs;
`services/deadline.py`). A 503 (`no_upstream`: no edge answered and no cloud for the request, its message naming each
and why, a skipped one's cool-down included; `/healthz` unavailable) carries `Retry-After`: the time until the first
upstream marked down is tried again, rounded up (`Router.soonest_trial`; `down_for_s` when none is), or, when the
client's own budget ran out, `x-should-retry: false` instead (`Router._unanswered`); the request log has its line (`gateway error ... status=503 code=no_upstream`).
Every answer, streamed or not, carries the header `x-velo-overhead-ms`: the gateway's own time (total minus the
time spent waiting on edge servers or the cloud), the figure LiteLLM reports as `x-litellm-overhead-duration-ms`; time a request waits in the event loop before its handler runs is
not in it; for a streamed answer it covers the gateway's work until the stream started (headers go first).
A generated answer streams token by token as the edge's LLM (or the cloud) makes it, passed on as each piece
arrives; a cached answer streams in word pieces, in the same chunks.
A client that disconnects before its response ended cancels its request: the call to the edge is closed (the edge
cancels its own upstream call in turn), nothing is counted as served or charged but a started stream's cloud answer,
and the request log has its 499 line (`services/disconnect.py`, `velo_client_disconnects_total`).

    velo serve gateway --port 8000 --edge http://127.0.0.1:8201 --cloud-url http://127.0.0.1:8300 --keys keys.json
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Literal

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.deadline import Deadline
from services.disconnect import CancelOnDisconnect, describe
from services.gateway_keys import KeyRing, KeySpec, key_problem, load_keys, read_keys
from services.gateway_routing import EdgeStream, Router, Served
from services.health import cooled, degraded_list, down_list, endpoint_problem, gateway_status, probe_edge
from services.http import check_prompt_chars, install_error_handlers, json_response, model_routes, record_request, retry_after, sse_response
from services.llm import CLOUD_MAX_TOKENS_LIMIT
from services.llm_endpoint import EndpointLLM
from services.metrics import GatewayMetrics
from services.openai_chat import (
    Chunks,
    WholeAnswer,
    chat_max_tokens,
    chat_turns,
    check_model,
    completion_prompt,
    identifiers,
    max_tokens_param,
    sampling_of,
    stream_flags,
)
from velo.repeated import first_repeat
from velo.sdk import NAMESPACE_HEADER, OVERHEAD_HEADER, url_problem
from velo.wire import API_VERSION, APIError, ChatCompletionRequest, CompletionRequest, ServeRequest, Turn, Usage, api_key_problem, parse_body


class GatewaySettings(BaseSettings):
    """Settings of the gateway; each can be set as VELO_GATEWAY_<NAME> (lists as JSON)."""

    model_config = SettingsConfigDict(env_prefix="VELO_GATEWAY_", frozen=True, hide_input_in_errors=True)  # cloud_api_key is a secret

    edges: list[str] = []
    """Edge server base URLs, nearest first."""
    mode: Literal["nearest", "all"] = "nearest"
    """`nearest`: the first edge that answers; `all`: every edge at once, the fastest answer kept. `all` pays a cloud call
    on every edge that misses its cache (N edges: up to N cloud calls for one answer; the slower ones are cancelled when the
    first answers, `services/disconnect.py`, but a hosted cloud bills what it generated until then; the key's cloud budget
    is charged once): for latency over cloud spend (edges whose caches differ, an edge that may be slow)."""
    cloud_url: str | None = None
    """The cloud service, used directly when no edge server answers."""
    cloud_model: str = "velo-cloud"
    cloud_api_key: SecretStr | None = None
    cloud_max_tokens: int | None = Field(CLOUD_MAX_TOKENS_LIMIT, ge=1)
    """The most `max_tokens` the cloud takes, as the edge's `cloud_max_tokens` (same default, 1024: the cloud service's
    `max_tokens_limit`); set it to your cloud's. A request asking more is never sent to the direct cloud: the edges
    answer it (the cache or the edge LLM) with the whole budget, and when none answers it is a 400 naming `max_tokens`
    and the limit at once (at once with no edge configured, or all skipped). It had been given half the budget at an edge,
    so a 2000-token edge answer was cut at 30 s, then the cloud asked, which refused it (400). None (from Python): no limit
    known, the cloud's refusal is relayed (400)."""
    keys_file: Path | None = None
    """The API keys (`services/gateway_keys.py`); or `keys_json` with the same document inline; or `api_key`."""
    keys_json: str | None = None
    api_key: SecretStr | None = None
    """One API key, for the namespace `default` with no limits (`KeySpec`'s defaults, named `api_key`): what
    docker-compose passes (`VELO_GATEWAY_API_KEY`), a secret with no JSON to build around it (a key spliced into
    `keys_json` by the compose file's text interpolation broke the JSON at a `"`: nc17 finding 8). Checked as a
    keys file's are (`gateway_keys.key_problem`: at least 8 visible ASCII characters)."""
    edge_token: SecretStr | None = None
    """Sent to the edge servers as `Authorization: Bearer <token>`: their `internal_token` (`services.edge.EdgeSettings`)."""
    model_name: str = "velo"
    timeout_s: float = Field(120.0, gt=0)
    """Longest wait for one client request's answer (or its stream's start), all attempts together: every edge tried,
    retries, back-off and the direct cloud come out of it (`services/deadline.py`), and a client's own budget lowers it
    (`x-velo-timeout-ms`, or the `x-stainless-timeout` / `x-stainless-read-timeout` the official SDKs send). An edge is
    given half of what is left when another edge or the cloud could still answer after it, and told its time
    (`x-velo-timeout-ms`), so it bounds its own cloud call within it. After a stream started, each piece may take this long."""
    retries: int = Field(2, ge=0)
    """Attempts on an edge after its first that failed quickly (connection refused, a 5xx); an edge that timed out is not asked again."""
    backoff_s: float = Field(0.1, ge=0)
    down_for_s: float = Field(5.0, ge=0)
    """How long an edge server that gave no answer (connection refused or reset, none in time, its `/healthz` silent) is
    skipped, then one trial request calls it (`services/cooldown.py`); one that answered an error is asked again."""
    cloud_down_for_s: float = Field(30.0, ge=0)
    """How long the direct cloud is skipped after it gave no answer (connection refused or reset, or none in time and its
    health probe failing; or `/healthz` finding it down): a request no edge answers gets 503 meanwhile, naming it, then
    one trial request calls it again. 30 s as the edge's `cloud_down_for_s`."""
    max_body_bytes: int = Field(1_000_000, ge=1024)
    max_prompt_chars: int = Field(32_000, ge=1)
    """Longest conversation accepted (characters over all messages, or the prompt's); longer -> 400
    `context_length_exceeded` naming the field (`services.http.check_prompt_chars`). Characters are no measure of tokens across scripts: the edge refuses what
    its LLM cannot take, in tokens."""

    @field_validator("edges")
    @classmethod
    def _edge_urls(cls, value: list[str]) -> list[str]:
        # one edge twice would be asked twice per request (retried as "the next edge", called twice in mode all)
        repeat = first_repeat(value, lambda url: url.rstrip("/"))
        for i, url in enumerate(value):
            if (problem := url_problem(url)) is not None:
                raise ValueError(f"edges[{i}]: {problem}")
            if repeat is not None and repeat[1] == i:
                raise ValueError(f"edges[{i}]: {url} is edges[{repeat[0]}] again; give each edge server once")
        return value

    @field_validator("cloud_url")
    @classmethod
    def _cloud_url(cls, value: str | None) -> str | None:
        if value is not None and (problem := url_problem(value)) is not None:
            raise ValueError(problem)
        return value

    @field_validator("cloud_api_key")
    @classmethod
    def _cloud_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and (problem := api_key_problem(value.get_secret_value())) is not None:
            raise ValueError(problem)
        return value

    @field_validator("api_key", "edge_token")
    @classmethod
    def _api_key(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if value is not None and (problem := key_problem(value.get_secret_value())) is not None:
            raise ValueError(problem if info.field_name == "api_key" else problem.replace("API key", "token"))
        return value

    @model_validator(mode="after")
    def _checks(self) -> GatewaySettings:
        if not self.edges and not self.cloud_url:
            raise ValueError("give at least one edge server (edges) or a cloud_url")
        if sum(given is not None for given in (self.keys_file, self.keys_json, self.api_key)) != 1:
            raise ValueError("give the API keys as exactly one of keys_file, keys_json or api_key")
        return self

    def key_ring(self) -> KeyRing:
        if self.api_key is not None:
            return KeyRing({self.api_key.get_secret_value(): KeySpec(name="api_key")}, "api_key")
        if self.keys_file is not None:
            return KeyRing(read_keys(self.keys_file), "keys_file")
        return KeyRing(load_keys(self.keys_json or "", "keys_json"), "keys_json")


def build_app(settings: GatewaySettings) -> FastAPI:
    """The gateway app; its lifespan opens the connection pools to the edge servers and the cloud."""
    metrics = GatewayMetrics()
    keys = settings.key_ring()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        cloud_key = settings.cloud_api_key.get_secret_value() if settings.cloud_api_key else None
        cloud = EndpointLLM(settings.cloud_url, settings.cloud_model, cloud_key, settings.timeout_s) if settings.cloud_url else None
        app.state.router = Router(settings.edges, cloud, metrics, mode=settings.mode, timeout_s=settings.timeout_s,
                                  retries=settings.retries, backoff_s=settings.backoff_s, down_for_s=settings.down_for_s,
                                  cloud_down_for_s=settings.cloud_down_for_s, edge_token=settings.edge_token.get_secret_value() if settings.edge_token else None,
                                  cloud_max_tokens=settings.cloud_max_tokens)
        app.state.started = int(time.time())
        try:
            yield
        finally:
            await app.state.router.aclose()

    app = FastAPI(title="VELO gateway", version=API_VERSION, lifespan=lifespan)
    app.state.keys = keys

    def key_first(path: str, authorization: str | None) -> APIError | None:
        """The 401 of a `/v1/...` request without a valid key, before any other check (`services.http.BodyLimit`)."""
        if not path.startswith(f"/{API_VERSION}/"):
            return None  # /healthz, /metrics: open; an unknown path: 404
        try:
            keys.authenticate(authorization)
        except APIError as err:
            return err
        return None

    install_error_handlers(app, settings.max_body_bytes, admit=key_first)
    app.add_middleware(CancelOnDisconnect, service="gateway", on_closed=lambda closed: metrics.client_disconnects.labels(closed.phase).inc())

    async def admitted(request: Request) -> tuple[str, str, bytes]:
        """(key, namespace, body) of a request that passed size, key, rate and namespace checks."""
        body = await request.body()  # at most max_body_bytes: `services.http.BodyLimit` refused a larger one
        key = keys.authenticate(request.headers.get("authorization"))
        keys.admit(key)
        return key, keys.namespace(key, request.headers.get(NAMESPACE_HEADER)), body

    async def answer(request: Request, deadline: Deadline, key: str, namespace: str, turns: list[dict[str, str]], max_tokens: int | None,
                     stop: list[str], body: ChatCompletionRequest | CompletionRequest) -> Served:
        describe(request, body.user, identifiers(body).get("safety_identifier"), key=repr(keys.specs[key].name), namespace=namespace)
        with keys.cloud_use(key) as grant:  # reserved before routing, settled by the route (a stream's at its start); given back if the client leaves first
            req = ServeRequest(messages=[Turn(**t) for t in turns], namespace=namespace, max_tokens=max_tokens, stop=stop,
                               cloud_allowed=grant.allowed, stream=bool(body.stream), lang=body.lang, user=body.user, **identifiers(body), **sampling_of(body))
            try:
                served = await request.app.state.router.serve(req, deadline)
            except APIError as err:
                if err.status >= 500:  # no upstream answered: the request log has its line, as for an answer (a 4xx is the request's own)
                    record_request("gateway", "error", body.user, identifiers(body).get("safety_identifier"), status=err.status, code=err.code,
                                   key=repr(keys.specs[key].name), namespace=namespace)
                raise as_sent(err, body) from None
            route = served.answer.route if served.answer is not None else served.stream.start.route  # type: ignore[union-attr]
            if route in ("cloud", "cloud_context"):
                grant.charge()
        record_request("gateway", route, body.user, identifiers(body).get("safety_identifier"), key=repr(keys.specs[key].name), namespace=namespace)
        return served

    def respond(served: Served, t0: float, body: ChatCompletionRequest | CompletionRequest, chat: bool) -> Response:
        overhead_ms = max(0.0, (time.perf_counter() - t0) * 1000.0 - served.upstream_ms)
        metrics.overhead.observe(overhead_ms / 1000.0)
        if served.stream is not None:
            start = served.stream.start
            headers = {OVERHEAD_HEADER: f"{overhead_ms:.3f}", "x-velo-route": start.route, "x-velo-edge": start.edge}
            include_usage, obfuscate = stream_flags(body)
            return sse_response(relay(served.stream, t0, include_usage, obfuscate, chat), headers, on_close=served.stream.aclose)
        got = served.answer
        assert got is not None
        total_ms = (time.perf_counter() - t0) * 1000.0
        fields = {"route": got.route, "latency_ms": round(total_ms, 3), "similarity": None if got.similarity is None else round(got.similarity, 6)}
        usage = Usage(prompt_tokens=got.prompt_tokens, completion_tokens=got.completion_tokens, total_tokens=got.prompt_tokens + got.completion_tokens)
        whole = WholeAnswer(settings.model_name, got.answer, got.finish_reason, usage, fields)
        metrics.served(got.route, total_ms / 1000.0)
        headers = {OVERHEAD_HEADER: f"{overhead_ms:.3f}", "x-velo-route": got.route, "x-velo-edge": got.edge}
        return json_response(whole.chat() if chat else whole.completion(), headers)

    async def relay(stream: EdgeStream, t0: float, include_usage: bool, obfuscate: bool, chat: bool) -> AsyncIterator[str]:
        """The edge's events as OpenAI chunks, each text delta sent on as it arrives; the header's overhead covers
        the gateway's work up to the stream's start."""
        chunks = Chunks(settings.model_name, chat, obfuscate)
        if chat:
            yield chunks.chat_start()
        async for event in stream.events():  # it ends with done or error, whatever the edge sent (`EdgeStream.events`)
            if event.delta is not None:
                yield chunks.chat_delta(event.delta) if chat else chunks.completion_delta(event.delta)
            elif event.done is not None:
                got = event.done
                total_ms = (time.perf_counter() - t0) * 1000.0
                metrics.served(got.route, total_ms / 1000.0)
                fields = {"route": got.route, "latency_ms": round(total_ms, 3), "similarity": None if got.similarity is None else round(got.similarity, 6)}
                usage = Usage(prompt_tokens=got.prompt_tokens, completion_tokens=got.completion_tokens,
                              total_tokens=got.prompt_tokens + got.completion_tokens) if include_usage else None
                for chunk in (chunks.chat_end if chat else chunks.completion_end)(got.finish_reason, usage, fields):
                    yield chunk
                return
            elif event.error is not None:
                metrics.requests.labels("error").inc()
                for chunk in Chunks.failed(APIError(502, event.error.message, event.error.type, event.error.code)):
                    yield chunk
                return

    @app.post(f"/{API_VERSION}/chat/completions", response_model=None)
    async def chat_completions(request: Request) -> Response:
        t0 = time.perf_counter()
        key, namespace, raw = await admitted(request)
        deadline = Deadline.of_client(request.headers, settings.timeout_s)  # its 400 after the key's 401 (svc40 item 5)
        body = parse_body(ChatCompletionRequest, raw)
        check_model(body.model, settings.model_name)
        turns = chat_turns(body)
        check_prompt_chars((t["content"] for t in turns), settings.max_prompt_chars, "messages")
        served = await answer(request, deadline, key, namespace, turns, chat_max_tokens(body), body.stop_strings, body)
        return respond(served, t0, body, chat=True)

    @app.post(f"/{API_VERSION}/completions", response_model=None)
    async def completions(request: Request) -> Response:
        t0 = time.perf_counter()
        key, namespace, raw = await admitted(request)
        deadline = Deadline.of_client(request.headers, settings.timeout_s)
        body = parse_body(CompletionRequest, raw)
        check_model(body.model, settings.model_name)
        turns = [{"role": "user", "content": completion_prompt(body)}]
        check_prompt_chars((turns[0]["content"],), settings.max_prompt_chars, "prompt")
        served = await answer(request, deadline, key, namespace, turns, body.max_tokens, body.stop_strings, body)
        return respond(served, t0, body, chat=False)

    model_routes(app, settings.model_name, authenticate=lambda request: keys.authenticate(request.headers.get("authorization")))

    @app.get("/healthz")
    async def healthz(request: Request) -> Response:
        router: Router = request.app.state.router
        *found, cloud_why = await asyncio.gather(*(probe_edge(router.http, edge) for edge in router.edges), endpoint_problem(router.cloud))
        edges = dict(zip(router.edges, found))
        router.health_found(edges, cloud_why)
        edges = {url: router.cooled_edge(url, edge) for url, edge in edges.items()}  # skipped by requests: not "up"
        cloud = None
        if router.cloud is not None:
            cloud, cloud_why = cooled(router.cloud_marks, router.cloud.base_url, cloud_why)
        status = gateway_status(list(edges.values()), cloud)
        body = {"status": status, "mode": settings.mode, "edges": {url: edge.state for url, edge in edges.items()},
                "cloud": None if router.cloud is None else {"url": settings.cloud_url, "state": cloud, "problem": cloud_why},
                "down": down_list(edges, cloud), "degraded": degraded_list(edges), "cooldowns": router.cooldowns()}
        unavailable = status == "unavailable"
        wait = router.soonest_trial()
        return JSONResponse(body, status_code=503 if unavailable else 200,
                            headers=retry_after(settings.down_for_s if wait is None else wait) if unavailable else None)

    @app.get("/metrics")
    async def prometheus(request: Request) -> Response:
        await request.app.state.router.probe_due()  # `velo_upstreams_down` true at scrape time (`Cooldown.probe_due`)
        return Response(metrics.render(), media_type=metrics.content_type)

    return app


def as_sent(err: APIError, body: ChatCompletionRequest | CompletionRequest) -> APIError:
    """An edge's or the cloud's refusal naming the fields the client sent: the gateway asks them with `messages` and
    `max_tokens` (`ServeRequest`, a chat call), so a completion's prompt is their `messages` / `messages[0]...` and a
    chat's `max_completion_tokens` their `max_tokens` (a prompt too long for the edge LLM's context window had been a
    400 naming `messages` on `/v1/completions`, and a `max_completion_tokens` too large for it one naming `max_tokens`)."""
    param, message = err.param, err.message
    if param is None:
        return err
    if isinstance(body, CompletionRequest) and (param == "messages" or param.startswith("messages[")):
        message = message.replace(f"{param}.content", "prompt").replace(param, "prompt")
        param = "prompt"
    elif param == "max_tokens" and (named := max_tokens_param(body)) != "max_tokens":
        message, param = message.replace("max_tokens", named), named
    return err if param == err.param else APIError(err.status, message, err.type, err.code, param)

