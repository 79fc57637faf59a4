"""The labelled pairs of a request bank (`envs.bank_pairs`), on the bundled sample's real train bank (real e5 + USE
features): labels read from the bank's items against a brute-force walk over its candidates."""

from __future__ import annotations

import numpy as np

from envs.bank import RequestBank
from envs.bank_pairs import labelled_pairs, served_counts
from velo.cache.decision import default_rule


def test_the_labelled_pairs_are_the_candidates_the_items_label(edge_bank: RequestBank) -> None:
    bank = edge_bank
    pairs = labelled_pairs(bank)
    expected = {}
    for t in range(len(bank.texts)):
        it = int(bank.text_item[t])
        of = int(bank.item_lookalike_of[it])
        for col, c in enumerate(bank.cand[t].tolist()):
            if c < 0:
                continue
            ic = int(bank.text_item[c])
            if of < 0 and ic == it and c != t:
                expected[(t, c)] = (True, bank.item_ids[it], col)
            elif of >= 0 and ic == of:
                expected[(t, c)] = (False, bank.item_ids[of], col)
    got = {(t, c): (r, q) for t, c, r, q in zip(pairs.request.tolist(), pairs.cached.tolist(), pairs.right.tolist(), pairs.question)}
    assert got == {k: v[:2] for k, v in expected.items()}
    assert pairs.right.any() and (~pairs.right).any(), "the sample's bank has rewordings and look-alikes"
    for row, (t, c) in zip(pairs.features, zip(pairs.request.tolist(), pairs.cached.tolist())):
        np.testing.assert_array_equal(row, bank.cand_feats[t, expected[(t, c)][2]].astype(np.float64))


def test_served_counts_are_the_rules_decisions(edge_bank: RequestBank) -> None:
    pairs = labelled_pairs(edge_bank)
    rule = default_rule(edge_bank.rule.embedder)
    served = np.array([rule.accepts(rule.score_vector(x)) for x in pairs.features])
    assert served_counts(pairs, lambda x: rule.accepts(rule.score_vector(x))) == (
        int((served & ~pairs.right).sum()), int((served & pairs.right).sum())
    )
    assert served_counts(pairs, lambda x: False) == (0, 0)
    assert served_counts(pairs, lambda x: True) == (int((~pairs.right).sum()), int(pairs.right.sum()))
