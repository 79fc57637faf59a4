"""Turn the team's rewordings of prepared oasst1 questions into the cache-evaluation format, outside the repo.

    python scripts/rewordings_to_cache_eval.py $VELO_HOME/data/train.jsonl /tmp/train_eval data/rewordings/oasst1_train.*.jsonl

writes /tmp/train_eval/train.seeds.jsonl (every question of the prepared split, its oasst1 answer, its conversation's
earlier user turns as "context") and train.queries.jsonl: each record's "rewordings" expect a hit on their question
(kind "paraphrase"), its "lookalikes" (hand-written questions on the same topic that the answer does not answer) a miss
(kind "hard_negative"), each under the question's context, with "of" (the question id: `velo cache calibrate` keeps a
question's queries in one fold) and "source" (the rewordings file's stem: fit on one, judge on another). Every
question of the split is a seed, reworded or not, so a query meets the neighbours a real cache would hold. The
questions and answers are the shared oasst1 data and never enter the repository.

Seeds that ask the same question are one seed. The split keeps near-duplicates ("你是谁" / "你是谁？", "1+1等于几" /
"1+1 等于几", "介绍你自己" asked in several conversations): the same question after the cache's own folding (the key
`velo.cache.keys.context_key` gives a single turn: case, width, punctuation between words, white space, with an
accent on a content word or an acronym's capitals still telling two apart), under the same earlier user turns and in
the same language. A cache holds them as one entry, and serving either answer to a rewording of either is right;
kept as two seeds, a rewording that found the other first would be labelled a wrong hit. So the first such seed in
the split is kept, the others are dropped, and their rewordings expect a hit on the kept one; their look-alikes stay
misses (a look-alike of one is a look-alike of all) and every query of the merged questions has the kept id as "of",
in one fold. Nothing else is relabelled. The count of merged seeds is printed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from velo.cache.keys import context_key

ANSWER_CHARS = 7999
"""Answers are cut here, as `shared_paraphrases_to_cache_eval.py` cuts them (the cache's answer field holds 8,000)."""


def _user_turns(context: list[dict]) -> list[str]:
    # The cache keys an entry by the conversation's earlier user turns (velo.cache.keys.context_key), as the
    # environment's bank and the demo do: an assistant turn may differ by which tier answered it.
    return [t["text"] for t in context if t["role"] == "user"]


def _same_question_key(pair: dict) -> tuple[str, str, str]:
    # The cache's own matching of a question and of its earlier user turns, and the language (one entry per language).
    return context_key([pair["question"]]), context_key(_user_turns(pair["context"])), pair["lang"]


def main(split: Path, out: Path, rewordings: list[Path]) -> None:
    pairs = {}
    for line in split.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        pairs[row["id"]] = row
    first: dict[tuple[str, str, str], str] = {}
    kept = {i: first.setdefault(_same_question_key(p), i) for i, p in pairs.items()}
    seeds = [
        {"id": i, "question": p["question"], "answer": p["answer"][:ANSWER_CHARS], "lang": p["lang"],
         "context": _user_turns(p["context"])}
        for i, p in pairs.items() if kept[i] == i
    ]
    queries = []
    for path in rewordings:
        source = path.name.removesuffix(".jsonl")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            row = json.loads(line)
            if row["id"] not in pairs:
                raise SystemExit(f"{path}:{n}: id {row['id']!r} is not a question of {split}")
            pair, seed = pairs[row["id"]], kept[row["id"]]
            common = {"lang": pair["lang"], "context": _user_turns(pair["context"]), "of": seed, "source": source}
            queries += [{"question": q, **common, "expect": "hit", "target": seed, "kind": "paraphrase"}
                        for q in row["rewordings"]]
            queries += [{"question": q, **common, "expect": "miss", "target": None, "kind": "hard_negative"}
                        for q in row.get("lookalikes", [])]
    out.mkdir(parents=True, exist_ok=True)
    stem = split.name.removesuffix(".jsonl")
    for name, rows in ((f"{stem}.seeds.jsonl", seeds), (f"{stem}.queries.jsonl", queries)):
        (out / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    hits = sum(q["expect"] == "hit" for q in queries)
    print(f"{len(seeds)} seeds ({len(pairs) - len(seeds)} questions merged into the seed asking the same question), "
          f"{len(queries)} queries ({hits} rewordings, {len(queries) - hits} look-alikes) -> {out}")


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]), [Path(a) for a in sys.argv[3:]])
