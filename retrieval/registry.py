"""The filter registry: one row per searchable report item, the single source of every filter fact.

A row says what the filter tests (report item, guideline page, record field, machine clause), how it speaks
Japanese (条件 sentence, chip, evidence value), how it loosens, and how people ask for it (regex phrasings on
the NFKC text, and plain everyday words that are also matched on Sudachi readings). The parser, the 条件 line,
the UI chips, the evidence and detail views and the relaxations are all derived from these rows
(docs/filters.md is the user-facing copy of this table).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from corpus.facility import FUTURE_FUNCTION_NAMES, FUTURE_FUNCTIONS


@dataclass(frozen=True)
class Phrasing:
    """A regex on the NFKC message that asks for ``value`` of a row; ``rank`` orders all phrasings (low first)."""

    rank: int
    pattern: str
    value: str | None = None


@dataclass(frozen=True)
class Looser:
    """A looser condition to suggest when ``value`` finds nothing."""

    value: str | None
    name: str
    looser_value: str | None
    text: str


@dataclass(frozen=True)
class Qualifier:
    """A word near a matched phrasing, in the same clause, that narrows it to one value (「自院だけで」, 「連携先の」).

    The condition read from the phrasing becomes ``name``/``value`` (possibly another row: 「自院だけで24時間往診」 is
    home_care 24h_self, not home_care_24h). Qualifiers are tried in order; the first that occurs wins.
    """

    pattern: str
    name: str
    value: str


@dataclass(frozen=True)
class FilterRow:
    """One searchable report item (ガイドライン 第2章第3節 報告事項)."""

    name: str
    clause: str  # how the record is tested: flag | list | member | kind | municipality | off_hours | backup_beds | home_care
    field: str  # record field path, e.g. "home_care.mode" ("" = several)
    item: str  # 報告事項の名称
    label: str  # 条件 sentence for value None (or template "{}" for a valued row)
    page: int | None = None  # ガイドライン page of the report item
    values: tuple[str, ...] = ()  # allowed values (empty: the row takes no value, or free text)
    value_labels: tuple[tuple[str, str], ...] = ()  # value → 条件 sentence
    free_value: bool = False  # the value is free text (a name), not one of ``values``
    show: Callable[[Any], str] | None = None  # field value → evidence text
    chip: str = ""  # UI chip label ("" = no chip)
    looser: tuple[Looser, ...] = ()
    phrasings: tuple[Phrasing, ...] = ()
    words: tuple[tuple[str | None, str], ...] = ()  # (value, everyday word) also matched on readings
    detail: bool = True  # listed in the detail view of one facility
    strength: bool = False  # orders results when no place is given (more satisfied = earlier)
    qualifiers: tuple[Qualifier, ...] = ()  # words in the same clause that narrow a matched phrasing to a value
    measured_by: tuple[str, ...] = ()  # 算定回数 rows that say how much of it a facility does (orders an area's list)

    def sentence(self, value: Any) -> str:
        """The 条件 sentence for one value."""
        for key, text in self.value_labels:
            if key == value:
                return text
        return self.label.format(value) if "{}" in self.label else self.label


def _yes(text: str) -> Callable[[Any], str]:
    return lambda _value: text


def _times(value: Any) -> str:
    return f"{value}回"


def _people(value: Any) -> str:
    return f"{value}人"


def _names(value: Any) -> str:
    return "、".join(value)


# Words that mean "visit me at home" and "at any hour"; together they ask for 24時間の在宅医療.
# A bare 「在宅」 that only qualifies another item (在宅看取り, 在宅患者, 在宅で療養している父) does not ask for home care.
VISIT = (r"(往診|訪問診療|在宅医療|在宅診療|在宅で(の)?(診|医療)|訪問して|(家|自宅|うち|家まで|自宅まで)(に|へ|で)?(来|診)|"
         r"診に来|(いえ|家)(に|へ|まで)(き|来)て|在宅(?!(で|の|での)?(＿|看取|みとり|患者|療養|死|当番|酸素|介護|勤務|ワーク)))")
VISIT_AT_HOUR = VISIT[:-1] + r"|来て(くれ|もらえ|ほし))"  # 「夜中でも来てくれる」: with an hour, coming is a home visit
ANY_HOUR = r"(24時間|二十四時間|夜中|夜間|深夜|真夜中|夜でも|夜も|いつでも|昼夜|休日夜間)"
# Up to 12 characters that hold no predicate of their own (「夜間も診てくれて、」 ends one)
_NO_OWN_PREDICATE = r"(?:(?!くれ|もらえ|診て|みて|対応し|やって|して、|て、).){0,12}?"
_OFF_HOURS_WHEN = (r"(夜間|休日|時間外|深夜|夜中|土日|土曜|日曜|祝日|夜も|夜でも|よるも|よるでも|休みの日|休診日|夕方以降|"
                   r"診療時間外|診察時間外|夜遅く|週末)")
_CARE_HOME = r"(老人ホーム|介護施設|施設|特養|老健|グループホーム|介護医療院|有料老人ホーム|サ高住)"

# Types of 介護保険施設等 a 協力医療機関 search may name; the value is matched inside the reported names.
CARE_HOME_TYPES: tuple[tuple[str, str], ...] = (
    ("特別養護老人ホーム", r"特別養護老人ホーム|特養|介護老人福祉施設"),
    ("介護老人保健施設", r"介護老人保健施設|老健"),
    ("介護医療院", r"介護医療院"),
    ("有料老人ホーム", r"有料老人ホーム|有料ホーム"),
    ("グループホーム", r"グループホーム|認知症対応型共同生活介護"),
)
COMMUNITY_ACTIVITIES = ("学校医", "産業医", "警察業務")

ROWS: tuple[FilterRow, ...] = (
    FilterRow("kind", "kind", "kind", "医療機関の種別", "{}に限る", values=("hospital", "clinic"),
              value_labels=(("hospital", "病院に限る"), ("clinic", "診療所に限る")), detail=False),
    FilterRow("municipality", "municipality", "municipality_code", "所在地", "所在地が市区町村コード{}",
              free_value=True, detail=False),
    FilterRow("function1", "flag", "function1.has", "１号機能（日常的な診療を総合的かつ継続的に行う機能）",
              "１号機能（日常的な診療を総合的・継続的に行う機能）が有り", page=10, show=_yes("有り"), strength=True,
              phrasings=(Phrasing(300, r"[1１一]号機能|かかりつけ医(機能)?(が(ある|あり)|を持|になって|として)|"
                                       r"日常的(な診療|に診)|継続(して|的に)(診|み)|日頃から.{0,8}?(診|み)て|いつも(診|み)て(くれ|もらえ)"),),
              words=((None, "かかりつけ医機能"), (None, "継続して診て"))),
    FilterRow("domain", "member", "function1.domains", "一次診療を行うことができる領域", "「{}」の領域で一次診療に対応",
              page=10, free_value=True, detail=False),
    FilterRow("disease", "member", "function1.diseases", "一次診療を行うことができる疾患", "「{}」の一次診療ができる",
              page=10, free_value=True, detail=False),
    FilterRow("consultation", "flag", "function1.consultation", "医療に関する患者からの相談への対応",
              "医療に関する患者からの相談に応じることができる", page=10, show=_yes("対応可"), strength=True,
              phrasings=(Phrasing(290, r"(医療|健康|病気|体調|何でも|なんでも|気軽に)(の|について|に関する|のこと)?(を)?相談|"
                                       r"相談に(乗|のっ|応じ)|相談(でき|しやす|にのって|したい|させて)"),),
              words=((None, "気軽に相談"), (None, "健康相談"))),
    FilterRow("general_medicine", "flag", "function1.general_medicine_specialists", "総合診療専門医数",
              "総合診療専門医が在籍", page=10, show=_people, strength=True,
              phrasings=(Phrasing(240, r"総合診療"),), words=((None, "総合診療医"), (None, "総合診療専門医"))),
    FilterRow("trained_doctors", "flag", "function1.trained_doctors", "かかりつけ医機能に関する研修の修了者数",
              "かかりつけ医機能に関する研修を修了した医師がいる", page=10, show=_people,
              phrasings=(Phrasing(235, r"研修(を|の)?(修了|受け|終え|終わ|済)|修了(した|者)|研修修了"),),
              words=((None, "研修修了"),)),
    FilterRow("platform", "flag", "function1.platform", "全国医療情報プラットフォームに参加・活用する体制",
              "全国医療情報プラットフォーム（オンライン資格確認・電子処方箋等）に参加・活用", page=10,
              show=_yes("参加・活用"),
              phrasings=(Phrasing(236, r"マイナ(保険証|ンバーカード|カード)|マイナ|電子処方(箋|せん)|オンライン資格確認|"
                                       r"医療情報(の)?プラットフォーム|プラットフォーム|電子カルテ(の)?(情報)?(を|の)?(共有|連携)"),),
              words=((None, "マイナ保険証"), (None, "電子処方箋"), (None, "マイナンバーカード"))),
    FilterRow("off_hours", "off_hours", "off_hours.modes", "通常の診療時間外の診療（２号機能イ）",
              "通常の診療時間外の診療に対応（いずれかの方法）", page=11,
              values=("rota", "self_anytime", "self_plus_partners"),
              value_labels=(("rota", "時間外の診療：在宅当番医制・休日夜間急患センター等に参加"),
                            ("self_anytime", "時間外の診療：自院の連絡先を渡して随時対応"),
                            ("self_plus_partners", "時間外の診療：自院での一定の対応に加えて他医療機関と連携して随時対応")),
              chip="時間外", strength=True,
              looser=(Looser("self_anytime", "off_hours", None, "当番医制や連携による時間外対応も含める"),
                      Looser("rota", "off_hours", None, "ほかの方法による時間外対応も含める"),
                      Looser("self_plus_partners", "off_hours", None, "ほかの方法による時間外対応も含める")),
              # 在宅当番医制 is a 2号イ off-hours rota (ガイドライン 第2章第3節 ２号機能（イ）), not home care: the
              # longer span wins over the bare 「在宅」 of the home_care phrasing.
              phrasings=(Phrasing(200, r"(在宅)?当番医(制)?|急患センター|輪番(制)?", "rota"),
                         Phrasing(201, r"(他の医療機関|ほかの医療機関|他院)と連携して(時間外|夜間|休日|随時)",
                                  "self_plus_partners"),
                         Phrasing(202, r"自院の連絡先|直接(連絡|電話)(でき|が(でき|つな))", "self_anytime"),
                         Phrasing(203, _OFF_HOURS_WHEN + r"((?:(?!家|自宅|往診|訪問|来て|きて).){0,10}?)(診|対応|やって|開いて|受診|相談|連絡|電話|かかれ|見て|行け|み)|"
                                       r"時間外(対応|診療)?|休日(対応|診療)|夜間(対応|診療)")),
              qualifiers=(Qualifier(r"自院.{0,20}?(連携|ほか|他)|(連携|ほかの医療機関|他の医療機関|他院).{0,20}?自院",
                                    "off_hours", "self_plus_partners"),
                          Qualifier(r"直接.{0,6}?(電話|連絡|かけ)|自院(に|へ)(直接)?(電話|連絡)|(電話|連絡)(すれば|したら|が(つな|でき))",
                                    "off_hours", "self_anytime"),
                          Qualifier(r"当番|輪番|急患センター", "off_hours", "rota")),
              words=((None, "夜間診療"), (None, "休日診療"), (None, "時間外診療"), (None, "夜も診て"),
                     (None, "休みの日も診て"), ("rota", "当番医"))),
    FilterRow("backup_beds", "backup_beds", "admission_support.backup_beds", "後方支援病床の確保（２号機能ロ）",
              "後方支援病床を確保（自院または連携）", page=11, values=("self", "partnered"),
              value_labels=(("self", "後方支援病床を自院で確保"), ("partnered", "後方支援病床を連携により確保")),
              chip="後方支援病床", strength=True,
              looser=(Looser("self", "backup_beds", None, "連携による後方支援病床の確保も含める"),),
              phrasings=(Phrasing(210, r"自院(で|に)(入院|病床|ベッド)", "self"),
                         Phrasing(211, r"連携(して|先|により|で)(の)?(入院|病床|ベッド)", "partnered"),
                         Phrasing(212, r"後方支援(病床)?|バックベッド|急変.{0,12}?入院|入院(させ|でき|を?受け?入れ|先(?!の(病院|医療機関|先生|医師|主治医))|の受け?入れ|受入|まで)|"
                                       r"緊急入院|病床(を)?確保")),
              qualifiers=(Qualifier(r"自院(で|に|の|だけ)|自前|自分(の|と)?(ところ|とこ)|自分の(病院|ところ)", "backup_beds", "self"),
                          Qualifier(r"連携(先|して|している|により|で|医療機関|病院|診療所)|提携(先|して)|"
                                    r"(ほか|他|よそ)の(医療機関|診療所|病院)と.{0,4}?(連携|組ん|提携)", "backup_beds", "partnered")),
              words=((None, "後方支援病床"), (None, "入院させてくれる"), (None, "入院先"))),
    FilterRow("discharge_rules", "flag", "admission_support.discharge_rules",
              "地域の退院ルール・地域連携クリティカルパスへの参加", "地域の退院ルール・地域連携クリティカルパスに参加",
              page=11, show=_yes("参加"), strength=True,
              phrasings=(Phrasing(215, r"退院(ルール|支援|調整)|クリティカルパス|地域連携パス|"
                                       r"退院(の)?(時|とき|後)(の)?(連携|支援|調整)"),),
              words=((None, "退院ルール"), (None, "退院調整"))),
    FilterRow("admission_info_sharing", "flag", "admission_support.admission_info_sharing",
              "入院時の情報共有（診療報酬項目の算定回数）", "入院時に入院先と情報を共有した実績あり", page=11, show=_times,
              phrasings=(Phrasing(209, r"入院(する)?(時|とき|の際|時点)(に|の)?.{0,8}?(情報|様子|状態).{0,6}?(共有|提供|伝え|連携)|"
                                       r"入院時(の)?情報(の)?(共有|提供|連携)|入院先(に|へ|と).{0,8}?(情報|様子).{0,4}?(共有|伝え|提供)"),),
              words=((None, "入院時の情報共有"),)),
    FilterRow("discharge_guidance", "flag", "admission_support.discharge_info_sharing",
              "退院時の情報共有・共同指導（診療報酬項目の算定回数）", "退院時の情報共有・共同指導の実績あり", page=11,
              show=_times,
              phrasings=(Phrasing(214, r"退院時(の)?(共同指導|情報(の)?(共有|提供))|共同指導|"
                                       r"退院(する)?(時|とき|前|の際)(に|の)?.{0,10}?(一緒に|共同で|合同で)?.{0,6}?(指導|カンファ|情報(を)?共有)|"
                                       # one sentence that names discharge and a joint briefing: 「退院の時に病院の先生たちと打ち合わせて…指導」
                                       r"退院(する|の)?(時|とき|前|際)[^。？?]{0,40}?(打ち合わせ|打合せ|カンファ|話し合|一緒に|共同で|共同して|合同で)"
                                       r"[^。？?]{0,30}?指導"),),
              words=((None, "退院時共同指導"),)),
    FilterRow("home_care", "home_care", "home_care.mode", "在宅医療の提供体制（２号機能ハ）",
              "在宅医療を提供（いずれかの方法）", page=11, values=("daytime", "24h_self", "24h_with_partners"),
              value_labels=(("daytime", "在宅医療：自院で日中のみ対応"), ("24h_self", "在宅医療：自院で24時間対応"),
                            ("24h_with_partners", "在宅医療：自院での一定の対応に加えて連携により24時間対応")),
              chip="在宅医療", strength=True, measured_by=("home_visits", "urgent_visits"),
              looser=(Looser("24h_self", "home_care_24h", None, "連携による24時間対応も含める"),),
              phrasings=(Phrasing(100, r"自院で24時間|自分のところで24時間|単独で24時間", "24h_self"),
                         Phrasing(101, r"連携(して|により|による|で)(の)?24時間", "24h_with_partners"),
                         Phrasing(150, r"日中(だけ|のみ)(の)?(在宅|訪問)", "daytime"),
                         # 「往診してくれる」 in everyday speech means home visits at all (２号ハ, any mode); only
                         # the report's count is 往診の実績 (urgent_visits).
                         Phrasing(160, VISIT)),
              qualifiers=(Qualifier(r"(日中|昼間|平日の昼|昼)(だけ|のみ|の時間だけ)", "home_care", "daytime"),),
              words=((None, "往診"), (None, "訪問診療"), (None, "在宅医療"), (None, "家に来てくれる"),
                     (None, "家まで来て"), (None, "自宅に来て"))),
    FilterRow("home_care_24h", "home_care", "home_care.mode", "在宅医療の提供体制（２号機能ハ）",
              "24時間の在宅医療（自院または連携）", page=11, chip="24時間", strength=True,
              measured_by=("urgent_visits", "home_visits"),
              looser=(Looser(None, "home_care", None, "日中のみの在宅医療も含める"),),
              # the hour and the visit in one predicate: 「夜間も診てくれて、往診も」 asks for two things
              phrasings=(Phrasing(102, rf"{ANY_HOUR}{_NO_OWN_PREDICATE}{VISIT_AT_HOUR}|{VISIT}{_NO_OWN_PREDICATE}{ANY_HOUR}|在宅療養支援"),
                         # 「24時間対応」 with no other anchor: the report's only round-the-clock item is 2号ハ.
                         Phrasing(900, r"24時間|二十四時間")),
              qualifiers=(Qualifier(r"自院(だけ|のみ|単独)?で|単独で|自前で|自分のところ(だけ)?で|(だけ|のみ)で(24|二十四)",
                                    "home_care", "24h_self"),
                          Qualifier(r"(ほか|他|よそ)の(医療機関|診療所|病院)と.{0,4}?(連携|組ん)|連携(して|により|で)(の)?(24|二十四)",
                                    "home_care", "24h_with_partners")),
              words=((None, "二十四時間往診"), (None, "夜中でも往診"))),
    FilterRow("home_visits", "flag", "home_care.home_visits", "訪問診療の算定回数", "訪問診療の実績あり", page=11,
              show=_times, strength=True, phrasings=(Phrasing(141, r"訪問診療.{0,10}?(実績|件数|回数|算定)|(実績|算定).{0,8}?訪問診療"),)),
    FilterRow("urgent_visits", "flag", "home_care.urgent_visits", "往診の算定回数", "往診の実績あり", page=11,
              show=_times, strength=True,
              looser=(Looser(None, "home_care", None, "往診の実績を問わず在宅医療を提供している医療機関にする"),),
              phrasings=(Phrasing(140, r"往診.{0,10}?(実績|件数|回数|算定)|(実績|算定).{0,8}?往診"),)),
    FilterRow("nursing_visits", "flag", "home_care.nursing_visits", "訪問看護の算定回数", "訪問看護の実績あり", page=11,
              show=_times,
              looser=(Looser(None, "nursing_instructions", None, "訪問看護指示書を出している医療機関にする"),),
              phrasings=(Phrasing(138, r"訪問看護(?!.{0,12}?指示)|看護師(さん)?(が|に)?.{0,6}?(家|いえ|自宅|うち)(に|へ|まで)?.{0,4}?(来|き(て|た|ま)|訪問)|"
                                       r"(家|いえ|自宅|うち)(に|へ|まで).{0,4}?看護師"),),
              words=((None, "訪問看護"),)),
    FilterRow("nursing_instructions", "flag", "home_care.nursing_instructions", "訪問看護指示料の算定回数",
              "訪問看護指示書を出した実績あり", page=11, show=_times,
              phrasings=(Phrasing(137, r"訪問看護(ステーション)?(に|へ|の)?.{0,6}?指示(書|料)?|看護(の)?指示書|指示書"),),
              words=((None, "訪問看護指示書"),)),
    FilterRow("home_deaths", "flag", "home_care.home_deaths", "在宅看取りの算定回数", "在宅看取りの実績あり", page=11,
              show=_times, chip="看取り", strength=True,
              looser=(Looser(None, "home_care_24h", None, "看取りの実績を問わず24時間の在宅医療にする"),),
              phrasings=(Phrasing(110, r"看取|みとり|ミトリ|最期(まで|を(迎え|家|自宅))|(家|自宅)で(最期|亡くな|死)|在宅死"),),
              words=((None, "看取り"), (None, "家で最期"))),
    FilterRow("care_collab", "flag", "care_collaboration.has", "介護サービス等と連携した医療提供（２号機能ニ）",
              "介護サービス等と連携した医療提供を行っている", page=11, show=_yes("有り"), chip="介護連携", strength=True,
              measured_by=("care_manager_info",),
              phrasings=(Phrasing(232, r"介護(の)?(サービス|事業所|事業者|事業|施設|保険|職|福祉|の)*(等)?(さん)?(と|との|とも)(の)?[^。、？?]{0,6}?"
                                       r"(連携|協力|一緒に|組んで|共同)|介護連携|"
                                       r"医療と介護(の|が)?連携|介護と(の)?連携|介護(サービス|事業所|事業者)(さん)?と(つなが|やりとり|協力)|"
                                       r"(デイサービス|デイケア|ヘルパー|訪問介護|ショートステイ|介護(の)?(人|スタッフ|職員|現場))(さん)?"
                                       r"(と|とも|との|や).{0,12}?(連携|協力|やりとり|やり取り|つなが)"),),
              words=((None, "介護連携"), (None, "介護サービスと連携"))),
    FilterRow("opinion_letters", "flag", "care_collaboration.opinion_letters", "主治医意見書の作成",
              "主治医意見書を作成している", page=11, show=_yes("作成"),
              phrasings=(Phrasing(221, r"主治医(の)?意見書|意見書"),), words=((None, "主治医意見書"),)),
    FilterRow("care_meetings", "flag", "care_collaboration.care_meetings", "地域ケア会議・サービス担当者会議等への参加",
              "地域ケア会議・サービス担当者会議等に参加", page=11, show=_yes("参加"),
              phrasings=(Phrasing(222, r"地域ケア会議|サービス担当者会議|担当者会議|ケア会議|サ担(会議)?"),),
              words=((None, "サービス担当者会議"), (None, "地域ケア会議"))),
    FilterRow("care_manager_info", "flag", "care_collaboration.care_manager_info_count",
              "介護支援専門員等への情報共有・指導（診療報酬項目の算定回数）", "ケアマネジャー等へ情報を共有・提供した実績あり",
              page=11, show=_times,
              phrasings=(Phrasing(219, r"(ケアマネ(ジャー|ージャー)?|介護支援専門員)(さん)?(に|へ|と)(の)?.{0,8}?"
                                       r"(情報|様子|診療内容|病状)(を|の)?.{0,4}?(共有|提供|伝え|教え)|"
                                       r"(情報|様子|診療内容|病状)(を|の)?.{0,6}?(ケアマネ(ジャー|ージャー)?|介護支援専門員)(さん)?(に|へ|と)"
                                       r".{0,6}?(共有|提供|伝え|教え)"),),
              words=()),
    FilterRow("care_manager_consults", "flag", "care_collaboration.care_manager_consults",
              "介護支援専門員・相談支援専門員との相談機会の設定", "介護支援専門員（ケアマネジャー）等と相談する機会を設けている",
              page=11, show=_yes("設定あり"),
              phrasings=(Phrasing(220, r"(ケアマネ(ジャー|ージャー)?|介護支援専門員|相談支援専門員)"
                                       r"(?!(ジャー|ージャー)?(です|をして|をやって|として|の(私|者|立場|仕事)|歴|になって))(さん)?(と|との|に|から)?(の)?"
                                       r"(連携|相談|協力|話)?"),),
              words=((None, "ケアマネジャー"),)),
    FilterRow("cooperating_facility", "list", "care_collaboration.cooperating_facilities",
              "協力医療機関となっている介護保険施設等", "介護保険施設等の協力医療機関になっている", page=11, show=_names,
              free_value=True,
              phrasings=(Phrasing(223, r"協力医療機関|協力医|" + _CARE_HOME + r"(の)?(協力|嘱託|提携|配置医)"),),
              words=((None, "協力医療機関"),)),
    FilterRow("info_sharing_system", "flag", "care_collaboration.info_sharing_system",
              "地域の医療・介護情報共有システムの参加・活用", "地域の医療・介護情報共有システムに参加・活用", page=11,
              show=_yes("参加・活用"),
              phrasings=(Phrasing(224, r"情報共有(の)?(システム|ネットワーク|ツール)|ICT|医療介護(連携)?(ネットワーク|システム)|"
                                       r"連携システム"),),
              words=((None, "情報共有システム"),)),
    FilterRow("acp", "flag", "care_collaboration.acp", "ＡＣＰ（人生会議）の実施", "ACP（人生会議）を実施", page=11,
              show=_yes("実施"), chip="ACP", strength=True,
              phrasings=(Phrasing(120, r"ACP|人生会議|アドバンス[・ ]?ケア[・ ]?プランニング|最期の(過ごし方|迎え方)|"
                                       r"(治療|医療|ケア)の方針を.{0,4}話し合|"
                                       # planning care ahead with family: 「もしものときの医療について前もって家族と話し合う」
                                       r"(もしも|もしもの|万が一|万一|いざという|将来|最期|終末期|人生の最終段階)(の)?(とき|時|こと)?(の|に)?[^。？?]{0,16}?"
                                       r"(前もって|事前に|あらかじめ|元気なうちに)?[^。？?]{0,10}?(話し合|話しあ|相談して決め|希望を(聞|確認|共有))|"
                                       r"(前もって|事前に|あらかじめ|元気なうちに)[^。？?]{0,16}?(家族|本人)[^。？?]{0,6}?(話し合|話しあ)"),),
              words=((None, "人生会議"),)),
    FilterRow("checkups", "flag", "other.checkups", "健診の実施", "健診を実施", page=12, show=_yes("実施"),
              phrasings=(Phrasing(250, r"健診|健康診断|検診|人間ドック"),), words=((None, "健康診断"),)),
    FilterRow("vaccinations", "flag", "other.vaccinations", "予防接種の実施", "予防接種を実施", page=12,
              show=_yes("実施"),
              phrasings=(Phrasing(251, r"予防接種|ワクチン|(インフル|コロナ).{0,6}接種"),), words=((None, "予防接種"),)),
    FilterRow("community_activity", "list", "other.community_activities",
              "地域活動（学校医・産業医・警察業務等）", "地域活動（学校医・産業医・警察業務等）を行っている", page=12,
              values=COMMUNITY_ACTIVITIES, show=_names,
              value_labels=tuple((v, f"地域活動：{v}を担っている") for v in COMMUNITY_ACTIVITIES),
              phrasings=(Phrasing(252, r"学校医|校医|学校の(お医者|先生|健診)", "学校医"),
                         Phrasing(253, r"産業医", "産業医"),
                         Phrasing(254, r"警察(業務|医|の検案)|検案", "警察業務"),
                         Phrasing(255, r"地域活動|地域の活動")),
              words=(("学校医", "学校医"), ("産業医", "産業医"))),
    FilterRow("education", "flag", "other.education", "学生・研修医等の教育", "医学生・研修医等の教育に協力", page=12,
              show=_yes("協力"),
              phrasings=(Phrasing(256, r"研修医|医学生|(学生|実習生)(の)?(教育|受け入れ|実習)|教育(に)?(協力|熱心)"),)),
    FilterRow("future_intent", "flag", "other.future_intent", "今後担う意向", "機能が「有り」でないが今後担う意向あり",
              page=12, show=_yes("意向あり"),
              # 「今後在宅医療をやっていく意向がある」: a time word, then (within the clause) a word of intending
              phrasings=(Phrasing(257, r"(今後|将来|これから|いずれ|ゆくゆく)[^。？?、]{0,20}?(意向|予定|つもり|考え|計画|意思)|"
                                       r"(担う|取り組む)意向"),)),
    # 今後担う意向 per function (P.12): read from 「今後在宅医療を始める予定の診療所」 when the intended item names a
    # function (assistant/parse.py), never from the item alone.
    FilterRow("future_function", "list", "other.future_functions", "今後担う意向のある機能",
              "今後担う意向のある機能を報告している", page=12, values=FUTURE_FUNCTION_NAMES, show=_names,
              value_labels=tuple((v, f"{v}を今後担う意向あり（現時点では「有り」でない）") for v in FUTURE_FUNCTION_NAMES)),
    FilterRow("confirmed_2go", "flag", "confirmed_2go", "都道府県による２号機能の体制の確認",
              "２号機能の体制を都道府県が確認済み", page=8, show=_yes("確認済み"),
              phrasings=(Phrasing(258, r"(都道府県|県|都)(が|に|の)?(よる)?.{0,10}?確認(が|を)?(済|され|した|ずみ|受け)|確認済み"),)),
)

BY_NAME: dict[str, FilterRow] = {row.name: row for row in ROWS}
# The function each row belongs to (its record block), for 「今後〇〇を担う意向」.
FUTURE_FUNCTION_OF: dict[str, str] = {
    row.name: name for row in ROWS for block, name in FUTURE_FUNCTIONS if row.field.split(".", 1)[0] == block
}
# Rows whose field is a 算定回数 (an amount that regional figures add up): the rows shown as 「〇回」.
AMOUNT_ROWS: tuple[FilterRow, ...] = tuple(row for row in ROWS if row.show is _times)


def measuring_amounts(names: Iterable[str]) -> tuple[str, ...]:
    """The amount rows that measure the asked conditions, in the order asked, each once: an amount row measures
    itself, another row what its ``measured_by`` names (「往診してくれる」 → 訪問診療・往診の算定回数)."""
    amounts = {row.name for row in AMOUNT_ROWS}
    out: list[str] = []
    for name in names:
        row = BY_NAME.get(name)
        for amount in ((name,) if name in amounts else row.measured_by if row else ()):
            if amount not in out:
                out.append(amount)
    return tuple(out)
FILTER_NAMES: tuple[str, ...] = tuple(row.name for row in ROWS)
