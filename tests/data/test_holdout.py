"""The train split's hold-out (`velo.data.holdout`): fixed, independent of order and of the train / test hash, and
disjoint from what `velo cache calibrate` fits on (its bank pairs and its seeds / queries)."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import numpy as np

from envs.bank import RequestBank
from envs.bank_pairs import labelled_pairs, of_questions, without_questions
from velo.cache.evaluation import Query, Seed
from velo.cli.cache import held_out_rows
from velo.data import load_prepared
from velo.data.holdout import HOLDOUT_FRACTION, held_out_ids, held_out_questions, is_held_out
from velo.data.prepare import split_of


def test_the_hold_out_is_pinned() -> None:
    # Pinned when the hold-out was introduced: a change of the hash, salt or fraction moves these, and a rule judged on
    # the old hold-out could have been fitted on the new one.
    ids = [f"conv-{i}" for i in range(1000)]
    held = [i for i in ids if is_held_out(i)]
    assert len(held) == 195
    assert held[:6] == ["conv-3", "conv-5", "conv-15", "conv-18", "conv-20", "conv-32"]


def test_the_fraction_holds_on_both_sides_of_the_train_test_hash() -> None:
    ids = [f"c{i}" for i in range(20000)]
    for split in ("train", "test"):
        chosen = [i for i in ids if split_of(i, 0, 0.2) == split]
        share = sum(map(is_held_out, chosen)) / len(chosen)
        assert abs(share - HOLDOUT_FRACTION) < 0.015, (split, share)


def test_held_out_ids_do_not_depend_on_order_or_other_pairs(prepared_sample: Path) -> None:
    pairs = load_prepared(prepared_sample, "train")
    held = held_out_ids(pairs)
    assert 0 < len(held) < len(pairs)
    shuffled = pairs[:]
    random.Random(7).shuffle(shuffled)
    assert held_out_ids(shuffled) == held
    assert held_out_ids(shuffled[: len(shuffled) // 2]) == held & {p.id for p in shuffled[: len(shuffled) // 2]}
    assert held_out_questions(prepared_sample) == held
    by_conversation: dict[str, set[bool]] = {}
    for p in pairs:
        by_conversation.setdefault(p.conversation_id, set()).add(p.id in held)
    assert all(len(sides) == 1 for sides in by_conversation.values()), "a conversation is held out whole"


def test_no_prepared_data_holds_nothing_out(tmp_path: Path) -> None:
    assert held_out_questions(tmp_path / "nothing") == frozenset()


def test_the_bank_pairs_split_into_fit_and_hold_out(edge_bank: RequestBank, prepared_sample: Path) -> None:
    pairs = labelled_pairs(edge_bank)
    held = held_out_questions(prepared_sample)
    fit, judged = without_questions(pairs, held), of_questions(pairs, held)
    assert len(fit.right) + len(judged.right) == len(pairs.right) and len(judged.right) > 0 and len(fit.right) > 0
    assert not set(fit.question) & held and set(judged.question) <= held
    assert not {(int(t), int(c)) for t, c in zip(fit.request, fit.cached)} & {(int(t), int(c)) for t, c in zip(judged.request, judged.cached)}
    for part in (fit, judged):
        rows = {(int(t), int(c)): i for i, (t, c) in enumerate(zip(pairs.request, pairs.cached))}
        for k, (t, c) in enumerate(zip(part.request.tolist(), part.cached.tolist())):
            i = rows[(t, c)]
            np.testing.assert_array_equal(part.features[k], pairs.features[i])
            assert part.right[k] == pairs.right[i] and part.question[k] == pairs.question[i]


def test_calibration_rows_leave_out_every_held_out_question() -> None:
    seeds = [Seed("a", "What is X?", "x", "en"), Seed("b", "What is Y?", "y", "en"), Seed("c", "What is Z?", "z", "en")]
    queries = [
        Query("What's X?", "en", "hit", "a", {"of": "a"}),
        Query("What is X made of?", "en", "miss", None, {"of": "a"}),  # a look-alike of a: its question by `of` only
        Query("What's Y?", "en", "hit", "b", {"of": "b"}),
        Query("Y, what is it?", "en", "hit", "b"),  # no `of`: its question by target
        Query("Where is Z?", "en", "miss", None, {"of": "c"}),
    ]
    fit_seeds, fit_queries = held_out_rows(seeds, queries, frozenset({"b"}), None)
    assert [s.id for s in fit_seeds] == ["a", "c"]
    assert [q.question for q in fit_queries] == ["What's X?", "What is X made of?", "Where is Z?"]
    judged_seeds, judged_queries = held_out_rows(seeds, queries, frozenset(), frozenset({"b"}))
    assert judged_seeds == seeds, "judged against every seed a cache would hold"
    assert [q.question for q in judged_queries] == ["What's Y?", "Y, what is it?"]
    merged = dataclasses.replace(queries[0], target="b")  # a rewording of a merged into b's seed: b's, so held out
    assert held_out_rows(seeds, [merged], frozenset({"b"}), None)[1] == []
