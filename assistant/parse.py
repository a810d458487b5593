"""Everyday Japanese → retrieval filter specs, facility kind, location hints and refinement moves (pure)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from assistant.vocabulary import DISEASE_WORDS, DOMAIN_WORDS

# Words that mean "visit me at home" and "at any hour"; together they ask for 24時間の在宅医療.
_VISIT = (r"(往診|訪問診療|在宅医療|在宅診療|在宅で(の)?(診|医療|療養)|訪問して|(家|自宅|うち|家まで|自宅まで)(に|へ|で)?(来|診)|"
          r"来て(くれ|もらえ|ほし)|診に来|在宅)")
_ANY_HOUR = r"(24時間|二十四時間|夜中|夜間|深夜|真夜中|夜でも|夜も|いつでも|昼夜|休日夜間)"

# (name, value, pattern) in priority order: a matched span is consumed, so later, looser rules
# cannot read the same words again (「24時間往診」 is home_care_24h, not also urgent_visits).
_RULES: tuple[tuple[str, str | None, str], ...] = (
    ("home_care", "24h_self", r"自院で24時間|自分のところで24時間|単独で24時間"),
    ("home_care", "24h_with_partners", r"連携(して|により|による|で)(の)?24時間"),
    ("home_care_24h", None, rf"{_ANY_HOUR}.{{0,12}}?{_VISIT}|{_VISIT}.{{0,12}}?{_ANY_HOUR}|在宅療養支援"),
    ("home_deaths", None, r"看取|みとり|ミトリ|最期(まで|を(迎え|家|自宅))|(家|自宅)で(最期|亡くな|死)|在宅死"),
    ("acp", None, r"ACP|人生会議|アドバンス[・ ]?ケア[・ ]?プランニング|最期の(過ごし方|迎え方)|(治療|医療|ケア)の方針を.{0,4}話し合"),
    # 「往診してくれる」 in everyday speech means home visits at all (２号ハ 在宅医療の体制, any mode); only the
    # report's count is 往診の実績 (urgent_visits).
    ("urgent_visits", None, r"往診(の)?(実績|件数|回数)"),
    ("home_visits", None, r"訪問診療(の)?(実績|件数|回数)"),
    ("home_care", "daytime", r"日中(だけ|のみ)(の)?(在宅|訪問)"),
    ("home_care", None, _VISIT),
    # 在宅当番医制 is a 2号イ off-hours rota (ガイドライン 第2章第3節 ２号機能（イ）), not home care: the longer
    # span wins over the bare 「在宅」 of the home_care rule above (see _resolve).
    ("off_hours", "rota", r"(在宅)?当番医(制)?|急患センター|輪番(制)?"),
    ("off_hours", "self_plus_partners", r"(他の医療機関|ほかの医療機関|他院)と連携して(時間外|夜間|休日|随時)"),
    ("off_hours", "self_anytime", r"自院の連絡先|直接(連絡|電話)(でき|が(でき|つな))"),
    ("off_hours", None, r"(夜間|休日|時間外|深夜|夜中|土日|土曜|日曜|祝日|夜も|夜でも|休みの日|休診日|夕方以降|診療時間外|診察時間外)"
                        r"(.{0,10}?)(診|対応|やって|開いて|受診|相談|連絡|電話|かかれ|見て)|時間外(対応|診療)?|休日(対応|診療)|夜間(対応|診療)"),
    ("backup_beds", "self", r"自院(で|に)(入院|病床|ベッド)"),
    ("backup_beds", "partnered", r"連携(して|先|により|で)(の)?(入院|病床|ベッド)"),
    ("backup_beds", None, r"後方支援(病床)?|バックベッド|急変.{0,12}?入院|入院(させ|でき|を?受け?入れ|先|の受け?入れ|受入|まで)|緊急入院|病床(を)?確保"),
    ("discharge_rules", None, r"退院(ルール|支援|調整)|クリティカルパス|地域連携パス|退院(の)?(時|とき|後)(の)?(連携|支援|調整)"),
    ("care_manager_consults", None, r"(ケアマネ(ジャー|ージャー)?|介護支援専門員|相談支援専門員)(さん)?(と|との|に|から)?(の)?(連携|相談|協力|話)?"),
    ("opinion_letters", None, r"主治医(の)?意見書|意見書"),
    ("care_meetings", None, r"地域ケア会議|サービス担当者会議|担当者会議|ケア会議"),
    ("cooperating_facility", None, r"協力医療機関|協力医|(老人ホーム|介護施設|施設|特養|老健|グループホーム)(の)?(協力|嘱託|提携)"),
    ("info_sharing_system", None, r"情報共有(の)?(システム|ネットワーク|ツール)|ICT|医療介護(連携)?(ネットワーク|システム)|連携システム"),
    ("care_collab", None, r"介護(サービス|事業所|施設|保険|職)?(等)?(と|との)(連携|協力)|介護連携|医療と介護(の|が)?連携|介護と(の)?連携"),
    ("general_medicine", None, r"総合診療"),
    ("checkups", None, r"健診|健康診断|検診|人間ドック"),
    ("vaccinations", None, r"予防接種|ワクチン|(インフル|コロナ).{0,6}接種"),
    ("consultation", None, r"(医療|健康|病気|体調|何でも|なんでも|気軽に)(の|について|に関する|のこと)?(を)?相談|相談に(乗|のっ|応じ)|相談(でき|しやす|にのって|したい|させて)"),
    ("function1", None, r"[1１一]号機能|かかりつけ医(機能)?(が(ある|あり)|を持|になって|として)|日常的(な診療|に診)|継続的に診"),
    # 「24時間対応」 with no other anchor: the report's only round-the-clock item is 24時間の在宅医療 (2号ハ).
    ("home_care_24h", None, r"24時間|二十四時間"),
)
_COMPILED = tuple((n, v, re.compile(p, re.IGNORECASE)) for n, v, p in _RULES)

_KIND_BOTH = re.compile(r"病院(や|と|か|・|、|または|及び|および)(診療所|クリニック|医院)|(診療所|クリニック|医院)(や|と|か|・|、|または)病院|医療機関")
_HOSPITAL = re.compile(r"(?<!動物)病院(?!以外)|診療所以外|クリニック以外")
_CLINIC = re.compile(r"(診療所|クリニック|医院|町医者|開業医)(?!以外)|病院以外")

_NEAR = re.compile(r"近く|近所|この辺|このあたり|この辺り|最寄り|周辺|付近|近場|近い(ところ|所|医療機関|病院|診療所)")
_CLOSER = re.compile(r"もっと近|より近|もう少し近|もうちょっと近|近いところ(だけ|に)|近い順")
_EVERYWHERE = re.compile(r"どこでも(いい|良い|かまわ|構わ)|場所は(問わ|どこでも)|全域|全国|地域は(問わ|どこでも)")
_POSTAL = re.compile(r"〒?\s*(\d{3})[-‐‑–—−ー－]?(\d{4})(?!\d)")
_LATLNG = re.compile(r"(-?\d{1,2}\.\d+)\s*[,、，]\s*(-?\d{2,3}\.\d+)")
# Markers that build on the previous result list: 「その中で」, 「…に絞って／絞り込んで」, 「…だけ（に）」, 「…のみ」,
# 「…もしてくれるところ」.
_REFINE = re.compile(r"その中|そのうち|その内|さっきの|先ほどの|前の(結果|検索)|それらの|さらに|加えて|絞(って|り|る|ら|れ)|"
                     r"(だけ|のみ)(に|で|を|が)?(して|お願い|絞|見せ|表示|残|教え|知りたい|ください)|(だけ|のみ)[?？。!！]?$|"
                     r"に(して|変えて|限って|限定)|それと|あと[、,]|"
                     r"も(対応|やって|でき|して|診|み|受け|あ(る|り))|も(いい|お願い)")
_KIND_SWITCH = re.compile(r"(病院|診療所|クリニック|医院)(だけ|のみ|に)(して|で|に|限)|(病院|診療所|クリニック)(に)?(変えて|して)")
_ORDINAL = re.compile(r"([0-9]+|[一二三四五六七八九十])\s*(番目|件目|つ目|個目|番)")
_PARTNERS = re.compile(r"連携先|連携(して)?(いる)?(医療機関|病院|先)|協力(先|医療機関)|パートナー")
_KANJI_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


@dataclass(frozen=True)
class ParsedQuery:
    """What one message asks for, before location resolution and before looking at the session."""

    text: str  # NFKC-normalised message
    filters: tuple[dict[str, object], ...] = ()  # specs {"name", "value"}, kind excluded
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

    @property
    def specs(self) -> tuple[dict[str, object], ...]:
        """The filters with the kind filter in front (the form `search_facilities` accepts)."""
        kind: tuple[dict[str, object], ...] = ({"name": "kind", "value": self.kind},) if self.kind else ()
        return kind + self.filters


def normalize(text: str) -> str:
    """NFKC, unify long vowel and tilde look-alikes, collapse spaces."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", " ", text).strip()


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
            if match.end() == match.start() or _shadowed(match.span(), others):
                continue
            out.append((name, value, *match.span()))
            masked = masked[: match.start()] + "＿" * (match.end() - match.start()) + masked[match.end():]
    return out


def extract_filters(text: str) -> tuple[dict[str, object], ...]:
    """Function conditions (not kind, not location) named in a normalised message, in table order."""
    found: list[dict[str, object]] = []
    rest = text
    for name, value, start, end in _resolve(text):
        spec: dict[str, object] = {"name": name, "value": value}
        if not _covered(found, spec) and spec not in found:
            found.append(spec)
        rest = rest[:start] + "＿" * (end - start) + rest[end:]
    for name, table in (("disease", DISEASE_WORDS), ("domain", DOMAIN_WORDS)):
        for word, regex in table:
            if re.search(regex, rest):
                found.append({"name": name, "value": word})
                rest = re.sub(regex, lambda m: "＿" * len(m.group(0)), rest)
    return tuple(found)


def _covered(found: list[dict[str, object]], spec: dict[str, object]) -> bool:
    """True when an already extracted, stricter condition makes ``spec`` redundant."""
    names = {f["name"] for f in found}
    if spec["name"] in ("home_care", "home_care_24h") and names & {"home_care", "home_care_24h"}:
        return True
    return spec["name"] in names and spec["value"] is None


def extract_kind(text: str) -> str | None:
    """`hospital`, `clinic` or None (both named, or neither)."""
    text = _KIND_BOTH.sub("＿", text)
    hospital, clinic = bool(_HOSPITAL.search(text)), bool(_CLINIC.search(text))
    if hospital == clinic:
        return None
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
        body = body.replace(match.group(0), "＿")
    return ParsedQuery(
        text=text,
        filters=extract_filters(body),
        kind=extract_kind(body),
        kind_switch=bool(_KIND_SWITCH.search(body)),
        near=bool(_NEAR.search(body)),
        closer=bool(_CLOSER.search(body)),
        everywhere=bool(_EVERYWHERE.search(body)),
        postal=(postal.group(1) + postal.group(2)) if postal else "",
        latlng=f"{latlng.group(1)},{latlng.group(2)}" if latlng else "",
        refine=bool(_REFINE.search(body)),
        ordinal=_ordinal(body),
        wants_partners=bool(_PARTNERS.search(body)),
    )
