"""Sparse retrieval: a bm25s index over our own tokens, saved as JSON + .npy (never pickle)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

PARAMS_FILE = "kakari_bm25.json"


class BM25Index:
    """BM25 over pre-tokenised documents; scores every document for a tokenised query."""

    def __init__(self, model: object, num_docs: int) -> None:
        self._model = model
        self.num_docs = num_docs

    @classmethod
    def build(cls, corpus_tokens: Sequence[Sequence[str]], k1: float = 1.5, b: float = 0.75) -> BM25Index:
        """Index documents given as token lists (documents with no tokens get a placeholder)."""
        import bm25s

        model = bm25s.BM25(k1=k1, b=b)
        docs = [list(tokens) or ["\u2205"] for tokens in corpus_tokens]
        model.index(docs, show_progress=False)
        return cls(model, len(docs))

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every document (zeros when no query token is in the vocabulary)."""
        vocab = self._model.vocab_dict  # type: ignore[attr-defined]
        ids = [vocab[t] for t in query_tokens if t in vocab]
        if not ids:
            return np.zeros(self.num_docs, dtype=np.float32)
        return np.asarray(self._model.get_scores_from_ids(ids), dtype=np.float32)  # type: ignore[attr-defined]

    def save(self, folder: Path) -> None:
        """Write the arrays (.npy) and vocabulary/parameters (JSON) into ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        self._model.save(str(folder), allow_pickle=False, show_progress=False)  # type: ignore[attr-defined]
        (folder / PARAMS_FILE).write_text(json.dumps({"num_docs": self.num_docs}), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> BM25Index:
        """Read an index written by :meth:`save`."""
        import bm25s

        model = bm25s.BM25.load(str(folder), allow_pickle=False, show_progress=False)
        num_docs = json.loads((folder / PARAMS_FILE).read_text(encoding="utf-8"))["num_docs"]
        return cls(model, int(num_docs))
