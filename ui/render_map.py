"""The 地図 tab: a Leaflet map of the results (numbered like the cards) with the offline SVG view as its fallback."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from ui.map_settings import MapSettings
from ui.render import position_svg

NO_POINTS = '<div class="kakari-empty">地図に表示できる医療機関はまだありません。</div>'


def _km(value: Any) -> str:
    return f"{float(value):.1f} km" if isinstance(value, (int, float)) else "距離不明"


def map_points(facilities: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The located results as JSON-ready markers; ``rank`` is the card's number (unlocated ones keep theirs)."""
    points = []
    for rank, fac in enumerate(facilities, start=1):
        lat, lng = fac.get("lat"), fac.get("lng")
        if isinstance(lat, (int, float)) and isinstance(lng, (int, float)) and (lat or lng):
            points.append({"rank": rank, "name": str(fac.get("name", "")), "lat": float(lat), "lng": float(lng),
                           "distance": _km(fac.get("distance_km"))})
    return points


def map_html(
    facilities: Sequence[Mapping[str, Any]], origin: tuple[float, float] | None, origin_label: str,
    radius_km: float | None, tiles: MapSettings | None,
) -> str:
    """The map figure; with ``tiles`` None (Leaflet not installed) only the SVG view is drawn."""
    points = map_points(facilities)
    if not points:
        return NO_POINTS
    svg = position_svg(facilities, origin, origin_label=origin_label or "基準地点")
    basis = _basis(origin_label, radius_km)
    if tiles is None:
        return f'<div class="kakari-map-figure">{svg}{basis}</div>'
    data = {"points": points, "radius_km": radius_km if origin is not None else None,
            "origin": None if origin is None else {"lat": origin[0], "lng": origin[1], "label": origin_label}}
    # Everything from data travels as one escaped JSON attribute; the script sets it as text, never as HTML.
    attrs = (f'data-map="{escape(json.dumps(data, ensure_ascii=False))}" data-tiles="{escape(tiles.tiles_url)}" '
             f'data-attribution="{escape(tiles.attribution)}" data-attribution-url="{escape(tiles.attribution_url)}" '
             f'data-max-zoom="{int(tiles.max_zoom)}"')
    return (
        '<div class="kakari-map-figure">'
        f'<div class="kakari-map" role="region" aria-label="検索結果の地図（番号はカードの順位）" {attrs}></div>'
        '<p class="kakari-map-note" role="status"></p>'
        f'<div class="kakari-map-fallback">{svg}</div>{basis}</div>'
    )


def _basis(origin_label: str, radius_km: float | None) -> str:
    """Say where distances are measured from, and the search radius, in words (not only on the map)."""
    parts = ["番号はカードの順位です。"]
    if origin_label:
        parts.append(f"★は{escape(origin_label)}で、距離はここからの直線距離です。")
    if radius_km:
        parts.append(f"円は検索した範囲（半径{radius_km:g} km）です。")
    return f'<p class="kakari-map-basis">{"".join(parts)}</p>'
