"""Passage search for guideline / Q&A / case questions, and passages turned into citations."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from assistant.answer import Citation
from corpus.passage import Passage
from retrieval.bm25 import BM25Index
from retrieval.text_search import TextIndex

QUOTE_CHARS = 240


class PassageSearcher(Protocol):
    """Anything that ranks passages for a query (the retrieval TextIndex, or the BM25 fallback)."""

    def search(self, query: str, k: int, sources: Sequence[str] | None) -> list[tuple[Passage, float]]: ...


class BM25PassageSearcher:
    """In-memory BM25 over the passages with the project tokeniser (used when no TextIndex is built)."""

    def __init__(self, passages: Sequence[Passage], tokenize: Callable[[str], list[str]]) -> None:
        self.passages = tuple(passages)
        self.tokenize = tokenize
        self.index = BM25Index.build([tokenize(p.search_text or p.text) for p in self.passages])

    def search(self, query: str, k: int, sources: Sequence[str] | None) -> list[tuple[Passage, float]]:
        """Top ``k`` passages (optionally only from ``sources``), best first, score > 0."""
        scores = self.index.scores(self.tokenize(query))
        order = np.argsort(-scores, kind="stable")
        out: list[tuple[Passage, float]] = []
        for i in order:
            passage, score = self.passages[int(i)], float(scores[int(i)])
            if score <= 0 or len(out) >= k:
                break
            if sources and passage.source not in sources:
                continue
            out.append((passage, score))
        return out


class IndexSearcher:
    """Adapter over the retrieval ``TextIndex`` (hybrid BM25 + dense, as configured)."""

    def __init__(self, index: TextIndex) -> None:
        self.index = index

    def search(self, query: str, k: int, sources: Sequence[str] | None) -> list[tuple[Passage, float]]:
        """Top ``k`` passages with their fused scores."""
        return [(hit.passage, hit.score) for hit in self.index.search(query, k, sources)]


def prefer_qa(found: list[tuple[Passage, float]], window: int = 2) -> list[tuple[Passage, float]]:
    """A Q&A item in the top ``window`` goes first: it is written as the answer to a question."""
    for i, (passage, _) in enumerate(found[:window]):
        if passage.source == "qa":
            return [found[i], *found[:i], *found[i + 1:]]
    return found


def _answer_part(passage: Passage) -> str:
    """For a Q&A item, the answer without the repeated question line."""
    text = passage.text.strip()
    if passage.source == "qa" and "\n" in text:
        text = text.split("\n", 1)[1]
    return text


def quote_of(passage: Passage, limit: int = QUOTE_CHARS) -> str:
    """A short verbatim quote (cut at a sentence end when possible)."""
    text = re.sub(r"\n+", "", _answer_part(passage))
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = cut.rfind("。")
    return cut[: end + 1] if end > limit // 2 else cut + "…"


def citation_of(passage: Passage) -> Citation:
    """The Answer JSON citation for one passage."""
    return Citation(passage.source, passage.ref, passage.title, passage.page, quote_of(passage), passage.doc)


def where_of(passage: Passage) -> str:
    """「Q11（…Ｑ＆Ａ集 P.66）」 / 「事例3（地域：…、P.40）」 style reference."""
    page = f"P.{passage.page}" if passage.page else "ページ不明"
    if passage.source == "qa":
        return f"{passage.ref}（{passage.doc}、{page}）"
    if passage.source == "case":
        region = str(passage.meta.get("region", "") or "")
        region_text = f"地域：{region}、" if region else ""
        return f"{passage.ref}「{passage.title}」（{region_text}{passage.doc}、{page}）"
    return f"{passage.ref}「{passage.title}」（{passage.doc}、{page}）"
