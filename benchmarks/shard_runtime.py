"""Sharded vs unsharded SmolLM2 on this machine: what the EdgeShard chain costs over loopback.

Runs the same greedy generation (a 128-token prompt, 32 new tokens, end-of-sequence ignored) on

* the unsharded model in this process (`LocalLLM`),
* 2 workers (layers 0:15, 15:30) and 3 workers (0:10, 10:20, 20:30) chained over loopback TCP
  (`ShardedLLM`),

every one with 1 torch thread, configurations interleaved within each run so background load spreads
over all of them alike, and prints medians and ratios to unsharded as a markdown table. "overhead" is
the part of a step spent outside the shards' layers (transport, framing, each shard's mask and rotary
embeddings, process hops): the step's wall time minus the sum of the shards' compute.

    python benchmarks/shard_runtime.py --runs 5

On one machine the stages of a chain run one after another (a single request has no pipeline
parallelism), so sharding can only add time here; the point is to measure how much.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # ../shared/STACK.md: a hub look-up hangs ~74 s
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see benchmarks/edge_llm_speed.py
REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

import torch  # noqa: E402

from benchmarks.profile_layers import sample_prompt  # noqa: E402
from velo.edgeshard.runtime import ShardedLLM  # noqa: E402
from velo.llm.local import default_cache_dir, load_local_llm  # noqa: E402

CONFIGS = {"2 shards": "0:15,15:30", "3 shards": "0:10,10:20,20:30"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per configuration (median taken), after one warm-up")
    parser.add_argument("--prompt-tokens", type=int, default=128)
    parser.add_argument("--new-tokens", type=int, default=32)
    args = parser.parse_args()
    if args.runs < 1 or args.prompt_tokens < 1 or args.new_tokens < 2:
        parser.error("--runs and --prompt-tokens must be >= 1, --new-tokens >= 2")

    torch.set_num_threads(1)
    load_before = os.getloadavg()[0]
    unsharded = load_local_llm()
    text_ids = sample_prompt(unsharded.tokenizer, args.prompt_tokens + 7 * (args.runs + 1))
    engines: dict = {"unsharded": unsharded}
    startup_s: dict[str, float] = {}
    try:
        for name, shards in CONFIGS.items():
            started = time.perf_counter()
            engines[name] = ShardedLLM(shards, model_dir=default_cache_dir(), threads=1)
            startup_s[name] = time.perf_counter() - started
        samples: dict[str, dict[str, list[float]]] = {name: {"prefill": [], "decode": [], "total": [], "overhead": []} for name in engines}
        for run in range(args.runs + 1):
            prompt = text_ids[run * 7 : run * 7 + args.prompt_tokens]  # a different prompt per run
            texts = set()
            for name, engine in engines.items():
                if name == "unsharded":
                    g = engine.generate_ids(prompt, args.new_tokens, stop_at_eos=False)
                    overhead = None
                else:
                    result = engine.run_ids(prompt, args.new_tokens, stop_at_eos=False)
                    g = result.generation
                    overhead = (g.decode_ms - sum(result.decode_compute_ms)) / (g.output_tokens - 1)
                texts.add(g.text)
                if run == 0:
                    continue  # warm-up
                s = samples[name]
                s["prefill"].append(g.prefill_ms)
                s["decode"].append(g.decode_ms / (g.output_tokens - 1))
                s["total"].append(g.total_ms)
                if overhead is not None:
                    s["overhead"].append(overhead)
            if len(texts) != 1:
                raise SystemExit(f"run {run}: the configurations disagree on the greedy text: {texts}")
            print(f"run {run}/{args.runs} done{' (warm-up)' if run == 0 else ''}", file=sys.stderr)
    finally:
        for engine in engines.values():
            if isinstance(engine, ShardedLLM):
                engine.close()

    med = {name: {k: statistics.median(v) if v else None for k, v in s.items()} for name, s in samples.items()}
    base = med["unsharded"]
    print(f"## EdgeShard runtime on this machine ({os.cpu_count()} cores, 1 torch thread per process)\n")
    print(f"{args.prompt_tokens}-token prompt, {args.new_tokens} new tokens, median of {args.runs} runs; ratio = / unsharded\n")
    print("| configuration | prefill ms | ratio | decode ms/token | ratio | end-to-end ms | ratio | overhead ms/decode step | startup s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, m in med.items():
        overhead = f"{m['overhead']:.2f}" if m["overhead"] is not None else "-"
        startup = f"{startup_s[name]:.1f}" if name in startup_s else "-"
        print(
            f"| {name} ({CONFIGS.get(name, '0:30 in process')}) | {m['prefill']:.1f} | {m['prefill'] / base['prefill']:.2f} | "
            f"{m['decode']:.1f} | {m['decode'] / base['decode']:.2f} | {m['total']:.0f} | {m['total'] / base['total']:.2f} | {overhead} | {startup} |"
        )
    print(f"\nidentical greedy text in every run and configuration; load average {load_before:.2f} -> {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
