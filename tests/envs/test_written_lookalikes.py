"""The team's written look-alikes as requests (bank format 18): labels in the bank, a wrong answer from the cache,
the hard case in the observation, and each split with only its own look-alikes.

Real data: the pinned bank snapshot (the bundled sample's test split, `tests/envs/pinned_episodes.py`) and the
pinned episodes replayed, whose pair features the snapshot stores (no embedder is loaded)."""

from __future__ import annotations


import numpy as np
import pytest

from envs import velo_edge_v1
from envs.bank import RequestBank, all_paraphrase_files, load_bank_file, load_lookalikes, load_paraphrases
from envs.scenarios import SCENARIOS
from velo.policy import CACHE, CACHE_MIN_SCORE


@pytest.fixture(scope="module")
def pinned() -> RequestBank:
    from tests.envs.pinned_episodes import SNAPSHOT

    return load_bank_file(SNAPSHOT)


@pytest.fixture(scope="module")
def lookalike_requests(pinned: RequestBank) -> list[dict]:
    """Every written look-alike request of four `lookalike` episodes (the pinned one, seed 5, and seeds 6-8) whose best cached neighbour
    holds the answer of the question it looks like: what the observation shows and what CACHE would serve."""
    from tests.envs.pinned_episodes import PIN_CLOUD, PIN_EDGE

    rows = []
    for seed in (5, 6, 7, 8):
        env = velo_edge_v1.parallel_env("lookalike", bank=pinned, max_steps=60, edge_profile=PIN_EDGE, cloud_profile=PIN_CLOUD)
        rng = np.random.default_rng(1)
        obs, _ = env.reset(seed=seed)
        while env.agents:
            for e, agent in enumerate(env.agents):
                current = env._current[e]
                of = int(pinned.item_lookalike_of[current["item"]])
                if of < 0 or not len(current["slots"]):
                    continue
                if int(env.caches[e].answer[current["slots"][0]]) // 2 != of:
                    continue
                observation = obs[agent]["observation"]
                rows.append({
                    "similarity": float(env.layout.best_similarity(observation)),
                    "score": float(env.layout.rule_score(observation)),
                    "cache_offered": bool(obs[agent]["action_mask"][CACHE]),
                    "similar": bool(env.stream.similar[e, env.step_index]),
                    "cache": env._outcome(e, CACHE, commit=False),
                })
            obs, *_ = env.step({a: int(rng.choice(np.flatnonzero(obs[a]["action_mask"]))) for a in env.agents})
    return rows


def test_only_lookalike_draws_written_lookalikes() -> None:
    """`lookalike` is the scenario of look-alikes (60 % of its new requests written ones); the others keep the papers' mix."""
    shares = {name: s.workload.p_written_lookalike for name, s in SCENARIOS.items()}
    assert shares.pop("lookalike") == 0.6
    assert set(shares.values()) == {0.0}


def test_lookalikes_are_items_with_their_labels(pinned: RequestBank) -> None:
    """'Do I need a visa to visit China as a US citizen?' (dev.queries.jsonl, a miss of en-t018-a1) is an item of its
    own that looks like en-t018-a1: its language and context, zero answer vectors (no reference answer), the edge quality of its language."""
    written = load_lookalikes(all_paraphrase_files())
    questions = pinned.item_ids[: pinned.n_questions]
    expected = {q for i in questions for q in written.get(i, [])} - set(load_paraphrases(all_paraphrase_files()))
    lookalike_items = np.flatnonzero(pinned.item_lookalike_of >= 0)
    assert lookalike_items.min() == pinned.n_questions == 49 and lookalike_items.size == 72
    texts = {pinned.texts[t]: int(pinned.text_item[t]) for t in range(len(pinned.texts)) if pinned.text_is_original[t]}
    assert {pinned.texts[t] for t in np.flatnonzero(np.isin(pinned.text_item, lookalike_items))} <= expected

    item = texts["Do I need a visa to visit China as a US citizen?"]
    x = pinned.item_ids.index("en-t018-a1")
    assert pinned.item_lookalike_of[item] == x and pinned.item_ids[item].startswith("en-t018-a1#lookalike")
    assert pinned.lookalike_table()[x].count(item) == 1
    assert (pinned.item_lang[item], pinned.item_ctx[item], pinned.item_follow_up[item]) == (
        pinned.item_lang[x], pinned.item_ctx[x], pinned.item_follow_up[x])
    assert not pinned.answer_vecs[item].any() and not pinned.edge_answer_vecs[item].any()
    same_language = pinned.item_lang[: pinned.n_questions] == pinned.item_lang[x]
    assert pinned.edge_quality[item] == pytest.approx(pinned.edge_quality[: pinned.n_questions][same_language].mean())
    assert pinned.paraphrases_of(item).size == 0


def test_serving_the_lookalikes_target_from_cache_is_wrong(lookalike_requests: list[dict]) -> None:
    """X's cached answer served to a look-alike of X: a wrong cached neighbour, answer quality 0; never a similar request."""
    assert len(lookalike_requests) >= 10
    for row in lookalike_requests:
        assert row["cache"]["hit_correct"] is False and row["cache"]["quality"] == 0.0
        assert not row["similar"]


def test_the_observation_shows_the_hard_case(lookalike_requests: list[dict]) -> None:
    """The learner sees look-alikes the hit rule scores above the CACHE floor (CACHE offered, its answer wrong), and
    e5 puts every one close to the cached question."""
    high = [row for row in lookalike_requests if row["score"] >= CACHE_MIN_SCORE]
    assert len(high) >= 3 and max(row["score"] for row in high) > 0.9
    assert all(row["cache_offered"] for row in high)
    assert np.median([row["similarity"] for row in lookalike_requests]) > 0.85


def test_train_and_test_keep_their_own_lookalikes(pinned: RequestBank, tmp_path) -> None:
    """The test split's bank holds look-alikes of test questions only, none of them a train question or a text a train
    bank would hold (the train questions' paraphrases and look-alikes)."""
    import velo.data

    velo.data.prepare(None, tmp_path)
    train = velo.data.load_prepared(tmp_path, "train")
    test_ids = {p.id for p in velo.data.load_prepared(tmp_path, "test")}
    assert set(pinned.item_ids[: pinned.n_questions]) == test_ids
    files = all_paraphrase_files()
    written, reworded = load_lookalikes(files), load_paraphrases(files)
    train_texts = {p.question for p in train}
    for p in train:
        train_texts.update(written.get(p.id, []), reworded.get(p.id, []))
    lookalike_items = np.flatnonzero(pinned.item_lookalike_of >= 0)
    assert all(pinned.item_ids[pinned.item_lookalike_of[i]] in test_ids for i in lookalike_items)
    test_lookalikes = {pinned.texts[t] for t in np.flatnonzero(np.isin(pinned.text_item, lookalike_items))}
    assert len(test_lookalikes) == 72 and not test_lookalikes & train_texts


def test_a_lookalike_is_asked_once_after_its_question(pinned: RequestBank) -> None:
    """In the stream, a written look-alike arrives after the question it looks like, once, as a new request; only
    `lookalike` draws them."""
    for name, expect_some in (("lookalike", True), ("paper", False), ("calm", False)):
        env = velo_edge_v1.parallel_env(name, bank=pinned, max_steps=200)
        env.reset(seed=3)
        stream = env.stream
        order = np.argsort(stream.time_ms, axis=None, kind="stable")
        items = pinned.text_item[stream.text.ravel()[order]]
        seen: set[int] = set()
        written = 0
        for flat, item in zip(order.tolist(), items.tolist()):
            of = int(pinned.item_lookalike_of[item])
            if of >= 0:
                written += 1
                assert of in seen and item not in seen
                assert stream.lookalike.ravel()[flat] and not stream.similar.ravel()[flat]
            seen.add(item)
        assert (written > 0) == expect_some
