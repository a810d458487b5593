"""Where the chat page's map takes its tiles from: defaults, then ``KAKARI_MAP_*`` environment variables."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from corpus.settings import SettingsError

ENV_PREFIX = "KAKARI_MAP_"
# Leaflet from npm, installed by `make install` next to swagger-ui-dist (never vendored, never a CDN at run time).
LEAFLET_DIST = Path(sys.prefix) / "npm" / "node_modules" / "leaflet" / "dist"


@dataclass(frozen=True)
class MapSettings:
    """The tile source the user's browser fetches; the attribution is shown on the map as the licence asks."""

    # 国土地理院「地理院タイル」標準地図: 出典の明示で利用できる (https://maps.gsi.go.jp/development/ichiran.html)
    tiles_url: str = "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png"
    attribution: str = "地理院タイル"
    attribution_url: str = "https://maps.gsi.go.jp/development/ichiran.html"
    max_zoom: int = 18


def map_settings_from(env: Mapping[str, str]) -> MapSettings:
    """Defaults overridden by ``KAKARI_MAP_TILES_URL`` and friends (read by the server's entry point only)."""
    known = {f.name: f for f in dataclasses.fields(MapSettings)}
    changes: dict[str, object] = {}
    for key, value in env.items():
        if not key.startswith(ENV_PREFIX):
            continue
        name = key[len(ENV_PREFIX):].lower()
        if name not in known:
            raise SettingsError(f"不明な設定項目です: {key}")
        changes[name] = _coerce(name, value)
    settings = dataclasses.replace(MapSettings(), **changes)  # type: ignore[arg-type]
    if not settings.tiles_url.startswith(("https://", "http://")) or "{z}" not in settings.tiles_url:
        raise SettingsError(f"{ENV_PREFIX}TILES_URL は {{z}}/{{x}}/{{y}} を含む http(s) の URL にしてください")
    return settings


def _coerce(name: str, value: str) -> object:
    if name != "max_zoom":
        return value.strip()
    try:
        return int(value)
    except ValueError as exc:
        raise SettingsError(f"設定 {ENV_PREFIX}MAX_ZOOM の値 {value!r} を読み取れません") from exc


def leaflet_available(dist: Path = LEAFLET_DIST) -> bool:
    """True when the npm package's files are there (otherwise the page shows the offline SVG view)."""
    return (dist / "leaflet.js").is_file() and (dist / "leaflet.css").is_file()
