"""Build the shipped corpus (``corpus/data/*.jsonl`` + ``vocab.json``) from the seed documents."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.case_front import parse_case_front
from corpus.cases import parse_cases
from corpus.forms import parse_diseases, parse_domains, parse_forms
from corpus.guideline import parse_guideline
from corpus.passage import Passage
from corpus.qa import parse_qa
from corpus.reference import REFERENCE_SPECS, parse_reference
from corpus.store import CASES_FILE, GUIDELINE_FILE, PASSAGES_FILE, QA_FILE, record_to_dict
from corpus.text import paged_lines
from corpus.vocab import VOCAB_FILE, Vocab

GUIDELINE_SEED = "003_bf4a5d893258786a.txt"
GUIDELINE_SET = "かかりつけ医機能の確保に関するガイドライン（令和7年）一式"


class SeedsError(FileNotFoundError):
    """The seeds folder or a seed file is missing; the message is Japanese."""


@dataclass(frozen=True)
class BuildStats:
    """Counts of what a build wrote, by file."""

    counts: dict[str, int] = field(default_factory=dict)


def read_seed(seeds_dir: Path, name: str) -> str:
    """Read one seed file as UTF-8, with a Japanese error when it is missing."""
    path = seeds_dir / name
    if not path.is_file():
        raise SeedsError(f"元資料 {path} が見つかりません。--seeds で元資料のフォルダを指定してください。")
    return path.read_text(encoding="utf-8")


def build_vocab(guideline_text: str) -> Vocab:
    """Parse the controlled vocabularies from the 院内掲示様式 (別添3)."""
    lines = guideline_text.split("\n")
    source = {
        "document": GUIDELINE_SET,
        "file": GUIDELINE_SEED,
        "section": "別添3 院内掲示様式（例） 2. 一次診療の対応について",
    }
    return Vocab(parse_domains(lines), parse_diseases(lines), source)


def write_json(path: Path, data: Any) -> None:
    """Write JSON deterministically (sorted keys, UTF-8, trailing newline)."""
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def write_jsonl(path: Path, records: list[Any]) -> int:
    """Write records (frozen dataclasses) one JSON object per line; returns the count."""
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record_to_dict(record), ensure_ascii=False, sort_keys=True) + "\n")
    return len(records)


def build_corpus(seeds_dir: Path, out_dir: Path) -> BuildStats:
    """Regenerate every shipped corpus file in ``out_dir`` from ``seeds_dir``."""
    if not seeds_dir.is_dir():
        raise SeedsError(f"元資料のフォルダ {seeds_dir} が見つかりません。--seeds で指定してください。")
    out_dir.mkdir(parents=True, exist_ok=True)
    guideline_text = read_seed(seeds_dir, GUIDELINE_SEED)
    vocab = build_vocab(guideline_text)
    write_json(out_dir / VOCAB_FILE, vocab.to_dict())
    lines = paged_lines(guideline_text)
    qa, sections, cases = parse_qa(lines), parse_guideline(lines), parse_cases(lines)
    forms = parse_forms(lines)
    references = [parse_reference(spec, read_seed(seeds_dir, spec.file)) for spec in REFERENCE_SPECS]
    passages: list[Passage] = [item.to_passage() for item in qa]
    for section in sections:
        passages.extend(section.to_passages(len(passages) - len(qa) + 1))  # guideline:0001, 0002, ...
    passages.extend(note.to_passage() for note in parse_case_front(lines))  # case:intro, case:legend
    passages.extend(case.to_passage() for case in cases)
    for form in forms:
        passages.extend(form.to_passages())
    for reference in references:
        passages.extend(reference.to_passages())
    counts = {
        "domains": len(vocab.domains),
        "diseases": len(vocab.diseases),
        "qa": write_jsonl(out_dir / QA_FILE, qa),
        "guideline_sections": write_jsonl(out_dir / GUIDELINE_FILE, sections),
        "guideline_chunks": sum(len(s.chunks) for s in sections),
        "cases": write_jsonl(out_dir / CASES_FILE, cases),
        "forms": len(forms),
        "form_passages": sum(len(f.parts) for f in forms),
        "references": len(references),
        "reference_passages": sum(len(r.parts) for r in references),
        "passages": write_jsonl(out_dir / PASSAGES_FILE, passages),
    }
    return BuildStats(counts)
