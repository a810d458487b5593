"""Conversations: grounding, multi-turn refinement, 「どこで？」, no-match relaxations, sessions and bad input."""

from __future__ import annotations

import dataclasses

import pytest

from assistant.errors import InputError
from assistant.service import Assistant
from corpus.facility import facility_from_dict
from retrieval.facility_search import search_facilities
from retrieval.filters import make_filter

pytest_plugins = ["tests.data.assistant_facilities"]

ANSWER_KEYS = {"intent", "answer", "conditions", "facilities", "citations", "filters", "location", "radius_km",
               "suggestions", "session_id", "notice", "safety", "unapplied", "understanding", "body", "order_by"}
FACILITY_KEYS = {"id", "name", "kind", "kind_label", "municipality", "municipality_code", "address", "lat", "lng",
                 "phone", "website", "distance_km", "as_of", "sample", "evidence"}


def ids(answer) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.id for f in answer.facilities]


def assert_grounded(assistant: Assistant, answer) -> None:  # type: ignore[no-untyped-def]
    """Every listed facility satisfies every condition, checked with the filter objects on the records."""
    data = answer.to_dict()
    filters = [make_filter(f["name"], f["value"]) for f in data["filters"]]
    codes = {c for p in (data["location"] or {}).get("places", []) for c in p["codes"]}
    distances = [f["distance_km"] for f in data["facilities"] if f["distance_km"] is not None]
    if "並び順：報告された算定回数" not in data["answer"]:
        assert distances == sorted(distances)  # nearest first unless the answer names another order
    for item in data["facilities"]:
        record = facility_from_dict(assistant.facility(item["id"]))  # type: ignore[arg-type]
        assert all(flt.test(record) for flt in filters), item["name"]
        assert len(item["evidence"]) >= len(filters)
        if data["location"] and data["location"]["mode"] == "area":
            assert record.municipality_code in codes


GROUNDING = [
    "高知市で24時間往診してくれる診療所",
    "急変したときに入院させてくれる病院を高知市で",
    "練馬区でケアマネと連携していて看取りまでしてくれる診療所",
    "世田谷区で認知症を診てくれるクリニック",
    "南国市で予防接種と健診をしている医療機関",
    "〒780-0870の近くで夜間も診てくれる診療所",
    "八王子市でACPに取り組んでいる病院",
]


@pytest.mark.parametrize("message", GROUNDING)
def test_every_listed_facility_satisfies_every_condition(assistant_kochi: Assistant, message: str) -> None:
    answer = assistant_kochi.ask(message)
    assert answer.intent == "facility_search"
    assert answer.facilities, "the sample data should have matches for these"
    assert_grounded(assistant_kochi, answer)
    assert answer.notice and "架空" in answer.notice
    assert answer.conditions.startswith("条件：")
    data = answer.to_dict()
    assert set(data) == ANSWER_KEYS
    assert all(set(f) == FACILITY_KEYS for f in data["facilities"])
    assert all(f["as_of"] for f in data["facilities"])


def test_facility_answer_shows_conditions_distance_evidence_and_base_date(assistant_small: Assistant) -> None:
    answer = assistant_small.ask("高知市で24時間往診してくれる診療所")
    assert ids(answer) == ["T-K1", "T-K2"]  # nearest first; 南国市 and non-24h facilities excluded
    assert answer.conditions == "条件：高知市・診療所・24時間の在宅医療（自院または連携）"
    assert answer.answer.startswith(answer.conditions)
    assert "約0.3km" in answer.answer and "報告基準日：2026-01-01" in answer.answer
    assert "連携により24時間対応（連携先：架空あおぞら診療所（サンプル））" in answer.answer
    # the condition's evidence, then the reported amounts that ordered the list (往診 first for 24時間)
    fields = [e.field for e in answer.facilities[1].evidence]
    assert fields[1] == "home_care.mode" and set(fields[2:]) <= {"home_care.urgent_visits", "home_care.home_visits"}
    assert "並び順：報告された算定回数（往診・訪問診療）が多い順です（同じ場合は役所・役場に近い順）。" in answer.answer


def test_multi_turn_refinement(assistant_small: Assistant) -> None:
    first = assistant_small.ask("高知市で24時間往診してくれる診療所")
    sid = first.session_id
    narrowed = assistant_small.ask("その中でACPもしているのは？", session_id=sid)
    assert ids(narrowed) == ["T-K1"]
    assert {f["name"] for f in narrowed.to_dict()["filters"]} == {"kind", "home_care_24h", "acp"}
    holiday = assistant_small.ask("その中で休日も対応しているのは？", session_id=sid)
    assert {f["name"] for f in holiday.to_dict()["filters"]} >= {"home_care_24h", "acp", "off_hours"}
    hospitals = assistant_small.ask("病院だけにして", session_id=sid)
    assert {(f["name"], f["value"]) for f in hospitals.to_dict()["filters"]} >= {("kind", "hospital")}
    assert ("kind", "clinic") not in {(f["name"], f["value"]) for f in hospitals.to_dict()["filters"]}
    assert hospitals.facilities == ()  # no hospital offers 24h home care here


def test_closer_only_keeps_nearer_results(assistant_small: Assistant) -> None:
    first = assistant_small.ask("高知市で24時間往診してくれる診療所")
    far = max(f.distance_km or 0 for f in first.facilities)
    closer = assistant_small.ask("もっと近くで", session_id=first.session_id)
    assert closer.facilities and len(closer.facilities) < len(first.facilities)
    assert all((f.distance_km or 0) < far for f in closer.facilities)
    assert_grounded(assistant_small, closer)


def test_ordinal_partners_come_from_the_record(assistant_small: Assistant) -> None:
    first = assistant_small.ask("高知市で24時間往診してくれる診療所")
    partners = assistant_small.ask("さっきの2番目の連携先は？", session_id=first.session_id)
    assert ids(partners) == ["T-K2"]
    assert "架空中央病院（サンプル）" in partners.answer and "架空あおぞら診療所（サンプル）" in partners.answer
    out_of_range = assistant_small.ask("5番目の連携先は？", session_id=first.session_id)
    assert "2件" in out_of_range.answer and out_of_range.facilities == ()


def test_new_topic_starts_fresh_but_keeps_the_place(assistant_small: Assistant) -> None:
    first = assistant_small.ask("高知市で24時間往診してくれる診療所")
    new = assistant_small.ask("認知症を診てくれる診療所を探しています", session_id=first.session_id)
    assert {(f["name"], f["value"]) for f in new.to_dict()["filters"]} == {("kind", "clinic"), ("disease", "認知症")}
    assert ids(new) == ["T-K2", "T-K3"]


def test_sessions_persist_as_json_between_instances(assistant_small: Assistant, small_records) -> None:  # type: ignore[no-untyped-def]
    first = assistant_small.ask("高知市で24時間往診してくれる診療所")
    assert assistant_small.sessions.get(first.session_id) is not None  # type: ignore[attr-defined]
    again = Assistant(assistant_small.settings, facilities=small_records)
    assert ids(again.ask("その中でACPもしているのは？", session_id=first.session_id)) == ["T-K1"]


def test_an_id_the_server_did_not_issue_starts_a_new_conversation(assistant_small: Assistant) -> None:
    store = assistant_small.sessions
    invented = assistant_small.ask("高知市で24時間往診してくれる診療所", session_id="care-manager-1")
    assert invented.session_id != "care-manager-1" and store.get("care-manager-1") is None  # type: ignore[attr-defined]
    real = invented.session_id
    forged = real[:-1] + ("0" if real[-1] != "0" else "1")  # same token, wrong signature
    follow = assistant_small.ask("その中でACPもしているのは？", session_id=forged)
    assert follow.session_id not in (real, forged)
    assert follow.intent == "clarify"  # a fresh conversation: no earlier search to refine, so it asks where


def test_sessions_keep_only_what_the_next_turn_needs(assistant_small: Assistant) -> None:
    import stat

    folder = assistant_small.settings.sessions_dir
    store = assistant_small.sessions
    search = assistant_small.ask("母が物忘れがひどいので高知市で往診してくれる診療所", location="33.559587,133.529279")
    data = store.get(search.session_id)  # type: ignore[attr-defined]
    assert all(t["text"] == "" for t in data["turns"])  # a search's words (health details) are not kept
    assert data["user_location"] == "33.560,133.529"  # a position is kept rounded (about 100 m)
    assert data["last"]["result_ids"]  # what 「その中で…」 needs is kept
    guide = assistant_small.ask("報告の基準日はいつ？", session_id=search.session_id)
    data = store.get(guide.session_id)  # type: ignore[attr-defined]
    assert [t["text"] for t in data["turns"] if t["role"] == "user"][-1] == "報告の基準日はいつ？"
    assert stat.S_IMODE((folder / ".secret").stat().st_mode) == 0o600
    assert stat.S_IMODE((folder / "sessions.sqlite3").stat().st_mode) == 0o600


def test_an_expired_conversation_is_forgotten(assistant_small: Assistant) -> None:
    first = assistant_small.ask("高知市で24時間往診してくれる診療所")
    store = assistant_small.sessions
    store.age(first.session_id, 25 * 3600)  # type: ignore[attr-defined]
    again = assistant_small.ask("その中でACPもしているのは？", session_id=first.session_id)
    assert again.session_id != first.session_id and store.get(first.session_id) is None  # type: ignore[attr-defined]
    assert store.prune() == 0


def test_asks_where_once_then_searches_everywhere(assistant_small: Assistant) -> None:
    question = assistant_small.ask("看取りまでしてくれる診療所")
    assert question.intent == "clarify" and "地域" in question.answer
    assert question.conditions == "条件：診療所・在宅看取りの実績あり"
    reply = assistant_small.ask("高知市です", session_id=question.session_id)
    assert reply.intent == "facility_search" and ids(reply) == ["T-K1"]

    other = assistant_small.ask("往診してくれる診療所")
    assert other.intent == "clarify"
    everywhere = assistant_small.ask("ACPをしている診療所", session_id=other.session_id)
    assert everywhere.intent == "facility_search" and "全域" in everywhere.answer
    assert set(ids(everywhere)) == {"T-K1", "T-N1"}


def test_near_uses_the_given_location(assistant_small: Assistant) -> None:
    answer = assistant_small.ask("近くで認知症を診てくれるところ", location="高知市")
    # Only T-K2 lies within the first 2 km step: a list that short widens (to the largest step) and says so.
    assert answer.radius_km == 20 and ids(answer) == ["T-K2", "T-K3"]
    assert "高知市の近く（半径20km以内）" in answer.conditions
    assert "半径2km以内では1件だけだったため、半径20kmまで広げて" in answer.answer


def test_no_match_says_what_was_searched_and_checked_relaxations(assistant_small: Assistant, small_records) -> None:  # type: ignore[no-untyped-def]
    answer = assistant_small.ask("高知市で自院で24時間の在宅医療をしている病院")
    assert answer.facilities == ()
    assert "見つかりませんでした" in answer.answer and "高知県高知市内を検索しました" in answer.answer
    assert any("病院・診療所の両方" in s and "1件" in s for s in answer.suggestions)
    relaxed = search_facilities(small_records, [make_filter("home_care", "24h_self")], places=("39201",))
    assert relaxed.total_matches == 1  # the suggestion's count is real


def test_no_match_suggests_the_neighbouring_municipality(assistant_small: Assistant) -> None:
    answer = assistant_small.ask("南国市で認知症を診てくれる診療所")
    assert answer.facilities == ()
    assert any("高知市" in s and "2件" in s for s in answer.suggestions)


def test_explicit_structured_search(assistant_small: Assistant) -> None:
    answer = assistant_small.search_facilities([{"name": "home_care_24h", "value": None}], location="高知市")
    assert answer.intent == "facility_search" and ids(answer) == ["T-K1", "T-K2"]
    everywhere = assistant_small.search_facilities([{"name": "acp"}, {"name": "municipality", "value": "39204"}])
    assert ids(everywhere) == ["T-N1"]
    assert assistant_small.facility("T-K1")["name"] == "架空あおぞら診療所（サンプル）"  # type: ignore[index]
    assert assistant_small.facility("nope") is None


@pytest.mark.parametrize(
    "call",
    [
        lambda a: a.ask(""),
        lambda a: a.ask("   "),
        lambda a: a.ask("あ" * 1001),
        lambda a: a.ask("往診してくれる診療所", location="どこでもない場所ですよ"),
        lambda a: a.ask("往診してくれる診療所", session_id="../../etc/passwd"),
        lambda a: a.search_facilities([{"name": "no_such_filter"}]),
        lambda a: a.search_facilities([{"name": "kind", "value": "pharmacy"}]),
        lambda a: a.search_text(""),
    ],
)
def test_bad_input_raises_input_error_in_japanese(assistant_small: Assistant, call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as info:
        call(assistant_small)
    assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in str(info.value))


def test_guideline_answer_quotes_q_number_and_page(assistant_kochi: Assistant) -> None:
    answer = assistant_kochi.ask("協議はどの単位で開くの？")
    assert answer.intent == "guideline"
    top = answer.citations[0]
    assert (top.source, top.id) == ("qa", "Q11") and isinstance(top.page, int)
    assert "Q11" in answer.answer and f"P.{top.page}" in answer.answer
    assert top.quote and top.quote[:20] in answer.answer
    assert answer.suggestions and all(s.startswith("関連するＱ＆Ａ：Q") for s in answer.suggestions)


def test_named_q_number_is_answered_from_that_item(assistant_kochi: Assistant) -> None:
    answer = assistant_kochi.ask("Q5について教えて")
    assert answer.citations[0].id == "Q5"


def test_case_study_answer_names_case_region_and_page(assistant_kochi: Assistant) -> None:
    if not [p for p in assistant_kochi._all_passages() if p.source == "case"]:
        pytest.skip("the shipped corpus has no case-study passages yet")
    answer = assistant_kochi.ask("過疎地域で在宅医療を確保した取組事例はありますか")
    top = answer.citations[0]
    assert top.source == "case" and top.id in answer.answer and f"P.{top.page}" in answer.answer


def test_search_text_returns_citation_dicts(assistant_kochi: Assistant) -> None:
    results = assistant_kochi.search_text("協議はどの単位で開くの", k=3)
    assert "Q11" in [r["id"] for r in results]
    assert assistant_kochi.search_text("協議はどの単位で開くの", k=3, sources=["qa"])[0]["id"] == "Q11"
    assert {"source", "id", "title", "page", "quote"} <= set(results[0])
    assert all(r["source"] == "qa" for r in assistant_kochi.search_text("報告", k=5, sources=["qa"]))


def test_answer_json_keys_match_the_contract(assistant_small: Assistant) -> None:
    for message in ("高知市で24時間往診してくれる診療所", "胸が痛い", "今日の天気は？", "看取りまで"):
        data = assistant_small.ask(message).to_dict()
        assert set(data) == ANSWER_KEYS
        assert data["intent"] in ("facility_search", "guideline", "emergency", "out_of_scope", "clarify")
        assert data["session_id"]


def test_settings_limit_is_respected(assistant_small: Assistant, small_records) -> None:  # type: ignore[no-untyped-def]
    small = dataclasses.replace(assistant_small.settings, assistant=dataclasses.replace(
        assistant_small.settings.assistant, max_facilities=1))
    answer = Assistant(small, facilities=small_records).ask("高知市で24時間往診してくれる診療所")
    assert ids(answer) == ["T-K1"] and "2件" in answer.answer
