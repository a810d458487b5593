"""Safety rules: emergencies first, no diagnosis or medication advice, embedded instructions ignored."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Phrases that mean "act now": the answer must start with the emergency numbers.
_EMERGENCY = re.compile(
    r"胸(が|の)?(痛|いた|苦し|くるし|締め付け)|胸痛|意識が(ない|無い|ありません|もうろう|朦朧|おかしい)|意識不明|"
    r"呼吸が(苦し|くるし|でき|止ま|おかしい)|息が(でき|苦し|くるし|止ま)|息苦し|呼吸困難|"
    r"けいれん|痙攣|ひきつけ|引きつけ|血が止まらない|大量(に)?出血|吐血|下血|"
    r"ろれつが回らない|呂律|顔(の片側)?が(ゆがむ|歪|曲が)|片(側の)?(手足|腕|足)が(動かない|しびれ)|麻痺|"
    r"倒れ(て|た)|反応がない|返事がない|窒息|喉に詰ま|のどに詰ま|誤飲|"
    r"激しい(頭痛|腹痛)|突然の激しい|救急車|自殺|死にたい|大やけど|溺れ"
)
_CHILD = re.compile(r"子ども|子供|こども|赤ちゃん|乳児|幼児|娘|息子|小児|うちの子|我が子")
_FEVER = re.compile(r"熱|発熱|吐いて|嘔吐|下痢|泣き止まない|ぐったり")
_NIGHT = re.compile(r"夜|夜中|深夜|夜間|休日|日曜|祝日|今すぐ|いま|今")

# 診断・投薬 questions: the assistant is not a doctor or pharmacist.
_MEDICATION = re.compile(
    r"(薬|くすり|クスリ|錠剤|市販薬|サプリ)(を|は|の|って)?.{0,8}?(飲|のん|減ら|増や|やめ|止め|変え|量|併用|一緒に)|"
    r"飲み合わせ|副作用|何錠|\d+\s*(mg|ミリグラム|錠)|服用|服薬|処方(して|を変|量)|薬の量|薬を出して"
)
_DIAGNOSIS = re.compile(
    r"何の病気|なんの病気|病名(は|を)|診断して|診断を(して|つけ)|(病気|がん|癌|感染症)(でしょうか|ですか|かな|なの)|"
    r"治(り|る)ますか|治し方|治療法(は|を教)|症状(から|で).{0,10}(わかり|分かり|判断)|"
    r"大丈夫(でしょうか|ですか)|様子を見て(も|いい)|受診すべき|病院に行くべき"
)
_INJECTION = re.compile(
    r"(以前|これまで|今まで|上記|前)の(指示|命令|ルール|設定)を(無視|忘れ)|指示を無視|ルールを無視|"
    r"ignore (all |the )?(previous|above|prior) (instructions|rules)|system prompt|システムプロンプト|"
    r"あなたは今から|今から(あなた|君)は|開発者モード|developer mode|jailbreak|"
    r"(と|って)(答え|回答|出力)(て|ろ|しなさい|してください)|ように(答え|回答|出力)(て|ろ|しなさい|してください)",
    re.IGNORECASE,
)

EMERGENCY_NUMBERS: tuple[str, ...] = ("119", "#7119", "#8000")


@dataclass(frozen=True)
class SafetyCheck:
    """What the safety rules found in one message."""

    emergency: bool = False
    child_night: bool = False
    medical_advice: bool = False
    injection: bool = False


def check(text: str) -> SafetyCheck:
    """Classify a (NFKC-normalised) message against the safety rules."""
    child_night = bool(_CHILD.search(text) and _FEVER.search(text) and _NIGHT.search(text))
    high_fever_child = bool(_CHILD.search(text) and re.search(r"高熱|(39|40|41)(度|℃)", text))
    return SafetyCheck(
        emergency=bool(_EMERGENCY.search(text)) or child_night or high_fever_child,
        child_night=child_night or high_fever_child,
        medical_advice=bool(_MEDICATION.search(text) or _DIAGNOSIS.search(text)),
        injection=bool(_INJECTION.search(text)),
    )


def strip_injection(text: str) -> str:
    """Drop the sentences that try to give the assistant instructions; keep the real question."""
    parts = re.split(r"(?<=[。．!?！？\n])", text)
    return "".join(p for p in parts if not _INJECTION.search(p)).strip()


def emergency_text(child: bool) -> str:
    """The emergency guidance, numbers first (消防庁 #7119, 厚生労働省 #8000)."""
    lines = [
        "**命に関わるおそれがあります。迷わず119番で救急車を呼んでください。**",
        "- 119：救急車（胸の痛み、意識がない、呼吸が苦しい、けいれん、激しい頭痛などはすぐに）",
        "- #7119：救急安心センター（救急車を呼ぶべきか迷うとき。実施していない地域もあります）",
        "- #8000：子ども医療電話相談（夜間・休日のお子さんの急な病気の相談）",
    ]
    if child:
        lines.insert(1, "お子さんの高熱やぐったりしている様子が夜間・休日に続くときは、#8000 に相談できます。"
                        "呼びかけに反応しない・けいれんが止まらない・呼吸が苦しそうなときはすぐ119番へ。")
    lines.append("")
    lines.append("このアシスタントは診断や救急の判断はできません。落ち着いてから、かかりつけ医にも相談してください。")
    return "\n".join(lines)


def refusal_text() -> str:
    """A polite refusal for diagnosis / medication questions."""
    return (
        "申し訳ありませんが、症状の診断やお薬の飲み方・量についてはお答えできません。"
        "かかりつけ医、またはお薬を受け取った薬局の薬剤師にご相談ください。"
        "夜間・休日で受診を迷うときは #7119（救急安心センター）、お子さんのことなら #8000 も利用できます。\n\n"
        "このアシスタントでは、かかりつけ医機能報告制度の内容や、在宅医療・時間外対応などの機能を持つ医療機関探しをお手伝いできます。"
    )


def out_of_scope_text() -> str:
    """What to say when a question is outside the assistant's area."""
    return (
        "この質問にはお答えできません。このアシスタントがお手伝いできるのは次のことです。\n"
        "- かかりつけ医機能報告制度（ガイドライン・Ｑ＆Ａ集・取組事例集）についての質問\n"
        "- 「高知市で24時間往診してくれる診療所」のような、機能を条件にした医療機関探し"
    )


INJECTION_NOTE = "（質問に含まれていた、回答の方法を変えるような指示には従いません。）"
