"""Facilities as one compact table for the maps' script.

Instead of one Folium object per marker (the naive way, about 0.24 s and 0.23 MB per
1,000 markers), the facilities are written once as a JSON table — positions rounded to
about 1 m, kinds and municipalities as indexes, the municipality part of addresses
factored out — and the markers are built in the browser by ``gz_map.js``. User text
stays data: the script inserts it with ``textContent`` only.
"""

from __future__ import annotations

import base64
import json
import re
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo_zaitaku import labels, schema
from geo_zaitaku.maps._style import kind_color

#: Bit flags of a facility row (the page receives them with the data): one per yes/no
#: field, set when the data say yes, and :data:`NOT_24H` when they say no to 24-hour
#: service (neither bit: unknown).
FLAGS = schema.FLAG_BITS
NOT_24H = 1 << len(FLAGS)
COLUMNS = ("id", "lat", "lon", "kind", "flags", "name", "unit", "address", "phone", "url", "position")
_SAFE_URL = re.compile(r"^https?://", re.IGNORECASE)


def kind_order(kinds: Sequence[str | None]) -> list[str]:
    """Kinds present, in the order of :data:`geo_zaitaku.schema.KINDS` then unknown kinds by name."""
    present = {_kind(k) for k in kinds}
    known = [k for k in schema.KINDS if k in present]
    return known + sorted(present - set(known))


def safe_url(value: object) -> str | None:
    """The URL when it is http(s), else ``None`` (``javascript:`` and the like are dropped)."""
    return value if isinstance(value, str) and _SAFE_URL.match(value.strip()) else None


_PHONE_LEAD = re.compile(r"\s*(\+?[(0-9][0-9\-\s().]*)")


def tel_href(phone: object) -> str | None:
    """A ``tel:`` link of the number at the start of a phone cell (its digits and
    ``+``; 「096-123-4567（代表）」 dials 0961234567), ``None`` when the cell does not
    start with one of three digits or more (「=1+1」); the same rule as the page script's."""
    lead = _PHONE_LEAD.match(str(phone or ""))
    digits = "".join(ch for ch in lead.group(1) if ch in "0123456789+") if lead else ""
    return f"tel:{digits}" if len(digits.replace("+", "")) >= 3 else None


def facility_table(
    facilities: gpd.GeoDataFrame,
    units: gpd.GeoDataFrame,
    *,
    hidden_kinds: Sequence[str] = (),
    cluster: bool = True,
) -> dict[str, Any]:
    """Build the JSON-ready table the map script reads.

    Rows without coordinates (placed by municipality code only) are left out; their
    number is returned as ``"unlocated"``.

    Parameters
    ----------
    facilities
        Facilities frame (see :mod:`geo_zaitaku.sources.facilities`).
    units
        Units frame, for municipality names (address prefixes).
    hidden_kinds
        Kinds whose layer starts hidden.
    cluster
        Whether the markers are clustered.
    """
    lat = facilities["lat"].to_numpy(dtype=float)
    lon = facilities["lon"].to_numpy(dtype=float)
    located = ~(np.isnan(lat) | np.isnan(lon))
    frame = facilities.loc[located] if not located.all() else facilities
    kind_codes, kind_uniques = pd.factorize(frame["kind"].reset_index(drop=True))
    kind_values = [_kind(k) for k in kind_uniques]
    if (kind_codes < 0).any():  # no kind given
        kind_codes[kind_codes < 0] = len(kind_values)
        kind_values.append(_kind(None))
    kinds = kind_order(kind_values)
    kind_index = {k: i for i, k in enumerate(kinds)}
    flags = np.zeros(len(frame), dtype=np.int64)
    for column, bit in FLAGS.items():
        values = pd.array(frame[column], dtype="boolean").fillna(False).to_numpy(dtype=bool)
        flags |= np.where(values, bit, 0)
    said_no = pd.array(frame["is_24h"], dtype="boolean").fillna(True).to_numpy(dtype=bool)
    flags |= np.where(~said_no, NOT_24H, 0)
    prefixes, prefix_of = _address_prefixes(units)
    address = _text(frame["address"])
    unit_of, cut = _split_addresses(frame["unit"].reset_index(drop=True), address, prefixes, prefix_of)
    url = _text(frame["url"])
    position = _text(frame["position"]) if "position" in frame else pd.Series([""] * len(frame), dtype="str")
    # the columns as arrays: each becomes a Python list only while it is written
    # (see table_columns), never all of them at once
    cols: dict[str, Any] = {
        "id": _text(frame["id"]),
        "lat": np.round(lat[located], 5),
        "lon": np.round(lon[located], 5),
        "kind": np.array([kind_index[k] for k in kind_values], dtype=np.int64)[kind_codes],
        "flags": flags,
        "name": _text(frame["name"]),
        "unit": unit_of,
        "address": _Rest(address, cut),
        "phone": _text(frame["phone"]),
        "url": url.where(url.str.match(_SAFE_URL.pattern, case=False).astype(bool), ""),
        # 町丁目の位置: never shown as exact
        "position": position.where(position == schema.TOWN_POSITION, ""),
    }
    return {
        "columns": {c: i for i, c in enumerate(COLUMNS)},
        "flags": {**FLAGS, "not_24h": NOT_24H},
        "kinds": [
            {
                "id": k,
                "label": labels.kind_label(k),
                "color": kind_color(k, i),
                "visible": k not in hidden_kinds,
            }
            for i, k in enumerate(kinds)
        ],
        "functions": [{"id": f, "label": labels.FUNCTIONS[f][0]} for f in schema.FUNCTION_FIELDS],
        "units": prefixes,
        "n": len(frame),
        "cols": cols,
        "cluster": cluster,
        "unlocated": int((~located).sum()),
        # key institutions that are hubs too (drawn as both, in both overlays)
        "both": int(
            np.count_nonzero(((flags & FLAGS["key_institution"]) > 0) & ((flags & FLAGS["hub"]) > 0))
        ),
    }


def column_list(values: Any) -> list[Any]:
    """One column of a facility table (see :func:`facility_table`) as a JSON-ready list."""
    if isinstance(values, _Rest):
        return values.tolist()
    if isinstance(values, pd.Series):
        return values.to_numpy(dtype=object, na_value=None).tolist()
    if isinstance(values, np.ndarray):
        return values.tolist()
    return list(values)


def table_rows(table: Mapping[str, Any]) -> list[list[Any]]:
    """The rows of a facility table (as the page script builds them from its columns):
    one list per facility, in the order of ``table["columns"]``."""
    cols = table["cols"]
    return [list(row) for row in zip(*(column_list(cols[c]) for c in COLUMNS), strict=True)]


def packed_table(table: dict[str, Any], *, above: int) -> dict[str, Any] | str:
    """The table ready for the page: as it is (its columns as lists) when its JSON is at
    most ``above`` characters, else a base64 string of its gzip-compressed JSON (as
    :func:`geo_zaitaku.maps.base.packed` writes any value); the page decompresses it
    with the browser's ``DecompressionStream``.

    The JSON is made and compressed one column at a time, so neither the whole JSON
    text of a large table (about 70 MB for 500,000 facilities) nor all of its columns as
    Python lists are ever held at once. It decodes to the same object as
    ``json.dumps(table)`` would (``"cols"`` written last).
    """
    gz = zlib.compressobj(4, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # gzip format, no file name or time
    size = 0
    chunks: list[bytes] = []

    def add(text: str) -> None:
        nonlocal size
        size += len(text)
        chunks.append(gz.compress(text.encode("utf-8")))

    head = {k: v for k, v in table.items() if k != "cols"}
    add(_json(head)[:-1])  # without its closing brace: the columns follow
    lists: dict[str, list[Any]] = {}
    add(',"cols":{')
    for k, (name, values) in enumerate(table["cols"].items()):
        values = column_list(values)
        add(("," if k else "") + _json(name) + ":" + _json(values))
        if size <= above:  # kept while the table may still be given as it is
            lists[name] = values
        else:
            lists.clear()
        del values
    add("}}")
    if size <= above:
        return {**head, "cols": lists}
    chunks.append(gz.flush())
    return base64.b64encode(b"".join(chunks)).decode("ascii")


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _objects(values: pd.Series) -> np.ndarray:
    return values.to_numpy(dtype=object, na_value=None)


def _text(values: pd.Series) -> pd.Series:
    """A text column as strings, empty where missing (positions 0..n-1)."""
    out = values.reset_index(drop=True)
    if not isinstance(out.dtype, pd.StringDtype):
        out = out.astype("str")
    return out.fillna("")


class _Rest:
    """Addresses without their first ``cut`` characters (the municipality part), made
    as Python strings only when the column is written."""

    def __init__(self, texts: pd.Series, cut: np.ndarray) -> None:
        self.texts, self.cut = texts, cut

    def __len__(self) -> int:
        return len(self.cut)

    def tolist(self) -> list[str]:
        texts = self.texts.to_numpy(dtype=object, na_value="").tolist()
        return [t[k:] if k else t for t, k in zip(texts, self.cut.tolist(), strict=True)]


def _split_addresses(
    unit: pd.Series, address: pd.Series, prefixes: list[str], prefix_of: Mapping[str, list[int]]
) -> tuple[np.ndarray, np.ndarray]:
    """Each address's municipality part as an index into ``prefixes`` (-1: none) and
    its length: 「熊本県玉名市岱明町…」 -> (index of 熊本県玉名市, 6). Only the unit's
    own names are tried, in order; the first that begins the address is taken."""
    n = len(address)
    which = np.full(n, -1, dtype=np.int64)
    cut = np.zeros(n, dtype=np.int64)
    codes, uniques = pd.factorize(unit, use_na_sentinel=True)
    if not len(uniques):
        return which, cut
    arrow = pa.array(address.array)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    for k, code in enumerate(uniques):
        left = order[bounds[k] : bounds[k + 1]]
        for candidate in prefix_of.get(code, ()):
            if not len(left):
                break
            prefix = prefixes[candidate]
            hit = pc.starts_with(arrow.take(pa.array(left)), pattern=prefix).to_numpy(zero_copy_only=False)
            if hit.any():
                which[left[hit]] = candidate
                cut[left[hit]] = len(prefix)
                left = left[~hit]
    return which, cut


def no_facility_file(logs: Sequence[object], frame: pd.DataFrame) -> bool:
    """Whether the map is drawn without any facility data (no file read, no row)."""
    return not logs and len(frame) == 0


def _kind(value: object) -> str:
    return value if isinstance(value, str) and value else schema.OTHER_KIND


def _address_prefixes(units: gpd.GeoDataFrame) -> tuple[list[str], dict[str, list[int]]]:
    """Address prefixes per unit, longest first: 熊本県熊本市中央区, 熊本市中央区 ..."""
    prefixes: list[str] = []
    index: dict[str, int] = {}
    of: dict[str, list[int]] = {}
    for code, pref, muni, ward in zip(
        units.index, units["pref"], units["municipality"], units["ward"], strict=True
    ):
        pref = pref if isinstance(pref, str) else ""
        names = [f"{muni}{ward}" if isinstance(ward, str) and ward else muni]
        candidates = sorted({pref + n for n in names} | set(names), key=len, reverse=True)
        for c in candidates:
            if c not in index:
                index[c] = len(prefixes)
                prefixes.append(c)
            of.setdefault(code, []).append(index[c])
    return prefixes, of
