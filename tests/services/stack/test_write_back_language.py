"""An answer surely in another language than its question's is relayed but not written back (nc17 finding 15: the
stand-in cloud answered `Was ist die Hauptstadt von Schweden?` in English, the cache stored it under `de` and served
it at similarity 1.0 to the repeat)."""

from __future__ import annotations

from openai import OpenAI

from tests.services.servers import Running, metric, sync
from velo.lang_id import LanguageIdentifier

SKIPPED = 'velo_write_backs_skipped_total{reason="language"}'


def test_an_answer_in_another_language_is_not_cached_and_one_in_the_questions_is(oai: OpenAI, edge: Running) -> None:
    identify = LanguageIdentifier(min_probability=0.8).identify  # the edge's default candidates and threshold

    def asked(question: str):  # noqa: ANN202 - the parsed completion
        return oai.chat.completions.create(model="velo", messages=[{"role": "user", "content": question}], max_tokens=24)

    before = metric(edge, SKIPPED)
    german = asked("Was ist die Hauptstadt von Schweden?")
    answer = german.choices[0].message.content
    assert german.route == "cloud" and identify(answer).lang == "en", answer  # SmolLM2 answers this German question in English
    sync(edge)
    assert metric(edge, SKIPPED) == before + 1
    again = asked("Was ist die Hauptstadt von Schweden?")
    assert again.route == "cloud", again  # was "cache" at similarity 1.0, the English answer
    english = asked("What is the capital of Sweden?")
    assert english.route == "cloud" and identify(english.choices[0].message.content).lang in ("en", "und")
    sync(edge)
    assert asked("What is the capital of Sweden?").route == "cache"  # an answer in its question's language is written back
    assert metric(edge, SKIPPED) == before + 2  # the repeat of the German question, not the English one
