"""The かかりつけ医機能報告 CSV layout: one column per report item, with Japanese headers.

Each column maps to a field of a function block (``corpus.facility``) and a value type. The
template ``docs/report-template.csv`` is this table's header row; ``docs/data-schema.md`` explains it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from corpus.facility import BACKUP_BEDS_LABELS, HOME_CARE_MODE_LABELS, OFF_HOURS_MODE_LABELS, Facility


@dataclass(frozen=True)
class Column:
    """One report column: header, target block and field, and value type."""

    header: str
    block: str  # "" (facility level), function1, off_hours, admission_support, home_care, care_collaboration, other
    field: str
    type: str  # id | date | bool | int | list | domains | diseases | off_modes | backup | home_mode | addition | activities


def _c(header: str, block: str, field: str, type_: str) -> Column:
    return Column(header, block, field, type_)


# ガイドライン 第2章第3節 報告事項 (1号機能, 2号機能 イ・ロ・ハ・ニ, その他の報告事項), in the form's order.
COLUMNS: tuple[Column, ...] = (
    _c("医療機関ID", "", "id", "id"),
    _c("報告基準日", "", "as_of", "date"),
    _c("実績期間（開始）", "", "period_start", "date"),
    _c("実績期間（終了）", "", "period_end", "date"),
    _c("２号機能の体制の都道府県確認", "", "confirmed_2go", "bool"),
    # 1号機能
    _c("1号機能の有無", "function1", "has", "bool"),
    _c("院内掲示による公表", "function1", "posted_in_clinic", "bool"),
    _c("一次診療を行うことができる診療領域", "function1", "domains", "domains"),
    _c("一次診療を行うことができる疾患", "function1", "diseases", "diseases"),
    _c("医療に関する患者からの相談への対応", "function1", "consultation", "bool"),
    _c("かかりつけ医機能に関する研修の修了者数", "function1", "trained_doctors", "int"),
    _c("総合診療専門医数", "function1", "general_medicine_specialists", "int"),
    _c("医師数", "function1", "doctors", "int"),
    _c("外来の看護師数", "function1", "outpatient_nurses", "int"),
    _c("全国医療情報プラットフォームへの参加・活用", "function1", "platform", "bool"),
    # 2号機能（イ）通常の診療時間外の診療
    _c("時間外の診療体制", "off_hours", "modes", "off_modes"),
    _c("時間外診療の連携医療機関", "off_hours", "partners", "list"),
    _c("時間外対応加算", "off_hours", "addition", "addition"),
    _c("時間外加算の算定回数", "off_hours", "after_hours_count", "int"),
    _c("深夜加算の算定回数", "off_hours", "late_night_count", "int"),
    _c("休日加算の算定回数", "off_hours", "holiday_count", "int"),
    # 2号機能（ロ）入退院時の支援
    _c("後方支援病床の確保", "admission_support", "backup_beds", "backup"),
    _c("後方支援病床の連携医療機関", "admission_support", "partners", "list"),
    _c("地域の退院ルール・地域連携クリティカルパスへの参加", "admission_support", "discharge_rules", "bool"),
    _c("入院時の情報共有の算定回数", "admission_support", "admission_info_sharing", "int"),
    _c("退院時の情報共有・共同指導の算定回数", "admission_support", "discharge_info_sharing", "int"),
    _c("特定機能病院等から紹介を受けた外来患者数", "admission_support", "referred_patients", "int"),
    # 2号機能（ハ）在宅医療の提供
    _c("在宅医療の提供体制", "home_care", "mode", "home_mode"),
    _c("在宅医療の連携医療機関", "home_care", "partners", "list"),
    _c("訪問診療の算定回数", "home_care", "home_visits", "int"),
    _c("往診の算定回数", "home_care", "urgent_visits", "int"),
    _c("訪問看護の算定回数", "home_care", "nursing_visits", "int"),
    _c("在宅看取りの算定回数", "home_care", "home_deaths", "int"),
    _c("訪問看護指示料の算定回数", "home_care", "nursing_instructions", "int"),
    # 2号機能（ニ）介護サービス等と連携した医療提供
    _c("介護サービス等と連携した医療提供", "care_collaboration", "has", "bool"),
    _c("主治医意見書の作成", "care_collaboration", "opinion_letters", "bool"),
    _c("地域ケア会議・サービス担当者会議等への参加", "care_collaboration", "care_meetings", "bool"),
    _c("介護支援専門員・相談支援専門員との相談機会の設定", "care_collaboration", "care_manager_consults", "bool"),
    _c("介護支援専門員等への情報共有・指導の算定回数", "care_collaboration", "care_manager_info_count", "int"),
    _c("協力医療機関となっている介護保険施設等", "care_collaboration", "cooperating_facilities", "list"),
    _c("地域の医療・介護情報共有システムの参加・活用", "care_collaboration", "info_sharing_system", "bool"),
    _c("ＡＣＰ（人生会議）の実施", "care_collaboration", "acp", "bool"),
    # その他の報告事項
    _c("健康診断の実施", "other", "checkups", "bool"),
    _c("予防接種の実施", "other", "vaccinations", "bool"),
    _c("地域活動", "other", "community_activities", "activities"),
    _c("学生・研修医等の教育", "other", "education", "bool"),
    _c("今後担う意向", "other", "future_intent", "bool"),
    _c("今後担う意向のある機能", "other", "future_functions", "future_functions"),
)
HEADERS: tuple[str, ...] = tuple(c.header for c in COLUMNS)
REQUIRED_HEADERS = ("医療機関ID", "1号機能の有無")
SECOND_BLOCKS = ("off_hours", "admission_support", "home_care", "care_collaboration")

TRUE_WORDS = {"有", "あり", "有り", "はい", "○", "〇", "1", "true", "yes", "y"}
FALSE_WORDS = {"無", "なし", "無し", "いいえ", "×", "0", "false", "no", "n", "-", "－"}
LIST_SEPARATORS = "、;；|｜"

# Short Japanese forms accepted besides the codes and the full labels in corpus.facility.
OFF_MODE_WORDS = {**{v: k for k, v in OFF_HOURS_MODE_LABELS.items()},
                  "在宅当番医制等": "rota", "自院で随時対応": "self_anytime", "連携して随時対応": "self_plus_partners"}
BACKUP_WORDS = {**{v: k for k, v in BACKUP_BEDS_LABELS.items()}, "自院": "self", "連携": "partnered", "なし": "none"}
HOME_MODE_WORDS = {**{v: k for k, v in HOME_CARE_MODE_LABELS.items()}, "日中のみ": "daytime",
                   "24時間（自院）": "24h_self", "24時間（連携）": "24h_with_partners", "なし": "none"}


def _cell(value: object, type_: str) -> str:
    if type_ == "bool":
        return "有" if value else "無"
    if isinstance(value, tuple | list):
        return "、".join(str(v) for v in value)
    if type_ in ("backup", "home_mode") and value == "none":
        return "なし"
    return "" if value is None else str(value)


def report_csv(rows: Iterable[dict[str, str]]) -> Iterator[str]:
    """The header line, then one CSV line per report row (UTF-8 text, CRLF: the form the report importer reads)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(HEADERS), lineterminator="\r\n")
    writer.writeheader()
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        yield buffer.getvalue()


def report_row(facility: Facility) -> dict[str, str] | None:
    """One facility's report in this layout (the inverse of the report importer); None when it has not reported."""
    if facility.function1 is None:
        return None
    start, _, end = facility.period.partition("/")
    level = {"id": facility.id, "as_of": facility.as_of, "period_start": start, "period_end": end,
             "confirmed_2go": facility.confirmed_2go}
    row: dict[str, str] = {}
    for column in COLUMNS:
        if not column.block:
            row[column.header] = _cell(level[column.field], column.type)
            continue
        block = getattr(facility, column.block)
        row[column.header] = "" if block is None else _cell(getattr(block, column.field), column.type)
    return row
