"""Milvus URIs: the one rule of every option that names a cache's Milvus (`velo cache eval --uri`, `velo serve edge
--cache-uri` / `VELO_EDGE_CACHE_URI`).

A URI is either a Milvus server (`http://host:port`, `https://...`, `tcp://...`) or a milvus-lite file, which
pymilvus recognises only by its `.db` suffix. Anything else (a path without `.db`, a file in a directory that is
not there, a server URI without a host or with a port outside 1-65535) is refused before any work, naming the
option; pymilvus used to reject it with its ConnectionConfigException traceback once the embedders were loaded.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from velo.cli.outputs import check_output

SERVER_SCHEMES = ("http", "https", "tcp")


def check_milvus_uri(option: str, uri: str, *, make_parent: bool = False) -> str:
    """`uri` if Milvus can be reached or a milvus-lite file created there; else ValueError / OSError naming `option`.

    `make_parent`: the command creates the file's missing directories (`velo serve edge`); otherwise the directory
    must exist (`velo cache eval` writes nothing but its throw-away collection)."""
    if not uri.strip():
        raise ValueError(f"{option} is empty; give a milvus-lite file (name.db) or a server URI (http://host:19530)")
    if "://" in uri:
        parsed = urlparse(uri)
        try:
            port = parsed.port
        except ValueError:
            port = -1
        if parsed.scheme not in SERVER_SCHEMES or not parsed.hostname or (port is not None and not 1 <= port <= 65535):
            raise ValueError(f"{option} {uri}: a Milvus server URI is {' or '.join(s + '://host:port' for s in SERVER_SCHEMES)} "
                             "(port 1-65535)")
        return uri
    path = Path(uri)
    if path.suffix != ".db":
        raise ValueError(f"{option} {uri}: a milvus-lite file's name must end in .db (pymilvus reads any other path as "
                         "a server address); or give a server URI (http://host:19530)")
    if not make_parent and path.parent.exists() and not path.parent.is_dir():
        raise NotADirectoryError(f"{option} {uri}: {path.parent} is a file, not a directory; give a path in a directory")
    if not make_parent and not path.parent.is_dir():
        raise FileNotFoundError(f"{option} {uri}: directory {path.parent} does not exist; create it or give another path")
    if not path.exists():  # an existing one is used as it is (this milvus-lite keeps a .db as a directory)
        check_output(option, path)
    return uri
