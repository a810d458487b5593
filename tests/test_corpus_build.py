"""Rebuilding from ../shared/seeds reproduces the shipped files; the CLI builds and reports."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from corpus.build import build_corpus
from corpus.store import data_dir, load_passages
from tests.conftest import SEEDS, require_shared
from ui.cli import app

SHIPPED = ("qa.jsonl", "guideline.jsonl", "cases.jsonl", "passages.jsonl", "vocab.json")


def test_regenerated_files_equal_shipped(tmp_path: Path) -> None:
    require_shared(SEEDS)
    stats = build_corpus(SEEDS, tmp_path)
    for name in SHIPPED:
        assert (tmp_path / name).read_bytes() == (data_dir() / name).read_bytes(), name
    assert stats.counts["qa"] == 21 and stats.counts["cases"] == 16


def test_passage_ids_unique_and_sources_known() -> None:
    passages = load_passages()
    assert len({p.id for p in passages}) == len(passages)
    assert {p.source for p in passages} == {"qa", "guideline", "case", "form", "reference"}
    refs = [p for p in passages if p.source == "reference"]
    assert {p.id.split(":")[1] for p in refs} == {"000", "001", "002", "004"}
    assert all(p.meta["background"] and p.doc.startswith("参考資料（背景）") for p in refs)


def test_cli_build_and_stats(tmp_path: Path) -> None:
    require_shared(SEEDS)
    runner = CliRunner()
    result = runner.invoke(app, ["corpus", "build", "--seeds", str(SEEDS), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "qa: 21" in result.output and "所要時間" in result.output
    result = runner.invoke(app, ["corpus", "stats", "--data", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "[OK] Q11 の回答が「かかりつけ医機能の協議の場の圏域は」で始まる" in result.output
    assert "[NG]" not in result.output


def test_cli_missing_seeds_is_a_japanese_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["corpus", "build", "--seeds", str(tmp_path / "none"), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "元資料のフォルダ" in result.output
    assert "Traceback" not in result.output
