"""The Gradio page's handlers over the real Assistant: streaming, chips in sync, CSV, detail, citations."""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from corpus.settings import Settings
from ui.holder import AssistantHolder


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from ui.web import _Page
    from ui.web_logic import CsvFiles

    base = Settings()
    settings = dataclasses.replace(base, data_dir=tmp_path_factory.mktemp("kakari-web"),
                                   retrieval=dataclasses.replace(base.retrieval, embedder="none"))
    p = _Page(AssistantHolder(settings), CsvFiles())
    p.build()
    yield p


def _value(update: Any) -> Any:
    return update.get("value") if isinstance(update, dict) else update


def _skipped(update: Any) -> bool:
    return isinstance(update, dict) and update.get("__type__") == "update" and "value" not in update


def test_facility_question_streams_then_fills_every_panel(page) -> None:
    steps = list(page.ask("高知市で24時間往診してくれる診療所", [], "", "", "", {}))
    assert len(steps) > 3  # the reply arrives in several chunks
    history, cards, plot, citations, chips, detail, notice, session, last, csv_button, xlsx, pills, more, matches = \
        steps[-1]
    assert history[0] == {"role": "user", "content": "高知市で24時間往診してくれる診療所"}
    assert "kakari-card" in cards and "kakari-evidence" in cards and "休診日：未登録" in cards
    assert "<svg" in plot and "高知市" in plot  # no Leaflet settings in this fixture: the offline view
    assert set(_value(chips)) >= {"24時間", "診療所"}
    assert [c[1] for c in detail["choices"]] == [f["id"] for f in last["facilities"]]
    assert session and notice["visible"] is True
    assert pills.count('class="kakari-pill"') == len(last["filters"]) and "24時間の在宅医療" in pills
    # The sample has 12 such clinics in 高知市: 10 cards, 「さらに表示」, and files with all 12.
    assert len(last["facilities"]) == 10 and len(matches) == 12 and more["visible"] is True
    assert [f["id"] for f in matches[:10]] == [f["id"] for f in last["facilities"]]
    raw = Path(_value(csv_button)).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    lines = raw.decode("utf-8-sig").splitlines()
    table = list(csv.reader(lines[lines.index("") + 1:]))
    assert table[0][:2] == ["番号", "名称"] and len(table) == 12 + 1
    assert any(line.startswith("条件：") and "24時間" in line for line in lines[:8])
    assert any(line.startswith("作成日：") for line in lines[:8]) and any("架空" in line for line in lines[:9])
    name = Path(_value(csv_button)).name
    assert name.startswith("kakari_医療機関_高知県高知市_") and name.endswith(".csv") and "24時間" in name
    assert Path(_value(xlsx)).name == name.removesuffix(".csv") + ".xlsx"


def test_excel_file_holds_the_header_block_and_every_match(page) -> None:
    from openpyxl import load_workbook

    step = list(page.ask("高知市で24時間往診してくれる診療所", [], "", "", "", {}))[-1]
    sheet = load_workbook(Path(_value(step[10]))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert str(rows[0][0]).startswith("kakari") and any(str(r[0]).startswith("報告基準日：") for r in rows[:8])
    head = next(i for i, r in enumerate(rows) if r[0] == "番号")
    assert len(rows) - head - 1 == len(step[13]) == 12


def test_more_pages_through_the_same_matches(page) -> None:
    step = list(page.ask("高知市で24時間往診してくれる診療所", [], "", "", "", {}))[-1]
    last, matches = step[8], step[13]
    cards, _, detail, shown, more = page.show_more(last, matches, "")
    assert [f["id"] for f in shown["facilities"]] == [f["id"] for f in matches]
    assert cards.count('class="kakari-card"') == 12 and len(detail["choices"]) == 12
    assert more["visible"] is False  # nothing left to show


def test_pressing_a_pill_removes_that_condition_and_the_chips_follow(page) -> None:
    import gradio as gr

    last = list(page.ask("高知市で24時間往診してくれる診療所", [], "", "", "", {}))[-1][8]
    kind = next(i for i, f in enumerate(last["filters"]) if f["name"] == "kind")
    steps = list(page.remove_condition([], "", "", last, gr.SelectData(page.pills, {"index": kind, "value": str(kind)})))
    final = steps[-1]
    assert "診療所" not in _value(final[4]) and "24時間" in _value(final[4])
    assert [f["name"] for f in final[8]["filters"]] == ["home_care_24h"]
    assert "診療所に限る" not in final[11] and final[11].count('class="kakari-pill"') == 1
    assert {f["municipality"] for f in final[8]["facilities"]} <= {"高知市"}  # the place stays


def test_new_search_resets_the_conversation_and_every_condition(page) -> None:
    outputs = page.start_over()
    history, cards, _, citations, chips, _, _, session, last, csv_button, xlsx, pills, more, matches = outputs[:14]
    assert history == [] and session == "" and last == {} and matches == [] and pills == ""
    assert _value(chips) == [] and csv_button["visible"] is False and more["visible"] is False
    assert "まだありません" in cards and outputs[14:] == ("", "", "")  # question, place, 現在地


def test_ticking_a_chip_narrows_and_keeps_the_place(page) -> None:
    last = list(page.ask("高知市で24時間往診してくれる診療所", [], "", "", "", {}))[-1][8]
    steps = list(page.search_by_chips(["24時間", "診療所", "ACP"], [], "", "", last))
    _, cards, _, _, chips, _, _, session, narrowed, *_ = steps[-1]
    assert session or _skipped(session)  # the conversation's session is never reset to ""
    assert set(_value(chips)) == {"24時間", "診療所", "ACP"}
    assert {f["municipality"] for f in narrowed["facilities"]} <= {"高知市"}
    assert all(any("ACP" in e["item"] or "ＡＣＰ" in e["item"] for e in f["evidence"]) for f in narrowed["facilities"])


def test_qa_question_shows_expandable_citations_and_keeps_the_cards(page) -> None:
    history, cards, _, citations, chips, *_ = list(page.ask("報告の時期はいつですか？", [], "", "", "", {}))[-1]
    assert citations.count("<details") >= 1 and "<summary><b>" in citations and "<blockquote>" in citations
    assert "<summary><b></b>" not in citations  # every citation names its Q number or section
    assert _skipped(cards) and _skipped(chips)


def test_bad_place_is_a_japanese_message_in_the_chat(page) -> None:
    history, *_ = list(page.ask("診療所を探しています", [], "ほげほげ村", "", "", {}))[-1]
    assert history[-1]["content"].startswith("⚠") and "Traceback" not in history[-1]["content"]


def test_detail_view_renders_the_record(page) -> None:
    last = list(page.ask("高知市で看取りをしている診療所", [], "", "", "", {}))[-1][8]
    html = page.show_detail(last["facilities"][0]["id"])
    assert "院内掲示" in html and last["facilities"][0]["name"] in html
    assert "見つかりませんでした" not in html


def test_clicking_a_card_opens_its_detail_tab(page) -> None:
    import gradio as gr

    last = list(page.ask("高知市で看取りをしている診療所", [], "", "", "", {}))[-1][8]
    second = last["facilities"][1]
    pick, html, tabs = page.open_card(gr.SelectData(page.cards, {"index": 1, "value": second["id"]}))
    assert _value(pick) == second["id"]
    assert second["name"] in html and "報告基準日" in html and "院内掲示" in html
    assert tabs.selected == "detail"
    assert page.cards.js_on_load and "trigger('select'" in page.cards.js_on_load


def test_a_card_for_an_unknown_facility_is_a_japanese_message(page) -> None:
    import gradio as gr

    _, html, _ = page.open_card(gr.SelectData(page.cards, {"index": 0, "value": "NO-SUCH-ID"}))
    assert "見つかりませんでした" in html and "Traceback" not in html
