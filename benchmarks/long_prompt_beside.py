"""Short questions beside one long prompt, through a running `velo up`: what the long one costs the others.

Sends one `--chars`-character prompt and, `--delays` seconds after it, one short question each (the official `openai`
client, `max_tokens` 20, no retries), to the stack whose `$VELO_HOME/up/client.json` it reads; prints, per request,
when it was sent, how long it took, its status and its route (or its error).

    velo up --port 8000 &      # then, once it printed its key:
    python benchmarks/long_prompt_beside.py --chars 20000 --delays 2,8,15,25
"""

from __future__ import annotations

import argparse
import json
import threading
import time

from openai import OpenAI

from velo.paths import velo_home

SENTENCE = "The river rose after three days of rain, and the old town by the bridge moved its market uphill. "
SHORT = ["Name a famous Italian painter.", "What is the boiling point of water in Fahrenheit?", "Who invented the telephone?",
         "What is the largest ocean?", "How many legs does a spider have?", "What is the capital of Canada?"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=20_000, help="characters of the long prompt")
    parser.add_argument("--delays", default="2,8,15,25", help="seconds after the long prompt each short question is sent")
    parser.add_argument("--timeout", type=float, default=200.0, help="the client's timeout (s)")
    args = parser.parse_args()
    client = json.loads((velo_home() / "up" / "client.json").read_text())
    oai = OpenAI(base_url=client["openai_base_url"], api_key=client["api_key"], max_retries=0, timeout=args.timeout)
    rows: list[tuple] = []
    t0 = time.perf_counter()

    def ask(label: str, text: str) -> None:
        sent = time.perf_counter()
        try:
            answer = oai.chat.completions.create(model="velo", messages=[{"role": "user", "content": text}], max_tokens=20)
            rows.append((label, sent - t0, time.perf_counter() - sent, 200, getattr(answer, "route", None)))
        except Exception as err:  # noqa: BLE001 - reported as it came
            rows.append((label, sent - t0, time.perf_counter() - sent, getattr(err, "status_code", None), str(err)[:160]))

    threads = [threading.Thread(target=ask, args=("long", (SENTENCE * (args.chars // len(SENTENCE) + 1))[: args.chars]))]
    threads[0].start()
    for i, delay in enumerate(float(d) for d in args.delays.split(",")):
        time.sleep(max(0.0, delay - (time.perf_counter() - t0)))
        threads.append(threading.Thread(target=ask, args=(f"short @{delay:g} s", SHORT[i % len(SHORT)])))
        threads[-1].start()
    for thread in threads:
        thread.join()
    for label, sent, took, status, what in sorted(rows, key=lambda r: r[1]):
        print(f"{label:>12}: sent at {sent:5.1f} s, took {took:6.1f} s, status {status}, {what}")


if __name__ == "__main__":
    main()
