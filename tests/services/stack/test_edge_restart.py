"""An edge server restarted on its data keeps its cache and serves with the shipped checkpoint. It stops the shared
edge server, so it runs after every other test of this folder (`conftest.pytest_collection_modifyitems`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from openai import OpenAI

from services import edge as edge_service
from tests.services.conftest import shared_model_dir
from tests.services.servers import Running, get, post, running, sync
from tests.services.stack.apps import TOKENS, ask, edge_settings


@pytest.mark.stops_edge
def test_a_restarted_edge_server_keeps_its_cache_and_serves_with_the_shipped_checkpoint(
        oai: OpenAI, edge: Running, edge_dir: Path, cloud: Running, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Restarted with `policy="dlrs"`: the route of each request is the learned policy's action on the observation
    the server built (the real policy, its calls recorded; a second copy loaded apart agrees)."""
    from velo.learned import LearnedPolicy
    from velo.policy import Action, load_policy

    question = {"question": "Name three primary colours."}
    ask(oai, question["question"])
    sync(edge)
    assert post(f"{edge.url}/admin/cache/lookup", json=question).json()["hit"]
    edge.stop()
    settings = edge_settings(edge_dir, cloud.url, edge_id="edge-a", model_dir=shared_model_dir(tmp_path_factory), policy="dlrs")
    with running(edge_service.build_app(settings)) as again:
        assert post(f"{again.url}/admin/cache/lookup", json=question, timeout=120).json()["hit"]
        server = again.app.state.edge
        policy = server.policy
        assert isinstance(policy, LearnedPolicy) and get(f"{again.url}/healthz").json()["policy"] == "dlrs"
        calls: list[tuple[np.ndarray, np.ndarray, int]] = []

        class Recorded:
            def act(self, observation: np.ndarray, action_mask: np.ndarray) -> int:
                action = policy.act(observation, action_mask)
                calls.append((observation.copy(), action_mask.copy(), action))
                return action

        server.policy = Recorded()
        routes = [post(f"{again.url}/v1/serve", json={"messages": [{"role": "user", "content": q}], "max_tokens": TOKENS}).json()["route"]
                  for q in (question["question"], "What is the boiling point of water?")]
        apart = load_policy("dlrs", server.layout)
        for (observation, mask, action), route in zip(calls, routes):
            assert observation.shape == (server.layout.size,) and mask[action]
            assert route == Action(action).name.lower() and apart.act(observation, mask) == action
