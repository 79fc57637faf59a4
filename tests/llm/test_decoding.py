"""Incremental detokenization and stop strings against hand-built tokenizers (no model, no torch).

`BYTES` is a byte-level vocabulary, as SmolLM2's BPE: a token is a few UTF-8 bytes, so a character may
span tokens. `sentencepiece_decode` drops the space at the start of a text, as SentencePiece decoders do.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from velo.llm.decoding import IncrementalDetokenizer, StopMatcher, TextDecoder, decode_text

SMILE = "🙂".encode()  # f0 9f 99 82
BYTES: list[bytes] = [
    b" Paris", b".", b"\n", b" 5", b",", b" 6", SMILE[:2], SMILE[2:], "你".encode()[:1], "你".encode()[1:],
    b"1", b"END", b"\xff", b"a", b" 4", b"</", b"s>", b"<", b"stop", b">", b"x",
]  # fmt: skip
ID = {token: i for i, token in enumerate(BYTES)}
EOS = 99


def byte_decode(ids: Sequence[int]) -> str:
    return b"".join(BYTES[i] for i in ids if i != EOS).decode("utf-8", errors="replace")


def sentencepiece_decode(ids: Sequence[int]) -> str:
    return byte_decode(ids).removeprefix(" ")


def ids(*tokens: bytes) -> list[int]:
    return [ID[t] for t in tokens]


def stream(decoder: TextDecoder, tokens: Sequence[int]) -> list[str]:
    """Every delta the decoder gives for `tokens`, then its finish() if no stop came first."""
    out = []
    for token in tokens:
        out.append(decoder.push(token))
        if decoder.finish_reason:
            return out
    out.append(decoder.finish())
    return out


# --- incremental detokenization -----------------------------------------------------------------------


def test_a_leading_space_survives_even_where_the_decoder_drops_it_at_the_start() -> None:
    for decode in (byte_decode, sentencepiece_decode):
        detok = IncrementalDetokenizer(decode, prompt_ids=ids(b"1", b","))
        assert [detok.push(t) for t in ids(b" Paris", b".", b"\n", b"\n")] == [" Paris", ".", "\n", "\n"]
    assert sentencepiece_decode(ids(b" Paris")) == "Paris"  # what decoding the answer alone would give


def test_a_character_split_over_tokens_comes_out_whole_once_complete() -> None:
    detok = IncrementalDetokenizer(byte_decode, prompt_ids=ids(b"a"))
    assert [detok.push(t) for t in ids(SMILE[:2], SMILE[2:], b"a")] == ["", "🙂", "a"]
    assert [detok.push(t) for t in ids("你".encode()[:1], "你".encode()[1:])] == ["", "你"]


def test_bytes_that_never_form_a_character_are_dropped_not_shown_as_replacement() -> None:
    detok = IncrementalDetokenizer(byte_decode, prompt_ids=ids(b"a"))
    assert [detok.push(t) for t in ids(b"\xff", b"a", SMILE[:2], b"x")] == ["", "a", "", "x"]


def test_deltas_add_up_to_the_decoded_text_and_the_prompt_is_not_emitted() -> None:
    prompt = ids(b"1", b",", b" 4", b",")
    answer = ids(b" 5", b",", b" 6", SMILE[:2], SMILE[2:], b".")
    detok = IncrementalDetokenizer(byte_decode, prompt)
    assert "".join(detok.push(t) for t in answer) == byte_decode(answer) == " 5, 6🙂."


# --- stop strings ---------------------------------------------------------------------------------------


def test_stop_string_within_one_delta_cuts_before_it() -> None:
    stops = StopMatcher([","])
    assert stops.push(" 5, 6") == " 5" and stops.stopped
    assert stops.push("more") == ""


def test_stop_string_split_across_deltas_is_held_back_and_never_emitted() -> None:
    stops = StopMatcher(["</s>"])
    assert [stops.push(t) for t in ["a <", "/", "s", ">tail"]] == ["a ", "", "", ""]
    assert stops.stopped


def test_held_text_that_turns_out_not_to_stop_is_released() -> None:
    stops = StopMatcher(["</s>"])
    assert [stops.push(t) for t in ["a <", "/x"]] == ["a ", "</x"]
    assert stops.push("</") == "" and stops.flush() == "</" and not stops.stopped


def test_the_earliest_of_several_stop_strings_wins() -> None:
    stops = StopMatcher(["world", "lo"])
    assert stops.push("hello world") == "hel"


def test_an_empty_stop_string_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        StopMatcher(["ok", ""])


# --- the two together ---------------------------------------------------------------------------------


def test_counting_stops_at_the_first_comma_with_reason_stop() -> None:
    decoder = TextDecoder(byte_decode, ids(b"1", b","), stop=[","], stop_ids={EOS})
    assert "".join(stream(decoder, ids(b" 5", b",", b" 6", b","))) == " 5"
    assert decoder.finish_reason == "stop" and decoder.tokens == 2


def test_a_stop_string_spanning_tokens() -> None:
    decoder = TextDecoder(byte_decode, ids(b"a"), stop=["<stop>"])
    assert stream(decoder, ids(b" 5", b"<", b"stop", b">", b"x")) == [" 5", "", "", ""]
    assert decoder.finish_reason == "stop" and decoder.tokens == 4


def test_max_tokens_inside_a_character_drops_its_bytes_with_reason_length() -> None:
    decoder = TextDecoder(byte_decode, ids(b"a"), stop_ids={EOS})
    assert stream(decoder, ids(b" 5", SMILE[:2])) == [" 5", "", ""]
    assert decoder.finish_reason == "length"


def test_end_of_sequence_releases_held_text_and_adds_none() -> None:
    decoder = TextDecoder(byte_decode, ids(b"a"), stop=["</s>"], stop_ids={EOS})
    assert stream(decoder, [*ids(b" 5", b"</"), EOS]) == [" 5", "", "</"]
    assert decoder.finish_reason == "stop" and decoder.tokens == 3
    with pytest.raises(RuntimeError, match="finished"):
        decoder.push(ID[b"a"])


def test_decode_text_is_the_joined_stream() -> None:
    tokens = [*ids(b" 5", SMILE[:2], SMILE[2:], b"\n", SMILE[:2]), EOS]
    assert decode_text(byte_decode, ids(b"a"), tokens, {EOS}) == " 5🙂\n"
    assert decode_text(byte_decode, ids(b"a"), ids(b" 5", SMILE[:2])) == " 5"
