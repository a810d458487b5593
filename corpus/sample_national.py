"""A national fictional dataset on demand: ~88,000 facilities over every municipality, weighted by population.

For benchmarks and for trying the regional analysis at national scale; it is never shipped. The records are
made by the same generator as the shipped sample (:mod:`corpus.sample`: fictional names, 架空町 addresses,
``sample`` true, the same function shares), but:

- counts follow the registered population of 2025-01-01 (:mod:`corpus.regions`) at the national ratio of
  ナビイ open data 2026-06 (7,715 hospitals + 80,155 clinics for 124.3 million residents);
- a facility is placed over the municipality's extent, not beside its office: no area table is available, so
  the extent is a disc of half the distance to the nearest other office (1–15 km), half of the facilities
  in its inner third (the town centre) and half over the whole disc. The 区 of a 政令市 share the city's
  office coordinates in our table, so they share a disc sized by the number of 区;
- partners are drawn from the same municipality (hospitals for backup beds from the same 二次医療圏), so
  assigning them is linear in the number of facilities.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from corpus.facility import Facility, facility_from_dict
from corpus.municipalities import Municipality, by_code
from corpus.regions import load_regions, region_by_code
from corpus.sample import SEED, NameBook, _base, _nearest_names, _report
from corpus.sample_profiles import PROFILES, hospital_profile
from corpus.vocab import load_vocab

NATIONAL_HOSPITALS = 7_715
NATIONAL_CLINICS = 80_155
NATIONAL_POPULATION = 124_330_690  # 住民基本台帳 2025-01-01
RURAL_POPULATION = 30_000


def _extent_km(municipalities: list[Municipality]) -> dict[str, float]:
    """Each municipality's disc radius: half the distance to the nearest office at another point (1–15 km)."""
    points: dict[tuple[float, float], list[str]] = defaultdict(list)
    for m in municipalities:
        points[(m.lat, m.lng)].append(m.code)
    cells: dict[tuple[int, int], list[tuple[float, float]]] = defaultdict(list)
    for p in points:
        cells[(int(p[0] * 2), int(p[1] * 2))].append(p)  # half-degree cells: neighbours are a few cells away
    out = {}
    for p, codes in points.items():
        best = math.inf
        cx, cy = int(p[0] * 2), int(p[1] * 2)
        for dx in range(-2, 3):
            for dy in range(-2, 3):
                for q in cells.get((cx + dx, cy + dy), ()):
                    if q != p:
                        best = min(best, _km(p, q))
        radius = min(15.0, max(1.0, best / 2)) if len(codes) == 1 else min(15.0, 2.5 * math.sqrt(len(codes)))
        out.update({code: radius for code in codes})
    return out


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    dy = (a[0] - b[0]) * 111.0
    dx = (a[1] - b[1]) * 111.0 * math.cos(math.radians((a[0] + b[0]) / 2))
    return math.hypot(dx, dy)


def _place(rng: random.Random, m: Municipality, radius: float) -> tuple[float, float]:
    reach = radius / 3 if rng.random() < 0.5 else radius
    dist, angle = reach * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
    lat = m.lat + dist * math.sin(angle) / 111.0
    lng = m.lng + dist * math.cos(angle) / (111.0 * math.cos(math.radians(m.lat)))
    return round(lat, 6), round(lng, 6)


def _counts(rng: random.Random, population: int, scale: float) -> tuple[int, int]:
    """Clinics and hospitals of one municipality (randomised rounding keeps the national totals)."""
    def draw(mean: float) -> int:
        return int(mean) + (rng.random() < mean - int(mean))
    ratio = scale * population / NATIONAL_POPULATION
    return draw(NATIONAL_CLINICS * ratio), draw(NATIONAL_HOSPITALS * ratio)


def generate_national(seed: int = SEED, scale: float = 1.0) -> Iterator[Facility]:
    """The national fictional dataset (``scale`` 1.0 ≈ 88k records), municipality by municipality."""
    rng, vocab, names = random.Random(f"{seed}:national"), load_vocab(), NameBook(seed)
    rows = [r for r in load_regions() if r.population]
    municipalities = [m for m in (by_code(r.code) for r in rows) if m is not None]
    extent = _extent_km(municipalities)
    hospitals_by_area: dict[str, list[dict[str, Any]]] = defaultdict(list)
    pending: list[list[dict[str, Any]]] = []
    for m in municipalities:
        region = region_by_code()[m.code]
        clinics, hospitals = _counts(rng, region.population or 0, scale)
        rural = (region.population or 0) < RURAL_POPULATION
        records = []
        for serial in range(1, clinics + hospitals + 1):
            hospital = serial <= hospitals
            profile = hospital_profile() if hospital else rng.choices(PROFILES, weights=[p.weight for p in PROFILES])[0]
            record = _base(rng, m, serial, hospital, profile, names)
            record["lat"], record["lng"] = _place(rng, m, extent[m.code])
            record["source"] = "sample:national-v1"
            _report(rng, record, profile, vocab, rural)
            records.append(record)
            if hospital:
                hospitals_by_area[region.area_code].append(record)
        pending.append(records)
    for records in pending:
        if not records:
            continue
        area = region_by_code()[records[0]["municipality_code"]].area_code
        _partners(rng, records, hospitals_by_area[area])
        yield from (facility_from_dict(r) for r in records)


def _partners(rng: random.Random, pool: list[dict[str, Any]], hospitals: list[dict[str, Any]]) -> None:
    for r in pool:
        if r.get("off_hours") and "self_plus_partners" in r["off_hours"]["modes"]:
            r["off_hours"]["partners"] = _nearest_names(r, pool, rng.randint(1, 2))
        if r.get("admission_support") and r["admission_support"]["backup_beds"] == "partnered":
            r["admission_support"]["partners"] = _nearest_names(r, hospitals, 1, hospitals=True)
        if r.get("home_care") and r["home_care"]["mode"] == "24h_with_partners":
            r["home_care"]["partners"] = _nearest_names(r, pool, rng.randint(1, 3))
