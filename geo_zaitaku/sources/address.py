"""Which unit an address is in, from the municipality named at its start.

Addresses in users' lists are written ``熊本県玉名郡長洲町長洲…``, ``玉名市岩崎…``,
``熊本市中央区水前寺…`` or ``〒865-0000 熊本県玉名市…``. :class:`AddressMatcher`
strips a postal code and the prefecture, then finds the longest unit name at the
start of the rest (a county name such as ``玉名郡`` before a town is skipped; a
designated city's ward is preferred to the city). An address that names another
prefecture is told apart, so that it is reported rather than matched by accident.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import geopandas as gpd

from geo_zaitaku import codes
from geo_zaitaku.lookup import name_key
from geo_zaitaku.units import WARD_SEP

_POSTAL = re.compile(r"^(〒|郵便番号:?)?\d{3}-?\d{4}")
#: How far into an address (after the prefecture) a county name may end.
_COUNTY_WINDOW = 8


@dataclass(frozen=True)
class AddressMatch:
    """Where an address points.

    Attributes
    ----------
    status
        ``"ok"`` (one unit), ``"ambiguous"`` (several units, e.g. a designated city
        without its ward while units are wards), ``"unknown"`` (no unit name at the
        start), ``"other_prefecture"`` (another prefecture is named) or ``"empty"``.
    codes
        The unit code(s) found.
    pref_code
        The prefecture named at the start, when there is one.
    matched
        The name found (normalised), for messages.
    """

    status: str
    codes: tuple[str, ...] = field(default=())
    pref_code: str | None = None
    matched: str = ""


class AddressMatcher:
    """Find the unit named at the start of an address.

    Parameters
    ----------
    units
        Units frame (index = code; ``name``, ``municipality``, ``ward``,
        ``municipality_code``, ``ward_codes``, ``ward_names``, ``pref``, ``pref_code``).
    """

    def __init__(self, units: gpd.GeoDataFrame) -> None:
        names: dict[str, set[str]] = {}

        def add(key: str | None, code: str) -> None:
            if key:
                names.setdefault(name_key(key), set()).add(code)

        for code, name, muni, ward, wcodes, wnames in zip(
            units.index,
            units["name"],
            units["municipality"],
            units["ward"],
            units["ward_codes"],
            units["ward_names"],
            strict=True,
        ):
            add(name, code)
            if isinstance(ward, str) and ward:  # ward-level units
                add(muni + ward, code)
                add(ward, code)
                add(muni, code)  # the city alone stands for all its wards: ambiguous
            if isinstance(wcodes, str) and wcodes and isinstance(wnames, str):
                for wname in wnames.split(WARD_SEP):  # merged designated city
                    add(muni + wname, code)
                    add(wname, code)
        self._names = {k: tuple(sorted(v)) for k, v in names.items()}
        self._longest = max((len(k) for k in self._names), default=0)
        self.pref_codes = frozenset(str(p) for p in units["pref_code"] if isinstance(p, str))
        prefs = {name_key(n): c for c, n in codes.PREFECTURES.items()}
        for pref, pcode in zip(units["pref"], units["pref_code"], strict=True):
            if isinstance(pref, str) and pref and isinstance(pcode, str):
                prefs[name_key(pref)] = pcode
        self._prefs = sorted(prefs.items(), key=lambda kv: -len(kv[0]))

    def match(self, address: str | None) -> AddressMatch:
        """Resolve one address (``None`` or blank gives status ``"empty"``)."""
        if not address or not str(address).strip():
            return AddressMatch("empty")
        text = _POSTAL.sub("", name_key(str(address)))
        pref_code = None
        for key, pcode in self._prefs:
            if text.startswith(key):
                pref_code = pcode
                text = text[len(key) :]
                break
        if pref_code is not None and pref_code not in self.pref_codes:
            return AddressMatch("other_prefecture", pref_code=pref_code)
        found = self._prefix(text)
        if found is None:
            head = text[:_COUNTY_WINDOW]
            for i, ch in enumerate(head):
                if ch == "郡" and i > 0:
                    found = self._prefix(text[i + 1 :])
                    if found is not None:
                        break
        if found is None:
            return AddressMatch("unknown", pref_code=pref_code)
        key, hits = found
        status = "ok" if len(hits) == 1 else "ambiguous"
        return AddressMatch(status, hits, pref_code, key)

    def _prefix(self, text: str) -> tuple[str, tuple[str, ...]] | None:
        for length in range(min(self._longest, len(text)), 0, -1):
            hits = self._names.get(text[:length])
            if hits:
                return text[:length], hits
        return None
