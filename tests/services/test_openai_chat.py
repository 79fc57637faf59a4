"""`services.openai_chat.chat_turns`: what a chat request must hold, each refusal saying which."""

from __future__ import annotations

import pytest

from services.openai_chat import chat_turns, completion_prompt
from velo.wire import APIError, ChatCompletionRequest, CompletionRequest


def _request(*messages: dict) -> ChatCompletionRequest:
    return ChatCompletionRequest.model_validate({"model": "velo", "messages": list(messages)})


@pytest.mark.parametrize("content", [
    "", "   \n", "\u200b\u200b", "\ufeff", " \u200d ",  # invisible format characters too (nc40)
    "\u3164", "\u115f", "\u1160", "\uffa0", "\u2800", "\ufe0f", "\u034f", "\u17b4", "\u0301", " \u3164\ufe0f ",  # nc41
])
def test_an_empty_question_is_called_empty(content: str) -> None:
    """It used to get "the last message must be a user message with the question", which it was."""
    with pytest.raises(APIError) as caught:
        chat_turns(_request({"role": "system", "content": "Be brief."}, {"role": "user", "content": content}))
    assert caught.value.status == 400 and caught.value.param == "messages[1]"
    assert "the question is empty" in caught.value.message


@pytest.mark.parametrize("prompt", ["", "   \n", "\u200b\u200b", "\ufeff", "\u3164", "\u2800", "\ufe0f"])
def test_an_empty_completion_prompt_is_refused_naming_prompt(prompt: str) -> None:
    """The completions route asks its prompt as a question: one of only invisible characters is as empty as the chat
    route's (`velo.control_chars.blank`)."""
    with pytest.raises(APIError) as caught:
        completion_prompt(CompletionRequest.model_validate({"model": "velo", "prompt": prompt}))
    assert caught.value.status == 400 and caught.value.param == "prompt" and "non-empty" in caught.value.message


def test_a_last_turn_that_is_not_the_users_is_named() -> None:
    with pytest.raises(APIError) as caught:
        chat_turns(_request({"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}))
    assert caught.value.param == "messages[1]" and "must be a user message" in caught.value.message


def test_a_user_question_is_a_turn() -> None:
    assert chat_turns(_request({"role": "user", "content": "Hi"}))[-1] == {"role": "user", "content": "Hi"}


@pytest.mark.parametrize("content", ["e\u0301", "\u2764\ufe0f", "\ud55c\uad6d", "\u3164a", "\u2801"])
def test_a_question_that_shows_something_is_asked(content: str) -> None:
    """A mark on a letter, an emoji with its variation selector, Hangul syllables, a filler beside a letter and a braille
    dot are text: only the invisible alone is empty."""
    assert chat_turns(_request({"role": "user", "content": content}))[-1]["content"] == content
