"""What a request-bank build tells its user before and while it runs (`velo.progress.Steps`), and how long it expects.

A bank is built once per set of inputs and cached (`envs.bank.build_bank`), but its first build is long: the test split
of the shared oasst1 data (2,034 texts, 25,812 pairs to featurize) took 42 min on this project's 2 shared cores, the
train split (96,002 pairs) about four times that, and `velo evaluate` showed nothing meanwhile (svc42 item 1). Before
building, `announce` says what is built (split, questions, texts, pairs), why (no bank there yet, the bank format
changed, or these inputs changed), about how long (pairs x the seconds per pair the last build in that directory took,
`RATE_FILE`, else the range `SECONDS_PER_PAIR` of a build with and without the embedders' vectors cached) and where it is kept; `record_rate` stores the measured rate after a build.

Two processes that need the same bank (the README's two `velo evaluate` runs side by side) build it once: `one_build`
holds a lock on `<key>.lock` in the bank directory while one builds, and the other says it waits, then reads the bank
the first saved (a retrain's two evaluations had each built the same train and test banks, side by side).
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from velo.plural import counted
from velo.progress import Steps, duration

SECONDS_PER_PAIR = (0.008, 0.098)
"""Seconds a build takes per pair to featurize, all stages together, when no build in the bank directory measured it:
(with the embedders' vectors of its texts already cached, without any), measured on this project's 2 shared cores: the
shared train split's build for hit rule format 33 (98,786 pairs in 789 s, its texts embedded by earlier runs, load 2-6)
and the shared test split's first build (25,812 pairs in 42 min, load 4-8). A bank's first build in a new `VELO_HOME`
falls between: the bundled sample's took 86 s for about 5,500 pairs (a newcomer, nc42, told 9 min by the slow end)."""
RATE_FILE = "build-rate.json"
"""In the bank directory: `{"seconds_per_pair", "pairs", "seconds"}` of the last build there (`record_rate`)."""


def seconds_per_pair(cache_dir: Path) -> tuple[float, float, str]:
    """(fewest, most seconds per pair, where the figures come from) for the estimate of a build in `cache_dir`: the rate
    the last build there took (both the same), else `SECONDS_PER_PAIR`."""
    try:
        rate = json.loads((cache_dir / RATE_FILE).read_text())
        seconds = float(rate["seconds_per_pair"])
        if seconds > 0:
            return seconds, seconds, f"as the last build in {cache_dir} took ({counted(int(rate['pairs']), 'pair')} in {duration(float(rate['seconds']))})"
    except (OSError, ValueError, KeyError, TypeError):  # none yet, or damaged: a hint, never trusted
        pass
    return (*SECONDS_PER_PAIR, "the first with the embedders' vectors of these texts cached, the second with none, on 2 busy cores")


def why_built(cache_dir: Path, version: str) -> str:
    """Why no bank could be read in `cache_dir`: none there yet (a first run), the newest one of another format
    `version`, or one of these inputs changed since."""
    banks = sorted((p for p in cache_dir.glob("*.npz") if p.name.count(".") == 1), key=lambda p: p.stat().st_mtime) if cache_dir.is_dir() else []
    if not banks:
        return "first run: no request bank is built there yet"
    try:
        with np.load(banks[-1], allow_pickle=False) as z:  # reads the meta entry alone
            newest = json.loads(str(z["meta"]))["version"]
    except (OSError, ValueError, KeyError):
        newest = None
    if newest is not None and newest != version:
        return f"the bank format changed ({newest} -> {version}): banks built before are not read"
    return ("no bank of these inputs yet: the split, the prepared data, the paraphrases, the edge answers, the hit rule "
            "or the hit features' code differ from every bank there")


def announce(steps: Steps, version: str, split: str | None, data_dir: Path, items: int, texts: int, pairs: int, path: Path,
             features_from: Path | None = None) -> None:
    """Say, before a build of a bank of format `version`, what it builds, why, about how long it takes and where it is
    kept; with `features_from`, that its pairs' hit features are read from that file (`envs.bank_features`)."""
    what = f"building the request bank of {f'the {split} split' if split else 'both splits'} of {data_dir} ({counted(items, 'item', grouped=True)}, "
    if features_from is not None:
        steps.note(f"{what}{counted(texts, 'text', grouped=True)}; the hit features of its {counted(pairs, 'pair', grouped=True)} read from "
                   f"{features_from}, computed for a bank of the same pairs with other edge answers): {why_built(path.parent, version)}; "
                   f"kept in {path} and read by every later run with the same inputs")
        return
    fewest, most, source = seconds_per_pair(path.parent)
    took = duration(pairs * fewest) if fewest == most else f"{duration(pairs * fewest)} to {duration(pairs * most)}"
    per_pair = f"{fewest:.3g}" if fewest == most else f"{fewest:.3g} to {most:.3g}"
    steps.note(
        f"{what}{counted(texts, 'text', grouped=True)}, {counted(pairs, 'pair', grouped=True)} to featurize): {why_built(path.parent, version)}; about "
        f"{took} ({per_pair} s per pair, {source}); kept in {path} and read by every later run with "
        "the same inputs"
    )


def record_rate(cache_dir: Path, pairs: int, seconds: float) -> None:
    """Store the measured seconds per pair of a build for the next estimate in `cache_dir` (replacing the last)."""
    if pairs > 0 and seconds > 0:
        tmp = cache_dir / f"{RATE_FILE}.tmp"
        tmp.write_text(json.dumps({"seconds_per_pair": seconds / pairs, "pairs": pairs, "seconds": round(seconds, 1)}) + "\n")
        tmp.replace(cache_dir / RATE_FILE)



@contextmanager
def one_build(cache_dir: Path, key: str, steps: Steps) -> Iterator[None]:
    """Hold the build lock of bank `key` in `cache_dir` (an advisory `flock` on `<key>.lock`, released when the process
    ends, however it ends); if another process holds it, say so on `steps` and wait for it. The caller checks again
    whether the bank exists once inside: the process it waited for has usually saved it."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    with open(cache_dir / f"{key}.lock", "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            steps.note(f"waiting for another process that is building this request bank ({cache_dir / key}.npz); "
                       "it is read when that build ends")
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
