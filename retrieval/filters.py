"""Facility filters built from the registry rows: each tests a record, cites its evidence, speaks Japanese and Chroma.

The names and values are the contract of docs/architecture.md ("Filter names"). A function block that
was not reported (``None``) never satisfies a filter: unknown is not "has".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from corpus.facility import (
    BACKUP_BEDS_LABELS,
    HOME_CARE_MODE_LABELS,
    KIND_LABELS,
    OFF_HOURS_MODE_LABELS,
    Facility,
)
from retrieval.registry import BY_NAME, CARE_HOME_TYPES, FILTER_NAMES, ROWS


class FilterError(ValueError):
    """A filter name or value is not in the table; the message is Japanese."""


@dataclass(frozen=True)
class Evidence:
    """One reported field that satisfied a condition: report item, its value in Japanese, export path."""

    item: str  # 報告事項の名称
    value: str  # 報告内容（日本語）
    field: str  # dotted path in the export record, e.g. "home_care.mode"


class FacilityFilter(Protocol):
    """What every filter offers (datasette style: a machine clause and a human sentence)."""

    @property
    def name(self) -> str: ...

    @property
    def value(self) -> Any: ...

    @property
    def label(self) -> str: ...

    def test(self, facility: Facility) -> bool: ...

    def evidence(self, facility: Facility) -> tuple[Evidence, ...]: ...

    def chroma_where(self) -> dict[str, Any] | None: ...

    def to_spec(self) -> dict[str, Any]: ...


def _partners(names: Iterable[str]) -> str:
    names = tuple(names)
    return f"（連携先：{'、'.join(names)}）" if names else ""


def _true(key: str) -> dict[str, Any]:
    return {key: {"$eq": True}}


class _Base:
    """Shared behaviour: spec form and the default Chroma clause on a boolean metadata key."""

    name: str
    value: Any

    @property
    def label(self) -> str:
        raise NotImplementedError

    def test(self, facility: Facility) -> bool:
        raise NotImplementedError

    def metadata_key(self) -> str:
        """The boolean key this filter reads in :func:`facility_metadata`."""
        return self.name if self.value is None else f"{self.name}:{self.value}"

    def chroma_where(self) -> dict[str, Any] | None:
        """A Chroma ``where`` clause over :func:`facility_metadata`."""
        return _true(self.metadata_key())

    def to_spec(self) -> dict[str, Any]:
        """The JSON spec ``{"name", "value", "label"}``."""
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {"name": self.name, "value": value, "label": self.label}

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class KindFilter(_Base):
    """病院 / 診療所."""

    value: str
    name: str = "kind"

    @property
    def label(self) -> str:
        return f"{KIND_LABELS[self.value]}に限る"

    def test(self, facility: Facility) -> bool:
        return facility.kind == self.value

    def evidence(self, facility: Facility) -> tuple[Evidence, ...]:
        if not self.test(facility):
            return ()
        return (Evidence("医療機関の種別", KIND_LABELS.get(facility.kind, facility.kind), "kind"),)

    def chroma_where(self) -> dict[str, Any] | None:
        return {"kind": {"$eq": self.value}}


@dataclass(frozen=True)
class MunicipalityFilter(_Base):
    """所在する市区町村（5桁コードのいずれか）."""

    value: tuple[str, ...]
    name: str = "municipality"

    @property
    def label(self) -> str:
        return f"所在地が市区町村コード{'・'.join(self.value)}"

    def test(self, facility: Facility) -> bool:
        return facility.municipality_code in self.value

    def evidence(self, facility: Facility) -> tuple[Evidence, ...]:
        if not self.test(facility):
            return ()
        place = f"{facility.prefecture}{facility.municipality}（{facility.municipality_code}）"
        return (Evidence("所在地", place, "municipality_code"),)

    def chroma_where(self) -> dict[str, Any] | None:
        return {"municipality_code": {"$in": list(self.value)}}


@dataclass(frozen=True)
class FieldFilter(_Base):
    """A yes/no condition read from one field of one block (flag, count > 0, or non-empty list)."""

    name: str
    block: str  # attribute of Facility, e.g. "care_collaboration"
    attr: str  # attribute of the block, e.g. "acp"
    item: str  # 報告事項の名称
    sentence: str  # label
    show: Callable[[Any], str]  # field value → Japanese value text
    value: None = None

    @property
    def label(self) -> str:
        return self.sentence

    def _field(self, facility: Facility) -> Any:
        block = getattr(facility, self.block) if self.block else facility
        return None if block is None else getattr(block, self.attr)

    def test(self, facility: Facility) -> bool:
        value = self._field(facility)
        return bool(value) and (not isinstance(value, int) or value > 0)

    def evidence(self, facility: Facility) -> tuple[Evidence, ...]:
        if not self.test(facility):
            return ()
        path = f"{self.block}.{self.attr}" if self.block else self.attr
        return (Evidence(self.item, self.show(self._field(facility)), path),)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


@dataclass(frozen=True)
class ListFieldFilter(_Base):
    """A reported list (協力先の介護施設, 地域活動): non-empty, or one entry that contains the value."""

    name: str
    value: str | None
    block: str
    attr: str
    item: str
    sentence: str
    show: Callable[[Any], str]

    @property
    def label(self) -> str:
        if self.value is None:
            return self.sentence
        row = BY_NAME[self.name]
        named = row.sentence(self.value)
        return named if named != row.label else f"{self.sentence}（「{self.value}」）"

    def _entries(self, facility: Facility) -> tuple[str, ...]:
        block = getattr(facility, self.block)
        entries = () if block is None else tuple(getattr(block, self.attr))
        if self.value is None:
            return entries
        wanted = _fold(self.value)
        return tuple(e for e in entries if wanted in _fold(e))

    def test(self, facility: Facility) -> bool:
        return bool(self._entries(facility))

    def evidence(self, facility: Facility) -> tuple[Evidence, ...]:
        entries = self._entries(facility)
        if not entries:
            return ()
        return (Evidence(self.item, self.show(entries), f"{self.block}.{self.attr}"),)

    def chroma_where(self) -> dict[str, Any] | None:
        if self.value is None or self.value in _closed_values(self.name):
            return _true(self.metadata_key())
        return None  # a free name inside a list cannot be pushed down; test() still applies it


@dataclass(frozen=True)
class ListMemberFilter(_Base):
    """A 1号機能 list (領域 or 疾患) contains the value; 1号機能 must be 有り."""

    name: str
    value: str
    attr: str
    item: str
    template: str

    @property
    def label(self) -> str:
        return self.template.format(self.value)

    def test(self, facility: Facility) -> bool:
        f1 = facility.function1
        return f1 is not None and f1.has and self.value in getattr(f1, self.attr)

    def evidence(self, facility: Facility) -> tuple[Evidence, ...]:
        if not self.test(facility):
            return ()
        return (Evidence(self.item, self.value, f"function1.{self.attr}"),)


@dataclass(frozen=True)
class OffHoursFilter(_Base):
    """2号機能（イ）時間外の診療: any mode, or one mode."""

    value: str | None = None
    name: str = "off_hours"

    @property
    def label(self) -> str:
        if self.value is None:
            return "通常の診療時間外の診療に対応（いずれかの方法）"
        return f"時間外の診療：{OFF_HOURS_MODE_LABELS[self.value]}"

    def _modes(self, facility: Facility) -> tuple[str, ...]:
        block = facility.off_hours
        if block is None:
            return ()
        return tuple(m for m in block.modes if self.value is None or m == self.value)

    def test(self, facility: Facility) -> bool:
        return bool(self._modes(facility))

    def evidence(self, facility: Facility) -> tuple[Evidence, ...]:
        block = facility.off_hours
        out = []
        for mode in self._modes(facility):
            text = OFF_HOURS_MODE_LABELS.get(mode, mode)
            if mode == "self_plus_partners" and block is not None:
                text += _partners(block.partners)
            out.append(Evidence("時間外の診療の体制", text, "off_hours.modes"))
        return tuple(out)


@dataclass(frozen=True)
class BackupBedFilter(_Base):
    """2号機能（ロ）後方支援病床: self or partnered (default), or exactly one."""

    value: str | None = None
    name: str = "backup_beds"

    @property
    def label(self) -> str:
        if self.value is None:
            return "後方支援病床を確保（自院または連携）"
        return f"後方支援病床を{BACKUP_BEDS_LABELS[self.value]}"

    def test(self, facility: Facility) -> bool:
        block = facility.admission_support
        if block is None or block.backup_beds == "none":
            return False
        return self.value is None or block.backup_beds == self.value

    def evidence(self, facility: Facility) -> tuple[Evidence, ...]:
        block = facility.admission_support
        if block is None or not self.test(facility):
            return ()
        text = BACKUP_BEDS_LABELS.get(block.backup_beds, block.backup_beds)
        if block.backup_beds == "partnered":
            text += _partners(block.partners)
        return (Evidence("後方支援病床の確保", text, "admission_support.backup_beds"),)


@dataclass(frozen=True)
class HomeCareFilter(_Base):
    """2号機能（ハ）在宅医療の提供体制: any mode but none, one mode, or 24時間 (自院または連携)."""

    value: str | None = None
    name: str = "home_care"
    modes: tuple[str, ...] = ("daytime", "24h_self", "24h_with_partners")
    sentence: str = ""

    @property
    def label(self) -> str:
        if self.sentence:
            return self.sentence
        if self.value is None:
            return "在宅医療を提供（いずれかの方法）"
        return f"在宅医療：{HOME_CARE_MODE_LABELS[self.value]}"

    def _accepts(self) -> tuple[str, ...]:
        return self.modes if self.value is None else (self.value,)

    def test(self, facility: Facility) -> bool:
        block = facility.home_care
        return block is not None and block.mode in self._accepts()

    def evidence(self, facility: Facility) -> tuple[Evidence, ...]:
        block = facility.home_care
        if block is None or not self.test(facility):
            return ()
        text = HOME_CARE_MODE_LABELS.get(block.mode, block.mode)
        if block.mode == "24h_with_partners":
            text += _partners(block.partners)
        return (Evidence("在宅医療の提供体制", text, "home_care.mode"),)


_CODE = re.compile(r"^\d{5}$")
_VALUELESS = (None, True)


def _choice(name: str, value: Any, allowed: Iterable[str], required: bool) -> str | None:
    allowed = tuple(allowed)
    if value is None and not required:
        return None
    if value not in allowed:
        raise FilterError(f"条件「{name}」の値 {_shown(value)} は使えません（使える値: {'、'.join(allowed)}）")
    return str(value)


def _shown(value: Any, limit: int = 40) -> str:
    """A value as it is named back in an error: its repr, cut to ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _codes(value: Any) -> tuple[str, ...]:
    if not isinstance(value, (str, list, tuple)):
        raise FilterError(f"市区町村の条件には5桁の市区町村コード（またはその一覧）が必要です: {_shown(value)}")
    items = [value] if isinstance(value, str) else list(value)
    codes = tuple(unicodedata.normalize("NFKC", str(v)).strip() for v in items)
    if not codes or not all(_CODE.match(c) for c in codes):
        raise FilterError(f"市区町村の条件には5桁の市区町村コード（またはその一覧）が必要です: {_shown(value)}")
    return codes


def _text_value(name: str, value: Any, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > 100:
        raise FilterError(f"条件「{name}」には値（名称、100文字以内）が必要です")
    return unicodedata.normalize("NFKC", value).strip()


def _no_value(name: str, value: Any) -> None:
    if value not in _VALUELESS:
        raise FilterError(f"条件「{name}」は値を取りません（{_shown(value)} が指定されました）")


def _split_field(path: str) -> tuple[str, str]:
    block, _, attr = path.rpartition(".")
    return block, attr


def _unknown(name: str) -> FilterError:
    return FilterError(f"不明な検索条件です: {name!r}（使える条件: {'、'.join(FILTER_NAMES)}）")


def make_filter(name: str, value: Any = None) -> FacilityFilter:
    """Build the filter called ``name`` from its registry row; raise FilterError for bad names or values."""
    row = BY_NAME.get(name)
    if row is None:
        raise _unknown(name)
    if row.clause == "flag":
        _no_value(name, value)
        block, attr = _split_field(row.field)
        return FieldFilter(name, block, attr, row.item, row.label, row.show or str)
    if row.clause == "list":
        if row.values:
            chosen = _choice(name, value, row.values, required=False)
        else:
            chosen = _text_value(name, value, required=False)
        block, attr = _split_field(row.field)
        return ListFieldFilter(name, chosen, block, attr, row.item, row.sentence(None), row.show or str)
    if row.clause == "member":
        _, attr = _split_field(row.field)
        return ListMemberFilter(name, str(_text_value(name, value)), attr, row.item, row.label)
    if row.clause == "kind":
        return KindFilter(str(_choice(name, value, row.values, required=True)))
    if row.clause == "municipality":
        return MunicipalityFilter(_codes(value))
    if row.clause == "off_hours":
        return OffHoursFilter(_choice(name, value, row.values, required=False))
    if row.clause == "backup_beds":
        return BackupBedFilter(_choice(name, value, row.values, required=False))
    if row.clause == "home_care" and name == "home_care_24h":
        _no_value(name, value)
        return HomeCareFilter(None, "home_care_24h", ("24h_self", "24h_with_partners"), row.label)
    if row.clause == "home_care":
        return HomeCareFilter(_choice(name, value, row.values, required=False))
    raise _unknown(name)


def filter_from_spec(spec: Mapping[str, Any]) -> FacilityFilter:
    """Build a filter from its JSON spec ``{"name": ..., "value": ...}`` (a ``label`` key is ignored)."""
    if not isinstance(spec, Mapping) or "name" not in spec:
        raise FilterError(f"検索条件の形式が正しくありません: {spec!r}")
    return make_filter(str(spec["name"]), spec.get("value"))


def filters_from_specs(specs: Iterable[Mapping[str, Any]]) -> tuple[FacilityFilter, ...]:
    """Build several filters from JSON specs."""
    return tuple(filter_from_spec(s) for s in specs)


def describe(filters: Iterable[FacilityFilter]) -> str:
    """The 「条件」 line shown to the user, e.g. 「24時間の在宅医療（自院または連携）／ACP（人生会議）を実施」."""
    return "／".join(f.label for f in filters) or "条件なし"


def _closed_values(name: str) -> tuple[str, ...]:
    """The values of a list filter that are flattened into metadata keys (care-home types, activities)."""
    row = BY_NAME[name]
    return tuple(t for t, _ in CARE_HOME_TYPES) if name == "cooperating_facility" else row.values


@lru_cache(maxsize=1)
def _fixed_filters() -> tuple[FacilityFilter, ...]:
    """Every filter whose value set is closed (used to flatten a record into Chroma metadata)."""
    out: list[FacilityFilter] = []
    for row in ROWS:
        if row.clause in ("kind", "municipality", "member"):
            continue
        out.append(make_filter(row.name))
        values = _closed_values(row.name) if row.clause == "list" else row.values
        out += [make_filter(row.name, v) for v in values]
    return tuple(out)


def facility_metadata(facility: Facility) -> dict[str, str | int | float | bool]:
    """Flatten a record into the Chroma metadata that every ``chroma_where()`` clause reads."""
    meta: dict[str, str | int | float | bool] = {
        "id": facility.id, "kind": facility.kind, "municipality_code": facility.municipality_code,
    }
    for flt in _fixed_filters():
        meta[_Base.metadata_key(flt)] = flt.test(facility)  # type: ignore[arg-type]
    f1 = facility.function1
    if f1 is not None and f1.has:
        for domain in f1.domains:
            meta[f"domain:{domain}"] = True
        for disease in f1.diseases:
            meta[f"disease:{disease}"] = True
    return meta


def chroma_where(filters: Iterable[FacilityFilter]) -> dict[str, Any] | None:
    """Combine the filters' clauses with ``$and`` (None when nothing can be pushed down)."""
    clauses = [c for c in (f.chroma_where() for f in filters) if c]
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}
