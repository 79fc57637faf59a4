"""What the edge server's second tokenization of a conversation cost per answer of its local LLM.

The edge counts a conversation's tokens before its lookup (`LocalChatLLM.check`, the context window's check) and had
tokenized it again to generate; it now generates from the first tokenization's ids. This prints the CPU time of one
tokenization (`LocalLLM.prompt_ids`: SmolLM2's chat template and tokenizer, what each of the two did) per conversation
size, median of `--repeats`, in this process on one thread: the time each edge answer no longer spends.

    python benchmarks/prompt_tokenizing.py --repeats 20

CPU time, not wall time, so the figure holds on a shared machine; the load average is printed with it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
ENGLISH = "The water cycle moves water between the oceans, the air and the land, driven by the sun's heat. "
CJK = "这是一个很长的中文提示，用来测试服务器的长度检查。"
SIZES = (("a question (60 characters)", ENGLISH[:60]), ("English, 2,000 characters", None), ("English, 16,000 characters", None),
         ("CJK, 8,000 characters", None))


def text_of(label: str, given: str | None) -> str:
    if given is not None:
        return given
    chars = int(label.split(", ")[1].split()[0].replace(",", ""))
    unit = CJK if label.startswith("CJK") else ENGLISH
    return (unit * (chars // len(unit) + 1))[:chars]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch

    from velo.llm.local import load_local_llm

    torch.set_num_threads(1)
    llm = load_local_llm()
    print(f"load average {os.getloadavg()[0]:.2f}; median CPU ms of one tokenization over {args.repeats} repeats")
    print("| conversation | tokens | CPU ms per tokenization |")
    print("|---|---:|---:|")
    for label, given in SIZES:
        turns = [{"role": "system", "content": "Answer briefly."}, {"role": "user", "content": text_of(label, given)}]
        times = []
        for _ in range(args.repeats):
            t0 = time.process_time()
            ids = llm.prompt_ids(turns)
            times.append((time.process_time() - t0) * 1000.0)
        print(f"| {label} | {len(ids)} | {np.median(times):.3f} |")


if __name__ == "__main__":
    main()
