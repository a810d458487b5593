"""Where the chat page's map comes from: Leaflet's files from npm (the tile source is ``settings.map``)."""

from __future__ import annotations

import sys
from pathlib import Path

from corpus.settings import MapSettings

__all__ = ["LEAFLET_DIST", "MapSettings", "leaflet_available"]

# Leaflet from npm, installed by `make install` next to swagger-ui-dist (never vendored, never a CDN at run time).
LEAFLET_DIST = Path(sys.prefix) / "npm" / "node_modules" / "leaflet" / "dist"


def leaflet_available(dist: Path = LEAFLET_DIST) -> bool:
    """True when the npm package's files are there (otherwise the page shows the offline SVG view)."""
    return (dist / "leaflet.js").is_file() and (dist / "leaflet.css").is_file()
