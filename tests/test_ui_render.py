"""Renderers and page logic of the chat UI: chips ↔ filters, cards, CSV, SVG plot, citations, detail."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from corpus.facility import Facility, HomeCare, OffHours
from ui import render
from ui.web_logic import CsvFiles, location_for, parse_geo, stream_chunks, view_of

FAC = {
    "id": "S-001", "name": "架空<b>診療所</b>", "kind": "clinic", "kind_label": "診療所", "municipality": "高知市",
    "municipality_code": "39201", "address": "高知市本町1-1", "lat": 33.56, "lng": 133.53, "phone": "088-000-0000",
    "website": "https://example.jp/", "distance_km": 1.234, "as_of": "2026-01-01", "sample": True,
    "evidence": [{"item": "在宅医療の提供体制（2号ハ）", "value": "自院で24時間対応", "field": "home_care.mode"}],
}
FAR = {**FAC, "id": "S-002", "name": "遠い病院", "kind": "hospital", "kind_label": "病院", "lat": 33.60, "lng": 133.60,
       "distance_km": 8.0, "phone": "", "website": "javascript:alert(1)", "evidence": []}


@pytest.mark.parametrize(
    ("filters", "chips"),
    [
        ([], []),
        ([{"name": "home_care_24h", "value": None}], ["24時間"]),
        ([{"name": "off_hours", "value": "rota"}], ["時間外"]),
        ([{"name": "kind", "value": "hospital"}, {"name": "acp"}], ["ACP", "病院"]),
        ([{"name": "kind", "value": "clinic"}, {"name": "home_deaths"}], ["看取り", "診療所"]),
        ([{"name": "care_collab"}, {"name": "backup_beds", "value": "self"}], ["後方支援病床", "介護連携"]),
        ([{"name": "municipality", "value": ["39201"]}, {"name": "disease", "value": "高血圧"}], []),
    ],
)
def test_chips_follow_understood_filters(filters, chips) -> None:
    assert render.chips_from_filters(filters) == chips


@pytest.mark.parametrize(
    ("chips", "previous", "expected"),
    [
        (["24時間"], [], [{"name": "home_care_24h", "value": None}]),
        (["病院", "診療所"], [], []),
        (["時間外"], [{"name": "off_hours", "value": "rota"}], [{"name": "off_hours", "value": "rota"}]),
        ([], [{"name": "municipality", "value": ["39201"]}, {"name": "acp", "value": None}],
         [{"name": "municipality", "value": ["39201"]}]),
        (["ACP", "未知"], [{"name": "disease", "value": "高血圧"}],
         [{"name": "disease", "value": "高血圧"}, {"name": "acp", "value": None}]),
    ],
)
def test_chips_become_filters_keeping_other_conditions(chips, previous, expected) -> None:
    assert render.filters_from_chips(chips, previous) == expected


def test_cards_show_every_field_and_escape_html() -> None:
    html = render.cards_html([FAC, FAR], "条件：高知市・在宅医療24時間対応")
    assert "架空&lt;b&gt;診療所&lt;/b&gt;" in html and "<b>診療所" not in html
    assert "1.2 km" in html and "高知市本町1-1" in html and "088-000-0000" in html
    assert "自院で24時間対応" in html and "報告基準日：2026-01-01" in html and "架空" in html
    assert "javascript:" not in html  # only http(s) links are rendered
    assert html.count('class="kakari-card"') == 2


@pytest.mark.parametrize(
    ("fac", "rank", "label"),
    [
        (FAC, 1, "1. 架空&lt;b&gt;診療所&lt;/b&gt;（1.2 km）"),
        (FAR, 2, "2. 遠い病院（8.0 km）"),
        ({**FAR, "distance_km": None}, 2, "2. 遠い病院（距離不明）"),
    ],
)
def test_cards_are_focusable_and_labelled_with_name_and_distance(fac, rank, label) -> None:
    html = render.cards_html([FAC] * (rank - 1) + [fac])
    cards = re.findall(r"<article [^>]*>", html)
    card = cards[rank - 1]
    assert 'tabindex="0"' in card and 'role="article"' in card
    assert f'aria-label="{label}"' in card
    assert f'data-facility-id="{fac["id"]}"' in card and f'data-rank="{rank}"' in card
    assert f'aria-describedby="{render.CARD_HINT_ID}"' in card and f'id="{render.CARD_HINT_ID}"' in html


def test_detail_takes_the_keyboard_focus_and_names_the_facility() -> None:
    html = render.facility_notice_html(FAC)
    assert 'tabindex="-1"' in html and "医療機関の詳細：架空&lt;b&gt;診療所&lt;/b&gt;" in html


def test_csv_has_one_row_per_facility_with_evidence() -> None:
    rows = list(csv.reader(io.StringIO(render.facilities_csv([FAC, FAR]))))
    assert rows[0][:3] == ["番号", "名称", "種別"]
    assert len(rows) == 3
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["距離(km)"] == "1.2" and "自院で24時間対応" in first["条件を満たす根拠"]
    assert first["サンプルデータ"] == "はい" and first["ID"] == "S-001"


def test_csv_files_are_written_with_bom_and_skipped_when_empty() -> None:
    files = CsvFiles()
    assert files.write(render.facilities_csv([])) is None
    path = files.write(render.facilities_csv([FAC]))
    assert path is not None and Path(path).read_bytes().startswith(b"\xef\xbb\xbf")


def test_position_plot_is_offline_svg_with_user_and_numbered_results() -> None:
    html = render.position_svg([FAC, FAR], (33.55, 133.52))
    svg = html[html.index("<svg"): html.index("</svg>") + 6]
    root = ET.fromstring(svg)  # well-formed XML
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert {"1", "2", "★"} <= set(texts)
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")  # no tiles, no remote resources
    # north is up: the farther-north facility (2) is drawn above facility 1
    circles = list(root.iter("{http://www.w3.org/2000/svg}circle"))
    assert float(circles[1].get("cy", "0")) < float(circles[0].get("cy", "0"))


def test_position_plot_without_coordinates() -> None:
    assert "位置を表示できる" in render.position_svg([{**FAC, "lat": None, "lng": None}], None)


def test_citations_expand_in_place() -> None:
    html = render.citations_html([{"source": "qa", "id": "Q11", "title": "報告の時期", "page": 66, "quote": "毎年<1月>"}])
    assert "<details" in html and "<b>Q11</b>" in html and "P.66" in html and "毎年&lt;1月&gt;" in html
    assert render.citations_html([]) == ""


def test_detail_renders_notice_style_summary_and_unreported_blocks() -> None:
    fac = Facility(id="S-1", name="架空クリニック", kind="clinic", prefecture="高知県", municipality="高知市",
                   municipality_code="39201", address="高知市1", lat=33.5, lng=133.5, sample=True, as_of="2026-01-01",
                   source="sample:v1", home_care=HomeCare(mode="24h_self", home_deaths=3),
                   off_hours=OffHours(modes=("rota",)))
    html = render.facility_notice_html(fac.to_dict())
    assert "院内掲示" in html and "架空のサンプルデータ" in html
    assert "自院で24時間対応" in html and "在宅当番医制" in html
    assert html.count("報告なし") == 4  # function1, admission, care collaboration, other were not reported


@pytest.mark.parametrize(
    ("text", "geo", "expected"),
    [
        ("高知市", "", "高知市"),
        ("  ", "", None),
        ("", "33.5,133.5", "33.50000,133.50000"),
        ("現在地（33.5, 133.5）", "33.5,133.5", "33.50000,133.50000"),
        ("780-0870", "33.5,133.5", "780-0870"),  # a typed place wins over an old geolocation
        ("", "not,a point", None),
    ],
)
def test_location_for(text, geo, expected) -> None:
    assert location_for(text, geo) == expected


def test_parse_geo_rejects_out_of_range() -> None:
    assert parse_geo("95,10") is None and parse_geo("33.1,133.2") == (33.1, 133.2)


def test_view_of_answer_fills_every_panel() -> None:
    answer = {"intent": "facility_search", "answer": "2件見つかりました。", "conditions": "条件：高知市", "facilities": [FAC],
              "citations": [], "filters": [{"name": "home_care_24h", "value": None}], "session_id": "s1",
              "notice": "架空です", "safety": {"emergency": True, "numbers": ["119"]},
              "location": {"text": "高知市", "places": [{"lat": 33.55, "lng": 133.53}]}}
    view = view_of(answer)
    assert view.text.startswith("**緊急の場合：119**") and "条件：高知市" in view.text
    assert view.chips == ["24時間"] and view.detail_choices == [("1. 架空<b>診療所</b>", "S-001")]
    assert "★" in view.map and view.notice == "架空です" and view.session_id == "s1"


def test_stream_chunks_grow_to_the_full_text() -> None:
    chunks = stream_chunks("あ" * 30, size=12)
    assert chunks[-1] == "あ" * 30 and [len(c) for c in chunks] == [12, 24, 30]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("条件：高知市\n2件です。\n\n1. **A**\n   - 在宅：24時間\n2. **B**\n   - 看取り\n\n距離は目安です。",
         "条件：高知市\n2件です。\n\n距離は目安です。"),
        ("Q1（P.62）によると：\n\n> 引用", "Q1（P.62）によると：\n\n> 引用"),
        ("1. **A**\n   - x", ""),
    ],
)
def test_chat_text_leaves_the_listing_to_the_cards(text, expected) -> None:
    from ui.web_logic import without_listing

    assert without_listing(text) == expected


def test_citation_title_is_not_repeated_when_the_ref_ends_with_it() -> None:
    html = render.citations_html([{"source": "guideline", "id": "第2章第3節（２）留意事項", "title": "留意事項", "page": 12,
                                   "quote": "毎年１月１日時点"}])
    assert html.count("留意事項") == 1
    kept = render.citations_html([{"source": "qa", "id": "Q11", "title": "協議の場の圏域", "page": 66, "quote": "圏域"}])
    assert "協議の場の圏域" in kept
