"""What every rule shares: the :class:`Finding` it returns and the :class:`CheckContext`
it reads (the plan, the facilities, and tables derived from them once)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from types import MappingProxyType

import geopandas as gpd
import numpy as np
import pandas as pd

from geo_zaitaku import labels, schema
from geo_zaitaku.config import SEVERITIES, CheckConfig
from geo_zaitaku.costs import STRAIGHT_LINE, Backend, facility_points, unit_origins
from geo_zaitaku.graph import POINT
from geo_zaitaku.plan import Plan
from geo_zaitaku.sources.facilities import ImportLog, empty_facilities
from geo_zaitaku.sources.population import PopulationImport
from geo_zaitaku.units import has_population

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
        """The facilities' columns the rules read (:data:`_TABLE_COLUMNS`: ids, names,
        kinds, units, yes/no fields, coordinates) as a plain frame with their ``area``; the
        ``key_institution`` and ``hub`` flags as plain booleans (unknown = no), the other
        yes/no fields as 1.0 / 0.0 / NaN (unknown); text columns of pandas' ``str`` dtype kept
        as they are (no copy), other text as Python objects."""
        frame = self.facilities
        data: dict[str, np.ndarray] = {}
        for column in frame.columns:
            if column not in _TABLE_COLUMNS:
                continue
            values = frame[column]
            if column in schema.ROLE_FIELDS:
                data[column] = pd.array(values, dtype="boolean").fillna(False).to_numpy(dtype=bool)
            elif column in schema.FLAG_FIELDS:  # 1.0 yes, 0.0 no, NaN unknown
                data[column] = pd.array(values, dtype="boolean").to_numpy(dtype=float, na_value=np.nan)
            elif column in ("lon", "lat", "line"):
                data[column] = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
            elif isinstance(values.dtype, pd.StringDtype):  # Arrow-backed text: kept as it is
                data[column] = values.array
            else:  # other text as plain objects
                data[column] = _objects(values)
        table = pd.DataFrame(data, index=frame.index, copy=False)  # no consolidating copy
        assignment = self.plan.assignment
        codes, units = pd.factorize(table["unit"].to_numpy(dtype=object), use_na_sentinel=True)
        areas = np.array([assignment.get(u) for u in units] + [None], dtype=object)
        table["area"] = areas[codes]  # code -1 (no unit) takes the trailing None
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

    @cached_property
    def rows(self) -> Mapping[str, np.ndarray]:
        """Positions (into :attr:`table`) of the facilities of each area, in table order
        (every area present, possibly empty); a disputed unit's facilities are in each
        area that lists it. The rules read :meth:`column` at these positions rather than
        slicing frames (fast for 47 areas and 500,000 facilities)."""
        table = self.table
        codes, names = pd.factorize(table["area"].to_numpy(dtype=object), use_na_sentinel=True)
        out = {a: np.zeros(0, dtype=np.int64) for a in self.plan.areas}
        if len(names):
            order = np.argsort(codes, kind="stable")
            bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
            for k, name in enumerate(names):
                if name in out:
                    out[name] = order[bounds[k] : bounds[k + 1]]
        if self.disputed:
            units = table["unit"].to_numpy(dtype=object)
            for code, areas in self.disputed.items():
                here = np.flatnonzero(units == code)
                for area in areas[1:]:  # the first area has them already (assignment)
                    out[area] = np.sort(np.concatenate([out[area], here]))
        return MappingProxyType(out)

    @cached_property
    def key_rows(self) -> Mapping[str, np.ndarray]:
        """Positions of each area's key institutions (see :attr:`rows`)."""
        flag = self.column("key_institution")
        return MappingProxyType({a: r[flag[r]] for a, r in self.rows.items()})

    @cached_property
    def hub_rows(self) -> Mapping[str, np.ndarray]:
        """Positions of each area's coordination hubs (see :attr:`rows`)."""
        flag = self.column("hub")
        return MappingProxyType({a: r[flag[r]] for a, r in self.rows.items()})

    def column(self, name: str) -> np.ndarray:
        """A column of :attr:`table` as a numpy array (cached)."""
        cache = self.__dict__.setdefault("_columns", {})
        if name not in cache:
            cache[name] = self.table[name].to_numpy()
        return cache[name]

    def _frames(self, rows: Mapping[str, np.ndarray]) -> Mapping[str, pd.DataFrame]:
        return {a: self.table.take(r) for a, r in rows.items()}

    @cached_property
    def by_area(self) -> Mapping[str, pd.DataFrame]:
        """Facilities of each area as frames (every area present, possibly empty)."""
        return self._frames(self.rows)

    @cached_property
    def key_by_area(self) -> Mapping[str, pd.DataFrame]:
        """Key institutions of each area as frames (every area present, possibly empty)."""
        return self._frames(self.key_rows)

    @cached_property
    def hubs_by_area(self) -> Mapping[str, pd.DataFrame]:
        """Coordination hubs of each area as frames (every area present, possibly empty)."""
        return self._frames(self.hub_rows)

    @cached_property
    def components(self) -> Mapping[str, tuple[tuple[str, ...], ...]]:
        """Connected pieces of each area (largest first, codes sorted).

        An area listing a disputed unit (see :attr:`disputed`) is judged both with and
        without its disputed units, and the way with fewer pieces counts: a unit listed
        by mistake in a far area does not make that area look split.
        """
        neighbours = self.neighbours
        disputed = self.disputed
        out = {}
        for area, codes in self.plan.areas.items():
            present = [c for c in codes if c in neighbours]
            pieces = _pieces(neighbours, present)
            if len(pieces) > 1 and any(c in disputed for c in present):
                settled = [c for c in present if c not in disputed]
                if settled:
                    pieces = min(pieces, _pieces(neighbours, settled), key=len)
            out[area] = pieces
        return out

    @cached_property
    def edges(self) -> tuple[tuple[str, str, str], ...]:
        """The graph's edges as (a, b, kind), read once."""
        return tuple(self.plan.graph.edges(data="kind"))

    @cached_property
    def neighbours(self) -> Mapping[str, list[str]]:
        """Unit -> the units it is joined to for contiguity (borders and declared links;
        point contacts only with ``point_contact``)."""
        out: dict[str, list[str]] = {n: [] for n in self.plan.graph.nodes}
        for a, b, kind in self.edges:
            if self.config.point_contact or kind != POINT:
                out[a].append(b)
                out[b].append(a)
        return MappingProxyType(out)

    @cached_property
    def area_population(self) -> Mapping[str, float | None]:
        """Population of each area: the sum over its units whose population is known
        (``None`` when no unit's population is known)."""
        units = self.plan.units
        out: dict[str, float | None] = dict.fromkeys(self.plan.areas)
        if "population" not in units.columns:
            return MappingProxyType(out)
        values = units["population"].to_numpy(dtype=float)
        pos = {c: i for i, c in enumerate(units.index)}
        for area, codes in self.plan.areas.items():
            part = values[[pos[c] for c in codes if c in pos]]
            out[area] = float(np.nansum(part)) if len(part) and not np.isnan(part).all() else None
        return MappingProxyType(out)

    @cached_property
    def people_per_hub(self) -> Mapping[str, float | None]:
        """Population per coordination hub of each area (``None`` without population or
        without a hub)."""
        out: dict[str, float | None] = {}
        for area in self.plan.areas:
            pop, hubs = self.area_population[area], len(self.hub_rows[area])
            out[area] = pop / hubs if pop is not None and hubs else None
        return MappingProxyType(out)

    @property
    def has_facility_data(self) -> bool:
        """Whether any facility file was read or any facility given."""
        return bool(self.facility_logs) or len(self.facilities) > 0

    @cached_property
    def roles_known(self) -> Mapping[str, bool]:
        """Role (``key_institution``, ``hub``) -> whether the facility data say which
        facilities hold it: some facility placed says yes or no. Files without the
        role's column, or with it all blank, say nothing: the areas' key institutions or
        hubs are unknown, not missing. With no facility placed at all (every row set
        aside), each area has none, known and missing, when some file has the role's
        column; without such a column it is unknown too."""
        f = self.facilities
        if self.has_facility_data and len(f) == 0:
            read = {field for log in self.facility_logs for field in log.fields}
            return MappingProxyType({r: r in read or not self.facility_logs for r in schema.ROLE_FIELDS})
        return MappingProxyType(
            {
                r: self.has_facility_data and r in f.columns and bool(f[r].notna().any())
                for r in schema.ROLE_FIELDS
            }
        )

    @property
    def unused_columns(self) -> tuple[str, ...]:
        """The facility files' columns no field was read from (each header once)."""
        return tuple(dict.fromkeys(c for log in self.facility_logs for c in log.unused_columns))

    @cached_property
    def has_population(self) -> bool:
        """Whether the units carry a population column with any value."""
        return has_population(self.plan.units)

    @property
    def measure(self) -> str:
        """``"km"`` (straight line) or ``"min"`` (travel time on a road network)."""
        return "km" if self.backend is None else self.backend.measure

    @property
    def reach_limit(self) -> float:
        """The reach threshold in :attr:`measure` (``reach_km`` or ``reach_min``)."""
        return self.config.reach_limit(self.measure)

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
        # costs are computed per area (its units × its key institutions), not as one
        # matrix of every unit × every key institution (all Japan: 1,900 × 2,000)
        backend = STRAIGHT_LINE if self.backend is None else self.backend
        origins = unit_origins(self.plan.units)
        key = self.table[self.table["key_institution"]]
        dest = facility_points(key, self.plan.units)
        key_area = key["area"].to_numpy()
        ids = key["id"].to_numpy()
        names = key["name"].to_numpy()
        connected = getattr(backend, "connected", None)  # road networks: is there a route at all
        pos = {c: i for i, c in enumerate(origins.ids)}
        # the rows, area by area (units in plan order), as columns: unit positions, area,
        # cost, nearest key institution (id, name; None where none is reachable), reachable
        at: list[np.ndarray] = []
        area_of: list[np.ndarray] = []
        cost: list[np.ndarray] = []
        nearest: list[np.ndarray] = []
        nearest_name: list[np.ndarray] = []
        reached: list[np.ndarray] = []
        key_unit = key["unit"].to_numpy()
        for area, codes in self.plan.areas.items():
            idx = np.array([pos[c] for c in codes if c in pos], dtype=int)
            mine = key_area == area
            shared = [c for c in codes if c in self.disputed]
            if shared:  # key institutions in a disputed unit serve each area listing it
                mine = mine | np.isin(key_unit, shared)
            cols = np.flatnonzero(mine)
            if len(idx) == 0:
                continue
            at.append(idx)
            area_of.append(np.full(len(idx), area, dtype=object))
            if len(cols) == 0:
                none = np.full(len(idx), None, dtype=object)
                cost.append(np.full(len(idx), np.nan))
                nearest.append(none)
                nearest_name.append(none)
                reached.append(np.ones(len(idx), dtype=bool))
                continue
            sub = backend.dense(origins.take(idx), dest.take(cols))
            best = sub.argmin(axis=1)
            km = sub[np.arange(len(idx)), best]
            found = np.isfinite(km)
            cost.append(km)
            nearest.append(np.where(found, ids[cols[best]], None))
            nearest_name.append(np.where(found, names[cols[best]], None))
            ok = np.ones(len(idx), dtype=bool)  # a unit with a finite cost is reached
            if connected is not None and not found.all():  # beyond the horizon, or no route at all?
                miss = np.flatnonzero(~found)
                ok[miss] = connected(origins.take(idx[miss]), dest.take(cols)).any(axis=1)
            reached.append(ok)
        rows = _joined(at, int)
        frame = pd.DataFrame(
            {
                "code": np.asarray(origins.ids, dtype=object)[rows],
                "area": _joined(area_of, object),
                "km": _joined(cost, float),
                "facility": _joined(nearest, object),
                "facility_name": _joined(nearest_name, object),
                "origin": np.asarray(origins.kind, dtype=object)[rows],
                "reachable": _joined(reached, bool),
            }
        )
        if self.disputed:  # a unit in two areas: measured in each, the nearest counts
            frame = (
                frame.assign(_km=frame["km"].fillna(np.inf))
                .sort_values("_km", kind="stable")
                .drop_duplicates("code")
                .drop(columns="_km")
            )
            order = {c: i for i, c in enumerate(origins.ids)}
            frame = frame.sort_values("code", key=lambda s: s.map(order), kind="stable")
        return frame.set_index("code")


#: Facility columns the rules read (see :attr:`CheckContext.table`).
_TABLE_COLUMNS = frozenset({"id", "name", "kind", "unit", *schema.FLAG_FIELDS, "lon", "lat", "line"})


def _joined(parts: list[np.ndarray], dtype: type) -> np.ndarray:
    """The parts end to end (an empty array of ``dtype`` when there are none)."""
    return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)


def _objects(values: pd.Series) -> np.ndarray:
    """A text column as an object array (Arrow-backed strings converted in one call)."""
    array = values.array
    arrow = getattr(array, "_pa_array", None)
    if arrow is not None:
        try:
            return arrow.to_numpy(zero_copy_only=False).astype(object)
        except Exception:
            pass
    return values.to_numpy(dtype=object, na_value=None)


def _pieces(neighbours: Mapping[str, list[str]], codes: list[str]) -> tuple[tuple[str, ...], ...]:
    """Connected pieces of ``codes`` (edges of ``neighbours`` between them), largest
    first, codes sorted."""
    inside = set(codes)
    seen: set[str] = set()
    pieces = []
    for start in codes:
        if start in seen:
            continue
        seen.add(start)
        piece, stack = [start], [start]
        while stack:
            for n in neighbours[stack.pop()]:
                if n in inside and n not in seen:
                    seen.add(n)
                    piece.append(n)
                    stack.append(n)
        pieces.append(tuple(sorted(piece)))
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
