"""Sentence-level units of the primary passages, and the questions each passage answers, for re-ranking.

A passage is long; a question usually matches one of its sentences. Every primary passage (Q&A, guideline,
case study, form) is split into sentences and bullets (each embedded with its heading as context), and the
doc-side question bank (``retrieval/data/passage_questions.toml``, written from the seed only) adds the
questions it answers. The re-ranker compares the query with every unit and keeps each passage's best.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from corpus.passage import Passage

DATA = Path(__file__).resolve().parent / "data"
# The doc-side question bank: the first file per passage, the second in three voices (住民・ケアマネ等・自治体).
QUESTIONS_FILES: tuple[Path, ...] = (DATA / "passage_questions.toml", DATA / "passage_questions_voices.toml")
UNIT_SOURCES: tuple[str, ...] = ("qa", "guideline", "case", "form", "reference")
MIN_UNIT = 6  # shorter fragments (「可」, 「※」) say nothing on their own
SENTENCE, QUESTION = "sentence", "question"


@dataclass(frozen=True)
class Unit:
    """One sentence of a passage, or one question the passage answers."""

    id: str  # "<passage id>#s3" / "<passage id>#q1"
    passage_id: str
    kind: str  # SENTENCE | QUESTION
    text: str  # what a user may be shown (the sentence itself)
    search_text: str  # what is embedded (with the heading as context)


def sentences(text: str) -> list[str]:
    """Lines split after 「。」, trimmed; fragments under ``MIN_UNIT`` characters dropped."""
    out = []
    for line in text.splitlines():
        out += [s.strip() for s in re.split(r"(?<=。)", line) if len(s.strip()) >= MIN_UNIT]
    return out


_CELL_RUN = re.compile(r"(?:[^／]{0,12}／){2,}|(?:\S{1,3}[ 　]){5,}")


def _cells(sentence: str) -> bool:
    """Diagram or calendar cells run together by the extraction (「月 火 水 木…」, 「A／B／C」): not a sentence."""
    return not sentence.startswith("取組の中心：") and bool(_CELL_RUN.search(sentence))  # a case's header stays


def _body(passage: Passage) -> str:
    """The text a passage says (for a Q&A item: the answer, without the repeated question line)."""
    if passage.source == "qa" and "\n" in passage.text:
        return passage.text.split("\n", 1)[1]
    return passage.text


@cache
def question_bank(paths: tuple[Path, ...] = QUESTIONS_FILES) -> Mapping[str, tuple[str, ...]]:
    """``{"qa|Q11": (questions…)}`` merged over the bank files (duplicates dropped); absent files are skipped."""
    merged: dict[str, list[str]] = {}
    for path in paths:
        if not path.is_file():
            continue
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        for key, value in data.items():
            questions = merged.setdefault(str(key), [])
            questions += [str(q) for q in value.get("questions", []) if str(q) not in questions]
    return {key: tuple(questions) for key, questions in merged.items()}


def bank_fingerprint(paths: tuple[Path, ...] = QUESTIONS_FILES) -> str:
    """Content hash of the question bank files (part of the index key)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes() if path.is_file() else b"none")
    return digest.hexdigest()[:12]


def units_of(passages: Sequence[Passage], bank: Mapping[str, tuple[str, ...]] | None = None) -> list[Unit]:
    """The sentence and question units of the primary passages, in passage order.

    A bank entry is keyed by ``source|ref``; when a ref is split over several passages (a long section),
    its questions go to the first of them.
    """
    bank = question_bank() if bank is None else bank
    units: list[Unit] = []
    claimed: set[str] = set()
    for passage in passages:
        if passage.source not in UNIT_SOURCES:
            continue
        head = passage.title if passage.source != "case" else f"{passage.ref} {passage.title}"
        if passage.source == "qa":
            units.append(Unit(f"{passage.id}#q0", passage.id, QUESTION, passage.title, passage.title))
        for n, sentence in enumerate(sentences(_body(passage))):
            if not _cells(sentence):  # (ids keep their position, so cached vectors stay valid)
                units.append(Unit(f"{passage.id}#s{n}", passage.id, SENTENCE, sentence, f"{head}：{sentence}"))
        key = f"{passage.source}|{passage.ref}"
        if key in bank and key not in claimed:
            claimed.add(key)
            units += [Unit(f"{passage.id}#q{n}", passage.id, QUESTION, q, q) for n, q in enumerate(bank[key], start=1)]
    return units


@dataclass(frozen=True)
class Best:
    """A passage's closest unit to the query: its similarity and its index in ``UnitScores.units``."""

    similarity: float
    unit: int


@dataclass(frozen=True)
class RerankWeights:
    """How much the closest sentence and question move a passage against its fused score.

    A similarity ``scale`` below the best candidate's costs as much as the whole fused score range. Chosen by
    a grid on dev, heldout and blind2 pooled, after the three-voice bank was added (docs/retrieval.md); blind3
    was never used to choose anything.
    """

    sentence: float = 1.0
    question: float = 1.5
    scale: float = 0.04
    no_question: float = 0.15  # a passage no question points to counts this far below the best question
    extra: int = 20  # passages added from the sentence ranking beyond the fused candidates


DEFAULT_WEIGHTS = RerankWeights()


def rerank(
    fused: Sequence[tuple[str, float]], sentence: Mapping[str, Best], question: Mapping[str, Best],
    weights: RerankWeights = DEFAULT_WEIGHTS,
) -> list[tuple[str, float]]:
    """Fused candidates plus the ``extra`` best by sentence, ordered by the combined score; best first.

    score = fused / max fused + w_s · (sentence − best sentence) / scale + w_q · (question − best question) / scale,
    over the candidates. A passage without sentence units keeps its fused score; one without a question unit
    counts ``no_question`` below the best question.
    """
    base = dict(fused)
    by_sentence = sorted(sentence, key=lambda pid: (-sentence[pid].similarity, pid))
    candidates = list(base) + [pid for pid in by_sentence[: weights.extra] if pid not in base]
    if not candidates:
        return []
    top_fused = max((v for v in base.values() if v > 0), default=1.0)
    sims = [sentence[pid].similarity for pid in candidates if pid in sentence]
    asks = [question[pid].similarity for pid in candidates if pid in question]
    top_sentence = max(sims, default=0.0)
    top_question = max(asks, default=0.0)

    def score(pid: str) -> float:
        total = base.get(pid, 0.0) / top_fused
        if pid in sentence:
            total += weights.sentence * (sentence[pid].similarity - top_sentence) / weights.scale
        if asks:
            gap = top_question - question[pid].similarity if pid in question else weights.no_question
            total -= weights.question * gap / weights.scale
        return total

    scored = [(pid, score(pid)) for pid in candidates]
    return sorted(scored, key=lambda item: (-item[1], item[0]))


class UnitScores:
    """Each passage's closest sentence and closest question to a query vector."""

    def __init__(self, units: Sequence[Unit], vectors: np.ndarray) -> None:
        self.units = tuple(units)
        self._vectors = np.asarray(vectors, dtype=np.float32)
        self._ids = list(dict.fromkeys(u.passage_id for u in self.units))
        row = {pid: i for i, pid in enumerate(self._ids)}
        self._passage = np.array([row[u.passage_id] for u in self.units], dtype=np.int64)
        self._question = np.array([u.kind == QUESTION for u in self.units], dtype=bool)
        grouped: dict[str, list[int]] = {}
        for i, unit in enumerate(self.units):
            if unit.kind == SENTENCE:
                grouped.setdefault(unit.passage_id, []).append(i)
        self._sentence_rows = {pid: np.array(rows, dtype=np.int64) for pid, rows in grouped.items()}

    def __len__(self) -> int:
        return len(self.units)

    def _best_of(self, sims: np.ndarray, mask: np.ndarray) -> dict[str, Best]:
        rows = np.flatnonzero(mask)
        order = rows[np.argsort(-sims[rows], kind="stable")]
        passages, first = np.unique(self._passage[order], return_index=True)
        return {self._ids[p]: Best(float(sims[order[i]]), int(order[i])) for p, i in zip(passages, first, strict=True)}

    def closest(self, query: np.ndarray, passage_ids: Sequence[str], n: int = 1) -> list[str]:
        """The texts of the ``n`` sentences of these passages closest to the query, in document order."""
        groups = [self._sentence_rows[pid] for pid in passage_ids if pid in self._sentence_rows]
        if not groups:
            return []
        rows = np.concatenate(groups)
        sims = np.einsum("ij,j->i", self._vectors[rows], np.asarray(query, dtype=np.float32))
        chosen = sorted(rows[np.argsort(-sims, kind="stable")[:n]])
        return [self.units[i].text for i in chosen]

    def closest_question(self, query: np.ndarray) -> float:
        """The best similarity of any question unit to the query (0.0 when there are none)."""
        if not self._question.any():
            return 0.0
        return float(np.einsum("ij,j->i", self._vectors[self._question], np.asarray(query, dtype=np.float32)).max())

    def best(self, query: np.ndarray) -> tuple[dict[str, Best], dict[str, Best]]:
        """(closest sentence, closest question) per passage id."""
        if not self.units:
            return {}, {}
        # einsum, not BLAS: OpenBLAS worker threads left spinning after a matmul slow the next query
        # embedding (onnxruntime) down by half on two cores, for a product that takes 0.2 ms in one thread
        sims = np.einsum("ij,j->i", self._vectors, np.asarray(query, dtype=np.float32))
        return self._best_of(sims, ~self._question), self._best_of(sims, self._question)
