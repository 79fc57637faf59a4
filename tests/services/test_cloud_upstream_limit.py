"""The cloud service's `max_tokens_limit` holds with an upstream too (svc42 item 5).

In upstream mode (`upstream_url`: a real OpenAI-compatible server behind it) the request was forwarded unchanged, so
`max_tokens: 5000` reached the upstream although the service's limit is 1024 (`services.llm.CLOUD_MAX_TOKENS_LIMIT`,
the number the edge and the gateway plan with): now it is the local mode's 400 naming the field the client sent, and
nothing reaches the upstream; a request stating no limit is sent with `max_tokens` at the limit, so no answer is longer
than it in either mode. Real servers on loopback: the cloud service in upstream mode and a stand-in upstream that
records what reaches it."""

from __future__ import annotations

import pytest

from services import cloud as cloud_service
from tests.services.servers import post, running
from tests.services.stack.test_end_user_fields import recording_upstream

LIMIT = 1024


@pytest.fixture(scope="module")
def seen() -> list[dict]:
    return []


@pytest.fixture(scope="module")
def cloud(seen: list[dict]):  # noqa: ANN201
    with running(recording_upstream(seen)) as upstream, \
            running(cloud_service.build_app(cloud_service.CloudSettings(upstream_url=upstream.url, upstream_model="up"))) as server:
        yield server


def ask(cloud, **fields: object):  # noqa: ANN001, ANN201 - the server, the httpx response
    return post(f"{cloud.url}/v1/chat/completions", json={"model": "velo-cloud", "messages": [{"role": "user", "content": "Hi?"}], **fields})


@pytest.mark.parametrize("field", ["max_tokens", "max_completion_tokens"])
@pytest.mark.parametrize("stream", [False, True])
def test_a_limit_above_the_services_is_refused_naming_the_field_and_the_upstream_is_not_called(cloud, seen: list[dict], field: str,
                                                                                                  stream: bool) -> None:
    before = len(seen)
    got = ask(cloud, stream=stream, **{field: LIMIT + 1})
    assert got.status_code == 400, got.text
    error = got.json()["error"]
    assert (error["param"], error["code"]) == (field, "invalid_value"), error
    assert error["message"] == f"{field} is at most {LIMIT} here, got {LIMIT + 1}", error
    assert len(seen) == before  # refused before the upstream is called: nothing spent there


def test_a_limit_within_the_services_is_forwarded_unchanged(cloud, seen: list[dict]) -> None:
    got = ask(cloud, max_completion_tokens=LIMIT)
    assert got.status_code == 200, got.text
    assert got.json()["choices"][0]["message"]["content"] == "Forty-two."
    assert seen[-1]["max_completion_tokens"] == LIMIT and "max_tokens" not in seen[-1], seen[-1]


def test_a_request_with_no_limit_is_sent_with_the_services_limit(cloud, seen: list[dict]) -> None:
    """The upstream's own default may be anything (a hosted API's is the model's whole output window): the service's
    limit bounds the answer, as DEFAULT_MAX_TOKENS does the local model's."""
    got = ask(cloud)
    assert got.status_code == 200, got.text
    assert seen[-1]["max_tokens"] == LIMIT and seen[-1]["model"] == "up", seen[-1]


def test_two_limits_that_differ_are_refused_as_in_local_mode(cloud, seen: list[dict]) -> None:
    before = len(seen)
    got = ask(cloud, max_tokens=10, max_completion_tokens=20)
    assert got.status_code == 400 and got.json()["error"]["param"] == "max_tokens", got.text
    assert len(seen) == before
