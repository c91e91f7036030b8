"""The whole job in one call: read a plan and its inputs, check it, return everything.

:func:`check_plan` is what ``geo-zaitaku check`` runs; it is also the shortest way to
use the library from Python::

    from geo_zaitaku import check_plan
    run = check_plan("boundaries/43_kumamoto/plan_health_center.toml",
                     units="N03-20240101_43_GML.zip", facilities=["facilities.csv"])
    run.report.ok, run.report.errors
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo_zaitaku import labels
from geo_zaitaku._errors import InputError
from geo_zaitaku.checks import Report, run_checks
from geo_zaitaku.config import CheckConfig
from geo_zaitaku.costs import Backend
from geo_zaitaku.graph import adjacency
from geo_zaitaku.plan import Plan, PlanSpec, plan_prefectures, read_plan
from geo_zaitaku.sources.facilities import FacilityImport, empty_facilities, load_facilities
from geo_zaitaku.sources.population import PopulationImport, attach_population, load_population
from geo_zaitaku.sources.presets import Preset
from geo_zaitaku.sources.reference import load_reference
from geo_zaitaku.units import UNIT_COLUMNS, load_units, restrict_to_prefectures, units_from_frame

PathLike = str | Path


@dataclass(frozen=True, eq=False)
class CheckRun:
    """Everything a check run read and found.

    Attributes
    ----------
    plan
        The plan resolved over the units (population attached when given).
    facilities
        Facilities with their import logs.
    population
        The population import, if any.
    report
        The findings and area figures.
    backend
        How costs were measured (``None``: straight line, km; a
        :class:`~geo_zaitaku.roads.TravelTime` with ``--travel-time``). Scenarios,
        robustness, accessibility and design measure with the same backend.
    """

    plan: Plan
    facilities: FacilityImport
    population: PopulationImport | None
    report: Report
    backend: Backend | None = None

    @property
    def measure(self) -> str:
        """``"km"`` (straight line) or ``"min"`` (travel time on a road network)."""
        return "km" if self.backend is None else self.backend.measure

    @property
    def unknown_roles(self) -> tuple[str, ...]:
        """The roles (``key_institution``, ``hub``) the facility data do not say who
        holds: both without facility data, else those with no column or all blank
        (the check's 未確認)."""
        areas = self.report.areas
        out = []
        if any(a.n_key_institutions is None for a in areas):
            out.append("key_institution")
        if any(a.n_hubs is None for a in areas):
            out.append("hub")
        return tuple(out)

    def require_roles(self, analysis: str) -> None:
        """Refuse (:class:`~geo_zaitaku.InputError`, exit status 2) an ``analysis`` (a
        key of :data:`geo_zaitaku.labels.ROLE_ANALYSES`: ``robustness``,
        ``design_areas``) that needs to know which facilities are key institutions and
        hubs, when the facility data do not say."""
        unknown = self.unknown_roles
        if unknown:
            roles = "・".join(labels.FLAG_NAMES[r] for r in unknown)
            what = labels.ROLE_ANALYSES[analysis]
            raise InputError(labels.error("roles_unknown", roles=roles, what=what), where="--facilities")


def check_plan(
    plan: PathLike | PlanSpec,
    *,
    units: PathLike | Sequence[PathLike] | gpd.GeoDataFrame | None = None,
    pref: int | str | None = None,
    year: int | str | None = None,
    facilities: PathLike | Sequence[PathLike] | None = None,
    facility_preset: str | Path | Preset | None = None,
    population: PathLike | None = None,
    reference: PathLike | None = None,
    settings: Mapping[str, Any] | None = None,
    cache: bool | None = None,
    settings_source: str = "settings",
    travel_time: str | Path | Backend | None = None,
) -> CheckRun:
    """Read a plan and its inputs and check it.

    Inputs not given here fall back to those named in the plan's ``[plan]`` table
    (``boundaries``, ``facilities``, ``population``, ``reference``).

    Parameters
    ----------
    plan
        Plan file or parsed :class:`PlanSpec`.
    units
        N03 boundary files or folders, units already loaded (:func:`load_units`), or
        an N03-like GeoDataFrame (``N03_007`` …, made into units as
        :func:`geo_zaitaku.units.units_from_frame` does).
    pref
        Use the official N03 boundaries of this prefecture (code or name) fetched
        into the cache with ``geo-zaitaku fetch n03`` (:func:`geo_zaitaku.sources.fetch.fetch_n03`)
        instead of ``units``; nothing is downloaded here.
    year
        Edition year of those boundaries (default :data:`geo_zaitaku.sources.fetch.DEFAULT_YEAR`).
    facilities
        Facility CSV files (one path or several).
    facility_preset
        How to read them: a :class:`~geo_zaitaku.sources.presets.Preset`, a built-in preset's
        name or a preset TOML (default: chosen per file from its header).
    population
        Population CSV.
    reference
        Reference-layer CSV.
    settings
        Threshold overrides (names of :class:`CheckConfig`), applied after the
        plan's ``[checks]`` and validated as they are (ranges in
        :data:`geo_zaitaku.config.LIMITS`).
    cache
        Use the units cache (default: ``settings.use_cache``).
    settings_source
        How messages name a bad override: ``"settings"`` (``settings['reach_km']``)
        or ``"cli"`` (``--reach-km``); see :func:`geo_zaitaku.config.setting_name`.
    travel_time
        Measure costs as travel time by road instead of straight-line km: the name or
        folder of a network built with ``geo-zaitaku roads build``, a
        :class:`~geo_zaitaku.roads.RoadNetwork`, or a cost backend. Reach is then
        checked against ``reach_min``.

    Returns
    -------
    CheckRun

    Raises
    ------
    InputError
        Any input is unusable (the message names the file and row or key).
    """
    spec = plan if isinstance(plan, PlanSpec) else read_plan(plan)
    unit_frame = resolve_units(
        units,
        pref=pref,
        year=year,
        level=spec.level,
        cache=cache,
        default=spec.inputs.get("boundaries"),
        source=spec.source,
    )
    if spec.prefectures and "pref_code" in unit_frame.columns:
        present = set(unit_frame["pref_code"])
        missing = [p for p in spec.prefectures if p not in present]
        if missing:  # [plan] prefecture = 46 against Kumamoto's boundaries: nothing to check
            from geo_zaitaku.codes import PREFECTURES

            raise InputError(
                labels.error(
                    "plan_prefecture_absent",
                    missing="・".join(PREFECTURES.get(p, p) for p in missing),
                    present="・".join(PREFECTURES.get(p, p) for p in sorted(present)),
                ),
                path=spec.source,
                where="[plan] prefecture",
            )
    unit_frame = restrict_to_prefectures(unit_frame, plan_prefectures(spec, unit_frame))
    edges = adjacency(unit_frame, cache=cache)
    for what, value in (("population", population), ("reference", reference)):
        if isinstance(value, pd.DataFrame):
            raise InputError(labels.error("frame_not_paths", what=what), where=what)
    pop_path = population if population is not None else _one(spec.inputs.get("population"))
    pop = load_population(pop_path, unit_frame) if pop_path else None
    if pop is not None:
        unit_frame = attach_population(unit_frame, pop)
    ref_path = reference if reference is not None else spec.reference
    ref = load_reference(ref_path, unit_frame) if ref_path else None
    config = spec.config(CheckConfig.from_settings())
    if settings:
        config = config.updated(settings, source=settings_source)
    resolved = Plan.from_spec(spec, unit_frame, edges=edges, reference=ref, config=config)
    fac_paths = (
        _paths(facilities, "facilities")
        if facilities is not None
        else list(spec.inputs.get("facilities", ()))
    )
    fac = (
        load_facilities(fac_paths, unit_frame, preset=facility_preset)
        if fac_paths
        else FacilityImport(empty_facilities(), ())
    )
    backend = travel_time_backend(travel_time, config)
    report = run_checks(resolved, fac, population=pop, backend=backend)
    return CheckRun(plan=resolved, facilities=fac, population=pop, report=report, backend=backend)


def _paths(value: object, what: str) -> list[PathLike]:
    """Files given as one path or a sequence of paths (never a string split into
    characters, nor a frame's column names)."""
    if isinstance(value, str | os.PathLike):
        return [value]
    if isinstance(value, pd.DataFrame):
        raise InputError(labels.error("frame_not_paths", what=what), where=what)
    return list(value)  # type: ignore[call-overload]


def travel_time_backend(travel_time: object, config: CheckConfig) -> Backend | None:
    """The cost backend of ``travel_time`` (see :func:`check_plan`): ``None`` for the
    straight line; a road network measured up to twice ``reach_min`` (at least
    :data:`geo_zaitaku.roads.HORIZON_MIN`), so that units beyond the threshold still get
    their minutes."""
    if travel_time is None:
        return None
    if hasattr(travel_time, "dense") and hasattr(travel_time, "measure"):
        return travel_time  # type: ignore[return-value]
    from geo_zaitaku.roads import HORIZON_MIN
    from geo_zaitaku.roads import travel_time as make

    return make(travel_time, horizon=max(HORIZON_MIN, 2 * config.reach_min))  # type: ignore[arg-type]


def input_paths(run: CheckRun) -> tuple[Path, ...]:
    """Every file a check run read: the plan, boundaries, facilities, population and
    reference layer (outputs must never replace one of them)."""
    from geo_zaitaku.units import source_files

    spec = run.plan.spec
    paths: list[Path] = [spec.source] if spec.source is not None else []
    paths += [p for values in spec.inputs.values() for p in values]
    if spec.reference is not None:
        paths.append(spec.reference)
    paths += source_files(run.plan.units)
    network = getattr(run.backend, "network", None)
    source = network.meta.get("extract", {}).get("source") if network is not None else None
    if source:
        paths.append(Path(str(source)))
    paths += [Path(log.source) for log in run.facilities.logs]
    if run.population is not None:
        paths.append(Path(run.population.source))
    ref = run.plan.reference
    if ref is not None and ref.attrs.get("source"):
        paths.append(Path(str(ref.attrs["source"])))
    return tuple(dict.fromkeys(paths))


def whole_plan(
    *,
    units: PathLike | Sequence[PathLike] | gpd.GeoDataFrame | None = None,
    pref: int | str | None = None,
    year: int | str | None = None,
    level: str = "municipality",
    cache: bool | None = None,
) -> PlanSpec:
    """A plan with every unit of the boundaries in one area (the starting point of a
    design made without a plan)."""
    from geo_zaitaku.codes import PREFECTURES
    from geo_zaitaku.plan import AreaSpec

    frame = resolve_units(units, pref=pref, year=year, level=level, cache=cache)
    prefectures = set(frame.index.astype(str).str[:2])
    name = labels.TEXT["whole_plan"]
    if len(prefectures) == 1 and (code := prefectures.pop()) in PREFECTURES:
        name = PREFECTURES[code]
    return PlanSpec(
        name=name,
        level=level,
        areas=(AreaSpec(labels.TEXT["whole_area"], tuple(frame.index)),),
    )


def resolve_units(
    units: PathLike | Sequence[PathLike] | gpd.GeoDataFrame | None,
    *,
    pref: int | str | None = None,
    year: int | str | None = None,
    level: str = "municipality",
    cache: bool | None = None,
    default: Sequence[PathLike] | None = None,
    source: PathLike | None = None,
) -> gpd.GeoDataFrame:
    """The units named by the user: files (``--units``), a cached prefecture
    (``--pref``/``--year``), units already loaded, or the plan's default boundaries.

    Parameters
    ----------
    units
        Boundary files or folders, or a units frame.
    pref, year
        Cached official boundaries (``geo-zaitaku fetch n03``); nothing is downloaded.
    level
        ``"municipality"`` or ``"ward"``.
    cache
        Use the units cache.
    default
        Boundary files to use when neither ``units`` nor ``pref`` is given (the
        plan's ``[plan] boundaries``).
    source
        The file that asked (the plan), for messages.

    Raises
    ------
    InputError
        Both ``units`` and ``pref``, ``year`` without ``pref``, a prefecture not
        fetched yet, or no boundaries at all.
    """
    if isinstance(units, gpd.GeoDataFrame):
        if set(UNIT_COLUMNS) - {"geometry"} <= set(units.columns):
            return units  # units already built (load_units, units_from_frame)
        return units_from_frame(units, level=level)  # an N03-like frame (N03_007, …)
    if isinstance(units, pd.DataFrame):
        raise InputError(labels.error("frame_not_geo", what="units"), where="units")
    if pref is not None or year is not None:
        from geo_zaitaku.sources.fetch import DEFAULT_YEAR, require_cached

        if units is not None:
            raise InputError(
                labels.error("units_and_pref"),
                where="--pref",
            )
        if pref is None:
            raise InputError(
                labels.error("year_needs_pref"),
                where="--year",
            )
        units = require_cached(pref, DEFAULT_YEAR if year is None else year)
    sources = units if units is not None else default
    if not sources:
        raise InputError(
            labels.error("no_boundaries"),
            path=source,
        )
    return load_units(sources, level=level, cache=cache)


def _one(paths: Sequence[Path] | None) -> Path | None:
    return paths[0] if paths else None
