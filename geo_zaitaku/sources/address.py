"""Which unit an address is in, from the names at its start.

Addresses in users' lists are written ``熊本県玉名郡長洲町長洲…``, ``玉名市岩崎…``,
``熊本市中央区水前寺…``, ``〒865-0000 熊本県玉名市…`` or, in the lists of the regional
health bureaus, without the prefecture: ``茅部郡森町字上台町…``, ``伊達市末永町…``,
``東村山郡中山町長崎…``. :meth:`AddressMatcher.match` normalises the text (NFKC, no
spaces, ヶ/ケ), strips a postal code and the prefecture, and then reads, in this order:

1. a county (郡, ``N03_003`` of the units) followed by one of its municipalities:
   ``茅部郡森町`` is only 北海道's 森町 (``county=True``). A county written before a
   municipality it does not hold matches nothing (never the longest name elsewhere);
2. otherwise the longest unit name at the start (a designated city's ward is
   preferred to the city). A county the units do not know, written before the name
   (``東村山郡中山町`` when only 沖縄県 is loaded), is never read as the start of a
   municipality name (``東村``): the address then matches nothing. Only units without
   any county data (hand-made test grids) skip an unknown county;
3. when the address names its prefecture, only units of that prefecture count.

An address that names a prefecture the units do not cover is told apart
(``other_prefecture``), so that it is reported rather than matched by accident. The
part after the municipality is kept (:attr:`AddressMatch.rest`) for town-level
positions (:mod:`geo_zaitaku.sources.towns`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import geopandas as gpd

from geo_zaitaku import codes
from geo_zaitaku.lookup import name_key
from geo_zaitaku.units import WARD_SEP

_POSTAL = re.compile(r"^(〒|郵便番号:?)?(\d{3})-?(\d{4})")
_POSTAL_START = frozenset("〒郵0123456789")
#: How far into an address (after the prefecture) a county name may end.
_COUNTY_WINDOW = 8


@dataclass(frozen=True)
class AddressMatch:
    """Where an address points.

    Attributes
    ----------
    status
        ``"ok"`` (one unit), ``"ambiguous"`` (several units: a name used in several
        prefectures, or a designated city without its ward while units are wards),
        ``"unknown"`` (no unit name at the start), ``"other_prefecture"`` (another
        prefecture is named) or ``"empty"``.
    codes
        The unit code(s) found.
    pref_code
        The prefecture named at the start, when there is one.
    matched
        The name found (normalised), for messages.
    county
        Whether a county written in the address was used (``茅部郡森町``).
    rest
        The normalised text after the municipality (and ward) name; for a designated
        city kept whole (municipality-level units), its ward is left at the start
        (``中央区北1条西2丁目``), so that town positions are looked up in that ward.
    postcode
        A postal code written at the start of the address (seven digits), if any.
    """

    status: str
    codes: tuple[str, ...] = field(default=())
    pref_code: str | None = None
    matched: str = ""
    county: bool = False
    rest: str = ""
    postcode: str | None = None


class AddressMatcher:
    """Find the unit named at the start of an address.

    Parameters
    ----------
    units
        Units frame (index = code; ``name``, ``municipality``, ``ward``,
        ``municipality_code``, ``ward_codes``, ``ward_names``, ``pref``, ``pref_code``
        and, when known, ``county``).
    """

    def __init__(self, units: gpd.GeoDataFrame) -> None:
        names: dict[str, set[str]] = {}
        by_county: dict[str, dict[str, set[str]]] = {}
        merged_wards: dict[str, str] = {}
        counties = units["county"] if "county" in units else [None] * len(units)

        def add(table: dict[str, set[str]], key: str | None, code: str) -> None:
            if key:
                table.setdefault(name_key(key), set()).add(code)

        for code, name, muni, ward, wcodes, wnames, county in zip(
            units.index,
            units["name"],
            units["municipality"],
            units["ward"],
            units["ward_codes"],
            units["ward_names"],
            counties,
            strict=True,
        ):
            tables = [names]
            if isinstance(county, str) and county:
                tables.append(by_county.setdefault(name_key(county), {}))
            for table in tables:
                add(table, name, code)
                if isinstance(ward, str) and ward:  # ward-level units
                    add(table, muni + ward, code)
                    add(table, ward, code)
                    add(table, muni, code)  # the city alone stands for all its wards: ambiguous
                if isinstance(wcodes, str) and wcodes and isinstance(wnames, str):
                    for wname in wnames.split(WARD_SEP):  # merged designated city
                        add(table, muni + wname, code)
                        add(table, wname, code)
                        merged_wards[name_key(muni + wname)] = name_key(wname)
        self._names = _Names(names)
        self._merged_wards = merged_wards
        self._counties = {c: _Names(t) for c, t in by_county.items()}
        self.pref_of = {str(c): str(p) for c, p in zip(units.index, units["pref_code"], strict=True)}
        self.pref_codes = frozenset(str(p) for p in units["pref_code"] if isinstance(p, str))
        prefs = {name_key(n): c for c, n in codes.PREFECTURES.items()}
        for pref, pcode in zip(units["pref"], units["pref_code"], strict=True):
            if isinstance(pref, str) and pref and isinstance(pcode, str):
                prefs[name_key(pref)] = pcode
        self.pref_names = dict(prefs)
        self._pref_lengths = sorted({len(k) for k in prefs}, reverse=True)

    def match(self, address: str | None) -> AddressMatch:
        """Resolve one address (``None`` or blank gives status ``"empty"``)."""
        if not address or not str(address).strip():
            return AddressMatch("empty")
        postcode, pref_code, text = self._head(str(address))
        if pref_code is not None and pref_code not in self.pref_codes:
            return AddressMatch("other_prefecture", pref_code=pref_code, postcode=postcode)
        found, county = self._read(text)
        if found is None:
            return AddressMatch("unknown", pref_code=pref_code, county=county, postcode=postcode)
        end, key, hits = found
        if pref_code is not None:
            hits = tuple(h for h in hits if self.pref_of.get(h) == pref_code)
            if not hits:
                return AddressMatch("unknown", pref_code=pref_code, matched=key, postcode=postcode)
        status = "ok" if len(hits) == 1 else "ambiguous"
        rest = self._merged_wards.get(key, "") + text[end:]  # a merged city's ward stays in front
        return AddressMatch(status, hits, pref_code, key, county, rest, postcode)

    def remainder(self, address: str, unit: str) -> str:
        """The normalised address after the name of ``unit`` (after the postal code and
        prefecture only, when the address does not start with that unit's name)."""
        m = self.match(address)
        if unit in m.codes:
            return m.rest
        return self._head(address)[2]

    def _head(self, address: str) -> tuple[str | None, str | None, str]:
        """(postal code, prefecture code, rest) of an address's normalised text."""
        text = name_key(address)
        postcode = None
        postal = _POSTAL.match(text) if text[:1] in _POSTAL_START else None
        if postal is not None:
            postcode = postal.group(2) + postal.group(3)
            text = text[postal.end() :]
        pref_code = None
        for length in self._pref_lengths:
            pref_code = self.pref_names.get(text[:length])
            if pref_code is not None:
                text = text[length:]
                break
        return postcode, pref_code, text

    def _read(self, text: str) -> tuple[tuple[int, str, tuple[str, ...]] | None, bool]:
        """(end of the name, name, unit codes) at the start of ``text`` (after the
        prefecture), and whether a county was read first."""
        plain = self._names.find(text)
        mark = _county_mark(text)
        if mark is None or (plain is not None and len(plain[0]) > mark):
            # no county, or the 郡 is part of the name (郡山市, 小郡市, 大和郡山市) or after it (八頭町郡家)
            return (None if plain is None else (len(plain[0]), plain[0], plain[1])), False
        county = text[: mark + 1]
        table = self._counties.get(county)
        if table is not None:
            found = table.find(text[mark + 1 :])
            if found is None:  # not a municipality of that county: nothing else is tried
                return None, True
            return (mark + 1 + len(found[0]), county + found[0], found[1]), True
        if plain is not None and len(plain[0]) == mark:
            return (mark, plain[0], plain[1]), False  # a name ending just before a 郡 of the town part
        if (
            self._counties
        ):  # a county the units do not know (東村山郡…): never read its start (東村) as a name
            return None, False
        found = self._names.find(text[mark + 1 :])  # units without county data
        if found is None:
            return None, False
        return (mark + 1 + len(found[0]), found[0], found[1]), False


class _Names:
    """Names -> unit codes, found as the longest name at the start of a text (the
    names are grouped by their first two characters, so that only a few are tried)."""

    def __init__(self, table: dict[str, set[str]]) -> None:
        self.codes = {k: tuple(sorted(v)) for k, v in table.items()}
        heads: dict[str, list[str]] = {}
        for k in self.codes:
            heads.setdefault(k[:2], []).append(k)
        self.heads = {h: tuple(sorted(ks, key=len, reverse=True)) for h, ks in heads.items()}

    def find(self, text: str) -> tuple[str, tuple[str, ...]] | None:
        """The longest name at the start of ``text``, with its codes."""
        for key in self.heads.get(text[:2], ()):
            if text.startswith(key):
                return key, self.codes[key]
        single = self.codes.get(text[:1])  # one-character names (none in N03, but allowed)
        return (text[:1], single) if single else None


def _county_mark(text: str) -> int | None:
    """Where a county name written at the start ends (the index of its 郡), if any."""
    i = text.find("郡", 1, _COUNTY_WINDOW)
    return i if i > 0 else None
