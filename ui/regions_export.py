"""Regional tables as files: the 課題管理シート skeleton (別添6) and a 公表シート-style summary (別添7), as CSV or
XLSX, and the JSON served by the API.

One place builds the rows (:func:`sheets`); CSV and XLSX only lay them out. The 課題管理シート columns follow the
guideline's 協議イメージ (第4章第4節): 現状 is filled from the figures, 地域の具体的な課題・原因・目指すべき姿・方策と
役割分担・期待できる効果とその指標 are left for the 協議の場.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from assistant.regional import LACKING_RULE, LEVEL_LABELS, AreaFigures, RegionalTable
from ui.render import inert_cell

Cell = str | int | float | None

SHEET_COLUMNS = ("地域", "機能", "現状：医療機関数", "現状：人口1万人あたり", "現状：75歳以上人口1千人あたり",
                 "都道府県全体：75歳以上人口1千人あたり", "不足の目安", "地域の具体的な課題", "様々な視点から考えられる原因",
                 "地域で目指すべき姿", "方策と役割分担", "方策により期待できる効果とその指標")
SUMMARY_COLUMNS = ("地域", "人口", "75歳以上人口", "医療機関数", "報告済み", "不足の目安に当たる機能", "協議の結果（記入）")
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True, slots=True)
class Sheet:
    """One table of an export: a title, header lines (what the numbers are, basis, credits), columns and rows."""

    title: str
    header: tuple[str, ...]
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def _header(table: RegionalTable, what: str) -> tuple[str, ...]:
    notice = "サンプル（架空）データによる集計です。実在の医療機関の状況ではありません。" if table.sample else ""
    lines = (f"{what}：{table.prefecture}・{LEVEL_LABELS[table.level]}単位",
             f"報告基準日：{table.as_of or '不明'}／データ：{table.source}", notice,
             f"人口：住民基本台帳（{table.population_date}現在）", LACKING_RULE, *table.credits)
    return tuple(line for line in lines if line)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def sheets(table: RegionalTable) -> tuple[Sheet, Sheet]:
    """The 課題管理シート skeleton (one row per area × function) and the 公表シート-style summary (one row per area)."""
    labels = {i.key: i.label for i in table.indicators}
    areas = (*table.rows, table.whole)
    sheet_rows = tuple(
        (row.area.name, labels[f.key], f.count, _rounded(f.per_10k), _rounded(f.per_1k_75),
         _rounded(f.prefecture_per_1k_75), "該当" if f.lacking else "", "", "", "", "", "")
        for row in areas for f in row.figures)
    summary_rows = tuple(
        (row.area.name, row.area.population, row.area.population_75plus, row.facilities, row.reported,
         "、".join(labels[f.key] for f in row.figures if f.lacking) or "なし", "")
        for row in areas)
    return (Sheet("課題管理シート", _header(table, "課題管理シート（現状の集計）"), SHEET_COLUMNS, sheet_rows),
            Sheet("公表シート", _header(table, "協議の結果の公表シート（現状の要約）"), SUMMARY_COLUMNS, summary_rows))


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return inert_cell(str(value)) if isinstance(value, str) else str(value)


def sheet_csv(table: RegionalTable) -> str:
    """The 課題管理シート skeleton as CSV: UTF-8 with BOM and CRLF (opens in Excel), header block first."""
    return _csv(sheets(table)[0])


def summary_csv(table: RegionalTable) -> str:
    """The 公表シート-style summary as CSV."""
    return _csv(sheets(table)[1])


def _csv(sheet: Sheet) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    for line in sheet.header:
        writer.writerow([inert_cell(line)])
    writer.writerow([])
    writer.writerow(sheet.columns)
    for row in sheet.rows:
        writer.writerow([_text(v) for v in row])
    return out.getvalue()


def sheets_xlsx(table: RegionalTable) -> bytes:
    """Both sheets in one workbook: numbers stay numbers, text is never a formula, the header block sits on top."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    book.remove(book.active)
    for sheet in sheets(table):
        ws = book.create_sheet(sheet.title)
        for line in sheet.header:
            ws.append([inert_cell(line)])
        ws.append([])
        ws.append(list(sheet.columns))
        head_row = ws.max_row
        for cell in ws[head_row]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in sheet.rows:  # inert_cell: a value that starts like a formula is stored as text
            ws.append([inert_cell(v) if isinstance(v, str) else v for v in row])
        ws.freeze_panes = ws.cell(row=head_row + 1, column=1)
        for i in range(1, len(sheet.columns) + 1):
            ws.column_dimensions[ws.cell(row=head_row, column=i).column_letter].width = 22 if i <= 2 else 14
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_name(table: RegionalTable, ext: str, what: str = "課題管理シート") -> str:
    """A file name that says what the file holds: kakari_課題管理シート_高知県_二次医療圏_2026-01-01.csv."""
    return f"kakari_{what}_{table.prefecture}_{LEVEL_LABELS[table.level]}_{table.as_of or '基準日不明'}.{ext}"


def table_dict(table: RegionalTable) -> dict[str, object]:
    """The JSON form served by ``GET /api/regions/{prefecture}``."""
    def row(r: AreaFigures) -> dict[str, object]:
        a = r.area
        return {"code": a.code, "name": a.name, "population": a.population, "population_75plus": a.population_75plus,
                "members": list(a.members), "facilities": r.facilities, "reported": r.reported,
                "figures": [{"indicator": f.key, "count": f.count, "per_10k": f.per_10k, "per_1k_75plus": f.per_1k_75,
                             "prefecture_per_1k_75plus": f.prefecture_per_1k_75, "lacking": f.lacking}
                            for f in r.figures],
                "amounts": dict(r.amounts)}
    return {"prefecture": table.prefecture, "level": table.level.value, "covered": table.covered,
            "sample": table.sample, "as_of": table.as_of, "source": table.source,
            "population_date": table.population_date, "lacking_rule": LACKING_RULE, "credits": list(table.credits),
            "indicators": [{"key": i.key, "label": i.label, "group": i.group} for i in table.indicators],
            "areas": [row(r) for r in table.rows], "whole": row(table.whole)}
