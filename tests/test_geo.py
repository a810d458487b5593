"""Location resolution: municipality table vs the CC0 town-hall table, postal codes, names, sentences."""

from __future__ import annotations

import csv

import pytest

from corpus.geo import find_places_in_text, haversine_km, resolve_location
from corpus.municipalities import by_code, in_prefecture, load_municipalities
from tests.conftest import SHARED_DATA, require_shared

LOCALGOV = SHARED_DATA / "localgovjp" / "localgovjp-utf8.csv"
# The town hall moved after JpGeocode's coordinates were taken; still inside the town.
MOVED_OFFICES = {"39401": 10.0}  # 高知県中土佐町
NEAR_KM = 3.0


def _town_halls(prefectures: tuple[str, ...]) -> list[dict[str, str]]:
    with require_shared(LOCALGOV).open(encoding="utf-8-sig", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["pref"] in prefectures and " " not in r["city"]]


def test_table_covers_tokyo_and_kochi() -> None:
    assert len(in_prefecture("東京都")) == 62
    assert len(in_prefecture("高知県")) == 34
    assert len({m.code for m in load_municipalities()}) == len(load_municipalities())


@pytest.mark.parametrize("prefecture", ["東京都", "高知県"])
def test_every_municipality_resolves_near_its_town_hall(prefecture: str) -> None:
    halls = _town_halls((prefecture,))
    assert len(halls) == {"東京都": 62, "高知県": 34}[prefecture]
    for hall in halls:
        code = hall["lgcode"][:5]
        result = resolve_location(prefecture + hall["city"])
        assert result.ok, hall["city"]
        place = result.places[0]
        assert place.code == code, (hall["city"], place.code)
        distance = haversine_km((float(hall["lat"]), float(hall["lng"])), place)
        assert distance <= MOVED_OFFICES.get(code, NEAR_KM), (hall["city"], round(distance, 2))


def test_every_localgov_code_is_in_the_table() -> None:
    with require_shared(LOCALGOV).open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    # 浜松市 still lists its pre-2024 wards in the reference table.
    missing = [r["city"] for r in rows if by_code(r["lgcode"]) is None and not r["city"].startswith("浜松市 ")]
    assert missing == []


@pytest.mark.parametrize(
    ("text", "code", "kind"),
    [
        ("東京都府中市", "13206", "municipality"),
        ("練馬区", "13120", "municipality"),
        ("練馬", "13120", "municipality"),
        ("梼原町", "39405", "municipality"),
        ("高知県高岡郡檮原町", "39405", "municipality"),
        ("青ケ島村", "13402", "municipality"),
        ("東京都練馬区豊玉北6-12-1", "13120", "address"),
        ("練馬区豊玉北６丁目", "13120", "address"),
        ("高知県高知市本町5丁目", "39201", "address"),
        ("横浜市港北区日吉", "14109", "address"),
        ("〒100-0001", "13101", "postal"),
        ("780-0870", "39201", "postal"),
        ("１６０－００２３", "13104", "postal"),
        ("7850610", "39405", "postal"),
        ("35.7356,139.6516", "13120", "latlng"),
        ("33.5596, 133.5293", "39201", "latlng"),
    ],
)
def test_resolves(text: str, code: str, kind: str) -> None:
    result = resolve_location(text)
    assert result.ok, result.message_ja
    assert (result.places[0].code, result.kind) == (code, kind)


@pytest.mark.parametrize(
    ("text", "codes"),
    [("府中市", {"13206", "34208"}), ("伊達市", {"01233", "07213"}), ("中央区", {"13102", "01101"})],
)
def test_ambiguous_names_ask_which(text: str, codes: set[str]) -> None:
    result = resolve_location(text)
    assert result.ambiguous and not result.ok
    assert codes <= {p.code for p in result.places}
    assert "どちら" in result.message_ja


@pytest.mark.parametrize("text", ["", "あいうえお", "999-9999", "99.0,10.0"])
def test_unresolvable_inputs_explain_in_japanese(text: str) -> None:
    result = resolve_location(text)
    assert not result.ok and result.places == ()
    assert result.message_ja


def test_designated_city_covers_its_wards() -> None:
    place = resolve_location("横浜市").places[0]
    assert place.code == "14100" and "14109" in place.filter_codes and len(place.filter_codes) == 18


@pytest.mark.parametrize(
    ("sentence", "codes"),
    [
        ("認知症を診てくれる診療所を練馬区で", ["13120"]),
        ("東京都府中市で往診してくれるところ", ["13206"]),
        ("府中市と調布市の病院", ["13206", "34208", "13208"]),
        ("高知県の梼原町で在宅医療", ["39405"]),
        ("大森町の近くの内科", []),
        ("近くの内科を教えて", []),
    ],
)
def test_find_places_in_text(sentence: str, codes: list[str]) -> None:
    assert [p.code for p in find_places_in_text(sentence)] == codes


def test_haversine_known_distance() -> None:
    tokyo, kochi = (35.6895, 139.6917), (33.5597, 133.5311)
    assert 610 < haversine_km(tokyo, kochi) < 630
    assert haversine_km(tokyo, tokyo) == 0.0
