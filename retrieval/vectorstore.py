"""Dense vectors in a ChromaDB PersistentClient (telemetry off) with our own embedding function."""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.embedders import Embedder

log = logging.getLogger(__name__)

Metadata = Mapping[str, str | int | float | bool]


def _embedding_function(embedder: Embedder | None) -> Any:
    """Wrap an :class:`Embedder` as a Chroma embedding function (so Chroma never uses its default)."""
    from chromadb.api.types import Documents, EmbeddingFunction, Embeddings

    class KakariEmbeddingFunction(EmbeddingFunction[Documents]):
        def __init__(self, wrapped: Embedder | None = None) -> None:
            self._embedder = wrapped

        def _require(self) -> Embedder:
            if self._embedder is None:  # opened without our embedder: refuse rather than embed wrongly
                raise RuntimeError("kakari の埋め込みモデルが指定されていません")
            return self._embedder

        def __call__(self, input: Documents) -> Embeddings:
            return list(self._require().embed_documents(list(input)))

        def embed_query(self, input: Documents) -> Embeddings:
            return [self._require().embed_query(text) for text in input]

        @staticmethod
        def name() -> str:
            return "kakari"

        def get_config(self) -> dict[str, Any]:
            return {"embedder": self._embedder.fingerprint() if self._embedder else ""}

        @staticmethod
        def build_from_config(config: dict[str, Any]) -> KakariEmbeddingFunction:
            return KakariEmbeddingFunction(None)

        def default_space(self) -> Any:
            return "cosine"

    return KakariEmbeddingFunction(embedder)


def open_client(folder: Path) -> Any:
    """A persistent Chroma client in ``folder`` with anonymized telemetry switched off."""
    import chromadb
    from chromadb.config import Settings

    folder.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(folder), settings=Settings(anonymized_telemetry=False))


def release_client(folder: Path) -> None:
    """Stop and forget Chroma's per-path cached client for ``folder`` before that folder is deleted or rebuilt.

    Chroma keeps one system per path for the whole process; a folder removed under it turns into a
    read-only database for the next client opened at the same path.
    """
    if "chromadb" not in sys.modules:
        return
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient._identifier_to_refcount.pop(str(folder), None)
    system = SharedSystemClient._identifier_to_system.pop(str(folder), None)
    if system is not None:
        system.stop()


class VectorStore:
    """One Chroma collection (cosine space) whose vectors come from our embedder."""

    def __init__(self, folder: Path, embedder: Embedder, collection: str = "passages") -> None:
        self.embedder = embedder
        self._client = open_client(folder)
        self._collection = self._client.get_or_create_collection(
            collection, embedding_function=_embedding_function(embedder), configuration={"hnsw": {"space": "cosine"}}
        )

    def count(self) -> int:
        """Number of stored vectors."""
        return int(self._collection.count())

    def add(
        self, ids: Sequence[str], documents: Sequence[str], metadatas: Sequence[Metadata],
        embeddings: np.ndarray | None = None,
    ) -> None:
        """Store documents; embeddings are computed by our embedder unless given."""
        if embeddings is None:
            embeddings = self.embedder.embed_documents(list(documents))
        step = 2000  # stay under Chroma's maximum batch size
        for i in range(0, len(ids), step):
            self._collection.add(
                ids=list(ids[i : i + step]), documents=list(documents[i : i + step]),
                metadatas=[dict(m) for m in metadatas[i : i + step]], embeddings=embeddings[i : i + step],
            )

    def query(self, text: str, k: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """The ``k`` nearest ids with cosine similarity (1 - distance), best first."""
        return self.query_vector(self.embedder.embed_query(text), k, where)

    def query_vector(self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """Nearest neighbours of a precomputed query vector."""
        n = min(k, self.count())
        if n <= 0:
            return []
        result = self._collection.query(query_embeddings=[vector], n_results=n, where=where, include=["distances"])
        ids, distances = result["ids"][0], result["distances"][0]
        return [(i, 1.0 - float(d)) for i, d in zip(ids, distances, strict=True)]
