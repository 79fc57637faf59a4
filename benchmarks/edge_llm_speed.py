"""Speed of the edge LLM (SmolLM2-135M-Instruct, transformers, float32, CPU) on this machine.

Measures, with 1 and 2 torch threads:

* prefill: the forward pass over a prompt of ~16 / 64 / 256 / 512 tokens (median over runs), fitted as
  `prefill_ms = prefill_ms_base + prefill_ms_per_token * tokens` by least squares;
* decode: milliseconds per further token over the KV cache (fixed-length, end-of-sequence ignored),
  median over every run and prompt length;

and writes the latency profile the environment reads, `velo/profiles/edge_llm.json`, for the default
thread count (1, unless 2 is clearly faster on a typical request), with both settings under "by_threads".
Prints a markdown table.

    python benchmarks/edge_llm_speed.py --runs 5

Prompts are real oasst1 text from the bundled sample, cut to the exact token count: the time of a
forward pass depends on the number of tokens, not on what they say. Thread settings and prompt lengths
are interleaved within each run, so other load on the machine spreads over all of them alike; the load
average before and after is recorded, since this is a shared 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # ../shared/STACK.md: a hub look-up hangs ~74 s
# With the default (spinning) OpenMP wait policy, 2 torch threads on 2 cores shared with any other busy
# process slow decode ~12x (measured 76 -> 920 ms/token); PASSIVE keeps 2 threads within ~10% of 1 thread.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from velo.files import write_text_atomic  # noqa: E402
from velo.llm.local import LocalLLM, load_local_llm  # noqa: E402
from velo.paths import BUNDLED_OASST1  # noqa: E402

PROMPT_TOKENS = (16, 64, 256, 512)
THREADS = (1, 2)
DEFAULT_OUT = REPO_ROOT / "velo" / "profiles" / "edge_llm.json"
TYPICAL_PROMPT, TYPICAL_ANSWER = 128, 150
"""The request the thread choice is judged on: a question with some context and a medium answer."""
CLEARLY_FASTER = 0.8
"""2 threads become the default only if they take at most this share of 1 thread's time on that request."""


def sample_text_ids(llm: LocalLLM, needed: int) -> list[int]:
    """Token ids of the bundled sample's message texts, concatenated, at least `needed` long."""
    texts: list[str] = []
    for path in sorted(BUNDLED_OASST1.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(str(json.loads(line).get("text", "")))
    ids = llm.tokenizer.encode("\n\n".join(texts), add_special_tokens=False)
    if len(ids) < needed:
        raise SystemExit(f"the bundled sample holds only {len(ids)} tokens, {needed} needed")
    return ids


def measure(llm: LocalLLM, text_ids: list[int], runs: int, decode_tokens: int) -> dict[int, dict[int, list[tuple[float, float]]]]:
    """(prefill_ms, decode_ms_per_token) per thread count, prompt length and run."""
    samples: dict[int, dict[int, list[tuple[float, float]]]] = {t: {n: [] for n in PROMPT_TOKENS} for t in THREADS}
    for threads in THREADS:  # warm-up: first calls allocate and pick kernels
        torch.set_num_threads(threads)
        llm.generate_ids(text_ids[:64], 4, stop_at_eos=False)
    for run in range(runs):
        for threads in THREADS:
            torch.set_num_threads(threads)
            for n in PROMPT_TOKENS:
                # shift the window per run so no two runs see the same prompt
                prompt = text_ids[run * 7 : run * 7 + n]
                generation = llm.generate_ids(prompt, decode_tokens, stop_at_eos=False)
                samples[threads][n].append((generation.prefill_ms, generation.decode_ms / (generation.output_tokens - 1)))
        print(f"run {run + 1}/{runs} done", file=sys.stderr)
    return samples


def summarize(per_length: dict[int, list[tuple[float, float]]]) -> dict:
    prefill = {n: statistics.median(p for p, _ in runs) for n, runs in per_length.items()}
    per_token, base = np.polyfit(list(prefill), list(prefill.values()), 1)
    decode = statistics.median(d for runs in per_length.values() for _, d in runs)
    return {
        "prefill_ms_base": round(float(base), 2),
        "prefill_ms_per_token": round(float(per_token), 3),
        "decode_ms_per_token": round(decode, 2),
        "points": [
            {
                "prompt_tokens": n,
                "prefill_ms": round(prefill[n], 2),
                "decode_ms_per_token": round(statistics.median(d for _, d in runs), 2),
            }
            for n, runs in per_length.items()
        ],
    }


def typical_ms(profile: dict) -> float:
    prefill = profile["prefill_ms_base"] + profile["prefill_ms_per_token"] * TYPICAL_PROMPT
    return prefill + profile["decode_ms_per_token"] * (TYPICAL_ANSWER - 1)


def write_json(path: Path, data: dict) -> None:
    write_text_atomic(path, [json.dumps(data, indent=2) + "\n"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="runs per thread count and prompt length (median taken)")
    parser.add_argument("--decode-tokens", type=int, default=32, help="tokens generated per run to time decode")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="profile JSON to write")
    args = parser.parse_args()
    if args.runs < 1 or args.decode_tokens < 2:
        parser.error("--runs must be >= 1 and --decode-tokens >= 2")

    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    llm = load_local_llm()  # converts the GGUF on first use; the load below is the one the edge server pays
    first_load_s = time.perf_counter() - started
    started = time.perf_counter()
    llm = load_local_llm()
    load_s = time.perf_counter() - started
    text_ids = sample_text_ids(llm, max(PROMPT_TOKENS) + 7 * args.runs)

    samples = measure(llm, text_ids, args.runs, args.decode_tokens)
    by_threads = {threads: summarize(samples[threads]) for threads in THREADS}
    default = 2 if typical_ms(by_threads[2]) <= CLEARLY_FASTER * typical_ms(by_threads[1]) else 1
    chosen = by_threads[default]
    profile = {
        "model": llm.name,
        "runtime": "transformers-cpu-fp32",
        "threads": default,
        "prefill_ms_base": chosen["prefill_ms_base"],
        "prefill_ms_per_token": chosen["prefill_ms_per_token"],
        "decode_ms_per_token": chosen["decode_ms_per_token"],
        "load_s": round(load_s, 2),
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores / {'GPU' if torch.cuda.is_available() else 'no GPU'}",
        "by_threads": {str(t): p for t, p in by_threads.items()},
        "conditions": {
            "runs": args.runs,
            "decode_tokens": args.decode_tokens,
            "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
            "load_average_before": round(load_before, 2),
            "load_average_after": round(os.getloadavg()[0], 2),
            "torch": torch.__version__,
            "python": platform.python_version(),
        },
    }
    write_json(args.out, profile)

    print(f"## Edge LLM speed: {llm.name}, transformers, float32, CPU ({profile['machine']})\n")
    print(f"load from the converted cache: {load_s:.2f} s (first call this run: {first_load_s:.1f} s)\n")
    print("| threads | prompt tokens | prefill ms | decode ms/token |")
    print("|---:|---:|---:|---:|")
    for threads, summary in by_threads.items():
        for point in summary["points"]:
            print(f"| {threads} | {point['prompt_tokens']} | {point['prefill_ms']:.1f} | {point['decode_ms_per_token']:.1f} |")
    print("\n| threads | prefill ms (fit) | decode ms/token | typical request ms |")
    print("|---:|---|---:|---:|")
    for threads, summary in by_threads.items():
        fit = f"{summary['prefill_ms_base']:.1f} + {summary['prefill_ms_per_token']:.3f} x tokens"
        print(f"| {threads} | {fit} | {summary['decode_ms_per_token']:.1f} | {typical_ms(summary):.0f} |")
    print(
        f"\ndefault: {default} thread(s) (typical request = {TYPICAL_PROMPT}-token prompt + {TYPICAL_ANSWER}-token answer); "
        f"load average {profile['conditions']['load_average_before']} -> {profile['conditions']['load_average_after']}"
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
