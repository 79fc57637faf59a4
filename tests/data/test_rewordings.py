"""The team's rewordings (data/rewordings) are well formed: what the environment's similar requests are made of, and
the look-alikes beside some of them (questions the cached answer does not answer: hard negatives for the hit rule)."""

from __future__ import annotations

import json

from velo.paths import BUNDLED_REWORDINGS
from velo.types import LANGUAGES


def test_every_rewording_file_is_well_formed_and_each_question_reworded_once() -> None:
    seen: dict[str, str] = {}
    files = sorted(BUNDLED_REWORDINGS.glob("*.jsonl"))
    assert {f.name for f in files} >= {
        "oasst1_train.zh.jsonl", "oasst1_train.en_de.jsonl", "oasst1_train.es_ru.jsonl", "oasst1_train.rest.jsonl",
    }
    for path in files:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            row = json.loads(line)
            where = f"{path.name}:{n}"
            assert row["lang"] in LANGUAGES, where
            assert row["id"] not in seen, f"{where}: {row['id']} is reworded in {seen.get(row['id'])} too"
            seen[row["id"]] = where
            texts = row["rewordings"]
            assert len(texts) == 3 and all(isinstance(t, str) and t.strip() for t in texts), where
            assert len({t.strip() for t in texts}) == 3, f"{where}: two rewordings are the same"
            assert set(row) <= {"id", "lang", "rewordings", "lookalikes"}, f"{where}: unknown keys"
            if "lookalikes" in row:
                others = row["lookalikes"]
                assert len(others) == 2 and all(isinstance(t, str) and t.strip() for t in others), where
                assert not {t.strip() for t in others} & {t.strip() for t in texts}, f"{where}: a look-alike is a rewording"
