"""Regional figures for the 協議の場 (ガイドライン 第4章): functions per area, per resident, against the prefecture.

Each indicator is a registry condition (or one value of it); its count per municipality comes from the store
(``count_by_municipality``), so the figures count exactly the facilities a search with that condition would
list. Areas are a prefecture, its 二次医療圏 (国土数値情報 A38-20) or its 市区町村; rates use the registered
population of 2025-01-01 (:mod:`corpus.regions`).

"Lacking" is a stated rule, not a judgement: an area lacks a function when its facilities per 1,000 residents
aged 75+ are below ``LACKING_SHARE`` of the prefecture's rate (or it has none while the prefecture has some).
The 協議の場 decides what is really lacking; the figure only says where to look first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from corpus.facility import FUTURE_FUNCTION_NAMES
from corpus.municipalities import by_code as municipality_by_code
from corpus.regions import CREDITS, POPULATION_DATE, RegionRow, areas_in, load_regions, region_by_code
from retrieval.filters import FacilityFilter, make_filter
from retrieval.registry import AMOUNT_ROWS, BY_NAME
from retrieval.store import DatasetInfo, FacilityStore

LACKING_SHARE = 0.7
LACKING_RULE = (f"「不足の目安」は、75歳以上人口1,000人あたりの医療機関数が都道府県全体の{LACKING_SHARE:.0%}未満"
                "（または都道府県内にあるのにその地域では0か所）の機能です。実際に不足かどうかは協議の場で判断してください。")


class Level(StrEnum):
    """The unit of a regional table (Q11: 市町村単位 or 二次医療圏単位)."""

    PREFECTURE = "prefecture"
    MEDICAL_AREA = "medical_area"
    MUNICIPALITY = "municipality"


LEVEL_LABELS = {Level.PREFECTURE: "都道府県", Level.MEDICAL_AREA: "二次医療圏", Level.MUNICIPALITY: "市区町村"}


@dataclass(frozen=True)
class Indicator:
    """One function counted per area: a registry condition (and value)."""

    key: str  # "home_care_24h", "backup_beds:self"
    label: str  # the condition's 条件 sentence
    group: str  # 1号機能 / 2号機能（イ）… / その他

    @property
    def filter(self) -> FacilityFilter:
        name, _, value = self.key.partition(":")
        return make_filter(name, value or None)


def indicator_for(key: str, group: str = "その他") -> Indicator:
    """The indicator of any registry condition (``name`` or ``name:value``); FilterError for an unknown one."""
    name, _, value = key.partition(":")
    flt = make_filter(name, value or None)
    return Indicator(key, flt.label, group)


def _indicator(key: str, group: str) -> Indicator:
    name, _, value = key.partition(":")
    return Indicator(key, BY_NAME[name].sentence(value or None) if value else make_filter(name).label, group)


# The functions of 第2章第3節, in report order: each key is a registry row (name or name:value).
INDICATORS: tuple[Indicator, ...] = tuple(_indicator(k, g) for g, keys in (
    ("1号機能", ("function1", "trained_doctors")),
    ("2号機能（イ）時間外の診療", ("off_hours", "off_hours:rota", "off_hours:self_anytime",
                           "off_hours:self_plus_partners")),
    ("2号機能（ロ）入退院時の支援", ("backup_beds", "backup_beds:self", "backup_beds:partnered", "discharge_rules")),
    ("2号機能（ハ）在宅医療", ("home_care", "home_care_24h", "home_care:24h_self", "home_care:24h_with_partners",
                        "home_deaths")),
    ("2号機能（ニ）介護等との連携", ("care_collab", "cooperating_facility", "acp")),
    ("今後担う意向（現時点で「有り」でない機能）", ("future_intent", *(f"future_function:{n}" for n in FUTURE_FUNCTION_NAMES))),
) for k in keys if k.partition(":")[0] in BY_NAME)
BY_KEY = {i.key: i for i in INDICATORS}
# The 算定回数 totals shown with the counts (訪問診療・往診・在宅看取り …).
AMOUNTS: tuple[tuple[str, str], ...] = tuple((row.name, row.item) for row in AMOUNT_ROWS)


@dataclass(frozen=True)
class Area:
    """An area of a table: its members' municipality codes and their registered population."""

    level: Level
    code: str
    name: str
    prefecture: str
    members: tuple[str, ...]
    population: int
    population_75plus: int


@dataclass(frozen=True)
class Figure:
    """One indicator in one area."""

    key: str
    count: int
    per_10k: float | None  # per 10,000 residents
    per_1k_75: float | None  # per 1,000 residents aged 75+
    prefecture_per_1k_75: float | None
    lacking: bool


@dataclass(frozen=True)
class AreaFigures:
    """The figures of one area."""

    area: Area
    facilities: int
    reported: int  # facilities with a かかりつけ医機能報告
    figures: tuple[Figure, ...]
    amounts: tuple[tuple[str, int], ...]  # (amount row name, total 算定回数)

    def figure(self, key: str) -> Figure | None:
        return next((f for f in self.figures if f.key == key), None)

    @property
    def lacking(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.figures if f.lacking)


@dataclass(frozen=True)
class RegionalTable:
    """A prefecture's areas at one level, with the prefecture's own row and where the numbers come from."""

    prefecture: str
    level: Level
    indicators: tuple[Indicator, ...]
    rows: tuple[AreaFigures, ...]
    whole: AreaFigures  # the prefecture as one area
    covered: bool  # the active data holds facilities in this prefecture
    sample: bool
    as_of: str  # 報告基準日 of the facility data
    source: str
    population_date: str = POPULATION_DATE
    credits: tuple[str, ...] = CREDITS

    def row(self, code: str) -> AreaFigures | None:
        return next((r for r in self.rows if r.area.code == code), None)


def _area(level: Level, code: str, name: str, prefecture: str, rows: Sequence[RegionRow]) -> Area:
    return Area(level, code, name, prefecture, tuple(r.code for r in rows), sum(r.population or 0 for r in rows),
                sum(r.population_75plus or 0 for r in rows))


def areas_of(prefecture: str, level: Level) -> tuple[Area, ...]:
    """The areas of one prefecture at a level (municipalities: 政令市 as its 区)."""
    rows = [r for r in load_regions() if r.prefecture == prefecture and r.population is not None]
    if level is Level.PREFECTURE:
        return (_area(level, rows[0].code[:2] if rows else "", prefecture, prefecture, rows),) if rows else ()
    if level is Level.MEDICAL_AREA:
        return tuple(_area(level, a.code, f"{a.name}医療圏", prefecture,
                           [region_by_code()[c] for c in a.members if region_by_code()[c].population is not None])
                     for a in areas_in(prefecture))
    return tuple(_area(level, r.code, r.municipality, prefecture, [r]) for r in rows)


def _rate(count: int, people: int, per: int) -> float | None:
    return round(count * per / people, 2) if people else None


def _figures(area: Area, counts: Mapping[str, Mapping[str, int]], base: Mapping[str, float | None],
             indicators: Sequence[Indicator]) -> tuple[Figure, ...]:
    out = []
    for ind in indicators:
        n = sum(counts[ind.key].get(c, 0) for c in area.members)
        per75 = _rate(n, area.population_75plus, 1000)
        reference = base.get(ind.key)
        lacking = bool(reference) and per75 is not None and (n == 0 or per75 < LACKING_SHARE * (reference or 0))
        out.append(Figure(ind.key, n, _rate(n, area.population, 10000), per75, reference, lacking))
    return tuple(out)


def regional_table(store: FacilityStore, info: DatasetInfo, prefecture: str, level: Level,
                   indicators: Sequence[Indicator] = INDICATORS, kind: str = "") -> RegionalTable:
    """The figures of every area of ``prefecture`` at ``level`` (and of the prefecture as a whole);
    ``kind`` limits every count to 病院 or 診療所."""
    indicators = tuple(indicators)
    extra = [make_filter("kind", kind)] if kind else []
    counts = {ind.key: store.count_by_municipality([ind.filter, *extra]) for ind in indicators}
    everyone = store.count_by_municipality(extra)
    reported = store.count_by_municipality([make_filter("function1"), *extra])
    amounts = {name: store.sum_by_municipality(name, extra) for name, _ in AMOUNTS}
    whole_area = areas_of(prefecture, Level.PREFECTURE)
    if not whole_area:
        raise KeyError(prefecture)

    def figures_of(area: Area, base: Mapping[str, float | None]) -> AreaFigures:
        return AreaFigures(area, sum(everyone.get(c, 0) for c in area.members),
                           sum(reported.get(c, 0) for c in area.members), _figures(area, counts, base, indicators),
                           tuple((name, sum(amounts[name].get(c, 0) for c in area.members)) for name, _ in AMOUNTS))

    whole = figures_of(whole_area[0], {})
    base = {f.key: f.per_1k_75 for f in whole.figures}
    whole = AreaFigures(whole.area, whole.facilities, whole.reported,
                        tuple(Figure(f.key, f.count, f.per_10k, f.per_1k_75, f.per_1k_75, False) for f in whole.figures),
                        whole.amounts)
    rows = tuple(figures_of(a, base) for a in areas_of(prefecture, level))
    covered = whole.facilities > 0
    return RegionalTable(prefecture, level, indicators, rows, whole, covered, info.sample, info.as_of, info.source)


def covered_prefectures(store: FacilityStore) -> tuple[str, ...]:
    """The prefectures that hold facilities in the active data, in code order."""
    names = {m.prefecture for m in (municipality_by_code(c) for c in sorted(store.municipality_codes())) if m}
    return tuple(sorted(names, key=lambda p: min(c for c in store.municipality_codes()
                                                 if (m := municipality_by_code(c)) and m.prefecture == p)))
