"""A bank's candidate hit features, kept beside it under a key without the edge answers, so a bank of the same pairs
with other edge answers reads them instead of featurizing again.

The hit features of a text against its candidates (`RequestBank.cand`, `cand_feats`: USE and the cache's readers,
most of a build's time) depend on the texts, the reference answers and the code that reads them, never on the edge
LLM's answers nor the edge-quality fallback. Those two are in the bank key (`envs.bank.build_bank`), so the bank of the
bundled sample before `install_shipped_edge_answers` and the one after had featurized the same 5,500 pairs twice
(the test suite's two session banks: 7 and 5 minutes of a loaded CI run), and a user who installed edge answers after
a first `velo train` paid the train split's whole build again (789 s in the last one measured). `<key>.features.npz`
holds `cand`, `cand_feats` and the texts they were computed for; `stored` returns the features only when both the
candidates and the texts are the ones asked for, so a file that does not match is featurized over, never misread.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

SUFFIX = ".features.npz"
"""`<features key>.features.npz` in the bank directory (two dots: `envs.bank_notice.why_built` counts banks alone)."""


def stored(path: Path, cand: np.ndarray, texts: list[str]) -> np.ndarray | None:
    """The candidate features kept at `path` for these candidates (texts x k indices) and texts: a (texts, k, features)
    float32 array; None when there is no file, it is unreadable, or it was computed for other candidates or texts."""
    try:
        with np.load(path, allow_pickle=False) as z:
            if np.array_equal(z["cand"], cand) and json.loads(str(z["texts"])) == texts:
                return z["cand_feats"]
    except (OSError, ValueError, KeyError):
        pass
    return None


def store(path: Path, cand: np.ndarray, texts: list[str], feats: np.ndarray) -> None:
    """Keep `feats` (texts, k, features) of candidates `cand` of `texts` at `path`, written whole or not at all."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp.npz")
    np.savez(tmp, cand=cand, texts=np.array(json.dumps(texts, ensure_ascii=False)), cand_feats=feats)
    tmp.replace(path)
