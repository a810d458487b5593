"""Facility-search turns: new searches, refinements within a session, 「どこで？」, and 「2番目の連携先」."""

from __future__ import annotations

import dataclasses
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
from assistant.honesty import Wish
from assistant.markup import md_text
from assistant.parse import ParsedQuery
from assistant.session import LastSearch, Session
from assistant.understanding import Operation, Understanding
from assistant.where import EVERYWHERE, Where, resolve_given, where_from_dict
from corpus.facility import KIND_LABELS, Facility
from corpus.municipalities import by_code, prefecture_order
from corpus.settings import Settings
from retrieval.filters import FacilityFilter, make_filter
from retrieval.registry import ROWS
from retrieval.store import FacilityStore

_PREF_ORDER = prefecture_order
_DETAIL_FILTERS = tuple(row.name for row in ROWS if row.detail and row.name != "home_care_24h")


class Owner(Protocol):
    """What a turn needs from the Assistant."""

    settings: Settings

    @property
    def store(self) -> FacilityStore: ...

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

    def handle(self, u: Understanding, session: Session, given: Where | None, notes: list[str]) -> Answer:
        """A facility search, a refinement of the previous one, paging, a reset, or a question about a listed one."""
        parsed, last, op = u.parsed, session.last, u.operation
        if op is Operation.ORDINAL and last is not None and last.result_ids:
            return self._ordinal(parsed, last)
        if op is Operation.RESET:
            session.last, session.pending_specs, session.asked_location = None, None, False
            if not parsed.specs and u.place.where is None:
                return Answer("clarify", "これまでの条件と地域をリセットしました。新しい条件でどうぞ"
                                         "（例：「高知市で訪問看護をしている診療所」）。")
            last = None
        if op is Operation.MORE and last is not None:
            return self._more(last, session, notes)
        refine = last is not None and op in (Operation.REFINE, Operation.REPLACE_AREA, Operation.REMOVE)
        specs = self._specs(parsed, session, refine, op)
        if op is Operation.REMOVE and last is not None:
            specs = self._without(specs, last.specs, u.removed, notes)
        if u.unplaced:
            session.pending_specs = specs
            session.asked_location = True
            return self._clarify(f"「{md_text(u.unplaced)}」という市区町村が見つかりませんでした。市区町村名（都道府県名つき）・"
                                 "郵便番号・住所のいずれかで、もう一度教えてください。", specs, notes)
        if u.place.question:
            session.pending_specs = specs
            return self._clarify(u.place.question, specs, notes)
        where = u.place.where or self._fallback_where(parsed, session, given, refine, notes)
        if where is None and not session.asked_location:
            session.asked_location = True
            session.pending_specs = specs
            return self._clarify(ASK_WHERE, specs, notes)
        if where is None:
            where = EVERYWHERE
            notes.append("場所の指定がないため、全域から探しました。")
        outside = self._outside(where)
        if outside:
            session.pending_specs = None
            return Answer("facility_search", "\n".join([*notes, outside]), location=where.to_dict(),
                          filters=tuple(make_filter(str(s["name"]), s.get("value")).to_spec() for s in specs))
        steps: Sequence[float] | None = None
        if parsed.closer and last is not None:
            where, steps = self._closer(where, last, notes)
        filters = [make_filter(str(s["name"]), s.get("value")) for s in specs]
        answer = self.answer(filters, where, notes, steps=steps, unapplied=u.unapplied)
        session.pending_specs = None
        self._remember(session, specs, where, answer, offset=0)
        return answer

    def _remember(self, session: Session, specs: Sequence[dict[str, Any]], where: Where, answer: Answer,
                  offset: int) -> None:
        distances = [h.distance_km for h in answer.facilities if h.distance_km is not None]
        session.last = LastSearch([{"name": s["name"], "value": s.get("value")} for s in specs],
                                  where.to_dict(), answer.radius_km, [h.id for h in answer.facilities],
                                  max(distances) if distances else None, offset)

    def _more(self, last: LastSearch, session: Session, notes: list[str]) -> Answer:
        """「もっと見せて」: the next page of the same search (same conditions, same area)."""
        where = where_from_dict(last.location) if last.location else EVERYWHERE
        filters = [make_filter(str(s["name"]), s.get("value")) for s in last.specs]
        offset = last.offset + len(last.result_ids)
        answer = self.answer(filters, where, notes, offset=offset)
        if not answer.facilities:
            answer = dataclasses.replace(answer, answer="\n".join(
                [*notes, answer.conditions, f"これ以上の医療機関はありません（{offset}件をすべて表示しました）。"]))
        self._remember(session, last.specs, where, answer, offset)
        return answer

    def _outside(self, where: Where) -> str:
        """An area the active data does not cover is named as outside (never 「見つかりませんでした」)."""
        if where.mode == "everywhere" or not where.codes:
            return ""
        present = self.owner.store.municipality_codes()
        if present & set(where.codes):
            return ""
        names = {m.prefecture for m in (by_code(c) for c in present) if m is not None}
        covered = "・".join(sorted(names, key=_PREF_ORDER)) or "なし"
        return (f"{where.label}は、現在のデータの範囲外です（このデータに含まれる地域：{covered}）。"
                "範囲内の市区町村でお試しください。範囲外の地域は、医療情報ネット（ナビイ）で探せます。")

    def _specs(self, parsed: ParsedQuery, session: Session, refine: bool, op: Operation) -> list[dict[str, Any]]:
        if refine and session.last is not None:
            return merge_specs(session.last.specs, parsed.specs)
        if session.pending_specs is not None and (op is Operation.PLACE_REPLY or not parsed.specs):
            return merge_specs(session.pending_specs, parsed.specs)
        return [dict(s) for s in parsed.specs]

    @staticmethod
    def _without(specs: list[dict[str, Any]], previous: Sequence[dict[str, Any]], removed: Sequence[str],
                 notes: list[str]) -> list[dict[str, Any]]:
        """「夜間の条件は外して」: the conditions less the named ones, each drop said (or that it was not there)."""
        gone = set(removed) | ({"home_care", "home_care_24h"} if {"home_care", "home_care_24h"} & set(removed) else set())
        had = [s for s in previous if s["name"] in gone]
        if had:
            labels = "・".join(make_filter(str(s["name"]), s.get("value")).label for s in had)
            notes.append(f"「{labels}」の条件を外しました。")
        else:
            notes.append("外すように言われた条件は、前回の検索に入っていませんでした。前回の条件のまま探します。")
        return [s for s in specs if s["name"] not in gone]

    def _fallback_where(self, parsed: ParsedQuery, session: Session, given: Where | None,
                        refine: bool, notes: list[str]) -> Where | None:
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
        if parsed.near or remembered is None:
            return None
        notes.append(f"場所の指定がないため、前回と同じ地域（{remembered.short_label}）で探しました。")
        return remembered

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
               limit: int | None = None, steps: Sequence[float] | None = None,
               unapplied: Sequence[Wish] = (), offset: int = 0) -> Answer:
        """Run the search and compose the facility answer (or the checked no-match answer)."""
        store = self.owner.store
        limit = limit or self.settings.max_facilities
        steps = tuple(steps or self.settings.radius_steps_km)
        outcome = run_search(store, filters, where, steps, limit, offset)
        # Grounding guard: a facility failing any condition is never listed.
        hits = tuple(to_hit(h, outcome.order_by) for h in outcome.hits if all(f.test(h.facility) for f in filters))
        conditions = conditions_line(filters, outcome.where, outcome.radius_km)
        suggestions: list[str] = []
        wishes = tuple(unapplied)
        if hits:
            text = facility_answer(hits, outcome.total, outcome.searched, conditions, outcome.where, notes,
                                   unapplied=wishes, offset=offset, order_by=outcome.order_by)
        elif offset:
            text = "\n".join([conditions, *notes])
        else:
            suggestions = relaxations(store, filters, outcome.where, steps)
            unknown = unreported_note(store, filters, outcome.where, steps)
            text = no_match_answer(outcome.searched, conditions, suggestions, [*notes, unknown] if unknown else notes,
                                   unapplied=wishes)
        location = None if outcome.where.mode == "everywhere" else outcome.where.to_dict()
        return Answer("facility_search", text, conditions=conditions, facilities=hits,
                      filters=tuple(f.to_spec() for f in filters), location=location,
                      radius_km=outcome.radius_km, suggestions=tuple(suggestions),
                      notice=self.owner.notice_for(hits), unapplied=wishes,
                      order_by=outcome.order_by if hits else ())

    def _clarify(self, question: str, specs: Sequence[dict[str, Any]], notes: Sequence[str] = ()) -> Answer:
        filters = [make_filter(str(s["name"]), s.get("value")) for s in specs]
        return Answer("clarify", "\n".join([*notes, question]), conditions=conditions_line(filters, None),
                      filters=tuple(f.to_spec() for f in filters))

    def _ordinal(self, parsed: ParsedQuery, last: LastSearch) -> Answer:
        """「さっきの2番目（の連携先）は？」 answered from that facility's own record."""
        n, ids = parsed.ordinal or 0, last.result_ids
        if not 1 <= n <= len(ids):
            return Answer("facility_search", f"前回の結果は{len(ids)}件です。1〜{len(ids)}番目の番号で指定してください。")
        record = self.owner.store.get(ids[n - 1])
        if record is None:
            return Answer("facility_search", "前回の結果の医療機関が、現在のデータに見つかりませんでした。")
        if parsed.wants_partners:
            text = partners_answer(n, record)
            evidence = tuple(Evidence(*row) for row in partner_evidence(record))
        else:
            evidence = tuple(e for name in _DETAIL_FILTERS for e in _evidence(make_filter(name), record))
            lines = [f"- {e.item}：{md_text(e.value)}" for e in evidence] or ["- 報告されている機能はありません"]
            text = "\n".join([f"{n}番目の**{md_text(record.name)}**の報告内容です（報告基準日：{md_text(record.as_of)}）。",
                              *lines])
        hit = _plain_hit(record, evidence)
        return Answer("facility_search", text, facilities=(hit,), notice=self.owner.notice_for((hit,)))


def _evidence(flt: FacilityFilter, record: Facility) -> tuple[Evidence, ...]:
    return tuple(Evidence(e.item, e.value, e.field) for e in flt.evidence(record))


def _plain_hit(f: Facility, evidence: tuple[Evidence, ...]) -> FacilityHit:
    return FacilityHit(f.id, f.name, f.kind, KIND_LABELS.get(f.kind, f.kind), f.municipality, f.municipality_code,
                       f.address, f.lat, f.lng, f.phone, f.website, None, f.as_of, f.sample, evidence)
