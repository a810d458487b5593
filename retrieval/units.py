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

QUESTIONS_FILE = Path(__file__).resolve().parent / "data" / "passage_questions.toml"
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


def _body(passage: Passage) -> str:
    """The text a passage says (for a Q&A item: the answer, without the repeated question line)."""
    if passage.source == "qa" and "\n" in passage.text:
        return passage.text.split("\n", 1)[1]
    return passage.text


@cache
def question_bank(path: Path = QUESTIONS_FILE) -> Mapping[str, tuple[str, ...]]:
    """``{"qa|Q11": (questions…)}``; empty when the file is absent."""
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return {str(key): tuple(str(q) for q in value.get("questions", [])) for key, value in data.items()}


def bank_fingerprint(path: Path = QUESTIONS_FILE) -> str:
    """Content hash of the question bank (part of the index key)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.is_file() else "none"


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
            units.append(Unit(f"{passage.id}#s{n}", passage.id, SENTENCE, sentence, f"{head}：{sentence}"))
        key = f"{passage.source}|{passage.ref}"
        if key in bank and key not in claimed:
            claimed.add(key)
            units += [Unit(f"{passage.id}#q{n}", passage.id, QUESTION, q, q) for n, q in enumerate(bank[key], start=1)]
    return units


class UnitScores:
    """Each passage's best unit similarity to a query vector (sentences and questions kept apart)."""

    def __init__(self, units: Sequence[Unit], vectors: np.ndarray) -> None:
        self.units = tuple(units)
        self._vectors = np.asarray(vectors, dtype=np.float32)
        self._passage = np.array([u.passage_id for u in self.units])
        self._question = np.array([u.kind == QUESTION for u in self.units], dtype=bool)

    def __len__(self) -> int:
        return len(self.units)

    def best(self, query: np.ndarray) -> tuple[dict[str, float], dict[str, float]]:
        """(best sentence similarity, best question similarity) per passage id."""
        if not self.units:
            return {}, {}
        sims = self._vectors @ np.asarray(query, dtype=np.float32)
        sentence: dict[str, float] = {}
        question: dict[str, float] = {}
        for pid, is_question, sim in zip(self._passage, self._question, sims, strict=True):
            table = question if is_question else sentence
            if sim > table.get(pid, -1.0):
                table[str(pid)] = float(sim)
        return sentence, question

    def best_sentence(self, query: np.ndarray, passage_id: str) -> tuple[int, float] | None:
        """(unit index, similarity) of the passage's sentence closest to the query."""
        rows = np.flatnonzero((self._passage == passage_id) & ~self._question)
        if rows.size == 0:
            return None
        sims = self._vectors[rows] @ np.asarray(query, dtype=np.float32)
        i = int(np.argmax(sims))
        return int(rows[i]), float(sims[i])
