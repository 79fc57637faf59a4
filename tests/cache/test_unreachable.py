"""A Milvus server that does not answer gets one line naming the URI, from the library and from the CLI."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tests.ports import closed_port
from velo.cache.milvus_client import CacheUnreachableError, _open_client
from velo.cli.main import app
from velo.paths import BUNDLED_CACHE_EVAL


def test_no_server_at_the_uri() -> None:
    uri = f"http://127.0.0.1:{closed_port()}"
    with pytest.raises(CacheUnreachableError, match=f"cannot reach Milvus at {uri}"):
        _open_client(uri)
    result = CliRunner().invoke(app, ["cache", "eval", "--seeds", str(BUNDLED_CACHE_EVAL / "dev.seeds.jsonl"),
                                      "--queries", str(BUNDLED_CACHE_EVAL / "dev.queries.jsonl"), "--uri", uri])
    assert result.exit_code == 2, result.output
    assert "cannot reach Milvus at" in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_a_failure_of_no_known_kind_is_one_line_of_at_most_200_characters() -> None:
    """`milvus_failure`'s rest: a hung or absent server is said plainly (tests/services/test_health.py, real servers);
    anything else keeps its type and message, on one line."""
    from velo.cache.milvus_client import milvus_failure

    assert milvus_failure(RuntimeError("no\n\tschema  here"), "http://h:1") == "RuntimeError: no schema here"
    long = milvus_failure(RuntimeError("x" * 500), "http://h:1")
    assert len(long) == len("RuntimeError: ") + 200 and long.endswith("...")
    assert milvus_failure(CacheUnreachableError("cannot reach Milvus at http://h:1"), "http://h:1") == "cannot reach Milvus at http://h:1"
