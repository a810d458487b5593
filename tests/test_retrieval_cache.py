"""Shipped passage-vector cache: coverage of the shipped corpus, fidelity, stale text re-embedded, old indexes removed."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from corpus.passage import Passage
from corpus.settings import RetrievalSettings
from corpus.store import load_passages, record_from_dict
from retrieval import embedders
from retrieval.embedding_cache import SHIPPED_CACHE_DIR, EmbeddingCache, cache_path, embed_passages, text_hash
from retrieval.text_search import MANIFEST, TextIndex
from tests.data.fake_embedder import FakeEmbedder
from ui.cli import app

FIXTURE = Path(__file__).parent / "data" / "retrieval_passages.jsonl"
DEFAULT_EMBEDDER = RetrievalSettings().embedder
REGENERATE = "`kakari index build --embedder {name} --write-cache` で作り直してください"


@pytest.fixture(scope="module")
def passages() -> list[Passage]:
    rows = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [record_from_dict(Passage, row) for row in rows]


@pytest.fixture
def cache_dir(tmp_path: Path, passages: list[Passage]) -> Path:
    """A cache of the fixture passages written by the fake embedder (version 1)."""
    model = FakeEmbedder()
    folder = tmp_path / "cache"
    EmbeddingCache.from_vectors(passages, model.embed_documents([p.search_text for p in passages]),
                                model.fingerprint()).save(cache_path(model.name, folder))
    return folder


def _edit(passages: list[Passage], change: str) -> list[Passage]:
    """The fixture passages with one change applied to the first one."""
    first = passages[0]
    if change == "text":
        first = dataclasses.replace(first, search_text=first.search_text + "（改訂）")
    elif change == "id":
        first = dataclasses.replace(first, id=first.id + "-new")
    return [first, *passages[1:]]


@pytest.mark.parametrize(
    ("change", "version", "expected_embedded"),
    [
        ("none", "1", 0),  # everything cached
        ("text", "1", 1),  # the edited passage only
        ("id", "1", 1),  # a renamed passage is not matched by its old id
        ("none", "2", "all"),  # another model version: nothing is reused
    ],
)
def test_build_reuses_only_matching_vectors(  # type: ignore[no-untyped-def]
    tmp_path, passages, cache_dir, change, version, expected_embedded
) -> None:
    edited, model = _edit(passages, change), FakeEmbedder(version)
    index = TextIndex.build(edited, RetrievalSettings(fusion="dense", rerank=False), tmp_path / "index", model, cache_dir)
    expected = len(edited) if expected_embedded == "all" else expected_embedded
    assert len(model.embedded) == expected
    assert index.manifest["cached_vectors"] == len(edited) - expected
    if change == "text":
        assert model.embedded == [edited[0].search_text]


def test_changed_text_is_served_with_its_new_vector(tmp_path, passages, cache_dir) -> None:  # type: ignore[no-untyped-def]
    edited, model = _edit(passages, "text"), FakeEmbedder()
    index = TextIndex.build(edited, RetrievalSettings(fusion="dense", rerank=False), tmp_path / "index", model, cache_dir)
    hit = index.search(edited[0].search_text, 1)[0]  # the fake query vector equals the fresh passage vector
    assert hit.passage.id == edited[0].id and hit.score == pytest.approx(1.0, abs=1e-3)


@pytest.mark.parametrize("content", [b"not an npz", b""])
def test_unreadable_or_missing_cache_embeds_everything(tmp_path, passages, content: bytes) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "cache"
    folder.mkdir()
    if content:
        cache_path("fake", folder).write_bytes(content)
    model = FakeEmbedder()
    vectors, reused = embed_passages(passages, model, EmbeddingCache.load(cache_path("fake", folder)))
    assert reused == 0 and len(model.embedded) == len(passages) and vectors.shape == (len(passages), 16)


def test_round_trip_keeps_ids_hashes_and_vectors(tmp_path, passages) -> None:  # type: ignore[no-untyped-def]
    model = FakeEmbedder()
    vectors = model.embed_documents([p.search_text for p in passages])
    path = EmbeddingCache.from_vectors(passages, vectors, model.fingerprint()).save(tmp_path / "c.npz")
    loaded = EmbeddingCache.load(path)
    assert loaded is not None and loaded.fingerprint == "fake:1" and loaded.ids == tuple(p.id for p in passages)
    assert loaded.hashes == tuple(text_hash(p.search_text) for p in passages)
    np.testing.assert_allclose(loaded.vectors, vectors, atol=2e-3)  # float16 on disk
    with np.load(path, allow_pickle=False) as data:  # plain arrays, no pickle
        assert data["vectors"].dtype == np.float16


# ---- the shipped cache ---------------------------------------------------------------------------


def _shipped_embedders() -> list[str]:
    shipped = {p.stem.removeprefix("embeddings-") for p in SHIPPED_CACHE_DIR.glob("embeddings-*.npz")}
    return sorted(shipped | {DEFAULT_EMBEDDER} - {"none"})


@pytest.fixture(scope="module", params=_shipped_embedders())
def shipped(request):  # type: ignore[no-untyped-def]
    name = request.param
    return name, EmbeddingCache.load(cache_path(name)), embedders.make_embedder(name)


def test_shipped_cache_covers_every_shipped_passage(shipped) -> None:  # type: ignore[no-untyped-def]
    name, cache, model = shipped
    assert cache is not None, f"{cache_path(name)} がありません。" + REGENERATE.format(name=name)
    assert cache.fingerprint == model.fingerprint(), "埋め込みモデルの版が違います。" + REGENERATE.format(name=name)
    stale = [p.id for p in load_passages() if cache.lookup(p.id, p.search_text, model.fingerprint()) is None]
    assert not stale, f"キャッシュにない／本文が変わったパッセージ {len(stale)} 件: {stale[:5]}。" + REGENERATE.format(name=name)


def test_shipped_vectors_equal_freshly_computed_ones(shipped) -> None:  # type: ignore[no-untyped-def]
    name, cache, model = shipped
    assert cache is not None
    sample = sorted(load_passages(), key=lambda p: len(p.search_text))[:2] + [load_passages()[0]]
    fresh = model.embed_documents([p.search_text for p in sample])
    cached = np.array([cache.lookup(p.id, p.search_text, model.fingerprint()) for p in sample])
    np.testing.assert_allclose(cached, fresh, atol=3e-3)  # float16 storage: ~1e-3 per component
    assert np.all(np.sum(cached * fresh, axis=1) > 0.9999)


# ---- cleanup of superseded index folders ---------------------------------------------------------


def test_superseded_index_folders_are_removed(tmp_path, passages) -> None:  # type: ignore[no-untyped-def]
    bm25 = RetrievalSettings(embedder="none")
    old = TextIndex.build(passages, bm25, tmp_path).folder
    other_family = TextIndex.build(passages, dataclasses.replace(bm25, sudachi_mode="A"), tmp_path).folder
    unfinished = tmp_path / "text-0000000000000000"
    unfinished.mkdir()
    new = TextIndex.build(_edit(passages, "text"), bm25, tmp_path)
    assert new.folder.is_dir() and (new.folder / MANIFEST).is_file()
    assert not old.exists(), "an index of an older corpus with the same settings is removed"
    assert other_family.is_dir() and unfinished.is_dir(), "other settings and unfinished builds are kept"
    assert not list(tmp_path.glob(".trash-*"))
    assert new.search(passages[1].search_text[:20], 1)


# ---- CLI -----------------------------------------------------------------------------------------


def test_cli_write_cache_then_build_reuses_it(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(embedders.EMBEDDERS, "fake", FakeEmbedder)
    folder, runner = tmp_path / "cache", CliRunner()
    first = runner.invoke(app, ["index", "build", "--embedder", "fake", "--write-cache", "--cache-dir", str(folder)])
    assert first.exit_code == 0, first.output
    total = len(load_passages())
    assert f"{total} 件、うち既存のベクトルを再利用 0 件" in first.output
    assert f"同梱の埋め込みキャッシュから再利用: {total} 件" in first.output
    cache = EmbeddingCache.load(cache_path("fake", folder))
    assert cache is not None and len(cache.ids) == total
    second = runner.invoke(app, ["index", "build", "--embedder", "fake", "--force", "--cache-dir", str(folder)])
    assert second.exit_code == 0 and f"再利用: {total} 件" in second.output


def test_cli_write_cache_needs_an_embedder() -> None:
    result = CliRunner().invoke(app, ["index", "build", "--embedder", "none", "--write-cache"])
    assert result.exit_code == 1 and "埋め込みキャッシュは書けません" in result.output
