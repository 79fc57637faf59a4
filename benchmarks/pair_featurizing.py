"""CPU per pair the request bank featurizes after its build (a pair met beyond each text's precomputed candidates),
the bank's way (`envs.bank.PAIRS_FORMAT` 2: the second embedder given one snippet per call) against the way before it
(snippets batched and remembered across pairs), and whether each gives a pair the same features whatever was met
before it (the pairs featurized forward, then in reverse order, each time by a fresh featurizer).

    python benchmarks/pair_featurizing.py --pairs 600

Pairs: those saved next to the bank (`$VELO_HOME/banks/<key>.pairs.npz`, what training met), else pairs of one
language and context outside the candidates. "CPU" is `time.process_time` of this process, printed with the load
average. Needs prepared data (`velo data prepare`; default `$VELO_HOME/data`).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_var] = "1"
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402


def _pairs(bank, n: int) -> list[tuple[int, int]]:
    path = bank._extra_path
    if path is not None and path.exists():
        with np.load(path) as z:
            return [tuple(p) for p in z["pairs"][:n].tolist()]
    group = bank.item_lang[bank.text_item] * 100_000 + bank.item_ctx[bank.text_item]
    found = []
    for t in range(len(bank.texts)):
        found += [(t, int(c)) for c in np.flatnonzero(group == group[t]) if c != t and c not in bank.cand[t]][:3]
        if len(found) >= n:
            return found[:n]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=600)
    parser.add_argument("--split", default="train")
    args = parser.parse_args()

    from envs.bank import _neighbour, all_paraphrase_files, build_bank
    from velo.cache.features import HitFeaturizer
    from velo.embedding import load_embedder
    from velo.paths import velo_home

    bank = build_bank(velo_home() / "data", args.split, all_paraphrase_files())
    pairs = _pairs(bank, args.pairs)
    e5, use = load_embedder("e5-small"), load_embedder("use-multilingual")

    def featurize(featurizer: HitFeaturizer, t: int, c: int) -> np.ndarray:
        item = int(bank.text_item[c])
        featurizer.remember_vector(str(item), bank.answer_vecs[item])
        nb = _neighbour(bank.texts, bank.text_item, bank.text_vecs, t, c)
        return np.asarray(featurizer(bank.texts[t], bank.text_vecs[t], [nb]).as_tuple(), dtype=np.float32)

    print(f"{len(pairs)} pairs; load average {os.getloadavg()[0]:.1f}")
    for name, batch in (("before (batched, remembered across pairs)", 64), ("bank (one snippet per call)", 1)):
        use.batch_size = batch
        runs, cpu = [], 0.0
        for order in (pairs, pairs[::-1]):
            featurizer = HitFeaturizer(e5, use)
            began = time.process_time()
            runs.append(np.stack([featurize(featurizer, t, c) for t, c in order]))
            cpu += time.process_time() - began
        differ = int((runs[0] != runs[1][::-1]).any(axis=1).sum())
        print(f"{name}: {cpu / (2 * len(pairs)) * 1000:.2f} ms CPU per pair; pairs whose features depend on the "
              f"order: {differ}")
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
