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
# Blind splits: each written by a helper from the seed documents, README and docs only, in its own folder
# ``suites/<split>/``; never tuned on (docs/evals.md). Their files say ``"split": "blind"``.
BLIND_SPLITS: tuple[str, ...] = ("blind", "blind2", "blind3", "blind4", "blind5", "blind6", "blind7")
ALL_SPLITS: tuple[str, ...] = (*SPLITS, *BLIND_SPLITS)
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
    cases: list[Case] = []
    if "dev" in splits or "heldout" in splits:
        path = folder / f"{name}.jsonl"
        if not path.exists():
            raise SuiteError(f"評価セットのファイルがありません: {path}")
        cases += _read(name, path, splits)
    for blind in (s for s in BLIND_SPLITS if s in splits):
        path = folder / blind / f"{name}.jsonl"
        if path.exists():  # a blind split may have no cases for a suite
            cases += _read(name, path, splits, blind)
    return cases


def _read(name: str, path: Path, splits: tuple[str, ...], blind: str | None = None) -> list[Case]:
    """The cases of one file; a blind folder's cases are labelled with its split name."""
    cases: list[Case] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            case = Case(name, str(data["id"]), str(data["split"]), data)
        except (json.JSONDecodeError, KeyError) as exc:
            raise SuiteError(f"{path.name} の {number} 行目を読み取れません: {exc}") from exc
        expected = ("blind",) if blind else SPLITS
        if case.split not in expected:
            raise SuiteError(f"{path.name} の {case.id}: split は {' か '.join(expected)} です（{case.split}）")
        if blind:
            case = Case(name, case.id, blind, data)
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
