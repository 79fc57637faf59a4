"""An answer that ends in a loop is relayed but not written back (svc40 item 7: `velo demo`'s stand-in cloud, the same
SmolLM2-135M as here, answers some of its look-alikes with a loop cut by `max_tokens`, and the demo's edge, writing cut
answers back as this stack's does, cached them and served them to the repeat)."""

from __future__ import annotations

from openai import OpenAI

from tests.services.servers import Running, metric, sync
from velo.text_loops import degenerate_repetition

SKIPPED = 'velo_write_backs_skipped_total{reason="repetition"}'


def test_a_looping_answer_is_not_cached(oai: OpenAI, edge: Running) -> None:
    question = "Какая столица Австрии?"  # one of `velo demo`'s look-alikes

    def asked():  # noqa: ANN202 - the parsed completion
        return oai.chat.completions.create(model="velo", messages=[{"role": "user", "content": question}], max_tokens=48)  # the demo's

    before = metric(edge, SKIPPED)
    first = asked()
    answer = first.choices[0].message.content
    assert first.route == "cloud" and degenerate_repetition(answer) is not None, answer  # "Австрии, как обёха, это обёха, ..."
    sync(edge)
    assert metric(edge, SKIPPED) == before + 1
    again = asked()
    assert again.route == "cloud" and again.choices[0].message.content == answer, again  # was "cache" at similarity 1.0


def test_an_answer_that_says_its_question_again_is_not_cached(oai: OpenAI, edge: Running) -> None:
    """nc46: the stand-in cloud answers "Какая столица Японии?" with "Какой столица Японии?", which was cached and
    served to the rewording."""
    skipped = 'velo_write_backs_skipped_total{reason="echo"}'
    question = "Какая столица Японии?"
    before = metric(edge, skipped)
    first = oai.chat.completions.create(model="velo", messages=[{"role": "user", "content": question}], max_tokens=48)
    assert first.route == "cloud" and first.choices[0].message.content == "Какой столица Японии?", first
    sync(edge)
    assert metric(edge, skipped) == before + 1
    again = oai.chat.completions.create(model="velo", messages=[{"role": "user", "content": question}], max_tokens=48)
    assert again.route == "cloud", again
