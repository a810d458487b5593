"""Facility searches for the assistant: run one, widen it honestly, and find relaxations that really match."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answer import Evidence, FacilityHit
from assistant.where import EVERYWHERE, Where
from corpus.facility import KIND_LABELS
from retrieval import facility_search as fs
from retrieval.filters import FacilityFilter, make_filter
from retrieval.registry import ROWS, measuring_amounts
from retrieval.store import UNREPORTED, FacilityStore

_AREA_RADIUS_KM = 100_000.0  # inside a named municipality every facility counts; distance only orders them
# A nearby list shorter than this widens to the next radius step (up to the largest), and says so.
MIN_NEARBY = 10  # a full page of the nearest: the 4th nearest at 2.1 km is as useful as the 3rd at 1.9 km


@dataclass(frozen=True)
class SearchOutcome:
    """Hits (nearest first when a point is known) and a Japanese sentence of where was searched."""

    hits: tuple[fs.FacilityHit, ...]
    searched: str
    total: int
    where: Where
    radius_km: float | None = None
    order_by: tuple[str, ...] = ()  # amount rows that ordered the list (empty: nearest first / strengths)


def _km(value: float) -> str:
    return f"{value:g}km"


def radius_text(result: fs.FacilitySearchResult, origin: str) -> str:
    """Where a radius search looked, and how far it widened (Japanese)."""
    radius, first = result.radius_km or 0.0, result.first_radius_km or result.radius_km or 0.0
    if result.total_matches and result.widened and result.first_count:
        return (f"{origin}から半径{_km(first)}以内では{result.first_count}件だけだったため、"
                f"半径{_km(radius)}まで広げて検索しました")
    if result.total_matches and result.widened:
        return f"{origin}から半径{_km(first)}以内に見つからなかったため、半径{_km(radius)}まで広げて検索しました"
    if result.total_matches:
        return f"{origin}から半径{_km(radius)}以内を検索しました"
    return f"{origin}から半径{_km(radius)}以内（最大まで広げて検索）に条件に合う医療機関はありませんでした"


def run_search(
    store: FacilityStore, filters: Sequence[FacilityFilter], where: Where,
    steps: Sequence[float], limit: int, offset: int = 0,
) -> SearchOutcome:
    """Search inside the area, around the point with widening steps, or everywhere."""
    if where.mode == "radius" and where.point is not None:
        result = fs.search_facilities(store, filters, point=where.point,
                                      radius_steps_km=steps, limit=limit, offset=offset, min_results=MIN_NEARBY)
        return SearchOutcome(result.hits, radius_text(result, _origin_label(where)), result.total_matches, where,
                             result.radius_km)
    # Inside an area the town hall is no one's position: the asked functions' 算定回数 order the list first.
    amounts = measuring_amounts(f.name for f in filters)
    if where.mode == "everywhere" or not where.codes:
        result = fs.search_facilities(store, filters, limit=limit, offset=offset, by_amounts=amounts)
        return SearchOutcome(result.hits, "データ全体（全域）を検索しました", result.total_matches, EVERYWHERE,
                             order_by=amounts)
    result = fs.search_facilities(store, filters, places=where.codes, point=where.point,
                                  radius_steps_km=(_AREA_RADIUS_KM,), limit=limit, offset=offset, by_amounts=amounts)
    return SearchOutcome(result.hits, f"{where.label}内を検索しました", result.total_matches, where, order_by=amounts)


def _origin_label(where: Where) -> str:
    """「高知県高知市の役所・役場」 or 「指定した地点（高知県高知市）」: where a radius is measured from."""
    return f"指定した地点（{where.label}）" if where.from_point else f"{where.label}の役所・役場"


def to_hit(hit: fs.FacilityHit, order_by: Sequence[str] = ()) -> FacilityHit:
    """The Answer JSON form of a retrieval hit (evidence flattened, condition by condition), followed by the
    reported amounts that ordered the list (``order_by``) so the order can be checked on each facility."""
    f = hit.facility
    evidence = tuple(Evidence(e.item, e.value, e.field) for cond in hit.evidence for e in cond.evidence)
    fields = {e.field for e in evidence}
    evidence += tuple(Evidence(e.item, e.value, e.field) for name in order_by
                      for e in make_filter(name).evidence(f) if e.field not in fields)
    return FacilityHit(
        id=f.id, name=f.name, kind=f.kind, kind_label=KIND_LABELS.get(f.kind, f.kind),
        municipality=f.municipality, municipality_code=f.municipality_code, address=f.address,
        lat=f.lat, lng=f.lng, phone=f.phone, website=f.website, distance_km=hit.distance_km,
        as_of=f.as_of, sample=f.sample, evidence=evidence,
    )


# Looser values of a condition, closest first (the value the user asked for is a subset of these): registry rows.
_LOOSER: dict[tuple[str, object], tuple[str, object, str]] = {
    (row.name, lo.value): (lo.name, lo.looser_value, lo.text) for row in ROWS for lo in row.looser
}


def _count(store: FacilityStore, filters: Sequence[FacilityFilter], where: Where,
           steps: Sequence[float]) -> int:
    """How many a search would find (the same widening as :func:`run_search`, no record is read)."""
    if where.mode == "radius" and where.point is not None:
        counts = store.count_within(filters, point=where.point, radii=sorted(steps) or (20.0,))
        return next((n for n in counts if n >= MIN_NEARBY), counts[-1])
    codes = () if where.mode == "everywhere" else where.codes
    return store.count_within(filters, codes=codes)[0]


def _value_relaxations(filters: Sequence[FacilityFilter]) -> list[tuple[str, list[FacilityFilter]]]:
    out = []
    for i, flt in enumerate(filters):
        looser = _LOOSER.get((flt.name, flt.value))
        if looser is not None:
            name, value, text = looser
            out.append((text, [*filters[:i], make_filter(name, value), *filters[i + 1:]]))
        elif flt.name == "kind":
            out.append(("病院・診療所の両方を対象にする", [*filters[:i], *filters[i + 1:]]))
    return out


def _drop_one(filters: Sequence[FacilityFilter]) -> list[tuple[str, list[FacilityFilter]]]:
    return [(f"「{f.label}」の条件を外す", [*filters[:i], *filters[i + 1:]])
            for i, f in enumerate(filters) if f.name != "kind" and len(filters) > 1]


def _neighbour(store: FacilityStore, filters: Sequence[FacilityFilter], where: Where) -> str:
    """The nearest other municipality where every condition is met (counted by the store)."""
    if where.mode == "everywhere" or where.point is None:
        return ""
    best = store.nearest_outside(filters, where.point, where.codes)
    if best is None or best.distance_km is None or best.distance_km > 60:
        return ""
    f = best.facility
    count = store.count_within(filters, codes=(f.municipality_code,))[0]
    return f"近隣の{f.prefecture}{f.municipality}（約{best.distance_km:.0f}km）なら、同じ条件で{count}件あります"


_PLACE_FILTERS = ("kind", "municipality")


def unreported_note(store: FacilityStore, filters: Sequence[FacilityFilter], where: Where,
                    steps: Sequence[float]) -> str:
    """When facilities in the searched area carry no 機能報告 (e.g. imported base data), say that their
    functions are unknown rather than absent."""
    if all(f.name in _PLACE_FILTERS for f in filters):
        return ""
    n = _count(store, [*(f for f in filters if f.name in _PLACE_FILTERS), UNREPORTED], where, steps)
    if not n:
        return ""
    return (f"この範囲の{n}件は、かかりつけ医機能の報告内容がデータにないため、条件を満たすかどうか判定できません"
            "（「該当なし」という意味ではありません）。")


def relaxations(
    store: FacilityStore, filters: Sequence[FacilityFilter], where: Where, steps: Sequence[float],
    max_items: int = 3,
) -> list[str]:
    """Suggestions that each yield at least one facility (every count is checked, never guessed)."""
    found: list[str] = []
    for text, looser in _value_relaxations(filters):
        n = _count(store, looser, where, steps)
        if n:
            found.append(f"{text}と、{where.label if where.mode != 'everywhere' else '全域'}で{n}件あります")
    neighbour = _neighbour(store, filters, where)
    if neighbour:
        found.append(neighbour)
    if where.mode == "radius" and where.point is not None:
        wider = (max(steps) * 2, max(steps) * 4)
        n = _count(store, filters, where, wider)
        if n:
            found.append(f"範囲を半径{wider[-1]:g}kmまで広げると{n}件あります")
    for text, looser in _drop_one(filters):
        if len(found) >= max_items + 2:
            break
        n = _count(store, looser, where, steps)
        if n:
            found.append(f"{text}と{n}件あります")
    return found[:max_items]
