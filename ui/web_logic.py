"""What the chat UI shows for one answer, computed without Gradio (so it is unit-testable)."""

from __future__ import annotations

import atexit
import dataclasses
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from assistant.documents import CASE_HEAD, SUMMARY_HEAD
from assistant.markup import md_text
from ui import render
from ui.map_settings import MapSettings
from ui.render_map import map_html

_GEO = re.compile(r"^\s*(-?\d{1,3}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")
_LIST_ITEM = re.compile(r"^\s*\d{1,3}[.．]\s")
GEO_LABEL = "現在地"
SAMPLE_NOTICE = "表示している医療機関は架空のサンプルデータです。実在の医療機関の情報ではありません。"
PAGE_SIZE = 10  # cards added by 「さらに表示」


@dataclass(frozen=True)
class AnswerView:
    """Everything the page updates after one answer (HTML fragments, chip labels, detail choices)."""

    text: str
    cards: str
    map: str
    citations: str
    chips: list[str]
    detail_choices: list[tuple[str, str]]
    notice: str
    session_id: str
    pills: str
    answer: dict[str, Any] = field(default_factory=dict)
    replaces_results: bool = True  # False: keep the facility panels of the previous answer
    matches: list[dict[str, Any]] = field(default_factory=list)  # every match (the export), shown ones first


def parse_geo(geo: str | None) -> tuple[float, float] | None:
    """The hidden 「現在地」 field (``"lat,lng"`` from the browser) → a point, or None."""
    match = _GEO.match(geo or "")
    if not match:
        return None
    lat, lng = float(match.group(1)), float(match.group(2))
    return (lat, lng) if -90 <= lat <= 90 and -180 <= lng <= 180 else None


def location_for(location_text: str | None, geo: str | None) -> str | None:
    """The ``location`` argument for the assistant: the typed place, or the browser's point as "lat,lng"."""
    text = (location_text or "").strip()
    point = parse_geo(geo)
    if point is not None and (not text or text.startswith(GEO_LABEL)):
        return f"{point[0]:.5f},{point[1]:.5f}"
    return text or None


def without_listing(text: str) -> str:
    """The answer text minus its numbered facility list (the cards show it, with more detail)."""
    kept, in_item = [], False
    for line in text.splitlines():
        if _LIST_ITEM.match(line):
            in_item = True
            continue
        if in_item and (line.startswith((" ", "\t", "\u3000")) or not line.strip()):
            continue
        in_item = False
        kept.append(line)
    return "\n".join(kept).strip()


def short_answer(body: Mapping[str, Any] | None) -> str:
    """A document answer's direct part for the chat: 要点, its source, a 事例's fields, related Q&A; the long
    quotes are folded in the 出典 panel instead (``quotes_html``). Empty when the body has no 要点."""
    if not body or not body.get("summary"):
        return ""
    parts = [f"**要点**（{md_text(body.get('source') or '')}）", *[md_text(s) for s in body["summary"]]]
    fields = [f"- **{md_text(f.get('label', ''))}**：{md_text(f.get('value', ''))}" for f in body.get("fields") or []]
    if fields:
        parts.append("\n".join(fields))
    if body.get("quotes"):
        parts.append("資料の該当部分は、下の「資料の該当部分」で開けます。")
    if body.get("related"):
        parts.append("関連するＱ＆Ａ：\n" + "\n".join(f"- {md_text(r)}" for r in body["related"]))
    return "\n\n".join(parts)


def quotes_html(body: Mapping[str, Any] | None) -> str:
    """The long quotes of a document answer, each folded in a <details> (escaped)."""
    quotes = (body or {}).get("quotes") or [] if (body or {}).get("summary") else []
    blocks = "".join(
        f'<details class="kakari-citation"><summary>{escape(str(q.get("label") or "引用"))}：'
        f'{escape(str(q.get("where") or ""))}</summary><blockquote>{escape(str(q.get("text") or ""))}</blockquote>'
        "</details>" for q in quotes)
    return f'<section class="kakari-citations" aria-label="資料の該当部分"><h3>資料の該当部分</h3>{blocks}</section>' \
        if blocks else ""


def _lead(text: str) -> str:
    """The lines an answer puts above the documents' own part (safety notes, an ignored instruction, the English
    lead, 「どちらの地域で？」, the background-document note): the chat keeps them when it shows the short answer."""
    starts = [i for i in (text.find(CASE_HEAD), text.find(SUMMARY_HEAD)) if i >= 0]  # the background note stays
    return text[:min(starts)] if starts else ""


def _answer_text(answer: Mapping[str, Any]) -> str:
    full = str(answer.get("answer") or "")
    short = short_answer(answer.get("body"))
    body = _lead(full) + short if short else full
    if answer.get("facilities"):
        body = without_listing(body) + "\n\n→ 医療機関の一覧と根拠は「検索結果」に表示しています。"
    parts = [body]
    safety = answer.get("safety") or {}
    if safety.get("emergency") and safety.get("numbers"):
        parts.insert(0, "**緊急の場合：" + "・".join(map(str, safety["numbers"])) + "**\n\n")
    if answer.get("conditions") and str(answer["conditions"]) not in body:
        parts.append(f"\n\n_{answer['conditions']}_")
    # Suggestions the answer text already contains (e.g. 関連するＱ＆Ａ) are not repeated.
    suggestions = [str(s) for s in answer.get("suggestions") or [] if str(s).split("：", 1)[-1] not in body]
    if suggestions:
        parts.append("\n\n" + "\n".join(f"- {s}" for s in suggestions))
    return "".join(parts).strip()


def view_of(answer: Mapping[str, Any], geo: str | None = None, tiles: MapSettings | None = None,
            matches: list[dict[str, Any]] | None = None) -> AnswerView:
    """Compute the page state for an answer dict (the API's answer JSON) and, if known, all its matches."""
    facilities = list(answer.get("facilities") or [])
    every = list(matches) if matches else facilities
    shown = every[:len(facilities)]  # the same records, with what the page looked up (休診日)
    return AnswerView(
        text=_answer_text(answer),
        cards=render.cards_html(shown, str(answer.get("conditions") or "")),
        map=results_map(answer, shown, geo, tiles),
        citations=quotes_html(answer.get("body")) + render.citations_html(answer.get("citations") or []),
        chips=render.chips_from_filters(answer.get("filters") or []),
        detail_choices=detail_choices(shown),
        notice=str(answer.get("notice") or ""),
        session_id=str(answer.get("session_id") or ""),
        pills=pills_html(answer.get("filters") or []),
        answer={**answer, "facilities": shown},
        replaces_results=bool(facilities) or answer.get("intent") == "facility_search",
        matches=every,
    )


def detail_choices(facilities: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The 「医療機関を選ぶ」 dropdown: 「1. 名称」 → id."""
    return [(f"{i}. {f.get('name', '')}", str(f.get("id", ""))) for i, f in enumerate(facilities, start=1)]


def results_map(answer: Mapping[str, Any], shown: list[dict[str, Any]], geo: str | None,
                tiles: MapSettings | None) -> str:
    """The 地図 tab for the shown cards, with the reference point and, for a radius search, its circle."""
    reference = render.user_point(answer, parse_geo(geo))
    origin, label = reference if reference else (None, "")
    radius = answer.get("radius_km")
    return map_html(shown, origin, label, float(radius) if isinstance(radius, (int, float)) else None, tiles)


def pills_html(filters: list[Mapping[str, Any]]) -> str:
    """The understood conditions as buttons under the answer; pressing one removes that condition."""
    if not filters:
        return ""
    buttons = "".join(
        f'<button type="button" class="kakari-pill" data-index="{i}" '
        f'aria-label="条件「{escape(_label(f))}」を外す">{escape(_label(f))}<span aria-hidden="true"> ×</span></button>'
        for i, f in enumerate(filters))
    return (f'<div class="kakari-pills" role="group" aria-label="いまの条件（押すとその条件を外して探し直します）">'
            f'<span class="kakari-pills-head">いまの条件</span>{buttons}</div>')


def _label(spec: Mapping[str, Any]) -> str:
    return str(spec.get("label") or spec.get("name") or "")


def without_condition(filters: list[Mapping[str, Any]], index: int) -> list[dict[str, Any]]:
    """The filter specs minus the one at ``index`` (a pill that was pressed)."""
    return [{"name": f["name"], "value": f.get("value")} for i, f in enumerate(filters) if i != index]


def more_of(last: Mapping[str, Any], matches: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """「さらに表示」: the shown cards plus the next page of the same matches."""
    return matches[:len(last.get("facilities") or []) + PAGE_SIZE]


def error_view(message: str, previous: Mapping[str, Any] | None = None) -> AnswerView:
    """A Japanese error shown in the chat; the rest of the page keeps the previous answer."""
    view = view_of(previous or {})
    return dataclasses.replace(view, text=f"⚠ {message}", replaces_results=False)


def stream_chunks(text: str, size: int = 12) -> list[str]:
    """Growing prefixes of ``text`` so the reply appears progressively (streaming feel)."""
    if not text:
        return [""]
    return [text[:end] for end in range(size, len(text), size)] + [text]


class CsvFiles:
    """Writes result lists as UTF-8 (BOM, for spreadsheet software) CSV files in one temp folder."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="kakari-csv-"))  # mode 0700: private to the server's user
        self._count = 0
        atexit.register(shutil.rmtree, self.folder, True)  # downloads do not outlive the server

    def write(self, csv_text: str) -> str | None:
        """Save and return the path, or None when there is nothing to download."""
        if csv_text.count("\n") <= 1:
            return None
        self._count += 1
        path = self.folder / f"kakari_results_{self._count}.csv"
        path.write_text(csv_text, encoding="utf-8-sig")
        path.chmod(0o600)
        return str(path)

    def save(self, name: str, data: bytes) -> str:
        """Save an export under its own descriptive name (in a numbered subfolder, so names never clash)."""
        self._count += 1
        folder = self.folder / str(self._count)
        folder.mkdir(mode=0o700)
        path = folder / Path(name).name
        path.write_bytes(data)
        path.chmod(0o600)
        return str(path)
