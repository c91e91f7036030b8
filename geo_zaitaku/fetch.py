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

Safety: only ``http``/``https`` URLs (a local zip is given to ``--units`` instead); the
download is capped in size (from ``Content-Length`` and again while streaming), written
under a temporary name and moved into place only once complete and checked, so a partial
download is never taken for a whole one. Archive entries with an absolute path, a ``..``
component, a symlink or other special file type are refused, and the entry count and
total unpacked size are capped (zip bombs). Every failure a user can meet (offline,
DNS, HTTP error, timeout, truncated or oversized download, not a zip) raises
:class:`FetchError`, an :class:`~geo_zaitaku._errors.InputError`, so the CLI prints one
paragraph and exits with status 2.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import http.client
import json
import math
import re
import shutil
import socket
import ssl
import stat
import tempfile
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import geopandas as gpd
import numpy as np
import pandas as pd

from geo_zaitaku import __version__, codes, crs, labels, settings
from geo_zaitaku._errors import InputError
from geo_zaitaku._io import atomic_path, write_text

#: Edition (1 January of this year) fetched when no year is given.
DEFAULT_YEAR = 2024
#: Oldest edition whose URL :func:`n03_url` knows (older ones: pass ``url``).
FIRST_URL_YEAR = 2017
#: Official download URL; ``date`` is ``YYYY0101`` from 2020, ``YY0101`` for 2017-2019.
URL_TEMPLATE = "https://nlftp.mlit.go.jp/ksj/gml/data/N03/N03-{year}/N03-{date}_{pref}_GML.zip"
#: Largest download accepted by default (bytes; 500 MB).
MAX_DOWNLOAD_BYTES = 500_000_000
#: Largest total unpacked size of the archive accepted by default (bytes; 2 GB).
MAX_UNPACKED_BYTES = 2_000_000_000
#: Most entries an archive may hold by default (an N03 zip holds about ten).
MAX_ENTRIES = 1_000
#: Seconds without data from the server before giving up.
TIMEOUT = 60.0
#: Progress callback: ``(step, done, total)``; ``step`` is ``"download"`` (bytes
#: received so far and the announced size, or ``None``) or ``"convert"``.
ProgressCallback = Callable[[str, int, int | None], None]

_CHUNK = 1 << 16
_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
_N03_COLUMN = re.compile(r"N03_\d{3}")
_CACHE_NAME = re.compile(r"N03-(\d{4})_(\d{2})")
_META_VERSION = 1


class FetchError(InputError):
    """A download failed or brought back something unusable.

    Parameters
    ----------
    message
        What went wrong and what to do, Japanese first, English after.
    url
        The URL concerned (shown before the message).
    """

    def __init__(self, message: str, *, url: str) -> None:
        self.url = url
        super().__init__(message, where=url)


@dataclass(frozen=True)
class CachedFile:
    """One prefecture and year of N03 boundaries in the cache.

    Attributes
    ----------
    pref
        Two-digit prefecture code.
    name
        Prefecture name (e.g. ``"熊本県"``).
    year
        Edition year (1 January of that year).
    path
        The GeoParquet file (give it to ``load_units`` or ``--units``).
    size
        Bytes on disk for this dataset (GeoParquet, kept zip and JSON sidecar).
    fetched
        When the zip was downloaded (local time).
    url
        Where it was downloaded from (``None`` when the sidecar is missing).
    features
        Number of N03 features stored (``None`` when unknown).
    codes
        Number of distinct municipality codes (``N03_007``) among them (``None`` when
        unknown).
    """

    pref: str
    name: str
    year: int
    path: Path
    size: int
    fetched: dt.datetime
    url: str | None
    features: int | None
    codes: int | None


# --- names and places ---------------------------------------------------------------


def pref_code(pref: int | str) -> str:
    """Return the two-digit code of a prefecture given by code or name.

    Parameters
    ----------
    pref
        ``43``, ``"43"``, ``"４３"``, ``"熊本県"`` or ``"熊本"``.

    Returns
    -------
    str
        ``"01"`` ... ``"47"``.

    Raises
    ------
    InputError
        Not a prefecture.

    Examples
    --------
    >>> pref_code("熊本県"), pref_code(1)
    ('43', '01')
    """
    if isinstance(pref, int) and not isinstance(pref, bool):
        text = str(pref)
    elif isinstance(pref, str):
        text = unicodedata.normalize("NFKC", pref).strip()
    else:
        text = repr(pref)
    if text.isascii() and text.isdigit() and len(text) <= 2:
        code = text.zfill(2)
        if code in codes.PREFECTURES:
            return code
    for code, name in codes.PREFECTURES.items():
        if text == name or (name != "北海道" and text == name[:-1]):
            return code
    raise InputError(
        f"都道府県の指定 {str(pref)!r} が分かりません。2桁のコード（01〜47、例: 43）か名称（例: 熊本県）を"
        "指定してください。 / unknown prefecture: give a code 01-47 (e.g. 43) or a name (e.g. 熊本県).",
        where="--pref",
    )


def check_year(year: int | str) -> int:
    """Return an edition year as an integer.

    Parameters
    ----------
    year
        ``2024`` or ``"2024"`` (full-width digits accepted), between 1920 and 2100.

    Returns
    -------
    int

    Raises
    ------
    InputError
        Not a four-digit year in that range.
    """
    text = unicodedata.normalize("NFKC", str(year)).strip() if not isinstance(year, bool) else ""
    if text.isascii() and text.isdigit() and 1920 <= int(text) <= 2100:
        return int(text)
    raise InputError(
        f"年版 {str(year)!r} が正しくありません。西暦4桁で指定してください（例: 2024）。 / "
        "the year must be four digits (e.g. 2024).",
        where="--year",
    )


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
    code = pref_code(pref)
    y = check_year(year)
    if y < FIRST_URL_YEAR:
        raise InputError(
            f"{y}年版の N03 のURLは分かりません（{FIRST_URL_YEAR}年版以降に対応）。国土数値情報の N03 のページで"
            "zip のURLを調べ、--url で指定してください。 / no known URL for editions before "
            f"{FIRST_URL_YEAR}; pass the zip's URL with --url.",
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
    return settings.get_cache_dir() / "n03"


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
    return cache_dir() / f"{_stem(pref_code(pref), check_year(year))}.parquet"


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
    path = cache_path(pref, year)
    return path if path.is_file() else None


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
    code = pref_code(pref)
    y = check_year(year)
    path = cached_n03(code, y)
    if path is None:
        name = codes.PREFECTURES[code]
        raise InputError(
            f"{name}（{code}）{y}年版の境界データがまだ取得されていません。先に "
            f"`geo-zaitaku fetch n03 --pref {code} --year {y}` を実行するか、--units で境界ファイルを"
            f"指定してください。 / boundaries for {code} ({y}) are not cached: run "
            f"`geo-zaitaku fetch n03 --pref {code} --year {y}` first, or pass --units.",
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
    otherwise download it (:func:`download`) and check it (:func:`check_zip`);
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
    code = pref_code(pref)
    y = check_year(year)
    target = cache_path(code, y)
    if target.is_file() and not force:
        return target
    source = url if url is not None else n03_url(code, y)
    _check_scheme(source)
    zip_path = target.with_suffix(".zip")
    meta_path = target.with_suffix(".json")
    with _cache_errors():
        if force or not zip_path.is_file():
            n = download(
                source,
                zip_path,
                max_bytes=max_bytes,
                timeout=timeout,
                progress=None if progress is None else lambda done, total: progress("download", done, total),
                verify=lambda p: _check_download(p, source, max_unpacked, max_entries),
            )
            meta = {
                "version": _META_VERSION,
                "pref": code,
                "name": codes.PREFECTURES[code],
                "year": y,
                "url": source,
                "downloaded": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                "zip_bytes": n,
                "zip_sha256": _sha256(zip_path),
                "credit": labels.N03_CREDIT,
            }
            target.unlink(missing_ok=True)  # made from the previous zip
            write_text(meta_path, json.dumps(meta, ensure_ascii=False, indent=2))
        meta = _read_meta(meta_path) or {"version": _META_VERSION, "pref": code, "year": y, "url": None}
        if progress is not None:
            progress("convert", 0, None)
        try:
            frame, members = read_n03_zip(zip_path, max_unpacked=max_unpacked, max_entries=max_entries)
        except InputError:
            zip_path.unlink(missing_ok=True)  # unusable: never resumed from
            meta_path.unlink(missing_ok=True)
            raise
        meta.update(
            members=members,
            features=len(frame),
            codes=int(frame["N03_007"].dropna().nunique()) if "N03_007" in frame else 0,
            converted=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        )
        write_text(meta_path, json.dumps(meta, ensure_ascii=False, indent=2))
        with atomic_path(target) as tmp:
            frame.to_parquet(tmp, index=False)
    return target


def download(
    url: str,
    target: str | Path,
    *,
    max_bytes: int = MAX_DOWNLOAD_BYTES,
    timeout: float = TIMEOUT,
    progress: Callable[[int, int | None], None] | None = None,
    verify: Callable[[Path], object] | None = None,
) -> int:
    """Download ``url`` to ``target`` through a temporary file.

    The file appears at ``target`` only when the whole body was received (as many
    bytes as ``Content-Length`` announced), is not larger than ``max_bytes``, and
    ``verify`` (if given) accepted it; otherwise ``target`` is left as it was and the
    temporary file is removed.

    Parameters
    ----------
    url
        ``http`` or ``https`` URL (redirects to other schemes are refused).
    target
        Where the file goes.
    max_bytes
        Largest body accepted, checked against ``Content-Length`` before reading and
        against the bytes received while reading.
    timeout
        Seconds without data before giving up.
    progress
        Called with ``(bytes_so_far, total_or_None)`` after each chunk.
    verify
        Called with the temporary file before it is moved into place; raise to refuse.

    Returns
    -------
    int
        Bytes written.

    Raises
    ------
    FetchError
        Offline, DNS failure, connection refused, TLS failure, HTTP error status,
        timeout, announced or actual size above ``max_bytes``, truncated body.
    """
    _check_scheme(url)
    request = urllib.request.Request(url, headers={"User-Agent": f"geo_zaitaku/{__version__}"})
    with atomic_path(target) as tmp:
        try:
            response = _opener().open(request, timeout=timeout)
        except urllib.error.HTTPError as exc:
            exc.close()
            raise _http_error(url, exc.code, str(exc.reason)) from None
        except urllib.error.URLError as exc:
            raise _connection_error(url, exc.reason, timeout) from None
        except (OSError, http.client.HTTPException) as exc:
            raise _connection_error(url, exc, timeout) from None
        with response:
            total = _content_length(response)
            if total is not None and total > max_bytes:
                raise _too_large(url, max_bytes, announced=total)
            received = 0
            with open(tmp, "wb") as out:
                while True:
                    try:
                        chunk = response.read(_CHUNK)
                    except http.client.IncompleteRead as exc:
                        received += len(exc.partial)
                        raise _truncated(url, received, total) from None
                    except (OSError, http.client.HTTPException) as exc:
                        raise _connection_error(url, exc, timeout, during=received) from None
                    if not chunk:
                        break
                    received += len(chunk)
                    if received > max_bytes:
                        raise _too_large(url, max_bytes)
                    out.write(chunk)
                    if progress is not None:
                        progress(received, total)
        if total is not None and received != total:
            raise _truncated(url, received, total)
        if verify is not None:
            verify(tmp)
    return received


# --- archives -----------------------------------------------------------------------


def unsafe_entry(info: zipfile.ZipInfo) -> str | None:
    """Return why an archive entry must not be unpacked, or ``None`` if it is safe.

    Refused: absolute paths (``/x``, ``C:x``, ``\\\\server``), ``..`` components,
    NUL characters and colons, symlinks and other special files (Unix mode in the external
    attributes), and encrypted entries.

    Parameters
    ----------
    info
        The entry.

    Returns
    -------
    str or None
        The reason, in Japanese and English.
    """
    name = info.filename
    if "\x00" in name:
        return "名前に NUL 文字があります / NUL in the name"
    posix = name.replace("\\", "/")
    if posix.startswith("/") or re.match(r"[A-Za-z]:", posix):
        return "絶対パスです / absolute path"
    if ".." in posix.split("/"):
        return "「..」（上のフォルダ）を含みます / '..' component"
    if ":" in posix:
        return "名前にコロン（:）があります / colon in the name"
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return "シンボリックリンクです / symbolic link"
    kind = stat.S_IFMT(mode)
    if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
        return "通常のファイルではありません / special file"
    if info.flag_bits & 0x1:
        return "暗号化されています / encrypted"
    return None


def check_zip(
    path: str | Path,
    *,
    max_unpacked: int = MAX_UNPACKED_BYTES,
    max_entries: int = MAX_ENTRIES,
    url: str | None = None,
) -> list[zipfile.ZipInfo]:
    """Check an archive before anything is read from it.

    Parameters
    ----------
    path
        The zip file.
    max_unpacked
        Largest total unpacked size (sum of the entries' declared sizes).
    max_entries
        Most entries.
    url
        Where the file came from, for messages about a download.

    Returns
    -------
    list of zipfile.ZipInfo
        The entries, all safe.

    Raises
    ------
    InputError
        Not a zip (or a truncated one), too many entries, too large unpacked, or an
        entry refused by :func:`unsafe_entry`.
    """
    path = Path(path)
    where = {"url": url} if url else {"path": path}
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as exc:
        raise _not_a_zip(path, exc, url=url) from None
    if len(infos) > max_entries:
        raise _error(
            f"zip の項目数が {len(infos):,} 個で、上限 {max_entries:,} 個を超えています。N03 の zip か確認してください。"
            f" / the archive holds {len(infos):,} entries (limit {max_entries:,}).",
            **where,
        )
    total = 0
    for info in infos:
        reason = unsafe_entry(info)
        if reason:
            raise _error(
                f"zip に安全でない項目 {info.filename!r} があるため、展開せずに中止しました（{reason}）。"
                "正規の N03 の zip か確認してください。 / unsafe archive entry refused; nothing was unpacked.",
                **where,
            )
        total += info.file_size
    if total > max_unpacked:
        raise _error(
            f"zip を展開すると {_size(total)} になり、上限 {_size(max_unpacked)} を超えるため中止しました。"
            f" / the archive would unpack to {_size(total)} (limit {_size(max_unpacked)}).",
            **where,
        )
    return infos


def safe_extract(
    path: str | Path,
    target_dir: str | Path,
    *,
    members: Iterable[str] | None = None,
    max_unpacked: int = MAX_UNPACKED_BYTES,
    max_entries: int = MAX_ENTRIES,
) -> list[Path]:
    """Unpack (some of) an archive into a folder, refusing anything unsafe.

    Every entry of the archive is checked first (:func:`check_zip`), whether it is to
    be unpacked or not; then the chosen entries are copied out, counting the bytes
    actually produced (so an entry that lies about its size is still capped), never
    overwriting an existing file and never writing outside ``target_dir``. On an
    error the files written so far are removed.

    Parameters
    ----------
    path
        The zip file.
    target_dir
        Destination folder (created if needed).
    members
        Entry names to unpack (default: every file).
    max_unpacked
        Largest total size unpacked.
    max_entries
        Most entries in the archive.

    Returns
    -------
    list of pathlib.Path
        The files written, in archive order.

    Raises
    ------
    InputError
        Unsafe, corrupt or oversized archive, a requested member missing, or a file
        already present in ``target_dir``.
    """
    path = Path(path)
    infos = check_zip(path, max_unpacked=max_unpacked, max_entries=max_entries)
    root = Path(target_dir)
    root.mkdir(parents=True, exist_ok=True)
    root = root.resolve()
    wanted = None if members is None else set(members)
    missing = set() if wanted is None else wanted - {i.filename for i in infos}
    if missing:
        raise InputError(
            f"zip に {sorted(missing)} がありません。 / member(s) not in the archive.", path=path
        )
    written: list[Path] = []
    total = 0
    try:
        with zipfile.ZipFile(path) as zf:
            for info in infos:
                if info.is_dir() or (wanted is not None and info.filename not in wanted):
                    continue
                dest = (root / info.filename.replace("\\", "/")).resolve()
                if not dest.is_relative_to(root) or dest == root:
                    raise InputError(
                        f"zip の項目 {info.filename!r} が展開先の外を指しています。 / entry points outside the target.",
                        path=path,
                    )
                dest.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(dest, "xb") as out:
                    written.append(dest)
                    while chunk := src.read(_CHUNK):
                        total += len(chunk)
                        if total > max_unpacked:
                            raise InputError(
                                f"zip の展開サイズが上限 {_size(max_unpacked)} を超えたため中止しました。"
                                f" / unpacked size exceeds {_size(max_unpacked)}.",
                                path=path,
                            )
                        out.write(chunk)
    except BaseException as exc:
        for f in written:
            f.unlink(missing_ok=True)
        if isinstance(exc, FileExistsError):
            raise InputError(
                f"展開先に同じ名前のファイルがあります（{exc.filename}）。 / a file of that name already exists.",
                path=path,
            ) from None
        if isinstance(exc, zipfile.BadZipFile | zlib.error | EOFError):
            raise _not_a_zip(path, exc) from None
        raise
    return written


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

    Raises
    ------
    InputError
        Unsafe or unreadable archive, no boundary file inside, unreadable member.
    """
    from geo_zaitaku import units

    path = Path(path)
    infos = check_zip(path, max_unpacked=max_unpacked, max_entries=max_entries)
    chosen, needed = _boundary_members(infos)
    if not chosen:
        raise InputError(_NO_BOUNDARIES, path=path)
    frames = []
    work = cache_dir()
    work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".extract-", dir=work) as tmp:
        safe_extract(path, tmp, members=needed, max_unpacked=max_unpacked, max_entries=max_entries)
        for member in chosen:
            try:
                raw = units._read_one(Path(tmp, *PurePosixPath(member.replace("\\", "/")).parts))
            except InputError as exc:
                raise InputError(exc.detail, path=path, where=member) from None
            frames.append(_as_n03(raw))
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=crs.GEOGRAPHIC), chosen


_NO_BOUNDARIES = (
    "zip の中に境界ファイル（.geojson または .shp）がありません。N03（行政区域）の zip か確認してください。"
    " / no .geojson or .shp inside the zip."
)


def _boundary_members(infos: list[zipfile.ZipInfo]) -> tuple[list[str], set[str]]:
    """Entry names of the boundary files to read, and of every entry they need."""
    from geo_zaitaku import units

    names = {PurePosixPath(i.filename.replace("\\", "/")): i.filename for i in infos if not i.is_dir()}
    picked = units._boundary_files_in(Path(n) for n in names if n.suffix.lower() != ".zip")
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


def _check_download(path: Path, url: str, max_unpacked: int, max_entries: int) -> None:
    """Accept a downloaded file only if it is a safe zip holding boundary files."""
    infos = check_zip(path, max_unpacked=max_unpacked, max_entries=max_entries, url=url)
    if not _boundary_members(infos)[0]:
        raise FetchError(_NO_BOUNDARIES, url=url)


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
    return None if path is None else _describe(path)


def list_cached() -> list[CachedFile]:
    """List the cached N03 boundaries, by prefecture code then year.

    Returns
    -------
    list of CachedFile
    """
    folder = cache_dir()
    if not folder.is_dir():
        return []
    out = []
    for path in folder.glob("N03-*_*.parquet"):
        if _CACHE_NAME.fullmatch(path.stem) and path.is_file():
            out.append(_describe(path))
    return sorted(out, key=lambda c: (c.pref, c.year))


def clear_cached() -> int:
    """Remove every cached N03 file (GeoParquet, zip, sidecar, leftovers).

    Returns
    -------
    int
        Number of datasets (prefecture and year) removed.
    """
    folder = cache_dir()
    if not folder.is_dir():
        return 0
    datasets = set()
    with _cache_errors():
        for entry in folder.iterdir():
            match = _CACHE_NAME.fullmatch(entry.name.split(".")[0])
            if match and entry.suffix in (".parquet", ".zip"):
                datasets.add(match.group(0))
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    return len(datasets)


# --- helpers ------------------------------------------------------------------------


def _stem(code: str, year: int) -> str:
    return f"N03-{year}_{code}"


def _describe(path: Path) -> CachedFile:
    match = _CACHE_NAME.fullmatch(path.stem)
    assert match is not None
    year, code = int(match.group(1)), match.group(2)
    meta = _read_meta(path.with_suffix(".json")) or {}
    size = sum(
        p.stat().st_size for p in (path, path.with_suffix(".zip"), path.with_suffix(".json")) if p.is_file()
    )
    fetched = None
    if isinstance(meta.get("downloaded"), str):
        try:
            fetched = dt.datetime.fromisoformat(meta["downloaded"])
        except ValueError:
            fetched = None
    if fetched is None:
        fetched = dt.datetime.fromtimestamp(path.stat().st_mtime).astimezone()
    features = meta.get("features")
    n_codes = meta.get("codes")
    return CachedFile(
        pref=code,
        name=codes.PREFECTURES.get(code, code),
        year=year,
        path=path,
        size=size,
        fetched=fetched,
        url=meta.get("url") if isinstance(meta.get("url"), str) else None,
        features=features if isinstance(features, int) else None,
        codes=n_codes if isinstance(n_codes, int) else None,
    )


def _read_meta(path: Path) -> dict | None:
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def _size(n: int) -> str:
    """Bytes for messages: ``1,234 バイト``, ``12.3 MB``, ``1.2 GB``."""
    if n >= 1_000_000_000:
        return f"{n / 1e9:,.1f} GB"
    if n >= 1_000_000:
        return f"{n / 1e6:,.1f} MB"
    return f"{n:,} バイト"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


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


def _check_scheme(url: str) -> None:
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        parts = urllib.parse.SplitResult("", "", "", "", "")
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise FetchError(
            "URL は http:// か https:// で始まるものを指定してください。手元にある zip は "
            "`geo-zaitaku check PLAN --units N03-....zip` のように --units で指定できます。 / "
            "only http(s) URLs can be fetched; give a local zip to --units instead.",
            url=url,
        )


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) URLs only."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: object,
        code: int,
        msg: str,
        headers: object,
        newurl: str,
    ) -> urllib.request.Request | None:
        _check_scheme(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(_RedirectHandler)


def _content_length(response: http.client.HTTPResponse) -> int | None:
    value = response.headers.get("Content-Length")
    if value is None or not value.strip().isdigit():
        return None
    return int(value.strip())


@contextlib.contextmanager
def _cache_errors() -> Iterator[None]:
    """Turn file-system errors on the cache folder into an InputError."""
    try:
        yield
    except OSError as exc:
        raise InputError(
            f"キャッシュフォルダに書き込めません（{exc}）。空き容量と権限を確認するか、環境変数 "
            "GEO_ZAITAKU_CACHE_DIR で別のフォルダを指定してください。 / cannot write the cache folder; "
            "check free space and permissions, or set GEO_ZAITAKU_CACHE_DIR.",
            path=cache_dir(),
        ) from exc


def _error(message: str, *, url: str | None = None, path: Path | None = None) -> InputError:
    return FetchError(message, url=url) if url else InputError(message, path=path)


def _not_a_zip(path: Path, exc: BaseException, *, url: str | None = None) -> InputError:
    head = b""
    try:
        with open(path, "rb") as f:
            head = f.read(256)
    except OSError:
        pass
    if head.startswith(b"PK"):
        what = (
            f"zip が途中で切れているか壊れています（{exc}）。"
            "--force を付けてもう一度取得してください。 / the zip is truncated or corrupt; fetch again with --force."
        )
    elif not head:
        what = "ファイルが空です。 / the file is empty."
    else:
        text = head.decode("utf-8", "replace").strip()
        hint = (
            "（HTML のページが返されました。URL を確認してください）"
            if "<html" in text.lower() or "<!doctype" in text.lower()
            else ""
        )
        what = (
            f"zip ファイルではありません{hint}。先頭: {text[:60]!r}。 / not a zip file "
            "(check the URL; a proxy or login page may have answered)."
        )
    return FetchError(what, url=url) if url else InputError(what, path=path)


def _http_error(url: str, status: int, reason: str) -> FetchError:
    hint = {
        404: "ファイルがありません。都道府県コード・年版・URL を確認してください（その年版がまだ公開されていない場合もあります）",
        403: "アクセスが拒否されました。プロキシや URL を確認してください",
        407: "プロキシの認証が必要です。環境変数 HTTPS_PROXY に認証情報を含めて指定してください",
    }.get(
        status,
        "サーバーが一時的に応答できない可能性があります。時間をおいて再実行してください"
        if status >= 500
        else "URL を確認してください",
    )
    return FetchError(
        f"ダウンロードできませんでした: HTTP {status} {reason}。{hint}。 / HTTP error {status} {reason}.",
        url=url,
    )


def _connection_error(url: str, reason: object, timeout: float, *, during: int | None = None) -> FetchError:
    host = urllib.parse.urlsplit(url).hostname or url
    if isinstance(reason, socket.gaierror):
        text = (
            f"サーバー {host} に接続できません（名前解決に失敗）。インターネットに接続されているか確認してください。"
            "オフラインのときは、別の端末でダウンロードした zip を --units で指定できます。 / "
            "cannot resolve the host name: offline or DNS failure."
        )
    elif isinstance(reason, TimeoutError):
        step = "ダウンロードの途中で" if during else ""
        text = (
            f"{step}サーバー {host} から {timeout:g} 秒間応答がないため中止しました。時間をおいて再実行するか、"
            "--timeout を長くしてください。 / timed out" + (" during the download." if during else ".")
        )
    elif isinstance(reason, ConnectionRefusedError):
        text = f"サーバー {host} に接続を拒否されました。URL とプロキシの設定を確認してください。 / connection refused."
    elif isinstance(reason, ssl.SSLError | ssl.CertificateError):
        text = (
            f"サーバー {host} との暗号化通信（TLS）を確立できません（{reason}）。社内プロキシが証明書を差し替えている"
            "場合は、その証明書を環境変数 SSL_CERT_FILE で指定してください。 / TLS failure."
        )
    elif during:
        text = f"ダウンロードの途中で接続が切れました（{reason}）。もう一度実行してください。 / connection lost during the download."
    else:
        text = (
            f"サーバー {host} に接続できません（{reason}）。インターネット接続とプロキシの設定を確認してください。"
            " / cannot connect (offline?)."
        )
    return FetchError(text, url=url)


def _truncated(url: str, received: int, total: int | None) -> FetchError:
    expected = "" if total is None else f"（予告 {total:,} バイトのうち {received:,} バイト）"
    return FetchError(
        f"ダウンロードが途中で切れました{expected}。保存せずに破棄したので、もう一度実行してください。 / "
        f"the download was cut short ({received:,} of {total if total is not None else '?'} bytes); nothing was kept.",
        url=url,
    )


def _too_large(url: str, limit: int, *, announced: int | None = None) -> FetchError:
    size = _size(announced) if announced is not None else f"{_size(limit)} 超"
    return FetchError(
        f"ファイルが大きすぎます（{size}、上限 {_size(limit)}）。正しい URL なら --max-mb で上限を上げてください。"
        f" / the file is larger than the limit ({_size(limit)}); raise it with --max-mb if the URL is right.",
        url=url,
    )
