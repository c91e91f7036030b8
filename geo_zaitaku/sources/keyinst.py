"""Key institutions (and hubs) from a list: match its entries to the facilities.

Prefectures choose key institutions「在宅医療において積極的役割を担う医療機関」mostly
among 在宅療養支援診療所・病院, whose list each regional health bureau (地方厚生局)
publishes as 「施設基準の届出受理状況」. Such a list (CSV or Excel ``.xlsx``; columns
for the name and the address, or a medical institution code) is matched to the
imported facilities:

1. by code: the entry's code against the facilities' ``id`` (digits only; a 10-digit
   医療機関コード also matches the 7-digit number it ends with);
2. by name, from the most specific form to the least: the name as written, without
   the corporation type (医療法人社団・社会医療法人・(医) …), and without the
   corporation's own name (「医療法人○○会 ××クリニック」→「××クリニック」). Names are
   compared after NFKC (full/half width), with spaces and 「・」 removed and ヶ/ケ
   unified. Candidates are narrowed to the entry's municipality (its municipality
   column, or the municipality named at the start of its address), then by address.

Each entry ends ``matched`` (one facility), ``ambiguous`` (several candidates, listed)
or ``unmatched`` (with the reason); matched facilities get ``key_institution = True``
(or ``hub``), and ``is_24h = True`` when the list says so.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

import geopandas as gpd
import pandas as pd

from geo_zaitaku import codes, labels
from geo_zaitaku._errors import InputError
from geo_zaitaku._io import LINE
from geo_zaitaku.lookup import UnitLookup, name_key
from geo_zaitaku.sources.address import AddressMatcher
from geo_zaitaku.sources.facilities import FacilityImport, parse_bool
from geo_zaitaku.sources.tabular import read_table

#: Fields of a list -> accepted header spellings (normalised: NFKC, lower case).
LIST_COLUMNS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "code": (
            "code", "医療機関コード", "医療機関番号", "医療機関記号番号", "保険医療機関コード", "事業所番号",
            "施設id", "id", "コード",
        ),
        "name": (
            "name", "名称", "医療機関名", "医療機関名称", "保険医療機関名", "保険医療機関名称", "施設名",
            "施設名称", "正式名称", "事業所名",
        ),
        "address": (
            "address", "住所", "所在地", "医療機関所在地", "医療機関所在地(住所)", "所在地(住所)", "医療機関住所",
        ),
        "municipality": (
            "municipality", "municipality_code", "市区町村", "市区町村名", "市町村", "市町村名", "市区町村コード",
        ),
        "is_24h": ("is_24h", "24h", "24時間", "24時間対応"),
        "notification": ("受理届出名称", "届出名称", "施設基準の名称", "施設基準", "受理記号"),
    }
)  # fmt: skip
#: Flags a list can set, with the Japanese name of the list (:data:`geo_zaitaku.labels.LISTS`).
FIELDS: Mapping[str, str] = labels.LISTS
#: Statuses of an entry: id -> Japanese (:data:`geo_zaitaku.labels.LIST_STATUS`).
STATUS: Mapping[str, str] = labels.LIST_STATUS
#: Ways an entry was matched: id -> Japanese (:data:`geo_zaitaku.labels.LIST_METHODS`).
METHODS: Mapping[str, str] = labels.LIST_METHODS

# Corporation types, longest first (after NFKC; 「㈱」 becomes 「(株)」).
_CORPORATE_TYPES = tuple(
    sorted(
        (
            "社会医療法人社団", "社会医療法人財団", "社会医療法人", "特定医療法人社団", "特定医療法人財団",
            "特定医療法人", "医療法人社団", "医療法人財団", "医療法人", "一般社団法人", "一般財団法人",
            "公益社団法人", "公益財団法人", "社会福祉法人", "地方独立行政法人", "独立行政法人", "国立研究開発法人",
            "国家公務員共済組合連合会", "日本赤十字社", "学校法人", "宗教法人", "特定非営利活動法人", "NPO法人",
            "株式会社", "有限会社", "合同会社", "合資会社", "(医社)", "(医財)", "(社医)", "(医)", "(社福)",
            "(一社)", "(一財)", "(公社)", "(公財)", "(独)", "(学)", "(社)", "(財)", "(株)", "(有)", "医)",
        ),
        key=len,
        reverse=True,
    )
)  # fmt: skip
# Names too generic to stand alone once the corporation's name is taken off.
_GENERIC = frozenset(
    ("病院", "医院", "診療所", "クリニック", "歯科", "歯科医院", "歯科診療所", "薬局", "訪問看護ステーション")
)
_CORP_NAME = re.compile(r"^(.{1,15}?[会団])(.+)$")
_PAREN_CORP = re.compile(r"\([^()]*(法人|会)[^()]*\)")
_DROP = re.compile(r"[\s・･\"'「」『』]")
_PUNCT = re.compile(r"[・･\"'「」『』]")
_POSTAL = re.compile(r"^(〒|郵便番号:?)?\d{3}-?\d{4}")
_NUMBER_WORDS = re.compile(r"(?<=\d)(丁目|番地の|番地|番の|番|号|の)(?=\d)")
_TRAILING_WORDS = re.compile(r"(?<=\d)(番地|番|号)")
_DASHES = re.compile(r"[-‐‑‒–—―−ー－]+")


@dataclass(frozen=True)
class ListEntry:
    """One row of a list."""

    line: int
    name: str
    code: str | None = None
    address: str | None = None
    municipality: str | None = None
    is_24h: bool | None = None
    notification: str | None = None


#: A 届出受理医療機関名簿 row is a 在宅療養支援診療所・病院 when its 受理届出名称 (or 受理記号)
#: says so: 「在宅療養支援診療所（３）」「在宅療養支援病院（１）」「支援診３」「支援病１」.
SUPPORT_NOTIFICATION = re.compile(r"在宅療養支援(診療所|病院)|支援(診|病)")


def is_support_notification(text: str | None) -> bool:
    """Whether a 届出 names a 在宅療養支援診療所 or 在宅療養支援病院 (after NFKC)."""
    return bool(text) and SUPPORT_NOTIFICATION.search(unicodedata.normalize("NFKC", text)) is not None


@dataclass(frozen=True)
class EntryMatch:
    """What an entry matched.

    Attributes
    ----------
    line
        Line (or sheet row) of the entry in the list.
    name
        The entry's name as written.
    status
        ``"matched"``, ``"ambiguous"`` or ``"unmatched"`` (:data:`STATUS`).
    method
        How it matched (:data:`METHODS`), empty otherwise.
    facilities
        The facility id matched, or the candidates' ids when ambiguous.
    message
        Reason or detail, in Japanese and English (:data:`geo_zaitaku.labels.MATCHES`).
    """

    line: int
    name: str
    status: str
    method: str = ""
    facilities: tuple[str, ...] = ()
    message: labels.Message = labels.NO_MESSAGE

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (the message as one text, ``"日本語 / English"``)."""
        return {
            "line": self.line,
            "name": self.name,
            "status": self.status,
            "method": self.method,
            "facilities": self.facilities,
            "message": str(self.message),
        }


@dataclass(frozen=True)
class ListMatch:
    """The result of matching one list.

    Attributes
    ----------
    source
        The list file.
    field
        ``"key_institution"`` or ``"hub"``.
    entries
        One result per entry, in the list's order.
    other_notifications
        Lines of a 届出受理医療機関名簿 left out of a key-institution list because their
        届出 is not 在宅療養支援診療所・病院 (明細書発行体制等加算 …).
    """

    source: str
    field: str
    entries: tuple[EntryMatch, ...] = field(default=())
    other_notifications: tuple[int, ...] = ()

    def counts(self) -> dict[str, int]:
        """Entries per status (every status present)."""
        return {s: sum(1 for e in self.entries if e.status == s) for s in STATUS}

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "source": self.source,
            "field": self.field,
            "counts": self.counts(),
            "entries": [e.to_dict() for e in self.entries],
            "other_notifications": list(self.other_notifications),
        }


def institution_keys(name: str) -> tuple[str, ...]:
    """Forms of an institution's name to compare, most specific first.

    The name as written (normalised), without its corporation type, and without
    the corporation's own name; duplicates removed.

    Examples
    --------
    >>> institution_keys("医療法人社団　愛育会　愛育クリニック")
    ('医療法人社団愛育会愛育クリニック', '愛育会愛育クリニック', '愛育クリニック')
    >>> institution_keys("ｻｸﾗ ｹ丘クリニック")
    ('サクラケ丘クリニック',)
    """
    text = unicodedata.normalize("NFKC", name).translate(_KANA)
    without_paren = _PAREN_CORP.sub(" ", text)
    if _DROP.sub("", without_paren):
        text = without_paren
    full = _DROP.sub("", text)
    if not full:
        return ()
    words = [w for w in re.split(r"\s+", _PUNCT.sub("", text).strip()) if w]
    stripped, had_type = _strip_types(full)
    keys = [full, stripped]
    core = None
    if had_type:
        rest_words = _words_without_types(words)
        if len(rest_words) >= 2 and rest_words[0].endswith(("会", "団")):
            core = "".join(rest_words[1:])
        else:
            m = _CORP_NAME.match(stripped)
            if m:
                core = m.group(2)
    if core and core not in _GENERIC and len(core) >= 2:
        keys.append(core)
    return tuple(dict.fromkeys(k for k in keys if k))


_KANA = str.maketrans({"ヶ": "ケ", "ヵ": "カ"})


def _strip_types(text: str) -> tuple[str, bool]:
    had = False
    changed = True
    while changed:
        changed = False
        for t in _CORPORATE_TYPES:
            if text.startswith(t) and len(text) > len(t):
                text = text[len(t) :]
                had = changed = True
                break
    return text, had


def _words_without_types(words: list[str]) -> list[str]:
    out = list(words)
    while out:
        rest, had = _strip_types(out[0])
        if not had and out[0] not in _CORPORATE_TYPES:
            break
        if out[0] in _CORPORATE_TYPES:
            out = out[1:]
        else:
            out[0] = rest
            break
    return out


def address_key(text: str | None) -> str:
    """Normalise an address for comparison (NFKC, no spaces, no postal code or
    prefecture, 「1丁目9番1号」 → 「1-9-1」)."""
    if not text:
        return ""
    t = _POSTAL.sub("", name_key(text))
    for pref in codes.PREFECTURES.values():
        if t.startswith(pref):
            t = t[len(pref) :]
            break
    t = _NUMBER_WORDS.sub("-", t)
    t = _TRAILING_WORDS.sub("", t)
    t = _DASHES.sub("-", t)
    return t.strip("-")


def read_list(path: str | Path, *, what: str = labels.LISTS["key_institution"]) -> tuple[ListEntry, ...]:
    """Read a list of institutions (CSV/TSV or ``.xlsx``; a title row may precede the header).

    Raises
    ------
    InputError
        Unreadable file, or neither a name nor a code column.
    """
    hints = tuple(n for names in LIST_COLUMNS.values() for n in names)
    table = read_table(path, what=what, header_hint=hints)
    raw = table.frame
    found = {f: next((n for n in names if n in raw.columns), None) for f, names in LIST_COLUMNS.items()}
    if found["name"] is None and found["code"] is None:
        cols = ", ".join(c for c in raw.columns if c != LINE)
        raise InputError(
            labels.error("list_no_columns", what=what, names=", ".join(LIST_COLUMNS["name"][:6]), found=cols),
            path=table.path,
            where=labels.at_line(table.header_line),
        )
    n = len(raw)
    get = {f: (raw[c].tolist() if c is not None else [None] * n) for f, c in found.items()}
    out = []
    for i, line in enumerate(raw[LINE].tolist()):
        h24 = parse_bool(get["is_24h"][i])
        out.append(
            ListEntry(
                line=int(line),
                name=get["name"][i] or "",
                code=get["code"][i],
                address=get["address"][i],
                municipality=get["municipality"][i],
                is_24h=h24 if isinstance(h24, bool) else None,
                notification=get["notification"][i],
            )
        )
    return tuple(out)


class _Index:
    """Facilities indexed by code digits and name keys."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.ids = [str(v) for v in frame["id"]]
        self.names = [str(v) if isinstance(v, str) else "" for v in frame["name"]]
        self.units = [v if isinstance(v, str) else None for v in frame["unit"]]
        self.addresses = [address_key(v) if isinstance(v, str) else "" for v in frame["address"]]
        self.by_code: dict[str, list[int]] = {}
        self.by_suffix: dict[str, list[int]] = {}
        self.by_key: dict[str, list[int]] = {}
        for i, fid in enumerate(self.ids):
            digits = _digits(fid)
            if digits:
                self.by_code.setdefault(digits, []).append(i)
                if len(digits) == 10:
                    self.by_suffix.setdefault(digits[-7:], []).append(i)
            for key in institution_keys(self.names[i]):
                self.by_key.setdefault(key, []).append(i)

    def code_candidates(self, code: str) -> list[int]:
        hits = list(self.by_code.get(code, []))
        if len(code) == 7:
            hits += self.by_suffix.get(code, [])
        elif len(code) == 10:
            hits += self.by_code.get(code[-7:], [])
        return sorted(set(hits))


def _digits(value: str | None) -> str | None:
    if not value:
        return None
    d = re.sub(r"\D", "", unicodedata.normalize("NFKC", str(value)))
    return d if len(d) >= 7 else None


def match_list(
    entries: Sequence[ListEntry],
    facilities: pd.DataFrame,
    units: gpd.GeoDataFrame,
    *,
    source: str = "",
    field: str = "key_institution",
) -> ListMatch:
    """Match list entries to facilities.

    Parameters
    ----------
    entries
        The list (:func:`read_list`).
    facilities
        Facilities frame (:data:`geo_zaitaku.sources.facilities.FACILITY_COLUMNS`).
    units
        The units the facilities were placed in (for municipality names).
    source
        The list's file name, for the report.
    field
        ``"key_institution"`` or ``"hub"``.

    Returns
    -------
    ListMatch
    """
    if field not in FIELDS:
        raise InputError(labels.error("list_unknown_field", field=field, fields=", ".join(FIELDS)))
    index = _Index(facilities)
    lookup = UnitLookup(units)
    addresses = AddressMatcher(units)
    results = [_match_one(e, index, lookup, addresses) for e in entries]
    return ListMatch(source=source, field=field, entries=tuple(results))


def _entry_units(
    entry: ListEntry, lookup: UnitLookup, addresses: AddressMatcher
) -> tuple[frozenset[str] | None, labels.Message | None]:
    """The units an entry says it is in (``None``: unknown), and why it cannot match
    when its address is in a prefecture the units do not cover."""
    if entry.municipality:
        r = lookup.resolve(entry.municipality)
        if r.codes:
            return frozenset(r.codes), None
    if entry.address:
        m = addresses.match(entry.address)
        if m.codes:
            return frozenset(m.codes), None
        if m.status == "other_prefecture":
            pref = codes.PREFECTURES.get(m.pref_code or "", m.pref_code)
            return frozenset(), labels.MATCHES["other_prefecture"].format(pref=pref)
    return None, None


def _match_one(entry: ListEntry, index: _Index, lookup: UnitLookup, addresses: AddressMatcher) -> EntryMatch:
    line, name = entry.line, entry.name
    units, unit_note = _entry_units(entry, lookup, addresses)
    want_address = address_key(entry.address)
    code = _digits(entry.code)
    if not name and not code:
        return EntryMatch(line, name, "unmatched", message=labels.MATCHES["no_name_or_code"])
    if code:
        hits = index.code_candidates(code)
        if len(hits) > 1 and name:
            keys = set(institution_keys(name))
            narrowed = [i for i in hits if keys & set(institution_keys(index.names[i]))]
            hits = narrowed or hits
        if len(hits) == 1:
            return _matched(line, name, "code", hits[0], index)
        if len(hits) > 1:
            return _ambiguous(line, name, hits, index, labels.MATCH_PARTS["same_code"].format(code=code))
    elsewhere: list[int] = []
    for key in institution_keys(name) if name else ():
        hits = index.by_key.get(key, [])
        if not hits:
            continue
        if units is not None:
            local = [i for i in hits if index.units[i] in units]
            if not local:
                elsewhere.extend(i for i in hits if i not in elsewhere)
                continue
            method = "name_municipality"
        else:
            local = list(hits)
            method = "name"
        if len(local) > 1 and want_address:
            same = [i for i in local if _same_address(index.addresses[i], want_address)]
            if same:
                local, method = same, "name_address"
        if len(local) == 1:
            return _matched(line, name, method, local[0], index)
        return _ambiguous(line, name, local, index, labels.MATCH_PARTS["same_name"])
    if unit_note is not None:
        return EntryMatch(line, name, "unmatched", message=unit_note)
    if elsewhere:
        where = "・".join(dict.fromkeys(lookup.display(index.units[i] or "") for i in elsewhere))
        return EntryMatch(
            line,
            name,
            "unmatched",
            facilities=tuple(index.ids[i] for i in elsewhere),
            message=labels.MATCHES["elsewhere"].format(where=where),
        )
    message = labels.MATCHES["no_match_code"].format(code=code) if code else labels.MATCHES["no_match"]
    return EntryMatch(line, name, "unmatched", message=message)


def _matched(line: int, name: str, method: str, row: int, index: _Index) -> EntryMatch:
    fid = index.ids[row]
    return EntryMatch(
        line, name, "matched", method, (fid,), labels.MATCHES["matched"].format(name=index.names[row], id=fid)
    )


def _same_address(a: str, b: str) -> bool:
    if not a or not b:
        return False
    short, long_ = sorted((a, b), key=len)
    return long_.startswith(short) and any(ch.isdigit() for ch in short)


def _ambiguous(line: int, name: str, hits: Sequence[int], index: _Index, why: str) -> EntryMatch:
    parts = labels.MATCH_PARTS
    shown = "、".join(parts["candidate"].format(name=index.names[i], id=index.ids[i]) for i in hits[:5])
    more = parts["more"].format(n=len(hits) - 5) if len(hits) > 5 else ""
    return EntryMatch(
        line,
        name,
        "ambiguous",
        facilities=tuple(index.ids[i] for i in hits),
        message=labels.MATCHES["ambiguous"].format(why=why, candidates=shown, more=more),
    )


def apply_list(result: FacilityImport, match: ListMatch, entries: Sequence[ListEntry]) -> FacilityImport:
    """Set the list's flag (and ``is_24h`` when the list says so) on matched facilities.

    Facilities not in the list keep their values. Returns a new :class:`FacilityImport`.
    """
    frame = result.frame.copy()
    by_line = {e.line: e for e in entries}
    ids = {fid: i for i, fid in enumerate(frame["id"])}
    flag = frame[match.field].to_numpy(dtype=object, na_value=None).copy()
    h24 = frame["is_24h"].to_numpy(dtype=object, na_value=None).copy()
    for em in match.entries:
        if em.status != "matched":
            continue
        row = ids[em.facilities[0]]
        flag[row] = True
        entry = by_line.get(em.line)
        if entry is not None and entry.is_24h:
            h24[row] = True
    frame[match.field] = pd.array(list(flag), dtype="boolean")
    frame["is_24h"] = pd.array(list(h24), dtype="boolean")
    return FacilityImport(frame, result.logs)


def mark_from_list(
    result: FacilityImport,
    path: str | Path,
    units: gpd.GeoDataFrame,
    *,
    field: str = "key_institution",
) -> tuple[FacilityImport, ListMatch]:
    """Read a list, match it to the facilities and set the flag on those matched.

    Parameters
    ----------
    result
        Facilities imported with :func:`geo_zaitaku.sources.facilities.load_facilities`.
    path
        The list (CSV/TSV or ``.xlsx``).
    units
        The units the facilities were placed in.
    field
        ``"key_institution"`` (default) or ``"hub"``.

    Returns
    -------
    (FacilityImport, ListMatch)

    Raises
    ------
    InputError
        The list cannot be read or has neither a name nor a code column.
    """
    if field not in FIELDS:
        raise InputError(labels.error("list_unknown_field", field=field, fields=", ".join(FIELDS)))
    entries = read_list(path, what=FIELDS[field])
    other: tuple[int, ...] = ()
    if field == "key_institution" and any(e.notification for e in entries):
        # a 届出受理医療機関名簿 lists every 届出: only 在支診・在支病 make key institutions
        other = tuple(e.line for e in entries if not is_support_notification(e.notification))
        entries = tuple(e for e in entries if is_support_notification(e.notification))
    match = match_list(entries, pd.DataFrame(result.frame), units, source=str(path), field=field)
    match = replace(match, other_notifications=other)
    return apply_list(result, match, entries), match


__all__ = [
    "FIELDS",
    "LIST_COLUMNS",
    "METHODS",
    "STATUS",
    "EntryMatch",
    "ListEntry",
    "ListMatch",
    "address_key",
    "apply_list",
    "institution_keys",
    "is_support_notification",
    "mark_from_list",
    "match_list",
    "read_list",
]
