"""Invariants of the shipped fictional sample dataset."""

from __future__ import annotations

import json
import random
import re
import unicodedata
from collections import Counter
from importlib import resources

import pytest

from corpus.dataset import load_sample
from corpus.facility import (
    BACKUP_BEDS,
    COMMUNITY_ACTIVITIES,
    HOME_CARE_MODES,
    KINDS,
    OFF_HOURS_ADDITIONS,
    OFF_HOURS_MODES,
    Facility,
)
from corpus.geo import haversine_km
from corpus.municipalities import by_code, in_prefecture
from corpus.sample import AS_OF, PERIOD, NameBook, generate
from corpus.sample_profiles import PROFILES, Profile, hospital_profile
from corpus.vocab import load_vocab


@pytest.fixture(scope="module")
def records() -> tuple[Facility, ...]:
    return load_sample().records


def test_shipped_file_is_the_seeded_generation(records: tuple[Facility, ...]) -> None:
    assert [f.to_dict() for f in generate()] == [f.to_dict() for f in records]


def test_every_municipality_of_tokyo_and_kochi_is_covered(records: tuple[Facility, ...]) -> None:
    codes = {f.municipality_code for f in records}
    for prefecture in ("東京都", "高知県"):
        assert {m.code for m in in_prefecture(prefecture)} <= codes
    assert 2000 <= len(records) <= 5000
    per = Counter(f.municipality for f in records)
    assert per["世田谷区"] > 10 * per["檜原村"] and per["高知市"] > 10 * per["大川村"]


def test_records_are_fictional_and_marked(records: tuple[Facility, ...]) -> None:
    assert all(f.sample and f.name.endswith("（サンプル）") and "架空町" in f.address for f in records)
    assert all(f.as_of == AS_OF and f.period == PERIOD for f in records)
    assert len({f.id for f in records}) == len(records)
    assert len({f.name for f in records}) == len(records)


def _name_key(name: str) -> str:
    """What a reader compares: width-folded, spaces and the 「（サンプル）」 mark removed."""
    return unicodedata.normalize("NFKC", name).removesuffix("(サンプル)").replace(" ", "")


def test_names_are_unique_without_numbering(records: tuple[Facility, ...]) -> None:
    keys = Counter(_name_key(f.name) for f in records)
    assert [k for k, n in keys.items() if n > 1] == []
    assert not [f.name for f in records if re.search(r"[0-9０-９]", f.name)]  # no 「第2」 near-duplicates


@pytest.mark.parametrize("profile", [PROFILES[0], hospital_profile()])
def test_name_book_resolves_collisions_deterministically(profile: Profile) -> None:
    """Far more facilities of one kind in one place than plain names: still unique, same on every run."""
    place = in_prefecture("高知県")[0]
    runs = []
    for _ in range(2):
        book, stream = NameBook(7), random.Random(7)
        runs.append([book.name(stream, place, profile) for _ in range(200)])
    assert runs[0] == runs[1]
    assert len(set(runs[0])) == 200 and all(n.endswith("（サンプル）") for n in runs[0])
    assert not [n for n in runs[0] if re.search(r"[0-9０-９]", n)]


def test_coordinates_lie_near_their_municipality(records: tuple[Facility, ...]) -> None:
    for f in records:
        m = by_code(f.municipality_code)
        assert m is not None and m.name == f.municipality and m.prefecture == f.prefecture
        assert f.lat is not None and haversine_km((f.lat, f.lng), m) < 4.0


def test_facilities_without_function1_have_no_second_functions(records: tuple[Facility, ...]) -> None:
    without = [f for f in records if f.function1 is None or not f.function1.has]
    assert any(f.function1 is None for f in without) and any(f.function1 is not None for f in without)
    for f in without:
        assert (f.off_hours, f.admission_support, f.home_care, f.care_collaboration) == (None,) * 4


def _values(records: tuple[Facility, ...]) -> dict[str, set[object]]:
    seen: dict[str, set[object]] = {}
    for f in records:
        for key, value in _flatten(f.to_dict()):
            seen.setdefault(key, set()).add(value)
    return seen


def _flatten(data: dict[str, object], prefix: str = "") -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for key, value in data.items():
        if isinstance(value, dict):
            out += _flatten(value, f"{prefix}{key}.")
        elif isinstance(value, list):
            out += [(f"{prefix}{key}[]", v) for v in value] + [(f"{prefix}{key}", len(value) > 0)]
        else:
            out.append((f"{prefix}{key}", value if isinstance(value, str | bool) else value is not None and value != 0))
    return out


def test_every_value_of_every_field_is_present(records: tuple[Facility, ...]) -> None:
    seen, vocab = _values(records), load_vocab()
    expected = {
        "kind": set(KINDS), "off_hours.modes[]": set(OFF_HOURS_MODES), "admission_support.backup_beds": set(BACKUP_BEDS),
        "home_care.mode": set(HOME_CARE_MODES), "off_hours.addition": set(OFF_HOURS_ADDITIONS),
        "other.community_activities[]": set(COMMUNITY_ACTIVITIES), "function1.domains[]": set(vocab.domains),
        "function1.diseases[]": set(vocab.diseases),
    }
    for key, values in expected.items():
        assert values <= seen[key], (key, values - seen[key])
    blocks = ("function1.", "off_hours.", "admission_support.", "home_care.", "care_collaboration.", "other.")
    always = {"function1.doctors"}  # every facility has a doctor
    booleans = [k for k in seen if k.startswith(blocks) and not k.endswith("[]") and k not in expected and k not in always]
    assert len(booleans) > 30
    for key in booleans:  # every flag, count and list is both set and unset somewhere
        assert {True, False} <= seen[key], key


def test_partners_are_other_sample_facilities_nearby(records: tuple[Facility, ...]) -> None:
    by_name = {f.name: f for f in records}
    pairs = [(f, p) for f in records for block in (f.off_hours, f.admission_support, f.home_care) if block
             for p in block.partners]
    assert pairs
    for facility, partner in pairs:
        other = by_name[partner]
        assert other.id != facility.id and other.prefecture == facility.prefecture
    partnered = [f for f in records if f.admission_support and f.admission_support.backup_beds == "partnered"]
    assert all(by_name[p].kind == "hospital" for f in partnered for p in f.admission_support.partners)


def test_realistic_mix(records: tuple[Facility, ...]) -> None:
    clinics = [f for f in records if f.kind == "clinic"]
    assert sum(1 for f in clinics if not (f.home_care and f.home_care.has)) > len(clinics) / 2
    self_beds = [f for f in records if f.admission_support and f.admission_support.backup_beds == "self"]
    assert sum(f.kind == "hospital" for f in self_beds) > len(self_beds) / 2


def test_shipped_lines_are_export_form() -> None:
    text = resources.files("corpus").joinpath("data", "sample_facilities.jsonl").read_text(encoding="utf-8")
    first = json.loads(text.splitlines()[0])
    for key in ("id", "name", "kind", "prefecture", "municipality", "municipality_code", "address", "lat", "lng",
                "sample", "as_of", "function1", "off_hours", "admission_support", "home_care", "care_collaboration"):
        assert key in first
