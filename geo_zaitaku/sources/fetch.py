"""Official N03 boundaries: download, safe unpacking and a GeoParquet cache.

:func:`fetch_n03` downloads MLIT's per-prefecture N03 zip (国土数値情報 行政区域), checks
every entry of the archive before anything is read from it, unpacks only the boundary
files it needs, and stores the raw N03 features as GeoParquet under the cache directory
(:func:`geo_zaitaku.settings.get_cache_dir` ``/ "n03"``)::

    N03-2024_43.zip        the official zip, kept so that a failed conversion resumes
                           without downloading again
    N03-2024_43.json       where and when it was downloaded (URL, date, SHA-256, members)
    N03-2024_43.parquet    the features: N03_001 ... N03_007 as text, geometry in
                           JGD2011 lon/lat (EPSG:6668)

A later fetch of the same prefecture and year reads nothing from the network unless
``force`` is given; :func:`cached_n03` finds the file, which
:func:`geo_zaitaku.units.load_units` reads like any other boundary file.

Safety comes from two generic modules. :mod:`geo_zaitaku.sources._http` downloads:
``http``/``https`` only (a local zip is given to ``--units`` instead), capped in size from
``Content-Length`` and again while streaming, written under a temporary name and moved
into place only once complete and checked, so a partial download is never taken for a
whole one. :mod:`geo_zaitaku.sources._archive` checks and unpacks the zip: entries with an
absolute path, a ``..`` component, a symlink or other special file type are refused, and
the entry count and total unpacked size are capped (zip bombs). Every failure a user can
meet (offline, DNS, HTTP error, timeout, truncated or oversized download, not a zip)
raises :class:`FetchError`, an :class:`~geo_zaitaku._errors.InputError`, so the CLI prints
one paragraph and exits with status 2. The download steps, the cache files and their
sidecar are :mod:`geo_zaitaku.sources._download`'s, shared with
:mod:`geo_zaitaku.sources.isj`; this module adds what is about N03: prefecture codes and
URLs, which members of the zip hold the boundaries, and how they are read.
"""

from __future__ import annotations

import math
import re
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

import geopandas as gpd
import numpy as np
import pandas as pd

from geo_zaitaku import codes, crs, labels
from geo_zaitaku._errors import FetchError, InputError
from geo_zaitaku._io import check_input_path
from geo_zaitaku.sources._archive import MAX_ENTRIES, MAX_UNPACKED_BYTES, check_zip, safe_extract
from geo_zaitaku.sources._download import CachedFile, Dataset, Limits, ProgressCallback, check_year
from geo_zaitaku.sources._http import MAX_DOWNLOAD_BYTES, TIMEOUT

__all__ = [
    "DEFAULT_YEAR",
    "FIRST_URL_YEAR",
    "URL_TEMPLATE",
    "CachedFile",
    "FetchError",
    "ProgressCallback",
    "cache_dir",
    "cache_info",
    "cache_path",
    "cached_n03",
    "check_year",
    "clear_cached",
    "fetch_n03",
    "list_cached",
    "n03_url",
    "read_n03_zip",
    "require_cached",
]

#: Edition (1 January of this year) fetched when no year is given.
DEFAULT_YEAR = 2024
#: Oldest edition whose URL :func:`n03_url` knows (older ones: pass ``url``).
FIRST_URL_YEAR = 2017
#: Official download URL; ``date`` is ``YYYY0101`` from 2020, ``YY0101`` for 2017-2019.
URL_TEMPLATE = "https://nlftp.mlit.go.jp/ksj/gml/data/N03/N03-{year}/N03-{date}_{pref}_GML.zip"

_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
_N03_COLUMN = re.compile(r"N03_\d{3}")


# --- names and places ---------------------------------------------------------------


def n03_url(pref: int | str, year: int | str = DEFAULT_YEAR) -> str:
    """Return the official download URL of a prefecture's N03 zip.

    Parameters
    ----------
    pref
        Prefecture code or name (see :func:`pref_code`).
    year
        Edition year (1 January), 2017 or later.

    Returns
    -------
    str

    Raises
    ------
    InputError
        Unknown prefecture, or a year whose file name this function does not know
        (before 2017: look the URL up on the N03 page and pass it as ``url``).

    Examples
    --------
    >>> n03_url(43, 2024)
    'https://nlftp.mlit.go.jp/ksj/gml/data/N03/N03-2024/N03-20240101_43_GML.zip'
    """
    code = codes.prefecture_code(pref)
    y = check_year(year)
    if y < FIRST_URL_YEAR:
        raise InputError(
            labels.error("fetch_no_url", y=y, first=FIRST_URL_YEAR),
            where="--year",
        )
    date = f"{y}0101" if y >= 2020 else f"{y % 100:02d}0101"
    return URL_TEMPLATE.format(year=y, date=date, pref=code)


def cache_dir() -> Path:
    """Return the folder of cached N03 files.

    Returns
    -------
    pathlib.Path
        ``settings.get_cache_dir() / "n03"`` (not created here).
    """
    return _N03.folder()


def cache_path(pref: int | str, year: int | str = DEFAULT_YEAR) -> Path:
    """Return where the GeoParquet of a prefecture and year is (or would be) cached.

    Parameters
    ----------
    pref
        Prefecture code or name.
    year
        Edition year.

    Returns
    -------
    pathlib.Path
        ``<cache dir>/n03/N03-{year}_{pref}.parquet``; the zip and the JSON sidecar
        sit beside it with the suffixes ``.zip`` and ``.json``.
    """
    return _N03.path(pref, year)


def cached_n03(pref: int | str, year: int | str = DEFAULT_YEAR) -> Path | None:
    """Return the cached GeoParquet of a prefecture and year, or ``None``.

    Parameters
    ----------
    pref
        Prefecture code or name.
    year
        Edition year.

    Returns
    -------
    pathlib.Path or None
    """
    return _N03.cached(pref, year)


def require_cached(pref: int | str, year: int | str = DEFAULT_YEAR) -> Path:
    """Return the cached GeoParquet of a prefecture and year; never download.

    Parameters
    ----------
    pref
        Prefecture code or name.
    year
        Edition year.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    InputError
        Not cached: the message gives the ``geo-zaitaku fetch`` command to run.
    """
    code = codes.prefecture_code(pref)
    y = check_year(year)
    path = cached_n03(code, y)
    if path is None:
        name = codes.PREFECTURES[code]
        raise InputError(
            labels.error("fetch_not_cached", name=name, code=code, y=y),
            where="--pref",
        )
    return path


# --- fetching -----------------------------------------------------------------------


def fetch_n03(
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
    """Download a prefecture's N03 zip (unless cached) and store it as GeoParquet.

    Steps: (1) if the GeoParquet is cached and ``force`` is false, return it without
    touching the network; (2) if the official zip is already in the cache (a previous
    run downloaded it but did not finish converting) and ``force`` is false, use it;
    otherwise download it (:func:`~geo_zaitaku.sources._http.download`) and check it
    (:func:`~geo_zaitaku.sources._archive.check_zip`);
    (3) unpack the boundary files (:func:`safe_extract`; the GeoJSON is preferred to the
    Shapefile, whose cp932 DBF is read without a ``.cpg``) and write the GeoParquet and
    its JSON sidecar.

    Parameters
    ----------
    pref
        Prefecture code or name (``43``, ``"43"``, ``"熊本県"``).
    year
        Edition year (1 January).
    url
        Download from here instead of :func:`n03_url` (``http``/``https`` only).
    force
        Download and convert again even when cached.
    max_bytes
        Largest download accepted.
    max_unpacked
        Largest total unpacked size of the archive.
    max_entries
        Most entries the archive may hold.
    timeout
        Seconds without data from the server before giving up.
    progress
        Called as ``progress("download", bytes_so_far, total_or_None)`` while
        downloading and ``progress("convert", 0, None)`` before converting.

    Returns
    -------
    pathlib.Path
        The cached GeoParquet (:func:`cache_path`).

    Raises
    ------
    FetchError
        Offline, DNS failure, HTTP error, timeout, truncated or oversized download,
        not a zip.
    InputError
        Unknown prefecture or year, unsafe or unreadable archive, no boundary file in
        it, cache folder not writable.
    """
    limits = Limits(max_bytes=max_bytes, max_unpacked=max_unpacked, max_entries=max_entries, timeout=timeout)
    return _N03.fetch(pref, year, url=url, force=force, limits=limits, progress=progress)


def read_n03_zip(
    path: str | Path,
    *,
    max_unpacked: int = MAX_UNPACKED_BYTES,
    max_entries: int = MAX_ENTRIES,
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Read the raw N03 features of an official zip, after checking it.

    The boundary files are found by extension (names change by year): the GeoJSON
    when there is one, else the Shapefile set (cp932 DBF without ``.cpg`` handled);
    the ``*_prefecture`` outlines of recent editions are ignored. Only those files
    are unpacked, into a temporary folder beside the cache.

    Parameters
    ----------
    path
        The zip.
    max_unpacked, max_entries
        Limits passed to :func:`safe_extract`.

    Returns
    -------
    (frame, members)
        The features (columns ``N03_001``... as text, ``geometry``; EPSG:6668, in file
        order; features without a code are kept) and the names of the members read.
        A code that two members carry with the same shape is kept from the first
        only; ``frame.attrs["duplicates"]`` lists those codes
        (see :func:`geo_zaitaku.units.duplicates`).

    Raises
    ------
    InputError
        Unsafe or unreadable archive, no boundary file inside, unreadable member, or
        a code in two members with different shapes.
    """
    from geo_zaitaku import units

    path = check_input_path(path, what=labels.FILES["n03_zip"])
    infos = check_zip(path, max_unpacked=max_unpacked, max_entries=max_entries)
    chosen, needed = _boundary_members(infos)
    if not chosen:
        raise InputError(labels.error("n03_zip_no_boundaries"), path=path)
    frames = []
    work = cache_dir()
    work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".extract-", dir=work) as tmp:
        safe_extract(path, tmp, members=needed, max_unpacked=max_unpacked, max_entries=max_entries)
        for member in chosen:
            try:
                raw = units.read_boundary_file(Path(tmp, *PurePosixPath(member.replace("\\", "/")).parts))
            except InputError as exc:
                raise InputError(exc.message, path=path, where=member) from None
            frames.append(raw.assign(_source=f"{path}!{member}"))
    raw = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    raw, duplicates = units.merge_copies(raw)  # a code in two members: same shape once, else refused
    frame = gpd.GeoDataFrame(_as_n03(raw), geometry="geometry", crs=crs.GEOGRAPHIC)
    frame.attrs["duplicates"] = duplicates
    return frame, chosen


def _boundary_members(infos: list[zipfile.ZipInfo]) -> tuple[list[str], set[str]]:
    """Entry names of the boundary files to read, and of every entry they need."""
    from geo_zaitaku import units

    names = {PurePosixPath(i.filename.replace("\\", "/")): i.filename for i in infos if not i.is_dir()}
    picked = units.boundary_files(Path(n) for n in names if n.suffix.lower() != ".zip")
    chosen = [PurePosixPath(p.as_posix()) for p in picked]
    needed = set()
    for c in chosen:
        needed.add(names[c])
        if c.suffix.lower() == ".shp":
            needed.update(
                raw
                for n, raw in names.items()
                if n.parent == c.parent and n.stem == c.stem and n.suffix.lower() in _SHAPEFILE_PARTS
            )
    return [names[c] for c in chosen], needed


def _check_download(infos: list[zipfile.ZipInfo], url: str) -> None:
    """Accept a downloaded zip only if it holds boundary files."""
    if not _boundary_members(infos)[0]:
        raise FetchError(labels.error("n03_zip_no_boundaries"), url=url)


def _convert(path: Path, limits: Limits) -> tuple[gpd.GeoDataFrame, dict[str, object]]:
    """The features to cache, and what the sidecar says about them."""
    frame, members = read_n03_zip(path, max_unpacked=limits.max_unpacked, max_entries=limits.max_entries)
    facts = {
        "members": members,
        "duplicates": frame.attrs.get("duplicates", []),
        "features": len(frame),
        "codes": int(frame["N03_007"].dropna().nunique()) if "N03_007" in frame else 0,
    }
    return frame, facts


#: The N03 downloads and their cache (``<cache dir>/n03/N03-{year}_{pref}.*``).
_N03 = Dataset(
    kind="n03",
    prefix="N03",
    credit=labels.N03_CREDIT,
    url=n03_url,
    check=_check_download,
    convert=_convert,
)


# --- the cache ----------------------------------------------------------------------


def cache_info(pref: int | str, year: int | str = DEFAULT_YEAR) -> CachedFile | None:
    """Describe the cached boundaries of a prefecture and year.

    Parameters
    ----------
    pref
        Prefecture code or name.
    year
        Edition year.

    Returns
    -------
    CachedFile or None
        ``None`` when not cached.
    """
    path = cached_n03(pref, year)
    return None if path is None else _N03.describe(path)


def list_cached() -> list[CachedFile]:
    """List the cached N03 boundaries, by prefecture code then year.

    Returns
    -------
    list of CachedFile
    """
    return _N03.listing()


def clear_cached() -> int:
    """Remove every cached N03 file (GeoParquet, zip, sidecar, leftovers).

    Returns
    -------
    int
        Number of datasets (prefecture and year) removed.
    """
    return _N03.clear()


# --- helpers ------------------------------------------------------------------------


def _as_n03(raw: pd.DataFrame) -> gpd.GeoDataFrame:
    """Keep the N03 columns (as text) and the geometry, in JGD2011 lon/lat."""
    frame = gpd.GeoDataFrame(raw, geometry="geometry")
    if frame.crs is None or frame.crs.to_epsg() in (4326, 4612):
        frame = frame.set_crs(crs.GEOGRAPHIC, allow_override=True)
    elif frame.crs != crs.GEOGRAPHIC:
        frame = frame.to_crs(crs.GEOGRAPHIC)
    columns = sorted(c for c in frame.columns if isinstance(c, str) and _N03_COLUMN.fullmatch(c))
    data = {c: pd.Series(_as_text(frame[c].tolist(), code=c == "N03_007"), dtype=object) for c in columns}
    return gpd.GeoDataFrame(data, geometry=frame.geometry.reset_index(drop=True), crs=crs.GEOGRAPHIC)


def _as_text(values: list[object], *, code: bool) -> list[str | None]:
    out: list[str | None] = []
    for v in values:
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            out.append(None)
        elif isinstance(v, str):
            out.append(v)
        elif isinstance(v, int | np.integer) or (
            isinstance(v, float | np.floating) and float(v).is_integer()
        ):
            text = str(int(v))
            out.append(text.zfill(5) if code else text)
        else:
            out.append(str(v))
    return out
