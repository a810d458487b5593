"""Parser for the かかりつけ医機能報告制度Ｑ＆Ａ集 (別添8): exactly Q1–Q21 with category, question, answer, page."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from corpus.passage import Passage
from corpus.text import PAGE_NUMBER, Line, certain_pages, counted_page, repair, search_form

QA_DOC = "かかりつけ医機能報告制度Ｑ＆Ａ集（別添8）"
QA_COUNT = 21

_QUESTION = re.compile(r"^\s*Q(\d+)[.．]\s*(.*)$")
# A category heading such as "3 協議の場について"; the table of contents adds dot leaders and a page.
_CATEGORY = re.compile(r"^\s*([1-9])\s+([^\s.．0-9][^.．]*?)\s*$")
_TOC_CATEGORY = re.compile(r"^\s*[1-9]\s+\S.*[.．]{3,}")
_TOC_PAGE = re.compile(r"^\s*([1-9])\s+\S.*?[.．]{3,}\s*([0-9]+)\s*$")
# In the Q&A body an item or heading indented by one space is the first line of a printed page (「 Q6.」,
# 「 Q13.」, 「 Q16.」 right after Ｐ.66, 「 4 患者への説明」 right after Ｐ.67); unindented ones follow on.
_PAGE_TOP = re.compile(r"^ (?! )(?:Q\d+[.．]|[1-9]\s)")


class QAParseError(ValueError):
    """The Q&A section could not be parsed as expected."""


@dataclass(frozen=True)
class QAItem:
    """One Q&A item with its category and where it is printed."""

    id: str  # "Q11"
    number: int
    category: str  # "協議の場について"
    category_number: int
    question: str
    answer: str
    page: int | None  # page of the guideline set (the Ｐ.N numbering), where the question starts
    doc: str = QA_DOC
    page_exact: bool = True  # False when the page is counted inside a marker gap (an estimate)
    qa_page: int | None = None  # the Q&A's own printed page (its table of contents numbering)

    def to_passage(self) -> Passage:
        """The citable passage for this item (question and answer together)."""
        path = (f"{self.category_number} {self.category}", self.id)
        return Passage(
            id=f"qa:{self.id}",
            source="qa",
            ref=self.id,
            title=self.question,
            doc=self.doc,
            page=self.page,
            text=f"{self.id}. {self.question}\n{self.answer}",
            search_text=search_form(self.category, self.question, self.answer),
            path=path,
            meta={
                "category": self.category,
                "category_number": self.category_number,
                "page_exact": self.page_exact,
                "qa_page": self.qa_page,
            },
        )


def _body_start(lines: Sequence[Line]) -> int:
    """Index of the first category heading after the table of contents (the one without dot leaders)."""
    seen_toc = False
    for i, line in enumerate(lines):
        if _TOC_CATEGORY.match(line.text):
            seen_toc = True
        elif seen_toc and _CATEGORY.match(line.text) and line.text.strip().startswith("1 "):
            return i
    raise QAParseError("Ｑ＆Ａ集の本文（1 かかりつけ医機能報告）が見つかりません")


def _split_question(block: Sequence[str]) -> tuple[str, list[str]]:
    """Separate the (possibly multi-line) question from the answer lines that follow it."""
    question = ""
    for i, text in enumerate(block):
        question += text.strip()
        if question.endswith(("。", "）", "？")) and question.count("（") == question.count("）"):
            return question, list(block[i + 1 :])
    raise QAParseError(f"質問文の終わりが見つかりません: {question[:30]}")


@dataclass(frozen=True)
class QAPages:
    """Where the Q&A's pages are: its own page numbering and the set pages of its headings."""

    offset: int  # set page = Q&A page + offset
    anchors: dict[int, int]  # line index → set page, from the table of contents
    starts: tuple[int, ...]  # line indexes that open a printed page


def qa_pages(lines: Sequence[Line], body: int) -> QAPages:
    """Derive the Q&A's page offset from its table of contents and its printed page numbers.

    The table of contents gives each category's Q&A page (「3 協議の場について ...... 6」); where such a
    heading, or a printed page number, lies on a page the markers fix, the difference is the offset.
    Every such witness must agree.
    """
    toc = {int(m.group(1)): int(m.group(2)) for ln in lines[:body] if (m := _TOC_PAGE.match(ln.text))}
    certain = certain_pages(lines)
    heads = {i: int(m.group(1)) for i in range(body, len(lines)) if (m := _CATEGORY.match(lines[i].text))}
    witnesses = {certain[i] - toc[n] for i, n in heads.items() if i in certain and n in toc}
    witnesses |= {
        certain[i] - int(lines[i].text.strip())
        for i in range(body, len(lines))
        if i in certain and PAGE_NUMBER.match(lines[i].text) and lines[i].text.strip()
    }
    if len(witnesses) != 1:
        raise QAParseError(f"Ｑ＆Ａ集の目次と改ページ記号からページのずれを決められません: {sorted(witnesses)}")
    offset = witnesses.pop()
    anchors = {i: toc[n] + offset for i, n in heads.items() if n in toc}
    starts = tuple(i for i in range(body, len(lines)) if _PAGE_TOP.match(lines[i].text))
    return QAPages(offset, anchors, starts)


def parse_qa(lines: Sequence[Line]) -> list[QAItem]:
    """Parse Q1–Q21 from the lines of the guideline set (the table of contents is skipped)."""
    items: list[QAItem] = []
    category, category_number = "", 0
    current: tuple[int, int, list[Line]] | None = None  # (number, line index, lines)
    body = _body_start(lines)
    pages = qa_pages(lines, body)

    def close() -> None:
        if current is not None:
            number, index, block = current
            items.append(_make_item(number, block, category, category_number, lines, index, pages))

    for index in range(body, len(lines)):
        line = lines[index]
        head = _CATEGORY.match(line.text)
        question = _QUESTION.match(line.text)
        if head and not question:
            close()
            current = None
            category_number, category = int(head.group(1)), head.group(2).strip()
        elif question:
            close()
            current = (int(question.group(1)), index, [Line(line.number, question.group(2), line.page)])
        elif current is not None:
            current[2].append(line)
    close()
    _check(items)
    return items


def _make_item(
    number: int, block: Sequence[Line], category: str, category_number: int,
    lines: Sequence[Line], index: int, pages: QAPages,
) -> QAItem:
    question, answer_lines = _split_question([line.text for line in block])
    page, exact = counted_page(lines, index, pages.starts, pages.anchors)
    return QAItem(
        id=f"Q{number}",
        number=number,
        category=category,
        category_number=category_number,
        question=question,
        answer=repair(answer_lines),
        page=page,
        page_exact=exact,
        qa_page=None if page is None else page - pages.offset,
    )


def _check(items: Sequence[QAItem]) -> None:
    numbers = [item.number for item in items]
    if numbers != list(range(1, QA_COUNT + 1)):
        raise QAParseError(f"Ｑ＆Ａは Q1〜Q{QA_COUNT} が1回ずつ必要ですが、{numbers} でした")
    empty = [item.id for item in items if not item.answer]
    if empty:
        raise QAParseError(f"回答が空のＱ＆Ａがあります: {', '.join(empty)}")
