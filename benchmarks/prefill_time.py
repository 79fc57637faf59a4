"""How well the least prefill time (`velo.llm.prefill_time`) bounds SmolLM2's real prefill, on one thread.

Calibrates a `PrefillClock` on one prefill of `--calibrate` tokens (as `services.llm_local.LocalChatLLM` does at
start), then prefills prompts of each `--lengths` (no prefix reused) and prints, per length, the thread's CPU seconds
and wall seconds measured, the FLOP rate, the clock's estimate and estimate / measured CPU: below 1 is the bound
holding (what is refused could not have been answered in time), its distance from 1 what the bound leaves on the table.

    python benchmarks/prefill_time.py --lengths 256,1024,2048,5000 --repeats 3
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from velo.llm.local import load_local_llm
from velo.llm.prefill_time import PrefillClock


def prefill(model, ids: list[int]) -> tuple[float, float]:  # noqa: ANN001
    """(thread CPU seconds, wall seconds) of one prefill of `ids`, as the batcher runs it (`logits_to_keep=1`)."""
    wall, cpu = time.perf_counter(), time.thread_time()
    with torch.inference_mode():
        model(torch.tensor([ids]), use_cache=True, logits_to_keep=1)
    return time.thread_time() - cpu, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lengths", default="256,1024,2048,5000", help="prompt lengths in tokens, comma-separated")
    parser.add_argument("--calibrate", type=int, default=256, help="tokens of the calibration prefill (velo.llm.prefill_time.CALIBRATION_TOKENS)")
    parser.add_argument("--repeats", type=int, default=3, help="prefills per length; the median is printed")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    llm = load_local_llm()
    clock = PrefillClock.for_model(llm.model)
    vocab = llm.model.config.vocab_size
    ids = [(7919 * i) % (vocab - 1000) + 500 for i in range(max(int(n) for n in args.lengths.split(",")) + args.calibrate)]
    prefill(llm.model, ids[:32])  # first call: allocations, lazy set-up
    cpu, _ = prefill(llm.model, ids[-args.calibrate:])
    clock.observe(args.calibrate, 0, cpu)
    print(f"calibration: {args.calibrate} tokens, {cpu:.2f} s CPU, {clock.flops(args.calibrate) / cpu / 1e9:.1f} GFLOP/s; threads {args.threads}")
    print(f"{'tokens':>7} {'CPU s':>8} {'wall s':>8} {'GFLOP/s':>8} {'estimate s':>11} {'est/CPU':>8}")
    for n in (int(x) for x in args.lengths.split(",")):
        runs = [prefill(llm.model, ids[:n]) for _ in range(args.repeats)]
        cpu, wall = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        estimate = clock.seconds(n)
        assert estimate is not None
        print(f"{n:>7} {cpu:>8.2f} {wall:>8.2f} {clock.flops(n) / cpu / 1e9:>8.1f} {estimate:>11.2f} {estimate / cpu:>8.2f}")


if __name__ == "__main__":
    main()
