"""The edge LLM for the batching tests: one thread, the model converted once into the session's llm home."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from velo.llm import LocalLLM, load_local_llm  # noqa: E402
from velo.llm.local import SMOLLM2_CACHE_NAME  # noqa: E402


@pytest.fixture(scope="module")
def llm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalLLM]:
    """The model test_local_llm.py converts into the session's llm home (whichever module runs first converts it)."""
    home: Path = tmp_path_factory.getbasetemp() / "llm-velo-home"
    previous = torch.get_num_threads()
    torch.set_num_threads(1)  # STACK.md: other work shares the 2 cores
    try:
        yield load_local_llm(cache_dir=home / "models" / SMOLLM2_CACHE_NAME)
    finally:
        torch.set_num_threads(previous)
