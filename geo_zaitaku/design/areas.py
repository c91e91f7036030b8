"""Area design by exact optimisation: propose home-care areas that pass every error rule.

Three modes, one mixed-integer model (HiGHS):

- ``repair``: the fewest municipalities moved from the starting plan (ties broken by
  the people moved) so that every area is contiguous and holds its minimum key
  institutions and hubs. Areas keep their names; an area may be emptied.
- ``count``: exactly ``K`` areas, minimising the population-weighted distance from
  each unit to the nearest key institution *of its own area*.
- ``max``: the largest number of areas that all pass.

Variables ``x[i, t]`` assign unit ``i`` to area ``t``: in ``repair`` the starting
plan's areas, each with a root among its units that hold a key institution; in
``count`` and ``max`` the areas are indexed by their centre, a unit holding a key
institution (no symmetric copies). Contiguity follows Shirabe (2005): each area's
root sends one unit of flow to every other member along edges of the unit graph
(shared borders and declared ``[[links]]``) whose two ends are both in the area. The
constraints are small named functions (:func:`assign_each_unit`, :func:`contiguous`,
:func:`minimum_facilities`, :func:`population_bounds`, :func:`nested`,
:func:`within_reach`, :func:`keep_groups`) and each mode adds its objective.

Build an :class:`AreaDesign` from a check run, :meth:`AreaDesign.solve`, and read the
results from its attributes (as PySAL spopt's models do).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from geo_zaitaku import labels
from geo_zaitaku.design._model import INF, Model, Solution
from geo_zaitaku.design.feasibility import Reason, necessary_conditions
from geo_zaitaku.design.problem import DesignOptions, Problem, problem_from_run
from geo_zaitaku.pipeline import CheckRun


@dataclass
class _Build:
    """A model under construction: the problem, the model, and the variable indices
    (``-1`` where a variable does not exist)."""

    p: Problem
    o: DesignOptions
    model: Model
    x: np.ndarray  # (units, areas)
    roots: np.ndarray  # (units, areas): root variables (repair) or -1
    centre: np.ndarray  # (areas,): the centre unit of each area (count/max) or -1
    names: tuple[str, ...] = ()
    moves: int | None = None  # repair: at most this many units move

    @property
    def t(self) -> int:
        return self.x.shape[1]

    def opened(self, t: int) -> tuple[list[int], list[float]]:
        """The expression that is 1 when area ``t`` is used."""
        if self.centre[t] >= 0:
            return [int(self.x[self.centre[t], t])], [1.0]
        cols = [int(c) for c in self.roots[:, t] if c >= 0]
        return cols, [1.0] * len(cols)


def _start(p: Problem, o: DesignOptions, allowed: np.ndarray | None = None) -> _Build:
    model = Model()
    if o.mode == "repair":
        t = len(p.area_names)
        allowed = np.ones((p.n, t), dtype=bool) if allowed is None else allowed
        centre = np.full(t, -1)
        names = p.area_names
    else:
        t = len(p.centres)
        allowed = np.ones((p.n, t), dtype=bool)
        centre = p.centres.copy()
        names = tuple(p.names[c] for c in p.centres)
        if p.nest is not None:
            allowed &= p.nest[:, None] == p.nest[centre][None, :]
    x = np.full((p.n, t), -1)
    x[allowed] = model.add_vars(int(allowed.sum()))
    roots = np.full((p.n, t), -1)
    if o.mode == "repair":
        for k in p.centres:
            roots[k, allowed[k]] = model.add_vars(int(allowed[k].sum()))
    return _Build(p, o, model, x, roots, centre, names)


# --------------------------------------------------------------------------- constraints


def assign_each_unit(b: _Build) -> None:
    """Every unit in exactly one area."""
    for i in range(b.p.n):
        cols = b.x[i][b.x[i] >= 0]
        b.model.add_row(cols, 1.0, 1.0, 1.0)


def rooted_areas(b: _Build) -> None:
    """Each area has one root at most, the root is a member, and only areas with a root
    have members (repair); in centre-indexed modes, members join open centres only."""
    m = b.model
    for t in range(b.t):
        if b.centre[t] >= 0:
            j = b.centre[t]
            for i in np.flatnonzero(b.x[:, t] >= 0):
                if i != j:
                    m.add_row([b.x[i, t], b.x[j, t]], [1.0, -1.0], -INF, 0.0)
            continue
        rcols = b.roots[:, t][b.roots[:, t] >= 0]
        m.add_row(rcols, 1.0, 1.0 if b.o.keep_areas else -INF, 1.0)
        keyed = np.flatnonzero(b.roots[:, t] >= 0)
        for k, u in enumerate(keyed):
            m.add_row([b.roots[u, t], b.x[u, t]], [1.0, -1.0], -INF, 0.0)
            # the root is the first member holding a key institution (no symmetric
            # copies): x[u] - Σ_{v before u} x[v] <= r[u]
            earlier = [int(b.x[v, t]) for v in keyed[:k]]
            m.add_row([b.x[u, t], *earlier, b.roots[u, t]], [1.0, *([-1.0] * len(earlier)), -1.0], -INF, 0.0)
        # an area that stays keeps at least one of its own municipalities (else it would
        # be a new area under an old name)
        own = [int(b.x[i, t]) for i in np.flatnonzero((b.p.original == t) & (b.x[:, t] >= 0))]
        m.add_row([*own, *rcols], [*([1.0] * len(own)), *([-1.0] * len(rcols))], 0.0, INF)
        for i in np.flatnonzero(b.x[:, t] >= 0):
            m.add_row([b.x[i, t], *rcols], [1.0, *([-1.0] * len(rcols))], -INF, 0.0)


def contiguous(b: _Build) -> None:
    """Shirabe's flow: the root of each area sends one unit of flow to every other
    member, along edges whose both ends are in the area."""
    m, p = b.model, b.p
    arcs = np.zeros((0, 2), dtype=int) if len(p.edges) == 0 else np.vstack([p.edges, p.edges[:, ::-1]])
    for t in range(b.t):
        xt = b.x[:, t]
        # the area's size bounds every flow: at most the units allowed in it, and (repair,
        # at most U moves) its own units plus U. The root's balance, inflow - outflow >= 1 -
        # big, lets it send big - 1 = (members - 1) at the most: so big is the size itself.
        size = int((xt >= 0).sum())
        if b.centre[t] < 0 and b.moves is not None:
            size = min(size, int((p.original == t).sum()) + b.moves)
        big = float(max(size, 1))
        usable = arcs[(xt[arcs[:, 0]] >= 0) & (xt[arcs[:, 1]] >= 0)]
        f = m.add_vars(len(usable), lb=0.0, ub=big, integer=False)
        # f <= big * x at both ends
        k = np.arange(len(usable))
        for end in (0, 1):
            m.add_rows(
                np.concatenate([k, k]),
                np.concatenate([f, xt[usable[:, end]]]),
                np.concatenate([np.ones(len(k)), np.full(len(k), -big)]),
                -INF,
                0.0,
                len(k),
            )
        members = np.flatnonzero(xt >= 0)
        row_of = {int(i): r for r, i in enumerate(members)}
        rows, cols, vals = [], [], []
        for e, (u, v) in enumerate(usable):
            rows += [row_of[int(v)], row_of[int(u)]]
            cols += [int(f[e]), int(f[e])]
            vals += [1.0, -1.0]  # into v, out of u
        for r, i in enumerate(members):
            rows.append(r)
            cols.append(int(xt[i]))
            vals.append(-1.0)
            if b.roots[i, t] >= 0:
                rows.append(r)
                cols.append(int(b.roots[i, t]))
                vals.append(big)
        lo = np.zeros(len(members))
        if b.centre[t] >= 0:  # the centre emits: no balance at the centre
            lo[row_of[int(b.centre[t])]] = -INF
        m.add_rows(np.array(rows), np.array(cols), np.array(vals), lo, INF, len(members))


def neighbour_in_area(b: _Build) -> None:
    """A member that is not its area's root has a neighbour in the area (implied by the
    flow, stated directly: it tightens the relaxation)."""
    p, m = b.p, b.model
    nbrs: list[list[int]] = [[] for _ in range(p.n)]
    for u, v in p.edges:
        nbrs[u].append(int(v))
        nbrs[v].append(int(u))
    for t in range(b.t):
        for i in np.flatnonzero(b.x[:, t] >= 0):
            if i == b.centre[t]:
                continue
            cols = [int(b.x[i, t])] + [int(b.x[j, t]) for j in nbrs[i] if b.x[j, t] >= 0]
            vals = [1.0] + [-1.0] * (len(cols) - 1)
            if b.roots[i, t] >= 0:
                cols.append(int(b.roots[i, t]))
                vals.append(-1.0)
            m.add_row(cols, vals, -INF, 0.0)


def minimum_facilities(b: _Build, counts: np.ndarray, minimum: int) -> None:
    """Each open area holds at least ``minimum`` of the facilities counted per unit."""
    if minimum <= 0:
        return
    for t in range(b.t):
        members = np.flatnonzero((b.x[:, t] >= 0) & (counts > 0))
        ocols, ovals = b.opened(t)
        b.model.add_row(
            [*b.x[members, t], *ocols],
            [*counts[members].astype(float), *(-minimum * v for v in ovals)],
            0.0,
            INF,
        )


def population_bounds(b: _Build, low: float | None, high: float | None) -> None:
    """Each open area's population within ``[low, high]``."""
    if low is None and high is None:
        return
    pop = b.p.pop
    for t in range(b.t):
        members = np.flatnonzero(b.x[:, t] >= 0)
        ocols, ovals = b.opened(t)
        if low is not None:
            b.model.add_row([*b.x[members, t], *ocols], [*pop[members], *(-low * v for v in ovals)], 0.0, INF)
        if high is not None:
            b.model.add_row(
                [*b.x[members, t], *ocols], [*pop[members], *(-high * v for v in ovals)], -INF, 0.0
            )


def nested(b: _Build) -> None:
    """Areas never cross the groups of the ``nest`` column (repair: each area takes one
    group; centre-indexed modes: units join centres of their own group only)."""
    p = b.p
    if p.nest is None or b.o.mode != "repair":
        return
    g = len(p.nest_names)
    for t in range(b.t):
        h = b.model.add_vars(g)
        b.model.add_row(h, 1.0, -INF, 1.0)
        for i in np.flatnonzero(b.x[:, t] >= 0):
            b.model.add_row([b.x[i, t], h[p.nest[i]]], [1.0, -1.0], -INF, 0.0)


def within_reach(b: _Build, *, hard: bool) -> np.ndarray | None:
    """Every unit within the reach threshold of a key institution of its own area
    (``hard``), or a penalty variable per unit that is not (returned)."""
    p, m = b.p, b.model
    near = p.within(p.limit)
    slack = None if hard else m.add_vars(p.n, lb=0.0, ub=1.0, cost=1.0, integer=False)
    for i in range(p.n):
        centres = p.centres[near[i]]
        for t in np.flatnonzero(b.x[i] >= 0):
            cover = [int(b.x[u, t]) for u in centres if b.x[u, t] >= 0 and u != i]
            if i in centres:
                continue  # the unit itself holds a key institution within reach
            cols = [int(b.x[i, t]), *cover]
            vals = [1.0, *([-1.0] * len(cover))]
            if slack is not None:
                cols.append(int(slack[i]))
                vals.append(-1.0)
            m.add_row(cols, vals, -INF, 0.0)
    return slack


def keep_groups(b: _Build, weight: float) -> np.ndarray:
    """A penalty of ``weight`` for each unit outside the one area chosen for its group in
    the ``keep`` column (each area stands for one group at most, each group for one
    area); returns the indicator variables of units kept with their group."""
    p, m = b.p, b.model
    g = len(p.keep_names)
    z = m.add_vars(g * b.t).reshape(g, b.t)
    for k in range(g):
        m.add_row(z[k], 1.0, -INF, 1.0)
    for t in range(b.t):
        m.add_row(z[:, t], 1.0, -INF, 1.0)
    kept = np.full((p.n, b.t), -1)
    for i in range(p.n):
        for t in np.flatnonzero(b.x[i] >= 0):
            w = m.add_vars(1, cost=-weight)[0]
            kept[i, t] = w
            m.add_row([w, b.x[i, t]], [1.0, -1.0], -INF, 0.0)
            m.add_row([w, z[p.keep[i], t]], [1.0, -1.0], -INF, 0.0)
    return kept


# --------------------------------------------------------------------------- objectives


def moved_columns(b: _Build) -> tuple[np.ndarray, np.ndarray]:
    """The assignment variables that move a unit out of its starting area, and the units."""
    p = b.p
    cols, units = [], []
    for i in range(p.n):
        for t in np.flatnonzero(b.x[i] >= 0):
            if t != p.original[i]:
                cols.append(int(b.x[i, t]))
                units.append(i)
    return np.array(cols, dtype=int), np.array(units, dtype=int)


def fewest_moves(b: _Build, *, at_most: int | None = None) -> None:
    """Repair: one per unit outside its starting area (at most ``at_most``), plus its
    share of the population (below one in total: ties broken by the people moved, in
    the same solve)."""
    cols, units = moved_columns(b)
    share = b.p.pop[units] / (b.p.pop.sum() + 1.0)
    b.model.add_cost(cols, 1.0 + share)
    if at_most is not None:
        b.model.add_row(cols, 1.0, -INF, float(at_most))


def exactly(b: _Build, k: int) -> None:
    """Count: exactly ``k`` open centres."""
    b.model.add_row([b.x[b.centre[t], t] for t in range(b.t)], 1.0, k, k)


def nearest_distance(b: _Build) -> np.ndarray:
    """Count: the population-weighted mean distance from each unit to the nearest key
    institution of its own area. ``s[i, c]`` says unit ``i`` is served from centre unit
    ``c``, which must then be in ``i``'s area: ``s[i, c] + x[i, t] - x[c, t] <= 1``."""
    p, m = b.p, b.model
    total = p.pop.sum()
    weight = p.pop / total if total > 0 else np.full(p.n, 1.0 / p.n)
    s = np.full((p.n, len(p.centres)), -1)
    for i in range(p.n):
        finite = np.flatnonzero(np.isfinite(p.dist[i]))
        cols = m.add_vars(len(finite), cost=weight[i] * p.dist[i, finite])
        s[i, finite] = cols
        m.add_row(cols, 1.0, 1.0, 1.0)
        for k, c in zip(finite, cols, strict=True):
            u = p.centres[k]
            for t in np.flatnonzero(b.x[i] >= 0):
                if b.x[u, t] >= 0:
                    m.add_row([c, b.x[i, t], b.x[u, t]], [1.0, 1.0, -1.0], -INF, 1.0)
                else:
                    m.add_row([c, b.x[i, t]], [1.0, 1.0], -INF, 1.0)
    return s


def most_areas(b: _Build) -> None:
    """Max: one (negative) per open centre; among the plans with the most areas, the
    smallest population-weighted distance from units to their centre."""
    p = b.p
    total = p.pop.sum()
    weight = p.pop / total if total > 0 else np.full(p.n, 1.0 / p.n)
    finite = p.dist[np.isfinite(p.dist)]
    far = 2.0 * (finite.max() if len(finite) else 1.0) + 1.0
    for t in range(b.t):
        j = b.centre[t]
        b.model.add_cost(np.array([b.x[j, t]]), -1.0)
        col = int(np.flatnonzero(p.centres == j)[0])
        members = np.flatnonzero(b.x[:, t] >= 0)
        d = np.nan_to_num(p.dist[members, col], posinf=far)
        b.model.add_second(b.x[members, t], weight[members] * d)


# --------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class ProposedArea:
    """One area of a design."""

    name: str
    units: tuple[str, ...]
    unit_names: tuple[str, ...]
    centre: str | None
    population: float | None
    key_institutions: tuple[str, ...]
    hubs: tuple[str, ...]
    note: str = ""

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "name": self.name,
            "units": list(self.units),
            "unit_names": list(self.unit_names),
            "centre": self.centre,
            "population": self.population,
            "key_institutions": list(self.key_institutions),
            "hubs": list(self.hubs),
            "note": self.note,
        }


@dataclass(frozen=True)
class Move:
    """A municipality in another area than in the starting plan."""

    code: str
    name: str
    before: str | None
    after: str

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {"code": self.code, "name": self.name, "from": self.before, "to": self.after}


class AreaDesign:
    """An area design model over a checked plan (build, then :meth:`solve`).

    Parameters
    ----------
    run
        The check run of the starting plan (for ``count`` and ``max`` any plan over the
        units will do: its links and thresholds are used).
    options
        The mode and its settings.

    Attributes (after :meth:`solve`)
    --------------------------------
    status, objective, bound, gap, seconds
        The solver's outcome (``status``: ``optimal``, ``feasible``, ``infeasible``,
        ``time_limit``).
    areas
        The proposed areas (empty without a solution).
    moved
        Municipalities moved from the starting plan.
    reasons
        Necessary conditions broken (then the solver is not called).
    """

    def __init__(self, run: CheckRun, options: DesignOptions) -> None:
        self.run = run
        self.options = options
        self.problem = problem_from_run(run, options)
        self.reasons: tuple[Reason, ...] = tuple(necessary_conditions(self.problem, options))
        self.status = "not_solved"
        self.objective: float | None = None
        self.bound: float | None = None
        self.gap: float | None = None
        self.seconds = 0.0
        self.areas: tuple[ProposedArea, ...] = ()
        self.moved: tuple[Move, ...] = ()
        self.measures: dict[str, Any] = {}
        self.size: dict[str, int] = {}

    def build(
        self, *, allowed: np.ndarray | None = None, stage: tuple[str, int | None] = ("moves", None)
    ) -> _Build:
        """The mixed-integer model (constraints as the mode asks). For ``repair``,
        ``allowed`` limits which areas each unit may join, and ``stage`` is
        ``("moves", at_most)`` or ``("people", moves)``."""
        p, o = self.problem, self.options
        b = _start(p, o, allowed)
        b.moves = stage[1] if o.mode == "repair" else None
        assign_each_unit(b)
        rooted_areas(b)
        contiguous(b)
        neighbour_in_area(b)
        minimum_facilities(b, p.n_key, p.min_key)
        minimum_facilities(b, p.n_hub, p.min_hub)
        population_bounds(b, o.min_pop, o.max_pop)
        nested(b)
        if o.reach != "off":
            within_reach(b, hard=o.reach == "hard")
        if o.keep is not None:
            keep_groups(b, o.keep_weight)
        if o.mode == "repair":
            fewest_moves(b, at_most=stage[1])
        elif o.mode == "count":
            exactly(b, int(o.areas or 0))
            nearest_distance(b)
        else:
            most_areas(b)
        return b

    def solve(self) -> AreaDesign:
        """Check the necessary conditions, then solve; returns ``self``."""
        if self.reasons:
            self.status = "infeasible"
            return self
        plain_repair = (
            self.options.mode == "repair" and self.options.keep is None and self.options.reach != "soft"
        )
        b, sol = self._solve_repair() if plain_repair else self._solve_once()
        self.size = {"variables": b.model.n_cols, "constraints": b.model.n_rows}
        self.status, self.gap = sol.status, sol.gap
        if sol.has_solution:
            self._read(b, sol)
        elif sol.status == "infeasible":
            self.reasons = (Reason.of("no_grouping"),)
        elif sol.status == "time_limit":
            self.reasons = (Reason.of("time_limit", seconds=self.options.time_limit),)
        return self

    def _solve_once(self) -> tuple[_Build, Solution]:
        start = time.perf_counter()
        b = self.build()
        sol = b.model.solve(time_limit=self.options.time_limit)
        self.seconds = time.perf_counter() - start
        return b, sol

    def _solve_repair(self) -> tuple[_Build, Solution]:
        """Fewest moves, exactly, on models kept small: a unit may join another area only
        within ``U`` steps of that area's own municipalities when at most ``U`` units
        move (the units between must move too); ``U`` doubles until a plan exists. Then,
        among the plans with that many moves, the fewest people moved."""
        p, o = self.problem, self.options
        start = time.perf_counter()
        hops = _hops_from_areas(p)
        limit, total_bound = 1, None
        while True:
            allowed = (p.original[:, None] == np.arange(len(p.area_names))[None, :]) | (limit >= hops.T)
            b = self.build(allowed=allowed, stage=("moves", limit))
            left = o.time_limit - (time.perf_counter() - start)
            sol = b.model.solve(time_limit=max(left, 0.5))
            if sol.status == "infeasible" and limit < p.n:
                total_bound = limit + 1  # fewer moves than this are impossible
                limit = min(2 * limit, p.n)
                continue
            break
        if sol.status != "optimal":
            self.seconds = time.perf_counter() - start
            if sol.bound is not None and total_bound is not None:
                sol = Solution(
                    sol.status, sol.objective, max(sol.bound, total_bound), sol.gap, sol.seconds, sol.values
                )
            return b, sol
        self.seconds = time.perf_counter() - start
        return b, sol

    def _read(self, b: _Build, sol: Solution) -> None:
        p, o = self.problem, self.options
        x = np.where(b.x >= 0, np.round(sol.values[np.maximum(b.x, 0)]), 0).astype(bool)
        area_of = x.argmax(axis=1)
        used = [t for t in range(b.t) if x[:, t].any()]
        names = _area_names(p, b, used, area_of)
        areas = []
        for t in used:
            members = np.flatnonzero(area_of == t)
            centre = (
                b.centre[t]
                if b.centre[t] >= 0
                else next(
                    (u for u in members if b.roots[u, t] >= 0 and sol.values[b.roots[u, t]] > 0.5), None
                )
            )
            areas.append(
                ProposedArea(
                    name=names[t],
                    units=tuple(p.codes[i] for i in members),
                    unit_names=tuple(p.names[i] for i in members),
                    centre=None if centre is None else p.codes[centre],
                    population=float(p.pop[members].sum()) if p.pop_known else None,
                    key_institutions=tuple(f for i in members for f in p.key_ids[i]),
                    hubs=tuple(f for i in members for f in p.hub_ids[i]),
                    note=_note(p, o, members, t, names[t]),
                )
            )
        self.areas = tuple(areas)
        before = {i: p.area_names[p.original[i]] if p.original[i] >= 0 else None for i in range(p.n)}
        self.moved = (
            tuple(
                Move(p.codes[i], p.names[i], before[i], names[area_of[i]])
                for i in range(p.n)
                if before[i] != names[area_of[i]]
            )
            if o.mode == "repair"
            else ()
        )
        moved_people = float(sum(p.pop[p.codes.index(m.code)] for m in self.moved))
        offset = o.keep_weight * p.n if o.keep is not None else 0.0  # the keep penalty counts units left out
        self.objective = _reported_objective(
            o, None if sol.objective is None else sol.objective + offset, len(self.moved), len(used)
        )
        self.bound = _reported_bound(o, None if sol.bound is None else sol.bound + offset)
        self.measures = MappingProxyType(
            {
                "areas": len(used),
                "moved": len(self.moved),
                "people_moved": moved_people,
                "mean_distance": _mean_distance(p, area_of, used),
            }
        )


def _reported_objective(o: DesignOptions, value: float | None, moved: int, areas: int) -> float | None:
    """The first objective as users read it: moves (repair), mean distance (count),
    areas (max; with ``keep`` or soft reach, areas less the penalties)."""
    if value is None:
        return None
    if o.mode == "max":
        return float(areas) if o.keep is None and o.reach != "soft" else -float(value)
    if o.mode == "repair" and o.keep is None and o.reach != "soft":
        return float(moved)
    return float(value)


def _reported_bound(o: DesignOptions, value: float | None) -> float | None:
    """The solver's bound in the same terms (whole numbers where the objective is one)."""
    if value is None:
        return None
    plain = o.keep is None and o.reach != "soft"
    if o.mode == "max":
        return float(np.floor(-value + 1e-9)) if plain else -float(value)
    if o.mode == "repair" and plain:
        # the solver bounds moves + their population share (< 1 in total, see
        # fewest_moves): moves > bound − 1, so at least floor(bound) moves
        return float(np.floor(value + 1e-9))
    return float(value)


def _hops_from_areas(p: Problem) -> np.ndarray:
    """``(areas, units)`` number of edges from each unit to the nearest municipality of
    each area in the starting plan (``inf`` when no path)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import shortest_path

    n, a = p.n, len(p.area_names)
    e = p.edges
    adj = coo_matrix((np.ones(len(e)), (e[:, 0], e[:, 1])), shape=(n, n)) if len(e) else coo_matrix((n, n))
    d = shortest_path(adj.tocsr(), directed=False, unweighted=True)
    out = np.full((a, n), np.inf)
    for t in range(a):
        own = np.flatnonzero(p.original == t)
        if len(own):
            out[t] = d[own].min(axis=0)
    return out


def _mean_distance(p: Problem, area_of: np.ndarray, used: list[int]) -> float | None:
    """Population-weighted mean distance to the nearest key institution of the own area."""
    total = p.pop.sum()
    if total <= 0:
        return None
    d = np.empty(p.n)
    for i in range(p.n):
        same = np.flatnonzero(area_of[p.centres] == area_of[i])
        d[i] = p.dist[i, same].min() if len(same) else np.inf
    return float((p.pop * d).sum() / total)


def _area_names(p: Problem, b: _Build, used: list[int], area_of: np.ndarray) -> dict[int, str]:
    """Repair keeps the plan's names; other modes name an area after the ``keep`` or
    ``nest`` group all its units share (when no other area shares it), else after its
    centre municipality."""
    if b.o.mode == "repair":
        return {t: p.area_names[t] for t in used}
    groups = p.keep if p.keep is not None else p.nest
    group_names = p.keep_names if p.keep is not None else p.nest_names
    out: dict[int, str] = {}
    if groups is not None:
        owner: dict[int, list[int]] = {}
        for t in used:
            members = np.flatnonzero(area_of == t)
            gs = set(groups[members].tolist())
            if len(gs) == 1:
                owner.setdefault(gs.pop(), []).append(t)
        for g, ts in owner.items():
            if len(ts) == 1:
                out[ts[0]] = group_names[g]
    for t in used:
        out.setdefault(t, b.names[t])
    seen: dict[str, int] = {}
    for t in used:
        seen[out[t]] = seen.get(out[t], 0) + 1
    for t in used:
        if seen[out[t]] > 1:
            out[t] = f"{out[t]}（{b.names[t]}）"
    return out


def _note(p: Problem, o: DesignOptions, members: np.ndarray, t: int, name: str) -> str:
    if o.mode == "repair":
        stayed = int((p.original[members] == t).sum())
        came = len(members) - stayed
        if came == 0:
            return labels.DESIGN["note_kept"].format(name=name, n=len(members))
        return labels.DESIGN["note_grown"].format(name=name, stayed=stayed, came=came)
    centre = p.names[p.centres[t]] if t < len(p.centres) else ""
    return labels.DESIGN["note_centre"].format(centre=centre, n=len(members))


def design_areas(run: CheckRun, options: DesignOptions) -> AreaDesign:
    """Build and solve an :class:`AreaDesign`."""
    return AreaDesign(run, options).solve()


__all__ = [
    "AreaDesign",
    "Move",
    "ProposedArea",
    "assign_each_unit",
    "contiguous",
    "design_areas",
    "keep_groups",
    "minimum_facilities",
    "nested",
    "population_bounds",
    "within_reach",
]
