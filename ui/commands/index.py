"""`kakari index build`: build (or rebuild) the text search index under ``data_dir/index``."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Sequence
from pathlib import Path

import typer

from corpus.passage import Passage
from corpus.settings import RetrievalSettings, Settings
from corpus.store import CorpusMissingError, load_passages
from retrieval.embedders import Embedder, EmbedderError, make_embedder
from retrieval.embedding_cache import SHIPPED_CACHE_DIR, EmbeddingCache, cache_path, embed_passages
from retrieval.text_search import TextIndex, TextSearchError
from retrieval.units import units_of

app = typer.Typer(no_args_is_help=True)


def _show_progress() -> None:
    """Print retrieval's progress messages (e.g. 「検索インデックスを構築しています…」) to stderr."""
    logger = logging.getLogger("retrieval")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def write_cache(passages: Sequence[Passage], embedder: Embedder, folder: Path, fresh: bool) -> list[str]:
    """Embed the passages and their sentence units (reusing matching cached vectors unless ``fresh``) and
    write both cache files; one Japanese note per file."""
    notes = []
    for kind, items in (("embeddings", list(passages)), ("units", units_of(passages))):
        path = cache_path(embedder.name, folder, kind)
        previous = None if fresh else EmbeddingCache.load(path)
        vectors, reused = embed_passages(items, embedder, previous)
        EmbeddingCache.from_vectors(items, vectors, embedder.fingerprint()).save(path)
        notes.append(f"埋め込みキャッシュ: {path}（{len(items)} 件、うち既存のベクトルを再利用 {reused} 件）")
    return notes


def _build(
    passages: Sequence[Passage], retrieval: RetrievalSettings, index_dir: Path, force: bool,
    cache_dir: Path, write: bool,
) -> tuple[TextIndex, list[str]]:
    """Optionally refresh the vector cache, then build or open the index (Japanese notes to print)."""
    embedder = make_embedder(retrieval.embedder, retrieval.st_model_path)
    notes = []
    if write:
        if embedder is None:
            raise EmbedderError("埋め込みモデルが none のため、埋め込みキャッシュは書けません（--embedder で指定してください）")
        notes += write_cache(passages, embedder, cache_dir, fresh=force)
    if force or write:
        return TextIndex.build(passages, retrieval, index_dir, embedder, cache_dir=cache_dir), notes
    return TextIndex.open(passages, retrieval, index_dir, embedder, cache_dir), notes


@app.command("build")
def build(
    ctx: typer.Context,
    embedder: str | None = typer.Option(None, "--embedder", help="埋め込みモデル名（use-m3 / e5-small / sentence-transformers / none）"),
    force: bool = typer.Option(False, "--force", help="既存のインデックスがあっても作り直す（--write-cache と併用すると全件を埋め込み直す）"),
    write_cache_flag: bool = typer.Option(
        False, "--write-cache", help="同梱コーパスの埋め込みキャッシュ（retrieval/data/embeddings-<名前>.npz）を作り直す"
    ),
    cache_dir: Path = typer.Option(SHIPPED_CACHE_DIR, "--cache-dir", help="埋め込みキャッシュのフォルダ"),
) -> None:
    """Build the passage index (BM25 + dense vectors) and print build time and counts."""
    settings: Settings = ctx.obj
    retrieval = settings.retrieval if embedder is None else dataclasses.replace(settings.retrieval, embedder=embedder)
    _show_progress()
    started = time.perf_counter()
    try:
        passages = load_passages()
        index, notes = _build(passages, retrieval, settings.index_dir, force, cache_dir, write_cache_flag)
    except (CorpusMissingError, EmbedderError, TextSearchError, OSError) as exc:
        typer.echo(f"エラー: {exc}", err=True)
        raise typer.Exit(1) from exc
    seconds = time.perf_counter() - started
    counts: dict[str, int] = {}
    for p in passages:
        counts[p.source] = counts.get(p.source, 0) + 1
    for note in notes:
        typer.echo(note)
    typer.echo(f"インデックス: {index.folder}")
    fusion = retrieval.fusion if retrieval.embedder != "none" else "bm25（埋め込みなし）"
    typer.echo(f"埋め込みモデル: {retrieval.embedder}　分割モード: {retrieval.sudachi_mode}　融合: {fusion}")
    typer.echo(f"パッセージ数: {len(passages)}（" + "、".join(f"{k} {v}" for k, v in sorted(counts.items())) + "）")
    cached = index.manifest.get("cached_vectors")
    if retrieval.embedder != "none" and cached is not None:
        typer.echo(f"同梱の埋め込みキャッシュから再利用: {cached} 件")
    typer.echo(f"所要時間: {seconds:.1f} 秒")
