"""Facilities: read facility files, normalise them, and place every row in a unit.

The canonical CSV (UTF-8, UTF-8 with BOM or cp932; comma or tab separated)::

    id,name,kind,lat,lon,municipality_code,key_institution,hub,is_24h,discharge,daily,emergency,end_of_life,phone,address,url

``name`` is required, and either ``lat``/``lon`` or ``municipality_code``. Booleans
accept 1/0, true/false, yes/no, ○/× (and あり/なし, 有/無); an empty cell means
unknown. ``kind`` is an id or Japanese label of :data:`geo_zaitaku.labels.KINDS`
(other text is kept as written). Japanese headers (名称, 緯度, 経度, 市区町村コード,
種別, 住所, 電話番号, ...) are accepted for the canonical fields.

Other layouts are read through a :class:`~geo_zaitaku.sources.presets.Preset` (医療情報ネット,
介護サービス情報公表システム, municipal open data, or a user's TOML); without one, the
preset is chosen from each file's header and name (canonical when none fits), and the
import log says which. Files may be CSV/TSV, Excel ``.xlsx`` or a zip holding one CSV.

Placement (:mod:`geo_zaitaku.sources.placement` has the rules in full):

1. a row whose municipality code (or prefecture code, or the prefecture at the start
   of its address) names a prefecture the units do not cover is set aside
   (``other_prefecture``);
2. ``0, 0`` coordinates mean none; latitude and longitude written the wrong way round
   are swapped when only the swapped point lies in Japan;
3. a point is placed in the unit containing it (``point`` / ``swapped``);
4. otherwise (no point, or a point outside every unit) by the municipality code
   (``code``), then by what the row says in words, in this order: the municipality
   named in the address within the row's prefecture (``prefecture``: a prefecture
   column, the first two digits of a 10-digit 医療機関コード / 介護保険事業所番号 in the
   id column, or the files' ``pref``), a county and municipality in the address
   (``county``: 「茅部郡森町…」), the postal code (``postcode``, Japan Post's data),
   and the municipality named at the start of the address when only one unit has
   that name (``address``: 「熊本県玉名郡長洲町…」「玉名市…」「熊本市中央区…」). A row
   whose prefecture, address and postal code disagree is not placed
   (``location_conflict``).

Rows that repeat an earlier row of the same file cell for cell are one facility: they
are merged with the line they repeat (:attr:`ImportLog.merged`). Rows placed without
coordinates get the representative point of their 大字・町丁目 when ``towns``
(位置参照情報) are given: ``position = "town"``, shown as 「町丁目の位置」, never as exact.

Rows that cannot be placed are rejected with their line number and reason, rows
read with a correction are noted; nothing is dropped silently (see :class:`ImportLog`).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo_zaitaku import codes, crs, labels, schema
from geo_zaitaku._errors import InputError
from geo_zaitaku._io import LINE, TextTable
from geo_zaitaku.lookup import name_key
from geo_zaitaku.sources import presets
from geo_zaitaku.sources.placement import (
    NAME_RULES,
    RULES,
    Placement,
    Placer,
    RowPlaces,
    postcodes_of,
    prefecture_of,
)
from geo_zaitaku.sources.presets import Preset
from geo_zaitaku.sources.tabular import RowIssue, read_table
from geo_zaitaku.sources.towns import TOWN, TownGeocoder, TownIndex

FUNCTION_FIELDS = schema.FUNCTION_FIELDS
BOOLEAN_FIELDS = schema.FLAG_FIELDS
TEXT_FIELDS = schema.TEXT_FIELDS
#: Canonical field -> accepted header spellings (normalised: NFKC, lower case); the
#: ``[columns]`` of the built-in ``canonical`` preset.
CANONICAL_COLUMNS: Mapping[str, tuple[str, ...]] = presets.builtin(presets.DEFAULT).columns
#: Columns of the facilities frame, in order.
FACILITY_COLUMNS = schema.FACILITY_COLUMNS
#: Bounding box of Japan (lon_min, lat_min, lon_max, lat_max), for swapped lat/lon.
JAPAN_BOUNDS = crs.JAPAN_BOUNDS
#: Headers of id columns that hold 10-digit institution codes (医療機関コード,
#: 介護保険事業所番号) whose first two digits are the prefecture.
INSTITUTION_CODE_HEADERS = ("医療機関コード", "機関コード", "事業所番号", "事業所コード")
#: Share of an id column's cells that must be such codes for it to count as one.
INSTITUTION_CODE_SHARE = 0.9

_TRUE = {"1", "true", "t", "yes", "y", "○", "◯", "〇", "●", "◎", "有", "あり", "はい", "可", "対応"}
_FALSE = {"0", "false", "f", "no", "n", "×", "✕", "✖", "無", "なし", "いいえ", "不可", "-", "ー", "－", "―"}
_TOWN_WORDS = {schema.TOWN_POSITION, *(unicodedata.normalize("NFKC", w) for w in labels.POSITION_WORDS)}
_KIND_BY_LABEL = {unicodedata.normalize("NFKC", ja): k for k, (ja, _en) in labels.KINDS.items()}
_POINT_SPLIT = re.compile(r"[\s,、/;]+")
_NOT_DIGIT = re.compile(r"[\s\-‐−ー]")
#: Full-width digits, plus and hyphen of a phone number (typed in Japanese input mode).
_PHONE_WIDTH = str.maketrans({**{chr(0xFF10 + d): str(d) for d in range(10)}, "＋": "+", "－": "-"})
#: Dash-like characters between two digits of a phone number (ー typed for a hyphen).
_PHONE_DASH = re.compile(r"(?<=\d)\s*[-ー‐‑‒–—―−ｰ]\s*(?=\d)")


@dataclass(frozen=True)
class ImportLog:
    """What happened to every row of one facility file.

    ``rows == sum(placed.values()) + len(rejected) + len(merged)`` always holds.
    ``placed`` has the keys ``point``, ``code`` and ``swapped``, and each of
    ``prefecture``, ``county``, ``postcode`` and ``address`` when some row was placed
    by that rule (:data:`geo_zaitaku.sources.placement.RULES`).
    """

    source: str
    encoding: str
    rows: int
    placed: Mapping[str, int]
    rejected: tuple[RowIssue, ...] = ()
    notes: tuple[RowIssue, ...] = ()
    #: The preset used (name, plus the columns given on the command line).
    preset: str = ""
    #: Whether the preset was chosen from the file's header and name.
    preset_detected: bool = False
    #: Source credit line of the preset (licence terms), if any.
    credit: str = ""
    #: Rows that repeat an earlier row cell for cell (merged with the line they repeat).
    merged: tuple[RowIssue, ...] = ()
    #: Town-level positions (位置参照情報) of rows placed without coordinates:
    #: ``town`` (given), ``unmatched`` (no 大字・町丁目 found), ``outside`` (found, but
    #: its point lies outside the row's unit; not used). Empty when no towns were given.
    towns: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    #: Headers of the file's columns that no field was read from (as normalised by
    #: :func:`geo_zaitaku._cells.clean_header`), in file order.
    unused_columns: tuple[str, ...] = ()
    #: The fields a column of the file was read into (``name``, ``lat``, ``hub`` …).
    fields: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "source": self.source,
            "encoding": self.encoding,
            "preset": self.preset,
            "preset_detected": self.preset_detected,
            "rows": self.rows,
            "placed": dict(self.placed),
            "towns": dict(self.towns),
            "rejected": [r.to_dict() for r in self.rejected],
            "merged": [r.to_dict() for r in self.merged],
            "notes": [r.to_dict() for r in self.notes],
            "unused_columns": list(self.unused_columns),
            "fields": list(self.fields),
        }


@dataclass(frozen=True, eq=False)
class FacilityImport:
    """Facilities placed in units, with one import log per file.

    Attributes
    ----------
    frame
        GeoDataFrame (EPSG:6668) with :data:`FACILITY_COLUMNS`; points may be empty
        for rows placed by code or address only.
    logs
        One :class:`ImportLog` per file read.
    """

    frame: gpd.GeoDataFrame
    logs: tuple[ImportLog, ...] = field(default=())

    @property
    def rejected(self) -> tuple[RowIssue, ...]:
        """Every rejected row of every file."""
        return tuple(r for log in self.logs for r in log.rejected)


def empty_facilities() -> gpd.GeoDataFrame:
    """An empty facilities frame with the canonical columns."""
    data = {c: pd.Series(dtype=object) for c in FACILITY_COLUMNS if c != "geometry"}
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries([], crs=crs.GEOGRAPHIC), crs=crs.GEOGRAPHIC)


def facilities_from_frame(frame: pd.DataFrame, units: pd.DataFrame) -> gpd.GeoDataFrame:
    """A researcher's own facility table as the facilities frame the checks read.

    ``id``, ``name`` and ``unit`` (a code of ``units``) are required; the other columns
    of :data:`~geo_zaitaku.schema.FACILITY_COLUMNS` are optional (unknown when absent;
    ``lon``/``lat`` from the geometry when there is one). Yes/no columns take what the
    facility CSV takes (1/0, true/false, yes/no, ○/×).

    Raises
    ------
    InputError
        A required column is missing, a unit is not among the units, or a yes/no cell
        cannot be read (the message names the column and row).
    """
    missing = [c for c in ("id", "name", "unit") if c not in frame.columns]
    if missing:
        raise InputError(
            labels.error("facility_frame_columns", missing=", ".join(missing)), where="facilities"
        )
    out = pd.DataFrame(frame).reset_index(drop=True).copy()
    unknown = sorted({str(u) for u in out["unit"] if u not in units.index})
    if unknown:
        raise InputError(
            labels.error("facility_frame_units", n=len(unknown), units=", ".join(unknown[:10])), where="unit"
        )
    for f in BOOLEAN_FIELDS:
        if f not in out.columns:
            out[f] = pd.array([pd.NA] * len(out), dtype="boolean")
            continue
        values = []
        for i, v in enumerate(out[f].tolist()):
            b = _flag(v)
            if b is _BAD:
                raise InputError(labels.error("facility_frame_flag", column=f, row=i, value=v), where=f)
            values.append(b)
        out[f] = pd.array(values, dtype="boolean")
    geometry = out["geometry"] if "geometry" in out.columns else None
    for c in ("lon", "lat"):
        if c not in out.columns:
            if geometry is not None:
                out[c] = [g.x if g is not None and not g.is_empty else np.nan for g in geometry]
            else:
                out[c] = np.nan
    if geometry is None:
        out["geometry"] = _point_geometry(out["lon"].to_numpy(dtype=float), out["lat"].to_numpy(dtype=float))
    for c in FACILITY_COLUMNS:
        if c not in out.columns:
            out[c] = None
    out["kind"] = [v if isinstance(v, str) and v else "other" for v in out["kind"]]
    result = gpd.GeoDataFrame(out[list(FACILITY_COLUMNS)], geometry="geometry", crs=crs.GEOGRAPHIC)
    return result


def _flag(value: object) -> object:
    """A yes/no cell of a table of one's own: ``True``/``False``, ``None`` unknown,
    :data:`_BAD` unreadable."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float | np.integer | np.floating):
        return {1: True, 0: False}.get(value, _BAD)  # type: ignore[call-overload]
    return parse_bool(str(value))


def load_facilities(
    paths: str | Path | Sequence[str | Path],
    units: gpd.GeoDataFrame,
    *,
    columns: Mapping[str, Sequence[str]] | None = None,
    preset: str | Path | Preset | None = None,
    pref: int | str | None = None,
    towns: TownIndex | None = None,
) -> FacilityImport:
    """Read facility files and place every row in a unit.

    Parameters
    ----------
    paths
        One or more files: CSV/TSV (UTF-8, UTF-8 with BOM or cp932), ``.xlsx``, or a
        zip holding one CSV.
    units
        Units frame (index = code) to place facilities in.
    columns
        Canonical field -> header spellings to accept (a one-off preset; kept for
        callers of earlier versions).
    preset
        A :class:`~geo_zaitaku.sources.presets.Preset`, a built-in preset's name or a preset
        TOML file, used for every file. ``None`` (default): chosen per file from its
        header and name (see :func:`geo_zaitaku.sources.presets.detect_preset`).
    pref
        The prefecture of every row (code or name): names are matched within it, and
        a row that says it is elsewhere is ``other_prefecture``.
    towns
        大字・町丁目 of 位置参照情報 (:func:`geo_zaitaku.sources.isj.load_towns`): rows
        placed without coordinates get their town's representative point
        (``position = "town"``).

    Returns
    -------
    FacilityImport

    Raises
    ------
    InputError
        A file is missing, empty or undecodable, has no name column, or has neither
        lat/lon nor municipality-code columns; an unknown or invalid preset or
        prefecture.
    """
    items = [paths] if isinstance(paths, str | Path) else list(paths)
    chosen = presets.resolve_preset(preset)
    if columns is not None and chosen is None:
        chosen = Preset(
            name="custom",
            columns=MappingProxyType({f: tuple(v) for f, v in columns.items()}),
            source="columns",
        )
    placer = Placer(units, pref=None if pref is None else codes.prefecture_code(pref))
    geocoder = TownGeocoder(towns, units) if towns is not None else None
    frames = []
    logs = []
    seen_ids: set[str] = set()
    known: dict[str, tuple[str, str, int]] = {}  # id -> (name, file, line) of the files read so far
    for k, p in enumerate(items):
        frame, log = _load_one(Path(p), placer, chosen, seen_ids, geocoder, known, last=k == len(items) - 1)
        frames.append(frame)
        logs.append(log)
    if not frames:
        return FacilityImport(empty_facilities(), ())
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return FacilityImport(gpd.GeoDataFrame(frame, geometry="geometry", crs=crs.GEOGRAPHIC), tuple(logs))


def header_hints() -> tuple[str, ...]:
    """Every header name of every built-in preset (to find the header row)."""
    return tuple(dict.fromkeys(n for p in presets.builtin_presets() for n in p.header_names()))


# --- one file ------------------------------------------------------------------------


def _load_one(
    path: Path,
    placer: Placer,
    chosen: Preset | None,
    seen_ids: set[str],
    geocoder: TownGeocoder | None,
    known: dict[str, tuple[str, str, int]] | None = None,
    *,
    last: bool = True,
) -> tuple[gpd.GeoDataFrame, ImportLog]:
    """Read one facility file, place its rows and say what became of each: read ->
    merge repeats -> parse -> place -> classify -> town positions -> assemble."""
    cells, merged = _without_repeats(_read_cells(path, chosen))
    cells, same = _without_same_facilities(cells, {} if known is None else known, remember=not last)
    merged += same
    # the fields are taken and repeats found: the file's other cells can go (a copy: an
    # empty slice would be a view that keeps the whole block of cells, every string of
    # the file, alive until the points are made)
    cells = replace(cells, table=replace(cells.table, frame=cells.table.frame.iloc[0:0].copy()))
    notes: list[RowIssue] = []
    rejected: list[RowIssue] = []
    out = _fields_frame(cells, path.stem, seen_ids, notes)
    location = _parse_location(cells, placer.pref_names)
    out["municipality_code"] = location.mcode
    placed = placer.place(
        RowPlaces(
            x=location.x,
            y=location.y,
            source_crs=cells.preset.crs,
            mcode=location.mcode,
            pref=location.pref,
            id_pref=_id_prefectures(cells),
            postcode=postcodes_of(cells.get["postcode"]),
            address=cells.get["address"],
            active=np.array([bool(n) for n in cells.names], dtype=bool),
        )
    )
    facts = _Facts.of(cells, location, placed, placer.targets)
    reasons = _first(_REJECTIONS, facts)
    note_keys = _first(_NOTES, facts)
    outside = [i for i, r in enumerate(reasons) if r == "outside"]
    nearest = dict(
        zip(outside, zip(*placer.nearest(placed.lon[outside], placed.lat[outside]), strict=True), strict=True)
    )
    far = _far_points(placer, placed, note_keys)
    for i, (reason, key) in enumerate(zip(reasons, note_keys, strict=True)):
        if reason is not None:
            rejected.append(_rejected_issue(cells, location, placed, i, reason, nearest.get(i)))
        elif i in far:
            notes.append(_far_note(cells, placer, placed, i, far[i]))
        elif key is not None:
            notes.append(_placement_note(cells, location, placed, i, key))
    for i in far:  # measured from the unit instead
        placed.lon[i] = placed.lat[i] = np.nan
    town_counts = _town_positions(placed, reasons, geocoder, placer, cells.get["address"])
    # every row's fate is known: the source cells can go (all of their strings at once,
    # so that a large file's memory is given back before the points are made)
    cells = replace(cells, get={}, names=[])
    frame = _placed_frame(out, placed, reasons)
    log = _import_log(cells, frame, rejected, notes, detected=chosen is None)
    log = replace(log, rows=log.rows + len(merged), merged=tuple(merged), towns=MappingProxyType(town_counts))
    return frame, log


def _without_repeats(cells: _Cells) -> tuple[_Cells, list[RowIssue]]:
    """The rows of a file without the ones that repeat an earlier row cell for cell,
    and a ``repeated`` issue naming the line each of those repeats."""
    raw = cells.table.frame
    values = raw.drop(columns=[LINE])
    if len(raw) < 2 or values.empty:
        return cells, []
    involved = values.duplicated(keep=False).to_numpy()
    if not involved.any():
        return cells, []
    repeat = np.zeros(len(raw), dtype=bool)
    first_of: dict[tuple[object, ...], int] = {}
    lines = cells.lines
    merged = []
    rows = np.flatnonzero(involved).tolist()
    for i, row in zip(rows, values.iloc[rows].itertuples(index=False, name=None), strict=True):
        j = first_of.setdefault(row, i)
        if j != i:
            repeat[i] = True
            message = labels.ISSUES["repeated"].format(first=int(lines[j]))
            merged.append(RowIssue(cells.source, int(lines[i]), "repeated", message, cells.names[i]))
    if not merged:
        return cells, []
    return _without_rows(cells, repeat), merged


def _without_rows(cells: _Cells, drop: np.ndarray) -> _Cells:
    """``cells`` without the rows ``drop`` marks (table, fields, lines and names alike)."""
    keep = ~drop
    get = {f: _kept(column, keep) for f, column in cells.get.items()}
    table = replace(cells.table, frame=cells.table.frame.loc[keep].reset_index(drop=True))
    return replace(cells, table=table, get=get, lines=cells.lines[keep], names=_kept(cells.names, keep))


def _without_same_facilities(
    cells: _Cells, known: dict[str, tuple[str, str, int]], *, remember: bool
) -> tuple[_Cells, list[RowIssue]]:
    """The rows without those that repeat an earlier row's id and name (in this file or
    one read before: a 名簿 with a row per 届出, 訪問看護 and 介護予防訪問看護 lists, a
    clinic in two lists), each a ``same_facility`` issue naming the first; the first
    row's values are kept. Rows of one id with another name keep ``ID#2`` (see
    :func:`_ids`). ``known`` gathers this file's ids when more files follow."""
    ids = pd.Series(cells.get["id"], dtype=object)
    given = ids.notna() & (ids != "")
    candidates = given & (ids.duplicated(keep=False) | ids.isin(known.keys()))
    drop = np.zeros(len(ids), dtype=bool)
    merged: list[RowIssue] = []
    first: dict[str, tuple[str, str, int]] = {}
    for i in np.flatnonzero(candidates.to_numpy()).tolist():
        fid = str(ids.iat[i])
        seen = known.get(fid) or first.get(fid)
        if seen is not None and _same_name(seen[0], cells.names[i]):
            drop[i] = True
            d = labels.DETAILS
            same_file = seen[1] == cells.source
            where = (
                d["line"].format(line=seen[2])
                if same_file
                else d["file_line"].format(file=seen[1], line=seen[2])
            )
            message = labels.ISSUES["same_facility"].format(where=where)
            merged.append(
                RowIssue(cells.source, int(cells.lines[i]), "same_facility", message, cells.names[i])
            )
        elif seen is None:
            first[fid] = (cells.names[i], cells.source, int(cells.lines[i]))
    if remember:
        rows = np.flatnonzero((given & ~pd.Series(drop)).to_numpy()).tolist()
        for i in rows:
            known.setdefault(str(ids.iat[i]), (cells.names[i], cells.source, int(cells.lines[i])))
    return (_without_rows(cells, drop), merged) if merged else (cells, [])


def _same_name(a: str, b: str) -> bool:
    """Two names of one facility, written alike (full/half width, spaces and ヶ/ケ aside:
    :func:`geo_zaitaku.lookup.name_key`)."""
    return bool(a) and name_key(a) == name_key(b or "")


def _kept(values: list, keep: np.ndarray) -> list:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array[keep].tolist()


def _id_prefectures(cells: _Cells) -> list[str | None]:
    """Prefecture codes from the first two digits of 10-digit institution codes
    (医療機関コード, 介護保険事業所番号) in the id column, ``None`` where there is none.

    The column counts only when it was named with ``--id-col`` or its header is one
    of :data:`INSTITUTION_CODE_HEADERS`, and when at least
    :data:`INSTITUTION_CODE_SHARE` of its non-empty cells are 10 digits beginning with
    a prefecture code (01-47); a running number or a 13-digit id gives nothing.
    """
    values = cells.get["id"]
    header = cells.found.get("id")
    out: list[str | None] = [None] * len(values)
    if header is None:
        return out
    if "id" not in cells.preset.required and not any(h in header for h in INSTITUTION_CODE_HEADERS):
        return out
    given = 0
    for i, v in enumerate(values):
        if v is None:
            continue
        given += 1
        digits = v if v.isascii() and v.isdigit() else _NOT_DIGIT.sub("", unicodedata.normalize("NFKC", v))
        if len(digits) == 10 and digits.isdigit() and digits[:2] in codes.PREFECTURES:
            out[i] = digits[:2]
    found = sum(p is not None for p in out)
    if not given or found < INSTITUTION_CODE_SHARE * given:
        return [None] * len(values)
    return out


def _town_positions(
    placed: Placement,
    reasons: Sequence[str | None],
    geocoder: TownGeocoder | None,
    placer: Placer,
    address: Sequence[str | None],
) -> dict[str, int]:
    """Give rows placed without a point their town's point (in ``placed``, with
    ``position = "town"``); counts of ``town``, ``unmatched`` and ``outside``."""
    if geocoder is None:
        return {}
    for i, r in enumerate(reasons):  # rows placed by code: the address after the municipality name
        if r is None and not placed.rest[i] and address[i] and placed.unit[i] is not None:
            placed.rest[i] = placer.address.remainder(address[i], placed.unit[i])
    rows = [
        i
        for i, r in enumerate(reasons)
        if r is None and placed.unit[i] is not None and np.isnan(placed.lat[i])
    ]
    counts = {TOWN: 0, "unmatched": 0, "outside": 0}
    if not rows:
        return counts
    lon, lat, status = geocoder.positions([placed.unit[i] for i in rows], [placed.rest[i] for i in rows])
    for k, i in enumerate(rows):
        counts[str(status[k])] += 1
        if status[k] == TOWN:
            placed.lon[i], placed.lat[i] = lon[k], lat[k]
            placed.position[i] = TOWN
    return counts


def _import_log(
    cells: _Cells, frame: pd.DataFrame, rejected: list[RowIssue], notes: list[RowIssue], *, detected: bool
) -> ImportLog:
    """What became of every row of one file (``placed`` counts the rules that place
    by the row's words only when some row was placed so)."""
    by = frame["placed_by"].value_counts().to_dict()
    counts = {k: int(by.get(k, 0)) for k in RULES}
    return ImportLog(
        source=str(cells.table.path),
        encoding=cells.table.encoding,
        rows=len(cells.lines),
        placed=MappingProxyType({k: v for k, v in counts.items() if k not in NAME_RULES or v}),
        rejected=tuple(rejected),
        notes=tuple(sorted(notes, key=lambda r: r.line)),
        preset=cells.preset.label,
        preset_detected=detected,
        credit=cells.preset.credit,
        unused_columns=tuple(
            cells.table.as_written(c) for c in _unused_columns(cells.table.frame.columns, cells.found)
        ),
        fields=tuple(f for f, header in cells.found.items() if header is not None),
    )


def _unused_columns(headers: Sequence[object], found: Mapping[str, str | None]) -> tuple[str, ...]:
    """The headers no field was read from, in file order (the line-number column aside,
    and the placement columns of a file this tool wrote: ``facilities import``'s
    ``facilities.csv`` says where each row came from, which is not data to read)."""
    used = set(found.values())
    if set(schema.PLACEMENT_FIELDS) <= set(headers):
        used |= set(schema.PLACEMENT_FIELDS)
    return tuple(str(h) for h in headers if h != LINE and h not in used)


@dataclass(frozen=True, eq=False)
class _Cells:
    """One facility file read with its preset: every field's cells, row by row (the
    preset's value mappings and constants applied)."""

    table: TextTable
    preset: Preset
    found: Mapping[str, str | None]
    get: Mapping[str, list[str | None]]
    source: str
    lines: np.ndarray
    names: list[str]


def _read_cells(path: Path, chosen: Preset | None) -> _Cells:
    """Read a facility file and take each field's column (see :func:`_find_columns`)."""
    hints = chosen.header_names() if chosen is not None else header_hints()
    table = read_table(path, what=labels.FILES["facilities"], header_hint=hints)
    raw = table.frame
    preset = chosen if chosen is not None else presets.detect_preset(raw.columns, path.name)
    found = _find_columns(raw, preset, table.path, table.header_line)
    n = len(raw)
    get = {f: (raw[c].tolist() if c is not None else [None] * n) for f, c in found.items()}
    for f, mapping in preset.values.items():
        get[f] = [None if v is None else mapping.get(presets.value_key(v), v) for v in get[f]]
    for f, value in preset.constants.items():
        get[f] = [value if v is None else v for v in get[f]]
    names = [v or "" for v in get["name"]]
    return _Cells(table, preset, found, get, Path(table.path).name, raw[LINE].to_numpy(), names)


def _fields_frame(cells: _Cells, stem: str, seen_ids: set[str], notes: list[RowIssue]) -> pd.DataFrame:
    """The rows' own fields (id, name, kind, text and yes/no fields); ids renamed and
    unreadable yes/no cells are noted in ``notes``."""
    get, source = cells.get, cells.source
    out = pd.DataFrame({"line": cells.lines})
    out["source"] = source
    out["name"] = get["name"]
    out["id"] = _ids(get["id"], cells.lines, stem, source, seen_ids, notes, cells.names)
    out["kind"] = _each_distinct(_kind, get["kind"])
    out["phone"] = _each_distinct(phone_text, get["phone"])
    for f in ("address", "url"):
        out[f] = get[f]
    out["position"] = _each_distinct(_position, get["position"])
    for f in BOOLEAN_FIELDS:
        values = _each_distinct(parse_bool, get[f])
        for i, b in enumerate(values):
            if b is _BAD:
                message = labels.REASONS["bad_boolean"].with_prefix(f"{cells.found[f] or f}={get[f][i]!r}: ")
                notes.append(RowIssue(source, int(cells.lines[i]), "bad_boolean", message, cells.names[i]))
                values[i] = None
        out[f] = pd.array(values, dtype="boolean")
    return out


def phone_text(value: str | None) -> str | None:
    """A phone number with full-width digits, plus and hyphens made half-width and a
    dash-like character between digits (「０９６ー１２３ー４５６７」) made a hyphen, so
    that the maps' 「電話」 links dial it; other text (「（代表）」) is kept as it is."""
    if value is None:
        return None
    return _PHONE_DASH.sub("-", value.translate(_PHONE_WIDTH))


def _each_distinct(parse: Callable[[str | None], object], values: list[str | None]) -> list[object]:
    """``[parse(v) for v in values]``, with ``parse`` called once for each distinct cell
    (a column of kinds or yes/no cells holds a few texts, repeated)."""
    parsed = {v: parse(v) for v in set(values)}
    return [parsed[v] for v in values]


@dataclass(frozen=True, eq=False)
class _Location:
    """Where the rows say they are: source coordinates (NaN when missing), codes, and
    which cells could not be read."""

    x: np.ndarray
    y: np.ndarray
    bad_xy: np.ndarray
    mcode: list[str | None]
    pref: list[str | None]
    bad_code: list[bool]
    pref_level: list[bool]


def _parse_location(cells: _Cells, pref_names: dict[str, str]) -> _Location:
    x, y, bad_xy = _coordinates(cells.get, cells.found, cells.preset)
    mcode, pref, bad_code, pref_level = _codes(
        cells.get["municipality_code"], cells.get["prefecture_code"], pref_names
    )
    return _Location(x, y, bad_xy, mcode, pref, bad_code, pref_level)


@dataclass(frozen=True, eq=False)
class _Facts:
    """What decides every row's fate, one boolean array per fact (the tests of
    :data:`_REJECTIONS` and :data:`_NOTES`)."""

    named: np.ndarray
    other_prefecture: np.ndarray
    placed: np.ndarray
    by_point: np.ndarray
    by_code: np.ndarray
    by_address: np.ndarray
    by_swapped: np.ndarray
    has_point: np.ndarray
    bad_xy: np.ndarray
    bad_code: np.ndarray
    has_code: np.ndarray
    code_ambiguous: np.ndarray
    address_ambiguous: np.ndarray
    pref_level: np.ndarray
    conflict: np.ndarray
    code_conflict: np.ndarray
    code_elsewhere: np.ndarray

    @classmethod
    def of(
        cls, cells: _Cells, location: _Location, placed: Placement, targets: Mapping[str, Sequence[str]]
    ) -> _Facts:
        by = np.array(placed.placed_by, dtype=object)
        return cls(
            named=np.array([bool(n) for n in cells.names], dtype=bool),
            other_prefecture=np.array([p is not None for p in placed.other_pref], dtype=bool),
            placed=np.array([u is not None for u in placed.unit], dtype=bool),
            by_point=by == "point",
            by_code=by == "code",
            by_address=np.isin(by, NAME_RULES),
            by_swapped=by == "swapped",
            has_point=~np.isnan(placed.lat),
            bad_xy=np.asarray(location.bad_xy, dtype=bool),
            bad_code=np.array(location.bad_code, dtype=bool),
            has_code=np.array([c is not None for c in location.mcode], dtype=bool),
            code_ambiguous=np.array(placed.code_ambiguous, dtype=bool),
            address_ambiguous=np.array([s == "ambiguous" for s in placed.address_status], dtype=bool),
            pref_level=np.array(location.pref_level, dtype=bool),
            conflict=np.array([c is not None for c in placed.conflict], dtype=bool),
            # placed by its code first, then unplaced: its address or postcode says otherwise
            code_conflict=np.array(
                [
                    c is not None and len(targets.get(m) or ()) == 1
                    for c, m in zip(placed.conflict, location.mcode, strict=True)
                ],
                dtype=bool,
            ),
            code_elsewhere=_code_elsewhere(location.mcode, placed, targets),
        )


def _code_elsewhere(
    mcode: Sequence[str | None], placed: Placement, targets: Mapping[str, Sequence[str]]
) -> np.ndarray:
    """Rows placed by their point in another unit than their municipality code names
    (a point across a border, or a code or point copied wrong)."""
    out = np.zeros(len(mcode), dtype=bool)
    for i, code in enumerate(mcode):
        if code is not None and placed.placed_by[i] in ("point", "swapped"):
            found = targets.get(code)
            out[i] = bool(found) and placed.unit[i] not in found
    return out


#: A table of outcomes tried in order: (key, test of every row at once).
_Table = tuple[tuple[str | None, Callable[[_Facts], np.ndarray]], ...]

#: Why a row is rejected, tried in this order: the first test that holds gives the
#: reason (a key of :data:`geo_zaitaku.labels.REASONS`); ``None``: the row is placed.
_REJECTIONS: _Table = (
    ("no_name", lambda f: ~f.named),
    ("other_prefecture", lambda f: f.other_prefecture),
    (None, lambda f: f.placed),
    ("bad_coordinates", lambda f: f.bad_xy),
    ("outside", lambda f: f.has_point),
    ("bad_code", lambda f: f.bad_code),
    ("location_conflict", lambda f: f.code_conflict),
    ("ambiguous_code", lambda f: f.has_code & f.code_ambiguous),
    ("unknown_code", lambda f: f.has_code),
    ("location_conflict", lambda f: f.conflict),
    ("address_ambiguous", lambda f: f.address_ambiguous),
    ("unknown_code", lambda f: f.pref_level),  # a prefecture's own code
    ("no_location", lambda f: np.ones_like(f.named)),
)

#: Notes on a placed row, tried in this order (at most one per row): a point or code
#: the row was not placed by, or its coordinates swapped. A row placed by its point
#: has none.
_NOTES: _Table = (
    ("bad_coordinates", lambda f: (f.by_code | f.by_address) & f.bad_xy),
    ("outside", lambda f: (f.by_code | f.by_address) & f.has_point),
    ("bad_code", lambda f: f.by_address & f.bad_code),
    ("ambiguous_code", lambda f: f.by_address & f.has_code & f.code_ambiguous),
    ("unknown_code", lambda f: f.by_address & f.has_code),
    ("swapped", lambda f: f.by_swapped),
    ("code_elsewhere", lambda f: f.code_elsewhere),
)


def _first(table: _Table, facts: _Facts) -> list[str | None]:
    """For every row, the key of the first entry of ``table`` whose test holds
    (``None`` when none does)."""
    tests = [np.asarray(test(facts), dtype=bool) for _, test in table]
    keys = [key for key, _ in table]
    first = np.select(tests, list(range(len(keys))), default=len(keys))
    keys.append(None)
    return [keys[i] for i in first.tolist()]


def _rejected_issue(
    cells: _Cells,
    location: _Location,
    placed: Placement,
    i: int,
    reason: str,
    nearest: tuple[str, float] | None = None,
) -> RowIssue:
    """Rejected row ``i``: the reason with the row's own values; for a point outside
    every unit, the nearest unit and how far (``nearest``: name, km)."""
    detail = _detail(reason, i, cells.get, placed, location.mcode)
    if nearest is not None:  # how far outside, and what would place it
        name, km = nearest
        shown = labels.DETAILS["metres"].format(m=km * 1000) if km < 1 else labels.DETAILS["km"].format(km=km)
        detail += labels.DETAILS["nearest"].format(name=name, distance=shown)
    message = labels.REASONS[reason].with_detail(detail)
    fid = cells.get["id"][i]
    return RowIssue(cells.source, int(cells.lines[i]), reason, message, cells.names[i], str(fid or ""))


#: A row placed by its code or address whose point lies outside every unit keeps the
#: point when it is this close to the placed unit (a coastal facility off a simplified
#: coastline); a point farther away is another place (Seoul's coordinates with a
#: Kumamoto code) and is not used: distances are measured from the unit instead.
FAR_POINT_KM = 5.0


def _far_points(placer: Placer, placed: Placement, note_keys: list[str | None]) -> dict[int, float]:
    """Rows placed by code or address whose point lies outside every unit and more than
    :data:`FAR_POINT_KM` from their unit: row -> km."""
    rows = [i for i, key in enumerate(note_keys) if key == "outside"]
    km = placer.distance_to([placed.unit[i] for i in rows], placed.lon[rows], placed.lat[rows])
    return {i: d for i, d in zip(rows, km.tolist(), strict=True) if d > FAR_POINT_KM}


def _far_note(cells: _Cells, placer: Placer, placed: Placement, i: int, km: float) -> RowIssue:
    """The ``far_point`` note of row ``i`` (its point, the unit and how far)."""
    unit = placed.unit[i]
    name = placer.units["name"].get(unit, unit) if "name" in placer.units.columns else unit
    detail = labels.DETAILS["far"].format(
        lat=placed.lat[i], lon=placed.lon[i], name=name, km=km, by=labels.PLACED_BY[placed.placed_by[i] or ""]
    )
    message = labels.REASONS["far_point"].with_detail(detail)
    return RowIssue(cells.source, int(cells.lines[i]), "far_point", message, cells.names[i])


def _placement_note(cells: _Cells, location: _Location, placed: Placement, i: int, key: str) -> RowIssue:
    """The note ``key`` (of :data:`_NOTES`) on placed row ``i``."""
    if key == "swapped":
        message = labels.ISSUES["swapped"]
    else:
        by = labels.DETAILS["placed_by"].format(by=labels.PLACED_BY[placed.placed_by[i] or ""])
        own = (
            ""
            if key in ("bad_coordinates", "outside")
            else _detail(key, i, cells.get, placed, location.mcode)
        )
        message = labels.REASONS[key].with_detail(own + by)
    return RowIssue(cells.source, int(cells.lines[i]), key, message, cells.names[i])


def _placed_frame(out: pd.DataFrame, placed: Placement, reasons: Sequence[str | None]) -> gpd.GeoDataFrame:
    """The placed rows as a facilities frame (points where the row has one)."""
    out["unit"] = placed.unit
    out["placed_by"] = placed.placed_by
    out["lon"] = placed.lon
    out["lat"] = placed.lat
    given = out["position"].tolist()
    out["position"] = [p if p is not None else g for p, g in zip(placed.position, given, strict=True)]
    keep = np.array([r is None for r in reasons], dtype=bool)
    if not keep.all():  # (no copy of a large frame when every row is placed)
        out = out.loc[keep].reset_index(drop=True)
    geometry = _point_geometry(out["lon"].to_numpy(dtype=float), out["lat"].to_numpy(dtype=float))
    frame = gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geometry, crs=crs.GEOGRAPHIC), crs=crs.GEOGRAPHIC)
    return frame[list(FACILITY_COLUMNS)]


def _point_geometry(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Points where both coordinates are known, ``None`` elsewhere (an object array)."""
    has = ~(np.isnan(lon) | np.isnan(lat))
    geometry = np.full(len(lon), None, dtype=object)
    geometry[has] = shapely.points(lon[has], lat[has])
    return geometry


def _find_columns(raw: pd.DataFrame, preset: Preset, path: Path, header_line: int) -> dict[str, str | None]:
    """Field -> the header used (``None`` when the file has none of its spellings)."""
    found = {
        f: next((n for n in preset.columns.get(f, ()) if n in raw.columns), None) for f in presets.FIELDS
    }
    where = labels.at_line(header_line)
    for f in preset.required:
        if found[f] is None:
            header = preset.columns[f][0]
            raise InputError(
                labels.error("facility_column_missing", header=header, field=f, found=_cols(raw)),
                path=path,
                where=where,
            )
    if found["name"] is None:
        raise InputError(
            labels.error(
                "facility_no_name_column", names=", ".join(preset.columns.get("name", ())), found=_cols(raw)
            ),
            path=path,
            where=where,
        )
    has_xy = (found["lat"] is not None and found["lon"] is not None) or found["point"] is not None
    has_address = found["address"] is not None and preset.address_only
    if not has_xy and found["municipality_code"] is None and not has_address:
        hint = ""
        if found["address"] is not None:
            hint = labels.ERROR_PARTS["address_only_hint"].format(column=found["address"])
        raise InputError(
            labels.error("facility_no_location_columns", hint=hint, found=_cols(raw)),
            path=path,
            where=where,
        )
    return found


def _ids(
    values: list[str | None],
    lines: np.ndarray,
    stem: str,
    source: str,
    seen_ids: set[str],
    notes: list[RowIssue],
    names: Sequence[str] = (),
) -> list[str]:
    distinct = set(values)
    unique = len(distinct) == len(values) and None not in distinct and "" not in distinct
    if unique and seen_ids.isdisjoint(distinct):  # every row has its own id, new to the run
        seen_ids.update(distinct)
        return list(values)
    ids = []
    names = list(names) or [""] * len(values)
    for line, value, name in zip(lines, values, names, strict=True):
        fid = value if value else f"{stem}:{line}"
        base, k = fid, 1
        while fid in seen_ids:
            k += 1
            fid = f"{base}#{k}"
        if k > 1:
            message = labels.ISSUES["duplicate_id"].format(id=base, renamed=fid)
            notes.append(RowIssue(source, int(line), "duplicate_id", message, name))
        seen_ids.add(fid)
        ids.append(fid)
    return ids


def _coordinates(
    get: Mapping[str, list[str | None]], found: Mapping[str, str | None], preset: Preset
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Source x (longitude or easting) and y, NaN when missing; and which rows had
    coordinates that could not be read."""
    if found["lat"] is not None and found["lon"] is not None:
        y = _numbers(get["lat"])
        x = _numbers(get["lon"])
        given = np.array(
            [(a is not None or b is not None) for a, b in zip(get["lat"], get["lon"], strict=True)],
            dtype=bool,
        )
    elif found["point"] is not None:
        y, x = _points(get["point"], preset.order)
        given = np.array([v is not None for v in get["point"]], dtype=bool)
    else:
        n = len(get["name"])
        return np.full(n, np.nan), np.full(n, np.nan), np.zeros(n, dtype=bool)
    bad = given & (np.isnan(x) | np.isnan(y))
    if preset.zero_is_missing:
        zero = (x == 0) & (y == 0)
        x[zero] = np.nan
        y[zero] = np.nan
    return x, y, bad


def _points(values: list[str | None], order: str) -> tuple[np.ndarray, np.ndarray]:
    """Parse ``"33.1,130.7"`` cells into (lat, lon) arrays (NaN when unreadable)."""
    lat = np.full(len(values), np.nan)
    lon = np.full(len(values), np.nan)
    for i, v in enumerate(values):
        if v is None:
            continue
        parts = [p for p in _POINT_SPLIT.split(unicodedata.normalize("NFKC", v).strip()) if p]
        if len(parts) != 2:
            continue
        a, b = _numbers(parts)
        lat[i], lon[i] = (a, b) if order == "latlon" else (b, a)
    return lat, lon


def _codes(
    municipality: list[str | None], prefecture: list[str | None], pref_names: dict[str, str]
) -> tuple[list[str | None], list[str | None], list[bool], list[bool]]:
    """Municipality codes (5 digits), prefecture codes, malformed and prefecture-level flags.

    A 1-3 digit municipality code is joined with the row's prefecture code (医療情報ネット
    writes 都道府県コード ``43`` and 市区町村コード ``204``); a code ending in ``000`` is a
    prefecture's own code and names no municipality. The prefecture cell may also be a
    name (``北海道``, ``熊本県``).
    """
    pairs = list(zip(municipality, prefecture, strict=True))
    if not pairs:
        return [], [], [], []
    parsed = {(m, p): _one_code(m, prefecture_of(p, pref_names)) for m, p in set(pairs)}
    mcodes, prefs, bad, pref_level = (list(c) for c in zip(*(parsed[k] for k in pairs), strict=True))
    return mcodes, prefs, bad, pref_level


def _one_code(m: str | None, pref: str | None) -> tuple[str | None, str | None, bool, bool]:
    if m is None:
        return None, pref, False, False
    text = unicodedata.normalize("NFKC", m).strip().removesuffix(".0")
    if text.isdigit() and len(text) <= 3 and pref is not None:
        code = codes.normalize_code(pref + text.zfill(3))
    else:
        code = codes.normalize_code(text)
    if code is None:
        return None, pref, True, False
    if code.endswith("000"):
        return None, code[:2], False, True
    return code, code[:2], False, False


def _detail(
    reason: str, i: int, get: Mapping[str, list[str | None]], placed: Placement, mcode: list[str | None]
) -> str:
    """The row's own values behind a rejection, appended to the reason's Japanese text
    (:data:`geo_zaitaku.labels.DETAILS`)."""
    d = labels.DETAILS
    if reason == "other_prefecture":
        code = placed.other_pref[i] or ""
        return d["prefecture"].format(pref=codes.PREFECTURES.get(code, code))
    if reason == "outside":
        return d["point"].format(lat=placed.lat[i], lon=placed.lon[i])
    if reason == "bad_coordinates":
        values = [v for v in (get["lat"][i], get["lon"][i], get["point"][i]) if v is not None]
        return d["values"].format(values=", ".join(values))
    if reason in ("bad_code", "unknown_code", "ambiguous_code"):
        raw = " ".join(v for v in (get["prefecture_code"][i], get["municipality_code"][i]) if v)
        extra = d["prefecture_code"] if reason == "unknown_code" and mcode[i] is None else ""
        return d["code"].format(code=raw, extra=extra)
    if reason == "address_ambiguous":
        candidates = "・".join(placed.address_candidates[i])
        return d["address_candidates"].format(
            address=get["address"][i], candidates=candidates
        ) + _postcode_detail(placed, i)
    if reason == "location_conflict":
        return d["conflict"].format(detail=placed.conflict[i])
    if reason == "code_elsewhere":
        return d["code_elsewhere"].format(code=mcode[i], unit=placed.unit[i])
    if reason == "no_location" and placed.address_status[i] == "unknown":
        return d["address_unknown"].format(address=get["address"][i]) + _postcode_detail(placed, i)
    return ""


def _postcode_detail(placed: Placement, i: int) -> str:
    """What the row's postal code said, when it did not help."""
    tried = placed.postcode[i]
    if tried is None:
        return ""
    code, area = tried
    if area is None:
        return labels.DETAILS["postcode_unknown"].format(postcode=code)
    return labels.DETAILS["postcode_area"].format(postcode=code, city=area.city)


_BAD = object()


def parse_bool(value: object) -> bool | object | None:
    """Parse a yes/no cell: ``True``, ``False``, ``None`` (empty), or a sentinel when unreadable."""
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    if not text:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return _BAD


def _position(value: str | None) -> str | None:
    """``"town"`` for a cell saying the point is its 大字・町丁目's, else ``None``."""
    if not value:
        return None
    text = unicodedata.normalize("NFKC", value).strip().lower()
    return schema.TOWN_POSITION if text in _TOWN_WORDS else None


def _kind(value: str | None) -> str | None:
    if not value:
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    if text.lower() in labels.KINDS:
        return text.lower()
    return _KIND_BY_LABEL.get(text, text)


def _numbers(values: list[str | None]) -> np.ndarray:
    """Parse numbers (full-width digits and thousands separators allowed); NaN when unreadable."""
    cells = np.array(values, dtype=object)
    cells[np.equal(cells, None)] = "nan"
    try:  # every cell a number Python reads as it is (the usual coordinate column): at once
        out = cells.astype(float)
    except (TypeError, ValueError):
        out = _numbers_one_by_one(values)
    out[~np.isfinite(out)] = np.nan
    return out


def _numbers_one_by_one(values: list[str | None]) -> np.ndarray:
    cache: dict[str, float] = {}
    out = np.full(len(values), np.nan)
    for i, v in enumerate(values):
        if v is None:
            continue
        number = cache.get(v)
        if number is None:
            try:
                number = float(v)
            except ValueError:
                try:
                    number = float(unicodedata.normalize("NFKC", v).replace(",", "").strip())
                except ValueError:
                    number = np.nan
            cache[v] = number
        out[i] = number
    return out


def _cols(frame: pd.DataFrame) -> str:
    return ", ".join(c for c in frame.columns if c != LINE)
