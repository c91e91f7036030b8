"""What every rule shares: the :class:`Finding` it returns and the :class:`CheckContext`
it reads (the plan, the facilities, and tables derived from them once)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from types import MappingProxyType

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd

from geo_zaitaku import labels
from geo_zaitaku.config import SEVERITIES, CheckConfig
from geo_zaitaku.costs import Backend, CostMatrix, cost_matrix, facility_points, unit_origins
from geo_zaitaku.graph import contiguity_view
from geo_zaitaku.plan import Plan
from geo_zaitaku.sources.facilities import ImportLog, empty_facilities
from geo_zaitaku.sources.population import PopulationImport

#: Severity -> position in the report (errors first); the severities are
#: :data:`geo_zaitaku.config.SEVERITIES`, their names :data:`geo_zaitaku.labels.SEVERITY`.
SEVERITY_ORDER: Mapping[str, int] = MappingProxyType({s: i for i, s in enumerate(SEVERITIES)})


@dataclass(frozen=True)
class Finding:
    """One result of a check.

    Attributes
    ----------
    rule
        Rule id (a key of :data:`geo_zaitaku.labels.RULES`).
    severity
        ``"error"``, ``"warning"`` or ``"info"``.
    code
        Message id (a key of :data:`geo_zaitaku.labels.MESSAGES`).
    message
        Japanese message.
    message_en
        English message.
    area
        Area concerned, if any.
    units
        Unit codes concerned.
    facilities
        Facility ids concerned.
    value
        A number behind the finding (km, people per hub), when there is one.
    """

    rule: str
    severity: str
    code: str
    message: str
    message_en: str
    area: str | None = None
    units: tuple[str, ...] = ()
    facilities: tuple[str, ...] = ()
    value: float | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "code": self.code,
            "area": self.area,
            "message": self.message,
            "message_en": self.message_en,
            "units": list(self.units),
            "facilities": list(self.facilities),
            "value": self.value,
        }


def finding(
    severity: str,
    code: str,
    *,
    area: str | None = None,
    units: Iterable[str] = (),
    facilities: Iterable[str] = (),
    value: float | None = None,
    **fmt: object,
) -> Finding:
    """Build a :class:`Finding` with its message taken from :mod:`geo_zaitaku.labels`.

    The finding's rule is filled in by the :class:`Rule` that returns it.
    """
    text = labels.message(code, area=area, **fmt)
    return Finding("", severity, code, text.ja, text.en, area, tuple(units), tuple(facilities), value)


@dataclass(frozen=True, eq=False)
class CheckContext:
    """The inputs of the checks and the tables derived from them (computed once).

    Attributes
    ----------
    plan
        The plan.
    facilities
        Facilities frame (may be empty).
    facility_logs
        Import logs of the facility files.
    population
        The population import, when one was given.
    backend
        How costs are measured (default: straight line, km; see :mod:`geo_zaitaku.costs`).
    """

    plan: Plan
    facilities: gpd.GeoDataFrame = field(default_factory=empty_facilities)
    facility_logs: tuple[ImportLog, ...] = ()
    population: PopulationImport | None = None
    backend: Backend | None = None

    @property
    def config(self) -> CheckConfig:
        """The plan's check configuration."""
        return self.plan.config

    @cached_property
    def table(self) -> pd.DataFrame:
        """The facilities as a plain frame (no geometry) with their ``area``; the
        ``key_institution`` and ``hub`` flags as plain booleans (unknown = no)."""
        assignment = self.plan.assignment
        table = pd.DataFrame(self.facilities.drop(columns="geometry"))
        table["area"] = [assignment.get(u) for u in table["unit"]]
        for column in ("key_institution", "hub"):
            table[column] = table[column].fillna(False).astype(bool)
        return table

    @cached_property
    def disputed(self) -> Mapping[str, tuple[str, ...]]:
        """Units listed in more than one area -> those areas, in plan order.

        Such a unit is one mistake (the completeness rule reports it once); until it is
        settled, the other rules count it in each area that lists it, so that it causes
        no second finding (no false piece in one area, no missing hub in the other).
        """
        owners: dict[str, list[str]] = {}
        for area, codes in self.plan.areas.items():
            for code in codes:
                owners.setdefault(code, []).append(area)
        return MappingProxyType({c: tuple(a) for c, a in owners.items() if len(a) > 1})

    def _by_area(self, table: pd.DataFrame) -> Mapping[str, pd.DataFrame]:
        """Rows of ``table`` per area (every area present, possibly empty); rows in a
        disputed unit are in each area that lists it."""
        groups = dict(iter(table.groupby("area", sort=False)))
        empty = table.iloc[0:0]
        out = {a: groups.get(a, empty) for a in self.plan.areas}
        for code, areas in self.disputed.items():
            rows = table[table["unit"] == code]
            if len(rows):
                for area in areas[1:]:  # the first area has them already (assignment)
                    out[area] = pd.concat([out[area], rows])
        return out

    @cached_property
    def by_area(self) -> Mapping[str, pd.DataFrame]:
        """Facilities of each area (every area present, possibly empty)."""
        return self._by_area(self.table)

    @cached_property
    def key_by_area(self) -> Mapping[str, pd.DataFrame]:
        """Key institutions of each area (every area present, possibly empty)."""
        return self._flagged("key_institution")

    @cached_property
    def hubs_by_area(self) -> Mapping[str, pd.DataFrame]:
        """Coordination hubs of each area (every area present, possibly empty)."""
        return self._flagged("hub")

    def _flagged(self, column: str) -> Mapping[str, pd.DataFrame]:
        return self._by_area(self.table[self.table[column]])

    @cached_property
    def components(self) -> Mapping[str, tuple[tuple[str, ...], ...]]:
        """Connected pieces of each area (largest first, codes sorted).

        An area listing a disputed unit (see :attr:`disputed`) is judged both with and
        without its disputed units, and the way with fewer pieces counts: a unit listed
        by mistake in a far area does not make that area look split.
        """
        view = contiguity_view(self.plan.graph, point_contact=self.config.point_contact)
        disputed = self.disputed
        out = {}
        for area, codes in self.plan.areas.items():
            present = [c for c in codes if c in view]
            pieces = _pieces(view, present)
            if len(pieces) > 1 and any(c in disputed for c in present):
                settled = [c for c in present if c not in disputed]
                if settled:
                    pieces = min(pieces, _pieces(view, settled), key=len)
            out[area] = pieces
        return out

    @cached_property
    def area_population(self) -> Mapping[str, float | None]:
        """Population of each area: the sum over its units whose population is known
        (``None`` when no unit's population is known)."""
        units = self.plan.units
        known = units["population"] if "population" in units.columns else pd.Series(dtype=float)
        out: dict[str, float | None] = {}
        for area, codes in self.plan.areas.items():
            values = known.reindex(list(codes)).to_numpy(dtype=float)
            out[area] = float(np.nansum(values)) if len(values) and not np.isnan(values).all() else None
        return MappingProxyType(out)

    @cached_property
    def people_per_hub(self) -> Mapping[str, float | None]:
        """Population per coordination hub of each area (``None`` without population or
        without a hub)."""
        out: dict[str, float | None] = {}
        for area in self.plan.areas:
            pop, hubs = self.area_population[area], len(self.hubs_by_area[area])
            out[area] = pop / hubs if pop is not None and hubs else None
        return MappingProxyType(out)

    @property
    def has_facility_data(self) -> bool:
        """Whether any facility file was read or any facility given."""
        return bool(self.facility_logs) or len(self.facilities) > 0

    @cached_property
    def has_population(self) -> bool:
        """Whether the units carry a population column with any value."""
        return "population" in self.plan.units.columns and self.plan.units["population"].notna().any()

    @property
    def measure(self) -> str:
        """``"km"`` (straight line) or ``"min"`` (travel time on a road network)."""
        return "km" if self.backend is None else self.backend.measure

    @property
    def reach_limit(self) -> float:
        """The reach threshold in :attr:`measure` (``reach_km`` or ``reach_min``)."""
        return self.config.reach_limit(self.measure)

    @cached_property
    def key_costs(self) -> CostMatrix:
        """Costs from every unit to every key institution (columns in table order)."""
        key = self.table[self.table["key_institution"]]
        return cost_matrix(self.plan.units, key, backend=self.backend)

    @cached_property
    def key_connected(self) -> np.ndarray:
        """Whether a route may exist from each unit to each key institution (``False``:
        none by road or ferry); all ``True`` for a backend that always connects."""
        costs = self.key_costs
        connected = getattr(self.backend, "connected", None)
        if connected is None:
            return np.ones(costs.shape, dtype=bool)
        key = self.table[self.table["key_institution"]]
        return connected(unit_origins(self.plan.units), facility_points(key, self.plan.units))

    @cached_property
    def far_from_road(self) -> pd.DataFrame:
        """Units and facilities farther than the snapping distance from any road of the
        network (their travel times are not measured); empty without a road network."""
        backend = self.backend
        columns = ["kind", "id", "name", "km", "lon", "lat"]
        if backend is None or not hasattr(backend, "snap"):
            return pd.DataFrame(columns=columns)
        from geo_zaitaku.roads import far_from_road

        units = self.plan.units
        names = pd.Series({c: self.plan.unit_name(c) for c in units.index})
        fac = self.table[np.isfinite(self.table["lon"].to_numpy(dtype=float))]
        parts = [
            far_from_road(backend, unit_origins(units), kind="unit", names=names),
            far_from_road(
                backend,
                facility_points(fac, units),
                kind="facility",
                names=pd.Series(fac["name"].to_numpy(), index=fac["id"].to_numpy()),
            ),
        ]
        return pd.concat([p for p in parts if len(p)] or [parts[0]], ignore_index=True)

    @property
    def network(self) -> dict[str, object] | None:
        """The road network used (name, extract, date, checksum) with the points far from
        its roads, for the report's inputs; ``None`` for straight lines."""
        describe = getattr(self.backend, "describe", None)
        if describe is None:
            return None
        far = self.far_from_road
        return {**describe(), "far_from_road": far.to_dict("records")}

    @cached_property
    def reach(self) -> pd.DataFrame:
        """Cost from every assigned unit to the nearest key institution of its area.

        Index = unit code; columns ``area``, ``km`` (the cost in the matrix's measure,
        :attr:`measure`; NaN when the area has no key institution, ``inf`` when none is
        within the backend's horizon), ``facility`` (id; ``None`` with ``inf``),
        ``facility_name``, ``origin`` (``"population"`` when the population centroid
        was used, else ``"centroid"``), ``reachable`` (``False`` when no key
        institution of the area can be reached by road or ferry at all).
        """
        costs = self.key_costs
        key = self.table[self.table["key_institution"]]
        key_area = key["area"].to_numpy()
        ids = key["id"].to_numpy()
        names = key["name"].to_numpy()
        connected = self.key_connected
        pos = {c: i for i, c in enumerate(costs.units)}
        rows = []
        key_unit = key["unit"].to_numpy()
        for area, codes in self.plan.areas.items():
            idx = np.array([pos[c] for c in codes if c in pos], dtype=int)
            mine = key_area == area
            shared = [c for c in codes if c in self.disputed]
            if shared:  # key institutions in a disputed unit serve each area listing it
                mine = mine | np.isin(key_unit, shared)
            cols = np.flatnonzero(mine)
            if len(cols) == 0:
                rows += [(costs.units[i], area, np.nan, None, None, costs.origins[i], True) for i in idx]
                continue
            sub = costs.values[np.ix_(idx, cols)]
            best = sub.argmin(axis=1)
            km = sub[np.arange(len(idx)), best]
            reachable = connected[np.ix_(idx, cols)].any(axis=1)
            rows += [
                (
                    costs.units[i],
                    area,
                    float(km[k]),
                    ids[cols[best[k]]] if np.isfinite(km[k]) else None,
                    names[cols[best[k]]] if np.isfinite(km[k]) else None,
                    costs.origins[i],
                    bool(reachable[k]),
                )
                for k, i in enumerate(idx)
            ]
        frame = pd.DataFrame(
            rows, columns=["code", "area", "km", "facility", "facility_name", "origin", "reachable"]
        )
        if self.disputed:  # a unit in two areas: measured in each, the nearest counts
            frame = (
                frame.assign(_km=frame["km"].fillna(np.inf))
                .sort_values("_km", kind="stable")
                .drop_duplicates("code")
                .drop(columns="_km")
            )
            order = {c: i for i, c in enumerate(costs.units)}
            frame = frame.sort_values("code", key=lambda s: s.map(order), kind="stable")
        return frame.set_index("code")


def _pieces(view: nx.Graph, codes: list[str]) -> tuple[tuple[str, ...], ...]:
    """Connected pieces of ``codes`` in ``view``, largest first, codes sorted."""
    pieces = [tuple(sorted(p)) for p in nx.connected_components(view.subgraph(codes))]
    pieces.sort(key=lambda p: (-len(p), p))
    return tuple(pieces)


@dataclass(frozen=True)
class Rule:
    """A check rule: its id (a key of :data:`geo_zaitaku.labels.RULES`, which holds its
    name) and the function that finds; calling the rule runs the function and marks
    every finding with the rule's id.

    Make one with the :func:`rule` decorator.
    """

    id: str
    check: Callable[[CheckContext], list[Finding]]

    def __call__(self, ctx: CheckContext) -> list[Finding]:
        """Run the check; the findings carry this rule's id."""
        return [replace(f, rule=self.id) for f in self.check(ctx)]

    @property
    def label(self) -> tuple[str, str]:
        """The rule's name, (Japanese, English)."""
        return labels.RULES[self.id]

    @property
    def __doc__(self) -> str | None:  # type: ignore[override]
        return self.check.__doc__


def rule(rule_id: str) -> Callable[[Callable[[CheckContext], list[Finding]]], Rule]:
    """Decorator: make a check function a :class:`Rule` with id ``rule_id``.

    Raises
    ------
    KeyError
        ``rule_id`` has no name in :data:`geo_zaitaku.labels.RULES`.
    """
    if rule_id not in labels.RULES:
        raise KeyError(f"rule {rule_id!r} has no label in geo_zaitaku.labels.RULES")

    def make(check: Callable[[CheckContext], list[Finding]]) -> Rule:
        return Rule(rule_id, check)

    return make
