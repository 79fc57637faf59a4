"""The labelled (request text, cached text) pairs of a request bank: what the environment's hit decisions meet.

`velo cache calibrate` fits the hit rule on lookups that compare a query with its seed's own wording, while in the
environment (`envs.bank.RequestBank`: `cand` / `cand_feats`) a request meets the candidate cached texts of its
language and context, most often a cached REWORDING of the question: 74.7 % of the oasst1 train bank's 8,330
look-alike pairs are against a rewording, not the oasst1 wording. A rule fitted on the first alone served more of the environment's
written look-alikes than it should (the interactions model of rule format 29: `docs/hit-rule-formats.md`). The
pairs here are a calibration source of their own (`velo cache calibrate --bank-split`):

| pair (t, c), c among t's candidates | label |
|---|---|
| t and c two wordings of one oasst1 question (`text_item` equal), t != c | right: serving c's answer answers t |
| t a written look-alike of question q (`item_lookalike_of`), c a wording of q | false: c's answer does not answer t |

Every other candidate pair (another question's text, a look-alike as the cached text) is left out: the bank does not
say whether its answer would answer. Features are the bank's own (`cand_feats`, `HitFeatures` order, float32 as
stored), so the pairs are exactly the ones the environment decides on.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from envs.bank import RequestBank


class BankPairs(NamedTuple):
    """The labelled candidate pairs of a bank, one row each (N pairs, F = len(HitFeatures.names()))."""

    features: np.ndarray
    """(N, F) float64 hit features of the request text against the cached text, `HitFeatures` order."""
    right: np.ndarray
    """(N,) bool: serving the cached text's answer is right (two wordings of one question); False: a look-alike."""
    question: list[str]
    """(N,) the oasst1 id of the question both texts belong to or look like: a calibration fold keeps it whole."""
    request: np.ndarray
    """(N,) int text index of the request (`RequestBank.texts`)."""
    cached: np.ndarray
    """(N,) int text index of the cached text."""


def labelled_pairs(bank: RequestBank) -> BankPairs:
    """Every candidate pair of `bank` the module docstring labels, in (request text, candidate column) order."""
    item = bank.text_item
    of = bank.item_lookalike_of
    t, col = np.nonzero(bank.cand >= 0)
    c = bank.cand[t, col]
    ti, ci = item[t], item[c]
    right = (t != c) & (ti == ci) & (of[ti] < 0)
    false = (of[ti] >= 0) & (ci == of[ti])
    keep = right | false
    question = np.where(of[ti] >= 0, of[ti], ti)[keep]
    return BankPairs(
        bank.cand_feats[t[keep], col[keep]].astype(np.float64), right[keep], [bank.item_ids[q] for q in question.tolist()],
        t[keep], c[keep],
    )


def served_counts(pairs: BankPairs, accepts) -> tuple[int, int]:
    """(false pairs served, right pairs served) when `accepts(features row) -> bool` decides each pair."""
    served = np.array([bool(accepts(x)) for x in pairs.features], dtype=bool)
    return int((served & ~pairs.right).sum()), int((served & pairs.right).sum())


def _subset(pairs: BankPairs, mask: np.ndarray) -> BankPairs:
    return BankPairs(
        pairs.features[mask], pairs.right[mask], [q for q, m in zip(pairs.question, mask.tolist()) if m],
        pairs.request[mask], pairs.cached[mask],
    )


def without_questions(pairs: BankPairs, questions: frozenset[str]) -> BankPairs:
    """The pairs of every question but `questions` (oasst1 ids): what calibration fits on (`velo.data.holdout`)."""
    return _subset(pairs, np.array([q not in questions for q in pairs.question], dtype=bool))


def of_questions(pairs: BankPairs, questions: frozenset[str]) -> BankPairs:
    """The pairs of `questions` only (oasst1 ids): the hold-out a rule is judged on (`velo.data.holdout`)."""
    return _subset(pairs, np.array([q in questions for q in pairs.question], dtype=bool))
