"""`velo serve edge | cloud | gateway`: run one service under uvicorn.

The options below are the common ones; every setting of a service can also be given as an environment
variable (`VELO_EDGE_<NAME>`, `VELO_CLOUD_<NAME>`, `VELO_GATEWAY_<NAME>`, see each service's settings class),
which is how docker-compose configures them. An option given on the command line wins.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from velo.cli.errors import fail_cleanly
from velo.cli.milvus_uri import check_milvus_uri
from velo.cli.model_dir import ModelDirOpt, check_model_dir
from velo.cli.once import OnceGroup

serve_app = typer.Typer(cls=OnceGroup, no_args_is_help=True, add_completion=False, help="Run one VELO service (edge server, cloud LLM, gateway).")

Host = Annotated[str, typer.Option(help="Address to listen on.")]


def _given(**options: object) -> dict[str, object]:
    return {name: value for name, value in options.items() if value is not None}


def _run(app, host: str, port: int, libraries: tuple[str, ...] = ()) -> None:
    """Serve `app`; `libraries` are imported first so that their own log handlers get the repeats filter too."""
    import importlib

    import uvicorn

    from services.http import write_request_log
    from services.repeats import install

    write_request_log()  # the request log (INFO) reaches the service's log at uvicorn's "warning"
    for name in libraries:
        importlib.import_module(name)
    install(libraries)  # a failure that repeats on every request (Milvus, the cloud down) is written once, then counted
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=30)


def checked_settings(cls, options: dict[str, object]):
    """`cls(**options)` (settings that also read VELO_* variables), or one ValueError listing each bad setting."""
    from pydantic import ValidationError

    try:
        return cls(**options)
    except ValidationError as err:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in err.errors())
        raise ValueError(f"bad {cls.__name__}: {problems}") from None


@serve_app.command("edge")
@fail_cleanly
def edge(
    host: Host = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8201,
    edge_id: Annotated[str | None, typer.Option(help="This edge server's id.")] = None,
    cache_uri: Annotated[str | None, typer.Option(help="milvus-lite file (name.db, directories created) or Milvus server URI (http://host:19530).")] = None,
    collection: Annotated[str | None, typer.Option(help="The cache's Milvus collection.")] = None,
    cloud_url: Annotated[str | None, typer.Option(help="The cloud service (any OpenAI-compatible base URL).")] = None,
    policy: Annotated[str | None, typer.Option(help="A named rule (rule-cloud, greedy-0.3, ...) or a checkpoint file.")] = None,
    llm: Annotated[str | None, typer.Option(help="'local' (SmolLM2 in this process) or an OpenAI-compatible URL.")] = None,
    model_dir: ModelDirOpt = None,
    threads: Annotated[int | None, typer.Option(help="torch threads of the local LLM.")] = None,
) -> None:
    """An edge server: semantic cache, scheduling policy, its own LLM (services/edge.py)."""
    from services.edge import EdgeSettings, build_app

    settings = checked_settings(EdgeSettings, _given(edge_id=edge_id, cache_uri=cache_uri, collection=collection, cloud_url=cloud_url,
                                              policy=policy, llm=llm, model_dir=model_dir, threads=threads))
    check_milvus_uri("--cache-uri" if cache_uri else "VELO_EDGE_CACHE_URI", settings.cache_uri, make_parent=True)
    if settings.llm == "local":
        check_model_dir(settings.model_dir, "--model-dir" if model_dir else "VELO_EDGE_MODEL_DIR")
    app = build_app(settings)
    typer.echo(f"edge server {settings.edge_id} on http://{host}:{port} (cache {settings.cache_uri}, policy {settings.policy})", err=True)
    _run(app, host, port, ("pymilvus",))  # pymilvus writes a traceback per failed call through its own handlers


@serve_app.command("cloud")
@fail_cleanly
def cloud(
    host: Host = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8300,
    upstream_url: Annotated[str | None, typer.Option(help="Forward to this OpenAI-compatible server instead of the local model.")] = None,
    upstream_model: Annotated[str | None, typer.Option(help="The upstream's model id.")] = None,
    model_dir: ModelDirOpt = None,
    threads: Annotated[int | None, typer.Option(help="torch threads of the local model.")] = None,
) -> None:
    """The cloud LLM's OpenAI-compatible front (services/cloud.py); the API key of an upstream: VELO_CLOUD_UPSTREAM_API_KEY."""
    from services.cloud import CloudSettings, build_app

    settings = checked_settings(CloudSettings, _given(upstream_url=upstream_url, upstream_model=upstream_model, model_dir=model_dir, threads=threads))
    if not settings.upstream_url:
        check_model_dir(settings.model_dir, "--model-dir" if model_dir else "VELO_CLOUD_MODEL_DIR")
    app = build_app(settings)
    typer.echo(f"cloud service on http://{host}:{port}/v1 ({settings.upstream_url or 'local model'})", err=True)
    _run(app, host, port)


@serve_app.command("gateway")
@fail_cleanly
def gateway(
    host: Host = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    edge: Annotated[list[str] | None, typer.Option(help="An edge server's base URL (repeat, nearest first).")] = None,
    cloud_url: Annotated[str | None, typer.Option(help="The cloud service, used when no edge server answers.")] = None,
    keys_file: Annotated[Path | None, typer.Option(exists=True, dir_okay=False, help="The API keys (JSON, services/gateway_keys.py).")] = None,
    mode: Annotated[str | None, typer.Option(help="nearest (the first edge that answers) or all (every edge at once, the fastest answer kept: a question no edge has cached starts a cloud call on every edge, the slower ones cancelled when the first answers; for latency over cloud spend).")] = None,
) -> None:
    """The users' OpenAI-compatible entry (services/gateway.py)."""
    from services.gateway import GatewaySettings, build_app

    if keys_file is not None and not keys_file.is_file():
        raise ValueError(f"--keys-file {keys_file}: no such file")
    settings = checked_settings(GatewaySettings, _given(edges=edge or None, cloud_url=cloud_url, keys_file=keys_file, mode=mode))
    app = build_app(settings)  # reads and checks the keys: a bad keys file fails here, before the URL is announced
    typer.echo(f"gateway on http://{host}:{port}/v1 ({settings.mode}: {', '.join(settings.edges) or 'no edge'})", err=True)
    _run(app, host, port)
