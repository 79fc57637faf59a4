"""The converted SmolLM2 and its unsharded reference, shared by the runtime and server tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

from velo.llm import LocalLLM, load_local_llm
from velo.llm.local import SMOLLM2_CACHE_NAME


def shared_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The converted model shared with tests/llm (same session, same directory: one conversion)."""
    return tmp_path_factory.getbasetemp() / "llm-velo-home" / "models" / SMOLLM2_CACHE_NAME


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalLLM]:
    """The unsharded model, one thread, as the sharded workers run."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield load_local_llm(cache_dir=shared_model_dir(tmp_path_factory))
    finally:
        torch.set_num_threads(previous)
