"""The language codes the cache accepts as the `lang` of an entry or a request: ISO 639-1 (two letters) or "und".

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


def script_of(code: str) -> str | None:
    """The script of a lower-cased code as the cache compares it: for a language written in several
    (`velo.scripts.SCRIPTS`: a reader of one script wants an answer in it), its script subtag, else the
    one its region implies (`velo.scripts.REGION_SCRIPTS`), else the language's default ("zh-hant", "zh-tw" -> "hant";
    "zh", "zh-cn", "zh-hans" -> "hans"; "sr-latn", "sr-me" -> "latn"); None for other languages (their scripts are not
    told apart)."""
    primary, _, sub = code.partition("-")
    if primary not in SCRIPTS:
        return None
    if len(sub) == 4:
        return sub
    return REGION_SCRIPTS.get(primary, {}).get(sub, SCRIPTS[primary][0])


def codes_of_script(primary: str, script: str) -> tuple[frozenset[str], bool]:
    """The stored codes (one subtag at most, lower-cased) of `primary` whose script is `script`: (the codes named, whether
    every other code of `primary` -- bare, or with a region of the default script -- is of it too)."""
    named = {f"{primary}-{script}"} | {f"{primary}-{r}" for r, s in REGION_SCRIPTS.get(primary, {}).items() if s == script}
    return frozenset(named), script == SCRIPTS[primary][0]
