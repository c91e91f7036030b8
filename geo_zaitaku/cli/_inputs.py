"""The inputs every plan command reads, as one decorator and one object.

``check``, ``map areas``, ``map resources`` and ``demand`` take the same plan argument
and the same input options (boundaries by file or by cached prefecture, facilities and
their layout, population, reference layers, cache). :func:`plan_inputs` adds them to a
command and hands the command one :class:`PlanInputs`; :meth:`PlanInputs.run` reads
and checks everything through :func:`geo_zaitaku.check_plan`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from geo_zaitaku.cli import _options as opt

if TYPE_CHECKING:
    from geo_zaitaku.pipeline import CheckRun
    from geo_zaitaku.plan import PlanSpec
    from geo_zaitaku.sources.presets import Preset


@dataclass(frozen=True)
class PlanInputs:
    """What the user named on the command line for a plan command."""

    plan: Path | None
    units: tuple[Path, ...] = ()
    pref: str | None = None
    year: str | None = None
    facilities: tuple[Path, ...] = ()
    facility_format: Preset | None = None
    population: Path | None = None
    reference: Path | None = None
    no_cache: bool = False
    travel_time: str | None = None
    reach_min: float | None = None
    #: Only this prefecture's units (a task of a ``--pref`` batch): of the ``--units``
    #: files when given, else the cached official boundaries.
    prefecture: str | None = None
    plan_level: str | None = None

    def boundary_kwargs(self) -> dict[str, Any]:
        """Keyword arguments naming the boundaries and the cache use."""
        return {
            "units": list(self.units) or None,
            "pref": self.pref,
            "year": self.year,
            "cache": False if self.no_cache else None,
        }

    def run(self, settings: Mapping[str, Any] | None = None, *, level: str = "municipality") -> CheckRun:
        """Read the plan and its inputs and check it (see :func:`geo_zaitaku.check_plan`).
        Without a plan (``design areas`` with no ``--plan``), every unit of the
        boundaries forms one area at ``level``."""
        from geo_zaitaku.pipeline import check_plan, whole_plan

        boundaries = self.boundary_kwargs() if self.prefecture is None else self._prefecture_units(level)
        plan = self.spec() or whole_plan(level=level, **boundaries)
        from geo_zaitaku import InputError, labels

        if self.reach_min is not None and self.travel_time is None:  # it would be ignored
            raise InputError(labels.error("reach_min_needs_travel_time"), where="--reach-min")
        if settings and settings.get("reach_km") is not None and self.travel_time is not None:
            raise InputError(labels.error("reach_km_with_travel_time"), where="--reach-km")
        if self.reach_min is not None:
            settings = {**(settings or {}), "reach_min": self.reach_min}
        return check_plan(
            plan,
            facilities=list(self.facilities) or None,
            facility_preset=self.facility_format,
            population=self.population,
            reference=self.reference,
            settings=settings,
            settings_source="cli",
            travel_time=self.travel_time,
            **boundaries,
        )

    def _prefecture_units(self, level: str) -> dict[str, Any]:
        """Boundary arguments for :attr:`prefecture` alone."""
        from geo_zaitaku import codes, labels
        from geo_zaitaku._errors import InputError
        from geo_zaitaku.pipeline import resolve_units

        kwargs = self.boundary_kwargs()
        if not self.units:
            return {**kwargs, "pref": self.prefecture}
        frame = resolve_units(list(self.units), level=level, cache=kwargs["cache"])
        frame = frame[frame.index.astype(str).str[:2] == self.prefecture]
        if frame.empty:
            name = codes.PREFECTURES.get(self.prefecture, self.prefecture)
            raise InputError(
                labels.error("pref_not_in_units", name=name, code=self.prefecture),
                path=self.units[0],
                where="--pref",
            )
        return {**kwargs, "units": frame, "pref": None}

    def spec(self) -> PlanSpec | Path | None:
        """The plan: its file, or read with its unit level replaced by ``--level``."""
        if self.plan is None or self.plan_level is None:
            return self.plan
        from dataclasses import replace

        from geo_zaitaku.plan import read_plan

        return replace(read_plan(self.plan), level=self.plan_level)

    def paths(self) -> tuple[Path, ...]:
        """The files named on the command line (outputs never replace them)."""
        named = [*(p for p in (self.plan,) if p is not None), *self.units, *self.facilities]
        named += [p for p in (self.population, self.reference) if p is not None]
        return tuple(named)

    def out_dir(self, out: Path | None = None) -> Path:
        """``out`` or the default output folder ``./out/<plan file stem>/``."""
        return (
            out if out is not None else Path("out") / (self.plan.stem if self.plan is not None else "design")
        )


_FIELDS = (
    "plan",
    "units",
    "pref",
    "year",
    "facilities",
    "facility_format",
    "population",
    "reference",
    "no_cache",
    "travel_time",
    "reach_min",
    "plan_level",
)


def plan_inputs(
    *,
    facilities: bool = True,
    reference: bool = True,
    many: bool = False,
    optional: bool = False,
    travel_time: bool = False,
    level: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator factory: add PLAN and the input options; pass ``inputs=PlanInputs``.

    Parameters
    ----------
    facilities
        Add ``--facilities`` and the facility layout options.
    reference
        Add ``--reference``.
    many
        Take several plans (``PLANS...``); the command receives ``inputs`` for the
        first and ``plans``, one :class:`PlanInputs` per plan (the same options).
    optional
        The plan is the option ``--plan`` and may be left out.
    travel_time
        Add ``--travel-time NETWORK`` (costs in minutes on a road network built with
        ``geo-zaitaku roads build``) and ``--reach-min``.
    level
        Add ``--level municipality|ward`` (overrides the plan's ``[plan] units``).
    """

    def decorate(f: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(f)
        def wrapper(*args: object, **kwargs: Any) -> object:
            values = {k: kwargs.pop(k) for k in _FIELDS if k in kwargs}
            if many:
                paths = kwargs.pop("plans")
                kwargs["plans"] = tuple(PlanInputs(**{**values, "plan": p}) for p in paths)
                values["plan"] = paths[0]
            kwargs["inputs"] = PlanInputs(**values)
            return f(*args, **kwargs)

        if optional:
            argument = click.option(
                "--plan",
                "plan",
                type=opt.PathParam(dir_okay=False),
                default=None,
                help="出発点の計画 / starting plan.",
            )
        elif many:
            argument = click.argument("plans", nargs=-1, required=True, type=opt.PathParam())
        else:
            argument = click.argument("plan", type=opt.PathParam())
        decorators: list[Callable[[Any], Any]] = [
            argument,
            opt.units_opt,
            opt.pref_year_opts,
        ]
        if facilities:
            decorators += [opt.facilities_opt, opt.facility_format_opts]
        decorators.append(opt.population_opt)
        if reference:
            decorators.append(opt.reference_opt)
        if level:
            decorators.append(opt.plan_level_opt)
        decorators.append(opt.no_cache_opt)
        if travel_time:
            decorators += [opt.travel_time_opt, opt.reach_min_opt]
        out = wrapper
        for decorator in reversed(decorators):
            out = decorator(out)
        return out

    return decorate
