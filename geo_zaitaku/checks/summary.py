"""Per-area figures for the report and the plan documents."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from geo_zaitaku import schema
from geo_zaitaku.checks._base import CheckContext


@dataclass(frozen=True)
class AreaSummary:
    """Figures of one home-care area.

    Attributes
    ----------
    name
        Area name.
    units, unit_names
        Codes and display names of its units, in plan order.
    population, pop_65over, pop_75over
        Sums over its units (``None`` when unknown).
    area_km2
        Land area.
    contiguous
        Whether the area is one connected piece.
    components
        Its pieces (codes), largest first.
    key_institutions, hubs
        Facility ids.
    key_institution_names, hub_names
        Their names.
    n_facilities
        Facilities placed in its units.
    functions
        Function id -> number of facilities providing it; ``None`` when it was not
        checked (no facility data, or data that say nothing about the function).
    people_per_hub
        Population / hubs (``None`` without population or hubs).
    max_reach_km
        Largest cost (km, or minutes with a road network) from one of its units to the
        nearest key institution (``None`` when unknown, or when no unit reaches one);
        a lower bound when ``reach_beyond`` or ``unreachable`` name units.
    reference
        Layer -> reference regions its units belong to.
    facilities_checked
        Whether any facility data were given: without them the key institutions, hubs
        and facility counts are unknown (not zero).
    key_institutions_checked, hubs_checked
        Whether the facility data say which facilities are key institutions (hubs):
        without that, their counts are unknown (not zero).
    population_unknown
        Its units whose population is unknown while others' is known: ``population``
        (and people per hub) then count only the known ones, a lower bound.
    ages_unknown
        Its units whose population is known but whose 65+ or 75+ count is not
        (suppressed age cells), with the columns unknown (``pop_65over``,
        ``pop_75over``): those sums then count only the others.
    reach_beyond
        Its units from which no key institution of the area is within the road
        network's horizon (left out of ``max_reach_km``).
    unreachable
        Its units from which no key institution of the area can be reached by road or
        ferry at all (left out of ``max_reach_km``).
    note
        The plan's note on the area (``[areas."名前"] note``), empty when none.
    """

    name: str
    units: tuple[str, ...]
    unit_names: tuple[str, ...]
    population: float | None
    pop_65over: float | None
    pop_75over: float | None
    area_km2: float
    contiguous: bool
    components: tuple[tuple[str, ...], ...]
    key_institutions: tuple[str, ...]
    key_institution_names: tuple[str, ...]
    hubs: tuple[str, ...]
    hub_names: tuple[str, ...]
    n_facilities: int
    functions: Mapping[str, int | None] = field(default_factory=lambda: MappingProxyType({}))
    people_per_hub: float | None = None
    max_reach_km: float | None = None
    reference: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    facilities_checked: bool = True
    key_institutions_checked: bool = True
    hubs_checked: bool = True
    population_unknown: tuple[str, ...] = ()
    ages_unknown: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    reach_beyond: tuple[str, ...] = ()
    unreachable: tuple[str, ...] = ()
    note: str = ""

    @property
    def n_key_institutions(self) -> int | None:
        """Number of key institutions; ``None`` when unknown (no facility data, or data
        that do not say which facilities are key institutions)."""
        return (
            len(self.key_institutions) if self.facilities_checked and self.key_institutions_checked else None
        )

    @property
    def n_hubs(self) -> int | None:
        """Number of coordination hubs; ``None`` when unknown (as for key institutions)."""
        return len(self.hubs) if self.facilities_checked and self.hubs_checked else None

    @property
    def fully_checked(self) -> bool:
        """Whether the facility data were given and say which facilities are key
        institutions and hubs (an area without errors is then OK, not unchecked)."""
        return self.facilities_checked and self.key_institutions_checked and self.hubs_checked

    @property
    def functions_unchecked(self) -> tuple[str, ...]:
        """Function ids not checked (unknown, neither present nor missing)."""
        return tuple(f for f, n in self.functions.items() if n is None)

    @property
    def functions_missing(self) -> tuple[str, ...]:
        """Function ids checked and provided by no facility of the area."""
        return tuple(f for f, n in self.functions.items() if n == 0)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "name": self.name,
            "units": list(self.units),
            "unit_names": list(self.unit_names),
            "population": self.population,
            "pop_65over": self.pop_65over,
            "pop_75over": self.pop_75over,
            "area_km2": round(self.area_km2, 2),
            "contiguous": self.contiguous,
            "components": [list(c) for c in self.components],
            "key_institutions": list(self.key_institutions),
            "key_institution_names": list(self.key_institution_names),
            "hubs": list(self.hubs),
            "hub_names": list(self.hub_names),
            "n_facilities": self.n_facilities,
            "functions": dict(self.functions),
            "people_per_hub": self.people_per_hub,
            "max_reach_km": self.max_reach_km,
            "reference": {k: list(v) for k, v in self.reference.items()},
            "facilities_checked": self.facilities_checked,
            "key_institutions_checked": self.key_institutions_checked,
            "hubs_checked": self.hubs_checked,
            "population_unknown": list(self.population_unknown),
            "ages_unknown": {code: list(columns) for code, columns in self.ages_unknown.items()},
            "reach_beyond": list(self.reach_beyond),
            "unreachable": list(self.unreachable),
            "note": self.note,
        }


@dataclass(frozen=True)
class UnitSummary:
    """Figures of one unit: its area, population and reach.

    Attributes
    ----------
    code, name
        The unit.
    area
        Home-care area it is assigned to (``None`` when unassigned).
    population, pop_65over, pop_75over, pop_85over
        Population figures (``None`` when unknown).
    reach_km
        Cost (km, or minutes with a road network) to the nearest key institution of its
        area (``None`` without one, or when none can be reached).
    nearest_key_institution, nearest_key_institution_name
        That institution.
    origin
        Where distance is measured from: ``"population"`` (population centroid) or
        ``"centroid"``.
    """

    code: str
    name: str
    area: str | None
    population: float | None
    pop_65over: float | None
    reach_km: float | None
    nearest_key_institution: str | None
    nearest_key_institution_name: str | None
    origin: str
    pop_75over: float | None = None
    pop_85over: float | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return dict(vars(self))


def summarize_units(ctx: CheckContext) -> tuple[UnitSummary, ...]:
    """A :class:`UnitSummary` for every unit, in the units' order."""
    units = ctx.plan.units
    reach = ctx.reach
    assignment = ctx.plan.assignment
    codes = units.index.tolist()
    nothing = [None] * len(codes)
    pop = units["population"].tolist() if "population" in units.columns else nothing
    p65 = units["pop_65over"].tolist() if "pop_65over" in units.columns else nothing
    p75 = units["pop_75over"].tolist() if "pop_75over" in units.columns else nothing
    p85 = units["pop_85over"].tolist() if "pop_85over" in units.columns else nothing
    rows = {  # one row per unit (a unit listed in two areas: the nearer one)
        code: (km, fid, fname, origin)
        for code, km, fid, fname, origin in zip(
            reach.index.tolist(),
            reach["km"].tolist(),
            reach["facility"].tolist(),
            reach["facility_name"].tolist(),
            reach["origin"].tolist(),
            strict=True,
        )
    }
    none = (None, None, None, "centroid")
    names = dict(ctx.plan.graph.nodes(data="name"))
    out = []
    for code, p, p6, p7, p8 in zip(codes, pop, p65, p75, p85, strict=True):
        km, fid, fname, origin = rows.get(code, none)
        out.append(
            UnitSummary(
                code=code,
                name=names.get(code, code),
                area=assignment.get(code),
                population=_number(p),
                pop_65over=_number(p6),
                pop_75over=_number(p7),
                pop_85over=_number(p8),
                reach_km=None if km is None or not math.isfinite(km) else round(float(km), 2),
                nearest_key_institution=_text(fid),
                nearest_key_institution_name=_text(fname),
                origin=origin,
            )
        )
    return tuple(out)


def _text(value: object) -> str | None:
    """An id or name, ``None`` when missing (pandas may hold a missing one as NaN)."""
    return value if isinstance(value, str) else None


def _number(value: object) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def summarize(ctx: CheckContext) -> tuple[AreaSummary, ...]:
    """Compute an :class:`AreaSummary` for every area of the plan, in plan order."""
    units = ctx.plan.units
    unit_codes = units.index.tolist()
    columns = {
        c: dict(zip(unit_codes, units[c].to_numpy(dtype=float).tolist(), strict=True))
        for c in ("population", "pop_65over", "pop_75over", "area_km2")
        if c in units.columns
    }
    reach = ctx.reach
    finite = reach[np.isfinite(reach["km"].to_numpy(dtype=float))]
    max_km = finite.groupby("area")["km"].max().to_dict() if len(finite) else {}
    beyond: dict[str, set[str]] = {}  # beyond the horizon, and with no route at all
    cut_off: dict[str, set[str]] = {}
    for area, part in reach[np.isinf(reach["km"].to_numpy(dtype=float))].groupby("area"):
        routed = part["reachable"].to_numpy(dtype=bool)
        beyond[area], cut_off[area] = set(part.index[routed]), set(part.index[~routed])
    layers = {}
    if ctx.plan.reference is not None:
        layers = {layer: ctx.plan.reference[layer].to_dict() for layer in ctx.plan.reference.columns}
    checked = ctx.has_facility_data
    spec = getattr(ctx.plan, "spec", None)
    notes = {a.name: a.note for a in spec.areas if a.note} if spec is not None else {}
    # a function is known when some facility row says yes or no (the functions rule)
    known = {f: checked and bool(ctx.facilities[f].notna().any()) for f in schema.FUNCTION_FIELDS}
    provides = {f: ctx.column(f) == 1 for f in schema.FUNCTION_FIELDS}
    ids, names = ctx.column("id"), ctx.column("name")
    out = []
    for area, codes in ctx.plan.areas.items():
        rows, key, hubs = ctx.rows[area], ctx.key_rows[area], ctx.hub_rows[area]
        pop = _sum(columns, "population", codes)
        functions = {f: int((provides[f][rows]).sum()) if known[f] else None for f in schema.FUNCTION_FIELDS}
        ref = {}
        for layer, values in layers.items():
            seen: list[str] = []
            for c in codes:
                v = values.get(c)
                if isinstance(v, str) and v not in seen:
                    seen.append(v)
            ref[layer] = tuple(seen)
        pieces = ctx.components[area]
        km = max_km.get(area)
        out.append(
            AreaSummary(
                name=area,
                units=tuple(codes),
                unit_names=tuple(ctx.plan.unit_name(c) for c in codes),
                population=pop,
                pop_65over=_sum(columns, "pop_65over", codes),
                pop_75over=_sum(columns, "pop_75over", codes),
                area_km2=_sum(columns, "area_km2", codes) or 0.0,
                contiguous=len(pieces) <= 1,
                components=pieces,
                key_institutions=tuple(ids[key]),
                key_institution_names=tuple(names[key]),
                hubs=tuple(ids[hubs]),
                hub_names=tuple(names[hubs]),
                n_facilities=len(rows),
                functions=MappingProxyType(functions),
                people_per_hub=None if ctx.people_per_hub[area] is None else round(ctx.people_per_hub[area]),
                max_reach_km=round(float(km), 2) if km is not None and math.isfinite(km) else None,
                reference=MappingProxyType(ref),
                facilities_checked=checked,
                key_institutions_checked=ctx.roles_known["key_institution"],
                hubs_checked=ctx.roles_known["hub"],
                population_unknown=_unknown(columns, "population", codes) if pop is not None else (),
                ages_unknown=MappingProxyType(_ages_unknown(columns, codes)),
                note=notes.get(area, ""),
                reach_beyond=tuple(c for c in codes if c in beyond.get(area, ())),
                unreachable=tuple(c for c in codes if c in cut_off.get(area, ())),
            )
        )
    return tuple(out)


def _ages_unknown(columns: dict[str, dict[str, float]], codes: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """The codes whose population is known and whose 65+ or 75+ count is not, when
    others' is, with those columns (in the area's order of units)."""
    if "population" not in columns:
        return {}
    pop = columns["population"]
    out: dict[str, tuple[str, ...]] = {}
    for column in ("pop_65over", "pop_75over"):
        values = columns.get(column)
        if values is None or all(math.isnan(values.get(c, math.nan)) for c in codes):
            continue  # no such counts at all in this area: the sum says unknown, not partial
        for c in codes:
            if not math.isnan(pop.get(c, math.nan)) and math.isnan(values.get(c, math.nan)):
                out[c] = (*out.get(c, ()), column)
    return {c: out[c] for c in codes if c in out}


def _unknown(columns: dict[str, dict[str, float]], column: str, codes: tuple[str, ...]) -> tuple[str, ...]:
    """The codes whose value of a unit column is unknown (NaN)."""
    values = columns.get(column, {})
    return tuple(c for c in codes if c in values and math.isnan(values[c]))


def _sum(columns: dict[str, dict[str, float]], column: str, codes: tuple[str, ...]) -> float | None:
    """Sum of a unit column over codes; ``None`` when the column is absent or all unknown."""
    if column not in columns:
        return None
    values = np.array([columns[column].get(c, np.nan) for c in codes], dtype=float)
    if len(values) == 0 or np.isnan(values).all():
        return None
    return float(np.nansum(values))
