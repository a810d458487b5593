"""Hybrid text search over passages: BM25 on Sudachi tokens + dense vectors in Chroma, fused by settings."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from corpus.passage import Passage
from corpus.settings import RetrievalSettings
from retrieval import fusion
from retrieval.bm25 import BM25Index
from retrieval.embedders import Embedder, make_embedder
from retrieval.embedding_cache import SHIPPED_CACHE_DIR, EmbeddingCache, cache_path, embed_passages
from retrieval.synonyms import table_fingerprint
from retrieval.tokenizer import Tokenizer, make_tokenizer
from retrieval.units import Best, UnitScores, bank_fingerprint, rerank, units_of
from retrieval.vectorstore import VectorStore, release_client

log = logging.getLogger(__name__)

INDEX_FORMAT = 2  # bump when the on-disk layout or tokenisation changes
MANIFEST = "manifest.json"
CHROMA = "chroma"
UNITS = "units.npz"
QUERY_VECTORS = 64
BUILD_MESSAGE = "検索インデックスを構築しています…"


class TextSearchError(RuntimeError):
    """The index cannot be used as configured; the message is Japanese."""


@dataclass(frozen=True)
class TextHit:
    """One retrieved passage with its fused score and its rank in each variant (1 = best)."""

    passage: Passage
    score: float
    ranks: dict[str, int] = field(default_factory=dict)
    sentence: str = ""  # the passage's sentence closest to the query (re-ranked search only)


def corpus_key(passages: Sequence[Passage], settings: RetrievalSettings, embedder: Embedder | None) -> str:
    """Hash of everything the index content depends on, so any change gets a fresh folder."""
    digest = hashlib.sha256()
    config = {
        "format": INDEX_FORMAT, "mode": settings.sudachi_mode,
        "synonyms": table_fingerprint() if settings.synonyms else False,
        "embedder": embedder.fingerprint() if embedder else "none",
        "rerank": bank_fingerprint() if settings.rerank and embedder else False,
    }
    digest.update(json.dumps(config, sort_keys=True).encode())
    for p in passages:
        digest.update(f"\x00{p.id}\x01{p.source}\x01{p.search_text}".encode())
    return digest.hexdigest()[:16]


def _family(manifest: dict[str, object]) -> tuple[str, object, object]:
    """What an index is built with, minus versions: embedder name (fingerprint without its last part), mode, synonyms."""
    embedder = str(manifest.get("embedder", "none")).rsplit(":", 1)[0]
    return embedder, manifest.get("sudachi_mode"), manifest.get("synonyms")


def _read_manifest(folder: Path) -> dict[str, object] | None:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def remove_superseded(current: Path) -> list[Path]:
    """Delete the finished sibling ``text-*`` folders that ``current`` supersedes; returns them.

    Superseded = same family (embedder name, Sudachi mode, synonyms) but another key: an older corpus, format
    or model version. ``current``, other settings' indexes (ablations) and unfinished builds (no manifest)
    are kept. Each folder is first renamed away (atomic), so a reader sees the whole index or none.
    """
    mine = _read_manifest(current)
    if mine is None:
        return []
    removed = []
    for sibling in sorted(current.parent.glob("text-*")):
        other = _read_manifest(sibling) if sibling != current and sibling.is_dir() else None
        if other is None or _family(other) != _family(mine):
            continue
        release_client(sibling / CHROMA)
        trash = sibling.with_name(f".trash-{sibling.name}-{os.getpid()}")
        try:
            sibling.rename(trash)
        except OSError:
            continue  # gone already (another process cleaned it)
        shutil.rmtree(trash, ignore_errors=True)
        removed.append(sibling)
    if removed:
        log.info("古い検索インデックスを削除しました: %s", ", ".join(p.name for p in removed))
    return removed


class TextIndex:
    """BM25 + optional dense index over a fixed list of passages."""

    def __init__(
        self, passages: Sequence[Passage], settings: RetrievalSettings, folder: Path,
        bm25: BM25Index, embedder: Embedder | None, tokenizer: Tokenizer, units: UnitScores | None = None,
    ) -> None:
        self.passages = list(passages)
        self.settings = settings
        self.folder = folder
        self._bm25 = bm25
        self._embedder = embedder
        self._tokenize = tokenizer
        self._by_id = {p.id: i for i, p in enumerate(self.passages)}
        self._sources = np.array([p.source for p in self.passages])
        self._units = units if embedder is not None else None
        self._vectors: dict[str, np.ndarray] = {}  # recent query vectors (search, then its key sentences)
        self._vectors_lock = threading.Lock()  # requests run in parallel threads
        self._store = None
        if embedder is not None:
            self._store = VectorStore(folder / CHROMA, embedder)

    @property
    def embedder(self) -> Embedder | None:
        """The dense model of this index (None for BM25 only)."""
        return self._embedder

    @classmethod
    def folder_for(
        cls, passages: Sequence[Passage], settings: RetrievalSettings, index_dir: Path, embedder: Embedder | None
    ) -> Path:
        """Where the index for these passages and settings lives."""
        return index_dir / f"text-{corpus_key(passages, settings, embedder)}"

    @classmethod
    def build(
        cls, passages: Sequence[Passage], settings: RetrievalSettings, index_dir: Path,
        embedder: Embedder | None = None, cache_dir: Path | None = SHIPPED_CACHE_DIR,
    ) -> TextIndex:
        """Tokenise, index and embed every passage into a fresh folder keyed by settings and corpus.

        Vectors whose (passage id, text hash, embedder) match the cache in ``cache_dir`` are reused
        (``None`` = embed everything). Afterwards superseded sibling folders are removed.
        """
        if embedder is None:
            embedder = make_embedder(settings.embedder, settings.st_model_path)
        folder = cls.folder_for(passages, settings, index_dir, embedder)
        log.info(BUILD_MESSAGE)
        started = time.perf_counter()
        if folder.exists():
            release_client(folder / CHROMA)
            shutil.rmtree(folder)
        tokenizer = make_tokenizer(settings.sudachi_mode, settings.synonyms)
        bm25 = BM25Index.build([tokenizer(p.search_text) for p in passages])
        bm25.save(folder / "bm25")
        index = cls(passages, settings, folder, bm25, embedder, tokenizer)
        reused = 0
        if index._store is not None and embedder is not None:
            cache = EmbeddingCache.load(cache_path(embedder.name, cache_dir)) if cache_dir else None
            vectors, reused = embed_passages(passages, embedder, cache)
            metadatas = [{"source": p.source, "ref": p.ref} for p in passages]
            index._store.add([p.id for p in passages], [p.search_text for p in passages], metadatas, vectors)
            if settings.rerank:
                index._units = _build_units(passages, embedder, folder, cache_dir)
        manifest = {
            "format": INDEX_FORMAT, "passages": len(passages), "embedder": embedder.fingerprint() if embedder else "none",
            "sudachi_mode": settings.sudachi_mode, "synonyms": settings.synonyms, "cached_vectors": reused,
            "units": len(index._units) if index._units is not None else 0,
            "seconds": round(time.perf_counter() - started, 3),
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        remove_superseded(folder)
        return index

    @classmethod
    def load(
        cls, passages: Sequence[Passage], settings: RetrievalSettings, index_dir: Path,
        embedder: Embedder | None = None,
    ) -> TextIndex:
        """Open a finished index for exactly these passages and settings (TextSearchError if absent)."""
        if embedder is None:
            embedder = make_embedder(settings.embedder, settings.st_model_path)
        folder = cls.folder_for(passages, settings, index_dir, embedder)
        if not (folder / MANIFEST).is_file():
            raise TextSearchError(f"検索インデックスがありません: {folder}（`kakari index build` で作成できます）")
        tokenizer = make_tokenizer(settings.sudachi_mode, settings.synonyms)
        units = _load_units(passages, embedder, folder) if settings.rerank and embedder is not None else None
        return cls(passages, settings, folder, BM25Index.load(folder / "bm25"), embedder, tokenizer, units)

    @classmethod
    def open(
        cls, passages: Sequence[Passage], settings: RetrievalSettings, index_dir: Path,
        embedder: Embedder | None = None, cache_dir: Path | None = SHIPPED_CACHE_DIR,
    ) -> TextIndex:
        """Load the index, building it first when it does not exist yet (or is incomplete)."""
        if embedder is None:
            embedder = make_embedder(settings.embedder, settings.st_model_path)
        try:
            return cls.load(passages, settings, index_dir, embedder)
        except TextSearchError:
            return cls.build(passages, settings, index_dir, embedder, cache_dir)

    @property
    def manifest(self) -> dict[str, object]:
        """Build facts written next to the index (passages, embedder, seconds)."""
        result: dict[str, object] = json.loads((self.folder / MANIFEST).read_text(encoding="utf-8"))
        return result

    def _bm25_ranking(self, query: str, depth: int, sources: Sequence[str] | None) -> dict[str, float]:
        scores = self._bm25.scores(self._tokenize(query))
        if sources:
            scores = np.where(np.isin(self._sources, list(sources)), scores, 0.0)
        order = np.argsort(-scores, kind="stable")[:depth]
        return {self.passages[i].id: float(scores[i]) for i in order if scores[i] > 0}

    def _dense_ranking(self, vector: np.ndarray | None, depth: int, sources: Sequence[str] | None) -> dict[str, float]:
        if self._store is None or vector is None:
            return {}
        where = {"source": {"$in": list(sources)}} if sources else None
        return dict(self._store.query_vector(vector, depth, where))

    def _closest_units(
        self, vector: np.ndarray, sources: Sequence[str] | None
    ) -> tuple[dict[str, Best], dict[str, Best]]:
        assert self._units is not None
        sentence, question = self._units.best(vector)
        if sources:
            wanted = set(sources)
            keep = {pid for pid in sentence.keys() | question.keys() if self._source_of(pid) in wanted}
            sentence = {pid: b for pid, b in sentence.items() if pid in keep}
            question = {pid: b for pid, b in question.items() if pid in keep}
        return sentence, question

    def _query_vector(self, query: str) -> np.ndarray | None:
        if self._embedder is None:
            return None
        with self._vectors_lock:
            vector = self._vectors.get(query)
        if vector is None:
            vector = self._embedder.embed_query(query)  # outside the lock: other requests embed meanwhile
            with self._vectors_lock:
                if len(self._vectors) >= QUERY_VECTORS:
                    self._vectors.pop(next(iter(self._vectors)), None)
                self._vectors[query] = vector
        return vector

    def closeness(self, query: str) -> float:
        """How close ``query`` comes to any question the documents answer (the Q&A questions and the question
        bank): the best cosine similarity, 0.0 without sentence units."""
        vector = self._query_vector(query)
        if self._units is None or vector is None:
            return 0.0
        return self._units.closest_question(vector)

    def closest_sentences(self, query: str, passage_ids: Sequence[str], n: int = 1) -> list[str]:
        """The ``n`` sentences of these passages (one section's chunks) closest in meaning to ``query``, in
        document order; empty without sentence units."""
        vector = self._query_vector(query)
        if self._units is None or vector is None:
            return []
        return self._units.closest(vector, passage_ids, n)

    def _source_of(self, passage_id: str) -> str:
        return self.passages[self._by_id[passage_id]].source

    def search(self, query: str, k: int | None = None, sources: Sequence[str] | None = None) -> list[TextHit]:
        """The ``k`` best passages for ``query`` (optionally only from ``sources``), fused per settings."""
        k = k or self.settings.top_k
        if not query.strip() or not self.passages:
            return []
        method = self.settings.fusion if self._store is not None else "bm25"
        if method not in fusion.FUSIONS:
            raise TextSearchError(f"不明な融合方法です: {method!r}（使える値: {'、'.join(fusion.FUSIONS)}）")
        depth = min(len(self.passages), max(50, 4 * k))
        vector = self._query_vector(query) if method != "bm25" else None
        variants: dict[str, dict[str, float]] = {}
        if method != "dense":
            variants["bm25"] = self._bm25_ranking(query, depth, sources)
        if method != "bm25":
            variants["dense"] = self._dense_ranking(vector, depth, sources)
        if method == "rrf":
            fused = fusion.rrf({name: list(s) for name, s in variants.items()}, self.settings.rrf_k)
        elif method == "score":
            fused = fusion.score_fusion(variants)
        else:
            fused = sorted(variants[method].items(), key=lambda item: (-item[1], item[0]))
        closest: dict[str, Best] = {}
        if self._units is not None and vector is not None:
            closest, question = self._closest_units(vector, sources)
            fused = rerank(fused, closest, question)
            variants["sentence"] = {pid: b.similarity for pid, b in sorted(
                closest.items(), key=lambda item: (-item[1].similarity, item[0]))}
        ranks = {name: {doc: r for r, doc in enumerate(s, start=1)} for name, s in variants.items()}
        return [
            TextHit(self.passages[self._by_id[doc]], score, {n: r[doc] for n, r in ranks.items() if doc in r},
                    self._units.units[closest[doc].unit].text if self._units is not None and doc in closest else "")
            for doc, score in fused[:k]
        ]


def _build_units(
    passages: Sequence[Passage], embedder: Embedder, folder: Path, cache_dir: Path | None
) -> UnitScores:
    """Embed the sentence and question units (reusing the shipped unit cache) and save them with the index."""
    units = units_of(passages)
    shipped = EmbeddingCache.load(cache_path(embedder.name, cache_dir, "units")) if cache_dir else None
    vectors, _ = embed_passages(units, embedder, shipped)
    EmbeddingCache.from_vectors(units, vectors, embedder.fingerprint()).save(folder / UNITS)
    return UnitScores(units, vectors)


def _load_units(passages: Sequence[Passage], embedder: Embedder, folder: Path) -> UnitScores:
    """The unit vectors saved with the index; TextSearchError when any is missing (then ``open`` rebuilds)."""
    units = units_of(passages)
    saved = EmbeddingCache.load(folder / UNITS)
    fingerprint = embedder.fingerprint()
    found = [saved.lookup(u.id, u.search_text, fingerprint) if saved else None for u in units]
    if not units:
        return UnitScores([], np.zeros((0, 0), dtype=np.float32))
    if any(vector is None for vector in found):
        raise TextSearchError(f"検索インデックスの文単位ベクトルが揃っていません: {folder / UNITS}")
    return UnitScores(units, np.array(found, dtype=np.float32).reshape(len(units), -1))
