"""Population by unit: totals, older age groups, age groups, and population centroids.

Census population (e-Stat style)
--------------------------------
A population CSV has one row per municipality (or ward), in one of two wide layouts.

*Totals* (as before)::

    code,population,pop_65over,pop_75over,pop_85over,pop_lat,pop_lon
    43100,738865,...

*Age groups* (the e-Stat 国勢調査 table by 5-year age group)::

    地域コード,地域,総数,0〜4歳,5〜9歳,…,95〜99歳,100歳以上
    431001,熊本市,"738,865",...

Accepted headers: ``code`` / 市区町村コード / 団体コード / 地域コード; ``population`` /
人口 / 総人口 / 人口総数 / 総数; ``pop_65over`` / 65歳以上; ``pop_75over`` / 75歳以上;
``pop_85over`` / 85歳以上; ``pop_lat``/``pop_lon`` / 人口重心緯度・人口重心経度 (the
Statistics Bureau publishes municipal population centroids). Age groups are written
``0〜4歳``, ``5～9歳``, ``0-4``, ``0歳`` (single years), ``15歳未満``, ``85歳以上``,
``100歳以上``, ``90+``; a ``年齢不詳`` column holds people of unknown age. Columns
marked ``(再掲)`` or ``うち`` are re-listings and are not read as groups. Codes may
carry the check digit. Numbers may have thousands separators or full-width digits;
``-`` in an age-group cell means nobody (e-Stat's 「該当数字なし」), ``…``, ``x`` or an
empty cell means unknown. Title rows above the header, blank lines, and cp932
(Shift_JIS) files are read as they are.

Age groups must run from 0 without gap or overlap and end with an open group
(``85歳以上`` or ``100歳以上``); a header that looks like an age (a number with 歳) but
cannot be read stops the import with an error naming the column.

**How totals are derived from age groups.** ``population`` is the total column when
there is one (it includes people of unknown age), otherwise the sum of the groups plus
``年齢不詳``. ``pop_65over`` (``pop_75over``, ``pop_85over``) is the sum of the groups
starting at 65 (75, 85) or older; when no group starts there it is the matching
``65歳以上`` re-listing column if the file has one, else unknown (NaN). A sum with an
unknown cell is unknown. The groups themselves are kept in
:attr:`PopulationImport.ages` (labels ``0-4``, ``5-9``, …, ``100+``) for the demand
estimate (:mod:`geo_zaitaku.demand`).

**Numbers that cannot be used.** A count cell (total, older-age or age-group column,
or the value of a long-layout row) must be a finite number from 0 to
:data:`MAX_COUNT`: text that is not a number (``多数``), a number that is not finite
(``inf``, ``nan``, ``1e309``, which overflows), a negative number (``-5``) or a larger
one makes the row *not used*: it is listed in :attr:`PopulationImport.skipped` with
reason ``bad_number`` and a message naming the column, the value and the allowed range,
and the rest of the file is read. (Every unusable count cell is treated alike, text
included; the file stops with an error only when its layout cannot be read.) The
first row of a code decides: a later row with the same code is a ``duplicate_code``
even when the first was not used. In the long layout the row is one age group of one municipality: that group becomes unknown,
and so does a total summed over it.

**Population centroids** (``pop_lat``/``pop_lon``) must lie within Japan: latitude
20–46 and longitude 122–154 (:data:`LAT_RANGE`, :data:`LON_RANGE`). A centroid
outside (``0,0`` included), unreadable, not finite, or with only one of the two given
is dropped (NaN) and the row's population is still used: the row is *used*, and a
note with reason ``bad_centroid`` is kept in :attr:`PopulationImport.notes`, so that
"rows read = rows used + rows skipped" stays true. The reach check then measures
from the unit's area centroid (``origin = "centroid"``).

Designated cities: rows for a designated city and for its wards may both be present
(e-Stat tables list both): the city row is used for municipality-level units and the
ward rows for ward-level units; the other rows are listed as skipped, with the
reason. When only ward rows are given, municipality-level units sum them. Rows whose
code matches no unit (another prefecture, the prefecture total, a footnote) are listed
too: every row read is either used or listed in :attr:`PopulationImport.skipped`.

Projections (国立社会保障・人口問題研究所「日本の地域別将来推計人口」)
------------------------------------------------------------------
:func:`load_projection` reads projections by municipality and age group, in either
layout:

*Wide, one row per municipality and year* (the census layout plus a year column)::

    code,name,year,0-4,5-9,…,85-89,90+
    43100,熊本市,2025,26500,...

*Long, one row per municipality, year and age group*::

    code,year,age_group,population
    43100,2025,0-4,26500

(year headers: ``year`` / 年 / 年次 / 推計年; age-group headers: ``age_group`` / 年齢階級
/ 年齢; value headers: ``population`` / 人口 / 推計人口 / value). The census reader
accepts the long layout too (without the year column). :meth:`Projection.select`
returns, for one year, a :class:`PopulationImport` of the same shape as the census
import, so :func:`attach_population` and the demand estimate work for any year.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

import geopandas as gpd
import numpy as np
import pandas as pd

from geo_zaitaku import codes, labels
from geo_zaitaku._errors import InputError
from geo_zaitaku._io import LINE, TextTable
from geo_zaitaku.sources.tabular import RowIssue, read_table

POPULATION_FIELDS = ("population", "pop_65over", "pop_75over", "pop_85over")
CENTROID_FIELDS = ("pop_lat", "pop_lon")
#: Age (years) at which each older-age field starts.
OLDER_AGES: Mapping[str, int] = MappingProxyType({"pop_65over": 65, "pop_75over": 75, "pop_85over": 85})
COLUMNS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "code": (
            "code",
            "municipality_code",
            "n03_code",
            "市区町村コード",
            "団体コード",
            "地域コード",
            "全国地方公共団体コード",
            "コード",  # IPSS projection tables; last, so that a named code column wins
        ),
        "population": ("population", "人口", "総人口", "人口総数", "総数"),
        "pop_65over": ("pop_65over", "65歳以上", "65歳以上人口"),
        "pop_75over": ("pop_75over", "75歳以上", "75歳以上人口"),
        "pop_85over": ("pop_85over", "85歳以上", "85歳以上人口"),
        "pop_lat": ("pop_lat", "人口重心緯度", "人口重心_緯度", "centroid_lat"),
        "pop_lon": ("pop_lon", "人口重心経度", "人口重心_経度", "centroid_lon"),
    }
)
#: Largest population count accepted in a cell (more than the population of Japan).
MAX_COUNT = 1_000_000_000
#: Latitudes (degrees) a population centroid may have: Japan, Okinotorishima to Hokkaido.
LAT_RANGE = (20.0, 46.0)
#: Longitudes (degrees) a population centroid may have: Yonaguni to Minamitorishima.
LON_RANGE = (122.0, 154.0)
#: Headers of the year column (projections).
YEAR_COLUMNS = ("year", "年", "年次", "推計年", "西暦", "時点")
#: Headers of the age-group column (long layout).
AGE_COLUMNS = ("age_group", "age", "年齢階級", "年齢", "年齢5歳階級", "年齢(5歳階級)", "年齢区分")
#: Headers of a sex column (e-Stat's 男女): only its total rows are used.
SEX_COLUMNS = ("男女", "男女別", "性別", "男女_時系列", "sex")
#: Values of a sex column that mean both sexes.
SEX_TOTALS = frozenset({"総数", "男女計", "計", "総計", "合計", "男女総数", "total", "Total", "both"})
#: Headers of the value column (long layout).
VALUE_COLUMNS = ("population", "value", "人口", "推計人口", "将来推計人口", "人数", "値", "総数")

#: An age group: (first age, last age), last ``None`` for an open group (``85+``).
AgeGroup = tuple[int, int | None]

_RANGE = re.compile(r"^(\d{1,3})歳?[〜~\-‐‑–—―ー−－]+(\d{1,3})歳?$")
_OPEN = re.compile(r"^(\d{1,3})歳?(?:以上|\+|~|〜|over)$")
_UNDER = re.compile(r"^(\d{1,3})歳?未満$")
_SINGLE = re.compile(r"^(\d{1,3})歳$")
_RELISTED = ("(再掲)", "再掲", "(うち)", "うち", "[再掲]")
_UNKNOWN_AGE = ("年齢不詳", "不詳", "年齢「不詳」", "age_unknown", "unknown")
_TOTAL_WORDS = ("総数", "合計", "計", "総人口", "total", "all", "全年齢")
_NOT_COUNTS = ("割合", "%", "率", "平均", "比", "指数")
_ZERO = ("-", "−", "―", "－", "‐")
_UNKNOWN = ("", "…", "...", "x", "X", "***", "*", "不詳")


@dataclass(frozen=True, eq=False)
class PopulationImport:
    """Population aligned to units, and what happened to every row.

    Attributes
    ----------
    frame
        Index = unit code (only units with data), columns :data:`POPULATION_FIELDS`
        and :data:`CENTROID_FIELDS` (NaN when not given).
    source
        The file read.
    rows
        Rows read.
    skipped
        Rows not used, with the reason.
    missing
        Units with no population row.
    ages
        Population by age group (index = unit code as in ``frame``, one column per
        group labelled ``0-4`` … ``100+``, youngest first), or ``None`` when the file
        gives only totals.
    year
        The projection year, or ``None`` for a census file.
    notes
        Rows used whose population centroid was dropped (reason ``bad_centroid``):
        every row read is either used or in :attr:`skipped`, and ``notes`` are a
        subset of the rows used.
    """

    frame: pd.DataFrame
    source: str
    rows: int
    skipped: tuple[RowIssue, ...]
    missing: tuple[str, ...]
    ages: pd.DataFrame | None = None
    year: int | None = None
    notes: tuple[RowIssue, ...] = ()

    @property
    def age_groups(self) -> tuple[AgeGroup, ...]:
        """The age groups of :attr:`ages` (empty without them)."""
        if self.ages is None:
            return ()
        return tuple(g for g in (parse_age_group(c) for c in self.ages.columns) if g is not None)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready summary."""
        out: dict[str, object] = {
            "source": self.source,
            "rows": self.rows,
            "used": self.rows - len(self.skipped),
            "skipped": [r.to_dict() for r in self.skipped],
            "notes": [r.to_dict() for r in self.notes],
            "missing_units": list(self.missing),
        }
        if self.ages is not None:
            out["age_groups"] = list(self.ages.columns)
        if self.year is not None:
            out["year"] = self.year
        return out


@dataclass(frozen=True, eq=False)
class Projection:
    """Projected population by unit, age group and year.

    Attributes
    ----------
    source
        The file read.
    years
        Years present, ascending.
    by_year
        Year -> :class:`PopulationImport` of that year (rows of other years not counted).
    skipped
        Every row not used, of every year (rows without a readable year included).
    rows
        Rows read.
    notes
        Rows used, of every year, whose population centroid was dropped.
    """

    source: str
    years: tuple[int, ...]
    by_year: Mapping[int, PopulationImport]
    skipped: tuple[RowIssue, ...] = ()
    rows: int = 0
    notes: tuple[RowIssue, ...] = ()

    def select(self, year: int) -> PopulationImport:
        """The population of one year, shaped like a census import.

        Raises
        ------
        InputError
            The year is not in the file.
        """
        return select_year(self, year)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready summary."""
        return {
            "source": self.source,
            "rows": self.rows,
            "years": list(self.years),
            "skipped": [r.to_dict() for r in self.skipped],
            "notes": [r.to_dict() for r in self.notes],
        }


# --------------------------------------------------------------------------- age groups


def parse_age_group(text: object) -> AgeGroup | None:
    """Read an age-group label.

    Parameters
    ----------
    text
        ``"0〜4歳"``, ``"5～9歳"``, ``"0-4"``, ``"85歳以上"``, ``"100+"``, ``"15歳未満"``,
        ``"0歳"``; re-listing marks (``(再掲)``, ``うち``) and a trailing ``人口`` are
        ignored.

    Returns
    -------
    (first, last) or None
        ``last`` is ``None`` for an open group; ``None`` when the text is not an age group.

    Examples
    --------
    >>> parse_age_group("5～9歳"), parse_age_group("100歳以上"), parse_age_group("総数")
    ((5, 9), (100, None), None)
    """
    parsed = _parse_age(text)
    return None if parsed is None else parsed[0]


def age_group_label(group: AgeGroup) -> str:
    """Canonical label of an age group: ``"0-4"``, ``"85+"``."""
    lo, hi = group
    return f"{lo}+" if hi is None else f"{lo}-{hi}"


def age_group_ja(group: AgeGroup) -> str:
    """Japanese label of an age group: ``"0〜4歳"``, ``"85歳以上"``."""
    lo, hi = group
    return (
        labels.AGE_TEXT["open"].format(lo=lo) if hi is None else labels.AGE_TEXT["range"].format(lo=lo, hi=hi)
    )


def _parse_age(text: object) -> tuple[AgeGroup, bool] | None:
    """(group, re-listed) or None."""
    if text is None:
        return None
    s = unicodedata.normalize("NFKC", str(text)).strip().lower().replace(" ", "").replace("\u3000", "")
    relisted = False
    for mark in _RELISTED:
        if s.startswith(mark):
            s = s[len(mark) :]
            relisted = True
    s = s.removesuffix("人口").removesuffix("の人口")
    if m := _RANGE.match(s):
        lo, hi = int(m.group(1)), int(m.group(2))
        return ((lo, hi), relisted) if lo <= hi else None
    if m := _OPEN.match(s):
        return (int(m.group(1)), None), relisted
    if m := _UNDER.match(s):
        n = int(m.group(1))
        return ((0, n - 1), relisted) if n > 0 else None
    if m := _SINGLE.match(s):
        n = int(m.group(1))
        return (n, n), relisted
    return None


def _looks_like_age(text: str) -> bool:
    """A header naming a count by age (ratios, shares and averages are not counts)."""
    s = unicodedata.normalize("NFKC", text)
    if any(w in s for w in _NOT_COUNTS):
        return False
    return "歳" in s and any(ch.isdigit() for ch in s)


def _is_unknown_age(text: str) -> bool:
    s = unicodedata.normalize("NFKC", text).strip().lower()
    return s in _UNKNOWN_AGE or ("不詳" in s and "年齢" in s)


@dataclass(frozen=True)
class _Scheme:
    """Age groups of a file: groups in order, and keys of re-listing columns/values."""

    groups: tuple[tuple[str, AgeGroup], ...]
    relisted: tuple[str, ...]

    @property
    def lows(self) -> set[int]:
        return {g[0] for _, g in self.groups}

    @property
    def labels(self) -> list[str]:
        return [age_group_label(g) for _, g in self.groups]


def _scheme(
    items: Sequence[tuple[str, AgeGroup, bool]], *, path: Path, where: str, shown: Mapping[str, str]
) -> _Scheme | None:
    """Check that the age groups run from 0 without gap or overlap to an open group.

    ``items`` are (key, group, re-listed); ``shown`` maps keys to what to print.
    Returns ``None`` when there is no closed group (a totals-only file).
    """
    closed = [(k, g) for k, g, r in items if not r and g[1] is not None]
    opens = [(k, g) for k, g, r in items if not r and g[1] is None]
    relisted = [k for k, _, r in items if r]
    if not closed:
        return None
    closed.sort(key=lambda kg: kg[1][0])
    first_key, first = closed[0]
    if first[0] != 0:
        raise InputError(
            labels.error("ages_not_from_zero", first=shown[first_key]),
            path=path,
            where=where,
        )
    ordered: list[tuple[str, AgeGroup]] = [closed[0]]
    for key, g in closed[1:]:
        prev_key, prev = ordered[-1]
        prev_end = prev[1] if prev[1] is not None else prev[0]  # closed groups have an end
        if g[0] != prev_end + 1:
            what = labels.ERROR_PARTS["ages_overlap" if g[0] <= prev[1] else "ages_gap"]
            raise InputError(
                labels.error(
                    "ages_not_contiguous",
                    a=shown[prev_key],
                    b=shown[key],
                    problem=what,
                    a_label=age_group_label(prev),
                    b_label=age_group_label(g),
                ),
                path=path,
                where=where,
            )
        ordered.append((key, g))
    last = ordered[-1][1]
    end = (last[1] if last[1] is not None else last[0]) + 1
    top = [(k, g) for k, g in opens if g[0] == end]
    if not top:
        raise InputError(
            labels.error("ages_no_top", end=end),
            path=path,
            where=where,
        )
    if len(top) > 1:
        raise InputError(
            labels.error("ages_several_tops", end=end, columns=", ".join(shown[k] for k, _ in top)),
            path=path,
            where=where,
        )
    ordered.append(top[0])
    others = [k for k, g in opens if g[0] != end]
    return _Scheme(tuple(ordered), tuple(relisted + others))


# --------------------------------------------------------------------------- reading


def _count(value: str | None, *, dash_is_zero: bool) -> float | str:
    """A population count: the number (NaN when unknown), or why it cannot be used.

    ``-`` (and the other dashes) is 0 in an age-group cell (``dash_is_zero``) and
    unknown in a totals cell; ``…``, ``x`` and an empty cell are unknown. Returns a
    key of :data:`_PROBLEMS` for text that is not a number, a number that is not
    finite (``inf``, ``nan``, ``1e309``), a negative number or one above
    :data:`MAX_COUNT`.
    """
    number = _number(value, dash=0.0 if dash_is_zero else np.nan)
    if isinstance(number, str) or np.isnan(number):
        return number
    if number < 0:
        return "negative"
    if number > MAX_COUNT:
        return "too_large"
    return number


def _degree(value: str | None, bounds: tuple[float, float]) -> float | str:
    """A centroid coordinate: degrees (NaN when empty or unknown), or why it cannot be used."""
    number = _number(value, dash=np.nan)
    if isinstance(number, str) or np.isnan(number):
        return number
    if not bounds[0] <= number <= bounds[1]:
        return "outside_japan"
    return number


def _number(value: str | None, *, dash: float) -> float | str:
    """A cell as a finite number, or NaN (empty or unknown), ``dash`` (a dash alone), or a
    key of :data:`_PROBLEMS` (``"not_number"``, ``"not_finite"``); commas are ignored."""
    if value is None:
        return np.nan
    text = unicodedata.normalize("NFKC", value).replace(",", "").strip()
    if text in _ZERO:
        return dash
    if text in _UNKNOWN:
        return np.nan
    try:
        number = float(text)
    except ValueError:
        return "not_number"
    return number if np.isfinite(number) else "not_finite"


#: Why a cell cannot be used: key -> message (:data:`geo_zaitaku.labels.CELL_PROBLEMS`).
_PROBLEMS: Mapping[str, labels.Message] = MappingProxyType(
    {key: m.format(max=MAX_COUNT) for key, m in labels.CELL_PROBLEMS.items()}
)


def _take(
    rec: Mapping[str, str | None], col: str, bad: list[tuple[str, str | None, str]], *, dash_is_zero: bool
) -> float:
    """The count in ``rec[col]``; NaN, with ``(col, text, problem)`` added to ``bad``, when unusable."""
    value = _count(rec[col], dash_is_zero=dash_is_zero)
    if isinstance(value, str):
        bad.append((col, rec[col], value))
        return np.nan
    return value


def _bad_number(source: str, line: int, row: str, bad: Sequence[tuple[str, str | None, str]]) -> RowIssue:
    """The row issue of a row with unusable count cells: (column, text, problem) each."""
    cells = [
        labels.ISSUES["bad_cell"].format(
            column=col, text=text, problem=_PROBLEMS[why].ja, problem_en=_PROBLEMS[why].en
        )
        for col, text, why in bad
    ]
    message = labels.ISSUES["bad_number"].format(
        row=row, cells="・".join(c.ja for c in cells), cells_en="; ".join(c.en for c in cells), max=MAX_COUNT
    )
    return RowIssue(source, line, "bad_number", message)


def _centroid(
    rec: Mapping[str, str | None], found: Mapping[str, str | None], source: str, line: int, code: str
) -> tuple[float, float, RowIssue | None]:
    """(lat, lon, note): the population centroid of a row, both NaN with a note when it
    cannot be used (a cell unreadable or outside Japan, or only one of the two given)."""
    lat_col, lon_col = found.get("pop_lat"), found.get("pop_lon")
    texts = {"lat": rec[lat_col] if lat_col else None, "lon": rec[lon_col] if lon_col else None}
    values = {"lat": _degree(texts["lat"], LAT_RANGE), "lon": _degree(texts["lon"], LON_RANGE)}
    lat, lon = values["lat"], values["lon"]
    if isinstance(lat, float) and isinstance(lon, float) and np.isnan(lat) == np.isnan(lon):
        return lat, lon, None
    problems = [
        labels.ISSUES["bad_degree"].format(
            name=labels.COORDINATES[k].ja,
            name_en=labels.COORDINATES[k].en,
            text=texts[k],
            problem=_PROBLEMS[p].ja,
            problem_en=_PROBLEMS[p].en,
        )
        for k, p in values.items()
        if isinstance(p, str)
    ] or [labels.ISSUES["one_coordinate"]]
    note = labels.ISSUES["bad_centroid"].format(
        row=code,
        why="・".join(m.ja for m in problems),
        why_en="; ".join(m.en for m in problems),
        lat0=LAT_RANGE[0],
        lat1=LAT_RANGE[1],
        lon0=LON_RANGE[0],
        lon1=LON_RANGE[1],
    )
    return np.nan, np.nan, RowIssue(source, line, "bad_centroid", note)


def _year(value: str | None) -> int | None:
    if value is None:
        return None
    m = re.search(r"(\d{4})", unicodedata.normalize("NFKC", value))
    return int(m.group(1)) if m else None


def _find(columns: Sequence[str], names: Sequence[str]) -> str | None:
    return next((n for n in names if n in columns), None)


@dataclass
class _Record:
    """One municipality (and year): its first line and values."""

    line: int
    values: dict[str, float]
    lines: list[int] = field(default_factory=list)


#: Rows not used or used with a note, each with its year (``None`` for census files or
#: rows without a readable year).
_Issues = list[tuple[int | None, RowIssue]]
#: What a reader returns: records by year and code, rows not used, notes, age groups.
_Read = tuple[dict[int | None, dict[str, _Record]], _Issues, _Issues, _Scheme | None]


def _read(
    path: Path, *, what: str, need_year: bool
) -> tuple[TextTable, dict[int | None, dict[str, _Record]], _Issues, _Issues, _Scheme | None]:
    """Read a census or projection CSV into records by year and code, the rows not
    used and the notes on rows used (centroids dropped)."""
    table = read_table(path, what=what, header_hint=COLUMNS["code"])
    raw = table.frame
    columns = [c for c in raw.columns if c != LINE]
    where = labels.at_line(table.header_line)
    code_col = _find(columns, COLUMNS["code"])
    if code_col is None:
        raise InputError(
            labels.error(
                "population_no_code_column",
                names=", ".join(COLUMNS["code"]),
                found=", ".join(map(table.as_written, columns)),
            ),
            path=path,
            where=where,
        )
    year_col = _find(columns, YEAR_COLUMNS)
    if need_year and year_col is None:
        raise InputError(
            labels.error(
                "population_no_year_column",
                names=", ".join(YEAR_COLUMNS),
                found=", ".join(map(table.as_written, columns)),
            ),
            path=path,
            where=where,
        )
    if not need_year and year_col is not None:
        years = {v for v in raw[year_col].tolist() if v}
        if len(years) > 1:
            raise InputError(
                labels.error(
                    "population_several_years", year_col=year_col, years=", ".join(sorted(years)[:5])
                ),
                path=path,
                where=where,
            )
    totals, sex_rows = _total_rows(table, path, _find(columns, SEX_COLUMNS))  # (the table counts every row)
    age_col = _find(columns, AGE_COLUMNS)
    if age_col is not None:
        read = _read_long(totals, path, code_col, year_col if need_year else None, age_col)
    else:
        read = _read_wide(totals, path, code_col, year_col if need_year else None)
    records, issues, notes, scheme = read
    return table, records, [*sex_rows, *issues], notes, scheme


def _total_rows(table: TextTable, path: Path, sex_col: str | None) -> tuple[TextTable, _Issues]:
    """Keep only the both-sexes rows of a table with a sex column (e-Stat's 男女 総数・男・女);
    the others are rows not used (``sex_row``). Without such a column, the table as it is.

    Raises
    ------
    InputError
        A sex column with no total row (a table of men or women only).
    """
    if sex_col is None:
        return table, []
    raw = table.frame
    values = [unicodedata.normalize("NFKC", v or "").strip() for v in raw[sex_col].tolist()]
    total = np.array([v in SEX_TOTALS for v in values], dtype=bool)
    if not total.any():
        shown = "・".join(sorted(set(values))[:5])
        raise InputError(
            labels.error("population_no_sex_total", col=sex_col, values=shown),
            path=path,
            where=labels.at_line(table.header_line),
        )
    lines = raw[LINE].to_numpy()
    issues = [
        (
            None,
            RowIssue(path.name, int(lines[i]), "sex_row", labels.ISSUES["sex_row"].format(value=values[i])),
        )
        for i in np.flatnonzero(~total).tolist()
    ]
    return replace(table, frame=raw.loc[total].reset_index(drop=True)), issues


def _read_wide(table: TextTable, path: Path, code_col: str, year_col: str | None) -> _Read:
    raw = table.frame
    columns = [c for c in raw.columns if c != LINE]
    where = labels.at_line(table.header_line)
    known = {n for names in COLUMNS.values() for n in names} | set(YEAR_COLUMNS)
    items: list[tuple[str, AgeGroup, bool]] = []
    unknown_col = None
    for col in columns:
        parsed = _parse_age(col)
        if parsed is not None:
            items.append((col, parsed[0], parsed[1]))
        elif _is_unknown_age(col):
            unknown_col = col
        elif _looks_like_age(col) and col not in known:
            raise InputError(
                labels.error("population_bad_age_header", col=table.as_written(col)),
                path=path,
                where=where,
            )
    scheme = _scheme(items, path=path, where=where, shown={c: table.as_written(c) for c in columns})
    found = {f: _find(columns, names) for f, names in COLUMNS.items() if f != "code"}
    if scheme is None and found["population"] is None:
        raise InputError(
            labels.error(
                "population_no_count_columns",
                names=", ".join(COLUMNS["population"]),
                found=", ".join(map(table.as_written, columns)),
            ),
            path=path,
            where=where,
        )
    source = path.name
    records: dict[int | None, dict[str, _Record]] = {}
    issues: _Issues = []
    notes: _Issues = []
    first_line: dict[tuple[int | None, str], int] = {}
    first_rec: dict[tuple[int | None, str], dict[str, object]] = {}
    counts = {f: col for f, col in found.items() if f not in CENTROID_FIELDS}
    for rec in raw.to_dict("records"):
        line = int(rec[LINE])
        key = _row_key(rec, line, source, year_col, code_col, issues)
        if key is None:
            continue
        year, code = key
        if key in first_line:  # the first row of a code decides, even when it is not used
            first = first_line[key]
            if key in first_rec and _counts_differ(rec, first_rec[key], counts, scheme):
                raise InputError(
                    labels.error("population_differing_rows", code=code, first=first),
                    path=path,
                    where=labels.at_line(line),
                )
            issues.append(
                (
                    year,
                    RowIssue(
                        source,
                        line,
                        "duplicate_code",
                        labels.ISSUES["duplicate_line"].format(row=code, first=first),
                    ),
                )
            )
            continue
        first_line[key] = line
        bad: list[tuple[str, str | None, str]] = []
        values = {f: _take(rec, col, bad, dash_is_zero=False) if col else np.nan for f, col in counts.items()}
        ages: dict[str, float] = {}
        unknown = 0.0
        if scheme is not None:
            ages = {age_group_label(g): _take(rec, col, bad, dash_is_zero=True) for col, g in scheme.groups}
            unknown = _take(rec, unknown_col, bad, dash_is_zero=True) if unknown_col else 0.0
        if bad:
            issues.append((year, _bad_number(source, line, code, bad)))
            continue
        values["pop_lat"], values["pop_lon"], note = _centroid(rec, found, source, line, code)
        if note is not None:
            notes.append((year, note))
        if scheme is not None:
            values = _derive(values, ages, scheme, unknown)
            hidden = [label for label, v in ages.items() if np.isnan(v)]
            if hidden:  # suppressed cells (「…」「x」「***」): the older-age sums are unknown
                message = labels.ISSUES["ages_unknown"].format(row=code, groups="・".join(hidden))
                notes.append((year, RowIssue(source, line, "ages_unknown", message)))
        note = _inconsistent_ages(values, source, line, code)
        if note is not None:
            notes.append((year, note))
        records.setdefault(year, {})[code] = _Record(line, values, [line])
        first_rec[key] = rec  # (a later row is compared with a row that was used)
    return records, issues, notes, scheme


def _counts_differ(
    rec: Mapping[str, object],
    first: Mapping[str, object],
    counts: Mapping[str, str | None],
    scheme: _Scheme | None,
) -> bool:
    """Whether two rows of one code give different counts (a breakdown the file keeps
    in rows, such as 男女 or 国籍: taking the first would be a part, not the whole)."""
    cols = [c for c in counts.values() if c] + (
        [col for col, _ in scheme.groups] if scheme is not None else []
    )
    return any(rec.get(c) != first.get(c) for c in cols)


#: Counts that nest: each is at most the one before (65歳以上 ≤ 総数 …).
_NESTED = ("population", "pop_65over", "pop_75over", "pop_85over")


def _inconsistent_ages(values: dict[str, float], source: str, line: int, code: str) -> RowIssue | None:
    """A row whose older age group outnumbers a younger one (65歳以上 200 of 総数 100):
    its age counts are set unknown (the total is kept), with a note (reason
    ``inconsistent_ages``); ``None`` when the counts nest."""
    known = [(k, values.get(k, np.nan)) for k in _NESTED]
    known = [(k, v) for k, v in known if isinstance(v, float) and not np.isnan(v)]
    for (wide, a), (narrow, b) in itertools.pairwise(known):
        if b > a:
            for k in _NESTED[1:]:
                if k in values:
                    values[k] = np.nan
            return RowIssue(
                source,
                line,
                "inconsistent_ages",
                labels.ISSUES["inconsistent_ages"].format(
                    row=code,
                    narrow=labels.POPULATION_GROUPS[narrow],
                    b=b,
                    wide=labels.POPULATION_GROUPS[wide],
                    a=a,
                ),
            )
    return None


#: Cells of a long-layout file: (year, code) -> age-group key -> (line, value), the
#: value ``None`` for a row not used (a bad number).
_Cells = dict[tuple[int | None, str], dict[str, tuple[int, float | None]]]
#: What an age-group key of a long-layout file stands for: (group, re-listed), or
#: ``"total"`` or ``"unknown"`` (people of unknown age).
_AgeKind = tuple[AgeGroup, bool] | str


def _read_long(table: TextTable, path: Path, code_col: str, year_col: str | None, age_col: str) -> _Read:
    """Read a long-layout file (one row per code, age group and year): cells by code
    and age group, then the age groups, then one record per code and year."""
    columns = [c for c in table.frame.columns if c not in (LINE, code_col, age_col, year_col)]
    value_col = _find(columns, VALUE_COLUMNS)
    if value_col is None:
        raise InputError(
            labels.error(
                "population_no_value_column",
                names=", ".join(VALUE_COLUMNS),
                found=", ".join(map(table.as_written, columns)),
            ),
            path=path,
            where=labels.at_line(table.header_line),
        )
    issues: _Issues = []
    cells, kinds = _long_cells(table, path, (code_col, year_col, age_col, value_col), issues)
    items = [(k, v[0], v[1]) for k, v in kinds.items() if isinstance(v, tuple)]
    where = labels.PLACES["column"].format(column=age_col)
    scheme = _scheme(items, path=path, where=where, shown={k: k for k in kinds})
    if scheme is None:
        raise InputError(
            labels.error("population_no_age_groups", age_col=age_col),
            path=path,
            where=labels.at_line(table.header_line),
        )
    return _long_records(cells, kinds, scheme, path.name, issues), issues, [], scheme


def _long_cells(
    table: TextTable, path: Path, cols: tuple[str, str | None, str, str], issues: _Issues
) -> tuple[_Cells, dict[str, _AgeKind]]:
    """The value of every (year, code, age group) and what each age-group key stands
    for; rows not used (no code or year, a duplicate, a bad number) go to ``issues``."""
    code_col, year_col, age_col, value_col = cols
    source = path.name
    cells: _Cells = {}
    kinds: dict[str, _AgeKind] = {}
    for rec in table.frame.to_dict("records"):
        line = int(rec[LINE])
        row_key = _row_key(rec, line, source, year_col, code_col, issues)
        if row_key is None:
            continue
        year, code = row_key
        age_key = unicodedata.normalize("NFKC", rec[age_col] or "").strip()
        if age_key not in kinds:
            kinds[age_key] = _age_kind(age_key, rec[age_col] or "", path=path, column=age_col, line=line)
        slot = cells.setdefault(row_key, {})
        row = f"{code} {age_key}"
        if age_key in slot:
            message = labels.ISSUES["duplicate_line"].format(row=row, first=slot[age_key][0])
            issues.append((year, RowIssue(source, line, "duplicate_row", message)))
            continue
        number = _count(rec[value_col], dash_is_zero=True)
        if isinstance(number, str):
            issues.append((year, _bad_number(source, line, row, [(value_col, rec[value_col], number)])))
            slot[age_key] = (line, None)
            continue
        slot[age_key] = (line, number)
    return cells, kinds


def _age_kind(age_key: str, text: str, *, path: Path, column: str, line: int) -> _AgeKind:
    """What an age-group cell stands for (see :data:`_AgeKind`).

    Raises
    ------
    InputError
        The cell is neither an age group, nor a total, nor unknown age.
    """
    parsed = _parse_age(age_key)
    if parsed is not None:
        return parsed
    if _is_unknown_age(age_key):
        return "unknown"
    if age_key.lower() in _TOTAL_WORDS:
        return "total"
    raise InputError(
        labels.error("population_bad_age_group", text=text, age_col=column),
        path=path,
        where=labels.at_line(line),
    )


def _long_records(
    cells: _Cells, kinds: Mapping[str, _AgeKind], scheme: _Scheme, source: str, issues: _Issues
) -> dict[int | None, dict[str, _Record]]:
    """One record per (year, code): its age groups, total and older-age sums; rows of
    re-listed groups go to ``issues``."""
    relisted = set(scheme.relisted)
    records: dict[int | None, dict[str, _Record]] = {}
    for (year, code), slot in cells.items():
        for age_key, (line, value) in slot.items():
            if age_key in relisted and value is not None:
                message = labels.ISSUES["relisted"].format(row=f"{code} {age_key}")
                issues.append((year, RowIssue(source, line, "relisted", message)))
        used = {k: v for k, (_line, v) in slot.items() if v is not None and k not in relisted}
        lines = sorted(slot[k][0] for k in used)
        if not lines:  # every row of this code and year was set aside above
            continue
        records.setdefault(year, {})[code] = _Record(lines[0], _long_values(used, kinds, scheme), lines)
    return records


def _long_values(
    used: Mapping[str, float], kinds: Mapping[str, _AgeKind], scheme: _Scheme
) -> dict[str, float]:
    """The values of one code and year from its age-group cells (see :func:`_derive`)."""
    ages = {age_group_label(g): used.get(k, np.nan) for k, g in scheme.groups}
    total_key = next((k for k in used if kinds[k] == "total"), None)
    unknown_key = next((k for k in used if kinds[k] == "unknown"), None)
    base = dict.fromkeys((*POPULATION_FIELDS[1:], *CENTROID_FIELDS), np.nan)
    base["population"] = used[total_key] if total_key else np.nan
    unknown = used[unknown_key] if unknown_key else 0.0
    return _derive(base, ages, scheme, unknown)


def _row_key(
    rec: Mapping[str, str | None],
    line: int,
    source: str,
    year_col: str | None,
    code_col: str,
    issues: _Issues,
) -> tuple[int | None, str] | None:
    """(year, code) of a row, or ``None`` after recording why the row is not used."""
    year = None
    if year_col is not None:
        year = _year(rec[year_col])
        if year is None:
            issues.append(
                (
                    None,
                    RowIssue(source, line, "bad_year", labels.ISSUES["bad_year"].format(value=rec[year_col])),
                )
            )
            return None
    code = codes.normalize_code(rec[code_col])
    if code is None:
        issues.append((year, _bad_code(source, line, rec[code_col])))
        return None
    return year, code


def _bad_code(source: str, line: int, value: str | None) -> RowIssue:
    if value is None:
        return RowIssue(source, line, "bad_code", labels.ISSUES["no_code"])
    return RowIssue(source, line, "bad_code", labels.ISSUES["bad_code"].format(value=value))


def _derive(
    values: dict[str, float], ages: dict[str, float], scheme: _Scheme, unknown: float
) -> dict[str, float]:
    """Totals and older-age sums from the age groups (see the module docstring)."""
    out = dict(values)
    groups = [g for _, g in scheme.groups]
    vals = np.array([ages[age_group_label(g)] for g in groups], dtype=float)
    if np.isnan(out.get("population", np.nan)):
        out["population"] = float(vals.sum() + (0.0 if np.isnan(unknown) else unknown))
    lows = np.array([g[0] for g in groups])
    for f, age in OLDER_AGES.items():
        if age in scheme.lows:
            out[f] = float(vals[lows >= age].sum())
    out.update(ages)
    return out


# --------------------------------------------------------------------------- aligning


def load_population(path: str | Path, units: gpd.GeoDataFrame) -> PopulationImport:
    """Read a population CSV (totals or age groups) and align it to the units.

    Parameters
    ----------
    path
        The table (layouts in the module docstring): CSV/TSV (UTF-8, UTF-8 with BOM or cp932), ``.xlsx`` or a zip holding one CSV (read with
        :func:`geo_zaitaku.sources.tabular.read_table`).
    units
        Units frame (index = code).

    Returns
    -------
    PopulationImport

    Raises
    ------
    InputError
        No code column, no population or age-group column, an age-group header that
        cannot be read, or age groups with a gap or overlap. (A cell that is not a
        usable number does not stop the import: its row is skipped with reason
        ``bad_number``; see the module docstring.)
    """
    path = Path(path)
    table, records, issues, notes, scheme = _read(path, what=labels.FILES["population"], need_year=False)
    skipped = [issue for _, issue in issues]
    used_notes = [note for _, note in notes]
    return _finish(records.get(None, {}), units, path, len(table.frame), skipped, used_notes, scheme, None)


def load_projection(path: str | Path, units: gpd.GeoDataFrame) -> Projection:
    """Read projected population by municipality, year and age group.

    Parameters
    ----------
    path
        The table: wide (one row per municipality and year, a year column and age-group
        columns) or long (``code,year,age_group,population``); see the module docstring.
        CSV/TSV (UTF-8, UTF-8 with BOM or cp932), ``.xlsx`` or a zip holding one CSV (read
        with :func:`geo_zaitaku.sources.tabular.read_table`).
    units
        Units frame (index = code).

    Returns
    -------
    Projection

    Raises
    ------
    InputError
        No code or year column, no age groups, unreadable headers, or no row with a
        readable year. (Rows with unusable numbers are skipped, as in
        :func:`load_population`.)
    """
    path = Path(path)
    table, records, issues, notes, scheme = _read(path, what=labels.FILES["projection"], need_year=True)
    years = sorted(y for y in records if y is not None)
    if not years:
        raise InputError(
            labels.error("projection_no_year"),
            path=path,
        )
    lines_by_year: dict[int, int] = {}
    for y in years:
        lines_by_year[y] = sum(len(r.lines) for r in records[y].values())
    for y, _issue in issues:
        if y is not None:
            lines_by_year[y] = lines_by_year.get(y, 0) + 1
    by_year: dict[int, PopulationImport] = {}
    all_skipped = [issue for y, issue in issues if y is None]
    all_notes: list[RowIssue] = []
    for y in years:
        own = [issue for yy, issue in issues if yy == y]
        own_notes = [note for yy, note in notes if yy == y]
        imp = _finish(records[y], units, path, lines_by_year[y], own, own_notes, scheme, y)
        by_year[y] = imp
        all_skipped.extend(imp.skipped)
        all_notes.extend(imp.notes)
    return Projection(
        source=str(path),
        years=tuple(years),
        by_year=MappingProxyType(by_year),
        skipped=tuple(sorted(all_skipped, key=lambda r: r.line)),
        rows=len(table.frame),
        notes=tuple(sorted(all_notes, key=lambda r: r.line)),
    )


def select_year(projection: Projection, year: int) -> PopulationImport:
    """The population of one projection year, shaped like a census import.

    Raises
    ------
    InputError
        The year is not in the projection file (the message lists those that are).
    """
    if year not in projection.by_year:
        raise InputError(
            labels.error("projection_year_missing", year=year, years=", ".join(map(str, projection.years))),
            path=projection.source,
        )
    return projection.by_year[year]


def _finish(
    records: dict[str, _Record],
    units: gpd.GeoDataFrame,
    path: Path,
    rows: int,
    skipped: list[RowIssue],
    notes: list[RowIssue],
    scheme: _Scheme | None,
    year: int | None,
) -> PopulationImport:
    source = path.name
    age_labels = scheme.labels if scheme is not None else []
    frame, ages, used = _align({c: r.values for c, r in records.items()}, units, age_labels)
    for code, rec in records.items():
        if code not in used:
            reason, message = used_reason(code, units, records)
            skipped.extend(RowIssue(source, line, reason, message) for line in rec.lines)
    not_used = {r.line for r in skipped}
    notes = [n for n in notes if n.line not in not_used]  # a note only on a row that is used
    missing = tuple(c for c in units.index if c not in frame.index or np.isnan(frame.at[c, "population"]))
    return PopulationImport(
        frame,
        str(path),
        rows,
        tuple(sorted(skipped, key=lambda r: r.line)),
        missing,
        ages=ages if scheme is not None else None,
        year=year,
        notes=tuple(sorted(notes, key=lambda r: r.line)),
    )


def used_reason(
    code: str, units: gpd.GeoDataFrame, records: Container[str] = ()
) -> tuple[str, labels.Message]:
    """Why a population row was not used: (reason key, message); ``records`` are the
    codes the file has (a city total is only "ward rows used" when it has them)."""
    if code in set(units["municipality_code"]) and code not in units.index:
        wards = units.index[units["municipality_code"] == code]
        reason = "city_total" if any(w in records for w in wards) else "city_without_wards"
    elif any(code in w.split("・") for w in units["ward_codes"].dropna()):
        reason = "ward_row"
    else:
        reason = "unknown_code"
    return reason, labels.ISSUES[reason].format(row=code)


def _align(
    records: dict[str, dict[str, float]], units: gpd.GeoDataFrame, age_labels: Sequence[str] = ()
) -> tuple[pd.DataFrame, pd.DataFrame, set[str]]:
    rows: dict[str, dict[str, float]] = {}
    used: set[str] = set()
    for code in units.index:
        if code in records:
            rows[code] = records[code]
            used.add(code)
            continue
        wcodes = units.at[code, "ward_codes"]
        if isinstance(wcodes, str) and wcodes:
            parts = [records[w] for w in wcodes.split("・") if w in records]
            if parts:
                rows[code] = _combine(parts, age_labels)
                used.update(w for w in wcodes.split("・") if w in records)
    cols = [*POPULATION_FIELDS, *CENTROID_FIELDS]
    index = pd.Index(list(rows), name="code", dtype=object)
    frame = pd.DataFrame(
        {c: [rows[k].get(c, np.nan) for k in rows] for c in cols}, index=index, columns=cols, dtype=float
    )
    ages = pd.DataFrame(
        {c: [rows[k].get(c, np.nan) for k in rows] for c in age_labels},
        index=index.copy(),
        columns=list(age_labels),
        dtype=float,
    )
    return frame, ages, used


def _combine(parts: list[dict[str, float]], age_labels: Sequence[str] = ()) -> dict[str, float]:
    out: dict[str, float] = {}
    for f in (*POPULATION_FIELDS, *age_labels):
        vals = [p.get(f, np.nan) for p in parts]
        out[f] = np.nan if all(np.isnan(v) for v in vals) else float(np.nansum(vals))
    w = np.array([p["population"] for p in parts])
    for f in CENTROID_FIELDS:
        v = np.array([p[f] for p in parts])
        ok = ~np.isnan(v) & ~np.isnan(w)
        out[f] = float(np.average(v[ok], weights=w[ok])) if ok.all() and w[ok].sum() > 0 else np.nan
    return out


def attach_population(
    units: gpd.GeoDataFrame, population: PopulationImport | pd.DataFrame
) -> gpd.GeoDataFrame:
    """Return a copy of ``units`` with the population columns joined (NaN where unknown).

    ``population`` may be a census import, one year of a projection
    (:meth:`Projection.select`), or a frame with the :data:`POPULATION_FIELDS` columns.
    """
    frame = population.frame if isinstance(population, PopulationImport) else population
    out = units.drop(columns=[c for c in (*POPULATION_FIELDS, *CENTROID_FIELDS) if c in units.columns])
    out = out.join(frame.reindex(columns=[*POPULATION_FIELDS, *CENTROID_FIELDS]))
    out.attrs = dict(units.attrs)
    return out


def population_table(population: PopulationImport, units: gpd.GeoDataFrame) -> pd.DataFrame:
    """The population of every unit as the canonical population CSV (what
    ``geo-zaitaku population import`` writes and :func:`load_population` reads back).

    Columns: ``code``, ``name``, :data:`POPULATION_FIELDS`, :data:`CENTROID_FIELDS`
    and, when the source had them, the age groups (``0-4`` … ``100+``). Counts are
    whole numbers (nullable integers); units without data keep empty cells.
    """
    frame = population.frame.reindex(units.index)
    out = pd.DataFrame({"code": list(units.index), "name": list(units["name"])})
    for column in (*POPULATION_FIELDS, *CENTROID_FIELDS):
        values = frame[column].to_numpy(dtype=float)
        if column in CENTROID_FIELDS:
            out[column] = [None if np.isnan(v) else round(v, 6) for v in values]
        else:
            out[column] = _whole(values)
    if population.ages is not None:
        ages = population.ages.reindex(units.index)
        for column in ages.columns:
            out[column] = _whole(ages[column].to_numpy(dtype=float))
    return out


def _whole(values: np.ndarray) -> pd.arrays.IntegerArray:
    """Counts rounded to whole numbers, missing where unknown (written ``400``, not ``400.0``)."""
    return pd.array([None if np.isnan(v) else round(v) for v in values], dtype="Int64")
