"""The map tab's HTML, the richer cards, the result exports and the map settings (pure, no browser)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from html import unescape
from pathlib import Path

import pytest

from corpus.settings import SettingsError, settings_from
from ui.map_settings import MapSettings, leaflet_available
from ui.render_cards import cards_html, glossary_html
from ui.render_map import map_html, map_points
from ui.results_export import export_csv, export_of, export_xlsx
from ui.web_logic import pills_html, without_condition

HOSTILE = '架空"><img src=x onerror=alert(1)>診療所'
FAC = {"id": "S-1", "name": HOSTILE, "kind_label": "診療所", "address": "高知市本町1-1", "lat": 33.56, "lng": 133.53,
       "phone": "088-123-4567", "website": "", "distance_km": 1.25, "as_of": "2026-01-01", "sample": True,
       "closed_days": ["日曜", "祝日"], "closed_note": "お盆", "evidence": [
           {"item": "後方支援病床の確保（2号ロ）", "value": "自院で確保", "field": "x"},
           {"item": "ACP の実施", "value": "あり", "field": "y"}]}
BARE = {"id": "S-2", "name": "位置なし病院", "kind_label": "病院", "lat": None, "lng": None, "phone": "", "address": "",
        "evidence": []}


def _map_data(html: str) -> dict:
    match = re.search(r'data-map="([^"]*)"', html)
    assert match, html
    return json.loads(unescape(match.group(1)))


def test_map_numbers_markers_like_the_cards_and_keeps_the_svg_fallback() -> None:
    html = map_html([BARE, FAC], (33.55, 133.52), "基準地点（高知市の役所付近）", 5.0, MapSettings())
    data = _map_data(html)
    assert [p["rank"] for p in data["points"]] == [2]  # the second card; the unlocated first one has no marker
    assert data["origin"]["label"].startswith("基準地点") and data["radius_km"] == 5.0
    assert 'data-tiles="https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png"' in html
    assert 'data-attribution="地理院タイル"' in html and "maps.gsi.go.jp/development/ichiran.html" in html
    assert 'class="kakari-map-fallback"' in html and "<svg" in html  # drawn when tiles or Leaflet fail
    assert "<img" not in html and data["points"][0]["name"] == HOSTILE  # the name travels as escaped JSON only
    assert "半径5 km" in html and "基準地点（高知市の役所付近）からの" not in html


def test_without_leaflet_the_map_tab_is_the_svg_view() -> None:
    html = map_html([FAC], None, "", None, None)
    assert "<svg" in html and "data-map" not in html and "<img" not in html


def test_map_points_skip_records_without_a_position() -> None:
    assert map_points([BARE]) == [] and "まだありません" in map_html([BARE], None, "", None, MapSettings())


def test_cards_offer_a_call_link_closed_days_and_say_what_is_missing() -> None:
    html = cards_html([FAC, BARE])
    assert 'href="tel:0881234567"' in html and "☎ 088-123-4567" in html
    assert "休診日：日曜・祝日（お盆）" in html
    assert html.count("電話：未登録") == 1 and html.count("休診日：未登録") == 1
    assert "<img" not in html and "&lt;img" in html


def test_glossary_explains_only_the_terms_on_the_cards() -> None:
    html = glossary_html([FAC])
    assert "<details" in html and "後方支援病床" in html and "ACP" in html and "算定回数" not in html
    assert glossary_html([BARE]) == ""


def test_pills_name_each_condition_and_removing_one_keeps_the_rest() -> None:
    filters = [{"name": "kind", "value": "clinic", "label": "診療所に限る"},
               {"name": "acp", "value": None, "label": "ACP<script>"}]
    html = pills_html(filters)
    assert html.count('class="kakari-pill"') == 2 and 'aria-label="条件「診療所に限る」を外す"' in html
    assert "<script>" not in html and "ACP&lt;script&gt;" in html
    assert without_condition(filters, 0) == [{"name": "acp", "value": None}]
    assert pills_html([]) == ""


def test_export_names_the_area_conditions_and_date_and_holds_every_row(tmp_path: Path) -> None:
    answer = {"conditions": "条件：高知市・診療所/24時間", "location": {"label": "高知県高知市"}, "notice": "架空です"}
    export = export_of([FAC, BARE] * 3, answer, "基準地点（高知市の役所付近）", date(2026, 12, 4), capped=False)
    assert export.file_name("csv") == "kakari_医療機関_高知県高知市_高知市・診療所24時間_2026-12-04.csv"
    raw = export_csv(export)
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    head = rows.index(["番号", "名称", "種別", "市区町村", "所在地", "電話", "ウェブサイト", "休診日", "距離(km)",
                       "条件を満たす根拠", "報告基準日", "サンプルデータ", "ID"])
    assert len(rows) - head - 1 == 6
    header = [r[0] for r in rows[:head] if r]
    assert "作成日：2026-12-04" in header and "報告基準日：2026-01-01" in header and "注意：架空です" in header
    assert "件数：6件（条件に合うすべて）" in header
    assert rows[head + 1][7] == "日曜・祝日（お盆）"
    path = tmp_path / "x.xlsx"
    path.write_bytes(export_xlsx(export))
    from openpyxl import load_workbook

    sheet = load_workbook(path).active
    assert sheet.max_row == head + 1 + 6


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, MapSettings()),
        ({"KAKARI_MAP_TILES_URL": "https://tiles.example.jp/{z}/{x}/{y}.png", "KAKARI_MAP_ATTRIBUTION": "例"},
         MapSettings(tiles_url="https://tiles.example.jp/{z}/{x}/{y}.png", attribution="例")),
        ({"KAKARI_MAP_MAX_ZOOM": "16"}, MapSettings(max_zoom=16)),
    ],
)
def test_map_settings_come_from_kakari_map_variables(env, expected) -> None:
    assert settings_from({}, env).map == expected


def test_map_settings_from_the_toml_file() -> None:
    assert settings_from({"map": {"max_zoom": 15}}, {}).map == MapSettings(max_zoom=15)


@pytest.mark.parametrize("env", [{"KAKARI_MAP_TILES_URL": "javascript:alert(1)"}, {"KAKARI_MAP_COLOUR": "red"},
                                 {"KAKARI_MAP_MAX_ZOOM": "many"}])
def test_bad_map_settings_are_a_japanese_error(env) -> None:
    with pytest.raises(SettingsError):
        settings_from({}, env)


def test_leaflet_is_found_only_when_its_files_are_there(tmp_path: Path) -> None:
    assert leaflet_available(tmp_path) is False
    (tmp_path / "leaflet.js").write_text("")
    (tmp_path / "leaflet.css").write_text("")
    assert leaflet_available(tmp_path) is True


def test_document_answers_show_the_short_answer_and_fold_the_quotes() -> None:
    from ui.web_logic import view_of

    body = {"summary": ["報告は毎年1月から3月に行います。"], "source": "Q3（Ｑ＆Ａ集、P.63）", "title": "",
            "quotes": [{"where": "第2章第1節（４）", "text": "長い引用<script>x</script>" * 20, "label": ""}],
            "related": ["Q8 休院の扱い（P.64）"], "fields": []}
    view = view_of({"intent": "guideline", "answer": "長い本文" * 200, "body": body, "citations": []})
    assert view.text.startswith("**要点**（Q3（Ｑ＆Ａ集、P.63））") and "長い本文" not in view.text
    assert "報告は毎年1月から3月に行います。" in view.text and "- Q8 休院の扱い（P.64）" in view.text
    assert "長い引用" not in view.text  # the quote is folded in the panel, not in the chat
    assert "<details" in view.citations and "長い引用&lt;script&gt;" in view.citations and "<script>" not in view.citations
    plain = view_of({"intent": "guideline", "answer": "本文だけ", "body": {"summary": [], "quotes": []}})
    assert plain.text == "本文だけ" and "資料の該当部分" not in plain.citations


def test_the_short_answer_keeps_the_lines_put_above_the_documents() -> None:
    # an ignored instruction, a safety note or the English lead sits above the 要点 in the answer text: the chat keeps it
    from assistant.documents import REFERENCE_NOTE
    from ui.web_logic import view_of

    body = {"summary": ["報告は毎年1月から3月に行います。"], "source": "Q3", "quotes": [], "related": [], "fields": []}
    lead = "（質問に含まれていた、回答の方法を変えるような指示には従いません。）\n"
    view = view_of({"intent": "guideline", "answer": lead + "**要点**（Q3）\n\n長い本文", "body": body, "citations": []})
    assert view.text.startswith(lead + "**要点**（Q3）") and "長い本文" not in view.text
    background = view_of({"intent": "guideline", "answer": REFERENCE_NOTE + "\n\n**要点**（資料）\n\n本文", "body": body})
    assert background.text.startswith(REFERENCE_NOTE)
