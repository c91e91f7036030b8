"""Municipality units from MLIT N03 (国土数値情報 行政区域).

:func:`load_units` reads the boundary files users actually have (the official zip
with a Shapefile set and/or a GeoJSON inside, ``.shp``, ``.geojson``/``.json``,
``.gpkg``, ``.parquet``, or a folder of them), dissolves polygon parts by code
(``N03_007``), sets aside features without a code (所属未定地) and merges the wards of a
designated city into the city unless ward-level units are asked for.

Every source is brought to JGD2011 lon/lat before the sources are combined; a file
whose coordinates are not lon/lat and that declares no CRS, or whose features lie
outside Japan, is refused. Invalid polygons are repaired and only their polygonal
parts kept; features with no geometry, or with points or lines instead of polygons,
are set aside and listed. A code found in two sources (two files, or two members of
one zip) is kept once when both have the same shape and recorded; different shapes
are refused.

The result is a GeoDataFrame in JGD2011 lon/lat (EPSG:6668) indexed by the
five-digit code, one row per unit, with columns

``pref_code``, ``pref``, ``county`` (郡 from ``N03_003``, ``None`` outside counties),
``municipality``, ``ward`` (ward-level units of a designated
city), ``name`` (display name, e.g. 熊本市 or 熊本市中央区), ``municipality_code``,
``ward_codes`` and ``ward_names`` (a merged designated city's wards, joined by ``・``),
``area_km2``, ``lon``, ``lat`` (centroid), ``zone`` (JGD2011 UTM zone used to measure),
``geometry``.

Metadata in ``frame.attrs``: ``level``, ``sources``, ``set_aside`` (list of dicts:
file, feature, name, code, reason: every feature not used), ``duplicates`` (list of
dicts: code, name, sources — the source kept and the one whose identical copy was
left out) and ``cache_key``.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.errors import GEOSException

from geo_zaitaku import codes, crs, labels
from geo_zaitaku._errors import GeometryError, InputError, show_path
from geo_zaitaku._io import check_input_path, is_regular_file, json_text
from geo_zaitaku._threads import thread_map

Level = Literal["municipality", "ward"]
LEVELS: tuple[str, ...] = ("municipality", "ward")

#: Extensions read as boundary files.
#: Largest unpacked size of a boundary zip given by the user (the national N03 zip,
#: GML, Shapefile and GeoJSON together, is a few GB; a zip bomb is far more).
MAX_ZIP_UNPACKED = 20_000_000_000
VECTOR_EXTENSIONS = (".geojson", ".json", ".shp", ".gpkg", ".parquet", ".zip")
#: Columns of the unit frame, in order (the index is ``code``).
UNIT_COLUMNS = (
    "pref_code", "pref", "county", "municipality", "ward", "name", "municipality_code",
    "ward_codes", "ward_names", "area_km2", "lon", "lat", "zone", "geometry",
)  # fmt: skip
#: Separator of the ward lists kept on a merged designated city.
WARD_SEP = "・"
_CACHE_VERSION = "units-3"
#: Lon/lat CRSs taken as JGD2011 as they are (JGD2000 and WGS 84 differ from it by
#: well under a metre at the scale of municipal boundaries).
_LONLAT_AS_JGD2011 = (6668, 4612, 4326)
#: Shapefile parts GDAL may open beside a ``.shp``.
_SHAPEFILE_SIDECARS = (".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx")
#: Two copies of a unit have the same shape when their vertices agree within
#: :data:`SAME_VERTEX_TOLERANCE` degrees (about 1 cm), or when the area of their
#: symmetric difference is below :data:`SAME_SHAPE_TOLERANCE` of their area.
SAME_VERTEX_TOLERANCE = 1e-7
SAME_SHAPE_TOLERANCE = 1e-6
#: shapely geometry type ids.
_POLYGON, _MULTIPOLYGON, _COLLECTION = 3, 6, 7
_MULTIPART = (4, 5, 6, 7)  # MultiPoint, MultiLineString, MultiPolygon, GeometryCollection


def load_units(
    paths: str | Path | Sequence[str | Path],
    *,
    level: Level = "municipality",
    cache: bool | None = None,
) -> gpd.GeoDataFrame:
    """Load N03 municipality boundaries as units.

    Parameters
    ----------
    paths
        One or more files or folders: an official N03 zip, ``.shp`` (cp932 or UTF-8
        DBF), ``.geojson``/``.json``, ``.gpkg`` or ``.parquet``. A folder contributes
        every such file inside it (a GeoJSON is preferred to a Shapefile of the same
        data, and the ``*_prefecture`` outline files of recent editions are ignored).
    level
        ``"municipality"`` (default): one unit per municipality, the wards of a
        designated city merged (熊本市 43101-43105 -> 43100). ``"ward"``: wards kept.
    cache
        Read and write the GeoParquet cache keyed by the source files' paths, sizes
        and modification times (default: ``settings.use_cache``).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per unit indexed by code; see the module docstring for columns.

    Raises
    ------
    InputError
        A path is refused by :func:`geo_zaitaku._io.check_input_path` (missing, a
        FIFO, a NUL byte, a name too long), holds no boundary file, cannot be read,
        lacks the ``N03_007`` code column, has coordinates that are not lon/lat and no
        CRS, lies outside Japan, or holds no usable feature; or a code is in two
        sources with different shapes.
    """
    from geo_zaitaku import cache as cache_mod
    from geo_zaitaku import settings

    if level not in LEVELS:
        raise InputError(labels.error("units_bad_level", level=level))
    files = _expand_paths(paths)
    use_cache = settings.use_cache if cache is None else cache
    key = _cache_key(files, level)
    if use_cache:
        cached = cache_mod.read_units(key)
        if cached is not None:
            return cached
    frames = thread_map(read_boundary_file, files)
    raw = pd.concat(frames, ignore_index=True)
    units = _units_from_raw(raw, level)
    units.attrs["cache_key"] = key
    if use_cache:
        cache_mod.write_units(key, units)
    return units


def restrict_to_prefectures(units: gpd.GeoDataFrame, prefectures: Sequence[str]) -> gpd.GeoDataFrame:
    """The units of the given prefectures only (a prefecture's plan read against the
    national file or the 47-file folder), or ``units`` itself when they hold no other.

    The result records what was left out in ``attrs["outside_plan"]`` (``prefectures``:
    the codes of the others, ``units``: how many units), keeps only the set-aside and
    duplicate records of the prefectures kept, and has its own cache key.

    Parameters
    ----------
    units
        Units frame.
    prefectures
        Two-digit prefecture codes to keep (empty: keep everything).
    """
    if not len(prefectures) or "pref_code" not in units.columns:
        return units
    keep = units["pref_code"].isin(list(prefectures)).to_numpy()
    if keep.all() or not keep.any():
        return units
    out = units.loc[keep].copy()
    attrs = dict(units.attrs)
    others = sorted(set(units["pref_code"][~keep]))
    names = tuple(codes.PREFECTURES.get(p, p) for p in prefectures)

    def kept(record: dict[str, object]) -> bool:
        code = record.get("code")
        if isinstance(code, str) and code:
            return code[:2] in prefectures
        return str(record.get("name", "")).startswith(names)

    attrs["set_aside"] = [r for r in attrs.get("set_aside", []) if kept(r)]
    attrs["duplicates"] = [r for r in attrs.get("duplicates", []) if kept(r)]
    attrs["outside_plan"] = {
        "prefectures": others,
        "units": int((~keep).sum()),
        "kept": list(prefectures),
    }
    key = attrs.get("cache_key")
    attrs["cache_key"] = f"{key}-pref{'_'.join(prefectures)}" if key else None
    out.attrs = attrs
    return out


def has_population(units: pd.DataFrame) -> bool:
    """Whether the units carry a population column with any value."""
    return "population" in units.columns and bool(units["population"].notna().any())


def source_files(units: gpd.GeoDataFrame) -> list[Path]:
    """The boundary files the units were read from (zip members named by their zip)."""
    return [Path(str(s).split("!")[0]) for s in units.attrs.get("sources", [])]


def set_aside(units: gpd.GeoDataFrame) -> list[dict[str, object]]:
    """Return the features that were set aside when loading (e.g. 所属未定地 with no code)."""
    return list(units.attrs.get("set_aside", []))


def duplicates(units: gpd.GeoDataFrame) -> list[dict[str, object]]:
    """Return the codes found with the same shape in two sources and kept once.

    Each record has ``code``, ``name`` and ``sources`` (the source kept, then the
    source whose copy was left out).
    """
    return list(units.attrs.get("duplicates", []))


def units_from_frame(
    frame: gpd.GeoDataFrame, *, level: Level = "municipality", source: str = "<frame>"
) -> gpd.GeoDataFrame:
    """Build units from an N03-like GeoDataFrame already in memory.

    Parameters
    ----------
    frame
        Must have ``N03_007`` and (for names) ``N03_001``, ``N03_003``, ``N03_004``
        and optionally ``N03_005``; any lon/lat or projected CRS.
    level
        ``"municipality"`` or ``"ward"``.
    source
        Name recorded as the source in ``attrs``.
    """
    _require_code_column(frame, Path(source))
    frame = _to_geographic(frame, source)
    raw = pd.DataFrame(frame).assign(_source=source, _feature=np.arange(len(frame)))
    units = _units_from_raw(raw, level)
    units.attrs["cache_key"] = None
    return units


def _units_from_raw(raw: pd.DataFrame, level: Level) -> gpd.GeoDataFrame:
    """Units from the raw rows of every source (columns ``_source``, ``_feature``)."""
    raw, dups = merge_copies(raw)
    code = raw["N03_007"].map(codes.normalize_code)
    geoms, reason = _usable_geometry(raw["geometry"].to_numpy())
    reason[code.isna().to_numpy()] = "no_code"
    units = _build_units(raw, code, geoms, reason, level)
    units.attrs["level"] = level
    units.attrs["sources"] = list(dict.fromkeys(raw["_source"]))
    units.attrs["set_aside"] = _set_aside_records(raw, reason)
    units.attrs["duplicates"] = dups
    return units


# --- reading ---------------------------------------------------------------------


def _output_of_ours(path: Path, top: Path) -> bool:
    """Whether ``path``, found under the folder ``top``, lies in an output folder of this
    tool (one holding its ``run.json``) or a hidden folder (a staging ``.….partial``):
    ``--units .`` with the default ``./out/…`` must not read the reports as boundaries."""
    from geo_zaitaku.outputs import MANIFEST, is_manifest

    for folder in path.relative_to(top).parents:
        if folder == Path("."):
            break
        if folder.name.startswith(".") or is_manifest(top / folder / MANIFEST):
            return True
    return False


def _expand_paths(paths: str | Path | Sequence[str | Path]) -> list[Path]:
    items = [paths] if isinstance(paths, str | Path) else list(paths)
    if not items:
        raise InputError(labels.error("units_no_file"))
    out: list[Path] = []
    for item in items:
        p = check_input_path(item, what=labels.FILES["boundaries"], folder_ok=True)
        if p.is_dir():
            # only regular files are read: a FIFO or socket in the folder is never opened
            found = boundary_files(
                sorted(x for x in p.rglob("*") if is_regular_file(x) and not _output_of_ours(x, p))
            )
            if not found:
                raise InputError(
                    labels.error("units_empty_folder"),
                    path=p,
                )
            out.extend(found)
        else:
            if p.suffix.lower() not in VECTOR_EXTENSIONS:
                raise InputError(
                    labels.error("units_bad_format", suffix=p.suffix),
                    path=p,
                )
            out.append(p)
    unique: dict[Path, Path] = {}
    for f in out:  # a file named twice (or also found in a folder given) is read once
        unique.setdefault(f.resolve(), f)
    return list(unique.values())


def boundary_files(names: Iterable[Path]) -> list[Path]:
    """Pick the boundary files among a folder's (or zip's) files, by extension."""
    names = [n for n in names if "prefecture" not in n.stem.lower()]
    by_ext: dict[str, list[Path]] = {}
    for n in names:
        by_ext.setdefault(n.suffix.lower(), []).append(n)
    for group in ((".geojson", ".json"), (".parquet",), (".gpkg",), (".shp",), (".zip",)):
        chosen = [n for ext in group for n in by_ext.get(ext, [])]
        if chosen:
            return sorted(chosen)
    return []


def read_boundary_file(path: Path) -> pd.DataFrame:
    """Read one boundary file (or every boundary member of a zip) as raw N03 rows."""
    if path.suffix.lower() == ".zip":
        from geo_zaitaku.sources._archive import check_zip

        try:
            with zipfile.ZipFile(path) as zf:
                zf.namelist()
        except zipfile.BadZipFile as exc:
            raise InputError(
                labels.error("units_bad_zip"),
                path=path,
            ) from exc
        # entries outside the archive (absolute, ..), links, thousands of entries and
        # bombs are refused before GDAL reads a member, as for downloaded archives
        infos = check_zip(path, max_unpacked=MAX_ZIP_UNPACKED)
        members = [Path(i.filename) for i in infos if not i.is_dir()]
        chosen = boundary_files(m for m in members if m.suffix.lower() != ".zip")
        if not chosen:
            raise InputError(
                labels.error("units_zip_no_boundaries"),
                path=path,
            )
        frames = [
            _read_vector(f"/vsizip/{path.resolve()}/{m.as_posix()}", path, m.as_posix()) for m in chosen
        ]
        return pd.concat(frames, ignore_index=True)
    if path.suffix.lower() == ".shp":
        _check_sidecars(path)
    return _read_vector(str(path), path, None)


def _check_sidecars(path: Path) -> None:
    """Refuse a Shapefile whose ``.dbf`` (or another part GDAL opens) is not a regular
    file: a FIFO there would block the reader."""
    for ext in _SHAPEFILE_SIDECARS:
        for sidecar in (path.with_suffix(ext), path.with_suffix(ext.upper())):
            if os.path.exists(sidecar):
                check_input_path(sidecar, what=labels.FILES["shapefile_part"])


def _read_vector(uri: str, path: Path, member: str | None) -> pd.DataFrame:
    import pyogrio  # (here: a run on cached units never reads a vector file)

    label = f"{path}!{member}" if member else str(path)
    try:
        if uri.lower().endswith(".parquet"):
            frame = gpd.read_parquet(uri)
        else:
            shapefile = uri.lower().endswith(".shp")
            # GeoJSON through Arrow: faster, and mostly without the GIL, so that files are
            # read side by side (see load_units); a Shapefile's names may be cp932 without
            # a .cpg, which only the plain reader lets us retry
            try:
                frame = pyogrio.read_dataframe(uri, use_arrow=not shapefile)
            except Exception:  # (a GDAL without Arrow, an odd file: the plain reader decides)
                frame = pyogrio.read_dataframe(uri)
            if shapefile and not _names_look_right(frame):
                for enc in ("cp932", "utf-8"):
                    retry = pyogrio.read_dataframe(uri, encoding=enc)
                    if _names_look_right(retry):
                        frame = retry
                        break
    except InputError:
        raise
    except Exception as exc:  # pyogrio / arrow raise many types for unreadable files
        raise InputError(
            labels.error("units_unreadable", error_type=type(exc).__name__, error=exc),
            path=label,
        ) from exc
    if len(frame) == 0:
        raise InputError(labels.error("units_no_features"), path=label)
    _require_code_column(frame, Path(label))
    frame = _to_geographic(frame, label, copy=False)
    out = pd.DataFrame(frame)
    out["_source"] = label
    out["_feature"] = np.arange(len(out)) + 1
    return out


def _to_geographic(frame: gpd.GeoDataFrame, label: str, *, copy: bool = True) -> gpd.GeoDataFrame:
    """Bring one source to JGD2011 lon/lat (:data:`crs.GEOGRAPHIC`), refusing
    coordinates that are not lon/lat without a CRS saying so, and data outside Japan.

    A file without a CRS is taken as lon/lat, as is a GeoJSON (GDAL reports every
    GeoJSON without a ``crs`` member as WGS 84); coordinates beyond lon ±180 / lat ±90
    then mean projected coordinates (metres) whose CRS was not declared. With
    ``copy=False`` a lon/lat frame is relabelled in place (a frame just read).
    """
    declared = frame.crs
    bounds = shapely.total_bounds(frame.geometry.values)
    if np.isnan(bounds).all():  # no geometry at all: every feature is set aside later
        return _relabel(frame, copy)
    if declared is None or declared.is_geographic:
        x0, y0, x1, y1 = bounds
        if not (np.isfinite(bounds).all() and -180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90):
            raise InputError(
                labels.error("units_not_lonlat", x0=x0, x1=x1, y0=y0, y1=y1),
                path=label,
            )
    epsg = declared.to_epsg() if declared is not None and declared.is_geographic else None
    if declared is None or epsg in _LONLAT_AS_JGD2011:
        frame = _relabel(frame, copy)
    else:
        frame = frame.to_crs(crs.GEOGRAPHIC)
        bounds = shapely.total_bounds(frame.geometry.values)
    x0, y0, x1, y1 = crs.JAPAN_BOUNDS
    if not (
        np.isfinite(bounds).all()
        and bounds[0] <= x1
        and bounds[2] >= x0
        and bounds[1] <= y1
        and bounds[3] >= y0
    ):
        raise InputError(
            labels.error(
                "units_outside_japan",
                x0=x0,
                x1=x1,
                y0=y0,
                y1=y1,
                lon0=bounds[0],
                lon1=bounds[2],
                lat0=bounds[1],
                lat1=bounds[3],
            ),
            path=label,
        )
    return frame


def _relabel(frame: gpd.GeoDataFrame, copy: bool) -> gpd.GeoDataFrame:
    """``frame`` marked as JGD2011 lon/lat (coordinates unchanged)."""
    if frame.crs is not None and frame.crs == crs.GEOGRAPHIC:
        return frame
    if copy:
        return frame.set_crs(crs.GEOGRAPHIC, allow_override=True)
    frame.set_crs(crs.GEOGRAPHIC, allow_override=True, inplace=True)
    return frame


def _names_look_right(frame: pd.DataFrame) -> bool:
    if "N03_001" not in frame.columns:
        return True
    values = frame["N03_001"].dropna().astype(str).unique()[:5]
    known = set(codes.PREFECTURES.values())
    return len(values) == 0 or any(v in known or v.endswith(("県", "都", "府", "道")) for v in values)


def _require_code_column(frame: pd.DataFrame, path: Path) -> None:
    if "N03_007" not in frame.columns:
        cols = ", ".join(str(c) for c in frame.columns if c != "geometry")
        raise GeometryError(
            labels.error("units_no_code_column", found=cols),
            path=path,
        )


# --- building ----------------------------------------------------------------------


def _text(frame: pd.DataFrame, column: str) -> list[str | None]:
    """Column values as stripped strings, ``None`` for missing or blank (a plain list:
    pandas turns ``None`` into NaN, which is truthy)."""
    if column not in frame.columns:
        return [None] * len(frame)
    return [v.strip() or None if isinstance(v, str) else None for v in frame[column].tolist()]


def merge_copies(raw: pd.DataFrame) -> tuple[pd.DataFrame, list[dict[str, object]]]:
    """Keep once a code that two sources carry with the same shape; refuse different shapes.

    Within one source, several features of a code are parts of one unit (dissolved
    later). Across sources, the polygons of a code are compared source by source
    (after repair, parts united): the same shape (see :func:`_same_shape`) keeps
    the first source's features and drops the later copy, recorded; a different
    shape is an error. Only codes found in several sources are looked at, so the
    usual case (one file per prefecture) costs one group-by.

    Returns
    -------
    (raw, duplicates)
        The rows without the dropped copies, and one record per dropped copy:
        ``code``, ``name``, ``sources`` (kept, dropped).

    Raises
    ------
    InputError
        A code is in two sources with different shapes (the message names the code,
        the municipality and both files, and asks for only one of them).
    """
    if raw["_source"].nunique() < 2:
        return raw, []
    code = raw["N03_007"].map(codes.normalize_code)
    pairs = pd.DataFrame({"code": code, "source": raw["_source"]}).dropna().drop_duplicates()
    per_code = pairs.groupby("code")["source"].nunique()
    shared = per_code.index[per_code > 1]
    if len(shared) == 0:
        return raw, []
    rows = np.flatnonzero(code.isin(shared).to_numpy())
    geoms, reason = _usable_geometry(raw["geometry"].to_numpy()[rows])
    rows, geoms = rows[pd.isna(reason)], geoms[pd.isna(reason)]
    sub = pd.DataFrame(
        {"code": code.to_numpy()[rows], "source": raw["_source"].to_numpy()[rows], "row": rows}
    )
    sub["geometry"] = geoms
    sub = sub.sort_values("row", kind="stable")  # the first source of a code is the one kept
    united = {
        (c, src): shapely.union_all(g.to_numpy()) if len(g) > 1 else g.iloc[0]
        for (c, src), g in sub.groupby(["code", "source"], sort=False)["geometry"]
    }
    order: dict[str, list[str]] = {}
    for c, src in united:
        order.setdefault(c, []).append(src)
    tests = [(c, srcs[0], other) for c, srcs in order.items() for other in srcs[1:]]
    if not tests:
        return raw, []
    a = np.array([united[c, first] for c, first, _ in tests], dtype=object)
    b = np.array([united[c, other] for c, _, other in tests], dtype=object)
    same = _same_shape(a, b)
    names = _feature_names(raw.iloc[rows])
    name_of = dict(zip(code.to_numpy()[rows], names, strict=True))
    differ = [t for t, ok in zip(tests, same, strict=True) if not ok]
    if differ:
        c, first, other = differ[0]
        more = labels.ERROR_PARTS["more_conflicts"].format(n=len(differ) - 1) if len(differ) > 1 else ""
        raise InputError(
            labels.error(
                "units_conflicting_copies",
                more=more,
                code=c,
                name=name_of.get(c, ""),
                first=show_path(first),
                other=show_path(other),
            ),
            path=other,
            where=f"N03_007 {c}",
        )
    drop = sub.loc[sub.set_index(["code", "source"]).index.isin([(c, o) for c, _, o in tests]), "row"]
    records: list[dict[str, object]] = [
        {"code": c, "name": name_of.get(c, ""), "sources": [first, other]} for c, first, other in tests
    ]
    return raw.drop(index=raw.index[drop.to_numpy()]).reset_index(drop=True), records


def _same_shape(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element-wise: whether two polygonal geometries have the same shape: the same
    vertices within :data:`SAME_VERTEX_TOLERANCE`, or a symmetric difference below
    :data:`SAME_SHAPE_TOLERANCE` of their area (other vertices, same outline)."""
    same = shapely.equals_exact(shapely.normalize(a), shapely.normalize(b), tolerance=SAME_VERTEX_TOLERANCE)
    rest = np.flatnonzero(~same)
    if len(rest):
        x, y = a[rest], b[rest]
        try:
            diff = shapely.area(shapely.symmetric_difference(x, y))
        except GEOSException:  # a topology failure on near-identical rings: snap-round instead
            try:
                diff = shapely.area(shapely.symmetric_difference(x, y, grid_size=1e-9))
            except GEOSException:
                diff = np.full(len(rest), np.inf)
        same[rest] = diff <= SAME_SHAPE_TOLERANCE * np.maximum(shapely.area(x), shapely.area(y))
    return same


def _feature_names(frame: pd.DataFrame) -> list[str]:
    """Display names of raw N03 rows for messages (熊本市中央区, 玉名市, 玉東町)."""
    out = []
    for n3, n4, n5 in zip(*(_text(frame, c) for c in ("N03_003", "N03_004", "N03_005")), strict=True):
        parts = [n3 if n3 and n3.endswith("市") else None, n4, n5]
        name = ""
        for part in parts:
            if part and not name.endswith(part):
                name += part
        out.append(name)
    return out


def _usable_geometry(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The polygonal geometry of each feature, and why a feature has none.

    Invalid geometries are repaired with :func:`shapely.make_valid`; of a repair that
    yields a collection (a polygon with a spike becomes a polygon and a line), and of
    a geometry collection given as such, only the polygon parts are kept (lines and
    points would make borders look like point contacts).

    Returns
    -------
    (geometries, reasons)
        Polygon or MultiPolygon per feature (``None`` where there is none), and per
        feature ``None`` or the :data:`labels.REASONS` key it is set aside for:
        ``"no_geometry"`` (missing or empty) or ``"not_polygon"`` (points or lines,
        or nothing of positive area left after repair).
    """
    out = np.asarray(geoms, dtype=object).copy()
    reason = np.full(len(out), None, dtype=object)
    missing = shapely.is_missing(out) | shapely.is_empty(out)
    reason[missing] = "no_geometry"
    kind = shapely.get_type_id(out)
    work = ~missing & np.isin(kind, (_POLYGON, _MULTIPOLYGON, _COLLECTION))
    reason[~missing & ~work] = "not_polygon"
    invalid = work & ~shapely.is_valid(out)
    if invalid.any():
        out[invalid] = shapely.make_valid(out[invalid])
    mixed = work & (shapely.get_type_id(out) == _COLLECTION)
    if mixed.any():
        out[mixed] = _polygon_parts(out[mixed])
    kept = np.isin(shapely.get_type_id(out), (_POLYGON, _MULTIPOLYGON)) & ~shapely.is_empty(out)
    reason[work & ~kept] = "not_polygon"
    out[~pd.isna(reason)] = None
    return out, reason


def _polygon_parts(geoms: np.ndarray) -> np.ndarray:
    """Per geometry (collection), its polygons of positive area as one (Multi)Polygon,
    or ``None`` when it has none."""
    parts, index = shapely.get_parts(geoms, return_index=True)
    while True:  # collections may nest multi-parts and collections
        nested = np.isin(shapely.get_type_id(parts), _MULTIPART)
        if not nested.any():
            break
        inner, at = shapely.get_parts(parts[nested], return_index=True)
        parts = np.concatenate([parts[~nested], inner])
        index = np.concatenate([index[~nested], index[nested][at]])
    keep = (shapely.get_type_id(parts) == _POLYGON) & (shapely.area(parts) > 0)
    out = np.full(len(geoms), None, dtype=object)
    if keep.any():
        order = np.argsort(index[keep], kind="stable")
        shapely.multipolygons(parts[keep][order], indices=index[keep][order], out=out)
        present = ~shapely.is_missing(out)
        single = present & (shapely.get_num_geometries(out) == 1)
        out[single] = shapely.get_geometry(out[single], 0)
        for i in np.flatnonzero(present & ~shapely.is_valid(out)):  # overlapping parts (rare)
            out[i] = shapely.union_all(shapely.get_parts(out[i]))
    return out


def _build_units(
    raw: pd.DataFrame, code: pd.Series, geoms: np.ndarray, reason: np.ndarray, level: Level
) -> gpd.GeoDataFrame:
    keep = pd.isna(reason)
    if not keep.any():
        counts = "、".join(f"{labels.REASONS[k].ja}: {n}" for k, n in Counter(reason.tolist()).items())
        raise InputError(
            labels.error("units_no_usable_feature", counts=counts),
            path=str(raw["_source"].iloc[0]),
        )
    df = raw.loc[keep].copy()
    df["geometry"] = geoms[keep]
    df["code"] = code[keep]
    cols = {c: _text(df, c) for c in ("N03_001", "N03_003", "N03_004", "N03_005")}
    df["pref_code"] = df["code"].str[:2]
    df["pref"] = [
        p or codes.PREFECTURES.get(pc) for p, pc in zip(cols["N03_001"], df["pref_code"], strict=True)
    ]
    city_codes = []
    municipality = []
    ward = []
    county = []
    for pc, n3, n4, n5, c in zip(
        df["pref_code"], cols["N03_003"], cols["N03_004"], cols["N03_005"], df["code"], strict=True
    ):
        if n5:  # recent editions: N03_004 city, N03_005 ward
            city, w = n4, n5
        elif codes.designated_city_code(pc, n3):  # older editions: N03_003 city, N03_004 ward
            city, w = n3, n4
        else:
            city, w = n4, None
        dc = codes.designated_city_code(pc, city) if w else None
        if w and dc is None:
            dc = c[:3] + "00"  # a designated city missing from the table: fall back on the code
        municipality.append(city or n4 or c)
        ward.append(w)
        county.append(n3 if n3 and n3.endswith("郡") else None)
        city_codes.append(dc if w else c)
    df["municipality"] = municipality
    df["ward"] = ward
    df["county"] = county
    df["municipality_code"] = city_codes
    key = "code" if level == "ward" else "municipality_code"
    attrs = df.groupby(key, sort=True).agg(
        pref_code=("pref_code", "first"),
        pref=("pref", "first"),
        county=("county", "first"),
        municipality=("municipality", "first"),
        ward=("ward", "first"),
        municipality_code=("municipality_code", "first"),
    )
    attrs["ward_codes"] = None
    attrs["ward_names"] = None
    if level != "ward":
        attrs["ward"] = None
        wards = df[df["ward"].notna()].drop_duplicates("code").sort_values("code")
        for mcode, group in wards.groupby("municipality_code"):
            attrs.loc[mcode, "ward_codes"] = WARD_SEP.join(group["code"])
            attrs.loc[mcode, "ward_names"] = WARD_SEP.join(group["ward"])
    geoms = _union_by(df["geometry"].to_numpy(), df[key].to_numpy(), attrs.index.to_numpy())
    units = gpd.GeoDataFrame(attrs, geometry=geoms, crs=crs.GEOGRAPHIC)
    units.index.name = "code"
    for column in ("county", "ward", "ward_codes", "ward_names"):
        units[column] = pd.Series(
            [v if isinstance(v, str) and v else None for v in units[column]], index=units.index, dtype=object
        )
    units["name"] = [f"{m}{w}" if w else m for m, w in zip(units["municipality"], units["ward"], strict=True)]
    _measure(units)
    return units[list(UNIT_COLUMNS)]


def _union_by(geoms: np.ndarray, keys: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Union polygon parts per key (coverage union, falling back to a full union)."""
    out = np.empty(len(order), dtype=object)
    position = {k: i for i, k in enumerate(order)}
    groups: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        groups.setdefault(k, []).append(i)
    for k, idx in groups.items():
        parts = geoms[idx]
        if len(parts) == 1:
            g = parts[0]
        else:
            try:
                g = shapely.coverage_union_all(parts)
                if not g.is_valid or g.is_empty:
                    raise ValueError
            except Exception:
                g = shapely.union_all(parts)
        out[position[k]] = g
    return out


def _measure(units: gpd.GeoDataFrame) -> None:
    """Add area (km²), centroid lon/lat and UTM zone, measuring each unit in its own zone."""
    rough = shapely.centroid(units.geometry.values)
    zone = crs.utm_zone(shapely.get_x(rough))
    area = np.zeros(len(units))
    lon = np.zeros(len(units))
    lat = np.zeros(len(units))
    for z in np.unique(zone):
        mask = zone == z
        projected = units.geometry[mask].to_crs(epsg=crs.UTM_EPSG[int(z)])
        area[mask] = projected.area.to_numpy() / 1e6
        centroids = gpd.GeoSeries(projected.centroid, crs=projected.crs).to_crs(crs.GEOGRAPHIC)
        lon[mask] = centroids.x.to_numpy()
        lat[mask] = centroids.y.to_numpy()
    units["area_km2"] = area
    units["lon"] = lon
    units["lat"] = lat
    units["zone"] = zone


def _set_aside_records(raw: pd.DataFrame, reason: np.ndarray) -> list[dict[str, object]]:
    """One record per feature not used, with the reason (a :data:`labels.REASONS` text)."""
    records = []
    bad = ~pd.isna(reason)
    for (_, row), key in zip(raw.loc[bad].iterrows(), reason[bad], strict=True):
        name = " ".join(
            str(row[c]) for c in ("N03_001", "N03_003", "N03_004") if c in row and isinstance(row[c], str)
        )
        records.append(
            {
                "file": row["_source"],
                "feature": int(row["_feature"]),
                "name": name,
                "code": None if pd.isna(row["N03_007"]) else str(row["N03_007"]),
                "reason": labels.REASONS[key],
            }
        )
    return records


def _cache_key(files: Sequence[Path], level: str) -> str:
    stat = []
    for f in files:
        s = f.stat()
        stat.append([str(f.resolve()), s.st_size, s.st_mtime_ns])
    blob = json_text({"v": _CACHE_VERSION, "files": stat, "level": level})
    return hashlib.sha256(blob.encode()).hexdigest()[:24]
