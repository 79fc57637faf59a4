"""Contract and known-answer tests of the edge environment `velo_edge_v0` on the bundled sample.

Every environment shares the session's request bank and gets an explicit edge LLM profile, so results
depend on neither the measured profile nor the machine.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from pettingzoo.test import parallel_api_test, parallel_seed_test

from envs import velo_edge_v0
from envs.bank import RequestBank
from envs.velo_edge_v0 import CACHE, CLOUD, CLOUD_CONTEXT, EDGE, VeloEdgeEnv
from envs.workload import WorkloadConfig
from velo.latency import PROFILES, CloudProfile, EdgeLLMProfile, load_cache_profile, load_edge_profile
from velo.satisfaction import SatisfactionWeights, answer_quality, satisfaction

TEST_EDGE = EdgeLLMProfile("test", 20.0, 0.5, 40.0)
SLOW_EDGE = EdgeLLMProfile("slow", 60_000.0, 0.0, 0.0)
"""One minute per request: the edge queue stays full across many arrivals."""
TEST_CLOUD = CloudProfile(
    name="test-cloud", rtt_ms=100.0, rtt_jitter_ms=30.0, uplink_bytes_per_s=10_000.0, downlink_bytes_per_s=20_000.0,
    ttft_ms=300.0, tokens_per_s=50.0, parallel_slots=1, usd_per_1k_input_tokens=0.5, usd_per_1k_output_tokens=1.5,
    bytes_per_token=4.0, context_neighbours=2, context_reuse=0.5,
)

MakeEnv = Callable[..., VeloEdgeEnv]


@pytest.fixture
def make_env(edge_bank: RequestBank) -> MakeEnv:
    def make(**config) -> VeloEdgeEnv:
        config.setdefault("edge_profile", TEST_EDGE)
        return velo_edge_v0.parallel_env(bank=edge_bank, **config)

    return make


def random_episode(env: VeloEdgeEnv, seed: int, policy_seed: int = 0, peek: bool = False) -> list[dict]:
    """Records of one episode under uniformly random allowed actions; `peek` asks for counterfactuals first."""
    rng = np.random.default_rng(policy_seed)
    obs, _ = env.reset(seed=seed)
    while env.agents:
        if peek:
            for agent in env.agents:
                env.action_outcomes(agent)
        actions = {a: int(rng.choice(np.flatnonzero(obs[a]["action_mask"]))) for a in env.agents}
        obs, *_ = env.step(actions)
    return env.records


def best_neighbour(env: VeloEdgeEnv, obs: np.ndarray) -> tuple[float, bool]:
    start = env.layout.slices["neighbours"].start
    return float(obs[start]), bool(obs[start + 1] > 0.5)


# ---------------------------------------------------------------------------------------------- API
def test_parallel_api(make_env: MakeEnv) -> None:
    parallel_api_test(make_env(max_steps=25), num_cycles=30)


def test_parallel_seed(make_env: MakeEnv) -> None:
    parallel_seed_test(lambda: make_env(max_steps=25), num_cycles=30)


def test_same_seed_same_episode_other_seed_another(make_env: MakeEnv) -> None:
    env = make_env(max_steps=40)
    first = [dict(r) for r in random_episode(env, seed=7)]
    again = random_episode(make_env(max_steps=40), seed=7)
    assert first == again
    other = random_episode(env, seed=8)
    assert [r["satisfaction"] for r in other] != [r["satisfaction"] for r in first]


def test_rewards_are_the_records_satisfaction(make_env: MakeEnv) -> None:
    env = make_env(max_steps=5)
    env.reset(seed=0)
    _, rewards, _, _, infos = env.step({a: CLOUD for a in env.agents})
    for agent, reward in rewards.items():
        out = infos[agent]["outcome"]
        assert reward == out["satisfaction"]
        assert out["satisfaction"] == satisfaction(out["quality"], out["latency_ms"], out["cost_usd"], env.config.weights)


# ---------------------------------------------------------------------------------------------- observation
def test_observation_layout(make_env: MakeEnv, edge_bank: RequestBank) -> None:
    env = make_env()
    layout = env.layout
    assert layout.sizes == {"request": 384, "language": 6, "follow_up": 1, "neighbours": 40, "decision": 20, "system": 12}
    assert layout.size == 463 == env.observation_space("edge_0")["observation"].shape[0]
    stops = [0] + [s.stop for s in layout.slices.values()]
    assert [s.start for s in layout.slices.values()] == stops[:-1] and stops[-1] == layout.size
    assert make_env(top_v=4).layout.size == 463 - 6 * 4
    assert env.state_space.shape == (3 * 463 + 2,)

    obs, infos = env.reset(seed=1)
    assert env.state().shape == env.state_space.shape
    sl = layout.slices
    for e, agent in enumerate(env.agents):
        o = obs[agent]["observation"]
        assert o.dtype == np.float32 and o.shape == (463,)
        t = int(env.stream.text[e, 0])
        item = int(edge_bank.text_item[t])
        assert edge_bank.item_ids[item] == infos[agent]["item"]
        np.testing.assert_array_equal(o[sl["request"]], edge_bank.text_vecs[t])
        assert o[sl["language"]].sum() == 1.0 and o[sl["language"]][int(edge_bank.item_lang[item])] == 1.0
        assert o[sl["follow_up"]][0] == float(edge_bank.item_follow_up[item])
        assert not o[sl["neighbours"]].any() and not o[sl["decision"]].any()  # every cache starts empty
        assert o[sl["system"]][0] == 0.0 and o[sl["system"]][3] == 0.0
        # v0 has no rate limit and no backhaul model: the full budget, a good link, no failures.
        assert o[sl["system"]][4:12].tolist() == [0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0]


def test_observation_neighbours_and_decision(make_env: MakeEnv) -> None:
    env = make_env(n_edges=1, max_steps=60, top_v=4, workload={"arrival_rate_per_s": 0.2, "p_similar": 0.8})
    obs, _ = env.reset(seed=2)
    sl, seen = env.layout.slices, 0
    while env.agents:
        o = obs["edge_0"]["observation"]
        nb = o[sl["neighbours"]].reshape(4, 4)
        present = nb[:, 1]
        n = int(present.sum())
        assert np.array_equal(present, [1.0] * n + [0.0] * (4 - n))  # present ones come first
        assert np.all(np.diff(nb[:n, 0]) <= 1e-6)  # best first
        decision = o[sl["decision"]]
        if n:
            seen += 1
            assert decision[0] == pytest.approx(nb[0, 0], abs=1e-5)  # features' similarity = best neighbour's
            assert decision[1] == pytest.approx(nb[0, 0] - nb[1, 0] if n > 1 else 1.0, abs=1e-5)  # margin
            assert decision[-1] in (0.0, 1.0) and 0.0 <= decision[-2] <= 1.0
        else:
            assert not decision.any()
        assert o[sl["system"]][3] == pytest.approx(len(env.caches[0]) / env.config.cache_capacity)
        obs, *_ = env.step({"edge_0": CLOUD})
    assert seen > 10


# ---------------------------------------------------------------------------------------------- action mask
def test_cache_actions_masked_while_caches_are_empty(make_env: MakeEnv) -> None:
    obs, _ = make_env().reset(seed=0)
    for o in obs.values():
        assert o["action_mask"].dtype == np.int8
        assert o["action_mask"].tolist() == [0, 1, 1, 0]


def test_edge_masked_while_its_queue_is_full(make_env: MakeEnv) -> None:
    env = make_env(n_edges=1, max_steps=60, edge_queue_capacity=1, edge_profile=SLOW_EDGE)
    obs, _ = env.reset(seed=0)
    busy_until, allowed, refused = 0.0, 0, 0
    for k in range(60):
        now = float(env.stream.time_ms[0, k])
        assert obs["edge_0"]["action_mask"][EDGE] == (now >= busy_until)
        obs, _, _, _, infos = env.step({"edge_0": EDGE})
        out = infos["edge_0"]["outcome"]
        if now >= busy_until:
            allowed += 1
            assert out["action"] == EDGE and not out["invalid_action"]
            busy_until = now + out["latency_ms"]
        else:
            refused += 1
            assert out["action"] == CLOUD and out["invalid_action"]
    assert allowed >= 2 and refused >= 20


@pytest.mark.parametrize("action", [CACHE, CLOUD_CONTEXT])  # out-of-range ones raise: test_velo_edge_inputs.py
def test_masked_action_falls_back_to_cloud(make_env: MakeEnv, action: int) -> None:
    env = make_env(n_edges=1)
    env.reset(seed=0)
    cloud = env.action_outcomes("edge_0")[CLOUD]
    _, rewards, _, _, infos = env.step({"edge_0": action})
    out = infos["edge_0"]["outcome"]
    assert out["invalid_action"] and out["action"] == CLOUD
    assert rewards["edge_0"] == cloud
    assert env.records[-1]["invalid_action"]


# ---------------------------------------------------------------------------------------------- cache write-back
def test_write_back_fills_the_cache_when_answers_complete(make_env: MakeEnv) -> None:
    env = make_env(n_edges=1, max_steps=40, workload={"arrival_rate_per_s": 2.0})
    env.reset(seed=3)
    done_at: dict[int, float] = {}  # text -> when its first answer completed
    waited = False
    for k in range(40):
        now = float(env.stream.time_ms[0, k])
        completed = sum(d <= now for d in done_at.values())
        assert len(env.caches[0]) == completed
        waited |= completed < len(done_at)
        _, _, _, _, infos = env.step({"edge_0": CLOUD})
        t = int(env.stream.text[0, k])
        done_at[t] = min(done_at.get(t, np.inf), now + infos["edge_0"]["outcome"]["latency_ms"])
    assert waited, "no answer was still in flight at the next arrival; the test checks nothing"
    assert completed > 5


def test_edge_answers_written_back_only_if_configured(make_env: MakeEnv) -> None:
    for write_back in (True, False):
        env = make_env(n_edges=1, max_steps=10, write_back_edge=write_back, edge_queue_capacity=10,
                       workload={"arrival_rate_per_s": 0.05})  # 20 s apart: every answer completes before the next
        env.reset(seed=0)
        for _ in range(9):
            env.step({"edge_0": EDGE})
        assert (len(env.caches[0]) > 0) == write_back
        assert all(r["action"] == EDGE for r in env.records)
        assert not write_back or (env.caches[0].source[env.caches[0].key >= 0] == 1).all()


def test_cache_capacity_respected(make_env: MakeEnv) -> None:
    env = make_env(n_edges=2, max_steps=30, cache_capacity=3, workload={"arrival_rate_per_s": 0.1})
    env.reset(seed=0)
    while env.agents:
        assert all(len(c) <= 3 for c in env.caches)
        env.step({a: CLOUD for a in env.agents})
    assert all(len(c) == 3 for c in env.caches)


# ---------------------------------------------------------------------------------------------- workload
def arrival_order(env: VeloEdgeEnv) -> list[tuple[int, int]]:
    """(edge, step) of every request of the episode, in arrival order."""
    flat = np.argsort(env.stream.time_ms, axis=None, kind="stable")
    return [divmod(int(f), env.config.max_steps) for f in flat]


def test_similar_requests_repeat_an_earlier_item_new_ones_never(make_env: MakeEnv, edge_bank: RequestBank) -> None:
    env = make_env(n_edges=3, max_steps=60)
    obs, infos = env.reset(seed=4)
    info_at: dict[tuple[int, int], dict] = {}
    for k in range(60):
        info_at.update({(e, k): infos[a] for e, a in enumerate(env.possible_agents)})
        obs, _, _, _, infos = env.step({a: CLOUD for a in env.agents})
    recorded = {(int(r["agent"].split("_")[1]), r["step"]): r["similar"] for r in env.records}
    asked: set[str] = set()
    n_similar = 0
    for e, k in arrival_order(env):
        info = info_at[(e, k)]
        assert info["similar"] == recorded[(e, k)]
        assert info["similar"] == (info["item"] in asked), (e, k)
        if not info["similar"]:
            assert edge_bank.text_is_original[env.stream.text[e, k]]  # a new question is asked in its own words
        n_similar += info["similar"]
        asked.add(info["item"])
    assert 0.3 < n_similar / 180 < 0.7  # p_similar = 0.5


def repeats_of_other_edges(env: VeloEdgeEnv) -> int:
    """Similar requests asking an item their edge never asked before (excluding an edge's very first request)."""
    asked_at: list[set[int]] = [set() for _ in range(env.config.n_edges)]
    foreign = 0
    for e, k in arrival_order(env):
        item = int(env.bank.text_item[env.stream.text[e, k]])
        if env.stream.similar[e, k] and asked_at[e] and item not in asked_at[e]:
            foreign += 1
        asked_at[e].add(item)
    return foreign


def test_locality(make_env: MakeEnv) -> None:
    local = make_env(n_edges=3, max_steps=150, workload={"locality": 1.0, "p_similar": 0.7})
    local.reset(seed=5)
    assert local.stream.similar.mean() > 0.5
    assert repeats_of_other_edges(local) == 0
    mixed = local.with_config(workload=WorkloadConfig(locality=0.0, p_similar=0.7))
    mixed.reset(seed=5)
    assert repeats_of_other_edges(mixed) > 20


def test_arrival_rates_set_inter_arrival_times(make_env: MakeEnv) -> None:
    env = make_env(n_edges=2, max_steps=400, workload={"arrival_rate_per_s": (0.5, 5.0)})
    env.reset(seed=6)
    gaps = np.diff(env.stream.time_ms, axis=1, prepend=0.0)
    assert (gaps > 0).all()
    assert gaps[0].mean() == pytest.approx(2000.0, rel=0.15)
    assert gaps[1].mean() == pytest.approx(200.0, rel=0.15)
    with pytest.raises(ValueError, match="2 arrival rates given for 3 edges"):
        make_env(n_edges=3, workload={"arrival_rate_per_s": (0.5, 5.0)}).reset(seed=0)


# ---------------------------------------------------------------------------------------------- outcomes
def test_correct_cache_hit_is_the_reference_answer_at_lookup_latency(make_env: MakeEnv) -> None:
    env = make_env(n_edges=1, max_steps=80, workload={"arrival_rate_per_s": 0.2, "p_similar": 0.8, "p_exact_repeat": 1.0})
    obs, _ = env.reset(seed=0)
    while env.agents:
        sim, present = best_neighbour(env, obs["edge_0"]["observation"])
        act = CACHE if obs["edge_0"]["action_mask"][CACHE] and present and sim > 0.999 else CLOUD
        obs, *_ = env.step({"edge_0": act})
    hits = [r for r in env.records if r["action"] == CACHE]
    assert len(hits) >= 10
    lookup = load_cache_profile().lookup_ms
    for r in hits:
        assert r["hit_correct"] is True
        assert r["quality"] == pytest.approx(1.0, abs=1e-5)
        assert r["latency_ms"] == lookup and r["cost_usd"] == 0.0
        assert r["satisfaction"] == pytest.approx(satisfaction(1.0, lookup, 0.0, env.config.weights), abs=1e-5)


def test_satisfaction_known_answers() -> None:
    w = SatisfactionWeights()  # 0.6 quality, 0.4 latency (half at 2 s), 0.1 cost per $0.0002
    assert satisfaction(1.0, 0.0, 0.0, w) == pytest.approx(1.0)
    assert satisfaction(0.5, 2000.0, 0.0001, w) == pytest.approx(0.3 + 0.2 - 0.05)
    assert satisfaction(0.0, 6000.0, 0.0, w) == pytest.approx(0.4 / 4)
    custom = SatisfactionWeights(quality=1.0, latency=1.0, cost=1.0, latency_half_ms=1000.0, cost_ref_usd=0.001)
    assert satisfaction(0.2, 3000.0, 0.002, custom) == pytest.approx(0.2 + 0.25 - 2.0)
    with pytest.raises(ValueError):
        SatisfactionWeights(quality=-1.0)
    with pytest.raises(ValueError):
        SatisfactionWeights(latency_half_ms=0.0)


def test_answer_quality_known_answers() -> None:
    assert answer_quality(0.9, 0.75) == pytest.approx(0.6)
    assert answer_quality(0.8, 0.6) == pytest.approx(0.5)
    assert answer_quality(1.0, 0.75) == 1.0
    assert answer_quality(0.75, 0.75) == 0.0
    assert answer_quality(0.3, 0.75) == 0.0  # below the floor: unrelated
    assert answer_quality(1.2, 0.75) == 1.0


def test_cloud_latency_and_cost_from_the_profile(make_env: MakeEnv, edge_bank: RequestBank) -> None:
    """Two CLOUD requests 50 ms apart on a one-slot cloud: the second waits for the first, by hand."""
    p = TEST_CLOUD
    env = make_env(n_edges=1, max_steps=5, cloud_profile=p, workload={"arrival_rate_per_s": 20.0})
    env.reset(seed=0)
    lookup = load_cache_profile().lookup_ms

    def by_hand(k: int) -> tuple[float, float, float, float]:
        item = int(edge_bank.text_item[env.stream.text[0, k]])
        prompt, output = edge_bank.question_tokens[item], edge_bank.answer_tokens[item]
        rtt = max(0.0, p.rtt_ms + p.rtt_jitter_ms * env.stream.jitter[0, k])
        up_ms = 1000.0 * prompt * p.bytes_per_token / p.uplink_bytes_per_s
        down_ms = 1000.0 * output * p.bytes_per_token / p.downlink_bytes_per_s
        network = rtt + up_ms + down_ms
        service = p.ttft_ms + 1000.0 * output / p.tokens_per_s
        cost = (prompt * p.usd_per_1k_input_tokens + output * p.usd_per_1k_output_tokens) / 1000.0
        return float(env.stream.time_ms[0, k]), network, service, cost

    t0, net0, svc0, cost0 = by_hand(0)
    t1, net1, svc1, cost1 = by_hand(1)
    done0 = t0 + lookup + net0 / 2 + svc0
    arrive1 = t1 + lookup + net1 / 2
    assert arrive1 < done0, "the second request must find the slot busy for this test to mean anything"
    expected = [(lookup + net0 + svc0, cost0), (done0 + svc1 + net1 / 2 - t1, cost1)]

    for latency, cost in expected:
        predicted = env.action_outcomes("edge_0")[CLOUD]
        _, rewards, _, _, infos = env.step({"edge_0": CLOUD})
        out = infos["edge_0"]["outcome"]
        assert out["latency_ms"] == pytest.approx(latency, rel=1e-9)
        assert out["cost_usd"] == pytest.approx(cost, rel=1e-9)
        assert out["quality"] == 1.0
        assert rewards["edge_0"] == pytest.approx(satisfaction(1.0, latency, cost, env.config.weights), rel=1e-9)
        assert rewards["edge_0"] == predicted


def test_action_outcomes_change_nothing(make_env: MakeEnv) -> None:
    config = dict(max_steps=60, workload={"arrival_rate_per_s": 0.3, "p_similar": 0.7})
    plain = random_episode(make_env(**config), seed=9, policy_seed=1)
    peeked = random_episode(make_env(**config), seed=9, policy_seed=1, peek=True)
    assert plain == peeked
    assert {r["action"] for r in plain} == {CACHE, EDGE, CLOUD, CLOUD_CONTEXT}


def test_predicted_outcome_is_the_outcome_received(make_env: MakeEnv) -> None:
    env = make_env(max_steps=40, workload={"arrival_rate_per_s": 0.3, "p_similar": 0.7})
    rng = np.random.default_rng(0)
    obs, _ = env.reset(seed=10)
    while env.agents:
        predicted = {a: env.action_outcomes(a) for a in env.agents}
        for a in env.agents:
            mask = obs[a]["action_mask"].astype(bool)
            assert np.isnan(predicted[a][~mask]).all() and np.isfinite(predicted[a][mask]).all()
        actions = {a: int(rng.choice(np.flatnonzero(obs[a]["action_mask"]))) for a in env.agents}
        obs, rewards, *_ = env.step(actions)
        for a, action in actions.items():
            assert rewards[a] == predicted[a][action]


def test_batched_edge_profile_by_hand(make_env: MakeEnv, edge_bank: RequestBank) -> None:
    """Three EDGE requests 50 ms apart on an edge LLM decoding at most 2 rows together: the second joins the
    first's batch (and decodes at the 2-row speed), the third waits for the first row to leave."""
    batched = EdgeLLMProfile("batched", 20.0, 0.5, 40.0, (40.0, 60.0))
    assert (batched.max_batch, TEST_EDGE.max_batch, load_edge_profile().max_batch) == (2, 1, 1)
    assert load_edge_profile(PROFILES / "edge_llm_batched.json").max_batch > 1  # the measured one, opt-in
    with pytest.raises(ValueError, match=r"decode_ms_per_token_by_batch\[1\] \(batch of 2\)"):
        make_env(edge_profile=EdgeLLMProfile("bad", 20.0, 0.5, 40.0, (40.0, -1.0)))
    env = make_env(n_edges=1, max_steps=3, edge_profile=batched, workload={"arrival_rate_per_s": 20.0})
    obs, _ = env.reset(seed=0)
    lookup = load_cache_profile().lookup_ms
    items = [int(edge_bank.text_item[t]) for t in env.stream.text[0]]
    t = [float(x) for x in env.stream.time_ms[0]]

    def service(k: int, decode_ms: float) -> float:
        return 20.0 + 0.5 * edge_bank.question_tokens[items[k]] + decode_ms * edge_bank.edge_tokens[items[k]]

    done0 = t[0] + lookup + service(0, 40.0)
    done1 = t[1] + lookup + service(1, 60.0)
    start2 = min(done0, done1)
    assert t[2] + lookup < start2, "both rows must be busy when the third request comes for this test to mean anything"
    expected = [done0 - t[0], done1 - t[1], start2 + service(2, 60.0) - t[2]]
    wait_column = env.layout.offsets["system"] + 1  # edge LLM wait (s) / 10
    for k, latency in enumerate(expected):
        wait = 0.0 if k < 2 else start2 - t[2]
        assert obs["edge_0"]["observation"][wait_column] == np.float32(wait / 10_000.0)
        obs, _, _, _, infos = env.step({"edge_0": EDGE})
        assert infos["edge_0"]["outcome"]["latency_ms"] == pytest.approx(latency, rel=1e-12)
