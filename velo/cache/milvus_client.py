"""Opening the Milvus client of a cache (`_open_client`): gRPC keepalive options every Milvus accepts, and a one-line
error for the two failures a user can fix, an embedded file locked by another process (`CacheLockedError`) and no
server at a server URI (`CacheUnreachableError`); `milvus_failure`, one plain line for a call that failed.
"""

from __future__ import annotations

import fcntl
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import grpc
from pymilvus import MilvusClient
from pymilvus.exceptions import MilvusException


class CacheUnreachableError(ConnectionError):
    """No Milvus server answers at the cache's URI (a ConnectionError, so the CLI reports it in one line)."""


class CacheLockedError(RuntimeError):
    """The embedded milvus-lite file is open in another process (one process may hold it at a time)."""


def _is_embedded(uri: str) -> bool:
    return "://" not in uri


GRPC_OPTIONS = {"grpc.keepalive_time_ms": 300_000, "grpc.keepalive_permit_without_calls": False}
"""pymilvus pings every 10 s, idle or not (keepalive_time_ms 10000, permit_without_calls); a gRPC server with
the default policy (milvus-lite's, embedded or served, and Milvus) accepts a ping without data at most every 5 minutes and answers
more with GOAWAY "too_many_pings", which grpc logs as an error on every idle edge server. Ping no more often
than that, and not on an idle channel: a dead server still fails the next call. Every client of a server URI needs
them, the tests' own included: pymilvus shares one connection per address and token and keeps the options of the
client that opened it first."""


_MILVUS_LITE_LOG = "milvus_lite.server_manager"
"""The logger milvus-lite writes its own failure to open a file on (with the traceback of its DataDirLockedError,
about 20 lines, before pymilvus raises "Open local milvus failed")."""


class _Held(logging.Filter):
    """Holds back the records this thread logs on a logger, to be dropped or given out again (`_holding`)."""

    def __init__(self) -> None:
        super().__init__()
        self.thread, self.records = threading.get_ident(), []

    def filter(self, record: logging.LogRecord) -> bool:
        if record.thread != self.thread:
            return True
        self.records.append(record)
        return False


@contextmanager
def _holding(name: str) -> Iterator[_Held]:
    """The records this thread logs on logger `name` inside the block, held back; given out on leaving unless the
    block cleared `held.records` (it said the same more clearly)."""
    logger, held = logging.getLogger(name), _Held()
    logger.addFilter(held)
    try:
        yield held
    finally:
        logger.removeFilter(held)
        for record in held.records:
            logger.handle(record)


def _open_client(uri: str) -> MilvusClient:
    """`MilvusClient(uri)`, with a clear error when an embedded file is locked by another process
    (pymilvus reports only "Open local milvus failed", after milvus-lite logged a 20-line traceback, which VELO's
    message replaces; any other failure's log is given out as it was) or when no server answers at a server URI."""
    with _holding(_MILVUS_LITE_LOG) as held:
        try:
            return MilvusClient(uri, grpc_options=GRPC_OPTIONS)
        except Exception:
            if _is_embedded(uri) and _locked_elsewhere(Path(uri)):
                held.records.clear()
                raise CacheLockedError(
                    f"the embedded Milvus file {uri!r} is locked by another process: milvus-lite lets one process "
                    f"open a file at a time. To share one cache between processes, serve the file with "
                    f"`milvus-lite server --data-dir {uri} --host 127.0.0.1 --port 19530` and open it with "
                    f"uri='http://127.0.0.1:19530' in every process (or stop the other process)."
                ) from None
            if not _is_embedded(uri):
                raise CacheUnreachableError(
                    f"cannot reach Milvus at {uri}: is the server running? Start one with `milvus-lite server "
                    f"--data-dir DIR --host HOST --port PORT` (or Milvus standalone), or give an embedded file path"
                ) from None
            raise


def milvus_answers(uri: str, timeout_s: float = 2.0) -> bool:
    """Whether a Milvus server answers a call of its API at server `uri` now (its collections listed within `timeout_s`):
    a process that only accepts connections on the port does not. `velo up` had taken any listener on its milvus-lite
    server's port for the server (nc45), where another process that bound the port first would have been its edges'
    Milvus."""
    try:
        client = MilvusClient(uri, timeout=timeout_s, grpc_options=GRPC_OPTIONS)
    except Exception:  # noqa: BLE001 - no channel to a Milvus server: not answering
        return False
    try:
        client.list_collections(timeout=timeout_s)
        return True
    except Exception:  # noqa: BLE001
        return False
    finally:
        client.close()


_CONNECT_FAILED = 2
"""pymilvus's `Status.CONNECT_FAILED`: "Fail connecting to server on HOST:PORT, illegal connection params or server
unavailable" (`GrpcHandler._setup_grpc_channel`), raised when no channel to the server gets ready."""


def milvus_failure(err: BaseException, uri: str, timeout_s: float | None = None) -> str:
    """Why a call to Milvus at `uri` failed, in one line for logs and `/healthz`, in place of gRPC's multi-line text:
    no answer within `timeout_s` (gRPC DEADLINE_EXCEEDED: the server hangs, e.g. its process is stopped, or is
    overloaded), no server (gRPC UNAVAILABLE, or pymilvus's CONNECT_FAILED); a `CacheUnreachableError` or
    `CacheLockedError` as it says; anything else as `Type: message`, whitespace folded, at most 200 characters."""
    if isinstance(err, (CacheUnreachableError, CacheLockedError)):
        return str(err)
    code = err.code() if isinstance(err, grpc.RpcError) and callable(getattr(err, "code", None)) else None
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        within = "in time" if timeout_s is None else f"within {timeout_s:g} s"
        return f"Milvus at {uri} did not answer {within} (the server hangs or is overloaded)"
    if code == grpc.StatusCode.UNAVAILABLE or (isinstance(err, MilvusException) and err.code == _CONNECT_FAILED):
        return f"cannot reach Milvus at {uri} (is the server running?)"
    text = " ".join(str(err).split())
    return f"{type(err).__name__}: {text if len(text) <= 200 else text[:197] + '...'}"


def _locked_elsewhere(path: Path) -> bool:
    lock = path / "LOCK"  # milvus-lite's lock file (milvus_lite.db.MilvusLite._acquire_lock)
    if not lock.is_file():
        return False
    with open(lock, "rb") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(f, fcntl.LOCK_UN)
    return False


__all__ = ["GRPC_OPTIONS", "CacheLockedError", "CacheUnreachableError", "milvus_failure"]
