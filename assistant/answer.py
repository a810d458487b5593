"""The `Answer` record returned by every assistant call and its JSON form (docs/architecture.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.honesty import Wish

INTENTS: tuple[str, ...] = ("facility_search", "guideline", "emergency", "out_of_scope", "clarify")


@dataclass(frozen=True)
class Evidence:
    """One report item and the value that satisfied a condition."""

    item: str
    value: str
    field: str = ""

    def to_dict(self) -> dict[str, str]:
        """JSON form."""
        return {"item": self.item, "value": self.value, "field": self.field}


@dataclass(frozen=True)
class FacilityHit:
    """A listed facility with its distance and the evidence for every condition."""

    id: str
    name: str
    kind: str
    kind_label: str
    municipality: str
    municipality_code: str
    address: str
    lat: float | None
    lng: float | None
    phone: str
    website: str
    distance_km: float | None
    as_of: str
    sample: bool
    evidence: tuple[Evidence, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "id": self.id, "name": self.name, "kind": self.kind, "kind_label": self.kind_label,
            "municipality": self.municipality, "municipality_code": self.municipality_code,
            "address": self.address, "lat": self.lat, "lng": self.lng, "phone": self.phone,
            "website": self.website,
            "distance_km": None if self.distance_km is None else round(self.distance_km, 2),
            "as_of": self.as_of, "sample": self.sample,
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(frozen=True)
class Citation:
    """A quoted passage: Q&A item, guideline section, case study, form or reference document."""

    source: str
    id: str
    title: str
    page: int | None
    quote: str
    doc: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"source": self.source, "id": self.id, "title": self.title, "page": self.page, "quote": self.quote,
                "doc": self.doc}


@dataclass(frozen=True)
class Quote:
    """A verbatim extract shown under an answer, with where it is from and why it is there."""

    where: str  # 「Q11（Ｑ＆Ａ集（別添8）、P.65）」
    text: str
    label: str = ""  # 「ガイドラインの該当箇所」「あわせて」…; empty for the main passage

    def to_dict(self) -> dict[str, str]:
        return {"where": self.where, "text": self.text, "label": self.label}


@dataclass(frozen=True)
class AnswerBody:
    """A document answer in parts: the key sentences, the quotes, the related Q&A (and a case's fields).

    ``summary`` is verbatim text of the best passage; ``source`` says where it is from.
    """

    summary: tuple[str, ...]
    source: str
    quotes: tuple[Quote, ...] = ()
    related: tuple[str, ...] = ()
    fields: tuple[tuple[str, str], ...] = ()  # (label, value) of a 事例: 地域, 取組の中心, 背景・課題…
    title: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"summary": list(self.summary), "source": self.source, "title": self.title,
                "quotes": [q.to_dict() for q in self.quotes], "related": list(self.related),
                "fields": [{"label": k, "value": v} for k, v in self.fields]}


@dataclass(frozen=True)
class Answer:
    """Everything one turn produced: text, facilities, citations, the understood conditions."""

    intent: str
    answer: str
    session_id: str = ""
    conditions: str = ""
    facilities: tuple[FacilityHit, ...] = ()
    citations: tuple[Citation, ...] = ()
    filters: tuple[dict[str, Any], ...] = ()
    location: dict[str, Any] | None = None
    radius_km: float | None = None
    suggestions: tuple[str, ...] = ()
    notice: str = ""
    emergency: bool = False
    numbers: tuple[str, ...] = ()
    llm_used: bool = False
    meta: dict[str, Any] = field(default_factory=dict)
    unapplied: tuple[Wish, ...] = ()  # wishes that could not become conditions (said in the answer too)
    understanding: dict[str, Any] | None = None  # the typed reading of the message (assistant/understanding.py)
    body: AnswerBody | None = None  # a guideline / Q&A / 事例 answer in parts (assistant/documents.py)
    order_by: tuple[str, ...] = ()  # amount rows whose 算定回数 ordered the facilities (empty: nearest first)

    def to_dict(self) -> dict[str, Any]:
        """The JSON of `kakari ask --json` and `POST /api/chat`."""
        return {
            "intent": self.intent,
            "answer": self.answer,
            "conditions": self.conditions,
            "facilities": [f.to_dict() for f in self.facilities],
            "citations": [c.to_dict() for c in self.citations],
            "filters": [dict(f) for f in self.filters],
            "location": self.location,
            "radius_km": self.radius_km,
            "suggestions": list(self.suggestions),
            "session_id": self.session_id,
            "notice": self.notice,
            "safety": {"emergency": self.emergency, "numbers": list(self.numbers)},
            "unapplied": [w.to_dict() for w in self.unapplied],
            "understanding": self.understanding,
            "body": self.body.to_dict() if self.body is not None else None,
            "order_by": list(self.order_by),
        }
