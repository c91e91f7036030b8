"""Town-level positions (大字・町丁目) for facilities whose list gives only an address.

Official lists (地方厚生局の届出受理医療機関名簿, municipal lists) have addresses but no
coordinates. Once a row is placed in its municipality, :class:`TownGeocoder` looks up
the part of the address after the municipality name (``末永町1-2-3``,
``字上台町12``, ``大字長崎123``, ``北1条西2丁目``) among the 大字・町丁目 of MLIT's
位置参照情報 (:mod:`geo_zaitaku.sources.isj`) of that municipality, and gives the
town's representative point.

Names are compared after :func:`town_key`: NFKC, no spaces, ヶ/ケ/が and ノ/の/之
unified, kanji numerals read as numbers on both sides (``一丁目``, ``1丁目`` and
``１丁目`` are the same; so are ``北一条`` and ``北1条``), and a leading 大字 or 字
dropped. The longest town name at the start wins; ``末永町1-2-3`` is read as
``末永町一丁目`` when the municipality has such a 丁目. A name found twice in a
municipality with points more than :data:`SAME_TOWN_KM` apart is ambiguous and gives
no position.

Such a point is the centre of a town, not the facility's own position: the facility
gets ``position = "town"`` and maps and lists say 「町丁目の位置」. A town point that
falls outside the unit the row was placed in (simplified boundaries, a town name
shared with a neighbour) is not used.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo_zaitaku import schema
from geo_zaitaku.lookup import name_key
from geo_zaitaku.units import WARD_SEP

#: Value of the ``position`` field for a town's representative point.
TOWN = schema.TOWN_POSITION
#: Two entries of one name in one municipality closer than this are one town (km).
SAME_TOWN_KM = 1.0
#: Columns of a towns frame (see :func:`geo_zaitaku.sources.isj.read_isj`).
TOWN_COLUMNS = ("municipality_code", "town", "lon", "lat")

_KANJI_DIGITS = {"〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
_KANJI_NUMBER = re.compile(f"[{''.join(_KANJI_DIGITS)}{''.join(_KANJI_UNITS)}]+")
_VARIANTS = (("が", "ケ"), ("の", "ノ"), ("之", "ノ"))
_NUMBER_HYPHEN = re.compile(r"(\d+)[-‐−ーノ]")


def kanji_number(text: str) -> int:
    """The value of a kanji numeral (``二十一`` -> 21, ``二〇`` -> 20, ``十`` -> 10)."""
    if not any(ch in _KANJI_UNITS for ch in text):
        return int("".join(str(_KANJI_DIGITS[ch]) for ch in text))
    total, current = 0, 0
    for ch in text:
        if ch in _KANJI_DIGITS:
            current = current * 10 + _KANJI_DIGITS[ch]
        else:
            total += (current or 1) * _KANJI_UNITS[ch]
            current = 0
    return total + current


def town_key(text: str) -> str:
    """Normalise a 大字・町丁目 name, or an address after its municipality, for matching.

    Examples
    --------
    >>> town_key("大字長崎"), town_key("末永町１丁目"), town_key("北一条西二丁目"), town_key("霞ヶ丘")
    ('長崎', '末永町1丁目', '北1条西2丁目', '霞ケ丘')
    """
    return town_form(name_key(text))


def town_form(key: str) -> str:
    """:func:`town_key` of a text already normalised with :func:`geo_zaitaku.lookup.name_key`."""
    for a, b in _VARIANTS:
        if a in key:
            key = key.replace(a, b)
    if _KANJI_NUMBER.search(key) is not None:
        key = _KANJI_NUMBER.sub(lambda m: str(kanji_number(m.group(0))), key)
    return key[2:] if key.startswith("大字") else key[1:] if key.startswith("字") else key


@dataclass(frozen=True, eq=False)
class TownIndex:
    """大字・町丁目 by municipality code: normalised name -> (lon, lat), ``None`` when
    the name is ambiguous in that municipality.

    Attributes
    ----------
    towns
        Municipality code (as 位置参照情報 writes it: ward codes for designated cities)
        -> town key -> point or ``None``.
    sources
        The files read.
    """

    towns: Mapping[str, Mapping[str, tuple[float, float] | None]]
    sources: tuple[str, ...] = ()
    _heads: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict, repr=False)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, sources: Sequence[str] = ()) -> TownIndex:
        """Build the index from a towns frame with :data:`TOWN_COLUMNS`."""
        towns: dict[str, dict[str, list[tuple[float, float]]]] = {}
        keys: dict[str, str] = {}
        for code, name, lon, lat in zip(
            frame["municipality_code"].tolist(),
            frame["town"].tolist(),
            frame["lon"].tolist(),
            frame["lat"].tolist(),
            strict=True,
        ):
            if not isinstance(code, str) or not isinstance(name, str) or not name:
                continue
            key = keys.get(name)
            if key is None:
                key = keys[name] = town_key(name)
            if key:
                towns.setdefault(code, {}).setdefault(key, []).append((float(lon), float(lat)))
        out = {code: {k: _one_point(v) for k, v in names.items()} for code, names in towns.items()}
        heads: dict[str, dict[str, tuple[str, ...]]] = {}
        for code, names in out.items():
            by_head: dict[str, list[str]] = {}
            for k in names:
                by_head.setdefault(k[0], []).append(k)
            heads[code] = {h: tuple(sorted(ks, key=len, reverse=True)) for h, ks in by_head.items()}
        return cls(out, tuple(sources), heads)

    def __len__(self) -> int:
        return sum(len(v) for v in self.towns.values())

    def find(self, code: str, rest: str) -> tuple[float, float] | None:
        """The point of the town named at the start of ``rest`` (a :func:`town_key`)
        in municipality ``code``; ``None`` when none (or an ambiguous one) is named."""
        names = self.towns.get(code)
        if not names or not rest:
            return None
        hyphen = _NUMBER_HYPHEN.search(rest)
        if hyphen is not None:  # 末永町1-2-3 is 末永町一丁目 when there is one
            chome = f"{rest[: hyphen.start()]}{int(hyphen.group(1))}丁目"
            if chome in names:
                return names[chome]
        for key in self._heads[code].get(rest[0], ()):
            if rest.startswith(key):
                return names[key]
        return None


class TownGeocoder:
    """Town-level positions of rows placed in units.

    Parameters
    ----------
    index
        The 大字・町丁目 to look names up in.
    units
        The units rows are placed in (a merged designated city looks in its wards,
        choosing the ward named after the city when there is one).
    """

    def __init__(self, index: TownIndex, units: gpd.GeoDataFrame) -> None:
        self.index = index
        self.units = units
        self._wards: dict[str, list[tuple[str, str]]] = {}
        for code, wcodes, wnames in zip(units.index, units["ward_codes"], units["ward_names"], strict=True):
            if isinstance(wcodes, str) and wcodes and isinstance(wnames, str):
                pairs = zip(wcodes.split(WARD_SEP), wnames.split(WARD_SEP), strict=True)
                self._wards[code] = [(town_form(name_key(n)), c) for c, n in pairs]

    def position(self, unit: str, rest: str) -> tuple[float, float] | None:
        """The town point of the address part ``rest`` (after the municipality, normalised
        with :func:`geo_zaitaku.lookup.name_key`) in ``unit``."""
        key = town_form(rest)
        wards = self._wards.get(unit)
        if not wards:
            return self.index.find(unit, key)
        for wname, wcode in wards:
            if key.startswith(wname):
                return self.index.find(wcode, town_form(key[len(wname) :]))
        found = {p for _, wcode in wards if (p := self.index.find(wcode, key)) is not None}
        return found.pop() if len(found) == 1 else None

    def positions(
        self, units: Sequence[str], rests: Sequence[str]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Town points of many rows: (lon, lat, status) with NaN where there is none.

        ``status`` is ``"town"`` (a point inside the row's unit), ``"outside"`` (a town
        found whose point lies outside the unit; not used) or ``"unmatched"``.
        """
        n = len(units)
        lon = np.full(n, np.nan)
        lat = np.full(n, np.nan)
        status = np.full(n, "unmatched", dtype=object)
        for i, (unit, rest) in enumerate(zip(units, rests, strict=True)):
            found = self.position(unit, rest)
            if found is not None:
                lon[i], lat[i] = found
        hit = ~np.isnan(lon)
        if hit.any():
            geoms = self.units.geometry.reindex(np.asarray(units, dtype=object)[hit]).to_numpy()
            inside = shapely.intersects_xy(geoms, lon[hit], lat[hit])
            rows = np.flatnonzero(hit)
            status[rows[inside]] = TOWN
            status[rows[~inside]] = "outside"
            lon[rows[~inside]] = np.nan
            lat[rows[~inside]] = np.nan
        return lon, lat, status


def _one_point(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """One point for a name listed once or several times close together, else ``None``."""
    if len(points) == 1:
        return points[0]
    lon = [p[0] for p in points]
    lat = [p[1] for p in points]
    km_lat = (max(lat) - min(lat)) * 111.0
    km_lon = (max(lon) - min(lon)) * 111.0 * math.cos(math.radians(sum(lat) / len(lat)))
    if math.hypot(km_lat, km_lon) > SAME_TOWN_KM:
        return None
    return (sum(lon) / len(lon), sum(lat) / len(lat))
