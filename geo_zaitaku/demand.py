"""Expected home-care demand by unit and area: age-group population × rates.

For one year, the expected number of home-care patients of a unit is

    Σ over age groups g:  population(g) × rate(band containing g)

where the rates come from a table of age bands (:class:`RateTable`). Planners compare
the figure for 2025 and 2040 (projections from :func:`geo_zaitaku.sources.population.load_projection`)
to see where demand grows.

Rate tables
-----------
A CSV with an age-group column and one rate column, ``#`` lines for notes::

    # measure: what one unit of the result is (e.g. patients per day)
    # source: where the rates come from, and the year
    age_group,rate_per_100000
    0-74,35.0
    75+,1008.6

Age groups are written as in population files (``0-4``, ``0〜4歳``, ``85歳以上``,
``90+``). The rate column is one of ``rate`` (per person), ``rate_per_1000`` /
``人口千対``, or ``rate_per_100000`` / ``人口10万対`` / ``受療率``. Bands must not
overlap. When the population has age groups, each group must lie inside one band
(a band may hold several groups; a group may not straddle two bands); when it has
only totals and 65+/75+/85+, band limits must be 0, 65, 75 or 85. Either way the bands
must cover every age from 0 to the open top group; otherwise
:class:`~geo_zaitaku.InputError` says which ages are missing. People of unknown age
(年齢不詳) are not counted.

The default table (``geo_zaitaku/data/demand_rates.csv``)
---------------------------------------------------------
The seed documents describe the national method (受療率 by sex and age from the
Patient Survey or NDB, fixed, applied to projected population) but give no usable
rates. The default is therefore derived from two published national figures:

- 厚生労働省「令和5年(2023)患者調査の概況」: patients receiving home care
  (在宅医療を受けた推計外来患者数: 往診・訪問診療・医師・歯科医師以外の訪問, dental
  included) on the survey day: 239.0 thousand, of whom 202.5 thousand aged 75+;
- 総務省統計局「人口推計（2023年10月1日現在）」: total population 124,352 thousand,
  aged 75+ 20,078 thousand.

75+: 202.5 / 20,078 × 100,000 = 1008.6 per 100,000; 0-74: (239.0 − 202.5) /
(124,352 − 20,078) × 100,000 = 35.0 per 100,000. The result is thus *patients on one
day* under the Patient Survey's definition, with two age bands only: it understates
the growth driven by the oldest (85+) and is not the monthly number of patients
receiving 訪問診療. Planners should replace it with their prefecture's rates by sex
and 5-year age group (the NDB-based figures MHLW provides for the Medical Plan, or the
Patient Survey's prefectural 受療率) with ``--rates FILE``.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from geo_zaitaku import labels
from geo_zaitaku._errors import InputError
from geo_zaitaku._io import LINE
from geo_zaitaku.sources.population import (
    OLDER_AGES,
    POPULATION_FIELDS,
    AgeGroup,
    PopulationImport,
    Projection,
    age_group_ja,
    age_group_label,
    load_projection,
    parse_age_group,
)
from geo_zaitaku.sources.tabular import read_table

if TYPE_CHECKING:
    import geopandas as gpd

    from geo_zaitaku.pipeline import CheckRun
    from geo_zaitaku.plan import Plan, PlanSpec

PathLike = str | Path

#: Columns of :func:`expected_demand` and of the per-unit and per-area results.
DEMAND_FIELDS = (*POPULATION_FIELDS, "patients")
#: Header of the age-group column of a rate table.
RATE_AGE_COLUMNS = ("age_group", "age", "年齢階級", "年齢")
#: Rate column headers -> divisor turning them into a rate per person.
RATE_COLUMNS: Mapping[str, float] = MappingProxyType(
    {
        "rate": 1.0,
        "rate_per_person": 1.0,
        "rate_per_1000": 1_000.0,
        "per_1000": 1_000.0,
        "人口千対": 1_000.0,
        "rate_per_100000": 100_000.0,
        "per_100000": 100_000.0,
        "人口10万対": 100_000.0,
        "受療率": 100_000.0,
        "受療率(人口10万対)": 100_000.0,
    }
)
#: Label of the census period (the population CSV, as opposed to a projection year).
CURRENT = "現況"
_DEFAULT_NAME = "demand_rates.csv"
_META = re.compile(r"^#\s*([A-Za-z_]+)\s*[:：]\s*(.*)$")


@dataclass(frozen=True)
class RateBand:
    """One age band of a rate table.

    Attributes
    ----------
    group
        (first age, last age); last ``None`` for the open top band.
    rate
        Expected patients per person of that age.
    line
        Line of the band in its file.
    """

    group: AgeGroup
    rate: float
    line: int = 0

    @property
    def label(self) -> str:
        """``"0-74"``, ``"75+"``."""
        return age_group_label(self.group)

    def contains(self, group: AgeGroup) -> bool:
        """Whether a population age group lies wholly inside this band."""
        lo, hi = self.group
        if group[0] < lo:
            return False
        if hi is None:
            return True
        return group[1] is not None and group[1] <= hi


@dataclass(frozen=True)
class RateTable:
    """Expected home-care patients per person, by age band.

    Attributes
    ----------
    bands
        Bands, youngest first, not overlapping.
    source
        The file read.
    meta
        ``# key: value`` lines of the file (``measure``, ``source``, ``year``, ``note`` …).
    default
        Whether this is the package's default table.
    """

    bands: tuple[RateBand, ...]
    source: str
    meta: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    default: bool = False

    @property
    def measure(self) -> str:
        """What one unit of the result is (the ``# measure:`` line), or ``""``."""
        return self.meta.get("measure", "")

    def band_for(self, group: AgeGroup) -> RateBand | None:
        """The band holding a population age group, or ``None``."""
        return next((b for b in self.bands if b.contains(group)), None)

    def to_frame(self) -> pd.DataFrame:
        """The bands as a frame: ``age_group``, ``rate`` (per person), ``rate_per_100000``."""
        return pd.DataFrame(
            {
                "age_group": [b.label for b in self.bands],
                "rate": [b.rate for b in self.bands],
                "rate_per_100000": [b.rate * 100_000 for b in self.bands],
            }
        )


def default_rates() -> RateTable:
    """The package's default rate table (see the module docstring for its derivation)."""
    ref = resources.files("geo_zaitaku") / "data" / _DEFAULT_NAME
    with resources.as_file(ref) as path:
        table = load_rates(path)
    return RateTable(table.bands, f"geo_zaitaku/data/{_DEFAULT_NAME}", table.meta, default=True)


#: The largest rate per person read at all (a file that says it counts visits may exceed 1).
MAX_RATE = 1_000.0


def load_rates(path: PathLike) -> RateTable:
    """Read a rate table CSV.

    Parameters
    ----------
    path
        A table with an age-group column and a rate column (see the module docstring):
        CSV/TSV (UTF-8, UTF-8 with BOM or cp932), ``.xlsx`` or a zip holding one CSV (read with
        :func:`geo_zaitaku.sources.tabular.read_table`); ``#`` lines (or worksheet rows) hold the notes.

    Returns
    -------
    RateTable

    Raises
    ------
    InputError
        No age-group or rate column, an age group or rate that cannot be read, a
        rate that is negative or not finite (``inf``, ``nan``, ``1e309``) or above one per
        person in a file without a ``# measure:`` line (a table per 100,000 headed
        ``rate``), or
        overlapping bands (with their lines).
    """
    path = Path(path)
    table = read_table(
        path, what=labels.FILES["rates"], header_hint=(*RATE_AGE_COLUMNS, *RATE_COLUMNS), comment="#"
    )
    meta: dict[str, str] = {}
    for note in table.comments:
        m = _META.match(note)
        if m:
            meta[m.group(1).lower()] = m.group(2).strip()
    frame = table.frame
    columns = [c for c in frame.columns if c != LINE]
    where = labels.at_line(table.header_line)
    age_col = next((c for c in RATE_AGE_COLUMNS if c in columns), None)
    rate_col = next((c for c in RATE_COLUMNS if c in columns), None)
    if age_col is None or rate_col is None:
        raise InputError(
            labels.error(
                "rates_no_columns",
                age_columns=", ".join(RATE_AGE_COLUMNS),
                rate_columns=", ".join(RATE_COLUMNS),
                found=", ".join(columns),
            ),
            path=path,
            where=where,
        )
    divisor = RATE_COLUMNS[rate_col]
    bands: list[RateBand] = []
    for rec in frame.to_dict("records"):
        line = int(rec[LINE])
        cell = rec[age_col]
        if cell is None or cell.startswith("#"):
            continue
        group = parse_age_group(cell)
        if group is None:
            raise InputError(
                labels.error("rates_bad_age_group", cell=cell),
                path=path,
                where=labels.at_line(line),
            )
        value = rec[rate_col]
        try:
            number = float(unicodedata.normalize("NFKC", value or "").replace(",", ""))
        except ValueError:
            number = float("nan")
        if not np.isfinite(number) or number < 0:
            raise InputError(
                labels.error("rates_bad_rate", rate_col=rate_col, value=value),
                path=path,
                where=labels.at_line(line),
            )
        if number / divisor > 1 and not meta.get("measure"):
            # more than one patient per person: the unit is wrong, unless the file says
            # it counts something else (visits per year)
            raise InputError(
                labels.error("rates_above_one", rate_col=rate_col, value=value, per_person=number / divisor),
                path=path,
                where=labels.at_line(line),
            )
        if number / divisor > MAX_RATE:  # even visits per year: no count reaches this per person
            raise InputError(
                labels.error("rates_too_large", rate_col=rate_col, value=value, limit=MAX_RATE),
                path=path,
                where=labels.at_line(line),
            )
        bands.append(RateBand(group, number / divisor, line))
    if not bands:
        raise InputError(labels.error("rates_no_rows"), path=path)
    bands.sort(key=lambda b: b.group[0])
    for a, b in itertools.pairwise(bands):
        if a.group[1] is None or b.group[0] <= a.group[1]:
            raise InputError(
                labels.error(
                    "rates_overlap",
                    a=age_group_ja(a.group),
                    a_line=a.line,
                    b=age_group_ja(b.group),
                    b_line=b.line,
                    a_label=a.label,
                    b_label=b.label,
                ),
                path=path,
                where=labels.at_line(b.line),
            )
    return RateTable(tuple(bands), str(path), MappingProxyType(meta))


# --------------------------------------------------------------------------- per unit


def band_population(population: PopulationImport | pd.DataFrame, rates: RateTable) -> pd.DataFrame:
    """Population of each rate band, by unit.

    Parameters
    ----------
    population
        A census import or one projection year (with or without age groups), or a
        frame indexed by unit code with age-group columns (``0-4`` … ``85+``) or the
        :data:`~geo_zaitaku.sources.population.POPULATION_FIELDS` columns.
    rates
        The rate table.

    Returns
    -------
    pandas.DataFrame
        Index = unit code, one column per band (label ``0-74``, ``75+``); NaN where a
        needed figure is unknown.

    Raises
    ------
    InputError
        The bands do not cover the population's age groups (naming the rate file).
    """
    ages, totals = _population_parts(population)
    if ages is not None and len(ages.columns):
        return _bands_from_groups(ages, rates)
    return _bands_from_totals(totals, rates)


def expected_demand(
    population: PopulationImport | pd.DataFrame, rates: RateTable | None = None
) -> pd.DataFrame:
    """Expected home-care patients by unit: Σ age-group population × rate.

    Parameters
    ----------
    population
        As for :func:`band_population`.
    rates
        Rate table (default: :func:`default_rates`).

    Returns
    -------
    pandas.DataFrame
        Index = unit code; columns :data:`DEMAND_FIELDS` (``population``,
        ``pop_65over``, ``pop_75over``, ``pop_85over``, ``patients``). ``patients``
        is NaN where a band population is unknown.

    Raises
    ------
    InputError
        The rate bands do not cover the population's age groups.
    """
    rates = rates if rates is not None else default_rates()
    bands = band_population(population, rates)
    weights = pd.Series([b.rate for b in rates.bands], index=[b.label for b in rates.bands])
    patients = (bands * weights).sum(axis=1, skipna=False)
    _ages, totals = _population_parts(population)
    out = totals.reindex(index=bands.index, columns=list(POPULATION_FIELDS)).astype(float)
    out["patients"] = patients.astype(float)
    out.index.name = "code"
    return out


def _population_parts(
    population: PopulationImport | pd.DataFrame,
) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    if isinstance(population, PopulationImport):
        return population.ages, population.frame
    age_cols = [c for c in population.columns if isinstance(c, str) and parse_age_group(c) is not None]
    age_cols = [c for c in age_cols if c not in POPULATION_FIELDS]
    ages = population[age_cols].astype(float) if age_cols else None
    totals = population.reindex(columns=list(POPULATION_FIELDS)).astype(float)
    return ages, totals


def _rates_error(rates: RateTable, message: labels.Message, line: int | None = None) -> InputError:
    """The error about a rate table: naming its file, or saying it is the default table."""
    where = labels.at_line(line) if line else None
    if rates.default:
        return InputError(
            labels.error("in_default_rates", source=rates.source, ja=message.ja, en=message.en), where=where
        )
    return InputError(message, path=rates.source, where=where)


def _bands_from_groups(ages: pd.DataFrame, rates: RateTable) -> pd.DataFrame:
    members: dict[str, list[str]] = {b.label: [] for b in rates.bands}
    for col in ages.columns:
        group = parse_age_group(col)
        band = rates.band_for(group) if group is not None else None
        if band is None:
            have = "・".join(age_group_ja(b.group) for b in rates.bands)
            raise _rates_error(
                rates,
                labels.error(
                    "rates_no_band", have=have, group=age_group_ja(group), group_label=age_group_label(group)
                ),
            )
        members[band.label].append(col)
    out = pd.DataFrame(index=ages.index)
    for b in rates.bands:
        cols = members[b.label]
        out[b.label] = ages[cols].sum(axis=1, skipna=False) if cols else 0.0
    return out


def _bands_from_totals(totals: pd.DataFrame, rates: RateTable) -> pd.DataFrame:
    """Bands from total and 65+/75+/85+: population(a..b) = N(≥a) − N(≥b+1)."""
    cumulative = {0: "population", **{age: f for f, age in OLDER_AGES.items()}}
    limits = "・".join(labels.AGE_TEXT["age"].format(age=a) for a in cumulative)
    expected = 0
    for b in rates.bands:
        if b.group[0] != expected:
            raise _rates_error(
                rates,
                labels.error("rates_gap", expected=expected, last=b.group[0] - 1),
                b.line,
            )
        expected = b.group[1] + 1 if b.group[1] is not None else -1
    if expected != -1:
        raise _rates_error(
            rates,
            labels.error("rates_no_top", expected=expected),
        )
    out = pd.DataFrame(index=totals.index)
    for b in rates.bands:
        lo, hi = b.group
        ends = [lo] if hi is None else [lo, hi + 1]
        bad = [a for a in ends if a not in cumulative]
        if bad:
            raise _rates_error(
                rates,
                labels.error(
                    "rates_band_from_totals", limits=limits, label=b.label, band=age_group_ja(b.group)
                ),
                b.line,
            )
        upper = totals[cumulative[lo]]
        out[b.label] = upper if hi is None else upper - totals[cumulative[hi + 1]]
    return out


# --------------------------------------------------------------------------- per area


@dataclass(frozen=True, eq=False)
class DemandResult:
    """Population and expected home-care patients by unit and area, for several periods.

    Attributes
    ----------
    plan
        Plan name.
    periods
        Period labels in order (``"現況"`` for the census file, ``"2025年"`` …).
    units
        Long frame: ``code``, ``name``, ``area``, ``period`` and :data:`DEMAND_FIELDS`.
    areas
        Long frame: ``area``, ``period``, ``n_units``, ``n_missing`` and
        :data:`DEMAND_FIELDS` (sums over the units with a value; the last rows, area
        ``"合計"``, sum every unit assigned to an area once).
    rates
        The rate table used.
    change
        (from, to) periods compared, or ``None`` with a single period.
    missing
        Period -> codes of units whose expected patients are unknown.
    """

    plan: str
    periods: tuple[str, ...]
    units: pd.DataFrame
    areas: pd.DataFrame
    rates: RateTable
    change: tuple[str, str] | None = None
    missing: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))

    def area_values(self, area: str, period: str) -> dict[str, float]:
        """The figures of one area (or ``"合計"``) in one period."""
        row = self.areas[(self.areas["area"] == area) & (self.areas["period"] == period)]
        return {f: float(row[f].iloc[0]) for f in DEMAND_FIELDS}

    def area_table(self) -> pd.DataFrame:
        """One row per area (and a 合計 row), Japanese headers: the table of ``demand.csv``."""
        return self._wide(self.areas, ["area", "n_units"], "area")

    def unit_table(self) -> pd.DataFrame:
        """One row per unit, Japanese headers: the table of ``demand_units.csv``."""
        return self._wide(self.units, ["code", "name", "area"], "code")

    def _wide(self, long: pd.DataFrame, keys: list[str], key: str) -> pd.DataFrame:
        d = labels.DEMAND
        order = list(dict.fromkeys(long[key]))
        first = long[long["period"] == self.periods[0]].set_index(key)
        out = pd.DataFrame({d[k]: first.loc[order, k].to_numpy() for k in keys if k != key}, index=order)
        out.insert(0, d[key], order)
        for period in self.periods:
            part = long[long["period"] == period].set_index(key).reindex(order)
            for f in DEMAND_FIELDS:
                values = part[f].to_numpy(dtype=float)
                out[f"{d[f]}（{period}）"] = (
                    np.round(values, 1)
                    if f == "patients"
                    else pd.array([_int(v) for v in values], dtype="Int64")
                )
        if self.change is not None:
            a, b = self.change
            pa = long[long["period"] == a].set_index(key).reindex(order)["patients"].to_numpy(dtype=float)
            pb = long[long["period"] == b].set_index(key).reindex(order)["patients"].to_numpy(dtype=float)
            diff = pb - pa
            with np.errstate(divide="ignore", invalid="ignore"):
                pct = np.where(pa > 0, diff / pa * 100, np.nan)
            out[f"{d['change']}（{a}→{b}）"] = np.round(diff, 1)
            out[f"{d['change_pct']}（{a}→{b}）"] = np.round(pct, 1)
        return out.reset_index(drop=True)


def _int(value: float) -> int | None:
    return None if np.isnan(value) else round(value)


def demand_by_area(
    plan: Plan,
    populations: Mapping[str, PopulationImport | pd.DataFrame],
    rates: RateTable | None = None,
    *,
    change: tuple[str, str] | None = None,
) -> DemandResult:
    """Expected home-care patients per unit and per area, for one or more periods.

    Parameters
    ----------
    plan
        The resolved plan (its units are the population's units).
    populations
        Period label -> population (census import, one projection year, or a frame as
        for :func:`expected_demand`), in display order.
    rates
        Rate table (default: :func:`default_rates`).
    change
        Periods to compare (default: the first and last given, when there are two or more).

    Returns
    -------
    DemandResult

    Raises
    ------
    InputError
        The rates do not cover the population's age groups.
    """
    rates = rates if rates is not None else default_rates()
    periods = tuple(populations)
    if change is None and len(periods) >= 2:
        change = (periods[0], periods[-1])
    assignment = plan.assignment
    codes = list(plan.units.index)
    total = labels.DEMAND["total"]
    while total in plan.areas:  # an area may be called 合計
        total += "（全圏域）"
    unit_rows = []
    area_rows = []
    missing: dict[str, tuple[str, ...]] = {}
    for period, pop in populations.items():
        demand = expected_demand(pop, rates).reindex(codes)
        missing[period] = tuple(c for c in codes if np.isnan(demand.at[c, "patients"]))
        for code in codes:
            row = {"code": code, "name": plan.unit_name(code), "area": assignment.get(code), "period": period}
            row.update({f: float(demand.at[code, f]) for f in DEMAND_FIELDS})
            unit_rows.append(row)
        for area, members in [*plan.areas.items(), (total, tuple(assignment))]:
            part = demand.reindex(list(members))
            row = {
                "area": area,
                "period": period,
                "n_units": len(members),
                "n_missing": int(part["patients"].isna().sum()),
            }
            row.update({f: float(part[f].sum(min_count=1)) for f in DEMAND_FIELDS})
            area_rows.append(row)
    return DemandResult(
        plan=plan.name,
        periods=periods,
        units=pd.DataFrame(unit_rows),
        areas=pd.DataFrame(area_rows),
        rates=rates,
        change=change,
        missing=MappingProxyType(missing),
    )


@dataclass(frozen=True, eq=False)
class DemandRun:
    """Everything a demand run read and computed.

    Attributes
    ----------
    plan
        The resolved plan (census population attached when given).
    census
        The census population import, if any.
    projection
        The projection, if any.
    result
        The demand figures.
    """

    plan: Plan
    census: PopulationImport | None
    projection: Projection | None
    result: DemandResult


def estimate_demand(
    plan: PathLike | PlanSpec | CheckRun,
    *,
    units: PathLike | Sequence[PathLike] | gpd.GeoDataFrame | None = None,
    pref: int | str | None = None,
    year: int | str | None = None,
    population: PathLike | None = None,
    projection: PathLike | None = None,
    years: Sequence[int] = (),
    rates: PathLike | RateTable | None = None,
    cache: bool | None = None,
) -> DemandRun:
    """Read a plan, its units and population, and estimate home-care demand.

    Plan, units and census population are read as by :func:`geo_zaitaku.check_plan`
    (inputs named in the plan's ``[plan]`` table are used when not given here).

    Parameters
    ----------
    plan
        Plan file, parsed :class:`~geo_zaitaku.plan.PlanSpec`, or the
        :class:`~geo_zaitaku.pipeline.CheckRun` of a check already made (its plan,
        units and census population are reused; nothing is read again).
    units
        N03 boundary files or units already loaded.
    pref, year
        Use the cached official boundaries of this prefecture and edition instead of
        ``units`` (see :func:`geo_zaitaku.check_plan`).
    population
        Census population CSV (shown as period ``"現況"``).
    projection
        Projection CSV (default: ``projection`` named in the plan's ``[plan]`` table).
    years
        Projection years to show (default: every year of the projection).
    rates
        Rate table or its CSV (default: :func:`default_rates`).
    cache
        Use the units cache (default: ``settings.use_cache``).

    Returns
    -------
    DemandRun

    Raises
    ------
    InputError
        Unusable inputs, years asked without a projection or missing from it, no
        population at all, or rates that do not cover the population's age groups.
    """
    from geo_zaitaku.pipeline import CheckRun, check_plan

    table = rates if isinstance(rates, RateTable) else (load_rates(rates) if rates else default_rates())
    if isinstance(plan, CheckRun):
        run = plan
    else:
        run = check_plan(
            plan, units=units, pref=pref, year=year, facilities=(), population=population, cache=cache
        )
    resolved = run.plan
    populations: dict[str, PopulationImport] = {}
    if run.population is not None:
        populations[CURRENT] = run.population
    proj = None
    if projection is None and resolved.spec.inputs.get("projection"):
        projection = resolved.spec.inputs["projection"][0]
    if projection is not None:
        proj = load_projection(projection, resolved.units)
        for year in years or proj.years:
            populations[f"{year}年"] = proj.select(int(year))
    elif years:
        raise InputError(
            labels.error("demand_year_needs_projection"),
            path=resolved.spec.source,
        )
    if not populations:
        raise InputError(
            labels.error("demand_no_population"),
            path=resolved.spec.source,
        )
    change = None
    keys = list(populations)
    year_keys = [k for k in keys if k != CURRENT]
    if len(year_keys) >= 2:
        change = (year_keys[0], year_keys[-1])
    elif len(keys) >= 2:
        change = (keys[0], keys[-1])
    result = demand_by_area(resolved, populations, table, change=change)
    return DemandRun(plan=resolved, census=run.population, projection=proj, result=result)
