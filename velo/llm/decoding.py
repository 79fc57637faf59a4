"""Token ids to text, one token at a time: UTF-8 safe, with OpenAI-style stop strings. Torch-free.

| piece | in | out | rule |
|---|---|---|---|
| `IncrementalDetokenizer` | one token id | the text it completes | decoded relative to the tokens before it (the prompt's last few first), so a leading space survives; bytes of an unfinished character are held back until it completes, and dropped if it never does (never shown as U+FFFD) |
| `StopMatcher` | text deltas | the text before the first stop string | a stop string may span tokens and deltas: text that could still begin one is held back; the stop string itself is never emitted |
| `TextDecoder` | one token id | text safe to send now | the two above plus end-of-sequence ids; `finish_reason` "stop" (stop token or string) or, after `finish()`, "length" |

    decoder = TextDecoder.for_tokenizer(tokenizer, prompt_ids, stop=[","], stop_ids={2})
    for token in tokens:                 # e.g. ShardedLLM.stream_ids
        send(decoder.push(token))
        if decoder.finish_reason:        # a stop string or token: stop generating
            break
    else:
        send(decoder.finish())           # max_tokens reached: what was held back, reason "length"

Incremental decoding re-decodes a short window instead of the whole answer, as vLLM's
`detokenize_incrementally` does (vllm/transformers_utils/detokenizer_utils.py): the text of
`window + token` minus the text of `window`, which holds for decoders that are prefix-stable at character
boundaries (byte-level BPE, SentencePiece) as long as `clean_up_tokenization_spaces` is off.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Literal

Decode = Callable[[Sequence[int]], str]
"""Token ids -> text, as `tokenizer.decode` (bytes that are no complete character come out as U+FFFD)."""

FinishReason = Literal["stop", "length"]

REPLACEMENT = "\ufffd"
CONTEXT_TOKENS = 6
"""Prompt tokens decoded ahead of the first generated one: enough for the decoder to see a word boundary."""


def tokenizer_decode(tokenizer: object) -> Decode:
    """`tokenizer.decode` (a transformers tokenizer) as incremental decoding needs it: special tokens
    skipped, and no clean-up of spaces, which would make the text of a window depend on what follows."""

    def decode(ids: Sequence[int]) -> str:
        return tokenizer.decode(list(ids), skip_special_tokens=True, clean_up_tokenization_spaces=False)  # type: ignore[attr-defined]

    return decode


class IncrementalDetokenizer:
    """The text of generated tokens, delta by delta, each delta made of complete characters only.

    `prompt_ids`: the tokens before the first generated one; the last `CONTEXT_TOKENS` of them are decoded
    as context (not emitted), so the first delta keeps the space a decoder drops at the start of a text.
    """

    def __init__(self, decode: Decode, prompt_ids: Sequence[int] = ()) -> None:
        self._decode = decode
        self._ids = list(prompt_ids[-CONTEXT_TOKENS:])
        self._start = 0
        """ids[_start:_done] were emitted (or are prompt context): the window the next delta is decoded after."""
        self._done = len(self._ids)

    def push(self, token_id: int) -> str:
        """The text `token_id` completes: "" while it ends inside a character."""
        self._ids.append(token_id)
        before = self._decode(self._ids[self._start : self._done])
        after = self._decode(self._ids[self._start :])
        if after.endswith(REPLACEMENT):
            return ""  # a character still needs bytes from the next token
        self._start, self._done = self._done, len(self._ids)
        # a U+FFFD inside the delta stands for bytes that never formed a character: not text
        return after[len(before) :].replace(REPLACEMENT, "")


class EmptyStopError(ValueError):
    """An empty stop string; `param` names the request field at fault, as `velo.llm.local.RequestTooLong`'s does
    (`services.llm.refused_prompt` reads it)."""

    param = "stop"


class StopMatcher:
    """Cuts a text, fed in deltas, before the first occurrence of any of `stops`.

    Raises ValueError (`EmptyStopError`) for an empty stop string (it would match before any text).
    """

    def __init__(self, stops: Iterable[str] = ()) -> None:
        self.stops = tuple(stops)
        if any(not stop for stop in self.stops):
            raise EmptyStopError("a stop string must not be empty")
        self.stopped = False
        self._held = ""

    def push(self, text: str) -> str:
        """The part of the text so far that is certainly before any stop string and not yet returned."""
        if self.stopped:
            return ""
        buffer = self._held + text
        hits = [at for at in (buffer.find(stop) for stop in self.stops) if at >= 0]
        if hits:
            self.stopped, self._held = True, ""
            return buffer[: min(hits)]
        keep = self._open_prefix(buffer)
        self._held = buffer[len(buffer) - keep :]
        return buffer[: len(buffer) - keep]

    def flush(self) -> str:
        """The text held back because it could have begun a stop string (the text has ended without one)."""
        held, self._held = self._held, ""
        return held

    def _open_prefix(self, buffer: str) -> int:
        """Length of the longest end of `buffer` that begins some stop string (and so must wait)."""
        longest = min(len(buffer), max((len(stop) - 1 for stop in self.stops), default=0))
        for size in range(longest, 0, -1):
            tail = buffer[-size:]
            if any(stop.startswith(tail) for stop in self.stops):
                return size
        return 0


class TextDecoder:
    """Generated token ids in, the text to send out: `IncrementalDetokenizer` + `StopMatcher` + stop ids.

    `stop_ids`: end-of-sequence ids; such a token ends the text (reason "stop") and adds none of its own.
    `tokens` counts every token pushed, the end-of-sequence one included (as `usage.completion_tokens`).
    """

    def __init__(self, decode: Decode, prompt_ids: Sequence[int] = (), stop: Iterable[str] = (), stop_ids: Collection[int] = ()) -> None:
        self._text = IncrementalDetokenizer(decode, prompt_ids)
        self._stops = StopMatcher(stop)
        self._stop_ids = frozenset(stop_ids)
        self.finish_reason: FinishReason | None = None
        self.tokens = 0

    @classmethod
    def for_tokenizer(cls, tokenizer: object, prompt_ids: Sequence[int] = (), stop: Iterable[str] = (), stop_ids: Collection[int] = ()) -> TextDecoder:
        return cls(tokenizer_decode(tokenizer), prompt_ids, stop, stop_ids)

    def push(self, token_id: int) -> str:
        """The text that is safe to send after this token. Raises RuntimeError once the text has finished."""
        if self.finish_reason is not None:
            raise RuntimeError(f"the text has finished ({self.finish_reason}); generate no more tokens")
        self.tokens += 1
        if token_id in self._stop_ids:
            self.finish_reason = "stop"
            return self._stops.flush()  # the held-back text began no stop string after all
        text = self._stops.push(self._text.push(token_id))
        if self._stops.stopped:
            self.finish_reason = "stop"
        return text

    def finish(self) -> str:
        """End of the tokens without a stop (max_tokens reached): the text held back for a possible stop
        string; bytes of an unfinished character are dropped. Sets `finish_reason` "length" if unset."""
        if self.finish_reason is not None:
            return ""
        self.finish_reason = "length"
        return self._stops.flush()


def decode_text(decode: Decode, prompt_ids: Sequence[int], token_ids: Iterable[int], stop_ids: Collection[int] = ()) -> str:
    """The whole text of `token_ids` after `prompt_ids`, by the same rules as a stream of `TextDecoder` deltas."""
    decoder = TextDecoder(decode, prompt_ids, stop_ids=stop_ids)
    parts = []
    for token in token_ids:
        parts.append(decoder.push(token))
        if decoder.finish_reason is not None:
            break
    parts.append(decoder.finish())
    return "".join(parts)
