"""The LLMs a service calls: a local model in the process, or any OpenAI-compatible endpoint over HTTP.

Both answer `await llm.generate(messages, max_tokens, stop, sampling)` with a `Generated`, and
`llm.stream(...)` with an `AnswerStream`: the answer's text in deltas as the model produces them, then its
`Generated`. The local model (`LocalChatLLM`: SmolLM2-135M-Instruct through `velo.llm`) serves concurrent
requests in one continuously re-formed batch (`velo.llm.continuous.ContinuousBatcher`: requests join and
leave the running batch at every decode step); its text is detokenized token by token (`velo.llm.decoding`),
stop strings end a request at once. The endpoint (`EndpointLLM`: vLLM, Ollama, a hosted API, VELO's cloud
service) gets a `/v1/chat/completions` call (`stream: true` for `stream`); its failures raise `UpstreamError`
with the upstream's status, so a caller can fall back.

Sampling (`sampling_params`): VELO answers greedily unless the request asks otherwise: `temperature` absent or
0 is greedy (unlike OpenAI's default of 1, so a question asked twice gets the answer its cache holds);
`temperature` > 0 samples, restricted to the `top_p` nucleus; `top_p` < 1 without a temperature samples at
OpenAI's default temperature 1; `seed` seeds the request's own generator (`velo.llm.sampling.Sampler`), so the
same request with the same seed gets the same answer. An endpoint is sent the same three fields, the
temperature always explicitly (0 for greedy), so an upstream whose default is 1 still answers greedily.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, Protocol

import httpx

from pydantic import ValidationError

from velo.json_limits import JSONLimitError, loads as load_json
from velo.llm.sampling import SamplingParams
from velo.wire import APIError, ChatCompletion, ChatCompletionChunk, ErrorDetail, FinishReason, parse_error

GREEDY = SamplingParams()


@dataclass(frozen=True)
class Generated:
    text: str
    finish_reason: FinishReason
    prompt_tokens: int
    completion_tokens: int
    model: str


class UpstreamError(RuntimeError):
    """An LLM endpoint failed (unreachable, timed out, or answered an error status), or refused the request itself
    (`refused`); `detail` is the endpoint's own error (its message, code, param) when it answered one; `status` None:
    no answer at all, `timed_out` when for want of time (a hung endpoint accepts the connection and says nothing)."""

    def __init__(self, message: str, status: int | None = None, detail: ErrorDetail | None = None, *, timed_out: bool = False) -> None:
        super().__init__(message)
        self.status, self.detail, self.timed_out = status, detail, timed_out

    @property
    def param(self) -> str | None:
        """The request field the endpoint blamed, if it said."""
        return self.detail.param if self.detail is not None else None

    @property
    def refused(self) -> bool:
        """The endpoint refused the request itself (`refused_request`): not a failure of the endpoint."""
        return refused_request(self.status)

    def refusal(self, who: str) -> APIError:
        """The refusal passed on to the client as it came: the endpoint's status, message, type, code and param."""
        detail = self.detail or ErrorDetail(message=str(self), type="invalid_request_error")
        return APIError(self.status or 400, f"{who} refused the request: {detail.message}", detail.type, detail.code, detail.param)


NOT_THE_REQUESTS_FAULT = frozenset({401, 403, 404, 405, 407, 408, 429})
"""4xx statuses that say nothing against a request's content: 408 (timeout) and 429 (rate limit) are the upstream's
state at the time, 401 / 403 / 404 / 405 / 407 the caller's configuration (the key, URL and model the edge or the
gateway send, never the client's); each is a failure of that upstream, counted and answered elsewhere."""


def refused_request(status: int | None) -> bool:
    """Whether an upstream's HTTP status says the request itself is wrong (400, 413, 422...: a prompt too long for
    the model, a max_tokens above its limit): no other upstream would take it either, so it is not a failure of the
    upstream (not counted in its failures, not retried, no fallback) and the client gets the upstream's error.
    Every place the edge and the gateway classify an upstream's answer asks this."""
    return status is not None and 400 <= status < 500 and status not in NOT_THE_REQUESTS_FAULT


def refused_prompt(err: ValueError, prompt_param: str = "messages", max_tokens_param: str = "max_tokens") -> APIError:
    """400 for a request an LLM cannot take, naming the request field at fault as the client sent it. The ValueErrors
    that reach it (every caller: `services.cloud`, `services.edge`'s `/v1/serve`, `services.edgeshard._start`):
    `velo.llm.local.RequestTooLong` (the prompt and max_tokens exceed the context window or the batcher's
    `kv_budget_tokens`), whose `param` is "max_tokens" when the prompt alone fits, named as `max_tokens_param` (the
    field the client used: `max_completion_tokens` when it sent that one; code invalid_value), or "messages" when the
    prompt alone is too long; `velo.llm.decoding.StopMatcher`'s empty stop string (`param` "stop", invalid_value: the
    wire models refuse one first); an empty prompt (`LocalLLM.check_request`, no param: `velo shard serve`'s
    `prompt: ""`). What names no other field is the prompt's, `prompt_param` (code invalid_prompt, named in the message
    too). It had blamed the prompt for every ValueError, and `max_tokens` for a client that sent `max_completion_tokens`."""
    param = getattr(err, "param", None)
    if param == "max_tokens":
        message = re.sub(r"\bmax_tokens\b", max_tokens_param, str(err))
        return APIError(400, message, code="invalid_value", param=max_tokens_param)
    if param is not None and param != "messages":
        return APIError(400, f"{param}: {err}", code="invalid_value", param=param)
    return APIError(400, f"{prompt_param}: {err}", code="invalid_prompt", param=prompt_param)


def sampling_params(temperature: float | None, top_p: float | None, seed: int | None) -> SamplingParams:
    """The request's sampling fields as `SamplingParams` (the rules in this module's docstring).

    Raises ValueError for values out of OpenAI's ranges (temperature [0, 2], top_p [0, 1])."""
    if temperature is None:
        temperature = 1.0 if top_p is not None and top_p < 1.0 else 0.0
    return SamplingParams(temperature=temperature, top_p=1.0 if top_p is None else top_p, seed=seed)


def sampling_fields(params: SamplingParams) -> dict[str, float | int]:
    """The OpenAI request fields that ask an endpoint for `params` (temperature always, 0 for greedy)."""
    fields: dict[str, float | int] = {"temperature": params.temperature}
    if params.top_p < 1.0:
        fields["top_p"] = params.top_p
    if params.seed is not None:
        fields["seed"] = params.seed
    return fields


class AnswerStream(Protocol):
    """An answer being produced: `async for delta in stream` gives its text in pieces; once they are all read,
    `generated` holds the whole answer and its counts. `aclose()` abandons it (the generation stops)."""

    generated: Generated | None

    def __aiter__(self) -> AsyncIterator[str]: ...

    async def aclose(self) -> None: ...


class TextPieces:
    """A whole answer (a cached one, or one an LLM gave at once) as a stream of word pieces."""

    def __init__(self, generated: Generated) -> None:
        self._whole = generated
        self.generated: Generated | None = None

    async def __aiter__(self) -> AsyncIterator[str]:
        for piece in word_pieces(self._whole.text):
            yield piece
        self.generated = self._whole

    async def aclose(self) -> None:
        return None


def word_pieces(text: str) -> list[str]:
    """`text` cut after each run of whitespace: the pieces join to `text`."""
    import re

    return re.findall(r"\S+\s*|\s+", text)


async def collect(stream: AnswerStream) -> Generated:
    """Read a stream to its end; its `Generated`."""
    try:
        async for _ in stream:
            pass
    finally:
        await stream.aclose()
    assert stream.generated is not None
    return stream.generated


class ChatLLM(Protocol):
    name: str

    @property
    def waiting(self) -> int:
        """Requests queued or running on this LLM now."""

    async def generate(self, messages: list[dict[str, str]], max_tokens: int, stop: list[str], sampling: SamplingParams = GREEDY,
                       *, fields: Mapping[str, str] | None = None) -> Generated: ...

    async def stream(self, messages: list[dict[str, str]], max_tokens: int, stop: list[str], sampling: SamplingParams = GREEDY,
                     prompt_ids: list[int] | None = None, *, fields: Mapping[str, str] | None = None) -> AnswerStream:
        """Start an answer; raises what `generate` raises for a request that cannot start (before any text). `prompt_ids`:
        what `check` returned for these `messages`, so an LLM that tokenized them there does not tokenize them again.
        `fields`: the client's identifiers an endpoint sends with the request (`ServeRequest.upstream_fields`: `user`,
        `safety_identifier`, `prompt_cache_key`); a local model has no one to tell and ignores them."""

    def check(self, messages: list[dict[str, str]], max_tokens: int) -> list[int] | None:
        """Raises ValueError naming the limit for a conversation this LLM cannot take (too long for its context
        window), in milliseconds and before a caller spends anything on the request; an LLM that cannot count
        the tokens itself (an endpoint without `llm_tokenizer`) leaves it to `stream`. Returns the prompt's token ids
        when it counted them (the local LLM generates from them: `stream`'s `prompt_ids`; an endpoint's are its model's,
        for `len` only), else None."""

    def count_tokens(self, text: str) -> int | None:
        """The tokens of `text` in this LLM's own tokenizer, special tokens left out; None when it has none to count with
        (an endpoint without `llm_tokenizer`). A cache hit's `completion_tokens` (`EdgeServer.start`)."""

    def first_tokens(self, text: str, max_tokens: int) -> Prefix | None:
        """`text` cut to at most `max_tokens` of `count_tokens`' tokens, whether it was cut, and its count; None when this
        LLM has no tokenizer (as `count_tokens`). A cache hit served under the request's `max_tokens` (`EdgeServer.start`)."""

    async def aclose(self) -> None: ...


class Prefix(NamedTuple):
    """What `first_tokens` keeps of a text."""

    text: str
    cut: bool
    """Tokens were left out."""
    tokens: int
    """`text`'s tokens (special tokens left out, as `ChatLLM.count_tokens` counts them): a hit's `completion_tokens`, so
    the served text is not tokenized a second time to count it."""


def first_tokens(tokenizer: Any, text: str, max_tokens: int) -> Prefix:
    """`text` cut to a prefix of at most `max_tokens` tokens of `tokenizer` (special tokens left out, as usage counts
    a cached answer: `ChatLLM.count_tokens`), whether it was cut, and the prefix's count. The cut is at a token's end in
    `text` (the fast tokenizer's offsets), so the served text is the cached answer's own prefix, never a character
    broken in two; a character that spans tokens ends where its last token does, and the cut steps back a token while
    the prefix counts more than `max_tokens` (a prefix may tokenize differently from the whole).

        first_tokens(smollm2_tokenizer, "Paris is the capital of France.", 3) -> Prefix("Paris is the", True, 3)"""
    encoded = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    offsets = encoded["offset_mapping"]
    if len(offsets) <= max_tokens:
        return Prefix(text, False, len(offsets))
    for keep in range(max_tokens, 0, -1):
        cut = text[: offsets[keep - 1][1]]
        if (tokens := len(tokenizer.encode(cut, add_special_tokens=False))) <= max_tokens:
            return Prefix(cut, True, tokens)
    return Prefix("", True, 0)


def cut_at_stop(text: str, stop: list[str]) -> tuple[str, bool]:
    """`text` up to (not including) the first stop string, and whether one was found."""
    cuts = [i for i in (text.find(s) for s in stop) if i >= 0]
    return (text[: min(cuts)], True) if cuts else (text, False)


_END = object()


class _Trim:
    """Deltas without the answer's leading and trailing whitespace (as `velo.llm.LocalLLM.generate`'s text):
    whitespace is held back until text follows it."""

    def __init__(self) -> None:
        self.started, self.pending = False, ""

    def push(self, text: str) -> str:
        text = self.pending + text
        if not self.started:
            text = text.lstrip()
        core = text.rstrip()
        self.pending = text[len(core):]
        if core:
            self.started = True
        return core


class _LocalStream:
    """One request on the continuous batcher; deltas are made on the batcher's thread and handed to the loop.

    It counts in its LLM's `waiting` from submission until its generation ends (finished, cut, cancelled or
    failed), whether or not anyone reads it: a stream its client abandoned unread must not hold a place in the
    edge's queue (a wrong count would mask EDGE for good once it reached the queue's capacity)."""

    def __init__(self, owner: LocalChatLLM, prompt_ids: list[int], max_tokens: int, stop: list[str], sampling: SamplingParams) -> None:
        from velo.llm.decoding import TextDecoder
        from velo.llm.sampling import Sampler

        self.generated: Generated | None = None
        self._owner, self._prompt = owner, prompt_ids
        self._loop = asyncio.get_running_loop()
        self._queue: asyncio.Queue = asyncio.Queue()
        self._decoder = TextDecoder.for_tokenizer(owner.llm.tokenizer, prompt_ids, stop, owner.llm.stop_ids)
        self._trim = _Trim()
        self._parts: list[str] = []
        sampler = Sampler(sampling) if sampling.needs_logits else None
        self._handle = owner.batcher.submit(prompt_ids, max_tokens, self._on_token, sampler)  # ValueError: the request's fault
        owner._inflight += 1
        self._counted = True
        self._handle.future.add_done_callback(self._on_done)

    def _release(self) -> None:
        if self._counted:
            self._counted = False
            self._owner._inflight -= 1

    def _put(self, item: object) -> None:
        self._loop.call_soon_threadsafe(self._queue.put_nowait, item)

    def _on_token(self, token: int) -> bool:  # the batcher's thread
        text = self._trim.push(self._decoder.push(token))
        if text:
            self._put(text)
        return self._decoder.finish_reason is not None

    def _on_done(self, future) -> None:  # the batcher's thread (or the closer's)
        if not future.cancelled() and future.exception() is None:
            text = self._trim.push(self._decoder.finish())
            if text:
                self._put(text)
        self._put(_END)
        self._loop.call_soon_threadsafe(self._release)

    async def __aiter__(self) -> AsyncIterator[str]:
        while (item := await self._queue.get()) is not _END:
            self._parts.append(item)
            yield item
        result = await asyncio.wrap_future(self._handle.future)  # raises the model's failure, if any
        reason: FinishReason = self._decoder.finish_reason or "length"
        self.generated = Generated("".join(self._parts), reason, result.prompt_tokens, result.output_tokens, self._owner.name)

    async def aclose(self) -> None:
        """Stop generating (idempotent); the count is released when the batcher drops the request (`_on_done`)."""
        if not self._handle.future.done():
            self._handle.cancel()


class LocalChatLLM:
    """A `velo.llm.LocalLLM` serving concurrent requests through one `ContinuousBatcher`.

    `max_batch`: most requests decoded together (the batcher's `max_batch`). `prompts_tokenized` counts the
    conversations tokenized (by `check`, and by `stream` when not given `check`'s ids): a request refused before it was
    tokenized leaves it unchanged, a request the edge server checked and answered with this LLM adds one."""

    def __init__(self, model_dir: Path | None = None, threads: int | None = None, max_batch: int = 8) -> None:
        import torch

        from velo.llm.continuous import ContinuousBatcher
        from velo.llm.local import load_local_llm

        if threads is not None:
            torch.set_num_threads(threads)
        self.llm = load_local_llm(cache_dir=model_dir)
        self.name = self.llm.name
        self.batcher = ContinuousBatcher(self.llm, max_batch=max_batch)
        self._inflight = 0
        self.prompts_tokenized = 0

    @property
    def waiting(self) -> int:
        return self._inflight

    async def stream(self, messages: list[dict[str, str]], max_tokens: int, stop: list[str], sampling: SamplingParams = GREEDY,
                     prompt_ids: list[int] | None = None, *, fields: Mapping[str, str] | None = None) -> AnswerStream:
        """Raises ValueError for a conversation the model cannot take (too long for its context window). `messages` are
        tokenized unless `prompt_ids` (`check`'s answer for them) are given; `fields` are for an endpoint (ignored)."""
        return _LocalStream(self, self._prompt_ids(messages) if prompt_ids is None else prompt_ids, max_tokens, stop, sampling)

    def check(self, messages: list[dict[str, str]], max_tokens: int) -> list[int]:
        """ValueError naming the context window for a conversation `stream` would refuse, else its token ids (for
        `stream`: the edge server checks before its lookup and generates after, from one tokenization). Counts the
        model's own tokens (a CJK character is one or two of them, an English word about one), so the limit holds for
        every script; tokenizing is fast (~0.1 s for 120,000 tokens on one core)."""
        ids = self._prompt_ids(messages)
        self.batcher.check(ids, max_tokens)
        return ids

    def _prompt_ids(self, messages: list[dict[str, str]]) -> list[int]:
        self.prompts_tokenized += 1  # called on the event loop's thread only
        return self.llm.prompt_ids(messages)

    def count_tokens(self, text: str) -> int:
        return len(self.llm.tokenizer.encode(text, add_special_tokens=False))

    def first_tokens(self, text: str, max_tokens: int) -> Prefix:
        return first_tokens(self.llm.tokenizer, text, max_tokens)

    async def generate(self, messages: list[dict[str, str]], max_tokens: int, stop: list[str], sampling: SamplingParams = GREEDY,
                       *, fields: Mapping[str, str] | None = None) -> Generated:
        return await collect(await self.stream(messages, max_tokens, stop, sampling))

    async def aclose(self) -> None:
        await asyncio.to_thread(self.batcher.close)


class PromptCounter:
    """An endpoint model's own tokenizer and context window, so that a conversation too long for the endpoint is refused
    before anything is spent on it (`EndpointLLM.check`), as the local LLM's is.

    `tokenizer_dir`: a Hugging Face model directory of the endpoint's model (tokenizer files with a chat template);
    `context_window`: its tokens (prompt + answer), default its config.json's `max_position_embeddings`. Raises
    ValueError naming what is missing."""

    def __init__(self, tokenizer_dir: Path, context_window: int | None = None) -> None:
        from transformers import AutoTokenizer

        if context_window is None:
            try:
                context_window = int(json.loads((tokenizer_dir / "config.json").read_text())["max_position_embeddings"])
            except (OSError, KeyError, TypeError, ValueError):
                raise ValueError(f"{tokenizer_dir}: no config.json with max_position_embeddings; give the endpoint's context window") from None
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(tokenizer_dir))
        except (OSError, ValueError) as err:
            raise ValueError(f"{tokenizer_dir}: not a tokenizer directory: {err}") from None
        if self.tokenizer.chat_template is None:
            raise ValueError(f"{tokenizer_dir}: the tokenizer has no chat template, so a chat prompt's tokens cannot be counted")
        self.context_window = context_window

    def check(self, messages: list[dict[str, str]], max_tokens: int, model: str) -> list[int]:
        """`velo.llm.local.RequestTooLong` naming the window (and `param`) for a conversation the endpoint would refuse,
        else its token ids (the endpoint model's)."""
        from velo.llm.local import check_room

        ids = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True, return_dict=True)["input_ids"]
        check_room(len(ids), max_tokens, self.context_window, f"the {self.context_window}-token context window of {model}")
        return list(ids)


class EndpointLLM:
    """An OpenAI-compatible `/v1/chat/completions` endpoint; `base_url` without the `/v1`. With `counter` (the endpoint
    model's tokenizer) `check` refuses a conversation too long for it before it is sent."""

    def __init__(self, base_url: str, model: str, api_key: str | None = None, timeout_s: float = 60.0, counter: PromptCounter | None = None) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.AsyncClient(base_url=base_url.rstrip("/"), headers=headers, timeout=timeout_s)
        self.name, self.base_url, self.counter = model, base_url, counter
        self._waiting = 0

    @property
    def waiting(self) -> int:
        return self._waiting

    async def probe(self, timeout_s: float) -> str | None:
        """None when the endpoint answers `GET /v1/models` now, else why not: unreachable, a 5xx, or 401 / 403 (it refuses
        this key, so it answers no request of ours). A 404 / 405 is a server without that route: it answers HTTP."""
        try:
            response = await self._http.get("/v1/models", timeout=timeout_s)
        except httpx.TransportError as err:
            return f"{self.base_url} unreachable: {type(err).__name__}"
        if response.status_code >= 500 or response.status_code in (401, 403):
            return f"{self.base_url} answered {response.status_code}"
        return None

    def check(self, messages: list[dict[str, str]], max_tokens: int) -> list[int] | None:
        """With a `counter`, ValueError naming the endpoint's context window for a conversation it would refuse, else the
        prompt's token ids in the endpoint model's tokenizer (counted, never sent: the endpoint is sent the messages);
        without one None: the endpoint's tokenizer is its own, and it refuses what it cannot take (after the lookup)."""
        return None if self.counter is None else self.counter.check(messages, max_tokens, self.name)

    def count_tokens(self, text: str) -> int | None:
        return None if self.counter is None else len(self.counter.tokenizer.encode(text, add_special_tokens=False))

    def first_tokens(self, text: str, max_tokens: int) -> Prefix | None:
        return None if self.counter is None else first_tokens(self.counter.tokenizer, text, max_tokens)

    def _body(self, messages: list[dict[str, str]], max_tokens: int, stop: list[str], sampling: SamplingParams,
              fields: Mapping[str, str] | None) -> dict:
        """The request's JSON; `fields` (the client's `user`, ...: `ServeRequest.upstream_fields`) only when given, so an
        endpoint that takes none of them is sent what it had been."""
        body: dict = {"model": self.name, "messages": messages, "max_tokens": max_tokens, **sampling_fields(sampling), **(fields or {})}
        if stop:
            body["stop"] = stop
        return body

    async def _failed(self, response: httpx.Response) -> UpstreamError:
        content = await response.aread()
        detail = parse_error(content)
        message = detail.message if detail is not None else content.decode(errors="replace")[:300]
        return UpstreamError(f"{self.base_url} answered {response.status_code}: {message}", response.status_code, detail)

    async def generate(self, messages: list[dict[str, str]], max_tokens: int, stop: list[str], sampling: SamplingParams = GREEDY,
                       *, fields: Mapping[str, str] | None = None) -> Generated:
        self._waiting += 1
        try:
            response = await self._http.post("/v1/chat/completions", json=self._body(messages, max_tokens, stop, sampling, fields))
        except httpx.TransportError as err:
            raise UpstreamError(f"{self.base_url} unreachable: {type(err).__name__}: {err}", timed_out=isinstance(err, httpx.TimeoutException)) from None
        finally:
            self._waiting -= 1
        if response.status_code >= 400:
            raise await self._failed(response)
        try:
            answer = ChatCompletion.model_validate_json(response.content)
        except ValidationError as err:
            raise UpstreamError(f"{self.base_url} answered {response.status_code} with no chat.completion: {_first_problem(err)}", response.status_code) from None
        if not answer.choices:
            raise UpstreamError(f"{self.base_url} answered a chat.completion without choices", response.status_code)
        message, finish = answer.choices[0].message, answer.choices[0].finish_reason
        text, reason = relayable(self.base_url, message.content, finish, message.tool_calls is not None or message.function_call is not None, message.refusal)
        usage = answer.usage
        return Generated(text, reason, usage.prompt_tokens if usage else 0, usage.completion_tokens if usage else 0, answer.model)

    async def stream(self, messages: list[dict[str, str]], max_tokens: int, stop: list[str], sampling: SamplingParams = GREEDY,
                     prompt_ids: list[int] | None = None, *, fields: Mapping[str, str] | None = None) -> AnswerStream:
        """Opens the upstream's stream (`stream_options.include_usage` for the counts); raises UpstreamError when it
        cannot be opened, before any text (a failure later ends the stream with UpstreamError)."""
        body = {**self._body(messages, max_tokens, stop, sampling, fields), "stream": True, "stream_options": {"include_usage": True}}
        try:
            response = await self._http.send(self._http.build_request("POST", "/v1/chat/completions", json=body), stream=True)
        except httpx.TransportError as err:
            raise UpstreamError(f"{self.base_url} unreachable: {type(err).__name__}: {err}", timed_out=isinstance(err, httpx.TimeoutException)) from None
        if response.status_code >= 400:
            error = await self._failed(response)
            await response.aclose()
            raise error
        return _EndpointStream(self, response)

    async def aclose(self) -> None:
        await self._http.aclose()


def relayable(url: str, text: str | None, finish: str | None, calls_tools: bool, refusal: str | None) -> tuple[str, FinishReason]:
    """An upstream's answer as the (text, finish_reason) VELO relays, or UpstreamError naming what the upstream sent.

    Relayed: every finish_reason OpenAI defines for a text answer ("stop", "length", "content_filter"; a filtered answer
    with null content as ""). Not relayable, a failure of the upstream (the edge answers with its own LLM, or 502
    `upstream_failed` where none is left): a tool call ("tool_calls" / "function_call", or the message's `tool_calls`:
    VELO sends no tools and relays text only), a `refusal` without text, null content otherwise. A filtered or failed
    answer is never written to the cache (`services.edge_serving.EdgeServer.finish` writes "stop" only)."""
    if calls_tools or finish in ("tool_calls", "function_call"):
        what = f"finish_reason {finish!r}" if finish is not None else "tool_calls in its message"
        raise UpstreamError(f"{url} answered with a tool call ({what}); VELO asked for text and relays no tool calls", 200)
    if refusal and not text:
        raise UpstreamError(f"{url} refused to answer (message.refusal {refusal[:200]!r}), with no text to relay", 200)
    if text is None and finish != "content_filter":
        raise UpstreamError(f"{url} answered message.content null with finish_reason {finish!r}: no text to relay", 200)
    assert finish in ("stop", "length", "content_filter")
    return text or "", finish  # type: ignore[return-value]


def _first_problem(err: ValidationError) -> str:
    """The first field pydantic refused in an upstream's body, and its value (short), for the error that names it."""
    first = err.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ())) or "the body"
    return f"{where}: {first.get('msg', '')} (got {str(first.get('input'))[:80]!r})"


class _EndpointStream:
    """An upstream's server-sent chat chunks as text deltas; what cannot be relayed (`relayable`) or read ends it with
    UpstreamError naming it."""

    def __init__(self, owner: EndpointLLM, response: httpx.Response) -> None:
        self._owner, self._response = owner, response
        self.generated: Generated | None = None
        owner._waiting += 1
        self._open = True

    async def __aiter__(self) -> AsyncIterator[str]:
        parts, finish, usage, model = [], None, None, self._owner.name
        try:
            async for line in self._response.aiter_lines():
                if not line.startswith("data:") or (data := line[5:].strip()) == "[DONE]":
                    continue
                chunk = self._chunk(data)
                model, usage = chunk.model, chunk.usage if chunk.usage is not None else usage
                for choice in chunk.choices[:1]:
                    finish = choice.finish_reason if choice.finish_reason is not None else finish
                    delta = choice.delta
                    if delta.tool_calls is not None or delta.function_call is not None or delta.refusal:
                        relayable(self._owner.base_url, None, finish, delta.tool_calls is not None or delta.function_call is not None, delta.refusal)
                    if delta.content:
                        parts.append(delta.content)
                        yield delta.content
        except httpx.TransportError as err:
            raise UpstreamError(f"{self._owner.base_url} broke off its stream: {type(err).__name__}: {err}") from None
        finally:
            await self.aclose()
        if finish is None:
            raise UpstreamError(f"{self._owner.base_url} ended its stream without a finish_reason")
        text, reason = relayable(self._owner.base_url, "".join(parts), finish, False, None)
        prompt, completion = (usage.prompt_tokens, usage.completion_tokens) if usage is not None else (0, 0)
        self.generated = Generated(text, reason, prompt, completion, model)

    def _chunk(self, data: str) -> ChatCompletionChunk:
        """One event's chunk; UpstreamError for an error event or anything that is no chat.completion.chunk."""
        url = self._owner.base_url
        try:
            payload = load_json(data)
        except json.JSONDecodeError as err:
            raise UpstreamError(f"{url} sent an event that is not JSON mid-stream ({err.msg}): {data[:80]!r}", 200) from None
        except JSONLimitError as err:
            raise UpstreamError(f"{url} sent an event that is refused mid-stream: {err}", 200) from None
        if isinstance(payload, dict) and "error" in payload:
            error = payload["error"]
            raise UpstreamError(f"{url} failed mid-stream: {error.get('message') if isinstance(error, dict) else error}")
        try:
            return ChatCompletionChunk.model_validate(payload)
        except ValidationError as err:
            raise UpstreamError(f"{url} sent no chat.completion.chunk mid-stream: {_first_problem(err)}", 200) from None

    async def aclose(self) -> None:
        if self._open:
            self._open = False
            self._owner._waiting -= 1
            await self._response.aclose()


def open_llm(spec: str, *, model: str, api_key: str | None, model_dir: Path | None, timeout_s: float, threads: int | None = None,
             max_batch: int = 8, counter: PromptCounter | None = None) -> ChatLLM:
    """`local`: SmolLM2 in this process; an `http(s)://` URL: that OpenAI-compatible endpoint serving `model` (`counter`:
    its tokenizer, for `check`)."""
    if spec == "local":
        return LocalChatLLM(model_dir, threads, max_batch)
    if spec.startswith(("http://", "https://")):
        return EndpointLLM(spec, model, api_key, timeout_s, counter)
    raise ValueError(f"llm must be 'local' or an http(s):// URL of an OpenAI-compatible server, got {spec!r}")
