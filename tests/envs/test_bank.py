"""The request bank keeps the hit features of pairs it met after its build, across processes."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from envs.bank import RequestBank, build_bank, pair_features, save_pair_features


@pytest.fixture()
def bank_dir(edge_bank: RequestBank, velo_home: Path, tmp_path: Path) -> Path:
    """A copy of the session's bank file, with no pair features saved next to it yet."""
    for built in (velo_home / "banks").glob("*.npz"):
        if not built.name.endswith(".pairs.npz"):
            shutil.copy(built, tmp_path / built.name)
    return tmp_path


def far_pair(bank: RequestBank, skip: int = 0) -> tuple[int, int]:
    """A (request text, cached text) pair of the same language and context outside the precomputed candidates."""
    group = bank.item_lang[bank.text_item] * 10_000 + bank.item_ctx[bank.text_item]
    found = 0
    for t in range(len(bank.texts)):
        for c in np.flatnonzero(group == group[t]):
            if c != t and c not in bank.cand[t]:
                if found == skip:
                    return t, int(c)
                found += 1
    raise AssertionError("every pair is a precomputed candidate")


def test_pairs_met_after_the_build_are_saved_and_reloaded(prepared_sample: Path, bank_dir: Path) -> None:
    bank = build_bank(prepared_sample, "train", cache_dir=bank_dir)
    t, c = far_pair(bank)
    feats = pair_features(bank, t, c).copy()
    assert bank._featurizer is not None, "a far pair is featurized on first use"
    assert save_pair_features(bank) == 1

    again = build_bank(prepared_sample, "train", cache_dir=bank_dir)
    np.testing.assert_allclose(pair_features(again, t, c), feats, rtol=1e-6)
    assert again._featurizer is None, "a saved pair is never featurized again"

    # another process saved more meanwhile: both survive the next save
    t2, c2 = far_pair(bank, skip=1)
    pair_features(again, t2, c2)
    assert save_pair_features(again) == 2
    assert save_pair_features(bank, min_new=5) == 1, "below min_new nothing is written"
    reloaded = build_bank(prepared_sample, "train", cache_dir=bank_dir)
    assert {(t, c), (t2, c2)} <= set(reloaded._extra)


def test_damaged_pair_features_are_ignored_and_recomputed(prepared_sample: Path, bank_dir: Path) -> None:
    bank = build_bank(prepared_sample, "train", cache_dir=bank_dir)
    t, c = far_pair(bank)
    feats = pair_features(bank, t, c).copy()
    save_pair_features(bank)
    bank._extra_path.write_bytes(b"not an npz file")
    with pytest.warns(UserWarning, match="damaged pair features"):
        again = build_bank(prepared_sample, "train", cache_dir=bank_dir)
    np.testing.assert_allclose(pair_features(again, t, c), feats, rtol=1e-5)
