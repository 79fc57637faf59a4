"""Bad requests get the one error shape with the right status and the field named, alike from the gateway, the edge,
the SDK and `velo ask`: keys, rates, namespaces, odd bodies, fields of the wrong JSON type."""

from __future__ import annotations

import json

import pytest
from openai import OpenAI

import velo
from tests.services.servers import Running, get, post
from tests.services.stack.apps import KEY, LIMITED


def test_bad_requests_get_the_one_error_shape_with_the_right_status(gateway: Running) -> None:
    url, body = f"{gateway.url}/v1/chat/completions", {"model": "velo", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 2}
    auth = {"Authorization": f"Bearer {KEY}"}
    cases = [
        (post(url, json=body), 401, "missing_api_key", None),
        (post(url, json=body, headers={"Authorization": "Bearer wrong-key-123"}), 401, "invalid_api_key", None),
        (post(url, json=body, headers={**auth, "x-velo-namespace": "budget"}), 403, "namespace_forbidden", "x-velo-namespace"),
        (post(url, content=b'{"model": "velo", "messages": [', headers={**auth, "content-type": "application/json"}), 400, None, None),
        (post(url, json={"model": "velo", "messages": "Hi"}, headers=auth), 400, "invalid_value", "messages"),
        (post(url, json={**body, "temprature": 0}, headers=auth), 400, "unknown_parameter", "temprature"),
        (post(url, json={**body, "temperature": 2.5}, headers=auth), 400, "invalid_value", "temperature"),
        (post(url, json={**body, "tools": [{"type": "function"}]}, headers=auth), 400, "unsupported_parameter", "tools"),
        (post(url, json={**body, "model": "gpt-4o"}, headers=auth), 404, "model_not_found", "model"),
        (post(url, json={**body, "messages": [{"role": "user", "content": "x" * 40_000}]}, headers=auth), 400, "context_length_exceeded", "messages"),
    ]
    for response, status, code, param in cases:
        error = response.json()["error"]
        assert (response.status_code, set(error)) == (status, {"message", "type", "code", "param"}), response.text
        assert code is None or error["code"] == code, error
        assert error["param"] == param, error


def test_odd_bodies_are_named_alike_by_the_gateway_and_the_edge(gateway: Running, edge: Running) -> None:
    json_type = {"content-type": "application/json"}
    question = b'"messages": [{"role": "user", "content": "abc\\ud800"}]'  # valid JSON, but no UTF-8 text
    for url, headers, surrogate in ((f"{gateway.url}/v1/chat/completions", {"Authorization": f"Bearer {KEY}", **json_type}, b'{"model": "velo", ' + question + b"}"),
                                    (f"{edge.url}/v1/serve", json_type, b"{" + question + b"}")):
        odd = {
            b"": ("the body is empty", None),
            b'{"user": "caf\xe9"}': ("the body is not valid UTF-8: byte 0xe9 at position 13", None),  # Latin-1
            surrogate: ("messages[0].content is not valid Unicode text: a lone surrogate", "messages[0].content"),
        }
        for raw, (message, param) in odd.items():
            response = post(url, content=raw, headers=headers)
            error = response.json()["error"]
            assert response.status_code == 400 and error["message"].startswith(message) and error["param"] == param, (url, raw, response.text)


def test_a_key_over_its_rate_gets_429_and_the_openai_client_names_the_field(gateway: Running, oai: OpenAI) -> None:
    url = f"{gateway.url}/v1/chat/completions"
    statuses = [post(url, json={"model": "velo", "messages": "x"}, headers={"Authorization": f"Bearer {LIMITED}"}).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]  # the limit counts requests before their body is judged
    import openai

    with pytest.raises(openai.BadRequestError) as caught:
        oai.chat.completions.create(model="velo", messages=[{"role": "user", "content": "Hi"}], n=2)
    assert caught.value.body["param"] == "n"


def test_a_field_of_the_wrong_json_type_is_refused_by_the_gateway_the_edge_and_the_sdk(gateway: Running, edge: Running) -> None:
    """Issue 8 (newcomer report): "max_tokens": "5" and true (served 1 token), "stream": "yes", "temperature": "0.5"
    were read as 5, 1, True, 0.5. Now a 400 naming the field from the gateway and the edge, the SDK refuses them (and a
    lone surrogate, which had raised a bare UnicodeEncodeError at an offset into the body) before sending; nothing is
    served (the edge's served count does not move). An integer temperature is still a number."""
    url, body = f"{gateway.url}/v1/chat/completions", {"model": "velo", "messages": [{"role": "user", "content": "Hi there"}], "max_tokens": 2}
    def served_count() -> float:
        return sum(float(line.split()[-1]) for line in get(f"{edge.url}/metrics").text.splitlines() if line.startswith("velo_requests_total{"))

    served = served_count()
    for field, value in (("max_tokens", "5"), ("max_tokens", True), ("max_tokens", 5.0), ("stream", "yes"), ("temperature", "0.5"), ("n", "1")):
        for where, json_body, headers in ((url, {**body, field: value}, {"Authorization": f"Bearer {KEY}"}),
                                          (f"{edge.url}/v1/serve", {"messages": body["messages"], field: value}, {})):
            if field == "n" and "serve" in where:
                continue
            response = post(where, json=json_body, headers=headers)
            error = response.json()["error"]
            assert response.status_code == 400 and error["param"] == field and field in error["message"], (where, field, value, response.text)
    assert served_count() == served
    with velo.Client(gateway.url, api_key=KEY) as client:
        for kwargs, param in (({"max_tokens": True}, "max_tokens"), ({"max_tokens": "5"}, "max_tokens"), ({"temperature": "0.5"}, "temperature")):
            with pytest.raises(velo.InvalidRequestError, match=f"refused before sending: invalid '{param}'") as refused:
                client.chat("Hi there", **kwargs)
            assert refused.value.param == param
        with pytest.raises(velo.InvalidRequestError, match="messages\\[0\\].content is not valid Unicode text") as refused:
            client.chat("a\ud800")
        assert refused.value.param == "messages[0].content" and isinstance(refused.value, ValueError)
        with pytest.raises(velo.InvalidRequestError, match="prompt is not valid Unicode"):
            client.complete("a\ud800")
        assert client.chat("Hi there", max_tokens=2, temperature=0).text
    assert served_count() == served + 1


def test_an_admin_lookup_too_long_for_the_cache_names_question(edge: Running) -> None:
    """Issue 8 (newcomer report): it said "question #0 has 9000 characters" with param null; the cache's own lookup
    names the argument as the caller wrote it, and `langs` given as a string is named as such, not as a count."""
    response = post(f"{edge.url}/admin/cache/lookup", json={"question": "x" * 9000})
    error = response.json()["error"]
    assert response.status_code == 400 and error["param"] == "question" and error["message"].startswith("the question has 9000 characters"), error
    cache = edge.app.state.edge.cache
    with pytest.raises(ValueError, match=r"^question has 9000 characters"):
        cache.lookup("x" * 9000)
    with pytest.raises(ValueError, match=r"^langs must be a list with one language code \(or None\) per request, got str"):
        cache.lookup_many(["a"], langs="en")


def test_velo_ask_states_a_language_and_a_malformed_namespace_is_a_400(gateway: Running) -> None:
    """Issue 8 (newcomer report): `velo ask` had no --lang (the gateway and the SDK take one), and a namespace that is
    no namespace ("a/b") was a 403 "may not use" rather than a 400 saying what a namespace is."""
    from typer.testing import CliRunner

    from velo.cli.main import app

    def ask_cli(*more: str):
        return CliRunner().invoke(app, ["ask", "What is the capital of Italy?", "--url", gateway.url, "--key", KEY, "--max-tokens", "2", *more])

    answered = ask_cli("--lang", "en")
    assert answered.exit_code == 0 and answered.stdout.strip() and "route=" in answered.stderr, answered.output
    refused = ask_cli("--lang", "english")
    assert refused.exit_code != 0 and "400" in refused.output and "lang" in refused.output, refused.output
    malformed = ask_cli("--namespace", "a/b")
    # refused by the SDK before sending, by the gateway's rule (velo.wire.namespace_problem)
    assert malformed.exit_code != 0 and "400 refused before sending: namespace: 'a/b' is not a namespace" in " ".join(malformed.output.split()), malformed.output
    response = post(f"{gateway.url}/v1/chat/completions", json={"model": "velo", "messages": [{"role": "user", "content": "Hi"}]},
                    headers={"Authorization": f"Bearer {KEY}", "x-velo-namespace": "a/b"})
    assert response.status_code == 400 and response.json()["error"]["param"] == "x-velo-namespace", response.text
    forbidden = post(f"{gateway.url}/v1/chat/completions", json={"model": "velo", "messages": [{"role": "user", "content": "Hi"}]},
                     headers={"Authorization": f"Bearer {KEY}", "x-velo-namespace": "team-b"})
    assert forbidden.status_code == 403 and forbidden.json()["error"]["code"] == "namespace_forbidden", forbidden.text


def test_every_service_reads_a_body_alike_and_bounds_every_integer(gateway: Running, edge: Running, cloud: Running) -> None:
    """nc19 findings 1, 2, 7, 8 through the gateway, the edge and the cloud, all reading bodies by `velo.wire.parse_body`:
    `seed: 2**64` had gone to the cloud's torch and come back as a 400 naming `messages`; `store` / `metadata` had been
    accepted and ignored; a JSON object sent as text/plain had been "not a JSON object" at the edge and the cloud while
    the gateway read it. Each is a 400 naming the field, from every service, and nothing is served."""
    question = [{"role": "user", "content": "Hi there"}]
    chat = {"model": "velo", "messages": question, "max_tokens": 2}
    at = {"gateway": (f"{gateway.url}/v1/chat/completions", chat, {"Authorization": f"Bearer {KEY}"}),
          "cloud": (f"{cloud.url}/v1/chat/completions", {**chat, "model": "velo-cloud"}, {}),
          "edge": (f"{edge.url}/v1/serve", {"messages": question, "max_tokens": 2}, {})}
    cases = [({"seed": 2**64, "temperature": 1}, "seed", "invalid_value"), ({"seed": -(2**63) - 1}, "seed", "invalid_value"),
             ({"max_tokens": 2**31}, "max_tokens", "invalid_value"), ({"store": True}, "store", "unsupported_parameter"),
             ({"metadata": {"a": "b"}}, "metadata", "unsupported_parameter"), ({"temprature": 1}, "temprature", "unknown_parameter")]
    for service, (url, body, headers) in at.items():
        for fields, param, code in cases:
            if service == "edge" and param in ("store", "metadata"):
                continue  # no such fields on /v1/serve: unknown there, as any other
            raw = json.dumps({**body, **fields}).encode()
            for content_type in ("application/json", "text/plain"):
                response = post(url, content=raw, headers={**headers, "content-type": content_type})
                error = response.json()["error"]
                assert (response.status_code, error["param"], error["code"]) == (400, param, code), (service, fields, content_type, response.text)
