"""geo_zaitaku: home medical care areas (在宅医療の圏域) for Japanese prefectures.

The pipeline, module by module: :mod:`~geo_zaitaku.units` (N03 boundaries; official
downloads in :mod:`~geo_zaitaku.sources.fetch`) → :mod:`~geo_zaitaku.graph` (adjacency) →
:mod:`~geo_zaitaku.plan` (areas) → :mod:`~geo_zaitaku.sources.facilities` /
:mod:`~geo_zaitaku.sources.population` → :mod:`~geo_zaitaku.checks` → :mod:`~geo_zaitaku.demand`
(scenarios) → :mod:`~geo_zaitaku.report` and :mod:`geo_zaitaku.maps` (imported on its own,
as it loads Folium); :func:`check_plan` runs the check end to end.
"""

from __future__ import annotations

__version__ = "0.1.0"

from geo_zaitaku._errors import GeometryError, GeoZaitakuError, InputError
from geo_zaitaku.checks import Finding, Report, run_checks
from geo_zaitaku.config import CheckConfig
from geo_zaitaku.demand import DemandResult, demand_by_area, estimate_demand, expected_demand
from geo_zaitaku.graph import Link, adjacency, build_graph
from geo_zaitaku.pipeline import CheckRun, check_plan
from geo_zaitaku.plan import Plan, PlanSpec, read_plan
from geo_zaitaku.report import write_report
from geo_zaitaku.sample import write_sample
from geo_zaitaku.sources.facilities import FacilityImport, load_facilities
from geo_zaitaku.sources.population import (
    PopulationImport,
    Projection,
    attach_population,
    load_population,
    load_projection,
)
from geo_zaitaku.sources.reference import load_reference
from geo_zaitaku.units import load_units

__all__ = [
    "CheckConfig",
    "CheckRun",
    "DemandResult",
    "FacilityImport",
    "Finding",
    "GeoZaitakuError",
    "GeometryError",
    "InputError",
    "Link",
    "Plan",
    "PlanSpec",
    "PopulationImport",
    "Projection",
    "Report",
    "__version__",
    "adjacency",
    "attach_population",
    "build_graph",
    "check_plan",
    "demand_by_area",
    "estimate_demand",
    "expected_demand",
    "load_facilities",
    "load_population",
    "load_projection",
    "load_reference",
    "load_units",
    "read_plan",
    "run_checks",
    "write_report",
    "write_sample",
]
