"""The EdgeShard wire protocol: framed TCP messages between the coordinator and the shard workers.

One frame, version 1 (all integers big-endian):

| bytes | field |
|---|---|
| 4 | magic `b"VES1"` (VELO EdgeShard, protocol version 1) |
| 4 | header length H (uint32, at most `MAX_HEADER_BYTES`) |
| 8 | payload length N (uint64, at most `MAX_PAYLOAD_BYTES`) |
| H | header: a UTF-8 JSON object `{"op": ..., "fields": {...}, "tensors": [...]}` |
| N | payload: the raw bytes of every tensor, concatenated in header order |

Each tensor entry is `{"name", "dtype", "shape", "nbytes"}`; `dtype` is one of `DTYPES`, the bytes are
C-contiguous little-endian. Nothing is pickled: a peer can only make the receiver build tensors of a
known dtype and a shape whose size matches the bytes sent, and every mismatch is a `ProtocolError`.

Operations (`op`) and their fields:

| op | fields | tensors | reply |
|---|---|---|---|
| `ping` | | | `ok` with `pid`, `layers` |
| `load` | `start`, `end` (layers `start:end`), `model_dir`, `next` ("host:port" of the next stage, null for the last) | | `ok` |
| `forward` | `session`, `position` (cache position of the first token), `is_prefill`, `return_logits` | `input_ids` (first shard) or `hidden` | `result` with `token`, `compute_ms` (one entry per shard), tensor `logits` if asked |
| `reset` | `session` | | `ok` (passed down the chain) |
| `shutdown` | | | `ok`, then the worker exits |
| (any) | | | `error` with `message`, `worker` (the failing shard's layers) |
"""

from __future__ import annotations

import json
import socket
import struct
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from velo.json_limits import loads as load_json

if TYPE_CHECKING:
    import torch

MAGIC = b"VES1"
PREFIX = struct.Struct(">4sIQ")
MAX_HEADER_BYTES = 1 << 20
MAX_PAYLOAD_BYTES = 1 << 31
"""2 GiB: far above one prompt's hidden states (8192 tokens x 576 x 4 bytes = 19 MB), far below a mistake."""
OPS = frozenset({"ping", "load", "forward", "reset", "shutdown", "ok", "result", "error"})
DTYPES = ("float32", "float16", "bfloat16", "float64", "int64", "int32", "int16", "int8", "uint8", "bool")


class ProtocolError(ValueError):
    """A frame that does not follow the protocol; the message says which part is wrong."""


class ConnectionClosed(ConnectionError):
    """The peer closed the connection (cleanly between frames, or in the middle of one)."""


@dataclass(frozen=True)
class Message:
    """One frame: an operation, JSON-serializable fields, and named tensors."""

    op: str
    fields: Mapping[str, Any] = field(default_factory=dict)
    tensors: Mapping[str, torch.Tensor] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.op not in OPS:
            raise ProtocolError(f"unknown op {self.op!r}; expected one of {', '.join(sorted(OPS))}")


def encode(message: Message) -> bytes:
    """The complete frame for `message`."""
    import torch

    entries, chunks = [], []
    for name, tensor in message.tensors.items():
        dtype = str(tensor.dtype).removeprefix("torch.")
        if dtype not in DTYPES:
            raise ProtocolError(f"tensor {name!r} has dtype {dtype}, which the protocol cannot carry ({', '.join(DTYPES)})")
        data = tensor.detach().to("cpu").contiguous()
        # bfloat16 has no numpy dtype: its bytes travel as int16 of the same width
        raw = (data.view(torch.int16) if dtype == "bfloat16" else data).numpy().tobytes()
        entries.append({"name": name, "dtype": dtype, "shape": list(data.shape), "nbytes": len(raw)})
        chunks.append(raw)
    try:
        header = json.dumps({"op": message.op, "fields": dict(message.fields), "tensors": entries}).encode()
    except TypeError as err:
        raise ProtocolError(f"the fields of a {message.op!r} message must be JSON-serializable: {err}") from None
    payload = b"".join(chunks)
    if len(header) > MAX_HEADER_BYTES or len(payload) > MAX_PAYLOAD_BYTES:
        raise ProtocolError(f"frame too large: header {len(header)} B (max {MAX_HEADER_BYTES}), payload {len(payload)} B (max {MAX_PAYLOAD_BYTES})")
    return PREFIX.pack(MAGIC, len(header), len(payload)) + header + payload


def decode(frame: bytes) -> Message:
    """The message in one complete frame (the inverse of `encode`)."""
    if len(frame) < PREFIX.size:
        raise ProtocolError(f"frame of {len(frame)} bytes is shorter than the {PREFIX.size}-byte prefix")
    header_len, payload_len = parse_prefix(frame[: PREFIX.size])
    if len(frame) != PREFIX.size + header_len + payload_len:
        raise ProtocolError(f"frame is {len(frame)} bytes but its prefix announces {PREFIX.size + header_len + payload_len}")
    header = frame[PREFIX.size : PREFIX.size + header_len]
    return parse_body(header, memoryview(frame)[PREFIX.size + header_len :])


def parse_prefix(prefix: bytes) -> tuple[int, int]:
    magic, header_len, payload_len = PREFIX.unpack(prefix)
    if magic != MAGIC:
        raise ProtocolError(f"bad magic {magic!r}: the peer does not speak VELO EdgeShard protocol v1 (expected {MAGIC!r})")
    if header_len > MAX_HEADER_BYTES:
        raise ProtocolError(f"header of {header_len} bytes exceeds the {MAX_HEADER_BYTES}-byte limit")
    if payload_len > MAX_PAYLOAD_BYTES:
        raise ProtocolError(f"payload of {payload_len} bytes exceeds the {MAX_PAYLOAD_BYTES}-byte limit")
    return header_len, payload_len


def parse_body(header_bytes: bytes, payload: memoryview | bytes) -> Message:
    import torch

    try:
        header = load_json(header_bytes.decode("utf-8"))
    except ValueError as err:  # UnicodeDecodeError, JSONDecodeError, JSONLimitError (a RecursionError had escaped)
        raise ProtocolError(f"header is not UTF-8 JSON: {err}") from None
    if not isinstance(header, dict) or not isinstance(header.get("op"), str):
        raise ProtocolError("header must be a JSON object with a string 'op'")
    fields, entries = header.get("fields", {}), header.get("tensors", [])
    if not isinstance(fields, dict) or not isinstance(entries, list):
        raise ProtocolError("header 'fields' must be an object and 'tensors' a list")
    tensors: dict[str, torch.Tensor] = {}
    offset = 0
    for entry in entries:
        name, dtype, shape, nbytes = _tensor_entry(entry)
        if offset + nbytes > len(payload):
            raise ProtocolError(f"tensor {name!r} needs {nbytes} bytes at offset {offset}, but the payload has {len(payload)}")
        torch_dtype = getattr(torch, dtype)
        itemsize = torch.empty((), dtype=torch_dtype).element_size()
        numel = 1
        for size in shape:
            numel *= size
        if numel * itemsize != nbytes:
            raise ProtocolError(f"tensor {name!r}: shape {shape} of {dtype} is {numel * itemsize} bytes, header says {nbytes}")
        # bytearray: a writable copy, so the tensor owns its memory and torch does not warn
        data = bytearray(payload[offset : offset + nbytes])
        flat = torch.frombuffer(data, dtype=torch_dtype) if nbytes else torch.empty(0, dtype=torch_dtype)
        tensors[name] = flat.reshape(shape)
        offset += nbytes
    if offset != len(payload):
        raise ProtocolError(f"payload has {len(payload) - offset} bytes that no tensor claims")
    return Message(header["op"], fields, tensors)


def _tensor_entry(entry: object) -> tuple[str, str, list[int], int]:
    if not isinstance(entry, dict):
        raise ProtocolError(f"tensor entry must be an object, got {entry!r}")
    name, dtype, shape, nbytes = entry.get("name"), entry.get("dtype"), entry.get("shape"), entry.get("nbytes")
    if not isinstance(name, str) or dtype not in DTYPES:
        raise ProtocolError(f"tensor entry needs a string 'name' and a 'dtype' in {', '.join(DTYPES)}, got {entry!r}")
    if not isinstance(shape, list) or not all(isinstance(s, int) and s >= 0 for s in shape):
        raise ProtocolError(f"tensor {name!r}: 'shape' must be a list of non-negative integers, got {shape!r}")
    if not isinstance(nbytes, int) or nbytes < 0:
        raise ProtocolError(f"tensor {name!r}: 'nbytes' must be a non-negative integer, got {nbytes!r}")
    return name, dtype, shape, nbytes


def send(sock: socket.socket, message: Message) -> None:
    sock.sendall(encode(message))


def receive(sock: socket.socket) -> Message:
    """The next message on `sock`; `ConnectionClosed` if the peer hung up."""
    prefix = _read_exactly(sock, PREFIX.size, at_frame_start=True)
    header_len, payload_len = parse_prefix(prefix)
    header = _read_exactly(sock, header_len)
    payload = _read_exactly(sock, payload_len)
    return parse_body(header, payload)


def request(sock: socket.socket, message: Message) -> Message:
    """Send `message` and wait for its reply."""
    send(sock, message)
    return receive(sock)


def connect(address: str, timeout: float | None = None) -> socket.socket:
    """A TCP connection to "host:port", Nagle off: every frame is a complete request."""
    host, port = parse_address(address)
    sock = socket.create_connection((host, port), timeout=timeout)
    sock.settimeout(None)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def parse_address(address: str) -> tuple[str, int]:
    host, sep, port = address.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"address must be HOST:PORT with a port in 1..65535, got {address!r}")
    return host, int(port)


def _read_exactly(sock: socket.socket, size: int, at_frame_start: bool = False) -> bytes:
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        n = sock.recv_into(view[got:], size - got)
        if n == 0:
            if at_frame_start and got == 0:
                raise ConnectionClosed("the peer closed the connection")
            raise ConnectionClosed(f"the peer closed the connection in the middle of a frame ({got} of {size} bytes read)")
        got += n
    return bytes(buffer)
