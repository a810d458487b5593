"""The facility filter table: every filter against hand-made records, its evidence, spec and Chroma clause."""

from __future__ import annotations

from typing import Any

import pytest

from retrieval.filters import (
    FILTER_NAMES,
    FilterError,
    chroma_where,
    describe,
    facility_metadata,
    filter_from_spec,
    make_filter,
)
from tests.data.retrieval_facilities import RECORDS

# (name, value, record, expected). Unreported blocks ("base") never satisfy anything but base fields.
CASES: list[tuple[str, Any, str, bool]] = [
    ("kind", "clinic", "base", True), ("kind", "hospital", "base", False), ("kind", "hospital", "full", True),
    ("municipality", "13101", "base", True), ("municipality", ["39201", "39202"], "full", True),
    ("municipality", "39201", "base", False),
    ("function1", None, "full", True), ("function1", None, "empty", False), ("function1", None, "base", False),
    ("domain", "内科", "full", True), ("domain", "小児", "full", False), ("domain", "内科", "f1off", False),
    ("disease", "糖尿病", "full", True), ("disease", "喘息", "full", False), ("disease", "高血圧", "f1off", False),
    ("consultation", None, "full", True), ("consultation", None, "empty", False),
    ("general_medicine", None, "full", True), ("general_medicine", None, "empty", False),
    ("off_hours", None, "full", True), ("off_hours", None, "partnered", True), ("off_hours", None, "empty", False),
    ("off_hours", None, "base", False),
    ("off_hours", "rota", "full", True), ("off_hours", "rota", "partnered", False),
    ("off_hours", "self_anytime", "partnered", True), ("off_hours", "self_plus_partners", "full", True),
    ("backup_beds", None, "full", True), ("backup_beds", None, "partnered", True),
    ("backup_beds", None, "empty", False), ("backup_beds", None, "base", False),
    ("backup_beds", "self", "full", True), ("backup_beds", "self", "partnered", False),
    ("backup_beds", "partnered", "partnered", True), ("backup_beds", "partnered", "full", False),
    ("discharge_rules", None, "full", True), ("discharge_rules", None, "empty", False),
    ("home_care", None, "daytime", True), ("home_care", None, "full", True), ("home_care", None, "empty", False),
    ("home_care", None, "base", False), ("home_care", "daytime", "daytime", True),
    ("home_care", "24h_self", "full", True), ("home_care", "24h_self", "partnered", False),
    ("home_care", "24h_with_partners", "partnered", True),
    ("home_care_24h", None, "full", True), ("home_care_24h", None, "partnered", True),
    ("home_care_24h", None, "daytime", False), ("home_care_24h", None, "base", False),
    ("home_visits", None, "full", True), ("home_visits", None, "daytime", False),
    ("urgent_visits", None, "full", True), ("urgent_visits", None, "partnered", False),
    ("home_deaths", None, "full", True), ("home_deaths", None, "partnered", False),
    ("care_collab", None, "full", True), ("care_collab", None, "empty", False),
    ("opinion_letters", None, "full", True), ("opinion_letters", None, "empty", False),
    ("care_meetings", None, "full", True), ("care_meetings", None, "empty", False),
    ("care_manager_consults", None, "full", True), ("care_manager_consults", None, "empty", False),
    ("cooperating_facility", None, "full", True), ("cooperating_facility", None, "empty", False),
    ("info_sharing_system", None, "full", True), ("info_sharing_system", None, "empty", False),
    ("acp", None, "full", True), ("acp", None, "empty", False), ("acp", None, "base", False),
    ("trained_doctors", None, "full", True), ("trained_doctors", None, "empty", False),
    ("platform", None, "full", True), ("platform", None, "base", False),
    ("admission_info_sharing", None, "full", True), ("admission_info_sharing", None, "empty", False),
    ("discharge_guidance", None, "full", True), ("discharge_guidance", None, "partnered", False),
    ("nursing_visits", None, "full", True), ("nursing_visits", None, "partnered", False),
    ("nursing_instructions", None, "full", True), ("nursing_instructions", None, "daytime", False),
    ("care_manager_info", None, "full", True), ("care_manager_info", None, "empty", False),
    ("cooperating_facility", "特別養護老人ホーム", "full", True), ("cooperating_facility", "グループホーム", "full", False),
    ("community_activity", None, "full", True), ("community_activity", None, "empty", False),
    ("community_activity", "学校医", "full", True), ("community_activity", "産業医", "full", False),
    ("education", None, "full", True), ("education", None, "empty", False),
    ("future_intent", None, "daytime", True), ("future_intent", None, "full", False),
    ("future_function", None, "daytime", True), ("future_function", None, "full", False),
    ("future_function", "時間外の診療", "daytime", True), ("future_function", "在宅医療", "daytime", False),
    ("confirmed_2go", None, "full", True), ("confirmed_2go", None, "base", False),
    ("checkups", None, "full", True), ("checkups", None, "empty", False),
    ("vaccinations", None, "full", True), ("vaccinations", None, "base", False),
]


def _where_matches(where: dict[str, Any], meta: dict[str, Any]) -> bool:
    """A tiny evaluator of the Chroma operators our filters emit."""
    if "$and" in where:
        return all(_where_matches(c, meta) for c in where["$and"])
    ((key, cond),) = where.items()
    ((op, operand),) = cond.items()
    if key not in meta:
        return False
    return meta[key] == operand if op == "$eq" else meta[key] in operand


def test_every_contract_name_is_covered() -> None:
    assert {c[0] for c in CASES} == set(FILTER_NAMES)
    assert {(c[0], c[3]) for c in CASES} >= {(n, True) for n in FILTER_NAMES} | {(n, False) for n in FILTER_NAMES}


@pytest.mark.parametrize(("name", "value", "record", "expected"), CASES)
def test_filter_table(name: str, value: Any, record: str, expected: bool) -> None:
    flt = make_filter(name, value)
    facility = RECORDS[record]
    assert flt.test(facility) is expected
    evidence = flt.evidence(facility)
    assert bool(evidence) is expected
    for ev in evidence:
        assert ev.item and ev.value
        head = ev.field.split(".")[0]
        assert hasattr(facility, head)
    where = flt.chroma_where()
    assert where is not None
    assert _where_matches(where, facility_metadata(facility)) is expected


@pytest.mark.parametrize(
    ("name", "value", "label"),
    [
        ("home_care_24h", None, "24時間の在宅医療（自院または連携）"),
        ("backup_beds", None, "後方支援病床を確保（自院または連携）"),
        ("backup_beds", "partnered", "後方支援病床を連携により確保"),
        ("acp", None, "ACP（人生会議）を実施"),
        ("kind", "clinic", "診療所に限る"),
    ],
)
def test_labels_are_japanese_sentences(name: str, value: Any, label: str) -> None:
    flt = make_filter(name, value)
    assert flt.label == label
    assert flt.to_spec() == {"name": name, "value": value, "label": label}


@pytest.mark.parametrize(
    ("name", "record", "field", "text"),
    [
        ("home_care_24h", "partnered", "home_care.mode", "自院での一定の対応に加えて連携により24時間対応（連携先：架空在宅支援診療所）"),
        ("backup_beds", "partnered", "admission_support.backup_beds", "連携により確保（連携先：架空後方支援病院）"),
        ("off_hours", "full", "off_hours.modes", "自院での一定の対応に加えて他医療機関と連携して随時対応（連携先：架空連携病院）"),
        ("home_visits", "full", "home_care.home_visits", "120回"),
        ("cooperating_facility", "full", "care_collaboration.cooperating_facilities", "架空特別養護老人ホーム"),
    ],
)
def test_evidence_cites_the_field(name: str, record: str, field: str, text: str) -> None:
    evidence = make_filter(name).evidence(RECORDS[record])
    assert (field, text) in {(e.field, e.value) for e in evidence}


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("nonsense", None, "不明な検索条件"),
        ("off_hours", "weekly", "使える値"),
        ("kind", None, "使える値"),
        ("home_care", "none", "使える値"),
        ("municipality", "131", "5桁"),
        ("domain", "", "値"),
        ("acp", "yes", "値を取りません"),
    ],
)
def test_bad_filters_raise_japanese_errors(name: str, value: Any, message: str) -> None:
    with pytest.raises(FilterError, match=message):
        make_filter(name, value)


def test_spec_round_trip_and_combination() -> None:
    specs = [{"name": "home_care_24h", "value": None}, {"name": "kind", "value": "clinic"}]
    filters = [filter_from_spec(s) for s in specs]
    assert [filter_from_spec(f.to_spec()) for f in filters] == filters
    assert describe(filters) == "24時間の在宅医療（自院または連携）／診療所に限る"
    assert chroma_where(filters) == {"$and": [{"home_care_24h": {"$eq": True}}, {"kind": {"$eq": "clinic"}}]}
    assert chroma_where([]) is None
    assert make_filter("municipality", "１３１０１").value == ("13101",)  # full-width digits fold
