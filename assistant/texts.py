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

QUOTE_CHARS = 300
Tokenizer = Callable[[str], list[str]]


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


QA_MARGIN = 0.2  # share of the top-list score spread within which a Q&A item counts as tied with the best
QA_WINDOW = 6


def prefer_qa(found: list[tuple[Passage, float]], margin: float = QA_MARGIN,
              window: int = QA_WINDOW) -> list[tuple[Passage, float]]:
    """The best Q&A item goes first when its fused score is within ``margin`` of the best passage's score.

    The margin is a share of the score spread of the top ``window`` (best minus the last of them), so the rule
    means the same for BM25, score fusion and RRF scores. Q&A items are written as answers to questions, so
    among near ties they answer best; a Q&A item clearly behind the best passage stays where it is.
    """
    top = found[:window]
    qa = next((i for i, (p, _) in enumerate(top) if p.source == "qa"), None)
    if qa is None or qa == 0:
        return found
    best, last = top[0][1], top[-1][1]
    spread = best - last
    if spread > 0 and (best - top[qa][1]) / spread > margin:
        return found
    return [found[qa], *found[:qa], *found[qa + 1:]]


def supporting_guideline(found: Sequence[tuple[Passage, float]], window: int = QA_WINDOW) -> Passage | None:
    """When a Q&A item answers, the best guideline section in the top ``window`` (the rule the answer rests on)."""
    if not found or found[0][0].source != "qa":
        return None
    return next((p for p, _ in found[1:window] if p.source == "guideline"), None)


def _answer_part(passage: Passage) -> str:
    """For a Q&A item, the answer without the repeated question line."""
    text = passage.text.strip()
    if passage.source == "qa" and "\n" in text:
        text = text.split("\n", 1)[1]
    return text


def split_sentences(text: str) -> list[str]:
    """Lines, each split after 「。」: the units a quote is built from."""
    return [part.strip() for line in text.splitlines() for part in re.split(r"(?<=。)", line) if part.strip()]


_LEAD_IN = re.compile(r"[：:]$|以下の|次の")  # 「以下の項目について説明を行うこと。」 announces what follows
_ITEM = re.compile(r"^[➢・○◯●⚫※\-–①-⑳⑴-⒇]|^[\(（]?[0-9０-９一二三四五六七八九十ア-ン]{1,2}[\)）.．、]")
_MIN_QUOTE = 80  # a quote shorter than this also takes the next sentence, for context


def _overlaps(units: Sequence[str], query: str, tokenize: Tokenizer | None) -> list[int]:
    """Distinct query tokens each unit shares (all zero without a query)."""
    if not query or tokenize is None:
        return [0] * len(units)
    wanted = set(tokenize(query))
    return [len(wanted & set(tokenize(u))) for u in units]


def _window(units: Sequence[str], overlaps: Sequence[int], limit: int) -> tuple[int, int]:
    """The best unit (earliest on ties), grown forwards then backwards over units that add to the answer."""
    first = last = max(range(len(units)), key=lambda i: (overlaps[i], -i))
    size = len(units[first])
    listing = bool(_LEAD_IN.search(units[first]))
    while last + 1 < len(units) and size + len(units[last + 1]) <= limit:
        nxt = units[last + 1]
        listing = listing and bool(_ITEM.match(nxt)) or bool(_LEAD_IN.search(units[last]))
        if not (overlaps[last + 1] or listing or size < _MIN_QUOTE):
            break
        last += 1
        size += len(nxt)
    while first > 0 and overlaps[first - 1] and size + len(units[first - 1]) <= limit:
        first -= 1
        size += len(units[first])
    return first, last


def quote_of(passage: Passage, query: str = "", tokenize: Tokenizer | None = None, limit: int = QUOTE_CHARS) -> str:
    """A verbatim quote chosen by relevance to ``query`` (token overlap per sentence, retrieval tokeniser).

    The best sentence is kept whole; the sentences after it join when they also match, when it announces a
    list (「以下の項目…」) or while the quote is very short; those before it join when they also match; all
    within ``limit`` characters. Without a query the quote starts at the beginning.
    """
    units = split_sentences(_answer_part(passage))
    if not units:
        return ""
    first, last = _window(units, _overlaps(units, query, tokenize), limit)
    text = " ".join(units[first:last + 1])
    return ("…" if first > 0 else "") + text + ("…" if last + 1 < len(units) else "")


def citation_of(passage: Passage, query: str = "", tokenize: Tokenizer | None = None) -> Citation:
    """The Answer JSON citation for one passage (the quote chosen by relevance when a query is given)."""
    return Citation(passage.source, passage.ref, passage.title, passage.page,
                    quote_of(passage, query, tokenize), passage.doc)


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
