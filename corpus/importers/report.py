"""Importer for かかりつけ医機能報告 CSVs (layout in ``report_layout``), joined to base records by ID.

Only facilities that have 1号機能 report 2号機能 (ガイドライン 第2章第3節): a row whose
「1号機能の有無」 is 無 keeps its 2号 blocks empty, and any 2号 values it carries are reported.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from pathlib import Path
from typing import Any

from corpus.dataset import load_active
from corpus.facility import (
    COMMUNITY_ACTIVITIES,
    FUTURE_FUNCTION_NAMES,
    OFF_HOURS_ADDITIONS,
    AdmissionSupport,
    CareCollaboration,
    Facility,
    Function1,
    HomeCare,
    OffHours,
    OtherItems,
)
from corpus.importers.common import (
    ImportFailed,
    ImportIssue,
    ImportReport,
    ParsedFile,
    commit,
    csv_rows,
    decode,
    header_of,
    read_bytes,
    sha256,
)
from corpus.importers.report_layout import (
    BACKUP_WORDS,
    COLUMNS,
    FALSE_WORDS,
    HEADERS,
    HOME_MODE_WORDS,
    LIST_SEPARATORS,
    OFF_MODE_WORDS,
    REQUIRED_HEADERS,
    SECOND_BLOCKS,
    TRUE_WORDS,
    Column,
)
from corpus.vocab import load_vocab

_HAS1 = next(c for c in COLUMNS if c.block == "function1" and c.field == "has")
BLOCK_TYPES: dict[str, type] = {"function1": Function1, "off_hours": OffHours, "admission_support": AdmissionSupport,
                                "home_care": HomeCare, "care_collaboration": CareCollaboration, "other": OtherItems}


@dataclasses.dataclass(frozen=True)
class ReportRow:
    """One parsed report row: the facility ID and the fields to set on its record."""

    id: str
    line: int
    fields: dict[str, Any]


def _split(value: str) -> tuple[str, ...]:
    parts = re.split(f"[{re.escape(LIST_SEPARATORS)}]", value)
    return tuple(p.strip() for p in parts if p.strip())


def _choice(value: str, words: dict[str, str], codes: tuple[str, ...], what: str) -> str:
    if value in codes:
        return value
    if value in words:
        return words[value]
    raise ValueError(f"{what}「{value}」は使えません（{'／'.join(sorted(set(words) | set(codes)))}）")


def _vocab_items(value: str, allowed: set[str]) -> list[str]:
    """Split on separators, re-joining pieces of items that themselves contain 、 (かぜ、感冒)."""
    items: list[str] = []
    for part in re.split(r"[;；|｜\n]", value):
        pieces = [p.strip() for p in part.split("、")]
        i = 0
        while i < len(pieces):
            j = next((j for j in range(len(pieces), i, -1) if "、".join(pieces[i:j]) in allowed), i + 1)
            items.append("、".join(pieces[i:j]))
            i = j
    return [i for i in items if i]


def _members(value: str, allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    normal = {unicodedata.normalize("NFKC", a): a for a in allowed}
    items = _vocab_items(unicodedata.normalize("NFKC", value).replace(",", "、"), set(normal)) if value else []
    unknown = [i for i in items if i not in normal]
    if unknown:
        raise ValueError(f"{what}にない値です: {'、'.join(unknown)}")
    chosen = {normal.get(i, i) for i in items}
    return tuple(a for a in allowed if a in chosen)  # canonical order


def _date(value: str) -> str:
    match = re.fullmatch(r"(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?", value)
    if not match:
        raise ValueError(f"日付「{value}」を読めません（例: 2026-01-01）")
    year, month, day = (int(g) for g in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise ValueError(f"日付「{value}」は存在しない日付です")
    return f"{year:04d}-{month:02d}-{day:02d}"


def parse_value(column: Column, raw: str) -> Any:
    """Convert one cell to its field value; raises ValueError with a Japanese message."""
    value = unicodedata.normalize("NFKC", raw).strip() if column.type in ("bool", "int", "date", "addition") else raw
    kind = column.type
    if kind == "bool":
        if value.lower() in TRUE_WORDS:
            return True
        if value.lower() in FALSE_WORDS or not value:
            return False
        raise ValueError(f"「{raw}」は 有／無 のどちらかで入力してください")
    if kind == "int":
        if not value:
            return 0
        if not value.isdigit():
            raise ValueError(f"「{raw}」は0以上の整数ではありません")
        return int(value)
    if kind == "date":
        return _date(value) if value else ""
    if kind == "list":
        return _split(value)
    if kind == "domains":
        return _members(value, load_vocab().domains, "17の診療領域")
    if kind == "diseases":
        return _members(value, load_vocab().diseases, "一次診療の疾患一覧")
    if kind == "activities":
        return _members(value, COMMUNITY_ACTIVITIES, "地域活動の区分（学校医・産業医・警察業務・その他）")
    if kind == "future_functions":
        short = {"1号": "1号機能", "時間外": "時間外の診療", "入退院": "入退院時の支援", "入退院支援": "入退院時の支援",
                 "在宅": "在宅医療", "介護連携": "介護サービス等との連携", "介護": "介護サービス等との連携"}
        named = "、".join(short.get(v, v) for v in _split(unicodedata.normalize("NFKC", value)))
        return _members(named, FUTURE_FUNCTION_NAMES, "今後担う意向のある機能（1号機能・時間外の診療・入退院時の支援・"
                                                      "在宅医療・介護サービス等との連携）")
    if kind == "off_modes":
        return tuple(_choice(v, OFF_MODE_WORDS, tuple(OFF_MODE_WORDS.values()), "時間外の診療体制") for v in _split(value))
    if kind == "addition":
        value = value.removeprefix("時間外対応加算")
        if value not in OFF_HOURS_ADDITIONS:
            raise ValueError(f"時間外対応加算「{raw}」は 1～4 または空欄で入力してください")
        return value
    if kind == "backup":
        return _choice(value or "none", BACKUP_WORDS, tuple(BACKUP_WORDS.values()), "後方支援病床の確保")
    if kind == "home_mode":
        return _choice(value or "none", HOME_MODE_WORDS, tuple(HOME_MODE_WORDS.values()), "在宅医療の提供体制")
    return value


def _blocks(values: dict[Column, Any], raw: dict[Column, str], warn: Any) -> dict[str, Any]:
    """Facility-level fields and function blocks from the parsed cells of one row."""
    fields: dict[str, Any] = {}
    per_block: dict[str, dict[str, Any]] = {name: {} for name in BLOCK_TYPES}
    for column, value in values.items():
        if column.block:
            per_block[column.block][column.field] = value
        else:
            fields[column.field] = value
    has1 = bool(per_block["function1"].get("has"))
    if per_block["other"].get("future_functions"):  # naming a function states an intent
        per_block["other"]["future_intent"] = True
    for name, data in per_block.items():
        if name in SECOND_BLOCKS and not has1:
            filled = [c.header for c in values if c.block == name and raw[c].strip()]
            if filled:
                warn(filled[0], "1号機能が「無」のため２号機能の項目は取り込みません（２号は1号を有する医療機関のみ報告）")
            fields[name] = None
        else:
            fields[name] = BLOCK_TYPES[name](**data)
    return fields


def _row(line: int, row: dict[str, str], columns: list[Column], name: str,
         issues: list[ImportIssue]) -> ReportRow | None:
    def warn(column: str, message: str) -> None:
        issues.append(ImportIssue(name, line, column, message, "warning"))

    values: dict[Column, Any] = {}
    raw = {c: row.get(c.header, "") for c in columns}
    failed = False
    for column in columns:
        try:
            values[column] = parse_value(column, raw[column])
        except ValueError as exc:
            issues.append(ImportIssue(name, line, column.header, str(exc)))
            failed = True
    if not values.get(COLUMNS[0]):
        issues.append(ImportIssue(name, line, "医療機関ID", "医療機関IDが空欄です"))
        return None
    if not raw.get(_HAS1, "x").strip():
        issues.append(ImportIssue(name, line, "1号機能の有無", "1号機能の有無が空欄です（有／無 を入力してください）"))
        failed = True
    if failed:
        return None
    fields = _blocks(values, raw, warn)
    if fields.get("as_of") and not fields["as_of"].endswith("-01-01"):
        warn("報告基準日", f"報告基準日 {fields['as_of']} が1月1日ではありません（報告の基準日は毎年1月1日）")
    return ReportRow(str(fields.pop("id")), line, fields)


def parse_report(path: Path) -> ParsedFile:
    """Read one report CSV; each bad cell is an issue and skips only its own row."""
    data = read_bytes(path)
    name = Path(path).name
    text = decode(data, name)
    header = header_of(text)
    missing = [h for h in REQUIRED_HEADERS if h not in header]
    if missing:
        raise ImportFailed(f"{name} はかかりつけ医機能報告の形式ではありません（見出しに {'、'.join(missing)} がありません）")
    issues = [ImportIssue(name, 1, h, "この列は様式にないため無視します", "warning") for h in header if h and h not in HEADERS]
    columns = [c for c in COLUMNS if c.header in header]
    rows: dict[str, ReportRow] = {}
    count = 0
    for line, row, _extra in csv_rows(text):
        count += 1
        parsed = _row(line, row, columns, name, issues)
        if parsed and parsed.id in rows:
            issues.append(ImportIssue(name, line, "医療機関ID", f"ID {parsed.id} が {rows[parsed.id].line} 行目と重複しています"))
        elif parsed:
            rows[parsed.id] = parsed
    return ParsedFile(name, sha256(data), count, tuple(rows.values()), tuple(issues))


def _apply(facility: Facility, row: ReportRow) -> Facility:
    fields = dict(row.fields)
    start, end = fields.pop("period_start", ""), fields.pop("period_end", "")
    if start or end:
        fields["period"] = f"{start}/{end}"
    if not fields.get("as_of"):
        fields.pop("as_of", None)
    return dataclasses.replace(facility, **fields)


def import_report(facilities_dir: Path, path: Path) -> ImportReport:
    """Attach report data to the imported base records (by ID); atomic and idempotent."""
    parsed = parse_report(Path(path))
    existing = load_active(facilities_dir)
    if existing is None:
        raise ImportFailed("基本データ（ナビイ）がまだ取り込まれていません。先に `kakari facilities import navii` を実行してください")
    merged = {f.id: f for f in existing.records}
    issues = list(parsed.issues)
    kept: list[ReportRow] = []
    for row in parsed.records:
        if row.id not in merged:
            issues.append(ImportIssue(parsed.file, row.line, "医療機関ID", f"ID {row.id} の医療機関が基本データにありません"))
            continue
        kept.append(row)
    updated = 0
    for row in kept:
        new = _apply(merged[row.id], row)
        updated += new != merged[row.id]
        merged[row.id] = new
    if not kept:
        raise ImportFailed("取り込める行が1件もありませんでした（データは変更していません）\n" +
                           "\n".join(i.format() for i in issues))
    issues.sort(key=lambda i: i.line)
    files = (dataclasses.replace(parsed, records=tuple(kept), issues=tuple(issues)),)
    return commit(facilities_dir, merged, files, "report", 0, updated)
