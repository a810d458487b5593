"""Corpus fidelity: case bounds and fields, the 事例集's front matter, Q&A pages, glued labels, form pages."""

from __future__ import annotations

import pytest

from corpus.case_layout import case_fields, render, text_boxes
from corpus.store import load_cases, load_passages, load_qa
from corpus.text import repair, search_form


def _passage(pid: str):  # type: ignore[no-untyped-def]
    return next(p for p in load_passages() if p.id == pid)


def test_no_case_text_holds_the_next_case_title() -> None:
    cases = load_cases()
    for case, nxt in zip(cases, cases[1:], strict=False):
        assert nxt.title[:12] not in case.text, f"{case.id} に {nxt.id} の題名が混ざっています"


def test_every_case_has_its_page_fields() -> None:
    for case in load_cases():
        assert case.background and case.overview and case.effects and case.activities, case.id
        assert case.start, case.id
        # each field starts at an item, never mid-sentence
        for field in (case.background, case.overview, case.effects):
            assert field.startswith("・"), (case.id, field[:30])


@pytest.mark.parametrize(
    ("number", "field", "fragment"),
    [
        (1, "effects", "入院時情報提供の割合：約５割→約７割"),
        (1, "background", "様式等が異なり、十分に活用されていなかった"),
        (2, "overview", "「地域密着型協力病院」を県が指定"),
        (11, "overview", "6診療所で時間外の輪番体制（チーム尊）を構築"),
        (16, "effects", "同行研修の参加者合計93名"),
    ],
)
def test_case_field_content(number: int, field: str, fragment: str) -> None:
    assert fragment in getattr(load_cases()[number - 1], field)


def test_case_effects_are_not_repeated_in_activities() -> None:
    case = load_cases()[0]
    assert "入院時情報提供の割合" in case.effects
    assert "入院時情報提供の割合" not in case.activities


def test_case_urls_stand_alone() -> None:
    by_number = {c.number: c for c in load_cases()}
    assert by_number[1].url == "https://www.pref.fukui.lg.jp/doc/kourei/taiinshien.html"
    assert by_number[8].url == ""  # the case prints 「―」
    assert all(" " not in c.url and (not c.url or c.url.startswith("http")) for c in by_number.values())


def test_inferred_function_flags_are_marked() -> None:
    for case in load_cases():
        passage = _passage(f"case:{case.number:02d}")
        inferred = passage.meta["functions_inferred"]
        assert set(inferred) == {f for f, basis in case.functions_basis if basis != "table"}
        if case.marks == 4:
            assert inferred == []


def test_case_front_matter_is_citable_but_not_a_case() -> None:
    intro, legend = _passage("case:intro"), _passage("case:legend")
    assert "令和５年法律第31号" in intro.text and intro.page == 1
    assert "過疎地域型" in legend.text and "大都市型" in legend.text and legend.page == 2
    assert intro.meta["kind"] == "intro" and legend.meta["kind"] == "legend"
    assert all(c.id.startswith("事例") for c in load_cases())  # still exactly the 16 cases


def test_layout_labels_follow_their_box() -> None:
    lines = [
        "⚫ 連携が進んでいなかった。", "", "背景", "課題", "",
        "⚫ 協議会を設けた。", "", "取組", "概要", "",
        "⚫ 情報提供率が上がった。", "", "効果", "",
        "主な取組内容", "", "■ 調整の流れ", "• 関係者で議論した。", "",
        "取組開始時点 平成28年度", "", "取組に関するホームページ https://example.jp/a",
    ]
    fields = case_fields(lines)
    assert fields.background == "・連携が進んでいなかった。"
    assert fields.overview == "・協議会を設けた。"
    assert fields.effects == "・情報提供率が上がった。"
    assert "■ 調整の流れ" in fields.activities and "情報提供率" not in fields.activities
    assert fields.info["start"] == "平成28年度"


def test_diagram_cells_join_with_a_slash() -> None:
    boxes = text_boxes(["診療所", "", "病院", "", "訪問看護"])
    assert boxes == [["診療所"], ["病院"], ["訪問看護"]]
    from corpus.case_layout import pieces

    assert render(pieces(boxes)) == "診療所／病院／訪問看護"


def test_qa_pages_follow_the_qa_table_of_contents() -> None:
    qa = {item.id: item for item in load_qa()}
    # 目次: 2 住民への普及啓発 …… 6, 3 協議の場 …… 6, 4 患者への説明 …… 9 (Q&A page + 59 = Ｐ.N)
    assert (qa["Q9"].qa_page, qa["Q11"].qa_page, qa["Q20"].qa_page) == (6, 6, 9)
    assert (qa["Q9"].page, qa["Q20"].page) == (65, 68)
    assert qa["Q13"].page == 66 and qa["Q16"].page == 67  # each opens a printed page
    pages = [qa[f"Q{n}"].page for n in range(1, 22)]
    assert pages == sorted(pages)
    assert not qa["Q1"].page_exact  # inside the 「Ｐ.52」…「Ｐ.64」 gap: an estimate, and said so


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            ["（２）様々な視点から考えられる原因", "原因１：医療機関同士の連携が行われて", "おらず対応が遅れる。"],
            "（２）様々な視点から考えられる原因\n原因１：医療機関同士の連携が行われておらず対応が遅れる。",
        ),
        (["（※３）一次診療を行うことができる疾患", "患者調査による推計外来患者数"], "（※３）一次診療を行うことができる疾患\n患者調査による推計外来患者数"),
        (["（事例集 P.7 和歌山県の事例参照）", "方策２：ルールを作る。"], "（事例集 P.7 和歌山県の事例参照）\n方策２：ルールを作る。"),
    ],
)
def test_headings_and_numbered_labels_keep_their_lines(lines: list[str], expected: str) -> None:
    assert repair(lines) == expected


def test_no_glued_labels_in_the_shipped_guideline() -> None:
    texts = [p.text for p in load_passages() if p.source == "guideline"]
    assert not [t for t in texts if "原因原因" in t or "参照）方策" in t]


def test_iroha_marks_printed_as_kanji_are_searchable() -> None:
    assert "号機能(ロ)" in search_form("入退院時の支援（２号機能（口））")
    assert "号機能(ニ)" in search_form("介護サービス等と連携した医療提供（２号機能（二））")
    assert "二次医療圏" in search_form("二次医療圏")  # the kanji 二 elsewhere is untouched


def test_form_sheets_have_their_own_pages() -> None:
    sheets = sorted((p.id, p.page) for p in load_passages() if p.id.startswith("form:kadai-"))
    pages = [page for _, page in sheets]
    assert pages == sorted(pages) and len(set(pages)) >= 5
    assert all(p.meta["page_exact"] is False for p in load_passages() if p.id.startswith("form:kadai-"))
