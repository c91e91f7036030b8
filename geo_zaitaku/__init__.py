"""geo_zaitaku: home medical care areas (在宅医療の圏域) for Japanese prefectures.

The pipeline, module by module: :mod:`~geo_zaitaku.units` (N03 boundaries) →
:mod:`~geo_zaitaku.graph` (adjacency) → :mod:`~geo_zaitaku.plan` (areas) →
:mod:`geo_zaitaku.sources` (facilities, population, reference layers, official
downloads) → :mod:`geo_zaitaku.checks` → :mod:`~geo_zaitaku.costs` →
:mod:`~geo_zaitaku.demand` → :mod:`~geo_zaitaku.report` and :mod:`geo_zaitaku.maps`
(imported on its own, as it loads Folium); :func:`check_plan` runs the check end to
end. The public names are listed in :mod:`geo_zaitaku._api`; they are loaded on first
use, so that ``import geo_zaitaku.cli`` (and ``geo-zaitaku --help``) stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "AreaSummary",
    "CacheError",
    "CheckConfig",
    "CheckRun",
    "CostMatrix",
    "DemandResult",
    "DemandRun",
    "FacilityImport",
    "FetchError",
    "Finding",
    "GeoZaitakuError",
    "GeometryError",
    "ImportLog",
    "InputError",
    "Link",
    "Plan",
    "PlanSpec",
    "PopulationImport",
    "Projection",
    "RateTable",
    "Report",
    "RowIssue",
    "UnitSummary",
    "__version__",
    "adjacency",
    "check_plan",
    "cost_matrix",
    "default_rates",
    "demand_by_area",
    "estimate_demand",
    "expected_demand",
    "fetch_isj",
    "fetch_n03",
    "load_facilities",
    "load_population",
    "load_projection",
    "load_rates",
    "load_reference",
    "load_towns",
    "load_units",
    "read_plan",
    "run_checks",
    "write_report",
    "write_sample",
]

if TYPE_CHECKING:
    from geo_zaitaku._api import *  # noqa: F403


def __getattr__(name: str) -> Any:
    """Load the public API (:mod:`geo_zaitaku._api`) on first use of one of its names."""
    if name in __all__:
        from geo_zaitaku import _api

        return getattr(_api, name)
    raise AttributeError(f"module 'geo_zaitaku' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
