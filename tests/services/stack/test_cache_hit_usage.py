"""Issue 8 finding 3: a cache hit had answered `usage` 0 / 0 / 0, though the client sent a prompt and read an answer.
A hit's `prompt_tokens` is the prompt's tokens as the edge counts them for an LLM answer (its LLM's chat template and
tokenizer: `ChatLLM.check`), `completion_tokens` the served answer's tokens, `total_tokens` their sum, whole and
streamed, on both OpenAI routes (`services.edge_serving.EdgeServer.hit_usage`)."""

from __future__ import annotations

from openai import OpenAI

from tests.services.servers import Running, sync
from tests.services.stack.apps import TOKENS

QUESTION = "Which planet is known as the red planet?"


def test_a_cache_hit_counts_its_prompt_and_its_answer(oai: OpenAI, edge: Running) -> None:
    asked = [{"role": "system", "content": "Answer in one sentence."}, {"role": "user", "content": QUESTION}]
    miss = oai.chat.completions.create(model="velo", messages=asked, max_tokens=TOKENS)  # type: ignore[arg-type]
    assert getattr(miss, "route") != "cache" and miss.usage is not None
    sync(edge)
    hit = oai.chat.completions.create(model="velo", messages=asked, max_tokens=TOKENS)  # type: ignore[arg-type]
    text = hit.choices[0].message.content
    assert getattr(hit, "route") == "cache" and text == miss.choices[0].message.content and hit.usage is not None
    tokenizer = edge.app.state.edge.llm.llm.tokenizer  # the edge LLM's (SmolLM2), which counted the miss's prompt too
    prompt = len(tokenizer.apply_chat_template(asked, add_generation_prompt=True, tokenize=True, return_dict=True)["input_ids"])
    answer = len(tokenizer.encode(text, add_special_tokens=False))
    assert (hit.usage.prompt_tokens, hit.usage.completion_tokens, hit.usage.total_tokens) == (prompt, answer, prompt + answer), hit.usage
    assert hit.usage.prompt_tokens == miss.usage.prompt_tokens > 0  # the same prompt, counted alike, hit or not
    assert abs(hit.usage.completion_tokens - miss.usage.completion_tokens) <= 1, (hit.usage, miss.usage)  # a generated one may end in its end token

    chunks = list(oai.chat.completions.create(model="velo", messages=asked, max_tokens=TOKENS, stream=True,  # type: ignore[arg-type]
                                              stream_options={"include_usage": True}))
    assert chunks[-1].usage == hit.usage, chunks[-1].usage


def test_a_completion_hit_counts_its_prompt(oai: OpenAI, edge: Running) -> None:
    prompt = "Name the longest river in Africa."  # a prompt no other test asks: the shared cache starts without it
    first = oai.completions.create(model="velo", prompt=prompt, max_tokens=TOKENS)
    sync(edge)
    again = oai.completions.create(model="velo", prompt=prompt, max_tokens=TOKENS, stream=True, stream_options={"include_usage": True})
    chunks = list(again)
    assert [(c.model_extra or {}).get("route") for c in chunks if (c.model_extra or {}).get("route")] == ["cache"], chunks[-2:]
    usage = chunks[-1].usage
    assert usage is not None and first.usage is not None and usage.prompt_tokens == first.usage.prompt_tokens > 0, (usage, first.usage)
    assert usage.completion_tokens > 0 and usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
