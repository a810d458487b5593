"""Everyday Japanese → retrieval filter specs, facility kind, location hints and refinement moves (pure)."""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from assistant.honesty import UNANSWERABLE, Wish
from assistant.reading import KanaRestorer, plain_alternatives, word_spans
from assistant.vocabulary import COMMON_WORDS, DISEASE_WORDS, DOMAIN_WORDS
from corpus.municipalities import load_municipalities
from retrieval.registry import BY_NAME, CARE_HOME_TYPES, FUTURE_FUNCTION_OF, ROWS

# Every registry phrasing, in rank order: a matched span is consumed, so later, looser phrasings cannot read
# the same words again (「24時間往診」 is home_care_24h, not also home_care).
WISH = "wish:"  # prefix of the rules that read a wish no report item holds (assistant/honesty.py)
_RULES: tuple[tuple[str, str | None, str], ...] = tuple(
    (f"{WISH}{attr}", None, pattern) for attr, _, pattern in UNANSWERABLE
) + tuple(
    (row.name, ph.value, ph.pattern)
    for row, ph in sorted(((r, p) for r in ROWS for p in r.phrasings), key=lambda rp: rp[1].rank)
)
_COMPILED = tuple((n, v, re.compile(p, re.IGNORECASE)) for n, v, p in _RULES)


def _known_words() -> list[str]:
    """Plain words of every registry phrasing and of the vocabulary, each row's everyday words, and the
    words a question is built from (kana spellings of these are restored before the rules read a message)."""
    words = list(COMMON_WORDS)
    for row in ROWS:
        words += [w for _, w in row.words]
        for ph in row.phrasings:
            words += plain_alternatives(ph.pattern)
    words += [w for _, pattern in CARE_HOME_TYPES for w in plain_alternatives(pattern)]
    words += [w for _, _, pattern in UNANSWERABLE for w in plain_alternatives(pattern)]
    for table in (DISEASE_WORDS, DOMAIN_WORDS):
        for _, regex in table:
            words += plain_alternatives(regex)
    return words


@functools.lru_cache(maxsize=1)
def restorer() -> KanaRestorer:
    """Known words and municipality names with their readings (built on first use)."""
    # A reading two municipalities share (コウナンシ: 江南市・香南市) is not restored: assistant/where.py asks which.
    readings: dict[str, set[str]] = {}
    for m in load_municipalities():
        readings.setdefault(m.kana, set()).add(m.name)
    places = [(kana, next(iter(names))) for kana, names in readings.items() if len(kana) >= 4 and len(names) == 1]
    names = {m.name for m in load_municipalities()} | {m.name[:-1] for m in load_municipalities() if len(m.name) >= 3}
    return KanaRestorer.build(_known_words(), places + list(READINGS), protected=names)


# Readings Sudachi does not give for a spelling people use (「にじゅうよじかん」 is how 24時間 is said).
READINGS: tuple[tuple[str, str], ...] = (("ニジュウヨジカン", "24時間"), ("ニジュウヨンジカン", "24時間"))
# Spaces between Japanese words carry no meaning (kana-only messages are often written with them).
_JA = r"[ぁ-ゖァ-ヺー一-龥々〆ヵヶ＿（）「」、。・？！]"
_JA_SPACE = re.compile(rf"(?<={_JA}) (?={_JA})")

_KIND_BOTH = re.compile(r"病院(でも|や|と|か|・|、|または|及び|および)(診療所|クリニック|医院)|"
                        r"(診療所|クリニック|医院)(でも|や|と|か|・|、|または)病院|医療機関")
# A kind named as a partner (「病院と一緒に指導」「病院の先生たちと」) is not the kind asked for.
# So is one where the patient stays or goes now (「東京の病院に入院中の父」「入院先の病院」「通っている病院」).
_PARTNER_AFTER = (r"(?!以外|と(一緒|共同|連携|情報|の(連携|情報|やりとり))|との|から(の)?(紹介|退院|転院)|の(先生|医師|スタッフ|看護師)(たち|達|方)?と|"
                  r"(に|で|へ)(入院|通院|通って|かかって|手術|検査入院)|を(退院|受診し))")
_STAYING_BEFORE = r"(?<!入院先の)(?<!入院中の)(?<!通院先の)(?<!通っている)(?<!通ってる)(?<!かかっている)(?<!かかってる)(?<!入院している)"
_HOSPITAL = re.compile(_STAYING_BEFORE + r"(?<!動物)病院" + _PARTNER_AFTER + r"|診療所以外|クリニック以外")
_CLINIC = re.compile(_STAYING_BEFORE + r"(診療所|クリニック|医院|町医者|開業医)" + _PARTNER_AFTER + r"|病院以外")

_NEAR = re.compile(r"近く|近所|この辺|このあたり|この辺り|最寄り|周辺|付近|近場|近い(ところ|所|医療機関|病院|診療所)")
_CLOSER = re.compile(r"もっと近|より近|もう少し近|もうちょっと近|近いところ(だけ|に)|近い順")
_EVERYWHERE = re.compile(r"どこでも(いい|良い|かまわ|構わ)|場所は(問わ|どこでも)|全域|全国|地域は(問わ|どこでも)")
_POSTAL = re.compile(r"(?<!\d)〒?\s*(?<!\d)(\d{3})[-‐‑–—−ー－]?(\d{4})(?!\d)")
_LATLNG = re.compile(r"(-?\d{1,2}\.\d+)\s*[,、，]\s*(-?\d{2,3}\.\d+)")
# Markers that build on the previous result list: 「その中で」, 「…に絞って／絞り込んで」, 「…だけ（に）」, 「…のみ」,
# 「…もしてくれるところ」.
_REFINE = re.compile(r"その中|そのうち|その内|さっきの|先ほどの|前の(結果|検索)|それらの|さらに|加えて|絞(って|り|る|ら|れ)|"
                     r"(だけ|のみ)(に|で|を|が)?(して|お願い|絞|見せ|表示|残|教え|知りたい|ください)|(だけ|のみ)[?？。!！]?$|"
                     r"に(して|変えて|限って|限定)|それと|あと[、,]|"
                     r"も(対応|やって|でき|して|診|み|受け|あ(る|り))|も(いい|お願い)")
_KIND_SWITCH = re.compile(r"(病院|診療所|クリニック|医院)(だけ|のみ|に)(して|で|に|限)|(病院|診療所|クリニック)(に)?(変えて|して)|"
                          # 「病院じゃなくて診療所で探して」: the other kind, everything else kept
                          r"(病院|診療所|クリニック|医院)(じゃ|では|で)?なく(て)?[、,]?(病院|診療所|クリニック|医院)|"
                          r"^(じゃあ|では|それなら|なら)?[、,]?(病院|診療所|クリニック|医院)(だと|なら|では|の方|のほう|で(は)?)(どう|は|も|[？?]|$)")
_ORDINAL = re.compile(r"([0-9]+|[一二三四五六七八九十])\s*(番目|件目|つ目|個目|番)")
_PARTNERS = re.compile(r"連携先|連携(して)?(いる)?(医療機関|病院|先)|協力(先|医療機関)|パートナー")
_KANJI_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


@dataclass(frozen=True)
class ParsedQuery:
    """What one message asks for, before location resolution and before looking at the session."""

    text: str  # NFKC-normalised message
    filters: tuple[dict[str, object], ...] = ()  # specs {"name", "value"}, kind excluded
    conditions: tuple[Condition, ...] = ()  # the same conditions with the span each was read from
    wishes: tuple[Wish, ...] = ()  # what was asked for but no report item holds
    kind: str | None = None  # hospital | clinic | None
    kind_switch: bool = False  # 「病院だけにして」: replace the kind, keep everything else
    near: bool = False  # 「近く」: search around the user's own location
    closer: bool = False  # 「もっと近くで」
    everywhere: bool = False  # 「どこでもいい」
    postal: str = ""  # 7 digits when the message holds a postal code
    latlng: str = ""  # "lat,lng" when the message holds coordinates
    refine: bool = False  # builds on the previous search
    ordinal: int | None = None  # 「2番目」
    wants_partners: bool = False  # 「連携先は？」
    read: tuple[tuple[int, int], ...] = ()  # every span a rule consumed (conditions, wishes, repeated words)

    @property
    def specs(self) -> tuple[dict[str, object], ...]:
        """The filters with the kind filter in front (the form `search_facilities` accepts)."""
        kind: tuple[dict[str, object], ...] = ({"name": "kind", "value": self.kind},) if self.kind else ()
        return kind + self.filters


# 「家にも来てくれる」「休日にも診てくれる」: the も of "also" after a place or time word asks for the same thing as
# without it, so phrasings are written once, without it.
_ALSO = re.compile(r"(?<=[一-龥ァ-ヺ][にへと])も(?=[一-龥ぁ-ゖ])")


# 「訪問診療と往診の実績」: two items sharing one head noun are two conditions, so the head is given to each
# (「訪問診療の実績と往診の実績」) before the phrasings read the message.
_SHARED_HEAD = re.compile(r"([一-龥ァ-ヺー]{2,8})(と|や|・|及び|および|、)([一-龥ァ-ヺー]{2,8})(の|が)(実績|件数|回数|算定回数)")


def _distributed(text: str) -> str:
    return _SHARED_HEAD.sub(lambda m: f"{m[1]}の{m[5]}{m[2]}{m[3]}{m[4]}{m[5]}", text)


def normalize(text: str) -> str:
    """NFKC, collapse spaces, kana spellings of known words restored (「おうしん」 → 「往診」), slips fixed
    (訪門 → 訪問, クリニク → クリニック), the also-particle dropped (「家にも来て」 → 「家に来て」) and a shared head
    noun given to each item (「訪問診療と往診の実績」 → 「訪問診療の実績と往診の実績」)."""
    text = unicodedata.normalize("NFKC", text)
    restored = restorer().restore(re.sub(r"\s+", " ", text).strip())
    return _distributed(_ALSO.sub("", _JA_SPACE.sub("", restored)))


def _shadowed(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    """Maximal munch: a longer match of another rule starts at the same place (「在宅当番医」 over 「在宅」)."""
    return any(o[0] == span[0] and o[1] > span[1] for o in others)


def _resolve(text: str) -> list[tuple[str, str | None, int, int]]:
    """Rule matches that survive: where two rules match from the same position the longer one wins (maximal
    munch: 「在宅当番医」 is not 「在宅」); otherwise table order wins and a matched span is consumed (masked)
    so later, looser rules cannot read it again."""
    spans = [[m.span() for m in pattern.finditer(text) if m.end() > m.start()] for _, _, pattern in _COMPILED]
    masked = text
    out: list[tuple[str, str | None, int, int]] = []
    for i, (name, value, pattern) in enumerate(_COMPILED):
        others = [sp for j, group in enumerate(spans) if j != i for sp in group]
        for match in pattern.finditer(masked):
            if match.end() == match.start() or (not name.startswith(WISH) and _shadowed(match.span(), others)):
                continue
            out.append((name, value, *match.span()))
            masked = masked[: match.start()] + "＿" * (match.end() - match.start()) + masked[match.end():]
    return out


@dataclass(frozen=True)
class Condition:
    """One understood condition and the span of the message it was read from."""

    name: str
    value: Any
    start: int
    end: int
    source: str = "rule"  # rule (regex phrasing) | reading (Sudachi reading) | semantic (exemplar bank)

    @property
    def spec(self) -> dict[str, object]:
        """The filter spec ``{"name", "value"}``."""
        return {"name": self.name, "value": self.value}


_CARE_HOME_NAME = re.compile("(" + "|".join(p for _, p in CARE_HOME_TYPES) + r")([ぁ-ゖァ-ヺー]{2,10}?)?(?=の|に|と|で|を|が|は|さん|、|。|$)")


def care_home_value(text: str) -> str | None:
    """The 介護施設 type (or type + name) a 協力医療機関 question names: 「特養あおぞら」 → 特別養護老人ホームあおぞら."""
    match = _CARE_HOME_NAME.search(text)
    if not match:
        return None
    canonical = next(t for t, p in CARE_HOME_TYPES if re.fullmatch(p, match.group(1)))
    return canonical + (match.group(2) or "")


def extract_conditions(text: str) -> tuple[Condition, ...]:
    """Function conditions (not kind, not location) named in a normalised message, with their spans."""
    return _read(text)[0]


def _read(text: str) -> tuple[tuple[Condition, ...], tuple[tuple[int, int], ...]]:
    """The conditions and every span a rule consumed (a word named twice is read twice, kept once)."""
    found: list[Condition] = []
    rest = text
    taken: list[tuple[int, int]] = []
    for name, value, start, end in _resolve(text):
        if not name.startswith(WISH):
            _add(found, Condition(name, value, start, end))
        rest = rest[:start] + "＿" * (end - start) + rest[end:]
        taken.append((start, end))
    for name, table in (("disease", DISEASE_WORDS), ("domain", DOMAIN_WORDS)):
        for word, regex in table:
            for match in re.finditer(regex, rest):
                _add(found, Condition(name, word, *match.span()))
                taken.append(match.span())
            rest = re.sub(regex, lambda m: "＿" * len(m.group(0)), rest)
    conditions = tuple(_with_care_home(_without_intended(_collapsed(_qualified(found, text)), text), text))
    return conditions, tuple(taken) + tuple((c.start, c.end) for c in conditions)


FUTURE_REACH = 3  # characters between an item and 「…に取り組む予定」 that make the item its object


# 「在宅医療は今はやっていないけど、今後…」: between an item and the intent, the item is said not offered today
_NOT_NOW = re.compile(r"(い|て|やって|して|行って|おこなって|対応して|取り組んで)(い)?(ない|ません|なくて)|未実施|まだ(だ|です|で)")
NOT_NOW_REACH = 24  # characters (within one sentence) between such an item and the intent


def _without_intended(found: list[Condition], text: str) -> list[Condition]:
    """「これから在宅医療に取り組む予定の診療所」: the item is what is intended, not offered today; when it names a
    function (its record block), the condition is that function's 今後担う意向 (future_function), else any intent.
    An item said not to be offered now before the intent (「在宅医療は今はやっていないけど、今後やるつもり」) is one too."""
    future = next((c for c in found if c.name == "future_intent"), None)
    if future is None:
        return found
    def intended(c: Condition) -> bool:
        inside = future.start <= c.start and c.end <= future.end
        gap = text[c.end:future.start] if c.end <= future.start else "。"
        before = future.start - c.end <= FUTURE_REACH or (
            len(gap) <= NOT_NOW_REACH and not re.search(r"[。？?！!\n]", gap) and bool(_NOT_NOW.search(gap)))
        return inside or (c.end <= future.start and before)
    named = dict.fromkeys(FUTURE_FUNCTION_OF[c.name] for c in found
                          if c is not future and intended(c) and c.name in FUTURE_FUNCTION_OF)
    kept = [c for c in found if c is future or not intended(c)]
    if not named:
        return kept
    return [c for c in kept if c is not future] + [Condition("future_function", n, future.start, future.end) for n in named]


_CLAUSE = re.compile(r"[^。？?！!\n]+")  # a sentence
# 「自院ではなく」「自分とこの病床やのうて」: the negation may follow the qualifier's own noun (の病床, の病院)
_NEGATED = re.compile(r"(の[一-龥ァ-ヺ]{1,4})?((は)?(ではなく|じゃなく|でなく|ではない|じゃない|以外|やのう|やなく|じゃのう)|(で)?(は)?なく)")  # 「自院ではなく連携先で」
QUALIFIER_REACH = 30  # characters between a phrasing and its qualifier


def _qualified(found: list[Condition], text: str) -> list[Condition]:
    """A qualifier of the row in the same clause, outside every other condition's span, narrows the value
    (「自院だけで24時間往診」 → home_care 24h_self; 「連携先の病院で後方支援病床」 → backup_beds partnered)."""
    out = []
    for cond in found:
        row = BY_NAME.get(cond.name)
        if row is None or cond.value is not None or not row.qualifiers:
            out.append(cond)
            continue
        clause = next((m for m in _CLAUSE.finditer(text) if m.start() <= cond.start < m.end()), None)
        lo, hi = (clause.start(), clause.end()) if clause else (0, len(text))
        lo, hi = max(lo, cond.start - QUALIFIER_REACH), min(hi, cond.end + QUALIFIER_REACH)
        others = [(c.start, c.end) for c in found if c is not cond]
        chosen = cond
        for q in row.qualifiers:
            hit = next((m for m in re.finditer(q.pattern, text[lo:hi])
                        if not any(s < lo + m.end() and lo + m.start() < e for s, e in others)
                        and not _NEGATED.match(text, lo + m.end())), None)
            if hit is not None:
                chosen = Condition(q.name, q.value, min(cond.start, lo + hit.start()), max(cond.end, lo + hit.end()))
                break
        out.append(chosen)
    return out


def _collapsed(found: list[Condition]) -> list[Condition]:
    """Two values of one row (「学校医や産業医」, 「当番医か直接電話」) ask for either: the row with no value."""
    out: list[Condition] = []
    for cond in found:
        same = next((c for c in out if c.name == cond.name), None)
        if same is None:
            out.append(cond)
        elif same.value != cond.value and BY_NAME.get(cond.name) is not None and BY_NAME[cond.name].values:
            out[out.index(same)] = Condition(cond.name, None, min(same.start, cond.start), max(same.end, cond.end))
        elif same.value != cond.value:
            out.append(cond)  # free values (diseases, names) are each asked for
    return out


def _with_care_home(found: list[Condition], text: str) -> list[Condition]:
    """協力医療機関: a named care-home type or name becomes the value."""
    value = care_home_value(text)
    if value is None:
        return found
    return [dataclasses.replace(c, value=value) if c.name == "cooperating_facility" and c.value is None else c
            for c in found]


def _add(found: list[Condition], cond: Condition) -> None:
    if not _covered([c.spec for c in found], cond.spec) and cond.spec not in [c.spec for c in found]:
        found.append(cond)


def extract_wishes(text: str) -> tuple[Wish, ...]:
    """Wishes in a normalised message that no report item holds (駐車場, 女性医師…)."""
    found = sorted((start, end, name[len(WISH):]) for name, _, start, end in _resolve(text) if name.startswith(WISH))
    merged: list[tuple[int, int, str]] = []
    for start, end, attr in found:  # 「料金が安い」 is one wish, not 「料金」 and 「安い」
        if merged and merged[-1][2] == attr and start - merged[-1][1] <= 2:
            merged[-1] = (merged[-1][0], end, attr)
        else:
            merged.append((start, end, attr))
    return tuple(Wish(text[start:end], start, end, attr) for start, end, attr in merged)


def extract_filters(text: str) -> tuple[dict[str, object], ...]:
    """Function conditions named in a normalised message, as filter specs in table order."""
    return tuple(c.spec for c in extract_conditions(text))


def _covered(found: list[dict[str, object]], spec: dict[str, object]) -> bool:
    """True when an already extracted, stricter condition makes ``spec`` redundant."""
    names = {f["name"] for f in found}
    if spec["name"] in ("home_care", "home_care_24h") and names & {"home_care", "home_care_24h"}:
        return True
    return spec["name"] in names and spec["value"] is None


def extract_kind(text: str) -> str | None:
    """`hospital`, `clinic` or None (both named together, or neither).

    When both are named apart, the one named last is what is asked for: a Japanese noun phrase ends in its head
    (「連携先の病院で後方支援病床を確保している診療所」 asks for a 診療所; the 病院 is its partner).
    """
    text = _KIND_BOTH.sub("＿", text)
    hospital = [m.start() for m in _HOSPITAL.finditer(text)]
    clinic = [m.start() for m in _CLINIC.finditer(text)]
    if not hospital and not clinic:
        return None
    if hospital and clinic:
        return "hospital" if hospital[-1] > clinic[-1] else "clinic"
    return "hospital" if hospital else "clinic"


def _ordinal(text: str) -> int | None:
    match = _ORDINAL.search(text)
    if not match:
        return None
    raw = match.group(1)
    return int(raw) if raw.isdigit() else _KANJI_NUM.get(raw)


def parse(message: str) -> ParsedQuery:
    """Read conditions, kind, location hints and refinement markers from one message."""
    text = normalize(message)
    postal = _POSTAL.search(text)
    latlng = _LATLNG.search(text)
    body = text
    for match in (m for m in (postal, latlng) if m):
        body = body.replace(match.group(0), "＿" * len(match.group(0)))
    conditions, read = _read(body)
    wishes = extract_wishes(body)
    unwished = body  # 「駅から近くて」 is a wish about the facility, not 「近く」 = around me
    for w in wishes:
        unwished = unwished[:w.start] + "＿" * (w.end - w.start) + unwished[w.end:]
    return ParsedQuery(
        read=read,
        text=text,
        filters=tuple(c.spec for c in conditions),
        conditions=conditions,
        wishes=wishes,
        kind=extract_kind(body),
        kind_switch=bool(_KIND_SWITCH.search(body)),
        near=bool(_NEAR.search(unwished)),
        closer=bool(_CLOSER.search(body)),
        everywhere=bool(_EVERYWHERE.search(body)),
        postal=(postal.group(1) + postal.group(2)) if postal else "",
        latlng=f"{latlng.group(1)},{latlng.group(2)}" if latlng else "",
        refine=bool(_REFINE.search(body)),
        ordinal=_ordinal(body),
        wants_partners=bool(_PARTNERS.search(body)),
    )


# Words of a facility question that ask for nothing by themselves (kind, search verbs, politeness, place
# markers): what remains after them and after every understood span is what the rules left over.
_FILLER = re.compile(
    r"(病院|診療所|クリニック|医院|医療機関|町医者|開業医|お医者さん|医者|先生|かかりつけ医|ところ|所|とこ|施設)(さん)?|"
    r"(を|が|は|に|で|と|も|の|へ|や|か|って|から|まで)?(探して(います|いる|る|ます)?|さがして|教えて(ください|下さい|ほしい|もらえますか)?|"
    r"知りたい(です)?|紹介して(ください)?|見つけたい|お願い(します)?|ありますか|あります|ある|ない|いますか|でしょうか|ですか|です|ください|"
    r"どこ(か|ですか)?|一覧|リスト)|"
    r"(近く|近所|この辺|このあたり|周辺|付近|最寄り)|[0-9０-９]+件|できれば|なるべく|ちゃんと|しっかり|すぐ|"
    # a generic "doing it" after an understood item (「…話し合う取組をしている」)
    r"(取組|取り組み|活動)(を)?(して|行って|おこなって|やって)(いる|る|います)?"
)
MIN_FRAGMENT = 4


def _snapped(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans widened to the Sudachi words they touch (「糖尿」 read inside 「糖尿病」 masks the whole word)."""
    if not spans:
        return spans
    words = word_spans(text)
    out = []
    for start, end in spans:
        lo = min((s for s, e in words if s < end and start < e), default=start)
        hi = max((e for s, e in words if s < end and start < e), default=end)
        out.append((min(lo, start), max(hi, end)))
    return out


def leftover_fragments(parsed: ParsedQuery, place_words: tuple[str, ...] = ()) -> list[tuple[int, int, str]]:
    """Parts of the message no rule read (start, end, text): every condition, wish and place masked, filler
    dropped, the rest split at punctuation and clause ends. The semantic layer looks for conditions there."""
    text = parsed.text
    mask = list(text)
    spans = [(c.start, c.end) for c in parsed.conditions] + [(w.start, w.end) for w in parsed.wishes]
    spans += list(parsed.read)
    for word in place_words:
        for m in re.finditer(re.escape(word), text):
            spans.append(m.span())
    for start, end in _snapped(text, spans):
        mask[start:end] = "＿" * (end - start)
    masked = "".join(mask)
    masked = _FILLER.sub(lambda m: "＿" * len(m.group(0)), masked)
    out: list[tuple[int, int, str]] = []
    for m in re.finditer(r"[^＿。、,，？?！!\n「」（）()・]+", masked):
        frag = m.group(0).strip(" をがはにでともの")
        if len(frag) < MIN_FRAGMENT or not re.search(r"[一-龥ァ-ヺ]|[ぁ-ゖ]{5,}", frag):
            continue
        start = m.start() + m.group(0).find(frag)
        out.append((start, start + len(frag), frag))
    return out


# 「夜間の条件は外して」「往診はなくてもいい」「診療所に限らなくていい」: one condition of the previous search is dropped.
_REMOVE = re.compile(
    r"((の条件|という条件|の絞り込み|の指定)(は|を|も)?|(は|を|も))(外して|はずして|外す|除いて|取り除いて|消して|取って|抜いて|なしで|なしに|"
    r"なく(て|ても)(いい|よい|良い|大丈夫|OK|構わ|かまわ)|いらない|要らない|いりません|不要|問わない|問いません|"
    r"どちらでも|どっちでも|気にしない|こだわらない)")
_KIND_REMOVE = re.compile(r"(病院|診療所|クリニック|医院)(に|で)?(限らな|限定しな|じゃなくて(も)?(いい|大丈夫)|でなくて(も)?(いい|大丈夫))")
_ITEM_SPLIT = re.compile(r"と|や|、|,|・|および|及び")


def removed_names(text: str) -> tuple[str, ...] | None:
    """The condition names a message asks to drop, None when it asks to drop nothing. Each item before the
    removal word is read as the same rules read a wish (「夜間」 is read as 「夜間も対応」 → off_hours)."""
    names: list[str] = []
    if _KIND_REMOVE.search(text):
        names.append("kind")
    match = _REMOVE.search(text)
    if match is None:
        return tuple(names) if names else None
    head = re.split(r"[。？?！!]", text[: match.start()])[-1]
    head = re.sub(r"^(じゃあ|では|それでは|やっぱり|やはり|あと|それと|えっと|うーん)[、,]?", "", head)
    for item in (i.strip() for i in _ITEM_SPLIT.split(head)):
        if not item:
            continue
        if _KIND_RE_ANY.search(item):
            names.append("kind")
        for cond in extract_conditions(item + "も対応"):
            if cond.name not in names:
                names.append(cond.name)
    return tuple(names)


_KIND_RE_ANY = re.compile(r"^(病院|診療所|クリニック|医院)(の条件|という条件)?$")
