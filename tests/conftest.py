"""Shared fixtures: every data/cache/index folder points at a temporary directory; no network."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from corpus.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SHARED_DATA = SHARED / "data"
SEEDS = SHARED / "seeds"


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep tests away from the user's data directory, caches and telemetry."""
    monkeypatch.setenv("KAKARI_DATA_DIR", str(tmp_path / "kakari-data"))
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("KAKARI_CONFIG", raising=False)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Default settings with the data directory under ``tmp_path``."""
    return dataclasses.replace(Settings(), data_dir=tmp_path / "kakari-data")


def require_shared(path: Path) -> Path:
    """Skip (with a clear reason) when ../shared is absent, e.g. on a user's machine."""
    if not path.exists():
        pytest.skip(f"reference file not available: {path} (../shared is absent)")
    return path
