"""The facility store returns exactly what the registry's record tests return, opens saved columns, and swaps."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.service import Assistant
from corpus.dataset import load_sample, save_dataset
from corpus.geo import haversine_km
from corpus.settings import Settings
from retrieval.filters import FacilityFilter, make_filter
from retrieval.registry import ROWS
from retrieval.store import ColumnStore, column_file, dataset_version, open_store

SAMPLE = load_sample().records
STORE = ColumnStore.from_records(SAMPLE)


def _choices() -> list[FacilityFilter]:
    """Every filter the registry can build without a free value, plus some valued ones seen in the sample."""
    out: list[FacilityFilter] = []
    for row in ROWS:
        if row.clause == "municipality":
            continue
        if row.clause in ("flag",) or (row.clause in ("off_hours", "backup_beds", "home_care", "list")
                                        and row.name != "home_care_24h" and not row.free_value):
            out.append(make_filter(row.name))
        if row.clause == "home_care" and row.name == "home_care_24h":
            out.append(make_filter(row.name))
        out += [make_filter(row.name, v) for v in row.values]
    first = next(f for f in SAMPLE if f.function1 and f.function1.diseases and f.function1.domains)
    assert first.function1 is not None
    out += [make_filter("disease", first.function1.diseases[0]), make_filter("domain", first.function1.domains[0])]
    partner = next(f for f in SAMPLE if f.care_collaboration and f.care_collaboration.cooperating_facilities)
    assert partner.care_collaboration is not None
    name = partner.care_collaboration.cooperating_facilities[0]
    out.append(make_filter("cooperating_facility", name[1:5]))  # a part of a free name
    return out


CHOICES = _choices()
CODES = sorted({f.municipality_code for f in SAMPLE})


def _brute(filters: list[FacilityFilter], codes: list[str]) -> list[str]:
    return sorted(f.id for f in SAMPLE if all(x.test(f) for x in filters) and (not codes or f.municipality_code in codes))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(CHOICES), max_size=3), st.lists(st.sampled_from(CODES), max_size=2))
def test_store_mask_equals_the_record_tests(filters: list[FacilityFilter], codes: list[str]) -> None:
    page = STORE.query(filters, codes=codes, limit=len(SAMPLE))
    assert sorted(r.facility.id for r in page.rows) == _brute(filters, codes)
    assert page.total == len(page.rows) == STORE.count_within(filters, codes=codes)[0]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(CHOICES), max_size=2), st.sampled_from(SAMPLE), st.sampled_from([1.0, 3.0, 10.0]))
def test_store_distance_is_exact_and_nearest_first(filters: list[FacilityFilter], anchor: object, radius: float) -> None:
    point = (anchor.lat, anchor.lng)  # type: ignore[attr-defined]
    page = STORE.query(filters, point=point, radius_km=radius, limit=len(SAMPLE))
    expected = sorted(
        (haversine_km(point, (f.lat, f.lng)), f.id) for f in SAMPLE
        if f.lat is not None and all(x.test(f) for x in filters) and haversine_km(point, (f.lat, f.lng)) <= radius
    )
    assert [r.facility.id for r in page.rows] == [i for _, i in expected]
    assert all(abs((r.distance_km or 0) - d) < 1e-6 for r, (d, _) in zip(page.rows, expected, strict=True))
    counts = STORE.count_within(filters, point=point, radii=(radius / 2, radius))
    assert counts == (sum(d <= radius / 2 for d, _ in expected), len(expected))


def test_order_without_a_point_is_strengths_then_id() -> None:
    page = STORE.query([make_filter("home_care")], limit=len(SAMPLE))
    keys = [(-r.facility_strengths, r.facility.id) for r in _with_strengths(page.rows)]
    assert keys == sorted(keys)
    assert STORE.query([make_filter("home_care")], limit=5, offset=5).rows == page.rows[5:10]


def _visits(f: object) -> tuple[int, int]:
    hc = f.home_care  # type: ignore[attr-defined]
    return (hc.home_visits or 0, hc.urgent_visits or 0) if hc else (0, 0)


@pytest.mark.parametrize("anchor", [None, 0, 7])
def test_order_by_amounts_scales_each_amount_to_the_largest_match_then_distance(anchor: int | None) -> None:
    """「往診してくれる」 in an area: most 訪問診療 + 往診 (each over its largest among the matches) first."""
    flt = [make_filter("home_care")]
    matches = [f for f in SAMPLE if flt[0].test(f)]
    top = [max(_visits(f)[i] for f in matches) or 1 for i in (0, 1)]
    point = None if anchor is None else (matches[anchor].lat, matches[anchor].lng)
    page = STORE.query(flt, point=point, limit=len(SAMPLE), by_amounts=("home_visits", "urgent_visits"))

    def key(f: object) -> tuple[float, ...]:
        volume = sum(v / t for v, t in zip(_visits(f), top, strict=True))
        tie = haversine_km(point, (f.lat, f.lng)) if point else 0.0  # type: ignore[attr-defined]
        return (-round(volume, 9), round(tie, 6))

    got = [key(r.facility) for r in page.rows]
    assert len(got) == len(matches) and got == sorted(got)
    assert got[0] < got[-1]  # the sample's volumes differ: the order is not an accident of ties
    assert STORE.query(flt, limit=5, offset=5, by_amounts=("home_visits",)).rows == \
        STORE.query(flt, limit=10, by_amounts=("home_visits",)).rows[5:10]


def _with_strengths(rows: tuple) -> list:
    strengths = [make_filter(r.name) for r in ROWS if r.strength]

    @dataclasses.dataclass
    class Row:
        facility: object
        facility_strengths: int

    return [Row(r.facility, sum(f.test(r.facility) for f in strengths)) for r in rows]


def test_count_by_municipality_and_get() -> None:
    flt = [make_filter("home_care_24h")]
    counts = STORE.count_by_municipality(flt)
    for code in CODES[:20]:
        assert counts.get(code, 0) == sum(1 for f in SAMPLE if f.municipality_code == code and flt[0].test(f))
    assert STORE.get(SAMPLE[7].id) == SAMPLE[7] and STORE.get("no-such-id") is None


def test_saved_columns_are_reused_and_rebuilt_when_the_file_changes(settings: Settings) -> None:
    records = [dataclasses.replace(f, sample=False, source="test") for f in SAMPLE[:300]]
    save_dataset(settings.facilities_dir, records, "テスト")
    path = settings.facilities_dir / "active.jsonl"
    first = ColumnStore.open(path)
    assert column_file(path).is_file()
    again = ColumnStore.open(path)
    assert again.version == first.version and len(again) == 300
    assert again.get(records[10].id) == records[10]  # read from its byte offset
    assert [r.facility.id for r in again.query([make_filter("acp")], limit=300).rows] == \
        [r.facility.id for r in ColumnStore.from_records(records).query([make_filter("acp")], limit=300).rows]
    save_dataset(settings.facilities_dir, records[:100], "テスト")
    os.utime(path, ns=(1, 1))  # a new fingerprint even within the same clock tick
    assert len(ColumnStore.open(path)) == 100


def test_broken_column_file_is_rebuilt(settings: Settings) -> None:
    save_dataset(settings.facilities_dir, [dataclasses.replace(f, sample=False) for f in SAMPLE[:50]], "テスト")
    path = settings.facilities_dir / "active.jsonl"
    column_file(path).write_bytes(b"not a zip")
    assert len(ColumnStore.open(path)) == 50


def test_open_store_is_the_sample_until_an_import(settings: Settings) -> None:
    store, info = open_store(settings.facilities_dir)
    assert info.sample and len(store) == len(SAMPLE) and dataset_version(settings.facilities_dir) == "sample"
    save_dataset(settings.facilities_dir, [dataclasses.replace(f, sample=False) for f in SAMPLE[:40]], "取込テスト")
    store, info = open_store(settings.facilities_dir)
    assert not info.sample and info.source == "取込テスト" and len(store) == 40


def test_a_running_assistant_sees_a_new_import_without_restart(settings: Settings) -> None:
    assistant = Assistant(settings)
    assert assistant.sample_data and len(assistant.store) == len(SAMPLE)
    kept = [dataclasses.replace(f, sample=False, name=f"取込{f.name}") for f in SAMPLE if f.municipality_code == "39201"]
    save_dataset(settings.facilities_dir, kept, "取込データ: テスト")
    answer = assistant.ask("高知市で在宅医療をしている医療機関")
    assert not assistant.sample_data and len(assistant.store) == len(kept)
    assert answer.facilities and all(h.name.startswith("取込") for h in answer.facilities)
    assert "架空" not in answer.notice


@pytest.mark.parametrize("bad", ["{not json", json.dumps({"id": "x"})])
def test_a_broken_active_file_is_a_japanese_error(settings: Settings, bad: str) -> None:
    folder = settings.facilities_dir
    folder.mkdir(parents=True)
    (folder / "active.jsonl").write_text(bad + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="読み取れません"):
        ColumnStore.open(Path(folder / "active.jsonl"))
