"""The guideline (別添1): heading paths, pages, quoted articles, footnotes, meaning-sized chunks."""

from __future__ import annotations

import pytest

from corpus.guideline import GuidelineSection
from corpus.store import load_guideline, load_passages


@pytest.fixture(scope="module")
def sections() -> dict[str, GuidelineSection]:
    return {s.ref: s for s in load_guideline()}


@pytest.mark.parametrize(
    ("ref", "path_start", "page"),
    [
        (
            "第1章第1節（１）",
            ("第1章 かかりつけ医機能が発揮される制度整備の概要", "第1節 医療提供体制を取り巻く状況"),
            4,
        ),
        ("第2章第1節（１）", ("第2章 かかりつけ医機能報告", "第1節 総論", "（１）かかりつけ医機能報告制度の目的"), 5),
        ("第2章第3節（１）", ("第2章 かかりつけ医機能報告", "第3節 報告を求めるかかりつけ医機能"), 9),
        ("第2章第3節（２）③", ("第2章 かかりつけ医機能報告", "第3節 報告を求めるかかりつけ医機能"), 11),
        ("第4章第4節（３）", ("第4章 かかりつけ医機能の協議について", "第4節 具体的な協議イメージ（例）"), 18),
        ("第5章第1節（２）", ("第5章 患者への説明", "第1節 総論", "（２）制度の概要"), 19),
    ],
)
def test_sections_have_paths_and_pages(
    sections: dict[str, GuidelineSection], ref: str, path_start: tuple, page: int
) -> None:
    section = sections[ref]
    assert section.path[: len(path_start)] == path_start
    assert section.page == page


def test_all_chapters_present(sections: dict[str, GuidelineSection]) -> None:
    chapters = {s.path[0] for s in sections.values()}
    for n in range(1, 6):
        assert any(c.startswith(f"第{n}章") for c in chapters)
    assert any(c.startswith("参考資料1") for c in chapters) and any(c.startswith("参考資料2") for c in chapters)


def test_report_item_list_stays_whole(sections: dict[str, GuidelineSection]) -> None:
    """The 報告事項 list of 入退院時の支援 (２号機能（ロ）) is one chunk with all five items."""
    chunks = [c.text for c in sections["第2章第3節（２）③"].chunks if c.text.startswith("【報告事項】")]
    assert len(chunks) == 1
    assert chunks[0].count("\n○") == 5


@pytest.mark.parametrize(
    ("ref", "article"),
    [
        ("第2章第1節（４）", "〇医療法第 30 条の 18 の４第１項"),
        ("第5章第1節（２）", "〇医療法第６条の４の２第１項"),
        ("第5章第1節（２）", "〇医療法施行規則第１条の８の２"),
    ],
)
def test_law_quotes_kept_with_quoting_section(sections: dict[str, GuidelineSection], ref: str, article: str) -> None:
    laws = [c for c in sections[ref].chunks if c.kind == "law"]
    assert any(c.text.startswith(article) for c in laws)


@pytest.mark.parametrize(
    ("ref", "note", "note_start"),
    [
        ("第1章第1節（１）", 1, "総務省「国勢調査」"),
        ("第2章第1節（３）", 6, "特定機能病院は、高度の医療の提供"),
        ("第2章第3節（２）③", 10, "患者が早期に自宅に帰れるように"),
        ("第2章第3節（２）⑤", 15, "Advance Care Planning"),
    ],
)
def test_footnotes_attached_where_referenced(
    sections: dict[str, GuidelineSection], ref: str, note: int, note_start: str
) -> None:
    section = sections[ref]
    assert any(f.startswith(f"［注{note}］{note_start}") for f in section.footnotes)
    chunk = next(c for c in section.chunks if f"［注{note}］" in c.text)
    assert f"［注{note}］{note_start}" in chunk.text


def test_guideline_passages() -> None:
    passages = [p for p in load_passages() if p.source == "guideline"]
    assert len(passages) == sum(len(s.chunks) for s in load_guideline())
    assert passages[0].id == "guideline:0001"
    assert all(p.page is not None and p.path for p in passages)
    assert max(len(p.text) for p in passages) < 2000  # chunked, yet units are never cut
