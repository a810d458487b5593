"""Parsers for the forms and lists (別添3–7) and the controlled vocabularies they define."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from corpus.passage import Passage
from corpus.text import Line, counted_page, nfkc, repair, search_form, squeeze

# 院内掲示様式（例）(別添3) section 2 headings, used as anchors.
_DOMAINS_START = "一次診療の対応ができる領域"
_DISEASES_START = "一次診療を行うことができる発生頻度が高い疾患"
_NONE_ITEM = "該当無し"
_OTHER_ITEM = "その他の疾患"


class FormParseError(ValueError):
    """The seed text does not have the expected form layout."""


def _find(lines: Sequence[str], needle: str, start: int = 0) -> int:
    for i in range(start, len(lines)):
        if needle in lines[i]:
            return i
    raise FormParseError(f"様式の見出し「{needle}」が見つかりません")


def _cells(block: Sequence[str]) -> list[str]:
    """Split a flattened checkbox table into its cells.

    Cells are separated by two or more spaces or a line end; a line ending in a single space
    continues on the next line (e.g. 「近視・遠視・老眼 」+「（屈折及び調節の異常）」).
    """
    joined = "\n".join(line.rstrip("\n") for line in block if line.strip())
    joined = re.sub(r"(?<=[^ \u3000]) \n", "", joined)
    cells = re.split(r"[ \u3000]{2,}|\n", joined)
    return [c.strip() for c in cells if c.strip()]


def parse_domains(lines: Sequence[str]) -> tuple[str, ...]:
    """The 17 診療領域 from the 院内掲示様式, in the form's order."""
    start = _find(lines, _DOMAINS_START)
    end = _find(lines, _DISEASES_START, start)
    cells = [c for c in _cells(lines[start + 1 : end]) if c != _NONE_ITEM]
    return tuple(cells)


def parse_diseases(lines: Sequence[str]) -> tuple[str, ...]:
    """The 一次診療を行うことができる疾患 from the 院内掲示様式, in the form's order."""
    start = _find(lines, _DISEASES_START)
    end = _find(lines, _OTHER_ITEM, start)
    cells = [c for c in _cells(lines[start + 1 : end]) if c != _NONE_ITEM]
    return tuple(cells)


def parse_domain_note(lines: Sequence[str]) -> tuple[str, ...]:
    """The 17 診療領域 as listed in the guideline's note (※２), used to cross-check the form."""
    start = _find(lines, "（※２）17の診療領域")
    text = ""
    for line in lines[start + 1 :]:
        text += line.strip()
        if text.endswith("のこと。"):
            break
    body = nfkc(text.removesuffix("のこと。")).replace(" ", "")
    return tuple(item for item in body.split("、") if item)


# ---------------------------------------------------------------- form documents (別添3–7)

FORMS_DOC = "かかりつけ医機能の確保に関するガイドライン 別冊様式（別添3〜7）"
FORM_CHUNK_CHARS = 800
FORM_WRAP = 30  # in forms, a line shorter than this is a table cell, not a wrapped sentence


@dataclass(frozen=True)
class FormSpec:
    """Where a form starts and ends in the seed, and what to call it."""

    slug: str
    title: str
    annex: str  # 別添N
    start: str  # a text that occurs on the form's first line
    end: str  # a text on the first line after it
    sheet: str = ""  # the title every printed sheet of the form opens with (pages are counted by it)


FORM_SPECS: tuple[FormSpec, ...] = (
    FormSpec(
        "keiji",
        "院内掲示様式（例）",
        "別添3",
        "当院におけるかかりつけ医機能について",
        "かかりつけ医機能に関する療養計画書",
    ),
    FormSpec(
        "ryoyo",
        "患者説明様式（例）：かかりつけ医機能に関する療養計画書",
        "別添4",
        "かかりつけ医機能に関する療養計画書",
        "参考（医療機関向け）",
    ),
    FormSpec(
        "setsumei",
        "患者説明様式（例）：医療機関向けの説明の手引き",
        "別添4",
        "参考（医療機関向け）",
        "かかりつけ医機能に関する療養計画書（記",
    ),
    FormSpec(
        "ryoyo-kisairei",
        "患者説明様式（例）：療養計画書の記載例",
        "別添4",
        "かかりつけ医機能に関する療養計画書（記",
        "かかりつけ医機能報告制度",
    ),
    FormSpec(
        "leaflet",
        "医療機関向け制度周知リーフレット",
        "別添5",
        "かかりつけ医機能報告制度",
        "XXX地域におけるかかりつけ医機能の課題に",
    ),
    FormSpec(
        "kadai",
        "協議に活用する課題管理シート（例）",
        "別添6",
        "XXX地域におけるかかりつけ医機能の課題に",
        "かかりつけ医機能報告を踏まえた協議結果",
        "XXX地域におけるかかりつけ医機能の課題について",
    ),
    FormSpec(
        "kohyo",
        "協議の結果の公表シート（例）",
        "別添7",
        "かかりつけ医機能報告を踏まえた協議結果",
        "報告期間中に休院となった場合",
        "かかりつけ医機能報告を踏まえた協議結果について",
    ),
)


@dataclass(frozen=True)
class FormDocument:
    """One form or list from the annexes, as repaired text split into meaning-sized parts."""

    slug: str
    title: str
    annex: str
    page: int | None
    parts: tuple[str, ...]
    doc: str = FORMS_DOC
    part_pages: tuple[int | None, ...] = ()  # page of each part where it differs from ``page`` (別添6 sheets)
    page_exact: bool = False  # pages of 別添3–7 lie in marker gaps: estimates

    def to_passages(self) -> list[Passage]:
        """One passage per part (``form:<slug>`` or ``form:<slug>-N``)."""
        out = []
        for index, part in enumerate(self.parts, start=1):
            suffix = f"-{index}" if len(self.parts) > 1 else ""
            ref = f"{self.annex} {self.title}"
            out.append(
                Passage(
                    id=f"form:{self.slug}{suffix}",
                    source="form",
                    ref=ref,
                    title=self.title,
                    doc=self.doc,
                    page=self.part_pages[index - 1] if self.part_pages else self.page,
                    text=part,
                    search_text=search_form(ref, part),
                    path=(self.annex, self.title),
                    meta={"annex": self.annex, "part": index, "page_exact": self.page_exact},
                )
            )
        return out


def _split_parts(text: str, limit: int = FORM_CHUNK_CHARS) -> tuple[str, ...]:
    """Group repaired lines into parts of up to ``limit`` characters (a line is never cut)."""
    parts: list[str] = []
    for line in text.split("\n"):
        if parts and len(parts[-1]) + len(line) < limit and not line.startswith("XXX地域における"):
            parts[-1] += "\n" + line
        else:
            parts.append(line)
    return tuple(p for p in parts if p.strip())


def parse_forms(lines: Sequence[Line]) -> list[FormDocument]:
    """Cut 別添3–7 out of the guideline set and repair each form's text."""
    texts = [ln.text for ln in lines]
    anchor = _find(texts, "当院におけるかかりつけ医機能について")
    sheets = _sheet_starts(texts, anchor)
    forms = []
    for spec in FORM_SPECS:
        start = _find(texts, spec.start, anchor)
        end = _find(texts, spec.end, start + 1)
        body = [squeeze(t) for t in texts[start:end]]
        parts = _split_parts(repair(body, min_wrap=FORM_WRAP))
        page = lines[start].page
        part_pages: tuple[int | None, ...] = ()
        if spec.sheet:
            page, _ = counted_page(lines, start, sheets)
            part_pages = _part_pages(lines, texts, start, end, parts, sheets)
        forms.append(FormDocument(spec.slug, spec.title, spec.annex, page, parts, part_pages=part_pages))
        anchor = end
    return forms


def _sheet_starts(texts: Sequence[str], anchor: int) -> list[int]:
    """Lines that open a printed sheet of 別添6/7: each sheet starts with its title."""
    titles = tuple(spec.sheet for spec in FORM_SPECS if spec.sheet)
    return [i for i in range(anchor, len(texts)) if texts[i].strip().startswith(titles)]


def _part_pages(
    lines: Sequence[Line], texts: Sequence[str], start: int, end: int, parts: Sequence[str], sheets: Sequence[int]
) -> tuple[int | None, ...]:
    """The page of the line each part begins with (counted from the markers by sheet titles, estimates)."""
    pages: list[int | None] = []
    cursor = start
    for part in parts:
        head = squeeze(part.split("\n", 1)[0])[:20]
        cursor = next((i for i in range(cursor, end) if squeeze(texts[i]).startswith(head)), cursor)
        pages.append(counted_page(lines, cursor, sheets)[0])
        cursor += 1
    return tuple(pages)
