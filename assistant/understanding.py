"""One typed reading of every message: intent (with its reason), safety, conditions with spans, place,
follow-up operation and the wishes that were not understood. Computed once per turn; every later step reads it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum

from assistant import english as english_words
from assistant import intent as rules
from assistant import safety
from assistant.honesty import Wish, unread_request
from assistant.parse import Condition, ParsedQuery, leftover_fragments, normalize, parse, removed_names
from assistant.regional_text import RegionalRequest, read_request
from assistant.safety import SafetyCheck
from assistant.semantic import MARGINS, THRESHOLDS, Neighbour, SemanticLayer
from assistant.vocabulary import DISEASE_WORDS
from assistant.where import WhereResult, resolve_in_text
from retrieval.registry import BY_NAME


class Intent(StrEnum):
    """What the turn will do."""

    FACILITY_SEARCH = "facility_search"
    GUIDELINE = "guideline"
    EMERGENCY = "emergency"
    OUT_OF_SCOPE = "out_of_scope"
    CLARIFY = "clarify"
    REGIONAL = "regional"  # figures about an area for the 協議の場 (assistant/regional.py)


class Operation(StrEnum):
    """How a facility turn relates to the previous search."""

    NEW = "new"
    REFINE = "refine"  # 「その中で…」: previous conditions plus the new ones
    REPLACE_AREA = "replace_area"  # 「南国市は？」: same conditions, another area
    RESET = "reset"  # 「条件をリセット」「最初から」
    MORE = "more"  # 「もっと見せて」「次の10件」
    ORDINAL = "ordinal"  # 「2番目の連携先は？」
    PLACE_REPLY = "place_reply"  # the answer to 「どちらの地域で？」
    REMOVE = "remove"  # 「夜間の条件は外して」: the previous conditions less the named ones


class Refusal(StrEnum):
    """Requests the assistant declines, each with its own pointer."""

    NONE = ""
    MEDICATION = "medication"
    DIAGNOSIS = "diagnosis"
    PERSONAL_DATA = "personal_data"


@dataclass(frozen=True)
class Prior:
    """What the session says about the turns before (read-only)."""

    has_search: bool = False
    previous_intent: str | None = None
    pending: bool = False  # a search waits for 「どちらの地域で？」


@dataclass(frozen=True)
class Understanding:
    """Everything one message was understood to say."""

    text: str  # the message after NFKC, kana restoration and removal of embedded instructions
    parsed: ParsedQuery
    intent: Intent
    reason: str  # why this intent (rule or semantic label), for logs and evals
    safety: SafetyCheck
    place: WhereResult
    operation: Operation = Operation.NEW
    refusal: Refusal = Refusal.NONE
    doubt_emergency: bool = False  # 119 first, and the question is still answered
    ignored_instruction: bool = False
    unplaced: str = ""  # a place-like word no municipality matched (「架空村」)
    unapplied: tuple[Wish, ...] = ()
    english: bool = False
    semantic: tuple[str, ...] = field(default=())  # labels the semantic layer contributed
    tentative: bool = False  # only a weak sign chose the intent (no precise rule, the semantic layer unsure)
    region: RegionalRequest | None = None  # what a regional question asks (intent REGIONAL)
    removed: tuple[str, ...] = ()  # condition names to drop from the previous search (operation REMOVE)

    def to_dict(self) -> dict[str, object]:
        """JSON form (``understanding`` of the answer)."""
        return {
            "intent": self.intent.value, "reason": self.reason, "operation": self.operation.value,
            "refusal": self.refusal.value, "doubt_emergency": self.doubt_emergency,
            "ignored_instruction": self.ignored_instruction, "unplaced": self.unplaced,
            "conditions": [{"name": c.name, "value": c.value, "span": self.parsed.text[c.start:c.end],
                            "source": c.source} for c in self.parsed.conditions],
            "unapplied": [w.to_dict() for w in self.unapplied], "english": self.english,
            "semantic": list(self.semantic), "tentative": self.tentative, "removed": list(self.removed),
            "region": None if self.region is None else {
                "prefecture": self.region.prefecture, "level": self.region.level.value, "focus": self.region.focus,
                "indicators": [i.key for i in self.region.indicators], "lacking": self.region.lacking},
        }


_RESET = re.compile(r"(条件|検索|絞り込み|絞込)(を)?(全部|ぜんぶ|すべて|全て|みんな)?(リセット|クリア|解除|外して|消して|消す|取り消|なしに)|リセット|"
                    r"最初から|はじめから|始めから|一から|やり直|新しい検索|別の(検索|条件で探)")
_MORE = re.compile(r"もっと(見せ|見たい|表示|出して|教えて|ほしい|欲しい)|次の\s*\d*\s*件|続き(を|は|も)|残り(を|は|も)|"
                   r"さらに(表示|見せ|教えて)|他に(は|も)?(あり|ある|ない|教えて|見せ)|ほかに(は|も)?(あり|ある|ない|教えて|見せ)|"
                   r"(もう|あと)\s*\d*\s*(件|つ)|"
                   # a word of "more / next / other" and a word of showing, close together (「もうちょっと見せて」
                   # 「次のページをお願い」「ほかのも出して」): the same search, its next page
                   r"(もう(ちょっと|少し|すこし)?|次(の)?|ほか(の)?|他(の)?|残り|続き|追加(で)?|まだ)[^。？?]{0,5}?"
                   r"(見せ|見たい|みたい|表示|出して|出せ|教えて|ほしい|欲しい|ページ|あります|ある[?？]|ない[?？])")
_PLACE_LIKE = re.compile(r"([一-龥ぁ-んァ-ヶ]{1,8}?(市|区|町|村|郡))(で|は|だと|なら|に|の|でも|を|って|$|[？?、])")
_PERSONAL = re.compile(
    r"(患者|利用者|受診者|通院(している|してる)?(人|方)|かかって(いる|る)(人|方)|入院(している|してる)(人|方))(さん)?(の|たち|達)?.{0,8}?"
    r"(名前|氏名|住所|電話番号|連絡先|個人情報|一覧|リスト|名簿|病名|カルテ)|"
    r"(診断された|通って(いる|る)|かかって(いる|る)|入院(している|してる)|治療中の)(人|方|患者)(さん)?(の|たち|達)?.{0,4}?"
    r"(名簿|名前|氏名|住所|連絡先|一覧|リスト)|"
    # a doctor's private contact is asked for (「院長の携帯で対応している」 only tells how the clinic works)
    r"(医師|先生|院長|看護師)(さん)?(の)?(自宅|個人(の)?(電話|携帯|住所|連絡先)|携帯(番号)?|家の住所)"
    r"(?=.{0,4}?(教え|知りたい|知って|わか|分か|調べ|聞き|ください|もらえ|は[?？]|を[?？]))|"
    r"誰が.{0,10}?(通って|かかって|受診|入院)|(隣|近所)の.{0,6}?(人|方)(が|の).{0,10}?(病気|通院|受診)|"
    r"(隣|近所|知り合い|友人|友達|同僚|上司|他人|あの人)(の)?.{0,12}?(が|は).{0,12}?(どこ|何|なん|どの).{0,12}?"
    r"(通って|かかって|受診|入院|病気|病院に行)|"
    # one's own identifiers handed over to be kept (「保険証の番号は…、覚えておいて」)
    r"(保険証|被保険者証|マイナンバー|個人番号|カード|口座|暗証|パスワード|生年月日).{0,60}?"
    r"(覚え|おぼえ|記憶|保存|登録|控え)(て|と)(おいて|おけ|ください|ほしい|欲しい|もらえ)"
)
# What follows a disease word when someone asks whether they have it (「…リウマチでしょうか」「糖尿病ってこと？」).
_IS_IT = re.compile(r"^[病症]?(なん|って|の)?(でしょうか|でしょう[？?]|ですか|かな|かしら|なの|じゃない|ではない|かも|って(こと|事)|"
                    r"という(こと|事)|になった(って|の|ん)|になって(る|いる)(の|ん))")
_ENGLISH = re.compile(r"^[\x00-\x7f]{12,}$")
_EMERGENCY_WORDS = re.compile(r"救急|急変|119")


def understand(message: str, prior: Prior, semantic: SemanticLayer | None = None,
               text_match: Callable[[str], bool] | None = None,
               closeness: Callable[[str], float | None] | None = None) -> Understanding:
    """Read one message once: safety first, then refusals, operation, intent, place and unapplied wishes."""
    check = _safety(message)
    injected = check.injection
    if injected:
        message = safety.strip_injection(message) or message
        check = _safety(message)
    parsed = parse(message)
    text = parsed.text
    place = resolve_in_text(parsed)
    english = bool(_ENGLISH.match(text))
    labels: list[str] = []
    reading = _Reading(parsed, check, prior, place, semantic, labels, text_match, english, message,
                       closeness=closeness)

    if check.emergency:
        return reading.done(Intent.EMERGENCY, "rule:emergency", injected=injected, english=english)
    doubt = reading.emergency_doubt()
    if doubt == "emergency":
        return reading.done(Intent.EMERGENCY, "semantic:emergency", injected=injected, english=english)
    refusal = reading.refusal()
    if refusal is not Refusal.NONE:
        return reading.done(Intent.OUT_OF_SCOPE, f"refusal:{refusal.value}", refusal=refusal,
                            injected=injected, doubt=doubt == "doubt", english=english)
    if english and english_words.asks_to_find(message) and english_words.to_japanese(message):
        # 「Find a clinic in Kochi City that offers home visits」: the place and report-item words, in Japanese
        reading.parsed = parse(english_words.to_japanese(message))
        reading.place = resolve_in_text(reading.parsed)
    region = read_request(reading.parsed, reading.place)
    if region is not None:
        return reading.done(Intent.REGIONAL, "rule:regional", injected=injected, doubt=doubt == "doubt",
                            english=english, region=region)
    operation = reading.operation()
    intent, reason = reading.intent(operation)
    unplaced = reading.unplaced(intent)
    if unplaced and (intent is Intent.FACILITY_SEARCH or (prior.has_search and len(text) <= 30)):
        intent, reason = Intent.CLARIFY, "rule:unknown_place"
    reading.leftovers(intent)
    wishes = reading.unapplied(intent)
    return reading.done(intent, reason, operation=operation, injected=injected, doubt=doubt == "doubt",
                        unplaced=unplaced, wishes=wishes, english=english)


def _safety(message: str) -> SafetyCheck:
    """The safety rules on the message as written and as normalised (kana words restored, spaces dropped): a
    finding in either counts (recall first)."""
    raw = safety.check(message)
    restored = normalize(message)
    if restored == message:
        return raw
    other = safety.check(restored)
    merged = {f.name: getattr(raw, f.name) or getattr(other, f.name) for f in fields(SafetyCheck)}
    if merged["emergency"]:
        merged["symptom_topic"] = False
    return SafetyCheck(**merged)


@dataclass
class _Reading:
    """The steps of :func:`understand` over one parsed message."""

    parsed: ParsedQuery
    check: SafetyCheck
    prior: Prior
    place: WhereResult
    semantic: SemanticLayer | None
    labels: list[str]
    text_match: Callable[[str], bool] | None
    english: bool = False
    raw: str = ""  # the message as written (an English question is embedded as it is)
    firm: bool = True  # the intent rule that decided was a precise one (set by ``intent``)
    closeness: Callable[[str], float | None] | None = None  # nearness to a documented question (None: no opinion)

    @property
    def text(self) -> str:
        return self.parsed.text

    def done(self, intent: Intent, reason: str, *, operation: Operation = Operation.NEW,
             refusal: Refusal = Refusal.NONE, injected: bool = False, doubt: bool = False, unplaced: str = "",
             wishes: tuple[Wish, ...] = (), english: bool = False,
             region: RegionalRequest | None = None) -> Understanding:
        removed = removed_names(self.text) if operation is Operation.REMOVE else None
        return Understanding(self.text, self.parsed, intent, reason, self.check, self.place, operation, refusal,
                             doubt, injected, unplaced, wishes, english, tuple(self.labels), not self.firm, region,
                             removed or ())

    def emergency_doubt(self) -> str:
        """"emergency", "doubt" or "": the semantic layer's view when the lexicon found no emergency."""
        if self.semantic is None or self.check.symptom_topic:
            return "doubt" if self.check.symptom_topic else ""
        ranked = self.semantic.ranked(self.text, ("emergency", "calm", "intent", "medication", "diagnosis"))
        if not ranked or ranked[0].kind != "emergency":
            return ""
        best = ranked[0]
        calm = next((n.score for n in ranked if n.kind in ("calm", "intent")), 0.0)
        self.labels.append(best.label)
        # a question in the form of a diagnosis or medication question (「がんでしょうか」) is refused with a pointer;
        # when the exemplars lean to an emergency, 119 goes first, but the lexicon alone makes an emergency
        asking = self.check.diagnosis or self.check.medication
        if best.score >= THRESHOLDS["emergency"] and best.score - calm >= 0.02 and not self._about_system() \
                and not asking:
            return "emergency"
        return "doubt" if best.score >= THRESHOLDS["emergency_doubt"] else ""

    def _about_system(self) -> bool:
        """A question about the system or the case studies (「救急」 mentioned as a topic)."""
        return bool(rules.STRONG_GUIDELINE.search(self.text))

    def refusal(self) -> Refusal:
        if _PERSONAL.search(self.text):
            return Refusal.PERSONAL_DATA
        if self.check.medication:
            return Refusal.MEDICATION
        if self.check.diagnosis or self._is_it_disease():
            return Refusal.DIAGNOSIS
        if self.semantic is not None and not self.parsed.filters:
            best = self.semantic.best(self.text, ("medication", "diagnosis", "personal_data", "intent"))
            if best is not None and best.kind != "intent" and best.score >= THRESHOLDS["refusal"]:
                self.labels.append(best.label)
                return Refusal(best.kind)
        return Refusal.NONE

    def _is_it_disease(self) -> bool:
        """「指がこわばるんですが、リウマチでしょうか」: a disease named as the answer to "what do I have?", with no
        wish to find somewhere (a search names a place, a facility or a search verb)."""
        if self.place.where is not None or rules.explicit_search(self.parsed) or rules.asks_for_facility(self.text):
            return False
        return any(_IS_IT.match(self.text[m.end():]) for _, regex in DISEASE_WORDS for m in re.finditer(regex, self.text))

    def operation(self) -> Operation:
        p, prior = self.parsed, self.prior
        if not prior.has_search and not prior.pending:
            return Operation.NEW
        if _RESET.search(self.text):
            return Operation.RESET
        if prior.has_search and p.ordinal is not None:
            return Operation.ORDINAL
        if prior.has_search and _MORE.search(self.text) and not p.filters and not p.kind_switch:
            return Operation.MORE
        if prior.has_search and removed_names(self.text):
            return Operation.REMOVE
        if prior.pending and (p.everywhere or rules.looks_like_place_reply(p, self.place.where is not None
                                                                            or bool(self.place.question))):
            return Operation.PLACE_REPLY
        if prior.has_search and rules.is_follow_up(p):
            return Operation.REFINE
        if prior.has_search and self.place.where is not None and not p.filters and len(self.text) <= 40 \
                and not rules.STRONG_GUIDELINE.search(self.text):
            return Operation.REPLACE_AREA  # 「南国市はどう？」: a new area for the same conditions
        return Operation.NEW

    def intent(self, operation: Operation) -> tuple[Intent, str]:
        if operation is not Operation.NEW:
            return Intent.FACILITY_SEARCH, f"rule:{operation.value}"
        p = self.parsed
        named = bool(self.place.where or self.place.question)
        routed, firm = rules.route_decision(p, self.check, self.prior.has_search, self.prior.previous_intent,
                                            place=named, text_match=self.text_match)
        self.firm = firm
        if self.semantic is not None and (not firm or self.english):
            ranked = self.semantic.ranked(self.raw if self.english else self.text, ("intent",))
            best = ranked[0] if ranked else None
            key = "intent_english" if self.english else "intent"
            if best is not None and best.value != routed and best.score >= THRESHOLDS[key] \
                    and best.score - ranked[1].score >= MARGINS[key]:
                self.labels.append(best.label)
                self.firm = True  # the layer is sure (threshold and margin met)
                return Intent(best.value), f"semantic:{best.label}"
            # 「近くの」「near me」, or English whose glossary words became conditions: a search, wherever it leans
            located = bool(p.near or p.postal or p.latlng or (self.english and p.filters))
            if routed == "facility_search" and not named and not located and ranked and self._nearer_documents(ranked):
                self.firm = True
                return Intent.GUIDELINE, "semantic:documents"
        return Intent(routed), f"rule:{routed}"

    def _nearer_documents(self, ranked: list[Neighbour]) -> bool:
        """A placeless message read as a search only from weak signs comes closer to a question the documents
        answer (the retrieval question bank) than to the facility-search exemplars, by ``MARGINS["documents"]``."""
        lean = document_lean(self.text, ranked, self.closeness)
        return lean is not None and lean >= MARGINS["documents"]

    def unplaced(self, intent: Intent) -> str:
        """A place-like word that names no municipality (「架空村で」), when no place was found."""
        follow = self.prior.has_search and len(self.text) <= 30 and intent is not Intent.GUIDELINE
        if not (intent is Intent.FACILITY_SEARCH or follow) or self.place.where is not None or self.place.question:
            return ""
        if self.parsed.postal or self.parsed.latlng:
            return ""
        match = _PLACE_LIKE.search(self.text)
        if match is None:
            return ""
        word = match.group(1)
        ignore = ("市区町村", "都道府県", "市町村", "地区", "区域", "町医者", "近所の町", "この町", "うちの町", "隣町", "この区")
        return "" if any(w in word for w in ignore) or word in ("市", "区", "町", "村") else word

    def unapplied(self, intent: Intent) -> tuple[Wish, ...]:
        """Wishes no report item holds (rules), plus what the semantic layer reads in the leftover parts."""
        if intent is not Intent.FACILITY_SEARCH:
            return ()
        return self.parsed.wishes

    def leftovers(self, intent: Intent) -> None:
        """The parts of a facility question no rule read: the semantic layer reads a condition there (when an
        exemplar of one filter is clearly nearest) or a wish no report item holds; a part that still asks for
        something and that nobody could read becomes an unread wish (honesty: never claim more than was read).
        ``parsed`` gains them, marked with their source."""
        if intent is not Intent.FACILITY_SEARCH:
            return
        where = self.place.where
        words = tuple(p.municipality for p in where.places) + tuple(p.prefecture for p in where.places) \
            if where is not None else ()
        conditions, wishes = list(self.parsed.conditions), list(self.parsed.wishes)
        fragments = leftover_fragments(self.parsed, words)
        for i, (start, end, fragment) in enumerate(fragments):
            ranked = self.semantic.ranked(fragment, FRAGMENT_FAMILIES) if self.semantic is not None else []
            verdict = read_fragment(ranked)
            if verdict is None:
                unread = None if _context(ranked) else unread_request(fragment)
                if unread is None and i + 1 < len(fragments):
                    unread = _joined_request(self.text, fragments[i], fragments[i + 1])
                if unread is not None:
                    lo, hi = unread
                    wishes.append(Wish(self.text[start + lo:start + hi], start + lo, start + hi, "unknown"))
                continue
            self.labels.append(verdict.label)
            if verdict.kind == "unanswerable":
                wishes.append(Wish(fragment, start, end, verdict.value, source="semantic"))
                continue
            name, _, value = verdict.value.partition("=")
            if name in {c.name for c in conditions} or name not in BY_NAME:
                continue
            if {name, *(c.name for c in conditions)} >= {"home_care", "home_care_24h"}:
                continue
            conditions.append(Condition(name, value or None, start, end, source="semantic"))
        if len(conditions) != len(self.parsed.conditions) or len(wishes) != len(self.parsed.wishes):
            self.parsed = replace(self.parsed, conditions=tuple(conditions), wishes=tuple(wishes),
                                  filters=tuple(c.spec for c in conditions))


JOIN_GAP = 3  # characters a read word may take between a leftover noun and its leftover predicate


def _joined_request(text: str, first: tuple[int, int, str], following: tuple[int, int, str]) -> tuple[int, int] | None:
    """A leftover noun whose predicate was left over as the next fragment of the same sentence, a short read word
    between them (「介護サービス事業」「所と」「連携してる」): the two ask together; the span is relative to the first."""
    start, end, _ = first
    nxt_start, nxt_end, nxt = following
    if nxt_start - end > JOIN_GAP or re.search(r"[。？?！!\n、]", text[end:nxt_start]):
        return None
    if unread_request(nxt) is not None:
        return None  # the predicate's own noun is flagged with it
    return unread_request(text[start:nxt_end])


def document_lean(text: str, ranked: list[Neighbour], closeness: Callable[[str], float | None] | None) -> float | None:
    """How much nearer ``text`` is to a documented question than to the facility-search exemplars (``ranked`` =
    the semantic layer's intent labels); None when either side has no opinion."""
    near = closeness(text) if closeness is not None else None
    search = next((n.score for n in ranked if n.label == "intent:facility_search"), None)
    return None if near is None or search is None else near - search


FRAGMENT_FAMILIES = ("filter", "unanswerable", "context")  # the labels a leftover fragment is ranked against


def _context(ranked: list[Neighbour]) -> bool:
    """The semantic layer reads the fragment as context (「母がもう長くなくて」), clearly."""
    if not ranked or ranked[0].kind != "context":
        return False
    runner = next((n.score for n in ranked[1:] if n.kind != "context"), 0.0)
    return ranked[0].score - runner >= MARGINS["context"]


def read_fragment(ranked: list[Neighbour]) -> Neighbour | None:
    """The filter or unanswerable label a leftover fragment asks for (``ranked`` over FRAGMENT_FAMILIES), or None
    (context, or not clear enough)."""
    if not ranked:
        return None
    best = ranked[0]
    runner = next((n.score for n in ranked[1:] if n.kind != best.kind or n.kind == "filter"), 0.0)
    if best.kind == "filter" and best.score >= THRESHOLDS["filter"] and best.score - runner >= MARGINS["filter"]:
        return best
    if best.kind == "unanswerable" and best.score >= THRESHOLDS["unanswerable"] \
            and best.score - runner >= MARGINS["unanswerable"]:
        return best
    return None

