"""Input contract of `velo_edge_v0`: every invalid call raises an error that names the problem, and changes
nothing (see the module docstring's table).

"Changes nothing" is checked against a twin: an environment with the same bank and configuration, reset with
the same seed and given the same valid actions but never the invalid call. After the invalid call both play
on with the same actions, and every observation, reward, termination, truncation, info and record must be
identical.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

import gymnasium.error
import numpy as np
import pytest
from gymnasium.utils.env_checker import data_equivalence

from envs import velo_edge_v0
from envs.bank import RequestBank
from envs.velo_edge_v0 import CACHE, CLOUD, EDGE, ResetNeeded, VeloEdgeEnv
from velo.latency import CloudProfile, EdgeLLMProfile

TEST_EDGE = EdgeLLMProfile("test", 20.0, 0.5, 40.0)
TEST_CLOUD = CloudProfile(
    name="test-cloud", rtt_ms=100.0, rtt_jitter_ms=30.0, uplink_bytes_per_s=10_000.0, downlink_bytes_per_s=20_000.0,
    ttft_ms=300.0, tokens_per_s=50.0, parallel_slots=1, usd_per_1k_input_tokens=0.5, usd_per_1k_output_tokens=1.5,
    bytes_per_token=4.0, context_neighbours=2, context_reuse=0.5,
)
SEED = 3
ALLOWED = r"an integer in 0\.\.3 \(0 cache, 1 edge, 2 cloud, 3 cloud_context\)"

MakeEnv = Callable[..., VeloEdgeEnv]


@pytest.fixture
def make_env(edge_bank: RequestBank) -> MakeEnv:
    def make(**config) -> VeloEdgeEnv:
        config = {"n_edges": 3, "max_steps": 40, "edge_profile": TEST_EDGE,
                  "workload": {"arrival_rate_per_s": 0.5, "p_similar": 0.7}, **config}
        return velo_edge_v0.parallel_env(bank=edge_bank, **config)

    return make


def play(env: VeloEdgeEnv, steps: int, policy_seed: int = 0) -> list[tuple]:
    """Everything `step` returns over `steps` steps (or to the episode's end) of seeded random actions in
    0..3: masked ones included, so the CLOUD fallback is exercised too."""
    rng = np.random.default_rng(policy_seed)
    out = []
    for _ in range(steps):
        if not env.agents:
            break
        out.append(env.step({a: int(rng.integers(4)) for a in env.agents}))
    return out


def started(make_env: MakeEnv, steps: int = 5, **config) -> VeloEdgeEnv:
    """An environment reset with SEED and played `steps` steps: mid-episode, caches and queues not empty."""
    env = make_env(**config)
    env.reset(seed=SEED)
    play(env, steps)
    return env


def same(a, b) -> bool:
    """Equal in type, structure and value, arrays exactly (`data_equivalence` is what `parallel_seed_test` uses)."""
    return data_equivalence(a, b, exact=True)


def assert_untouched(env: VeloEdgeEnv, steps_before: int, policy_seed: int = 1) -> None:
    """`env` continues exactly as a twin that never received the rejected call, to the episode's end."""
    twin = env.with_config()
    twin.reset(seed=SEED)
    play(twin, steps_before)
    assert env.agents == twin.agents
    assert same(env.state(), twin.state())
    assert same(play(env, 100, policy_seed), play(twin, 100, policy_seed))
    assert env.records == twin.records
    assert not env.agents
    assert same(env.reset(), twin.reset())  # an unseeded reset goes on with the same generator


def last_to_arrive(env: VeloEdgeEnv) -> str:
    """The agent whose request is served last this step (an invalid action there used to come too late)."""
    k = len(env.records) // env.config.n_edges
    return env.agents[int(np.argmax(env.stream.time_ms[:, k]))]


# ---------------------------------------------------------------------------------------------- agents
def test_reported_missing_agent_serves_nobody(make_env: MakeEnv) -> None:
    """The issue's example: with edge_2 missing, edge_0 and edge_1 used to be served before a KeyError, and
    served again on the retry."""
    env = make_env(n_edges=3, max_steps=40)
    env.reset(seed=3)
    with pytest.raises(ValueError, match=r"no action for edge_2") as caught:
        env.step({"edge_0": 2, "edge_1": 2})
    assert "edge_0, edge_1, edge_2" in str(caught.value)  # what was expected
    assert env.records == []
    _, rewards, *_ = env.step({"edge_0": 2, "edge_1": 2, "edge_2": 2})
    assert sorted(rewards) == ["edge_0", "edge_1", "edge_2"]
    assert [r["step"] for r in env.records] == [0, 0, 0]  # each request served once
    twin = env.with_config()
    twin.reset(seed=3)
    assert same(rewards, twin.step({"edge_0": 2, "edge_1": 2, "edge_2": 2})[1])
    assert env.records == twin.records


@pytest.mark.parametrize(
    ("actions", "named"),
    [
        ({"edge_0": CLOUD, "edge_2": CLOUD}, r"no action for edge_1"),
        ({}, r"no action for edge_0, edge_1, edge_2"),
        ({"edge_0": CLOUD, "edge_1": CLOUD, "edge_2": CLOUD, "edge_3": CLOUD}, r"unknown agent\(s\) \['edge_3'\]"),
        ({"edge_0": CLOUD, "edge_1": CLOUD, "edge_2": CLOUD, "observer": 0}, r"unknown agent\(s\) \['observer'\]"),
        ({"edge_0": CLOUD, "edge_1": CLOUD, "edge_2": CLOUD, 2: CLOUD}, r"unknown agent\(s\) \[2\]"),
        ({"edge_0": CLOUD, "edge_1": CLOUD, "Edge_2": CLOUD}, r"no action for edge_2; unknown agent\(s\) \['Edge_2'\]"),
    ],
    ids=["missing", "empty", "unknown", "extra-key", "non-string-key", "misspelt"],
)
def test_wrong_agents_rejected(make_env: MakeEnv, actions: dict, named: str) -> None:
    env = started(make_env)
    expected = r"^step\(\) needs one action for each live agent \(edge_0, edge_1, edge_2\): "
    with pytest.raises(ValueError, match=expected + named + "$"):
        env.step(actions)
    assert_untouched(env, steps_before=5)


@pytest.mark.parametrize("actions", [[CLOUD, CLOUD, CLOUD], None, CLOUD, "edge_0"])
def test_actions_not_a_mapping_rejected(make_env: MakeEnv, actions) -> None:
    env = started(make_env)
    with pytest.raises(TypeError, match=r"step\(\) takes a mapping from agent to action, got "):
        env.step(actions)
    assert_untouched(env, steps_before=5)


# ---------------------------------------------------------------------------------------------- action values
BAD_ACTIONS = [
    (-1, ValueError, r"got -1$"),
    (4, ValueError, r"got 4$"),
    (7, ValueError, r"got 7$"),
    (2**70, ValueError, r"got 1180591620717411303424$"),
    (np.int64(4), ValueError, r"got 4$"),
    (np.int8(-1), ValueError, r"got -1$"),
    (2.0, TypeError, r"got 2\.0 \(float\)"),
    (np.float32(2.0), TypeError, r"got np\.float32\(2\.0\) \(float32\)"),
    (math.nan, TypeError, r"got nan \(float\)"),
    (True, TypeError, r"got the bool True"),
    (np.True_, TypeError, r"got the bool np\.True_"),
    (None, TypeError, r"got None \(NoneType\)"),
    ("2", TypeError, r"got '2' \(str\)"),
    ("cloud", TypeError, r"got 'cloud' \(str\)"),
    ([2], TypeError, r"got \[2\] \(list\)"),
    (np.array([2]), TypeError, r"got an array of shape \(1,\) and dtype int64"),
    (np.array([[2]]), TypeError, r"got an array of shape \(1, 1\) and dtype int64"),
    (np.array([1, 2]), TypeError, r"got an array of shape \(2,\) and dtype int64"),
    (np.array(2.0), TypeError, r"got an array of shape \(\) and dtype float64"),
]


@pytest.mark.parametrize(("action", "error", "got"), BAD_ACTIONS, ids=[repr(case[0]) for case in BAD_ACTIONS])
def test_bad_action_rejected_before_anyone_is_served(make_env: MakeEnv, action, error: type, got: str) -> None:
    env = started(make_env)
    actions = {a: CLOUD for a in env.agents}
    agent = last_to_arrive(env)
    actions[agent] = action
    with pytest.raises(error, match=rf"^action of {agent} must be {ALLOWED}, {got}"):
        env.step(actions)
    assert_untouched(env, steps_before=5)


@pytest.mark.parametrize(
    "cloud", [np.int64(CLOUD), np.int32(CLOUD), np.uint8(CLOUD), np.array(CLOUD), np.array(CLOUD, np.int8)], ids=repr
)
def test_numpy_integer_actions_act_like_ints(make_env: MakeEnv, cloud) -> None:
    """What `action_space(agent).sample()` returns (np.int64) and 0-d integer arrays are valid actions."""
    env, twin = make_env(), make_env()
    env.reset(seed=SEED)
    twin.reset(seed=SEED)
    assert env.action_space("edge_0").contains(cloud)
    assert same(env.step(dict.fromkeys(env.agents, cloud)), twin.step(dict.fromkeys(twin.agents, CLOUD)))
    assert env.records == twin.records


@pytest.mark.parametrize("masked", [CACHE, EDGE])
def test_masked_action_is_served_by_cloud_not_rejected(make_env: MakeEnv, masked: int) -> None:
    """A masked action is no input error (module docstring): CLOUD serves it, flagged `invalid_action`."""
    env = make_env(n_edges=1, edge_queue_capacity=1,
                   edge_profile=EdgeLLMProfile("slow", 60_000.0, 0.0, 0.0))  # one minute per EDGE request
    obs, _ = env.reset(seed=SEED)
    if masked == EDGE:  # fill the one-place edge queue first
        obs, *_ = env.step({"edge_0": EDGE})
    assert obs["edge_0"]["action_mask"][masked] == 0
    cloud = env.action_outcomes("edge_0")[CLOUD]
    _, rewards, _, _, infos = env.step({"edge_0": masked})
    assert infos["edge_0"]["outcome"]["invalid_action"] and infos["edge_0"]["outcome"]["action"] == CLOUD
    assert rewards["edge_0"] == cloud


# ---------------------------------------------------------------------------------------------- call order
def test_step_before_reset(make_env: MakeEnv) -> None:
    """`state()` before `reset` had returned zeros, which a centralized critic takes for a state."""
    env = make_env()
    for call, name in ((lambda: env.step({a: CLOUD for a in env.possible_agents}), "step"), (lambda: env.step({}), "step"),
                       (lambda: env.action_outcomes("edge_0"), "action_outcomes"), (env.state, "state")):
        with pytest.raises(ResetNeeded, match=rf"^{name}\(\) before reset\(\): call reset\(\) first") as caught:
            call()
        assert isinstance(caught.value, ValueError) and isinstance(caught.value, gymnasium.error.ResetNeeded)
    env.reset(seed=SEED)
    assert_untouched(env, steps_before=0)


def test_step_after_the_episode_ended(make_env: MakeEnv) -> None:
    env = make_env(max_steps=4)
    env.reset(seed=SEED)
    *_, (_, _, _, truncations, _) = play(env, 4)
    assert all(truncations.values()) and env.agents == []
    records, state = list(env.records), env.state()
    for call in (lambda: env.step({a: CLOUD for a in env.possible_agents}), lambda: env.step({}),
                 lambda: env.action_outcomes("edge_0")):
        with pytest.raises(ResetNeeded, match=r"after the episode ended .*max_steps=4.*call reset\(\)"):
            call()
    assert env.records == records and same(env.state(), state)
    env.reset(seed=SEED)
    assert_untouched(env, steps_before=0)


def test_action_outcomes_of_an_unknown_agent(make_env: MakeEnv) -> None:
    env = started(make_env)
    with pytest.raises(ValueError, match=r"unknown agent 'edge_3'; live agents: edge_0, edge_1, edge_2"):
        env.action_outcomes("edge_3")
    assert_untouched(env, steps_before=5)


# ---------------------------------------------------------------------------------------------- reset
BAD_SEEDS = [
    (-1, ValueError, r"seed must be an integer >= 0, got -1"),
    (np.int64(-5), ValueError, r"seed must be an integer >= 0, got -5"),
    (3.0, TypeError, r"seed must be an integer >= 0, got 3\.0 \(float\)"),
    ("3", TypeError, r"seed must be an integer >= 0, got '3' \(str\)"),
    (True, TypeError, r"seed must be an integer >= 0, got the bool True"),
    ([1, 2], TypeError, r"seed must be an integer >= 0, got \[1, 2\] \(list\)"),
    (np.array([3]), TypeError, r"seed must be an integer >= 0, got array\(\[3\]\) \(ndarray\)"),
    (np.random.default_rng(0), TypeError, r"seed must be an integer >= 0, got Generator"),
]


@pytest.mark.parametrize(("seed", "error", "message"), BAD_SEEDS, ids=[repr(case[0]).split(" at 0x")[0][:30] for case in BAD_SEEDS])  # no address: pytest-xdist's workers must collect the same ids
def test_bad_seed_leaves_the_episode_alone(make_env: MakeEnv, seed, error: type, message: str) -> None:
    env = started(make_env)
    with pytest.raises(error, match=message):
        env.reset(seed=seed)
    assert_untouched(env, steps_before=5)


def test_any_non_negative_integer_seeds(make_env: MakeEnv) -> None:
    """No upper bound: numpy's SeedSequence takes integers of any size, each its own reproducible episode."""
    huge = 2**200
    first, again, other = make_env(), make_env(), make_env()
    first.reset(seed=huge)
    again.reset(seed=huge)
    other.reset(seed=huge + 1)
    assert same(play(first, 100), play(again, 100))
    assert first.records == again.records
    play(other, 100)
    assert [r["satisfaction"] for r in other.records] != [r["satisfaction"] for r in first.records]
    as_numpy, as_int = make_env(), make_env()
    assert same(as_numpy.reset(seed=np.uint64(SEED)), as_int.reset(seed=SEED))
    assert same(play(as_numpy, 100), play(as_int, 100))


@pytest.mark.parametrize("options", ["fast", [("fast", True)], 1])
def test_options_not_a_mapping_rejected(make_env: MakeEnv, options) -> None:
    env = started(make_env)
    with pytest.raises(TypeError, match=rf"options must be None or a mapping, got {type(options).__name__}"):
        env.reset(seed=SEED, options=options)
    assert_untouched(env, steps_before=5)


def test_options_are_ignored_with_a_warning(make_env: MakeEnv) -> None:
    """The env reads no options; PettingZoo's API test passes {"options": 1}, so keys warn instead of raising."""
    env, twin = make_env(), make_env()
    with pytest.warns(UserWarning, match=r"velo_edge_v0 reads no reset options; ignored: \['fast', 'max_steps'\]"):
        got = env.reset(seed=SEED, options={"max_steps": 5, "fast": True})
    assert same(got, twin.reset(seed=SEED, options={}))
    assert same(play(env, 100), play(twin, 100))


# ---------------------------------------------------------------------------------------------- constructor
BAD_CONFIGS = [
    ({"n_edges": 0}, ValueError, r"n_edges must be an integer >= 1, got 0"),
    ({"n_edges": 2.5}, TypeError, r"n_edges must be an integer >= 1, got 2\.5 \(float\)"),
    ({"n_edges": True}, TypeError, r"n_edges must be an integer >= 1, got the bool True"),
    ({"max_steps": 0}, ValueError, r"max_steps must be an integer >= 1, got 0"),
    ({"max_steps": -40}, ValueError, r"max_steps must be an integer >= 1, got -40"),
    ({"max_steps": "40"}, TypeError, r"max_steps must be an integer >= 1, got '40' \(str\)"),
    ({"top_v": 0}, ValueError, r"top_v must be an integer >= 1, got 0"),
    ({"cache_capacity": 0}, ValueError, r"cache_capacity must be an integer >= 1, got 0"),
    ({"edge_queue_capacity": -1}, ValueError, r"edge_queue_capacity must be an integer >= 1, got -1"),
    ({"eviction": "fifo"}, ValueError, r"eviction must be 'lru' or 'lfu', got 'fifo'"),
    ({"ttl_s": 0.0}, ValueError, r"ttl_s must be a number in \(0\.0, inf\], got 0\.0"),
    ({"ttl_s": math.nan}, ValueError, r"ttl_s must be a number in \(0\.0, inf\], got nan"),
    ({"split": "dev"}, ValueError, r"split must be one of train, test or None \(both\), got 'dev'"),
    ({"edge_quality_fallback": 1.5}, ValueError, r"edge_quality_fallback must be a number in \[0\.0, 1\.0\], got 1\.5"),
    # nc19 finding 9: 1.5 was accepted (the mask then never offered CACHE) while the CLI's --cache-min-score refused it
    ({"cache_min_score": 1.5}, ValueError, r"cache_min_score must be a number in \[0\.0, 1\.0\], got 1\.5"),
    ({"cache_min_score": math.nan}, ValueError, r"cache_min_score must be a number in \[0\.0, 1\.0\], got nan"),
    ({"write_back_edge": "yes"}, TypeError, r"write_back_edge must be a bool, got 'yes'"),
    ({"workload": "heavy"}, TypeError, r"workload must be WorkloadConfig \(or, via parallel_env, a dict of its fields\), got str"),
    ({"workload": {"p_similar": 1.5}}, ValueError, r"p_similar must lie in \[0, 1\], got 1\.5"),
    ({"workload": {"locality": -0.1}}, ValueError, r"locality must lie in \[0, 1\], got -0\.1"),
    ({"workload": {"p_exact_repeat": math.nan}}, ValueError, r"p_exact_repeat must lie in \[0, 1\], got nan"),
    ({"workload": {"zipf_s": -1.0}}, ValueError, r"zipf_s must be a finite number >= 0, got -1\.0"),
    ({"workload": {"p_similar": "high"}}, TypeError, r"p_similar must be a number, got 'high' \(str\)"),
    ({"workload": {"arrival_rate_per_s": -1.0}}, ValueError, r"arrival_rate_per_s: .*must be finite and > 0, got -1"),
    ({"workload": {"arrival_rate_per_s": 0.0}}, ValueError, r"arrival_rate_per_s: .*must be finite and > 0, got 0"),
    ({"workload": {"arrival_rate_per_s": math.nan}}, ValueError, r"arrival_rate_per_s: arrival rates must be finite"),
    ({"workload": {"arrival_rate_per_s": (0.5, 5.0)}}, ValueError,
     r"workload\.arrival_rate_per_s: 2 arrival rates given for 3 edges \(give one rate, or one per edge\)"),
    ({"workload": {"bogus": 1}}, TypeError, r"unknown workload argument\(s\) \['bogus'\]; allowed: p_similar, "),
    ({"weights": {"quality": -1.0}}, ValueError, r"satisfaction weights must be >= 0"),
    ({"weights": {"qualty": 1.0}}, TypeError, r"unknown weights argument\(s\) \['qualty'\]; allowed: quality, "),
    ({"n_edge": 3}, TypeError, r"unknown velo_edge_v0 argument\(s\) \['n_edge'\]; allowed: n_edges, max_steps, "),
    ({"edge_profile": "fast"}, TypeError, r"edge_profile must be EdgeLLMProfile or None, got str"),
    ({"edge_profile": replace(TEST_EDGE, decode_ms_per_token=-1.0)}, ValueError,
     r"edge_profile\.decode_ms_per_token must be a number in \[0\.0, inf\], got -1\.0"),
    ({"cloud_profile": replace(TEST_CLOUD, parallel_slots=0)}, ValueError,
     r"cloud_profile\.parallel_slots must be an integer >= 1, got 0"),
    ({"cloud_profile": replace(TEST_CLOUD, tokens_per_s=0.0)}, ValueError,
     r"cloud_profile\.tokens_per_s must be a number in \(0\.0, inf\], got 0\.0"),
    ({"cloud_profile": replace(TEST_CLOUD, context_reuse=2.0)}, ValueError,
     r"cloud_profile\.context_reuse must be a number in \[0\.0, 1\.0\], got 2\.0"),
]


@pytest.mark.parametrize(("config", "error", "message"), BAD_CONFIGS, ids=[repr(case[0])[:60] for case in BAD_CONFIGS])
def test_bad_configuration_rejected_at_construction(make_env: MakeEnv, config: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        make_env(**config)
    env = started(make_env)
    with pytest.raises(error, match=message):
        env.with_config(**config)
    assert_untouched(env, steps_before=5)


def test_numpy_integers_configure_like_ints(make_env: MakeEnv) -> None:
    env = make_env(n_edges=np.int64(2), max_steps=np.int32(10))
    assert env.config == make_env(n_edges=2, max_steps=10).config
    assert type(env.config.n_edges) is int and env.possible_agents == ["edge_0", "edge_1"]
