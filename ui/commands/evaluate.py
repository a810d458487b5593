"""`kakari eval`: run the gold suites, print a table, write JSON + Markdown + PNG, optionally gate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assistant.service import Assistant
from corpus.settings import Settings
from evals.harness import gate, load_thresholds, run_eval
from evals.report import summary_table, write_reports
from evals.scoring import AssistantLike
from evals.suites import (
    ALL_SPLITS,
    QUICK_SUITES,
    SUITE_NAMES,
    SuiteError,
    active_records_path,
    load_records,
)


def assistant_factory(settings: Settings) -> AssistantLike:
    """The real assistant for one settings variant."""
    return Assistant(settings)


def _splits(split: str) -> tuple[str, ...]:
    if split == "all":
        return ALL_SPLITS
    if split not in ALL_SPLITS:
        typer.echo(f"エラー: --split は {' / '.join(ALL_SPLITS)} / all のいずれかです（{split}）", err=True)
        raise typer.Exit(2)
    return (split,)


SuiteOpt = Annotated[list[str] | None, typer.Option("--suite", help=f"評価セット（複数可）: {', '.join(SUITE_NAMES)}")]
SplitOpt = Annotated[str, typer.Option("--split", help=f"{' / '.join(ALL_SPLITS)} / all（all はすべての分割）")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="レポートの出力先（既定: データフォルダ/evals）")]
GateOpt = Annotated[bool, typer.Option("--gate", help="基準値（evals/thresholds.toml）を下回ったら終了コード 1")]
QuickOpt = Annotated[bool, typer.Option("--quick", help="CI 用の短縮版（qa・facility・safety・intent の dev と blind 分割、アブレーションなし）")]
AblationOpt = Annotated[bool, typer.Option("--ablations/--no-ablations", help="検索設定のアブレーションを実行する")]
RecordsOpt = Annotated[Path | None, typer.Option("--records", help="正解集合の計算に使う医療機関データ（JSONL）")]


def evaluate(
    ctx: typer.Context,
    suite: SuiteOpt = None,
    split: SplitOpt = "all",
    out: OutOpt = None,
    gate_flag: GateOpt = False,
    quick: QuickOpt = False,
    ablations: AblationOpt = True,
    records: RecordsOpt = None,
) -> None:
    """評価セットでアシスタントの正確さを測ります。"""
    settings: Settings = ctx.obj
    suite = suite or []
    unknown = [s for s in suite if s not in SUITE_NAMES]
    if unknown:
        typer.echo(f"エラー: 不明な評価セットです: {', '.join(unknown)}（選べるもの: {', '.join(SUITE_NAMES)}）", err=True)
        raise typer.Exit(2)
    suites = list(QUICK_SUITES) if quick and not suite else (suite or list(SUITE_NAMES))
    splits = ("dev", "blind") if quick else _splits(split)  # later blind splits stay out of routine runs
    try:
        facility_records = load_records(records or active_records_path(settings.data_dir))
    except (OSError, ValueError) as exc:
        typer.echo(f"エラー: 医療機関データを読み込めません: {exc}", err=True)
        raise typer.Exit(2) from exc
    try:
        run = run_eval(settings, assistant_factory, facility_records, suites, splits,
                       ablations=ablations and not quick, progress=lambda msg: typer.echo(msg, err=True))
    except SuiteError as exc:
        typer.echo(f"エラー: {exc}", err=True)
        raise typer.Exit(2) from exc
    problems = gate(run.summaries, load_thresholds()) if gate_flag else []
    if gate_flag and run.failures:
        problems.append(f"{len(run.failures)} 件のケースがエラーになりました")
    paths = write_reports(run, out or settings.data_dir / "evals", problems, gated=gate_flag)
    typer.echo(summary_table(run.summaries))
    for failure in run.failures:
        typer.echo(f"エラー: {failure.suite}/{failure.id}: {failure.error}", err=True)
    typer.echo(f"\nレポート: {paths['markdown']}\nJSON: {paths['json']}")
    if problems:
        typer.echo("ゲート不合格:\n" + "\n".join(f"  - {p}" for p in problems), err=True)
        raise typer.Exit(1)
    if gate_flag:
        typer.echo("ゲート合格")


def register(app: typer.Typer) -> None:
    """Attach the command to the root app."""
    app.command("eval")(evaluate)
