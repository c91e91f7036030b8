"""What area design works on: the units of a checked plan as arrays — contiguity edges
(shared borders and declared links), population, key institutions and hubs per unit,
costs to the key institutions of each unit — plus the options of a design run, all
validated at the door."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo_zaitaku import labels
from geo_zaitaku._errors import InputError
from geo_zaitaku.costs import Backend, cost_matrix
from geo_zaitaku.graph import contiguity_view
from geo_zaitaku.pipeline import CheckRun

#: Design modes.
MODES = ("repair", "count", "max")
#: How reach counts: not at all, as a penalty per unit beyond it, or as a constraint.
REACH = ("off", "soft", "hard")


@dataclass(frozen=True)
class DesignOptions:
    """Settings of one design run.

    Attributes
    ----------
    mode
        ``"repair"`` (fewest municipalities moved from the plan), ``"count"`` (exactly
        :attr:`areas` areas, nearest key institutions closest), ``"max"`` (most areas).
    areas
        Number of areas (``count``).
    min_pop, max_pop
        Population bounds per area.
    nest
        Reference column areas must not cross.
    keep
        Reference column whose groups areas should equal (a penalty of
        :attr:`keep_weight` per unit outside its group's area).
    keep_weight
        The penalty per unit, in the mode's objective units (a moved unit, a km of mean
        distance, an area).
    reach
        ``"off"``, ``"soft"`` (a penalty of 1 per unit beyond reach) or ``"hard"``.
    time_limit
        Seconds the solver may take.
    keep_areas
        Repair: every area of the starting plan stays (none is emptied).
    """

    mode: str = "repair"
    areas: int | None = None
    min_pop: float | None = None
    max_pop: float | None = None
    nest: str | None = None
    keep: str | None = None
    keep_weight: float = 1.0
    reach: str = "off"
    time_limit: float = 60.0
    keep_areas: bool = False

    def __post_init__(self) -> None:
        _check_options(self)


def _check_options(o: DesignOptions) -> None:
    if o.mode not in MODES:
        raise InputError(labels.error("design_bad_mode", modes=", ".join(MODES)), where="--mode")
    whole = o.areas is None or (isinstance(o.areas, int | np.integer) and not isinstance(o.areas, bool))
    if o.mode == "count" and (o.areas is None or not whole or o.areas < 1):
        raise InputError(labels.error("design_count_needs_areas", areas=o.areas), where="--areas")
    # an option another mode would silently ignore
    if o.areas is not None and o.mode != "count":
        raise InputError(labels.error("design_option_for", option="--areas", mode="count"), where="--areas")
    if o.keep_areas and o.mode != "repair":
        raise InputError(
            labels.error("design_option_for", option="--keep-areas", mode="repair"), where="--keep-areas"
        )
    for name, value in (("--min-pop", o.min_pop), ("--max-pop", o.max_pop)):
        if value is not None and not (np.isfinite(value) and value >= 0):
            raise InputError(
                labels.error("design_bad_population_bound", option=name, value=value), where=name
            )
    if o.min_pop is not None and o.max_pop is not None and o.min_pop > o.max_pop:
        raise InputError(
            labels.error("design_min_above_max", min_pop=o.min_pop, max_pop=o.max_pop), where="--min-pop"
        )
    if o.reach not in REACH:
        raise InputError(labels.error("design_bad_reach", choices=", ".join(REACH)), where="--reach")
    if not (np.isfinite(o.keep_weight) and o.keep_weight >= 0):
        raise InputError(labels.error("design_bad_keep_weight"), where="--keep-weight")
    if not (np.isfinite(o.time_limit) and o.time_limit > 0):
        raise InputError(labels.error("time_limit_not_positive"), where="--time-limit")


@dataclass(frozen=True, eq=False)
class Problem:
    """The units of a plan as arrays (index ``i`` = position in :attr:`codes`).

    Attributes
    ----------
    codes, names
        Unit codes and names.
    edges
        ``(m, 2)`` contiguity edges (shared borders; declared links; point contacts only
        when the plan's ``point_contact`` is set).
    pop
        Population per unit (0 where unknown); :attr:`pop_known` says whether any is known.
    n_key, n_hub
        Key institutions and hubs placed in each unit.
    key_ids, hub_ids
        Their ids per unit.
    centres
        Units holding a key institution (the possible roots of areas).
    dist
        ``(units, centres)`` cost from each unit to the nearest key institution in each
        centre unit.
    original, area_names
        The starting plan: area index of each unit (-1 when unassigned) and the areas'
        names.
    nest, nest_names, keep, keep_names
        Group index of each unit in the ``nest`` / ``keep`` columns, and the groups' names.
    min_key, min_hub, limit, measure
        The plan's minimums, reach threshold and its unit.
    """

    codes: tuple[str, ...]
    names: tuple[str, ...]
    edges: np.ndarray
    pop: np.ndarray
    pop_known: bool
    n_key: np.ndarray
    n_hub: np.ndarray
    key_ids: tuple[tuple[str, ...], ...]
    hub_ids: tuple[tuple[str, ...], ...]
    centres: np.ndarray
    dist: np.ndarray
    original: np.ndarray
    area_names: tuple[str, ...]
    nest: np.ndarray | None
    nest_names: tuple[str, ...]
    keep: np.ndarray | None
    keep_names: tuple[str, ...]
    min_key: int
    min_hub: int
    limit: float
    measure: str

    @property
    def n(self) -> int:
        """Number of units."""
        return len(self.codes)

    def within(self, limit: float) -> list[np.ndarray]:
        """Per unit, the centres (positions in :attr:`centres`) within ``limit``."""
        return [np.flatnonzero(row <= limit) for row in self.dist]


def problem_from_run(run: CheckRun, options: DesignOptions, *, backend: Backend | None = None) -> Problem:
    """Arrays of a checked plan for :mod:`geo_zaitaku.design`.

    Raises
    ------
    InputError
        Facility data that do not say which facilities are key institutions and hubs
        (:meth:`~geo_zaitaku.pipeline.CheckRun.require_roles`); no key institution
        anywhere; a ``nest``/``keep`` column the reference layers do not have, or units
        without a value in it.
    """
    run.require_roles("design_areas")
    plan = run.plan
    units = plan.units
    backend = run.backend if backend is None else backend
    measure = "km" if backend is None else backend.measure
    codes = tuple(units.index)
    pos = {c: i for i, c in enumerate(codes)}
    frame = run.facilities.frame
    key = pd.array(frame["key_institution"], dtype="boolean").fillna(False).to_numpy(dtype=bool)
    hub = pd.array(frame["hub"], dtype="boolean").fillna(False).to_numpy(dtype=bool)
    unit_pos = np.array([pos.get(u, -1) for u in frame["unit"]], dtype=int)
    n = len(codes)
    key_ids = [[] for _ in range(n)]
    hub_ids = [[] for _ in range(n)]
    for fid, u, k, h in zip(frame["id"], unit_pos, key, hub, strict=True):
        if u >= 0 and k:
            key_ids[u].append(fid)
        if u >= 0 and h:
            hub_ids[u].append(fid)
    n_key = np.array([len(k) for k in key_ids])
    if not n_key.any():
        raise InputError(labels.error("design_no_key_institution"), where="--facilities")
    centres = np.flatnonzero(n_key > 0)
    dist = _centre_costs(run, frame[key & (unit_pos >= 0)], unit_pos[key & (unit_pos >= 0)], centres, backend)
    view = contiguity_view(plan.graph, point_contact=plan.config.point_contact)
    edges = np.array([(pos[a], pos[b]) for a, b in view.edges() if a in pos and b in pos], dtype=int).reshape(
        -1, 2
    )
    pop_col = units["population"] if "population" in units.columns else pd.Series(np.nan, index=units.index)
    pop = pop_col.to_numpy(dtype=float)
    area_names = tuple(plan.areas)
    index = {a: k for k, a in enumerate(area_names)}
    original = np.array([index.get(plan.assignment.get(c), -1) for c in codes], dtype=int)
    nest, nest_names = _groups(run, options.nest, "--nest")
    keep, keep_names = _groups(run, options.keep, "--keep")
    return Problem(
        codes=codes,
        names=tuple(plan.unit_name(c) for c in codes),
        edges=edges,
        pop=np.nan_to_num(pop, nan=0.0),
        pop_known=bool(np.isfinite(pop).any()),
        n_key=n_key,
        n_hub=np.array([len(h) for h in hub_ids]),
        key_ids=tuple(tuple(k) for k in key_ids),
        hub_ids=tuple(tuple(h) for h in hub_ids),
        centres=centres,
        dist=dist,
        original=original,
        area_names=area_names,
        nest=nest,
        nest_names=nest_names,
        keep=keep,
        keep_names=keep_names,
        min_key=max(plan.config.min_key_institutions, 1),
        min_hub=plan.config.min_hubs,
        limit=plan.config.reach_limit(measure),
        measure=measure,
    )


def _centre_costs(
    run: CheckRun, key: pd.DataFrame, key_unit: np.ndarray, centres: np.ndarray, backend: Backend | None
) -> np.ndarray:
    """Cost from every unit to the nearest key institution of each centre unit."""
    m = cost_matrix(run.plan.units, key, backend=backend)
    out = np.full((len(m.units), len(centres)), np.inf)
    col = {u: k for k, u in enumerate(centres)}
    for j, u in enumerate(key_unit):
        k = col[u]
        out[:, k] = np.minimum(out[:, k], m.values[:, j])
    return out


def _groups(run: CheckRun, column: str | None, option: str) -> tuple[np.ndarray | None, tuple[str, ...]]:
    if column is None:
        return None, ()
    ref = run.plan.reference
    columns = list(ref.columns) if ref is not None else []
    if column not in columns:
        shown = ", ".join(columns) or labels.ERROR_PARTS["no_reference_layer"]
        raise InputError(
            labels.error("design_unknown_reference_column", column=column, shown=shown), where=option
        )
    values = ref[column].reindex(run.plan.units.index)
    missing = [run.plan.unit_name(c) for c, v in values.items() if not isinstance(v, str) or not v]
    if missing:
        raise InputError(
            labels.error("design_reference_missing_values", column=column, names="・".join(missing[:10])),
            where=option,
        )
    names = tuple(dict.fromkeys(values))
    index = {g: k for k, g in enumerate(names)}
    return np.array([index[v] for v in values], dtype=int), names


def component_labels(n: int, edges: np.ndarray, groups: np.ndarray | None = None) -> np.ndarray:
    """Connected part of every unit (edges between different ``groups`` do not count)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    e = edges
    if groups is not None and len(e):
        e = e[groups[e[:, 0]] == groups[e[:, 1]]]
    graph = coo_matrix((np.ones(len(e)), (e[:, 0], e[:, 1])), shape=(n, n)) if len(e) else coo_matrix((n, n))
    return connected_components(graph, directed=False)[1]
