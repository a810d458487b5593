"""`kakari index build`: builds under data_dir/index, prints counts and time, Japanese errors."""

from __future__ import annotations

from typer.testing import CliRunner

from ui.cli import app


def test_index_build_bm25_only(tmp_path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    result = runner.invoke(app, ["index", "build", "--embedder", "none"])
    assert result.exit_code == 0, result.output
    assert "パッセージ数" in result.output and "所要時間" in result.output
    assert "kakari-data/index/text-" in result.output  # KAKARI_DATA_DIR points into tmp_path (conftest)


def test_index_build_unknown_embedder() -> None:
    result = CliRunner().invoke(app, ["index", "build", "--embedder", "bogus"])
    assert result.exit_code == 1
    assert "不明な埋め込みモデル" in result.output
