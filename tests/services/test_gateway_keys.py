"""The gateway's keys for real, on loopback: a keys file checked whole at start-up, a cloud budget that holds under
concurrent requests, Retry-After as the wait rounded up (what the official `openai` client obeys), and the SDK's
stream carrying the usage. The upstream is the cloud service (SmolLM2) behind a gateway without edge servers, so
every answer is a cloud answer; generations are two tokens long.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace

import httpx
import openai
import pytest

import velo
from services import cloud as cloud_service
from services import gateway as gateway_service
from services.gateway_keys import load_keys
from tests.services.conftest import shared_model_dir
from tests.ports import closed_port
from tests.services.servers import Running, post, running

PLAIN, ONE_CLOUD, TWO_FALLBACK, RATED, ANY = "plain-key-0001", "one-cloud-0001", "two-fallback-01", "rated-key-0001", "any-namespace-01"
KEYS = {
    PLAIN: {"name": "plain"},
    ANY: {"name": "owner", "namespaces": ["default", "*"]},
    ONE_CLOUD: {"name": "one-cloud", "cloud_budget": 1, "over_budget": "refuse"},
    TWO_FALLBACK: {"name": "two-fallback", "cloud_budget": 2, "over_budget": "fallback"},
    RATED: {"name": "rated", "requests_per_minute": 40, "burst": 1},  # one request per 1.5 s
}
QUESTION = {"model": "velo", "messages": [{"role": "user", "content": "Name a colour."}], "max_tokens": 2}


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    settings = cloud_service.CloudSettings(model_dir=shared_model_dir(tmp_path_factory), threads=1)
    with running(cloud_service.build_app(settings)) as server:
        yield server


def cloud_gateway(cloud: Running, keys: dict = KEYS) -> Running:
    settings = gateway_service.GatewaySettings(edges=[], cloud_url=cloud.url, keys_json=json.dumps(keys), down_for_s=2.5)
    return running(gateway_service.build_app(settings))


@pytest.fixture(scope="module")
def gateway(cloud: Running) -> Iterator[Running]:
    with cloud_gateway(cloud) as server:
        yield server


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


# --- the keys file ---------------------------------------------------------------------------------

SECRET = "s3cret-value-42"


@pytest.mark.parametrize(("spec", "says"), [
    ({"name": "team-a", "namespaces": ["a/b"]}, "entry 1 (name 'team-a'): namespaces[0]: 'a/b' is not a namespace"),
    ({"namespaces": ["ok", "ünï"]}, "entry 1: namespaces[1]: 'ünï' is not a namespace"),
    ({"namespaces": []}, "entry 1: namespaces: List should have at least 1 item"),
    ({"namespaces": ["*", "a"]}, "entry 1: namespaces: the first namespace is the key's default and must name one; put \"*\" after it"),
    ({"namespaces": ["a", "**"]}, "entry 1: namespaces[1]: '**' is not a namespace"),
    # brk finding 7: these had loaded silently
    ({"namespaces": ["default", "default"]}, 'entry 1: namespaces: "default" is listed more than once; give each namespace once'),
    ({"namespaces": ["default", "*", "*"]}, 'entry 1: namespaces: "*" is listed more than once'),
    ({"namespaces": ["default", "*", "team-a"]}, 'entry 1: namespaces: "*" grants every namespace: "team-a" beside it grants nothing '
                                                 'more; give ["default", "*"], or drop "*" to allow the listed ones only'),
    ({"name": "ops", "cloud_budget": True}, "entry 1 (name 'ops'): cloud_budget: Input should be a valid integer"),
    ({"requests_per_minute": "6"}, "requests_per_minute: Input should be a valid number"),
    ({"burst": 2}, "burst is the size of the rate limit's bucket: give requests_per_minute too"),
    ({"over_budget": "later"}, "over_budget: Input should be 'fallback' or 'refuse'"),
    ({"colour": "red"}, "colour: unknown field (known: name, namespaces,"),
    ({"name": ""}, "name: String should have at least 1 character"),
    (5, "entry 1: the key's settings must be a JSON object, got 5"),
])
def test_a_bad_key_entry_is_refused_naming_the_entry_and_field_never_the_secret(spec: object, says: str) -> None:
    with pytest.raises(ValueError) as caught:
        load_keys(json.dumps({SECRET: spec}), "keys.json")
    message = str(caught.value)
    assert message.startswith("keys.json: entry 1") and says in message and "\n" not in message
    assert SECRET[:4] not in message


@pytest.mark.parametrize(("text", "says"), [
    (f'{{"{SECRET}": {{}}, "{SECRET}": {{"name": "again"}}}}', "entry 2 (name 'again'): the same API key as entry 1"),
    (f'{{"{SECRET}": {{"name": "x", "name": "y"}}}}', "entry 1 (name 'x'): name: given twice"),
    (f'{{"{SECRET}": {{"requests_per_minute": Infinity}}}}', "requests_per_minute: Input should be a finite number"),
    ('{"short": {}}', "entry 1: the API key is shorter than 8 characters"),
    ('{"s3cret value 42": {}}', "entry 1: the API key must be visible ASCII characters"),
    ('{"s3cret-välue-42": {}}', "entry 1: the API key must be visible ASCII characters"),
    ("[1]", "must be a JSON object mapping each API key"),
])
def test_keys_json_repeats_and_keys_no_header_can_carry_are_refused(text: str, says: str) -> None:
    with pytest.raises(ValueError, match="^keys.json: ") as caught:
        load_keys(text, "keys.json")
    assert says in str(caught.value) and "s3cret" not in str(caught.value) and "välue" not in str(caught.value)


def test_velo_serve_gateway_refuses_a_bad_keys_file_in_one_line(tmp_path) -> None:  # noqa: ANN001
    """The newcomer's key with namespace "a/b" loaded, and every request on it was a 500 with a traceback."""
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({SECRET: {"name": "team-a", "namespaces": ["a/b"]}}))
    done = subprocess.run([sys.executable, "-m", "velo", "serve", "gateway", "--cloud-url", f"http://127.0.0.1:{closed_port()}",
                           "--keys-file", str(keys), "--port", str(closed_port())], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr and SECRET[:4] not in done.stderr
    assert "entry 1 (name 'team-a'): namespaces[0]: 'a/b' is not a namespace" in " ".join(done.stderr.split()), done.stderr


@pytest.mark.parametrize(("setting", "value", "says"), [
    ("edges", ["127.0.0.1:8201"], "edges[0]: '127.0.0.1:8201' is not an http(s) URL with a host"),
    ("cloud_url", "localhost", "'localhost' is not an http(s) URL with a host"),
    ("cloud_api_key", "sk-clöud", "the API key must be visible ASCII characters"),
])
def test_the_gateways_upstream_settings_are_checked_at_start(setting: str, value: object, says: str) -> None:
    """Every request on them would have failed: as an edge that is down, or with a UnicodeEncodeError."""
    others = {"edges": [], "cloud_url": "http://127.0.0.1:8300"}
    with pytest.raises(ValueError) as caught:
        gateway_service.GatewaySettings(**{**others, setting: value}, keys_json=json.dumps(KEYS))
    assert says in str(caught.value) and "clöud" not in str(caught.value)


# --- 401 ----------------------------------------------------------------------------------------------


def test_a_401_says_which_key_went_out_and_where_this_gateways_keys_come_from(gateway: Running) -> None:
    """nc43: a key `velo up --new-key` had replaced got "invalid API key" and no hint. Now the key is shown masked (its
    ends only: the message never carries a usable key) beside where this gateway's keys come from; a header that is not
    `Bearer <key>` is told the form, echoing nothing of it."""
    url = f"{gateway.url}/v1/chat/completions"
    old = "velo-local-0123456789abcdef01234567"
    got = post(url, json=QUESTION, headers=auth(old))
    error = got.json()["error"]
    assert (got.status_code, error["code"]) == (401, "invalid_api_key"), got.text
    assert error["message"].startswith("invalid API key 'velo-l...4567': not one of this gateway's keys (VELO_GATEWAY_KEYS_JSON)"), error
    assert "--new-key" in error["message"] and old not in got.text, error
    short = post(url, json=QUESTION, headers=auth("abc123"))
    assert "invalid API key (6 characters)" in short.json()["error"]["message"] and "abc123" not in short.text, short.text
    for header in (PLAIN, f"Basic {PLAIN}", "Bearer"):  # the key without its scheme, another scheme, no key
        got = post(url, json=QUESTION, headers={"Authorization": header})
        assert got.status_code == 401 and got.json()["error"]["message"] == "invalid API key: the Authorization header must be 'Bearer <key>'", got.text
        assert PLAIN not in got.text


# --- namespaces ------------------------------------------------------------------------------------


def test_a_key_with_star_uses_any_namespace_and_a_403_says_which_key_and_setting(gateway: Running) -> None:
    """A newcomer's `velo ask --namespace team-a` under `velo up` got 403 "this key may not use namespace 'team-a'
    (allowed: default)": `velo up`'s key now has `"*"` (`velo.cli.up.LOCAL_NAMESPACES`, served end to end in
    tests/cli/test_up.py), and a key without it is told which key, and which setting grants the namespace."""
    from typer.testing import CliRunner

    from velo.cli.main import app

    url = f"{gateway.url}/v1/chat/completions"
    anywhere = post(url, json=QUESTION, headers={**auth(ANY), "x-velo-namespace": "team-z"})
    assert anywhere.status_code == 200 and anywhere.json()["route"] == "cloud", anywhere.text
    malformed = post(url, json=QUESTION, headers={**auth(ANY), "x-velo-namespace": "*"})
    assert malformed.status_code == 400 and malformed.json()["error"]["param"] == "x-velo-namespace", malformed.text  # "*" is no namespace
    forbidden = post(url, json=QUESTION, headers={**auth(PLAIN), "x-velo-namespace": "team-z"})
    error = forbidden.json()["error"]
    assert (forbidden.status_code, error["code"], error["param"]) == (403, "namespace_forbidden", "x-velo-namespace"), forbidden.text
    assert error["message"] == (  # this gateway's keys are VELO_GATEWAY_KEYS_JSON: it had named a keys file (brk finding 5)
        "key 'plain' may not use namespace 'team-z' (allowed: default): send one of those in x-velo-namespace, or have the "
        "gateway's operator add 'team-z' (or \"*\", any namespace) to this key's \"namespaces\" in VELO_GATEWAY_KEYS_JSON"), error
    asked = CliRunner().invoke(app, ["ask", "Name a colour.", "--url", gateway.url, "--key", PLAIN, "--namespace", "team-z", "--max-tokens", "2"])
    assert asked.exit_code == 2 and "key 'plain' may not use namespace 'team-z'" in " ".join(asked.output.split()), asked.output
    assert PLAIN not in asked.output


@pytest.mark.parametrize(("setting", "grant"), [
    ("keys_file", "add 'team-z' (or \"*\", any namespace) to this key's \"namespaces\" in its keys file (--keys-file, "
                  "VELO_GATEWAY_KEYS_FILE)"),
    ("api_key", "configure its keys as a keys file (VELO_GATEWAY_KEYS_FILE) or VELO_GATEWAY_KEYS_JSON instead of "
                "VELO_GATEWAY_API_KEY, whose one key uses namespace default only, with 'team-z' (or \"*\", any namespace) in "
                "this key's \"namespaces\""),
])
def test_a_403_names_the_setting_the_gateways_keys_came_from(tmp_path, setting: str, grant: str) -> None:  # noqa: ANN001
    """docker-compose's gateway (VELO_GATEWAY_API_KEY) has no namespaces to edit; `velo serve gateway --keys-file` has.
    Refused before any upstream is asked: no cloud listens here."""
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({PLAIN: {"name": "plain"}}))
    given = {"keys_file": keys} if setting == "keys_file" else {"api_key": PLAIN}
    settings = gateway_service.GatewaySettings(edges=[], cloud_url=f"http://127.0.0.1:{closed_port()}", **given)
    with running(gateway_service.build_app(settings)) as gateway:
        forbidden = post(f"{gateway.url}/v1/chat/completions", json=QUESTION, headers={**auth(PLAIN), "x-velo-namespace": "team-z"})
    error = forbidden.json()["error"]
    assert forbidden.status_code == 403 and error["message"].endswith(f"or have the gateway's operator {grant}"), error


# --- the cloud budget under concurrency ------------------------------------------------------------


async def _at_once(url: str, key: str, n: int, body: dict = QUESTION) -> list[httpx.Response]:
    async with httpx.AsyncClient(timeout=120) as client:
        return await asyncio.gather(*(client.post(f"{url}/v1/chat/completions", json=body, headers=auth(key)) for _ in range(n)))


def test_concurrent_requests_never_spend_more_than_the_cloud_budget(cloud: Running) -> None:
    """Five requests at once on a budget of one all got 200 from the cloud (checked before routing, charged after)."""
    with cloud_gateway(cloud) as gateway:
        got = asyncio.run(_at_once(gateway.url, ONE_CLOUD, 5))
        assert sorted(r.status_code for r in got) == [200, 429, 429, 429, 429], [r.text for r in got]
        assert [r.json()["route"] for r in got if r.status_code == 200] == ["cloud"]
        refused = [r.json()["error"] for r in got if r.status_code == 429]
        assert {e["code"] for e in refused} == {"insufficient_quota"}
        assert all(r.headers["x-should-retry"] == "false" and "retry-after" not in r.headers for r in got if r.status_code == 429)
        again = post(f"{gateway.url}/v1/chat/completions", json=QUESTION, headers=auth(ONE_CLOUD))
        assert again.status_code == 429 and "(1 used, 0 held by requests in flight)" in again.json()["error"]["message"]
        assert again.json()["error"]["message"].startswith("the cloud budget of this key (1 answer) is spent"), again.text  # said "(1 answers)"

        fallback = asyncio.run(_at_once(gateway.url, TWO_FALLBACK, 5))  # no edge to fall back on: 503 past the budget
        assert sorted(r.status_code for r in fallback) == [200, 200, 503, 503, 503], [r.text for r in fallback]
        assert all(r.headers["retry-after"] == "3" for r in fallback if r.status_code == 503)  # down_for_s 2.5, rounded up


def test_a_request_that_fails_gives_its_reservation_back(cloud: Running) -> None:
    with cloud_gateway(cloud) as gateway:
        too_long = post(f"{gateway.url}/v1/chat/completions", json={**QUESTION, "max_tokens": 10**6}, headers=auth(ONE_CLOUD))
        assert too_long.status_code == 400 and too_long.json()["error"]["param"] == "max_tokens", too_long.text
        served = post(f"{gateway.url}/v1/chat/completions", json=QUESTION, headers=auth(ONE_CLOUD))
        assert served.status_code == 200 and served.json()["route"] == "cloud", served.text


# --- Retry-After -----------------------------------------------------------------------------------


def test_retry_after_is_the_wait_rounded_up_and_the_openai_client_waits_it(gateway: Running) -> None:
    """`requests_per_minute: 1` said "retry in 59.48 s" and sent `Retry-After: 1`: the openai client came back early."""
    wrong_model = {**QUESTION, "model": "no-such-model"}  # admitted by the rate limit, then 404: no generation needed
    first = post(f"{gateway.url}/v1/chat/completions", json=wrong_model, headers=auth(RATED))
    limited = post(f"{gateway.url}/v1/chat/completions", json=wrong_model, headers=auth(RATED))
    assert first.status_code == 404 and limited.status_code == 429, limited.text
    wait = int(limited.headers["retry-after"])
    assert wait == 2 and f"retry in {wait} s" in limited.json()["error"]["message"]
    client = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=RATED, max_retries=1, timeout=60)
    t0 = time.monotonic()
    with pytest.raises(openai.NotFoundError):  # its retry, after Retry-After, was admitted (a RateLimitError if early)
        client.chat.completions.create(**wrong_model)
    assert time.monotonic() - t0 >= 1.0


# --- the SDK's stream ------------------------------------------------------------------------------


def test_the_sdks_stream_carries_usage_on_its_last_piece_with_the_route(gateway: Running) -> None:
    """With `include_usage`, `chat_stream` dropped the usage and ended on an empty piece after the one with the route."""
    options = {"stream_options": {"include_usage": True}}
    with velo.Client(base_url=gateway.url, api_key=PLAIN) as client:
        whole = client.chat("Name a colour.", max_tokens=2)
        pieces = list(client.chat_stream("Name a colour.", max_tokens=2, **options))
        plain = list(client.chat_stream("Name a colour.", max_tokens=2))
    last = pieces[-1]
    assert "".join(p.text for p in pieces) == whole.text and all(p.text for p in pieces[:-1])
    assert (last.text, last.route, last.finish_reason) == ("", "cloud", whole.finish_reason)
    assert whole.finish_reason == whole.raw.choices[0].finish_reason == "length"  # 2 tokens cut it (nc40 finding 7)
    assert last.usage == whole.usage and last.usage.completion_tokens > 0
    assert plain[-1].route == "cloud" and plain[-1].usage is None and all(p.usage is None for p in pieces[:-1])

    async def streamed() -> list[velo.StreamPiece]:
        async with velo.AsyncClient(base_url=gateway.url, api_key=PLAIN) as client:
            return [p async for p in client.chat_stream("Name a colour.", max_tokens=2, **options)]

    untimed = [replace(p, latency_ms=None) for p in pieces]
    assert [replace(p, latency_ms=None) for p in asyncio.run(streamed())] == untimed  # the same pieces (sync and async share the code)
