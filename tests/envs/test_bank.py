"""The request bank keeps the hit features of pairs it met after its build, across processes."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from envs.bank import (
    ALT_ONE_TEXT,
    PAIRS_FORMAT,
    RequestBank,
    alt_embedder,
    build_bank,
    load_bank_file,
    pair_features,
    save_pair_features,
)


@pytest.fixture()
def bank_dir(edge_bank: RequestBank, velo_home: Path, tmp_path: Path) -> Path:
    """A copy of the session's bank file, with no pair features saved next to it yet."""
    for built in (velo_home / "banks").glob("*.npz"):
        if built.name.count(".") == 1:  # the banks: not their pairs' or candidates' features
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
    np.testing.assert_array_equal(pair_features(again, t, c), feats)  # the very values the first process used
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
    np.testing.assert_array_equal(pair_features(again, t, c), feats)


def test_a_pairs_features_do_not_depend_on_the_pairs_met_before_it(prepared_sample: Path, bank_dir: Path) -> None:
    """Issue 10: a run's features must not depend on what the pair file held. They did: a snippet's second-embedder
    vector was remembered from the batch it was first embedded in (USE's last bits change with the texts batched
    with it), so a pair met after another of the same request got other features than met alone, in 1460 of 1487
    pairs a 6,000-step DLRS run met (max 2.1e-7); and a pair met in the run was used at float64, read back at float32."""
    shutil.copytree(bank_dir, bank_dir.parent / "fresh")
    bank = build_bank(prepared_sample, "train", cache_dir=bank_dir)
    t, c = far_pair(bank)
    c2 = next(int(x) for x in np.flatnonzero(bank.item_ctx[bank.text_item] == bank.item_ctx[bank.text_item[t]])
              if x not in (t, c) and x not in bank.cand[t]
              and bank.item_lang[bank.text_item[x]] == bank.item_lang[bank.text_item[t]])
    pair_features(bank, t, c)
    after = pair_features(bank, t, c2).copy()  # request t's snippets already embedded, with c's
    alone = build_bank(prepared_sample, "train", cache_dir=bank_dir.parent / "fresh")
    np.testing.assert_array_equal(pair_features(alone, t, c2), after)
    save_pair_features(bank)
    read = build_bank(prepared_sample, "train", cache_dir=bank_dir)
    np.testing.assert_array_equal(pair_features(read, t, c2), after)
    assert read._featurizer is None


def test_pair_features_of_an_older_format_are_featurized_again(prepared_sample: Path, bank_dir: Path) -> None:
    """A file without `PAIRS_FORMAT` holds features that depended on the history of the run that wrote them: a bank
    built for training ignores it (the next save replaces it); a snapshot read with `load_bank_file` reads it."""
    bank = build_bank(prepared_sample, "train", cache_dir=bank_dir)
    t, c = far_pair(bank)
    feats = pair_features(bank, t, c).copy()
    np.savez(bank._extra_path, pairs=np.array([[t, c]], dtype=np.int64), feats=(feats + 0.5)[None].astype(np.float32))
    again = build_bank(prepared_sample, "train", cache_dir=bank_dir)
    np.testing.assert_array_equal(pair_features(again, t, c), feats)
    assert again._featurizer is not None, "featurized again"
    assert save_pair_features(again) == 1
    with np.load(again._extra_path) as z:
        assert str(z["format"]) == PAIRS_FORMAT and z["feats"][0].tolist() == feats.astype(np.float32).tolist()
    np.savez(bank._extra_path, pairs=np.array([[t, c]], dtype=np.int64), feats=(feats + 0.5)[None].astype(np.float32))
    built = bank._extra_path.with_name(bank._extra_path.name.removesuffix(".pairs.npz") + ".npz")  # not a glob:
    # `bank_dir` holds every bank the session built before this test (the test split's too, in some orders)
    np.testing.assert_array_equal(pair_features(load_bank_file(built), t, c), (feats + 0.5).astype(np.float32))


def test_the_banks_second_embedder_gives_each_text_the_vector_it_has_alone(tmp_path: Path) -> None:
    """USE's vector of a text changes in its last bits with the texts batched with it; the bank embeds each text alone
    (`envs.bank.alt_embedder`), so a bank no longer depends on what `embeddings.sqlite` held (issue 10: 952 of the
    sample's 965 texts' candidate features differed between a bank built in a used `$VELO_HOME` and in a fresh one)."""
    texts = ["How do I boil an egg?", "What is the capital of Australia and why not Sydney?", "Warum ist der Himmel blau?"]
    alone = np.stack([alt_embedder(None).embed([t])[0] for t in texts])
    np.testing.assert_array_equal(alt_embedder(tmp_path / ALT_ONE_TEXT).embed(texts), alone)
    np.testing.assert_array_equal(alt_embedder(tmp_path / ALT_ONE_TEXT).embed(texts[::-1]), alone[::-1])  # read back


def test_a_bank_of_other_feature_code_is_not_reused(prepared_sample: Path, bank_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bank key holds the digest of `velo.cache`'s source: a bank of the same version and rule built by code that
    featurized its pairs otherwise is built again, not read (the retrain of 2 Dec 17:19 UTC met such a bank)."""
    import envs.bank as bank_module

    build_bank(prepared_sample, "train", cache_dir=bank_dir)  # the session's bank: read, not built

    class Built(Exception):
        pass

    def refuse(*args: object, **kwargs: object) -> None:
        raise Built

    monkeypatch.setattr(bank_module, "_build", refuse)
    build_bank(prepared_sample, "train", cache_dir=bank_dir)  # same code: read again
    monkeypatch.setattr(bank_module, "features_code_digest", lambda: "0" * 16)
    with pytest.raises(Built):
        build_bank(prepared_sample, "train", cache_dir=bank_dir)
