"""The guideline (別添1): heading paths, pages, quoted articles, footnotes, meaning-sized chunks."""

from __future__ import annotations

import re

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


# An enumerator at the start of a heading: 第2章, 第3節, （２）, ⑤, 参考資料1, ＜２号機能＞.
_ENUMERATOR = re.compile(r"^\s*(?:第[0-9０-９]+[章節]|[（(][0-9０-９]+[）)]|[①-⑳]|参考資料[0-9０-９]+|＜)")


def test_titles_do_not_repeat_the_enumerator_of_the_ref() -> None:
    """The ref carries the numbering (第2章第3節（２）⑤); the title is the heading text only."""
    for p in load_passages():
        if p.source == "guideline":
            assert not _ENUMERATOR.match(p.title), (p.ref, p.title)
        assert not re.search(r"([①-⑳]|（[０-９0-9]+）)\s*\1", f"{p.ref} {p.title}"), (p.ref, p.title)


@pytest.mark.parametrize(
    ("ref", "title", "page", "present", "absent"),
    [
        ("第2章第3節（２）⑤", "介護サービス等と連携した医療提供（２号機能（ニ））", 11, "ＡＣＰ", "留意事項"),
        ("第2章第3節（２）その他の報告事項", "その他の報告事項", 12, "今後担う意向の有無", "留意事項"),
        ("第2章第3節（２）留意事項", "留意事項", 12, "毎年１月１日時点", "健診、予防接種"),
        ("第2章第3節（２）＜２号機能＞", "２号機能", 11, "いずれかについて「実施している」", "オンライン資格確認"),
        ("第2章第2節（２）③", "令和８年１～３月 医療機関による報告及び都道府県による体制の有無の確認", 8, "催促", "④"),
        ("第2章第2節（２）⑤", "令和８年７月～ 協議の場での協議", 9, "第 30 条の 18 の５第１項", "第 30 条の 18 の４"),
    ],
)
def test_blocks_are_their_own_sections(
    sections: dict[str, GuidelineSection], ref: str, title: str, page: int, present: str, absent: str
) -> None:
    """A ※ block, 留意事項, a ＜N号機能＞ group or a dated step is not glued to the item before it."""
    section = sections[ref]
    assert (section.title, section.page) == (title, page)
    assert present in section.text and absent not in section.text


@pytest.mark.parametrize(
    ("fact", "ref"),
    [("１月１日時点", "第2章第3節（２）留意事項"), ("休院", "第2章第3節（２）留意事項"),
     ("新規開設", "第2章第3節（２）留意事項"), ("前年１月１日から 12月 31日", "第2章第3節（２）留意事項"),
     ("予防接種", "第2章第3節（２）その他の報告事項")],
)
def test_reporting_rules_are_found_in_their_own_section(fact: str, ref: str) -> None:
    holders = {p.ref for p in load_passages() if p.source == "guideline" and fact in p.text}
    assert holders == {ref}


def test_no_block_label_or_step_heading_inside_a_chunk() -> None:
    """No chunk line is (or ends with) 「留意事項」, 「※その他の報告事項」 or a dated ① step heading."""
    for p in load_passages():
        if p.source != "guideline":
            continue
        for line in p.text.split("\n"):
            assert not re.search(r"(?:^※?その他の報告事項|留意事項)$", line), (p.ref, line)
            assert not re.match(r"^[①-⑳]\s*令和", line), (p.ref, line)


@pytest.mark.parametrize(
    ("ref", "items"),
    [("第2章第3節（２）②", 2), ("第2章第3節（２）③", 5), ("第2章第3節（２）④", 4), ("第2章第3節（２）⑤", 5)],
)
def test_every_report_item_list_stays_whole(sections: dict[str, GuidelineSection], ref: str, items: int) -> None:
    chunks = [c.text for c in sections[ref].chunks if "【報告事項】" in c.text]
    assert len(chunks) == 1
    report_list = chunks[0].split("【報告事項】", 1)[1].split("\n［注", 1)[0]
    assert report_list.count("\n○") == items


def test_glued_circle_article_is_a_law_quote(sections: dict[str, GuidelineSection]) -> None:
    """「○医療法第 30 条の 18 の４第６項」 (○ typed instead of 〇) is still a quoted article of its step."""
    laws = [c.text for c in sections["第2章第2節（２）④"].chunks if c.kind == "law"]
    assert any(text.startswith("○医療法第 30 条の 18 の４第６項\n") for text in laws)
