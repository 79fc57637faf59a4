"""A request bank's build says what it builds, why, about how long and where, then its stages' progress (svc42 item 1).

A first `velo evaluate` built its test split's bank for 42 minutes and printed nothing. Here a small bank (a dozen
prepared pairs, no paraphrase files, real embedders) is built reporting to a `velo.progress.Steps` that keeps what it is
told; reading it back says nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

import velo.data
from envs.bank import BANK_VERSION, build_bank
from envs.bank_notice import RATE_FILE, SECONDS_PER_PAIR, seconds_per_pair, why_built
from tests.data.test_prepare import conversation, write_jsonl
from velo.progress import duration


class Told:
    """`velo.progress.Steps` that keeps what a build tells it."""

    def __init__(self) -> None:
        self.notes: list[str] = []
        self.stages: list[list] = []  # [what, total, units advanced]

    def note(self, text: str) -> None:
        self.notes.append(text)

    def start(self, what: str, total: int) -> None:
        self.stages.append([what, total, 0])

    def advance(self, n: int = 1) -> None:
        self.stages[-1][2] += n


@pytest.fixture(scope="module")
def small_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twelve one-turn English conversations, prepared (both splits non-empty)."""
    src = tmp_path_factory.mktemp("small-src")
    subjects = ["cats purr", "the sky is blue", "bread rises", "ice floats", "leaves fall", "bees dance", "owls hoot",
                "tides turn", "milk sours", "stars twinkle", "iron rusts", "dogs bark"]
    records = []
    for i, subject in enumerate(subjects):
        tree = conversation(f"t{i}", "en", depth=1)
        tree[0]["text"], tree[1]["text"] = f"Why do {subject}?", f"Because of how {subject} works, in short."
        records += tree
    out = tmp_path_factory.mktemp("small-data")
    velo.data.prepare([write_jsonl(src / "a.messages.jsonl", records)], out, test_fraction=0.5, require_both_splits=True)
    return out


def test_a_build_says_what_why_how_long_and_where_then_reports_each_stage(small_data: Path, tmp_path: Path) -> None:
    told = Told()
    bank = build_bank(small_data, "train", paraphrase_files=[], cache_dir=tmp_path, steps=told)
    items, texts = bank.n_items, len(bank.texts)
    pairs = int(np.count_nonzero(bank.cand >= 0))
    [note] = told.notes
    (path,) = [p for p in tmp_path.glob("*.npz") if p.name.count(".") == 1]
    assert note.startswith(f"building the request bank of the train split of {small_data} ({items} items, {texts} texts, "
                           f"{pairs} pairs to featurize): first run: no request bank is built there yet; about "), note
    fewest, most = SECONDS_PER_PAIR
    assert (f"about {duration(pairs * fewest)} to {duration(pairs * most)} ({fewest:.3g} to {most:.3g} s per pair, the first with "
            f"the embedders' vectors of these texts cached, the second with none, on 2 busy cores); kept in {path} and read") in note, note
    assert told.stages == [["embedding questions and answers (e5)", texts + items, texts + items],
                           ["featurizing pairs (hit features: USE and the cache's readers)", pairs, pairs]], told.stages
    rate = json.loads((tmp_path / RATE_FILE).read_text())
    assert rate["pairs"] == pairs and rate["seconds_per_pair"] > 0, rate

    again = Told()
    read = build_bank(small_data, "train", paraphrase_files=[], cache_dir=tmp_path, steps=again)
    assert (again.notes, again.stages) == ([], []) and read.texts == bank.texts  # read, not built: nothing to say

    told = Told()
    build_bank(small_data, "test", paraphrase_files=[], cache_dir=tmp_path, steps=told)  # another split: the measured rate
    assert re.search(r"s per pair, as the last build in .* took \(\d+ pairs in \d+ s\)\)", told.notes[0]), told.notes
    assert "no bank of these inputs yet" in told.notes[0], told.notes


def test_why_a_bank_is_built_names_a_format_change(tmp_path: Path) -> None:
    np.savez(tmp_path / "0123456789abcdef.npz", meta=np.array(json.dumps({"version": "velo.bank/32", "texts": []})))
    assert why_built(tmp_path, BANK_VERSION) == f"the bank format changed (velo.bank/32 -> {BANK_VERSION}): banks built before are not read"
    assert why_built(tmp_path / "none", BANK_VERSION) == "first run: no request bank is built there yet"
    (tmp_path / RATE_FILE).write_text("not json")
    assert seconds_per_pair(tmp_path)[:2] == SECONDS_PER_PAIR  # a damaged rate file is a hint never trusted


def test_a_second_process_waits_for_the_build_and_reads_the_bank_it_saved(small_data: Path, tmp_path: Path) -> None:
    """Two `velo evaluate` runs side by side used to build the same bank each; the second now waits for the first's
    lock on `<key>.lock` and reads what it saved (`envs.bank_notice.one_build`). The lock is a real `flock`: a second
    open file description conflicts even within one process, so this test holds it as the other process would."""
    import shutil
    import threading

    from envs.bank_notice import one_build

    first = tmp_path / "first"
    built = build_bank(small_data, "train", paraphrase_files=[], cache_dir=first)
    (saved,) = [p for p in first.glob("*.npz") if p.name.count(".") == 1]
    other, told, result = tmp_path / "other", Told(), {}
    with one_build(other, saved.stem, Told()):
        waiting = threading.Thread(target=lambda: result.setdefault("bank", build_bank(
            small_data, "train", paraphrase_files=[], cache_dir=other, steps=told)))
        waiting.start()
        for _ in range(600):  # until it says it waits (it loads nothing else first)
            if told.notes:
                break
            waiting.join(0.05)
        assert told.notes == [f"waiting for another process that is building this request bank ({other / saved.stem}.npz); "
                              "it is read when that build ends"], told.notes
        assert waiting.is_alive()
        shutil.copyfile(saved, other / saved.name)  # what the process holding the lock saves before it ends
    waiting.join(60)
    assert not waiting.is_alive()
    assert told.stages == [] and result["bank"].texts == built.texts  # read, not built again
    assert not (other / RATE_FILE).exists()


def test_a_bank_of_the_same_pairs_with_other_edge_answers_reads_their_hit_features(small_data: Path, tmp_path: Path) -> None:
    """`envs.bank_features`: the hit features do not depend on the edge answers nor the edge-quality fallback, so a
    second bank that differs only there reads them (the suite's two sample banks had featurized the same pairs twice)."""
    from envs import bank_features

    first = build_bank(small_data, "train", paraphrase_files=[], cache_dir=tmp_path, steps=Told())
    rate = (tmp_path / RATE_FILE).read_text()
    [kept] = tmp_path.glob(f"*{bank_features.SUFFIX}")
    told = Told()
    other = build_bank(small_data, "train", paraphrase_files=[], cache_dir=tmp_path, steps=told, edge_quality_fallback=0.3)
    assert [stage[0] for stage in told.stages] == ["embedding questions and answers (e5)"], told.stages  # nothing featurized
    assert f"the hit features of its {int(np.count_nonzero(first.cand >= 0))} pairs read from {kept}" in told.notes[0], told.notes
    assert np.array_equal(other.cand, first.cand) and np.array_equal(other.cand_feats, first.cand_feats)
    assert np.all(other.edge_quality == 0.3) and not np.array_equal(other.edge_quality, first.edge_quality)  # a bank of its own
    assert (tmp_path / RATE_FILE).read_text() == rate  # reading features says nothing of how fast a build featurizes

    assert bank_features.stored(kept, first.cand, first.texts[:-1] + ["another text"]) is None  # other texts: featurized over
    assert bank_features.stored(kept, np.flip(first.cand, axis=1), first.texts) is None  # other candidates too
    kept.write_bytes(b"not a file of features")
    told = Told()
    again = build_bank(small_data, "train", paraphrase_files=[], cache_dir=tmp_path, steps=told, edge_quality_fallback=0.2)
    assert told.stages[-1][0].startswith("featurizing pairs") and np.array_equal(again.cand_feats, first.cand_feats)
    assert np.array_equal(bank_features.stored(kept, first.cand, first.texts), first.cand_feats)  # written again, whole
