"""Geometry prepared for display only: simplified with shared borders kept, coordinates
rounded to about 1 m. Never used for analysis."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

#: Rounding of lon/lat for maps (1e-5 degree is about 1 m).
DECIMALS = 5
#: Smallest simplification tolerance for display, in degrees (about 20 m).
MIN_TOLERANCE = 0.0002
#: Tolerance as a fraction of the map's extent (a prefecture: ~30 m; all Japan: ~700 m).
EXTENT_FRACTION = 1 / 5000


def display_geometry(units: gpd.GeoDataFrame, *, tolerance: float | None = None) -> np.ndarray:
    """Simplify unit polygons together (``shapely.coverage_simplify``, shared borders
    stay shared) and round their coordinates; returns an array of geometries.

    The default tolerance grows with the extent of the units, so a national map stays
    a few MB while a prefecture keeps borders within tens of metres.
    """
    geoms = units.geometry.values
    if tolerance is None:
        minx, miny, maxx, maxy = units.total_bounds
        tolerance = max(MIN_TOLERANCE, max(maxx - minx, maxy - miny) * EXTENT_FRACTION)
    try:
        simple = shapely.coverage_simplify(geoms, tolerance)
    except Exception:  # not a valid coverage (e.g. overlapping files): simplify each
        simple = shapely.simplify(geoms, tolerance, preserve_topology=True)
    return round_coordinates(np.asarray(simple, dtype=object))


def round_coordinates(geoms: np.ndarray) -> np.ndarray:
    """Round every coordinate to :data:`DECIMALS` places."""
    return shapely.transform(geoms, lambda xy: np.round(xy, DECIMALS))


def dissolve(geoms: np.ndarray, keys: Iterable[str | None]) -> dict[str, shapely.Geometry]:
    """Union display geometries by key (``None`` keys are skipped)."""
    groups: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        if isinstance(k, str) and k:
            groups.setdefault(k, []).append(i)
    out = {}
    for k, idx in groups.items():
        parts = geoms[idx]
        try:
            out[k] = shapely.coverage_union_all(parts)
        except Exception:
            out[k] = shapely.union_all(parts)
    return out


def feature_collection(
    geoms: Iterable[shapely.Geometry], properties: Iterable[Mapping[str, Any]]
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection from geometries and property dicts."""
    features = []
    for geom, props in zip(geoms, properties, strict=True):
        if geom is None or geom.is_empty:
            continue
        features.append(
            {"type": "Feature", "geometry": shapely.geometry.mapping(geom), "properties": dict(props)}
        )
    return {"type": "FeatureCollection", "features": features}


def outline(geom: shapely.Geometry) -> shapely.Geometry:
    """The boundary of a polygon (for outline-only layers)."""
    return shapely.boundary(geom)
