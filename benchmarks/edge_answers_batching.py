"""Speed of `velo data edge-answers` by batch size, and whether batched answers equal one-by-one answers.

Answers the same prepared questions (the first `--limit` of `--split`, file order) once per batch size,
each into its own copy of the prepared directory, through the command's own code path
(`plan_edge_answers` + `generate_edge_answers`: prompts sorted by length, batches of N). Prints a
markdown table: answers/s, wall and process CPU seconds, answers reaching the token cap, and how many
answers differ from batch size 1's (the first batch size given is the reference).

    python benchmarks/edge_answers_batching.py --data /tmp/shared_prep --split test --limit 24 --batch-sizes 1,8,16

One torch thread, as the command's default. The load average before and after each run is recorded: this
is a shared 2-core machine, and other load stretches the wall time (CPU seconds less so).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # ../shared/STACK.md: a hub look-up hangs ~74 s
REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

import torch  # noqa: E402

from velo.llm.edge_answers import generate_edge_answers, plan_edge_answers  # noqa: E402
from velo.llm.local import load_local_llm  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="a prepared directory (velo data prepare)")
    parser.add_argument("--split", default="test", choices=("train", "test", "all"))
    parser.add_argument("--limit", type=int, default=24)
    parser.add_argument("--batch-sizes", default="1,8,16", help="comma-separated; the first is the reference")
    parser.add_argument("--max-new-tokens", type=int, default=200)
    args = parser.parse_args()
    sizes = [int(size) for size in args.batch_sizes.split(",")]

    torch.set_num_threads(1)
    llm = load_local_llm()
    rows, reference = [], None
    with tempfile.TemporaryDirectory(prefix="edge-batching-") as tmp:
        for size in sizes:
            data_dir = Path(tmp) / f"batch{size}"
            data_dir.mkdir()
            for name in ("train.jsonl", "test.jsonl", "manifest.json"):
                shutil.copy(args.data / name, data_dir / name)
            plan = plan_edge_answers(data_dir, split=args.split, limit=args.limit, model=llm.name)
            load_before = os.getloadavg()[0]
            wall, cpu = time.perf_counter(), time.process_time()
            answers = {a.id: a for a in generate_edge_answers(llm, plan, args.max_new_tokens, batch_size=size)}
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            reference = reference or answers
            differ = sum(answers[key].answer != reference[key].answer for key in reference)
            capped = sum(a.output_tokens >= args.max_new_tokens for a in answers.values())
            tokens = sum(a.output_tokens for a in answers.values())
            rows.append((size, len(answers), tokens, wall, cpu, capped, differ, load_before, os.getloadavg()[0]))
            print(f"batch {size}: {len(answers) / wall:.3f} answers/s ({wall:.0f} s wall, {cpu:.0f} s CPU)", flush=True)
            for key in reference:
                if answers[key].answer != reference[key].answer:
                    print(f"  differs: {key} ({reference[key].output_tokens} vs {answers[key].output_tokens} tokens)")

    print(f"\n{len(reference or {})} questions of {args.data} ({args.split}), max_new_tokens {args.max_new_tokens}, 1 thread\n")
    print("| batch size | answers/s | speed-up | wall s | CPU s | tokens | at token cap | differ from batch " f"{sizes[0]} | load before / after |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    base = rows[0][1] / rows[0][3]
    for size, count, tokens, wall, cpu, capped, differ, before, after in rows:
        rate = count / wall
        print(f"| {size} | {rate:.3f} | {rate / base:.2f}x | {wall:.0f} | {cpu:.0f} | {tokens} | {capped} | {differ} | {before:.1f} / {after:.1f} |")


if __name__ == "__main__":
    main()
