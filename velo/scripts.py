"""Languages written in more than one script, and which script a text is written in.

A reader of one script wants an answer in it: Traditional and Simplified Chinese, Serbian in Cyrillic or Latin letters
are each one language (one ISO 639-1 code) whose readers read the other script slowly if at all. The cache tells these
scripts apart (`velo.cache.lang_codes.script_of`) and the edge's language identification adds the script it sees
(`velo.lang_id`).
"""

from __future__ import annotations

import unicodedata

from velo.zh_script import chinese_script

SCRIPTS: dict[str, tuple[str, ...]] = {
    "zh": ("hans", "hant"),
    "sr": ("cyrl", "latn"),
    "bs": ("latn", "cyrl"),
    "uz": ("latn", "cyrl", "arab"),
    "az": ("latn", "cyrl", "arab"),
    "pa": ("guru", "arab"),
    "mn": ("cyrl", "mong"),
    "ms": ("latn", "arab"),
    "ku": ("latn", "arab"),
}
"""The script subtags (ISO 15924, lower-cased) of each language written in several, its default first: the script CLDR's
likely subtags give the bare code (zh -> zh-Hans, sr -> sr-Cyrl, pa -> pa-Guru, ...)."""

REGION_SCRIPTS: dict[str, dict[str, str]] = {
    "zh": {"tw": "hant", "hk": "hant", "mo": "hant"},
    "sr": {"me": "latn"},
    "uz": {"af": "arab"},
    "az": {"ir": "arab"},
    "pa": {"pk": "arab"},
    "mn": {"cn": "mong"},
}
"""Regions whose likely script is not the language's default (CLDR likely subtags: zh-TW -> zh-Hant-TW, sr-ME ->
sr-Latn-ME, uz-AF -> uz-Arab-AF, az-IR -> az-Arab-IR, pa-PK -> pa-Arab-PK, mn-CN -> mn-Mong-CN)."""

_LETTER_PREFIXES = {"latn": "LATIN", "cyrl": "CYRILLIC", "arab": "ARABIC", "guru": "GURMUKHI", "mong": "MONGOLIAN"}


def written_script(text: str, lang: str) -> str | None:
    """The script of `SCRIPTS[lang]` most of `text`'s letters are written in ("hant" for "長城有多長？" in zh, "latn" for
    "Koji je glavni grad Srbije?" in sr), None for a language of one script or when no letter tells (Chinese written
    alike in both scripts: `velo.zh_script.chinese_script`)."""
    scripts = SCRIPTS.get(lang)
    if not scripts:
        return None
    if lang == "zh":
        return chinese_script(text)
    counts = dict.fromkeys(scripts, 0)
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            for script in scripts:
                if name.startswith(_LETTER_PREFIXES[script]):
                    counts[script] += 1
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else None
