"""Passage search for guideline / Q&A / case questions, and passages turned into citations."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from assistant.answer import Citation
from corpus.passage import Passage
from retrieval.bm25 import BM25Index
from retrieval.text_search import TextIndex

QUOTE_CHARS = 350
Tokenizer = Callable[[str], list[str]]


class PassageSearcher(Protocol):
    """Anything that ranks passages for a query (the retrieval TextIndex, or the BM25 fallback)."""

    def search(self, query: str, k: int, sources: Sequence[str] | None) -> list[tuple[Passage, float]]: ...

    def closest_sentences(self, query: str, passages: Sequence[Passage], n: int) -> list[str]:
        """The ``n`` sentences of these passages closest in meaning to ``query`` (empty when it cannot tell)."""
        ...

    def closeness(self, query: str) -> float:
        """How close ``query`` is to a question the documents answer (0.0 when it cannot tell)."""
        ...

    @property
    def embedder_name(self) -> str:
        """The dense model behind ``closeness`` ("none" without one): thresholds are calibrated per model."""
        ...


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

    def closest_sentences(self, query: str, passages: Sequence[Passage], n: int) -> list[str]:
        """BM25 has no sentence vectors: the word-overlap choice (``best_sentence``) is used instead."""
        return []

    def closeness(self, query: str) -> float:
        """No vectors, no opinion."""
        return 0.0

    @property
    def embedder_name(self) -> str:
        return "none"


class IndexSearcher:
    """Adapter over the retrieval ``TextIndex`` (hybrid BM25 + dense, as configured)."""

    def __init__(self, index: TextIndex) -> None:
        self.index = index

    def search(self, query: str, k: int, sources: Sequence[str] | None) -> list[tuple[Passage, float]]:
        """Top ``k`` passages with their fused scores."""
        return [(hit.passage, hit.score) for hit in self.index.search(query, k, sources)]

    def closest_sentences(self, query: str, passages: Sequence[Passage], n: int) -> list[str]:
        """The sentence units of the index closest to ``query`` (re-ranked indexes only)."""
        return self.index.closest_sentences(query, [p.id for p in passages], n)

    def closeness(self, query: str) -> float:
        """The best similarity to a Q&A question or bank question (see ``TextIndex.closeness``)."""
        return self.index.closeness(query)

    @property
    def embedder_name(self) -> str:
        return self.index.embedder.name if self.index.embedder is not None else "none"


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


class TermWeights:
    """How rare each retrieval token is over the passages (IDF), to judge how well a passage matches a question."""

    def __init__(self, passages: Sequence[Passage], tokenize: Tokenizer) -> None:
        self.total = len(passages)
        self.df = Counter(t for p in passages for t in set(tokenize(p.search_text or p.text)))

    def idf(self, token: str) -> float:
        """Inverse document frequency (an unseen token weighs most)."""
        return math.log((self.total + 1) / (self.df.get(token, 0) + 0.5))

    def distinctive(self, token: str) -> bool:
        """A token in at most ``RARE_SHARE`` of the passages (not 報告, 医療機関, する …)."""
        return self.df.get(token, 0) <= RARE_SHARE * self.total


RARE_SHARE = 0.15
MATCH_COVERAGE = 0.5  # share of the question's distinctive words one passage must contain
MATCH_DISTINCT = 2  # … and at least this many of them


def confident_match(query: str, found: Sequence[tuple[Passage, float]], weights: TermWeights,
                    tokenize: Tokenizer, window: int = 3) -> bool:
    """True when one of the top ``window`` passages contains at least two, and at least half, of the question's
    distinctive words (tokens in at most 15 % of the passages, or in none): the text index really answers it.

    Scale-free (it does not read the fused score); a word the corpus never uses (天気, 株価, レシピ) counts
    against the match, so off-topic questions stay unmatched whatever the ranking.
    """
    wanted = {t for t in tokenize(query) if weights.distinctive(t)}
    if len(wanted) < MATCH_DISTINCT:
        return False
    for passage, _ in found[:window]:
        shared = wanted & set(tokenize(passage.search_text or passage.text))
        if len(shared) >= MATCH_DISTINCT and len(shared) / len(wanted) >= MATCH_COVERAGE:
            return True
    return False


def second_passage(found: Sequence[tuple[Passage, float]], query: str, tokenize: Tokenizer,
                   exclude: Sequence[Passage | None] = (), window: int = 3) -> Passage | None:
    """When the best passage's best sentence is weak (shares under half of the question's tokens), the next
    passage in the top ``window`` whose best sentence matches at least as well (a sibling sub-section, the
    section that holds the fact); None otherwise."""
    if not found or not query:
        return None
    wanted = len(set(tokenize(query)))
    strength = best_overlap(found[0][0], query, tokenize)
    if strength * 2 >= wanted:
        return None
    for passage, _ in found[1:window]:
        if any(passage is p for p in exclude) or passage.source == "reference":
            continue
        if best_overlap(passage, query, tokenize) >= max(strength, 1):
            return passage
    return None


def answer_part(passage: Passage) -> str:
    """For a Q&A item, the answer without the repeated question line."""
    text = passage.text.strip()
    if passage.source == "qa" and "\n" in text:
        text = text.split("\n", 1)[1]
    return text


_NOTE = re.compile(r"^[［\[]注(\d+)[］\]]")  # a footnote body line, 「［注7］医療法…過料に処する…」
_NOTE_REF = re.compile(r"[［\[]注(\d+)[］\]]")


def split_sentences(text: str) -> list[str]:
    """Lines, each split after 「。」: the units a quote is built from. A footnote mark after a 「。」
    (「…とされている。［注7］（医療法…）」) stays with its sentence; a footnote line is a unit of its own."""
    out: list[str] = []
    for line in text.splitlines():
        parts = [part.strip() for part in re.split(r"(?<=。)", line) if part.strip()]
        for i, part in enumerate(parts):
            if i and out and _NOTE.match(part):
                out[-1] += part
            else:
                out.append(part)
    return out


# 「以下の項目について説明を行うこと。」 or a bracketed heading (【報告事項】) announces what follows
_LEAD_IN = re.compile(r"[：:]$|以下の|次の|^【[^】]+】$")
_ITEM = re.compile(r"^[➢・○◯●⚫※\-–①-⑳⑴-⒇]|^[\(（]?[0-9０-９一二三四五六七八九十ア-ン]{1,2}[\)）.．、]")
_MIN_QUOTE = 80  # a quote shorter than this also takes the next sentence, for context
MAIN_CHARS = 300
NOTE_CHARS = 120  # a short footnote (a penalty, a date) joins its sentence; a long definition would crowd it out  # the best sentence and its neighbours; footnotes and a second sentence may fill up to QUOTE_CHARS


def _overlaps(units: Sequence[str], query: str, tokenize: Tokenizer | None) -> list[int]:
    """Distinct query tokens each unit shares (all zero without a query)."""
    if not query or tokenize is None:
        return [0] * len(units)
    wanted = set(tokenize(query))
    return [len(wanted & set(tokenize(u))) for u in units]


def best_overlap(passage: Passage, query: str, tokenize: Tokenizer | None) -> int:
    """How many distinct query tokens the passage's best sentence shares (0 without a query)."""
    units = split_sentences(answer_part(passage))
    return max(_overlaps(units, query, tokenize), default=0)


def is_note(unit: str) -> bool:
    """A footnote body (「［注7］…」): it explains a word, it does not answer on its own."""
    return bool(_NOTE.match(unit))


def list_after(units: Sequence[str], i: int, limit: int) -> list[int]:
    """When unit ``i`` announces a list (「以下の…」, 「【報告事項】」, a trailing 「：」), the indexes of the items
    that follow it, while they fit in ``limit`` characters; empty otherwise."""
    if not _LEAD_IN.search(units[i]):
        return []
    out: list[int] = []
    size = 0
    for j in range(i + 1, len(units)):
        if not _ITEM.match(units[j]) or _NOTE.match(units[j]) or size + len(units[j]) > limit:
            break
        out.append(j)
        size += len(units[j])
    return out


def best_sentence(passage: Passage, query: str, tokenize: Tokenizer | None) -> str:
    """The sentence sharing most distinct query tokens (earliest on ties); empty when none shares any."""
    units = split_sentences(answer_part(passage))
    overlaps = _overlaps(units, query, tokenize)
    if not units or not max(overlaps):
        return ""
    return units[max(range(len(units)), key=lambda i: (overlaps[i], -i))]


def _window(units: Sequence[str], overlaps: Sequence[int], limit: int) -> tuple[int, int]:
    """The best unit (earliest on ties), grown forwards then backwards over units that add to the answer."""
    first = last = max(range(len(units)), key=lambda i: (overlaps[i], -i))
    size = len(units[first])
    listing = bool(_LEAD_IN.search(units[first]) or _ITEM.match(units[first]))  # an item: its siblings follow
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


def _with_notes(units: Sequence[str], chosen: set[int], limit: int) -> set[int]:
    """Add the footnotes the chosen sentences refer to (「［注7］…三十万円以下の過料」), while they fit."""
    notes = {m.group(1): i for i, u in enumerate(units) if (m := _NOTE.match(u))}
    out = set(chosen)
    for i in sorted(chosen):
        for ref in _NOTE_REF.findall(units[i][1:] if _NOTE.match(units[i]) else units[i]):
            j = notes.get(ref)
            if j is not None and j not in out and len(units[j]) <= NOTE_CHARS \
                    and _size(units, out) + len(units[j]) <= limit:
                out.add(j)
    return out


def _second(units: Sequence[str], overlaps: Sequence[int], chosen: set[int], limit: int) -> set[int]:
    """A second, non-adjacent best sentence (a later paragraph, a footnote) when it matches about as well as
    the best one (at least 2 tokens and half the best), with the list it announces, while it fits."""
    best = max(overlaps, default=0)
    rest = [i for i in range(len(units)) if i not in chosen and overlaps[i] >= max(2, (best + 1) // 2)]
    if not rest:
        return chosen
    j = max(rest, key=lambda i: (overlaps[i], -i))
    out = set(chosen)
    if _size(units, out) + len(units[j]) > limit:
        return out
    out.add(j)
    listing = bool(_LEAD_IN.search(units[j]))
    while listing and j + 1 < len(units) and _ITEM.match(units[j + 1]) and j + 1 not in out \
            and _size(units, out) + len(units[j + 1]) <= limit:
        j += 1
        out.add(j)
    return out


def _size(units: Sequence[str], chosen: set[int]) -> int:
    return sum(len(units[i]) for i in chosen)


def _joined(units: Sequence[str], chosen: set[int]) -> str:
    """Chosen units in document order; 「…」 marks every cut (before, between and after)."""
    order = sorted(chosen)
    text = "…" if order[0] > 0 else ""
    for k, i in enumerate(order):
        text += units[i] if k == 0 else (" " if i == order[k - 1] + 1 else " … ") + units[i]
    return text + ("…" if order[-1] + 1 < len(units) else "")


def quote_of(passage: Passage, query: str = "", tokenize: Tokenizer | None = None, limit: int = QUOTE_CHARS) -> str:
    """A verbatim quote chosen by relevance to ``query`` (token overlap per sentence, retrieval tokeniser).

    The best sentence is kept whole; the sentences after it join when they also match, when it announces a
    list (「以下の項目…」) or while the quote is very short; those before it join when they also match (within
    ``MAIN_CHARS``). Then, within ``limit``: the footnotes those sentences refer to, and a second, non-adjacent
    sentence that matches about as well as the best one. Without a query the quote starts at the beginning.
    """
    units = split_sentences(answer_part(passage))
    if not units:
        return ""
    overlaps = _overlaps(units, query, tokenize)
    first, last = _window(units, overlaps, min(limit, MAIN_CHARS))
    chosen = _with_notes(units, set(range(first, last + 1)), limit)
    if any(overlaps):
        chosen = _with_notes(units, _second(units, overlaps, chosen, limit), limit)
    return _joined(units, chosen)


def citation_of(passage: Passage, query: str = "", tokenize: Tokenizer | None = None) -> Citation:
    """The Answer JSON citation for one passage (the quote chosen by relevance when a query is given)."""
    return Citation(passage.source, passage.ref, passage.title, passage.page,
                    quote_of(passage, query, tokenize), passage.doc)


def shown_title(ref: str, title: str) -> str:
    """The title worth showing beside ``ref``: empty when the ref already ends with it (「…（２）留意事項」)."""
    title = title.strip()
    return "" if not title or ref.endswith(title) else title


def named(passage: Passage) -> str:
    """「第4章第2節（２）「協議に向けた枠組みの整理」」, or the ref alone when it already ends with the title."""
    title = shown_title(passage.ref, passage.title)
    return f"{passage.ref}「{title}」" if title else passage.ref


def where_of(passage: Passage) -> str:
    """「Q11（…Ｑ＆Ａ集 P.66）」 / 「事例3（地域：…、P.40）」 style reference."""
    page = f"P.{passage.page}" if passage.page else "ページ不明"
    if passage.source == "qa":
        return f"{passage.ref}（{passage.doc}、{page}）"
    if passage.source == "case":
        region = str(passage.meta.get("region", "") or "")
        region_text = f"地域：{region}、" if region else ""
        return f"{named(passage)}（{region_text}{passage.doc}、{page}）"
    return f"{named(passage)}（{passage.doc}、{page}）"
