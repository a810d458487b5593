"""Parser for the かかりつけ医機能の確保に関するガイドライン (別添1): sections, pages, quotes, footnotes, chunks."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from corpus.passage import Passage
from corpus.text import Line, nfkc, repair, search_form

GUIDELINE_DOC = "かかりつけ医機能の確保に関するガイドライン（別添1）"
CHUNK_CHARS = 600  # soft upper bound when packing units into a chunk; a unit is never split

_FULL = str.maketrans("０１２３４５６７８９", "0123456789")
_CHAPTER = re.compile(r"^\s*第([0-9０-９]+)章\s*(.*?)\s*$")
_SECTION = re.compile(r"^\s*第([0-9０-９]+)節\s*(.*?)\s*$")
_ITEM = re.compile(r"^\s*（([0-9０-９]+)）\s*(.+?)\s*$")
_CIRCLED = re.compile(r"^\s*([①-⑳])\s*(.+?)\s*$")
_APPENDIX = re.compile(r"^\s*参考資料([0-9０-９]+)[.．]\s*(.+?)\s*$")
_FOOTNOTE = re.compile(r"^\s*(\d{1,2})\s+(\S.*?)\s*$")
# U+3007 〇 opens a quoted article. U+25CB ○ is an ordinary bullet (「○ 医療法において、…」) except when it
# is glued to a bare article reference (「○医療法第 30 条の 18 の４第６項」, a typo in 第2章第2節（２）④).
_LAW_HEAD = re.compile(r"^\s*(?:〇|○(?=医療法[^、。]{0,30}[項号]\s*$))(医療法.*)$")
# A block label on its own line that closes the previous ① item: 「※その他の報告事項」「留意事項」
# (ガイドライン 第2章第3節（２）, P.12), and the ＜１号機能＞／＜２号機能＞ group labels.
_BLOCK_LABEL = re.compile(r"^\s*※?\s*(その他の報告事項|留意事項)\s*$")
_GROUP_LABEL = re.compile(r"^\s*＜\s*([0-9０-９]号機能)\s*＞\s*$")
_UNIT_START = re.compile(r"^\s*(?:[○⚫•➢※]|（※|【|図\s*[0-9０-９]|＜|出典：|（[0-9０-９]+）)")
BIG_UNIT = 1200  # a unit longer than this with no inner structure (a flattened table) is split by lines
_LABELS = ("具体的な機能", "背景及び政策課題", "その他の報告事項", "報告事項", "圏域", "参加者")
_LIST_LABELS = ("【報告事項】", "【その他の報告事項】")
# The five steps of every 協議イメージ例 (ガイドライン 第4章第4節).
_STEPS = ("地域の具体的な課題", "様々な視点から考えられる原因", "地域で目指すべき姿", "方策")


class GuidelineParseError(ValueError):
    """The guideline text does not have the expected structure."""


@dataclass(frozen=True)
class GuidelineChunk:
    """A meaning-sized piece of a section (a paragraph group, a whole 報告事項 list, a quoted article)."""

    text: str
    page: int | None
    kind: str = "text"  # text | law


@dataclass(frozen=True)
class GuidelineSection:
    """A guideline section with its heading path, pages, text and attached footnotes."""

    number: int  # order in the document
    ref: str  # "第2章第3節（２）"
    path: tuple[str, ...]  # ("第2章 かかりつけ医機能報告", "第3節 報告を求めるかかりつけ医機能", ...)
    title: str
    page: int | None
    page_end: int | None
    text: str
    footnotes: tuple[str, ...] = ()
    chunks: tuple[GuidelineChunk, ...] = ()
    doc: str = GUIDELINE_DOC

    def to_passages(self, start: int) -> list[Passage]:
        """One passage per chunk, numbered from ``start`` (ids ``guideline:NNNN``)."""
        out = []
        for offset, chunk in enumerate(self.chunks):
            out.append(
                Passage(
                    id=f"guideline:{start + offset:04d}",
                    source="guideline",
                    ref=self.ref,
                    title=self.title,
                    doc=self.doc,
                    page=chunk.page,
                    text=chunk.text,
                    search_text=search_form(" ".join(self.path), chunk.text),
                    path=self.path,
                    meta={"kind": chunk.kind, "section": self.number},
                )
            )
        return out


@dataclass
class _Heading:
    level: int
    key: str  # piece of the ref, e.g. "第2章", "（２）"
    label: str  # human heading for the path

    @property
    def title(self) -> str:
        """The heading without its enumerator (the ref already carries 「⑤」「（２）」「第3節」)."""
        rest = self.label.removeprefix(self.key).strip()
        return rest or self.label.strip("＜＞※ ")


def _heading(text: str, inside_example: bool, nxt: str = "") -> _Heading | None:
    """Recognise a heading line (章/節/（N）/①/参考資料)."""
    if m := _CHAPTER.match(text):
        n = m.group(1).translate(_FULL)
        return _Heading(1, f"第{n}章", f"第{n}章 {m.group(2)}".strip())
    if m := _APPENDIX.match(text):
        n = m.group(1).translate(_FULL)
        return _Heading(1, f"参考資料{n}", f"参考資料{n} {m.group(2)}")
    if m := _SECTION.match(text):
        n = m.group(1).translate(_FULL)
        return _Heading(2, f"第{n}節", f"第{n}節 {m.group(2)}".strip())
    if (m := _ITEM.match(text)) and len(m.group(2)) < 45 and not m.group(2).endswith("。"):
        title = m.group(2)
        if inside_example and title.startswith(_STEPS):
            return None  # the five steps of an example stay inside the example's text
        return _Heading(3, f"（{m.group(1)}）", f"（{m.group(1)}）{title}")
    if m := _BLOCK_LABEL.match(text):
        return _Heading(4, m.group(1), m.group(1))
    if m := _GROUP_LABEL.match(text):
        return _Heading(4, f"＜{m.group(1)}＞", f"＜{m.group(1)}＞")
    return _circled_heading(text, nxt)


def _circled_heading(text: str, nxt: str) -> _Heading | None:
    """A ①… item heading: a 号機能 item (第2章第3節（２）) or a dated step followed by ○ bullets (第2章第2節（２））."""
    circled = _CIRCLED.match(text)
    if not circled or circled.group(2).endswith("。"):
        return None
    label = f"{circled.group(1)} {circled.group(2)}"
    if "号機能" in label:
        return _Heading(4, circled.group(1), label)
    if "号機能" in nxt:  # a heading wrapped onto the next line
        return _Heading(4, circled.group(1), label + nxt)
    if nxt.startswith(("○", "〇")) and re.match(r"[①-⑳]\s", text.strip()):
        return _Heading(4, circled.group(1), label)
    return None


def _extract_footnotes(lines: Sequence[Line]) -> tuple[list[Line], dict[int, str]]:
    """Remove page-foot notes (numbered 1, 2, 3... in order) and return them by number."""
    body: list[Line] = []
    notes: dict[int, str] = {}
    current: int | None = None
    for line in lines:
        m = _FOOTNOTE.match(line.text)
        if m and int(m.group(1)) == len(notes) + 1 and not line.text.startswith("  "):
            current = int(m.group(1))
            notes[current] = m.group(2)
            continue
        stripped = line.text.strip()
        if (
            current is not None
            and stripped
            and not _UNIT_START.match(stripped)
            and not _LAW_HEAD.match(stripped)
            and _heading(stripped, False) is None
            and _continues_note(notes[current])
        ):
            notes[current] = notes[current] + stripped
            continue
        if stripped:
            current = None
        body.append(line)
    return body, notes


def _continues_note(note: str) -> bool:
    """A note continues on the next line unless it already ends a sentence or a URL."""
    return not (note.endswith(("。", "」", "）")) or re.search(r"https?://\S+$", note) and not note.endswith("-"))


def _mark_references(lines: list[Line], notes: dict[int, str]) -> list[Line]:
    """Replace each footnote reference digit in the body with ［注N］, searching in order."""
    out = list(lines)
    position = 0
    for number in sorted(notes):
        pattern = re.compile(rf"(?<=[^\x00-\x7f\s]){number}(?![0-9年月日時人歳％%万件名床回号条項割分億])")
        for index in range(position, len(out)):
            line = out[index]
            if pattern.search(line.text):
                out[index] = replace(line, text=pattern.sub(f"［注{number}］", line.text, count=1))
                position = index
                break
    return out


def _normalise_labels(lines: list[Line]) -> list[Line]:
    """Turn flattened table labels (「具体的な」「機能」) into one 【具体的な機能】 line."""
    out: list[Line] = []
    index = 0
    while index < len(lines):
        text = lines[index].text.strip()
        nxt = lines[index + 1].text.strip() if index + 1 < len(lines) else ""
        if text + nxt in _LABELS and nxt:
            out.append(replace(lines[index], text=f"【{text + nxt}】"))
            index += 2
            continue
        for label in _LABELS:
            if text == label or text.startswith(label + " "):
                rest = text[len(label) :].strip()
                out.append(replace(lines[index], text=f"【{label}】"))
                if rest:
                    out.append(replace(lines[index], text=rest))
                break
        else:
            out.append(lines[index])
        index += 1
    return out


def _units(lines: Sequence[Line]) -> list[tuple[list[Line], str]]:
    """Group body lines into meaning units: a bullet, a whole 報告事項 list, a quoted article..."""
    units: list[tuple[list[Line], str]] = []
    mode = "text"  # "list" keeps ○ items together; "law" keeps an article's paragraphs together
    for line in lines:
        text = line.text.strip()
        if _LAW_HEAD.match(text):
            units.append(([line], "law"))
            mode = "law"
            continue
        starts = bool(_UNIT_START.match(text))
        if text in _LIST_LABELS:
            units.append(([line], "text"))
            mode = "list"
            continue
        if text.startswith("【"):
            mode = "text"
        bullet = text.startswith(("○", "⚫", "•"))
        if not units or (starts and not (mode == "list" and bullet) and not (mode == "law" and not bullet)):
            if mode == "law" and bullet:
                mode = "text"
            units.append(([line], "text"))
        else:
            units[-1][0].append(line)
    return units


def _split_big(lines: list[Line], kind: str) -> list[tuple[list[Line], str]]:
    """Cut an oversized structureless unit (a flattened table) into line groups of ~CHUNK_CHARS."""
    if kind == "law" or sum(len(ln.text.strip()) for ln in lines) <= BIG_UNIT:
        return [(lines, kind)]
    parts: list[tuple[list[Line], str]] = [([], kind)]
    for line in lines:
        if sum(len(ln.text.strip()) for ln in parts[-1][0]) > CHUNK_CHARS and line.text.strip()[-1:] != "、":
            parts.append(([], kind))
        parts[-1][0].append(line)
    return parts


def _unit_text(lines: Sequence[Line], kind: str) -> str:
    if kind == "law":
        return lines[0].text.strip() + ("\n" + repair(ln.text for ln in lines[1:]) if len(lines) > 1 else "")
    return repair(ln.text for ln in lines)


def _chunks(lines: Sequence[Line], notes: dict[int, str]) -> tuple[GuidelineChunk, ...]:
    """Pack units into chunks of up to ~CHUNK_CHARS characters; quoted articles stand alone."""
    chunks: list[GuidelineChunk] = []
    pending: list[str] = []
    page: int | None = None
    units = [part for unit, kind in _units(lines) for part in _split_big(unit, kind)]
    for unit_lines, kind in units:
        text = _unit_text(unit_lines, kind)
        if not text:
            continue
        size = sum(len(p) for p in pending)
        if pending and (
            kind == "law"
            or size + len(text) > CHUNK_CHARS
            or _is_label_only(pending[-1]) is False
            and text.startswith("【")
            and size > CHUNK_CHARS // 3
        ):
            chunks.append(GuidelineChunk("\n".join(pending), page))
            pending = []
        if kind == "law":
            chunks.append(GuidelineChunk(text, unit_lines[0].page, "law"))
            continue
        if not pending:
            page = unit_lines[0].page
        pending.append(text)
    if pending:
        chunks.append(GuidelineChunk("\n".join(pending), page))
    return tuple(_attach_notes(chunk, notes) for chunk in chunks)


def _is_label_only(text: str) -> bool:
    return text.startswith("【") and text.endswith("】")


def _attach_notes(chunk: GuidelineChunk, notes: dict[int, str]) -> GuidelineChunk:
    """Append the text of every footnote referenced in the chunk."""
    cited = [int(n) for n in re.findall(r"［注(\d+)］", chunk.text)]
    if not cited:
        return chunk
    tail = "\n".join(f"［注{n}］{notes[n]}" for n in cited if n in notes)
    return replace(chunk, text=f"{chunk.text}\n{tail}")


def _join_heading(lines: list[Line], index: int, head: _Heading) -> int:
    """Absorb a wrapped heading's second line (「第１章 ...制度整備」「の概要」); returns lines consumed."""
    if index + 1 >= len(lines):
        return 1
    nxt = lines[index + 1].text.strip()
    if head.level == 4 and head.label.endswith(nxt):
        return 2
    if head.level == 1 and nxt.startswith("の") and len(nxt) < 12:
        head.label += nxt
        return 2
    return 1


def _guideline_lines(lines: Sequence[Line]) -> list[Line]:
    """The lines of 別添1: from 「はじめに」 up to the title page of the case collection (別添2)."""
    texts = [line.text.strip() for line in lines]
    try:
        start = texts.index("はじめに")
        end = texts.index("取組事例集", start) - 1
    except ValueError as exc:
        raise GuidelineParseError("ガイドライン本文の範囲（はじめに〜取組事例集）が見つかりません") from exc
    return list(lines[start:end])


def parse_guideline(lines: Sequence[Line]) -> list[GuidelineSection]:
    """Parse 別添1 into sections with heading paths, pages, quoted articles and footnotes."""
    body, notes = _extract_footnotes(_guideline_lines(lines))
    body = _normalise_labels([ln for ln in _mark_references(body, notes) if ln.text.strip()])
    stack: list[_Heading] = [_Heading(1, "はじめに", "はじめに")]
    sections: list[GuidelineSection] = []
    current: list[Line] = []
    index = 1  # line 0 is 「はじめに」
    while index < len(body):
        inside_example = any("協議イメージ例" in h.label for h in stack)
        nxt = body[index + 1].text.strip() if index + 1 < len(body) else ""
        head = _heading(body[index].text, inside_example, nxt)
        if head is None or body[index].text.strip().startswith("（※"):
            current.append(body[index])
            index += 1
            continue
        _close(sections, stack, current, notes)
        current = []
        index += _join_heading(body, index, head)
        stack = [h for h in stack if h.level < head.level] + [head]
    _close(sections, stack, current, notes)
    return sections


def _close(sections: list[GuidelineSection], stack: list[_Heading], lines: list[Line], notes: dict[int, str]) -> None:
    """Finish the current section (empty ones, e.g. a heading cut by a page break, are dropped)."""
    chunks = _chunks(lines, notes)
    if not chunks:
        return
    cited = sorted({int(n) for c in chunks for n in re.findall(r"［注(\d+)］", c.text)})
    pages = [ln.page for ln in lines if ln.page is not None]
    sections.append(
        GuidelineSection(
            number=len(sections) + 1,
            ref="".join(h.key for h in stack),
            path=tuple(h.label for h in stack),
            title=stack[-1].title,
            page=pages[0] if pages else None,
            page_end=pages[-1] if pages else None,
            text="\n".join(c.text for c in chunks),
            footnotes=tuple(f"［注{n}］{notes[n]}" for n in cited if n in notes),
            chunks=chunks,
        )
    )


def section_search_text(section: GuidelineSection) -> str:
    """NFKC text of a whole section with its heading path (for section-level search)."""
    return nfkc(" ".join(section.path) + "\n" + section.text)
