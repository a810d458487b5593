"""Precomputed passage vectors shipped with the package, so a fresh install need not embed the shipped corpus.

One ``.npz`` per embedder (never pickle): ``ids`` and ``hashes`` (sha256 of each passage's search text) as
string arrays, ``vectors`` as float16 and ``meta`` as a JSON string naming the embedder fingerprint (model and
package version). A vector is reused only when id, text hash and fingerprint all match; anything else is embedded.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Protocol

import numpy as np

from retrieval.embedders import Embedder

log = logging.getLogger(__name__)

CACHE_FORMAT = 1
SHIPPED_CACHE_DIR = Path(__file__).resolve().parent / "data"


class Embeddable(Protocol):
    """Anything with a stable id and the text its vector is made of (a Passage, a retrieval Unit)."""

    @property
    def id(self) -> str: ...

    @property
    def search_text(self) -> str: ...


def text_hash(text: str) -> str:
    """Content hash of one passage's search text (what the embedder actually sees)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def cache_path(embedder_name: str, folder: Path = SHIPPED_CACHE_DIR, kind: str = "embeddings") -> Path:
    """The cache file for an embedder registry name: passage vectors, or ``kind="units"`` for sentence units."""
    return folder / f"{kind}-{embedder_name}.npz"


def _normalise(vectors: np.ndarray) -> np.ndarray:
    array = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    return array / np.where(norms == 0, 1.0, norms)


@dataclass(frozen=True, eq=False)
class EmbeddingCache:
    """Passage vectors of one embedder, keyed by (passage id, text hash); ``source`` is the file it came from."""

    fingerprint: str
    ids: tuple[str, ...]
    hashes: tuple[str, ...]
    vectors: np.ndarray  # float32, L2-normalised, one row per id
    source: str = ""

    def __post_init__(self) -> None:
        if not len(self.ids) == len(self.hashes) == len(self.vectors):
            raise ValueError("ids, hashes and vectors differ in length")

    def lookup(self, passage_id: str, text: str, fingerprint: str) -> np.ndarray | None:
        """The cached vector, or None when the id, the text or the embedder differs."""
        if fingerprint != self.fingerprint:
            return None
        row = self._rows.get(passage_id)
        if row is None or self.hashes[row] != text_hash(text):
            return None
        return self.vectors[row]

    @cached_property
    def _rows(self) -> dict[str, int]:
        return {pid: i for i, pid in enumerate(self.ids)}

    @classmethod
    def from_vectors(
        cls, passages: Sequence[Embeddable], vectors: np.ndarray, fingerprint: str
    ) -> EmbeddingCache:
        """A cache for these passages and their vectors (row i belongs to passage i)."""
        return cls(fingerprint, tuple(p.id for p in passages), tuple(text_hash(p.search_text) for p in passages),
                   _normalise(vectors))

    def save(self, path: Path) -> Path:
        """Write the ``.npz`` atomically (vectors stored as float16)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {"format": CACHE_FORMAT, "embedder": self.fingerprint, "dtype": "float16",
                "dim": int(self.vectors.shape[1]) if self.vectors.size else 0, "count": len(self.ids)}
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            np.savez_compressed(
                handle, meta=np.array(json.dumps(meta, sort_keys=True)), ids=np.array(self.ids, dtype=str),
                hashes=np.array(self.hashes, dtype=str), vectors=self.vectors.astype(np.float16),
            )
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: Path) -> EmbeddingCache | None:
        """Read a cache file; None when it is absent or unreadable (then everything is embedded)."""
        if not path.is_file():
            return None
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(str(data["meta"]))
                if meta.get("format") != CACHE_FORMAT:
                    raise ValueError(f"format {meta.get('format')}")
                ids = tuple(str(i) for i in data["ids"])
                hashes = tuple(str(h) for h in data["hashes"])
                vectors = _normalise(data["vectors"]) if len(ids) else np.zeros((0, 0), dtype=np.float32)
            return cls(str(meta["embedder"]), ids, hashes, vectors, str(path))
        except (OSError, ValueError, KeyError) as exc:
            log.warning("埋め込みキャッシュを読めないため使いません: %s (%s)", path, exc)
            return None


def embed_passages(
    passages: Sequence[Embeddable], embedder: Embedder, cache: EmbeddingCache | None
) -> tuple[np.ndarray, int]:
    """Vectors for every passage: cached rows where (id, hash, fingerprint) match, the rest embedded now.

    Returns the float32 matrix (row i = passage i) and how many rows came from the cache.
    """
    fingerprint = embedder.fingerprint()
    found = [cache.lookup(p.id, p.search_text, fingerprint) if cache else None for p in passages]
    missing = [i for i, vector in enumerate(found) if vector is None]
    fresh = embedder.embed_documents([passages[i].search_text for i in missing]) if missing else None
    if not passages:
        return np.zeros((0, 0), dtype=np.float32), 0
    dim = fresh.shape[1] if fresh is not None else next(v for v in found if v is not None).shape[0]
    vectors = np.zeros((len(passages), dim), dtype=np.float32)
    for i, vector in enumerate(found):
        if vector is not None:
            vectors[i] = vector
    if fresh is not None:
        vectors[missing] = fresh
    return vectors, len(passages) - len(missing)
