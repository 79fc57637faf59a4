"""`velo cache calibrate` never fits on the train split's hold-out (`velo.data.holdout`): a held-out question's seed and
queries are left out of its --seeds / --queries (real e5 + USE lookups on the prepared bundled sample)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from velo.cli.main import app
from velo.data import load_prepared
from velo.data.holdout import held_out_ids


def test_calibrate_leaves_out_every_held_out_question(tmp_path: Path, prepared_sample: Path) -> None:
    pairs = load_prepared(prepared_sample, "train")
    held = held_out_ids(pairs)
    chosen = [p for p in pairs if not p.context][:40]
    n_held = sum(p.id in held for p in chosen)
    assert 3 <= n_held < 20, "the sample's first turns hold some held-out questions and more that are not"
    seeds, queries = [], []
    for p, other in zip(chosen, chosen[1:] + chosen[:1]):
        seeds.append({"id": p.id, "question": p.question, "answer": p.answer[:500], "lang": p.lang})
        queries.append({"question": p.question, "lang": p.lang, "expect": "hit", "target": p.id, "of": p.id})
        queries.append({"question": other.question, "lang": p.lang, "expect": "miss", "target": None, "of": p.id})
    for name, rows in (("s.jsonl", seeds), ("q.jsonl", queries)):
        (tmp_path / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "rule.json"
    result = CliRunner().invoke(app, ["cache", "calibrate", "--seeds", str(tmp_path / "s.jsonl"), "--queries",
                                      str(tmp_path / "q.jsonl"), "--out", str(out)])
    said = " ".join(result.output.split())
    assert result.exit_code == 0, result.output
    assert f"held out from the fit: {len(held)} questions" in said
    # every query of a kept question meets its own seed (same language, first turn): 2 lookups per kept question
    assert f"fitted on {2 * (len(chosen) - n_held)} lookups;" in said, said
    assert out.is_file()
