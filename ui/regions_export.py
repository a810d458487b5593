"""Regional tables as files: CSV shaped as the 課題管理シート skeleton (別添6), and a plain figures table."""

from __future__ import annotations

import csv
import io

from assistant.regional import LACKING_RULE, LEVEL_LABELS, AreaFigures, RegionalTable
from ui.render import inert_cell

SHEET_COLUMNS = ("地域", "機能", "現状：医療機関数", "現状：人口1万人あたり", "現状：75歳以上人口1千人あたり",
                 "都道府県全体：75歳以上人口1千人あたり", "不足の目安", "課題", "方策", "目標・評価")


def sheet_csv(table: RegionalTable) -> str:
    """The 課題管理シート skeleton: 現状 filled from the figures, 課題・方策・目標 left for the 協議の場.

    UTF-8 with BOM and CRLF (opens in Excel); a header block says what the numbers are and where they come from.
    """
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    notice = "サンプル（架空）データによる集計です。実在の医療機関の状況ではありません。" if table.sample else ""
    for line in (f"課題管理シート（現状の集計）：{table.prefecture}・{LEVEL_LABELS[table.level]}単位",
                 f"報告基準日：{table.as_of or '不明'}／データ：{table.source}", notice,
                 f"人口：住民基本台帳（{table.population_date}現在）", LACKING_RULE, *table.credits):
        if line:
            writer.writerow([inert_cell(line)])
    writer.writerow([])
    writer.writerow(SHEET_COLUMNS)
    labels = {i.key: i.label for i in table.indicators}
    for row in (*table.rows, table.whole):
        for f in row.figures:
            writer.writerow([inert_cell(row.area.name), inert_cell(labels[f.key]), f.count, _n(f.per_10k),
                             _n(f.per_1k_75), _n(f.prefecture_per_1k_75), "該当" if f.lacking else "", "", "", ""])
    return out.getvalue()


def _n(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


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
