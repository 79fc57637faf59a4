"""Start and stop Milvus servers for the tests and benchmarks: milvus-lite's gRPC server and real Milvus standalone.

Both context managers yield a URI for `MilvusClient(uri=...)` and stop everything they started when the
`with` block ends, even when it raises. Every server runs under a small watchdog process that leads the
server's process group: closing the watchdog's stdin -- which the kernel also does when the owning Python
process dies, even by SIGKILL -- makes it terminate the whole group, then kill what is left. That matters
for Milvus standalone: stopping its `milvus-server` wrapper leaves the `milvus run standalone` child
running (../shared/STACK.md), so the group is killed, not the wrapper.

A plain module rather than a conftest: benchmarks import it too (`sys.path` must hold the repository root).
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil

# Runs as `python -c WATCHDOG server-argv...` in a new session, so its pid is the process group id. It ignores
# SIGTERM (set after the server is spawned: an ignored signal stays ignored across exec) so that it outlives
# the group-wide SIGTERM and can follow up with SIGKILL.
_WATCHDOG = """
import os, signal, subprocess, sys, psutil
server = subprocess.Popen(sys.argv[2:])
signal.signal(signal.SIGTERM, signal.SIG_IGN)
sys.stdin.buffer.read()
procs = psutil.Process().children(recursive=True)
os.killpg(0, signal.SIGTERM)
psutil.wait_procs(procs, timeout=float(sys.argv[1]))
os.killpg(0, signal.SIGKILL)
"""

# `milvus-server` flags that set a listening port; each gets a free port so that two suites (or a developer's
# own Milvus on the default 19530) never collide.
_STANDALONE_PORT_FLAGS = (
    "--etcd-port", "--root-coord-port", "--proxy-internal-port", "--query-coord-port", "--query-node-port",
    "--index-coord-port", "--index-node-port", "--data-coord-port", "--data-node-port",
)


class MilvusServerError(RuntimeError):
    """A server did not come up; the message carries the end of its log."""


def _venv_executable(name: str) -> Path:
    """A console script installed next to the running interpreter (the venv's bin/)."""
    path = Path(sys.executable).parent / name
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: install the package that provides `{name}` in this venv")
    return path


def free_ports(n: int = 1) -> list[int]:
    """`n` distinct ports the OS reports free right now (all held open until every one is picked)."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "<no log>"


@contextmanager
def _supervised(argv: list[str], log_path: Path, grace_s: float, env: dict[str, str] | None = None) -> Iterator[subprocess.Popen]:
    """Run `argv` under the watchdog, output to `log_path`; on exit stop the whole process group."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as log:
        watchdog = subprocess.Popen(
            [sys.executable, "-c", _WATCHDOG, str(grace_s), *argv],
            stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env,
        )
    try:
        yield watchdog
    finally:
        _stop(watchdog, grace_s)


def _stop(watchdog: subprocess.Popen, grace_s: float) -> None:
    try:
        descendants = psutil.Process(watchdog.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        descendants = []
    assert watchdog.stdin is not None
    watchdog.stdin.close()
    try:
        watchdog.wait(timeout=grace_s + 10)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(watchdog.pid, 9)
        except ProcessLookupError:
            pass
        watchdog.wait(timeout=10)
    # Backstop for anything that left the group (none of the Milvus processes do; cheap to make sure).
    for p in descendants:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(descendants, timeout=5)


def _wait_ready(uri: str, watchdog: subprocess.Popen, log_path: Path, timeout_s: float, what: str, ready_line: str | None = None) -> None:
    """Poll until a MilvusClient connects and lists collections (and `ready_line` is in the log, if given)."""
    from pymilvus import MilvusClient

    from velo.cache.milvus_client import GRPC_OPTIONS

    deadline = time.monotonic() + timeout_s
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if watchdog.poll() is not None:
            raise MilvusServerError(f"{what} exited with code {watchdog.returncode} before it was ready; log {log_path}:\n{_tail(log_path)}")
        if ready_line is None or ready_line in log_path.read_text(errors="replace"):
            try:
                client = MilvusClient(uri=uri, timeout=2, grpc_options=GRPC_OPTIONS)  # pymilvus keeps the first client's options for the address
                try:
                    client.list_collections()
                    return
                finally:
                    client.close()
            except Exception as exc:  # noqa: BLE001 - any failure means "not ready yet"; the last one is reported
                last_error = exc
        time.sleep(0.1)
    raise MilvusServerError(
        f"{what} was not ready at {uri} within {timeout_s:.0f} s (last error: {last_error!r}); log {log_path}:\n{_tail(log_path)}"
    )


@contextmanager
def lite_server(data_dir: Path, timeout_s: float = 30.0, port: int | None = None) -> Iterator[str]:
    """`milvus-lite server` on `port` (default: a free one) over `data_dir`; yields its `http://127.0.0.1:PORT` URI.

    The server's output goes to `<data_dir>.log` next to the data directory. Giving the port of a server
    stopped earlier restarts it at the same URI (its clients reconnect there).
    """
    data_dir = Path(data_dir)
    port = port or free_ports(1)[0]
    uri = f"http://127.0.0.1:{port}"
    log_path = data_dir.with_name(data_dir.name + ".log")
    argv = [str(_venv_executable("milvus-lite")), "server", "--data-dir", str(data_dir), "--host", "127.0.0.1", "--port", str(port)]
    with _supervised(argv, log_path, grace_s=2.0) as watchdog:
        _wait_ready(uri, watchdog, log_path, timeout_s, "milvus-lite server")
        yield uri


def listening_process(uri: str) -> psutil.Process:
    """The process listening on `uri`'s loopback port (a `lite_server`'s milvus-lite, to stop with SIGSTOP: a server
    that hangs, its port still open)."""
    port = int(uri.rsplit(":", 1)[1])
    pids = {c.pid for c in psutil.net_connections("tcp") if c.status == psutil.CONN_LISTEN and c.laddr.port == port and c.pid}
    if len(pids) != 1:
        raise MilvusServerError(f"not one process listens on port {port}: {sorted(pids)}")
    return psutil.Process(pids.pop())


def standalone_unavailable() -> str | None:
    """Why Milvus standalone cannot run here (None when it can)."""
    if importlib.util.find_spec("milvus") is None:
        return "Milvus standalone needs the `milvus` pip package (pip install 'milvus==2.3.5'; see ../shared/STACK.md)"
    return None


@contextmanager
def standalone_server(data_dir: Path, timeout_s: float = 120.0) -> Iterator[str]:
    """Real Milvus standalone (`milvus-server` from the `milvus` package) over `data_dir`; yields its URI.

    Every listening port is chosen free. The wrapper's own output goes to `<data_dir>.log`, Milvus's logs to
    `<data_dir>/logs/`. Skips the calling test when the package is not installed.
    """
    reason = standalone_unavailable()
    if reason is not None:
        import pytest

        pytest.skip(reason)
    data_dir = Path(data_dir)
    ports = free_ports(1 + len(_STANDALONE_PORT_FLAGS))
    uri = f"http://127.0.0.1:{ports[0]}"
    argv = [str(_venv_executable("milvus-server")), "--data", str(data_dir), "--proxy-port", str(ports[0])]
    for flag, port in zip(_STANDALONE_PORT_FLAGS, ports[1:]):
        argv += [flag, str(port)]
    log_path = data_dir.with_name(data_dir.name + ".log")
    # Unbuffered, so the wrapper's banner (printed once its health check passed) reaches the log at once.
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with _supervised(argv, log_path, grace_s=3.0, env=env) as watchdog:
        try:
            _wait_ready(uri, watchdog, log_path, timeout_s, "Milvus standalone", ready_line="Ctrl+C to exit")
        except MilvusServerError as exc:
            raise MilvusServerError(f"{exc}\nMilvus stderr ({data_dir / 'logs'}):\n{_tail(data_dir / 'logs' / 'milvus-stderr.log')}") from None
        yield uri


__all__ = ["MilvusServerError", "free_ports", "listening_process", "lite_server", "standalone_server", "standalone_unavailable"]
