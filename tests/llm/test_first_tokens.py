"""`services.llm.first_tokens`: a cached answer cut to a request's `max_tokens` in SmolLM2's tokens (issue 9 finding 5,
`EdgeServer.hit_answer`): a prefix of the answer, never more tokens than asked, never a character broken in two
(SmolLM2's byte-level BPE spells 東 and 🙂 in two tokens each), and whole when it fits; with the kept text's count, a
hit's `completion_tokens` (the text is not tokenized again to count it)."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from services.llm import first_tokens  # noqa: E402


@pytest.fixture(scope="module")
def tokenizer():  # noqa: ANN201 - a transformers tokenizer
    from transformers import AutoTokenizer

    from velo.llm.local import smollm2_gguf_path

    gguf = smollm2_gguf_path()
    return AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)


@pytest.mark.parametrize(("text", "max_tokens", "cut"), [
    ("Paris is the capital of France.", 3, ("Paris is the", True)),  # Paris | is | the | capital ...
    ("Paris is the capital of France.", 7, ("Paris is the capital of France.", False)),
    ("東京は日本の首都です。", 3, ("東", True)),  # 東 is 2 tokens, 東京 4: the third token would break 京
    ("東京は日本の首都です。", 1, ("", True)),
    ("🙂🙂🙂", 4, ("🙂🙂", True)),
])
def test_a_cut_is_a_prefix_of_whole_characters_within_the_limit(tokenizer, text: str, max_tokens: int, cut: tuple[str, bool]) -> None:  # noqa: ANN001
    prefix = first_tokens(tokenizer, text, max_tokens)
    assert (prefix.text, prefix.cut) == cut
    # its count is the served text's, as `count_tokens` would count it again (a hit's completion_tokens)
    assert prefix.tokens == len(tokenizer.encode(cut[0], add_special_tokens=False)) <= max_tokens
