"""Plan checks: each rule is a small function of a :class:`CheckContext` returning
:class:`Finding` objects; :func:`run_checks` runs them all and collects a
:class:`Report` (every problem is listed, none stops the others).

To add a rule: give it a name in :data:`geo_zaitaku.labels.RULES`, write
``@rule("x") def check_x(ctx) -> list[Finding]`` in a module here (messages in
:data:`geo_zaitaku.labels.MESSAGES`, built with :func:`finding`), and list it in
:data:`RULES`. The report order and the rules' names derive from that one tuple.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import geopandas as gpd

from geo_zaitaku import labels
from geo_zaitaku.checks._base import SEVERITY_ORDER, CheckContext, Finding, Rule, finding, rule
from geo_zaitaku.checks.completeness import check_completeness
from geo_zaitaku.checks.contiguity import check_contiguity
from geo_zaitaku.checks.density import check_hub_density
from geo_zaitaku.checks.functions import check_functions
from geo_zaitaku.checks.inputs import check_inputs
from geo_zaitaku.checks.institutions import check_hubs, check_key_institutions
from geo_zaitaku.checks.reach import check_reach
from geo_zaitaku.checks.reference import check_reference
from geo_zaitaku.checks.summary import AreaSummary, UnitSummary, summarize, summarize_units
from geo_zaitaku.costs import Backend
from geo_zaitaku.plan import Plan
from geo_zaitaku.sources.facilities import FacilityImport, ImportLog, empty_facilities, facilities_from_frame
from geo_zaitaku.sources.population import PopulationImport

__all__ = [
    "RULES",
    "RULE_ORDER",
    "AreaSummary",
    "CheckContext",
    "Finding",
    "Report",
    "Rule",
    "UnitSummary",
    "finding",
    "rule",
    "run_checks",
]

#: The rules, in report order.
RULES: tuple[Rule, ...] = (
    check_completeness,
    check_contiguity,
    check_key_institutions,
    check_hubs,
    check_hub_density,
    check_reach,
    check_functions,
    check_reference,
    check_inputs,
)
#: Rule id -> position in the report.
RULE_ORDER: Mapping[str, int] = MappingProxyType({r.id: i for i, r in enumerate(RULES)})


@dataclass(frozen=True)
class Report:
    """The result of checking a plan.

    Attributes
    ----------
    plan
        Plan name.
    level
        Unit level (``"municipality"`` or ``"ward"``).
    areas
        One :class:`AreaSummary` per area, in plan order.
    findings
        All findings, errors first, then by rule and area.
    units
        One :class:`UnitSummary` per unit (area, population, reach).
    inputs
        What was read (sources, counts, import logs), JSON-ready.
    settings
        Thresholds used.
    """

    plan: str
    level: str
    areas: tuple[AreaSummary, ...]
    findings: tuple[Finding, ...]
    units: tuple[UnitSummary, ...] = ()
    inputs: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    settings: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def errors(self) -> tuple[Finding, ...]:
        """Findings of severity error."""
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """Findings of severity warning."""
        return tuple(f for f in self.findings if f.severity == "warning")

    @property
    def ok(self) -> bool:
        """True when the plan has no error finding."""
        return not self.errors

    @property
    def facilities_checked(self) -> bool:
        """Whether the facility rules could run: some facility data were given, and
        they say which facilities are key institutions and hubs."""
        return all(a.fully_checked for a in self.areas)

    def verdict(self) -> str:
        """The plan's one-line verdict: its errors, no error, or no error found with the
        facilities unchecked (never a plain "no error" when no facility data were given,
        or when they do not say which facilities are key institutions or hubs)."""
        if not self.ok:
            return labels.TEXT["plan_errors"].format(n=len(self.errors))
        if self.facilities_checked:
            return labels.TEXT["plan_ok"]
        if not all(a.facilities_checked for a in self.areas):
            return labels.TEXT["plan_ok_unchecked"]
        roles = []
        if not all(a.key_institutions_checked for a in self.areas):
            roles.append(labels.TEXT["roles_unchecked_key"])
        if not all(a.hubs_checked for a in self.areas):
            roles.append(labels.TEXT["roles_unchecked_hub"])
        return labels.TEXT["plan_ok_roles_unchecked"].format(roles="・".join(roles))

    def counts(self) -> dict[str, int]:
        """Number of findings per severity."""
        return {s: sum(1 for f in self.findings if f.severity == s) for s in SEVERITY_ORDER}

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (the content of ``report.json``)."""
        return {
            "plan": self.plan,
            "level": self.level,
            "ok": self.ok,
            "counts": self.counts(),
            "settings": dict(self.settings),
            "inputs": dict(self.inputs),
            "areas": [a.to_dict() for a in self.areas],
            "findings": [f.to_dict() for f in self.findings],
            "units": [u.to_dict() for u in self.units],
        }


def run_checks(
    plan: Plan,
    facilities: FacilityImport | gpd.GeoDataFrame | None = None,
    *,
    population: PopulationImport | None = None,
    rules: Sequence[Rule] = RULES,
    backend: Backend | None = None,
) -> Report:
    """Check a plan and collect every finding.

    Parameters
    ----------
    plan
        The plan (units with population columns when population is known).
    facilities
        Facilities placed in the plan's units (a :class:`FacilityImport` keeps its
        import logs in the report), or a table of one's own with ``id``, ``name`` and
        ``unit`` (see :func:`geo_zaitaku.sources.facilities.facilities_from_frame`).
    population
        The population import, to report rows skipped and units missing.
    rules
        Rules to run (default :data:`RULES`).
    backend
        How costs are measured (default straight line, km; a road network's
        :class:`~geo_zaitaku.roads.TravelTime` gives minutes, checked against
        ``reach_min``).

    Returns
    -------
    Report
    """
    logs: tuple[ImportLog, ...] = ()
    if isinstance(facilities, FacilityImport):
        logs = facilities.logs
        frame = facilities.frame
    elif facilities is None:
        frame = empty_facilities()
    else:  # a table of one's own: the columns the rules read, checked at the door
        frame = facilities_from_frame(facilities, plan.units)
    ctx = CheckContext(
        plan=plan, facilities=frame, facility_logs=logs, population=population, backend=backend
    )
    findings = [f for rule in rules for f in rule(ctx)]
    area_order = {a: i for i, a in enumerate(plan.areas)}
    findings.sort(
        key=lambda f: (
            SEVERITY_ORDER[f.severity],
            RULE_ORDER.get(f.rule, len(RULE_ORDER)),
            area_order.get(f.area, -1),
        )
    )
    units = plan.units
    inputs = {
        "units": {
            "sources": list(units.attrs.get("sources", [])),
            "level": units.attrs.get("level", plan.spec.level),
            "count": len(units),
            "set_aside": list(units.attrs.get("set_aside", [])),
            "duplicates": list(units.attrs.get("duplicates", [])),
            "outside_plan": units.attrs.get("outside_plan"),
        },
        "facilities": [log.to_dict() for log in logs],
        "facilities_placed": len(frame),
        "population": population.to_dict() if population is not None else None,
        "reference": plan.reference.attrs.get("source") if plan.reference is not None else None,
        "plan_file": str(plan.spec.source) if plan.spec.source else None,
        "links": [vars(link) for link in plan.links],
        "network": ctx.network,
    }
    cfg = plan.config
    settings = {k: getattr(cfg, k) for k in cfg.__dataclass_fields__}
    settings.update(measure=ctx.measure, reach_limit=ctx.reach_limit)
    return Report(
        plan=plan.name,
        level=plan.spec.level,
        areas=summarize(ctx),
        findings=tuple(findings),
        units=summarize_units(ctx),
        inputs=MappingProxyType(inputs),
        settings=MappingProxyType(settings),
    )
