"""Shared pieces of the importers: issues with file/line/column, CSV reading, merging and saving."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.dataset import FacilityDataset, load_active, save_dataset
from corpus.facility import Facility

FUNCTION_BLOCKS = ("function1", "off_hours", "admission_support", "home_care", "care_collaboration", "other")
REPORT_FIELDS = (*FUNCTION_BLOCKS, "confirmed_2go", "period")


class ImportFailed(ValueError):
    """The whole import was refused (nothing was changed); the message is Japanese."""


@dataclass(frozen=True)
class ImportIssue:
    """One problem found in an input file, located by file, line and column."""

    file: str
    line: int
    column: str
    message: str
    severity: str = "error"  # error: the row was skipped | warning: the row was kept

    def format(self) -> str:
        """Japanese one-line form: ファイル:行 列「…」: 内容."""
        where = f"{self.file} {self.line}行目" + (f" 列「{self.column}」" if self.column else "")
        label = "エラー（この行は取り込みません）" if self.severity == "error" else "注意"
        return f"{where}: {label}: {self.message}"


@dataclass(frozen=True)
class ParsedFile:
    """What one input file yielded."""

    file: str
    sha256: str
    rows: int
    records: tuple[Any, ...]
    issues: tuple[ImportIssue, ...]


@dataclass(frozen=True)
class ImportReport:
    """The outcome of an import: the new active dataset and every issue found."""

    dataset: FacilityDataset
    files: tuple[ParsedFile, ...]
    added: int
    updated: int

    @property
    def issues(self) -> tuple[ImportIssue, ...]:
        return tuple(i for f in self.files for i in f.issues)

    @property
    def skipped(self) -> int:
        return sum(1 for i in self.issues if i.severity == "error")


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or a Japanese error when it cannot be read."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ImportFailed(f"ファイル {path} を読み込めません: {exc.strerror or exc}") from exc


def decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), else Shift_JIS (cp932), as the national files may be either."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFailed(f"ファイル {name} の文字コードを判別できません（UTF-8 または Shift_JIS にしてください）")


def csv_rows(text: str) -> Iterator[tuple[int, dict[str, str], bool]]:
    """(line number, row, has extra cells) triples; the header is line 1, quoted newlines counted."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader, [])]
        start = reader.line_num
        for row in reader:
            line, start = start + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            values = row + [""] * (len(header) - len(row))
            yield line, {h: v.strip() for h, v in zip(header, values, strict=False)}, len(row) > len(header)
    except csv.Error as exc:  # a field over the csv module's limit (131,072 characters), a NUL byte…
        raise ImportFailed(f"CSV の {reader.line_num} 行目付近を読み取れません（{_csv_reason(exc)}）。"
                           "ファイルが壊れていないか確認してください。") from exc


def _csv_reason(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return f"1つの欄が長すぎます（{csv.field_size_limit():,}文字まで）"
    if "NUL" in text or "null byte" in text:
        return "NUL 文字が含まれています"
    return "CSV の形式が正しくありません"


def header_of(text: str) -> list[str]:
    """The header row of a CSV text."""
    return [h.strip() for h in next(csv.reader(io.StringIO(text, newline="")), [])]


def sha256(data: bytes) -> str:
    """Hex digest identifying an imported file's content."""
    return hashlib.sha256(data).hexdigest()


def date_in_name(name: str) -> str:
    """`..._20260601.csv` → `2026-06-01` ("" when absent)."""
    match = re.search(r"(20\d{2})(\d{2})(\d{2})", name)
    return f"{match.group(1)}-{match.group(2)}-{match.group(3)}" if match else ""


def merge_base(old: Facility | None, new: Facility) -> Facility:
    """A re-imported base record keeps the report data an earlier report import attached."""
    if old is None or old.function1 is None:
        return new
    return dataclasses.replace(new, as_of=old.as_of, **{k: getattr(old, k) for k in REPORT_FIELDS})


def history(existing: FacilityDataset | None, files: Iterable[ParsedFile], kind: str) -> list[dict[str, Any]]:
    """Import history with each file content listed once (re-imports add nothing)."""
    entries = list(existing.imports) if existing else []
    seen = {(e.get("kind"), e.get("sha256")) for e in entries}
    for f in files:
        if (kind, f.sha256) not in seen:
            entries.append({"kind": kind, "file": f.file, "sha256": f.sha256, "rows": f.rows})
            seen.add((kind, f.sha256))
    return entries


def commit(facilities_dir: Path, records: dict[str, Facility], files: tuple[ParsedFile, ...], kind: str,
           added: int, updated: int) -> ImportReport:
    """Atomically save the merged records as the active dataset."""
    existing = load_active(facilities_dir)
    names = sorted({e["file"] for e in history(existing, files, kind)})
    source = "取込データ: " + "、".join(names)
    dataset = save_dataset(facilities_dir, records.values(), source, history(existing, files, kind))
    return ImportReport(dataset, files, added, updated)
