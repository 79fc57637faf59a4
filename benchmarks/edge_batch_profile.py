"""The edge LLM's batched profile: a row's decode time per token when b rows decode together.

The edge server runs SmolLM2 through `velo.llm.continuous.ContinuousBatcher`: each newcomer is prefilled
alone, then one forward pass per step decodes every running row, each row attending over its own KV buffers
(`velo.llm.row_cache`). This script times that step itself: for each of `--batches` row counts b it prefills b
prompts of `--prompt-tokens` tokens cut from the bundled oasst1 sample (alone, as the batcher does; untimed), has
them join one batch of the batcher's (`continuous._Batch`, the object its worker steps) and times
`--decode-tokens` - 1 greedy steps of all b rows (no row leaves: a step costs the same whatever token it chose),
interleaving batch sizes within each run so other load spreads over all of them. A step is timed in CPU time of
the process (`time.process_time`, every torch thread; wall time is kept beside it): on the shared machine wall
time also counts the time other jobs took, CPU time mostly not.

It writes `velo/profiles/edge_llm_batched.json`: the default profile (`velo/profiles/edge_llm.json`: its
prefill fit and single-request decode time) plus `decode_ms_per_token_by_batch`, whose entry b - 1 is the default
decode time scaled by step(b) / step(1): step(1) is this run's median CPU time of a one-row step (the batcher
serves a lone request so), step(b >= 2) a least-squares line through the median CPU times of the batched sizes
(a CPU decode step reads every weight once whatever the rows, then does per-row work: a fixed cost plus one per
row; measured, the line through 2-8 rows predicts ~1.4x the one-row step at one row, so one row is timed on
its own rather than read off the line). Scaling keeps the single-request figure of the profile's own
(quieter) wall-clock measurement; the ratio is what this run adds. On a shared machine single sizes move by
tens of percent, hence the line rather than the raw medians, which are kept under "measured" (CPU) and
"measured_wall" with the fit.

    python benchmarks/edge_batch_profile.py --batches 1,2,4,8 --runs 3

The environment takes it opt-in: `velo evaluate --edge-profile velo/profiles/edge_llm_batched.json`, or
`edge_profile=load_edge_profile(PROFILES / "edge_llm_batched.json")` (`envs.velo_edge_v0`).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # ../shared/STACK.md: a hub look-up hangs ~74 s
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see benchmarks/edge_llm_speed.py
REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from benchmarks.edge_llm_speed import sample_text_ids, write_json  # noqa: E402
from velo.latency import PROFILES  # noqa: E402
from velo.llm.continuous import Handle, _Batch  # noqa: E402
from velo.llm.local import load_local_llm  # noqa: E402
from velo.llm.row_cache import use_row_attention  # noqa: E402

DEFAULT_OUT = PROFILES / "edge_llm_batched.json"


@torch.inference_mode()
def step_ms(llm, prompts: list[list[int]], decode_tokens: int) -> tuple[float, float]:
    """(CPU ms, wall ms) of one batcher decode step over `len(prompts)` rows: the mean of `decode_tokens` - 1
    steps after each prompt was prefilled alone and joined the batch (as `ContinuousBatcher` does, without its
    prefix reuse, which changes the prefill only)."""
    model = llm.model
    batch = _Batch(model)
    for ids in prompts:
        out = model(torch.tensor([ids]), use_cache=True, logits_to_keep=1)
        handle = Handle(tuple(ids), decode_tokens, None)
        batch.join(handle, [(k, v) for k, v, *_ in out.past_key_values], int(out.logits[0, -1].argmax()))
    steps = decode_tokens - 1
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(steps):
        batch.chose(batch.step(model).argmax(-1).tolist())
    return (time.process_time() - cpu) * 1000.0 / steps, (time.perf_counter() - wall) * 1000.0 / steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batches", default="1,2,3,4,6,8", help="batch sizes to time (1 and at least two more)")
    parser.add_argument("--runs", type=int, default=3, help="runs per batch size (median taken)")
    parser.add_argument("--prompt-tokens", type=int, default=64)
    parser.add_argument("--decode-tokens", type=int, default=16)
    parser.add_argument("--base", type=Path, default=PROFILES / "edge_llm.json", help="single-request profile to extend")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    sizes = sorted({int(b) for b in args.batches.split(",")})
    if sizes[0] != 1 or len(sizes) < 3 or args.runs < 1 or args.decode_tokens < 2:
        parser.error("--batches must include 1 and two larger sizes, --runs >= 1, --decode-tokens >= 2")

    base = json.loads(args.base.read_text())
    torch.set_num_threads(int(base.get("threads", 1)))
    load_before = os.getloadavg()[0]
    llm = load_local_llm()
    use_row_attention(llm.model)  # as ContinuousBatcher does
    ids = sample_text_ids(llm, args.prompt_tokens + 97 * (args.runs + 1) * sum(sizes) + 1)
    step_ms(llm, [ids[: args.prompt_tokens]] * 2, 4)  # warm-up: first calls allocate and pick kernels
    cpu: dict[int, list[float]] = {b: [] for b in sizes}
    wall: dict[int, list[float]] = {b: [] for b in sizes}
    offset = 0
    for run in range(args.runs):
        for b in sizes:
            prompts = []
            for _ in range(b):  # a fresh window of real text per row, so no two rows or runs see the same prompt
                prompts.append(ids[offset : offset + args.prompt_tokens])
                offset += 97
            c, w = step_ms(llm, prompts, args.decode_tokens)
            cpu[b].append(c)
            wall[b].append(w)
        print(f"run {run + 1}/{args.runs} done", file=sys.stderr)
    measured = {b: statistics.median(cpu[b]) for b in sizes}
    measured_wall = {b: statistics.median(wall[b]) for b in sizes}
    per_row, fixed = np.polyfit(sizes[1:], [measured[b] for b in sizes[1:]], 1)
    fitted = np.concatenate([[measured[1]], fixed + per_row * np.arange(2, sizes[-1] + 1)])
    if fitted.min() <= 0:
        raise SystemExit(f"the fitted step time is not positive ({fixed:.1f} + {per_row:.1f} x rows ms): measure again")
    ratio = fitted / fitted[0]
    by_batch = [round(float(base["decode_ms_per_token"] * r), 2) for r in ratio]
    profile = {
        **{k: base[k] for k in ("model", "runtime", "threads", "prefill_ms_base", "prefill_ms_per_token")},
        "decode_ms_per_token": base["decode_ms_per_token"],
        "decode_ms_per_token_by_batch": by_batch,
        "step": "velo.llm.continuous batcher (per-row KV cache), CPU time of the process",
        "measured": {str(b): round(measured[b], 2) for b in sizes},
        "measured_wall": {str(b): round(measured_wall[b], 2) for b in sizes},
        "fit_step_ms": {"fixed": round(float(fixed), 2), "per_row": round(float(per_row), 2)},
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "conditions": {"runs": args.runs, "prompt_tokens": args.prompt_tokens, "decode_tokens": args.decode_tokens,
                       "base_profile": args.base.name,
                       "load_average_before": round(load_before, 2), "load_average_after": round(os.getloadavg()[0], 2),
                       "torch_threads": torch.get_num_threads(), "torch": torch.__version__},
    }
    write_json(args.out, profile)
    print(f"## Edge LLM batcher decode step by batch size: {llm.name}, {torch.get_num_threads()} torch thread(s)\n")
    print("| rows | step CPU ms (median) | step CPU ms (fit) | x one row | step wall ms (median) | wall x one row "
          "| ms per token per row (profile) | tokens/s of the batch (profile) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for b in range(1, sizes[-1] + 1):
        step = f"{measured[b]:.1f}" if b in measured else "-"
        step_wall = f"{measured_wall[b]:.1f} | {measured_wall[b] / measured_wall[1]:.2f}" if b in measured else "- | -"
        print(f"| {b} | {step} | {fitted[b - 1]:.1f} | {ratio[b - 1]:.2f} | {step_wall} | {by_batch[b - 1]:.1f} "
              f"| {1000.0 * b / by_batch[b - 1]:.1f} |")
    print(f"\nload average {profile['conditions']['load_average_before']} -> {profile['conditions']['load_average_after']}; "
          f"wrote {args.out}")


if __name__ == "__main__":
    main()
