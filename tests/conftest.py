"""Session-wide test resources: embedders (loaded once), Milvus servers (started once, always stopped), a
`$VELO_HOME` in tmp for every test, the prepared bundled sample and the environment's request bank.

Servers start lazily: a run that selects no server-backed test (`-m "not server"`) starts none.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# STACK.md: an accidental hub look-up hangs ~74 s before failing; every embedder here ships its weights.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import velo.data  # noqa: E402
from tests.milvus_servers import lite_server, standalone_server  # noqa: E402
from velo import paths as velo_paths  # noqa: E402
from velo.embedding import Embedder, load_embedder  # noqa: E402
from velo.embedding.models import USEMultilingualEmbedder  # noqa: E402


@pytest.fixture(scope="session")
def e5() -> Embedder:
    """multilingual-e5-small, VELO's default search embedder."""
    return load_embedder("e5-small")


@pytest.fixture(scope="session")
def use() -> Embedder:
    """USE multilingual, the default embedder of the words two questions do not share.

    One BLAS thread rather than the loader's two: OpenBLAS threads left spinning after a USE call slow the
    next e5 call on 2 cores (measured interleaved as in a lookup: e5 p50/p90 55/115 ms vs 32/34 ms), and
    USE itself is faster on the short texts it embeds (19 vs 6 ms). The model and its `name` are the same.
    """
    return USEMultilingualEmbedder(threads=1)


@pytest.fixture(scope="session")
def lite_server_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with lite_server(tmp_path_factory.mktemp("milvus-lite-server") / "data") as uri:
        yield uri


@pytest.fixture(scope="session")
def standalone_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with standalone_server(tmp_path_factory.mktemp("milvus-standalone") / "data") as uri:
        yield uri


def pytest_configure(config: pytest.Config) -> None:
    """The commands' output is read as a pipe's (`velo.cli.console`), but pytest-xdist's workers start with COLUMNS=80,
    which the consoles (some made when a test module is imported) take for the user's choice of width and wrap at:
    a worker drops it, as a run in one process never had it (tests that want a width set their own)."""
    if hasattr(config, "workerinput"):
        os.environ.pop("COLUMNS", None)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own, which reads the groups into the test ids
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """`make test`'s workers (`--dist loadgroup`) take a test file each, as `--dist loadfile` would (its module fixtures
    start once), except that every test on Milvus standalone runs in one worker: two standalone servers cannot run on
    one machine (each binds embedded etcd's peer port 2380 and locks /run/milvus/standalone.pid; the second panicked)."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        standalone = "standalone_uri" in item.fixturenames or (callspec is not None and callspec.params.get("uri") == "standalone")
        item.add_marker(pytest.mark.xdist_group("milvus-standalone" if standalone else item.nodeid.split("::")[0]))


@pytest.fixture(scope="session", autouse=True)
def velo_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every test runs with `$VELO_HOME` in tmp, so nothing writes into the working tree or the user's home.

    The embedding cache of the user's own home (if any) is copied in first: it is keyed by model and text,
    so reusing it changes no result, and it saves re-embedding the sample for the request bank (~100 s
    on a busy 2-core machine).
    """
    home = tmp_path_factory.mktemp("velo-home")
    own = velo_paths.velo_home() / "embeddings.sqlite"
    if own.is_file():
        shutil.copyfile(own, home / "embeddings.sqlite")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VELO_HOME", str(home))
        yield home


@pytest.fixture(scope="session")
def prepared_sample(velo_home: Path) -> Path:
    """The bundled oasst1 sample, prepared (`velo data prepare`) into `$VELO_HOME/data`."""
    out = velo_home / "data"
    velo.data.prepare(None, out)
    return out


@pytest.fixture(scope="session")
def edge_bank(prepared_sample: Path):
    """The environment's request bank for the sample's train split (built once; cached under `$VELO_HOME`)."""
    from envs.bank import build_bank

    return build_bank(prepared_sample, "train")


@pytest.fixture(scope="session")
def prepared_with_edge_answers(tmp_path_factory: pytest.TempPathFactory, velo_home: Path) -> Path:
    """The bundled sample prepared as `velo data prepare` leaves it: with the shipped edge LLM answers, which
    every scenario but `calm` needs (the trainers' environments)."""
    from velo.llm.edge_answers import install_shipped_edge_answers

    out = tmp_path_factory.mktemp("sample-with-edge-answers")
    velo.data.prepare(None, out)
    assert install_shipped_edge_answers(out) > 0
    return out
