"""Importer for ナビイ (医療情報ネット) open-data facility files: base records, no function data.

Layouts: ``01-1_hospital_facility_info_*`` and ``02-1_clinic_facility_info_*`` (see
``../shared/data/README.md``). The weekly / nth-week closure flags hold "1" for a day the facility
is OPEN and "0" for a closed day, whatever their header says. Function blocks stay ``None``: these
files say nothing about かかりつけ医機能, and nothing is invented for real facilities.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from corpus.dataset import load_active
from corpus.facility import Facility
from corpus.geo import resolve_location
from corpus.importers.common import (
    ImportFailed,
    ImportIssue,
    ImportReport,
    ParsedFile,
    commit,
    csv_rows,
    date_in_name,
    decode,
    header_of,
    merge_base,
    read_bytes,
    sha256,
)
from corpus.municipalities import Municipality, by_code

REQUIRED = ("ID", "正式名称", "機関区分", "都道府県コード", "市区町村コード", "所在地")
LAT, LNG = "所在地座標（緯度）", "所在地座標（経度）"
WEEKDAYS = ("月", "火", "水", "木", "金", "土", "日")
BED_PARTS = ("一般病床", "療養病床", "精神病床", "結核病床", "感染症病床")
KIND_CODES = {"1": "hospital", "2": "clinic"}


class _Row:
    """Collects the issues of one row while it is converted."""

    def __init__(self, file: str, line: int) -> None:
        self.file, self.line = file, line
        self.issues: list[ImportIssue] = []

    def warn(self, column: str, message: str) -> None:
        self.issues.append(ImportIssue(self.file, self.line, column, message, "warning"))

    def fail(self, column: str, message: str) -> None:
        self.issues.append(ImportIssue(self.file, self.line, column, message, "error"))

    @property
    def failed(self) -> bool:
        return any(i.severity == "error" for i in self.issues)


def closed_days(row: dict[str, str]) -> tuple[str, ...]:
    """休診日 from the flags ("0" = closed): weekly days, then nth-week days not already weekly."""
    weekly = [d for d in WEEKDAYS if row.get(f"毎週決まった曜日に休診（{d}）") == "0"]
    out = [f"{d}曜" for d in weekly]
    for n in range(1, 6):
        out += [f"第{n}{d}曜" for d in WEEKDAYS
                if d not in weekly and row.get(f"決まった週に休診（定期週）第{n}週（{d}）") == "0"]
    if row.get("祝日に休診") == "0":
        out.append("祝日")
    return tuple(out)


def _int(row: dict[str, str], column: str, check: _Row) -> int:
    value = row.get(column, "")
    if not value:
        return 0
    try:
        return int(float(value))
    except ValueError:
        check.warn(column, f"病床数「{value}」が数値ではないため 0 とみなしました")
        return 0


def _beds(row: dict[str, str], check: _Row) -> int:
    total = _int(row, "合計病床数", check)
    parts = sum(_int(row, c, check) for c in BED_PARTS if c in row)
    if parts and total != parts:
        check.warn("合計病床数", f"合計病床数 {total} が内訳の合計 {parts} と一致しません（公表値 {total} を使います）")
    return total or parts


def _coordinates(row: dict[str, str], check: _Row) -> tuple[float | None, float | None]:
    try:
        lat, lng = float(row.get(LAT) or 0), float(row.get(LNG) or 0)
    except ValueError:
        check.warn(LAT, f"座標「{row.get(LAT)},{row.get(LNG)}」が数値ではないため座標なしとしました")
        return None, None
    if lat == 0 and lng == 0:
        check.warn(LAT, "座標が空欄または 0/0（未設定）のため座標なしとしました")
        return None, None
    if not (20 <= lat <= 46.5 and 122 <= lng <= 154.5):
        check.warn(LAT, f"座標 {lat},{lng} が日本の範囲外のため座標なしとしました")
        return None, None
    return lat, lng


def _municipality(row: dict[str, str], check: _Row) -> Municipality | None:
    code = row.get("都道府県コード", "").zfill(2) + row.get("市区町村コード", "").zfill(3)
    found = by_code(code)
    if found is not None:
        return found
    result = resolve_location(row.get("所在地", ""))
    if result.ok and result.places:
        check.warn("市区町村コード", f"市区町村コード {code} が不明のため所在地から {result.places[0].label} としました")
        return by_code(result.places[0].code)
    check.fail("市区町村コード", f"市区町村コード {code} が不明で、所在地からも市区町村を特定できません")
    return None


def _kind(row: dict[str, str], name: str, check: _Row) -> str:
    kind = KIND_CODES.get(row.get("機関区分", ""))
    if kind:
        return kind
    guess = "hospital" if name.startswith("01-") else "clinic" if name.startswith("02-") else ""
    if not guess:
        check.fail("機関区分", f"機関区分「{row.get('機関区分', '')}」は 1（病院）/2（診療所）のいずれでもありません")
        return "clinic"
    check.warn("機関区分", f"機関区分「{row.get('機関区分', '')}」が不正なためファイル名から {guess} としました")
    return guess


def _identity(row: dict[str, str], check: _Row) -> str:
    facility_id = row.get("ID", "")
    if not facility_id.isdigit():
        check.fail("ID", f"ID「{facility_id}」が数字ではありません" if facility_id else "ID が空欄です")
    elif len(facility_id) != 13:
        check.warn("ID", f"ID {facility_id} が {len(facility_id)} 桁です（通常は13桁）。公表されたまま取り込みます")
    if not row.get("正式名称"):
        check.fail("正式名称", "正式名称が空欄です")
    return facility_id


def _facility(row: dict[str, str], name: str, as_of: str, check: _Row) -> Facility | None:
    facility_id = _identity(row, check)
    kind = _kind(row, name, check)
    place = _municipality(row, check)
    lat, lng = _coordinates(row, check)
    beds = _beds(row, check)
    if check.failed or place is None:
        return None
    notes = tuple(n for n in (row.get("注記", ""), f"座標の出典: {row['座標の出典']}" if row.get("座標の出典") else "") if n)
    return Facility(
        id=facility_id, name=row["正式名称"], kind=kind, prefecture=place.prefecture, municipality=place.name,
        municipality_code=place.code, address=row.get("所在地", ""), lat=lat, lng=lng, sample=False, as_of=as_of,
        source=f"navii:{name}", website=row.get("案内用ホームページアドレス", ""), beds=beds, notes=notes,
        name_kana=row.get("正式名称（フリガナ）", ""), closed_days=closed_days(row),
        closed_note=row.get("その他の休診日（gw、お盆等）", ""),
    )


def parse_navii(path: Path) -> ParsedFile:
    """Read one ナビイ facility file; bad rows become issues, good rows records."""
    data = read_bytes(path)
    name = Path(path).name
    text = decode(data, name)
    missing = [c for c in REQUIRED if c not in header_of(text)]
    if missing:
        raise ImportFailed(f"{name} はナビイの施設票の形式ではありません（見出しに {'、'.join(missing)} がありません）")
    as_of = date_in_name(name)
    records: dict[str, Facility] = {}
    issues: list[ImportIssue] = []
    rows = 0
    for line, row, extra in csv_rows(text):
        rows += 1
        check = _Row(name, line)
        if extra:
            check.warn("", "見出しより列が多い行です（余分な列は無視しました）")
        facility = _facility(row, name, as_of, check)
        if facility is not None and facility.id in records:
            check.fail("ID", f"ID {facility.id} がこのファイル内で重複しています（最初の行を使います）")
            facility = None
        if facility is not None:
            records[facility.id] = facility
        issues.extend(check.issues)
    return ParsedFile(name, sha256(data), rows, tuple(records.values()), tuple(issues))


def import_navii(facilities_dir: Path, paths: Iterable[Path]) -> ImportReport:
    """Import ナビイ files into the folder's active dataset (merged by ID, atomic, idempotent)."""
    files = tuple(parse_navii(Path(p)) for p in paths)
    if not files:
        raise ImportFailed("取り込むファイルが指定されていません")
    existing = load_active(facilities_dir)
    merged = {f.id: f for f in existing.records} if existing else {}
    added = updated = 0
    for parsed in files:
        for facility in parsed.records:
            old = merged.get(facility.id)
            new = merge_base(old, facility)
            added, updated = added + (old is None), updated + (old is not None and old != new)
            merged[facility.id] = new
    if not any(f.records for f in files):
        raise ImportFailed("取り込める行が1件もありませんでした（データは変更していません）")
    return commit(facilities_dir, merged, files, "navii", added, updated)
