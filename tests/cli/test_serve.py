"""`velo serve`: bad settings fail in one line before a service announces its URL."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from velo.cli.main import app


def test_a_bad_keys_file_fails_before_the_gateway_announces_itself(tmp_path: Path) -> None:
    keys = tmp_path / "keys.json"
    keys.write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(app, ["serve", "gateway", "--keys-file", str(keys), "--edge", "http://127.0.0.1:9"])
    assert result.exit_code == 2, result.output
    assert "keys.json" in result.output and "gateway on http" not in result.output
