"""Where VELO reads bundled data and writes its working files."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
"""The checkout VELO runs from when installed editable; an installed VELO (`pip install .`, the Docker image) has
site-packages here, with no `data/` beside it: it finds its data through `$VELO_DATA_DIR`."""
DATA_DIR_ENV = "VELO_DATA_DIR"
BUNDLED_DATA = Path(os.environ.get(DATA_DIR_ENV) or REPO_ROOT / "data").expanduser().resolve()
"""The repository's `data/` (the multilingual sample, the shipped checkpoints, edge answers and rewordings; works
without ../shared): `$VELO_DATA_DIR` when set (the Dockerfile sets it to the image's copy), else `data/` beside the
`velo` package, which only an editable install has. Read through `require_bundled_data()`, which says what to set."""
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


def require_bundled_data() -> Path:
    """`BUNDLED_DATA`, checked to be VELO's data directory (it holds `checkpoints/` and `sample/`).

    Raises `FileNotFoundError` naming `$VELO_DATA_DIR` otherwise: a glob over a missing directory is empty, so
    without this check an installed VELO would build banks without the bundled paraphrases and report a
    shipped checkpoint as a missing file."""
    if not ((BUNDLED_DATA / "checkpoints").is_dir() and (BUNDLED_DATA / "sample").is_dir()):
        given = os.environ.get(DATA_DIR_ENV)
        where = f"${DATA_DIR_ENV}={given}" if given else f"{BUNDLED_DATA} (beside the velo package; ${DATA_DIR_ENV} is not set)"
        raise FileNotFoundError(
            f"VELO's bundled data is not at {where}: set {DATA_DIR_ENV} to the repository's data/ directory (it holds "
            "checkpoints/ and sample/); an installed VELO (pip install ., the Docker image) has no repository beside it"
        )
    return BUNDLED_DATA


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
