"""Accessibility by the two-step floating catchment area method (2SFCA, Luo & Wang 2003)
and its enhanced forms (E2SFCA: step weights by distance band, Luo & Qi 2009; or a
Gaussian decay).

For supply ``j`` with capacity ``S_j`` and demand ``P_k`` at unit ``k``::

    R_j = S_j / Σ_k P_k · W(d_kj)          (d_kj ≤ catchment)
    A_i = Σ_j R_j · W(d_ij)                (d_ij ≤ catchment)

with the same weight ``W`` and catchment in both steps; supplies that reach no demand
are left out (as PySAL ``access`` does), so ``Σ_i P_i · A_i = Σ_j S_j`` over the
supplies that reach any demand. Scores are reported per 10,000 demand (``A_i × 10,000``).
The pairs within the catchment come from :func:`geo_zaitaku.costs.cost_pairs` (a
KD-tree for straight lines), so no units × facilities matrix is built.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from geo_zaitaku import labels
from geo_zaitaku._errors import InputError
from geo_zaitaku.costs import Backend, cost_pairs
from geo_zaitaku.pipeline import CheckRun
from geo_zaitaku.scenarios.changes import kind_id, kinds_named

#: PySAL's default E2SFCA steps (distance upper bound -> weight), in the cost's unit.
DEFAULT_STEPS: tuple[tuple[float, float], ...] = ((10.0, 1.0), (20.0, 0.68), (30.0, 0.22))
#: Methods: plain 2SFCA (weight 1 within the catchment), step weights, Gaussian decay.
METHODS = ("2sfca", "e2sfca", "gaussian")
#: Demands: census population columns, or the expected home-care patients of a year.
DEMANDS = ("population", "pop_65over", "pop_75over", "patients")
#: Scores are supply per this much demand.
PER = 10_000


@dataclass(frozen=True)
class Weighting:
    """How supply counts with distance.

    Attributes
    ----------
    method
        ``"2sfca"``, ``"e2sfca"`` (steps) or ``"gaussian"``.
    steps
        (upper bound, weight) pairs of the step function (``e2sfca``).
    sigma
        Width of the Gaussian ``exp(-d² / 2σ²)`` (``gaussian``).
    """

    method: str = "2sfca"
    steps: tuple[tuple[float, float], ...] = DEFAULT_STEPS
    sigma: float | None = None

    def __post_init__(self) -> None:
        """Refuse weights no pair could mean: an unknown method, steps with a bound that
        is not positive, a negative weight or weights that rise with distance, a sigma
        that is not a positive number (``None``: half the catchment)."""
        if self.method not in METHODS:
            raise InputError(labels.error("access_bad_method", methods=", ".join(METHODS)), where="--method")
        steps = tuple((float(b), float(w)) for b, w in self.steps)
        if not steps or any(not (np.isfinite(b) and np.isfinite(w) and b > 0 and w >= 0) for b, w in steps):
            raise InputError(labels.error("access_bad_step_values"), where="--steps")
        ordered = sorted(steps)
        if any(w2 > w1 for (_, w1), (_, w2) in itertools.pairwise(ordered)):
            shown = ",".join(f"{b:g}:{w:g}" for b, w in steps)
            raise InputError(labels.error("access_rising_steps", steps=shown), where="--steps")
        if self.sigma is not None and not (
            isinstance(self.sigma, int | float) and np.isfinite(self.sigma) and self.sigma > 0
        ):
            raise InputError(labels.error("access_bad_sigma", sigma=self.sigma), where="--sigma")
        object.__setattr__(self, "steps", steps)

    def __call__(self, d: np.ndarray) -> np.ndarray:
        """Weights of costs ``d``."""
        if self.method == "2sfca":
            return np.ones_like(d, dtype=float)
        if self.method == "gaussian":
            return np.exp(-(d**2) / (2.0 * float(self.sigma) ** 2))
        out = np.zeros_like(d, dtype=float)
        done = np.zeros(d.shape, dtype=bool)
        for bound, weight in sorted(self.steps):
            hit = ~done & (d <= bound)
            out[hit] = weight
            done |= hit
        return out

    def with_catchment(self, catchment: float) -> Weighting:
        """These weights, a Gaussian without ``sigma`` taking half the catchment."""
        if self.method == "gaussian" and self.sigma is None:
            return replace(self, sigma=catchment / 2.0)
        return self

    @property
    def reach(self) -> float | None:
        """The largest cost the steps weight (``e2sfca``: the last step's bound, the
        catchment PySAL's steps imply); ``None`` for the other methods."""
        return max(bound for bound, _ in self.steps) if self.method == "e2sfca" else None

    def unused_steps(self, catchment: float) -> list[float]:
        """Step bounds beyond ``catchment`` (their weights reach no pair beyond it)."""
        ordered = sorted(bound for bound, _ in self.steps) if self.method == "e2sfca" else []
        # a step starts at the previous bound: it is unused when that start is at or past the catchment
        return [b for a, b in zip([0.0, *ordered], ordered, strict=False) if a >= catchment]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {"method": self.method, "steps": [list(s) for s in self.steps], "sigma": self.sigma}


def weighting(
    method: str = "2sfca", *, steps: str | None = None, sigma: float | None = None, catchment: float
) -> Weighting:
    """Validate ``--method``, ``--steps 10:1,20:0.68`` and ``--sigma``.

    Raises
    ------
    InputError
        Unknown method, unreadable steps, negative weights, a non-positive sigma;
        steps for a method other than e2sfca, sigma for one other than gaussian (they
        would be ignored); steps whose weight rises with distance, or that all lie
        beyond the catchment (weights no pair would get).
    """
    if method not in METHODS:
        raise InputError(labels.error("access_bad_method", methods=", ".join(METHODS)), where="--method")
    if steps is not None and method != "e2sfca":
        raise InputError(
            labels.error("access_option_for", option="--steps", method="e2sfca"), where="--steps"
        )
    if sigma is not None and method != "gaussian":
        raise InputError(
            labels.error("access_option_for", option="--sigma", method="gaussian"), where="--sigma"
        )
    parsed = DEFAULT_STEPS
    if steps is not None:
        try:
            parsed = tuple((float(b), float(w)) for b, w in (part.split(":") for part in steps.split(",")))
        except ValueError as exc:
            raise InputError(labels.error("access_bad_steps", steps=steps), where="--steps") from exc
    weights = Weighting(method, parsed, sigma)  # (the values are checked there)
    if steps is not None and min(b for b, _ in weights.steps) > catchment:
        raise InputError(
            labels.error("access_steps_beyond", steps=steps, catchment=f"{catchment:g}"), where="--steps"
        )
    return weights.with_catchment(catchment)


def two_step_fca(
    demand: np.ndarray,
    supply: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    cost: np.ndarray,
    weight: Callable[[np.ndarray], np.ndarray],
) -> np.ndarray:
    """Accessibility ``A_i`` of every demand location from the pairs within the catchment.

    Parameters
    ----------
    demand
        ``P_k`` per demand location.
    supply
        ``S_j`` per supply location.
    rows, cols, cost
        The (demand, supply) pairs within the catchment and their costs.
    weight
        ``W``, applied to the costs.

    Returns
    -------
    numpy.ndarray
        ``A_i`` (supply per unit of demand), 0 where no supply is within reach.
    """
    w = weight(cost)
    catchment = np.bincount(cols, weights=demand[rows] * w, minlength=len(supply))
    ratio = np.divide(supply, catchment, out=np.zeros(len(supply)), where=catchment > 0)
    return np.bincount(rows, weights=ratio[cols] * w, minlength=len(demand))


@dataclass(frozen=True, eq=False)
class AccessResult:
    """Accessibility per unit and per area.

    Attributes
    ----------
    plan
        Plan name.
    units
        One row per unit: ``code``, ``name``, ``area``, ``demand``, ``score`` (supply per
        :data:`PER` demand), ``supply_in_reach`` (supplies within the catchment).
    areas
        One row per area: ``area``, ``demand``, ``score`` (demand-weighted mean of its
        units' scores), ``min_score``, ``units_without`` (units with no supply in reach).
    supply, demand
        What was counted (``"key_institution"`` …, ``"population"`` …).
    catchment, measure, weighting
        The catchment, its unit, and the weights.
    supplies
        Number of supply locations used, and their total capacity.
    """

    plan: str
    units: pd.DataFrame
    areas: pd.DataFrame
    supply: str
    demand: str
    catchment: float
    measure: str
    weighting: Weighting
    supplies: int = 0
    capacity: float = 0.0
    notes: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def supply_label(self) -> str:
        """What supplies, in Japanese: 「積極的医療機関」「連携拠点」 or the kinds'
        names (「訪問看護ステーション・在宅療養支援診療所」)."""
        role = supply_role(self.supply)
        if role is not None:
            return labels.ACCESS["supply_key" if role == "key_institution" else "supply_hub"]
        return "・".join(labels.kind_label(kind_id(k)) for k in self.supply.split(",") if k.strip())

    @property
    def demand_label(self) -> str:
        """What the demand is, in Japanese (「75歳以上人口」「在宅医療の推計患者数」)."""
        return labels.DEMAND.get(self.demand, self.demand)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (``access.json``)."""
        return {
            "plan": self.plan,
            "supply": self.supply,
            "demand": self.demand,
            "catchment": self.catchment,
            "measure": self.measure,
            "weighting": self.weighting.to_dict(),
            "per": PER,
            "supplies": self.supplies,
            "capacity": self.capacity,
            "areas": self.areas.to_dict("records"),
            "units": self.units.to_dict("records"),
            **dict(self.notes),
        }


#: ``--supply`` values that name a role rather than kinds.
SUPPLY_ROLES: Mapping[str, str] = MappingProxyType(
    {"key": "key_institution", "key_institution": "key_institution", "hub": "hub"}
)


def supply_role(supply: str) -> str | None:
    """The role a ``--supply`` names (``key`` -> ``key_institution``, ``hub``), or
    ``None`` for kinds."""
    return SUPPLY_ROLES.get(supply)


def supply_mask(frame: pd.DataFrame, supply: str) -> np.ndarray:
    """Which facilities supply: ``key`` (key institutions), ``hub``, or kinds
    (``visiting_nursing,support_clinic``, ids or Japanese names).

    Raises
    ------
    InputError
        No facility is of the kinds named.
    """
    role = supply_role(supply)
    if role is not None:
        return pd.array(frame[role], dtype="boolean").fillna(False).to_numpy(dtype=bool)
    kinds = kinds_named([k for k in supply.split(",") if k.strip()], frame["kind"].unique(), where="--supply")
    mask = frame["kind"].isin(kinds).to_numpy()
    if not mask.any():
        present = ", ".join(sorted({str(k) for k in frame["kind"].dropna()}))
        raise InputError(labels.error("access_no_supply", supply=supply, present=present), where="--supply")
    return mask


def capacity_column(run: CheckRun, column: str) -> dict[str, float]:
    """Capacities (beds, staff) from a column of the facility files: facility id → value.

    Each facility is read back from its file and line (``source``, ``line`` of the
    facilities frame; the file's path from the import logs), so the column need not be
    a field of the schema. Facilities
    from files without the column (or added by a scenario) get none: when they supply,
    :func:`measure_access` says so.

    Raises
    ------
    InputError
        No facility file has the column; a cell that is not a number ≥ 0 (the file and
        row are named).
    """
    from geo_zaitaku._cells import clean_header
    from geo_zaitaku._io import parse_number
    from geo_zaitaku.sources.tabular import read_table

    frame = run.facilities.frame
    wanted = clean_header(column)
    files: dict[str, list[Path]] = {}
    for log in run.facilities.logs:  # the frame names its files; the logs have their paths
        files.setdefault(Path(log.source).name, []).append(Path(log.source))
    out: dict[str, float] = {}
    found = False
    for source, rows in frame.groupby("source", sort=False):
        paths = files.get(str(source), [])
        if len(paths) > 1:
            raise InputError(
                labels.error("access_capacity_same_name", name=source), path=paths[1], where="--capacity-col"
            )
        if not paths or not paths[0].is_file():
            continue  # facilities added by a scenario
        path = paths[0]
        table = read_table(path, what=labels.FILES["facilities"])
        if wanted not in table.frame.columns:
            continue
        found = True
        cells = dict(zip(table.frame["_line"], table.frame[wanted], strict=True))
        for fid, line in zip(rows["id"], rows["line"], strict=True):
            cell = cells.get(int(line)) if pd.notna(line) else None
            if cell is None or str(cell).strip() == "":
                continue
            value = parse_number(cell)
            if value is None or not (math.isfinite(value) and value >= 0):
                raise InputError(
                    labels.error("access_capacity_cell", column=column, value=cell),
                    path=path,
                    where=labels.at_line(int(line)),
                )
            out[str(fid)] = value
    if not found:
        raise InputError(labels.error("access_capacity_no_column", column=column), where="--capacity-col")
    return out


def measure_access(
    run: CheckRun,
    *,
    supply: str = "key",
    demand: str = "population",
    demand_values: pd.Series | None = None,
    catchment: float | None = None,
    weights: Weighting | None = None,
    capacity: Mapping[str, float] | None = None,
    backend: Backend | None = None,
) -> AccessResult:
    """Accessibility of every unit of a checked plan.

    Parameters
    ----------
    run
        The check run (units with population, facilities).
    supply
        ``"key"``, ``"hub"`` or facility kinds (comma separated).
    demand
        ``"population"``, ``"pop_65over"``, ``"pop_75over"``, or ``"patients"`` with
        ``demand_values`` (the expected patients per unit, from the demand estimate).
    demand_values
        Demand per unit code, overriding the units' column.
    catchment
        Largest cost counted (default: for ``e2sfca`` the last step's bound, as in
        PySAL; otherwise the plan's ``reach_km``, or ``reach_min`` with a road network).
    weights
        :class:`Weighting` (default plain 2SFCA).
    capacity
        ``S_j`` by facility id (beds, staff; see :func:`capacity_column`); default 1
        each. Every supplying facility needs one.
    backend
        Cost backend (default: the run's own, straight line or ``--travel-time``).

    Raises
    ------
    InputError
        No demand column, no supply, key institutions or hubs as the supply when the
        facility data do not say which they are, a capacity that is not a non-negative
        finite number.
    """
    plan = run.plan
    units = plan.units
    backend = run.backend if backend is None else backend
    measure = "km" if backend is None else backend.measure
    weights = weights or Weighting()
    if catchment is None:
        catchment = weights.reach or plan.config.reach_limit(measure)
    catchment = float(catchment)
    weights = weights.with_catchment(catchment)  # Weighting("gaussian"): sigma half the catchment
    if demand_values is not None:
        values = demand_values.reindex(units.index).to_numpy(dtype=float)
    elif demand in units.columns:
        values = units[demand].to_numpy(dtype=float)
    else:
        raise InputError(labels.error("access_no_demand", demand=demand), where="--demand")
    unknown = np.isnan(values)  # no demand known: counted as none, and no score of its own
    values = np.nan_to_num(values, nan=0.0)
    frame = run.facilities.frame
    role = supply_role(supply)
    if role in run.unknown_roles:  # nothing says which facilities supply (not "none do")
        raise InputError(
            labels.error("access_no_role_supply", what=labels.FLAG_NAMES[role]), where="--supply"
        )
    mask = supply_mask(frame, supply)
    chosen = frame.loc[mask]
    if capacity is None:
        caps = np.ones(len(chosen))
    else:
        missing = [str(i) for i in chosen["id"] if i not in capacity]
        if missing:
            raise InputError(
                labels.error("access_capacity_missing", n=len(missing), ids=", ".join(missing[:10])),
                where="--capacity-col",
            )
        caps = np.array([capacity[i] for i in chosen["id"]], dtype=float)
        if not (np.isfinite(caps).all() and (caps >= 0).all()):
            raise InputError(labels.error("access_bad_capacity"), where="--capacity-col")
    pairs = cost_pairs(units, chosen, limit=catchment, backend=backend)
    score = two_step_fca(values, caps, pairs.rows, pairs.cols, pairs.values, weights) * PER
    score[unknown] = np.nan
    reach = np.bincount(pairs.rows, minlength=len(units))
    assignment = plan.assignment
    table = pd.DataFrame(
        {
            "code": list(units.index),
            "name": [plan.unit_name(c) for c in units.index],
            "area": [assignment.get(c) for c in units.index],
            "demand": np.where(unknown, np.nan, values),
            "score": score,
            "supply_in_reach": reach,
        }
    )
    reached = np.zeros(len(chosen), dtype=bool)
    reached[np.unique(pairs.cols[values[pairs.rows] * weights(pairs.values) > 0])] = True
    return AccessResult(
        plan=plan.name,
        units=table,
        areas=area_summary(table),
        supply=supply,
        demand=demand,
        catchment=catchment,
        measure=pairs.measure,
        weighting=weights,
        supplies=len(chosen),
        capacity=float(caps.sum()),
        notes=MappingProxyType(
            {
                "capacity_reaching_demand": float(caps[reached].sum()),
                "units_unknown_demand": [str(c) for c in units.index[unknown]],
            }
        ),
    )


def area_summary(units: pd.DataFrame) -> pd.DataFrame:
    """Per area: total demand, demand-weighted mean score, lowest unit score, and the
    number of units with no supply in reach (units of unknown demand are left out of
    the first three)."""
    rows = []
    for area, group in units[units["area"].notna()].groupby("area", sort=False):
        known = group["demand"].notna().to_numpy()  # units of unknown demand have no score
        d = group["demand"].to_numpy(dtype=float)[known]
        s = group["score"].to_numpy(dtype=float)[known]
        rows.append(
            {
                "area": area,
                "demand": float(d.sum()),
                "score": float((d * s).sum() / d.sum()) if d.sum() > 0 else None,
                "min_score": float(s.min()) if len(s) else None,
                "units_without": int((group["supply_in_reach"] == 0).sum()),
            }
        )
    return pd.DataFrame(rows, columns=["area", "demand", "score", "min_score", "units_without"])


# --------------------------------------------------------------------------- writing

#: Files written by :func:`write_access`.
ACCESS_FILES = ("access.csv", "access_areas.csv", "access.json")


def write_access(
    result: AccessResult, out_dir: str | Path, *, before: AccessResult | None = None
) -> list[Path]:
    """Write ``access.csv`` (units), ``access_areas.csv`` and ``access.json``; with
    ``before`` (the state before a scenario) the tables gain before and change columns."""
    from geo_zaitaku._io import json_text, write_csv, write_text

    t = labels.ACCESS
    units = result.units.rename(columns={k: t[k] for k in result.units.columns})
    areas = result.areas.rename(columns={k: t[k] for k in result.areas.columns})
    body = result.to_dict()
    if before is not None:
        units[t["score_before"]] = before.units["score"].to_numpy()
        units[t["score_change"]] = result.units["score"].to_numpy() - before.units["score"].to_numpy()
        prev = before.areas.set_index("area")["score"]
        areas[t["score_before"]] = [prev.get(a) for a in result.areas["area"]]
        body["before"] = before.to_dict()
    out = Path(out_dir)
    return [
        write_csv(out / "access.csv", units),
        write_csv(out / "access_areas.csv", areas),
        write_text(out / "access.json", json_text(body, indent=2) + "\n"),
    ]


__all__ = [
    "ACCESS_FILES",
    "DEFAULT_STEPS",
    "DEMANDS",
    "METHODS",
    "PER",
    "SUPPLY_ROLES",
    "AccessResult",
    "Weighting",
    "area_summary",
    "capacity_column",
    "measure_access",
    "supply_mask",
    "supply_role",
    "two_step_fca",
    "weighting",
    "write_access",
]
