"""Facilities: read a facility CSV, normalise it, and place every row in a unit.

The canonical CSV (UTF-8, UTF-8 with BOM or cp932; comma or tab separated)::

    id,name,kind,lat,lon,municipality_code,key_institution,hub,is_24h,discharge,daily,emergency,end_of_life,phone,address,url

``name`` is required, and either ``lat``/``lon`` or ``municipality_code``. Booleans
accept 1/0, true/false, yes/no, ○/× (and あり/なし, 有/無); an empty cell means
unknown. ``kind`` is an id or Japanese label of :data:`geo_zaitaku.labels.KINDS`
(other text is kept as written). Japanese headers (名称, 緯度, 経度, 市区町村コード,
種別, 住所, 電話番号, ...) are accepted for the canonical fields.

Placement: a row with coordinates is placed in the unit containing the point; a row
with only a code by the code; a point outside every unit falls back to the code when
there is one, and lat/lon written the wrong way round are swapped when that puts the
point in a unit. Rows that cannot be placed are rejected with their line number and
reason; nothing is dropped silently (see :class:`ImportLog`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo_zaitaku import codes, crs, labels
from geo_zaitaku._errors import InputError
from geo_zaitaku._io import LINE, read_text_table
from geo_zaitaku.reference import unit_targets

FUNCTION_FIELDS = tuple(labels.FUNCTIONS)
BOOLEAN_FIELDS = ("key_institution", "hub", "is_24h", *FUNCTION_FIELDS)
TEXT_FIELDS = ("id", "name", "kind", "phone", "address", "url")
#: Canonical field -> accepted header spellings (normalised: NFKC, lower case).
CANONICAL_COLUMNS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "id": ("id", "施設id", "施設番号", "医療機関コード", "事業所番号"),
        "name": ("name", "名称", "施設名", "正式名称", "施設名称", "医療機関名", "事業所名"),
        "kind": ("kind", "種別", "施設種別", "種類"),
        "lat": ("lat", "latitude", "緯度", "y"),
        "lon": ("lon", "lng", "long", "longitude", "経度", "x"),
        "municipality_code": ("municipality_code", "code", "市区町村コード", "団体コード", "自治体コード"),
        "key_institution": ("key_institution", "積極的医療機関", "積極的役割"),
        "hub": ("hub", "連携拠点", "拠点"),
        "is_24h": ("is_24h", "24h", "24時間", "24時間対応"),
        "discharge": ("discharge", "退院支援"),
        "daily": ("daily", "日常の療養支援", "日常療養支援"),
        "emergency": ("emergency", "急変時の対応", "急変時対応"),
        "end_of_life": ("end_of_life", "看取り"),
        "phone": ("phone", "tel", "電話番号", "電話"),
        "address": ("address", "住所", "所在地"),
        "url": ("url", "website", "ホームページ", "ウェブサイト"),
    }
)
#: Columns of the facilities frame, in order.
FACILITY_COLUMNS = (
    "id", "name", "kind", *BOOLEAN_FIELDS, "phone", "address", "url", "municipality_code",
    "unit", "placed_by", "source", "line", "lon", "lat", "geometry",
)  # fmt: skip

_TRUE = {"1", "true", "t", "yes", "y", "○", "◯", "〇", "●", "◎", "有", "あり", "はい", "可", "対応"}
_FALSE = {"0", "false", "f", "no", "n", "×", "✕", "✖", "無", "なし", "いいえ", "不可", "-", "ー", "－", "―"}
_KIND_BY_LABEL = {unicodedata.normalize("NFKC", ja): k for k, (ja, _en) in labels.KINDS.items()}


@dataclass(frozen=True)
class RowIssue:
    """A row that was rejected, or kept with a note.

    Attributes
    ----------
    source
        File name.
    line
        Line number in the file (the header is line 1 unless a title row precedes it).
    reason
        Reason key (:data:`geo_zaitaku.labels.REASONS`) or note key.
    message
        Human-readable reason (Japanese / English).
    name
        The row's facility name, when it has one.
    """

    source: str
    line: int
    reason: str
    message: str
    name: str = ""


@dataclass(frozen=True)
class ImportLog:
    """What happened to every row of one facility file.

    ``rows == sum(placed.values()) + len(rejected)`` always holds.
    """

    source: str
    encoding: str
    rows: int
    placed: Mapping[str, int]
    rejected: tuple[RowIssue, ...] = ()
    notes: tuple[RowIssue, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "source": self.source,
            "encoding": self.encoding,
            "rows": self.rows,
            "placed": dict(self.placed),
            "rejected": [vars(r) for r in self.rejected],
            "notes": [vars(r) for r in self.notes],
        }


@dataclass(frozen=True, eq=False)
class FacilityImport:
    """Facilities placed in units, with one import log per file.

    Attributes
    ----------
    frame
        GeoDataFrame (EPSG:6668) with :data:`FACILITY_COLUMNS`; points may be empty
        for rows placed by code only.
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


def load_facilities(
    paths: str | Path | Sequence[str | Path],
    units: gpd.GeoDataFrame,
    *,
    columns: Mapping[str, Sequence[str]] | None = None,
) -> FacilityImport:
    """Read facility CSVs and place every row in a unit.

    Parameters
    ----------
    paths
        One or more CSV files.
    units
        Units frame (index = code) to place facilities in.
    columns
        Canonical field -> header spellings to accept (default
        :data:`CANONICAL_COLUMNS`).

    Returns
    -------
    FacilityImport

    Raises
    ------
    InputError
        A file is missing, empty or undecodable, has no name column, or has neither
        lat/lon nor municipality-code columns.
    """
    items = [paths] if isinstance(paths, str | Path) else list(paths)
    frames = []
    logs = []
    seen_ids: set[str] = set()
    for p in items:
        frame, log = _load_one(Path(p), units, columns or CANONICAL_COLUMNS, seen_ids)
        frames.append(frame)
        logs.append(log)
    if not frames:
        return FacilityImport(empty_facilities(), ())
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return FacilityImport(gpd.GeoDataFrame(frame, geometry="geometry", crs=crs.GEOGRAPHIC), tuple(logs))


def _load_one(
    path: Path, units: gpd.GeoDataFrame, columns: Mapping[str, Sequence[str]], seen_ids: set[str]
) -> tuple[gpd.GeoDataFrame, ImportLog]:
    all_names = tuple(n for names in columns.values() for n in names)
    table = read_text_table(path, what="施設CSV", header_hint=all_names)
    raw = table.frame
    source = path.name
    found = {f: next((n for n in names if n in raw.columns), None) for f, names in columns.items()}
    if found["name"] is None:
        raise InputError(
            f"名称の列（{', '.join(columns['name'])}）がありません。見つかった列: {_cols(raw)} / no name column.",
            path=path,
            where=f"行 {table.header_line}",
        )
    has_xy = found["lat"] is not None and found["lon"] is not None
    if not has_xy and found["municipality_code"] is None:
        raise InputError(
            "位置を表す列がありません。緯度・経度の列（lat, lon / 緯度, 経度）か市区町村コードの列"
            f"（municipality_code / 市区町村コード）が必要です。見つかった列: {_cols(raw)} / "
            "no usable coordinate columns (lat/lon) and no municipality_code column.",
            path=path,
            where=f"行 {table.header_line}",
        )
    n = len(raw)
    lines = raw[LINE].to_numpy()
    get = {f: (raw[c].tolist() if c is not None else [None] * n) for f, c in found.items()}
    notes: list[RowIssue] = []
    rejected: list[RowIssue] = []
    out = pd.DataFrame({"line": lines})
    out["source"] = source
    out["name"] = get["name"]
    ids = []
    for line, value in zip(lines, get["id"], strict=True):
        fid = value if value else f"{path.stem}:{line}"
        base, k = fid, 1
        while fid in seen_ids:
            k += 1
            fid = f"{base}#{k}"
        if k > 1:
            notes.append(
                RowIssue(
                    source,
                    int(line),
                    "duplicate_id",
                    f"ID {base!r} が重複しているため {fid!r} としました / duplicate id renamed",
                )
            )
        seen_ids.add(fid)
        ids.append(fid)
    out["id"] = ids
    out["kind"] = [_kind(v) for v in get["kind"]]
    for f in ("phone", "address", "url"):
        out[f] = get[f]
    for f in BOOLEAN_FIELDS:
        parsed = {v: parse_bool(v) for v in set(get[f])}
        values = [parsed[v] for v in get[f]]
        for i, b in enumerate(values):
            if b is _BAD:
                v = get[f][i]
                notes.append(
                    RowIssue(
                        source,
                        int(lines[i]),
                        "bad_boolean",
                        f"{found[f]}={v!r}: {labels.REASONS['bad_boolean']}",
                        get["name"][i] or "",
                    )
                )
                values[i] = None
        out[f] = pd.array(values, dtype="boolean")
    lat = _numbers(get["lat"])
    lon = _numbers(get["lon"])
    bad_xy = np.array(
        [(a is not None or b is not None) for a, b in zip(get["lat"], get["lon"], strict=True)]
    ) & (np.isnan(lat) | np.isnan(lon))
    zero = (lat == 0) & (lon == 0)
    lat[zero] = np.nan
    lon[zero] = np.nan
    mcode = [codes.normalize_code(v) for v in get["municipality_code"]]
    out["municipality_code"] = mcode
    unit, placed_by, lon, lat = _place(units, lon, lat, mcode, get["municipality_code"])
    reasons = []
    for i in range(n):
        name = get["name"][i]
        if not name:
            reasons.append("no_name")
        elif unit[i] is not None:
            reasons.append(None)
        elif bad_xy[i]:
            reasons.append("bad_coordinates")
        elif not np.isnan(lat[i]):
            reasons.append("outside")
        elif get["municipality_code"][i] and mcode[i] is None:
            reasons.append("bad_code")
        elif mcode[i] is not None:
            reasons.append("unknown_code")
        else:
            reasons.append("no_location")
    for i, r in enumerate(reasons):
        if r is not None:
            rejected.append(RowIssue(source, int(lines[i]), r, labels.REASONS[r], get["name"][i] or ""))
        elif placed_by[i] == "code" and bad_xy[i]:
            notes.append(
                RowIssue(
                    source,
                    int(lines[i]),
                    "bad_coordinates",
                    labels.REASONS["bad_coordinates"] + "（市区町村コードで配置）",
                    get["name"][i] or "",
                )
            )
        elif placed_by[i] == "code" and not np.isnan(lat[i]):
            notes.append(
                RowIssue(
                    source,
                    int(lines[i]),
                    "outside",
                    labels.REASONS["outside"] + "（市区町村コードで配置）",
                    get["name"][i] or "",
                )
            )
        elif placed_by[i] == "swapped":
            notes.append(
                RowIssue(
                    source,
                    int(lines[i]),
                    "swapped",
                    "緯度と経度が入れ替わっていたため入れ替えました / lat and lon were swapped",
                    get["name"][i] or "",
                )
            )
    out["unit"] = unit
    out["placed_by"] = placed_by
    out["lon"] = lon
    out["lat"] = lat
    keep = np.array([r is None for r in reasons], dtype=bool)
    out = out.loc[keep].reset_index(drop=True)
    has_point = ~np.isnan(out["lat"].to_numpy(dtype=float))
    geometry = np.full(len(out), None, dtype=object)
    geometry[has_point] = shapely.points(
        out["lon"].to_numpy(dtype=float)[has_point], out["lat"].to_numpy(dtype=float)[has_point]
    )
    frame = gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geometry, crs=crs.GEOGRAPHIC), crs=crs.GEOGRAPHIC)
    frame = frame[list(FACILITY_COLUMNS)]
    placed = {k: int((out["placed_by"] == k).sum()) for k in labels.PLACED_BY}
    log = ImportLog(
        source=str(path),
        encoding=table.encoding,
        rows=n,
        placed=MappingProxyType(placed),
        rejected=tuple(rejected),
        notes=tuple(sorted(notes, key=lambda r: r.line)),
    )
    return frame, log


def _place(
    units: gpd.GeoDataFrame,
    lon: np.ndarray,
    lat: np.ndarray,
    mcode: list[str | None],
    raw_code: list[str | None],
) -> tuple[list[str | None], list[str | None], np.ndarray, np.ndarray]:
    """Assign units: by point, then swapped point, then code."""
    n = len(lon)
    unit: list[str | None] = [None] * n
    placed_by: list[str | None] = [None] * n
    lon = lon.copy()
    lat = lat.copy()
    index = units.index.to_numpy()
    tree = shapely.STRtree(units.geometry.values)

    def locate(x: np.ndarray, y: np.ndarray, rows: np.ndarray) -> dict[int, str]:
        if len(rows) == 0:
            return {}
        pts = shapely.points(x[rows], y[rows])
        p, u = tree.query(pts, predicate="intersects")
        hit: dict[int, str] = {}
        for pi, ui in zip(p, u, strict=True):
            row = int(rows[pi])
            code = index[ui]
            if row not in hit or code < hit[row]:
                hit[row] = code
        return hit

    has_xy = ~(np.isnan(lon) | np.isnan(lat))
    rows = np.flatnonzero(has_xy)
    for row, code in locate(lon, lat, rows).items():
        unit[row], placed_by[row] = code, "point"
    missing = np.array([i for i in rows if unit[i] is None], dtype=int)
    if len(missing):
        for row, code in locate(lat, lon, missing).items():  # swapped
            unit[row], placed_by[row] = code, "swapped"
            lon[row], lat[row] = lat[row], lon[row]
    targets = unit_targets(units)
    for i in range(n):
        if unit[i] is None and mcode[i] is not None:
            found = targets.get(mcode[i])
            if found and len(found) == 1:
                unit[i], placed_by[i] = found[0], "code"
    return unit, placed_by, lon, lat


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


def _kind(value: str | None) -> str | None:
    if not value:
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    if text.lower() in labels.KINDS:
        return text.lower()
    return _KIND_BY_LABEL.get(text, text)


def _numbers(values: list[str | None]) -> np.ndarray:
    """Parse numbers (full-width digits and thousands separators allowed); NaN when unreadable."""
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
    out[~np.isfinite(out)] = np.nan
    return out


def _cols(frame: pd.DataFrame) -> str:
    return ", ".join(c for c in frame.columns if c != LINE)
