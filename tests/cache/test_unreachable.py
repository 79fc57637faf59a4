"""A Milvus server that does not answer gets one line naming the URI, from the library and from the CLI."""

from __future__ import annotations

import socket

import pytest
from typer.testing import CliRunner

from velo.cache.milvus_client import CacheUnreachableError, _open_client
from velo.cli.main import app
from velo.paths import BUNDLED_CACHE_EVAL


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_no_server_at_the_uri() -> None:
    uri = f"http://127.0.0.1:{closed_port()}"
    with pytest.raises(CacheUnreachableError, match=f"cannot reach Milvus at {uri}"):
        _open_client(uri)
    result = CliRunner().invoke(app, ["cache", "eval", "--seeds", str(BUNDLED_CACHE_EVAL / "dev.seeds.jsonl"),
                                      "--queries", str(BUNDLED_CACHE_EVAL / "dev.queries.jsonl"), "--uri", uri])
    assert result.exit_code == 2, result.output
    assert "cannot reach Milvus at" in " ".join(result.output.split())
    assert "Traceback" not in result.output
