"""The evaluator's own implementation of the filter table, over hand-built export dicts."""

from __future__ import annotations

import pytest

from evals.gold import GoldError, gold_set, haversine_km, satisfies

FULL = {
    "id": "F1",
    "kind": "clinic",
    "municipality_code": "39201",
    "lat": 33.5597,
    "lng": 133.5311,
    "function1": {"has": True, "domains": ["循環器系領域"], "diseases": ["高血圧"], "consultation": True,
                  "general_medicine_specialists": 1},
    "off_hours": {"modes": ["rota"]},
    "admission_support": {"backup_beds": "partnered", "discharge_rules": True},
    "home_care": {"mode": "24h_with_partners", "home_visits": 3, "urgent_visits": 0, "home_deaths": 1},
    "care_collaboration": {"has": True, "opinion_letters": True, "care_meetings": False,
                           "care_manager_consults": True, "cooperating_facilities": ["特養A"],
                           "info_sharing_system": False, "acp": True},
    "other": {"checkups": True, "vaccinations": False},
}
UNREPORTED = {"id": "F2", "kind": "hospital", "municipality_code": "13101", "lat": 0.0, "lng": 0.0,
              "function1": None, "off_hours": None, "admission_support": None, "home_care": None,
              "care_collaboration": None, "other": None}
FUNCTION1_OFF = dict(FULL, id="F3", function1=dict(FULL["function1"], has=False))


@pytest.mark.parametrize(
    ("name", "value", "full", "unreported"),
    [
        ("kind", "clinic", True, False),
        ("kind", "hospital", False, True),
        ("municipality", ["39201", "39202"], True, False),
        ("municipality", "13101", False, True),
        ("function1", None, True, False),
        ("domain", "循環器系領域", True, False),
        ("domain", "小児領域", False, False),
        ("disease", "高血圧", True, False),
        ("consultation", None, True, False),
        ("general_medicine", None, True, False),
        ("off_hours", None, True, False),
        ("off_hours", "rota", True, False),
        ("off_hours", "self_anytime", False, False),
        ("backup_beds", None, True, False),
        ("backup_beds", "self", False, False),
        ("discharge_rules", None, True, False),
        ("home_care", None, True, False),
        ("home_care", "daytime", False, False),
        ("home_care_24h", None, True, False),
        ("home_visits", None, True, False),
        ("urgent_visits", None, False, False),
        ("home_deaths", None, True, False),
        ("care_collab", None, True, False),
        ("opinion_letters", None, True, False),
        ("care_meetings", None, False, False),
        ("care_manager_consults", None, True, False),
        ("cooperating_facility", None, True, False),
        ("info_sharing_system", None, False, False),
        ("acp", None, True, False),
        ("checkups", None, True, False),
        ("vaccinations", None, False, False),
    ],
)
def test_conditions_table(name, value, full, unreported):
    spec = [{"name": name, "value": value}]
    assert satisfies(FULL, spec) is full
    assert satisfies(UNREPORTED, spec) is unreported  # an unreported block never satisfies


@pytest.mark.parametrize("name", ["domain", "disease"])
def test_domain_and_disease_need_function1(name):
    value = "循環器系領域" if name == "domain" else "高血圧"
    assert not satisfies(FUNCTION1_OFF, [{"name": name, "value": value}])


def test_home_care_none_mode_is_not_home_care():
    record = dict(FULL, home_care={"mode": "none"})
    assert not satisfies(record, [{"name": "home_care", "value": None}])


def test_unknown_condition_is_a_clear_error():
    with pytest.raises(GoldError, match="条件名"):
        satisfies(FULL, [{"name": "no_such_filter"}])


def test_haversine_known_distance():
    # 高知駅 → はりまや橋: about 0.7 km
    assert haversine_km(33.5670, 133.5437, 33.5609, 133.5425) == pytest.approx(0.69, abs=0.05)
    assert haversine_km(35.0, 135.0, 36.0, 135.0) == pytest.approx(111.2, abs=0.2)


def test_gold_set_ranks_by_distance_and_skips_missing_coordinates():
    near = dict(FULL, id="near", lat=33.56, lng=133.53)
    far = dict(FULL, id="far", lat=33.60, lng=133.60)
    nowhere = dict(FULL, id="nowhere", lat=None, lng=None)
    gold = {"conditions": [{"name": "home_care_24h"}], "point": [33.559, 133.531]}
    result = gold_set([far, UNREPORTED, nowhere, near], gold)
    assert result.ranked == ("near", "far")
    assert result.satisfying == {"near", "far", "nowhere"}


def test_gold_set_with_municipalities():
    other_city = dict(FULL, id="F9", municipality_code="39202")
    result = gold_set([FULL, other_city, UNREPORTED], {"conditions": [], "municipalities": ["39201"]})
    assert result.satisfying == {"F1"}
