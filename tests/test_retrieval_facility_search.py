"""Facility search: hard filters, municipality restriction, distance ordering and radius widening."""

from __future__ import annotations

import dataclasses

import pytest

from corpus.facility import Facility, HomeCare
from corpus.geo import haversine_km
from retrieval.facility_search import search_facilities
from retrieval.filters import make_filter
from tests.data.retrieval_facilities import BASE, FULL

ORIGIN = (33.5597, 133.5311)  # 高知市中心部付近（架空データの基準点）
KM_PER_DEG_LAT = 111.195


def _at(id_: str, north_km: float, *, code: str = "39201", mode: str = "24h_self") -> Facility:
    return dataclasses.replace(
        BASE, id=id_, municipality_code=code, lat=ORIGIN[0] + north_km / KM_PER_DEG_LAT, lng=ORIGIN[1],
        home_care=HomeCare(mode=mode),
    )


NEAR = _at("t:near", 1.0)
MID = _at("t:mid", 3.0)
MID_DAYTIME = _at("t:mid-day", 3.5, mode="daytime")
FAR = _at("t:far", 8.0, code="39202")
NO_COORDS = dataclasses.replace(_at("t:nocoords", 0.0), lat=None, lng=None)
DATA = [FAR, MID_DAYTIME, NO_COORDS, MID, NEAR]


@pytest.mark.parametrize(
    ("a", "b", "km"),
    [((35.6812, 139.7671), (34.7025, 135.4959), 403.0), ((0.0, 0.0), (0.0, 1.0), 111.2), ((10.0, 10.0), (10.0, 10.0), 0.0)],
)
def test_haversine(a: tuple[float, float], b: tuple[float, float], km: float) -> None:
    assert haversine_km(a, b) == pytest.approx(km, abs=1.0)


def test_nearest_first_with_distances() -> None:
    result = search_facilities(DATA, [make_filter("home_care")], point=ORIGIN, radius_steps_km=(5, 10))
    assert [h.facility.id for h in result.hits] == ["t:near", "t:mid", "t:mid-day"]
    assert [h.distance_km for h in result.hits] == pytest.approx([1.0, 3.0, 3.5], abs=0.01)
    assert result.radius_km == 5 and not result.widened and result.total_matches == 3
    assert result.first_radius_km == 5 and result.first_count == 3


@pytest.mark.parametrize(
    ("filters", "steps", "ids", "radius", "widened"),
    [
        ([make_filter("home_care_24h")], (0.5, 2, 5, 10), ["t:near"], 2, True),
        ([make_filter("home_care", "daytime")], (2, 5), ["t:mid-day"], 5, True),
        ([make_filter("kind", "hospital")], (2, 5, 20), [], 20, True),
        ([], (10,), ["t:near", "t:mid", "t:mid-day", "t:far"], 10, False),
    ],
)
def test_radius_widening(filters: list, steps: tuple, ids: list[str], radius: float, widened: bool) -> None:
    result = search_facilities(DATA, filters, point=ORIGIN, radius_steps_km=steps)
    assert [h.facility.id for h in result.hits] == ids
    assert (result.radius_km, result.widened) == (radius, widened)
    assert result.first_radius_km == steps[0] and (not widened or result.first_count == 0)  # min_results=1


def test_point_outside_the_data_returns_nothing() -> None:
    sapporo = (43.0618, 141.3545)
    result = search_facilities(DATA, [], point=sapporo, radius_steps_km=(2, 5, 10, 20))
    assert result.hits == () and result.total_matches == 0
    assert result.radius_km == 20 and result.widened and result.first_count == 0


def test_municipality_restriction_and_limit() -> None:
    result = search_facilities(DATA, [], places=("39202",))
    assert [h.facility.id for h in result.hits] == ["t:far"] and result.radius_km is None
    assert search_facilities(DATA, [], limit=2).total_matches == 5
    assert len(search_facilities(DATA, [], limit=2).hits) == 2


def test_without_location_orders_by_strengths_then_id() -> None:
    result = search_facilities([BASE, NEAR, FULL], [])
    assert [h.facility.id for h in result.hits] == ["test:full", "t:near", "test:base"]
    assert all(h.distance_km is None for h in result.hits)


def test_hits_carry_evidence_per_condition() -> None:
    filters = [make_filter("home_care_24h"), make_filter("acp")]
    result = search_facilities([FULL, BASE], filters)
    (hit,) = result.hits
    assert [c.label for c in hit.evidence] == ["24時間の在宅医療（自院または連携）", "ACP（人生会議）を実施"]
    assert hit.evidence[0].evidence[0].field == "home_care.mode"
    assert result.conditions == "24時間の在宅医療（自院または連携）／ACP（人生会議）を実施"
