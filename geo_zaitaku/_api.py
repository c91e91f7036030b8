"""The public API, one name per line (re-exported by :mod:`geo_zaitaku`).

Names are grouped as the pipeline runs: units → plan → facilities and population →
checks → costs → demand → reports; errors last. Lower-level pieces stay in their
modules (``geo_zaitaku.graph.build_graph``, ``geo_zaitaku.sources.population.attach_population``).
"""

from __future__ import annotations

from geo_zaitaku._errors import CacheError as CacheError
from geo_zaitaku._errors import FetchError as FetchError
from geo_zaitaku._errors import GeometryError as GeometryError
from geo_zaitaku._errors import GeoZaitakuError as GeoZaitakuError
from geo_zaitaku._errors import InputError as InputError
from geo_zaitaku.checks import AreaSummary as AreaSummary
from geo_zaitaku.checks import Finding as Finding
from geo_zaitaku.checks import Report as Report
from geo_zaitaku.checks import UnitSummary as UnitSummary
from geo_zaitaku.checks import run_checks as run_checks
from geo_zaitaku.config import CheckConfig as CheckConfig
from geo_zaitaku.costs import CostMatrix as CostMatrix
from geo_zaitaku.costs import cost_matrix as cost_matrix
from geo_zaitaku.demand import DemandResult as DemandResult
from geo_zaitaku.demand import DemandRun as DemandRun
from geo_zaitaku.demand import RateTable as RateTable
from geo_zaitaku.demand import default_rates as default_rates
from geo_zaitaku.demand import demand_by_area as demand_by_area
from geo_zaitaku.demand import estimate_demand as estimate_demand
from geo_zaitaku.demand import expected_demand as expected_demand
from geo_zaitaku.demand import load_rates as load_rates
from geo_zaitaku.graph import Link as Link
from geo_zaitaku.graph import adjacency as adjacency
from geo_zaitaku.pipeline import CheckRun as CheckRun
from geo_zaitaku.pipeline import check_plan as check_plan
from geo_zaitaku.plan import Plan as Plan
from geo_zaitaku.plan import PlanSpec as PlanSpec
from geo_zaitaku.plan import read_plan as read_plan
from geo_zaitaku.report import write_report as write_report
from geo_zaitaku.sample import write_sample as write_sample
from geo_zaitaku.sources.facilities import FacilityImport as FacilityImport
from geo_zaitaku.sources.facilities import ImportLog as ImportLog
from geo_zaitaku.sources.facilities import RowIssue as RowIssue
from geo_zaitaku.sources.facilities import load_facilities as load_facilities
from geo_zaitaku.sources.fetch import fetch_n03 as fetch_n03
from geo_zaitaku.sources.isj import fetch_isj as fetch_isj
from geo_zaitaku.sources.isj import load_towns as load_towns
from geo_zaitaku.sources.population import PopulationImport as PopulationImport
from geo_zaitaku.sources.population import Projection as Projection
from geo_zaitaku.sources.population import load_population as load_population
from geo_zaitaku.sources.population import load_projection as load_projection
from geo_zaitaku.sources.reference import load_reference as load_reference
from geo_zaitaku.units import load_units as load_units
