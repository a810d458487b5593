"""Regional questions in chat: reading one (「幡多で足りない機能は？」) and answering with a table and its basis."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.markup import md_text
from assistant.parse import ParsedQuery
from assistant.regional import (
    BY_KEY,
    INDICATORS,
    LACKING_RULE,
    LEVEL_LABELS,
    AreaFigures,
    Indicator,
    Level,
    RegionalTable,
    indicator_for,
)
from assistant.where import WhereResult
from corpus.facility import KIND_LABELS
from corpus.municipalities import prefectures
from corpus.regions import MEDICAL_AREAS_AS_OF, medical_areas, region_by_code

# Words that ask for figures about an area rather than for facilities to visit.
_FIGURES = re.compile(r"何\s*(か|カ|ヶ|ケ|箇|ヵ)\s*所|何件|いくつ|(の|な)数(は|を|が)?|件数|割合|人口(あたり|当たり|比|10万|1万|千人)|"
                      r"万人(あたり|当たり)|75歳以上|足りな|足りて(い)?な|不足|充足|手薄|地域の(状況|現状)|現状|比較|比べ|平均|分布|偏り|ごと|"
                      r"(地域|圏域|医療圏|市町村|市区町村|自治体)別")  # 「それとは別に」 is not 「地域別に」
_STRONG = re.compile(r"人口(あたり|当たり|比)|万人(あたり|当たり)|割合|75歳以上|足りな|不足|充足|手薄|地域の(状況|現状)|現状|"
                     r"比較|比べ|平均|分布|偏り|ごと|(地域|圏域|医療圏|市町村|市区町村|自治体)別|足りて(い)?な")
_LACKING = re.compile(r"足りな|足りて(い)?な|不足|充足|手薄|少ない")
_BY_AREA = re.compile(r"(二次)?医療圏(ごと|別)|圏域(ごと|別)")
_BY_MUNICIPALITY = re.compile(r"(市区町村|市町村|市町)(ごと|別)")
OVERVIEW = ("function1", "off_hours", "backup_beds", "home_care", "home_care_24h", "home_deaths", "care_collab", "acp")


@dataclass(frozen=True)
class RegionalRequest:
    """What a regional question asks: whose figures, at which level, for which functions."""

    prefecture: str
    level: Level
    focus: str  # area code the question names ("" = the whole prefecture)
    indicators: tuple[Indicator, ...]
    lacking: bool  # 「足りない機能は？」: list the functions below the stated rule
    kind: str = ""  # 「病院の数」: every count is limited to this kind


def _medical_area(text: str, prefecture: str) -> tuple[str, str] | None:
    """(code, prefecture) of a 二次医療圏 named in the text (a name alone only when unique, never 「〇〇市」)."""
    hits = []
    for area in medical_areas():
        if prefecture and area.prefecture != prefecture:
            continue
        for m in re.finditer(re.escape(area.name), text):
            after = text[m.end():m.end() + 3]
            if after[:1] in ("市", "町", "村", "区", "郡"):
                continue
            hits.append((area, after.startswith(("医療圏", "圏域", "圏"))))
    named = [a for a, suffixed in hits if suffixed] or [a for a, _ in hits if len(a.name) >= 2]
    unique = {a.code: a for a in named}
    if len(unique) == 1:
        area = next(iter(unique.values()))
        return area.code, area.prefecture
    return None


def read_request(parsed: ParsedQuery, place: WhereResult) -> RegionalRequest | None:
    """A regional request when the message asks for figures about a prefecture, 二次医療圏 or 市区町村."""
    text = parsed.text
    if not _FIGURES.search(text):
        return None
    prefecture = next((p for p in prefectures() if p in text), "")
    area = _medical_area(text, prefecture)
    where = place.where
    municipality = where.places[0] if where is not None and where.mode != "everywhere" and where.places else None
    focus, level = "", Level.MEDICAL_AREA
    if area is not None:
        focus, prefecture, level = area[0], area[1], Level.MEDICAL_AREA
    elif municipality is not None and _STRONG.search(text):
        row = region_by_code().get(municipality.code)
        if row is None:  # a 政令市 as a whole is not a row of the table (its 区 are)
            return None
        focus, prefecture, level = municipality.code, row.prefecture, Level.MUNICIPALITY
    elif not prefecture:
        return None
    if not focus:
        level = Level.MUNICIPALITY if _BY_MUNICIPALITY.search(text) else Level.MEDICAL_AREA
    elif _BY_MUNICIPALITY.search(text):
        level = Level.MUNICIPALITY
    chosen: list[Indicator] = []
    kind = ""
    for spec in parsed.specs:  # every condition the parser read becomes a column (the kind limits them all)
        name, value = str(spec["name"]), spec.get("value")
        if name == "kind":
            kind = str(value)
            continue
        if name == "municipality":
            continue
        key = f"{name}:{value}" if value is not None else name
        if all(i.key != key for i in chosen):
            chosen.append(BY_KEY.get(key) or indicator_for(key))
    lacking = bool(_LACKING.search(text))
    if not chosen:
        chosen = list(INDICATORS) if lacking else [BY_KEY[k] for k in OVERVIEW if k in BY_KEY]
    return RegionalRequest(prefecture, level, focus, tuple(chosen), lacking, kind)


def _number(value: float | None) -> str:
    return "－" if value is None else f"{value:.2f}"


def _row_line(row: AreaFigures, keys: tuple[str, ...], mark: bool) -> str:
    cells = []
    for key in keys:
        f = row.figure(key)
        if f is None:
            cells.append("－")
            continue
        flag = "（不足の目安）" if mark and f.lacking else ""
        cells.append(f"{f.count}（{_number(f.per_1k_75)}）{flag}")
    name = f"**{md_text(row.area.name)}**" if mark else md_text(row.area.name)
    return f"| {name} | {row.area.population:,} | {row.facilities} | " + " | ".join(cells) + " |"


def regional_text(table: RegionalTable, request: RegionalRequest, covered: tuple[str, ...]) -> str:
    """The chat answer: the table, what stands out, and the basis of every number."""
    if not table.covered:
        return (f"{table.prefecture}の医療機関は、現在のデータに含まれていません（このデータに含まれる地域："
                f"{'・'.join(covered) or 'なし'}）。実データを取り込むと、この地域の集計ができます。")
    # A named 市区町村 is shown alone beside its prefecture; a named 二次医療圏 among the others, highlighted.
    shown = list(table.rows)
    if request.focus and request.level is Level.MUNICIPALITY:
        shown = [r for r in table.rows if r.area.code == request.focus]
    labels = {i.key: i.label for i in request.indicators}
    unit = LEVEL_LABELS[table.level]
    focus_row = table.row(request.focus) if request.focus else None
    keys = tuple(i.key for i in request.indicators)
    if request.lacking and len(keys) > len(OVERVIEW):  # all were checked; show the overview and what stands out
        flagged = set(focus_row.lacking) if focus_row is not None else set()
        keys = tuple(k for k in keys if k in OVERVIEW or k in flagged)
    limited = f"（{KIND_LABELS.get(request.kind, request.kind)}に限る）" if request.kind else ""
    lines = [f"{md_text(table.prefecture)}の{unit}ごとの、機能ごとの医療機関の数です{limited}"
             "（かっこ内は75歳以上人口1,000人あたり）。"]
    if request.lacking:
        lines.append(_lacking_sentence(focus_row or table.whole, table, labels))
    lines += ["", "| 地域 | 人口 | 医療機関数 | " + " | ".join(md_text(labels[k]) for k in keys) + " |",
              "|" + "---|" * (3 + len(keys))]
    lines += [_row_line(r, keys, bool(focus_row) and r.area.code == request.focus) for r in shown]
    lines.append(_row_line(table.whole, keys, False).replace(f"| {md_text(table.whole.area.name)} |",
                                                              f"| {md_text(table.prefecture)}全体 |"))
    lines += ["", f"根拠：報告事項（{'、'.join(md_text(labels[k]) for k in keys)}）の報告内容"
              f"（報告基準日：{md_text(table.as_of or '不明')}、{md_text(table.source)}）を医療機関ごとに数えました。",
              f"人口は住民基本台帳（{table.population_date}現在）、二次医療圏は{MEDICAL_AREAS_AS_OF}によります。",
              LACKING_RULE, *table.credits]
    return "\n".join(lines)


def _lacking_sentence(row: AreaFigures, table: RegionalTable, labels: dict[str, str]) -> str:
    lacking = [labels[k] for k in row.lacking if k in labels]
    if row is table.whole:
        areas = [r for r in table.rows if r.lacking]
        if not areas:
            return "不足の目安に当たる地域はありません。"
        parts = [f"{md_text(r.area.name)}（{'、'.join(md_text(labels[k]) for k in r.lacking if k in labels)}）"
                 for r in areas]
        return "不足の目安に当たる機能がある地域：" + "／".join(parts)
    if not lacking:
        return f"{md_text(row.area.name)}には、不足の目安に当たる機能はありません。"
    return f"{md_text(row.area.name)}で不足の目安に当たる機能：" + "、".join(md_text(x) for x in lacking)
