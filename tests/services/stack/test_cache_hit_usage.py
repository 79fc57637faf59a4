"""Issue 8 finding 3: a cache hit had answered `usage` 0 / 0 / 0, though the client sent a prompt and read an answer.
A hit's `prompt_tokens` is the prompt's tokens as the edge counts them for an LLM answer (its LLM's chat template and
tokenizer: `ChatLLM.check`), `completion_tokens` the served answer's tokens, `total_tokens` their sum, whole and
streamed, on both OpenAI routes (`services.edge_serving.EdgeServer.hit_usage`)."""

from __future__ import annotations

from openai import OpenAI

from tests.services.servers import Running, post, sync
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
    answer = len(tokenizer.encode(text, add_special_tokens=False)) + (hit.choices[0].finish_reason == "stop")  # and its end token, if it ended
    assert (hit.usage.prompt_tokens, hit.usage.completion_tokens, hit.usage.total_tokens) == (prompt, answer, prompt + answer), hit.usage
    assert hit.usage.prompt_tokens == miss.usage.prompt_tokens > 0  # the same prompt, counted alike, hit or not
    assert (hit.usage, hit.choices[0].finish_reason) == (miss.usage, miss.choices[0].finish_reason)  # the same answer, counted alike

    chunks = list(oai.chat.completions.create(model="velo", messages=asked, max_tokens=TOKENS, stream=True,  # type: ignore[arg-type]
                                              stream_options={"include_usage": True}))
    assert chunks[-1].usage == hit.usage, chunks[-1].usage


def test_a_hit_counts_its_answer_as_the_llm_that_wrote_it(oai: OpenAI, edge: Running, cloud: Running) -> None:
    """svc41 finding 4: the same answer counted one token fewer from the cache than from the cloud, which counts the
    end-of-sequence token that ended it (as vLLM does). Known answers: the cloud's own SmolLM2 asked directly at each
    limit; a hit served under `max_tokens` N (its text's tokens and the end token) is whole with "stop", under N - 1
    (its text's tokens alone) whole with "length", as the model stops before its end token."""
    asked = [{"role": "user", "content": "What is the capital of Japan? Answer in one word."}]
    miss = oai.chat.completions.create(model="velo", messages=asked, max_tokens=48)  # type: ignore[arg-type]
    assert getattr(miss, "route") == "cloud" and miss.choices[0].finish_reason == "stop" and miss.usage is not None, miss  # ended by its end token
    sync(edge)
    hit = oai.chat.completions.create(model="velo", messages=asked, max_tokens=48)  # type: ignore[arg-type]
    assert getattr(hit, "route") == "cache" and hit.choices[0].message.content == miss.choices[0].message.content, hit
    assert (hit.usage, hit.choices[0].finish_reason) == (miss.usage, "stop"), (hit.usage, miss.usage)  # before: one token fewer
    chunks = list(oai.chat.completions.create(model="velo", messages=asked, max_tokens=48, stream=True,  # type: ignore[arg-type]
                                              stream_options={"include_usage": True}))
    assert chunks[-1].usage == miss.usage, chunks[-1].usage
    whole = miss.usage.completion_tokens
    for limit, finish in ((whole, "stop"), (whole - 1, "length")):
        direct = post(f"{cloud.url}/v1/chat/completions", json={"model": "velo-cloud", "messages": asked, "max_tokens": limit}).json()
        served = oai.chat.completions.create(model="velo", messages=asked, max_tokens=limit)  # type: ignore[arg-type]
        assert getattr(served, "route") == "cache" and served.usage is not None, served
        assert (served.choices[0].message.content, served.choices[0].finish_reason, served.usage.completion_tokens) == (
            direct["choices"][0]["message"]["content"], direct["choices"][0]["finish_reason"], direct["usage"]["completion_tokens"]), (served, direct)
        assert served.choices[0].finish_reason == finish and served.choices[0].message.content == miss.choices[0].message.content


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


def test_a_cache_hit_is_cut_to_max_tokens_as_usage_counts_them(oai: OpenAI, edge: Running) -> None:
    """Issue 9 finding 5: a hit had come back whole with finish_reason "stop" whatever `max_tokens` (while `stop` was
    applied). Now it is cut to `max_tokens` / `max_completion_tokens` of the edge LLM's tokens, with "length", on both
    routes, whole and streamed (`EdgeServer.hit_answer`)."""
    asked = [{"role": "user", "content": "How many strings does a violin have?"}]
    first = oai.chat.completions.create(model="velo", messages=asked, max_tokens=TOKENS)  # type: ignore[arg-type]
    sync(edge)
    whole = oai.chat.completions.create(model="velo", messages=asked, max_tokens=TOKENS)  # type: ignore[arg-type]
    cached = whole.choices[0].message.content or ""
    tokenizer = edge.app.state.edge.llm.llm.tokenizer
    assert getattr(whole, "route") == "cache" and cached == first.choices[0].message.content, whole
    # the first answer, cut by max_tokens and written back (write_back_truncated), is "length" again at the same limit
    # (a limit it fits in with its end token leaves it whole with "stop": test_a_hit_counts_its_answer_as_the_llm_that_wrote_it)
    assert whole.choices[0].finish_reason == first.choices[0].finish_reason and len(tokenizer.encode(cached, add_special_tokens=False)) > 2
    for limit in ({"max_tokens": 2}, {"max_completion_tokens": 2}):
        hit = oai.chat.completions.create(model="velo", messages=asked, **limit)  # type: ignore[arg-type]
        text = hit.choices[0].message.content or ""
        assert getattr(hit, "route") == "cache" and hit.choices[0].finish_reason == "length", hit
        assert cached.startswith(text) and len(text) < len(cached) and hit.usage is not None and hit.usage.completion_tokens == 2, hit
        assert len(tokenizer.encode(text, add_special_tokens=False)) == 2
        chunks = list(oai.chat.completions.create(model="velo", messages=asked, stream=True, stream_options={"include_usage": True}, **limit))  # type: ignore[arg-type]
        assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == text
        assert [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason] == ["length"]
        assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == 2
    prompt = "How many strings does a violin have?"
    completion = oai.completions.create(model="velo", prompt=prompt, max_tokens=2)
    assert getattr(completion, "route") == "cache" and completion.choices[0].finish_reason == "length", completion
    assert cached.startswith(completion.choices[0].text) and completion.usage is not None and completion.usage.completion_tokens == 2
    streamed = list(oai.completions.create(model="velo", prompt=prompt, max_tokens=2, stream=True))
    assert "".join(c.choices[0].text for c in streamed if c.choices) == completion.choices[0].text
    assert [c.choices[0].finish_reason for c in streamed if c.choices and c.choices[0].finish_reason] == ["length"]
    stopped = oai.chat.completions.create(model="velo", messages=asked, max_tokens=TOKENS, stop=[cached.split()[1]])  # type: ignore[arg-type]
    assert stopped.choices[0].finish_reason == "stop" and cached.startswith(stopped.choices[0].message.content or "")
