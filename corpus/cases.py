"""Parser for the かかりつけ医機能に関する取組事例集 (別添2): the 16 case studies."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from corpus.case_layout import INFO_LABELS, case_fields, url_of
from corpus.passage import Passage
from corpus.text import Line, nfkc, repair, search_form

CASES_DOC = "かかりつけ医機能に関する取組事例集（別添2）"
# The four 2号 functions of the ○ table, in column order (ガイドライン 第2章第3節 ２号機能（イ）〜（ニ）).
FUNCTIONS: tuple[str, ...] = ("時間外診療", "入退院支援", "在宅医療", "介護連携")


@dataclass(frozen=True)
class CaseStudy:
    """One case study with its table-of-cases attributes and full text."""

    number: int
    id: str  # "事例3"
    title: str
    lead: str  # 取組の中心 (都道府県/市町村/診療所/病院/県医師会/郡市医師会)
    actor: str  # who runs it, e.g. "千葉県松戸市" or "すぎうら医院（島根県出雲市）"
    region: str  # the place in the title, e.g. "千葉県松戸市"
    population: str  # 総人口・高齢者割合 as printed
    area: str  # 面積 as printed
    area_type: str  # 医療圏分類: 大都市型/地方都市型/過疎地域型 ("" for prefecture-wide cases)
    functions: tuple[str, ...]  # 2号 functions marked ○ (subset of FUNCTIONS), see functions_basis
    other: str  # その他 column note, e.g. "ICT活用"
    summary: str  # 概要 from the table of cases
    text: str
    page: int | None  # page number printed in the 事例集 itself (the Ｐ.N markers are too sparse there)
    doc_page: int | None  # same, as listed in the 掲載事例一覧 table
    marks: int = 0  # how many of the four 2号 columns carry ○ (exact, read from the table)
    # (function, basis) for each of FUNCTIONS: how its flag was determined (codes in BASIS)
    functions_basis: tuple[tuple[str, str], ...] = ()
    doc: str = CASES_DOC
    # The page's own fields (labels follow their box in the extraction; see corpus/case_layout.py).
    background: str = ""  # 背景・課題
    overview: str = ""  # 取組概要
    activities: str = ""  # 主な取組内容 (with the 関係者の主な役割 table and diagram cells, 「／」-separated)
    effects: str = ""  # 効果
    start: str = ""  # 取組開始時点
    url: str = ""  # 取組に関するホームページ, the URL alone ("" where the case prints 「―」)
    contact: str = ""  # 担当部署連絡先 (printed for 行政機関等 only)

    @property
    def inferred_functions(self) -> tuple[str, ...]:
        """The flags not read from the ○ table (every basis other than "table" is an inference)."""
        return tuple(f for f, basis in self.functions_basis if basis != "table")

    def to_passage(self) -> Passage:
        """The citable passage for this case."""
        head = f"{self.id} {self.title}"
        facts = f"取組の中心：{self.lead}／地域：{self.region}／医療圏分類：{self.area_type or '―'}"
        return Passage(
            id=f"case:{self.number:02d}",
            source="case",
            ref=self.id,
            title=self.title,
            doc=self.doc,
            page=self.page,
            text=f"{facts}\n{self.text}",
            search_text=search_form(head, self.summary, facts, "、".join(self.functions), self.text),
            path=(self.id,),
            meta={
                "lead": self.lead,
                "region": self.region,
                "area_type": self.area_type,
                "functions": list(self.functions),
                "functions_basis": dict(self.functions_basis),
                "functions_inferred": list(self.inferred_functions),
                "population": self.population,
                "url": self.url,
                "kind": "case",
                "number": self.number,
            },
        )


# ---------------------------------------------------------------- parsing

_LEADS = ("都道府県", "市町村", "診療所", "病院", "県医師会", "郡市医師会")
_ROW_START = re.compile(r"^\s*([0-9０-９]{1,2})(?:\s|$)")
_ROW = re.compile(
    r"^(?P<actor>.+?)\s(?P<lead>都道府県|市町村|診療所|病院|県医師会|郡市\s*医師会)\s+(?P<summary>[^〇]+?)\s*〇"
)
_AREA = re.compile(r"(大都市型|地方都市型|過疎地域型)")
_TITLE = re.compile(r"^\s*(\d{1,2})[.．]\s*(\S.*?)\s*$")
_POPULATION = re.compile(r"^\s*総人口・高齢(?:者割合|化率)\s*(.+?)\s*$")
_AREA_SIZE = re.compile(r"^\s*面積\s*(.+?)\s*$")
_CITATION = re.compile(r"（事例集\s*(P\.[^）]*)")  # 「（事例集 P.5 福井県、P.36 新潟県医師会の事例参照）」
_CITED_PAGE = re.compile(r"P\.\s*(\d+)")
# How a flag was determined, strongest first. Only "table" is read from the ○ table itself; the
# extraction kept how many ○ a row has but not in which columns.
BASIS: dict[str, str] = {
    "table": "○が4つ（全列に○）",
    "guideline-citation": "ガイドライン第4章第4節の当該機能の協議イメージ例がこの事例を引用",
    "case-summary": "事例の題名・概要（掲載事例一覧）が当該機能を名指し",
    "text-frequency": "事例本文での関連語の多さによる推定",
    "count-filled": "○の数が他の機能で埋まるため無印と推定",
}
# Terms that name a function outright in a case's title or 概要 (stricter than _FUNCTION_WORDS).
_SUMMARY_WORDS: dict[str, tuple[str, ...]] = {
    "時間外診療": ("時間外", "24時間", "夜間", "休日"),
    "入退院支援": ("入退院", "退院支援", "後方支援"),
    "在宅医療": ("在宅医", "在宅診療", "訪問診療", "往診", "看取り"),
    "介護連携": ("医介連携", "介護連携", "ケアマネ", "介護支援専門員"),
}
# Words whose frequency in a case's text ranks the 2号 functions when the ○ columns were lost.
_FUNCTION_WORDS: dict[str, tuple[str, ...]] = {
    "時間外診療": ("時間外", "夜間", "休日", "24時間", "救急"),
    "入退院支援": ("入退院", "退院", "入院", "後方支援"),
    "在宅医療": ("在宅医療", "訪問診療", "往診", "看取り", "在宅医"),
    "介護連携": ("介護", "ケアマネ", "介護支援専門員", "地域包括"),
}
_EXAMPLE_FUNCTION = {2: "時間外診療", 3: "入退院支援", 4: "在宅医療", 5: "介護連携"}


class CaseParseError(ValueError):
    """The case collection could not be parsed as expected."""


@dataclass(frozen=True)
class _Row:
    number: int
    actor: str
    lead: str
    summary: str
    marks: int  # ○ in the four 2号 columns
    other: str
    area_type: str
    doc_page: int | None


def _cjk_join(text: str) -> str:
    """Remove spaces the extraction put between two non-ASCII characters."""
    return re.sub(r"(?<![A-Za-z0-9])\s+|\s+(?![A-Za-z0-9])", "", text.strip())


def _table_rows(texts: Sequence[str]) -> list[_Row]:
    """Parse the 掲載事例一覧 table (rows 1–16)."""
    start = next(i for i, t in enumerate(texts) if t.strip() == "掲載事例一覧")
    end = next(i for i in range(start, len(texts)) if texts[i].startswith("【関係するかかりつけ医機能"))
    rows: list[list[str]] = []
    for text in texts[start:end]:
        stripped = text.strip()
        m = _ROW_START.match(stripped)
        if m and int(m.group(1).translate(_FULL)) == len(rows) + 1:
            rows.append([])
        if rows and stripped:
            rows[-1].append(stripped)
    return [_row(number, lines) for number, lines in enumerate(rows, start=1)]


_FULL = str.maketrans("０１２３４５６７８９", "0123456789")


def _row(number: int, lines: Sequence[str]) -> _Row:
    flat = re.sub(r"^\s*[0-9０-９]{1,2}\s*", "", " ".join(lines))
    m = _ROW.match(flat)
    if not m:
        raise CaseParseError(f"掲載事例一覧の {number} 行目を読み取れません")
    first_line = next(line for line in lines if "〇" in line)
    run = re.match(r"(?:〇\s*)+", first_line[first_line.index("〇") :])
    marks = run.group(0).count("〇") if run else 0
    rest = flat[m.end() - 1 :]
    after = _cjk_join(rest[len(run.group(0)) if run else 0 :])
    area = _AREA.search(after.replace(" ", ""))
    page = re.search(r"(?:型|-|^)〇?(\d+)", after)
    other = after[page.end() :] if page else ""
    return _Row(
        number=number,
        actor=_cjk_join(m.group("actor")),
        lead=m.group("lead").replace(" ", ""),
        summary=_cjk_join(m.group("summary")),
        marks=marks,
        other=_cjk_join(other.replace("〇", "")),
        area_type=area.group(1) if area else "",
        doc_page=int(page.group(1)) if page else None,
    )


def cited_functions(texts: Sequence[str]) -> dict[int, set[str]]:
    """Functions under whose 協議イメージ例 (ガイドライン 第4章第4節) each 事例集 page is cited.

    One citation may name several pages (「事例集 P.5 福井県、P.36 新潟県医師会」); every one counts.
    """
    cited: dict[int, set[str]] = {}
    example = 0
    for text in texts:
        if m := re.match(r"^\s*（([0-9０-９])）協議イメージ例", text):
            example = int(m.group(1).translate(_FULL))
        elif re.match(r"^\s*第[0-9０-９]章", text) and example:
            break
        if example not in _EXAMPLE_FUNCTION:
            continue
        for citation in _CITATION.findall(text):
            for page in _CITED_PAGE.findall(citation):
                cited.setdefault(int(page), set()).add(_EXAMPLE_FUNCTION[example])
    return cited


def _functions(row: _Row, named: str, text: str, cited: set[str]) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The 2号 functions marked ○, and for each function how its flag was determined.

    The extraction keeps how many ○ a row has but not their columns. With four ○ every function is
    marked. Otherwise the ○ go, in this order, to the functions the guideline cites the case for,
    those the case's title or 概要 names, then those its text talks about most.
    """
    if row.marks >= len(FUNCTIONS):
        return FUNCTIONS, tuple((f, "table") for f in FUNCTIONS)
    folded, summary = nfkc(text), nfkc(named)
    score = {f: sum(folded.count(nfkc(w)) for w in words) for f, words in _FUNCTION_WORDS.items()}
    evidence = {
        f: "guideline-citation" if f in cited
        else "case-summary" if any(nfkc(w) in summary for w in _SUMMARY_WORDS[f])
        else "text-frequency"
        for f in FUNCTIONS
    }
    strength = list(BASIS)
    ranked = sorted(FUNCTIONS, key=lambda f: (strength.index(evidence[f]), -score[f], FUNCTIONS.index(f)))
    chosen = set(ranked[: row.marks])
    basis = tuple((f, evidence[f] if f in chosen else "count-filled") for f in FUNCTIONS)
    return tuple(f for f in FUNCTIONS if f in chosen), basis


def _case_blocks(lines: Sequence[Line]) -> list[tuple[int, str, list[Line]]]:
    """(number, title, lines after the title) for each case, up to the next case's title line.

    A title is 「N.…」 with the next expected N and a 総人口 row soon after it, so a figure such as
    「23.9日、療養病床…」 inside 事例12 never opens a case.
    """
    texts = [ln.text for ln in lines]
    start = next(i for i, t in enumerate(texts) if t.strip() == "掲載事例一覧")
    end = next(i for i in range(start, len(texts)) if "当院におけるかかりつけ医機能について" in texts[i])
    heads: list[tuple[int, int, int, str]] = []  # (title line, body start, number, title)
    for i in range(start, end):
        m = _TITLE.match(texts[i])
        if (
            m
            and int(m.group(1)) == len(heads) + 1
            and any(_POPULATION.match(t) and "○" not in t for t in texts[i : i + 30])
        ):
            title, skip = m.group(2), 1
            if "（" not in title and texts[i + 1].strip().startswith("（"):
                title, skip = title + texts[i + 1].strip(), 2  # the region wrapped onto the next line
            heads.append((i, i + skip, int(m.group(1)), title))
    bounds = [h[0] for h in heads[1:]] + [end]
    return [(n, title, list(lines[body : bounds[k]])) for k, (_, body, n, title) in enumerate(heads)]


def _field(pattern: re.Pattern[str], lines: Sequence[Line]) -> str:
    for line in lines:
        if m := pattern.match(line.text):
            return m.group(1)
    return ""


def _region(title: str, actor: str) -> str:
    """The place a case is in: 「（千葉県松戸市）」, 「（…：島根県出雲市）」 or the 医師会's area."""
    m = re.search(r"（([^（）]+)）\s*$", title)
    region = m.group(1) if m else actor
    region = region.rsplit("：", 1)[-1]
    if m := re.search(r"法人(.+?)医師会$", region):
        region = m.group(1)
    return region


def case_text(fields: dict[str, str]) -> str:
    """The display/search text of a case: each field once under its own label, then the 基本情報 rows."""
    parts = [f"【{label}】\n{fields[key]}" for key, label in _TEXT_FIELDS if fields.get(key)]
    info = [f"{INFO_LABELS[key]}：{fields[key]}" for key in _TEXT_INFO if fields.get(key)]
    return "\n".join([*parts, *(["【基本情報】", *info] if info else [])])


_TEXT_FIELDS = (("background", "背景・課題"), ("overview", "取組概要"), ("effects", "効果"), ("activities", "主な取組内容"))
_TEXT_INFO = ("population", "area", "start", "url", "contact")


def parse_cases(lines: Sequence[Line]) -> list[CaseStudy]:
    """Parse the 16 case studies with their table attributes and page fields."""
    texts = [ln.text for ln in lines]
    rows = _table_rows(texts)
    cited = cited_functions(texts)
    cases = []
    for number, title, body in _case_blocks(lines):
        row = rows[number - 1]
        # The 2号 guess ranks functions by word counts over the case's own lines (not the rendered text).
        counted = repair(ln.text for ln in body if not _POPULATION.match(ln.text) and not _AREA_SIZE.match(ln.text))
        named = f"{title}\n{row.summary}"
        functions, basis = _functions(row, named, counted, cited.get(row.doc_page or -1, set()))
        page = case_fields([ln.text for ln in body])
        fields = {  # the 基本情報 rows as printed (事例8's 「―」 included)
            "background": page.background, "overview": page.overview, "activities": page.activities,
            "effects": page.effects, **page.info,
        }
        cases.append(
            CaseStudy(
                number=number,
                id=f"事例{number}",
                title=title,
                lead=row.lead,
                actor=row.actor,
                region=_region(title, row.actor),
                population=page.info.get("population", ""),
                area=page.info.get("area", ""),
                area_type=row.area_type,
                functions=functions,
                other=row.other,
                summary=row.summary,
                text=case_text(fields),
                page=row.doc_page,  # the 事例集's own page, as the guideline cites it (「事例集 P.9」)
                doc_page=row.doc_page,
                marks=row.marks,
                functions_basis=basis,
                background=page.background,
                overview=page.overview,
                activities=page.activities,
                effects=page.effects,
                start=page.info.get("start", ""),
                url=url_of(page.info),
                contact=page.info.get("contact", ""),
            )
        )
    if [c.number for c in cases] != list(range(1, 17)):
        raise CaseParseError(f"事例は1〜16が必要ですが {[c.number for c in cases]} でした")
    return cases
