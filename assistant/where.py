"""Where to search: a municipality named in the text, a postal code, 「近く」 around the user's location, or nowhere."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from assistant.errors import InputError
from assistant.parse import ParsedQuery
from corpus.geo import LocationResult, Place, find_places_in_text, resolve_location
from corpus.municipalities import load_municipalities


@dataclass(frozen=True)
class Where:
    """A resolved search area. ``mode``: area (municipality codes), radius (around a point) or everywhere."""

    text: str
    mode: str
    places: tuple[Place, ...] = ()
    point: tuple[float, float] | None = None
    from_point: bool = False  # the point is the user's own coordinates, not a town hall

    @property
    def origin(self) -> str:
        """What distances are measured from: the given point, or the municipality's town hall (役所・役場)."""
        return "指定した地点" if self.from_point else "役所・役場"

    @property
    def label(self) -> str:
        """Japanese name of the area, e.g. 高知県高知市."""
        if self.mode == "everywhere":
            return "全域"
        if not self.places:
            return self.text
        names = "・".join(p.prefecture + p.municipality for p in self.places[:3])
        return names + ("ほか" if len(self.places) > 3 else "")

    @property
    def short_label(self) -> str:
        """Municipality names only (for the 条件 line)."""
        if self.mode == "everywhere":
            return "全域"
        names = "・".join(p.municipality + (f"（{p.detail}付近）" if p.detail else "")
                         for p in self.places[:3]) or self.text
        return names + ("ほか" if len(self.places) > 3 else "")

    @property
    def codes(self) -> tuple[str, ...]:
        """Municipality codes to restrict to (政令市 expand to their 区)."""
        return tuple(dict.fromkeys(c for p in self.places for c in p.filter_codes))

    def with_mode(self, mode: str) -> Where:
        """The same place searched another way (area ↔ radius)."""
        return Where(self.text, mode, self.places, self.point, self.from_point)

    def to_dict(self) -> dict[str, Any]:
        """JSON form (the ``location`` of the Answer JSON, plus what a session needs)."""
        return {
            "text": self.text, "mode": self.mode, "label": self.label,
            "point": list(self.point) if self.point else None, "from_point": self.from_point,
            "places": [{"code": p.code, "prefecture": p.prefecture, "municipality": p.municipality,
                        "lat": p.lat, "lng": p.lng, "codes": list(p.filter_codes), "detail": p.detail}
                       for p in self.places],
        }


def where_from_dict(data: dict[str, Any]) -> Where:
    """Rebuild a :class:`Where` saved in a session."""
    places = tuple(Place(p["code"], p["prefecture"], p["municipality"], p["lat"], p["lng"],
                         tuple(c for c in p.get("codes", ()) if c != p["code"]), p.get("detail", ""))
                   for p in data.get("places", []))
    point = data.get("point")
    return Where(data.get("text", ""), data.get("mode", "area"), places, tuple(point) if point else None,
                 bool(data.get("from_point", False)))


EVERYWHERE = Where("全域", "everywhere")


@dataclass(frozen=True)
class WhereResult:
    """A resolved area, or a question to ask back (ambiguous name)."""

    where: Where | None = None
    question: str = ""


def _from_result(result: LocationResult, near: bool) -> Where:
    places = result.places
    first = places[0]
    point = (first.lat, first.lng) if len(places) == 1 else None
    from_point = result.kind == "latlng"
    if from_point or (near and point is not None):
        return Where(result.query, "radius", places, point, from_point)
    return Where(result.query, "area", places, point)


def resolve_given(text: str, near: bool = False) -> Where:
    """The location the caller passed (``--location``, the UI box); bad input raises InputError."""
    query = text.strip()
    if not query or len(query) > 100:
        raise InputError("場所は市区町村名・郵便番号・住所・「緯度,経度」のいずれかで、100文字以内で入力してください。")
    result = resolve_location(query)
    if not result.ok:
        raise InputError(result.message_ja or f"場所「{query}」を特定できませんでした。")
    return _from_result(result, near)


def _ambiguous(places: list[Place]) -> bool:
    """Two places with the same municipality name in different prefectures (府中市)."""
    names = [p.municipality for p in places]
    return len(set(names)) < len(names)


def resolve_in_text(parsed: ParsedQuery) -> WhereResult:
    """A place the message itself names (coordinates, postal code, municipality)."""
    for raw in (parsed.latlng, parsed.postal):
        if raw:
            result = resolve_location(raw)
            if not result.ok:
                return WhereResult(question=result.message_ja)
            return WhereResult(_from_result(result, parsed.near))
    places = find_places_in_text(parsed.text) or kana_places(parsed.text) or ward_stems(parsed.text)
    if not places:
        return WhereResult()
    if _ambiguous(places):
        options = "、".join(p.label for p in places)
        return WhereResult(question=f"どちらの市区町村ですか？（{options}）都道府県名を付けてもう一度お聞かせください。")
    text = "・".join(p.municipality for p in places)
    point = (places[0].lat, places[0].lng) if len(places) == 1 else None
    mode = "radius" if parsed.near and point else "area"
    return WhereResult(Where(text, mode, tuple(places), point))


_AFTER_PLACE = r"(?=で|の|に|は|まで|周辺|付近|近く|あたり|辺り|です|だと|なら|[、。？?]|$)"


def _hiragana(kana: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in kana)


def kana_places(text: str) -> list[Place]:
    """Municipalities written in hiragana that kana restoration leaves alone: short readings (とさし) and readings
    two municipalities share (こうなんし → 江南市 or 香南市, asked back as ambiguous). Only before a particle."""
    if not re.search(r"[ぁ-ゖ]{3,}", text):
        return []
    found: list[Place] = []
    for kana, code, name in _kana_names():
        if kana in text and re.search(rf"(?<![ぁ-ゖ]){re.escape(kana)}{_AFTER_PLACE}", text):
            found += [p for p in find_places_in_text(name) if p.code == code]
    return found


@functools.lru_cache(maxsize=1)
def _kana_names() -> tuple[tuple[str, str, str], ...]:
    """(hiragana reading, code, name) of every municipality with a reading of three letters or more."""
    return tuple((kana, m.code, m.name) for m in load_municipalities() if len(kana := _hiragana(m.kana)) >= 3)


# The 23 special wards of Tokyo are often named without 区 (「世田谷で」); one-character and generic stems are not.
_GENERIC_STEMS = {"中央", "北", "港", "南", "西", "東", "中", "緑", "旭", "青葉", "泉", "若葉"}


def ward_stems(text: str) -> list[Place]:
    """Tokyo special wards named without 区, before a particle (「世田谷でお願い」)."""
    found: list[Place] = []
    for m in load_municipalities():
        if m.prefecture != "東京都" or not m.name.endswith("区") or not m.code.startswith("131"):
            continue
        stem = m.name[:-1]
        if stem in text and len(stem) >= 2 and stem not in _GENERIC_STEMS and re.search(rf"(?<![一-龥]){stem}{_AFTER_PLACE}", text):
            found += [p for p in find_places_in_text(m.name) if p.code == m.code]
    return found
