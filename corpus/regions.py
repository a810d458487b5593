"""Regional reference data: municipality → 二次医療圏, and population with 65+/75+ (for rates per resident).

The shipped ``corpus/data/regions.csv`` is derived by :func:`build_regions` from two published tables (see
``CREDITS``): the 二次医療圏 of 国土数値情報 A38-20 (335 areas) and the 住民基本台帳 population on 2025-01-01.
Only the columns a rate needs are kept. Rows are 市町村 and 政令市の区; a 政令市 is the sum of its 区.
Regenerate with ``python -m corpus.regions ../shared/data/regional``.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

REGIONS_FILE = "regions.csv"
POPULATION_DATE = "2025-01-01"
MEDICAL_AREAS_AS_OF = "国土数値情報 A38-20（第7次医療計画の二次医療圏、335圏域）"
CREDITS: tuple[str, ...] = (
    "二次医療圏：「国土数値情報（医療圏データ）」（国土交通省）を加工して作成",
    "人口：「住民基本台帳に基づく人口、人口動態及び世帯数」（総務省）を加工して作成（2025年1月1日現在）",
)
COLUMNS = ("code", "prefecture", "municipality", "area_code", "area_name", "population", "population_65plus",
           "population_75plus")


@dataclass(frozen=True)
class RegionRow:
    """One municipality (or 政令市の区) with its 二次医療圏 and its registered population."""

    code: str  # 5-digit municipality code
    prefecture: str
    municipality: str
    area_code: str  # 4-digit 二次医療圏 code (prefecture code + serial)
    area_name: str
    population: int | None  # None where the register has no row of its own (浜松市's former wards)
    population_65plus: int | None
    population_75plus: int | None


@dataclass(frozen=True)
class MedicalArea:
    """A 二次医療圏 and its member municipality codes."""

    code: str
    name: str
    prefecture: str
    members: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.prefecture}{self.name}医療圏"


def _int(text: str) -> int | None:
    return int(text) if text.strip() else None


@lru_cache(maxsize=1)
def load_regions() -> tuple[RegionRow, ...]:
    """The shipped table, in code order."""
    text = resources.files("corpus").joinpath("data", REGIONS_FILE).read_text(encoding="utf-8")
    rows = csv.DictReader(io.StringIO(text))
    return tuple(RegionRow(r["code"], r["prefecture"], r["municipality"], r["area_code"], r["area_name"],
                           _int(r["population"]), _int(r["population_65plus"]), _int(r["population_75plus"]))
                 for r in rows)


@lru_cache(maxsize=1)
def region_by_code() -> dict[str, RegionRow]:
    """Municipality code → its row."""
    return {r.code: r for r in load_regions()}


@lru_cache(maxsize=1)
def medical_areas() -> tuple[MedicalArea, ...]:
    """Every 二次医療圏, in code order."""
    members: dict[str, list[RegionRow]] = {}
    for row in load_regions():
        members.setdefault(row.area_code, []).append(row)
    return tuple(MedicalArea(code, rows[0].area_name, rows[0].prefecture, tuple(r.code for r in rows))
                 for code, rows in sorted(members.items()))


def areas_in(prefecture: str) -> tuple[MedicalArea, ...]:
    """The 二次医療圏 of one prefecture."""
    return tuple(a for a in medical_areas() if a.prefecture == prefecture)


def build_regions(folder: Path) -> list[RegionRow]:
    """Join the published mapping and population tables of ``folder`` (../shared/data/regional)."""
    with (folder / "municipality_population_2025.csv").open(encoding="utf-8", newline="") as fh:
        people = {r["municipality_code"]: r for r in csv.DictReader(fh)}
    out = []
    with (folder / "municipality_medical_area.csv").open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            p = people.get(r["municipality_code"])
            out.append(RegionRow(
                r["municipality_code"], r["prefecture"], r["municipality"], r["medical_area_code"],
                r["medical_area_name"], _int(p["population"]) if p else None,
                _int(p["population_65plus"]) if p else None, _int(p["population_75plus"]) if p else None,
            ))
    return sorted(out, key=lambda row: row.code)


def write_regions(rows: Iterable[RegionRow], path: Path) -> int:
    """Write the table (UTF-8, LF); returns the row count."""
    n = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow(["" if v is None else v for v in (
                row.code, row.prefecture, row.municipality, row.area_code, row.area_name, row.population,
                row.population_65plus, row.population_75plus)])
            n += 1
    return n


if __name__ == "__main__":  # python -m corpus.regions ../shared/data/regional
    source = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/regional")
    target = Path(__file__).parent / "data" / REGIONS_FILE
    print(f"wrote {write_regions(build_regions(source), target)} rows to {target}")
