"""Text repair: line rejoining, page debris, pages from Ｐ.N markers, and tricky spots in the shipped records."""

from __future__ import annotations

import re

import pytest

from corpus.store import load_passages
from corpus.text import nfkc, paged_lines, repair


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            ["本制度は、地域で必要とされる", "かかりつけ医機能の充実"],
            "本制度は、地域で必要とされるかかりつけ医機能の充実",
        ),
        (["医療法施行規則第 30", "条の 33の 20）。"], "医療法施行規則第 30条の 33の 20）。"),
        (["重要です。", "なお、確認を"], "重要です。\nなお、確認を"),
        (["次のとおり", "○ 第一の項目", "○ 第二の"], "次のとおり\n○ 第一の項目\n○ 第二の"),
        (["本文の途中で", "", "6 ", "改ページした"], "本文の途中で改ページした"),
        (["\uf09e いずれかの領域", "\uf09e 相談に応じる"], "・いずれかの領域\n・相談に応じる"),
        (["Advance Care", "Planning"], "Advance Care Planning"),
        (["一 疾患名", "二 治療に関する計画"], "一 疾患名\n二 治療に関する計画"),
    ],
)
def test_repair(lines: list[str], expected: str) -> None:
    assert repair(lines) == expected


def test_nfkc_folds_width() -> None:
    assert nfkc("Ｑ１１　ＣＯＰＤ（１）") == "Q11 COPD(1)"


def test_page_markers_close_pages() -> None:
    raw = "a\nＰ.4\nb\nＰ.5\n\nＰ.5\nc1\nc2\nc3\nc4\nc5\nc6\nＰ.8\nd"
    pages = {line.text: (line.page, line.page_exact) for line in paged_lines(raw)}
    assert pages["b"] == (5, True)
    # markers skip pages 6 and 7: pages are interpolated between them and flagged inexact
    ramp = [pages[f"c{n}"][0] for n in range(1, 7)]
    assert ramp[0] == 6 and ramp[-1] == 8 and ramp == sorted(ramp)
    assert not pages["c1"][1]
    assert pages["d"] == (9, False)
    assert all("Ｐ." not in text for text in pages)


@pytest.fixture(scope="module")
def all_text() -> str:
    return "\n".join(p.title + "\n" + p.text for p in load_passages())


@pytest.mark.parametrize(
    "joined",
    [
        "国民・患者が自らのニーズに応じた医療機関をさらに選択しやすくなります",  # Q9, broken after 「国」
        "医療法施行規則第 30条の 33の 20）",  # Q12, broken inside a number
        "地域によっては、在宅医療・介護連携推進事業のコーディネーター",  # Q19
        "特に 85歳以上の人口が増加する見込みである。",  # 第1章, line break before a footnote mark
        "外来医療に関する地域の関係者との協議の場（以下「協議の場」という。）に報告する",  # wrapped bracket
        "地域連携クリティカルパス［注10］に参加し",  # footnote reference inside a sentence
        "（以下この条及び別表第八の項において単に「継続的な医療を要する者」という。）に対して",  # law quote
        "全県統一の入退院支援ルールを策定した。",  # 事例1
        "日常的な診療を総合的かつ継続的に行う機能（１号機能）",  # heading wrapped over two lines
    ],
)
def test_tricky_spots_are_rejoined(all_text: str, joined: str) -> None:
    assert joined in all_text


def test_no_page_debris_in_any_record() -> None:
    for passage in load_passages():
        assert "Ｐ." not in passage.text, passage.id
        assert not re.search(r"[\ue000-\uf8ff]", passage.text), passage.id
        assert not re.search(r"^\s*[0-9０-９]{1,3}\s*$", passage.text, re.M), passage.id
        assert not re.search(r"\.{6,}", passage.text), passage.id  # table-of-contents dot leaders


def test_qa_answers_have_no_mid_sentence_breaks() -> None:
    for passage in load_passages():
        if passage.source == "qa":
            for line in passage.text.split("\n")[1:]:
                assert line.endswith("。") or line.startswith("・"), (passage.id, line)


def test_search_text_is_nfkc() -> None:
    for passage in load_passages():
        assert passage.search_text == nfkc(passage.search_text), passage.id
