"""Reading the gold suites (``evals/suites/*.jsonl``) and the facility records the gold is computed from."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

SUITES_DIR = Path(__file__).resolve().parent / "suites"
SUITE_NAMES: tuple[str, ...] = ("qa", "guideline", "cases", "facility", "multiturn", "safety", "nodata", "intent")
SPLITS: tuple[str, ...] = ("dev", "heldout")
ALL_SPLITS: tuple[str, ...] = ("dev", "heldout", "blind")
# The blind split: written from the seed documents, README and docs only; never tuned on (docs/evals.md).
BLIND_DIR = "blind"
QUICK_SUITES: tuple[str, ...] = ("qa", "facility", "safety", "intent")


class SuiteError(ValueError):
    """A suite file is missing or malformed; the message is Japanese."""


@dataclass(frozen=True)
class Case:
    """One gold case: its suite, id, split and the raw JSON line (input and gold)."""

    suite: str
    id: str
    split: str
    data: dict[str, Any]


def load_suite(name: str, splits: tuple[str, ...] = SPLITS, folder: Path = SUITES_DIR) -> list[Case]:
    """Read one suite, keeping the cases whose split is in ``splits``."""
    if name not in SUITE_NAMES:
        raise SuiteError(f"不明な評価セットです: {name}（選べるもの: {', '.join(SUITE_NAMES)}）")
    paths = [folder / f"{name}.jsonl"] if "dev" in splits or "heldout" in splits else []
    if "blind" in splits:
        paths.append(folder / BLIND_DIR / f"{name}.jsonl")
    cases: list[Case] = []
    for path in paths:
        if not path.exists():
            if path.parent.name == BLIND_DIR:
                continue  # a suite may have no blind cases
            raise SuiteError(f"評価セットのファイルがありません: {path}")
        cases += _read(name, path, splits)
    return cases


def _read(name: str, path: Path, splits: tuple[str, ...]) -> list[Case]:
    cases: list[Case] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            case = Case(name, str(data["id"]), str(data["split"]), data)
        except (json.JSONDecodeError, KeyError) as exc:
            raise SuiteError(f"{path.name} の {number} 行目を読み取れません: {exc}") from exc
        expected = ("blind",) if path.parent.name == BLIND_DIR else SPLITS
        if case.split not in expected:
            raise SuiteError(f"{path.name} の {case.id}: split は {' か '.join(expected)} です（{case.split}）")
        if case.split in splits:
            cases.append(case)
    return cases


def active_records_path(data_dir: Path) -> Path | None:
    """The imported dataset under ``data_dir/facilities`` when there is one, else None."""
    path = data_dir / "facilities" / "active.jsonl"
    return path if path.exists() else None


def load_records(path: Path | None = None) -> list[dict[str, Any]]:
    """Facility records as plain export dicts (the shipped sample when ``path`` is None).

    A dataset header line (``{"kakari_dataset": ...}``) is skipped: only facility lines count.
    """
    if path is None:
        text = resources.files("corpus").joinpath("data", "sample_facilities.jsonl").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    records = []
    for line in text.splitlines():
        if not line.strip():
            continue
        data = json.loads(line)
        if "kakari_dataset" in data:
            continue
        records.append(data)
    return records
