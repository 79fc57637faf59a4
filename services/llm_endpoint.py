"""An OpenAI-compatible endpoint as a service's LLM (`EndpointLLM`: vLLM, Ollama, a hosted API, VELO's cloud service):
a `/v1/chat/completions` call (`stream: true` for `stream`), whose failures raise `services.llm.UpstreamError` with
the upstream's status so a caller can fall back; what an upstream answers that VELO cannot relay (`relayable`); and
the endpoint model's own tokenizer, to refuse a conversation too long for it before it is sent (`PromptCounter`).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

import httpx
from pydantic import ValidationError

from services.deadline import timeout_header
from services.llm import GREEDY, AnswerStream, Generated, Prefix, UpstreamError, first_tokens, sampling_fields
from velo.json_limits import JSONLimitError, loads as load_json
from velo.llm.sampling import SamplingParams
from velo.wire import ChatCompletion, ChatCompletionChunk, FinishReason, parse_error

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

    async def _read(self, response: httpx.Response) -> bytes:
        """`response`'s body; UpstreamError with its status when it cannot be decoded (a `Content-Encoding` the body does
        not hold to: httpx.DecodingError had gone up as an internal error, a 500 with a traceback, naming no upstream)."""
        try:
            return await response.aread()
        except httpx.DecodingError as err:
            raise UpstreamError(f"{self.base_url} answered {response.status_code} in a body that cannot be decoded: {err}", response.status_code) from None

    async def _failed(self, response: httpx.Response) -> UpstreamError:
        content = await self._read(response)
        detail = parse_error(content)
        message = detail.message if detail is not None else content.decode(errors="replace")[:300]
        return UpstreamError(f"{self.base_url} answered {response.status_code}: {message}", response.status_code, detail)

    async def generate(self, messages: list[dict[str, str]], max_tokens: int, stop: list[str], sampling: SamplingParams = GREEDY,
                       *, fields: Mapping[str, str] | None = None, within_s: float | None = None) -> Generated:
        self._waiting += 1
        try:
            request = self._http.build_request("POST", "/v1/chat/completions", json=self._body(messages, max_tokens, stop, sampling, fields),
                                               headers=_budget(within_s))
            response = await self._http.send(request, stream=True)
            try:
                content = await self._read(response)
            finally:
                await response.aclose()
        except httpx.TransportError as err:
            raise UpstreamError(f"{self.base_url} unreachable: {type(err).__name__}: {err}", timed_out=isinstance(err, httpx.TimeoutException)) from None
        finally:
            self._waiting -= 1
        if response.status_code >= 400:
            raise await self._failed(response)
        try:
            answer = ChatCompletion.model_validate_json(content)
        except ValidationError as err:
            raise UpstreamError(f"{self.base_url} answered {response.status_code} with no chat.completion: {_first_problem(err)}", response.status_code) from None
        if not answer.choices:
            raise UpstreamError(f"{self.base_url} answered a chat.completion without choices", response.status_code)
        message, finish = answer.choices[0].message, answer.choices[0].finish_reason
        text, reason = relayable(self.base_url, message.content, finish, message.tool_calls is not None or message.function_call is not None, message.refusal)
        usage = answer.usage
        return Generated(text, reason, usage.prompt_tokens if usage else 0, usage.completion_tokens if usage else 0, answer.model)

    async def stream(self, messages: list[dict[str, str]], max_tokens: int, stop: list[str], sampling: SamplingParams = GREEDY,
                     prompt_ids: list[int] | None = None, *, fields: Mapping[str, str] | None = None,
                     within_s: float | None = None) -> AnswerStream:
        """Opens the upstream's stream (`stream_options.include_usage` for the counts); raises UpstreamError when it
        cannot be opened, before any text (a failure later ends the stream with UpstreamError)."""
        body = {**self._body(messages, max_tokens, stop, sampling, fields), "stream": True, "stream_options": {"include_usage": True}}
        try:
            response = await self._http.send(self._http.build_request("POST", "/v1/chat/completions", json=body, headers=_budget(within_s)), stream=True)
        except httpx.TransportError as err:
            raise UpstreamError(f"{self.base_url} unreachable: {type(err).__name__}: {err}", timed_out=isinstance(err, httpx.TimeoutException)) from None
        if response.status_code >= 400:
            error = await self._failed(response)
            await response.aclose()
            raise error
        return _EndpointStream(self, response)

    async def aclose(self) -> None:
        await self._http.aclose()


def _budget(within_s: float | None) -> dict[str, str]:
    """`x-velo-timeout-ms` for a call its caller waits `within_s` seconds for (none when not given): VELO's cloud service
    refuses at once what its model cannot begin in that time (`services.llm.PastDeadline`)."""
    return {} if within_s is None else timeout_header(within_s)


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
        except (httpx.TransportError, httpx.DecodingError) as err:
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
