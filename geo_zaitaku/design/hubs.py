"""Siting: which facilities to designate as coordination hubs (or key institutions),
by exact optimisation (HiGHS).

- ``role="hub"``: each area needs ``max(min_hubs, ⌈population ÷ people_per_hub⌉)``
  hubs (the 2012 guideline: about one per 70,000–100,000 people); the fewest new
  designations among the candidates reach it, ties broken by the people within
  ``cover_km`` of a hub. With ``max_new`` the number of new hubs is capped: the needs
  are met as far as the budget allows (first objective: the total shortfall), then the
  maximal covering objective (most people within ``cover_km`` of a hub, as PySAL
  spopt's MCLP), ties broken by fewer designations.
- ``role="key"``: set covering (as spopt's LSCP) for key institutions: the fewest new
  ones among the candidates so that every unit is within ``reach_km`` of a key
  institution of its own area (units no candidate can reach are reported, not
  silently dropped), with each area's minimum number.

Build a :class:`Siting` from a check run, :meth:`Siting.solve`, and read its attributes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from geo_zaitaku import labels
from geo_zaitaku._errors import InputError
from geo_zaitaku._io import one_line, toml_string
from geo_zaitaku.costs import cost_matrix
from geo_zaitaku.design._model import INF, Model
from geo_zaitaku.design.feasibility import Reason
from geo_zaitaku.pipeline import CheckRun
from geo_zaitaku.scenarios.changes import kinds_named
from geo_zaitaku.units import has_population

ROLES = ("hub", "key")
#: Kinds that may be designated when no candidates are given.
DEFAULT_CANDIDATES = {
    "hub": (
        "hospital",
        "support_hospital",
        "backup_hospital",
        "clinic",
        "support_clinic",
        "visiting_nursing",
        "medical_association",
        "health_center",
        "municipality",
    ),
    "key": ("support_clinic", "support_hospital"),
}


@dataclass(frozen=True)
class SitingOptions:
    """Settings of a siting run.

    Attributes
    ----------
    role
        ``"hub"`` or ``"key"`` (key institutions).
    candidates
        Kinds that may be designated (ids or Japanese names).
    candidate_ids
        Or the ids of the facilities that may be designated (overrides ``candidates``).
    cover_km
        Distance of the covering objective (default: the plan's ``reach_km``).
    max_new
        At most this many new designations (hubs: then the maximal covering objective).
    time_limit
        Seconds the solver may take.
    """

    role: str = "hub"
    candidates: tuple[str, ...] = ()
    candidate_ids: tuple[str, ...] = ()
    cover_km: float | None = None
    max_new: int | None = None
    time_limit: float = 60.0

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise InputError(labels.error("siting_bad_role"), where="--role")
        if self.cover_km is not None and not (math.isfinite(self.cover_km) and self.cover_km > 0):
            raise InputError(labels.error("option_not_positive", option="--cover-km"), where="--cover-km")
        whole = isinstance(self.max_new, int | np.integer) and not isinstance(self.max_new, bool)
        if self.max_new is not None and (not whole or self.max_new < 0):
            raise InputError(labels.error("siting_max_new_negative"), where="--max-new")
        if not (math.isfinite(self.time_limit) and self.time_limit > 0):
            raise InputError(labels.error("time_limit_not_positive"), where="--time-limit")


@dataclass(frozen=True)
class Designation:
    """A facility to designate."""

    id: str
    name: str
    kind: str
    area: str
    why: str

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return dict(vars(self))


@dataclass(frozen=True)
class AreaNeed:
    """One area's designations: what it has, needs and gets."""

    area: str
    population: float | None
    existing: int
    need: int
    new: int
    candidates: int

    @property
    def short(self) -> int:
        """Designations still missing after the new ones (0 when the need is met)."""
        return max(0, self.need - self.existing - self.new)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {**vars(self), "short": self.short}


def read_candidate_ids(path: str | Path) -> tuple[str, ...]:
    """The ``id`` column of a CSV (or xlsx) listing candidate facilities.

    Raises
    ------
    InputError
        No ``id`` column, or no id in it.
    """
    from geo_zaitaku.sources.tabular import read_table

    table = read_table(path, what=labels.FILES["candidates"], header_hint=("id", "施設id"))
    column = next((c for c in ("id", "施設id") if c in table.frame.columns), None)
    if column is None:
        raise InputError(labels.error("candidates_no_id_column"), path=path)
    ids = tuple(str(v) for v in table.frame[column] if v)
    if not ids:
        raise InputError(labels.error("candidates_no_ids"), path=path)
    return ids


class Siting:
    """A hub (or key-institution) siting model over a checked plan.

    Attributes (after :meth:`solve`)
    --------------------------------
    status, objective, bound, gap, seconds
        The solver's outcome.
    new
        The facilities to designate.
    areas
        Per area: existing, needed and new designations.
    uncovered
        (``role="key"``) units no candidate can bring within reach.
    covered
        Within ``cover_km`` of a hub (or key institution), before and after: the
        population (``before``, ``after``; ``None`` when the units carry no population)
        and the number of units (``units_before``, ``units_after``, of ``units``).
        Without population, the coverage objective counts units instead of people.
    shortfall
        Designations the needs still lack (with ``max_new`` on hubs, the budget may
        leave some; the first objective minimises this number).
    reasons
        Why no solution exists, or (with a budget) which areas stay short.
    existing_unknown
        Whether the facility data do not say which facilities already hold the role
        (no column, or all blank): the proposal then starts from none designated.
    candidates_not_found
        Candidate ids (``--candidates FILE``) that are not among the placed facilities
        (rows set aside on import): left out, and named. None of them found is an error.
    """

    def __init__(self, run: CheckRun, options: SitingOptions) -> None:
        self.run = run
        self.options = options
        self.status = "not_solved"
        self.objective: float | None = None
        self.bound: float | None = None
        self.gap: float | None = None
        self.seconds = 0.0
        self.new: tuple[Designation, ...] = ()
        self.areas: tuple[AreaNeed, ...] = ()
        self.uncovered: tuple[str, ...] = ()
        self.covered: dict[str, float | None] = {}
        self.reasons: tuple[Reason, ...] = ()
        self.candidates_not_found: tuple[str, ...] = ()
        self.shortfall = 0
        self._prepare()

    def _prepare(self) -> None:
        run, o = self.run, self.options
        plan = run.plan
        frame = run.facilities.frame.reset_index(drop=True)
        if len(frame) == 0:  # nothing to choose from (no --facilities, or none placed)
            raise InputError(labels.error("hubs_no_facilities"), where="--facilities")
        field = "hub" if o.role == "hub" else "key_institution"
        self.existing_unknown = field in run.unknown_roles
        has = pd.array(frame[field], dtype="boolean").fillna(False).to_numpy(dtype=bool)
        area = np.array([plan.assignment.get(u) for u in frame["unit"]], dtype=object)
        if o.candidate_ids:
            unknown = sorted(set(o.candidate_ids) - set(frame["id"]))
            if len(unknown) == len(set(o.candidate_ids)):  # none of them: a wrong file or column
                raise InputError(
                    labels.error("candidates_unknown_ids", ids=", ".join(unknown[:10])), where="--candidates"
                )
            # some not placed (rows set aside on import, as when the facility file itself is
            # given): left out and named, not the whole run refused
            self.candidates_not_found = tuple(unknown)
            cand = frame["id"].isin(o.candidate_ids).to_numpy()
        else:
            named = o.candidates or DEFAULT_CANDIDATES[o.role]
            kinds = kinds_named(named, frame["kind"].unique(), where="--candidates")
            cand = frame["kind"].isin(kinds).to_numpy()
        cand = cand & ~has & np.array([a is not None for a in area], dtype=bool)
        self.frame, self.has, self.cand, self.area = frame, has, cand, area
        reach = plan.config.reach_limit(run.measure)
        self.limit = o.cover_km if o.cover_km is not None else reach
        if o.role == "key":
            self.limit = reach if o.cover_km is None else o.cover_km
        self.sites = np.flatnonzero(has | cand)
        self.costs = (
            cost_matrix(plan.units, frame.iloc[self.sites], backend=run.backend).values
            if len(self.sites)
            else np.zeros((len(plan.units), 0))
        )

    def _needs(self) -> dict[str, int]:
        plan = self.run.plan
        cfg = plan.config
        pop = plan.units["population"] if "population" in plan.units.columns else None
        out = {}
        for a, codes in plan.areas.items():
            if self.options.role == "key":
                out[a] = cfg.min_key_institutions
                continue
            need = cfg.min_hubs
            if pop is not None:
                total = pop.reindex(list(codes)).sum()
                if np.isfinite(total) and total > 0:
                    need = max(need, math.ceil(float(total) / cfg.people_per_hub))
            out[a] = need
        return out

    def solve(self) -> Siting:
        """Build and solve the model; returns ``self``."""
        plan, o = self.run.plan, self.options
        units = plan.units
        pop = (
            units["population"].to_numpy(dtype=float)
            if "population" in units.columns
            else np.zeros(len(units))
        )
        pop = np.nan_to_num(pop, nan=0.0)
        unit_area = np.array([plan.assignment.get(c) for c in units.index], dtype=object)
        site_area = self.area[self.sites]
        site_has = self.has[self.sites]
        site_cand = self.cand[self.sites]
        near = (self.costs <= self.limit) & (unit_area[:, None] == site_area[None, :])
        needs = self._needs()
        model = Model()
        total = pop.sum()
        y = np.full(len(self.sites), -1)
        y[site_cand] = model.add_vars(int(site_cand.sum()))
        reasons = []
        per_area = []
        # with a budget (max_new) on hubs, the needs are met as far as it allows: the
        # first objective is the total shortfall, the covering one comes second
        budget = o.role == "hub" and o.max_new is not None
        for a in plan.areas:
            existing = int((site_has & (site_area == a)).sum())
            cols = y[site_cand & (site_area == a)]
            need = needs[a]
            per_area.append((a, existing, need, len(cols)))
            if budget and need > existing:
                short = model.add_vars(1, ub=float(need - existing), cost=1.0)
                model.add_row([*cols, *short], 1.0, need - existing, INF)
            elif existing + len(cols) < need:
                # too few candidates: all of them, and the area is named as still short
                # (the other areas are still proposed, not the whole run refused)
                reasons.append(Reason.of("hubs_short", area=a, need=need, existing=existing, n=len(cols)))
                if len(cols):
                    model.add_row(cols, 1.0, float(len(cols)), INF)
            elif need > existing:
                model.add_row(cols, 1.0, need - existing, INF)
        covered_before = near[:, site_has].any(axis=1)
        uncovered = []
        cover = np.full(len(units), -1)
        if o.role == "key":
            for i in range(len(units)):
                if covered_before[i] or unit_area[i] is None:
                    continue
                cols = y[near[i] & site_cand]
                if len(cols) == 0:
                    uncovered.append(units.index[i])
                    continue
                model.add_row(cols, 1.0, 1.0, INF)
        # coverage variables: u_i = 1 when unit i is within the distance of a site
        weight = pop / (total + 1.0) if total > 0 else np.full(len(units), 1.0 / (len(units) + 1))
        for i in range(len(units)):
            if covered_before[i] or unit_area[i] is None:
                continue
            cols = y[near[i] & site_cand]
            if len(cols) == 0:
                continue
            if budget:  # people covered, or units when no population is known
                cover[i] = model.add_vars(1, integer=False)[0]
                model.add_second([cover[i]], -(pop[i] if total > 0 else 1.0))
            else:
                cover[i] = model.add_vars(1, cost=-weight[i], integer=False)[0]
            model.add_row([cover[i], *cols], [1.0, *([-1.0] * len(cols))], -INF, 0.0)
        new_cols = y[y >= 0]
        if budget:
            model.add_second(new_cols, 1.0 / (len(new_cols) + 1.0))
            model.add_row(new_cols, 1.0, -INF, float(o.max_new))
        else:
            model.add_cost(new_cols, 1.0)
            if o.max_new is not None:
                model.add_row(new_cols, 1.0, -INF, float(o.max_new))
        self.uncovered = tuple(uncovered)
        self.areas = tuple(AreaNeed(a, _area_pop(plan, a, pop), e, n, 0, c) for a, e, n, c in per_area)
        sol = model.solve(time_limit=o.time_limit)
        self.status, self.seconds, self.gap = sol.status, sol.seconds, sol.gap
        if not sol.has_solution:
            self.reasons = (
                Reason.of("hubs_none_budget", max_new=o.max_new)
                if o.max_new is not None
                else Reason.of("hubs_none"),
            )
            return self
        picked = y >= 0
        picked[picked] = np.round(sol.values[y[picked]]) > 0.5
        chosen = np.flatnonzero(picked)
        self._read(chosen, needs, near, pop, covered_before, sol.objective, sol.bound)
        if reasons:  # areas short of candidates: what was proposed, and what is still missing
            self.reasons = (*reasons, *self.reasons)
        return self

    def _read(
        self,
        chosen: np.ndarray,
        needs: dict[str, int],
        near: np.ndarray,
        pop: np.ndarray,
        covered_before: np.ndarray,
        objective: float | None,
        bound: float | None,
    ) -> None:
        plan, o = self.run.plan, self.options
        t = labels.DESIGN_HUBS
        site_area = self.area[self.sites]
        new = []
        for k in chosen:
            row = self.frame.iloc[self.sites[k]]
            a = site_area[k]
            existing = next(x for x in self.areas if x.area == a)
            why = (
                t["why_hub"].format(existing=existing.existing, need=existing.need)
                if o.role == "hub"
                else t["why_key"].format(n=int((near[:, k] & ~covered_before).sum()))
            )
            new.append(Designation(str(row["id"]), str(row["name"]), str(row["kind"]), str(a), why))
        self.new = tuple(new)
        counts = {a: 0 for a in plan.areas}
        for d in new:
            counts[d.area] += 1
        self.areas = tuple(
            AreaNeed(x.area, x.population, x.existing, x.need, counts[x.area], x.candidates)
            for x in self.areas
        )
        after = covered_before | near[:, chosen].any(axis=1)
        known = has_population(self.run.plan.units)
        assigned = np.array([c in self.run.plan.assignment for c in self.run.plan.units.index], dtype=bool)
        self.covered = {
            "distance": self.limit,
            "measure": self.run.measure,
            "before": float(pop[covered_before].sum()) if known else None,
            "after": float(pop[after].sum()) if known else None,
            "units_before": int((covered_before & assigned).sum()),
            "units_after": int((after & assigned).sum()),
            "units": int(assigned.sum()),
        }
        budget = o.role == "hub" and o.max_new is not None
        self.shortfall = sum(x.short for x in self.areas)
        if budget and self.shortfall:
            short = "、".join(f"{x.area} {x.short}" for x in self.areas if x.short)
            what = labels.DESIGN_HUBS["covered_what"][known]
            self.reasons = (
                Reason.of(
                    "hubs_budget_short",
                    max_new=o.max_new,
                    n=self.shortfall,
                    areas=short,
                    what=what[0],
                    what_en=what[1],
                ),
            )
        if budget:
            self.objective = float(self.covered["after"] if known else self.covered["units_after"])
        else:
            self.objective = float(len(new))
        self.bound = None if bound is None else (float(math.ceil(bound - 1e-9)) if not budget else None)

    def scenario_toml(self) -> str:
        """A scenario file that applies the designations (``geo-zaitaku scenario`` confirms it)."""
        field = "hub" if self.options.role == "hub" else "key_institution"
        t = labels.DESIGN_HUBS
        lines = [
            f"# {t['scenario_header']}",
            "",
            "[scenario]",
            f"name = {_s(t['scenario_name'][self.options.role])}",
            "",
        ]
        for d in self.new:
            lines += [
                "[[designate]]",
                f"id = {_s(d.id)}",
                f"{field} = true",
                "# " + one_line(f"{d.name}（{d.area}）"),
                "",
            ]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (``hubs.json``)."""
        return {
            "role": self.options.role,
            "status": self.status,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "seconds": round(self.seconds, 3),
            "distance": self.limit,
            "measure": self.run.measure,
            "max_new": self.options.max_new,
            "areas": [a.to_dict() for a in self.areas],
            "new": [d.to_dict() for d in self.new],
            "uncovered": list(self.uncovered),
            "covered": dict(self.covered),
            "shortfall": self.shortfall,
            "reasons": [r.to_dict() for r in self.reasons],
            "existing_unknown": self.existing_unknown,
            "candidates_not_found": list(self.candidates_not_found),
        }


def _area_pop(plan: object, area: str, pop: np.ndarray) -> float | None:
    units = plan.units
    if "population" not in units.columns:
        return None
    pos = [units.index.get_loc(c) for c in plan.areas[area]]
    return float(pop[pos].sum())


_s = toml_string


def site(run: CheckRun, options: SitingOptions) -> Siting:
    """Build and solve a :class:`Siting`."""
    return Siting(run, options).solve()


#: Files written by :func:`write_siting`.
SITING_FILES = ("hubs.csv", "hubs.json", "hubs_scenario.toml")


def write_siting(siting: Siting, out_dir: str | Path) -> list[Path]:
    """Write ``hubs.csv``, ``hubs.json`` and ``hubs_scenario.toml`` into ``out_dir``."""
    from geo_zaitaku._io import json_text, write_csv, write_text

    t = labels.DESIGN_HUBS
    out = Path(out_dir)
    table = pd.DataFrame(
        [[d.id, d.name, labels.kind_label(d.kind), d.area, d.why] for d in siting.new],
        columns=[t["id"], t["name"], t["kind"], t["area"], t["why"]],
    )
    return [
        write_csv(out / "hubs.csv", table),
        write_text(out / "hubs.json", json_text(siting.to_dict(), indent=2) + "\n"),
        write_text(out / "hubs_scenario.toml", siting.scenario_toml()),
    ]


__all__: Sequence[str] = (
    "Designation",
    "Siting",
    "SitingOptions",
    "read_candidate_ids",
    "site",
    "write_siting",
)
