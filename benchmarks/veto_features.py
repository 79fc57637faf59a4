"""CPU per pair of the hit features read from the tokens alone: the vetoes (`velo.cache.features.veto_features`:
number_mismatch, negation_mismatch, order_swap, symbol_swap, role_swap, the code the cache runs) and the token
comparison they start from (`velo.cache.features._Pair`); then pairs of the cache's longest texts made to repeat what
the readers compare (`LONG_PAIRS`); then `code_marks` of one text of the cache's longest
(8,000 characters) made of code, which a follow-up's context key and `code_swap` read.

    python benchmarks/veto_features.py [--pairs 3000] [--repeats 3]

Pairs, all bundled: every (query, its seed) of `data/sample/cache_eval/{fit,dev}` and, per oasst1 train question of
`data/rewordings/`, its first rewording against the next two and against two of its written look-alikes. "CPU" is
`time.process_time` of this one-threaded loop, per pair, each repeat over the same pairs (the first repeat fills the
per-token memos), printed with the load average. Every edge lookup and every pair the request bank featurizes pays it
once per (request, best neighbour).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import statistics

from velo.cache import code_marks, features
from velo.paths import BUNDLED_CACHE_EVAL, BUNDLED_REWORDINGS


def bundled_pairs() -> list[tuple[str, str]]:
    pairs = []
    for name in ("fit", "dev"):
        with open(BUNDLED_CACHE_EVAL / f"{name}.seeds.jsonl", encoding="utf-8") as f:
            seeds = {(r := json.loads(line))["id"]: r["question"] for line in f}
        with open(BUNDLED_CACHE_EVAL / f"{name}.queries.jsonl", encoding="utf-8") as f:
            pairs += [(q["question"], seeds[q["of"]]) for line in f if (q := json.loads(line)).get("of") in seeds]
    for path in sorted(Path(BUNDLED_REWORDINGS).glob("oasst1_train.*.jsonl")):
        with open(path, encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                rewordings = r.get("rewordings") or []
                if rewordings:
                    pairs += [(w, rewordings[0]) for w in rewordings[1:3] + (r.get("lookalikes") or [])[:2]]
    return pairs


LONG_PAIRS = {
    "a product of 2s": ("2*" * 4000, "2*" * 3999 + "3"),
    "Chinese question words repeated": ("为什么" * 2700, "怎么" * 4000),
    "numbers repeated": ("1 2 3 " * 1400, "1 2 4 " * 1400),
    "names repeated": (" ".join(f"Word{i % 97} not" for i in range(800)), " ".join(f"Word{i % 89} no" for i in range(800))),
    "one word repeated": ("Is it " + "not " * 2000 + "true?", "Is it true? " * 700),
}
"""Texts of the cache's longest that a user can send, each made to repeat what the readers compare: before the session
of 4 Dec 2026 these took from seconds to minutes a pair ("1 2 3 " x 400 against "1 2 4 " x 400: 50 s at 2,400
characters), and "a product of 2s" raised RecursionError (`velo.cache.value_matching`, `velo.cache.alignment`)."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    pairs = bundled_pairs()[: args.pairs]
    print(f"{len(pairs)} pairs, load average {os.getloadavg()[0]:.1f}")
    for repeat in range(args.repeats):
        start = time.process_time()
        for request, cached in pairs:
            features.veto_features(request, cached)
        print(f"repeat {repeat + 1}: {1000 * (time.process_time() - start) / len(pairs):.3f} ms CPU per pair")
    for kind, (request, cached) in LONG_PAIRS.items():
        took = []
        for repeat in range(args.repeats):  # a new word at the end each repeat: no text memo holds the pair
            start = time.process_time()
            features.veto_features(f"{request[:7990]} r{repeat}", f"{cached[:7990]} r{repeat}")
            took.append(time.process_time() - start)
        print(f"a pair of 8,000 characters, {kind}: {1000 * statistics.median(took):.0f} ms CPU (median of {args.repeats})")
    for piece in ("f(1)", "a[1:]", "1+(2+3)"):
        long = (piece * 8000)[:8000]
        took = []
        for _ in range(args.repeats):
            start = time.process_time()
            code_marks.code_marks(long)
            took.append(time.process_time() - start)
        print(f"code_marks of {piece!r} repeated to 8,000 characters: {1000 * statistics.median(took):.1f} ms CPU (median of {args.repeats})")


if __name__ == "__main__":
    main()
