"""A facility's かかりつけ医機能報告 as frozen records (ガイドライン 第2章第3節, 別添3 院内掲示様式).

The dict form (``to_dict`` / ``facility_from_dict``) is the export format: one facility per JSONL line.
Function blocks are ``None`` when the facility has not reported them (e.g. base records imported
from ナビイ open data carry no 1号/2号 information): unknown is never treated as "has".
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["hospital", "clinic"]
OffHoursMode = Literal["rota", "self_anytime", "self_plus_partners"]
BackupBeds = Literal["none", "self", "partnered"]
HomeCareMode = Literal["none", "daytime", "24h_self", "24h_with_partners"]

KINDS: tuple[str, ...] = ("hospital", "clinic")
OFF_HOURS_MODES: tuple[str, ...] = ("rota", "self_anytime", "self_plus_partners")
BACKUP_BEDS: tuple[str, ...] = ("none", "self", "partnered")
HOME_CARE_MODES: tuple[str, ...] = ("none", "daytime", "24h_self", "24h_with_partners")
OFF_HOURS_ADDITIONS: tuple[str, ...] = ("", "1", "2", "3", "4")  # 時間外対応加算１～４ ("" = 届出なし)
COMMUNITY_ACTIVITIES: tuple[str, ...] = ("学校医", "産業医", "警察業務", "その他")
# The functions a facility may state it intends to take on when it does not have them yet (第2章第3節 P.12:
# 「１号機能及び２号機能の報告で『当該機能有り』と現時点でならない場合は、今後担う意向の有無」), keyed by the record
# block that holds each function.
FUTURE_FUNCTIONS: tuple[tuple[str, str], ...] = (
    ("function1", "1号機能"), ("off_hours", "時間外の診療"), ("admission_support", "入退院時の支援"),
    ("home_care", "在宅医療"), ("care_collaboration", "介護サービス等との連携"),
)
FUTURE_FUNCTION_NAMES: tuple[str, ...] = tuple(name for _, name in FUTURE_FUNCTIONS)

# Japanese labels used in evidence lines and the schema document.
KIND_LABELS = {"hospital": "病院", "clinic": "診療所"}
OFF_HOURS_MODE_LABELS = {
    "rota": "在宅当番医制・休日夜間急患センター等に参加",
    "self_anytime": "自院の連絡先を渡して随時対応",
    "self_plus_partners": "自院での一定の対応に加えて他医療機関と連携して随時対応",
}
BACKUP_BEDS_LABELS = {"none": "確保なし", "self": "自院で確保", "partnered": "連携により確保"}
HOME_CARE_MODE_LABELS = {
    "none": "提供なし",
    "daytime": "自院で日中のみ対応",
    "24h_self": "自院で24時間対応",
    "24h_with_partners": "自院での一定の対応に加えて連携により24時間対応",
}


@dataclass(frozen=True)
class Function1:
    """1号機能: 日常的な診療を総合的かつ継続的に行う機能 (ガイドライン P.10)."""

    has: bool
    posted_in_clinic: bool = False  # 院内掲示による公表（★）
    domains: tuple[str, ...] = ()  # 17の診療領域のうち一次診療に対応できる領域
    diseases: tuple[str, ...] = ()  # 一次診療を行うことができる疾患
    consultation: bool = False  # 医療に関する患者からの相談に応じることができる（★）
    trained_doctors: int = 0  # かかりつけ医機能に関する研修の修了者数
    general_medicine_specialists: int = 0  # 総合診療専門医数
    doctors: int = 0  # 医師数
    outpatient_nurses: int = 0  # 外来の看護師数
    platform: bool = False  # 全国医療情報プラットフォームに参加・活用する体制


@dataclass(frozen=True)
class OffHours:
    """2号機能（イ）通常の診療時間外の診療 (P.11)."""

    modes: tuple[str, ...] = ()  # subset of OFF_HOURS_MODES; empty = none
    partners: tuple[str, ...] = ()  # 連携医療機関の名称
    addition: str = ""  # 時間外対応加算 1-4 の届出 ("" = なし)
    after_hours_count: int = 0  # 時間外加算 算定回数
    late_night_count: int = 0  # 深夜加算 算定回数
    holiday_count: int = 0  # 休日加算 算定回数

    @property
    def has(self) -> bool:
        return bool(self.modes)


@dataclass(frozen=True)
class AdmissionSupport:
    """2号機能（ロ）入退院時の支援 (P.11)."""

    backup_beds: str = "none"  # BACKUP_BEDS
    partners: tuple[str, ...] = ()  # 後方支援病床を連携して確保する連携医療機関
    discharge_rules: bool = False  # 地域の退院ルール・地域連携クリティカルパスへの参加
    admission_info_sharing: int = 0  # 入院時の情報共有の診療報酬項目 算定回数
    discharge_info_sharing: int = 0  # 退院時の情報共有・共同指導 算定回数
    referred_patients: int = 0  # 特定機能病院等から紹介を受けた外来患者数

    @property
    def has(self) -> bool:
        return self.backup_beds != "none" or self.discharge_rules or bool(
            self.admission_info_sharing or self.discharge_info_sharing
        )


@dataclass(frozen=True)
class HomeCare:
    """2号機能（ハ）在宅医療の提供 (P.11)."""

    mode: str = "none"  # HOME_CARE_MODES
    partners: tuple[str, ...] = ()
    home_visits: int = 0  # 訪問診療 算定回数
    urgent_visits: int = 0  # 往診 算定回数
    nursing_visits: int = 0  # 訪問看護 算定回数
    home_deaths: int = 0  # 在宅看取り 算定回数
    nursing_instructions: int = 0  # 訪問看護指示料 算定回数

    @property
    def has(self) -> bool:
        return self.mode != "none"

    @property
    def around_the_clock(self) -> bool:
        return self.mode in ("24h_self", "24h_with_partners")


@dataclass(frozen=True)
class CareCollaboration:
    """2号機能（ニ）介護サービス等と連携した医療提供 (P.11)."""

    has: bool = False
    opinion_letters: bool = False  # 主治医意見書の作成
    care_meetings: bool = False  # 地域ケア会議・サービス担当者会議等への参加
    care_manager_consults: bool = False  # 介護支援専門員・相談支援専門員との相談機会の設定
    care_manager_info_count: int = 0  # 介護支援専門員等への情報共有・指導 算定回数
    cooperating_facilities: tuple[str, ...] = ()  # 協力医療機関となっている介護保険施設等
    info_sharing_system: bool = False  # 地域の医療・介護情報共有システムの参加・活用
    acp: bool = False  # ＡＣＰ（人生会議）の実施


@dataclass(frozen=True)
class OtherItems:
    """その他の報告事項 (P.12): 健診, 予防接種, 地域活動, 教育, 今後担う意向."""

    checkups: bool = False
    vaccinations: bool = False
    community_activities: tuple[str, ...] = ()  # COMMUNITY_ACTIVITIES
    education: bool = False  # 学生・研修医・リカレント教育等
    future_intent: bool = False  # 機能が「有り」とならない場合、今後担う意向（いずれかの機能）
    future_functions: tuple[str, ...] = ()  # その意向がある機能（FUTURE_FUNCTION_NAMES）; non-empty ⇒ future_intent


@dataclass(frozen=True)
class Facility:
    """One facility with its base data and, when reported, its かかりつけ医機能."""

    id: str
    name: str
    kind: str  # KINDS
    prefecture: str
    municipality: str
    municipality_code: str  # 5 digits (JIS X 0402 without check digit)
    address: str
    lat: float | None
    lng: float | None
    sample: bool
    as_of: str  # 報告基準日 (ISO date, 1月1日)
    source: str  # dataset this record came from (e.g. "sample:v1", "navii:02-1_clinic_...csv")
    period: str = ""  # 実績期間 "YYYY-MM-DD/YYYY-MM-DD"
    phone: str = ""
    website: str = ""
    beds: int = 0
    confirmed_2go: bool = False  # 都道府県による２号機能の体制の確認
    function1: Function1 | None = None
    off_hours: OffHours | None = None
    admission_support: AdmissionSupport | None = None
    home_care: HomeCare | None = None
    care_collaboration: CareCollaboration | None = None
    other: OtherItems | None = None
    notes: tuple[str, ...] = field(default=())
    name_kana: str = ""  # 正式名称（フリガナ） (ナビイ)
    closed_days: tuple[str, ...] = ()  # 休診日, e.g. ("日曜", "祝日", "第2土曜") (ナビイ)
    closed_note: str = ""  # その他の休診日（GW、お盆等） (ナビイ)

    @property
    def reported(self) -> bool:
        return self.function1 is not None

    def to_dict(self) -> dict[str, Any]:
        """The export form (JSON-ready; tuples become lists)."""
        return _plain(dataclasses.asdict(self))


_BLOCKS: dict[str, type] = {
    "function1": Function1,
    "off_hours": OffHours,
    "admission_support": AdmissionSupport,
    "home_care": HomeCare,
    "care_collaboration": CareCollaboration,
    "other": OtherItems,
}


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _block(cls: type, data: dict[str, Any] | None) -> Any:
    if data is None:
        return None
    names = {f.name for f in dataclasses.fields(cls)}
    kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in names}
    return cls(**kwargs)


def facility_from_dict(data: dict[str, Any]) -> Facility:
    """Rebuild a :class:`Facility` from its export form (unknown keys are ignored)."""
    names = {f.name for f in dataclasses.fields(Facility)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in names:
            continue
        if key in _BLOCKS:
            kwargs[key] = _block(_BLOCKS[key], value)
        elif isinstance(value, list):
            kwargs[key] = tuple(value)
        else:
            kwargs[key] = value
    return Facility(**kwargs)
