"""Wishes no report item holds, and the sentences that say so (the answer never claims more than it understood).

The かかりつけ医機能報告 covers the items of ガイドライン 第2章第3節 (docs/filters.md). People also ask for
parking, a female doctor, English, reviews…: none of these is reported, so none can become a condition. They are
read here (rank before the registry's phrasings, so 「土曜の午後も開いている」 is opening hours, not 時間外の診療),
named back to the user, and the answer then speaks of 「読み取れた条件」 only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.markup import md_text
from assistant.reading import content_nouns

# (attribute, Japanese name of what is missing, regex on the NFKC message)
UNANSWERABLE: tuple[tuple[str, str, str], ...] = (
    ("parking", "駐車場の有無", r"駐車場|駐車|パーキング|車で(行|通)"),
    ("female_doctor", "医師の性別", r"女性(の)?(医師|先生|ドクター|お医者さん|医)|女医|男性(の)?(医師|先生)"),
    ("language", "外国語での対応", r"英語|中国語|韓国語|ベトナム語|ポルトガル語|外国語|多言語|通訳|English"),
    ("reviews", "評判・口コミ", r"口コミ|くちこみ|クチコミ|評判|(評価|レビュー)(が|の)?(高|良|いい)|人気(の|が)|おすすめ|オススメ|名医|有名"),
    ("waiting_time", "待ち時間", r"待ち時間|待たされ|待たず|待たな|すぐ(診て|みて)もらえ|空いて(いる|る)"),
    # 「新宿駅の近くで」 names where to search (近く); 「駅から近い」 is a wish about the facility.
    ("station_access", "駅からの距離", r"(駅|えき)から.{0,3}?(近|ちか|すぐ|徒歩|歩い|あるい)|駅(に|が)近い|駅前|駅近|駅チカ|バス停"),
    ("barrier_free", "バリアフリー設備", r"バリアフリー|車椅子|車いす|エレベーター|段差|スロープ"),
    ("online", "オンライン診療", r"オンライン(診療|診察|で(診|相談))|遠隔診療|ビデオ(通話|診療)|電話(で)?(の)?診(療|察)"),
    ("opening_hours", "診療時間・曜日ごとの受付時間",
     r"(土曜|日曜|平日|水曜|木曜)(日)?(の)?(午後|午前|夕方)(も|に|は|まで)?(開いて|やって|診て|みて|受診|診療|診察)?|"
     r"(朝|午前|午後|夕方)(早く|遅く)?(から|も|まで)?(開いて|やって)|"
     r"早朝|昼休み|[0-9]{1,2}時(まで|以降|から)|何時まで"),
    ("reservation", "予約の方法", r"予約(制|なし|不要|でき|が取|しやす)|ネット予約|WEB予約|ウェブ予約|予約なしで"),
    ("price", "費用・料金", r"(安(い|く|め|価|かった)|格安|低価格|リーズナブル|料金|費用|値段|無料|自己負担|お金が(かから|安))"),
    ("private_room", "個室・病室の設備", r"個室|差額ベッド"),
    ("transport", "送迎サービス", r"送迎(バス|サービス|車)?|シャトルバス|無料バス|迎えに来"),
    ("kids_space", "キッズスペース・託児", r"キッズスペース|キッズ|託児|授乳室"),
    ("delivery", "薬の配達", r"(薬|くすり)(を|の)?(配達|宅配|届け)|配達"),
    ("equipment", "検査機器・設備", r"MRI|(?<![A-Za-z])CT(検査)?|レントゲン|内視鏡|胃カメラ|エコー|検査機器"),
    ("manner", "医師の人柄", r"優しい|やさしい|親切|丁寧|話しやすい|怖くない|若い先生|ベテラン|相性"),
    # 診療科 are base data (医療情報ネット), not report items; the report's 17 領域 cover 小児・皮膚・眼… (registry).
    ("department", "診療科（内科・外科）の区別",
     r"(?<![療経器成形腸])内科|(?<![療経器成形腸脳])外科|総合内科"),
    ("dental", "歯科（この報告制度の対象外）", r"歯科|歯医者|入れ歯|虫歯"),
    ("pharmacy", "薬局（この報告制度の対象外）", r"調剤薬局|薬局|ドラッグストア"),
    # a doctor asked for by name: no report item names doctors (and a person is not searched for)
    ("named_doctor", "医師の名前", r"[一-龥ァ-ヺ]{1,5}(先生|医師|ドクター|院長)(という|っていう|と言う|って(いう|人|方))|"
                                  r"(という|っていう)(名前の)?(先生|医師|ドクター|院長)"),
    ("payment", "支払い方法", r"クレジット(カード)?|カード(払い|が使え|で払え)|キャッシュレス|電子マネー|QR(コード)?決済|PayPay|現金(のみ|だけ)"),
)
WISH_RANK = 50  # before every registry phrasing (the lowest rank there is 100)


@dataclass(frozen=True)
class Wish:
    """Part of the question that could not be turned into a condition, and why."""

    text: str  # the span of the question, as the user wrote it
    start: int
    end: int
    attribute: str  # an UNANSWERABLE key, or "unknown"
    source: str = "rule"  # rule | semantic

    @property
    def reason(self) -> str:
        """Why it is not a condition (Japanese)."""
        if self.attribute == "unknown":
            return "条件として読み取れませんでした"
        name = next((n for a, n, _ in UNANSWERABLE if a == self.attribute), self.attribute)
        if "対象外" in name:
            return f"{name}のため、条件にできません"
        return f"{name}は報告項目にないため、条件にできません"

    def to_dict(self) -> dict[str, str]:
        """JSON form (``unapplied`` of the answer)."""
        return {"text": self.text, "attribute": self.attribute, "reason": self.reason}


def unapplied_lines(wishes: tuple[Wish, ...]) -> list[str]:
    """The sentences that tell the user which wishes were not applied."""
    return [f"※「{md_text(w.text)}」は{w.reason}。" for w in wishes]


# A leftover part of a facility question (no rule and no exemplar read it) that still asks for something: a
# request or existence predicate, and a noun of its own. Predicates alone (「書いてくれる」「参加している」) carry a
# condition already read; people and time words (父, 利用者, 最近) and generic nouns (両方, 機会) are context.
_REQUEST = re.compile(r"くれ|もらえ|でき|対応|やって|やってる|(が|も|の)(ある|あり|あっ|いる|います|おる)|ほしい|欲しい|可能|受けられ|使え|入れ|"
                      # what the facility or its staff can do or is like (「手話で話せる」「待合室が広くて」)
                      r"話せ|通じ|(が|の|は)(広|狭|きれい|綺麗|清潔|新し|静か|明る|多|少な|大き|小さ|近|遠)")
# 「〜している」 (what a facility does) asks for something too, but mostly it is the predicate of an item already
# read (「…に参加している」「…の教育をしている」): there, only a noun that is not itself an action counts.
_DOING = re.compile(r"(し|して|行って|おこなって)(いる|る|います|おり)")
LIGHT_NOUNS = frozenset((
    "父", "母", "親", "両親", "家族", "子", "子ども", "夫", "妻", "祖父", "祖母", "本人", "自分", "私", "友人", "同僚",
    "利用者", "患者", "方", "人", "者", "さん", "今", "最近", "先月", "前", "後", "今後", "時", "とき", "場合", "場所", "場",
    "両方", "一緒", "ほか", "他", "こと", "もの", "程度", "以外", "機会", "先", "ところ", "とこ", "所", "感じ", "よう",
    "対応", "作成", "実施", "提供", "確保", "可能", "相談", "お願い", "一覧", "確認", "把握", "紹介", "申請", "希望",
    # heads that only carry an item already read (「総合診療の専門医がいる」「一次診療ができる」「実績があり」)
    "医師", "先生", "専門医", "看護師", "医療機関", "病院", "診療所", "クリニック", "医院", "お医者さん", "医者",
    "医療", "診療", "一次診療", "ドクター", "回数", "件数", "算定", "算定回数", "治療", "診察", "領域", "病気", "外来", "情報", "共有", "実績", "意向", "報告", "受け入れ",
    "支援", "参加", "連携", "在宅", "入院", "体制", "機能", "随時", "両方とも", "どちら", "障害", "保険証", "自院", "他院", "交付", "発行", "自宅",
    "システム", "ツール", "ネットワーク", "職種", "多職種", "ケアマネ", "ケアマネジャー",
    "気",
))


def unread_request(fragment: str) -> tuple[int, int] | None:
    """The span (within ``fragment``) of a wish that could not be read, from its first noun of its own, or None
    when the fragment asks for nothing new (context, or only the predicate of a condition already read)."""
    request = bool(_REQUEST.search(fragment))
    if not request and not _DOING.search(fragment):
        return None
    nouns = [(start, word) for start, word in content_nouns(fragment, verbal=request) if word not in LIGHT_NOUNS]
    if not nouns:
        return None
    return nouns[0][0], len(fragment)
