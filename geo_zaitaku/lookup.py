"""Finding units by what people write: codes, names, prefixed or ward names.

Planners write ``"43204"``, ``"432041"``, ``"玉名市"``, ``"熊本県玉名市"``,
``"熊本市中央区"`` or just ``"中央区"``. :class:`UnitLookup` resolves each to unit codes,
says when a name is ambiguous, and suggests the closest names when nothing matches.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

import geopandas as gpd

from geo_zaitaku import codes
from geo_zaitaku.units import WARD_SEP

_KANA_VARIANTS = str.maketrans({"ヶ": "ケ", "ヵ": "カ"})
_CODE_LIKE = re.compile(r"[0-9０-９]{4,6}(\.0)?")


def name_key(text: str) -> str:
    """Normalise a place name for matching (NFKC, no spaces, ヶ/ケ variants unified)."""
    key = codes.normalize_name(text)
    if "ヶ" in key or "ヵ" in key:
        key = key.translate(_KANA_VARIANTS)
    return key


@dataclass(frozen=True)
class Resolution:
    """What an entry resolved to.

    Attributes
    ----------
    entry
        The text as written.
    codes
        Unit codes it stands for: empty when unknown or ambiguous, several when a
        designated city is named and the units are its wards.
    status
        ``"ok"``, ``"ward_to_city"`` (a ward named while units are municipalities),
        ``"unknown"`` or ``"ambiguous"``.
    candidates
        The matching units (ambiguous) or the closest names (unknown).
    """

    entry: str
    codes: tuple[str, ...]
    status: str
    candidates: tuple[str, ...] = field(default=())


class UnitLookup:
    """Resolve codes and names to the codes of a units frame.

    Parameters
    ----------
    units
        Units frame (index = code, with ``name``, ``municipality``, ``ward``,
        ``municipality_code`` and ``pref``).
    """

    def __init__(self, units: gpd.GeoDataFrame) -> None:
        self._units = units
        codes = units.index.tolist()  # (plain lists: Arrow-backed columns iterate slowly)
        self._codes = frozenset(codes)
        self._display = dict(zip(codes, units["name"].tolist(), strict=True))
        self._cities: dict[str, tuple[str, ...]] = {}
        for code, ward, mcode in zip(
            codes, units["ward"].tolist(), units["municipality_code"].tolist(), strict=True
        ):
            if isinstance(ward, str) and ward:
                self._cities[mcode] = (*self._cities.get(mcode, ()), code)
        # designated cities kept whole (municipality level): their wards' codes
        self._ward_of: dict[str, str] = {}
        for code, wcodes in zip(codes, units["ward_codes"].tolist(), strict=True):
            if isinstance(wcodes, str) and wcodes:
                for wcode in wcodes.split(WARD_SEP):
                    self._ward_of[wcode] = code
        self._indexed = False

    def _index_names(self) -> None:
        """Build the name indexes (on the first name looked up: a plan written in codes
        never pays for normalising every name)."""
        if self._indexed:
            return
        units = self._units
        self._names: dict[str, dict[str, str]] = {}
        city_names: dict[str, dict[str, str]] = {}
        for code, name, muni, ward, mcode, pref in zip(
            units.index,
            units["name"],
            units["municipality"],
            units["ward"],
            units["municipality_code"],
            units["pref"],
            strict=True,
        ):
            pref = pref if isinstance(pref, str) else ""
            keys = {name, pref + name}
            if isinstance(ward, str) and ward:
                keys |= {ward, muni + ward, pref + muni + ward}
                for k in (muni, pref + muni):
                    city_names.setdefault(name_key(k), {})[mcode] = muni
            for k in keys:
                self._names.setdefault(name_key(k), {})[code] = name
        self._city_names = city_names
        self._ward_names: dict[str, dict[str, str]] = {}
        for code, muni, wcodes, wnames, pref in zip(
            units.index,
            units["municipality"],
            units["ward_codes"],
            units["ward_names"],
            units["pref"],
            strict=True,
        ):
            if not isinstance(wcodes, str) or not wcodes:
                continue
            pref = pref if isinstance(pref, str) else ""
            for wname in wnames.split(WARD_SEP):
                for k in (wname, muni + wname, pref + muni + wname):
                    self._ward_names.setdefault(name_key(k), {})[code] = muni
        self._indexed = True

    def display(self, code: str) -> str:
        """Display name of a unit code (the code itself when unknown)."""
        return self._display.get(code, code)

    def resolve(self, entry: object) -> Resolution:
        """Resolve one entry (a code in any usual writing, or a name) to unit codes."""
        text = str(entry).strip()
        if _CODE_LIKE.fullmatch(text):
            return self._resolve_code(text)
        self._index_names()
        key = name_key(text)
        hits = self._names.get(key, {})
        if len(hits) == 1:
            return Resolution(text, tuple(hits), "ok")
        if len(hits) > 1:
            return Resolution(text, (), "ambiguous", tuple(f"{n}（{c}）" for c, n in sorted(hits.items())))
        city = self._city_names.get(key, {})
        if len(city) == 1:
            (mcode,) = city
            return Resolution(text, tuple(sorted(self._cities[mcode])), "ok")
        ward = self._ward_names.get(key, {})
        if len(ward) == 1:
            ((city_code, city_name),) = ward.items()
            return Resolution(text, (city_code,), "ward_to_city", (city_name,))
        if len(ward) > 1:
            return Resolution(text, (), "ambiguous", tuple(f"{n}（{c}）" for c, n in sorted(ward.items())))
        return Resolution(text, (), "unknown", self._near_names(key))

    def _resolve_code(self, text: str) -> Resolution:
        code = codes.normalize_code(text)
        if code is None:
            return Resolution(text, (), "unknown")
        if code in self._codes:
            return Resolution(text, (code,), "ok")
        if code in self._cities:
            return Resolution(text, tuple(sorted(self._cities[code])), "ok")
        city = self._ward_of.get(code)
        if city is not None:
            return Resolution(text, (city,), "ward_to_city", (self.display(city),))
        return Resolution(text, (), "unknown", self._near_codes(code))

    def _near_names(self, key: str) -> tuple[str, ...]:
        self._index_names()
        names = {k: next(iter(v.values())) for k, v in self._names.items()}
        out: list[str] = []
        for k in difflib.get_close_matches(key, list(names), n=5, cutoff=0.5):
            if names[k] not in out:
                out.append(names[k])
        return tuple(out[:3])

    def _near_codes(self, code: str) -> tuple[str, ...]:
        close = difflib.get_close_matches(code, sorted(self._codes), n=3, cutoff=0.6)
        return tuple(f"{c} {self.display(c)}" for c in close)
