"""A deterministic stand-in embedder for retrieval tests (no model, no network)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np


class FakeEmbedder:
    """Deterministic vectors from the text's hash; records every text it was asked to embed."""

    name = "fake"

    def __init__(self, version: str = "1") -> None:
        self.version = version
        self.embedded: list[str] = []

    def fingerprint(self) -> str:
        return f"{self.name}:{self.version}"

    def _vector(self, text: str) -> np.ndarray:
        seed = int(hashlib.sha256(f"{self.version}{text}".encode()).hexdigest()[:8], 16)
        vector = np.random.default_rng(seed).standard_normal(16).astype(np.float32)
        return vector / np.linalg.norm(vector)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded.extend(texts)
        return np.array([self._vector(t) for t in texts], dtype=np.float32).reshape(len(texts), 16)

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)
