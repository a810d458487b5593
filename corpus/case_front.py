"""The 事例集's own front matter (別添2): its はじめに and the key of its 掲載事例一覧 (医療圏分類, ○).

These are citable passages of source "case" that are not case studies: their ids are ``case:intro`` and
``case:legend`` and their refs carry no number, so a lookup of 「事例3」 (or an eval key ``case:3``) never
lands on them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from corpus.cases import CASES_DOC
from corpus.passage import Passage
from corpus.text import PAGE_NUMBER, Line, repair, search_form


class CaseFrontError(ValueError):
    """The 事例集's はじめに or table key was not found where expected."""


@dataclass(frozen=True)
class CaseNote:
    """A passage of the 事例集 that is not a case: はじめに, or the key of the table of cases."""

    slug: str  # "intro" | "legend"
    ref: str  # "事例集 はじめに"
    title: str
    text: str
    page: int | None  # the 事例集's own printed page
    doc: str = CASES_DOC

    def to_passage(self) -> Passage:
        """The citable passage (id ``case:<slug>``; meta ``kind`` says it is not a case study)."""
        return Passage(
            id=f"case:{self.slug}",
            source="case",
            ref=self.ref,
            title=self.title,
            doc=self.doc,
            page=self.page,
            text=self.text,
            search_text=search_form(f"取組事例集 {self.title}", self.text),
            path=("取組事例集", self.title),
            meta={"kind": self.slug},
        )


def _index(texts: Sequence[str], needle: str, start: int = 0) -> int:
    for i in range(start, len(texts)):
        if texts[i].strip().startswith(needle):
            return i
    raise CaseFrontError(f"取組事例集の「{needle}」が見つかりません")


def _printed_page(texts: Sequence[str], start: int, step: int) -> int | None:
    """The next lone page number from ``start`` going forward (step 1) or back (step -1)."""
    i = start
    while 0 <= i < len(texts):
        if PAGE_NUMBER.match(texts[i]) and texts[i].strip():
            return int(texts[i].strip().translate(str.maketrans("０１２３４５６７８９", "0123456789")))
        i += step
    return None


def parse_case_front(lines: Sequence[Line]) -> list[CaseNote]:
    """はじめに (up to its page number) and the key printed under the 掲載事例一覧 table."""
    texts = [ln.text for ln in lines]
    top = _index(texts, "取組事例集")
    intro = _index(texts, "■ はじめに", top)
    table = _index(texts, "掲載事例一覧", intro)
    intro_end = next(i for i in range(intro, table) if PAGE_NUMBER.match(texts[i]) and texts[i].strip())
    key = _index(texts, "【関係するかかりつけ医機能", table)
    areas = _index(texts, "【医療圏分類】", key)
    key_end = next(i for i in range(areas, len(texts)) if texts[i].strip().startswith("・過疎地域型")) + 1
    legend_lines = [t for t in texts[key:key_end] if not PAGE_NUMBER.match(t)]
    return [
        CaseNote(
            "intro",
            "事例集 はじめに",
            "はじめに",
            re.sub(r"^[•➢]\s*", "・", repair(texts[intro + 1 : intro_end]), flags=re.M),
            _printed_page(texts, intro_end, 1),
        ),
        # The key is printed on the page of the table it explains (the extraction puts it after that
        # page's number, 「2」, so the page is the number printed just before it).
        CaseNote(
            "legend",
            "事例集 掲載事例一覧の凡例",
            "掲載事例一覧の凡例（医療圏分類・関係するかかりつけ医機能）",
            repair(legend_lines),
            _printed_page(texts, areas, -1),
        ),
    ]
