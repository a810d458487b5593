"""Pure renderers from the answer JSON to HTML, CSV and an offline SVG position plot (no I/O)."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any

from assistant.texts import shown_title
from retrieval.registry import ROWS
from ui.render_cards import CARD_HINT_ID, cards_html, distance_text
from ui.render_detail import facility_notice_html

__all__ = [
    "CARD_HINT_ID",
    "CHIPS",
    "CSV_COLUMNS",
    "cards_html",
    "chips_from_filters",
    "citations_html",
    "csv_cell",
    "facilities_csv",
    "facility_notice_html",
    "filters_from_chips",
    "position_svg",
    "user_point",
]

# Filter chips shown in the UI → the filter spec they stand for (docs/architecture.md, "Filter names").
CHIPS: dict[str, dict[str, Any]] = {
    **{row.chip: {"name": row.name, "value": None} for row in ROWS if row.chip},
    "病院": {"name": "kind", "value": "hospital"},
    "診療所": {"name": "kind", "value": "clinic"},
}
_CHIP_NAMES = {spec["name"] for spec in CHIPS.values()}

CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    ("番号", "rank"),
    ("名称", "name"),
    ("種別", "kind_label"),
    ("市区町村", "municipality"),
    ("所在地", "address"),
    ("電話", "phone"),
    ("ウェブサイト", "website"),
    ("休診日", "closed_days"),
    ("距離(km)", "distance_km"),
    ("条件を満たす根拠", "evidence"),
    ("報告基準日", "as_of"),
    ("サンプルデータ", "sample"),
    ("ID", "id"),
)


def chips_from_filters(filters: Iterable[Mapping[str, Any]]) -> list[str]:
    """The chip labels that correspond to the filters the assistant understood."""
    chosen = []
    for label, spec in CHIPS.items():
        for f in filters:
            if f.get("name") != spec["name"]:
                continue
            # A chip with value None stands for the whole filter (any value of it).
            if spec["value"] is None or f.get("value") == spec["value"]:
                chosen.append(label)
                break
    return chosen


def filters_from_chips(chips: Iterable[str], previous: Iterable[Mapping[str, Any]] = ()) -> list[dict[str, Any]]:
    """Chip selection → filter specs, keeping non-chip filters (disease, municipality …) from ``previous``."""
    kept = [{"name": f["name"], "value": f.get("value")} for f in previous if f.get("name") not in _CHIP_NAMES]
    previous_by_name = {f.get("name"): f.get("value") for f in previous}
    chosen = []
    for label in chips:
        spec = CHIPS.get(label)
        if spec is None:
            continue
        value = spec["value"]
        # Keep a more specific value the assistant understood (e.g. off_hours=rota) while its chip stays on.
        if value is None and previous_by_name.get(spec["name"]) is not None:
            value = previous_by_name[spec["name"]]
        chosen.append({"name": spec["name"], "value": value})
    kinds = [c for c in chosen if c["name"] == "kind"]
    if len(kinds) > 1:  # 病院 and 診療所 together means no restriction on kind
        chosen = [c for c in chosen if c["name"] != "kind"]
    return kept + chosen


def citations_html(citations: Sequence[Mapping[str, Any]]) -> str:
    """Citations as <details> blocks that expand in place (Q number / section, page, quoted passage)."""
    if not citations:
        return ""
    blocks = []
    for c in citations:
        ref = escape(str(c.get("id") or c.get("ref") or ""))
        # A section whose heading is its whole title (「…（２）留意事項」) would otherwise show it twice.
        title = escape(shown_title(str(c.get("id") or ""), str(c.get("title") or "")))
        page = f"（P.{escape(str(c['page']))}）" if c.get("page") not in (None, "") else ""
        doc = f'<p class="kakari-doc">{escape(str(c["doc"]))}</p>' if c.get("doc") else ""
        blocks.append(
            f'<details class="kakari-citation"><summary><b>{ref}</b> {title}{page}</summary>'
            f'{doc}<blockquote>{escape(str(c.get("quote") or ""))}</blockquote></details>'
        )
    return f'<section class="kakari-citations" aria-label="出典"><h3>出典</h3>{"".join(blocks)}</section>'


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert_cell(value: str) -> str:
    """A CSV cell a spreadsheet will not run: one that starts like a formula (= + - @, tab, CR) gets a leading
    apostrophe (OWASP's advice for CSV injection). Numbers we write ourselves never start so."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def csv_cell(fac: Mapping[str, Any], key: str, rank: int) -> str:
    """One cell of the result table, as text (before `inert_cell`)."""
    if key == "rank":
        return str(rank)
    if key == "evidence":
        return " / ".join(f"{e.get('item', '')}：{e.get('value', '')}" for e in fac.get("evidence") or [])
    if key == "closed_days":
        days = "・".join(str(d) for d in fac.get("closed_days") or [])
        return days + (f"（{fac['closed_note']}）" if fac.get("closed_note") else "")
    if key == "sample":
        return "はい" if fac.get("sample") else "いいえ"
    if key == "distance_km":
        value = fac.get(key)
        return f"{float(value):.1f}" if isinstance(value, (int, float)) else ""
    return str(fac.get(key) or "")


def facilities_csv(facilities: Sequence[Mapping[str, Any]]) -> str:
    """The result list as CSV text with Japanese headers (one row per facility)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([label for label, _ in CSV_COLUMNS])
    for rank, fac in enumerate(facilities, start=1):
        writer.writerow([inert_cell(csv_cell(fac, key, rank)) for _, key in CSV_COLUMNS])
    return buffer.getvalue()


def user_point(
    answer: Mapping[str, Any], fallback: tuple[float, float] | None = None
) -> tuple[tuple[float, float], str] | None:
    """The reference point and its label: the geolocated point, else the first resolved place of the answer."""
    if fallback is not None:
        return fallback, "あなたの位置"
    places = (answer.get("location") or {}).get("places") or []
    for place in places:
        lat, lng = place.get("lat"), place.get("lng")
        if isinstance(lat, (int, float)) and isinstance(lng, (int, float)) and (lat or lng):
            name = str(place.get("municipality") or (answer.get("location") or {}).get("text") or "")
            return (float(lat), float(lng)), f"基準地点（{name}の役所付近）" if name else "基準地点"
    return None


def _project(points: Sequence[tuple[float, float]], size: int, pad: int) -> list[tuple[float, float]]:
    """Equirectangular projection scaled to fit a square; north is up."""
    lat0 = sum(p[0] for p in points) / len(points)
    xs = [p[1] * math.cos(math.radians(lat0)) for p in points]
    ys = [p[0] for p in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 0.005)
    scale = (size - 2 * pad) / span
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return [(size / 2 + (x - cx) * scale, size / 2 - (y - cy) * scale) for x, y in zip(xs, ys, strict=True)]


def _scale_bar(points: Sequence[tuple[float, float]], size: int, pad: int) -> str:
    lat0 = sum(p[0] for p in points) / len(points)
    xs = [p[1] * math.cos(math.radians(lat0)) for p in points]
    ys = [p[0] for p in points]
    span_km = max(max(xs) - min(xs), max(ys) - min(ys), 0.005) * 111.32
    km_per_px = span_km / (size - 2 * pad)
    nice = next((k for k in (0.5, 1, 2, 5, 10, 20, 50, 100) if k / km_per_px >= 40), 200)
    length = nice / km_per_px
    y = size - 12
    return (
        f'<line x1="12" y1="{y}" x2="{12 + length:.1f}" y2="{y}" stroke="#333" stroke-width="2"/>'
        f'<text x="12" y="{y - 5}" font-size="12" fill="#333">{nice:g} km</text>'
    )


def position_svg(
    facilities: Sequence[Mapping[str, Any]], origin: tuple[float, float] | None, size: int = 320,
    origin_label: str = "あなたの位置",
) -> str:
    """An offline position plot of the results (numbered) relative to the user (★), as inline SVG."""
    located = [(i, f) for i, f in enumerate(facilities, start=1) if f.get("lat") and f.get("lng")]
    if not located:
        return '<div class="kakari-empty">位置を表示できる医療機関はありません。</div>'
    points = [(float(f["lat"]), float(f["lng"])) for _, f in located]
    if origin is not None:
        points.append(origin)
    pad = 28
    xy = _project(points, size, pad)
    marks = []
    for (rank, fac), (x, y) in zip(located, xy, strict=False):
        name = escape(str(fac.get("name", "")))
        marks.append(
            f'<g><title>{rank}. {name}（{distance_text(fac.get("distance_km"))}）</title>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="11" fill="#1f6f8b"/>'
            f'<text x="{x:.1f}" y="{y + 4:.1f}" font-size="12" text-anchor="middle" fill="#fff">{rank}</text></g>'
        )
    if origin is not None:
        x, y = xy[-1]
        marks.append(
            f'<g><title>{escape(origin_label)}</title><text x="{x:.1f}" y="{y + 7:.1f}" font-size="22" '
            f'text-anchor="middle" fill="#c0392b">★</text></g>'
        )
    legend = f"★ {escape(origin_label)}　● 番号はカードの順位" if origin is not None else "● 番号はカードの順位（基準地点なし）"
    return (
        f'<figure class="kakari-plot"><svg role="img" aria-label="検索結果の位置関係" viewBox="0 0 {size} {size}" '
        f'width="100%" style="max-width:{size}px" xmlns="http://www.w3.org/2000/svg">'
        f'<rect width="{size}" height="{size}" fill="#f4f7f6" stroke="#ccd"/>'
        f'<text x="{size - 14}" y="20" font-size="13" text-anchor="middle" fill="#555">N↑</text>'
        f"{''.join(marks)}{_scale_bar(points, size, pad)}</svg>"
        f"<figcaption>{legend}（地図タイルは使わない簡易図です）</figcaption></figure>"
    )
