"""Gold sets for facility questions: the filter-name table re-implemented over exported dicts.

Deliberately independent of ``retrieval.filters`` (same contract, docs/architecture.md "Filter names"),
so that a bug in the product's filters shows up as a grounding error instead of moving the gold.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

Record = dict[str, Any]
Condition = Callable[[Record, Any], bool]

HOME_CARE_24H = ("24h_self", "24h_with_partners")


def _block(record: Record, name: str) -> Record | None:
    value = record.get(name)
    return value if isinstance(value, dict) else None


def _flag(block_name: str, key: str) -> Condition:
    """A condition true when ``record[block_name][key]`` is truthy (a missing block never is)."""

    def check(record: Record, _value: Any) -> bool:
        block = _block(record, block_name)
        return bool(block and block.get(key))

    return check


def _function1_list(key: str) -> Condition:
    def check(record: Record, value: Any) -> bool:
        block = _block(record, "function1")
        return bool(block and block.get("has") and value in (block.get(key) or []))

    return check


def _municipality(record: Record, value: Any) -> bool:
    codes = [value] if isinstance(value, str) else list(value or [])
    return str(record.get("municipality_code", "")) in {str(c) for c in codes}


def _general_medicine(record: Record, _value: Any) -> bool:
    block = _block(record, "function1")
    return bool(block and (block.get("general_medicine_specialists") or 0) > 0)


def _off_hours(record: Record, value: Any) -> bool:
    block = _block(record, "off_hours")
    modes = list(block.get("modes") or []) if block else []
    return bool(modes) if value is None else value in modes


def _backup_beds(record: Record, value: Any) -> bool:
    block = _block(record, "admission_support")
    beds = block.get("backup_beds") if block else None
    return beds in ("self", "partnered") if value is None else beds == value


def _home_care(record: Record, value: Any) -> bool:
    block = _block(record, "home_care")
    mode = block.get("mode") if block else None
    if mode is None:
        return False
    return mode != "none" if value is None else mode == value


def _home_care_24h(record: Record, _value: Any) -> bool:
    block = _block(record, "home_care")
    return bool(block and block.get("mode") in HOME_CARE_24H)


def _positive(block_name: str, key: str) -> Condition:
    def check(record: Record, _value: Any) -> bool:
        block = _block(record, block_name)
        return bool(block and (block.get(key) or 0) > 0)

    return check


def _list_entry(block_name: str, key: str) -> Condition:
    """A reported list is non-empty (value None) or has an entry containing the value (NFKC, case-folded)."""

    def check(record: Record, value: Any) -> bool:
        block = _block(record, block_name)
        entries = [str(e) for e in (block.get(key) or [])] if block else []
        if value is None:
            return bool(entries)
        wanted = unicodedata.normalize("NFKC", str(value)).casefold()
        return any(wanted in unicodedata.normalize("NFKC", e).casefold() for e in entries)

    return check


def _confirmed_2go(record: Record, _value: Any) -> bool:
    return bool(record.get("confirmed_2go"))


CONDITIONS: dict[str, Condition] = {
    "kind": lambda record, value: record.get("kind") == value,
    "municipality": _municipality,
    "function1": _flag("function1", "has"),
    "domain": _function1_list("domains"),
    "disease": _function1_list("diseases"),
    "consultation": _flag("function1", "consultation"),
    "general_medicine": _general_medicine,
    "off_hours": _off_hours,
    "backup_beds": _backup_beds,
    "discharge_rules": _flag("admission_support", "discharge_rules"),
    "home_care": _home_care,
    "home_care_24h": _home_care_24h,
    "home_visits": _positive("home_care", "home_visits"),
    "urgent_visits": _positive("home_care", "urgent_visits"),
    "home_deaths": _positive("home_care", "home_deaths"),
    "care_collab": _flag("care_collaboration", "has"),
    "opinion_letters": _flag("care_collaboration", "opinion_letters"),
    "care_meetings": _flag("care_collaboration", "care_meetings"),
    "care_manager_consults": _flag("care_collaboration", "care_manager_consults"),
    "cooperating_facility": _list_entry("care_collaboration", "cooperating_facilities"),
    "info_sharing_system": _flag("care_collaboration", "info_sharing_system"),
    "acp": _flag("care_collaboration", "acp"),
    "checkups": _flag("other", "checkups"),
    "vaccinations": _flag("other", "vaccinations"),
    "trained_doctors": _positive("function1", "trained_doctors"),
    "platform": _flag("function1", "platform"),
    "admission_info_sharing": _positive("admission_support", "admission_info_sharing"),
    "discharge_guidance": _positive("admission_support", "discharge_info_sharing"),
    "nursing_visits": _positive("home_care", "nursing_visits"),
    "nursing_instructions": _positive("home_care", "nursing_instructions"),
    "care_manager_info": _positive("care_collaboration", "care_manager_info_count"),
    "community_activity": _list_entry("other", "community_activities"),
    "education": _flag("other", "education"),
    "future_intent": _flag("other", "future_intent"),
    "future_function": _list_entry("other", "future_functions"),
    "confirmed_2go": _confirmed_2go,
}


# The reported 算定回数 an answer may be ordered by (its ``order_by``): name → (block, key) of the exported dict.
AMOUNTS: dict[str, tuple[str, str]] = {
    "admission_info_sharing": ("admission_support", "admission_info_sharing"),
    "discharge_guidance": ("admission_support", "discharge_info_sharing"),
    "home_visits": ("home_care", "home_visits"),
    "urgent_visits": ("home_care", "urgent_visits"),
    "nursing_visits": ("home_care", "nursing_visits"),
    "nursing_instructions": ("home_care", "nursing_instructions"),
    "home_deaths": ("home_care", "home_deaths"),
    "care_manager_info": ("care_collaboration", "care_manager_info_count"),
}


def amount(record: Record, name: str) -> float:
    """One reported 算定回数 of an exported dict (0 when the block or the count is missing)."""
    block_name, key = AMOUNTS[name]
    block = _block(record, block_name)
    return float(block.get(key) or 0) if block else 0.0


def volumes(records: Sequence[Record], names: Sequence[str], among: Sequence[Record]) -> list[float]:
    """Per record: the named amounts summed, each divided by its largest value ``among`` the matches (so one large
    count does not outweigh the others): the order the product promises when it says 算定回数の多い順."""
    top = {n: max([amount(r, n) for r in among] + [1.0]) for n in names}
    return [sum(amount(r, n) / top[n] for n in names) for r in records]


class GoldError(ValueError):
    """A gold spec names an unknown condition."""


def satisfies(record: Record, specs: Iterable[dict[str, Any]]) -> bool:
    """Whether an exported facility dict meets every ``{"name", "value"}`` spec."""
    for spec in specs:
        check = CONDITIONS.get(spec["name"])
        if check is None:
            raise GoldError(f"評価用の条件名が不明です: {spec['name']}")
        if not check(record, spec.get("value")):
            return False
    return True


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in kilometres (mean Earth radius 6371.0088 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def record_distance(record: Record, point: Sequence[float]) -> float | None:
    """Distance from ``point`` (lat, lng) to a record, None when the record has no usable coordinates."""
    lat, lng = record.get("lat"), record.get("lng")
    if lat is None or lng is None or (not lat and not lng):
        return None
    return haversine_km(point[0], point[1], float(lat), float(lng))


@dataclass(frozen=True)
class GoldSet:
    """The facilities that satisfy a question's gold conditions, nearest first when a point is given."""

    satisfying: frozenset[str]  # every record meeting all conditions (grounding)
    ranked: tuple[str, ...]  # the same ids, nearest first when there is a point (recall)


def gold_set(records: Sequence[Record], gold: dict[str, Any]) -> GoldSet:
    """Compute the gold set of one facility question from the exported records."""
    specs = list(gold.get("conditions", []))
    if gold.get("municipalities"):
        specs.append({"name": "municipality", "value": gold["municipalities"]})
    hits = [r for r in records if satisfies(r, specs)]
    point = gold.get("point")
    if point:
        with_distance = [(record_distance(r, point), r["id"]) for r in hits]
        ranked = tuple(i for d, i in sorted((d, i) for d, i in with_distance if d is not None))
    else:
        ranked = tuple(sorted(r["id"] for r in hits))
    return GoldSet(frozenset(r["id"] for r in hits), ranked)
