"""How the gateway gets an answer: to the nearest edge server, or to all of them keeping the fastest.

The two modes of the VELO paper: `nearest` sends a request to the first edge server of the list (the settings
list edges nearest first), and on failure to the next; `all`
sends it to every edge server that is up at once and keeps the first answer (the others are cancelled: their connections
closed, so each edge cancels its own cloud call or LLM generation, `services/disconnect.py`). Each edge that misses its
cache asks the cloud, so a question no edge has cached starts one cloud call per edge for one answer: `all` buys latency
with cloud spend.
All of it comes out of one budget per client request, the gateway's `timeout_s` or the client's smaller one
(`services/deadline.py`): an edge gets half of what is left when another edge or the cloud could still answer after
it, and is told its time (`x-velo-timeout-ms`) so that it bounds its own cloud call within it.
A call that fails quickly, with a connection error, a 5xx, a 408 or 429 (the edge's state), or a 401 / 403 / 404 / 405 /
407 (the gateway's settings: not an edge at that URL) is retried with exponential back-off (`backoff_s`, 2x, 4x...) up
to `retries` times while the edge's time lasts; a timeout is not retried (the edge said nothing in its time). An edge
that gave no answer (connection refused or reset, a timeout, or its `/healthz` not answering) is skipped for
`down_for_s`, then tried by one request (`services/cooldown.py`; after a timeout its `/healthz` decides whether it is
down or slow); one that answered an error is asked again by the next request (it costs no wait). When no edge answers, the cloud answers directly (if the caller may use
it) in the time left; a cloud that gave no answer is skipped for `cloud_down_for_s` the same way. When nothing can
answer, 503 `no_upstream` naming why, with `Retry-After` the time until the first upstream marked down is tried again
(`down_for_s` when none is), or `x-should-retry: false` when the client's own budget ran out (`Router._unanswered`).
An edge or the cloud that answers 504 `deadline_exceeded` at once (no LLM of its can begin the answer within the time it
was given: `services.llm.PastDeadline`) is neither retried nor marked down, and the time left goes to the next; when
the direct cloud answers so too, so does the gateway (504, `x-should-retry: false`).
Any other 4xx from an edge or the cloud is the request's fault (`services.llm.refused_request`): it is passed on
unchanged, neither retried nor counted as a failure, with a warning line for the cloud's (every error of the direct
cloud call has one, naming it and the status). A request whose `max_tokens` is above what the cloud takes
(`cloud_max_tokens`) is never sent to the direct cloud (`over_cloud_limit`): the edges get the whole budget for it,
and when none answers it is a 400 naming max_tokens and the limit, at once when no edge could be asked.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass

import httpx
from pydantic import ValidationError

from services.cooldown import Cooldown
from services.deadline import Deadline, bounded
from services.health import EdgeState, endpoint_problem, probe_edge
from services.http import RetryLater
from services.llm import CLOUD_MAX_TOKENS_LIMIT, UpstreamError, refused_request, sampling_params, word_pieces
from services.llm_endpoint import EndpointLLM
from services.metrics import ServiceMetrics
from velo.wire import DEADLINE_EXCEEDED, APIError, ErrorDetail, ServeEvent, ServeRequest, ServeResponse, ServeStart, parse_error

log = logging.getLogger("velo.gateway")
CLOUD_MAX_TOKENS = 128
"""max_tokens of a request that gave none, when the gateway asks the cloud directly (an edge's default: its `default_max_tokens`, also 128)."""
_JSON = {"content-type": "application/json"}


def tokens_asked_of_cloud(req: ServeRequest) -> int:
    """The max_tokens the direct cloud is asked for `req` (`CLOUD_MAX_TOKENS` when it gave none): what is sent, and what
    `Router.over_cloud_limit` holds against the cloud's limit."""
    return CLOUD_MAX_TOKENS if req.max_tokens is None else req.max_tokens


class EdgeStream:
    """A streamed answer whose start event has arrived: `events()` gives the rest (deltas, then done or error)."""

    def __init__(self, start: ServeStart, response: httpx.Response | None, lines: AsyncIterator[str] | None, whole: ServeResponse | None = None,
                 url: str = "") -> None:
        self.start, self._response, self._lines, self._whole, self.url = start, response, lines, whole, url
        self.opened = time.monotonic()

    @classmethod
    def of_whole(cls, answer: ServeResponse) -> EdgeStream:
        """A whole answer (the cloud's, when no edge answered) as a stream of word pieces."""
        start = ServeStart(route=answer.route, similarity=answer.similarity, model=answer.model, edge=answer.edge, cache_error=answer.cache_error)
        return cls(start, None, None, answer)

    async def events(self) -> AsyncIterator[ServeEvent]:
        if self._whole is not None:
            for piece in word_pieces(self._whole.answer):
                yield ServeEvent(delta=piece)
            yield ServeEvent(done=self._whole)
            return
        assert self._lines is not None
        try:
            while (event := await _next_event(self._lines)) is not None:
                yield event
                if event.done is not None or event.error is not None:
                    return
            yield ServeEvent(error=ErrorDetail(message=f"edge {self.start.edge} ended its stream early", type="server_error", code="upstream_failed"))
        except (httpx.TransportError, httpx.DecodingError) as err:
            # its own line: the client sees an error event, the request log the stream's start only (svc40 item 3)
            log.warning("edge %s (%s) broke off its stream %.3g s after it started: %s%s", self.start.edge, self.url, time.monotonic() - self.opened,
                        type(err).__name__, " (no piece within the gateway's timeout_s)" if isinstance(err, httpx.ReadTimeout) else f": {err}")
            yield ServeEvent(error=ErrorDetail(message=f"edge {self.start.edge} broke off its stream: {type(err).__name__}", type="server_error",
                                               code="upstream_failed"))
        except ValidationError as err:
            yield ServeEvent(error=ErrorDetail(message=f"edge {self.start.edge} sent an event that is no ServeEvent: {err.errors()[0].get('msg')}",
                                               type="server_error", code="upstream_failed"))
        finally:
            await self.aclose()

    async def aclose(self) -> None:
        if self._response is not None:
            await self._response.aclose()


async def _next_event(lines: AsyncIterator[str]) -> ServeEvent | None:
    """The next `ServeEvent` of a server-sent stream; None at its end."""
    async for line in lines:
        if line.startswith("data:"):
            return ServeEvent.model_validate_json(line[5:].strip())
    return None


@dataclass(frozen=True)
class Served:
    answer: ServeResponse | None
    """The whole answer; None for a streamed one."""
    upstream_ms: float
    """Time spent waiting on edge servers or the cloud (everything else is the gateway's own work); for a stream, until it started."""
    stream: EdgeStream | None = None


class EdgeFailed(Exception):
    """One edge server could not answer (after its retries)."""


class Router:
    """The edges (`edges`, nearest first) and the direct cloud of a gateway, each skipped while marked down
    (`services/cooldown.py`) after they gave no answer: an edge for `down_for_s`, the cloud for `cloud_down_for_s`."""

    def __init__(self, edges: list[str], cloud: EndpointLLM | None, metrics: ServiceMetrics, *, mode: str, timeout_s: float,
                 retries: int, backoff_s: float, down_for_s: float, cloud_down_for_s: float = 30.0, edge_token: str | None = None,
                 cloud_max_tokens: int | None = CLOUD_MAX_TOKENS_LIMIT) -> None:
        self.edges, self.cloud, self.metrics, self.mode = [e.rstrip("/") for e in edges], cloud, metrics, mode
        self.cloud_max_tokens = cloud_max_tokens
        self.retries, self.backoff_s, self.down_for_s = retries, backoff_s, down_for_s
        self.http = httpx.AsyncClient(timeout=timeout_s, limits=httpx.Limits(max_connections=256, max_keepalive_connections=64))
        self.edge_marks = Cooldown("edge", down_for_s, metrics, log, "asking the next edge, then the cloud")
        self.cloud_marks = Cooldown("cloud", cloud_down_for_s, metrics, log, "a request no edge answers gets 503")
        self._serve_urls = {e: httpx.URL(f"{e}/v1/serve") for e in self.edges}  # parsed once, not per request
        self._headers = _JSON | ({"authorization": f"Bearer {edge_token}"} if edge_token else {})  # the edges' internal_token

    async def aclose(self) -> None:
        await self.edge_marks.aclose()
        await self.cloud_marks.aclose()
        await self.http.aclose()
        if self.cloud is not None:
            await self.cloud.aclose()

    def cloud_usable(self, req: ServeRequest) -> bool:
        """The direct cloud could answer `req` after the edges: configured, allowed, not marked down, and `req`'s
        max_tokens within what it takes (`over_cloud_limit`). When it could not, an edge is given the whole budget, not
        half of it: the half kept for a cloud call that would be refused had cut the edge LLM's 2000 tokens at 30 s."""
        return (self.cloud is not None and req.cloud_allowed and not self.cloud_marks.is_down(self.cloud.base_url)
                and self.over_cloud_limit(req) is None)

    def over_cloud_limit(self, req: ServeRequest) -> str | None:
        """Why the direct cloud would refuse `req` for its max_tokens (above `cloud_max_tokens`, the cloud's limit, as the
        edge's `cloud_max_tokens` decides for its own cloud call), else None; None too when no limit is known (the cloud's
        refusal is then relayed)."""
        asked = tokens_asked_of_cloud(req)
        if self.cloud_max_tokens is None or asked <= self.cloud_max_tokens:
            return None
        return f"max_tokens {asked} is more than the cloud takes ({self.cloud_max_tokens})"

    def health_found(self, edges: Mapping[str, EdgeState], cloud_problem: str | None) -> None:
        """What `/healthz` found: an edge that answers no request, and a cloud that does not answer, are marked down as a
        failed call marks them (requests skip them). Within a cool-down a probe changes nothing: its trial stays when
        announced. Once it is over ("trial due") the probe is the trial: one found up is up (`Cooldown.probed_up`), one
        found down cools down again from now (`Cooldown.probed_down`)."""
        for url, found in edges.items():
            self.edge_marks.probed(url, None if found.answers else found.state)
        if self.cloud is not None:
            self.cloud_marks.probed(self.cloud.base_url, cloud_problem)

    async def probe_due(self) -> None:
        """Probe the edges and the cloud whose trial is due, the probe being the trial (`Cooldown.probe_due`): before
        `/metrics` renders `velo_upstreams_down`. Nothing is asked when no trial is due."""
        edges = {url: (lambda url=url: self._edge_answers(url)) for url in self.edges}
        cloud = {} if self.cloud is None else {self.cloud.base_url: lambda: endpoint_problem(self.cloud)}
        await asyncio.gather(self.edge_marks.probe_due(edges), self.cloud_marks.probe_due(cloud))

    def _unanswered(self, message: str, req: ServeRequest, deadline: Deadline, ran_out: bool = False) -> RetryLater:
        """503 `no_upstream` with `message`, and when asking again may help (svc40 item 6: a client's own 30 ms budget had
        been told `Retry-After: 5`, the edges' cool-down, though nothing was marked down). The client's own budget ran out
        (`Deadline.cut`; `ran_out`, or none left): no `Retry-After` but `x-should-retry: false`, since the same request with the same
        budget would fail alike; else the wait until the first upstream this request could use is tried again
        (`soonest_trial`: an edge's or the cloud's cool-down left); else, nothing being marked down (edges that answered
        errors), `down_for_s`."""
        if deadline.cut and (ran_out or deadline.spent()):
            return RetryLater(503, f"{message}; the client's budget ran out (retry with a longer one)", "no_upstream", None)
        wait = self.soonest_trial(cloud=self.cloud is not None and req.cloud_allowed)
        return RetryLater(503, message, "no_upstream", self.down_for_s if wait is None else wait)

    def cooled_edge(self, url: str, found: EdgeState) -> EdgeState:
        """`found` (an edge's `/healthz` as probed), or "cooling down" when it answers it but requests skip it still
        (marked down after it gave one no answer, until its trial: `Cooldown.skipping`, the rule `health.cooled` reads
        for a cloud)."""
        return EdgeState("cooling down", False) if found.answers and self.edge_marks.skipping(url) else found

    def cooldowns(self) -> dict[str, dict]:
        """`/healthz`'s `cooldowns`: each upstream marked down now (edge URLs, `cloud`) and its `Cooldown.report`."""
        found = {url: report for url in self.edges if (report := self.edge_marks.report(url)) is not None}
        if self.cloud is not None and (report := self.cloud_marks.report(self.cloud.base_url)) is not None:
            found["cloud"] = report
        return found

    def soonest_trial(self, cloud: bool = True) -> float | None:
        """Seconds until the first upstream marked down may be called again (its trial; `cloud`: the cloud counts), the
        `Retry-After` of a 503 for want of them; None when none is marked with a known time (a trial out decides at no
        known time; nothing marked: no wait tells when it will answer)."""
        waits = [self.edge_marks.next_trial_in(url) for url in self.edges if self.edge_marks.is_down(url)]
        if cloud and self.cloud is not None and self.cloud_marks.is_down(self.cloud.base_url):
            waits.append(self.cloud_marks.next_trial_in(self.cloud.base_url))
        known = [wait for wait in waits if wait is not None]
        return min(known) if known else None

    async def _edge_answers(self, edge: str) -> str | None:
        """None when `edge`'s `/healthz` answers (it is slow, not down), else its state: the recheck after a timeout."""
        found = await probe_edge(self.http, edge)
        return None if found.answers else found.state

    async def _call_edge(self, edge: str, req: ServeRequest, deadline: Deadline, fallback_after: bool) -> ServeResponse | EdgeStream:
        """One edge's answer; for `req.stream` an `EdgeStream` once the edge's start event arrived (a failure before
        it is retried like any other). Its attempts, retries and back-off share one bound: the time `deadline` leaves,
        half of it when another edge or the cloud could still answer after it (`Deadline.for_call`); each attempt tells
        the edge its time left (`x-velo-timeout-ms`). A quick failure (connection refused, a 5xx) is retried; a timeout
        is not (an edge that said nothing in its time is not asked again within the request). EdgeFailed when it did not
        answer; one that gave no answer at all is marked down (`edge_marks`; after a timeout its `/healthz` decides:
        `Cooldown.failed`)."""
        payload = req.model_dump_json().encode()  # encoded once, by pydantic (cheaper than a dict through json.dumps)
        bound = Deadline.within(deadline.for_call(fallback_after), cut=deadline.cut)
        problem, timed_out, silent, attempts, past_deadline = "no time left in the request's budget", False, False, 0, False
        for attempt in range(self.retries + 1):
            wait = self.backoff_s * 2 ** (attempt - 1) if attempt else 0.0
            if bound.left() - wait <= 0:
                break
            if wait:
                await asyncio.sleep(wait)
            seconds, attempts, response, silent = bound.left(), attempt + 1, None, False
            try:
                async with asyncio.timeout(seconds):
                    request = self.http.build_request("POST", self._serve_urls[edge], content=payload, headers=self._headers | bound.header(seconds))
                    response = await self.http.send(request, stream=True)
                    if response.status_code < 400 and req.stream:
                        lines = response.aiter_lines()
                        first = await _next_event(lines)
                        if first is not None and first.start is not None:
                            self.edge_marks.answered(edge)
                            return EdgeStream(first.start, response, lines, url=edge)
                        problem = f"the stream began without a start event: {first}"
                    else:
                        content = await response.aread()
                        if response.status_code < 400:
                            answer = ServeResponse.model_validate_json(content)  # ValidationError: a failure of that edge, below
                            self.edge_marks.answered(edge)
                            return answer
                        if refused_request(response.status_code):  # the request's fault: any edge would refuse it
                            self.edge_marks.answered(edge)
                            error = parse_error(content) or ErrorDetail(message=content[:300].decode(errors="replace"), type="invalid_request_error")
                            raise APIError(response.status_code, error.message, error.type, error.code, error.param)
                        detail = parse_error(content)  # the edge's own words (what its cloud or LLM sent), not a cut of its JSON
                        problem = f"status {response.status_code}: {detail.message if detail is not None else content[:200].decode(errors='replace')}"
                        past_deadline = detail is not None and detail.code == DEADLINE_EXCEEDED
            except TimeoutError:
                problem, timed_out, silent = f"no answer within {seconds:.1f} s", True, True
            except httpx.TransportError as err:
                problem, timed_out, silent = f"{type(err).__name__}: {err}", isinstance(err, httpx.TimeoutException), True
            except ValidationError as err:
                problem = f"status {response.status_code if response is not None else '-'} with no ServeResponse: {err.errors()[0].get('msg')}"
            except httpx.DecodingError as err:  # it answered, in a body that cannot be decoded: a failure of that edge, not a 500 of ours
                problem = f"status {response.status_code if response is not None else '-'} in a body that cannot be decoded: {err}"
            except BaseException:
                # the client left, or `all` mode's faster edge answered (the edge sees its connection close), or something
                # unforeseen: no verdict, and a trial this call was let through for goes to the next request (it had
                # stayed "trial out", the edge skipped for good, after an exception no branch above judged)
                if response is not None:
                    await response.aclose()
                self.edge_marks.released(edge)
                raise
            if response is not None:
                await response.aclose()
            if past_deadline:  # no LLM of the edge could begin in its time, said at once: not retried, not judged
                self.edge_marks.answered(edge)
                raise EdgeFailed(f"{edge}: {problem}")
            if timed_out and deadline.cut:  # the client's short budget ran out: this request fails, the edge is not judged
                log.warning(deadline.cut_line(f"edge {edge}", seconds))  # its own line: the 503's request line names no upstream (svc40 item 3)
                break
            self.metrics.upstream_failures.labels("edge").inc()
            log.info("edge %s failed (attempt %d of %d): %s", edge, attempt + 1, self.retries + 1, problem)  # the verdict below is the warning
            if timed_out:
                break
        if attempts and not (timed_out and deadline.cut):  # skipped only when it said nothing; an edge that answers an error (its LLMs failing) costs no wait
            problem = f"{problem} (attempt {attempts} of {self.retries + 1})" if attempts > 1 else problem
            self.edge_marks.failed(edge, problem, dead=silent, recheck=(lambda: self._edge_answers(edge)) if timed_out else None)
        else:
            self.edge_marks.released(edge)
        raise EdgeFailed(f"{edge}: {problem}")

    async def serve(self, req: ServeRequest, deadline: Deadline) -> Served:
        """The answer (`Served.answer`), or for `req.stream` its stream (`Served.stream`, started), by `deadline`: edges
        marked down are skipped, and everything (attempts, retries, the direct cloud) comes out of the one budget."""
        t0 = time.perf_counter()
        failures: list[str] = []
        answer: ServeResponse | EdgeStream | None = None
        cloud_after = self.cloud_usable(req)
        if self.mode == "all":
            answer = await self._fastest(req, deadline, failures, cloud_after)
        else:
            for i, edge in enumerate(self.edges):
                if (skipped := self.edge_marks.skipped(edge)) is not None:
                    self.edge_marks.count_skip()
                    failures.append(skipped)
                    continue
                more = cloud_after or any(not self.edge_marks.is_down(e) for e in self.edges[i + 1:])
                try:
                    answer = await self._call_edge(edge, req, deadline, more)
                    break
                except EdgeFailed as err:
                    failures.append(str(err))
        if answer is None:
            answer = await self._cloud_fallback(req, failures, deadline)
            if req.stream:
                answer = EdgeStream.of_whole(answer)
        upstream_ms = (time.perf_counter() - t0) * 1000.0
        if isinstance(answer, EdgeStream):
            return Served(None, upstream_ms, answer)
        return Served(answer, upstream_ms)

    async def _fastest(self, req: ServeRequest, deadline: Deadline, failures: list[str], cloud_after: bool) -> ServeResponse | EdgeStream | None:
        order = []
        for edge in self.edges:
            if (skipped := self.edge_marks.skipped(edge)) is not None:
                self.edge_marks.count_skip()
                failures.append(skipped)
            else:
                order.append(edge)
        tasks = [asyncio.create_task(self._call_edge(edge, req, deadline, cloud_after)) for edge in order]
        winner = None
        try:
            for next_done in asyncio.as_completed(tasks):
                try:
                    winner = await next_done
                    return winner
                except EdgeFailed as err:
                    failures.append(str(err))
            return None
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:  # a slower edge's stream that started meanwhile is closed (that edge stops generating)
                with contextlib.suppress(BaseException):
                    late = await task
                    if isinstance(late, EdgeStream) and late is not winner:
                        await late.aclose()

    async def _cloud_fallback(self, req: ServeRequest, failures: list[str], deadline: Deadline) -> ServeResponse:
        """The cloud's answer when no edge answered, within what `deadline` leaves; 503 `no_upstream` naming why not
        (`_unanswered`)."""
        why = "; ".join(failures) or "no edge server configured"
        if self.cloud is None or not req.cloud_allowed:
            raise self._unanswered(f"no edge server answered ({why}) and the cloud may not be used for this request", req, deadline)
        name = self.cloud.base_url
        if (over := self.over_cloud_limit(req)) is not None:  # not asked: it would refuse (checked before its mark, claiming no trial)
            if deadline.cut and deadline.spent():  # the edges had the client's whole budget: a longer one may let an edge answer
                raise self._unanswered(f"no edge server answered ({why}) and {over}", req, deadline, ran_out=True)
            log.warning("not asking the cloud %s: %s; no edge server answered (%s)", name, over, why)
            raise APIError(400, f"{over} and no edge server answered ({why}): ask for at most {self.cloud_max_tokens}, which the cloud "
                                f"answers, or again when an edge answers", code="invalid_value", param="max_tokens")
        if (skipped := self.cloud_marks.skipped(name)) is not None:
            self.cloud_marks.count_skip()
            raise self._unanswered(f"no edge server answered ({why}) and {skipped}", req, deadline)
        seconds = deadline.for_call(False)
        if seconds <= 0:
            self.cloud_marks.released(name)
            raise self._unanswered(f"no edge server answered ({why}) and the request's time ran out before the cloud could be asked", req, deadline)
        t0 = time.perf_counter()
        try:
            made = await bounded(self.cloud.generate([t.model_dump() for t in req.messages], tokens_asked_of_cloud(req),
                                                      req.stop, sampling_params(req.temperature, req.top_p, req.seed), fields=req.upstream_fields(),
                                                      within_s=seconds),
                                 seconds, name)
        except UpstreamError as err:
            if err.past_deadline:  # it could not begin in the time left: a longer budget or a shorter prompt may be answered
                self.cloud_marks.answered(name)
                log.warning("cloud %s could not begin within %.3g s: %s", name, seconds, err)
                raise RetryLater(504, f"no edge server answered ({why}) and the cloud could not begin within the time left: {err}",
                                 DEADLINE_EXCEEDED, None) from None
            if err.refused:
                self.cloud_marks.answered(name)
                # its own line: a refusal is passed on as the request's fault, and had left no trace in the gateway's log
                log.warning("cloud %s refused the request (status %s), passed on to the client: %s", name, err.status, err)
                raise err.refusal("the cloud LLM") from None
            if err.timed_out and deadline.cut:  # the client's short budget ran out: this request fails, the cloud is not judged
                self.cloud_marks.released(name)
                log.warning(deadline.cut_line(f"cloud {name}", seconds))
                raise self._unanswered(f"no edge server answered ({why}) and the cloud gave no answer within the client's budget: {err}", req,
                                       deadline, ran_out=True) from None
            self.metrics.upstream_failures.labels("cloud").inc()
            cloud = self.cloud
            self.cloud_marks.failed(name, str(err), dead=err.status is None, recheck=(lambda: endpoint_problem(cloud)) if err.timed_out else None)
            raise self._unanswered(f"no edge server answered ({why}) and the cloud failed: {err}", req, deadline) from None
        except BaseException:  # the client left, or an error no branch above judged: no verdict, a trial goes to the next request
            self.cloud_marks.released(name)
            raise
        self.cloud_marks.answered(name)
        log.warning("answered by the cloud directly: %s", why)
        return ServeResponse(
            answer=made.text, route="cloud", similarity=None, latency_ms=round((time.perf_counter() - t0) * 1000.0, 3),
            finish_reason=made.finish_reason, prompt_tokens=made.prompt_tokens, completion_tokens=made.completion_tokens,
            model=made.model, edge="gateway", cache_error="no edge server answered",
        )
