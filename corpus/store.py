"""Loaders for the shipped corpus files in ``corpus/data`` (built by :mod:`corpus.build`)."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from corpus.cases import CaseStudy
from corpus.guideline import GuidelineSection
from corpus.passage import Passage
from corpus.qa import QAItem

PASSAGES_FILE = "passages.jsonl"
QA_FILE = "qa.jsonl"
CASES_FILE = "cases.jsonl"
GUIDELINE_FILE = "guideline.jsonl"

T = TypeVar("T")


class CorpusMissingError(FileNotFoundError):
    """A shipped corpus file is absent (the message says how to rebuild it)."""


def record_to_dict(record: Any) -> dict[str, Any]:
    """A frozen dataclass as a JSON-ready dict (tuples become lists)."""
    return dataclasses.asdict(record)


def _convert(value: Any, hint: Any) -> Any:
    """Turn JSON values back into the annotated type (tuples and nested dataclasses)."""
    origin = typing.get_origin(hint)
    if origin is tuple and isinstance(value, list):
        args = typing.get_args(hint)
        inner = args[0] if args else Any
        return tuple(_convert(v, inner) for v in value)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        return value if value is None or len(options) != 1 else _convert(value, options[0])
    if dataclasses.is_dataclass(hint) and isinstance(value, dict):
        return record_from_dict(hint, value)  # type: ignore[arg-type]
    return value


def record_from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """Rebuild a frozen dataclass from :func:`record_to_dict` output."""
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: _convert(v, hints[k]) for k, v in data.items() if k in names})


def data_dir() -> Path:
    """The folder of the shipped corpus files."""
    return Path(str(resources.files("corpus").joinpath("data")))


def iter_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Yield the JSON objects of a .jsonl file."""
    if not path.is_file():
        raise CorpusMissingError(f"コーパスのファイル {path} がありません。`kakari corpus build` で作成してください。")
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _load(cls: type[T], name: str, folder: Path | None) -> list[T]:
    return [record_from_dict(cls, row) for row in iter_jsonl((folder or data_dir()) / name)]


def load_passages(folder: Path | None = None) -> list[Passage]:
    """Every citable passage (Q&A, guideline, cases, forms, references), in id order."""
    if folder is None:
        return list(_cached_passages())
    return _load(Passage, PASSAGES_FILE, folder)


@lru_cache(maxsize=1)
def _cached_passages() -> tuple[Passage, ...]:
    return tuple(_load(Passage, PASSAGES_FILE, None))


def load_qa(folder: Path | None = None) -> list[QAItem]:
    """The 21 Q&A items (Q1–Q21) of 別添8."""
    return _load(QAItem, QA_FILE, folder)


def load_cases(folder: Path | None = None) -> list[CaseStudy]:
    """The 16 case studies of 別添2."""
    return _load(CaseStudy, CASES_FILE, folder)


def load_guideline(folder: Path | None = None) -> list[GuidelineSection]:
    """The guideline (別添1) sections with heading paths, pages and text."""
    return _load(GuidelineSection, GUIDELINE_FILE, folder)
