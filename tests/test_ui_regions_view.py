"""The 地域の状況 view: one bar per area with its number, the chosen area highlighted, imported names escaped,
and the exports offered from the page."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from assistant.regional import INDICATORS, Level, RegionalTable, regional_table
from corpus.settings import Settings
from retrieval.store import open_store
from ui.holder import AssistantHolder
from ui.render_regions import chart_svg, view_html
from ui.web import build_blocks


def _table(tmp_path: Path) -> RegionalTable:
    store, info = open_store(tmp_path / "none")  # the shipped fictional sample
    return regional_table(store, info, "高知県", Level.MEDICAL_AREA, INDICATORS)


def test_chart_has_one_bar_per_area_with_its_number(tmp_path: Path) -> None:
    table = _table(tmp_path)
    svg = chart_svg(table, "home_care_24h", highlight="幡多医療圏")
    assert svg.count("<rect") == len(table.rows) == 4
    assert svg.count('class="kakari-bar-chosen"') == 1 and "幡多医療圏" in svg
    for row in table.rows:
        fig = row.figure("home_care_24h")
        assert fig is not None and f"{(fig.per_1k_75 or 0):.2f}（{fig.count}）" in svg
    assert "高知県" in svg  # the prefecture's line


def test_view_names_the_sample_the_basis_and_the_credits(tmp_path: Path) -> None:
    html = view_html(_table(tmp_path), "acp")
    assert "架空" in html and "報告基準日" in html and "国土数値情報" in html and "不足の目安" in html


def test_imported_area_names_are_escaped(tmp_path: Path) -> None:
    table = _table(tmp_path)
    first = table.rows[0]
    evil = dataclasses.replace(first, area=dataclasses.replace(first.area, name="<script>x</script>"))
    html = view_html(dataclasses.replace(table, rows=(evil, *table.rows[1:])), "acp", highlight="<script>x</script>")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_page_shows_region_and_offers_both_files(tmp_path: Path) -> None:
    settings = dataclasses.replace(Settings(), data_dir=tmp_path / "data",
                                   retrieval=dataclasses.replace(Settings().retrieval, embedder="none"))
    holder = AssistantHolder(settings)
    page = build_blocks(holder)
    handler = next(fn for fn in page.fns.values() if getattr(fn.fn, "__name__", "") == "show_region").fn
    html, areas, csv_file, xlsx_file = handler("高知県", "medical_area", "home_care_24h", "")
    assert len(re.findall("<rect", html)) == 4
    assert [c[0] for c in areas["choices"]][1:] == ["安芸医療圏", "中央医療圏", "高幡医療圏", "幡多医療圏"]
    csv_path, xlsx_path = Path(csv_file["value"]), Path(xlsx_file["value"])
    assert csv_path.name.startswith("kakari_課題管理シート_高知県_二次医療圏") and csv_path.read_bytes()[:3] == b"\xef\xbb\xbf"
    assert xlsx_path.suffix == ".xlsx" and xlsx_path.read_bytes()[:2] == b"PK"
    bad = handler("ムー大陸", "medical_area", "acp", "")[0]
    assert "都道府県名が正しくありません" in bad
