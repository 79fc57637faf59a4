"""`velo.repeated.first_repeat`: the first entry given again, under the caller's key."""

from __future__ import annotations

from pathlib import Path

import pytest

from velo.repeated import first_repeat


@pytest.mark.parametrize(
    ("items", "key", "found"),
    [
        ([], None, None), (["a", "b"], None, None), (["a", "b", "a", "b"], None, (0, 2)), (["b", "a", "a"], None, (1, 2)),
        (["http://e:1/", "http://e:2", "http://e:1"], lambda u: u.rstrip("/"), (0, 2)),
        (["pt", "en", "pt-BR"], lambda c: c.split("-")[0], (0, 2)),
    ],
)
def test_the_first_repeat_and_the_entry_it_repeats(items: list, key, found: tuple[int, int] | None) -> None:  # noqa: ANN001
    assert (first_repeat(items) if key is None else first_repeat(items, key)) == found


def test_paths_repeat_when_they_resolve_alike(tmp_path: Path) -> None:
    (tmp_path / "q.jsonl").write_text("")
    assert first_repeat([tmp_path / "q.jsonl", tmp_path / "." / "q.jsonl"], Path.resolve) == (0, 1)
