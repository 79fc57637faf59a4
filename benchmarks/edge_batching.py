"""Edge LLM serving under concurrent clients: no batching, static batching and continuous batching, one run.

Closed-loop clients (each sends its next request when the last is answered) ask real oasst1 questions (the
shared `../shared/data/oasst1/oa_questions.jsonl` when present, else the bundled sample's seeds) of the edge
LLM (SmolLM2-135M-Instruct, greedy, one torch thread per policy since the edge server shares its cores).
Policies:

* `none`: one request at a time, first come first served (`LocalLLM.generate_ids` behind a lock);
* `static`: batches of a fixed size (`--static-size`, default 4), formed by waiting until that many requests
  are queued or `--static-wait-ms` (default 250) has passed since the first, decoded together to the end
  (`velo.llm.batch_generate.generate_batch`); requests arriving meanwhile wait for the next batch;
* `dynamic`: `velo.llm.continuous.ContinuousBatcher` (requests join and leave at every decode step);
* `dynamic-no-prefix` (only when named in `--policies`): the same without reusing shared prompt prefixes' KV.

Per (policy, clients) it prints throughput (output tokens/s, requests/s), per-request latency p50 / p95 (submit
to answer), p95 time per output token (latency / output tokens), output tokens per CPU second of the process (what
the policy costs, whatever else runs on the machine) and how many answers are the same text as `none`'s answer to
the same prompt (the greedy answer of the request served alone; `none` must run first for that). Every request has
the same `--max-new-tokens` cap; answers may stop earlier at end of sequence. Run on an otherwise idle machine; the
load average before each row is printed.

    python -u benchmarks/edge_batching.py --clients 1,4,16 --requests-per-client 4 --max-new-tokens 48
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # ../shared/STACK.md: a hub look-up hangs ~74 s
REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from velo.data.oasst1 import read_oa_questions  # noqa: E402
from velo.llm.batch_generate import generate_batch  # noqa: E402
from velo.llm.continuous import ContinuousBatcher  # noqa: E402
from velo.llm.local import Generation, LocalLLM, load_local_llm  # noqa: E402
from velo.paths import BUNDLED_CACHE_EVAL, shared_dir  # noqa: E402

SHARED_QUESTIONS = shared_dir() / "data" / "oasst1" / "oa_questions.jsonl"
Serve = Callable[[list[int], int], Generation]


def load_questions(limit: int) -> tuple[list[str], str]:
    if SHARED_QUESTIONS.exists():
        return [p.question for p in read_oa_questions(SHARED_QUESTIONS)][:limit], str(SHARED_QUESTIONS)
    path = BUNDLED_CACHE_EVAL / "fit.seeds.jsonl"
    return [json.loads(line)["question"] for line in path.open(encoding="utf-8")][:limit], str(path)


class Unbatched:
    def __init__(self, llm: LocalLLM) -> None:
        self.llm, self.lock = llm, threading.Lock()

    def __call__(self, prompt: list[int], max_new_tokens: int) -> Generation:
        with self.lock:
            return self.llm.generate_ids(prompt, max_new_tokens)

    def close(self) -> None:
        pass


class StaticBatches:
    """Fixed-size batches, waiting to fill up to a deadline; one batch runs to its end before the next forms."""

    def __init__(self, llm: LocalLLM, size: int, wait_ms: float) -> None:
        self.llm, self.size, self.wait_s = llm, size, wait_ms / 1000.0
        self.queue: list[tuple[list[int], int, dict]] = []
        self.cond = threading.Condition()
        self.closed = False
        self.worker = threading.Thread(target=self._run, daemon=True)
        self.worker.start()

    def __call__(self, prompt: list[int], max_new_tokens: int) -> Generation:
        slot: dict = {"done": threading.Event()}
        with self.cond:
            self.queue.append((prompt, max_new_tokens, slot))
            self.cond.notify()
        slot["done"].wait()
        return slot["answer"]

    def _run(self) -> None:
        while True:
            with self.cond:
                while not self.queue and not self.closed:
                    self.cond.wait()
                if self.closed:
                    return
                deadline = time.perf_counter() + self.wait_s
                while len(self.queue) < self.size and (left := deadline - time.perf_counter()) > 0:
                    self.cond.wait(left)
                batch, self.queue = self.queue[: self.size], self.queue[self.size :]
            answers = generate_batch(self.llm, [p for p, _, _ in batch], max(n for _, n, _ in batch))
            for (_, _, slot), answer in zip(batch, answers):
                slot["answer"] = answer
                slot["done"].set()

    def close(self) -> None:
        with self.cond:
            self.closed = True
            self.cond.notify()


class Continuous:
    def __init__(self, llm: LocalLLM, max_batch: int, prefix_cache_entries: int = 4) -> None:
        self.batcher = ContinuousBatcher(llm, max_batch=max_batch, prefix_cache_entries=prefix_cache_entries)

    def __call__(self, prompt: list[int], max_new_tokens: int) -> Generation:
        return self.batcher.generate(prompt, max_new_tokens)

    def close(self) -> None:
        self.batcher.close()


def run_clients(serve: Serve, prompts: list[list[int]], clients: int, per_client: int, max_new_tokens: int) -> dict:
    latencies, per_token, tokens = [], [], []
    answers: dict[int, str] = {}
    lock = threading.Lock()

    def client(c: int) -> None:
        for r in range(per_client):
            index = (c * per_client + r) % len(prompts)
            start = time.perf_counter()
            answer = serve(prompts[index], max_new_tokens)
            elapsed = time.perf_counter() - start
            with lock:
                answers[index] = answer.text
                latencies.append(elapsed)
                per_token.append(elapsed / answer.output_tokens)
                tokens.append(answer.output_tokens)

    start, cpu_start = time.perf_counter(), time.process_time()
    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    return {
        "tokens_per_s": sum(tokens) / wall, "requests_per_s": len(latencies) / wall,
        "tokens_per_cpu_s": sum(tokens) / cpu,
        "p50_s": float(np.percentile(latencies, 50)), "p95_s": float(np.percentile(latencies, 95)),
        "p95_ms_per_token": 1000.0 * float(np.percentile(per_token, 95)), "mean_tokens": statistics.mean(tokens),
        "answers": answers,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="1,4,16")
    parser.add_argument("--requests-per-client", type=int, default=3)
    parser.add_argument("--max-new-tokens", type=int, default=48)
    parser.add_argument("--static-size", type=int, default=4)
    parser.add_argument("--static-wait-ms", type=float, default=250.0)
    parser.add_argument("--max-batch", type=int, default=16, help="continuous batching's row limit")
    parser.add_argument("--policies", default="none,static,dynamic",
                        help=f"comma-separated, run in this order for each client count, from: {', '.join(POLICIES)}")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    names = [p.strip() for p in args.policies.split(",") if p.strip()]
    if not names or (unknown := sorted(set(names) - set(POLICIES))):
        parser.error(f"--policies: unknown {unknown or 'empty'}; choose from {', '.join(POLICIES)}")
    torch.set_num_threads(1)
    llm = load_local_llm()
    questions, source = load_questions(200)
    prompts = [llm.prompt_ids(q) for q in questions]
    llm.generate_ids(prompts[0], 4)  # warm-up
    print(f"{llm.name}, prompts from {source}, max_new_tokens {args.max_new_tokens}, "
          f"{args.requests_per_client} requests per client, 1 torch thread")
    print("| clients | policy | tokens/s | requests/s | p50 s | p95 s | p95 ms/token | tokens per CPU s "
          "| same answer as none | load before |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    results = []
    for clients in (int(c) for c in args.clients.split(",")):
        alone: dict[int, str] | None = None
        for name in names:
            load = os.getloadavg()[0]
            serve = POLICIES[name](llm, args)
            try:
                row = run_clients(serve, prompts, clients, args.requests_per_client, args.max_new_tokens)
            finally:
                serve.close()
            answers = row.pop("answers")
            if name == "none":
                alone = answers
            same = "-" if alone is None else f"{sum(alone.get(i) == t for i, t in answers.items())}/{len(answers)}"
            label = f"static-{args.static_size}" if name == "static" else name
            results.append({"clients": clients, "policy": label, **row, "same_as_none": same, "load_before": load})
            print(f"| {clients} | {label} | {row['tokens_per_s']:.1f} | {row['requests_per_s']:.2f} | "
                  f"{row['p50_s']:.2f} | {row['p95_s']:.2f} | {row['p95_ms_per_token']:.0f} | "
                  f"{row['tokens_per_cpu_s']:.1f} | {same} | {load:.1f} |", flush=True)
    if args.json:
        print(json.dumps(results))


POLICIES: dict[str, Callable[[LocalLLM, argparse.Namespace], object]] = {
    "none": lambda llm, args: Unbatched(llm),
    "static": lambda llm, args: StaticBatches(llm, args.static_size, args.static_wait_ms),
    "dynamic": lambda llm, args: Continuous(llm, args.max_batch),
    "dynamic-no-prefix": lambda llm, args: Continuous(llm, args.max_batch, prefix_cache_entries=0),
}
"""What `--policies` names: `dynamic-no-prefix` is `dynamic` without reusing the KV of shared prompt prefixes."""


if __name__ == "__main__":
    main()
