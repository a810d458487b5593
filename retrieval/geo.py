"""Distance helper for retrieval callers: haversine in kilometres on four plain numbers."""

from __future__ import annotations

from corpus.geo import haversine_km as _haversine


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Distance in kilometres between two (latitude, longitude) points given in degrees."""
    return _haversine((lat1, lng1), (lat2, lng2))
