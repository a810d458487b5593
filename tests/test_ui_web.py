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
    history, cards, plot, citations, chips, detail, notice, session, last, csv_button = steps[-1]
    assert history[0] == {"role": "user", "content": "高知市で24時間往診してくれる診療所"}
    assert "kakari-card" in cards and "kakari-evidence" in cards
    assert "<svg" in plot and "高知市" in plot
    assert set(_value(chips)) >= {"24時間", "診療所"}
    assert [c[1] for c in detail["choices"]] == [f["id"] for f in last["facilities"]]
    assert session and notice["visible"] is True
    rows = list(csv.reader(Path(_value(csv_button)).read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == len(last["facilities"]) + 1


def test_ticking_a_chip_narrows_and_keeps_the_place(page) -> None:
    last = list(page.ask("高知市で24時間往診してくれる診療所", [], "", "", "", {}))[-1][8]
    steps = list(page.search_by_chips(["24時間", "診療所", "ACP"], [], "", "", last))
    _, cards, _, _, chips, _, _, session, narrowed, _ = steps[-1]
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
