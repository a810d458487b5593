"""PDF-extraction repair: rejoin broken lines, drop page debris, and NFKC-fold text for search."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# A page marker line such as "Ｐ.12"; in the seeds each marker closes the page it numbers.
PAGE_MARKER = re.compile(r"^\s*[ＰP][.．]\s*(\d+)\s*$")
# Lines that are only a page number ("12", "- 3 -", "１２").
PAGE_NUMBER = re.compile(r"^\s*[-－ー―]?\s*[0-9０-９]{1,3}\s*[-－ー―]?\s*$")

# Private-use glyphs the PDF extraction leaves where the document had a bullet symbol.
_PUA_BULLET = re.compile(r"^\s*[\ue000-\uf8ff]\s*")
_PUA = re.compile(r"\s*[\ue000-\uf8ff]\s*")

# Characters after which a line break ends a sentence or a list item.
# An item line this short without 、 or 。 is a label, never a wrapped line; a numbered heading such as
# 「（２）様々な視点から考えられる原因」 or a note title 「（※３）一次診療を行うことができる疾患」 may be longer.
LABEL_CHARS = 16
HEADING_CHARS = 24
_NUMBERED_HEADING = re.compile(r"^\s*[（(]※?[0-9０-９]+[）)]")
# 「原因１：」「方策２：」: a short label with a number and a colon opens an item of its own.
_NUMBERED_LABEL = re.compile(r"^\s*[^\s、。：:]{1,4}[0-9０-９]+[：:]")
_SENTENCE_END = "。．！？!?：:"
# Line starts that always open a new paragraph / item.
_ITEM_START = re.compile(
    r"^\s*(?:[○〇◯●⚫・■□◆◇※▶➢•✓\-－\ue000-\uf8ff]|[（(][0-9０-９一二三四五六七八九十ア-ンイロハニホヘトチリヌ]+[）)]"
    r"|[①-⑳]|[0-9０-９]+[.．、）)]|[一二三四五六七八九十０-９]{1,2}[ \u3000]|第[0-9０-９一二三四五六七八九十]+[章節]|Q[0-9０-９]+|Ｑ[0-9０-９]+"
    r"|[（(]※|注[0-9０-９)）]|【|＜|<)"
)


def nfkc(text: str) -> str:
    """NFKC-normalise text for search (full-width digits/letters become half-width)."""
    return unicodedata.normalize("NFKC", text)


@dataclass(frozen=True)
class Line:
    """One source line with its 1-based line number and the page it lies on."""

    number: int
    text: str
    page: int | None
    page_exact: bool = True  # False when interpolated between two distant markers


def _markers(raw_lines: Sequence[str]) -> list[tuple[int, int]]:
    """(line index, page) of each page marker, duplicates of the same page collapsed."""
    found: list[tuple[int, int]] = []
    for index, text in enumerate(raw_lines):
        match = PAGE_MARKER.match(text)
        if match:
            if found and found[-1][1] == int(match.group(1)):
                found.pop()  # a duplicated marker: the page ends at the later copy
            found.append((index, int(match.group(1))))
    return found


def _page_at(index: int, markers: Sequence[tuple[int, int]]) -> tuple[int | None, bool]:
    """Page of line ``index``: the page after the previous marker, interpolated across gaps."""
    if not markers:
        return None, False
    prev = None
    for pos, (m_index, m_page) in enumerate(markers):
        if m_index >= index:
            if prev is None:
                return m_page, False  # before the first marker: the first numbered page bounds it
            p_index, p_page = prev
            if m_page - p_page <= 1:
                return m_page, True
            share = (index - p_index) / (m_index - p_index)
            return p_page + 1 + int(share * (m_page - p_page - 1) + 0.5), False
        prev = markers[pos]
    return markers[-1][1] + 1, False


def paged_lines(raw: str) -> list[Line]:
    """Split raw text into lines tagged with pages; marker lines are dropped.

    A ``Ｐ.N`` marker ends page N (duplicated markers close the same page), so lines after it
    belong to page N+1. Where markers skip pages the page is interpolated and flagged inexact.
    """
    raw_lines = raw.split("\n")
    markers = _markers(raw_lines)
    out: list[Line] = []
    for index, text in enumerate(raw_lines):
        if PAGE_MARKER.match(text):
            continue
        page, exact = _page_at(index, markers)
        out.append(Line(index + 1, text.rstrip("\r"), page, exact))
    return out


def certain_pages(lines: Sequence[Line]) -> dict[int, int]:
    """Indexes whose page is known: lines between two consecutive markers, and the non-blank lines
    right before and right after a marker (a marker closes page N: the line before it is on N, the one after
    on N+1), even inside a gap where the pages in between are interpolated.
    """
    known = {i: ln.page for i, ln in enumerate(lines) if ln.page is not None and ln.page_exact and ln.text.strip()}
    filled = [i for i, ln in enumerate(lines) if ln.text.strip()]
    for before, after in zip(filled, filled[1:], strict=False):
        if _marker_between(lines, before, after):
            for i in (before, after):
                if lines[i].page is not None:
                    known[i] = lines[i].page  # type: ignore[assignment]
    return known  # type: ignore[return-value]


def _marker_between(lines: Sequence[Line], before: int, after: int) -> bool:
    """A dropped marker line sits between two kept lines when their line numbers skip and pages change."""
    return any(lines[k + 1].number - lines[k].number > 1 for k in range(before, after))


def counted_page(
    lines: Sequence[Line], index: int, starts: Sequence[int], anchors: dict[int, int] | None = None
) -> tuple[int | None, bool]:
    """Page of ``lines[index]`` by counting known page starts from the certain pages around it.

    Inside a marker gap (「Ｐ.52」 … 「Ｐ.64」) interpolation guesses; where a document shows where its pages
    start (a sheet title, a Q&A item set on a new page), counting those starts from the nearest certain page
    is better. When the starts between the two bounds add up to the pages between them the count runs
    forward; otherwise it runs from the nearer bound. Returns (page, exact): exact only when both bounds are
    on the same page. ``anchors`` adds certain pages known otherwise (a table of contents).
    """
    known = {**certain_pages(lines), **(anchors or {})}
    before = max((i for i in known if i <= index), default=None)
    after = min((i for i in known if i >= index), default=None)
    if before is not None and after is not None and known[before] == known[after]:
        return known[before], True
    between = sorted(s for s in starts if (before is None or s > before) and (after is None or s <= after))
    forward = None if before is None else known[before] + sum(1 for s in between if s <= index)
    backward = None if after is None else known[after] - sum(1 for s in between if s > index)
    if forward is not None and backward is not None and before is not None and after is not None:
        if known[after] - known[before] == len(between) or index - before <= after - index:
            return forward, False
        return backward, False
    page = forward if forward is not None else backward
    return (page if page is not None else lines[index].page), False


def _joins(prev: str, nxt: str) -> bool:
    """Whether a line break between ``prev`` and ``nxt`` was inserted by the PDF extraction."""
    if not prev or not nxt:
        return False
    if prev[-1] in _SENTENCE_END:
        return False
    if not re.search(r"[、。]", prev) and (
        (_ITEM_START.match(prev) and len(prev) <= LABEL_CHARS)
        or (_NUMBERED_HEADING.match(prev) and len(prev) <= HEADING_CHARS)
    ):
        return False  # a short item label such as 「○ 対象医療機関」 keeps its own line
    return not (_ITEM_START.match(nxt) or _NUMBERED_LABEL.match(nxt))


def repair(lines: Iterable[str], min_wrap: int = 0) -> str:
    """Rejoin lines broken mid-sentence (without inserting spaces) and drop blank/page debris.

    Paragraph and item boundaries (sentence ends, bullets, numbered items) stay as ``\\n``.
    With ``min_wrap`` only lines at least that long are taken as wrapped (forms: short lines are cells).
    """
    parts: list[str] = []
    last_len = 0
    for raw in lines:
        line = _PUA.sub("・", _PUA_BULLET.sub("・", raw)).strip()
        if not line or PAGE_NUMBER.match(line) or PAGE_MARKER.match(line):
            continue
        if parts and last_len >= min_wrap and _joins(parts[-1], line):
            parts[-1] = _glue(parts[-1], line)
        else:
            parts.append(line)
        last_len = len(line)
    return "\n".join(parts)


def _glue(left: str, right: str) -> str:
    """Join two fragments; keep one space only between two ASCII word characters."""
    if left[-1].isascii() and left[-1].isalnum() and right[0].isascii() and right[0].isalnum():
        return left + " " + right
    return left + right


def squeeze(text: str) -> str:
    """Collapse runs of spaces inside a line (tables flattened by the extraction)."""
    return re.sub(r"[ \u3000]{2,}", "  ", text).strip()


# The extraction sometimes prints the katakana item marks ロ and ニ as the kanji 口 and 二
# (「２号機能（口）」); the search text spells them as printed elsewhere so 「２号機能（ロ）」 finds both.
_IROHA_AS_KANJI = re.compile(r"(号機能[（(])([口二])(?=[）)])")


def search_form(*parts: str) -> str:
    """Build the NFKC-folded search text from title-like prefixes and the body."""
    text = nfkc("\n".join(p for p in parts if p))
    return _IROHA_AS_KANJI.sub(lambda m: m.group(1) + {"口": "ロ", "二": "ニ"}[m.group(2)], text)
