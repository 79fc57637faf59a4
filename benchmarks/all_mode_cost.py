"""What the gateway's `all` mode costs the cloud: the cloud calls started and the tokens its LLM decoded for one question.

Starts the cloud service (SmolLM2, one thread), two edge servers on it (embedded milvus-lite, `rule-cloud`) and a
gateway in `all` mode in this process on loopback (`tests/services/stack/apps.py`'s settings), then asks two questions
through the gateway: one neither edge holds (each misses and asks the cloud; the slower is cancelled when the first
answers, `services/disconnect.py`) and one that edge-a alone holds (its cache answers; edge-b is cancelled). The cloud
calls are counted in the cloud service's request log, the tokens on its batcher.

    python benchmarks/all_mode_cost.py --model-dir /path/to/smollm2-135m-instruct

Printed on 2026-12-02 (2 cores shared with other work):
    'Name three rivers in South America.' max_tokens=48: route=cloud edge=edge-b 9.39 s; cloud calls 2, tokens decoded 94, 499: none
    'Describe the climate of Iceland in detail.' max_tokens=200: route=cache edge=edge-a 0.21 s; cloud calls 0, tokens decoded 0, 499: edge
The two cloud calls of the first question run side by side in the cloud's batch and end together: the slower edge is
cancelled (`499: edge, cloud`, an earlier run, 10.23 s, also 94 tokens) or has already been answered (`none`).
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model-dir", type=Path, default=None, help="The converted SmolLM2 (converted there if missing; default: $VELO_HOME's).")
    args = parser.parse_args()

    from services import cloud as cloud_service
    from services import edge as edge_service
    from tests.services.servers import post, running, sync
    from tests.services.stack.apps import KEY, edge_settings, gateway_app

    log = _Lines()
    requests_log = logging.getLogger("velo.requests")
    requests_log.setLevel(logging.INFO)
    requests_log.addHandler(log)
    tmp = Path(tempfile.mkdtemp(prefix="velo-all-mode-"))
    with running(cloud_service.build_app(cloud_service.CloudSettings(model_dir=args.model_dir, threads=1))) as cloud, \
         running(edge_service.build_app(edge_settings(tmp / "a", cloud.url, args.model_dir, edge_id="edge-a"))) as a, \
         running(edge_service.build_app(edge_settings(tmp / "b", cloud.url, args.model_dir, edge_id="edge-b"))) as b, \
         running(gateway_app([a.url, b.url], cloud.url, mode="all")) as gateway:
        batcher = cloud.app.state.llm.batcher

        def ask(question: str, max_tokens: int) -> None:
            log.lines.clear()
            rows, t0 = batcher.stats().rows_decoded, time.perf_counter()
            got = post(f"{gateway.url}/v1/chat/completions", json={"model": "velo", "messages": [{"role": "user", "content": question}],
                                                                  "max_tokens": max_tokens}, headers={"Authorization": f"Bearer {KEY}"})
            took = time.perf_counter() - t0
            time.sleep(2.0)  # the cancelled edge's 499 and the cloud's
            calls = sum(line.startswith("cloud local") for line in log.lines)
            closed = ", ".join(line.split()[0] for line in log.lines if "status=499" in line) or "none"
            print(f"{question!r} max_tokens={max_tokens}: route={got.json()['route']} edge={got.headers['x-velo-edge']} {took:.2f} s; "
                  f"cloud calls {calls}, tokens decoded {batcher.stats().rows_decoded - rows}, 499: {closed}", flush=True)

        ask("Name three rivers in South America.", 48)
        held = "Describe the climate of Iceland in detail."
        post(f"{a.url}/v1/serve", json={"messages": [{"role": "user", "content": held}], "max_tokens": 200})
        sync(a)
        ask(held, 200)


if __name__ == "__main__":
    main()
