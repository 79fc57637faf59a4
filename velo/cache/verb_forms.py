"""Two forms of one verb: "wrote" / "write", "invented" / "invent", "schrieb" / "geschrieben", "escribió" / "escrito",
"написал" / "писал".

A negation is often put in with another form of the verb: English with "do" ("Who wrote Hamlet?" / "Who did not write
Hamlet?"), a perfect beside a simple past ("Wer schrieb Hamlet?" / "Wer hat Hamlet nicht geschrieben?", "¿Quién escribió
Hamlet?" / "¿Quién no ha escrito Hamlet?"), Russian with the imperfective ("Кто написал Гамлета?" / "Кто не писал
Гамлета?"). The two verbs' stems differ, so `velo.cache.negation` saw another content word beside the negation and left
the pair to the model (newcomer nc32: served at 0.959-0.969 by rule format 30 with the answer "the answer to
{cached}"). `same_verb` tells such forms of one verb apart from two verbs; `AUXILIARIES` are the verbs that make the
other form, which say nothing of their own. Chinese marks no form (谁写了 / 谁没写: 了 is a function word).

Forms are read from tables of irregular verbs (English, German strong verbs, Spanish participles) and from regular
endings; a word of fewer than three letters is never read as a form of another.
"""

from __future__ import annotations

from velo.cache.text import fold

_EN_IRREGULAR = """
    arise arose arisen; be was were been; bear bore born borne; beat beat beaten; become became become; begin began
    begun; bend bent bent; bet bet bet; bind bound bound; bite bit bitten; bleed bled bled; blow blew blown; break broke
    broken; breed bred bred; bring brought brought; build built built; burn burnt burnt; buy bought bought; catch caught
    caught; choose chose chosen; come came come; cost cost cost; creep crept crept; cut cut cut; deal dealt dealt; dig
    dug dug; do did done; draw drew drawn; dream dreamt dreamt; drink drank drunk; drive drove driven; eat ate eaten; fall
    fell fallen; feed fed fed; feel felt felt; fight fought fought; find found found; flee fled fled; fly flew flown;
    forbid forbade forbidden; forget forgot forgotten; forgive forgave forgiven; freeze froze frozen; get got gotten;
    give gave given; go went gone; grind ground ground; grow grew grown; hang hung hung; have had had; hear heard heard;
    hide hid hidden; hit hit hit; hold held held; hurt hurt hurt; keep kept kept; know knew known; lay laid laid; lead
    led led; leave left left; lend lent lent; let let let; lie lay lain; light lit lit; lose lost lost; make made made;
    mean meant meant; meet met met; pay paid paid; put put put; quit quit quit; read read read; ride rode ridden; ring
    rang rung; rise rose risen; run ran run; say said said; see saw seen; seek sought sought; sell sold sold; send sent
    sent; set set set; shake shook shaken; shine shone shone; shoot shot shot; show showed shown; shrink shrank shrunk;
    shut shut shut; sing sang sung; sink sank sunk; sit sat sat; sleep slept slept; slide slid slid; speak spoke spoken;
    spend spent spent; spin spun spun; split split split; spread spread spread; stand stood stood; steal stole stolen;
    stick stuck stuck; sting stung stung; strike struck struck; swear swore sworn; sweep swept swept; swim swam swum;
    swing swung swung; take took taken; teach taught taught; tear tore torn; tell told told; think thought thought;
    throw threw thrown; understand understood understood; wake woke woken; wear wore worn; weep wept wept; win won won;
    wind wound wound; withdraw withdrew withdrawn; write wrote written
"""
"""English irregular verbs: base, past, participle (a few with two pasts or participles)."""

DE_STRONG = """
    backen buk gebacken; beginnen begann begonnen; beißen biss gebissen; bieten bot geboten; binden band gebunden;
    bitten bat gebeten; bleiben blieb geblieben; braten briet gebraten; brechen brach gebrochen; brennen brannte
    gebrannt; bringen brachte gebracht; denken dachte gedacht; empfehlen empfahl empfohlen; erfinden erfand erfunden;
    essen aß gegessen; fahren fuhr gefahren; fallen fiel gefallen; fangen fing gefangen; finden fand gefunden; fliegen
    flog geflogen; fliehen floh geflohen; fließen floss geflossen; fressen fraß gefressen; frieren fror gefroren; geben
    gab gegeben; gehen ging gegangen; gelingen gelang gelungen; gelten galt gegolten; genießen genoss genossen; geschehen
    geschah geschehen; gewinnen gewann gewonnen; gießen goss gegossen; graben grub gegraben; greifen griff gegriffen;
    halten hielt gehalten; hängen hing gehangen; heben hob gehoben; heißen hieß geheißen; helfen half geholfen; kennen
    kannte gekannt; kommen kam gekommen; laden lud geladen; lassen ließ gelassen; laufen lief gelaufen; leiden litt
    gelitten; leihen lieh geliehen; lesen las gelesen; liegen lag gelegen; lügen log gelogen; meiden mied gemieden;
    messen maß gemessen; nehmen nahm genommen; nennen nannte genannt; raten riet geraten; reiten ritt geritten; rennen
    rannte gerannt; riechen roch gerochen; rufen rief gerufen; schaffen schuf geschaffen; scheinen schien geschienen;
    schieben schob geschoben; schießen schoss geschossen; schlafen schlief geschlafen; schlagen schlug geschlagen;
    schließen schloss geschlossen; schneiden schnitt geschnitten; schreiben schrieb geschrieben; schreien schrie
    geschrien; schweigen schwieg geschwiegen; schwimmen schwamm geschwommen; sehen sah gesehen; senden sandte gesandt;
    singen sang gesungen; sinken sank gesunken; sitzen saß gesessen; sprechen sprach gesprochen; springen sprang
    gesprungen; stechen stach gestochen; stehen stand gestanden; stehlen stahl gestohlen; steigen stieg gestiegen;
    sterben starb gestorben; stoßen stieß gestoßen; streiten stritt gestritten; tragen trug getragen; treffen traf
    getroffen; treiben trieb getrieben; treten trat getreten; trinken trank getrunken; tun tat getan; verbieten verbot
    verboten; vergessen vergaß vergessen; verlieren verlor verloren; verschwinden verschwand verschwunden; wachsen wuchs
    gewachsen; waschen wusch gewaschen; werfen warf geworfen; wissen wusste gewusst; ziehen zog gezogen; zwingen zwang
    gezwungen; entdecken entdeckte entdeckt; besiegen besiegte besiegt; gründen gründete gegründet
"""
"""German strong and mixed verbs (and a few weak ones whose participle has no "ge-" or an "-et"): infinitive, past,
participle, folded by `_forms` ("aß" is "ass"); `verb_tenses` reads its pasts and participles too."""

_ES_PARTICIPLES = """
    escribir escrito; hacer hecho; decir dicho; ver visto; poner puesto; descubrir descubierto; abrir abierto; morir
    muerto; volver vuelto; romper roto; resolver resuelto; cubrir cubierto; imprimir impreso; componer compuesto;
    proponer propuesto; suponer supuesto; devolver devuelto; describir descrito; inscribir inscrito; satisfacer
    satisfecho; deshacer deshecho
"""
"""Spanish irregular participles with their infinitives (folded)."""

_RU_PREFIXES = ("пере", "при", "про", "раз", "рас", "вы", "за", "на", "по", "до", "от", "об", "из", "ис", "под", "над", "с", "у", "о")
"""Russian prefixes that make a verb perfective ("написал" / "писал", "сделал" / "делал", "прочитал" / "читал")."""

AUXILIARIES = frozenset(
    """did does do has have had hat haben habe hast habt hatte hatten ist sind bin bist war waren wurde wurden
    ha han he has hemos habeis habia habian hube hubo""".split()
)
"""Auxiliaries of the other form (folded: "había" is "habia"): English "do" and "have", German "haben" and "sein",
Spanish "haber". They stand beside the verb's other form and ask nothing of their own."""


def _table(source: str) -> dict[str, str]:
    """Each form of a table (`_EN_IRREGULAR`, `DE_STRONG`, `_ES_PARTICIPLES`) -> its verb's first form, folded."""
    out: dict[str, str] = {}
    for entry in source.split(";"):
        forms = [fold(w) for w in entry.split()]
        for form in forms:
            out.setdefault(form, forms[0])
    return out


_LEMMAS = _table(_EN_IRREGULAR) | _table(DE_STRONG) | _table(_ES_PARTICIPLES)

_EN_ENDINGS = ("ied", "ies", "ed", "es", "s", "d", "ing")
_DE_ENDINGS = ("eten", "test", "tet", "ten", "te", "et", "en", "st", "t", "e", "n")
_DE_PREFIXES = ("ge",)
_ES_ENDINGS = (
    "aron", "ieron", "ando", "iendo", "ado", "ada", "ido", "ida", "aba", "ia", "io", "ar", "er", "ir", "o", "a", "e", "an",
    "en", "as", "es",
)


def _roots(word: str) -> set[str]:
    """The roots a word may be a regular form of: itself, without an English, German or Spanish ending ("invented" ->
    "invent", "kaufte" -> "kauf", "inventó" -> "invent"), a German participle without "ge-" ("gekauft" -> "kauf"), an
    English doubled consonant or "-ied" undone ("stopped" -> "stop", "carried" -> "carry"); each of three letters at
    least."""
    out = {word}
    heads = [word] + [word[len(p) :] for p in _DE_PREFIXES if word.startswith(p) and len(word) - len(p) >= 4]
    for head in heads:
        out.add(head)
        for ending in _EN_ENDINGS + _DE_ENDINGS + _ES_ENDINGS:
            if head.endswith(ending) and len(head) - len(ending) >= 3:
                root = head[: -len(ending)]
                out.add(root)
                if ending in ("ied", "ies"):
                    out.add(root + "y")
                if len(root) >= 4 and root[-1] == root[-2]:
                    out.add(root[:-1])  # "stopped" -> "stop"
    return {r for r in out if len(r) >= 3}


def _russian_aspect(x: str, y: str) -> bool:
    """Whether one Russian past is the other with a perfective prefix ("написал" / "писал"), the rest a past of at least
    four letters ("-л", "-ла", "-ли", "-ло")."""
    for longer, shorter in ((x, y), (y, x)):
        for prefix in _RU_PREFIXES:
            if longer.startswith(prefix) and longer[len(prefix) :] == shorter and len(shorter) >= 4:
                return shorter.endswith(("л", "ла", "ли", "ло"))
    return False


def same_verb(x: str, y: str) -> bool:
    """Whether two folded words are two forms of one verb: the same first form in a table of irregular verbs
    ("wrote" / "write" / "written", "schrieb" / "geschrieben", "escrito" / "escribir"), or the same regular root
    (`_roots`: "invented" / "invent", "causes" / "cause", "gekauft" / "kaufte", "invento" / "inventado"; an irregular
    participle's root: "escrito" / "escribio"), or a Russian past with and without a perfective prefix ("написал" /
    "писал"). Two different words only: a word is no other form of itself."""
    if x == y or len(x) < 3 or len(y) < 3:
        return False
    lx, ly = _LEMMAS.get(x), _LEMMAS.get(y)
    if lx is not None and lx == ly:
        return True
    rx, ry = _roots(lx or x) | _roots(x), _roots(ly or y) | _roots(y)
    return bool(rx & ry) or _russian_aspect(x, y)


_EN_PASTS = {
    forms[0]: frozenset(forms[1:]) for forms in (entry.split() for entry in _EN_IRREGULAR.split(";")) if forms
}
"""English irregular verbs: base -> its past and participle forms ("win" -> "won", "write" -> "wrote", "written")."""
EN_PAST_FORMS = frozenset().union(*_EN_PASTS.values()) - _EN_PASTS.keys()
"""The irregular pasts and participles that are no verb's bare form ("won", "wrote"; not "cut", "read", "lay"):
`velo.cache.frames` puts "did" before an indirect question whose verb is one."""


def english_past(past: str, base: str) -> bool:
    """Whether `past` is the English past (or participle) of the bare verb `base`, both folded: an irregular form
    (`_EN_IRREGULAR`: "won" / "win", "wrote" / "write") or a regular one ("invented" / "invent", "released" / "release",
    "carried" / "carry", "stopped" / "stop"); a base of three letters at least."""
    if len(base) < 3 or past == base:
        return False
    if base in _EN_PASTS:
        return past in _EN_PASTS[base]
    return past in (
        base + "ed", base + "d" if base.endswith("e") else "", base[:-1] + "ied" if base.endswith("y") else "",
        base + base[-1] + "ed",
    )
