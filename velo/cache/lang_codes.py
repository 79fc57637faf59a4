"""The language codes the cache accepts as the `lang` of an entry or a request: ISO 639-1 (two letters) or "und",
as BCP 47 language[-script][-region] tags (`velo.cache.input_checks.check_lang`), and what a checked code is matched on
(`primary_language`, `lang_key`; as a Milvus filter, `_lang_filter`).

Source: ISO 639-1 as maintained by the Library of Congress (184 codes; the deprecated "iw", "in", "ji" and
"jw" are left out: their current codes are "he", "id", "yi", "jv").
"""

from __future__ import annotations

from velo.scripts import REGION_SCRIPTS, SCRIPTS

ISO_639_1 = frozenset(
    """aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el
    en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja
    jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd
    ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss
    st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu""".split()
)
LANGUAGE_CODES = ISO_639_1 | {"und"}
"""What a `lang` may start with: ISO 639-1, or BCP 47's "und" (undetermined: a request that names no language)."""


def subtags(code: str) -> tuple[str, str | None, str | None]:
    """(language, script, region) of a lower-cased BCP 47 tag of the form language[-script][-region] ("zh-hant-tw" ->
    ("zh", "hant", "tw"), "es-419" -> ("es", None, "419")); the caller has checked the form (`check_lang`)."""
    primary, *rest = code.split("-")
    script = next((s for s in rest if len(s) == 4), None)
    region = next((s for s in rest if len(s) != 4), None)
    return primary, script, region


def script_of(code: str) -> str | None:
    """The script of a lower-cased code as the cache compares it: for a language written in several
    (`velo.scripts.SCRIPTS`: a reader of one script wants an answer in it), its script subtag, else the
    one its region implies (`velo.scripts.REGION_SCRIPTS`), else the language's default ("zh-hant", "zh-tw",
    "zh-hant-tw" -> "hant"; "zh", "zh-cn", "zh-hans", "zh-hans-tw" -> "hans"; "sr-latn", "sr-me" -> "latn"); None for
    other languages (their scripts are not told apart)."""
    primary, script, region = subtags(code)
    if primary not in SCRIPTS:
        return None
    if script is not None:
        return script
    return REGION_SCRIPTS.get(primary, {}).get(region or "", SCRIPTS[primary][0])


def codes_of_script(primary: str, script: str) -> tuple[frozenset[str], bool]:
    """The stored codes of `primary` with no script subtag whose script is `script` (those with one say it: `primary-script`
    or `primary-script-region`): (the codes named, whether every other code of `primary` without a script subtag -- bare,
    or with a region of the default script -- is of it too)."""
    named = {f"{primary}-{script}"} | {f"{primary}-{r}" for r, s in REGION_SCRIPTS.get(primary, {}).items() if s == script}
    return frozenset(named), script == SCRIPTS[primary][0]


def lang_key(lang: str) -> str:
    """What a checked code is told apart by (lower-cased): its primary subtag, with the script for a language written in
    several (`lang_codes.script_of`): "en-US" and "en-GB" -> "en", "zh", "zh-CN", "zh-SG" -> "zh-hans", "zh-TW", "zh-Hant"
    -> "zh-hant", "und" -> "und". Two entries of one question are one entry iff their keys are equal (`entry_id`)."""
    primary, script = primary_language(lang.lower()), script_of(lang.lower())
    return f"{primary}-{script}" if script else primary


def primary_language(lang: str) -> str:
    """The primary language subtag of a checked code ("en-us" -> "en", "zh-hant" -> "zh"): what a lookup's language
    is matched on, with the script for a language written in several (`lang_codes.SCRIPTS`). BCP 47 / RFC 4647 basic
    filtering: a request in "en-US" finds entries stored as "en", "en-GB" or "en-US", and a request in "en" finds them
    all. Regions are not told apart; scripts are (`lang_codes.script_of`): "zh-Hant" and "zh-TW" find Traditional
    entries only, "zh", "zh-Hans" and "zh-CN" Simplified ones only (a reader of one script wants an answer in it)."""
    return lang.split("-", 1)[0]


def _lang_filter(lang: str) -> str:
    """The Milvus filter of the entries a request in `lang` (checked) may be served: `primary_language`, and the same
    script for a language of `SCRIPTS`: a stored code with a script subtag says it (`zh-hant`, `zh-hant-tw`), one
    without has its region's or the default (`codes_of_script` lists the regions that are not the default's)."""
    primary, script = primary_language(lang), script_of(lang)
    if script is None:
        return f'(lang == "{primary}" or lang like "{primary}-%")'
    named, default = codes_of_script(primary, script)
    if not default:
        return f'(lang in {_milvus_list(named)} or lang like "{primary}-{script}-%")'
    other_scripts = [s for s in SCRIPTS[primary] if s != script]
    others = {c for s in other_scripts for c in codes_of_script(primary, s)[0]}
    unlike = "".join(f' and not (lang like "{primary}-{s}-%")' for s in other_scripts)
    return f'(lang == "{primary}" or (lang like "{primary}-%" and lang not in {_milvus_list(others)}{unlike}))'


def _milvus_list(codes: frozenset[str] | set[str]) -> str:
    return "[" + ", ".join(f'"{c}"' for c in sorted(codes)) + "]"
