"""Coordinate reference systems: lon/lat for maps, a JGD2011 metric CRS for measuring.

N03 is JGD2011 geographic (EPSG:6668); the simplified re-publications are WGS84
(EPSG:4326). Both are treated as lon/lat (x = longitude). Lengths and areas are
measured in the JGD2011 UTM zone (EPSG:6688-6692, zones 51N-55N) of each unit's own
longitude, so that national data is measured without the distortion of a single zone.
"""

from __future__ import annotations

import numpy as np
from pyproj import CRS

#: Geographic CRS used for all stored geometries (JGD2011).
GEOGRAPHIC = CRS.from_epsg(6668)

#: Bounding box of Japan (lon_min, lat_min, lon_max, lat_max), generously rounded
#: (与那国島 122.9E, 南鳥島 154.0E, 沖ノ鳥島 20.4N, 弁天島 45.5N): boundaries that do not
#: reach it and facility points outside it are refused or corrected.
JAPAN_BOUNDS = (122.0, 20.0, 154.0, 46.0)

#: JGD2011 / UTM zone EPSG codes by zone number.
UTM_EPSG = {51: 6688, 52: 6689, 53: 6690, 54: 6691, 55: 6692}


def utm_zone(lon: float | np.ndarray) -> np.ndarray:
    """Return the UTM zone number (51-55) for longitudes, clipped to the JGD2011 zones.

    Parameters
    ----------
    lon
        Longitude(s) in degrees east.

    Returns
    -------
    numpy.ndarray
        Integer zone numbers.
    """
    zone = np.floor((np.asarray(lon, dtype=float) + 180.0) / 6.0).astype(int) + 1
    return np.clip(zone, 51, 55)


def haversine_km(
    lon1: np.ndarray | float,
    lat1: np.ndarray | float,
    lon2: np.ndarray | float,
    lat2: np.ndarray | float,
) -> np.ndarray:
    """Great-circle distance in km between points (vectorised; GRS80 mean radius).

    The error against the ellipsoidal distance is below 0.5 % at Japan's latitudes,
    well inside what a 16 km reach threshold needs.
    """
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(v, dtype=float)) for v in (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
