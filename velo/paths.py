"""Where VELO reads bundled data and writes its working files."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
BUNDLED_DATA = REPO_ROOT / "data"
"""The team-written multilingual sample shipped with the repository (works without ../shared)."""
BUNDLED_OASST1 = BUNDLED_DATA / "sample" / "oasst1"
BUNDLED_CACHE_EVAL = BUNDLED_DATA / "sample" / "cache_eval"
BUNDLED_EDGE_ANSWERS = BUNDLED_DATA / "sample" / "edge_answers.jsonl"
"""SmolLM2-135M-Instruct's answers to the sample's questions, made by `velo data edge-answers` on it."""
SHIPPED_EDGE_ANSWERS = BUNDLED_DATA / "edge_answers"
"""SmolLM2-135M-Instruct's answers to other data's questions (`*.jsonl`, keyed by pair id, answers only: the
questions stay outside the repository), e.g. `oasst1_validation.jsonl` for the subsets in ../shared/data/oasst1."""


SHIPPED_CHECKPOINTS = BUNDLED_DATA / "checkpoints"
"""Trained scheduling policies shipped with the repository (`velo.policy.SHIPPED_POLICIES`)."""

BUNDLED_REWORDINGS = BUNDLED_DATA / "rewordings"
"""Team-written rewordings (`{"id", "lang", "rewordings": [...]}` per line, keyed by pair id; our own text,
the questions they reword stay outside the repository): the similar requests of the environment's scenarios."""


def shared_dir() -> Path:
    """The team's shared data beside the repository (`../shared`), or `$VELO_SHARED`; may not exist."""
    return Path(os.environ.get("VELO_SHARED", REPO_ROOT.parent / "shared")).resolve()


def shared_paraphrases() -> Path:
    """The shared oasst1 paraphrase set (questions, paraphrases, hard negatives); may not exist."""
    return shared_dir() / "data" / "paraphrases" / "oasst1_paraphrases.jsonl"


def velo_home() -> Path:
    """Working directory for prepared data, caches and checkpoints: `$VELO_HOME`, else `./.velo`."""
    return Path(os.environ.get("VELO_HOME", ".velo")).resolve()


def prepared_dir() -> Path:
    return velo_home() / "data"
