"""VELO edge-cloud environment, version 1: v0 under named scenarios where the scheduling decision matters.

| | |
|---|---|
| import | `from envs import velo_edge_v1; env = velo_edge_v1.parallel_env(scenario="burst")` |
| API | PettingZoo `ParallelEnv` (as v0) |
| agents | `edge_0 .. edge_{N-1}` (N from the scenario unless given) |
| action | `Discrete(4)`: 0 CACHE, 1 EDGE, 2 CLOUD, 3 CLOUD_CONTEXT, with `action_mask` (as v0: CACHE only above the hit rule's `cache_min_score`) |
| observation | v0's layout (`velo.observation`, `velo.obs/3`), whose `system` block v1 fills completely: recent cloud failures and 429s, the API's remaining budget at the last response, cloud calls in flight, the backhaul state at the last probe, the request's length |
| state | every agent's observation, episode progress, cloud slots busy, then what only the simulator knows: each edge's true link state (0 good, 1 degraded, 2 down) and the rate-limit bucket's level |
| reward | per agent, the satisfaction of its request (`velo.satisfaction`); an abandoned or failed request scores `-w_cost * cost / cost_ref` (see below) |

The scenarios (`envs.scenarios`: calm, paper, paper-all, burst, flaky-backhaul, lookalike, multilingual-edge)
set the workload and the conditions below; each number's source is in that module.

**Offload** (the VELO paper's two evaluation modes): `nearest`, each request goes to its own edge (v0);
`all`, every request is offered to every edge at once (one stream at the deployment's total rate), each
agent serves it its own way, and the user keeps the answer whose first token comes first; all agents are
rewarded with that answer's satisfaction less the cloud spend of every edge (`step`). The oracle's
`action_outcomes` still scores each edge's own answer, not the kept one.

A cloud call (CLOUD or CLOUD_CONTEXT) leaves the edge after the cache lookup and, per attempt:
* over a **down** link, fails after the client's connect timeout (5 s);
* over a **degraded** link, pays 5x the round trip and a tenth of the bandwidth;
* with a **rate limit**, is refused (429) one round trip later when the deployment's token bucket is empty;
* otherwise queues at the cloud's slots and is answered as in v0.
A failed attempt is retried after the `openai` client's back-off (at most 2 retries, 0.5 s doubling, less
0-25 % jitter, drawn at reset so outcomes are deterministic). After the last failure the edge server
answers itself: with its LLM if the queue has room at that moment, else with its best cached neighbour,
else the request fails (quality 0).

**Patience** (scenarios other than `calm`): a request whose first token comes after the user's patience
(10 s) is *abandoned*: the user left, so neither its quality nor its latency counts, but the cloud spend
does (the server cannot know): satisfaction = `-w_cost * cost / cost_ref`. A failed request scores the
same. This is a failure, not "a bit less satisfying": it is what separates a minute-long queue from a
slow answer. First token: CACHE after the lookup; EDGE when its prefill ends; cloud after the slot's time
to first token plus half the round trip.

**Oracle** (`action_outcomes(agent)`, used by `agents.baselines.OraclePolicy`): when a step begins, for the
agent's current request, the satisfaction each allowed action would get, computed without acting on a
state that holds every request of earlier steps. It knows what no causal policy knows: the true quality of
the cached and the edge answer, the round-trip jitter, retry waits and link states drawn for this request.
It is greedy per request: each agent takes its own argmax at once, blind to (a) the requests of other edges
in the same step that arrive before its own and are served first (they may take the cloud slots or
rate-limit tokens it counted on) and (b) what its choice does to later requests (queues, the rate-limit
bucket, what gets cached). So it is a reference, not an upper bound: a policy that spares the rate limit or
the edge queue for later requests can beat it, and the headroom it gives is no bound either way. A
look-ahead oracle (each action followed by a default policy for H steps on copies of the environment) would
cost about 4 x H x N full-environment steps per decision; it is not provided (see the README).

**Data without the edge LLM's answers** (e.g. the train split of the shared oasst1 data): every scenario
but `calm` refuses it, since EDGE is a real choice there, unless `edge_action=False`, which takes EDGE out
of every action mask. The edge server still falls back to its LLM after a failed cloud call, and that
answer is then scored with the stand-in `edge_quality_fallback`: the one number of such an environment
that is not measured. It serves to tune rules that never pick EDGE (Greedy, `agents.headroom`), whose
actions it does not change; only the fallbacks' score depends on the stand-in.

Arguments: `scenario` (a name or a `Scenario`), `edge_action` (default True: EDGE is offered), then any
`EdgeEnvConfig` field of v0 (n_edges, max_steps, top_v, data_dir, split, cache and profile settings,
weights); `workload` overrides the scenario's.
Paraphrase sources default to every one there is (`envs.bank.all_paraphrase_files`).

Version history:
* v1 -- scenarios; cloud rate limit with client retries, backhaul link states, abandonment, edge
  fallback after a failed cloud call, the observation's system block filled, look-alike and
  reworded-only workloads, bursty arrivals. Calm keeps v0's workload, cloud and scoring.
* v1, `edge_action=False` (default unchanged): environments over data without edge answers, for tuning
  rules that never pick EDGE on the train split.
* v1, CACHE floor (ACTION MASK CHANGE, as v0's): CACHE is masked when the hit rule scores the best neighbour below
  `cache_min_score` (default 0.5; 0: the mask before), as the live edge server masks it.
* v1, `state()` before `reset` (as v0's, id kept): raises `ResetNeeded` naming `state()` and "call reset() first"; it
  had returned zeros.
* v1, written look-alikes (WORKLOAD CHANGE, bank format 18, id kept: the spaces are unchanged): the team's written
  look-alikes of the split's questions are requests (`envs.bank`: each an item of its own whose cached neighbour's
  answer is wrong; `envs.workload.WorkloadConfig.p_written_lookalike`): 60 % of new requests in `lookalike`
  (first drafted at 37.8 % in every scenario but `calm`; narrowed to `lookalike`, whose workload is look-alikes,
  so that `paper` keeps the papers' similar / new mix: `envs.scenarios` says why). They count as new requests, flagged `lookalike` like the mined ones. Before, a wrong cached
  neighbour one word from the request was almost never met, so
  the learners never saw a high hit-rule score on a wrong answer; the shipped DLRS served "What is the capital
  of Australia?" France's capital live. The other scenarios draw as before; policies trained before it should be retrained.
"""

from __future__ import annotations

import heapq
from dataclasses import replace

import numpy as np
from gymnasium import spaces

from envs.bank import RequestBank, all_paraphrase_files, build_bank
from envs.conditions import DEGRADED, DOWN, LinkTimeline, RateLimit, draw_link_timeline
from envs.scenarios import Scenario, get_scenario
from envs.edge_config import EdgeEnvConfig, config_with
from envs.velo_edge_v0 import CACHE, EDGE, VeloEdgeEnv
from envs.workload import Stream, generate
from velo.observation import SystemLoad
from velo.paths import prepared_dir
from velo.progress import Steps
from velo.satisfaction import satisfaction

ENV_ID = "velo_edge_v1"
_EMA = 0.2


def parallel_env(
    scenario: str | Scenario = "calm", bank: RequestBank | None = None, edge_action: bool = True, steps: Steps | None = None, **config
) -> VeloEdgeEnvV1:
    """Build the environment for `scenario`; keyword arguments are v0's `EdgeEnvConfig` fields.

    `edge_action=False` never offers EDGE (it is 0 in every `action_mask`): for data without the edge LLM's
    answers, e.g. to tune a rule that never picks EDGE on the train split (see the module docstring). A request bank
    built for it (none given, none cached: `envs.bank.build_bank`) reports to `steps`."""
    scenario = get_scenario(scenario) if isinstance(scenario, str) else scenario
    if not isinstance(scenario, Scenario):
        raise TypeError(f"scenario must be a scenario name or a Scenario, got {type(scenario).__name__}")
    config.setdefault("n_edges", scenario.n_edges)
    config.setdefault("workload", scenario.workload)
    config.setdefault("paraphrase_files", tuple(all_paraphrase_files()))
    return VeloEdgeEnvV1(config_with(config), scenario, bank, edge_action, steps)


class VeloEdgeEnvV1(VeloEdgeEnv):
    metadata = {"name": ENV_ID, "render_modes": [], "is_parallelizable": True}

    def __init__(
        self, config: EdgeEnvConfig, scenario: Scenario, bank: RequestBank | None = None, edge_action: bool = True,
        steps: Steps | None = None,
    ) -> None:
        if not isinstance(edge_action, (bool, np.bool_)):
            raise TypeError(f"edge_action must be a bool, got {edge_action!r}")
        bank = bank or build_bank(
            config.data_dir or prepared_dir(), config.split,
            list(config.paraphrase_files) if config.paraphrase_files is not None else None,
            edge_quality_fallback=config.edge_quality_fallback, steps=steps,
        )
        if scenario.name != "calm" and edge_action and not bank.edge_answers_real:
            raise ValueError(
                f"scenario {scenario.name!r} needs the edge LLM's real answers to every request it can draw (EDGE is a "
                f"real choice there), but {config.data_dir or prepared_dir()} (split {config.split!r}) has none for "
                f"some pairs: run `velo data edge-answers`, or pass edge_action=False to never offer EDGE (then only "
                f"the edge fallback after a failed cloud call uses the edge LLM, scored with the stand-in quality "
                f"edge_quality_fallback={config.edge_quality_fallback}), or use scenario 'calm'"
            )
        super().__init__(config, bank)
        self.scenario = scenario
        self.edge_action = bool(edge_action)
        self._text_is_original = [bool(o) for o in self.bank.text_is_original.tolist()]
        if not self.edge_action:
            self._masks = {key: np.array([m[0], 0, m[2], m[3]], np.int8) for key, m in self._masks.items()}
        self._conditions_ready = False
        self._probe_ms = scenario.backhaul.probe_interval_ms if scenario.backhaul else 1.0
        self.state_space = spaces.Box(
            -np.inf, np.inf, (config.n_edges * self.layout.size + 2 + config.n_edges + 1,), np.float32
        )

    # ------------------------------------------------------------------ episode
    def reset(self, seed: int | None = None, options: dict | None = None):
        self._conditions_ready = False
        obs, infos = super().reset(seed, options)  # draws the workload first: calm's stream is v0's
        n, steps, sc = self.config.n_edges, self.config.max_steps, self.scenario
        rng = self._np_random
        horizon = float(self.stream.time_ms.max()) + 600_000.0
        self.links = [draw_link_timeline(sc.backhaul, horizon, rng) if sc.backhaul else LinkTimeline() for _ in range(n)]
        self.rate_limit = RateLimit(sc.rate_limit) if sc.rate_limit else None
        self._retry_u = rng.random((n, steps, max(1, sc.retry.max_retries))).tolist()
        self.cloud_failures = [0.0] * n
        self.rate_limited = [0.0] * n
        self.rate_remaining = [1.0] * n
        self.cloud_done: list[list[float]] = [[] for _ in range(n)]
        self._stream_lookalike = self.stream.lookalike.tolist() if self.stream.lookalike is not None else None
        self._conditions_ready = True
        return {a: self._observation(e) for e, a in enumerate(self.agents)}, infos

    def _generate_stream(self) -> Stream:
        """`nearest`: each edge its own requests. `all`: one stream at the deployment's total rate, every
        request offered to every edge (the same text at the same time at each)."""
        if self.scenario.offload == "nearest":
            return super()._generate_stream()
        cfg = self.config
        rates = cfg.workload.rates(cfg.n_edges)
        workload = replace(cfg.workload, arrival_rate_per_s=float(rates.sum()), locality=0.0)
        one = generate(self.bank, 1, cfg.max_steps, workload, self._np_random)
        return Stream(*(None if a is None else np.repeat(a, cfg.n_edges, axis=0) for a in (
            one.text, one.time_ms, one.similar, one.jitter, one.lookalike, one.burst)))

    def step(self, actions: dict):
        """As v0; with `all` offload, every edge serves the same request and the user keeps the answer whose
        first token comes first (of those not abandoned). Every agent is rewarded with that answer's
        satisfaction, less the cloud spend of all edges (each served it). Records keep each edge's own
        outcome under `own_satisfaction` and mark the kept one (`kept`); `agents.evaluation` counts kept
        answers only, one per request."""
        n_before = len(self.records)
        obs, rewards, terminations, truncations, infos = super().step(actions)
        if self.scenario.offload == "nearest":
            return obs, rewards, terminations, truncations, infos
        served = self.records[n_before:]
        answered = [r for r in served if not r["abandoned"]]
        kept = min(answered or served, key=lambda r: r["first_token_ms"])
        cost = sum(r["cost_usd"] for r in served)
        w = self.config.weights
        shared = (satisfaction(kept["quality"], kept["latency_ms"], cost, w) if answered
                  else -w.cost * cost / w.cost_ref_usd)
        for r in served:
            r["own_satisfaction"], r["satisfaction"], r["kept"] = r["satisfaction"], shared, r is kept
            rewards[r["agent"]] = shared
        return obs, rewards, terminations, truncations, infos

    def _system_load(self, e: int) -> SystemLoad:
        if not self._conditions_ready:  # during v0's reset, before the episode's conditions exist
            return super()._system_load(e)
        cur, cache = self._current[e], self.caches[e]
        now = cur["now"]
        inflight = self.cloud_done[e]
        while inflight and inflight[0] <= now:
            heapq.heappop(inflight)
        probe = self._probe_ms
        return SystemLoad(  # v0's five fields, then v1's
            len(self.edge_jobs[e]), self.config.edge_queue_capacity, self._edge_start(e, now)[0] - now,
            self.cloud_latency_ema[e], len(cache) / cache.config.capacity,
            self.cloud_failures[e], self.rate_limited[e], self.rate_remaining[e], len(inflight),
            self.links[e].state_at(probe * (now // probe)), self._question_tokens[cur["item"]],
        )

    def _info(self, e: int) -> dict:
        info = super()._info(e)
        if getattr(self, "_stream_lookalike", None) is not None:
            info["lookalike"] = self._stream_lookalike[e][self.step_index]
        return info

    # ------------------------------------------------------------------ serving
    def _outcome(self, e: int, action: int, commit: bool) -> dict:
        cur = self._current[e]
        now = cur["now"]
        if action == CACHE:
            out = super()._outcome(e, action, commit)
            out["first_token_ms"] = self.cache_ms
        elif action == EDGE:
            start = self._edge_start(e, now + self.cache_ms)[0]
            out = super()._outcome(e, action, commit)
            out["first_token_ms"] = start + self._edge_prefill_ms(e) - now
        else:
            out = self._cloud_outcome(e, action, commit)
        t = cur["t"]
        out["item"], out["text"] = cur["item"], t
        out["verbatim"] = bool(self._similar[e][self.step_index] and self._text_is_original[t])
        out["lookalike"] = bool(self._stream_lookalike[e][self.step_index]) if self._stream_lookalike else False
        return self._score(out)

    def _edge_prefill_ms(self, e: int) -> float:
        return self.edge.service_ms(self._question_tokens[self._current[e]["item"]], 1.0)

    def _cloud_outcome(self, e: int, action: int, commit: bool) -> dict:
        cloud, sc = self.cloud, self.scenario
        now, k = self._current[e]["now"], self.step_index
        prompt, output = self._cloud_tokens(e, action)
        rtt0 = max(0.0, cloud.rtt_ms + cloud.rtt_jitter_ms * self._jitter[e][k])
        transfer = cloud.network_ms(prompt, output) - cloud.rtt_ms
        t = now + self.cache_ms
        refused = 0
        for attempt in range(sc.retry.max_retries + 1):
            link = self.links[e].state_at(t)
            if link == DOWN:
                t += sc.retry.connect_timeout_ms
            else:
                factor = (sc.backhaul.degraded_rtt_factor, 1.0 / sc.backhaul.degraded_bandwidth_factor) if link == DEGRADED else (1.0, 1.0)
                net = rtt0 * factor[0] + transfer * factor[1]
                arrive = t + net / 2
                if self.rate_limit is not None and not self.rate_limit.try_acquire(arrive, commit):
                    refused += 1
                    t = arrive + net / 2
                else:
                    return self._cloud_answer(e, action, prompt, output, arrive, net, refused, commit)
            if attempt < sc.retry.max_retries:
                t += sc.retry.delay_ms(attempt, self._retry_u[e][k][attempt])
        return self._fallback(e, action, t, refused, commit)

    def _cloud_answer(
        self, e: int, action: int, prompt: float, output: float, arrive: float, net: float, refused: int, commit: bool
    ) -> dict:
        cur, cloud = self._current[e], self.cloud
        item, now = cur["item"], cur["now"]
        start = max(arrive, self.cloud_free_ms[0])
        done = start + cloud.service_ms(prompt, output)
        latency = done + net / 2 - now
        out = {"action": action, "hit_correct": None, "cost_usd": cloud.cost_usd(prompt, output), "latency_ms": latency,
               "quality": 1.0, "first_token_ms": start + cloud.ttft_ms + net / 2 - now, "cloud_failed": False,
               "refused": refused, "fallback": None}
        if commit:
            heapq.heapreplace(self.cloud_free_ms, done)
            self.cloud_latency_ema[e] = (1 - _EMA) * self.cloud_latency_ema[e] + _EMA * latency
            self.cloud_failures[e] *= 1 - _EMA
            self._note_attempts(e, refused, accepted=True)
            if self.rate_limit is not None:
                self.rate_remaining[e] = self.rate_limit.remaining(arrive)
            heapq.heappush(self.cloud_done[e], now + latency)
            heapq.heappush(self.pending[e], (now + latency, self._key(item), cur["t"], 2 * item, 0))
        return out

    def _note_attempts(self, e: int, refused: int, accepted: bool) -> None:
        for _ in range(refused):
            self.rate_limited[e] = (1 - _EMA) * self.rate_limited[e] + _EMA
        if accepted:
            self.rate_limited[e] *= 1 - _EMA

    def _fallback(self, e: int, action: int, t: float, refused: int, commit: bool) -> dict:
        """The cloud call failed at time t (ms): the edge server answers itself if it can."""
        cur = self._current[e]
        item, now = cur["item"], cur["now"]
        out = {"action": action, "hit_correct": None, "cost_usd": 0.0, "cloud_failed": True, "refused": refused}
        busy = sum(1 for done in self.edge_jobs[e] if done > t)
        if busy < self.config.edge_queue_capacity:
            start, done = self._edge_job(e, t, commit)
            out.update(latency_ms=done - now, quality=self._edge_quality[item], fallback="edge",
                       first_token_ms=start + self._edge_prefill_ms(e) - now)
        elif cur["slots"].size:
            right, quality = self._cached_answer(e, int(cur["slots"][0]))
            out.update(latency_ms=t - now, quality=quality, hit_correct=right, fallback="cache", first_token_ms=t - now)
        else:
            out.update(latency_ms=t - now, quality=0.0, fallback="none", first_token_ms=float("inf"))
        if commit:
            self.cloud_failures[e] = (1 - _EMA) * self.cloud_failures[e] + _EMA
            self._note_attempts(e, refused, accepted=False)
            if self.rate_limit is not None and refused:
                self.rate_remaining[e] = self.rate_limit.remaining(t)
        return out

    def _score(self, out: dict) -> dict:
        out.setdefault("cloud_failed", False)
        out.setdefault("refused", 0)
        out.setdefault("fallback", None)
        patience = self.scenario.patience
        abandoned = out.get("fallback") == "none" or (patience is not None and patience.abandoned(out["first_token_ms"]))
        out["abandoned"] = abandoned
        w = self.config.weights
        out["satisfaction"] = (
            -w.cost * out["cost_usd"] / w.cost_ref_usd if abandoned
            else satisfaction(out["quality"], out["latency_ms"], out["cost_usd"], w)
        )
        return out

    def state(self) -> np.ndarray:
        base = super().state()
        if not self.agents:
            return np.zeros(self.state_space.shape, np.float32)
        now = max(c["now"] for c in self._current)
        links = [float(tl.state_at(now)) for tl in self.links]
        bucket = self.rate_limit.remaining(now) if self.rate_limit is not None else 1.0
        return np.concatenate([base, np.array(links + [bucket], np.float32)])

    def with_config(self, **changes) -> VeloEdgeEnvV1:
        """The same bank and scenario under another configuration."""
        return VeloEdgeEnvV1(config_with(changes, self.config), self.scenario, self.bank, self.edge_action)

    def with_scenario(self, scenario: str | Scenario, **changes) -> VeloEdgeEnvV1:
        """The same bank under another scenario (its workload and edge count unless `changes` say otherwise)."""
        scenario = get_scenario(scenario) if isinstance(scenario, str) else scenario
        changes.setdefault("n_edges", scenario.n_edges)
        changes.setdefault("workload", scenario.workload)
        return VeloEdgeEnvV1(config_with(changes, self.config), scenario, self.bank, self.edge_action)


__all__ = ["ENV_ID", "VeloEdgeEnvV1", "parallel_env"]
