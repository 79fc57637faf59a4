"""The checks a request or an entry passes before the cache embeds, searches or writes anything: its namespace, its
language code (`check_lang`, against `lang_codes`), its conversation context and its texts; `CacheInputError` for what
they refuse. `velo.cache.semantic_cache.SemanticCache` calls them, and so do the services and `velo.cache.evaluation`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from velo.cache.keys import context_key
from velo.cache.lang_codes import ISO_639_1, LANGUAGE_CODES, SCRIPTS, script_of
from velo.control_chars import CONTROL_RULE, control_character
from velo.lang_id import UNDETERMINED
from velo.types import LANGUAGES

_NAMESPACE = re.compile(r"[A-Za-z0-9_-]{1,64}")
_LANG = re.compile(r"(?P<primary>[a-z]{2,3})(?:-(?P<script>[a-z]{4}))?(?:-(?P<region>[a-z]{2}|[0-9]{3}))?")
"""BCP 47 language[-script][-region] (RFC 5646 2.1); extended language subtags ("zh-yue") and variants are not taken."""


class CacheInputError(ValueError):
    """A request or entry the cache refuses; nothing was written."""


def check_namespace(namespace: str) -> str:
    if not isinstance(namespace, str) or not _NAMESPACE.fullmatch(namespace):
        raise CacheInputError(f"namespace {namespace!r} must be 1-64 characters of A-Z a-z 0-9 _ -")
    return namespace


def check_lang(lang: object, what: str = "language code") -> str:
    """An ISO 639-1 code or "und" (BCP 47's undetermined, what the edge server writes back for a request
    without a language), optionally with a region or script subtag ("en", "pt-BR", "zh-Hant"); compared
    lower-cased ("EN" finds entries stored as "en") on the primary subtag and, for Chinese, the script
    (`primary_language`; the code is stored as given, lower-cased). Anything else (a word, "xx", "en_US", a script
    Chinese is not written in here, "zh-Latn") is a `CacheInputError` naming `what` and the allowed codes."""
    match = _LANG.fullmatch(lang.lower()) if isinstance(lang, str) else None
    if match is None or match["primary"] not in LANGUAGE_CODES:
        raise CacheInputError(
            f"{what} ({lang!r}) is not a language code: an ISO 639-1 code of two letters ({', '.join(LANGUAGES)}, "
            f"or any other of the {len(ISO_639_1)} in velo/cache/lang_codes.py) or 'und' (undetermined), "
            f"optionally with a script and a region (BCP 47 language[-script][-region]) like 'pt-BR', 'zh-Hant' or "
            f"'zh-Hant-TW'; Cantonese is 'zh-HK' or 'zh-Hant-HK'"
        )
    if match["primary"] == UNDETERMINED and (match["script"] or match["region"]):
        raise CacheInputError(
            f"{what} ({lang!r}): 'und' (undetermined) takes no subtag; name the language instead (e.g. 'zh-Hant' for "
            f"Traditional Chinese), or send 'und' alone"
        )
    scripts = SCRIPTS.get(match["primary"], ())
    if match["script"] and not scripts:
        raise CacheInputError(
            f"{what} ({lang!r}): {match['primary']!r} is written in one script here, so a script subtag tells nothing; "
            f"drop it ('{match['primary']}' or '{match['primary']}-' and a region)"
        )
    if scripts and script_of(lang.lower()) not in scripts:
        raise CacheInputError(
            f"{what} ({lang!r}): {match['primary']!r} is told apart by script, and its scripts are "
            f"{', '.join(s.title() for s in scripts)} (e.g. '{match['primary']}-{scripts[-1].title()}'), or a region"
        )
    return lang.lower()


def check_context(context: object, what: str = "context") -> list[str]:
    """A conversation's earlier user turns: a list (or tuple) of strings. A string alone is refused (it would be
    read as one turn per character), as is a turn that is not a string or not valid Unicode."""
    _require_list(context, what, "of the conversation's earlier user turns (strings)", single="turn")
    for j, turn in enumerate(context):
        if not isinstance(turn, str):
            raise CacheInputError(f"{what} turn #{j} must be a string, got {type(turn).__name__}")
        check_unicode(turn, f"{what} turn #{j}")
        check_asked(turn, f"{what} turn #{j}")
    return list(context)


def _require_list(value: object, what: str, of: str, *, kinds: tuple[type, ...] = (list, tuple), single: str | None = None) -> None:
    """CacheInputError unless `value` is one of `kinds`: a string (or bytes) is refused, as iterating it would read one
    item per character; `single` names the item a lone string probably was ("wrap a single turn in a list")."""
    if isinstance(value, (str, bytes)) or not isinstance(value, kinds):
        hint = f" (wrap a single {single} in a list)" if single and isinstance(value, str) else ""
        raise CacheInputError(f"{what} must be a list {of}, got {type(value).__name__}{hint}")


MAX_VARCHAR_BYTES = 65535
"""The longest question or answer Milvus stores, in UTF-8 bytes (its VARCHAR `max_length`)."""


def check_length(value: str, what: str, max_chars: int) -> str:
    """`value` if the cache can hold it: at most `max_chars` characters (`CacheConfig.max_chars`) and
    `MAX_VARCHAR_BYTES` bytes; else `CacheInputError` naming `what`."""
    if len(value) > max_chars or len(value.encode("utf-8", "surrogatepass")) > MAX_VARCHAR_BYTES:
        raise CacheInputError(f"{what} has {len(value)} characters; the cache accepts at most {max_chars}")
    return value


def check_unicode(value: str, what: str) -> str:
    """`value` if it can be stored as UTF-8; a lone surrogate (half of a UTF-16 pair) cannot."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CacheInputError(
            f"{what} is not valid Unicode text: a lone surrogate {value[exc.start]!r} at character {exc.start}"
        ) from None
    return value


def check_asked(value: str, what: str) -> str:
    """`value` if it can be asked: a question or context turn with no control character but tab, line feed and carriage
    return (`velo.control_chars`, the services' rule for every request text), else `CacheInputError` naming it and the
    character's position. A NUL in a question had been embedded, stored and served (issue 8): milvus-lite keeps it, so
    nothing was cut, but the entry showed as a question it was not. Answers are stored as the LLM wrote them."""
    if (control := control_character(value)) is not None:
        raise CacheInputError(f"{what} holds {control}: {CONTROL_RULE}")
    return value


def _check_guesses(guesses: Sequence[str | None] | None, questions: Sequence[str] | None) -> list[str | None] | None:
    """`guesses` checked (one language code or None per question), or `CacheInputError` naming the bad one."""
    if guesses is None:
        return None
    _require_list(guesses, "guesses", "with one language code (or None) per question", single="language code")
    if questions is None or len(guesses) != len(questions):
        raise CacheInputError(f"{0 if questions is None else len(questions)} questions need as many guesses, got {len(guesses)}")
    checked = [None if g is None else check_lang(g, f"guess #{i}") for i, g in enumerate(guesses)]
    if UNDETERMINED in checked:
        raise CacheInputError(f"guess #{checked.index(UNDETERMINED)} is 'und': a best guess names a language (None: not identified)")
    return checked


def _check_requests(
    contexts: Sequence[Sequence[str]] | None, langs: Sequence[str | None] | None, n: int
) -> tuple[list[str], list[str | None]]:
    """Each of `n` requests' context key and checked language (None: any), or `CacheInputError` naming the bad one."""
    keys = [context_key(c) for c in _check_contexts(contexts, n, "requests")]
    if langs is not None:
        _require_list(langs, "langs", "with one language code (or None) per request", single="language code")
    langs = list(langs) if langs is not None else [None] * n
    if len(langs) != n:
        raise CacheInputError(f"{n} requests need as many contexts and languages")
    return keys, [None if lang is None else check_lang(lang, "lang" if n == 1 else f"lang #{i}") for i, lang in enumerate(langs)]


def _check_contexts(contexts: Sequence[Sequence[str]] | None, n: int, what: str) -> list[list[str]]:
    """One context per item or request (none given: every one a first turn), each checked by `check_context`."""
    if contexts is None:
        return [[] for _ in range(n)]
    _require_list(contexts, "contexts", "with one context per item")
    if len(contexts) != n:
        raise CacheInputError(f"{n} {what} but {len(contexts)} contexts")
    return [check_context(c, "context" if n == 1 else f"context #{i}") for i, c in enumerate(contexts)]


__all__ = ["CacheInputError", "check_asked", "check_context", "check_lang", "check_namespace", "check_unicode"]
