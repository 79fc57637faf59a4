"""`velo up`'s local API key is kept across restarts of one VELO_HOME (a newcomer's finding, nc42: each start made a new
key, so an SDK client configured with the printed key stopped working after a restart); `--new-key` rotates it."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from velo.cli.up import LOCAL_NAMESPACES, write_local_key


def _keys(home: Path) -> dict:
    return json.loads((home / "keys.json").read_text())


def test_the_key_of_the_last_start_is_kept_and_new_key_replaces_it(tmp_path: Path) -> None:
    first, keys_file = write_local_key(tmp_path)
    assert first.startswith("velo-local-") and _keys(tmp_path) == {first: {"name": "local", "namespaces": list(LOCAL_NAMESPACES)}}
    assert stat.S_IMODE(keys_file.stat().st_mode) == 0o600
    again, _ = write_local_key(tmp_path)
    assert again == first
    rotated, _ = write_local_key(tmp_path, new=True)
    assert rotated != first and list(_keys(tmp_path)) == [rotated], "the old key must stop working"
    assert write_local_key(tmp_path)[0] == rotated


def test_a_keys_file_that_holds_anything_else_gets_a_fresh_key(tmp_path: Path) -> None:
    for text in ("{not json", "[]", json.dumps({"velo-local-" + "0" * 24: {"name": "local", "namespaces": ["default"]}}),
                 json.dumps({"sk-mine": {"name": "local", "namespaces": list(LOCAL_NAMESPACES)}}),
                 json.dumps({"velo-local-" + "a" * 24: {"name": "local", "namespaces": list(LOCAL_NAMESPACES)},
                             "velo-local-" + "b" * 24: {"name": "local", "namespaces": list(LOCAL_NAMESPACES)}})):
        (tmp_path / "keys.json").write_text(text)
        key, _ = write_local_key(tmp_path)
        assert key.startswith("velo-local-") and key not in text and list(_keys(tmp_path)) == [key]
