"""Turn the shared oasst1 paraphrase set into the cache-evaluation format (seeds + queries), outside the repo.

    python scripts/shared_paraphrases_to_cache_eval.py ../shared/data /tmp/shared_eval

writes /tmp/shared_eval/shared.seeds.jsonl (question, best-ranked oasst1 answer) and shared.queries.jsonl
(paraphrases expect a hit on their question, hard negatives a miss). The shipped hit rule is calibrated on
these together with data/sample/cache_eval/fit.*; the data itself never enters the repository.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(shared: Path, out: Path) -> None:
    answers = {}
    for line in (shared / "oasst1" / "oa_questions.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        answers[row["message_id"]] = row["output"]
    out.mkdir(parents=True, exist_ok=True)
    seeds, queries = [], []
    for line in (shared / "paraphrases" / "oasst1_paraphrases.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        mid, lang = row["message_id"], row["lang"]
        seeds.append({"id": mid, "question": row["question"], "answer": answers[mid][:7999], "lang": lang})
        queries += [{"question": q, "lang": lang, "expect": "hit", "target": mid, "of": mid} for q in row["paraphrases"]]
        queries += [{"question": q, "lang": lang, "expect": "miss", "target": None, "of": mid} for q in row["hard_negatives"]]
    for name, rows in (("shared.seeds.jsonl", seeds), ("shared.queries.jsonl", queries)):
        (out / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"{len(seeds)} seeds, {len(queries)} queries -> {out}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]))
