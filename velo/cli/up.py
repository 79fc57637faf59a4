"""`velo up`: the whole stack as local processes on loopback, for machines without Docker; `velo ask`.

`velo up` starts, in order, a milvus-lite server (or nothing with `--milvus embedded`: each edge then opens
its own file), the cloud service (SmolLM2), `--edges` edge servers (one cache collection each, the learned
hit rule then cloud) and the gateway on `--port`, waiting for each to report healthy. It writes a local API key, for
every cache namespace (`LOCAL_NAMESPACES`), to `$VELO_HOME/up/keys.json` (the last start's key, kept across restarts; a
new one with `--new-key`) and the URL and key to
`$VELO_HOME/up/client.json` (for `velo ask`), prints both and the model id requests must name (`velo`, as the gateway
lists it), and runs until Ctrl-C or SIGTERM, then stops every process it started (SIGTERM, then
SIGKILL after a grace period). A process that dies meanwhile is reported on stderr and started again with the same
command (same port), and reported again once it is back (healthy; milvus: listening on its port), at most `RESTARTS` times within any `RESTART_WINDOW_S` seconds (a rate, as systemd's
`StartLimitBurst=3` / `StartLimitIntervalSec=60`: deaths spread over hours are each restarted; compose's
`restart: unless-stopped` has no limit at all, only a growing delay): the gateway stays up while an edge is down (it
routes around a failed edge, to the other edges, then the cloud; /healthz says degraded; the message says which are
left, or that nothing is: 503 `no_upstream` then), so one crashed edge is not an outage; one that keeps dying (a 4th death within the window) is left down, reported. Only the gateway, the
stack's one entry point, stops everything when it dies past that rate (nc17 finding 3: `velo up` used to
stop the whole stack, gateway included, when one edge died). Each child is also told by the kernel to stop if `velo up` itself dies
(PR_SET_PDEATHSIG), so no process outlives it. Logs: `$VELO_HOME/up/logs/<service>.log`. One `velo up` per
`$VELO_HOME`: it holds a lock on `$VELO_HOME/up/up.lock` while it runs, and a second one is refused before it
touches the first one's key, client file or milvus-lite data. A bad `--port`, `--policy` or `--start-timeout` is
refused before any process starts.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, BinaryIO

import typer

from velo.cli.errors import fail_cleanly
from velo.cli.model_dir import ModelDirOpt, check_model_dir
from velo.paths import velo_home
from velo.plural import counted

_GRACE_S = 20.0
RESTARTS, RESTART_WINDOW_S = 3, 60.0
"""A process `velo up` started is restarted at most `RESTARTS` times within any `RESTART_WINDOW_S` seconds; one that
dies again within the window is left down (the gateway: the stack stops). A rate, not a count for the whole run
(nc18 finding 12: three kills hours apart left an edge down for good); systemd's StartLimitBurst / StartLimitIntervalSec."""
_MEANWHILE = {"milvus": "the edges answer without their cache until it returns", "cloud": "the edges answer with their own LLM",
              "gateway": "nothing serves"}
"""What serving does while a process of each kind is down (services/gateway.py, services/edge.py); an edge's depends on
what is left (`Stack.without_edge`)."""


def free_ports(n: int, avoid: frozenset[int] = frozenset()) -> list[int]:
    """`n` distinct loopback ports free now, none in `avoid` (a port given for another process). All are held until
    every one is picked: a port found free and let go is the next one the kernel may hand out, and two edges started
    before either listened could have been given one port."""
    held: list[socket.socket] = []
    try:
        ports: list[int] = []
        while len(ports) < n:
            sock = socket.create_server(("127.0.0.1", 0))
            held.append(sock)
            if (port := sock.getsockname()[1]) not in avoid:
                ports.append(port)
        return ports
    finally:
        for sock in held:
            sock.close()


def _die_with_parent() -> None:
    """Runs in each child before exec: SIGTERM when the parent (`velo up`) dies, however it dies."""
    import ctypes

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


@dataclass
class Child:
    """One process `velo up` started: how to start it again, and how often it was."""

    name: str
    argv: list[str]
    env: dict[str, str]
    proc: subprocess.Popen
    log: BinaryIO
    health: str | None = None
    """The URL that answers 200 when it is up (None: milvus, checked by `port`)."""
    port: int | None = None
    """The loopback port a process without a health URL (milvus) listens on when it is up."""
    restarted_at: list[float] = field(default_factory=list)
    """`time.monotonic()` of its restarts within the last window (older ones are dropped)."""
    recovering: bool = False
    """Restarted and not yet seen healthy."""
    left_down: bool = False
    """Died past its restart rate, reported once."""


class Stack:
    """The processes `velo up` started, stopped all together; each restarted at most `restarts` times within any
    `window_s` seconds (`supervise`)."""

    def __init__(self, logs: Path, restarts: int = RESTARTS, window_s: float = RESTART_WINDOW_S) -> None:
        if restarts < 0 or not window_s > 0:
            raise ValueError(f"restarts must be >= 0 and window_s > 0, got {restarts} and {window_s}")
        self.logs, self.children = logs, []  # type: ignore[var-annotated]
        self.restarts, self.window_s = restarts, window_s
        logs.mkdir(parents=True, exist_ok=True)

    def _spawn(self, argv: list[str], env: dict[str, str], log: BinaryIO) -> subprocess.Popen:
        return subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env={**os.environ, **env},
                                preexec_fn=_die_with_parent)

    def start(self, name: str, argv: list[str], env: dict[str, str] | None = None, health: str | None = None,
              port: int | None = None) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 (closed by stop)
        child = Child(name, argv, dict(env or {}), self._spawn(argv, dict(env or {}), log), log, health, port=port)
        self.children.append(child)
        return child.proc

    def restart_on(self, name: str, argv: list[str], health: str | None, port: int) -> None:
        """Start the dead child `name` again with another command (`wait_or_rebind`: on another port)."""
        child = next(c for c in self.children if c.name == name)
        child.argv, child.health, child.port = argv, health, port if health is None else None
        child.proc = self._spawn(argv, child.env, child.log)

    def supervise(self, say) -> None:  # noqa: ANN001 (a print function)
        """One round of supervision: each process found dead is reported through `say` and started again with its
        own command, unless it was restarted `restarts` times within the last `window_s` seconds; a restarted one is
        reported back once its health URL answers 200 (milvus: once its port accepts connections; the edges reconnect
        to it by themselves within a second, `services.edge_serving.EdgeServer.reopen_forever`). Raises OSError when the gateway dies past that rate (nothing serves
        then); another process past it is reported once and left down."""
        for child in self.children:
            code = child.proc.poll()
            if code is None:
                if child.recovering and (back := _back(child)) is not None:
                    child.recovering = False
                    say(f"{child.name} is back ({back})")
                continue
            if child.left_down:
                continue
            kind = child.name.split("-")[0]
            log, meanwhile = self.logs / f"{child.name}.log", self.without_edge(child) if kind == "edge" else _MEANWHILE[kind]
            now = time.monotonic()
            child.restarted_at = [t for t in child.restarted_at if now - t < self.window_s]
            within = f"within {self.window_s:g} s"
            if len(child.restarted_at) >= self.restarts:
                if child.name == "gateway":
                    raise OSError(f"the gateway stopped (code {code}) after {counted(self.restarts, 'restart')} {within}; see {log}")
                say(f"{child.name} stopped (code {code}) after {counted(self.restarts, 'restart')} {within}: left down, {meanwhile} "
                    f"(see {log})")
                child.left_down = True
                continue
            child.restarted_at.append(now)
            say(f"{child.name} stopped (code {code}); restarting it ({len(child.restarted_at)} of {self.restarts} {within}), "
                f"meanwhile {meanwhile} (see {log})")
            child.proc, child.recovering = self._spawn(child.argv, child.env, child.log), True

    def without_edge(self, edge: Child) -> str:
        """What the gateway does while `edge` is down, from what else runs: the other edges, then the cloud; the cloud alone;
        or, nothing left (no other edge, no cloud running), 503 `no_upstream` to every request: it had said "routes around
        it" then too."""
        running = [c.name for c in self.children if c is not edge and not c.left_down and c.proc.poll() is None]
        others = [name for name in running if name.startswith("edge-")]
        cloud = "cloud" in running
        if others:
            return f"the gateway routes around it (to {', '.join(others)}{', then the cloud' if cloud else ''})"
        if cloud:
            return "the gateway routes around it (to the cloud directly: no other edge runs)"
        return "nothing is left to route to (no other edge, no cloud runs): the gateway answers 503 no_upstream until it is back"

    def wait_healthy(self, name: str, url: str, timeout_s: float) -> None:
        """Until `url` answers 200; OSError if the process exits or the time runs out."""
        import httpx

        def healthy() -> bool:
            try:
                return httpx.get(url, timeout=2.0).status_code == 200
            except httpx.TransportError:
                return False

        self.wait_until(name, healthy, timeout_s, 0.3, f"healthy at {url}")

    def wait_milvus(self, port: int, timeout_s: float) -> None:
        """Until the milvus-lite server answers Milvus calls on loopback `port` (`milvus_answers`: another process
        listening on the port does not pass for it); OSError if the process exits or the time runs out."""
        from velo.cache.milvus_client import milvus_answers

        self.wait_until("milvus", lambda: milvus_answers(f"http://127.0.0.1:{port}"), timeout_s, 0.3, f"answering Milvus calls on port {port}")

    def wait_until(self, name: str, ready, timeout_s: float, poll_s: float, what: str) -> None:  # noqa: ANN001
        proc = next(c.proc for c in self.children if c.name == name)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise OSError(f"{name} exited with code {proc.returncode}; see {self.logs / (name + '.log')}")
            if ready():
                return
            time.sleep(poll_s)
        raise OSError(f"{name} was not {what} within {timeout_s:.0f} s; see {self.logs / (name + '.log')}")

    def stop(self) -> None:
        for child in reversed(self.children):
            if child.proc.poll() is None:
                child.proc.terminate()
        deadline = time.monotonic() + _GRACE_S
        for child in reversed(self.children):
            try:
                child.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.proc.kill()
                child.proc.wait()
            child.log.close()


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0):
            return True
    except OSError:
        return False


def _back(child: Child) -> str | None:
    """How a restarted child shows it is up again (its health URL answers 200, or its port accepts connections), or
    None while it does not yet."""
    import httpx

    if child.health is not None:
        try:
            healthy = httpx.get(child.health, timeout=1.0).status_code == 200
        except httpx.TransportError:
            healthy = False
        return f"healthy at {child.health}" if healthy else None
    if child.name == "milvus" and child.port is not None:
        from velo.cache.milvus_client import milvus_answers

        return f"answering on port {child.port}; the edges reconnect to it by themselves" if milvus_answers(f"http://127.0.0.1:{child.port}", 1.0) else None
    if child.port is not None and _listening(child.port):
        return f"listening on port {child.port}"
    return None


_LOST_PORT = ("address already in use", "failed to bind to address")
"""What a child's log says when another process bound its port first (uvicorn's Errno 98, gRPC's in milvus-lite)."""
PORT_ATTEMPTS = 3
"""Ports a child is started on, each found free, before its start fails (`wait_or_rebind`)."""


def lost_its_port(log: Path) -> bool:
    """Whether a child's log ends with its server failing to bind its port (`_LOST_PORT`)."""
    try:
        tail = log.read_bytes()[-4000:].decode("utf-8", "replace").lower()
    except OSError:
        return False
    return any(sign in tail for sign in _LOST_PORT)


def wait_or_rebind(stack: Stack, name: str, port: int, argv_of: Callable[[int], list[str]], wait: Callable[[int], None],
                   health_of: Callable[[int], str | None] = lambda port: None, avoid: frozenset[int] = frozenset()) -> int:
    """Wait for the child `name`, started on `port` (`wait(port)` raises OSError if it exits or never gets ready); if it
    exited because another process bound that port first, start it again on another free port, up to
    `PORT_ATTEMPTS` ports in all. The port it serves on. A port is found free and let go before the child binds it
    (seconds later for a service that loads models first), and on a busy machine another process took it: nc45 saw
    `velo up` fail 1 time in 3 with "cloud exited with code 3" beside a test run."""
    for _ in range(PORT_ATTEMPTS - 1):
        try:
            wait(port)
            return port
        except OSError:
            child = next(c for c in stack.children if c.name == name)
            if child.proc.poll() is None or not lost_its_port(stack.logs / f"{name}.log"):
                raise
        [port] = free_ports(1, avoid)
        stack.restart_on(name, argv_of(port), health_of(port), port)
    wait(port)  # the last port: its failure is the start's
    return port


def start_milvus_lite(stack: Stack, data: Path) -> str:
    """A milvus-lite server over `data` on a free port; its URI."""
    [port] = free_ports(1)
    data.mkdir(parents=True, exist_ok=True)

    def argv_of(port: int) -> list[str]:
        return [str(Path(sys.executable).parent / "milvus-lite"), "server", "--data-dir", str(data), "--host", "127.0.0.1", "--port", str(port)]

    stack.start("milvus", argv_of(port), port=port)
    port = wait_or_rebind(stack, "milvus", port, argv_of, lambda port: stack.wait_milvus(port, 60.0))
    return f"http://127.0.0.1:{port}"


def start_stack(stack: Stack, port: int, caches: list[tuple[str, str]], keys_file: Path, *, mode: str = "nearest", policy: str = "rule-cloud",
                model_dir: Path | None = None, start_timeout: float = 300.0, env: dict[str, str] | None = None,
                internal_token: str | None = None) -> str:
    """The cloud service, one edge server per (cache URI, collection) in `caches`, and the gateway on `port`,
    each waited for; returns the gateway's URL. `env` is added to the services' environment; `internal_token`, when
    given, is the token the edges require of the gateway (`services.edge.EdgeSettings.internal_token`)."""
    env = dict(env or {})
    edge_env, gateway_env = env, env
    if internal_token is not None:
        edge_env, gateway_env = env | {"VELO_EDGE_INTERNAL_TOKEN": internal_token}, env | {"VELO_GATEWAY_EDGE_TOKEN": internal_token}
    threads = ["--threads", "1"]
    models = ["--model-dir", str(model_dir)] if model_dir else []
    avoid = frozenset({port})
    cloud_port, *edge_ports = free_ports(1 + len(caches), avoid=avoid)

    def health_of(port: int) -> str:
        return f"http://127.0.0.1:{port}/healthz"

    def cloud_argv(port: int) -> list[str]:
        return _velo("cloud", "--port", str(port), *threads, *models)

    stack.start("cloud", cloud_argv(cloud_port), env, health_of(cloud_port))
    cloud_port = wait_or_rebind(stack, "cloud", cloud_port, cloud_argv,
                                lambda port: stack.wait_healthy("cloud", health_of(port), start_timeout), health_of, avoid)

    def edge_argv(i: int) -> Callable[[int], list[str]]:
        uri, collection = caches[i]
        return lambda port: _velo("edge", "--port", str(port), "--edge-id", f"edge-{i}", "--cache-uri", uri, "--collection", collection,
                                  "--cloud-url", f"http://127.0.0.1:{cloud_port}", "--policy", policy, *threads, *models)

    for i, edge_port in enumerate(edge_ports):  # all started before any is waited for: they load their models at once
        stack.start(f"edge-{i}", edge_argv(i)(edge_port), edge_env, health_of(edge_port))
    edge_urls = []
    for i, edge_port in enumerate(edge_ports):
        name = f"edge-{i}"
        edge_port = wait_or_rebind(stack, name, edge_port, edge_argv(i),
                                   lambda port, name=name: stack.wait_healthy(name, health_of(port), start_timeout), health_of, avoid)
        edge_urls.append(f"http://127.0.0.1:{edge_port}")
    edge_args = [arg for url in edge_urls for arg in ("--edge", url)]
    gateway_url = f"http://127.0.0.1:{port}"
    stack.start("gateway", _velo("gateway", "--port", str(port), *edge_args, "--cloud-url", f"http://127.0.0.1:{cloud_port}",
                                "--keys-file", str(keys_file), "--mode", mode), gateway_env, f"{gateway_url}/healthz")
    stack.wait_healthy("gateway", f"{gateway_url}/healthz", start_timeout)
    return gateway_url


def served_model(gateway_url: str, key: str) -> str:
    """The model id clients must send (`"model"` of a chat completion), as the running gateway lists it (`GET /v1/models`,
    `velo` unless its `model_name` says otherwise): a newcomer who ran the README's serving section had no name to send."""
    import httpx

    listed = httpx.get(f"{gateway_url}/v1/models", headers={"Authorization": f"Bearer {key}"}, timeout=30.0)
    listed.raise_for_status()
    return listed.json()["data"][0]["id"]


def write_private(path: Path, text: str) -> None:
    """Write `text` to `path` readable by its owner only (mode 0600 from creation: no moment another user could read it)."""
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)


LOCAL_NAMESPACES = ("default", "*")
"""The local key's namespaces: `default` first (a request without one), then any (`services.gateway_keys.ANY_NAMESPACE`).
The key is the stack owner's, the one user of a loopback stack, so every tenant of its cache is theirs; with `["default"]`
alone, the README's `velo ask --namespace NS` got 403 "this key may not use namespace" (a newcomer's finding, 2 Dec 2026)."""


def write_local_key(home: Path, *, new: bool = False) -> tuple[str, Path]:
    """The local API key and the keys file (mode 0600) that holds it, for every namespace (`LOCAL_NAMESPACES`): the key
    the last `velo up` of this VELO_HOME wrote, so that a client configured with it keeps working across restarts (a
    newcomer's finding: every start made a new one), or a fresh one with `new`, or where none is kept (no file, or one
    that holds anything but a single local key)."""
    keys_file = home / "keys.json"
    key = None if new else _kept_key(keys_file)
    key = key or f"velo-local-{secrets.token_hex(12)}"
    write_private(keys_file, json.dumps({key: {"name": "local", "namespaces": LOCAL_NAMESPACES}}))
    return key, keys_file


def lock_home(home: Path):  # noqa: ANN201 (an open file)
    """The lock that makes this process the one `velo up` of `home` (held until the file is closed or the process
    dies); OSError naming the problem if another `velo up` holds it."""
    lock = open(home / "up.lock", "a+")  # noqa: SIM115 (held for the life of the stack)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        raise OSError(f"another `velo up` is running with this VELO_HOME ({home.parent}): stop it first, or set VELO_HOME "
                      "to another directory to run a second stack") from None
    return lock


def _kept_key(keys_file: Path) -> str | None:
    try:
        keys = json.loads(keys_file.read_text())
    except (OSError, ValueError):
        return None
    if isinstance(keys, dict) and len(keys) == 1:
        ((key, spec),) = keys.items()
        if re.fullmatch(r"velo-local-[0-9a-f]{24}", key) and spec == {"name": "local", "namespaces": list(LOCAL_NAMESPACES)}:
            return key
    return None


def _velo(*args: str) -> list[str]:
    return [sys.executable, "-m", "velo", "serve", *args]


@fail_cleanly
def up(
    port: Annotated[int, typer.Option(min=1, max=65535, help="The gateway's port.")] = 8000,
    edges: Annotated[int, typer.Option(min=1, max=8, help="Edge servers to start.")] = 1,
    mode: Annotated[str, typer.Option(help="Gateway routing: nearest (the first edge that answers) or all (every edge at once, the fastest answer kept: a question no edge has cached starts a cloud call on every edge, the slower ones cancelled when the first answers; for latency over cloud spend).")] = "nearest",
    milvus: Annotated[str, typer.Option(help="lite-server (one milvus-lite server for all edges) or embedded (a file per edge).")] = "lite-server",
    policy: Annotated[str, typer.Option(help="The edge servers' policy (a named rule or a checkpoint).")] = "rule-cloud",
    model_dir: ModelDirOpt = None,
    start_timeout: Annotated[float, typer.Option(min=1.0, help="Seconds each service may take to become healthy.")] = 300.0,
    new_key: Annotated[bool, typer.Option("--new-key", help="Make a new local API key (the last one stops working); by default the key of the last start is kept.")] = False,
) -> None:
    """Start the whole stack on loopback and run until Ctrl-C / SIGTERM."""
    if milvus not in ("lite-server", "embedded"):
        raise ValueError(f"--milvus must be lite-server or embedded, got {milvus!r}")
    if mode not in ("nearest", "all"):
        raise ValueError(f"--mode must be nearest or all, got {mode!r}")
    from services.edge import EdgeSettings
    from velo.cli.serve import checked_settings

    # what each edge server checks at start-up, in the environment it inherits: an unknown policy, or a checkpoint
    # trained with another hit rule than VELO_EDGE_RULE's, is one line here, not "edge-0 exited with code 2"
    checked_settings(EdgeSettings, {"policy": policy})
    check_model_dir(model_dir)
    home = velo_home() / "up"
    home.mkdir(parents=True, exist_ok=True)
    lock = lock_home(home)
    key, keys_file = write_local_key(home, new=new_key)
    stack = Stack(home / "logs")
    def on_signal(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        server = start_milvus_lite(stack, home / "milvus") if milvus == "lite-server" else None
        caches = [(server or str(home / f"edge-{i}.db"), f"velo_edge_{i}") for i in range(edges)]
        # the edges answer only the gateway: another local user cannot serve or flush them past the API key
        edge_token = secrets.token_hex(16)
        gateway_url = start_stack(stack, port, caches, keys_file, mode=mode, policy=policy, model_dir=model_dir, start_timeout=start_timeout,
                                  internal_token=edge_token)
        edge_urls = [child.health.removesuffix("/healthz") for child in stack.children if child.name.startswith("edge-") and child.health]
        # base_url: the SDK's and `velo ask`'s; openai_base_url: an OpenAI client's, with /v1 (nc46: the one printed);
        # the edges and their token, for their admin routes (nc46: a `velo up` user had no way to call them)
        write_private(home / "client.json", json.dumps({"base_url": gateway_url, "openai_base_url": f"{gateway_url}/v1", "api_key": key,
                                                        "edges": edge_urls, "edge_token": edge_token}))
        typer.echo(f"VELO is up: {gateway_url}/v1   model: {served_model(gateway_url, key)}")
        typer.echo(f"API key: {key}")
        typer.echo(f"try: velo ask \"What is the capital of France?\"   (logs: {stack.logs}; Ctrl-C stops everything)", err=True)
        typer.echo(f"edges: {', '.join(edge_urls)} (their /admin routes take the edge_token of {home / 'client.json'} as a Bearer token)", err=True)
        while True:
            stack.supervise(lambda line: typer.echo(line, err=True))
            time.sleep(0.5)
    except KeyboardInterrupt:
        typer.echo("stopping...", err=True)
    finally:
        stack.stop()
        for s, handler in previous.items():
            signal.signal(s, handler)
        (home / "client.json").unlink(missing_ok=True)
        lock.close()


@fail_cleanly
def ask(
    question: Annotated[str, typer.Argument(help="The question.")],
    url: Annotated[str | None, typer.Option(help="The gateway (default: the one `velo up` started).")] = None,
    key: Annotated[str | None, typer.Option(help="The API key (default: the one `velo up` made).")] = None,
    namespace: Annotated[str | None, typer.Option(help="The cache namespace (a tenant's cache: 1-64 of A-Z a-z 0-9 _ -); default: the key's "
                                                       "first. `velo up`'s key may use any.")] = None,
    max_tokens: Annotated[int | None, typer.Option(help="Longest answer, in tokens.")] = None,
    stream: Annotated[bool, typer.Option(help="Print the answer as it streams.")] = False,
    lang: Annotated[str | None, typer.Option(help="The question's language code (en, pt-BR, zh-Hant); default: the edge identifies it.")] = None,
) -> None:
    """Send one question through the gateway; prints the answer, then how it was served."""
    import velo

    if url is None or key is None:
        client_file = velo_home() / "up" / "client.json"
        if not client_file.is_file():
            raise ValueError(f"no running `velo up` found ({client_file} missing): start it, or give --url and --key")
        found = json.loads(client_file.read_text())
        url, key = url or found["base_url"], key or found["api_key"]
    try:
        with velo.Client(base_url=url, api_key=key, namespace=namespace) as client:
            if stream:
                last = None
                for piece in client.chat_stream(question, max_tokens=max_tokens, lang=lang):
                    typer.echo(piece.text, nl=False)
                    last = piece
                typer.echo("")
                route, latency, similarity = (last.route, last.latency_ms, last.similarity) if last else (None, None, None)
            else:
                answer = client.chat(question, max_tokens=max_tokens, lang=lang)
                typer.echo(answer.text)
                route, latency, similarity = answer.route, answer.latency_ms, answer.similarity
    except velo.VeloError as err:
        raise OSError(str(err)) from None
    sim = "none" if similarity is None else f"{similarity:.3f}"
    typer.echo(f"route={route} latency_ms={latency} similarity={sim}", err=True)
