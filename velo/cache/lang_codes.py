"""The language codes the cache accepts as the `lang` of an entry or a request: ISO 639-1 (two letters) or "und",
as BCP 47 language[-script][-region] tags (`velo.cache.semantic_cache.check_lang`).

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
