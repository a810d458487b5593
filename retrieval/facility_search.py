"""Facility search: the store's masks for the conditions, then a municipality restriction or distance with radius widening."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from corpus.facility import Facility
from retrieval.filters import Evidence, FacilityFilter, describe, make_filter
from retrieval.registry import ROWS
from retrieval.store import FacilityStore, as_store

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
    conditions: str  # the 「条件」 line (the registry's labels)
    total_matches: int  # matches inside the area searched (hits may be cut to ``limit``)
    radius_km: float | None = None  # the radius searched around a point (None: an area or everywhere)
    widened: bool = False  # the radius grew past the first step
    first_radius_km: float | None = None  # the first step tried
    first_count: int = 0  # matches within the first step


def _strengths(facility: Facility) -> int:
    return sum(flt.test(facility) for flt in _STRENGTH_FILTERS)


def _hit(facility: Facility, filters: Sequence[FacilityFilter], distance: float | None) -> FacilityHit:
    evidence = tuple(ConditionEvidence(f.name, f.label, f.evidence(facility)) for f in filters)
    return FacilityHit(facility, distance, evidence, _strengths(facility))


def search_facilities(
    facilities: FacilityStore | Iterable[Facility],
    filters: Sequence[FacilityFilter] = (),
    *,
    places: Sequence[str] = (),
    point: tuple[float, float] | None = None,
    radius_steps_km: Sequence[float] = (2.0, 5.0, 10.0, 20.0),
    limit: int = 10,
    offset: int = 0,
    min_results: int = 1,
    by_amounts: Sequence[str] = (),
) -> FacilitySearchResult:
    """Apply hard filters, restrict to municipality codes, then rank by distance from ``point`` if given.

    Without a point, results are ordered by how many optional strengths a facility reports, then id.
    With a point the radius widens step by step while fewer than ``min_results`` match (never beyond the
    largest step); nothing within the largest step returns no hits rather than far-away ones.
    ``offset`` skips that many hits of the same ordering (paging). ``by_amounts`` (amount row names) puts first
    the facilities reporting more of those 算定回数 (the store's ordering), ahead of distance or strengths.
    """
    store = as_store(facilities)
    filters = tuple(filters)
    codes = tuple(places)
    conditions = describe(filters)
    if point is None:
        page = store.query(filters, codes=codes, limit=limit, offset=offset, by_amounts=by_amounts)
        hits = tuple(_hit(r.facility, filters, None) for r in page.rows)
        return FacilitySearchResult(hits, conditions, page.total)
    steps = tuple(sorted(radius_steps_km)) or (20.0,)
    counts = store.count_within(filters, codes=codes, point=point, radii=steps)
    chosen = next((i for i, n in enumerate(counts) if n >= max(1, min_results)), None)
    if chosen is None:
        chosen = len(steps) - 1
    radius, widened = steps[chosen], chosen > 0
    page = store.query(filters, codes=codes, point=point, radius_km=radius, limit=limit, offset=offset,
                       by_amounts=by_amounts)
    hits = tuple(_hit(r.facility, filters, round(r.distance_km or 0.0, 3)) for r in page.rows)
    return FacilitySearchResult(hits, conditions, page.total, radius, widened, steps[0], counts[0])
