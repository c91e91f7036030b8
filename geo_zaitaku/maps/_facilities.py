"""Facilities as one compact table for the maps' script.

Instead of one Folium object per marker (the naive way, about 0.24 s and 0.23 MB per
1,000 markers), the facilities are written once as a JSON table — positions rounded to
about 1 m, kinds and municipalities as indexes, the municipality part of addresses
factored out — and the markers are built in the browser by ``gz_map.js``. User text
stays data: the script inserts it with ``textContent`` only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

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


def tel_href(phone: object) -> str | None:
    """A ``tel:`` link of the digits (and ``+``) of a phone number, ``None`` when it has
    fewer than three digits (the same rule as the page script's)."""
    digits = "".join(ch for ch in str(phone or "") if ch in "0123456789+")
    return f"tel:{digits}" if len(digits) >= 3 else None


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
    frame = facilities.loc[located]
    kinds = kind_order(frame["kind"].tolist())
    kind_index = {k: i for i, k in enumerate(kinds)}
    flags = np.zeros(len(frame), dtype=int)
    for column, bit in FLAGS.items():
        values = pd.array(frame[column], dtype="boolean").fillna(False).to_numpy(dtype=bool)
        flags |= np.where(values, bit, 0)
    said_no = pd.array(frame["is_24h"], dtype="boolean").fillna(True).to_numpy(dtype=bool)
    flags |= np.where(~said_no, NOT_24H, 0)
    prefixes, prefix_of = _address_prefixes(units)
    positions = frame["position"].tolist() if "position" in frame else [None] * len(frame)
    urls = frame["url"].tolist()
    urls = [u if isinstance(u, str) and _SAFE_URL.match(u) else "" for u in urls]
    rows = []
    for fid, y, x, kind, f, name, unit, address, phone, url, position in zip(
        frame["id"].tolist(),
        np.round(lat[located], 5).tolist(),
        np.round(lon[located], 5).tolist(),
        frame["kind"].tolist(),
        flags.tolist(),
        frame["name"].tolist(),
        frame["unit"].tolist(),
        frame["address"].tolist(),
        frame["phone"].tolist(),
        urls,
        positions,
        strict=True,
    ):
        u, rest = -1, address if isinstance(address, str) else ""
        for candidate in prefix_of.get(unit, ()):
            if rest.startswith(prefixes[candidate]):
                u, rest = candidate, rest[len(prefixes[candidate]) :]
                break
        rows.append(
            [
                fid,
                y,
                x,
                kind_index[_kind(kind)],
                f,
                name,
                u,
                rest,
                phone if isinstance(phone, str) else "",
                url,
                position if position == schema.TOWN_POSITION else "",  # 町丁目の位置: never shown as exact
            ]
        )
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
        "rows": rows,
        "cluster": cluster,
        "unlocated": int((~located).sum()),
    }


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
