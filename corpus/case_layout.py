"""Layout of one 事例集 case page: 基本情報, 背景・課題, 取組概要, 効果, 主な取組内容 and diagram cells.

The extraction keeps the page's text boxes as blocks separated by blank lines, and prints each side label
(「背景／課題」「取組／概要」「効果」) *after* the box it labels. The left column holds ⚫ paragraphs, the right
column (主な取組内容) ■ headings and • bullets; the second page holds the 関係者の主な役割 table and a
diagram whose cells come out as very short lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from corpus.text import PAGE_NUMBER

# 基本情報 rows, in the order the 事例集 prints them (「本事例集の見方（１枚目）」).
INFO_LABELS: dict[str, str] = {
    "population": "総人口・高齢者割合",
    "area": "面積",
    "start": "取組開始時点",
    "url": "取組に関するホームページ",
    "contact": "担当部署連絡先",
}
_INFO = re.compile(r"^(総人口・高齢(?:者割合|化率)|面積|取組開始時点|取組に関するホームページ|担当部署連絡先)\s*(.*)$")
_LABEL_PAIRS = {("背景", "課題"): "background", ("取組", "概要"): "overview"}
_ACTIVITIES_LABEL = re.compile(r"^主な(?:取組|分析)内容$")  # 事例4 says 「主な分析内容」
_EFFECTS_GLUED = re.compile(r"^(.+。)効果$")  # 「…体制を推進。効果」: the label run into the last line
_URL = re.compile(r"https?://[!-~]+")
# Markers that open a new item inside a block (bullets, numbers, notes, headings).
_ITEM_START = re.compile(r"^(?:[⚫•➢◼■・○〇※＜<【\ue000-\uf8ff]|[①-⑳❶-❿]|[0-9０-９]+[.．]|[（(]※|取組[①-⑳])")
_BULLET = re.compile(r"^[⚫•➢◼\ue000-\uf8ff・]\s*")
_MID_BULLET = re.compile(r"\s+(?=[⚫•➢◼]\s)")  # 「福井県 ⚫ 事業の企画…」: a table row label before its bullets
_SENTENCE_END = ("。", "」", "）", ")")
# Headings of a case's second page; they stand alone and never take the next line.
_PAGE_HEADING = re.compile(r"^(?:関係者(?:の|ごとの)主な役割|地域のかかりつけ医機能(?:を支援する)?イメージ.*|協議の場の進め方|全体の流れ|実施事項・工夫点)$")
_OPEN_END = re.compile(r"[、・/（「をにへがとでのはもや]$")  # a line that cannot end a phrase
CELL_CHARS = 18  # a text box whose lines are all at most this long (and unbulleted) is a diagram cell
ROW_CHARS = 10  # a row label of the roles table on its own line is a short name (「診療所」「地域密着型協力病院」)
WRAP_CHARS = 12  # a box whose last line is at least this long may continue in the next box
_TEMPLATE_DEBRIS = "（基本情報）"


@dataclass(frozen=True)
class Piece:
    """One unit of a case page: a text item, a diagram cell, a side label or a 基本情報 row."""

    kind: str  # text | row | cell | label | info
    text: str
    key: str = ""  # label name (background/overview/activities/effects) or info field name
    tail: int = 0  # length of the piece's last source line (a long one may run on into the next box)
    wraps: bool = False  # the box before this piece ended mid-sentence


@dataclass(frozen=True)
class CaseFields:
    """The fields of one case page, each as repaired text (items on their own lines)."""

    background: str
    overview: str
    activities: str
    effects: str
    info: dict[str, str]


def text_boxes(texts: Sequence[str]) -> list[list[str]]:
    """Blocks of consecutive non-blank lines (page numbers dropped, vertical text joined)."""
    boxes: list[list[str]] = [[]]
    for raw in texts:
        line = raw.strip()
        if not line:
            boxes.append([])
        elif not PAGE_NUMBER.match(line):
            boxes[-1].append(line)
    return [merged for box in boxes if (merged := _join_vertical(box))]


def _join_vertical(box: list[str]) -> list[str]:
    """Join runs of one-character lines (vertical text such as 「（活用シート：入退院支援）」)."""
    out: list[str] = []
    run: list[str] = []
    for line in [*box, ""]:
        if len(line) == 1:
            run.append(line)
            continue
        if len(run) > 1 or (run and run[0] not in "（）"):
            out.append("".join(run))
        run = []
        if line:
            out.append(line)
    # Debris: the side label 「（基本情報）」 of every first page, whole or cut by a case boundary, and a box
    # holding nothing but a diagram step number (❶, ②).
    out = [line for line in out if not (len(line) > 1 and line in _TEMPLATE_DEBRIS)]
    return [] if len(out) == 1 and re.fullmatch(r"[❶-❿①-⑳]", out[0]) else out


def pieces(boxes: Sequence[Sequence[str]]) -> list[Piece]:
    """Classify the boxes of a case page into labels, 基本情報 rows, text items and diagram cells."""
    out: list[Piece] = []
    for index, box in enumerate(boxes):
        if m := _INFO.match(box[0]):
            field = next(k for k, v in INFO_LABELS.items() if m.group(1).startswith(v[:4]))
            out.append(Piece("info", _glue_lines([m.group(2), *box[1:]], url_space=True), field))
            continue
        nxt = boxes[index + 1][0] if index + 1 < len(boxes) else ""
        out.extend(_box_pieces(box, bool(out) and _continues(out[-1]), nxt.startswith("⚫")))
    return out


def _box_pieces(box: Sequence[str], wraps: bool, before_bullets: bool) -> list[Piece]:
    """Split a box at its side labels; the rest becomes text items or one diagram cell."""
    out: list[Piece] = []
    lines: list[str] = []
    index = 0
    while index < len(box):
        line, nxt = box[index], box[index + 1] if index + 1 < len(box) else ""
        label = _LABEL_PAIRS.get((line, nxt))
        glued = _EFFECTS_GLUED.match(line)
        if label or _ACTIVITIES_LABEL.match(line) or line == "効果" or glued:
            if glued:
                lines.append(glued.group(1))
            out.extend(_content(lines, wraps and not out, before_bullets=False))
            lines = []
            key = label or ("activities" if _ACTIVITIES_LABEL.match(line) else "effects")
            out.append(Piece("label", line, key))
            index += 2 if label else 1
            continue
        lines.append(line)
        index += 1
    out.extend(_content(lines, wraps and not out, before_bullets))
    return out


def _content(lines: Sequence[str], wraps: bool, before_bullets: bool = False) -> list[Piece]:
    """Text items of a box (wrapped lines rejoined), a row label or a single diagram cell.

    An unbulleted box is a diagram cell when its lines are short or it is one line; one that stands just
    before a box of ⚫ bullets is the row label of the 関係者の主な役割 table (「急性期病院等の退院調整／担当者」).
    """
    if not lines:
        return []
    plain = not any(_ITEM_START.match(ln) or _MID_BULLET.search(ln) for ln in lines) and not lines[-1].endswith("。")
    if plain and before_bullets:
        return [Piece("row", _glue_lines(lines), tail=len(lines[-1]), wraps=wraps)]
    if plain and (all(len(ln) <= CELL_CHARS for ln in lines) or len(lines) == 1):
        return [Piece("cell", _glue_lines(lines), tail=len(lines[-1]), wraps=wraps)]
    tail_row = _trailing_row(lines) if before_bullets else []
    if tail_row:
        return [*_content(lines[: -len(tail_row)], wraps), Piece("row", _glue_lines(tail_row), tail=len(tail_row[-1]))]
    items: list[tuple[str, str, int]] = []  # (kind, text, tail)
    for position, line in enumerate(lines):
        parts = _MID_BULLET.split(line)
        for index, part in enumerate(parts):
            over_bullets = _heads_bullets(position, lines, items[-1][1] if items else "")
            if index == 0 and not _ITEM_START.match(part) and (len(parts) > 1 or over_bullets):
                items.append(("row", part, len(part)))  # 「福井県 ⚫ …」: the row label of the roles table
            elif _PAGE_HEADING.match(part):
                items.append(("cell", part, 0))
            elif items and _runs_on(items[-1], part):
                items[-1] = ("text", _glue(items[-1][1], part), len(part))
            else:
                items.append(("text", part, len(part)))
    return [Piece(kind, text, tail=tail, wraps=wraps and k == 0) for k, (kind, text, tail) in enumerate(items)]


def _trailing_row(lines: Sequence[str]) -> list[str]:
    """Short unmarked lines ending a box after a full stop, when ⚫ lines follow: a row label.

    (「…繋げることができる。」+「KOYANAGI真柄」+「CLINIC」, then the box 「⚫ 学校医、警察医等…」)
    """
    run: list[str] = []
    for line in reversed(lines):
        if line.endswith("。") or _PAGE_HEADING.match(line):
            return run if run and len(run) < len(lines) else []
        if len(line) > CELL_CHARS or _ITEM_START.match(line) or line.startswith("（"):
            return []  # 「（診-診連携）」 closes the sentence before it
        run.insert(0, line)
    return []


def _runs_on(item: tuple[str, str, int], line: str) -> bool:
    """Whether a line without a marker continues the item before it in the same box.

    A ⚫/•/➢ paragraph goes on after a full stop (「…横の連携を構築。」+「精神疾患についての市民講座…」).
    """
    kind, text, _ = item
    if kind != "text" or _PAGE_HEADING.match(text) or _ITEM_START.match(line):
        return False
    return not text.endswith("。") or text.startswith(("⚫", "•", "➢"))


def _heads_bullets(position: int, lines: Sequence[str], before: str) -> bool:
    """A short line directly over a ⚫ line of its box: a row label (「診療所」 then 「⚫ 訪問診療…」).

    After a full stop any short name qualifies (「KOYANAGI真柄CLINIC」); at the top of a box only a very
    short one, since a longer line there may finish the previous box's sentence (「…の協」+「議の実施や…」).
    """
    line = lines[position]
    if position + 1 >= len(lines) or not lines[position + 1].startswith("⚫") or "、" in line:
        return False
    return len(line) <= (CELL_CHARS if before.endswith("。") else ROW_CHARS)


def _continues(piece: Piece) -> bool:
    """Whether a box boundary after this piece cut a sentence (a long line ending mid-sentence)."""
    return (
        piece.kind == "text"
        and piece.tail >= WRAP_CHARS
        and not piece.text.endswith(_SENTENCE_END)
        and not piece.text.startswith("※")  # a note ends its box (「※…応じて実施」, then 「病院のメリット」)
    )


def _glue(left: str, right: str) -> str:
    """Join two fragments; keep one space only between two ASCII word characters."""
    if not left:
        return right
    if left[-1:].isascii() and left[-1:].isalnum() and right[:1].isascii() and right[:1].isalnum():
        return f"{left} {right}"
    return left + right


def _glue_lines(lines: Sequence[str], url_space: bool = False) -> str:
    """Join the lines of one box or cell (a space before a URL when ``url_space``)."""
    text = ""
    for line in (ln.strip() for ln in lines):
        spaced = bool(text) and url_space and _URL.match(line) is not None
        text = f"{text} {line}" if spaced else _glue(text, line)
    return text.strip()


def _merge_wraps(items: list[Piece]) -> list[Piece]:
    """Join a piece that continues the sentence a previous box cut off."""
    out: list[Piece] = []
    for piece in items:
        if out and _joins_previous(out[-1], piece):
            out[-1] = Piece("text", _glue(out[-1].text, piece.text), tail=piece.tail)
            continue
        out.append(piece)
    return out


def _joins_previous(prev: Piece, piece: Piece) -> bool:
    """Whether ``piece`` (first of its box) continues ``prev`` (last of the box before).

    Text continues text; a cell or a short heading-like line continues only an open bracket
    (「…居宅介護」+「事業所等）」) or a line that cannot end a phrase (「…支援センターへ」+「相談」), never a
    noun that ends a role (「…の改善」 then the row label 「県医師会」 or the cell 「参加」).
    """
    if not piece.wraps or prev.kind != "text" or _ITEM_START.match(piece.text):
        return False
    if piece.kind == "text" or _open_bracket(prev.text):
        return piece.kind != "label"
    # 「…地域バックアップ医療機関」+「への紹介を実施」: a line never opens with hiragana after a cut sentence
    # (「…ファシリ」+「テートを担当」: a katakana word cut in two)
    katakana_cut = bool(re.search(r"[ァ-ヶ]$", prev.text) and re.match(r"[ァ-ヶー]", piece.text))
    return piece.kind == "cell" and bool(_OPEN_END.search(prev.text) or re.match(r"[ぁ-ん]", piece.text) or katakana_cut)


def _open_bracket(text: str) -> bool:
    return text.count("（") > text.count("）") or text.count("「") > text.count("」")


def case_fields(texts: Sequence[str]) -> CaseFields:
    """Split the lines of one case (after its title) into 基本情報 and the four content fields."""
    items = _merge_wraps(pieces(text_boxes(texts)))
    info = {p.key: p.text for p in items if p.kind == "info"}
    first_info = next((i for i, p in enumerate(items) if p.kind == "info"), 0)
    labels = {p.key: i for i, p in reversed(list(enumerate(items))) if p.kind == "label"}
    bg_end = labels.get("background", first_info)
    ov_end = labels.get("overview", bg_end)
    background = [p for p in items[:bg_end] if p.kind in ("text", "row", "cell")]
    overview = [p for p in items[bg_end + 1 : ov_end] if p.kind in ("text", "row", "cell")]
    rest = list(enumerate(items))[ov_end + 1 :]
    effects = _run_before(items, labels.get("effects"), ("⚫", "➢"))
    if not background:
        # 事例4: the 背景 box is printed just before the 主な分析内容 label, not under the title.
        background = _run_before(items, labels.get("activities"), ("⚫",), skip_after=labels.get("effects"))
    taken = {id(p) for p in [*background, *effects]}
    activities = [p for _, p in rest if p.kind in ("text", "row", "cell") and id(p) not in taken]
    return CaseFields(
        background=render(background),
        overview=render(overview),
        activities=render(activities),
        effects=render(effects),
        info=info,
    )


def _run_before(
    items: Sequence[Piece], label: int | None, marks: tuple[str, ...], skip_after: int | None = None
) -> list[Piece]:
    """The contiguous bulleted text items just before a side label (labels follow their content)."""
    if label is None or (skip_after is not None and label == skip_after + 1):
        return []
    run: list[Piece] = []
    for piece in reversed(items[:label]):
        if piece.kind != "text" or not piece.text.startswith(marks):
            break
        run.insert(0, piece)
    return run


def render(items: Sequence[Piece]) -> str:
    """Items one per line with uniform 「・」 bullets; a run of diagram cells becomes one 「／」-separated line."""
    lines: list[str] = []
    cells: list[str] = []
    for piece in [*items, Piece("text", "")]:
        if piece.kind == "cell":
            cells.append(piece.text)
            continue
        if cells:
            lines.append("／".join(cells))
            cells = []
        if piece.text:
            lines.append(_BULLET.sub("・", piece.text, count=1))
    return "\n".join(lines)


def url_of(info: dict[str, str]) -> str:
    """The 取組に関するホームページ URL alone; else a URL given with the contact (事例15); "" for 「―」."""
    for field in ("url", "contact"):
        if m := _URL.search(info.get(field, "")):
            return m.group(0)
    return ""
