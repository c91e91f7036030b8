"""What a choropleth can shade municipalities by, and readable class breaks.

Besides raw counts (``population``, ``pop_65over`` …) planners read rates:
高齢化率 (the 65+ share), the 75+ share, people per hub (of the municipality's area) and
the expected home-care patients per 1,000 people (from :mod:`geo_zaitaku.demand`). Class
breaks are rounded to steps of 1, 2, 2.5 or 5 times a power of ten, so that the legend
reads 25–30 %, not 24.87–29.93 %, and the legend's heading states the unit.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from geo_zaitaku import labels
from geo_zaitaku._errors import InputError
from geo_zaitaku.pipeline import CheckRun
from geo_zaitaku.units import has_population


@dataclass(frozen=True)
class Measure:
    """A value to shade municipalities by.

    Attributes
    ----------
    id
        Its name on the command line (``--choropleth aging_rate``).
    label
        Its Japanese name (legend heading and tooltips).
    unit
        The unit the legend states (``%``, ``人`` …); empty for plain numbers.
    scale
        Factor from the computed value to the shown one (100 for a share shown in %).
    """

    id: str
    label: str
    unit: str = ""
    scale: float = 1.0


def _share(column: str) -> Callable[[CheckRun, Path | None], np.ndarray]:
    def compute(run: CheckRun, rates: Path | None) -> np.ndarray:
        units = run.plan.units
        return _ratio(_column(units, column), _column(units, "population"))

    return compute


def _people_per_hub(run: CheckRun, rates: Path | None) -> np.ndarray:
    per = {a.name: a.people_per_hub for a in run.report.areas}
    assignment = run.plan.assignment
    return np.array(
        [
            np.nan if per.get(assignment.get(c)) is None else float(per[assignment[c]])
            for c in run.plan.units.index
        ]
    )


def without_hub(run: CheckRun) -> np.ndarray:
    """Whether each unit's area is known to have no hub (so no people per hub)."""
    none = {a.name for a in run.report.areas if a.n_hubs == 0}
    assignment = run.plan.assignment
    return np.array([assignment.get(c) in none for c in run.plan.units.index], dtype=bool)


def _patients_per_1000(run: CheckRun, rates: Path | None) -> np.ndarray:
    from geo_zaitaku.demand import CURRENT, demand_by_area, load_rates

    if run.population is None:
        return np.full(len(run.plan.units), np.nan)
    table = load_rates(rates) if rates is not None else None
    result = demand_by_area(run.plan, {CURRENT: run.population}, table)
    patients = result.units.set_index("code")["patients"].reindex(run.plan.units.index).to_numpy(dtype=float)
    return _ratio(patients, _column(run.plan.units, "population")) * 1000


#: The rates a planner reads (computed), by ``--choropleth`` name.
RATES: MappingProxyType[str, tuple[Measure, Callable[[CheckRun, Path | None], np.ndarray]]] = (
    MappingProxyType(
        {
            "aging_rate": (
                Measure("aging_rate", labels.CHOROPLETH["aging_rate"], "%", 100.0),
                _share("pop_65over"),
            ),
            "pop_75over_rate": (
                Measure("pop_75over_rate", labels.CHOROPLETH["pop_75over_rate"], "%", 100.0),
                _share("pop_75over"),
            ),
            "people_per_hub": (
                Measure("people_per_hub", labels.CHOROPLETH["people_per_hub"], labels.CHOROPLETH["people"]),
                _people_per_hub,
            ),
            "patients_per_1000": (
                Measure(
                    "patients_per_1000", labels.CHOROPLETH["patients_per_1000"], labels.CHOROPLETH["per_1000"]
                ),
                _patients_per_1000,
            ),
        }
    )
)
#: Counts of the units, by column.
COUNTS = ("population", "pop_65over", "pop_75over", "pop_85over")
#: Numeric columns of the units that are bookkeeping, not something to shade by.
INTERNAL = frozenset({"lon", "lat", "zone", "pop_lat", "pop_lon", "geometry"})
#: The population count each rate is computed from.
_NEEDS = MappingProxyType({"aging_rate": "pop_65over", "pop_75over_rate": "pop_75over"})


def measure(run: CheckRun, name: str, *, rates: Path | None = None) -> tuple[Measure, np.ndarray]:
    """The measure ``name`` and its value for every unit (NaN where unknown), as shown.

    Parameters
    ----------
    run
        The check run (units with population, report with hubs).
    name
        A key of :data:`RATES`, a count of :data:`COUNTS`, or any numeric column of the
        units (``access_score`` …).
    rates
        Demand rate table for ``patients_per_1000`` (default: the shipped national rates).

    Raises
    ------
    InputError
        An unknown name, or a measure with no value at all (no population given, or,
        for people per hub, no area with a hub known).
    """
    units = run.plan.units
    if name in RATES:
        m, compute = RATES[name]
        values = compute(run, rates) * m.scale
    elif name in units.columns and name not in INTERNAL:
        unit = labels.CHOROPLETH["people"] if name in COUNTS else ""
        m = Measure(name, labels.MAP_TEXT.get(name, name), unit)
        values = pd.to_numeric(units[name], errors="coerce").to_numpy(dtype=float, copy=True)
    else:
        numeric = [c for c in units.columns if c not in INTERNAL and pd.api.types.is_numeric_dtype(units[c])]
        known = ", ".join([*RATES, *(c for c in numeric if c not in RATES)])
        raise InputError(labels.error("map_unknown_column", column=name, known=known), where="--choropleth")
    values = np.where(np.isfinite(values), values, np.nan)
    if np.isnan(values).all():
        if name == "people_per_hub" and has_population(units):  # no hub known anywhere
            raise InputError(labels.error("map_no_people_per_hub"), where="--choropleth")
        if has_population(units) and (name in COUNTS or name in _NEEDS):  # the file lacks that age group
            column = _NEEDS.get(name, name)
            raise InputError(
                labels.error("map_no_age_column", column=column, label=labels.MAP_TEXT.get(column, column)),
                where="--choropleth",
            )
        raise InputError(labels.error("map_no_numbers", column=name), where="--choropleth")
    return m, values


def nice_breaks(values: np.ndarray, classes: int = 5) -> np.ndarray:
    """Class edges for ``values`` (NaN ignored): near the quantiles, rounded to readable
    numbers, the first at or below the smallest value and the last at or above the
    largest; at most ``classes`` classes, at least one.

    Values of one order of magnitude (rates, shares) get edges on one step of 1, 2 or
    5 × 10^k (25, 30, 35 %); values spread over several (counts: 3,000 to 700,000
    people) get each edge rounded to 1, 2, 3 or 5 × 10^k (5,000, 10,000, 50,000).

    Examples
    --------
    >>> nice_breaks(np.array([21.3, 26.0, 28.4, 31.9, 35.2, 44.8])).tolist()
    [20.0, 25.0, 30.0, 35.0, 45.0]
    >>> nice_breaks(np.array([3000, 5200, 9000, 24000, 51000, 700000.])).tolist()
    [3000.0, 5000.0, 10000.0, 20000.0, 50000.0, 1000000.0]
    """
    known = np.sort(values[~np.isnan(values)])
    lo, hi = float(known[0]), float(known[-1])
    inner = np.quantile(known, np.linspace(0, 1, classes + 1)[1:-1])
    if hi <= lo:
        step = _nice(abs(lo) / 10 or 1.0)
        start = _floor(lo, step)
        return np.round(np.array([start, start + step]), 10)
    if lo > 0 and hi / lo > 20:  # several orders of magnitude: round each edge on its own
        edges = sorted({_round_nice(lo, "floor"), *(_round_nice(q) for q in inner), _round_nice(hi, "ceil")})
    else:
        step = _nice_nearest((hi - lo) / classes)
        start, end = _floor(lo, step), _ceil(hi, step)
        edges = sorted({start, end, *(round(q / step) * step for q in inner)})
        edges = [e for e in edges if start <= e <= end]
    edges = [e for k, e in enumerate(edges) if k == 0 or not math.isclose(e, edges[k - 1])]
    return np.round(np.array(edges, dtype=float), 10)


def _floor(x: float, step: float) -> float:
    return math.floor(x / step + 1e-9) * step


def _ceil(x: float, step: float) -> float:
    return math.ceil(x / step - 1e-9) * step


def _round_nice(x: float, how: str = "nearest") -> float:
    """``x`` rounded to 1, 2, 3 or 5 × 10^k (down, up or to the nearest)."""
    power = 10.0 ** math.floor(math.log10(x))
    candidates = [m * power for m in (1.0, 2.0, 3.0, 5.0, 10.0)]
    if how == "floor":
        return max(c for c in candidates if c <= x * (1 + 1e-12))
    if how == "ceil":
        return min(c for c in candidates if c >= x * (1 - 1e-12))
    return min(candidates, key=lambda c: abs(math.log(c / x)))


def _nice_nearest(x: float) -> float:
    """The one of 1, 2, 5 × 10^k nearest to ``x`` (in ratio)."""
    power = 10.0 ** math.floor(math.log10(x))
    return min((m * power for m in (1.0, 2.0, 5.0, 10.0)), key=lambda c: abs(math.log(c / x)))


def _nice(x: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k that is at least ``x``."""
    if x <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(x))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if m * power >= x * (1 - 1e-12):
            return m * power
    return 10.0 * power


def decimals(edges: np.ndarray) -> int:
    """Decimals needed to write the class edges exactly (0 for whole steps)."""
    for d in range(0, 4):
        if np.allclose(edges, np.round(edges, d)):
            return d
    return 3


def _column(units: pd.DataFrame, column: str) -> np.ndarray:
    if column not in units.columns:
        return np.full(len(units), np.nan)
    return pd.to_numeric(units[column], errors="coerce").to_numpy(dtype=float)


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b > 0, a / b, np.nan)
