"""GeoParquet cache of loaded units and their adjacency.

Loading and dissolving N03 and finding shared borders is the slow part of a run; the
results are stored under the cache directory (:func:`geo_zaitaku.settings.get_cache_dir`)
keyed by the source files' paths, sizes and modification times, so a second run on
the same files reads two Parquet files instead. A cache file that cannot be read is
ignored and rebuilt; a cache directory that cannot be written is skipped silently
(the cache is an optimisation, never a source of truth).
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo_zaitaku import settings
from geo_zaitaku._io import atomic_path, json_text


def _dir() -> Path:
    return settings.get_cache_dir() / "units"


def read_units(key: str) -> gpd.GeoDataFrame | None:
    """Return the cached units for ``key``, or ``None`` when absent or unreadable."""
    path = _dir() / f"{key}.parquet"
    meta = _dir() / f"{key}.json"
    if not (path.exists() and meta.exists()):
        return None
    try:
        units = gpd.read_parquet(path)
        units.attrs.update(json.loads(meta.read_text(encoding="utf-8")))
    except Exception:
        return None
    return units


def write_units(key: str, units: gpd.GeoDataFrame) -> None:
    """Store units (and their ``attrs`` as a JSON sidecar) under ``key``."""
    with contextlib.suppress(OSError):
        target = _dir() / f"{key}.parquet"
        with atomic_path(target) as tmp:
            units.to_parquet(tmp)
        with atomic_path(_dir() / f"{key}.json") as tmp:
            tmp.write_text(json_text(units.attrs), encoding="utf-8")


def read_edges(key: str) -> pd.DataFrame | None:
    """Return the cached adjacency table for ``key``, or ``None``."""
    path = _dir() / f"{key}.edges.parquet"
    if not path.exists():
        return None
    try:
        return pd.read_parquet(path)
    except Exception:
        return None


def write_edges(key: str, edges: pd.DataFrame) -> None:
    """Store an adjacency table under ``key``."""
    with contextlib.suppress(OSError), atomic_path(_dir() / f"{key}.edges.parquet") as tmp:
        edges.to_parquet(tmp, index=False)


def clear() -> int:
    """Remove every cached units file; return how many files were removed."""
    n = 0
    if _dir().exists():
        for f in _dir().iterdir():
            if f.is_file():
                f.unlink()
                n += 1
    return n
