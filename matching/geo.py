"""Distances on the earth and how far each kind of help may reasonably be."""

from __future__ import annotations

import numpy as np

EARTH_RADIUS_M = 6_371_000.0

# Near home for daily, hands-on help; wider where people travel anyway.
CATEGORY_RADIUS_M: dict[str, float] = {
    "boodschappen": 1_500, "gezelschap": 2_000, "klussen": 2_000, "huisdieren": 1_500,
    "huishouden": 2_500, "ontmoeting": 3_000, "bewegen": 4_000, "jeugd": 3_000,
    "taal": 5_000, "digitaal": 4_000, "administratie": 5_000, "geldzaken": 6_000,
    "opvoeding": 6_000, "mantelzorg": 6_000, "gezondheid": 8_000, "wonen": 6_000,
    "vervoer": 15_000, "werk": 12_000, "veiligheid": 30_000,
}
DEFAULT_RADIUS_M = 5_000.0


def radius_for(slug: str) -> float:
    return CATEGORY_RADIUS_M.get(slug, DEFAULT_RADIUS_M)


def to_radians(lat, lon) -> np.ndarray:
    """[[lat, lon]] in radians, the layout BallTree(metric="haversine") expects."""
    return np.radians(np.column_stack([np.asarray(lat, float), np.asarray(lon, float)]))


def haversine_m(lat_rad: float, lon_rad: float, lats_rad: np.ndarray, lons_rad: np.ndarray) -> np.ndarray:
    """Great-circle distance in metres from one point to many (all in radians)."""
    dlat = lats_rad - lat_rad
    dlon = lons_rad - lon_rad
    a = np.sin(dlat / 2) ** 2 + np.cos(lat_rad) * np.cos(lats_rad) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def format_distance(metres: float) -> str:
    """'300 m' under a kilometre, '1,2 km' above: how people say it."""
    if metres < 1_000:
        return f"{max(50, int(round(metres / 50.0)) * 50)} m"
    km = f"{metres / 1000:.1f}".replace(".", ",")
    return f"{km.removesuffix(',0')} km"
