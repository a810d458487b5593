"""Domain synonym groups: different words people use for the same thing in かかりつけ医機能報告.

Each group's first entry names the group. Matching runs on NFKC-folded text, longest variant first,
and adds one group token per occurrence (the original words stay), so exact wording still ranks first.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache

SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    # ２号機能（ハ）在宅医療 — 往診 and 訪問診療 differ in the report, but people ask for either.
    ("在宅医療", "在宅診療", "訪問診療", "往診", "在宅", "訪問医療", "家に来て"),
    # ２号機能（ロ）後方支援病床
    ("後方支援病床", "バックベッド", "後方ベッド", "急変時の入院受入れ", "急変時の入院受け入れ", "急変時の入院"),
    # ２号機能（イ）時間外の診療
    ("時間外", "診療時間外", "夜間", "休日", "深夜", "休日夜間", "夜中", "土日"),
    ("介護支援専門員", "ケアマネジャー", "ケアマネージャー", "ケアマネ"),
    ("ACP", "アドバンス・ケア・プランニング", "アドバンスケアプランニング", "人生会議"),
    ("看取り", "在宅看取り", "看取る", "みとり"),
    ("かかりつけ", "掛かり付け", "掛かりつけ", "主治医", "ホームドクター"),
    ("診療所", "クリニック", "医院"),
    ("健診", "健康診断", "検診", "健康診査"),
    ("予防接種", "ワクチン", "ワクチン接種"),
    ("主治医意見書", "意見書"),
    ("総合診療専門医", "総合診療医"),
    ("医療機関", "病院・診療所", "病院や診療所"),
    ("協議の場", "協議", "話し合いの場", "話し合い"),
    # Everyday words for the system's own terms (the documents use the right-hand formal word).
    ("メリット", "利点", "いいこと", "良いこと", "よいこと", "いい事", "良い事", "恩恵"),
    ("除外", "対象外", "除く", "除き", "報告不要", "報告しなくて"),
    ("過料", "罰則", "罰金", "ペナルティ", "罰せられ"),
    ("報告期間", "締切", "締め切り", "〆切", "提出期限", "期限"),
)

GROUP_PREFIX = "〔同義〕"


def table_fingerprint() -> str:
    """Short hash of the synonym table, so an index built with an older table is rebuilt."""
    return hashlib.sha256(json.dumps(SYNONYM_GROUPS, ensure_ascii=False).encode()).hexdigest()[:12]


@lru_cache(maxsize=1)
def _pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    owner: dict[str, str] = {}
    for group in SYNONYM_GROUPS:
        for variant in group:
            owner.setdefault(variant.lower(), group[0])
    alternatives = sorted(owner, key=len, reverse=True)
    return re.compile("|".join(re.escape(a) for a in alternatives), re.IGNORECASE), owner


def synonym_tokens(text: str) -> list[str]:
    """One group token (e.g. 「〔同義〕介護支援専門員」) per synonym occurrence in NFKC-folded ``text``."""
    pattern, owner = _pattern()
    return [GROUP_PREFIX + owner[m.group(0).lower()] for m in pattern.finditer(text)]
