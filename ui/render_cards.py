"""Result cards: name, kind, distance, contact (tap to call), 休診日, evidence per condition, glossary (no I/O)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

CARD_HINT_ID = "kakari-card-hint"
MISSING = "未登録"
# Short explanations of the report's own words (ガイドライン 第2章 報告事項), shown under the cards they occur in.
GLOSSARY: tuple[tuple[str, str], ...] = (
    ("１号機能", "日常的な診療を総合的・継続的に行う機能（１号）。報告の前提になる基本の機能です。"),
    ("２号機能", "時間外の診療、入退院の支援、在宅医療、介護との連携など、地域で必要な機能（２号）。"),
    ("後方支援病床", "在宅で療養している人の具合が急に悪くなったとき、入院を受け入れるために確保している病床。"),
    ("ACP", "アドバンス・ケア・プランニング（人生会議）。望む医療やケアを、本人・家族・医療者が前もって話し合うこと。"),
    ("算定回数", "診療報酬（加算など）を請求した回数。その取組を実際にどれだけ行ったかの目安です。"),
)
_TERM_SPELLINGS = {"１号機能": ("１号", "1号"), "２号機能": ("２号", "2号"), "ACP": ("ACP", "ＡＣＰ")}
_TEL = re.compile(r"[^\d+]")


def distance_text(value: Any) -> str:
    """「1.2 km」, or 「距離不明」 when the record has no position."""
    return f"{float(value):.1f} km" if isinstance(value, (int, float)) else "距離不明"


def _evidence_html(evidence: Sequence[Mapping[str, Any]]) -> str:
    if not evidence:
        return ""
    items = "".join(
        f'<li><span class="ev-item">{escape(str(e.get("item", "")))}</span>：{escape(str(e.get("value", "")))}</li>'
        for e in evidence
    )
    return f'<ul class="kakari-evidence" aria-label="条件を満たす根拠">{items}</ul>'


def _phone_html(phone: str) -> str:
    digits = _TEL.sub("", phone)
    if not digits:
        return f'<span class="kakari-missing">電話：{MISSING}</span>'
    return f'<a class="kakari-call" href="tel:{escape(digits)}" aria-label="電話をかける {escape(phone)}">☎ {escape(phone)}</a>'


def _contact_html(fac: Mapping[str, Any]) -> str:
    parts = [_phone_html(str(fac.get("phone") or ""))]
    website = str(fac.get("website") or "")
    if website.startswith(("http://", "https://")):
        parts.append(f'<a href="{escape(website)}" target="_blank" rel="noopener noreferrer">ウェブサイト</a>')
    return f'<p class="kakari-contact">{" ".join(parts)}</p>'


def _closed_html(fac: Mapping[str, Any]) -> str:
    """休診日 as the record has them (ナビイ); 「未登録」 when the record says nothing. Hours are not in the data."""
    days = [str(d) for d in fac.get("closed_days") or [] if str(d).strip()]
    note = str(fac.get("closed_note") or "").strip()
    text = "・".join(days) + (f"（{note}）" if note else "") if days or note else MISSING
    cls = "kakari-closed" + (" kakari-missing" if text == MISSING else "")
    return f'<p class="{cls}">休診日：{escape(text)}</p>'


def _card_html(rank: int, fac: Mapping[str, Any]) -> str:
    name = escape(str(fac.get("name", "")))
    kind = escape(str(fac.get("kind_label") or fac.get("kind", "")))
    sample = '<span class="kakari-badge sample">架空</span>' if fac.get("sample") else ""
    fid = escape(str(fac.get("id", "")))
    distance = distance_text(fac.get("distance_km"))
    address = escape(str(fac.get("address") or MISSING))
    # The whole card is one tab stop: Enter / Space / click open the detail tab (ui/web_text.CARDS_JS).
    return (
        f'<article class="kakari-card" data-facility-id="{fid}" data-rank="{rank}" tabindex="0" role="article" '
        f'aria-label="{rank}. {name}（{distance}）" aria-keyshortcuts="Enter Space" aria-describedby="{CARD_HINT_ID}">'
        f'<h2><span class="rank">{rank}</span> {name} <span class="kakari-badge">{kind}</span>{sample}</h2>'
        f'<p class="kakari-meta">{distance} ・ {address}</p>'
        f"{_contact_html(fac)}{_closed_html(fac)}{_evidence_html(fac.get('evidence') or [])}"
        f'<p class="kakari-asof">報告基準日：{escape(str(fac.get("as_of") or "不明"))}'
        '<span class="kakari-open" aria-hidden="true">詳細を見る ›</span></p>'
        "</article>"
    )


def glossary_html(facilities: Sequence[Mapping[str, Any]]) -> str:
    """A folded 「用語の説明」 for the report terms that occur in these cards (works on touch, unlike a title)."""
    text = " ".join(f"{e.get('item', '')} {e.get('value', '')}" for f in facilities for e in f.get("evidence") or [])
    found = [(term, note) for term, note in GLOSSARY if any(s in text for s in _TERM_SPELLINGS.get(term, (term,)))]
    if not found:
        return ""
    items = "".join(f"<dt>{escape(term)}</dt><dd>{escape(note)}</dd>" for term, note in found)
    return f'<details class="kakari-glossary"><summary>用語の説明</summary><dl>{items}</dl></details>'


def cards_html(facilities: Sequence[Mapping[str, Any]], conditions: str = "") -> str:
    """Result cards (name, kind, distance, address, contact, 休診日, evidence per condition, report date)."""
    if not facilities:
        return '<div class="kakari-empty">医療機関の検索結果はまだありません。</div>'
    head = f'<p class="kakari-conditions">{escape(conditions)}</p>' if conditions else ""
    head += f'<p class="kakari-hint" id="{CARD_HINT_ID}">カードを選ぶと詳細を表示します（キーボードでは Enter）。</p>'
    cards = "".join(_card_html(i, fac) for i, fac in enumerate(facilities, start=1))
    return f'<section class="kakari-cards" aria-label="検索結果">{head}{glossary_html(facilities)}{cards}</section>'
