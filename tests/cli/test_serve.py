"""`velo serve`: bad settings fail in one line before a service announces its URL."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from velo.cli.main import app


def test_a_bad_keys_file_fails_before_the_gateway_announces_itself(tmp_path: Path) -> None:
    keys = tmp_path / "keys.json"
    keys.write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(app, ["serve", "gateway", "--keys-file", str(keys), "--edge", "http://127.0.0.1:9"])
    assert result.exit_code == 2, result.output
    assert "keys.json" in result.output and "gateway on http" not in result.output


@pytest.mark.parametrize("service", [["gateway"], ["edge"], ["cloud"], ["shard-serve"]])
def test_a_port_outside_1_to_65535_is_refused(service: list[str]) -> None:
    """uvicorn used to listen on 99999 mod 65536 = 34463 while the service announced :99999."""
    argv = ["shard", "serve", "--shards", "0:30"] if service == ["shard-serve"] else ["serve", *service]
    result = CliRunner().invoke(app, [*argv, "--port", "99999"])
    assert result.exit_code == 2 and "'--port'" in result.output and "on http" not in result.output, result.output
