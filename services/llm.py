"""The LLMs a service calls: a local model in the process, or any OpenAI-compatible endpoint over HTTP.

Both answer `await llm.generate(messages, max_tokens, stop, sampling)` with a `Generated`, and
`llm.stream(...)` with an `AnswerStream`: the answer's text in deltas as the model produces them, then its
`Generated`. This module holds that contract (`ChatLLM`, `AnswerStream`, `Generated`, `UpstreamError`), what every
caller shares (which failures are the request's own, sampling, cutting an answer) and `open_llm`; the two kinds live
beside it: `services.llm_local.LocalChatLLM` (SmolLM2-135M-Instruct through `velo.llm`, continuously batched) and
`services.llm_endpoint.EndpointLLM` (vLLM, Ollama, a hosted API, VELO's cloud service: a `/v1/chat/completions`
call whose failures raise `UpstreamError` with the upstream's status, so a caller can fall back).

Sampling (`sampling_params`): VELO answers greedily unless the request asks otherwise: `temperature` absent or
0 is greedy (unlike OpenAI's default of 1, so a question asked twice gets the answer its cache holds);
`temperature` > 0 samples, restricted to the `top_p` nucleus; `top_p` < 1 without a temperature samples at
OpenAI's default temperature 1; `seed` seeds the request's own generator (`velo.llm.sampling.Sampler`), so the
same request with the same seed gets the same answer. An endpoint is sent the same three fields, the
temperature always explicitly (0 for greedy), so an upstream whose default is 1 still answers greedily.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from velo.llm.sampling import SamplingParams
from velo.llm.local import RequestTooLong
from velo.wire import CONTEXT_LENGTH_EXCEEDED, DEADLINE_EXCEEDED, APIError, ErrorDetail, FinishReason

if TYPE_CHECKING:
    from services.llm_endpoint import PromptCounter

GREEDY = SamplingParams()
CLOUD_MAX_TOKENS_LIMIT = 1024
"""The most `max_tokens` the cloud takes unless told otherwise: the cloud service's `max_tokens_limit` and what the
edge's and the gateway's `cloud_max_tokens` assume of a cloud by default (one number, so the three cannot drift)."""


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

    @property
    def past_deadline(self) -> bool:
        """The LLM could not begin the answer within the time its caller gave it, and said so at once (504
        `deadline_exceeded`: `PastDeadline`): not a failure of the LLM, which answers what fits its time."""
        return self.status == 504 and self.detail is not None and self.detail.code == DEADLINE_EXCEEDED

    def refusal(self, who: str) -> APIError:
        """The refusal passed on to the client as it came: the endpoint's status, message, type, code and param."""
        detail = self.detail or ErrorDetail(message=str(self), type="invalid_request_error")
        return APIError(self.status or 400, f"{who} refused the request: {detail.message}", detail.type, detail.code, detail.param)


class PastDeadline(UpstreamError):
    """A local LLM refused, before running anything, a request whose prefill alone takes longer than the `within_s` its
    caller gave (`velo.llm.prefill_time`: the least time it can take here): 504 `deadline_exceeded`, the message naming
    both times. The caller answers from its next fallback with the whole time left, instead of after the time ran out."""

    def __init__(self, message: str) -> None:
        super().__init__(message, 504, ErrorDetail(message=message, type="server_error", code=DEADLINE_EXCEEDED))


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
    `kv_budget_tokens`: code `context_length_exceeded`, as OpenAI answers a prompt over the context window), whose
    `param` is "max_tokens" when the prompt alone fits, named as `max_tokens_param` (the field the client used:
    `max_completion_tokens` when it sent that one), or the prompt's field when the prompt alone is too long;
    `velo.llm.decoding.StopMatcher`'s empty stop string (`param` "stop", invalid_value: the wire models refuse one first); an empty prompt (`LocalLLM.check_request`, no param: `velo shard serve`'s
    `prompt: ""`). What names no other field is the prompt's, `prompt_param` (code invalid_prompt, named in the message
    too). It had blamed the prompt for every ValueError, and `max_tokens` for a client that sent `max_completion_tokens`."""
    param = getattr(err, "param", None)
    if isinstance(err, RequestTooLong):
        if param == "max_tokens":
            message = re.sub(r"\bmax_tokens\b", max_tokens_param, str(err))
            return APIError(400, message, code=CONTEXT_LENGTH_EXCEEDED, param=max_tokens_param)
        return APIError(400, f"{prompt_param}: {err}", code=CONTEXT_LENGTH_EXCEEDED, param=prompt_param)
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
                       *, fields: Mapping[str, str] | None = None, within_s: float | None = None) -> Generated: ...

    async def stream(self, messages: list[dict[str, str]], max_tokens: int, stop: list[str], sampling: SamplingParams = GREEDY,
                     prompt_ids: list[int] | None = None, *, fields: Mapping[str, str] | None = None,
                     within_s: float | None = None) -> AnswerStream:
        """Start an answer; raises what `generate` raises for a request that cannot start (before any text). `prompt_ids`:
        what `check` returned for these `messages`, so an LLM that tokenized them there does not tokenize them again.
        `fields`: the client's identifiers an endpoint sends with the request (`ServeRequest.upstream_fields`: `user`,
        `safety_identifier`, `prompt_cache_key`); a local model has no one to tell and ignores them. `within_s`: the
        seconds the caller waits for the answer (a stream: for its start); a local model refuses at once what it cannot
        begin in that time (`PastDeadline`), an endpoint is told it as `x-velo-timeout-ms` (`services/deadline.py`)."""

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


def open_llm(spec: str, *, model: str, api_key: str | None, model_dir: Path | None, timeout_s: float, threads: int | None = None,
             max_batch: int = 8, counter: PromptCounter | None = None) -> ChatLLM:
    """`local`: SmolLM2 in this process; an `http(s)://` URL: that OpenAI-compatible endpoint serving `model` (`counter`:
    its tokenizer, for `check`). The implementations are imported here: they import this module's contract."""
    if spec == "local":
        from services.llm_local import LocalChatLLM

        return LocalChatLLM(model_dir, threads, max_batch)
    if spec.startswith(("http://", "https://")):
        from services.llm_endpoint import EndpointLLM

        return EndpointLLM(spec, model, api_key, timeout_s, counter)
    raise ValueError(f"llm must be 'local' or an http(s):// URL of an OpenAI-compatible server, got {spec!r}")
