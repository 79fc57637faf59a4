"""The request's language: identified by the edge when not stated (`velo.lang_id`), compared only within it (and its
script for Chinese), `und` matched as its best guess, a stated language winning, a bad code refused naming `lang`."""

from __future__ import annotations

import pytest
from openai import OpenAI

import velo
from tests.services.servers import Running, post, sync
from tests.services.stack.apps import KEY, TOKENS, ask


def test_a_question_in_another_language_is_not_served_an_answer_in_the_first(oai: OpenAI, edge: Running) -> None:
    """The gateway states no language: the edge identifies it (`velo.lang_id`) and compares only within it."""
    first = ask(oai, "What is the capital of Germany?").parse()
    assert first.route == "cloud"
    sync(edge)
    spanish = ask(oai, "¿Cuál es la capital de Alemania?").parse()
    assert spanish.route == "cloud"
    reworded = ask(oai, "What's the capital city of Germany?").parse()
    assert reworded.route == "cache" and reworded.choices[0].message.content == first.choices[0].message.content
    found = post(f"{edge.url}/admin/cache/lookup", json={"question": "¿Cuál es la capital de Alemania?", "lang": "en"}, timeout=60).json()
    assert found["entry"]["question"] == "What is the capital of Germany?" and found["entry"]["lang"] == "en"  # stored as English
    stated = ask(oai, "¿Cuál es la capital de Alemania?", extra_body={"lang": "en"}).parse()  # a stated language wins
    assert stated.route == "cache" and stated.choices[0].message.content == first.choices[0].message.content


def test_admin_lookup_without_a_language_identifies_it_as_serving_does(edge: Running) -> None:
    """Issue 8: `/admin/cache/lookup` without `lang` searched every language, so it showed an English entry for a
    Spanish question that `/v1/serve` (and so the gateway) would never compare with it. Both now identify it."""
    english, spanish = "What is the boiling point of water at sea level?", "¿Cuál es el punto de ebullición del agua al nivel del mar?"
    served = post(f"{edge.url}/v1/serve", json={"messages": [{"role": "user", "content": english}], "namespace": "admin-lang", "max_tokens": TOKENS})
    assert served.status_code == 200, served.text
    sync(edge)
    looked = post(f"{edge.url}/admin/cache/lookup", json={"question": english, "namespace": "admin-lang"}).json()
    assert looked["hit"] and looked["lang"] == "en" and looked["entry"]["question"] == english
    looked = post(f"{edge.url}/admin/cache/lookup", json={"question": spanish, "namespace": "admin-lang"}).json()
    assert looked["lang"] == "es" and not looked["hit"] and looked["entry"] is None, looked
    stated = post(f"{edge.url}/admin/cache/lookup", json={"question": spanish, "namespace": "admin-lang", "lang": "en"}).json()
    assert stated["lang"] == "en" and stated["entry"]["question"] == english  # a stated language wins, as for /v1/serve


def test_a_question_in_traditional_characters_is_not_served_a_simplified_answer(edge: Running) -> None:
    """Issue 8: zh-Hant and zh-Hans were one language to the cache and "zh" to the identifier. Now the identifier adds
    the script the characters show, and the cache compares within it."""
    simplified, traditional = "长城有多长？", "長城有多長？"
    served = post(f"{edge.url}/v1/serve", json={"messages": [{"role": "user", "content": simplified}], "namespace": "scripts", "max_tokens": TOKENS})
    assert served.status_code == 200, served.text
    sync(edge)
    looked = post(f"{edge.url}/admin/cache/lookup", json={"question": simplified, "namespace": "scripts"}).json()
    assert looked["hit"] and looked["lang"] == "zh-Hans" and looked["entry"]["lang"] == "zh-hans"
    looked = post(f"{edge.url}/admin/cache/lookup", json={"question": traditional, "namespace": "scripts"}).json()
    assert looked["lang"] == "zh-Hant" and looked["entry"] is None, looked
    # und was searched as bare zh, so Simplified; full BCP 47 tags (what iOS and macOS send) were a 400
    for lang in ("und", "zh-Hant-TW", "zh-Hant-HK"):
        looked = post(f"{edge.url}/admin/cache/lookup", json={"question": traditional, "namespace": "scripts", "lang": lang})
        assert looked.status_code == 200 and looked.json()["entry"] is None, (lang, looked.text)
    looked = post(f"{edge.url}/admin/cache/lookup", json={"question": simplified, "namespace": "scripts", "lang": "zh-Hans-CN"}).json()
    assert looked["hit"] and looked["entry"]["lang"] == "zh-hans"
    for lang in ("und-Hant", "zh-yue", "en-Cyrl"):
        refused = post(f"{edge.url}/v1/serve", json={"messages": [{"role": "user", "content": traditional}], "namespace": "scripts", "lang": lang})
        assert refused.status_code == 400 and refused.json()["error"]["param"] == "lang", refused.text
    again = post(f"{edge.url}/v1/serve", json={"messages": [{"role": "user", "content": traditional}], "namespace": "scripts", "max_tokens": TOKENS})
    assert again.json()["route"] != "cache", again.text


def test_an_answer_written_back_as_und_is_found_by_its_best_guess(edge: Running) -> None:
    """Issue 8: a question the edge could not identify surely ("Capital of Germany?": en 0.26) was written back as `und`
    and found by `und` requests only. Now it is a candidate for requests in its best guess, English, not Spanish."""
    unsure = "Capital of Germany?"
    served = post(f"{edge.url}/v1/serve", json={"messages": [{"role": "user", "content": unsure}], "namespace": "und-guess", "max_tokens": TOKENS})
    assert served.status_code == 200, served.text
    sync(edge)
    looked = post(f"{edge.url}/admin/cache/lookup", json={"question": "What is the capital of Germany?", "namespace": "und-guess"}).json()
    assert looked["lang"] == "en" and looked["entry"]["question"] == unsure and looked["entry"]["lang"] == "und", looked
    looked = post(f"{edge.url}/admin/cache/lookup", json={"question": "¿Cuál es la capital de Alemania?", "namespace": "und-guess"}).json()
    assert looked["lang"] == "es" and looked["entry"] is None, looked


def test_an_und_question_is_identified_once_per_request(edge: Running, monkeypatch: pytest.MonkeyPatch) -> None:
    """An `und` question was identified twice per request: by the edge to choose its language, and by the cache to match
    it as its best guess. The edge now gives the cache its identification (the identifier's calls recorded here)."""
    server, seen = edge.app.state.edge, []
    languages = server.languages
    assert server.cache.languages is languages
    identify = languages.identify
    monkeypatch.setattr(languages, "identify", lambda text: seen.append(text) or identify(text))
    question, namespace = "Capital of Germany?", "identified-once"
    looked = post(f"{edge.url}/admin/cache/lookup", json={"question": question, "namespace": namespace}).json()
    assert looked["lang"] == "und" and seen == [question], (looked, seen)
    served = post(f"{edge.url}/v1/serve", json={"messages": [{"role": "user", "content": question}], "namespace": namespace, "max_tokens": TOKENS})
    assert served.status_code == 200 and seen == [question, question], (served.text, seen)


def test_the_sdk_states_a_language_and_a_bad_code_is_refused_naming_lang(gateway: Running) -> None:
    with velo.Client(base_url=gateway.url, api_key=KEY) as client:
        with pytest.raises(velo.BadRequestError) as bad:
            client.chat("Hello there", lang="english", max_tokens=TOKENS)
    assert bad.value.status == 400 and bad.value.param == "lang"
