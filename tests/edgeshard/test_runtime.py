"""The EdgeShard runtime for real: SmolLM2 split over 2 and 3 worker processes on loopback.

The model is converted once per test session into the same VELO home the llm tests use.
"""

from __future__ import annotations

import os
import signal
import socket
import struct
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from velo.edgeshard import transport  # noqa: E402
from tests.edgeshard.conftest import shared_model_dir  # noqa: E402
from velo.edgeshard.runtime import ShardedLLM, ShardError, as_ranges, check_ranges  # noqa: E402
from velo.edgeshard.transport import Message, ProtocolError  # noqa: E402
from velo.llm import Generation, LocalLLM, load_local_llm  # noqa: E402

PROMPTS = ("What is the capital of France?", "Name three colours of the rainbow.")
MAX_NEW_TOKENS = 12


def alive(pid: int) -> bool:
    """True while `pid` is a live, unreaped process that is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


# --- transport -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tensor",
    [
        torch.randn(1, 7, 576),
        torch.randn(3).to(torch.float16),
        torch.randn(2, 2).to(torch.bfloat16),
        torch.arange(12, dtype=torch.int64).reshape(1, 12),
        torch.tensor([True, False]),
        torch.zeros(0, 4),
        torch.tensor(3.5),
    ],
    ids=["float32-hidden", "float16", "bfloat16", "int64-ids", "bool", "empty", "scalar"],
)
def test_tensors_round_trip_bit_exact(tensor: torch.Tensor) -> None:
    sent = Message("forward", {"session": "s", "position": 3, "is_prefill": False}, {"x": tensor, "ids": torch.tensor([[1, 2]])})
    got = transport.decode(transport.encode(sent))
    assert got.op == "forward" and dict(got.fields) == dict(sent.fields)
    assert got.tensors["x"].dtype == tensor.dtype and got.tensors["x"].shape == tensor.shape
    assert torch.equal(got.tensors["x"], tensor)
    assert torch.equal(got.tensors["ids"], torch.tensor([[1, 2]]))


def test_round_trip_over_a_socket() -> None:
    a, b = socket.socketpair()
    with a, b:
        hidden = torch.randn(1, 128, 576)  # 295 kB: more than a socket buffer, so the sender must run alongside
        sender = threading.Thread(target=transport.send, args=(a, Message("forward", {"session": "x"}, {"hidden": hidden})))
        sender.start()
        got = transport.receive(b)
        sender.join()
        assert torch.equal(got.tensors["hidden"], hidden)
        a.close()
        with pytest.raises(transport.ConnectionClosed):
            transport.receive(b)


def test_malformed_frames_raise_clear_errors() -> None:
    good = transport.encode(Message("forward", {}, {"x": torch.ones(2, 3)}))
    with pytest.raises(ProtocolError, match="bad magic"):
        transport.decode(b"HTTP" + good[4:])
    with pytest.raises(ProtocolError, match="announces"):
        transport.decode(good[:-4])
    header = b'{"op": "forward", "fields": {}, "tensors": [{"name": "x", "dtype": "float32", "shape": [2, 3], "nbytes": 20}]}'
    with pytest.raises(ProtocolError, match="shape \\[2, 3\\] of float32 is 24 bytes"):
        transport.decode(transport.PREFIX.pack(transport.MAGIC, len(header), 20) + header + bytes(20))
    header = b'{"op": "forward", "tensors": [{"name": "x", "dtype": "object", "shape": [1], "nbytes": 8}]}'
    with pytest.raises(ProtocolError, match="dtype"):
        transport.decode(transport.PREFIX.pack(transport.MAGIC, len(header), 8) + header + bytes(8))
    with pytest.raises(ProtocolError, match="not UTF-8 JSON"):
        transport.decode(transport.PREFIX.pack(transport.MAGIC, 3, 0) + b"{x]")
    with pytest.raises(ProtocolError, match="exceeds"):
        transport.parse_prefix(struct.pack(">4sIQ", transport.MAGIC, 1 << 30, 0))
    with pytest.raises(ProtocolError, match="unknown op"):
        Message("exec")


def test_layer_ranges_are_checked() -> None:
    assert as_ranges("0:15,15:30") == [(0, 15), (15, 30)]
    assert as_ranges(["a", "a", "b", "c", "c"]) == [(0, 2), (2, 3), (3, 5)]
    check_ranges([(0, 10), (10, 30)], 30)
    with pytest.raises(ValueError, match="contiguous"):
        check_ranges([(0, 10), (12, 30)], 30)
    with pytest.raises(ValueError, match="30 layers"):
        check_ranges([(0, 10), (10, 20)], 30)
    with pytest.raises(ValueError, match="START:END"):
        as_ranges("0-15")


# --- the sharded model ----------------------------------------------------------------------------


def unsharded_ids(reference: LocalLLM, prompt_ids: list[int], max_new_tokens: int) -> list[int]:
    """The unsharded model's greedy token ids, by the loop of `LocalLLM.generate_ids` (which returns text)."""
    produced: list[int] = []
    with torch.inference_mode():
        out = reference.model(torch.tensor([prompt_ids]), use_cache=True, logits_to_keep=1)
        while True:
            produced.append(int(out.logits[0, -1].argmax()))
            if len(produced) == max_new_tokens or produced[-1] in reference.stop_ids:
                return produced
            out = reference.model(torch.tensor([produced[-1:]]), past_key_values=out.past_key_values, use_cache=True)


@pytest.fixture(scope="module")
def expected(reference: LocalLLM) -> list[tuple[list[int], list[int], Generation]]:
    """Per prompt: its ids, the unsharded greedy token ids and the unsharded `Generation`."""
    prompts = [reference.prompt_ids(p) for p in PROMPTS]
    return [(ids, unsharded_ids(reference, ids, MAX_NEW_TOKENS), reference.generate_ids(ids, MAX_NEW_TOKENS)) for ids in prompts]


@pytest.mark.parametrize("shards", ["0:15,15:30", "0:7,7:22,22:30"], ids=["2-workers", "3-workers"])
def test_sharded_greedy_output_is_token_identical(
    shards: str, reference: LocalLLM, expected: list[tuple[list[int], list[int], Generation]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    prompts = [ids for ids, _, _ in expected]
    with ShardedLLM(shards, model_dir=shared_model_dir(tmp_path_factory)) as llm:
        pids = llm.pids
        assert len(pids) == len(shards.split(",")) and all(alive(pid) for pid in pids)
        assert [w["layers"] for w in llm.ping()] == shards.split(",")
        for text, (ids, want_ids, want) in zip(PROMPTS, expected):
            assert llm.prompt_ids(text) == ids
            got = llm.run_ids(ids, MAX_NEW_TOKENS)
            assert list(got.token_ids) == want_ids
            assert got.generation.text == want.text
            assert (got.generation.prompt_tokens, got.generation.output_tokens) == (want.prompt_tokens, want.output_tokens)
            assert got.stopped == (want_ids[-1] in reference.stop_ids)
            assert got.generation.prefill_ms > 0 and got.generation.decode_ms > 0
            assert len(got.prefill_compute_ms) == len(pids) and all(ms > 0 for ms in got.prefill_compute_ms)
        with torch.inference_mode():
            unsharded = reference.model(torch.tensor([prompts[0]]), logits_to_keep=1).logits[0, -1]
        assert torch.equal(llm.next_token_logits(prompts[0]), unsharded)  # bit for bit, not just the argmax
    assert not any(alive(pid) for pid in pids)


def test_workers_are_gone_after_an_exception_and_a_dead_worker_is_named(
    expected: list[tuple[list[int], list[int], Generation]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    ids, want, _ = expected[1]
    pids: list[int] = []
    with pytest.raises(RuntimeError, match="boom"):
        with ShardedLLM([(0, 1), (1, 30)], model_dir=shared_model_dir(tmp_path_factory)) as llm:
            pids = llm.pids
            assert list(llm.run_ids(ids, MAX_NEW_TOKENS).token_ids) == want  # a 1-layer first shard is fine too
            os.kill(pids[-1], signal.SIGKILL)  # break the chain: the error names the dead worker's layers
            with pytest.raises(ShardError, match="1:30"):
                llm.generate("Hello?", max_new_tokens=2)
            raise RuntimeError("boom")
    assert pids and not any(alive(pid) for pid in pids)


def test_ranges_that_do_not_cover_the_model_fail_before_any_worker_starts(
    reference: LocalLLM, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with pytest.raises(ValueError, match="30 layers"):
        ShardedLLM("0:10,10:20", model_dir=shared_model_dir(tmp_path_factory))
