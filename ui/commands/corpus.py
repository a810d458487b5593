"""`kakari corpus build|stats`: regenerate the shipped corpus from the seeds and report on it."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from corpus.build import SeedsError, build_corpus
from corpus.cases import CaseStudy
from corpus.passage import Passage
from corpus.qa import QAItem
from corpus.store import CorpusMissingError, data_dir, load_cases, load_guideline, load_passages, load_qa
from corpus.vocab import load_vocab

app = typer.Typer(no_args_is_help=True)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SEEDS = REPO_ROOT.parent / "shared" / "seeds"
Q11_OPENING = "かかりつけ医機能の協議の場の圏域は"


@app.command("build")
def build(
    seeds: Annotated[Path, typer.Option("--seeds", help="元資料（seeds）のフォルダ")] = DEFAULT_SEEDS,
    out: Annotated[Path | None, typer.Option("--out", help="出力先（既定: パッケージ内の corpus/data）")] = None,
) -> None:
    """元資料からコーパス（corpus/data/*.jsonl と vocab.json）を作り直します。"""
    target = out or data_dir()
    started = time.perf_counter()
    try:
        stats = build_corpus(seeds, target)
    except (SeedsError, ValueError) as exc:
        typer.echo(f"エラー: {exc}", err=True)
        raise typer.Exit(1) from exc
    elapsed = time.perf_counter() - started
    typer.echo(f"コーパスを作成しました: {target}")
    for name, count in stats.counts.items():
        typer.echo(f"  {name}: {count}")
    typer.echo(f"所要時間: {elapsed:.2f} 秒")


@app.command("stats")
def stats(
    folder: Annotated[Path | None, typer.Option("--data", help="コーパスのフォルダ（既定: 同梱データ）")] = None,
) -> None:
    """種類ごとの件数と、抜き取り確認の結果を表示します。"""
    try:
        passages = load_passages(folder)
        qa, cases, sections = load_qa(folder), load_cases(folder), load_guideline(folder)
    except CorpusMissingError as exc:
        typer.echo(f"エラー: {exc}", err=True)
        raise typer.Exit(1) from exc
    vocab = load_vocab()
    typer.echo("パッセージ数（種類別）:")
    for source, count in sorted(Counter(p.source for p in passages).items()):
        typer.echo(f"  {source}: {count}")
    typer.echo(f"ガイドライン: {len(sections)} 節 / {sum(len(s.chunks) for s in sections)} チャンク")
    typer.echo(f"Ｑ＆Ａ: {len(qa)} 件 / 事例: {len(cases)} 件")
    typer.echo(f"診療領域: {len(vocab.domains)} / 一次診療の疾患: {len(vocab.diseases)}")
    checks = _spot_checks(qa, cases, passages)
    typer.echo("抜き取り確認:")
    for label, ok in checks:
        typer.echo(f"  [{'OK' if ok else 'NG'}] {label}")
    if not all(ok for _, ok in checks):
        raise typer.Exit(1)


def _spot_checks(qa: list[QAItem], cases: list[CaseStudy], passages: list[Passage]) -> list[tuple[str, bool]]:
    """A few facts any correct build must show."""
    by_id = {item.id: item for item in qa}
    q11 = by_id.get("Q11")
    return [
        ("Ｑ＆Ａは Q1〜Q21 が1件ずつ", [i.id for i in qa] == [f"Q{n}" for n in range(1, 22)]),
        (f"Q11 の回答が「{Q11_OPENING}」で始まる", bool(q11 and q11.answer.startswith(Q11_OPENING))),
        ("事例は16件で、すべてに２号機能の印がある", len(cases) == 16 and all(c.functions for c in cases)),
        ("パッセージIDに重複がない", len({p.id for p in passages}) == len(passages)),
        ("本文に改ページ記号（Ｐ.N）が残っていない", not any("Ｐ." in p.text for p in passages)),
    ]
