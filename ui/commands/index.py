"""`kakari index build`: build (or rebuild) the text search index under ``data_dir/index``."""

from __future__ import annotations

import dataclasses
import logging
import time

import typer

from corpus.settings import Settings
from corpus.store import CorpusMissingError, load_passages
from retrieval.embedders import EmbedderError
from retrieval.text_search import TextIndex, TextSearchError

app = typer.Typer(no_args_is_help=True)


def _show_progress() -> None:
    """Print retrieval's progress messages (e.g. 「検索インデックスを構築しています…」) to stderr."""
    logger = logging.getLogger("retrieval")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)


@app.command("build")
def build(
    ctx: typer.Context,
    embedder: str | None = typer.Option(None, "--embedder", help="埋め込みモデル名（use-m3 / e5-small / sentence-transformers / none）"),
    force: bool = typer.Option(False, "--force", help="既存のインデックスがあっても作り直す"),
) -> None:
    """Build the passage index (BM25 + dense vectors) and print build time and counts."""
    settings: Settings = ctx.obj
    retrieval = settings.retrieval if embedder is None else dataclasses.replace(settings.retrieval, embedder=embedder)
    _show_progress()
    started = time.perf_counter()
    try:
        passages = load_passages()
        opener = TextIndex.build if force else TextIndex.open
        index = opener(passages, retrieval, settings.index_dir)
    except (CorpusMissingError, EmbedderError, TextSearchError) as exc:
        typer.echo(f"エラー: {exc}", err=True)
        raise typer.Exit(1) from exc
    seconds = time.perf_counter() - started
    counts: dict[str, int] = {}
    for p in passages:
        counts[p.source] = counts.get(p.source, 0) + 1
    typer.echo(f"インデックス: {index.folder}")
    fusion = retrieval.fusion if retrieval.embedder != "none" else "bm25（埋め込みなし）"
    typer.echo(f"埋め込みモデル: {retrieval.embedder}　分割モード: {retrieval.sudachi_mode}　融合: {fusion}")
    typer.echo(f"パッセージ数: {len(passages)}（" + "、".join(f"{k} {v}" for k, v in sorted(counts.items())) + "）")
    typer.echo(f"所要時間: {seconds:.1f} 秒")
