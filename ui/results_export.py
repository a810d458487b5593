"""A facility result list as files: CSV (UTF-8 BOM, CRLF) and XLSX, with a header block saying what was searched."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ui.render import CSV_COLUMNS, csv_cell, inert_cell

_UNSAFE = re.compile(r'[\\/:*?"<>|\s\x00-\x1f]+')


@dataclass(frozen=True)
class ResultExport:
    """All matches of one search and what the header block says about them."""

    facilities: tuple[Mapping[str, Any], ...]
    conditions: str
    area: str
    origin: str
    notice: str
    made_on: date
    capped: bool = False  # True when more matched than the export holds (the assistant's limit)

    def header(self) -> list[str]:
        """The lines above the table (one cell each)."""
        dates = sorted({str(f.get("as_of") or "") for f in self.facilities} - {""})
        count = f"{len(self.facilities)}件" + ("（先頭の分だけ。条件を絞ってください）" if self.capped else "（条件に合うすべて）")
        lines = ["kakari 医療機関の検索結果", f"条件：{self.conditions.removeprefix('条件：') or 'なし'}",
                 f"地域：{self.area or '全域'}", f"件数：{count}",
                 f"報告基準日：{'、'.join(dates) or '不明'}", f"作成日：{self.made_on.isoformat()}"]
        if self.origin:
            lines.append(f"距離の基準：{self.origin}からの直線距離")
        if self.notice:
            lines.append(f"注意：{self.notice}")
        return lines

    def file_name(self, ext: str) -> str:
        """kakari_医療機関_高知市_診療所・24時間の在宅医療_2026-12-04.csv (no path characters)."""
        conditions = self.conditions.removeprefix("条件：")
        parts = ["kakari_医療機関", self.area or "全域", conditions[:40] or "条件なし", self.made_on.isoformat()]
        return "_".join(_UNSAFE.sub("", p) or "-" for p in parts) + f".{ext}"

    def rows(self) -> list[list[str]]:
        """One row per facility, every cell inert (a value never runs as a spreadsheet formula)."""
        return [[inert_cell(csv_cell(fac, key, rank)) for _, key in CSV_COLUMNS]
                for rank, fac in enumerate(self.facilities, start=1)]


def export_csv(export: ResultExport) -> bytes:
    """The header block, a blank line, then the table (UTF-8 with BOM, CRLF: spreadsheet software reads it)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for line in export.header():
        writer.writerow([inert_cell(line)])
    writer.writerow([])
    writer.writerow([label for label, _ in CSV_COLUMNS])
    writer.writerows(export.rows())
    return out.getvalue().encode("utf-8-sig")


def export_xlsx(export: ResultExport) -> bytes:
    """The same content as one worksheet; the column titles are bold and stay in view when scrolling."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    ws = book.active
    ws.title = "検索結果"
    for line in export.header():
        ws.append([inert_cell(line)])
    ws.append([])
    ws.append([label for label, _ in CSV_COLUMNS])
    head_row = ws.max_row
    for cell in ws[head_row]:
        cell.font = Font(bold=True)
    for row in export.rows():
        ws.append(row)
    ws.freeze_panes = ws.cell(row=head_row + 1, column=1)
    for i, width in enumerate((6, 34, 8, 12, 34, 16, 28, 9, 50, 20, 12, 12, 14), start=1):
        ws.column_dimensions[ws.cell(row=head_row, column=i).column_letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_of(
    facilities: Sequence[Mapping[str, Any]], answer: Mapping[str, Any], origin: str, made_on: date, capped: bool,
) -> ResultExport:
    """Build the export from all matches and the answer they belong to."""
    location = answer.get("location") or {}
    return ResultExport(tuple(facilities), str(answer.get("conditions") or ""), str(location.get("label") or ""),
                        origin, str(answer.get("notice") or ""), made_on, capped)
