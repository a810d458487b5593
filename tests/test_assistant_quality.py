"""Quality rules: emergencies inside other questions, overlapping words, follow-ups, widening, quotes, notices."""

from __future__ import annotations

import dataclasses

import pytest

from assistant.facilities import radius_text
from assistant.intent import route
from assistant.parse import normalize, parse
from assistant.safety import CHILD_NOTE, SYMPTOM_NOTE, check
from assistant.service import Assistant
from assistant.texts import prefer_qa, quote_of, split_sentences, supporting_guideline
from corpus.facility import Facility
from corpus.passage import Passage
from retrieval.facility_search import search_facilities
from retrieval.filters import make_filter
from retrieval.tokenizer import make_tokenizer

pytest_plugins = ["tests.data.assistant_facilities"]

KOCHI = (33.559587, 133.529279)  # the point of 高知市 in the municipality table (as in tests/data)

# ---- 1. emergencies --------------------------------------------------------------------------

# (message, emergency, symptom named only as a topic, child at night / high fever)
SAFETY: list[tuple[str, bool, bool, bool]] = [
    ("父の顔の右半分がゆがんでいる", True, False, False),
    ("祖父のろれつが回らなくなった", True, False, False),
    ("母が呂律が回っていない", True, False, False),
    ("急に片方の手足がしびれて力が入らない", True, False, False),
    ("右の腕が動かない、麻痺しているみたい", True, False, False),
    ("急に言葉が出てこなくなった", True, False, False),
    ("南国市で夫が意識を失った。近くの病院はどこ？", True, False, False),
    ("父が気を失って倒れた", True, False, False),
    ("呼びかけても反応がありません", True, False, False),
    ("妻がケイレンしている", True, False, False),  # katakana folded to hiragana
    ("ｹｲﾚﾝが止まらない", True, False, False),  # half-width katakana (NFKC)
    ("息をしていないように見える", True, False, False),
    ("夜中に孫が高い熱を出してぐったりしている", True, True, False),
    ("子どもが39.5度の熱", True, True, False),
    ("胸痛の診療をしている診療所", False, False, True),
    ("手足のしびれを診てくれる医院", False, False, True),
    ("脳梗塞の後遺症で麻痺がある父を診てくれる在宅医", False, False, True),
    ("夜間に子どもの発熱を診てくれる病院", False, True, False),
    ("救急の制度について教えて", False, False, False),
    ("子どもに熱心な先生がいる診療所", False, False, False),
    ("協議の場はどの単位で開くの", False, False, False),
]


@pytest.mark.parametrize(("message", "emergency", "child", "topic"),
                         [(m, e, c, t) for m, e, c, t in SAFETY], ids=[s[0] for s in SAFETY])
def test_safety_table(message: str, emergency: bool, child: bool, topic: bool) -> None:
    result = check(normalize(message))
    assert (result.emergency, result.child_night, result.symptom_topic) == (emergency, child, topic)


def test_emergency_inside_a_facility_question_puts_119_first(assistant_small: Assistant) -> None:
    answer = assistant_small.ask("高知市で祖父が意識を失った、すぐ行ける病院を教えて")
    assert answer.intent == "emergency" and answer.facilities == ()
    assert "119" in answer.answer.splitlines()[0] and "#7119" in answer.answer
    assert "救急隊が" in answer.answer  # the place question is answered: call 119, the team finds the hospital


def test_symptom_as_topic_searches_with_a_119_line_on_top(assistant_small: Assistant) -> None:
    answer = assistant_small.ask("高知市で手足のしびれを診てくれる診療所")
    assert answer.intent == "facility_search"
    assert answer.answer.splitlines()[1] == SYMPTOM_NOTE
    night_child = assistant_small.ask("高知市で夜間に子どもの発熱を診てくれる医療機関")
    assert night_child.intent == "facility_search" and CHILD_NOTE in night_child.answer
    unplaced = assistant_small.ask("胸痛の診療をしている診療所")  # asks where, and still carries the 119 line
    assert unplaced.intent == "clarify" and unplaced.answer.startswith(SYMPTOM_NOTE)


# ---- 2. overlapping words ---------------------------------------------------------------------

OVERLAPS: list[tuple[str, set[tuple[str, object]]]] = [
    ("在宅当番医をしている診療所", {("off_hours", "rota")}),
    ("在宅当番医制に加わっている病院", {("off_hours", "rota")}),
    ("在宅当番医と在宅医療の両方をしている診療所", {("off_hours", "rota"), ("home_care", None)}),
    ("在宅療養支援診療所", {("home_care_24h", None)}),
    ("休日に往診してくれる", {("home_care", None)}),
    ("24時間往診", {("home_care_24h", None)}),
    ("24時間対応の診療所", {("home_care_24h", None)}),
    ("自院で24時間の在宅医療", {("home_care", "24h_self")}),
    ("休日夜間急患センターに出ている医院", {("off_hours", "rota")}),
]


@pytest.mark.parametrize(("message", "expected"), OVERLAPS, ids=[o[0] for o in OVERLAPS])
def test_longest_match_wins_and_spans_are_consumed(message: str, expected: set[tuple[str, object]]) -> None:
    assert {(f["name"], f["value"]) for f in parse(message).filters} == expected


# ---- 3. follow-ups ----------------------------------------------------------------------------

@pytest.mark.parametrize("message", ["その中で24時間対応のところに絞って", "24時間対応のところに絞り込んで",
                                     "24時間対応しているところだけ", "24時間対応のところのみ表示して"])
def test_refinement_words(message: str) -> None:
    parsed = parse(message)
    assert parsed.refine and {(f["name"], f["value"]) for f in parsed.filters} == {("home_care_24h", None)}
    assert route(parsed, check(parsed.text), has_previous_search=True) == "facility_search"


def test_narrowing_to_24h_replaces_home_care(assistant_small: Assistant) -> None:
    first = assistant_small.ask("高知市で在宅医療をしている診療所")
    narrowed = assistant_small.ask("そのうち24時間対応のところだけに絞り込んで", session_id=first.session_id)
    assert {(f["name"], f["value"]) for f in narrowed.to_dict()["filters"]} == {("kind", "clinic"),
                                                                               ("home_care_24h", None)}
    assert [f.id for f in narrowed.facilities] == ["T-K1", "T-K2"]


@pytest.mark.parametrize(
    ("message", "previous", "intent"),
    [
        ("患者説明ではどの項目を伝えるのですか", "facility_search", "guideline"),
        ("患者説明ではどの項目を伝えるのですか", None, "guideline"),
        ("その場合はどうなりますか", "guideline", "guideline"),
        ("それはいつまでに？", "guideline", "guideline"),
        ("今日の株価はどう？", "guideline", "out_of_scope"),
        ("その場合はどうなりますか", None, "out_of_scope"),
    ],
)
def test_guideline_follow_ups(message: str, previous: str | None, intent: str) -> None:
    parsed = parse(message)
    assert route(parsed, check(parsed.text), previous == "facility_search", previous) == intent


def test_doctor_seeking_with_a_place_is_a_search_and_can_be_refined(assistant_small: Assistant) -> None:
    first = assistant_small.ask("高知市でかかりつけ医を探しています")
    assert first.intent == "facility_search"
    more = assistant_small.ask("予防接種もしてくれるところがいい", session_id=first.session_id)
    assert more.intent == "facility_search" and [f.id for f in more.facilities] == ["T-K3"]


# ---- 4. short nearby lists --------------------------------------------------------------------

@pytest.mark.parametrize(("min_results", "radius", "count"), [(1, 2.0, 2), (3, 5.0, 4), (9, 20.0, 5)])
def test_radius_widens_while_the_list_is_short(small_records, min_results: int, radius: float, count: int) -> None:  # type: ignore[no-untyped-def]
    nearby = search_facilities(small_records, [make_filter("function1")], point=KOCHI,
                               radius_steps_km=(2.0, 5.0, 20.0), min_results=min_results)
    assert (nearby.radius_km, nearby.total_matches) == (radius, count)
    assert all((h.distance_km or 0) <= radius for h in nearby.hits)
    if radius > 2.0:
        text = radius_text(nearby, "高知市役所")
        assert "件だけだったため" in text and f"半径{radius:g}km" in text


# ---- 5. quotes ----------------------------------------------------------------------------------

LONG = Passage(
    id="guideline:test", source="guideline", ref="第9章第9節", title="試験用の節", doc="架空の手引き", page=99,
    text=("○ この節は制度の背景を述べるものであり、答えとは関係のない前置きが長く続くことがある。\n"
          "○ 同じく関係のない二つ目の前置きが、ここでもかなりの長さで続いていく。\n"
          "○ 報告の期限は毎年３月末日であり、期限を過ぎた場合は都道府県から督促が行われる。\n"
          "○ なお、説明にあたっては以下の項目について説明を行うこと。\n➢ 疾患名\n➢ 治療に関する計画"),
    search_text="",
)


@pytest.fixture(scope="module")
def tokenize():  # type: ignore[no-untyped-def]
    return make_tokenizer("C", True)


@pytest.mark.parametrize(
    ("question", "inside", "outside"),
    [
        ("報告の期限はいつですか", "報告の期限は毎年３月末日であり、期限を過ぎた場合は都道府県から督促が行われる。", "前置き"),
        ("どんな項目を説明するのですか", "以下の項目について説明を行うこと。 ➢ 疾患名 ➢ 治療に関する計画", "督促"),
    ],
)
def test_quote_keeps_the_relevant_sentence_whole(tokenize, question: str, inside: str, outside: str) -> None:  # type: ignore[no-untyped-def]
    quote = quote_of(LONG, question, tokenize)
    assert inside in quote and outside not in quote and quote.startswith("…")
    assert len(quote) <= 300 + 2


def test_quote_without_a_question_starts_at_the_beginning_and_is_capped() -> None:
    quote = quote_of(LONG, limit=60)
    assert quote.startswith("○ この節は") and quote.endswith("…")
    assert split_sentences("一つ目。二つ目。\n三つ目") == ["一つ目。", "二つ目。", "三つ目"]


def test_guideline_citation_keeps_reference_and_the_relevant_quote(assistant_kochi: Assistant) -> None:
    answer = assistant_kochi.ask("協議の場の圏域は市町村単位で考えればよいのか")
    top = answer.citations[0]
    assert top.id and isinstance(top.page, int) and top.quote in answer.answer
    assert "市町村" in top.quote


# ---- 6. notice ----------------------------------------------------------------------------------

@pytest.mark.parametrize("message", ["協議はどの単位で開くの？", "胸が痛い", "今日の天気は？", "看取りまで",
                                     "高知市で24時間往診してくれる診療所"])
def test_notice_is_never_empty_on_sample_data(assistant_small: Assistant, message: str) -> None:
    assert "架空" in assistant_small.ask(message).notice


def test_no_notice_for_real_data(assistant_small: Assistant, small_records) -> None:  # type: ignore[no-untyped-def]
    real: tuple[Facility, ...] = tuple(dataclasses.replace(f, sample=False) for f in small_records)
    assistant = Assistant(assistant_small.settings, facilities=real)
    assert assistant.ask("協議はどの単位で開くの？").notice == ""
    assert assistant.ask("高知市で24時間往診してくれる診療所").notice == ""


# ---- 7. Q&A preference --------------------------------------------------------------------------

def _p(ref: str, source: str) -> Passage:
    return Passage(id=f"{source}:{ref}", source=source, ref=ref, title=ref, doc="", page=1, text=ref, search_text="")


@pytest.mark.parametrize(
    ("scored", "first"),
    [
        ([("G1", "guideline", 2.00), ("Q1", "qa", 1.98), ("G2", "guideline", 1.0)], "Q1"),  # a near tie
        ([("G1", "guideline", 2.00), ("Q1", "qa", 1.70), ("G2", "guideline", 1.0)], "G1"),  # clearly behind
        ([("G1", "guideline", 0.0328), ("G2", "guideline", 0.0320), ("Q1", "qa", 0.0318),
          ("G3", "guideline", 0.0200)], "Q1"),  # RRF scale: the rule reads the spread, not raw numbers
        ([("Q1", "qa", 3.0), ("G1", "guideline", 2.9)], "Q1"),
        ([("G1", "guideline", 3.0), ("G2", "guideline", 2.9)], "G1"),
    ],
)
def test_qa_goes_first_only_within_the_margin(scored: list[tuple[str, str, float]], first: str) -> None:
    found = [(_p(ref, source), score) for ref, source, score in scored]
    ranked = prefer_qa(found)
    assert ranked[0][0].ref == first and len(ranked) == len(found)


def test_a_qa_answer_also_cites_the_guideline_section() -> None:
    found = [(_p("Q1", "qa"), 2.0), (_p("R1", "reference"), 1.5), (_p("G1", "guideline"), 1.0)]
    support = supporting_guideline(found)
    assert support is not None and support.ref == "G1"
    assert supporting_guideline(found[1:]) is None


# ---- 8./9. distances and duplicate names --------------------------------------------------------

def test_municipality_distances_say_town_hall_and_points_do_not(assistant_small: Assistant) -> None:
    area = assistant_small.ask("高知市で24時間往診してくれる診療所")
    lines = [line for line in area.answer.splitlines() if line.startswith(("1.", "2."))]
    assert lines and all("役所・役場から約" in line for line in lines)
    point = assistant_small.ask(f"{KOCHI[0]},{KOCHI[1]} の近くで24時間往診してくれる診療所")
    assert point.facilities and "役所・役場" not in point.answer


def test_duplicate_names_show_the_address(assistant_small: Assistant, small_records) -> None:  # type: ignore[no-untyped-def]
    twin = dataclasses.replace(small_records[0], id="T-K1B", address="高知県高知市架空町9-9", lat=KOCHI[0] + 0.006)
    assistant = Assistant(assistant_small.settings, facilities=(*small_records, twin))
    answer = assistant.ask("高知市でACPをしている診療所")
    assert {f.id for f in answer.facilities} >= {"T-K1", "T-K1B"}
    assert "所在地：高知県高知市架空町1-1" in answer.answer and "所在地：高知県高知市架空町9-9" in answer.answer
    assert answer.answer.count("所在地：") == 2  # only the facilities that share a name


# ---- quotes: footnotes and a second, non-adjacent sentence -------------------------------------------------

def _passage(text: str) -> Passage:
    return Passage("guideline:test", "guideline", "第9章", "試験用の節", "試験文書", 1, text, text)


def _chars(text: str) -> list[str]:
    return [c for c in text if c not in "、。 "]


def test_a_footnote_joins_the_sentence_that_refers_to_it() -> None:
    text = ("○ 管理者は報告を行う。" + "前置きの文。" * 12 + "\n命令に従わない場合は是正を命ずることができる。［注7］（根拠条文）\n"
            + "［注7］命令に違反した者は三十万円以下の過料に処する。")
    quote = quote_of(_passage(text), "命令 是正", _chars)
    assert "是正を命ずる" in quote and "三十万円以下の過料" in quote


def test_a_second_matching_sentence_further_down_is_quoted_with_a_cut() -> None:
    text = "報告の期限は三月末とする。\n" + "関係のない文が続く。\n" * 12 + "なお報告の期限を過ぎた場合は催促する。"
    quote = quote_of(_passage(text), "報告期限", _chars)
    assert quote.startswith("報告の期限は三月末") and " … なお報告の期限を過ぎた場合" in quote
    assert len(quote) <= 350


def test_section_named_once_when_its_ref_already_ends_with_the_title() -> None:
    from assistant.texts import named
    from corpus.passage import Passage

    def passage(ref: str, title: str) -> Passage:
        return Passage(id="g", source="guideline", ref=ref, title=title, doc="d", page=12, text="t", search_text="t")

    assert named(passage("第2章第3節（２）留意事項", "留意事項")) == "第2章第3節（２）留意事項"
    assert named(passage("第4章第2節（２）", "協議に向けた枠組みの整理")) == "第4章第2節（２）「協議に向けた枠組みの整理」"
