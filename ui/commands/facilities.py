"""`kakari facilities ...`: import real data (ナビイ, 機能報告 CSV), export the active dataset, stats."""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from corpus.dataset import DatasetError, FacilityDataset, load_facilities, remove_active, save_dataset
from corpus.facility import Facility
from corpus.importers.common import ImportFailed, ImportReport
from corpus.importers.navii import import_navii
from corpus.importers.report import import_report
from corpus.importers.report_layout import report_csv, report_row
from corpus.sample import SEED
from corpus.sample_national import generate_national
from corpus.settings import Settings
from retrieval.store import ColumnStore, active_path, column_file

app = typer.Typer(no_args_is_help=True)
import_app = typer.Typer(no_args_is_help=True, help="実データの取込（取り込むとこのデータディレクトリの有効データになります）")
app.add_typer(import_app, name="import")

MAX_ISSUES_SHOWN = 50


def _settings(ctx: typer.Context) -> Settings:
    return ctx.obj if isinstance(ctx.obj, Settings) else Settings()


def _print_report(report: ImportReport) -> None:
    issues = report.issues
    for issue in issues[:MAX_ISSUES_SHOWN]:
        typer.echo(issue.format(), err=True)
    if len(issues) > MAX_ISSUES_SHOWN:
        typer.echo(f"…ほか {len(issues) - MAX_ISSUES_SHOWN} 件の指摘", err=True)
    rows = sum(f.rows for f in report.files)
    typer.echo(f"{rows} 行を読み、{report.skipped} 行を取り込みませんでした（新規 {report.added} 件・更新 {report.updated} 件）。")
    typer.echo(f"有効データ: {report.dataset.source}（{len(report.dataset)} 件）")


def _run_import(action: Callable[[], ImportReport], folder: Path) -> None:
    try:
        report = action()
    except (ImportFailed, DatasetError) as exc:
        typer.echo(f"エラー: {exc}", err=True)
        typer.echo("データは変更していません。", err=True)
        raise typer.Exit(1) from exc
    _print_report(report)
    _build_columns(folder)


def _build_columns(folder: Path) -> None:
    """Build the search columns now, so a running server switches to the new data without a slow first answer."""
    started = time.perf_counter()
    store = ColumnStore.open(active_path(folder))
    typer.echo(f"検索用の列を作成しました（{len(store)} 件、{time.perf_counter() - started:.1f} 秒）。"
               "起動中のサーバーは次のリクエストから新しいデータを使います。")


@app.command("sample")
def sample_cmd(
    ctx: typer.Context,
    scale: Annotated[str, typer.Option("--scale", help="national（全国・約8.8万件）")] = "national",
    fraction: Annotated[float, typer.Option("--fraction", help="件数の倍率（1.0 で全国の実数に近い件数）")] = 1.0,
    seed: Annotated[int, typer.Option("--seed", help="乱数の種（同じ種なら同じデータ）")] = SEED,
    out: Annotated[Path | None, typer.Option("--out", help="JSONL に書き出すだけで、有効データにはしない")] = None,
) -> None:
    """架空の全国サンプルを作ります（既定では有効データにします。`kakari facilities reset` で同梱サンプルに戻ります）。"""
    if scale != "national":
        typer.echo(f"エラー: --scale は national のみです（同梱の小さなサンプルは常に使えます）: {scale}", err=True)
        raise typer.Exit(2)
    if not 0.01 <= fraction <= 3.0:
        typer.echo("エラー: --fraction は 0.01〜3.0 で指定してください", err=True)
        raise typer.Exit(2)
    records = list(generate_national(seed, fraction))
    if out is not None:
        with out.open("w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(f.to_dict(), ensure_ascii=False) + "\n" for f in records)
        typer.echo(f"架空の全国サンプル {len(records)} 件を {out} に書き出しました。", err=True)
        return
    folder = _settings(ctx).facilities_dir
    save_dataset(folder, records, "全国サンプルデータ（架空の医療機関）", [{"kind": "sample", "seed": seed,
                 "fraction": fraction, "rows": len(records)}], sample=True)
    typer.echo(f"架空の全国サンプル {len(records)} 件を有効データにしました。")
    _build_columns(folder)


@app.command("reset")
def reset_cmd(ctx: typer.Context) -> None:
    """取り込んだデータを外し、同梱の架空サンプルに戻します。"""
    folder = _settings(ctx).facilities_dir
    removed = remove_active(folder)
    with contextlib.suppress(FileNotFoundError):
        column_file(active_path(folder)).unlink()
    typer.echo("同梱のサンプルデータに戻しました。" if removed else "取り込んだデータはありません（同梱のサンプルを使用中）。")


@import_app.command("navii")
def import_navii_cmd(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="ナビイのオープンデータ（01-1_hospital_… / 02-1_clinic_… の CSV）")],
) -> None:
    """ナビイ（医療情報ネット）の施設票を取り込みます（機能報告の情報は含まれません）。"""
    folder = _settings(ctx).facilities_dir
    _run_import(lambda: import_navii(folder, files), folder)


@import_app.command("report")
def import_report_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="かかりつけ医機能報告の CSV（docs/report-template.csv の形式）")],
) -> None:
    """かかりつけ医機能報告の CSV を医療機関IDで基本データに結び付けて取り込みます。"""
    folder = _settings(ctx).facilities_dir
    _run_import(lambda: import_report(folder, file), folder)


def _active(ctx: typer.Context) -> FacilityDataset:
    try:
        return load_facilities(_settings(ctx).facilities_dir)
    except DatasetError as exc:
        typer.echo(f"エラー: {exc}", err=True)
        raise typer.Exit(1) from exc


@app.command("export")
def export_cmd(
    ctx: typer.Context,
    format: Annotated[str, typer.Option("--format", help="出力形式: jsonl（記録そのもの）/ report-csv（報告の様式、"
                                                         "docs/report-template.csv の列）")] = "jsonl",
    out: Annotated[Path | None, typer.Option("--out", help="出力ファイル（省略時は標準出力）")] = None,
) -> None:
    """有効なデータセットを出力します（jsonl: 1 行 1 医療機関、report-csv: 報告済みの医療機関を報告の様式で）。"""
    if format not in ("jsonl", "report-csv"):
        typer.echo(f"エラー: 出力形式「{format}」には対応していません（jsonl / report-csv）", err=True)
        raise typer.Exit(2)
    dataset = _active(ctx)
    if format == "report-csv":
        rows = [r for r in map(report_row, dataset.records) if r is not None]
        count, lines = len(rows), report_csv(rows)
    else:
        count, lines = len(dataset), (json.dumps(f.to_dict(), ensure_ascii=False) + "\n" for f in dataset.records)
    if out is None:
        sys.stdout.writelines(lines)
        return
    try:
        with out.open("w", encoding="utf-8", newline="") as fh:
            fh.writelines(lines)
    except OSError as exc:
        typer.echo(f"エラー: {out} に書き込めません: {exc.strerror or exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"{count} 件を {out} に出力しました（{dataset.source}）。", err=True)


FUNCTION_COLUMNS: tuple[tuple[str, Callable[[Facility], bool]], ...] = (
    ("1号", lambda f: bool(f.function1 and f.function1.has)),
    ("時間外", lambda f: bool(f.off_hours and f.off_hours.modes)),
    ("入退院", lambda f: bool(f.admission_support and f.admission_support.has)),
    ("在宅", lambda f: bool(f.home_care and f.home_care.has)),
    ("在宅24h", lambda f: bool(f.home_care and f.home_care.around_the_clock)),
    ("介護連携", lambda f: bool(f.care_collaboration and f.care_collaboration.has)),
    ("未報告", lambda f: f.function1 is None),
)


def _counts(records: list[Facility]) -> list[int]:
    return [len(records), *(sum(1 for f in records if test(f)) for _, test in FUNCTION_COLUMNS)]


@app.command("stats")
def stats_cmd(ctx: typer.Context) -> None:
    """市区町村ごと・機能ごとの件数を表示します。"""
    dataset = _active(ctx)
    kind = "サンプル（架空）" if dataset.sample else "取込データ"
    typer.echo(f"データ: {dataset.source} [{kind}] 基準日 {dataset.as_of or '不明'} 全 {len(dataset)} 件")
    groups: dict[tuple[str, str, str], list[Facility]] = {}
    for f in dataset.records:
        groups.setdefault((f.municipality_code, f.prefecture, f.municipality), []).append(f)
    header = ["コード", "市区町村", "件数", *(name for name, _ in FUNCTION_COLUMNS)]
    typer.echo("\t".join(header))
    for (code, pref, name), records in sorted(groups.items()):
        typer.echo("\t".join([code, pref + name, *map(str, _counts(records))]))
    for pref in sorted({f.prefecture for f in dataset.records}):
        totals = _counts([f for f in dataset.records if f.prefecture == pref])
        typer.echo("\t".join(["計", pref, *map(str, totals)]))
    typer.echo("\t".join(["計", "全体", *map(str, _counts(list(dataset.records)))]))
