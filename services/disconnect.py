"""A client's disconnect passed on: the request it left is cancelled, logged with nginx's 499 ("client closed request")
and counted apart from the answered ones, as vLLM aborts a request whose client disconnected.

Uvicorn does not cancel a handler whose client went away: the disconnect is only an `http.disconnect` message that
nobody reads while a non-streaming handler awaits its upstream (Starlette listens for it only while a
`StreamingResponse` streams). So a request whose client gave up (an httpx client with `timeout=0.5` against a slow
cloud answer: nc24 M3) had run to its end upstream, been logged as served and charged to its key, and the cloud's
answer written to the cache. LiteLLM's users met the same (BerriAI/litellm#37140: streams cancel upstream work on a
disconnect, non-streaming requests never do).

`CancelOnDisconnect`, an ASGI middleware, reads the client's messages itself once the app has read the whole body, so it
sees the disconnect when it happens (polling `request.is_disconnected()` beside each handler would find it late, and
Starlette's `listen_for_disconnect` covers streams only):
- before the response started (a whole answer awaited, a stream not started yet), the handler's task is cancelled: the
  gateway's httpx call to the edge is cancelled, which closes its connection, so the edge sees its client go in turn
  and cancels its cloud call or its local LLM's generation (`services.llm.collect` closes the stream), which the cloud
  service sees the same way. Nothing is answered, so nothing is written back, counted as served or charged (the key's
  cloud reservation is given back: `KeyRing.cloud_use`). The edge's in-flight coalescing (`services/coalesce.py`)
  keeps a shared call going while another request waits for it.
- once a stream has started, the app is told (its `receive` returns `http.disconnect`, as Starlette's
  `StreamingResponse` expects under ASGI spec 2.3, which uvicorn declares) and stops the stream itself
  (`services.http.ClosingStreamingResponse` closes the upstream); the task is not cancelled as well, which would land
  in that cleanup (a server that declares spec 2.4, where Starlette no longer listens, would need the task cancelled:
  uvicorn 0.54 declares 2.3). A stream's route was logged at its start and its cloud answer charged then (partly generated: the
  upstream was paid, as LiteLLM bills a disconnected stream's partial spend); it is not counted as served.
Either way the request log gets a line with `status=499` and the time from the request's arrival to the disconnect,
and `velo_client_disconnects_total{phase}` counts it (`waiting` / `streaming`); a disconnect after the response
ended is a connection closed, not a request left.

    gateway client_closed user='hash-9c1e' status=499 phase=waiting elapsed_ms=503.118 path=/v1/chat/completions key='tests' namespace=default

A handler names its request for that line with `describe(request, user=..., key=...)` once it knows it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.http import record_request

CLIENT_CLOSED = 499
"""nginx's status for a request whose client closed the connection before the response was sent."""
_SCOPE_KEY = "velo.client_watch"


@dataclass
class ClientWatch:
    """One request as `CancelOnDisconnect` watches it (in its ASGI scope, for the handler to name it: `describe`)."""

    arrived: float
    user: str | None = None
    safety_identifier: str | None = None
    fields: dict[str, object] = field(default_factory=dict)
    """What the 499 line says of the request beyond the client's identifiers (the gateway's key name and namespace)."""


@dataclass(frozen=True)
class Closed:
    """A request whose client left before its response ended."""

    service: str
    path: str
    phase: str
    """`waiting`: before the response started (the handler was cancelled); `streaming`: during a stream."""
    elapsed_s: float
    """From the request's arrival to the disconnect."""
    watch: ClientWatch


def describe(request: Request, user: str | None = None, safety_identifier: str | None = None, **fields: object) -> None:
    """Name a request for its 499 line, should its client leave (a no-op outside `CancelOnDisconnect`)."""
    watch = request.scope.get(_SCOPE_KEY)
    if isinstance(watch, ClientWatch):
        watch.user, watch.safety_identifier = user, safety_identifier
        watch.fields.update(fields)


def log_closed(closed: Closed) -> None:
    """The request log's 499 line (`services.http.record_request`)."""
    w = closed.watch
    record_request(closed.service, "client_closed", w.user, w.safety_identifier, status=CLIENT_CLOSED, phase=closed.phase,
                   elapsed_ms=f"{closed.elapsed_s * 1000.0:.3f}", path=closed.path, **w.fields)


class CancelOnDisconnect:
    """ASGI middleware of one service (`service` names it in the log): a request whose client leaves before its response
    ended is cancelled (not started yet) or told (streaming), logged 499 and given to `on_closed` (the app's counter)."""

    def __init__(self, app: ASGIApp, service: str, on_closed: Callable[[Closed], None] | None = None) -> None:
        self.app, self.service, self.on_closed = app, service, on_closed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        watch = ClientWatch(time.perf_counter())
        scope[_SCOPE_KEY] = watch
        started = ended = False
        gone = asyncio.Event()
        watcher: asyncio.Task | None = None
        handler = asyncio.current_task()
        cancelled_by_us = False

        def left() -> None:
            closed = Closed(self.service, scope.get("path", ""), "streaming" if started else "waiting", time.perf_counter() - watch.arrived, watch)
            log_closed(closed)
            if self.on_closed is not None:
                self.on_closed(closed)

        async def watch_client() -> None:
            nonlocal cancelled_by_us
            while (await receive())["type"] != "http.disconnect":
                pass  # a body part after the last one: none in HTTP/1.1, read and dropped
            if ended:  # the response was sent whole: a connection closed, not a request left
                return
            left()
            gone.set()
            if not started and handler is not None:
                cancelled_by_us = True
                handler.cancel()

        async def app_receive() -> Message:
            nonlocal watcher
            if watcher is not None:  # the body is read: the client's next message is the watcher's
                await gone.wait()
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request" and not message.get("more_body", False):
                watcher = asyncio.get_running_loop().create_task(watch_client())
            elif message["type"] == "http.disconnect":
                # gone before its body was read (a gateway that gave up on this server while it hung, its request still in
                # the socket when it resumed): Starlette raises ClientDisconnect, answered quietly (`services.http`); it had
                # been logged as an "unexpected error" 500 with its traceback (svc40 item 3)
                left()
            return message

        async def app_send(message: Message) -> None:
            nonlocal started, ended
            if message["type"] == "http.response.start":
                started = True
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                ended = True  # before the send: the server reports the client's disconnect once the response is complete
            await send(message)

        try:
            await self.app(scope, app_receive, app_send)
        except asyncio.CancelledError:
            if not cancelled_by_us or handler is None or handler.cancelling() > 1:
                raise  # cancelled by the server too (a shutdown): not ours to swallow
        finally:
            if cancelled_by_us and handler is not None:
                handler.uncancel()  # our cancellation is spent, however the app ended (Python 3.11: asyncio.Task.uncancel)
            if watcher is not None and not watcher.done():
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher
