"""MLIT 位置参照情報 (大字・町丁目レベル): download, safe reading and a GeoParquet cache.

国土交通省「位置参照情報ダウンロードサービス」 publishes, once a year and per prefecture, a
zip holding a cp932 CSV of every 大字・町丁目 with its representative point::

    "都道府県コード","都道府県名","市区町村コード","市区町村名","大字町丁目コード","大字町丁目名",
    "緯度","経度","原典資料コード","大字・字・丁目区分コード"

:func:`fetch_isj` downloads a prefecture's zip and caches it as N03 is cached
(:mod:`geo_zaitaku.sources._download`, shared with :mod:`geo_zaitaku.sources.fetch`): through
:mod:`geo_zaitaku.sources._http` (http(s) only, size-capped, never half-written), every
entry checked before reading (:mod:`geo_zaitaku.sources._archive`: no absolute paths,
``..``, links; capped entry count and unpacked size), the towns stored as GeoParquet in
the cache (:func:`geo_zaitaku.settings.get_cache_dir` ``/ "isj"``)::

    ISJ-2024_43.zip       the official zip (kept so that a failed conversion resumes)
    ISJ-2024_43.json      where and when it was downloaded (URL, date, SHA-256, members)
    ISJ-2024_43.parquet   the towns: codes and names as text, lat/lon, point geometry

The download URL is the template :data:`URL_TEMPLATE`, whose version ``NN.0b`` is the
edition year minus 2006 (``18.0b`` for 2024, 令和6年). It follows the files the service
published up to 2025 but could not be checked from here; when it moves, pass the URL
of the 大字・町丁目レベル zip with ``url`` (``--url``). :func:`read_isj` reads the zip, its
CSV or the cached GeoParquet; :func:`load_towns` turns files or cached prefectures into
a :class:`~geo_zaitaku.sources.towns.TownIndex`.
"""

from __future__ import annotations

import tempfile
import unicodedata
import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo_zaitaku import codes, crs, labels
from geo_zaitaku._errors import FetchError, InputError
from geo_zaitaku._io import LINE, check_input_path, is_regular_file, read_text_table
from geo_zaitaku.sources._archive import MAX_ENTRIES, MAX_UNPACKED_BYTES, check_zip, safe_extract
from geo_zaitaku.sources._download import CachedFile, Dataset, Limits, ProgressCallback, check_year
from geo_zaitaku.sources._http import MAX_DOWNLOAD_BYTES, TIMEOUT
from geo_zaitaku.sources.towns import TownIndex

#: Edition fetched when no year is given.
DEFAULT_YEAR = 2024
#: Oldest edition whose URL :func:`isj_url` builds (older ones: pass ``url``).
FIRST_URL_YEAR = 2016
#: Download URL of a prefecture's 大字・町丁目レベル zip (``version`` from :func:`isj_version`).
URL_TEMPLATE = "https://nlftp.mlit.go.jp/isj/dls/data/{version}/{pref}000-{version}.zip"
#: Credit line of 位置参照情報.
CREDIT = labels.ISJ_CREDIT
#: Columns of the CSV that are needed (normalised header names).
REQUIRED = ("市区町村コード", "大字町丁目名", "緯度", "経度")
#: CSV header -> column of the towns frame.
COLUMNS = {
    "都道府県コード": "pref_code",
    "都道府県名": "pref",
    "市区町村コード": "municipality_code",
    "市区町村名": "municipality",
    "大字町丁目コード": "town_code",
    "大字町丁目名": "town",
    "緯度": "lat",
    "経度": "lon",
    "原典資料コード": "source_code",
    "大字・字・丁目区分コード": "level_code",
}
_TEXT = tuple(c for c in COLUMNS.values() if c not in ("lat", "lon"))


def isj_version(year: int | str) -> str:
    """The service's version of an edition year (``2024`` -> ``"18.0b"``)."""
    return f"{check_year(year) - 2006}.0b"


def isj_url(pref: int | str, year: int | str = DEFAULT_YEAR) -> str:
    """Return the download URL of a prefecture's 大字・町丁目レベル zip.

    Raises
    ------
    InputError
        Unknown prefecture, or a year before :data:`FIRST_URL_YEAR`.

    Examples
    --------
    >>> isj_url(43, 2024)
    'https://nlftp.mlit.go.jp/isj/dls/data/18.0b/43000-18.0b.zip'
    """
    code = codes.prefecture_code(pref)
    y = check_year(year)
    if y < FIRST_URL_YEAR:
        raise InputError(labels.error("isj_no_url", y=y, first=FIRST_URL_YEAR), where="--year")
    return URL_TEMPLATE.format(version=isj_version(y), pref=code)


def cache_path(pref: int | str, year: int | str = DEFAULT_YEAR) -> Path:
    """Where the towns of a prefecture and year are (or would be) cached."""
    return _ISJ.path(pref, year)


def cached_isj(pref: int | str, year: int | str = DEFAULT_YEAR) -> Path | None:
    """The cached GeoParquet of a prefecture and year, or ``None``."""
    return _ISJ.cached(pref, year)


def cache_info_isj(pref: int | str, year: int | str = DEFAULT_YEAR) -> CachedFile | None:
    """Describe the cached 位置参照情報 of a prefecture and year (``None`` when not cached)."""
    path = cached_isj(pref, year)
    return None if path is None else _ISJ.describe(path)


def require_cached_isj(pref: int | str, year: int | str = DEFAULT_YEAR) -> Path:
    """The cached GeoParquet of a prefecture and year; never downloads.

    Raises
    ------
    InputError
        Not cached: the message gives the ``geo-zaitaku fetch isj`` command to run.
    """
    code = codes.prefecture_code(pref)
    y = check_year(year)
    path = cached_isj(code, y)
    if path is None:
        raise InputError(
            labels.error("isj_not_cached", name=codes.PREFECTURES[code], code=code, y=y), where="--towns"
        )
    return path


def fetch_isj(
    pref: int | str,
    year: int | str = DEFAULT_YEAR,
    *,
    url: str | None = None,
    force: bool = False,
    max_bytes: int = MAX_DOWNLOAD_BYTES,
    max_unpacked: int = MAX_UNPACKED_BYTES,
    max_entries: int = MAX_ENTRIES,
    timeout: float = TIMEOUT,
    progress: ProgressCallback | None = None,
) -> Path:
    """Download a prefecture's 位置参照情報 (大字・町丁目) unless cached, and store it as GeoParquet.

    Same steps and safety as :func:`geo_zaitaku.sources.fetch.fetch_n03`: a cached
    GeoParquet is returned without touching the network (unless ``force``); a zip
    kept from an earlier run is converted without downloading again.

    Parameters
    ----------
    pref
        Prefecture code or name.
    year
        Edition year.
    url
        Download from here instead of :func:`isj_url` (``http``/``https`` only).
    force
        Download and convert again even when cached.
    max_bytes, max_unpacked, max_entries, timeout
        Limits of the download and of the archive.
    progress
        Called as ``progress("download", bytes_so_far, total_or_None)`` and
        ``progress("convert", 0, None)``.

    Returns
    -------
    pathlib.Path
        The cached GeoParquet (:func:`cache_path`).

    Raises
    ------
    FetchError
        Offline, HTTP error, timeout, truncated or oversized download, not a zip.
    InputError
        Unknown prefecture or year, unsafe archive, no town CSV in it, cache not writable.
    """
    limits = Limits(max_bytes=max_bytes, max_unpacked=max_unpacked, max_entries=max_entries, timeout=timeout)
    return _ISJ.fetch(pref, year, url=url, force=force, limits=limits, progress=progress)


def read_isj(path: str | Path) -> gpd.GeoDataFrame:
    """Read 位置参照情報 (大字・町丁目レベル): the official zip, its CSV or a cached GeoParquet.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per 大字・町丁目 with the columns of :data:`COLUMNS` (codes and names as
        text, ``lat``/``lon`` as numbers) and point geometry (EPSG:6668). Rows without
        a code, name or readable point are left out; ``frame.attrs["skipped"]`` counts them.

    Raises
    ------
    InputError
        Missing or unreadable file, not a 大字・町丁目レベル table (the columns of
        :data:`REQUIRED`), unsafe zip or no CSV in it.
    """
    p = check_input_path(path, what=labels.FILES["isj"])
    suffix = p.suffix.lower()
    if suffix == ".zip":
        return read_isj_zip(p)
    if suffix == ".parquet":
        return _read_cached(p)
    return _towns_frame([p], [p.name])


def read_isj_zip(
    path: str | Path, *, max_unpacked: int = MAX_UNPACKED_BYTES, max_entries: int = MAX_ENTRIES
) -> gpd.GeoDataFrame:
    """Read the CSV(s) of an official 位置参照情報 zip, after checking every entry."""
    path = check_input_path(path, what=labels.FILES["isj"])
    infos = check_zip(path, max_unpacked=max_unpacked, max_entries=max_entries)
    members = _csv_members(infos)
    if not members:
        raise InputError(labels.error("isj_zip_no_csv"), path=path)
    with tempfile.TemporaryDirectory(prefix="geo-zaitaku-isj-") as tmp:
        safe_extract(path, tmp, members=members, max_unpacked=max_unpacked, max_entries=max_entries)
        files = [Path(tmp, *PurePosixPath(m.replace("\\", "/")).parts) for m in members]
        try:
            frame = _towns_frame(files, [f"{path.name}!{m}" for m in members])
        except InputError as exc:
            raise InputError(exc.message, path=path, where=exc.where) from None
    frame.attrs["members"] = members
    return frame


def load_towns(sources: Sequence[str | Path], *, year: int | str | None = None) -> TownIndex:
    """The 大字・町丁目 of files or cached prefectures, as an index for town positions.

    Parameters
    ----------
    sources
        Each an existing file (zip, CSV or cached GeoParquet; see :func:`read_isj`) or
        a prefecture code or name, meaning its cached download
        (``geo-zaitaku fetch isj --pref 43``).
    year
        Edition of the cached downloads (default :data:`DEFAULT_YEAR`).

    Raises
    ------
    InputError
        A source that is neither a file nor a prefecture, a prefecture not fetched yet,
        or a file :func:`read_isj` refuses.
    """
    frames = []
    names = []
    for source in sources:
        path = _source_path(source, year)
        frames.append(read_isj(path))
        names.append(str(path))
    if not frames:
        return TownIndex({}, ())
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return TownIndex.from_frame(frame, names)


def town_sources(sources: Sequence[str | Path], *, year: int | str | None = None) -> list[Path]:
    """The files :func:`load_towns` reads for ``sources`` (for the run's manifest)."""
    return [_source_path(s, year) for s in sources]


def _source_path(source: str | Path, year: int | str | None) -> Path:
    path = Path(source)
    if is_regular_file(path) or path.suffix.lower() in (".zip", ".csv", ".parquet"):
        return path
    try:
        code = codes.prefecture_code(str(source))
    except InputError:
        raise InputError(labels.error("towns_source_unknown", value=str(source)), where="--towns") from None
    return require_cached_isj(code, DEFAULT_YEAR if year is None else year)


def list_cached_isj() -> list[CachedFile]:
    """The cached 位置参照情報, by prefecture then year."""
    return _ISJ.listing()


def clear_cached_isj() -> int:
    """Remove every cached 位置参照情報 file; return the number of datasets removed."""
    return _ISJ.clear(files_only=True)


# --- helpers ------------------------------------------------------------------------


def _csv_members(infos: list[zipfile.ZipInfo]) -> list[str]:
    """The CSV entries of a zip, by name."""
    return sorted(i.filename for i in infos if not i.is_dir() and i.filename.lower().endswith(".csv"))


def _check_download(infos: list[zipfile.ZipInfo], url: str) -> None:
    """Accept a downloaded zip only if it holds a CSV."""
    if not _csv_members(infos):
        raise FetchError(labels.error("isj_zip_no_csv"), url=url)


def _convert(path: Path, limits: Limits) -> tuple[gpd.GeoDataFrame, dict[str, object]]:
    """The towns to cache, and what the sidecar says about them."""
    frame = read_isj_zip(path, max_unpacked=limits.max_unpacked, max_entries=limits.max_entries)
    facts = {
        "members": frame.attrs.get("members", []),
        "features": len(frame),
        "codes": int(frame["municipality_code"].nunique()),
        "skipped": frame.attrs.get("skipped", 0),
    }
    return frame, facts


def _towns_frame(files: Sequence[Path], names: Sequence[str]) -> gpd.GeoDataFrame:
    """The towns of one or more CSV files (see :func:`read_isj`)."""
    parts = []
    for f, name in zip(files, names, strict=True):
        table = read_text_table(f, what=labels.FILES["isj"], header_hint=REQUIRED)
        raw = table.frame
        missing = [c for c in REQUIRED if c not in raw.columns]
        if missing:
            found = ", ".join(c for c in raw.columns if c != LINE)
            raise InputError(
                labels.error("isj_columns_missing", missing="・".join(missing), found=found),
                path=f,
                where=labels.at_line(table.header_line),
            )
        part = pd.DataFrame({col: raw[h] if h in raw.columns else None for h, col in COLUMNS.items()})
        part["source"] = name
        parts.append(part)
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    frame["municipality_code"] = [codes.normalize_code(v) for v in frame["municipality_code"]]
    for col in ("lat", "lon"):
        frame[col] = pd.to_numeric(
            pd.Series([unicodedata.normalize("NFKC", v) if isinstance(v, str) else v for v in frame[col]]),
            errors="coerce",
        )
    ok = (
        frame["municipality_code"].notna()
        & frame["town"].notna()
        & np.isfinite(frame["lat"].to_numpy(dtype=float))
        & np.isfinite(frame["lon"].to_numpy(dtype=float))
    )
    skipped = int((~ok).sum())
    frame = frame.loc[ok].reset_index(drop=True)
    for col in _TEXT:
        frame[col] = pd.Series([v if isinstance(v, str) and v else None for v in frame[col]], dtype=object)
    if frame.empty:
        raise InputError(labels.error("isj_empty"), path=files[0])
    geometry = shapely.points(frame["lon"].to_numpy(dtype=float), frame["lat"].to_numpy(dtype=float))
    out = gpd.GeoDataFrame(frame, geometry=geometry, crs=crs.GEOGRAPHIC)
    out.attrs["skipped"] = skipped
    return out


def _read_cached(path: Path) -> gpd.GeoDataFrame:
    try:
        frame = gpd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise InputError(labels.error("isj_unreadable", error=exc), path=path) from exc
    missing = [c for c in ("municipality_code", "town", "lat", "lon") if c not in frame.columns]
    if missing:
        raise InputError(
            labels.error("isj_columns_missing", missing="・".join(missing), found=", ".join(frame.columns)),
            path=path,
        )
    return frame


#: The 位置参照情報 downloads and their cache (``<cache dir>/isj/ISJ-{year}_{pref}.*``).
_ISJ = Dataset(
    kind="isj",
    prefix="ISJ",
    credit=CREDIT,
    url=isj_url,
    check=_check_download,
    convert=_convert,
)
