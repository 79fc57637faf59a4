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


def velo_home() -> Path:
    """Working directory for prepared data, caches and checkpoints: `$VELO_HOME`, else `./.velo`."""
    return Path(os.environ.get("VELO_HOME", ".velo")).resolve()


def prepared_dir() -> Path:
    return velo_home() / "data"
