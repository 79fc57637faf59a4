"""What `/healthz` says, found out when it is asked: the edge's cache, its LLM endpoint and its cloud, the gateway's
edges and cloud, each probed at call time (not a flag remembered from the last request), at most `PROBE_S` each.

Edge (`edge_health`): `status` "ok" (nothing down), "degraded" (something down, but the edge still answers: a
request its cache does not hold goes to its LLM or the cloud, or only hits are answered when both LLMs are down) or
"unavailable" (HTTP 503: cache, LLM and cloud all down, the edge answers nothing); `down` lists what is down, of
`cache` (Milvus does not answer, or the edge is reconnecting: `EdgeServer.reopen_forever`), `llm` (an endpoint LLM,
`VELO_EDGE_LLM` a URL; the in-process SmolLM2 is never down) and `cloud`; `problems` says why for each. A cloud found
down is marked down, as a failed Milvus ping marks the cache: requests skip it for `cloud_down_for_s`
(`services/cooldown.py`). A probe that finds it up lifts no mark during its cool-down: `GET /v1/models` answering says
nothing of its chat completions (a cloud service whose upstream hangs answers it), so a trial request does that;
meanwhile its state is `cooling down` (`cooled`), in `down`, and `cooldowns` says why, since when and when its trial is
(`Cooldown.report`). Once the cool-down is over ("trial due"), a probe that finds it up is its trial and lifts the mark
(`Cooldown.probed_up`), as the probe after a timeout does: an upstream no request needed had stayed in `cooldowns` for good.

Gateway (`gateway_status`): each edge's state as its own `/healthz` gave it (`up`; `cache down`, `cloud down`, ... for
an edge answering without them; `unavailable`; `down` when it did not answer; `status N`; `cooling down` when it answers
but requests skip it until its trial), the cloud's (`up`, `down`, `cooling down`, or None without one), and `status` "ok" (every edge and the cloud up), "degraded" (something is not, but an
edge or the cloud answers) or "unavailable" (503: no edge answers and no cloud).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

import httpx

from services.cooldown import Cooldown
from services.llm_endpoint import EndpointLLM

if TYPE_CHECKING:
    from services.edge_serving import EdgeServer

PROBE_S = 1.5
"""Longest wait for one probe (Milvus, an LLM endpoint); the gateway waits `EDGE_PROBE_S` for an edge's whole health."""
EDGE_PROBE_S = PROBE_S + 1.5


async def cache_problem(edge: EdgeServer) -> str | None:
    """None when the edge's Milvus answers now; else why not. A ping that fails marks the cache down as a failed lookup
    does (`EdgeServer.cache_call`: logged, counted, reopened in the background), so requests stop waiting on it. The
    ping waits for the cache's lock and for Milvus as a request does (the cache's `timeout_s`, the ping at most
    `PROBE_S`); the health answers within `PROBE_S + 0.5` s whatever they take (the gateway waits `EDGE_PROBE_S`)."""
    bound = edge.cache.config.timeout_s
    ping_s = PROBE_S if bound is None else min(bound, PROBE_S)
    try:
        await asyncio.wait_for(edge.cache_call("ping", lambda: edge.cache.ping(ping_s)), PROBE_S + 0.5)
    except TimeoutError:  # the lock and then the ping took their whole bounds: the worker still marks a hung Milvus down
        return f"no answer from the cache within {PROBE_S + 0.5:g} s (Milvus hangs, or the cache is that busy)"
    except (ConnectionError, ValueError) as err:
        return str(err)[:300]
    return None


async def edge_health(edge: EdgeServer) -> tuple[dict, int]:
    """The edge's `/healthz` body (without its identity and queue) and HTTP status, its cache, LLM endpoint and cloud
    probed at once."""
    llm = edge.llm if isinstance(edge.llm, EndpointLLM) else None
    cloud = edge.cloud if isinstance(edge.cloud, EndpointLLM) else None
    cache, llm_why, cloud_why = await asyncio.gather(cache_problem(edge), endpoint_problem(llm), endpoint_problem(cloud))
    cooling: dict[str, dict] = {}
    cloud_state = None
    if cloud is not None:
        # down: requests stop waiting on it (`services/cooldown.py`); up: its trial, once its cool-down is over (no
        # request may come to call it: a cache that answers them all)
        edge.clouds.probed(edge.cloud_name, cloud_why)
        cloud_state, cloud_why = cooled(edge.clouds, edge.cloud_name, cloud_why)
        if (report := edge.clouds.report(edge.cloud_name)) is not None:
            cooling["cloud"] = report
    problems = {name: why for name, why in (("cache", cache), ("llm", llm_why), ("cloud", cloud_why)) if why is not None}
    answers = cache is None or llm_why is None or (cloud is not None and cloud_why is None)
    status = "ok" if not problems else "degraded" if answers else "unavailable"
    body = {"status": status, "cache": _state(cache), "llm": "local" if llm is None else _state(llm_why), "cloud": cloud_state,
            "down": list(problems), "problems": problems, "cooldowns": cooling}
    return body, 200 if answers else 503


async def probe_due_cloud(edge: EdgeServer) -> None:
    """Probe the edge's cloud endpoint when its trial is due, the probe being its trial (`Cooldown.probe_due`): before
    the edge's `/metrics` renders `velo_upstreams_down`. Nothing is asked otherwise."""
    cloud = edge.cloud if isinstance(edge.cloud, EndpointLLM) else None
    if cloud is not None:
        await edge.clouds.probe_due({edge.cloud_name: lambda: endpoint_problem(cloud)})


def cooled(marks: Cooldown, name: str, problem: str | None) -> tuple[str, str | None]:
    """An upstream's `/healthz` state and problem from its probe's `problem` (None: it answered) and its down mark: "up"
    (no mark, or its cool-down over: the next request calls it, a trial); "down" when the probe failed; "cooling down"
    when it answered but requests skip it still (in its cool-down, or while a trial request is out: `Cooldown.note` says
    since when and when the next trial is). The probe alone had said "up" for a cloud requests were skipping (svc40
    item 2): one back on its port before its cool-down ended."""
    if problem is not None:
        return "down", problem
    if not marks.skipping(name):  # up, or its trial due: the next request calls it, as up as a probe can tell
        return "up", None
    return "cooling down", marks.note(name)


async def endpoint_problem(llm: EndpointLLM | None) -> str | None:
    """`llm.probe(PROBE_S)`: None when the endpoint answers now, else why not; None without an endpoint (nothing to ask)."""
    return None if llm is None else await llm.probe(PROBE_S)


def _state(problem: str | None) -> str:
    return "up" if problem is None else "down"


class EdgeState(NamedTuple):
    """An edge as the gateway found it: `state` for `/healthz`, and whether it answers requests at all."""

    state: str
    answers: bool


async def probe_edge(http: httpx.AsyncClient, edge: str) -> EdgeState:
    """An edge's state from its `/healthz`: `up`; what it is down, as `cache down` or `cache, cloud down`, when it answers
    without them; `unavailable` (its 503: nothing of it answers); `down` when it did not answer; `status N` otherwise.
    A 200 that is no edge's JSON is `up`: it is all the server says."""
    try:
        response = await http.get(f"{edge}/healthz", timeout=EDGE_PROBE_S)
    except httpx.TransportError:
        return EdgeState("down", False)
    try:
        body = response.json()
        down = body.get("down") if isinstance(body, dict) else None
    except ValueError:
        down = None
    if response.status_code == 503 and isinstance(down, list):
        return EdgeState("unavailable", False)
    if response.status_code != 200:
        return EdgeState(f"status {response.status_code}", False)
    if isinstance(down, list) and down:
        return EdgeState(f"{', '.join(map(str, down))} down", True)
    if isinstance(body, dict) and body.get("cache") == "down":  # an edge of before the `down` list
        return EdgeState("cache down", True)
    return EdgeState("up", True)


def gateway_status(edges: Sequence[EdgeState], cloud: str | None) -> str:
    """"ok": every edge is up with everything it uses, and the cloud (if any) answers; "degraded": something is not, but
    an edge or the cloud answers requests; "unavailable" (served with 503, so a load balancer takes the gateway out): no
    edge answers and no cloud does (none configured, or not answering). An edge whose Milvus is down answers without
    its cache: "degraded", not "ok" (nc17 finding 19); a cloud that does not answer leaves the gateway without its
    fallback: "degraded" too."""
    if all(edge.state == "up" for edge in edges) and cloud in (None, "up") and (edges or cloud == "up"):
        return "ok"
    return "degraded" if any(edge.answers for edge in edges) or cloud == "up" else "unavailable"


def down_list(edges: Mapping[str, EdgeState], cloud: str | None) -> list[str]:
    """What of the gateway's upstreams answers no request: edge URLs (no answer, `unavailable`, another status), then
    `cloud`. An edge that answers without a part of it (`cache down`, ...) is degraded, not down (nc31: a monitor
    reading `down` paged for an edge that was serving): `degraded_list`."""
    return [url for url, edge in edges.items() if not edge.answers] + (["cloud"] if cloud not in (None, "up") else [])


def degraded_list(edges: Mapping[str, EdgeState]) -> list[str]:
    """The edge URLs that answer requests without a part of them (their state says what: `cache down`, ...)."""
    return [url for url, edge in edges.items() if edge.answers and edge.state != "up"]
