"""One comparison of two check runs: a scenario's before and after, or two plans over
the same inputs (``geo-zaitaku diff``).

Findings are matched by rule, message id, area and units (not by wording, which
carries numbers); a finding about a whole area (no hub, hub density …) is matched by
its area alone, so that moving a municipality out of an area that lacks a hub does not
make the same lack "resolved" and "new" at once. A finding only before is *resolved*,
only after is *new*. Areas are
compared by name; an area whose units all reappear under another name is *renamed*.
The share of population beyond reach counts the people of units farther than the
threshold from the nearest key institution of their own area, and of units in areas
with no key institution at all.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from geo_zaitaku import labels
from geo_zaitaku._io import json_text, write_text
from geo_zaitaku._io import md_cell as _md
from geo_zaitaku.checks import AreaSummary, Finding, Report, run_checks
from geo_zaitaku.pipeline import CheckRun

#: Files written by :func:`write_comparison`.
COMPARISON_FILES = ("comparison.json", "comparison.md")


@dataclass(frozen=True)
class AreaFigures:
    """The figures of one area compared."""

    units: int
    population: float | None
    #: ``None`` when the facility data do not say (the check's 未確認).
    key_institutions: int | None
    hubs: int | None
    people_per_hub: float | None
    beyond_reach: float | None
    errors: int

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return dict(vars(self))


@dataclass(frozen=True)
class AreaChange:
    """One area before and after (``None`` where it does not exist)."""

    area: str
    before: AreaFigures | None
    after: AreaFigures | None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "area": self.area,
            "before": None if self.before is None else self.before.to_dict(),
            "after": None if self.after is None else self.after.to_dict(),
            "population_change": _delta(self.before, self.after, "population"),
        }


@dataclass(frozen=True)
class UnitChange:
    """One municipality whose area or reach changed."""

    code: str
    name: str
    area_before: str | None
    area_after: str | None
    reach_before: float | None
    reach_after: float | None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return dict(vars(self))


@dataclass(frozen=True)
class Comparison:
    """What differs between two check runs.

    Attributes
    ----------
    before, after
        The plans' names (or the scenario's name for ``after``).
    measure
        Unit of the reach figures (``"km"`` or ``"min"``).
    resolved, new
        Findings only before, only after.
    areas
        Every area of either run, before and after, in the after plan's order.
    moved
        Municipalities in another area after.
    reach
        Municipalities whose distance to the nearest key institution of their area changed.
    added_areas, removed_areas
        Area names only after, only before (renamed areas excluded).
    renamed_areas
        (before, after) names of areas with the same units.
    errors
        Error findings (before, after).
    changes
        What the scenario changed (see :class:`~geo_zaitaku.scenarios.changes.AppliedChanges`), if any.
    """

    before: str
    after: str
    measure: str
    resolved: tuple[Finding, ...]
    new: tuple[Finding, ...]
    areas: tuple[AreaChange, ...]
    moved: tuple[UnitChange, ...]
    reach: tuple[UnitChange, ...]
    added_areas: tuple[str, ...] = ()
    removed_areas: tuple[str, ...] = ()
    renamed_areas: tuple[tuple[str, str], ...] = ()
    errors: tuple[int, int] = (0, 0)
    changes: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (the content of ``comparison.json``)."""
        return {
            "before": self.before,
            "after": self.after,
            "measure": self.measure,
            "errors": {"before": self.errors[0], "after": self.errors[1]},
            "findings_resolved": [f.to_dict() for f in self.resolved],
            "findings_new": [f.to_dict() for f in self.new],
            "areas": [a.to_dict() for a in self.areas],
            "areas_added": list(self.added_areas),
            "areas_removed": list(self.removed_areas),
            "areas_renamed": [{"before": a, "after": b} for a, b in self.renamed_areas],
            "units_moved": [m.to_dict() for m in self.moved],
            "reach_changed": [r.to_dict() for r in self.reach],
            "changes": dict(self.changes),
        }


def compare_runs(
    before: CheckRun,
    after: CheckRun,
    *,
    changes: Mapping[str, object] | None = None,
    after_name: str | None = None,
) -> Comparison:
    """Compare two check runs over the same units.

    Parameters
    ----------
    before, after
        The runs (a scenario's before and after, or two plans).
    changes
        What a scenario changed, to be carried into the comparison.
    after_name
        Name of the after state (a scenario's name; default the after plan's name).
    """
    rb, ra = before.report, after.report
    renamed = _renamed(before, after)
    renamed_from = {a for a, _ in renamed}
    renamed_to = {b for _, b in renamed}
    # a renamed area is the same area: its findings match under the new name
    resolved, new = _unmatched(
        [(_key(f, before.plan.areas, dict(renamed)), f) for f in rb.findings],
        [(_key(f, after.plan.areas), f) for f in ra.findings],
    )
    fig_b = _figures(before)
    fig_a = _figures(after)
    old_name = {b: a for a, b in renamed}
    order = list(after.plan.areas) + [
        a for a in before.plan.areas if a not in after.plan.areas and a not in renamed_from
    ]
    areas = tuple(AreaChange(a, fig_b.get(old_name.get(a, a)), fig_a.get(a)) for a in order)
    units_b = {u.code: u for u in rb.units}
    units_a = {u.code: u for u in ra.units}
    moved, reach = [], []
    for code, ua in units_a.items():
        ub = units_b.get(code)
        if ub is None:
            continue
        change = UnitChange(code, ua.name, ub.area, ua.area, ub.reach_km, ua.reach_km)
        if ub.area != ua.area and (ub.area, ua.area) not in renamed:
            moved.append(change)
        if ub.reach_km != ua.reach_km:
            reach.append(change)
    return Comparison(
        before=rb.plan,
        after=after_name or ra.plan,
        measure=str(ra.settings.get("measure", "km")),
        resolved=resolved,
        new=new,
        areas=areas,
        moved=tuple(moved),
        reach=tuple(reach),
        added_areas=tuple(a for a in after.plan.areas if a not in before.plan.areas and a not in renamed_to),
        removed_areas=tuple(
            a for a in before.plan.areas if a not in after.plan.areas and a not in renamed_from
        ),
        renamed_areas=renamed,
        errors=(len(rb.errors), len(ra.errors)),
        changes=MappingProxyType(dict(changes or {})),
    )


def compare_plans(
    before: CheckRun, plan: str | Path, *, settings: Mapping[str, object] | None = None
) -> tuple[CheckRun, Comparison]:
    """Check a second plan over the inputs of ``before`` (same units, facilities,
    population and reference layers) and compare the two.

    Parameters
    ----------
    before
        The first plan, checked.
    plan
        The second plan's TOML file.
    settings
        Threshold overrides for the second plan (as :func:`geo_zaitaku.check_plan`).

    Returns
    -------
    (CheckRun, Comparison)
        The second plan's run, and the comparison.
    """
    from geo_zaitaku.graph import adjacency
    from geo_zaitaku.plan import Plan, read_plan

    spec = read_plan(plan)
    units = before.plan.units
    config = spec.config()
    if settings:
        config = config.updated(settings)
    resolved = Plan.from_spec(
        spec, units, edges=adjacency(units), reference=before.plan.reference, config=config
    )
    report = run_checks(resolved, before.facilities, population=before.population, backend=before.backend)
    after = CheckRun(
        plan=resolved,
        facilities=before.facilities,
        population=before.population,
        report=report,
        backend=before.backend,
    )
    return after, compare_runs(before, after)


def _key(
    f: Finding, areas: Mapping[str, Sequence[str]], renamed: Mapping[str, str] | None = None
) -> tuple[object, ...]:
    """What identifies a finding across two runs: its units, or only its area when they
    are all of the area's units (in that run's plan); an area renamed between the runs
    (``renamed``: before → after name) is keyed by its new name. A finding about no
    unit (an entry that matches no municipality, a reference layer's regions) is told
    from the others of its kind by its message."""
    whole = f.area is not None and set(f.units) == set(areas.get(f.area, ())) and bool(f.units)
    area = (renamed or {}).get(f.area, f.area) if f.area is not None else None
    which: object = None if whole else (f.units or f.message)
    return (f.rule, f.code, area, which, f.severity)


def _unmatched(
    before: list[tuple[tuple[object, ...], Finding]], after: list[tuple[tuple[object, ...], Finding]]
) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    """The findings of ``before`` with no partner of the same key in ``after`` (resolved)
    and those of ``after`` with none in ``before`` (new), pairing equal keys one to one,
    so that two findings of one key are never one."""
    return _left_over(before, after), _left_over(after, before)


def _left_over(
    these: list[tuple[tuple[object, ...], Finding]], others: list[tuple[tuple[object, ...], Finding]]
) -> tuple[Finding, ...]:
    """The findings of ``these`` left when each of ``others`` takes one of its key."""
    from collections import Counter

    partners = Counter(key for key, _ in others)
    out = []
    for key, f in these:
        if partners[key]:
            partners[key] -= 1
        else:
            out.append(f)
    return tuple(out)


def _figures(run: CheckRun) -> dict[str, AreaFigures]:
    report: Report = run.report
    limit = run.plan.config.reach_limit(str(report.settings.get("measure", "km")))
    pop = {u.code: u.population for u in report.units}
    reach = {u.code: u.reach_km for u in report.units}
    errors: dict[str, int] = {}
    for f in report.errors:
        if f.area:
            errors[f.area] = errors.get(f.area, 0) + 1
    out = {}
    for a in report.areas:
        out[a.name] = AreaFigures(
            units=len(a.units),
            population=a.population,
            key_institutions=a.n_key_institutions,
            hubs=a.n_hubs,
            people_per_hub=a.people_per_hub,
            beyond_reach=_beyond(a, pop, reach, limit),
            errors=errors.get(a.name, 0),
        )
    return out


def _beyond(
    area: AreaSummary, pop: Mapping[str, float | None], reach: Mapping[str, float | None], limit: float
) -> float | None:
    """Share of the area's population beyond ``limit`` (or with no key institution)."""
    known = [(pop[c], reach[c]) for c in area.units if pop.get(c) is not None]
    total = sum(p for p, _ in known)
    if not known or total <= 0:
        return None
    far = sum(p for p, km in known if km is None or km > limit)
    return round(far / total, 6)


def _renamed(before: CheckRun, after: CheckRun) -> tuple[tuple[str, str], ...]:
    by_units = {frozenset(c): a for a, c in before.plan.areas.items() if a not in after.plan.areas}
    out = []
    for name, codes in after.plan.areas.items():
        if name in before.plan.areas:
            continue
        old = by_units.get(frozenset(codes))
        if old is not None:
            out.append((old, name))
    return tuple(out)


def _delta(before: AreaFigures | None, after: AreaFigures | None, attr: str) -> float | None:
    a = getattr(before, attr, None) if before is not None else 0.0
    b = getattr(after, attr, None) if after is not None else 0.0
    if a is None or b is None:
        return None
    return b - a


# --------------------------------------------------------------------------- writing


def comparison_markdown(cmp: Comparison) -> str:
    """The comparison as Japanese Markdown (``comparison.md``)."""
    t = labels.COMPARE
    unit = labels.MEASURES.get(cmp.measure, cmp.measure)
    lines = [f"# {t['title']}: {_md(cmp.before)} → {_md(cmp.after)}", ""]
    lines.append(t["errors"].format(a=cmp.errors[0], b=cmp.errors[1]))
    lines.append("")
    changes = cmp.changes
    if changes:
        lines += [f"## {t['changes']}", ""]
        for c in changes.get("closed", []):
            lines.append(f"- {t['closed']}: {_md(c['name'])}（{_md(c['id'])}、{_md(c['area'])}）")
        for d in changes.get("designated", []):
            field_ja = labels.FLAG_NAMES.get(str(d["field"]), str(d["field"]))
            lines.append(
                f"- {t['designated']}: {_md(d['name'])}（{_md(d['id'])}）{field_ja} {_flag(d['before'])} → {_flag(d['after'])}"
            )
        for a in changes.get("added", []):
            lines.append(f"- {t['added']}: {_md(a['name'])}（{_md(a['id'])}、{_md(a['area'])}）")
        for m in changes.get("moved", []):
            lines.append(f"- {t['moved']}: {_md(m['name'])} {_md(m['from'])} → {_md(m['to'])}")
        for k, v in dict(changes.get("checks", {})).items():
            lines.append(f"- {t['checks']}: {k} = {v}")
        lines.append("")
    lines += [f"## {t['areas']}", ""]
    head = [t[k] for k in ("area", "units", "population", "key", "hubs", "per_hub", "beyond", "area_errors")]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))
    for a in cmp.areas:
        cells = [_md(a.area)]
        for attr, fmt in (
            ("units", "{:,.0f}"),
            ("population", "{:,.0f}"),
            ("key_institutions", "{:,.0f}"),
            ("hubs", "{:,.0f}"),
            ("people_per_hub", "{:,.0f}"),
            ("beyond_reach", "{:.1%}"),
            ("errors", "{:,.0f}"),
        ):
            cells.append(figure_pair(a.before, a.after, attr, fmt))
        lines.append("| " + " | ".join(cells) + " |")
    for title, names in ((t["areas_added"], cmp.added_areas), (t["areas_removed"], cmp.removed_areas)):
        if names:
            lines += ["", f"- {title}: {'・'.join(_md(n) for n in names)}"]
    for a, b in cmp.renamed_areas:
        lines += ["", f"- {t['areas_renamed']}: {_md(a)} → {_md(b)}"]
    lines += ["", f"## {t['units_moved']}", ""]
    lines += [
        f"- {_md(m.name)}（{m.code}）: {_md(m.area_before)} → {_md(m.area_after)}" for m in cmp.moved
    ] or [labels.TEXT["none"]]
    lines += ["", f"## {t['reach_changed'].format(unit=unit)}", ""]
    lines += [
        f"- {_md(r.name)}（{r.code}）: {_num(r.reach_before)} → {_num(r.reach_after)} {unit}"
        for r in cmp.reach
    ] or [labels.TEXT["none"]]
    for title, items in ((t["resolved"], cmp.resolved), (t["new"], cmp.new)):
        lines += ["", f"## {title}", ""]
        lines += [
            f"- {labels.SEVERITY[f.severity]} {labels.RULES[f.rule][0]} "
            + (labels.TEXT["area_tag"].format(area=_md(f.area)) if f.area else "")
            + _md(f.message)
            for f in items
        ] or [labels.TEXT["none"]]
    lines += ["", labels.N03_CREDIT, ""]
    return "\n".join(lines)


def write_comparison(cmp: Comparison, out_dir: str | Path) -> list[Path]:
    """Write ``comparison.json`` and ``comparison.md`` into ``out_dir``."""
    out = Path(out_dir)
    return [
        write_text(out / "comparison.json", json_text(cmp.to_dict(), indent=2) + "\n"),
        write_text(out / "comparison.md", comparison_markdown(cmp)),
    ]


def figure_pair(before: AreaFigures | None, after: AreaFigures | None, attr: str, fmt: str) -> str:
    """One figure of an area before and after: ``a`` when equal, else ``a → b`` (``—``
    where the area does not exist, 「拠点なし」 for people per hub in an area known to
    have no hub, ``?`` where the figure is unknown)."""

    def one(fig: AreaFigures | None) -> str:
        if fig is None:
            return "—"
        v = getattr(fig, attr)
        if v is None and attr == "people_per_hub" and fig.hubs == 0:
            return labels.COMPARE["no_hub"]
        return "?" if v is None else fmt.format(v)

    a, b = one(before), one(after)
    return a if a == b else f"{a} → {b}"


def _num(value: float | None) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.1f}"


def _flag(value: object) -> str:
    if value is None:
        return labels.TEXT["unknown"]
    return labels.TEXT["yes"] if value else labels.TEXT["no"]


__all__: Sequence[str] = (
    "COMPARISON_FILES",
    "Comparison",
    "compare_plans",
    "compare_runs",
    "figure_pair",
    "write_comparison",
)
