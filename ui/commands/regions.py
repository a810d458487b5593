"""`kakari regions show 高知県 [--level medical_area] [--indicator home_care_24h] [--format md|csv|json]`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from assistant.errors import InputError
from assistant.regional import INDICATORS, LACKING_RULE, LEVEL_LABELS
from assistant.service import Assistant
from corpus.settings import Settings
from ui.regions_export import export_name, sheet_csv, sheets_xlsx, summary_csv, table_dict

app = typer.Typer(no_args_is_help=True)


def _settings(ctx: typer.Context) -> Settings:
    return ctx.obj if isinstance(ctx.obj, Settings) else Settings()


@app.command("show")
def show_cmd(
    ctx: typer.Context,
    prefecture: Annotated[str, typer.Argument(help="都道府県名（例：高知県）")],
    level: Annotated[str, typer.Option("--level", help="prefecture / medical_area（二次医療圏） / municipality")]
    = "medical_area",
    indicator: Annotated[list[str] | None, typer.Option("--indicator", help="集計する条件（既定：すべて）")] = None,
    kind: Annotated[str, typer.Option("--kind", help="hospital / clinic に限る")] = "",
    format: Annotated[str, typer.Option("--format", help="md（表）/ csv（課題管理シートの骨組み）/ summary-csv（公表シート形式の要約）/ "
                                                   "xlsx（両方のシート、--out 必須）/ json")] = "md",
    out: Annotated[Path | None, typer.Option("--out", help="出力ファイル（省略時は標準出力）")] = None,
) -> None:
    """地域ごとのかかりつけ医機能の医療機関数・人口あたりの数・不足の目安を表示します。"""
    if format not in ("md", "csv", "summary-csv", "xlsx", "json"):
        typer.echo(f"エラー: --format は md / csv / summary-csv / xlsx / json です: {format}", err=True)
        raise typer.Exit(2)
    try:
        table = Assistant(_settings(ctx)).regional(prefecture, level, indicator or (), kind)
    except InputError as exc:
        typer.echo(f"エラー: {exc}", err=True)
        raise typer.Exit(2) from exc
    if format == "xlsx":
        path = out or Path(export_name(table, "xlsx"))
        path.write_bytes(sheets_xlsx(table))
        typer.echo(f"{path} に書き出しました。", err=True)
        return
    if format == "csv":
        text = sheet_csv(table)
    elif format == "summary-csv":
        text = summary_csv(table)
    elif format == "json":
        text = json.dumps(table_dict(table), ensure_ascii=False, indent=1) + "\n"
    else:
        labels = {i.key: i.label for i in table.indicators}
        lines = [f"# {table.prefecture}（{LEVEL_LABELS[table.level]}ごと）", "",
                 f"データ：{table.source}（報告基準日 {table.as_of or '不明'}）", ""]
        for row in (*table.rows, table.whole):
            lines.append(f"## {row.area.name}（人口 {row.area.population:,}・75歳以上 {row.area.population_75plus:,}・"
                         f"医療機関 {row.facilities}）")
            lines += [f"- {labels[f.key]}：{f.count}（75歳以上1千人あたり {f.per_1k_75}）" + ("　※不足の目安" if f.lacking else "")
                      for f in row.figures]
        lines += ["", LACKING_RULE, *table.credits]
        text = "\n".join(lines) + "\n"
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8", newline="")
        typer.echo(f"{out} に書き出しました。", err=True)


@app.command("indicators")
def indicators_cmd() -> None:
    """集計できる機能（条件）の一覧です。"""
    for ind in INDICATORS:
        typer.echo(f"{ind.key}\t{ind.group}\t{ind.label}")
