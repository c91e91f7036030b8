"""Reference layers: secondary medical areas, health-center areas, ... per unit.

A reference CSV has one row per municipality (or ward) keyed by its code, and one
column per layer, e.g. ``boundaries/43_kumamoto/reference.csv``::

    n03_code,municipality,ward,municipality_code,secondary_medical_area,health_center
    43101,熊本市,中央区,43100,熊本・上益城,熊本市保健所

The key column is the first of ``n03_code``, ``code``, ``municipality_code``
(or Japanese 市区町村コード / 団体コード) that is present. Name columns
(``municipality``, ``ward``, ``name``) are ignored; every other column is a layer.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo_zaitaku import codes, labels
from geo_zaitaku._errors import InputError
from geo_zaitaku._io import LINE
from geo_zaitaku.sources.tabular import read_table

KEY_COLUMNS = ("n03_code", "code", "municipality_code", "市区町村コード", "団体コード")
NAME_COLUMNS = {
    "municipality",
    "ward",
    "name",
    "市区町村",
    "市区町村名",
    "区",
    "名称",
    "n03_code",
    "code",
    "municipality_code",
    "市区町村コード",
    "団体コード",
}
#: Free-text columns that are no layer (「備考」 as a layer made every area 「備考の2圏域
#: （メモ7・メモ38）をまとめています」); they are named in an info finding.
NOTE_COLUMNS = {"備考", "メモ", "注記", "摘要", "note", "notes", "memo", "remarks", "comment", "comments"}


def load_reference(path: str | Path, units: gpd.GeoDataFrame) -> pd.DataFrame:
    """Load reference layers and align them to the units.

    Rows keyed by ward codes are folded into their city when the units are
    municipalities (the city takes the layer value its wards share; wards that
    disagree give ``"A・B"``).

    Parameters
    ----------
    path
        The reference table: CSV/TSV (UTF-8, UTF-8 with BOM or cp932), ``.xlsx`` or a zip holding one CSV (read with
        :func:`geo_zaitaku.sources.tabular.read_table`).
    units
        Units frame (index = code).

    Returns
    -------
    pandas.DataFrame
        Index = unit code (every unit, in the units' order; ``None`` where the CSV has
        no row), one column per layer. ``attrs["unmatched"]`` lists rows whose code
        matches no unit (line, code).

    Raises
    ------
    InputError
        No key column, no layer column, or a malformed code (with its line).
    """
    path = Path(path)
    table = read_table(path, what=labels.FILES["reference"], header_hint=KEY_COLUMNS)
    frame = table.frame
    key = next((k for k in KEY_COLUMNS if k in frame.columns), None)
    if key is None:
        raise InputError(
            labels.error("reference_no_code_column", names=", ".join(KEY_COLUMNS)),
            path=path,
            where=labels.PLACES["first_line"],
        )
    layers = [c for c in frame.columns if c not in NAME_COLUMNS and c not in NOTE_COLUMNS and c != LINE]
    notes = [c for c in frame.columns if c in NOTE_COLUMNS]
    if not layers:
        raise InputError(
            labels.error("reference_no_layers"),
            path=path,
        )
    targets = unit_targets(units)
    rows: dict[str, list[dict[str, str | None]]] = {}
    unmatched = []
    first: dict[str, dict[str, object]] = {}  # code -> its first row
    for record in frame.to_dict("records"):
        code = codes.normalize_code(record[key])
        if code is None and not record[key]:
            raise InputError(
                labels.error("reference_empty_code", column=key),
                path=path,
                where=labels.at_line(record[LINE]),
            )
        if code is None:
            raise InputError(
                labels.error("reference_bad_code", code=record[key]),
                path=path,
                where=labels.at_line(record[LINE]),
            )
        if code in first:  # a second row of one code: the same (skipped) or a contradiction
            earlier = first[code]
            if any(earlier[layer] != record[layer] for layer in layers):
                raise InputError(
                    labels.error("reference_code_twice", code=code, line=earlier[LINE]),
                    path=path,
                    where=labels.at_line(record[LINE]),
                )
            continue
        first[code] = record
        found = targets.get(code)
        if not found and "municipality_code" in frame.columns:
            found = targets.get(codes.normalize_code(record["municipality_code"]) or "")
        if not found:
            unmatched.append({"line": int(record[LINE]), "code": code})
            continue
        for unit in found:
            rows.setdefault(unit, []).append({layer: record[layer] for layer in layers})
    out = pd.DataFrame(index=units.index.copy(), columns=layers, dtype=object)
    for unit, values in rows.items():
        for layer in layers:
            seen: list[str] = []
            for v in values:
                if v[layer] and v[layer] not in seen:
                    seen.append(v[layer])
            out.at[unit, layer] = "・".join(seen) if seen else None
    # a layer of the user's own is named as the file writes it (the known ones keep
    # their keys: secondary_medical_area …, which the reports translate)
    out = out.rename(columns={c: table.as_written(c) for c in layers if c not in labels.LAYERS})
    out.attrs["unmatched"] = unmatched
    out.attrs["note_columns"] = [table.as_written(c) for c in notes]
    out.attrs["source"] = str(path)
    return out


def unit_targets(units: gpd.GeoDataFrame) -> dict[str, tuple[str, ...]]:
    """Map every code a table may use to the unit codes it stands for.

    A unit's own code maps to itself; a ward code maps to its merged city
    (municipality-level units); a designated city's code maps to its wards
    (ward-level units).
    """
    codes = units.index.tolist()
    targets: dict[str, tuple[str, ...]] = {code: (code,) for code in codes}
    for code, wcodes in zip(codes, units["ward_codes"].tolist(), strict=True):
        if isinstance(wcodes, str) and wcodes:
            for w in wcodes.split("・"):
                targets.setdefault(w, (code,))
    wards = units[units["ward"].notna()]
    for mcode, group in wards.groupby("municipality_code"):
        targets.setdefault(str(mcode), tuple(group.index))
    return targets
