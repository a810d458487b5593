"""Parser for the かかりつけ医機能報告制度Ｑ＆Ａ集 (別添8): exactly Q1–Q21 with category, question, answer, page."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from corpus.passage import Passage
from corpus.text import Line, repair, search_form

QA_DOC = "かかりつけ医機能報告制度Ｑ＆Ａ集（別添8）"
QA_COUNT = 21

_QUESTION = re.compile(r"^\s*Q(\d+)[.．]\s*(.*)$")
# A category heading such as "3 協議の場について"; the table of contents adds dot leaders and a page.
_CATEGORY = re.compile(r"^\s*([1-9])\s+([^\s.．0-9][^.．]*?)\s*$")
_TOC_CATEGORY = re.compile(r"^\s*[1-9]\s+\S.*[.．]{3,}")


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
    page: int | None
    doc: str = QA_DOC

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
            meta={"category": self.category, "category_number": self.category_number},
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


def parse_qa(lines: Sequence[Line]) -> list[QAItem]:
    """Parse Q1–Q21 from the lines of the guideline set (the table of contents is skipped)."""
    items: list[QAItem] = []
    category, category_number = "", 0
    current: tuple[int, list[Line]] | None = None

    def close() -> None:
        if current is not None:
            items.append(_make_item(current[0], current[1], category, category_number))

    for line in lines[_body_start(lines) :]:
        head = _CATEGORY.match(line.text)
        question = _QUESTION.match(line.text)
        if head and not question:
            close()
            current = None
            category_number, category = int(head.group(1)), head.group(2).strip()
        elif question:
            close()
            current = (int(question.group(1)), [Line(line.number, question.group(2), line.page, line.page_exact)])
        elif current is not None:
            current[1].append(line)
    close()
    _check(items)
    return items


def _make_item(number: int, block: Sequence[Line], category: str, category_number: int) -> QAItem:
    question, answer_lines = _split_question([line.text for line in block])
    return QAItem(
        id=f"Q{number}",
        number=number,
        category=category,
        category_number=category_number,
        question=question,
        answer=repair(answer_lines),
        page=block[0].page,
    )


def _check(items: Sequence[QAItem]) -> None:
    numbers = [item.number for item in items]
    if numbers != list(range(1, QA_COUNT + 1)):
        raise QAParseError(f"Ｑ＆Ａは Q1〜Q{QA_COUNT} が1回ずつ必要ですが、{numbers} でした")
    empty = [item.id for item in items if not item.answer]
    if empty:
        raise QAParseError(f"回答が空のＱ＆Ａがあります: {', '.join(empty)}")
