"""Official per-prefecture downloads, cached as GeoParquet with a JSON sidecar.

What :mod:`geo_zaitaku.sources.fetch` (N03 行政区域) and :mod:`geo_zaitaku.sources.isj`
(位置参照情報) share. A :class:`Dataset` says what differs between them (the cache folder
and file names, the official URL, what a downloaded zip must hold, how it is read);
its methods do the rest, the same way for both::

    <cache dir>/<kind>/<PREFIX>-2024_43.zip       the official zip, kept so that a failed
                                                  conversion resumes without downloading again
    <cache dir>/<kind>/<PREFIX>-2024_43.json      where and when it was downloaded (URL, date,
                                                  SHA-256, members) and what was read from it
    <cache dir>/<kind>/<PREFIX>-2024_43.parquet   the data read from the zip

:meth:`Dataset.fetch` downloads through :func:`geo_zaitaku.sources._http.download`
(``http``/``https`` only, size-capped, never half-written) and accepts the file only
when :func:`geo_zaitaku.sources._archive.check_zip` finds every entry safe and the
dataset's check finds its data in it. A zip that cannot be read is removed with its
sidecar, so it is never resumed from.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from geo_zaitaku import cache, codes, labels
from geo_zaitaku._errors import InputError
from geo_zaitaku._io import atomic_path, json_text, write_text
from geo_zaitaku.sources._archive import MAX_ENTRIES, MAX_UNPACKED_BYTES, check_zip
from geo_zaitaku.sources._http import MAX_DOWNLOAD_BYTES, TIMEOUT, check_scheme, download

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["CachedFile", "Dataset", "Limits", "ProgressCallback", "check_year"]

#: Progress callback: ``(step, done, total)``; ``step`` is ``"download"`` (bytes
#: received so far and the announced size, or ``None``) or ``"convert"``.
ProgressCallback = Callable[[str, int, int | None], None]

_META_VERSION = 1


@dataclass(frozen=True)
class CachedFile:
    """One prefecture and year of an official download in the cache.

    Attributes
    ----------
    pref
        Two-digit prefecture code.
    name
        Prefecture name (e.g. ``"熊本県"``).
    year
        Edition year (1 January of that year for N03).
    path
        The GeoParquet file (for N03, give it to ``load_units`` or ``--units``).
    size
        Bytes on disk for this dataset (GeoParquet, kept zip and JSON sidecar).
    fetched
        When the zip was downloaded (local time).
    url
        Where it was downloaded from (``None`` when the sidecar is missing).
    features
        Number of features stored (N03 features, or 大字・町丁目; ``None`` when unknown).
    codes
        Number of distinct municipality codes among them (``None`` when unknown).
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


@dataclass(frozen=True, kw_only=True)
class Limits:
    """How large a download and its archive may be, and how long the server may be silent:
    the parameters of the same names of :func:`~geo_zaitaku.sources.fetch.fetch_n03` and
    :func:`~geo_zaitaku.sources.isj.fetch_isj`, together."""

    max_bytes: int = MAX_DOWNLOAD_BYTES
    max_unpacked: int = MAX_UNPACKED_BYTES
    max_entries: int = MAX_ENTRIES
    timeout: float = TIMEOUT


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
        labels.error("fetch_bad_year", year=str(year)),
        where="--year",
    )


@dataclass(frozen=True)
class Dataset:
    """One kind of official per-prefecture download and its cache.

    Attributes
    ----------
    kind
        Its folder of the cache (one of :data:`geo_zaitaku.cache.KINDS`).
    prefix
        Beginning of its file names: ``{prefix}-{year}_{pref}.parquet`` (``.zip``, ``.json``).
    credit
        Credit line written to the sidecar.
    url
        ``url(pref, year)``: the official URL of a prefecture's zip (raises
        :class:`~geo_zaitaku._errors.InputError` for a year it does not know).
    check
        ``check(entries, url)``: raise :class:`~geo_zaitaku._errors.FetchError` when the
        entries of a downloaded zip do not hold the data.
    convert
        ``convert(zip_path, limits)``: the frame to cache and the facts to add to the
        sidecar (members read, counts), or :class:`~geo_zaitaku._errors.InputError`.
    """

    kind: str
    prefix: str
    credit: str
    url: Callable[[str, int], str]
    check: Callable[[list[zipfile.ZipInfo], str], None]
    convert: Callable[[Path, Limits], tuple[gpd.GeoDataFrame, dict[str, object]]]

    def folder(self) -> Path:
        """The cache folder of this dataset (not created here)."""
        return cache.folder(self.kind)

    def path(self, pref: int | str, year: int | str) -> Path:
        """Where the GeoParquet of a prefecture and year is (or would be) cached."""
        code = codes.prefecture_code(pref)
        return self.folder() / f"{self.prefix}-{check_year(year)}_{code}.parquet"

    def cached(self, pref: int | str, year: int | str) -> Path | None:
        """The cached GeoParquet of a prefecture and year, or ``None``."""
        path = self.path(pref, year)
        return path if path.is_file() else None

    def fetch(
        self,
        pref: int | str,
        year: int | str,
        *,
        url: str | None,
        force: bool,
        limits: Limits,
        progress: ProgressCallback | None,
    ) -> Path:
        """Download a prefecture's zip unless cached, and store what it holds as GeoParquet.

        Steps: (1) a cached GeoParquet is returned without touching the network unless
        ``force``; (2) a zip kept in the cache by an earlier run that stopped before
        converting is used unless ``force``, else the zip is downloaded from ``url`` (or
        the official URL) and checked; (3) it is converted and the GeoParquet and its
        sidecar are written. See :func:`geo_zaitaku.sources.fetch.fetch_n03`.

        Returns
        -------
        pathlib.Path
            The cached GeoParquet (:meth:`path`).
        """
        code = codes.prefecture_code(pref)
        y = check_year(year)
        target = self.path(code, y)
        if target.is_file() and not force:
            return target
        source = url if url is not None else self.url(code, y)
        check_scheme(source)
        zip_path = target.with_suffix(".zip")
        meta_path = target.with_suffix(".json")
        with cache.writing(self.kind):
            if force or not zip_path.is_file():
                n = download(
                    source,
                    zip_path,
                    max_bytes=limits.max_bytes,
                    timeout=limits.timeout,
                    progress=None
                    if progress is None
                    else lambda done, total: progress("download", done, total),
                    verify=lambda p: self._check_download(p, source, limits),
                )
                meta = {
                    "version": _META_VERSION,
                    "pref": code,
                    "name": codes.PREFECTURES[code],
                    "year": y,
                    "url": source,
                    "downloaded": _now(),
                    "zip_bytes": n,
                    "zip_sha256": _sha256(zip_path),
                    "credit": self.credit,
                }
                target.unlink(missing_ok=True)  # made from the previous zip
                write_text(meta_path, json_text(meta, indent=2))
            meta = _read_meta(meta_path) or {"version": _META_VERSION, "pref": code, "year": y, "url": None}
            if progress is not None:
                progress("convert", 0, None)
            try:
                frame, facts = self.convert(zip_path, limits)
            except InputError:
                zip_path.unlink(missing_ok=True)  # unusable: never resumed from
                meta_path.unlink(missing_ok=True)
                raise
            meta.update(facts, converted=_now())
            write_text(meta_path, json_text(meta, indent=2))
            with atomic_path(target) as tmp:
                frame.to_parquet(tmp, index=False)
        return target

    def describe(self, path: Path) -> CachedFile:
        """Describe a cached GeoParquet from its name, its sidecar and the files on disk."""
        match = self._name().fullmatch(path.stem)
        if match is None:  # callers pass only names that match
            raise ValueError(f"not the name of a cached {self.prefix} file: {path.name}")
        year, code = int(match.group(1)), match.group(2)
        meta = _read_meta(path.with_suffix(".json")) or {}
        size = sum(
            p.stat().st_size
            for p in (path, path.with_suffix(".zip"), path.with_suffix(".json"))
            if p.is_file()
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

    def listing(self) -> list[CachedFile]:
        """The cached prefectures and years, by prefecture code then year."""
        folder = self.folder()
        if not folder.is_dir():
            return []
        out = [
            self.describe(path)
            for path in folder.glob(f"{self.prefix}-*_*.parquet")
            if self._name().fullmatch(path.stem) and path.is_file()
        ]
        return sorted(out, key=lambda c: (c.pref, c.year))

    def clear(self, *, files_only: bool = False) -> int:
        """Remove every entry of the cache folder; return the number of datasets removed.

        Parameters
        ----------
        files_only
            Leave folders and special files in place (remove files and links only).
        """
        folder = self.folder()
        if not folder.is_dir():
            return 0
        datasets = set()
        with cache.writing(self.kind):
            for entry in folder.iterdir():
                match = self._name().fullmatch(entry.name.split(".")[0])
                if match and entry.suffix in (".parquet", ".zip"):
                    datasets.add(match.group(0))
                if entry.is_file() or entry.is_symlink():
                    entry.unlink()
                elif files_only:
                    continue
                elif entry.is_dir():
                    shutil.rmtree(entry)  # e.g. an unpacking folder left by a killed run
                else:
                    entry.unlink()
        return len(datasets)

    def _name(self) -> re.Pattern[str]:
        """The stem of a cached file: ``{prefix}-{year}_{pref}``."""
        return re.compile(rf"{re.escape(self.prefix)}-(\d{{4}})_(\d{{2}})")

    def _check_download(self, path: Path, url: str, limits: Limits) -> None:
        """Accept a downloaded file only if it is a safe zip holding the data."""
        infos = check_zip(path, max_unpacked=limits.max_unpacked, max_entries=limits.max_entries, url=url)
        self.check(infos, url)


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _read_meta(path: Path) -> dict | None:
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def _sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()
