"""The uniform, citable unit of text that retrieval indexes and answers quote."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SOURCES: tuple[str, ...] = ("qa", "guideline", "case", "form", "reference")


@dataclass(frozen=True)
class Passage:
    """One searchable chunk with everything needed to cite it.

    ``ref`` is what a user sees as the citation id: ``Q11`` for the Q&A, ``第2章第3節（２）`` for a
    guideline section, ``事例3`` for a case study, a form name, or a reference document id.
    ``text`` keeps the document's own characters for display; ``search_text`` is the NFKC-folded text
    (with titles / questions / categories prepended) that the indexes see.
    """

    id: str  # stable unique id, e.g. "qa:Q11", "guideline:0042", "case:03", "ref:000:0005"
    source: str  # one of SOURCES
    ref: str
    title: str
    doc: str  # human name of the document, e.g. "かかりつけ医機能報告制度Ｑ＆Ａ集（別添8）"
    page: int | None
    text: str
    search_text: str
    path: tuple[str, ...] = ()  # heading path inside the document
    meta: dict[str, Any] = field(default_factory=dict)  # small, JSON-ready extras (category, region...)
