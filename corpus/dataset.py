"""The active facility dataset: an imported one under ``data_dir/facilities/``, else the shipped sample.

The imported dataset is one file, ``active.jsonl``: a header line (``{"kakari_dataset": 1, ...}``)
followed by one facility per line in the export form. It is replaced atomically: written to a
temporary file in the same folder, read back and validated, then moved over the old one with
``os.replace``, so a failed import leaves the previous dataset serving.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from corpus.facility import KINDS, Facility, facility_from_dict

ACTIVE_FILE = "active.jsonl"
SAMPLE_FILE = "sample_facilities.jsonl"
FORMAT_VERSION = 1


class DatasetError(ValueError):
    """The dataset could not be read or written; the message is Japanese."""


@dataclass(frozen=True)
class FacilityDataset:
    """A set of facility records with where they came from."""

    records: tuple[Facility, ...]
    sample: bool  # True for the shipped fictional dataset
    as_of: str  # latest 報告基準日 (or base-data date) among the records
    source: str  # label shown to users, e.g. "サンプルデータ（架空）" or "取込データ: ..."
    path: str = ""  # file it was read from
    imports: tuple[dict[str, Any], ...] = ()  # import history: kind, file, sha256, rows
    _index: dict[str, Facility] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update({f.id: f for f in self.records})

    def get(self, facility_id: str) -> Facility | None:
        """The record with this ID, or None."""
        return self._index.get(facility_id)

    def __len__(self) -> int:
        return len(self.records)

    def header(self) -> dict[str, Any]:
        """The header line of ``active.jsonl``."""
        return {"kakari_dataset": FORMAT_VERSION, "source": self.source, "as_of": self.as_of,
                "sample": self.sample, "count": len(self.records), "imports": list(self.imports)}


def _parse_lines(lines: Iterable[str], where: str) -> tuple[dict[str, Any] | None, list[Facility]]:
    header: dict[str, Any] | None = None
    records: list[Facility] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if number == 1 and "kakari_dataset" in data:
                header = data
                continue
            records.append(_checked(facility_from_dict(data)))
        except (ValueError, TypeError, KeyError) as exc:
            raise DatasetError(f"{where} の {number} 行目を読み取れません: {exc}") from exc
    return header, records


def _checked(facility: Facility) -> Facility:
    """Reject records that would break consumers (kind, code, id)."""
    if not facility.id:
        raise ValueError("ID が空です")
    if facility.kind not in KINDS:
        raise ValueError(f"機関区分 {facility.kind!r} は hospital / clinic のいずれでもありません")
    if len(facility.municipality_code) != 5 or not facility.municipality_code.isdigit():
        raise ValueError(f"市区町村コード {facility.municipality_code!r} は5桁の数字ではありません")
    return facility


@lru_cache(maxsize=1)
def load_sample() -> FacilityDataset:
    """The shipped fictional dataset (``corpus/data/sample_facilities.jsonl``)."""
    text = resources.files("corpus").joinpath("data", SAMPLE_FILE).read_text(encoding="utf-8")
    _, records = _parse_lines(text.splitlines(), SAMPLE_FILE)
    as_of = max((f.as_of for f in records), default="")
    return FacilityDataset(tuple(records), True, as_of, "サンプルデータ（架空の医療機関）", SAMPLE_FILE)


_ACTIVE_CACHE: dict[str, tuple[tuple[int, int], FacilityDataset]] = {}


def load_active(facilities_dir: Path) -> FacilityDataset | None:
    """The imported dataset in this folder, or None when nothing has been imported."""
    path = Path(facilities_dir) / ACTIVE_FILE
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    key = (stat.st_mtime_ns, stat.st_size)
    cached = _ACTIVE_CACHE.get(str(path))
    if cached and cached[0] == key:
        return cached[1]
    with path.open(encoding="utf-8") as fh:
        header, records = _parse_lines(fh, str(path))
    header = header or {}
    dataset = FacilityDataset(
        tuple(records), bool(header.get("sample", False)), str(header.get("as_of", "")), str(header.get("source", "取込データ")),
        str(path), tuple(header.get("imports", ())),
    )
    _ACTIVE_CACHE[str(path)] = (key, dataset)
    return dataset


def load_facilities(facilities_dir: Path) -> FacilityDataset:
    """The active dataset: the imported one when present, else the shipped fictional sample."""
    return load_active(facilities_dir) or load_sample()


def save_dataset(
    facilities_dir: Path, records: Iterable[Facility], source: str, imports: Iterable[dict[str, Any]] = (),
    *, sample: bool = False,
) -> FacilityDataset:
    """Atomically make ``records`` the active imported dataset of this folder (``sample``: fictional records)."""
    records = sorted(records, key=lambda f: f.id)
    ids = [f.id for f in records]
    if len(set(ids)) != len(ids):
        raise DatasetError("ID が重複しているため保存できません")
    as_of = max((f.as_of for f in records), default="")
    dataset = FacilityDataset(tuple(records), sample, as_of, source, "", tuple(imports))
    folder = Path(facilities_dir)
    folder.mkdir(parents=True, exist_ok=True)
    remove_stale_temp(folder)
    fd, tmp_name = tempfile.mkstemp(prefix=".active-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(dataset.header(), ensure_ascii=False) + "\n")
            for facility in records:
                fh.write(json.dumps(facility.to_dict(), ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        with open(tmp_name, encoding="utf-8") as fh:  # validate what was written before swapping
            written = sum(1 for _ in _checked_lines(fh, tmp_name))
        if written != len(records):
            raise DatasetError("書き込んだデータの件数が一致しません")
        os.replace(tmp_name, folder / ACTIVE_FILE)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    return dataclasses.replace(dataset, path=str(folder / ACTIVE_FILE))


def _checked_lines(lines: Iterable[str], where: str) -> Iterable[Facility]:
    """The records of the lines, checked one at a time (nothing is kept)."""
    for number, line in enumerate(lines, start=1):
        if not line.strip() or (number == 1 and line.startswith('{"kakari_dataset"')):
            continue
        try:
            yield _checked(facility_from_dict(json.loads(line)))
        except (ValueError, TypeError, KeyError) as exc:
            raise DatasetError(f"{where} の {number} 行目を読み取れません: {exc}") from exc


STALE_TEMP_S = 600.0  # a temp file this old belongs to an import that was killed mid-write


def remove_stale_temp(folder: Path, older_than_s: float = STALE_TEMP_S) -> list[Path]:
    """Delete the temp files of imports that were killed mid-write (a running import's file is younger)."""
    cutoff = time.time() - older_than_s
    removed = []
    for path in folder.glob(".active-*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path)
    return removed


def remove_active(facilities_dir: Path) -> bool:
    """Forget the imported dataset (the sample serves again); True if there was one."""
    path = Path(facilities_dir) / ACTIVE_FILE
    if path.exists():
        path.unlink()
        return True
    return False
