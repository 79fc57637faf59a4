"""Per-layer profile of SmolLM2-135M-Instruct on this machine, the EdgeShard planner's measured input.

For each of the 30 decoder layers: the median time of prefill (a 128-token prompt by default) and of one
decode step over that prompt's KV cache, with one torch thread, timed by forward hooks while the layers
run exactly as a shard worker runs them; parameter and activation bytes. Writes
`velo/profiles/smollm2_layers.json` (format: `velo/edgeshard/layer_profile.py`) and prints a summary.

    python benchmarks/profile_layers.py --runs 7 --prompt-tokens 128

The prompt is real oasst1 text from the bundled sample, cut to the exact token count.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # ../shared/STACK.md: a hub look-up hangs ~74 s
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see benchmarks/edge_llm_speed.py
REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

import torch  # noqa: E402

from velo.edgeshard.layer_profile import DEFAULT_PROFILE, profile_layers, write_layer_profile  # noqa: E402
from velo.llm.local import load_local_llm  # noqa: E402
from velo.paths import BUNDLED_OASST1  # noqa: E402


def sample_prompt(tokenizer, tokens: int) -> list[int]:  # noqa: ANN001
    texts = [
        str(json.loads(line).get("text", ""))
        for path in sorted(BUNDLED_OASST1.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    ids = tokenizer.encode("\n\n".join(texts), add_special_tokens=False)
    if len(ids) < tokens:
        raise SystemExit(f"the bundled sample holds only {len(ids)} tokens, {tokens} needed")
    return ids[:tokens]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="timed runs (median taken), after 2 warm-up runs")
    parser.add_argument("--prompt-tokens", type=int, default=128, help="prompt length for prefill and the decode step's KV cache")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--out", type=Path, default=DEFAULT_PROFILE, help="profile JSON to write")
    args = parser.parse_args()
    if args.runs < 1 or args.prompt_tokens < 1 or args.threads < 1:
        parser.error("--runs, --prompt-tokens and --threads must be >= 1")

    torch.set_num_threads(args.threads)
    llm = load_local_llm()
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    profile = profile_layers(llm.model, sample_prompt(llm.tokenizer, args.prompt_tokens), llm.name, runs=args.runs)
    write_layer_profile(profile, args.out)

    print(f"## Layer profile: {profile.model}, {profile.prompt_tokens}-token prompt, {profile.threads} thread(s), median of {profile.runs} runs\n")
    print("| layer | memory MB | prefill ms | decode ms |")
    print("|---:|---:|---:|---:|")
    for i, layer in enumerate(profile.layers):
        print(f"| {i} | {layer.memory_bytes / 1e6:.1f} | {layer.prefill_ms:.2f} | {layer.decode_ms:.2f} |")
    total_mb = sum(layer.memory_bytes for layer in profile.layers) / 1e6
    print(f"| sum | {total_mb:.1f} | {profile.prefill_ms:.1f} | {profile.decode_ms:.1f} |")
    print(
        f"\nper-shard overhead (rotary embeddings + causal mask): prefill {profile.shard_overhead_ms['prefill']:.2f} ms, "
        f"decode {profile.shard_overhead_ms['decode']:.2f} ms; the memory sum counts the tied embeddings/LM head "
        f"twice ({profile.lm_head_bytes / 1e6:.1f} MB); load average {load_before:.2f} -> {os.getloadavg()[0]:.2f}; "
        f"took {time.perf_counter() - started:.0f} s"
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
