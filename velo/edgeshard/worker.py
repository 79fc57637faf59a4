"""One EdgeShard stage: a contiguous range of decoder layers in its own process, one link of a chain.

EdgeShard (Zhang et al. 2024, arXiv 2405.14371, Sec. III) partitions an LLM layer-wise over devices and
runs it as a pipeline: each device holds its layers and their KV cache, receives the hidden states of the
previous stage and sends its own to the next one. Here every stage is a process on loopback:

    coordinator --token ids--> worker 0:15 --hidden--> worker 15:30 --token id (+ logits)--+
        ^                                                                                  |
        +---------------------- reply relayed back up the chain ----------------------------+

The first stage also holds the token embeddings, the last one the final norm and the LM head (tied to
the embeddings in SmolLM2, so both ends keep a copy of that matrix). A request is served synchronously:
each stage waits for its downstream reply and relays it upstream, which keeps a single socket per link and
needs no request ids; overlapping several requests in the pipeline (the paper's micro-batches) would not.

    python -m velo.edgeshard.worker --port 0 --layers 15:30 --model-dir .velo/models/smollm2-135m-instruct

prints `VELO_SHARD_WORKER port=<port>` on stdout once it listens (and, with --layers, has loaded), then
answers the messages of `velo.edgeshard.transport`.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import socket
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from velo.edgeshard import transport
from velo.edgeshard.transport import Message

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedModel

READY_PREFIX = "VELO_SHARD_WORKER port="
MAX_SESSIONS = 32
"""KV caches kept per worker; the least recently used is dropped beyond this (a coordinator that died
mid-answer never sends its `reset`)."""

log = logging.getLogger("velo.edgeshard.worker")


class LoadedShard:
    """Decoder layers `start:end` of a Llama-style causal LM, with the ends of the model they need.

    `run` is one forward step of these layers over a session's KV cache, exactly the computation
    `LlamaForCausalLM.forward` does for them (same rotary embeddings, same causal mask, same layer calls),
    so a chain of shards reproduces the unsharded model's logits bit for bit.
    """

    def __init__(self, model: PreTrainedModel, start: int, end: int) -> None:
        num_layers = int(model.config.num_hidden_layers)
        if not 0 <= start < end <= num_layers:
            raise ValueError(f"layer range {start}:{end} is not within the model's {num_layers} layers (need 0 <= start < end <= {num_layers})")
        self.start, self.end, self.num_layers = start, end, num_layers
        self.config = model.config
        self.hidden_size = int(model.config.hidden_size)
        self.rotary = model.model.rotary_emb
        self.layers = model.model.layers[start:end]
        self.embed = model.model.embed_tokens if self.is_first else None
        self.norm = model.model.norm if self.is_last else None
        self.lm_head = model.lm_head if self.is_last else None
        self._caches: OrderedDict[str, object] = OrderedDict()

    @property
    def is_first(self) -> bool:
        return self.start == 0

    @property
    def is_last(self) -> bool:
        return self.end == self.num_layers

    @property
    def name(self) -> str:
        return f"{self.start}:{self.end}"

    def parameter_bytes(self) -> int:
        modules = [self.layers, self.embed, self.norm, self.lm_head]
        unique = {id(p): p for m in modules if m is not None for p in m.parameters()}
        return sum(p.numel() * p.element_size() for p in unique.values())

    def run(self, session: str, position: int, is_prefill: bool, inputs: torch.Tensor) -> torch.Tensor:
        """Hidden states after these layers; on the last shard, the logits of the last position.

        `inputs` are token ids [1, q] on the first shard, hidden states [1, q, hidden] elsewhere; `position`
        is the cache position of the first of the q tokens (0 for a prefill).
        """
        import torch
        from transformers import DynamicCache
        from transformers.masking_utils import create_causal_mask

        cache = self._session_cache(session, position, is_prefill)
        if self.embed is not None:
            if inputs.dtype != torch.int64 or inputs.dim() != 2 or inputs.shape[0] != 1 or inputs.shape[1] == 0:
                raise ValueError(f"the first shard takes int64 token ids of shape [1, q>0], got {inputs.dtype} {list(inputs.shape)}")
            hidden = self.embed(inputs)
        else:
            if inputs.dtype != torch.float32 or inputs.dim() != 3 or inputs.shape[0] != 1 or inputs.shape[2] != self.hidden_size:
                raise ValueError(f"shard {self.name} takes float32 hidden states [1, q, {self.hidden_size}], got {inputs.dtype} {list(inputs.shape)}")
            hidden = inputs
        if cache is None:
            cache = DynamicCache(config=self.config)
        position_ids = (torch.arange(hidden.shape[1]) + position).unsqueeze(0)
        # layer_idx: the cache holds a slot per model layer but only this shard's are filled
        mask = create_causal_mask(
            config=self.config, inputs_embeds=hidden, attention_mask=None, past_key_values=cache, position_ids=position_ids, layer_idx=self.start
        )
        position_embeddings = self.rotary(hidden, position_ids=position_ids)
        for layer in self.layers:
            hidden = layer(
                hidden,
                attention_mask=mask,
                position_embeddings=position_embeddings,
                position_ids=position_ids,
                past_key_values=cache,
                use_cache=True,
            )
        self._caches[session] = cache
        self._caches.move_to_end(session)
        while len(self._caches) > MAX_SESSIONS:
            self._caches.popitem(last=False)
        if self.norm is None or self.lm_head is None:
            return hidden
        # as LlamaForCausalLM with logits_to_keep=1: norm every position, project only the last
        return self.lm_head(self.norm(hidden)[:, -1:, :])[0, -1]

    def reset(self, session: str) -> None:
        self._caches.pop(session, None)

    def _session_cache(self, session: str, position: int, is_prefill: bool) -> object | None:
        if is_prefill:
            if position != 0:
                raise ValueError(f"a prefill starts at position 0, got {position}")
            self._caches.pop(session, None)
            return None
        cache = self._caches.get(session)
        if cache is None:
            raise ValueError(f"shard {self.name} has no KV cache for session {session!r}: send a prefill first")
        cached = cache.get_seq_length(self.start)  # type: ignore[attr-defined]
        if cached != position:
            raise ValueError(f"shard {self.name}: session {session!r} has {cached} cached tokens but the step is at position {position}")
        return cache


def load_shard(model_dir: Path | str, start: int, end: int) -> LoadedShard:
    """Load the model from `model_dir` and keep only what layers `start:end` need; the rest is freed."""
    import torch
    from transformers import AutoModelForCausalLM
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    model = AutoModelForCausalLM.from_pretrained(str(model_dir), dtype=torch.float32).eval()
    if not hasattr(model, "model") or not hasattr(model.model, "layers"):
        raise ValueError(f"{model_dir} holds a {type(model).__name__}; EdgeShard splits Llama-style models (model.model.layers)")
    shard = LoadedShard(model, start, end)
    del model  # the shard references only its own modules; everything else goes with the model
    gc.collect()
    return shard


@dataclass
class _Link:
    """The connection to the next stage, if this is not the last one."""

    address: str | None = None
    sock: socket.socket | None = None

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock = None


class Worker:
    """Serves one shard on a listening socket; one thread per connection, one model step at a time."""

    def __init__(self, listener: socket.socket, parent_pid: int | None = None) -> None:
        self.listener = listener
        self.parent_pid = parent_pid
        self.shard: LoadedShard | None = None
        self.model_dir: str | None = None
        self.next = _Link()
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    @property
    def label(self) -> str:
        return f"layers {self.shard.name}" if self.shard is not None else "unloaded"

    def load(self, model_dir: str, start: int, end: int, next_address: str | None) -> None:
        with self.lock:
            if self.shard is None or (self.model_dir, self.shard.start, self.shard.end) != (model_dir, start, end):
                self.shard = None
                gc.collect()
                self.shard = load_shard(model_dir, start, end)
                self.model_dir = model_dir
            if next_address is not None and self.shard.is_last:
                raise ValueError(f"layers {start}:{end} end the model, so this shard has no next stage; got next={next_address}")
            if next_address != self.next.address:
                self.next.close()
                self.next = _Link(next_address, transport.connect(next_address, timeout=10) if next_address else None)
        log.info("loaded %s (%d MB of parameters), next: %s", self.label, self.shard.parameter_bytes() >> 20, next_address)

    def serve_forever(self) -> None:
        self.listener.settimeout(0.5)
        while not self.stopping.is_set():
            if self.parent_pid is not None and os.getppid() != self.parent_pid:
                log.warning("the coordinator (pid %d) is gone; exiting", self.parent_pid)
                break
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                break
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=self._serve_connection, args=(conn,), daemon=True).start()
        self.listener.close()
        self.next.close()

    def _serve_connection(self, conn: socket.socket) -> None:
        with conn:
            while not self.stopping.is_set():
                try:
                    message = transport.receive(conn)
                except transport.ConnectionClosed:
                    return
                except transport.ProtocolError as err:
                    # the stream cannot be re-synchronized after a bad frame: answer, then hang up
                    self._reply(conn, self._error(f"malformed frame: {err}"))
                    return
                except OSError:
                    return
                reply = self._handle(message)
                if not self._reply(conn, reply):
                    return
                if message.op == "shutdown":
                    self.stopping.set()
                    return

    def _reply(self, conn: socket.socket, reply: Message) -> bool:
        try:
            transport.send(conn, reply)
            return True
        except OSError:
            return False

    def _error(self, text: str) -> Message:
        return Message("error", {"message": text, "worker": self.label})

    def _handle(self, message: Message) -> Message:
        try:
            if message.op == "ping":
                return Message("ok", {"pid": os.getpid(), "layers": self.shard.name if self.shard else None})
            if message.op == "load":
                f = message.fields
                self.load(str(f["model_dir"]), int(f["start"]), int(f["end"]), f.get("next"))
                return Message("ok", {"pid": os.getpid(), "layers": self.label})
            if message.op == "forward":
                return self._forward(message)
            if message.op == "reset":
                return self._reset(message)
            if message.op == "shutdown":
                return Message("ok", {"pid": os.getpid()})
            return self._error(f"a worker does not accept {message.op!r} messages")
        except Exception as err:  # every failure goes back up the chain as an error reply
            log.exception("%s failed", message.op)
            return self._error(f"{message.op} failed on {self.label}: {type(err).__name__}: {err}")

    def _forward(self, message: Message) -> Message:
        f = message.fields
        session, position, is_prefill = str(f["session"]), int(f["position"]), bool(f["is_prefill"])
        inputs = message.tensors.get("input_ids", message.tensors.get("hidden"))
        if inputs is None:
            raise ValueError("a forward message carries a tensor 'input_ids' (first shard) or 'hidden'")
        import torch

        with self.lock:
            shard = self._loaded()
            started, cpu = time.perf_counter(), time.thread_time()
            with torch.inference_mode():
                out = shard.run(session, position, is_prefill, inputs)
            compute_ms, cpu_ms = (time.perf_counter() - started) * 1000.0, (time.thread_time() - cpu) * 1000.0
            if shard.is_last:
                tensors = {"logits": out} if f.get("return_logits") else {}
                return Message("result", {"token": int(out.argmax()), "compute_ms": [compute_ms], "cpu_ms": [cpu_ms]}, tensors)
            if self.next.sock is None:
                raise ValueError(f"layers {shard.name} do not end the model and no next stage is linked: send 'load' with next=HOST:PORT")
            down = self._downstream(Message("forward", dict(f), {"hidden": out}))
        if down.op != "result":
            return down
        return Message("result", {**down.fields, "compute_ms": [compute_ms, *down.fields["compute_ms"]],
                                  "cpu_ms": [cpu_ms, *down.fields.get("cpu_ms", ())]}, down.tensors)

    def _reset(self, message: Message) -> Message:
        with self.lock:
            self._loaded().reset(str(message.fields["session"]))
            return self._downstream(message) if self.next.sock is not None else Message("ok")

    def _loaded(self) -> LoadedShard:
        if self.shard is None:
            raise ValueError("no layers loaded: send a 'load' message first")
        return self.shard

    def _downstream(self, message: Message) -> Message:
        assert self.next.sock is not None
        try:
            return transport.request(self.next.sock, message)
        except OSError as err:
            reply = self._error(f"the next stage {self.next.address} is unreachable: {err}")
            return Message("error", {**reply.fields, "broken_link": self.next.address})


def parse_layers(text: str) -> tuple[int, int]:
    start, sep, end = text.partition(":")
    if not sep or not start.strip().isdigit() or not end.strip().isdigit() or int(start) >= int(end):
        raise ValueError(f"a layer range is START:END with START < END, e.g. 0:15, got {text!r}")
    return int(start), int(end)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve a contiguous range of an LLM's decoder layers (one EdgeShard stage).")
    parser.add_argument("--port", type=int, required=True, help="TCP port to listen on (0: any free port, printed on stdout)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--layers", help="START:END layers to load at startup (else wait for a 'load' message)")
    parser.add_argument("--next", help="HOST:PORT of the next stage (with --layers; none for the last stage)")
    parser.add_argument("--model-dir", type=Path, help="the converted model directory (with --layers)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads for this stage")
    parser.add_argument("--parent-pid", type=int, help="exit when this process (the coordinator) is gone")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format=f"[shard worker pid {os.getpid()}] %(message)s")

    import torch

    torch.set_num_threads(args.threads)
    listener = socket.create_server((args.host, args.port))
    worker = Worker(listener, args.parent_pid)
    if args.layers:
        if args.model_dir is None:
            parser.error("--layers needs --model-dir")
        start, end = parse_layers(args.layers)
        worker.load(str(args.model_dir), start, end, args.next)
    print(f"{READY_PREFIX}{listener.getsockname()[1]}", flush=True)
    # the coordinator stops reading stdout after that line: anything printed later goes to stderr
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    worker.serve_forever()


if __name__ == "__main__":
    main()
