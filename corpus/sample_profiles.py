"""Tables behind the fictional sample: clinic profiles, disease↔domain links, rough populations.

Populations are approximate figures in thousands (rounded; used only to spread the invented
facilities roughly like real density). Daytime factors raise central Tokyo wards, where clinics
cluster around offices.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from corpus.vocab import Vocab

# 17 診療領域 → the 一次診療 diseases that typically fall under it (別添3 の疾患リスト).
DOMAIN_DISEASES: dict[str, tuple[str, ...]] = {
    "皮膚・形成外科領域": ("皮膚の疾患", "外傷"),
    "神経・脳血管領域": ("頭痛（片頭痛）", "脳梗塞", "末梢神経障害", "認知症"),
    "精神科・神経科領域": ("統合失調症", "うつ（気分障害、躁うつ病）", "不安、ストレス（神経症）", "睡眠障害", "認知症"),
    "眼領域": ("結膜炎、角膜炎、涙腺炎", "白内障", "緑内障", "近視・遠視・老眼（屈折及び調節の異常）"),
    "耳鼻咽喉領域": ("中耳炎・外耳炎", "難聴", "アレルギー性鼻炎"),
    "呼吸器領域": ("喘息・COPD", "かぜ、感冒"),
    "消化器系領域": ("下痢、胃腸炎", "便秘", "がん"),
    "肝・胆道・膵臓領域": ("慢性肝炎（肝硬変、ウイルス性肝炎）", "がん"),
    "循環器系領域": ("高血圧", "狭心症", "不整脈", "心不全"),
    "腎・泌尿器系領域": ("前立腺肥大症", "慢性腎臓病"),
    "産科領域": ("正常妊娠・産じょくの管理",),
    "婦人科領域": ("更年期障害",),
    "乳腺領域": ("乳房の疾患", "がん"),
    "内分泌・代謝・栄養領域": ("糖尿病", "脂質異常症"),
    "血液・免疫系領域": ("貧血",),
    "筋・骨格系及び外傷領域": ("関節症（関節リウマチ、脱臼）", "骨粗しょう症", "腰痛症", "頸腕症候群", "外傷", "骨折"),
    "小児領域": ("かぜ、感冒", "下痢、胃腸炎", "アレルギー性鼻炎", "喘息・COPD"),
}


@dataclass(frozen=True)
class Profile:
    """A kind of facility: its name suffix, core 診療領域 and how likely it reports each function."""

    suffix: str
    domains: tuple[str, ...]
    weight: float
    p_function1: float
    home_care_bias: float = 1.0
    extra_domain_p: float = 0.05


_INTERNAL = ("呼吸器領域", "消化器系領域", "循環器系領域", "内分泌・代謝・栄養領域", "血液・免疫系領域")
PROFILES: tuple[Profile, ...] = (
    Profile("内科クリニック", _INTERNAL, 34, 0.92, 1.0, 0.15),
    Profile("ファミリークリニック", (*_INTERNAL, "小児領域", "皮膚・形成外科領域", "筋・骨格系及び外傷領域"), 9, 0.97, 1.3, 0.3),
    Profile("こどもクリニック", ("小児領域", "呼吸器領域", "皮膚・形成外科領域"), 7, 0.85, 0.3),
    Profile("整形外科", ("筋・骨格系及び外傷領域",), 8, 0.6, 0.5),
    Profile("皮ふ科", ("皮膚・形成外科領域",), 6, 0.5, 0.3),
    Profile("眼科", ("眼領域",), 6, 0.45, 0.2),
    Profile("耳鼻咽喉科", ("耳鼻咽喉領域",), 5, 0.55, 0.2),
    Profile("こころのクリニック", ("精神科・神経科領域", "神経・脳血管領域"), 5, 0.5, 0.4),
    Profile("レディースクリニック", ("産科領域", "婦人科領域", "乳腺領域"), 4, 0.5, 0.2),
    Profile("外科胃腸科", ("消化器系領域", "肝・胆道・膵臓領域", "乳腺領域", "皮膚・形成外科領域"), 4, 0.7, 0.8),
    Profile("泌尿器科", ("腎・泌尿器系領域",), 3, 0.5, 0.4),
    Profile("在宅クリニック", (*_INTERNAL, "神経・脳血管領域", "精神科・神経科領域"), 4, 0.95, 3.0, 0.2),
    Profile("脳神経外科", ("神経・脳血管領域",), 2, 0.6, 0.5),
    Profile("ハートクリニック", ("循環器系領域",), 3, 0.7, 0.6),
)
_HOSPITAL = Profile("病院", (*_INTERNAL, "神経・脳血管領域", "筋・骨格系及び外傷領域", "腎・泌尿器系領域",
                          "肝・胆道・膵臓領域"), 1, 0.6, 1.0, 0.35)


def hospital_profile() -> Profile:
    """The profile used for sample hospitals."""
    return _HOSPITAL


def diseases_for(domains: list[str], vocab: Vocab, rng: random.Random) -> list[str]:
    """Diseases the facility treats: most of those under its domains, in the vocabulary's order."""
    linked = {d for domain in domains for d in DOMAIN_DISEASES.get(domain, ())}
    chosen = [d for d in vocab.diseases if d in linked and rng.random() < 0.85]
    unlinked = [d for d in vocab.diseases if not any(d in v for v in DOMAIN_DISEASES.values())]
    chosen += [d for d in unlinked if rng.random() < 0.3]  # keep every vocabulary entry reachable
    return chosen or [d for d in vocab.diseases if d in linked][:1]


NAME_WORDS = ("あおば", "ひだまり", "みらい", "さくら", "わかば", "こもれび", "つばさ", "ひかり", "やまびこ",
              "しおかぜ", "そよかぜ", "あさひ", "ほしぞら", "もみじ", "すずらん", "かえで", "なぎさ", "いずみ")
# Place words that tell apart two facilities of the same kind and word in one municipality.
PLACE_WORDS = ("駅前", "本町", "けやき通り", "いちょう通り", "緑町", "栄町", "新町", "旭町", "元町", "朝日台",
               "つつじが丘", "宮前", "東口", "西口")
CARE_HOMES = ("特別養護老人ホームあおぞら", "介護老人保健施設ひなた", "グループホームこすもす",
              "介護医療院やすらぎ", "特別養護老人ホームせせらぎ", "有料老人ホームなごみ")

POPULATION_K: dict[str, dict[str, float]] = {
    "東京都": {
        "千代田区": 68, "中央区": 175, "港区": 265, "新宿区": 350, "文京区": 230, "台東区": 215, "墨田区": 280,
        "江東区": 535, "品川区": 420, "目黒区": 280, "大田区": 730, "世田谷区": 940, "渋谷区": 230,
        "中野区": 335, "杉並区": 570, "豊島区": 300, "北区": 355, "荒川区": 218, "板橋区": 570, "練馬区": 740,
        "足立区": 690, "葛飾区": 465, "江戸川区": 685, "八王子市": 560, "立川市": 185, "武蔵野市": 148,
        "三鷹市": 190, "青梅市": 130, "府中市": 260, "昭島市": 113, "調布市": 240, "町田市": 430,
        "小金井市": 125, "小平市": 195, "日野市": 187, "東村山市": 150, "国分寺市": 127, "国立市": 76,
        "福生市": 56, "狛江市": 83, "東大和市": 85, "清瀬市": 74, "東久留米市": 116, "武蔵村山市": 70,
        "多摩市": 146, "稲城市": 93, "羽村市": 54, "あきる野市": 80, "西東京市": 205, "瑞穂町": 32,
        "日の出町": 17, "檜原村": 2, "奥多摩町": 5, "大島町": 7.5, "利島村": 0.3, "新島村": 2.6,
        "神津島村": 1.8, "三宅村": 2.3, "御蔵島村": 0.3, "八丈町": 7, "青ヶ島村": 0.2, "小笠原村": 2.6,
    },
    "高知県": {
        "高知市": 320, "室戸市": 12, "安芸市": 16, "南国市": 46, "土佐市": 26, "須崎市": 20, "宿毛市": 19,
        "土佐清水市": 12, "四万十市": 33, "香南市": 32, "香美市": 25, "東洋町": 2.2, "奈半利町": 3,
        "田野町": 2.5, "安田町": 2.3, "北川村": 1.2, "馬路村": 0.8, "芸西村": 3.6, "本山町": 3.3,
        "大豊町": 3.3, "土佐町": 3.7, "大川村": 0.4, "いの町": 21, "仁淀川町": 5, "中土佐町": 6.3,
        "佐川町": 12, "越知町": 5, "檮原町": 3.3, "日高村": 4.8, "津野町": 5, "四万十町": 16,
        "大月町": 4.5, "三原村": 1.4, "黒潮町": 10,
    },
}
DAYTIME_FACTOR: dict[str, float] = {"千代田区": 3.0, "中央区": 2.0, "港区": 1.8, "新宿区": 1.5, "渋谷区": 1.5}
