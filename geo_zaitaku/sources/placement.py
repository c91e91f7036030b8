"""Placing facility rows in units, by what each row offers, in a documented order.

:class:`Placer` takes every row of a file at once and tries, in this order (the rule
that places a row is its ``placed_by``):

1. ``point`` / ``swapped``: the unit containing the row's coordinates (latitude and
   longitude swapped when only the swapped point lies in Japan);
2. ``code``: the municipality code (市区町村コード, or 都道府県コード + 3 digits);
3. ``prefecture``: the municipality named at the start of the address, unique within
   the row's prefecture, known from a prefecture column (都道府県コード・都道府県名), the
   first two digits of a 10-digit 医療機関コード or 介護保険事業所番号 in the id column,
   or the file's prefecture (``pref``);
4. ``county``: a county and one of its municipalities written in the address
   (``茅部郡森町…``; N03's ``N03_003``);
5. ``postcode``: the postal code (a 郵便番号 column, or one written at the start of
   the address), resolved offline with Japan Post's data
   (:mod:`geo_zaitaku.sources.postcode`), narrowed by the address and prefecture;
6. ``address``: the longest municipality name at the start of the address, only when
   exactly one unit has it (the address's own prefecture, when written, counts).

Whatever places a row by its code or names, every other thing the row says must agree
with it (a row placed by its point is only noted when its code disagrees): a row whose
prefecture column, id code, address and postal code name different prefectures, or
whose address and postal code point to different municipalities, is not placed
(``location_conflict``), since a wrong municipality is worse than none. A row whose
prefecture the units do not cover is ``other_prefecture``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import shapely

from geo_zaitaku import codes, crs, labels
from geo_zaitaku.sources.address import AddressMatch, AddressMatcher
from geo_zaitaku.sources.postcode import PostcodeArea, lookup_postcodes, normalize_postcode
from geo_zaitaku.sources.reference import unit_targets

#: Rules that place a row by what it says about its place (not by coordinates or code).
NAME_RULES = ("prefecture", "county", "postcode", "address")
#: Every placement rule, in the order they are tried.
RULES = ("point", "swapped", "code", *NAME_RULES)
#: Bounding box of Japan (lon_min, lat_min, lon_max, lat_max), for swapped lat/lon.
JAPAN_BOUNDS = crs.JAPAN_BOUNDS
_NO_MATCH = AddressMatch("empty")


@dataclass(frozen=True)
class RowPlaces:
    """What the rows of one file say about where they are (one entry per row).

    Attributes
    ----------
    x, y
        Source coordinates (NaN when missing).
    source_crs
        CRS of the coordinates (``None``: lon/lat).
    mcode
        Municipality code (5 digits) or ``None``.
    pref
        Prefecture code from a prefecture column or the municipality code.
    id_pref
        Prefecture code from a 10-digit institution code in the id column.
    postcode
        Seven-digit postal code from a postal code column.
    address
        The address cell.
    active
        Rows to place (named, and not already set aside).
    """

    x: np.ndarray
    y: np.ndarray
    source_crs: str | None
    mcode: Sequence[str | None]
    pref: Sequence[str | None]
    id_pref: Sequence[str | None]
    postcode: Sequence[str | None]
    address: Sequence[str | None]
    active: np.ndarray


@dataclass(frozen=True)
class Placement:
    """Where every row went, and why the others did not.

    Attributes
    ----------
    unit, placed_by
        The unit code and the rule of :data:`RULES` (``None`` when not placed).
    lon, lat
        The row's point in lon/lat (NaN when none).
    other_pref
        The prefecture of a row set aside as ``other_prefecture``.
    code_ambiguous
        The municipality code stands for several units (wards).
    address_status, address_candidates
        :attr:`AddressMatch.status` and the candidate units of the address.
    conflict
        Why the row's sources disagree (a Japanese detail), ``None`` when they agree.
    rest
        The normalised address after the municipality name (for town positions).
    postcode
        The postal code used or tried, and what Japan Post says of it.
    position
        ``"town"`` for a point given by the row's 大字・町丁目 (set by the town step of
        :mod:`geo_zaitaku.sources.facilities`), else ``None``.
    """

    unit: list[str | None]
    placed_by: list[str | None]
    lon: np.ndarray
    lat: np.ndarray
    other_pref: list[str | None]
    code_ambiguous: list[bool]
    address_status: list[str | None]
    address_candidates: list[tuple[str, ...]]
    conflict: list[str | None] = field(default_factory=list)
    rest: list[str] = field(default_factory=list)
    postcode: list[tuple[str, PostcodeArea | None] | None] = field(default_factory=list)
    position: list[str | None] = field(default_factory=list)


#: Rows whose points are made and looked up at a time by :meth:`Placer.locate`.
LOCATE_CHUNK = 50_000


class Placer:
    """Places rows in units (spatial index, code table, address matcher and postal
    codes built or read once per import).

    Parameters
    ----------
    units
        Units frame (index = code).
    pref
        The prefecture of every row of the files (``--pref``), or ``None``.
    """

    def __init__(self, units: gpd.GeoDataFrame, *, pref: str | None = None) -> None:
        self.units = units
        self.index = units.index.to_numpy()
        self.geometries = np.asarray(units.geometry.values)
        self.tree = shapely.STRtree(self.geometries)
        shapely.prepare(self.geometries)  # (for locate's point tests; about 1 ms)
        self.targets = unit_targets(units)
        codes = units.index.tolist()
        self.pref_codes = frozenset(str(c)[:2] for c in codes)
        self.pref_of = {str(c): str(p) for c, p in zip(codes, units["pref_code"].tolist(), strict=True)}
        self.pref = pref
        self.pref_names = _pref_names(units)
        self._by_pref: dict[str, tuple[str, ...]] = {}
        for u, p in self.pref_of.items():
            self._by_pref[p] = (*self._by_pref.get(p, ()), u)
        self._zones: dict[str, tuple[str, ...]] = {}
        self._address: AddressMatcher | None = None
        self._postcodes: dict[str, PostcodeArea | None] = {}

    def nearest(self, lon: np.ndarray, lat: np.ndarray) -> tuple[list[str], np.ndarray]:
        """The units nearest to points that lie outside every unit (all at once): their
        names, and the great-circle distances (km) to the nearest points of their
        boundaries (for the messages of rows set aside as ``outside``)."""
        points = shapely.points(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
        if len(points) == 0:
            return [], np.zeros(0)
        k = self.tree.nearest(points)
        lines = shapely.shortest_line(self.geometries[k], points)
        near = shapely.get_coordinates(shapely.get_point(lines, 0))
        km = crs.haversine_km(lon, lat, near[:, 0], near[:, 1])
        names = self.units["name"].to_numpy()[k] if "name" in self.units.columns else self.index[k]
        return [str(n) for n in names], np.asarray(km, dtype=float)

    def distance_to(self, codes: Sequence[str], lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Great-circle distances (km) from points to the boundaries of the given units
        (0 inside)."""
        if len(codes) == 0:
            return np.zeros(0)
        where = {c: k for k, c in enumerate(self.index.tolist())}
        shapes = self.geometries[[where[c] for c in codes]]
        points = shapely.points(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
        near = shapely.get_coordinates(shapely.get_point(shapely.shortest_line(shapes, points), 0))
        return np.asarray(crs.haversine_km(lon, lat, near[:, 0], near[:, 1]), dtype=float)

    @property
    def address(self) -> AddressMatcher:
        """The address matcher (built on first use)."""
        if self._address is None:
            self._address = AddressMatcher(self.units)
        return self._address

    def locate(self, lon: np.ndarray, lat: np.ndarray, rows: np.ndarray) -> dict[int, str]:
        """Row -> code of the unit containing its point (the smallest code on a border)."""
        hit: dict[int, str] = {}
        # in chunks: the points of a large file are never all made at once
        for start in range(0, len(rows), LOCATE_CHUNK):
            part = rows[start : start + LOCATE_CHUNK]
            pts = shapely.points(lon[part], lat[part])
            # candidates by bounding box, then one vectorised test against the units
            # prepared once (twice as fast as the tree's own predicate, which tests
            # each candidate unprepared)
            p, u = self.tree.query(pts)
            inside = shapely.intersects(self.geometries[u], pts[p])
            p, u = p[inside], u[inside]
            del pts
            for row, code in zip(part[p].tolist(), self.index[u].tolist(), strict=True):
                if row not in hit or code < hit[row]:
                    hit[row] = code
        return hit

    def place(self, rows: RowPlaces) -> Placement:
        """Place every row (see the module docstring for the order)."""
        n = len(rows.x)
        unit: list[str | None] = [None] * n
        placed_by: list[str | None] = [None] * n
        other: list[str | None] = [
            p if p is not None and p not in self.pref_codes else None for p in rows.pref
        ]
        lon, lat = _to_lonlat(rows.x, rows.y, rows.source_crs)
        alt_lon, alt_lat = _to_lonlat(rows.y, rows.x, rows.source_crs)
        has = ~(np.isnan(lon) | np.isnan(lat))
        swap = has & ~_in_japan(lon, lat) & _in_japan(alt_lon, alt_lat)
        lon[swap], lat[swap] = alt_lon[swap], alt_lat[swap]
        active = rows.active & np.array([o is None for o in other], dtype=bool)
        for row, code in self.locate(lon, lat, np.flatnonzero(has & active)).items():
            unit[row], placed_by[row] = code, "swapped" if swap[row] else "point"
        ambiguous = [False] * n
        todo, coded = [], []
        for i in np.flatnonzero(active).tolist():
            if unit[i] is not None:
                continue
            code = rows.mcode[i]
            if code is not None:
                found = self.targets.get(code)
                if found and len(found) == 1:
                    unit[i], placed_by[i] = found[0], "code"
                    coded.append(i)
                    continue
                ambiguous[i] = bool(found)
            todo.append(i)
        placement = Placement(
            unit,
            placed_by,
            lon,
            lat,
            other,
            ambiguous,
            [None] * n,
            [()] * n,
            [None] * n,
            [""] * n,
            [None] * n,
            [None] * n,
        )
        self._check_coded(rows, coded, placement)
        self._place_by_names(rows, todo, placement)
        return placement

    def _check_coded(self, rows: RowPlaces, coded: list[int], out: Placement) -> None:
        """Unplace the rows placed by their code (rule 2) whose prefecture column, id
        code, address or postal code names another prefecture or municipality
        (``location_conflict``: 「市区町村コード: 荒尾市（43204）、住所: 玉名市（43206）」)."""
        said = [i for i in coded if rows.address[i] or rows.postcode[i] or rows.id_pref[i]]
        matches, postcodes = self._addresses(rows, said)
        names = self.units["name"].to_dict() if "name" in self.units.columns else {}
        for i in said:
            unit, m = out.unit[i], matches[i]
            assert unit is not None
            area = self._postcodes.get(postcodes[i]) if i in postcodes else None
            zone = self._postcode_units(area)
            named = m.codes if m.status in ("ok", "ambiguous") else ()
            prefs = (rows.pref[i], rows.id_pref[i], m.pref_code, None if area is None else area.pref_code)
            if (
                any(p is not None and p != self.pref_of.get(unit) for p in prefs)
                or (named and unit not in named)
                or (zone and unit not in zone)
            ):
                code = labels.DETAILS["conflict_code"].format(name=names.get(unit, unit), code=unit)
                column = rows.pref[i] if rows.pref[i] != self.pref_of.get(unit) else None  # (the code's own)
                out.conflict[i] = "、".join((code, self._describe(column, rows.id_pref[i], m, area)))
                out.unit[i] = out.placed_by[i] = None

    # --- rules 3-6 -------------------------------------------------------------------

    def _addresses(self, rows: RowPlaces, which: list[int]) -> tuple[dict[int, AddressMatch], dict[int, str]]:
        """Where the addresses of rows ``which`` point, and their postal codes (a column's,
        or one written at the start of the address), looked up at once."""
        matches = {i: self.address.match(rows.address[i]) if rows.address[i] else _NO_MATCH for i in which}
        postcodes = {}
        for i in which:
            code = rows.postcode[i] or matches[i].postcode
            if code is not None:
                postcodes[i] = code
        self._lookup(postcodes.values())
        return matches, postcodes

    def _place_by_names(self, rows: RowPlaces, todo: list[int], out: Placement) -> None:
        matches, postcodes = self._addresses(rows, todo)
        decided: dict[tuple[object, ...], tuple[object, ...]] = {}
        for i in todo:
            m = matches[i]
            post = postcodes.get(i)
            area = zone = None
            if post is not None:
                area = self._postcodes.get(post)
                zone = self._zones.get(post)
            if zone is None:
                zone = self._postcode_units(area)
            out.address_status[i] = m.status
            out.address_candidates[i] = m.codes
            out.postcode[i] = (post, area) if post is not None else None
            key = (m.status, m.codes, m.pref_code, m.county, rows.pref[i], rows.id_pref[i], area is not None,
                   None if area is None else area.pref_code, zone)  # fmt: skip
            outcome = decided.get(key)
            if outcome is None:
                outcome = decided[key] = self._decide(m, rows.pref[i], rows.id_pref[i], area, zone)
            kind = outcome[0]
            if kind == "placed":
                out.unit[i], out.placed_by[i] = outcome[1], outcome[2]  # type: ignore[assignment]
                if outcome[1] in m.codes:
                    out.rest[i] = m.rest
            elif kind == "conflict":
                out.conflict[i] = self._describe(rows.pref[i], rows.id_pref[i], m, area)
            elif kind == "other":
                out.other_pref[i] = outcome[1]  # type: ignore[assignment]
            elif kind == "ambiguous":
                out.address_candidates[i] = outcome[1]  # type: ignore[assignment]
                out.address_status[i] = "ambiguous"

    def _lookup(self, postcodes: Iterable[str]) -> None:
        missing = [c for c in dict.fromkeys(postcodes) if c not in self._postcodes]
        if missing:
            self._postcodes.update(lookup_postcodes(missing))

    def _decide(
        self,
        m: AddressMatch,
        col_pref: str | None,
        id_pref: str | None,
        area: PostcodeArea | None,
        zone: tuple[str, ...],
    ) -> tuple[object, ...]:
        """Rules 3-6 for one row (see the module docstring), as ``("placed", unit,
        rule)``, ``("conflict",)``, ``("other", pref)``, ``("ambiguous", candidates)``
        or ``("none",)``; a function of its arguments only, so that rows saying the
        same things are decided once."""
        post_pref = area.pref_code if area is not None else None
        pref = None
        for said in (col_pref, id_pref, m.pref_code, post_pref):
            if said is not None:
                if pref is None:
                    pref = said
                elif said != pref:
                    return ("conflict",)
        if pref is None:
            pref = self.pref
        if pref is not None and (
            pref not in self.pref_codes or (self.pref is not None and pref != self.pref)
        ):
            return ("other", pref)
        named = m.codes if m.status in ("ok", "ambiguous") else ()
        outside = col_pref or id_pref or self.pref  # the prefecture known apart from the address
        chosen, rule = None, None
        if pref is None or (len(named) == 1 and self.pref_of.get(named[0]) == pref):
            in_pref = named
        else:
            in_pref = tuple(u for u in named if self.pref_of.get(u) == pref)
        if named and outside is not None and len(in_pref) == 1:
            chosen, rule = in_pref[0], "prefecture"
        elif m.county and len(in_pref) == 1:
            chosen, rule = in_pref[0], "county"
        elif area is not None:
            pool = set(zone if zone else self._units_of(area.pref_code))
            if named:
                pool &= set(named)
            if pref is not None:
                pool = {u for u in pool if self.pref_of.get(u) == pref}
            if len(pool) == 1:
                chosen, rule = next(iter(pool)), "postcode"
        if chosen is None and len(in_pref) == 1:
            chosen, rule = in_pref[0], "address"
        if chosen is None:
            if (named and not in_pref) or (named and zone and not set(named) & set(zone)):
                return ("conflict",)
            if in_pref:
                return ("ambiguous", in_pref)
            return ("none",)
        if (named and chosen not in named) or (zone and chosen not in zone):
            return ("conflict",)
        return ("placed", chosen, rule)

    def _postcode_units(self, area: PostcodeArea | None) -> tuple[str, ...]:
        """Units of a postal code's municipalities (empty when none is among the units)."""
        if area is None:
            return ()
        zone = self._zones.get(area.postcode)
        if zone is None:
            found: list[str] = []
            for code in area.municipality_codes:
                for u in self.targets.get(code, ()):
                    if u not in found:
                        found.append(u)
            zone = self._zones[area.postcode] = tuple(found)
        return zone

    def _units_of(self, pref: str) -> tuple[str, ...]:
        return self._by_pref.get(pref, ())

    def _describe(
        self, col_pref: str | None, id_pref: str | None, m: AddressMatch, area: PostcodeArea | None
    ) -> str:
        """What each source of a row says, for the conflict message (Japanese)."""
        said = {
            "column": col_pref,
            "id": id_pref,
            "address": m.pref_code,
            "postcode": area.pref_code if area is not None else None,
        }
        said = {k: v for k, v in said.items() if v is not None}
        d = labels.DETAILS
        parts = [
            d["conflict_pref"].format(source=labels.PLACE_SOURCES[k], pref=codes.PREFECTURES.get(v, v))
            for k, v in said.items()
        ]
        if m.codes:
            parts.append(d["conflict_address"].format(name=m.matched, codes="・".join(m.codes)))
        if area is not None:
            zone = self._postcode_units(area) or area.municipality_codes
            parts.append(
                d["conflict_postcode"].format(postcode=area.postcode, city=area.city, codes="・".join(zone))
            )
        return "、".join(parts)


def prefecture_of(value: str | None, names: dict[str, str]) -> str | None:
    """Prefecture code of a prefecture cell: a code (``1``, ``01``, ``43``) or a name
    (``北海道``, ``熊本県``, ``熊本``, or a prefecture name of the units)."""
    if value is None:
        return None
    from geo_zaitaku.lookup import name_key

    text = name_key(str(value)).removesuffix(".0")
    if text.isdigit() and 1 <= len(text) <= 2 and int(text) >= 1:
        return text.zfill(2)
    return names.get(text)


def _pref_names(units: gpd.GeoDataFrame) -> dict[str, str]:
    """Normalised prefecture name (with and without 都府県) -> code."""
    from geo_zaitaku.lookup import name_key

    out: dict[str, str] = {}
    for code, name in codes.PREFECTURES.items():
        out[name_key(name)] = code
        if name != "北海道":
            out[name_key(name[:-1])] = code
    for name, code in zip(units["pref"], units["pref_code"], strict=True):
        if isinstance(name, str) and name and isinstance(code, str):
            out[name_key(name)] = code
    return out


def postcodes_of(values: Sequence[str | None]) -> list[str | None]:
    """Seven-digit postal codes of a column (``None`` where a cell is not one)."""
    cache: dict[str | None, str | None] = {}
    out = []
    for v in values:
        if v not in cache:
            cache[v] = normalize_postcode(v)
        out.append(cache[v])
    return out


def _to_lonlat(x: np.ndarray, y: np.ndarray, source_crs: str | None) -> tuple[np.ndarray, np.ndarray]:
    if source_crs is None:
        return x.copy(), y.copy()
    import pyproj

    transformer = pyproj.Transformer.from_crs(source_crs, crs.GEOGRAPHIC, always_xy=True)
    with np.errstate(all="ignore"):
        lon, lat = transformer.transform(x, y)
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    bad = ~(np.isfinite(lon) & np.isfinite(lat))
    lon[bad] = np.nan
    lat[bad] = np.nan
    return lon, lat


def _in_japan(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    x0, y0, x1, y1 = JAPAN_BOUNDS
    with np.errstate(invalid="ignore"):
        return (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)
