"""The edge server and the environment observe the same request and the same cached neighbours alike.

Real requests and answers (the look-alikes an edge served from its cache with the shipped DLRS: "What is the capital of
Australia?" the answer to "... of France?") are made a request bank (`envs.bank.build_bank`), observed the environment's
way (`velo_edge_v0`'s `_prepare` and `_observation` over a `MemoryCache` holding the cached questions) and the edge's way
(a milvus-lite `SemanticCache` holding the same, `services.edge_serving.observe`), and compared field by field. They
agree (the embedder's last bits aside): what the shipped DLRS did live, it does on the environment's observation too, so
its false hits were no drift of the observation but states its training never showed it (issue: look-alikes that differ
from a cached question by one word). The `cache_min_score` floor is checked on the same lookups, and the environment's
action mask against the edge's (`velo.policy.cache_servable` on both sides).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from envs import velo_edge_v0
from envs.bank import build_bank
from envs.edge_config import EdgeEnvConfig
from services.edge import EdgeSettings
from services.edge_serving import Looked, observe, servable_from_cache
from velo.cache import CacheConfig
from velo.cache.factory import open_cache
from velo.cache.memory_cache import MemoryCache
from velo.data.prepare import FORMAT_VERSION, Manifest
from velo.policy import CACHE, CACHE_MIN_SCORE, CLOUD_CONTEXT
from velo.types import HitFeatures, Source

CACHED = [
    ("What is the capital of France?", "The capital of France is Paris."),
    ("How many legs does a spider have?", "Spiders have eight legs."),
    ("Who was the first president of the United States?", "George Washington (1789-1797)."),
    ("What are the side effects of ibuprofen?", "Stomach upset, heartburn, and in rare cases ulcers or kidney problems."),
]
LOOKALIKES = [
    ("What is the capital of Australia?", "The capital of Australia is Canberra."),
    ("How many eyes does a spider have?", "Most spiders have eight eyes."),
    ("Who was the second president of the United States?", "John Adams (1797-1801)."),
    ("What are the side effects of paracetamol?", "Rarely a rash, and liver damage in an overdose."),
]
"""Each with its own answer: in the bank they are items of their own, as the environment's look-alikes are."""


def _prepared(out: Path, pairs: list[tuple[str, str]]) -> Path:
    """`pairs` as `velo data prepare` leaves them (all in the train split)."""
    out.mkdir()
    rows = [{"id": f"p{i}", "question": q, "answer": a, "lang": "en", "conversation_id": f"c{i}", "context": [], "split": "train"}
            for i, (q, a) in enumerate(pairs)]
    (out / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    (out / "test.jsonl").write_text("", encoding="utf-8")
    manifest = Manifest(FORMAT_VERSION, 0, 0.0, ("en",), None, (), (), {"en": {"train": len(rows), "test": 0}}, {})
    (out / "manifest.json").write_text(manifest.to_json(), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def both_ways(tmp_path_factory: pytest.TempPathFactory, velo_home: Path):
    """Per look-alike, then per cached question asked again: (question, the environment's observation, the edge's
    observation, the edge's `Looked`, the environment's action mask), and the layout."""
    tmp = tmp_path_factory.mktemp("observe")
    bank = build_bank(_prepared(tmp / "data", CACHED + LOOKALIKES), "train", paraphrase_files=[], cache_dir=tmp / "banks")
    env = velo_edge_v0.parallel_env(bank=bank, n_edges=1, max_steps=4)
    env.reset(seed=0)
    now = env._times[0][env.step_index]
    cache = env.caches[0] = MemoryCache(env.caches[0].config)
    for item, (question, _) in enumerate(CACHED):  # as a cloud answer's write-back (`_apply_writes`), a second before
        text = bank.texts.index(question)
        cache.insert(env._key(item), text, 2 * item, bank.text_vecs[text], now / 1000.0 - 1.0, 0)
    out = []
    with open_cache(CacheConfig(uri=str(tmp / "edge.db"), collection="observe")) as live:
        live.insert_many([(q, a, "en") for q, a in CACHED], source=Source.CLOUD)
        for question, _ in LOOKALIKES + CACHED:
            env._texts[0][env.step_index] = bank.texts.index(question)
            env._current[0] = env._prepare(0)
            simulated = env._observation(0)
            result = live.lookup(question, lang="en", record=False)
            looked = Looked(live.embedder.embed([question])[0], tuple(result.neighbours), result.decision, None)
            # the edge's own load differs from the simulated edge's by design: both observed under the environment's
            out.append((question, simulated["observation"], observe(env.layout, looked, "en", False, env._system_load(0)), looked,
                        simulated["action_mask"].copy()))
    return env.layout, out


def test_the_edge_observes_a_look_alike_as_the_environment_does(both_ways) -> None:
    layout, cases = both_ways
    names = [*HitFeatures.names(), "rule score", "rule verdict"]
    for question, simulated, live, *_ in cases[:len(LOOKALIKES)]:
        for segment in ("request", "language", "follow_up", "system"):
            np.testing.assert_allclose(layout.segment(live, segment), layout.segment(simulated, segment), atol=1e-5,
                                       err_msg=f"{question!r}: {segment}")
        present = layout.neighbours(simulated)[:, 1] > 0.5
        assert present.sum() == len(CACHED), question  # every cached question of the language is a neighbour; the rest padding
        for field, name in enumerate(("similarity", "present", "from_edge", "hits")):
            np.testing.assert_allclose(layout.neighbours(live)[:, field], layout.neighbours(simulated)[:, field], atol=1e-5,
                                       err_msg=f"{question!r}: neighbours' {name}")
        for i, name in enumerate(names):
            assert layout.segment(live, "decision")[i] == pytest.approx(layout.segment(simulated, "decision")[i], abs=1e-5), \
                f"{question!r}: {name}"
        assert not layout.rule_verdict(live) and layout.rule_score(live) < 0.05, question  # the hit rule rejects every one


def test_the_edge_offers_no_look_alike_the_rule_rejects_to_its_policy(both_ways) -> None:
    _, cases = both_ways
    for question, _, _, looked, _ in cases[:len(LOOKALIKES)]:
        assert looked.neighbours[0].similarity > 0.84, question  # close in embedding: a cosine threshold would serve them
        assert not servable_from_cache(looked, 0.5), question
        assert servable_from_cache(looked, 0.0), question  # no floor: any neighbour may be served (the behaviour before)
    assert not servable_from_cache(Looked(None, (), None, "the cache is down"), 0.0)


def test_the_environment_masks_cache_as_the_edge_does(both_ways) -> None:
    """One floor (`velo.policy.cache_servable`, 0.5 by default on both sides): the environment's mask refuses CACHE for
    the look-alikes the rule scores below it and offers it for the cached questions asked again, as the edge does."""
    layout, cases = both_ways
    assert EdgeSettings().cache_min_score == EdgeEnvConfig().cache_min_score == CACHE_MIN_SCORE == 0.5
    for question, simulated, _, looked, mask in cases:
        above = layout.rule_score(simulated) >= CACHE_MIN_SCORE
        assert above == (question in dict(CACHED)), (question, layout.rule_score(simulated))
        assert bool(mask[CACHE]) == above == servable_from_cache(looked, CACHE_MIN_SCORE), question
        assert mask[CLOUD_CONTEXT] == 1, question  # cloud with context needs a neighbour only, on both sides
