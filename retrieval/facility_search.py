"""Facility search: hard filters first, then a municipality restriction or distance with radius widening."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from corpus.facility import Facility
from corpus.geo import haversine_km
from retrieval.filters import Evidence, FacilityFilter, describe, make_filter
from retrieval.registry import ROWS

# Optional strengths that order results when no location is given (more satisfied = earlier).
STRENGTHS: tuple[str, ...] = tuple(row.name for row in ROWS if row.strength)
_STRENGTH_FILTERS = tuple(make_filter(n) for n in STRENGTHS)


@dataclass(frozen=True)
class ConditionEvidence:
    """The record fields that satisfied one condition."""

    name: str
    label: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class FacilityHit:
    """One facility that met every condition, with its distance (when a point was given) and evidence."""

    facility: Facility
    distance_km: float | None
    evidence: tuple[ConditionEvidence, ...]
    strengths: int = 0


@dataclass(frozen=True)
class FacilitySearchResult:
    """Hits plus an honest description of where and how far the search looked."""

    hits: tuple[FacilityHit, ...]
    conditions: str  # the 「条件」 line
    searched: str  # 検索した範囲の説明（日本語）
    total_matches: int  # matches inside the area searched (hits may be cut to ``limit``)
    radius_km: float | None = None
    widened: bool = False


def _strengths(facility: Facility) -> int:
    return sum(flt.test(facility) for flt in _STRENGTH_FILTERS)


def _hit(facility: Facility, filters: Sequence[FacilityFilter], distance: float | None) -> FacilityHit:
    evidence = tuple(ConditionEvidence(f.name, f.label, f.evidence(facility)) for f in filters)
    return FacilityHit(facility, distance, evidence, _strengths(facility))


def _km(value: float) -> str:
    return f"{value:g}km"


def _by_distance(
    matched: Sequence[Facility], point: tuple[float, float], steps: Sequence[float], min_results: int = 1
) -> tuple[list[tuple[float, Facility]], float, bool]:
    """The matches within the first radius step holding at least ``min_results`` (else the largest step),
    nearest first, with the radius and whether it was widened."""
    lat, lng = point
    located = sorted(
        ((haversine_km((lat, lng), (f.lat, f.lng)), f) for f in matched if f.lat is not None and f.lng is not None),
        key=lambda pair: (pair[0], pair[1].id),
    )
    for i, radius in enumerate(steps):
        within = [(d, f) for d, f in located if d <= radius]
        if len(within) >= max(1, min_results) or (within and i == len(steps) - 1):
            return within, radius, i > 0
    return [], steps[-1], len(steps) > 1


def _distance_text(where: str, radius: float, steps: Sequence[float], widened: bool, found: bool,
                   first_count: int = 0) -> str:
    if found and widened and first_count:
        return (f"{where}から半径{_km(steps[0])}以内では{first_count}件だけだったため、"
                f"半径{_km(radius)}まで広げて検索しました")
    if found and widened:
        return f"{where}から半径{_km(steps[0])}以内に見つからなかったため、半径{_km(radius)}まで広げて検索しました"
    if found:
        return f"{where}から半径{_km(radius)}以内を検索しました"
    return f"{where}から半径{_km(radius)}以内（最大まで広げて検索）に条件に合う医療機関はありませんでした"


def search_facilities(
    facilities: Iterable[Facility],
    filters: Sequence[FacilityFilter] = (),
    *,
    places: Sequence[str] = (),
    point: tuple[float, float] | None = None,
    place_label: str = "",
    radius_steps_km: Sequence[float] = (2.0, 5.0, 10.0, 20.0),
    limit: int = 10,
    min_results: int = 1,
) -> FacilitySearchResult:
    """Apply hard filters, restrict to municipality codes, then rank by distance from ``point`` if given.

    Without a point, results are ordered by how many optional strengths a facility reports, then id.
    With a point the radius widens step by step while fewer than ``min_results`` match (never beyond the
    largest step); nothing within the largest step returns no hits rather than far-away ones.
    """
    filters = tuple(filters)
    matched = [f for f in facilities if all(flt.test(f) for flt in filters)]
    area = "全域"
    if places:
        codes = set(places)
        matched = [f for f in matched if f.municipality_code in codes]
        area = place_label or f"市区町村コード{'・'.join(places)}"
    conditions = describe(filters)
    if point is None:
        ranked = sorted(matched, key=lambda f: (-_strengths(f), f.id))
        hits = tuple(_hit(f, filters, None) for f in ranked[:limit])
        return FacilitySearchResult(hits, conditions, f"{area}を検索しました", len(matched))
    steps = tuple(sorted(radius_steps_km)) or (20.0,)
    within, radius, widened = _by_distance(matched, point, steps, min_results)
    where = place_label or "指定した地点"
    hits = tuple(_hit(f, filters, round(d, 3)) for d, f in within[:limit])
    first_count = sum(1 for d, _ in within if d <= steps[0])
    searched = _distance_text(where, radius, steps, widened, bool(within), first_count)
    return FacilitySearchResult(hits, conditions, searched, len(within), radius, widened)
