"""How well the edge identifies the language of a question that states none (`velo.lang_id`), and at what cost.

Questions: the bundled sample's (data/sample/oasst1 prompter turns, data/sample/cache_eval seeds and queries) and the
shared paraphrase set's (../shared/data/paraphrases: questions, paraphrases, hard negatives), each with its labelled
language. For each minimum probability it prints, per language: right (the labelled language), und (unsure: written
back as "und" and matched as its best guess, `SemanticCache.search`; at 0.0 every question counts as its best guess, so
that row says how often the best guess of an unsure question is right) and wrong (another language: a cross-language
answer is possible). Then the time per question (one thread). Run: `.venv/bin/python benchmarks/lang_id_accuracy.py`.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from velo.lang_id import DEFAULT_LANGUAGES, UNDETERMINED, LanguageIdentifier  # noqa: E402


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def sample_questions() -> list[tuple[str, str]]:
    """(text, lang) of the bundled sample's questions: oasst1 prompter turns and the cache evaluation's seeds/queries."""
    out = [(r["text"], r["lang"]) for p in sorted((ROOT / "data/sample/oasst1").glob("*.messages.jsonl")) for r in _rows(p) if r["role"] == "prompter"]
    out += [(r["question"], r["lang"]) for p in sorted((ROOT / "data/sample/cache_eval").glob("*.jsonl")) for r in _rows(p)]
    return out


def paraphrase_questions() -> list[tuple[str, str]]:
    rows = _rows(ROOT.parent / "shared/data/paraphrases/oasst1_paraphrases.jsonl")
    return [(t, r["lang"]) for r in rows for t in [r["question"], *r["paraphrases"], *r["hard_negatives"]]]


def report(name: str, items: list[tuple[str, str]], ident: LanguageIdentifier, thresholds: list[float]) -> None:
    found = [ident.identify(text) for text, _ in items]
    for threshold in thresholds:
        counts: dict[str, Counter] = defaultdict(Counter)
        for (_, lang), got in zip(items, found):
            outcome = "und" if got.probability < threshold else "right" if got.best == lang else "wrong"
            counts[lang][outcome] += 1
            counts["all"][outcome] += 1
        cells = "  ".join(f"{lang} {c['right']}/{c['und']}/{c['wrong']}" for lang, c in sorted(counts.items(), key=lambda kv: kv[0] == "all"))
        print(f"  {name:<12} p>={threshold:<4}  right/und/wrong  {cells}")


def main() -> None:
    sets = {"sample": sample_questions(), "paraphrases": paraphrase_questions()}
    for name, items in sets.items():
        print(f"{name}: {len(items)} questions, {dict(sorted(Counter(lang for _, lang in items).items()))}")
    thresholds = [0.0, 0.5, 0.8, 0.9, 0.95]
    t0 = time.perf_counter()
    ident = LanguageIdentifier()
    load_s = time.perf_counter() - t0
    # Every class of py3langid's model as a candidate, the comparison the README quotes: the constructor takes only
    # `IDENTIFIABLE` codes (its "zxx", "yue", ... are not ISO 639-1), so the model is given them directly.
    every = LanguageIdentifier()
    every._model.set_languages([str(c) for c in every._model._full_model[2]])
    for label, model in ((f"candidates {','.join(DEFAULT_LANGUAGES)} (default)", ident), ("candidates: all 97", every)):
        print(label)
        for name, items in sets.items():
            report(name, items, model, thresholds)
    texts = [t for items in sets.values() for t, _ in items]
    t0, c0 = time.perf_counter(), time.process_time()
    rounds = 5
    for _ in range(rounds):
        for t in texts:
            ident.identify(t)
    n = rounds * len(texts)
    print(f"time per question (default candidates): {(time.perf_counter() - t0) / n * 1e6:.0f} us wall, "
          f"{(time.process_time() - c0) / n * 1e6:.0f} us CPU ({n} calls, mean {sum(map(len, texts)) / len(texts):.0f} characters); "
          f"model load {load_s:.2f} s; default min_probability {ident.min_probability} -> {UNDETERMINED!r} below it")


if __name__ == "__main__":
    main()
