"""The EdgeShard coordinator: SmolLM2 split layer-wise over worker processes, answering like `LocalLLM`.

`ShardedLLM` starts one worker (`velo.edgeshard.worker`) per contiguous layer range, links them into a
chain (each worker sends its hidden states to the next, the last returns the next token; EdgeShard,
arXiv 2405.14371, Sec. III-B), tokenizes with the chat template and decodes greedily through the chain.
Greedy output is token-identical to `LocalLLM.generate_ids`: every shard runs exactly the computation of
its layers in `LlamaForCausalLM.forward`, and hidden states travel as raw float32 bytes.

    with ShardedLLM([(0, 15), (15, 30)]) as llm:           # or a planner assignment, or "0:15,15:30"
        print(llm.generate("What is the capital of France?").text)
        for step in llm.stream_ids(llm.prompt_ids("Hi"), 20, Sampler(SamplingParams(temperature=0.7))):
            ...                                            # one ShardStep per token, as it is chosen

Greedy steps take the last worker's argmax; a sampler that needs the logits (temperature, penalties,
logit bias: `velo.llm.sampling`) has the last worker send them back, 4 bytes per vocabulary entry.

Workers run in their own process groups and are stopped by `close()` (also on errors, at interpreter
exit, and by themselves when the coordinator process disappears), so none outlives the coordinator.
"""

from __future__ import annotations

import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import weakref
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, NamedTuple

from velo.edgeshard import transport
from velo.edgeshard.transport import Message
from velo.llm.prefill_time import PrefillClock
from velo.edgeshard.worker import READY_PREFIX
from velo.llm.decoding import FinishReason, TextDecoder
from velo.llm.local import SMOLLM2_NAME, Generation, LocalLLM, Message as ChatMessage, default_cache_dir
from velo.llm.sampling import Sampler

if TYPE_CHECKING:
    import torch

HOST = "127.0.0.1"
STARTUP_TIMEOUT_S = 120.0
"""A worker imports torch and transformers and loads the model: ~5 s alone, longer on a busy machine."""
STOP_GRACE_S = 5.0

LayerRanges = list[tuple[int, int]]


class ShardError(RuntimeError):
    """A worker failed or the chain broke; the message names the worker's layers and the cause."""


class ShardStep(NamedTuple):
    """One forward pass through the chain and the token chosen from it."""

    token: int
    ms: float
    """Wall time of the pass, transport and the choice of the token included."""
    compute_ms: tuple[float, ...]
    """Per shard: time in its layers."""
    cpu_ms: tuple[float, ...] = ()
    """Per shard: CPU time of the thread that ran its layers (the rate of `ShardedLLM.prefill_seconds`)."""


class TextStream:
    """The text of one generation, delta by delta as the chain chooses tokens (`velo.llm.decoding.TextDecoder`:
    complete characters only, cut before a stop string). Iterate it once; then `finish_reason` ("stop" or
    "length"), `tokens` (an end-of-sequence token included), `prefill_ms` and `decode_ms` are known.
    Generation ends at a stop string without running to max_new_tokens.
    """

    def __init__(self, steps: Iterator[ShardStep], decoder: TextDecoder) -> None:
        self._steps, self._decoder = steps, decoder
        self.prefill_ms = self.decode_ms = 0.0

    @property
    def finish_reason(self) -> FinishReason | None:
        return self._decoder.finish_reason

    @property
    def tokens(self) -> int:
        return self._decoder.tokens

    def __iter__(self) -> Iterator[str]:
        with closing(self._steps) as steps:  # releases the chain even when the reader stops early
            for step in steps:
                if self._decoder.tokens == 0:
                    self.prefill_ms = step.ms
                else:
                    self.decode_ms += step.ms
                if text := self._decoder.push(step.token):
                    yield text
                if self._decoder.finish_reason is not None:
                    return
        if text := self._decoder.finish():
            yield text


@dataclass(frozen=True)
class ShardedGeneration:
    """A `Generation` with what only the sharded runtime knows."""

    generation: Generation
    token_ids: tuple[int, ...]
    """Every token produced, including a final end-of-sequence token."""
    stopped: bool
    """True if generation ended on an end-of-sequence token (else it hit max_new_tokens)."""
    prefill_compute_ms: tuple[float, ...]
    """Per shard: time in its layers during prefill (the rest of prefill_ms is transport and framing)."""
    decode_compute_ms: tuple[float, ...]
    """Per shard: time in its layers over all decode steps."""


def parse_ranges(text: str) -> LayerRanges:
    """"0:15,15:30" -> [(0, 15), (15, 30)]."""
    from velo.edgeshard.worker import parse_layers

    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        raise ValueError(f"give layer ranges as START:END,START:END,... e.g. 0:15,15:30, got {text!r}")
    return [parse_layers(p) for p in parts]


def ranges_from_assignment(assignment: Sequence[str]) -> LayerRanges:
    """One range per maximal run of consecutive layers on the same device (the planner's shards)."""
    from velo.edgeshard.planner import shards

    return [(shard.start, shard.stop) for shard in shards(list(assignment))]


def check_ranges(ranges: LayerRanges, num_layers: int) -> None:
    """The ranges must cover layers 0..num_layers-1 contiguously, in order."""
    if not ranges:
        raise ValueError("no layer ranges given")
    expected = 0
    for start, end in ranges:
        if start != expected or end <= start:
            raise ValueError(
                f"layer ranges must be contiguous and in order from 0 to {num_layers}, e.g. 0:15,15:{num_layers}; "
                f"got {', '.join(f'{a}:{b}' for a, b in ranges)}"
            )
        expected = end
    if expected != num_layers:
        raise ValueError(f"layer ranges end at {expected} but the model has {num_layers} layers; the last range must end at {num_layers}")


def as_ranges(shards: str | Sequence[str] | Sequence[tuple[int, int]]) -> LayerRanges:
    """Layer ranges from "0:15,15:30", a planner assignment (device per layer) or (start, end) pairs."""
    if isinstance(shards, str):
        return parse_ranges(shards)
    items = list(shards)
    if items and all(isinstance(item, str) for item in items):
        return ranges_from_assignment(items)  # type: ignore[arg-type]
    return [(int(a), int(b)) for a, b in items]  # type: ignore[misc]


@dataclass
class _Worker:
    layers: tuple[int, int]
    process: subprocess.Popen
    log_path: Path
    address: str | None = None
    control: socket.socket | None = None
    """The coordinator's connection to this worker (the chain's head also carries every forward)."""

    @property
    def label(self) -> str:
        return f"layers {self.layers[0]}:{self.layers[1]}"

    def log_tail(self, lines: int = 15) -> str:
        try:
            text = self.log_path.read_text(errors="replace").strip().splitlines()
        except OSError:
            return ""
        return "\n".join(text[-lines:])


class ShardedLLM:
    """SmolLM2 (or a converted Llama-style model directory) split over a chain of worker processes.

    `shards`: "0:15,15:30", [(0, 15), (15, 30)], or a planner assignment (one device name per layer; each
    maximal run of one device becomes a worker). `threads`: torch threads per worker.
    """

    def __init__(
        self,
        shards: str | Sequence[str] | Sequence[tuple[int, int]],
        model_dir: Path | str | None = None,
        threads: int = 1,
        name: str = SMOLLM2_NAME,
        startup_timeout_s: float = STARTUP_TIMEOUT_S,
    ) -> None:
        if threads < 1:
            raise ValueError(f"threads must be >= 1, got {threads}")
        self.name = name
        self.ranges = as_ranges(shards)
        self.model_dir = Path(model_dir) if model_dir is not None else default_cache_dir()
        self._workers: list[_Worker] = []
        self._lock = threading.Lock()
        self._logs = Path(tempfile.mkdtemp(prefix="velo-shards-"))
        self._finalizer = weakref.finalize(self, _stop_workers, self._workers, self._logs)
        try:
            self._skeleton = _skeleton(self.model_dir, name)
            check_ranges(self.ranges, int(self._skeleton.model.config.num_hidden_layers))
            self.clock = PrefillClock.for_model(self._skeleton.model)
            """The least prefill time of a prompt (`prefill_seconds`), its rate the shards' CPU time on the chain's prefills."""
            self._start(threads, startup_timeout_s)
        except BaseException:
            self.close()
            raise

    def __repr__(self) -> str:
        return f"ShardedLLM({self.name!r}, shards={','.join(f'{a}:{b}' for a, b in self.ranges)})"

    def __enter__(self) -> ShardedLLM:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def tokenizer(self):  # noqa: ANN201 - a transformers tokenizer
        return self._skeleton.tokenizer

    @property
    def stop_ids(self) -> frozenset[int]:
        return self._skeleton.stop_ids

    @property
    def context_window(self) -> int:
        return self._skeleton.context_window

    @property
    def pids(self) -> list[int]:
        return [w.process.pid for w in self._workers]

    @property
    def worker_logs(self) -> list[Path]:
        return [w.log_path for w in self._workers]

    def prompt_ids(self, messages: Sequence[ChatMessage] | str) -> list[int]:
        """Token ids of the chat prompt, by the same rules as `LocalLLM.prompt_ids`."""
        return self._skeleton.prompt_ids(messages)

    def generate(self, messages: Sequence[ChatMessage] | str, max_new_tokens: int = 256) -> Generation:
        """Greedy answer to a chat or a single user message, as `LocalLLM.generate`."""
        return self.generate_ids(self.prompt_ids(messages), max_new_tokens)

    def generate_ids(self, prompt_ids: Sequence[int], max_new_tokens: int = 256, stop_at_eos: bool = True) -> Generation:
        """Greedy continuation of raw prompt token ids, as `LocalLLM.generate_ids`."""
        return self.run_ids(prompt_ids, max_new_tokens, stop_at_eos).generation

    def run_ids(self, prompt_ids: Sequence[int], max_new_tokens: int = 256, stop_at_eos: bool = True) -> ShardedGeneration:
        """`generate_ids` with the produced token ids, the stop reason and each shard's compute time."""
        steps = list(self.stream_ids(prompt_ids, max_new_tokens, stop_at_eos=stop_at_eos))
        produced = [step.token for step in steps]
        generation = Generation(
            text=self._skeleton.answer_text(prompt_ids, produced, stop_at_eos),
            prompt_tokens=len(prompt_ids),
            output_tokens=len(produced),
            prefill_ms=steps[0].ms,
            decode_ms=sum(step.ms for step in steps[1:]),
        )
        decode_compute = [sum(ms) for ms in zip(*(step.compute_ms for step in steps[1:]))] or [0.0] * len(self.ranges)
        stopped = stop_at_eos and produced[-1] in self.stop_ids
        return ShardedGeneration(generation, tuple(produced), stopped, steps[0].compute_ms, tuple(decode_compute))

    def prefill_seconds(self, prompt_ids: Sequence[int]) -> float | None:
        """The least seconds the chain's prefill of `prompt_ids` takes: its FLOPs at the fastest rate measured on the
        chain's own prefills (the shards' thread CPU time summed: they run one after another; `velo.llm.prefill_time`);
        None before one of `MIN_TOKENS` was measured."""
        return self.clock.seconds(len(prompt_ids))

    def check_request(self, prompt_ids: Sequence[int], max_new_tokens: int) -> None:
        """ValueError for a request the model cannot run: empty prompt, max_new_tokens < 1, context exceeded."""
        self._skeleton.check_request(prompt_ids, max_new_tokens)

    def stream_ids(
        self, prompt_ids: Sequence[int], max_new_tokens: int = 256, sampler: Sampler | None = None, stop_at_eos: bool = True
    ) -> Iterator[ShardStep]:
        """The continuation of raw prompt token ids, one step per token as it is chosen (a final
        end-of-sequence token included). `sampler`: how each token is chosen (default greedy).

        The request is checked at once (ValueError); the chain is held from the first step until the
        iterator is exhausted or closed, so close an iterator you stop reading early. ShardError if it breaks.
        """
        self.check_request(prompt_ids, max_new_tokens)
        return self._steps(list(prompt_ids), max_new_tokens, sampler, stop_at_eos)

    def next_token_logits(self, prompt_ids: Sequence[int]) -> torch.Tensor:
        """Logits [vocab] of the token after `prompt_ids` (one prefill through the chain)."""
        import torch

        session = uuid.uuid4().hex
        with self._lock:
            try:
                reply = self._forward(session, 0, torch.tensor([list(prompt_ids)]), return_logits=True)
            finally:
                self._reset(session)
        return reply.tensors["logits"]

    def ping(self) -> list[dict]:
        """Each worker's answer to a ping (its pid and layers), in chain order."""
        with self._lock:
            return [dict(self._control(w, Message("ping")).fields) for w in self._workers]

    def close(self) -> None:
        """Stop every worker (politely, then by signal to its process group); safe to call twice."""
        self._finalizer()

    def stream_text(
        self, prompt_ids: Sequence[int], max_new_tokens: int = 256, sampler: Sampler | None = None, stop: Iterable[str] = ()
    ) -> TextStream:
        """The raw continuation of `prompt_ids` as text deltas (leading space kept, nothing stripped), ending
        at an end-of-sequence token, a `stop` string (not included) or max_new_tokens. Errors as `stream_ids`."""
        decoder = TextDecoder.for_tokenizer(self.tokenizer, prompt_ids, stop, self.stop_ids)
        return TextStream(self.stream_ids(prompt_ids, max_new_tokens, sampler), decoder)

    def _steps(self, prompt_ids: list[int], max_new_tokens: int, sampler: Sampler | None, stop_at_eos: bool) -> Iterator[ShardStep]:
        import torch

        choose = sampler.choose if sampler is not None and sampler.needs_logits else None
        session = uuid.uuid4().hex
        produced: list[int] = []
        with self._lock:
            try:
                inputs, position = torch.tensor([prompt_ids]), 0
                while True:
                    start = time.perf_counter()
                    reply = self._forward(session, position, inputs, return_logits=choose is not None)
                    token = choose(reply.tensors["logits"], produced) if choose else int(reply.fields["token"])
                    produced.append(token)
                    compute = tuple(float(ms) for ms in reply.fields["compute_ms"])
                    cpu = tuple(float(ms) for ms in reply.fields.get("cpu_ms", ()))
                    if position == 0:
                        self.clock.observe(len(prompt_ids), 0, sum(cpu) / 1000.0)
                    self.clock.note_load(sum(cpu) / 1000.0, sum(compute) / 1000.0)
                    yield ShardStep(token, (time.perf_counter() - start) * 1000.0, compute, cpu)
                    if len(produced) == max_new_tokens or (stop_at_eos and token in self.stop_ids):
                        return
                    position += inputs.shape[1]
                    inputs = torch.tensor([[token]])
            finally:
                self._reset(session)

    def _forward(self, session: str, position: int, tokens: torch.Tensor, return_logits: bool) -> Message:
        fields = {"session": session, "position": position, "is_prefill": position == 0, "return_logits": return_logits}
        reply = self._control(self._workers[0], Message("forward", fields, {"input_ids": tokens}))
        if reply.op != "result":
            raise ShardError(f"unexpected {reply.op!r} reply to forward")
        return reply

    def _reset(self, session: str) -> None:
        try:
            self._control(self._workers[0], Message("reset", {"session": session}))
        except (ShardError, OSError):
            pass  # the chain is broken already; the error that broke it is what the caller sees

    def _control(self, worker: _Worker, message: Message) -> Message:
        if not self._finalizer.alive or worker.control is None:
            raise ShardError(f"{self!r} is closed")
        try:
            reply = transport.request(worker.control, message)
        except (OSError, transport.ProtocolError) as err:
            code = worker.process.poll()
            state = f"exited with code {code}" if code is not None else "running"
            raise ShardError(f"lost the connection to the worker for {worker.label} ({state}): {err}\n{worker.log_tail()}") from None
        if reply.op == "error":
            casualties = self._casualties() if reply.fields.get("broken_link") else ""
            raise ShardError(f"worker for {reply.fields.get('worker', worker.label)}: {reply.fields.get('message')}{casualties}")
        return reply

    def _casualties(self, wait_s: float = 2.0) -> str:
        """Which workers have exited, to name the culprit when a live one reports a broken link. A dead
        peer's socket resets a moment before its exit status can be collected, hence the short wait."""
        deadline = time.monotonic() + wait_s
        while True:
            dead = [f"{w.label} (exit code {w.process.poll()})" for w in self._workers if w.process.poll() is not None]
            if dead or time.monotonic() > deadline:
                return f"; exited: {', '.join(dead)}" if dead else ""
            time.sleep(0.02)

    def _start(self, threads: int, timeout_s: float) -> None:
        env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE", "HF_HUB_OFFLINE": os.environ.get("HF_HUB_OFFLINE", "1")}
        # the worker must import this very velo, whether installed or run from a checkout
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(Path(__file__).resolve().parents[2]), env.get("PYTHONPATH")) if p)
        for start, end in self.ranges:
            log_path = self._logs / f"worker-{start}-{end}.log"
            command = [
                sys.executable, "-m", "velo.edgeshard.worker", "--port", "0", "--host", HOST,
                "--layers", f"{start}:{end}", "--model-dir", str(self.model_dir),
                "--threads", str(threads), "--parent-pid", str(os.getpid()),
            ]  # fmt: skip
            with open(log_path, "wb") as log:
                # own session = own process group, so close() can signal the worker and anything it spawned
                process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL, env=env, start_new_session=True)
            self._workers.append(_Worker((start, end), process, log_path))
        deadline = time.monotonic() + timeout_s
        for worker in self._workers:  # they load in parallel; collect their ports in order
            port = _await_ready(worker, deadline)
            worker.address = f"{HOST}:{port}"
            worker.control = transport.connect(worker.address, timeout=10)
        # link from the tail: each worker connects to its (already listening) successor
        for worker, successor in zip(self._workers, [*self._workers[1:], None]):
            fields = {"model_dir": str(self.model_dir), "start": worker.layers[0], "end": worker.layers[1]}
            self._control(worker, Message("load", {**fields, "next": successor.address if successor else None}))


def _await_ready(worker: _Worker, deadline: float) -> int:
    """The port a starting worker announces on stdout; a clear error if it dies or takes too long."""
    stdout: IO[bytes] = worker.process.stdout  # type: ignore[assignment]
    with selectors.DefaultSelector() as selector:
        selector.register(stdout, selectors.EVENT_READ)
        line = b""
        while not line.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ShardError(f"the worker for {worker.label} did not start within the timeout\n{worker.log_tail()}")
            if not selector.select(timeout=min(remaining, 1.0)):
                continue
            chunk = os.read(stdout.fileno(), 4096)
            if not chunk:
                code = worker.process.wait(timeout=5)
                raise ShardError(f"the worker for {worker.label} exited with code {code} while starting:\n{worker.log_tail()}")
            line += chunk
    stdout.close()
    text = line.decode(errors="replace").strip()
    if not text.startswith(READY_PREFIX):
        raise ShardError(f"the worker for {worker.label} announced {text!r} instead of its port")
    return int(text.removeprefix(READY_PREFIX))


def _stop_workers(workers: list[_Worker], logs: Path) -> None:
    """Shut every worker down: a `shutdown` message, then SIGTERM, then SIGKILL to its process group."""
    for worker in workers:
        if worker.control is not None:
            try:
                worker.control.settimeout(2.0)
                transport.request(worker.control, Message("shutdown"))
            except (OSError, transport.ProtocolError):
                pass
    deadline = time.monotonic() + STOP_GRACE_S
    for worker in workers:
        try:
            worker.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for worker in workers:
            if worker.process.poll() is not None:
                continue  # exited and reaped: its pid (and group id) may belong to someone else by now
            try:
                os.killpg(worker.process.pid, sig)  # the whole group: the worker and anything it spawned
            except (ProcessLookupError, PermissionError):
                pass
        for worker in workers:
            try:
                worker.process.wait(timeout=2.0)
            except subprocess.TimeoutExpired:
                pass
    for worker in workers:
        if worker.control is not None:
            worker.control.close()
            worker.control = None
        if worker.process.stdout is not None:
            worker.process.stdout.close()
    shutil.rmtree(logs, ignore_errors=True)


def _skeleton(model_dir: Path, name: str) -> LocalLLM:
    """The model without weights (meta tensors) and its tokenizer, to reuse `LocalLLM`'s prompt rules,
    stop tokens and context window in the coordinator, which never runs a layer itself."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer, GenerationConfig

    if not (model_dir / "config.json").is_file():
        if name != SMOLLM2_NAME:
            raise FileNotFoundError(f"{model_dir} holds no model (config.json); give a directory saved with save_pretrained")
        from velo.llm.local import ensure_smollm2

        ensure_smollm2(model_dir)
    config = AutoConfig.from_pretrained(model_dir)
    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(config)
    try:
        model.generation_config = GenerationConfig.from_pretrained(model_dir)
    except OSError:
        pass  # no generation_config.json: the config's own end-of-sequence id stands
    return LocalLLM(name, model, AutoTokenizer.from_pretrained(model_dir))
