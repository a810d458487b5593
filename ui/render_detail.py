"""The detail view: a facility's かかりつけ医機能 as a 院内掲示-style summary (別添3 院内掲示様式（例）に準じた構成)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import Any

from corpus.facility import (
    BACKUP_BEDS_LABELS,
    HOME_CARE_MODE_LABELS,
    KIND_LABELS,
    OFF_HOURS_MODE_LABELS,
)

_NOT_REPORTED = "報告なし（情報がありません）"


def _yes(flag: Any) -> str:
    return "あり" if flag else "なし"


def _list(values: Sequence[str] | None, empty: str = "なし") -> str:
    return "、".join(escape(str(v)) for v in values) if values else empty


def _rows(rows: Sequence[tuple[str, str]]) -> str:
    return "".join(f"<tr><th scope='row'>{escape(k)}</th><td>{v}</td></tr>" for k, v in rows)


def _section(title: str, block: Mapping[str, Any] | None, rows: Callable[[Mapping[str, Any]], list]) -> str:
    body = _rows(rows(block)) if block is not None else f"<tr><td colspan='2'>{_NOT_REPORTED}</td></tr>"
    return f"<h4>{escape(title)}</h4><table class='kakari-table'>{body}</table>"


def _function1_rows(b: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [
        ("１号機能（日常的な診療を総合的・継続的に行う機能）", _yes(b.get("has"))),
        ("一次診療に対応できる領域", _list(b.get("domains"))),
        ("一次診療を行うことができる疾患", _list(b.get("diseases"))),
        ("医療に関する相談への対応", _yes(b.get("consultation"))),
        ("かかりつけ医機能に関する研修の修了者", f"{int(b.get('trained_doctors') or 0)}人"),
        ("総合診療専門医", f"{int(b.get('general_medicine_specialists') or 0)}人"),
    ]


def _off_hours_rows(b: Mapping[str, Any]) -> list[tuple[str, str]]:
    modes = [OFF_HOURS_MODE_LABELS.get(m, m) for m in b.get("modes") or []]
    return [("対応の方法", _list(modes, "対応なし")), ("連携先", _list(b.get("partners")))]


def _admission_rows(b: Mapping[str, Any]) -> list[tuple[str, str]]:
    beds = BACKUP_BEDS_LABELS.get(str(b.get("backup_beds")), str(b.get("backup_beds")))
    return [
        ("後方支援病床", escape(beds)),
        ("連携先", _list(b.get("partners"))),
        ("地域の退院ルール等への参加", _yes(b.get("discharge_rules"))),
    ]


def _home_care_rows(b: Mapping[str, Any]) -> list[tuple[str, str]]:
    mode = HOME_CARE_MODE_LABELS.get(str(b.get("mode")), str(b.get("mode")))
    return [
        ("提供体制", escape(mode)),
        ("連携先", _list(b.get("partners"))),
        ("訪問診療の実績（回）", str(int(b.get("home_visits") or 0))),
        ("往診の実績（回）", str(int(b.get("urgent_visits") or 0))),
        ("在宅での看取りの実績（回）", str(int(b.get("home_deaths") or 0))),
    ]


def _care_rows(b: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [
        ("介護サービス等との連携", _yes(b.get("has"))),
        ("主治医意見書の作成", _yes(b.get("opinion_letters"))),
        ("地域ケア会議・サービス担当者会議への参加", _yes(b.get("care_meetings"))),
        ("ケアマネジャー等との相談の機会", _yes(b.get("care_manager_consults"))),
        ("協力医療機関となっている介護施設", _list(b.get("cooperating_facilities"))),
        ("ACP（人生会議）の実施", _yes(b.get("acp"))),
    ]


def _other_rows(b: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [
        ("健診", _yes(b.get("checkups"))),
        ("予防接種", _yes(b.get("vaccinations"))),
        ("地域での活動", _list(b.get("community_activities"))),
    ]


def facility_notice_html(fac: Mapping[str, Any] | None) -> str:
    """One facility's export record as a 院内掲示-style summary of its かかりつけ医機能."""
    if not fac:
        return '<div class="kakari-empty">カードの番号を選ぶと、その医療機関の詳細を表示します。</div>'
    kind = KIND_LABELS.get(str(fac.get("kind")), str(fac.get("kind", "")))
    sample = '<p class="kakari-notice">※ この医療機関は架空のサンプルデータです。</p>' if fac.get("sample") else ""
    head = (
        f"<h3>{escape(str(fac.get('name', '')))}（{escape(kind)}）</h3>{sample}"
        f"<p>{escape(str(fac.get('address', '')))}</p>"
        f"<p>報告基準日：{escape(str(fac.get('as_of') or '不明'))}　出典：{escape(str(fac.get('source') or '不明'))}</p>"
    )
    sections = [
        _section("１号機能", fac.get("function1"), _function1_rows),
        _section("２号機能（イ）時間外の診療", fac.get("off_hours"), _off_hours_rows),
        _section("２号機能（ロ）入退院時の支援", fac.get("admission_support"), _admission_rows),
        _section("２号機能（ハ）在宅医療", fac.get("home_care"), _home_care_rows),
        _section("２号機能（ニ）介護サービス等との連携", fac.get("care_collaboration"), _care_rows),
        _section("その他", fac.get("other"), _other_rows),
    ]
    return (
        f'<article class="kakari-detail" tabindex="-1" aria-label="医療機関の詳細：{escape(str(fac.get("name", "")))}">'
        f"<h2>当院のかかりつけ医機能（院内掲示の形式）</h2>{head}{''.join(sections)}</article>"
    )
