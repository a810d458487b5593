"""The facility filter table: each filter tests a record, cites its evidence, speaks Japanese and Chroma.

The names and values are the contract of docs/architecture.md ("Filter names"). A function block that
was not reported (``None``) never satisfies a filter: unknown is not "has".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from corpus.facility import (
    BACKUP_BEDS_LABELS,
    HOME_CARE_MODE_LABELS,
    HOME_CARE_MODES,
    KIND_LABELS,
    KINDS,
    OFF_HOURS_MODE_LABELS,
    OFF_HOURS_MODES,
    Facility,
)


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
        block = getattr(facility, self.block)
        return None if block is None else getattr(block, self.attr)

    def test(self, facility: Facility) -> bool:
        value = self._field(facility)
        return bool(value) and (not isinstance(value, int) or value > 0)

    def evidence(self, facility: Facility) -> tuple[Evidence, ...]:
        if not self.test(facility):
            return ()
        return (Evidence(self.item, self.show(self._field(facility)), f"{self.block}.{self.attr}"),)


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


def _yes(text: str) -> Callable[[Any], str]:
    return lambda _value: text


def _times(value: Any) -> str:
    return f"{value}回"


def _people(value: Any) -> str:
    return f"{value}人"


def _names(value: Any) -> str:
    return "、".join(value)


# name → (block, attr, 報告事項, label, value text). ガイドライン 第2章第3節 の報告事項に対応。
_FIELD_TABLE: dict[str, tuple[str, str, str, str, Callable[[Any], str]]] = {
    "function1": ("function1", "has", "１号機能（日常的な診療を総合的かつ継続的に行う機能）",
                  "１号機能（日常的な診療を総合的・継続的に行う機能）が有り", _yes("有り")),
    "consultation": ("function1", "consultation", "医療に関する患者からの相談への対応",
                     "医療に関する患者からの相談に応じることができる", _yes("対応可")),
    "general_medicine": ("function1", "general_medicine_specialists", "総合診療専門医数",
                         "総合診療専門医が在籍", _people),
    "discharge_rules": ("admission_support", "discharge_rules", "地域の退院ルール・地域連携クリティカルパスへの参加",
                        "地域の退院ルール・地域連携クリティカルパスに参加", _yes("参加")),
    "home_visits": ("home_care", "home_visits", "訪問診療の算定回数", "訪問診療の実績あり", _times),
    "urgent_visits": ("home_care", "urgent_visits", "往診の算定回数", "往診の実績あり", _times),
    "home_deaths": ("home_care", "home_deaths", "在宅看取りの算定回数", "在宅看取りの実績あり", _times),
    "care_collab": ("care_collaboration", "has", "介護サービス等と連携した医療提供",
                    "介護サービス等と連携した医療提供を行っている", _yes("有り")),
    "opinion_letters": ("care_collaboration", "opinion_letters", "主治医意見書の作成",
                        "主治医意見書を作成している", _yes("作成")),
    "care_meetings": ("care_collaboration", "care_meetings", "地域ケア会議・サービス担当者会議等への参加",
                      "地域ケア会議・サービス担当者会議等に参加", _yes("参加")),
    "care_manager_consults": ("care_collaboration", "care_manager_consults",
                              "介護支援専門員・相談支援専門員との相談機会の設定",
                              "介護支援専門員（ケアマネジャー）等と相談する機会を設けている", _yes("設定あり")),
    "cooperating_facility": ("care_collaboration", "cooperating_facilities",
                             "協力医療機関となっている介護保険施設等",
                             "介護保険施設等の協力医療機関になっている", _names),
    "info_sharing_system": ("care_collaboration", "info_sharing_system",
                            "地域の医療・介護情報共有システムの参加・活用",
                            "地域の医療・介護情報共有システムに参加・活用", _yes("参加・活用")),
    "acp": ("care_collaboration", "acp", "ＡＣＰ（人生会議）の実施", "ACP（人生会議）を実施", _yes("実施")),
    "checkups": ("other", "checkups", "健診の実施", "健診を実施", _yes("実施")),
    "vaccinations": ("other", "vaccinations", "予防接種の実施", "予防接種を実施", _yes("実施")),
}

_LIST_TABLE: dict[str, tuple[str, str, str]] = {
    "domain": ("domains", "一次診療を行うことができる領域", "「{}」の領域で一次診療に対応"),
    "disease": ("diseases", "一次診療を行うことができる疾患", "「{}」の一次診療ができる"),
}

_VALUED = ("kind", "municipality", "domain", "disease", "off_hours", "backup_beds", "home_care")

FILTER_NAMES: tuple[str, ...] = (
    "kind", "municipality", "function1", "domain", "disease", "consultation", "general_medicine",
    "off_hours", "backup_beds", "discharge_rules", "home_care", "home_care_24h", "home_visits",
    "urgent_visits", "home_deaths", "care_collab", "opinion_letters", "care_meetings",
    "care_manager_consults", "cooperating_facility", "info_sharing_system", "acp", "checkups", "vaccinations",
)

_CODE = re.compile(r"^\d{5}$")


def _choice(name: str, value: Any, allowed: Iterable[str], required: bool) -> str | None:
    allowed = tuple(allowed)
    if value is None and not required:
        return None
    if value not in allowed:
        raise FilterError(f"条件「{name}」の値 {value!r} は使えません（使える値: {'、'.join(allowed)}）")
    return str(value)


def _codes(value: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else list(value or [])
    codes = tuple(unicodedata.normalize("NFKC", str(v)).strip() for v in items)
    if not codes or not all(_CODE.match(c) for c in codes):
        raise FilterError(f"市区町村の条件には5桁の市区町村コード（またはその一覧）が必要です: {value!r}")
    return codes


def _text_value(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FilterError(f"条件「{name}」には値（名称）が必要です")
    return unicodedata.normalize("NFKC", value).strip()


def make_filter(name: str, value: Any = None) -> FacilityFilter:
    """Build the filter called ``name`` (see FILTER_NAMES); raise FilterError for bad names or values."""
    if name in _FIELD_TABLE:
        if value not in (None, True):
            raise FilterError(f"条件「{name}」は値を取りません（{value!r} が指定されました）")
        block, attr, item, sentence, show = _FIELD_TABLE[name]
        return FieldFilter(name, block, attr, item, sentence, show)
    if name == "home_care_24h":
        if value not in (None, True):
            raise FilterError(f"条件「{name}」は値を取りません（{value!r} が指定されました）")
        return HomeCareFilter(None, "home_care_24h", ("24h_self", "24h_with_partners"),
                              "24時間の在宅医療（自院または連携）")
    if name in _LIST_TABLE:
        attr, item, template = _LIST_TABLE[name]
        return ListMemberFilter(name, _text_value(name, value), attr, item, template)
    if name == "kind":
        return KindFilter(str(_choice(name, value, KINDS, required=True)))
    if name == "municipality":
        return MunicipalityFilter(_codes(value))
    if name == "off_hours":
        return OffHoursFilter(_choice(name, value, OFF_HOURS_MODES, required=False))
    if name == "backup_beds":
        return BackupBedFilter(_choice(name, value, ("self", "partnered"), required=False))
    if name == "home_care":
        return HomeCareFilter(_choice(name, value, HOME_CARE_MODES[1:], required=False))
    raise FilterError(f"不明な検索条件です: {name!r}（使える条件: {'、'.join(FILTER_NAMES)}）")


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


def _fixed_filters() -> tuple[FacilityFilter, ...]:
    """Every filter whose value set is closed (used to flatten a record into Chroma metadata)."""
    out: list[FacilityFilter] = [make_filter(n) for n in FILTER_NAMES if n not in _VALUED or n in (
        "off_hours", "backup_beds", "home_care")]
    out += [make_filter("off_hours", m) for m in OFF_HOURS_MODES]
    out += [make_filter("backup_beds", m) for m in ("self", "partnered")]
    out += [make_filter("home_care", m) for m in HOME_CARE_MODES[1:]]
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
