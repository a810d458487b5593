"""One settings object: defaults, then an optional TOML file, then ``KAKARI_*`` environment variables.

Only entry points (the CLI, the server) call :func:`load_settings`; every layer below receives
its own section as a plain frozen dataclass and never reads the environment itself.
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs


def default_data_dir() -> Path:
    """The per-user data directory (never the repository)."""
    return Path(platformdirs.user_data_dir("kakari", appauthor=False))


@dataclass(frozen=True)
class RetrievalSettings:
    """Text and facility retrieval."""

    embedder: str = "e5-small"  # name in retrieval.embedders registry; "none" = BM25 only (docs/retrieval.md)
    st_model_path: str = ""  # local folder for the sentence-transformers backend
    sudachi_mode: str = "C"  # A | B | C
    synonyms: bool = True
    fusion: str = "score"  # rrf | score | bm25 | dense
    rrf_k: int = 60
    top_k: int = 5
    rerank: bool = True  # re-rank by the closest sentence and bank question (retrieval/units.py); needs an embedder


@dataclass(frozen=True)
class AssistantSettings:
    """Answering and the optional LLM rephrasing path."""

    max_facilities: int = 10
    semantic: bool = True  # the exemplar layer (assistant/semantic.py) where rules are silent; needs an embedder
    radius_steps_km: tuple[float, ...] = (2.0, 5.0, 10.0, 20.0)
    llm_enabled: bool = False
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: str = ""
    llm_timeout_s: float = 20.0
    session_store: str = "sqlite"  # sqlite (data_dir/sessions/sessions.sqlite3) | files (one JSON each) | redis
    session_redis_url: str = ""  # for session_store = "redis" (default redis://127.0.0.1:6379/0)
    session_secret: str = ""  # signs session ids; empty = generated once into data_dir/sessions/.secret (0600)
    session_ttl_hours: float = 24.0  # a conversation left this long is forgotten


@dataclass(frozen=True)
class ServerSettings:
    """The FastAPI + Gradio process."""

    host: str = "127.0.0.1"
    port: int = 7860
    cors_origins: tuple[str, ...] = ()
    # Host names the server answers to (the bound address is added; "*" = any). Behind a proxy, list its name.
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "::1")
    max_body_bytes: int = 65536  # an /api/ request body larger than this is refused (413) before it is read


@dataclass(frozen=True)
class MapSettings:
    """The tile source the user's browser fetches for the chat page's map; the attribution is shown as asked."""

    # 国土地理院「地理院タイル」標準地図: 出典の明示で利用できる (https://maps.gsi.go.jp/development/ichiran.html)
    tiles_url: str = "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png"
    attribution: str = "地理院タイル"
    attribution_url: str = "https://maps.gsi.go.jp/development/ichiran.html"
    max_zoom: int = 18


@dataclass(frozen=True)
class Settings:
    """All settings; ``data_dir`` holds built corpora, imported datasets, indexes and sessions."""

    data_dir: Path = field(default_factory=default_data_dir)
    retrieval: RetrievalSettings = field(default_factory=RetrievalSettings)
    assistant: AssistantSettings = field(default_factory=AssistantSettings)
    server: ServerSettings = field(default_factory=ServerSettings)
    map: MapSettings = field(default_factory=MapSettings)

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def facilities_dir(self) -> Path:
        return self.data_dir / "facilities"

    @property
    def sessions_dir(self) -> Path:
        return self.data_dir / "sessions"


_SECTIONS = {"retrieval": RetrievalSettings, "assistant": AssistantSettings, "server": ServerSettings,
             "map": MapSettings}


class SettingsError(ValueError):
    """A setting could not be read; the message is Japanese and names the offending key."""


def _coerce(value: Any, current: Any, key: str) -> Any:
    """Turn a TOML or environment value into the type of the default."""
    try:
        if isinstance(current, bool):
            if isinstance(value, bool):
                return value
            return str(value).strip().lower() in {"1", "true", "yes", "on"}
        if isinstance(current, int):
            return int(value)
        if isinstance(current, float):
            return float(value)
        if isinstance(current, tuple):
            items = value if isinstance(value, list) else [v for v in str(value).split(",") if v.strip()]
            kind = type(current[0]) if current else str
            return tuple(kind(v) for v in items)
        if isinstance(current, Path):
            return Path(str(value)).expanduser()
        return str(value)
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"設定 {key} の値 {value!r} を読み取れません") from exc


def _apply(section: Any, values: Mapping[str, Any], prefix: str) -> Any:
    known = {f.name: getattr(section, f.name) for f in dataclasses.fields(section)}
    changes = {}
    for key, value in values.items():
        if key not in known:
            raise SettingsError(f"不明な設定項目です: {prefix}{key}")
        changes[key] = _coerce(value, known[key], prefix + key)
    return dataclasses.replace(section, **changes)


def settings_from(toml: Mapping[str, Any], env: Mapping[str, str]) -> Settings:
    """Merge defaults, a parsed TOML mapping and ``KAKARI_*`` variables (pure: no I/O)."""
    settings = Settings()
    top = {k: v for k, v in toml.items() if k not in _SECTIONS}
    settings = _apply(settings, top, "")
    for name in _SECTIONS:
        if name in toml:
            settings = dataclasses.replace(settings, **{name: _apply(getattr(settings, name), toml[name], name + ".")})
    if "KAKARI_DATA_DIR" in env:
        settings = dataclasses.replace(settings, data_dir=Path(env["KAKARI_DATA_DIR"]).expanduser())
    for name in _SECTIONS:
        prefix = f"KAKARI_{name.upper()}_"
        values = {k[len(prefix):].lower(): v for k, v in env.items() if k.startswith(prefix)}
        if values:
            settings = dataclasses.replace(settings, **{name: _apply(getattr(settings, name), values, name + ".")})
    tiles = settings.map.tiles_url
    if not tiles.startswith(("https://", "http://")) or not all(k in tiles for k in ("{z}", "{x}", "{y}")):
        raise SettingsError("map.tiles_url（KAKARI_MAP_TILES_URL）は {z}/{x}/{y} を含む http(s) の URL にしてください")
    return settings


def load_settings(config_path: Path | None, env: Mapping[str, str]) -> Settings:
    """Read the TOML file (``--config`` or ``KAKARI_CONFIG``) and merge everything."""
    path = config_path or (Path(env["KAKARI_CONFIG"]) if env.get("KAKARI_CONFIG") else None)
    toml: dict[str, Any] = {}
    if path is not None:
        try:
            toml = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise SettingsError(f"設定ファイルが見つかりません: {path}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"設定ファイル {path} の書式が正しくありません: {exc}") from exc
    return settings_from(toml, env)


SETTINGS_ENV = "KAKARI_SETTINGS_JSON"  # how `kakari serve --workers N` hands its settings to each worker


def settings_to_json(settings: Settings) -> str:
    """The settings as JSON (read back by ``settings_from_json``)."""
    return json.dumps(dataclasses.asdict(settings), default=str, ensure_ascii=False)


def settings_from_json(text: str) -> Settings:
    """Settings from ``settings_to_json`` (through the same coercion as a TOML file)."""
    return settings_from(json.loads(text), {})
