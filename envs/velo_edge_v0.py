"""VELO edge-cloud environment, version 0: N edge servers with semantic caches schedule LLM requests.

| | |
|---|---|
| import | `from envs import velo_edge_v0; env = velo_edge_v0.parallel_env(n_edges=3)` |
| API | PettingZoo `ParallelEnv` |
| agents | `edge_0 .. edge_{N-1}`, one scheduling agent per edge server |
| action | `Discrete(4)`: 0 CACHE (serve the best cached answer), 1 EDGE (the edge's own LLM), 2 CLOUD, 3 CLOUD_CONTEXT (cloud, with the top cached neighbours as context) |
| observation | `Dict(observation=Box(-inf, inf, (L,), float32), action_mask=Box(0, 1, (4,), int8))`, L = `ObservationLayout(dim, top_v).size` (452 for e5 and V=10); layout in `velo.observation` |
| state | `Box(-inf, inf, (N * L + 2,), float32)`: every agent's observation, then episode progress and cloud queue load |
| reward | per agent, the satisfaction of its request: `w_q * quality + w_l / (1 + latency_ms / half_ms) - w_c * cost / cost_ref` (`velo.satisfaction`) |

Each step, every edge receives its next request (arrival times from the workload's Poisson processes) and
its agent picks an action. Requests are then served in arrival order:

* the cache lookup (embed + search + decide) is paid by every request, from the measured profile;
* CACHE serves the best neighbour's answer: quality = rescaled similarity of that answer to the request's
  reference answer; masked when no neighbour exists;
* EDGE queues at the edge's single LLM (prefill + decode from the measured SmolLM2 profile, or an
  EdgeShard plan); quality is that of the edge LLM's real answer (`velo data edge-answers`) or, when
  none was generated, `edge_quality_fallback`; masked when the edge queue is full;
* CLOUD and CLOUD_CONTEXT cross the network and queue at the cloud's parallel slots (documented profile);
  their answer is the reference (quality 1) and costs tokens; CLOUD_CONTEXT sends `context_neighbours`
  cached Q/A pairs along and generates less when a cached answer is reusable; masked when no neighbour.
LLM answers are written back into the edge's cache when they complete (capacity, eviction, TTL apply).
A masked action falls back to CLOUD and is flagged in `infos[agent]["invalid_action"]`.

Arguments: see `EdgeEnvConfig` (n_edges, max_steps, top_v, data_dir, split, workload, cache, queue and
profile settings, satisfaction weights). Same seed, same episode.

Version history: v0 (this) -- first release.
"""

from __future__ import annotations

import functools
import heapq
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from gymnasium import spaces
from pettingzoo import ParallelEnv

from envs.bank import ANSWER_FEATURES, RequestBank, build_bank, pair_features, save_pair_features
from envs.workload import Stream, WorkloadConfig, generate
from velo.cache.memory_cache import MemoryCache, MemoryCacheConfig
from velo.latency import CloudProfile, EdgeLLMProfile, load_cache_profile, load_cloud_profile, load_edge_profile
from velo.observation import ObservationLayout, SystemLoad, encode_observation
from velo.paths import prepared_dir
from velo.satisfaction import SatisfactionWeights, answer_quality, satisfaction
from velo.types import LANGUAGES, HitFeatures

CACHE, EDGE, CLOUD, CLOUD_CONTEXT = range(4)
_MARGIN = HitFeatures.names().index("margin")
ACTIONS = ("cache", "edge", "cloud", "cloud_context")
ENV_ID = "velo_edge_v0"
_MASKS = {
    (has_neighbours, edge_free): np.array([has_neighbours, edge_free, True, has_neighbours], dtype=np.int8)
    for has_neighbours in (False, True) for edge_free in (False, True)
}


@dataclass(frozen=True)
class EdgeEnvConfig:
    n_edges: int = 3
    max_steps: int = 200
    """Requests per edge per episode."""
    top_v: int = 10
    """Vector-search results in each observation."""
    data_dir: Path | None = None
    """Prepared data (`velo data prepare`); default `$VELO_HOME/data`."""
    split: str | None = "train"
    paraphrase_files: tuple[Path, ...] | None = None
    """Paraphrases of prepared questions; default: the bundled ones."""
    workload: WorkloadConfig = field(default_factory=WorkloadConfig)
    cache_capacity: int = 300
    eviction: str = "lru"
    ttl_s: float | None = None
    write_back_edge: bool = True
    """Also cache the edge LLM's answers (source = edge)."""
    edge_queue_capacity: int = 4
    edge_profile: EdgeLLMProfile | None = None
    """Default: the measured single-device profile (`velo/profiles/edge_llm.json`). With the local shard run
    by EdgeShard, pass the profile of its placement: `velo shard edge-profile --out F.json`, then
    `velo.latency.load_edge_profile(F)` (or `velo evaluate --edge-profile F.json`)."""
    cloud_profile: CloudProfile | None = None
    edge_quality_fallback: float = 0.5
    """Quality of an edge answer when `velo data edge-answers` was not run."""
    weights: SatisfactionWeights = field(default_factory=SatisfactionWeights)

    def __post_init__(self) -> None:
        if self.n_edges < 1 or self.max_steps < 1 or self.top_v < 1:
            raise ValueError("n_edges, max_steps and top_v must be >= 1")
        if self.edge_queue_capacity < 1:
            raise ValueError("edge_queue_capacity must be >= 1")


def parallel_env(bank: RequestBank | None = None, **config) -> VeloEdgeEnv:
    """Build the environment; keyword arguments are `EdgeEnvConfig` fields (a `workload` may be a dict)."""
    if isinstance(config.get("workload"), dict):
        config["workload"] = WorkloadConfig(**config["workload"])
    if isinstance(config.get("weights"), dict):
        config["weights"] = SatisfactionWeights(**config["weights"])
    return VeloEdgeEnv(EdgeEnvConfig(**config), bank)


class VeloEdgeEnv(ParallelEnv):
    metadata = {"name": ENV_ID, "render_modes": [], "is_parallelizable": True}

    def __init__(self, config: EdgeEnvConfig, bank: RequestBank | None = None) -> None:
        self.config = config
        self.bank = bank or build_bank(
            config.data_dir or prepared_dir(), config.split,
            list(config.paraphrase_files) if config.paraphrase_files is not None else None,
            edge_quality_fallback=config.edge_quality_fallback,
        )
        self.cache_ms = load_cache_profile().lookup_ms
        self.edge = config.edge_profile or load_edge_profile()
        self.cloud = config.cloud_profile or load_cloud_profile()
        self.layout = ObservationLayout(self.bank.dim, config.top_v)
        self.possible_agents = [f"edge_{i}" for i in range(config.n_edges)]
        self.agents: list[str] = []
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
        self._np_random: np.random.Generator | None = None
        self.records: list[dict] = []

    # PettingZoo wants the same space object on every call.
    @functools.lru_cache(maxsize=None)
    def observation_space(self, agent: str) -> spaces.Space:
        return self._obs_space

    @functools.lru_cache(maxsize=None)
    def action_space(self, agent: str) -> spaces.Space:
        return self._act_space

    # ------------------------------------------------------------------ episode
    def reset(self, seed: int | None = None, options: dict | None = None):
        if seed is not None or self._np_random is None:
            self._np_random = np.random.default_rng(seed)
        save_pair_features(self.bank, min_new=1000)
        cfg = self.config
        self.agents = list(self.possible_agents)
        self.step_index = 0
        self.stream: Stream = generate(self.bank, cfg.n_edges, cfg.max_steps, cfg.workload, self._np_random)
        self._texts, self._times = self.stream.text.tolist(), self.stream.time_ms.tolist()
        self._similar, self._jitter = self.stream.similar.tolist(), self.stream.jitter.tolist()
        cache_cfg = MemoryCacheConfig(self.bank.dim, cfg.cache_capacity, cfg.eviction, cfg.ttl_s, cfg.top_v)
        self.caches = [MemoryCache(cache_cfg) for _ in range(cfg.n_edges)]
        self.pending: list[list[tuple]] = [[] for _ in range(cfg.n_edges)]
        self.edge_free_ms = np.zeros(cfg.n_edges)
        self.edge_jobs: list[list[float]] = [[] for _ in range(cfg.n_edges)]
        self.cloud_free_ms = np.zeros(self.cloud.parallel_slots)
        typical = float(np.median(self.bank.answer_tokens))
        nominal = self.cloud.network_ms(50, typical) + self.cloud.service_ms(50, typical)
        self.cloud_latency_ema = np.full(cfg.n_edges, nominal)
        self.records = []
        self._feat_memo: dict[tuple[int, int, int], np.ndarray] = {}
        self._current = [self._prepare(e) for e in range(cfg.n_edges)]
        obs = {a: self._observation(e) for e, a in enumerate(self.agents)}
        infos = {a: self._info(e) for e, a in enumerate(self.agents)}
        return obs, infos

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
        self._apply_writes(e, now)
        cache = self.caches[e]
        slots, sims = cache.search(self.bank.text_vecs[t], self._key(item), now / 1000.0)
        cur = {"t": t, "item": item, "now": now, "slots": slots, "sims": sims, "feats": None, "score": 0.0, "hit": False}
        if slots.size:
            feats = self._features(t, int(cache.question[slots[0]]), int(cache.answer[slots[0]])).copy()
            feats[_MARGIN] = float(sims[0] - sims[1]) if sims.size > 1 else 1.0
            score = self.bank.rule.score_vector(feats)
            cur.update(feats=feats, score=score, hit=self.bank.rule.accepts(score))
        jobs = self.edge_jobs[e]
        while jobs and jobs[0] <= now:
            heapq.heappop(jobs)
        cur["mask"] = _MASKS[bool(slots.size), len(jobs) < self.config.edge_queue_capacity].copy()
        return cur

    def _observation(self, e: int) -> dict:
        cur, cache = self._current[e], self.caches[e]
        slots = cur["slots"]
        load = SystemLoad(
            len(self.edge_jobs[e]), self.config.edge_queue_capacity, max(0.0, self.edge_free_ms[e] - cur["now"]),
            float(self.cloud_latency_ema[e]), len(cache) / cache.config.capacity,
        )
        obs = encode_observation(
            self.layout, self.bank.text_vecs[cur["t"]], self._lang_of_item[cur["item"]],
            bool(self.bank.item_follow_up[cur["item"]]), cur["sims"], cache.source[slots] == 1, cache.hits[slots],
            cur["feats"], cur["score"], cur["hit"], load,
        )
        return {"observation": obs, "action_mask": cur["mask"]}

    def _info(self, e: int) -> dict:
        cur = self._current[e]
        return {"similar": self._similar[e][self.step_index], "item": self.bank.item_ids[cur["item"]]}

    # ------------------------------------------------------------------ serving
    def _outcome(self, e: int, action: int, commit: bool) -> dict:
        """Latency, quality, cost and satisfaction of serving edge e's current request with `action`."""
        cur, bank, cache = self._current[e], self.bank, self.caches[e]
        t, item, now = cur["t"], cur["item"], cur["now"]
        lookup = self.cache_ms
        out = {"action": action, "hit_correct": None, "cost_usd": 0.0}
        if action == CACHE:
            slot = int(cur["slots"][0])
            served, from_edge = divmod(int(cache.answer[slot]), 2)
            vec = bank.edge_answer_vecs[served] if from_edge else bank.answer_vecs[served]
            right = served == item
            out.update(latency_ms=lookup, hit_correct=right,
                       quality=float(bank.edge_quality[item]) if right and from_edge
                       else answer_quality(float(vec @ bank.answer_vecs[item]), bank.quality_floor))
            if commit:
                cache.record_hit(slot, now / 1000.0)
        elif action == EDGE:
            start = max(now + lookup, float(self.edge_free_ms[e]))
            service = self.edge.service_ms(bank.question_tokens[item], bank.edge_tokens[item])
            done = start + service
            out.update(latency_ms=done - now, quality=float(bank.edge_quality[item]))
            if commit:
                self.edge_free_ms[e] = done
                heapq.heappush(self.edge_jobs[e], done)
                if self.config.write_back_edge:
                    heapq.heappush(self.pending[e], (done, self._key(item), t, 2 * item + 1, 1))
        else:
            prompt, output = float(bank.question_tokens[item]), float(bank.answer_tokens[item])
            if action == CLOUD_CONTEXT:
                n = min(self.cloud.context_neighbours, cur["slots"].size)
                ctx_items = [int(cache.answer[s]) // 2 for s in cur["slots"][:n]]
                prompt += float(sum(bank.question_tokens[j] + bank.answer_tokens[j] for j in ctx_items))
                best = int(cache.answer[cur["slots"][0]])
                best_vec = bank.edge_answer_vecs[best // 2] if best % 2 else bank.answer_vecs[best // 2]
                reusable = answer_quality(float(best_vec @ bank.answer_vecs[item]), bank.quality_floor)
                output = max(1.0, output * (1.0 - self.cloud.context_reuse * reusable))
            rtt = max(0.0, self.cloud.rtt_ms + self.cloud.rtt_jitter_ms * self._jitter[e][self.step_index])
            net = self.cloud.network_ms(prompt, output) - self.cloud.rtt_ms + rtt
            arrive = now + lookup + net / 2
            slot = int(np.argmin(self.cloud_free_ms))
            start = max(arrive, float(self.cloud_free_ms[slot]))
            done = start + self.cloud.service_ms(prompt, output)
            latency = done + net / 2 - now
            out.update(latency_ms=latency, quality=1.0, cost_usd=self.cloud.cost_usd(prompt, output))
            if commit:
                self.cloud_free_ms[slot] = done
                self.cloud_latency_ema[e] = 0.8 * self.cloud_latency_ema[e] + 0.2 * latency
                heapq.heappush(self.pending[e], (now + latency, self._key(item), t, 2 * item, 0))
        out["satisfaction"] = satisfaction(out["quality"], out["latency_ms"], out["cost_usd"], self.config.weights)
        return out

    def action_outcomes(self, agent: str) -> np.ndarray:
        """Satisfaction each action would give the agent's current request (NaN where masked), without acting."""
        e = self.possible_agents.index(agent)
        mask = self._current[e]["mask"]
        return np.array([self._outcome(e, a, commit=False)["satisfaction"] if mask[a] else np.nan for a in range(len(ACTIONS))])

    def step(self, actions: dict):
        rewards, infos = {}, {}
        order = sorted(range(len(self.agents)), key=lambda e: self._current[e]["now"])
        for e in order:
            agent = self.agents[e]
            action = int(actions[agent])
            invalid = not (0 <= action < len(ACTIONS)) or not self._current[e]["mask"][action]
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
            return obs, rewards, terminations, truncations, infos
        self._current = [self._prepare(e) for e in range(len(self.agents))]
        obs = {a: self._observation(e) for e, a in enumerate(self.agents)}
        for e, a in enumerate(self.agents):
            infos[a].update(self._info(e))
        return obs, rewards, terminations, truncations, infos

    def state(self) -> np.ndarray:
        if not self.agents:
            return np.zeros(self.state_space.shape, np.float32)
        parts = [self._observation(e)["observation"] for e in range(len(self.agents))]
        busy = float(np.mean(self.cloud_free_ms > max(c["now"] for c in self._current)))
        return np.concatenate(parts + [np.array([self.step_index / self.config.max_steps, busy], np.float32)])

    def close(self) -> None:
        """Keep the hit features of pairs first met in this run for the next (see `envs.bank`)."""
        save_pair_features(self.bank)

    def with_config(self, **changes) -> VeloEdgeEnv:
        """The same bank under another configuration (banks are costly to build)."""
        return VeloEdgeEnv(replace(self.config, **changes), self.bank)
