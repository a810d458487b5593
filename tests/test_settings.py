"""Settings merge order: defaults, then TOML, then KAKARI_* variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.settings import Settings, SettingsError, load_settings, settings_from


def test_defaults_are_used_without_toml_or_env() -> None:
    s = settings_from({}, {})
    assert s.retrieval.sudachi_mode == Settings().retrieval.sudachi_mode
    assert "kakari" in str(s.data_dir)


def test_env_overrides_toml(tmp_path: Path) -> None:
    toml = {"retrieval": {"embedder": "none", "top_k": 3}, "server": {"port": 9000}}
    env = {"KAKARI_DATA_DIR": str(tmp_path), "KAKARI_RETRIEVAL_TOP_K": "7", "KAKARI_ASSISTANT_LLM_ENABLED": "true"}
    s = settings_from(toml, env)
    assert s.data_dir == tmp_path
    assert s.retrieval.embedder == "none"
    assert s.retrieval.top_k == 7
    assert s.server.port == 9000
    assert s.assistant.llm_enabled is True


@pytest.mark.parametrize(
    ("toml", "env"),
    [({"retrieval": {"nope": 1}}, {}), ({}, {"KAKARI_SERVER_PORT": "abc"})],
)
def test_bad_values_raise_japanese_errors(toml: dict, env: dict) -> None:
    with pytest.raises(SettingsError, match="設定"):
        settings_from(toml, env)


def test_missing_config_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="見つかりません"):
        load_settings(tmp_path / "missing.toml", {})
