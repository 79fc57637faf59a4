"""The README shows what the CLI and the cache really take: every `velo train` option a run stores is in its row,
and the Python snippet that opens a cache runs as printed."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from velo.cli.train import RUN_SETTINGS

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_train_row_names_every_option_a_run_stores() -> None:
    """Issue: the row listed --denoise-steps / --top-v / --scenario / --resume, never --no-request-identity or --bc-target."""
    row = next(line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith("| `velo train "))
    for option in ("--denoise-steps", "--top-v", "--scenario", "--no-request-identity", "--bc-target", "--no-edge-action", "--resume"):
        assert option in row, option
    assert {o.split("/")[-1] for o in RUN_SETTINGS.values()} - {"--algo", "--seed", "--n-envs", "--episode-steps",
                                                                 "--checkpoint-every"} <= set(re.findall(r"--[a-z-]+", row))


def test_the_cache_snippet_runs_as_printed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue: the README named SemanticCache and CacheConfig(uri=...) but not `open_cache`, which builds the embedder,
    rule and featurizer the constructor needs."""
    text = README.read_text(encoding="utf-8")
    snippet = re.search(r"```python\n(from velo\.cache import CacheConfig\n.*?)```", text, re.S).group(1)
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(snippet, "README.md", "exec"), {})
    assert re.fullmatch(r"True Ten minutes in boiling water\. \d+ ms\n", out.getvalue()), out.getvalue()
    assert (tmp_path / "cache.db").exists()
