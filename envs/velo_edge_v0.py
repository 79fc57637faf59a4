"""VELO edge-cloud environment, version 0: N edge servers with semantic caches schedule LLM requests.

| | |
|---|---|
| import | `from envs import velo_edge_v0; env = velo_edge_v0.parallel_env(n_edges=3)` |
| API | PettingZoo `ParallelEnv` |
| agents | `edge_0 .. edge_{N-1}`, one scheduling agent per edge server |
| action | `Discrete(4)`: 0 CACHE (serve the best cached answer), 1 EDGE (the edge's own LLM), 2 CLOUD, 3 CLOUD_CONTEXT (cloud, with the top cached neighbours as context) |
| observation | `Dict(observation=Box(-inf, inf, (L,), float32), action_mask=Box(0, 1, (4,), int8))`, L = `ObservationLayout(dim, top_v).size` (462 for e5 and V=10); layout in `velo.observation` (`velo.obs/3`: v0 leaves the system block's rate-limit, failure, backhaul and request-length fields at their neutral values) |
| state | `Box(-inf, inf, (N * L + 2,), float32)`: every agent's observation, then episode progress and cloud queue load |
| reward | per agent, the satisfaction of its request: `w_q * quality + w_l / (1 + latency_ms / half_ms) - w_c * cost / cost_ref` (`velo.satisfaction`) |

Each step, every edge receives its next request (arrival times from the workload's Poisson processes) and
its agent picks an action. Requests are then served in arrival order:

* the cache lookup (embed + search + decide) is paid by every request, from the measured profile;
* CACHE serves the best neighbour's answer: quality = rescaled similarity of that answer to the request's
  reference answer; masked when no neighbour exists or the hit rule scores the best one below `cache_min_score`
  (0.5; `velo.policy.cache_servable`, the live edge server's mask);
* EDGE queues at the edge's single LLM (prefill + decode from the measured SmolLM2 profile, or an
  EdgeShard plan; with a batched profile, opt-in, it joins the running batch: `_edge_start`); quality
  is that of the edge LLM's real answer (`velo data edge-answers`) or, when
  none was generated, `edge_quality_fallback`; masked when the edge queue is full;
* CLOUD and CLOUD_CONTEXT cross the network and queue at the cloud's parallel slots (documented profile);
  their answer is the reference (quality 1) and costs tokens; CLOUD_CONTEXT sends `context_neighbours`
  cached Q/A pairs along and generates less when a cached answer is reusable; masked when no neighbour.
LLM answers are written back into the edge's cache when they complete (capacity, eviction, TTL apply).
A masked action (in range, but 0 in the agent's `action_mask`) is not an error: the request is served by
CLOUD and flagged in `infos[agent]["outcome"]["invalid_action"]` (`agents.evaluation` counts them).

Arguments: see `EdgeEnvConfig` (`envs/edge_config.py`: n_edges, max_steps, top_v, data_dir, split, workload, cache, queue and
profile settings, satisfaction weights). Same seed, same episode.

Input contract: `step`, `reset` and the constructor check every input before anything changes, so a rejected
call leaves the episode exactly as it was (retrying it serves no request twice). Errors are `ValueError` (a
wrong value) or `TypeError` (a wrong type) and name the agent or field and what is allowed:

| call | accepted | raises |
|---|---|---|
| `step(actions)` | a mapping with exactly the live agents (`env.agents`) as keys; each action an integer in 0..3: `int`, numpy integer scalar or 0-d integer array (what `operator.index` takes), not `bool` | missing, unknown or extra agents, actions out of range: `ValueError`; a non-mapping, `bool`, float (even 2.0), `None`, `str`, an array of another shape: `TypeError` |
| `step`, `action_outcomes` | while an episode runs | before the first `reset` or after the last step: `ResetNeeded` (a `ValueError`; also gymnasium's `ResetNeeded`) |
| `state()` | after the first `reset` (after the last step: zeros, as the final observations) | before the first `reset`: `ResetNeeded` naming `state()` |
| `action_outcomes(agent)` | a live agent | any other name: `ValueError` |
| `reset(seed, options)` | `seed`: `None` or an integer >= 0, of any size (numpy's `SeedSequence` takes them all); `options`: `None` or a mapping | a negative seed: `ValueError`; a seed that is no integer (`bool`, float, `str`, sequence): `TypeError`; `options` no mapping: `TypeError` |
| `parallel_env(**config)`, `with_config` | `EdgeEnvConfig` fields (`workload`, `weights` may be dicts) | unknown names: `TypeError` listing the allowed ones; values out of range or of the wrong type: see `EdgeEnvConfig.__post_init__` |

The environment reads no reset options: keys in `options` are ignored with a `UserWarning` naming them, not
rejected, because PettingZoo's `parallel_api_test` calls `reset(seed=0, options={"options": 1})`.

Version history:
* v0 -- first release.
* v0, input checks (behaviour on valid input unchanged, so the id stays v0): invalid calls raise before any
  state changes. Before, a missing agent raised `KeyError` after the agents ahead of it in arrival order were
  served; an out-of-range action (-1, 7) was served by CLOUD and flagged like a masked one, and now raises
  `ValueError`; other types were cast with `int()` (2.7 became 2, "2" 2, True 1, `array([2])` 2), and now
  raise `TypeError`; `step` before `reset` raised `AttributeError` and `step` after the episode ended was
  silently accepted, both now raise `ResetNeeded`; seeds other than a non-negative integer or `None`
  (sequences, generators) and non-mapping options are rejected; the configuration is checked field by field
  at construction (cache size, eviction, TTL, split, arrival rates per edge, profiles), where some errors
  used to surface only at `reset`, after it had started changing the episode, or deep inside `step`.
* v0, CACHE floor (ACTION MASK CHANGE, id kept: the spaces are unchanged): CACHE is masked when the hit rule scores
  the best neighbour below `cache_min_score` (default 0.5, `velo.policy.CACHE_MIN_SCORE`), as the live edge server
  masks it since commit 60f7efa; before, CACHE was offered whenever a neighbour existed, so policies were trained and
  evaluated under a mask serving no longer used. `cache_min_score=0` restores the old mask. Rewards of a policy that
  served low-score neighbours change; policies trained before it should be retrained.
* v0, `state()` before `reset` (contract only, id kept): raises `ResetNeeded` ("state() before reset(): call reset()
  first"), as `step` does; it had returned zeros, which a critic reads as a real state.
"""

from __future__ import annotations

import functools
import heapq
import operator
import warnings
from collections.abc import Mapping

import gymnasium.error
import numpy as np
from gymnasium import spaces
from pettingzoo import ParallelEnv

from envs.bank import ANSWER_FEATURES, RequestBank, build_bank, pair_features, save_pair_features
from envs.checks import integer
from envs.edge_config import EdgeEnvConfig, config_with  # noqa: F401 (EdgeEnvConfig re-exported: this env's arguments)
from envs.workload import Stream, generate
from velo.cache.memory_cache import MemoryCache, MemoryCacheConfig
from velo.latency import load_cache_profile, load_cloud_profile, load_edge_profile
from velo.observation import ObservationLayout, SystemLoad, encode_context, encode_request
from velo.paths import prepared_dir
from velo.policy import ACTIONS, CACHE, CLOUD, CLOUD_CONTEXT, EDGE, cache_servable  # noqa: F401 (re-exported: the contract lives in velo.policy)
from velo.progress import Steps
from velo.satisfaction import answer_quality, satisfaction
from velo.types import LANGUAGES, HitFeatures

_MARGIN = HitFeatures.names().index("margin")
_N_ACTIONS = len(ACTIONS)
_ALLOWED_ACTIONS = "an integer in 0..3 (" + ", ".join(f"{i} {name}" for i, name in enumerate(ACTIONS)) + ")"
ENV_ID = "velo_edge_v0"
_MASKS = {
    (has_neighbours, edge_free): np.array([has_neighbours, edge_free, True, has_neighbours], dtype=np.int8)
    for has_neighbours in (False, True) for edge_free in (False, True)
}


def parallel_env(bank: RequestBank | None = None, steps: Steps | None = None, **config) -> VeloEdgeEnv:
    """Build the environment; keyword arguments are `EdgeEnvConfig` fields (`workload`, `weights` may be dicts). A
    request bank built for it (none given, none cached: `envs.bank.build_bank`) reports to `steps`."""
    return VeloEdgeEnv(config_with(config, env_id=ENV_ID), bank, steps)


class ResetNeeded(gymnasium.error.ResetNeeded, ValueError):
    """`step` or `action_outcomes` while no episode runs (before the first `reset`, or after the last step).

    A `ValueError` like every other rejected input here, and gymnasium's `ResetNeeded`, which its
    order-enforcing wrapper raises for the same mistake."""


class VeloEdgeEnv(ParallelEnv):
    metadata = {"name": ENV_ID, "render_modes": [], "is_parallelizable": True}

    def __init__(self, config: EdgeEnvConfig, bank: RequestBank | None = None, steps: Steps | None = None) -> None:
        self.config = config
        self.bank = bank or build_bank(
            config.data_dir or prepared_dir(), config.split,
            list(config.paraphrase_files) if config.paraphrase_files is not None else None,
            edge_quality_fallback=config.edge_quality_fallback, steps=steps,
        )
        self.cache_ms = load_cache_profile().lookup_ms
        self.edge = config.edge_profile or load_edge_profile()
        self.cloud = config.cloud_profile or load_cloud_profile()
        self.layout = ObservationLayout(self.bank.dim, config.top_v)
        self.possible_agents = [f"edge_{i}" for i in range(config.n_edges)]
        self.agents: list[str] = []
        self._live: frozenset[str] = frozenset()
        """`agents` as a set: `step` compares the keys of its actions with it."""
        obs_box = spaces.Box(-np.inf, np.inf, (self.layout.size,), np.float32)
        mask_box = spaces.Box(0, 1, (len(ACTIONS),), np.int8)
        self._obs_space = spaces.Dict({"observation": obs_box, "action_mask": mask_box})
        self._act_space = spaces.Discrete(len(ACTIONS))
        self.state_space = spaces.Box(-np.inf, np.inf, (config.n_edges * self.layout.size + 2,), np.float32)
        self._n_ctx = int(self.bank.item_ctx.max()) + 2
        # The step loop reads these per request: Python lists index ~10x faster than numpy scalars.
        self._item_of_text = self.bank.text_item.tolist()
        self._key_of_item = (self.bank.item_lang * self._n_ctx + self.bank.item_ctx).tolist()
        self._lang_of_item = [LANGUAGES[i] if i < len(LANGUAGES) else "other" for i in self.bank.item_lang.tolist()]
        self._follow_up_of_item = [bool(f) for f in self.bank.item_follow_up.tolist()]
        self._question_tokens = self.bank.question_tokens.astype(np.float64).tolist()
        self._answer_tokens = self.bank.answer_tokens.astype(np.float64).tolist()
        self._edge_tokens = self.bank.edge_tokens.astype(np.float64).tolist()
        self._edge_quality = self.bank.edge_quality.astype(np.float64).tolist()
        self._request_rows: list[np.ndarray | None] = [None] * len(self.bank.texts)
        """Per text, its observation with only the request's segments filled (`encode_request`), made on first use."""
        self._last_obs: list[np.ndarray] = []
        """The observation vector `_observation` last encoded per edge: what `state` concatenates."""
        self._np_random: np.random.Generator | None = None
        self.records: list[dict] = []
        self._masks = _MASKS
        self._answer_memo: dict[tuple[int, int], tuple[bool, float]] = {}
        """`_cached_answer`'s verdict and quality per (cached answer id, requested item)."""
        """Action masks by (has neighbours, edge queue has room); v1 may offer EDGE never."""

    # PettingZoo wants the same space object on every call.
    @functools.lru_cache(maxsize=None)
    def observation_space(self, agent: str) -> spaces.Space:
        return self._obs_space

    @functools.lru_cache(maxsize=None)
    def action_space(self, agent: str) -> spaces.Space:
        return self._act_space

    # ------------------------------------------------------------------ episode
    def reset(self, seed: int | None = None, options: dict | None = None):
        if seed is not None:
            seed = integer("seed", seed, minimum=0)
        if options is not None:
            self._check_options(options)
        if seed is not None or self._np_random is None:
            self._np_random = np.random.default_rng(seed)
        save_pair_features(self.bank, min_new=1000)
        cfg = self.config
        self.agents = list(self.possible_agents)
        self.step_index = 0
        self.stream: Stream = self._generate_stream()
        self._texts, self._times = self.stream.text.tolist(), self.stream.time_ms.tolist()
        self._similar, self._jitter = self.stream.similar.tolist(), self.stream.jitter.tolist()
        cache_cfg = MemoryCacheConfig(self.bank.dim, cfg.cache_capacity, cfg.eviction, cfg.ttl_s, cfg.top_v)
        self.caches = [MemoryCache(cache_cfg) for _ in range(cfg.n_edges)]
        self.pending: list[list[tuple]] = [[] for _ in range(cfg.n_edges)]
        # Plain lists of Python floats: the step reads and writes single elements, ~10x faster than numpy's.
        self.edge_free_ms = [0.0] * cfg.n_edges
        self.edge_jobs: list[list[float]] = [[] for _ in range(cfg.n_edges)]
        self.cloud_free_ms = [0.0] * self.cloud.parallel_slots
        """When each cloud slot frees up (ms), as a heap: a request takes the earliest (the slots are alike)."""
        typical = float(np.median(self.bank.answer_tokens[: self.bank.n_questions]))  # oasst1 items: v0's nominal
        nominal = float(self.cloud.network_ms(50, typical) + self.cloud.service_ms(50, typical))
        self.cloud_latency_ema = [nominal] * cfg.n_edges
        self.records = []
        self._feat_memo: dict[tuple[int, int, int], np.ndarray] = {}
        self._decision_memo: dict[tuple[int, int, int, float], tuple[np.ndarray, float, bool]] = {}
        """`_prepare`'s (features, rule score, verdict) per (text, cached text, cached answer, margin)."""
        self._context_memo: dict[tuple, tuple[float, float]] = {}
        """`_cloud_tokens`' CLOUD_CONTEXT (prompt, output) per (item, context answer ids, best answer id)."""
        self._current = [self._prepare(e) for e in range(cfg.n_edges)]
        obs = {a: self._observation(e) for e, a in enumerate(self.agents)}
        infos = {a: self._info(e) for e, a in enumerate(self.agents)}
        self._live = frozenset(self.agents)
        return obs, infos

    def _generate_stream(self) -> Stream:
        """The episode's requests, drawn from the environment's generator (exogenous to the actions)."""
        cfg = self.config
        return generate(self.bank, cfg.n_edges, cfg.max_steps, cfg.workload, self._np_random)

    @staticmethod
    def _check_options(options) -> None:
        if not isinstance(options, Mapping):
            raise TypeError(f"options must be None or a mapping, got {type(options).__name__}")
        if options:
            warnings.warn(f"{ENV_ID} reads no reset options; ignored: {sorted(map(str, options))}", stacklevel=3)

    def _require_episode(self, call: str) -> None:
        """Raise `ResetNeeded` unless an episode runs."""
        if self.agents:
            return
        if self._np_random is None:
            raise ResetNeeded(f"{call} before reset(): call reset() first")
        raise ResetNeeded(
            f"{call} after the episode ended (every agent truncated after max_steps={self.config.max_steps}); "
            "call reset() to start the next one"
        )

    def _key(self, item: int) -> int:
        return self._key_of_item[item]

    def _apply_writes(self, e: int, now: float) -> None:
        queue = self.pending[e]
        while queue and queue[0][0] <= now:
            ready, key, text, answer, source = heapq.heappop(queue)
            self.caches[e].insert(key, text, answer, self.bank.text_vecs[text], ready / 1000.0, source)

    def _features(self, t: int, c: int, answer: int) -> np.ndarray:
        """Hit features of request text t against cached text c holding answer id `answer` (2*item [+1 edge])."""
        memo_key = (t, c, answer)
        hit = self._feat_memo.get(memo_key)
        if hit is not None:
            return hit
        feats = pair_features(self.bank, t, c).copy()
        item, from_edge = divmod(answer, 2)
        vec = self.bank.edge_answer_vecs[item] if from_edge else self.bank.answer_vecs[item]
        relevance = float(self.bank.text_vecs[t] @ vec)
        feats[ANSWER_FEATURES[0]] = relevance
        feats[ANSWER_FEATURES[1]] = float(self.bank.text_vecs[c] @ vec) - relevance
        self._feat_memo[memo_key] = feats
        return feats

    def _prepare(self, e: int) -> dict:
        """Look the edge's current request up in its cache: neighbours, features, rule verdict, mask."""
        k = self.step_index
        t = self._texts[e][k]
        now = self._times[e][k]
        item = self._item_of_text[t]
        queue = self.pending[e]
        if queue and queue[0][0] <= now:
            self._apply_writes(e, now)
        cache = self.caches[e]
        slots, sims = cache.search(self.bank.text_vecs[t], self._key_of_item[item], now / 1000.0)
        cur = {"t": t, "item": item, "now": now, "slots": slots, "sims": sims, "feats": None, "score": 0.0, "hit": False}
        if slots.size:
            best = int(slots[0])
            margin = float(sims[0] - sims[1]) if sims.size > 1 else 1.0
            key = (t, int(cache.question[best]), int(cache.answer[best]), margin)
            decided = self._decision_memo.get(key)
            if decided is None:  # the features, score and verdict are a function of the key: kept for the episode
                feats = self._features(*key[:3]).copy()
                feats[_MARGIN] = margin
                score = self.bank.rule.score_vector(feats)
                decided = self._decision_memo[key] = (feats, score, self.bank.rule.accepts(score))
            cur["feats"], cur["score"], cur["hit"] = decided
        jobs = self.edge_jobs[e]
        while jobs and jobs[0] <= now:
            heapq.heappop(jobs)
        cur["mask"] = self._masks[bool(slots.size), len(jobs) < self.config.edge_queue_capacity].copy()
        if slots.size and not cache_servable(True, cur["score"], self.config.cache_min_score):
            cur["mask"][CACHE] = 0
        return cur

    def _system_load(self, e: int) -> SystemLoad:
        """What edge e's server observes of its own load (v0 has no rate limit, link model or failures)."""
        cur, cache = self._current[e], self.caches[e]
        return SystemLoad(
            len(self.edge_jobs[e]), self.config.edge_queue_capacity, self._edge_start(e, cur["now"])[0] - cur["now"],
            self.cloud_latency_ema[e], len(cache) / cache.config.capacity,
        )

    def _observation(self, e: int) -> dict:
        """`velo.observation.encode_observation` of edge e's current request, as `encode_request` (kept per
        text) then `encode_context`."""
        cur, cache = self._current[e], self.caches[e]
        slots, t = cur["slots"], cur["t"]
        request = self._request_rows[t]
        if request is None:
            item = cur["item"]
            request = self._request_rows[t] = encode_request(
                self.layout, self.bank.text_vecs[t], self._lang_of_item[item], self._follow_up_of_item[item])
        obs = encode_context(
            self.layout, request.copy(), cur["sims"], cache.source[slots], cache.hits[slots],  # source: 1 = edge LLM
            cur["feats"], cur["score"], cur["hit"], self._system_load(e),
        )
        last = self._last_obs
        if e < len(last):
            last[e] = obs
        else:
            last.append(obs)
        return {"observation": obs, "action_mask": cur["mask"]}

    def _info(self, e: int) -> dict:
        cur = self._current[e]
        return {"similar": self._similar[e][self.step_index], "item": self.bank.item_ids[cur["item"]]}

    # ------------------------------------------------------------------ serving
    def _outcome(self, e: int, action: int, commit: bool) -> dict:
        """Latency, quality, cost and satisfaction of serving edge e's current request with `action`."""
        cur, cache = self._current[e], self.caches[e]
        t, item, now = cur["t"], cur["item"], cur["now"]
        lookup = self.cache_ms
        out = {"action": action, "hit_correct": None, "cost_usd": 0.0}
        if action == CACHE:
            slot = int(cur["slots"][0])
            right, quality = self._cached_answer(e, slot)
            out.update(latency_ms=lookup, hit_correct=right, quality=quality)
            if commit:
                cache.record_hit(slot, now / 1000.0)
        elif action == EDGE:
            _, done = self._edge_job(e, now + lookup, commit)
            out.update(latency_ms=done - now, quality=self._edge_quality[item])
        else:
            prompt, output = self._cloud_tokens(e, action)
            rtt = max(0.0, self.cloud.rtt_ms + self.cloud.rtt_jitter_ms * self._jitter[e][self.step_index])
            net = self.cloud.network_ms(prompt, output) - self.cloud.rtt_ms + rtt
            arrive = now + lookup + net / 2
            start = max(arrive, self.cloud_free_ms[0])
            done = start + self.cloud.service_ms(prompt, output)
            latency = done + net / 2 - now
            out.update(latency_ms=latency, quality=1.0, cost_usd=self.cloud.cost_usd(prompt, output))
            if commit:
                heapq.heapreplace(self.cloud_free_ms, done)
                self.cloud_latency_ema[e] = 0.8 * self.cloud_latency_ema[e] + 0.2 * latency
                heapq.heappush(self.pending[e], (now + latency, self._key(item), t, 2 * item, 0))
        out["satisfaction"] = satisfaction(out["quality"], out["latency_ms"], out["cost_usd"], self.config.weights)
        return out

    def _cached_answer(self, e: int, slot: int) -> tuple[bool, float]:
        """Whether cache slot `slot` of edge e answers its current request's item, and the answer's quality
        (an edge-written answer to the right item has the edge answer's quality)."""
        item = self._current[e]["item"]
        answer = int(self.caches[e].answer[slot])
        key = (answer, item)
        found = self._answer_memo.get(key)
        if found is None:  # a function of the bank alone: remembered for the environment's life
            bank = self.bank
            served, from_edge = divmod(answer, 2)
            vec = bank.edge_answer_vecs[served] if from_edge else bank.answer_vecs[served]
            right = served == item
            if right and from_edge:
                found = (True, self._edge_quality[item])
            else:
                found = (right, answer_quality(float(vec @ bank.answer_vecs[item]), bank.quality_floor))
            self._answer_memo[key] = found
        return found

    def _edge_start(self, e: int, ready_ms: float) -> tuple[float, int]:
        """When edge e's LLM can start a request handed over at `ready_ms`, and the rows of the batch it joins.
        One at a time: when the last job ends. Batched (`EdgeLLMProfile.decode_ms_per_token_by_batch`): at once
        while a row is free, else when one leaves (first come first served, as `velo.llm.continuous`); the
        request decodes at the speed of the batch it joined for its whole answer, since the environment scores
        a request when it is served (requests joining later do not slow it; newcomers' prefills are ignored)."""
        max_batch = self.edge.max_batch
        if max_batch == 1:
            return max(ready_ms, self.edge_free_ms[e]), 1
        running = sorted(done for done in self.edge_jobs[e] if done > ready_ms)
        waiting = len(running) - max_batch  # >= 0: every row taken; start when the (waiting + 1)-th leaves
        return (ready_ms, len(running) + 1) if waiting < 0 else (running[waiting], max_batch)

    def _edge_job(self, e: int, ready_ms: float, commit: bool) -> tuple[float, float]:
        """(start, done) in ms of edge e's LLM answering its current request, handed over at `ready_ms`;
        with `commit`, the job is queued and its answer written back when done."""
        cur = self._current[e]
        item = cur["item"]
        start, batch = self._edge_start(e, ready_ms)
        done = start + self.edge.service_ms(self._question_tokens[item], self._edge_tokens[item], batch)
        if commit:
            self.edge_free_ms[e] = done
            heapq.heappush(self.edge_jobs[e], done)
            if self.config.write_back_edge:
                heapq.heappush(self.pending[e], (done, self._key(item), cur["t"], 2 * item + 1, 1))
        return start, done

    def _cloud_tokens(self, e: int, action: int) -> tuple[float, float]:
        """(prompt, output) tokens of edge e's current request sent to the cloud with `action`: CLOUD_CONTEXT
        adds the top cached Q/A pairs to the prompt and generates less when the best one is reusable."""
        cur, bank, cache = self._current[e], self.bank, self.caches[e]
        item = cur["item"]
        prompt, output = self._question_tokens[item], self._answer_tokens[item]
        if action == CLOUD_CONTEXT:
            n = min(self.cloud.context_neighbours, cur["slots"].size)
            answers = tuple(cache.answer[cur["slots"][:n]].tolist())
            best = answers[0] if answers else int(cache.answer[cur["slots"][0]])
            key = (item, answers, best)
            found = self._context_memo.get(key)
            if found is not None:  # a function of the key (the bank and the profile fixed): kept for the episode
                return found
            q, a = self._question_tokens, self._answer_tokens
            prompt += float(sum(q[j] + a[j] for j in (answer // 2 for answer in answers)))
            best_vec = bank.edge_answer_vecs[best // 2] if best % 2 else bank.answer_vecs[best // 2]
            reusable = answer_quality(float(best_vec @ bank.answer_vecs[item]), bank.quality_floor)
            output = max(1.0, output * (1.0 - self.cloud.context_reuse * reusable))
            self._context_memo[key] = prompt, output
        return prompt, output

    def action_outcomes(self, agent: str) -> np.ndarray:
        """Satisfaction each action would give the agent's current request (NaN where masked), without acting."""
        if agent not in self._live:
            self._require_episode("action_outcomes()")
            raise ValueError(f"unknown agent {agent!r}; live agents: {', '.join(self.agents)}")
        e = self.possible_agents.index(agent)
        mask = self._current[e]["mask"]
        return np.array([self._outcome(e, a, commit=False)["satisfaction"] if mask[a] else np.nan for a in range(len(ACTIONS))])

    def step(self, actions: dict):
        chosen = self._checked_actions(actions)
        rewards, infos = {}, {}
        order = sorted(range(len(self.agents)), key=lambda e: self._current[e]["now"])
        for e in order:
            agent = self.agents[e]
            action = chosen[e]
            invalid = not self._current[e]["mask"][action]
            out = self._outcome(e, CLOUD if invalid else action, commit=True)
            rewards[agent] = float(out["satisfaction"])
            record = {"agent": agent, "step": self.step_index, "similar": self._similar[e][self.step_index],
                      "invalid_action": invalid, **out}
            self.records.append(record)
            infos[agent] = {"outcome": record}
        self.step_index += 1
        done = self.step_index >= self.config.max_steps
        terminations = {a: False for a in self.agents}
        truncations = {a: done for a in self.agents}
        if done:
            obs = {a: {"observation": np.zeros(self.layout.size, np.float32), "action_mask": np.zeros(4, np.int8)} for a in self.agents}
            self.agents = []
            self._live = frozenset()
            return obs, rewards, terminations, truncations, infos
        self._current = [self._prepare(e) for e in range(len(self.agents))]
        obs = {a: self._observation(e) for e, a in enumerate(self.agents)}
        for e, a in enumerate(self.agents):
            infos[a].update(self._info(e))
        return obs, rewards, terminations, truncations, infos

    def _checked_actions(self, actions) -> list[int]:
        """The action of each live agent, in `agents` order, once all of them are valid; else raise, having
        changed nothing. Runs every step: the common case (a dict of ints) costs a set compare and two type
        checks per agent."""
        if not self.agents:
            self._require_episode("step()")
        if type(actions) is not dict and not isinstance(actions, Mapping):
            raise TypeError(f"step() takes a mapping from agent to action, got {type(actions).__name__}")
        if actions.keys() != self._live:
            missing = [a for a in self.agents if a not in actions]
            extra = [k for k in actions if k not in self._live]
            problems = ([f"no action for {', '.join(missing)}"] if missing else []) + (
                [f"unknown agent(s) {extra}"] if extra else [])
            raise ValueError(f"step() needs one action for each live agent ({', '.join(self.agents)}): "
                             + "; ".join(problems))
        chosen = []
        for agent in self.agents:
            action = actions[agent]
            if type(action) is not int or not 0 <= action < _N_ACTIONS:
                action = _checked_action(agent, action)
            chosen.append(action)
        return chosen

    def state(self) -> np.ndarray:
        """The centralized critic's state (`state_space`); zeros after the episode's last step, like its final observations.
        `ResetNeeded` before the first `reset`: there is no state yet (it had been zeros, which a critic takes for one)."""
        if not self.agents:
            if self._np_random is None:
                self._require_episode("state()")
            return np.zeros(self.state_space.shape, np.float32)
        # The observations the last reset or step returned, encoded then (nothing has changed since).
        parts = self._last_obs[: len(self.agents)]
        now = max(c["now"] for c in self._current)
        busy = sum(free > now for free in self.cloud_free_ms) / len(self.cloud_free_ms)  # the share np.mean gives
        return np.concatenate(parts + [np.array([self.step_index / self.config.max_steps, busy], np.float32)])

    def close(self) -> None:
        """Keep the hit features of pairs first met in this run for the next (see `envs.bank`)."""
        save_pair_features(self.bank)

    def with_config(self, **changes) -> VeloEdgeEnv:
        """The same bank under another configuration (banks are costly to build)."""
        return VeloEdgeEnv(config_with(changes, self.config, ENV_ID), self.bank)


def _checked_action(agent: str, action) -> int:
    """The slow path of `step`'s check: anything but an in-range Python int (numpy integers come through here,
    e.g. from `action_space(agent).sample()`, so they return before any message is built)."""
    if not isinstance(action, (bool, np.bool_)):
        try:
            value = operator.index(action)
        except TypeError:
            pass
        else:
            if 0 <= value < _N_ACTIONS:
                return value
            raise ValueError(f"action of {agent} must be {_ALLOWED_ACTIONS}, got {value}")
    if isinstance(action, np.ndarray):
        got = f"an array of shape {action.shape} and dtype {action.dtype}"
    elif isinstance(action, (bool, np.bool_)):
        got = f"the bool {action!r}"
    else:
        got = f"{action!r} ({type(action).__name__})"
    raise TypeError(f"action of {agent} must be {_ALLOWED_ACTIONS}, got {got}")
