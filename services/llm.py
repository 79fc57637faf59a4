"""The LLMs a service calls: a local model in the process, or any OpenAI-compatible endpoint over HTTP.

Both answer `await llm.generate(messages, max_tokens, stop)` with a `Generated`. The local model
(`LocalChatLLM`: SmolLM2-135M-Instruct through `velo.llm`, greedy) runs in a worker thread, one request at a
time (a second waits on the lock: its wait is the edge queue the scheduling agent observes). The endpoint
(`EndpointLLM`: vLLM, Ollama, a hosted API, VELO's cloud service) gets a `/v1/chat/completions` call;
its failures raise `UpstreamError` with the upstream's status, so a caller can fall back.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import httpx

from velo.wire import ChatCompletion, ErrorResponse, FinishReason


@dataclass(frozen=True)
class Generated:
    text: str
    finish_reason: FinishReason
    prompt_tokens: int
    completion_tokens: int
    model: str


class UpstreamError(RuntimeError):
    """An LLM endpoint failed (unreachable, timed out, or answered an error status)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class ChatLLM(Protocol):
    name: str

    @property
    def waiting(self) -> int:
        """Requests queued or running on this LLM now."""

    async def generate(self, messages: list[dict[str, str]], max_tokens: int, stop: list[str]) -> Generated: ...

    async def aclose(self) -> None: ...


def cut_at_stop(text: str, stop: list[str]) -> tuple[str, bool]:
    """`text` up to (not including) the first stop string, and whether one was found."""
    cuts = [i for i in (text.find(s) for s in stop) if i >= 0]
    return (text[: min(cuts)], True) if cuts else (text, False)


class LocalChatLLM:
    """A `velo.llm.LocalLLM` served one request at a time from a worker thread."""

    def __init__(self, model_dir: Path | None = None, threads: int | None = None) -> None:
        import torch

        from velo.llm.local import load_local_llm

        if threads is not None:
            torch.set_num_threads(threads)
        self.llm = load_local_llm(cache_dir=model_dir)
        self.name = self.llm.name
        self._lock = asyncio.Lock()
        self._waiting = 0
        self.busy_until = 0.0

    @property
    def waiting(self) -> int:
        return self._waiting

    async def generate(self, messages: list[dict[str, str]], max_tokens: int, stop: list[str]) -> Generated:
        self._waiting += 1
        try:
            async with self._lock:
                result = await asyncio.to_thread(self.llm.generate, messages, max_tokens)
        finally:
            self._waiting -= 1
        text, stopped = cut_at_stop(result.text, stop)
        reason: FinishReason = "stop" if stopped or result.output_tokens < max_tokens else "length"
        return Generated(text, reason, result.prompt_tokens, result.output_tokens, self.name)

    async def aclose(self) -> None:
        return None


class EndpointLLM:
    """An OpenAI-compatible `/v1/chat/completions` endpoint; `base_url` without the `/v1`."""

    def __init__(self, base_url: str, model: str, api_key: str | None = None, timeout_s: float = 60.0) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.AsyncClient(base_url=base_url.rstrip("/"), headers=headers, timeout=timeout_s)
        self.name, self.base_url = model, base_url
        self._waiting = 0

    @property
    def waiting(self) -> int:
        return self._waiting

    async def generate(self, messages: list[dict[str, str]], max_tokens: int, stop: list[str]) -> Generated:
        body: dict = {"model": self.name, "messages": messages, "max_tokens": max_tokens}
        if stop:
            body["stop"] = stop
        self._waiting += 1
        try:
            response = await self._http.post("/v1/chat/completions", json=body)
        except httpx.TransportError as err:
            raise UpstreamError(f"{self.base_url} unreachable: {type(err).__name__}: {err}") from None
        finally:
            self._waiting -= 1
        if response.status_code >= 400:
            try:
                message = ErrorResponse.model_validate_json(response.content).error.message
            except ValueError:
                message = response.text[:300]
            raise UpstreamError(f"{self.base_url} answered {response.status_code}: {message}", response.status_code)
        answer = ChatCompletion.model_validate_json(response.content)
        choice = answer.choices[0]
        return Generated(choice.message.content, choice.finish_reason, answer.usage.prompt_tokens, answer.usage.completion_tokens, answer.model)

    async def aclose(self) -> None:
        await self._http.aclose()


def open_llm(spec: str, *, model: str, api_key: str | None, model_dir: Path | None, timeout_s: float, threads: int | None = None) -> ChatLLM:
    """`local`: SmolLM2 in this process; an `http(s)://` URL: that OpenAI-compatible endpoint serving `model`."""
    if spec == "local":
        return LocalChatLLM(model_dir, threads)
    if spec.startswith(("http://", "https://")):
        return EndpointLLM(spec, model, api_key, timeout_s)
    raise ValueError(f"llm must be 'local' or an http(s):// URL of an OpenAI-compatible server, got {spec!r}")


def monotonic_ms() -> float:
    return time.perf_counter() * 1000.0
