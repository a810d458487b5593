"""Facility-search turns: new searches, refinements within a session, 「どこで？」, and 「2番目の連携先」."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from assistant.answer import Answer, Evidence, FacilityHit
from assistant.compose import (
    ASK_WHERE,
    conditions_line,
    facility_answer,
    no_match_answer,
    partner_evidence,
    partners_answer,
)
from assistant.facilities import relaxations, run_search, to_hit, unreported_note
from assistant.intent import is_follow_up, looks_like_place_reply
from assistant.parse import ParsedQuery
from assistant.session import LastSearch, Session
from assistant.where import EVERYWHERE, Where, resolve_given, resolve_in_text, where_from_dict
from corpus.facility import KIND_LABELS, Facility
from corpus.settings import Settings
from retrieval.filters import FacilityFilter, make_filter
from retrieval.registry import ROWS

_DETAIL_FILTERS = tuple(row.name for row in ROWS if row.detail and row.name != "home_care_24h")


class Owner(Protocol):
    """What a turn needs from the Assistant."""

    settings: Settings

    @property
    def records(self) -> tuple[Facility, ...]: ...

    def notice_for(self, hits: Sequence[FacilityHit]) -> str: ...


def merge_specs(base: Sequence[dict[str, Any]], new: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Previous conditions plus the new ones; a new condition replaces an old one of the same name."""
    names = {s["name"] for s in new}
    if names & {"home_care", "home_care_24h"}:
        names |= {"home_care", "home_care_24h"}
    kept = [dict(s) for s in base if s["name"] not in names]
    out = kept + [dict(s) for s in new]
    return sorted(out, key=lambda s: s["name"] != "kind")


class FacilityTurns:
    """One facility turn against the owner's records and settings."""

    def __init__(self, owner: Owner) -> None:
        self.owner = owner
        self.settings = owner.settings.assistant

    def is_place_reply(self, parsed: ParsedQuery, session: Session) -> bool:
        """After 「どちらの地域で？」, a bare place (or 「どこでもいい」) continues the pending search."""
        if session.pending_specs is None:
            return False
        place = resolve_in_text(parsed)
        return parsed.everywhere or looks_like_place_reply(parsed, place.where is not None or bool(place.question))

    def handle(self, parsed: ParsedQuery, session: Session, given: Where | None, notes: list[str]) -> Answer:
        """A facility search, a refinement of the previous one, or a question about a listed facility."""
        last = session.last
        if parsed.ordinal is not None and last is not None and last.result_ids:
            return self._ordinal(parsed, last)
        refine = last is not None and is_follow_up(parsed)
        specs = self._specs(parsed, session, refine)
        in_text = resolve_in_text(parsed)
        if in_text.question:
            session.pending_specs = specs
            return self._clarify(in_text.question, specs, notes)
        where = in_text.where or self._fallback_where(parsed, session, given, refine)
        if where is None and not session.asked_location:
            session.asked_location = True
            session.pending_specs = specs
            return self._clarify(ASK_WHERE, specs, notes)
        if where is None:
            where = EVERYWHERE
            notes.append("場所の指定がないため、全域から探しました。")
        steps: Sequence[float] | None = None
        if parsed.closer and last is not None:
            where, steps = self._closer(where, last, notes)
        filters = [make_filter(str(s["name"]), s.get("value")) for s in specs]
        answer = self.answer(filters, where, notes, steps=steps)
        session.pending_specs = None
        distances = [h.distance_km for h in answer.facilities if h.distance_km is not None]
        session.last = LastSearch([{"name": s["name"], "value": s.get("value")} for s in specs],
                                  where.to_dict(), answer.radius_km, [h.id for h in answer.facilities],
                                  max(distances) if distances else None)
        return answer

    def _specs(self, parsed: ParsedQuery, session: Session, refine: bool) -> list[dict[str, Any]]:
        if refine and session.last is not None:
            return merge_specs(session.last.specs, parsed.specs)
        if session.pending_specs is not None and (self.is_place_reply(parsed, session) or not parsed.specs):
            return merge_specs(session.pending_specs, parsed.specs)
        return [dict(s) for s in parsed.specs]

    def _fallback_where(self, parsed: ParsedQuery, session: Session, given: Where | None,
                        refine: bool) -> Where | None:
        """No place in the message: the previous search's area, the caller's location, or the session's."""
        if parsed.everywhere:
            return EVERYWHERE
        remembered = where_from_dict(session.last.location) if session.last and session.last.location else None
        if refine and remembered is not None:
            return remembered
        if given is None and session.user_location:
            given = resolve_given(session.user_location)
        if given is not None:
            return given.with_mode("radius") if parsed.near and given.point else given
        return None if parsed.near else remembered

    def _closer(self, where: Where, last: LastSearch, notes: list[str]) -> tuple[Where, Sequence[float] | None]:
        """「もっと近くで」: radius steps strictly inside the previous farthest result."""
        if where.point is None:
            notes.append("もっと近くを探すには、市区町村か郵便番号を1つに絞って指定してください。")
            return where, None
        current = min(x for x in (last.radius_km, last.max_distance_km, 1e9) if x is not None)
        steps = [s for s in self.settings.radius_steps_km if s < current] or [round(current / 2, 2)]
        notes.append(f"前回より近い範囲（半径{steps[-1]:g}km以内）に絞りました。")
        return where.with_mode("radius"), steps

    def answer(self, filters: Sequence[FacilityFilter], where: Where, notes: Sequence[str],
               limit: int | None = None, steps: Sequence[float] | None = None) -> Answer:
        """Run the search and compose the facility answer (or the checked no-match answer)."""
        records = self.owner.records
        limit = limit or self.settings.max_facilities
        steps = tuple(steps or self.settings.radius_steps_km)
        outcome = run_search(records, filters, where, steps, limit)
        # Grounding guard: a facility failing any condition is never listed.
        hits = tuple(to_hit(h) for h in outcome.hits if all(f.test(h.facility) for f in filters))
        conditions = conditions_line(filters, outcome.where, outcome.radius_km)
        suggestions: list[str] = []
        if hits:
            text = facility_answer(hits, outcome.total, outcome.searched, conditions, outcome.where, notes)
        else:
            suggestions = relaxations(records, filters, outcome.where, steps)
            unknown = unreported_note(records, filters, outcome.where, steps)
            text = no_match_answer(outcome.searched, conditions, suggestions, [*notes, unknown] if unknown else notes)
        location = None if outcome.where.mode == "everywhere" else outcome.where.to_dict()
        return Answer("facility_search", text, conditions=conditions, facilities=hits,
                      filters=tuple(f.to_spec() for f in filters), location=location,
                      radius_km=outcome.radius_km, suggestions=tuple(suggestions),
                      notice=self.owner.notice_for(hits))

    def _clarify(self, question: str, specs: Sequence[dict[str, Any]], notes: Sequence[str] = ()) -> Answer:
        filters = [make_filter(str(s["name"]), s.get("value")) for s in specs]
        return Answer("clarify", "\n".join([*notes, question]), conditions=conditions_line(filters, None),
                      filters=tuple(f.to_spec() for f in filters))

    def _ordinal(self, parsed: ParsedQuery, last: LastSearch) -> Answer:
        """「さっきの2番目（の連携先）は？」 answered from that facility's own record."""
        n, ids = parsed.ordinal or 0, last.result_ids
        if not 1 <= n <= len(ids):
            return Answer("facility_search", f"前回の結果は{len(ids)}件です。1〜{len(ids)}番目の番号で指定してください。")
        record = next((f for f in self.owner.records if f.id == ids[n - 1]), None)
        if record is None:
            return Answer("facility_search", "前回の結果の医療機関が、現在のデータに見つかりませんでした。")
        if parsed.wants_partners:
            text = partners_answer(n, record)
            evidence = tuple(Evidence(*row) for row in partner_evidence(record))
        else:
            evidence = tuple(e for name in _DETAIL_FILTERS for e in _evidence(make_filter(name), record))
            lines = [f"- {e.item}：{e.value}" for e in evidence] or ["- 報告されている機能はありません"]
            text = "\n".join([f"{n}番目の**{record.name}**の報告内容です（報告基準日：{record.as_of}）。", *lines])
        hit = _plain_hit(record, evidence)
        return Answer("facility_search", text, facilities=(hit,), notice=self.owner.notice_for((hit,)))


def _evidence(flt: FacilityFilter, record: Facility) -> tuple[Evidence, ...]:
    return tuple(Evidence(e.item, e.value, e.field) for e in flt.evidence(record))


def _plain_hit(f: Facility, evidence: tuple[Evidence, ...]) -> FacilityHit:
    return FacilityHit(f.id, f.name, f.kind, KIND_LABELS.get(f.kind, f.kind), f.municipality, f.municipality_code,
                       f.address, f.lat, f.lng, f.phone, f.website, None, f.as_of, f.sample, evidence)
