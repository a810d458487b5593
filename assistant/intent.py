"""Intent routing: emergency first, then refusals, then guideline questions versus facility searches."""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.numbered import numbered_ref
from assistant.parse import ParsedQuery
from assistant.safety import SafetyCheck

# 「…会議を開いている市はありますか」: a municipality or prefecture that does something is asked for as a case study.
CASE_BY_AREA = r"((て|で)(いる|る)|した|つくった|作った)(市|町|村|区|県|都道府県|市町村|自治体|地域)(は|って|が)"
# Words that make a message a question about the system itself (ガイドライン・Ｑ＆Ａ・事例集).
STRONG_GUIDELINE = re.compile(
    r"事例|取組|取り組み|ガイドライン|Q&A|Q\d{1,2}(?!\d)|協議|制度|報告事項|報告義務|報告(の)?(対象|期限|時期|方法|頻度|内容)|"
    r"G-?MIS|様式|院内掲示|とは(?!別|違|異な|一緒|関係|連携)|って(何|なに|どういう)|定義|意味|なぜ|どうして|いつから|いつまで|義務|療養計画書|"
    r"患者(へ|に)(の)?説明|公表|普及啓発|圏域|都道府県(は|が|の役割)|市町村(は|が|の役割)|研修|特定機能病院|地域医療構想|"
    r"[12１２一二]号機能(の|と|とは(?!別|違|異な|一緒|関係|連携)|は|って|\(|（)|報告(する|しなければ|が必要)|確認(する|される|の方法)|"
    r"報告(は|を|も)?(しなきゃ|しなくちゃ|しないと|しなければ|する必要|が要る|が必要)|"
    + CASE_BY_AREA + "|"
    r"患者説明|説明(の)?(義務|様式|項目|内容)|努力義務|報告項目|項目|罰則|過料|基準日|休院|対象外|除外|"
    r"スケジュール|期限|コーディネーター|(な|た|る|の)例(?!え)|シート|記入例|記載例|別添\s*[0-9０-９]"
)
# Words that make a message about the documents themselves (case studies, the guideline, the Q&A, the system).
_ABOUT_SYSTEM = re.compile(
    r"事例|(取組|取り組み)(?!(を|に)?(して|行って|おこなって|やって|されて))|ガイドライン|Q&A|Q\d{1,2}(?!\d)|協議|制度|(な|た|る|の|県の|市の)例(?!え)|医師会|様式|とは(?!別|違|異な|一緒|関係|連携)|"
    r"シート|記入例|記載例|別添\s*[0-9０-９]|"
    r"って(何|なに|どういう)|について(教えて|知りたい)|罰則|過料|基準日|報告(の)?(対象|期限|時期|方法|頻度|内容)|"
    + CASE_BY_AREA
)
# The question form of a rule (「…しなければならないの？」「…でも問題ない？」「どう扱う？」): about the system, unless
# the message also names a place or asks to find somewhere (see _SEARCH_VERB).
_RULE_QUESTION = re.compile(
    r"しなければ(なら|いけ)|しないと(いけ|だめ|ダメ)|(し|さ)?なくて(も)?(いい|よい|良い|構わ|大丈夫)|"
    r"(も|でも)(問題|差し支え|構わ|大丈夫)|だけでも(いい|よい|良い|構わ)|の対象|対象(に|と|外)|"
    r"(取り?)?扱い(は|に|について|となる|です)|どう(扱|取り?扱)|扱われ|"
    r"どういう(こと|意味)|どういう(病院|診療所|医療機関|クリニック)(の|を|が|なの)|要件|義務|必要があ|決まり|ルール|"
    # how the report is filled in (「どの期間の実績を書けばいい？」)
    r"(書け|書く|記入すれ|記載すれ|報告すれ|入力すれ)ば(いい|よい|良い)|どう(書|記入|記載)|(記入|記載)(方法|の仕方)|どの期間|"
    r"(書く|記入する|記載する|報告する|入れる|入力する)(ん|の)(です|でしょう)?か|"
    # whether something counts as a report item (「…は２号機能（イ）に当てはまりますか」「病床がなくても…ありにできる？」)
    r"(に|は|が)(当てはま|あてはま|該当(す|し)|含まれ(る|ます))|(あり|有り|なし|無し)(に|と)(でき|して(も|いい)|な(る|り)|報告)|"
    r"しなきゃ|しなくちゃ|しないと(いけ|だめ|ダメ)"
)
# Signs of a real search: a search verb, 「…してくれる」, or asking for somewhere to go.
_FIND = r"探|さが|紹介|どこ|一覧|リスト|候補|行きたい|行ける|かかりたい|受診(でき|したい)"
_FIND_RE = re.compile(_FIND)
_SEARCH_VERB = re.compile(_FIND + r"|くれ(る|ます|ない|た)|もらえ|見つけ|近く|近所|最寄")
_WEAK_GUIDELINE = re.compile(r"かかりつけ医|報告|機能|手続|体制|仕組み|どのよう|どうすれば|どうなって|何を|なにを")
# Words that ask for places to go (strong), and question words any question may use (weak).
_SEEKING = re.compile(_FIND + r"|お医者さん|医者|先生|病院|診療所|クリニック|医院|医療機関|ところ|所は")
_ASKING = re.compile(r"教えて|ありますか|ある[？?]|あります[？?]|知りたい|のは[？?]?$|いますか")
# 「高知市でかかりつけ医を探しています」: looking for a doctor, even with no function named.
_DOCTOR_SEEKING = re.compile(
    r"(かかりつけ医|かかりつけの(医師|先生|お医者さん)|お医者さん|医者|先生|病院|診療所|クリニック|医院|医療機関)"
    r"(さん)?(を|が|は)?(探|さが|紹介|見つけ|知りたい|どこ|教えて)"
)
# A message that points back at the previous answer (「その日に休院していたら？」).
_ANAPHORA = re.compile(r"その|それ|そこ|この(場合|日|制度|報告|時)|そう(いう|なると|した)|じゃあ|では|なら[、,]?|だったら")
# Words of the domain at all; anything without them is out of scope.
_DOMAIN = re.compile(
    r"医|病|診|療|看|介護|ケア|在宅|往診|入院|退院|報告|機能|患者|健診|検診|接種|ワクチン|薬|訪問|看取|ACP|人生会議|"
    r"救急|夜間|休日|相談|健康|症状|かかりつけ|Q&A"
)


# A message made only of greetings or thanks (「はじめまして。よろしくお願いします」「ありがとう、助かりました」).
GREETING = re.compile(
    r"^((こんにちは|こんばんは|おはよう(ございます)?|はじめまして|初めまして|始めまして|よろしく(お願い(します|いたします))?|"
    r"ありがとう(ございます|ございました)?|どうも|助かりました|助かります|了解(です|しました)?|わかりました|分かりました|"
    r"お疲れ(様|さま)(です)?|hello|hi|thanks|thank you)[\s、。,.!！?？ー〜~]*)+$", re.IGNORECASE)


def route(parsed: ParsedQuery, safety: SafetyCheck, has_previous_search: bool,
          previous_intent: str | None = None, *, place: bool = False,
          text_match: Callable[[str], bool] | None = None) -> str:
    """One of facility_search | guideline | emergency | out_of_scope (see :func:`route_decision`)."""
    return route_decision(parsed, safety, has_previous_search, previous_intent, place=place, text_match=text_match)[0]


def route_decision(parsed: ParsedQuery, safety: SafetyCheck, has_previous_search: bool,
                   previous_intent: str | None = None, *, place: bool = False,
                   text_match: Callable[[str], bool] | None = None) -> tuple[str, bool]:
    """(intent, firm): one of facility_search | guideline | emergency | out_of_scope (clarify is decided later),
    and whether a precise rule decided it (firm) or only a weak sign did (the semantic layer may then overrule).

    ``previous_intent`` is the intent of the previous turn: a follow-up of a guideline answer
    (「その日に休院していたら？」) stays a guideline question. ``place`` says the message names a place;
    ``text_match(text)`` says the guideline / Q&A text index has a confident match (asked only when the
    words alone do not decide).
    """
    text = parsed.text
    if safety.emergency:
        return "emergency", True
    if safety.medical_advice or GREETING.match(text):
        return "out_of_scope", True
    if has_previous_search and is_follow_up(parsed):
        return "facility_search", True
    searching = bool(place or parsed.near or parsed.postal or parsed.latlng or _SEARCH_VERB.search(text))
    if numbered_ref(text) is not None and not located_search(parsed, place):
        return "guideline", True  # 「質問5」「事例11」: a numbered item of the Q&A or the 事例集
    if STRONG_GUIDELINE.search(text):
        if _ABOUT_SYSTEM.search(text) or _RULE_QUESTION.search(text):
            return "guideline", True  # a case study, the guideline or a rule: never a search
        # 「研修を修了した医師がいる診療所を練馬区で探しています」: report-item words, but a place and a search.
        located = bool(place or parsed.near or parsed.postal or parsed.latlng)
        if located and (parsed.filters or parsed.kind) \
                and (_SEEKING.search(text) or _ASKING.search(text) or _SEARCH_VERB.search(text)):
            return "facility_search", True
        return "guideline", not (parsed.filters or parsed.kind)  # a kind or item named too: the layer may weigh in
    if not searching and _RULE_QUESTION.search(text):
        return "guideline", True  # 「診療所も報告しなければならないの？」 asks about the rules, not for a clinic
    if not searching and not parsed.filters and parsed.kind and text_match is not None and text_match(text):
        return "guideline", False  # only an institution named, no search signal, and the guideline answers it
    wants_place = bool(parsed.filters or parsed.kind or parsed.near or parsed.postal or parsed.latlng)
    located = bool(place or parsed.near or parsed.postal or parsed.latlng)
    if (wants_place and (_SEEKING.search(text) or _ASKING.search(text))) or _DOCTOR_SEEKING.search(text):
        return "facility_search", located
    if _WEAK_GUIDELINE.search(text):
        return "guideline", False
    if wants_place:
        return "facility_search", located
    if _SEEKING.search(text) and _DOMAIN.search(text):
        return "facility_search", False
    if _DOMAIN.search(text) or (previous_intent == "guideline" and _ANAPHORA.search(text)):
        return "guideline", False
    if text_match is not None and text_match(text):
        return "guideline", False  # no word of the domain, but the guideline / Q&A clearly speaks about it
    return "out_of_scope", False


def explicit_search(parsed: ParsedQuery) -> bool:
    """The message asks to find somewhere (「探して」「どこ」「紹介して」「近くの」), not only about something."""
    return bool(_FIND_RE.search(parsed.text) or parsed.near or parsed.postal or parsed.latlng)


def asks_for_facility(text: str) -> bool:
    """The message names somewhere to go or asks for one (病院・診療所・先生…, 探して, どこ)."""
    return bool(_SEEKING.search(text) or _SEARCH_VERB.search(text))


def located_search(parsed: ParsedQuery, place: bool) -> bool:
    """A place and a condition are both named (「高知市の在宅医療をしている診療所」)."""
    return bool(place or parsed.near or parsed.postal or parsed.latlng) and bool(parsed.filters or parsed.kind)


def asks_for_place(parsed: ParsedQuery) -> bool:
    """The message also asks where to go (「今すぐ行ける病院は？」)."""
    return bool(parsed.kind or parsed.near or parsed.filters or _SEEKING.search(parsed.text))


def is_guideline_follow_up(text: str, previous_intent: str | None) -> bool:
    """A guideline question that refers back to the previous guideline answer."""
    return previous_intent == "guideline" and bool(_ANAPHORA.search(text))


def is_follow_up(parsed: ParsedQuery) -> bool:
    """A message that only makes sense against the previous result list."""
    if parsed.closer or parsed.ordinal is not None or parsed.kind_switch:
        return True
    # 「その中で駐車場があるところは？」: a wish no report item holds still refines (it is then said back as not applied)
    return parsed.refine and bool(parsed.filters or parsed.kind or parsed.wishes)


def looks_like_place_reply(parsed: ParsedQuery, place_found: bool) -> bool:
    """「高知市です」 after we asked where: a place and nothing else to search for."""
    return (place_found or bool(parsed.postal or parsed.latlng)) and not parsed.filters and len(parsed.text) <= 30
