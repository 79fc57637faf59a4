"""Creating a cache's collection, and opening it again, logs nothing: real Milvus backends, real log records.

milvus-lite does not implement the AllocTimestamp RPC, which pymilvus's wait for an index build asks first
(`wait_for_creating_index`); embedded, milvus-lite's gRPC server runs in the caller's process, so its
"Exception calling application: Method not implemented!" traceback (logger `grpc._server`) reached the edge's log
on every start that created a collection. The index is there all the same, and the cache searches it.
"""

from __future__ import annotations

import logging

import pytest

from tests.cache.backends import ALL_BACKENDS, MakeCache


@pytest.mark.parametrize("uri", ALL_BACKENDS, indirect=True)
def test_creating_and_reopening_a_collection_logs_nothing_and_it_is_indexed(make_cache: MakeCache, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    first = make_cache()
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == [], caplog.text
    name = first.config.collection
    index = first.client.describe_index(name, "embedding")
    assert (index["index_type"], index["metric_type"]) == (first.config.index, "COSINE"), index
    first.insert("How tall is Mount Everest?", "8,849 metres.", lang="en")
    assert first.lookup("How tall is Mount Everest?").answer == "8,849 metres."
    first.close()

    second = make_cache(collection=name)  # opened, not created: loaded, the entry still found
    assert second.lookup("How tall is Mount Everest?").answer == "8,849 metres."
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == [], caplog.text
