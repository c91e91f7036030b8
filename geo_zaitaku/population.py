"""Population by unit: totals, older age groups, and population centroids.

A population CSV has one row per municipality (or ward)::

    code,population,pop_65over,pop_75over,pop_85over,pop_lat,pop_lon
    43100,738865,...

Accepted headers: ``code`` / 市区町村コード / 団体コード / 地域コード; ``population`` /
人口 / 総人口 / 人口総数 / 総数; ``pop_65over`` / 65歳以上; ``pop_75over`` / 75歳以上;
``pop_85over`` / 85歳以上; ``pop_lat``/``pop_lon`` / 人口重心緯度・人口重心経度 (the
Statistics Bureau publishes municipal population centroids). Codes may carry the
check digit. Numbers may have thousands separators or full-width digits.

Rows for a designated city and for its wards may both be present (e-Stat tables list
both): the city row is used for municipality-level units and the ward rows for
ward-level units; the other rows are listed as skipped, with the reason. Rows whose
code matches no unit (another prefecture, the prefecture total) are listed too.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import geopandas as gpd
import numpy as np
import pandas as pd

from geo_zaitaku import codes
from geo_zaitaku._errors import InputError
from geo_zaitaku._io import LINE, read_text_table
from geo_zaitaku.facilities import RowIssue

POPULATION_FIELDS = ("population", "pop_65over", "pop_75over", "pop_85over")
CENTROID_FIELDS = ("pop_lat", "pop_lon")
COLUMNS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "code": (
            "code",
            "municipality_code",
            "n03_code",
            "市区町村コード",
            "団体コード",
            "地域コード",
            "全国地方公共団体コード",
        ),
        "population": ("population", "人口", "総人口", "人口総数", "総数"),
        "pop_65over": ("pop_65over", "65歳以上", "65歳以上人口"),
        "pop_75over": ("pop_75over", "75歳以上", "75歳以上人口"),
        "pop_85over": ("pop_85over", "85歳以上", "85歳以上人口"),
        "pop_lat": ("pop_lat", "人口重心緯度", "人口重心_緯度", "centroid_lat"),
        "pop_lon": ("pop_lon", "人口重心経度", "人口重心_経度", "centroid_lon"),
    }
)


@dataclass(frozen=True, eq=False)
class PopulationImport:
    """Population aligned to units, and what happened to every row.

    Attributes
    ----------
    frame
        Index = unit code (only units with data), columns :data:`POPULATION_FIELDS`
        and :data:`CENTROID_FIELDS` (NaN when not given).
    source
        The file read.
    rows
        Rows read.
    skipped
        Rows not used, with the reason.
    missing
        Units with no population row.
    """

    frame: pd.DataFrame
    source: str
    rows: int
    skipped: tuple[RowIssue, ...]
    missing: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready summary."""
        return {
            "source": self.source,
            "rows": self.rows,
            "used": self.rows - len(self.skipped),
            "skipped": [vars(r) for r in self.skipped],
            "missing_units": list(self.missing),
        }


def load_population(path: str | Path, units: gpd.GeoDataFrame) -> PopulationImport:
    """Read a population CSV and align it to the units.

    Parameters
    ----------
    path
        The CSV.
    units
        Units frame (index = code).

    Returns
    -------
    PopulationImport

    Raises
    ------
    InputError
        No code column, no population column, or a number that cannot be read (with
        its line).
    """
    path = Path(path)
    table = read_text_table(path, what="人口CSV", header_hint=COLUMNS["code"])
    raw = table.frame
    found = {f: next((n for n in names if n in raw.columns), None) for f, names in COLUMNS.items()}
    if found["code"] is None:
        raise InputError(
            f"コード列（{', '.join(COLUMNS['code'])}）がありません。 / no code column.",
            path=path,
            where=f"行 {table.header_line}",
        )
    if found["population"] is None:
        raise InputError(
            f"人口の列（{', '.join(COLUMNS['population'])}）がありません。 / no population column.",
            path=path,
            where=f"行 {table.header_line}",
        )
    source = path.name
    skipped: list[RowIssue] = []
    records: dict[str, dict[str, float]] = {}
    lines: dict[str, int] = {}
    for rec in raw.to_dict("records"):
        line = int(rec[LINE])
        code = codes.normalize_code(rec[found["code"]])
        if code is None:
            skipped.append(
                RowIssue(
                    source, line, "bad_code", f"コード {rec[found['code']]!r} を読めません / malformed code"
                )
            )
            continue
        if code in records:
            skipped.append(
                RowIssue(
                    source,
                    line,
                    "duplicate_code",
                    f"{code}: 行 {lines[code]} と重複 / duplicate of line {lines[code]}",
                )
            )
            continue
        values = {}
        for f in (*POPULATION_FIELDS, *CENTROID_FIELDS):
            col = found[f]
            value = _number(rec[col]) if col else np.nan
            if value is None:
                raise InputError(
                    f"{col} の値 {rec[col]!r} を数値として読めません。 / not a number.",
                    path=path,
                    where=f"行 {line}",
                )
            values[f] = value
        records[code] = values
        lines[code] = line
    frame, used = _align(records, units)
    for code, line in lines.items():
        if code not in used:
            why = used_reason(code, units)
            skipped.append(RowIssue(source, line, why[0], why[1]))
    missing = tuple(c for c in units.index if c not in frame.index or np.isnan(frame.at[c, "population"]))
    return PopulationImport(frame, str(path), len(raw), tuple(sorted(skipped, key=lambda r: r.line)), missing)


def used_reason(code: str, units: gpd.GeoDataFrame) -> tuple[str, str]:
    """Why a population row was not used."""
    if code in set(units["municipality_code"]) and code not in units.index:
        return "city_total", f"{code}: 政令市全体の行（区ごとの行を使用） / city total; ward rows used"
    wards = units["ward_codes"].dropna()
    if any(code in w.split("・") for w in wards):
        return "ward_row", f"{code}: 区の行（市全体の行を使用） / ward row; city row used"
    return "unknown_code", f"{code}: どの市区町村にも一致しません / matches no unit"


def _align(records: dict[str, dict[str, float]], units: gpd.GeoDataFrame) -> tuple[pd.DataFrame, set[str]]:
    rows: dict[str, dict[str, float]] = {}
    used: set[str] = set()
    for code in units.index:
        if code in records:
            rows[code] = records[code]
            used.add(code)
            continue
        wcodes = units.at[code, "ward_codes"]
        if isinstance(wcodes, str) and wcodes:
            parts = [records[w] for w in wcodes.split("・") if w in records]
            if parts:
                rows[code] = _combine(parts)
                used.update(w for w in wcodes.split("・") if w in records)
    cols = [*POPULATION_FIELDS, *CENTROID_FIELDS]
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=cols).astype(float)
    frame.index.name = "code"
    return frame, used


def _combine(parts: list[dict[str, float]]) -> dict[str, float]:
    out = {f: float(np.nansum([p[f] for p in parts])) for f in POPULATION_FIELDS}
    for f in POPULATION_FIELDS:
        if all(np.isnan(p[f]) for p in parts):
            out[f] = np.nan
    w = np.array([p["population"] for p in parts])
    for f in CENTROID_FIELDS:
        v = np.array([p[f] for p in parts])
        ok = ~np.isnan(v) & ~np.isnan(w)
        out[f] = float(np.average(v[ok], weights=w[ok])) if ok.all() and w[ok].sum() > 0 else np.nan
    return out


def _number(value: str | None) -> float | None:
    if value is None:
        return np.nan
    text = unicodedata.normalize("NFKC", value).replace(",", "").strip()
    if text in ("", "-", "…", "x", "X", "***"):
        return np.nan
    try:
        return float(text)
    except ValueError:
        return None


def attach_population(
    units: gpd.GeoDataFrame, population: PopulationImport | pd.DataFrame
) -> gpd.GeoDataFrame:
    """Return a copy of ``units`` with the population columns joined (NaN where unknown)."""
    frame = population.frame if isinstance(population, PopulationImport) else population
    out = units.drop(columns=[c for c in (*POPULATION_FIELDS, *CENTROID_FIELDS) if c in units.columns])
    out = out.join(frame.reindex(columns=[*POPULATION_FIELDS, *CENTROID_FIELDS]))
    out.attrs = dict(units.attrs)
    return out
