"""The hold-out of the train split: the questions that judge a hit rule and that calibration never fits on.

The test split (`velo.data.prepare.split_of`, oasst1's validation conversations among them) judges the schedulers:
its episodes are `velo evaluate --split test`, so nothing measured on its questions may choose a hit rule (helper
recall31 had judged the interactions + bank recipe there). A hit-rule study is judged on this fixed part of the
TRAIN split instead:

| what | value | why |
|---|---|---|
| unit | a conversation (`QAPair.conversation_id`), as `split_of` splits | a follow-up carries its conversation's earlier user turns as context, and the bank's candidates of a text are the texts of its context: a conversation split across fit and hold-out would judge a question on pairs whose context was fitted |
| rule | sha256 of `"velo.holdout/1:" + conversation_id`, first 8 bytes, below `HOLDOUT_FRACTION` of 2**64 | a function of the id alone: the same on every run, in any order, with any other data; the salt makes it independent of `split_of`'s hash (seeded with the prepare seed), which already put ~20 % of conversations in test |
| fraction | `HOLDOUT_FRACTION` = 0.2 of the train split's conversations | as the train / test split: ~280 of 1,409 train questions, ~3,000 of the train bank's 24,066 labelled pairs, enough for a precision near 0.97 to be read to about +-0.005 |

`velo cache calibrate` drops a held-out question everywhere it reads one: its bank pairs (`--bank-split train`), and,
in its --seeds / --queries files, a seed with its id, a query whose `target` or `of` is its id (the rewordings files
of the team and the shared paraphrase set key rows by the oasst1 question id). `velo cache eval --bank-split holdout`
judges a rule on what was held out. Left: a question of another conversation asking the same words (the split keeps
a few near-duplicates such as "你是谁" / "你是谁？", which `scripts/rewordings_to_cache_eval.py` merges into one seed) may
fall on the other side.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from velo.types import QAPair

HOLDOUT_FRACTION = 0.2
"""The share of the train split's conversations held out (the module docstring says why this much)."""
HOLDOUT_SALT = "velo.holdout/1:"
"""Prefixed to the conversation id before hashing; a new salt (or fraction) is a new hold-out, so it carries a version."""


def is_held_out(conversation_id: str) -> bool:
    """Whether the conversation `conversation_id` (of the train split) is held out from hit-rule calibration."""
    digest = hashlib.sha256(f"{HOLDOUT_SALT}{conversation_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") < HOLDOUT_FRACTION * 2**64


def held_out_ids(pairs: Iterable[QAPair]) -> frozenset[str]:
    """The question ids (`QAPair.id`) of `pairs` whose conversation is held out."""
    return frozenset(p.id for p in pairs if is_held_out(p.conversation_id))


def held_out_questions(data_dir: Path) -> frozenset[str]:
    """The held-out question ids of the train split prepared in `data_dir` (`velo data prepare`); empty when nothing is
    prepared there (then no file read by calibration names a prepared question). PreparedDataError for a damaged split."""
    from velo.data.prepare import load_prepared

    if not (Path(data_dir) / "manifest.json").is_file():
        return frozenset()
    return held_out_ids(load_prepared(data_dir, "train"))
