"""Completeness: every unit in exactly one area, every entry matching a unit."""

from __future__ import annotations

from geo_zaitaku import labels
from geo_zaitaku.checks._base import CheckContext, Finding, finding, rule
from geo_zaitaku.plan import Plan


@rule("completeness")
def check_completeness(ctx: CheckContext) -> list[Finding]:
    """Report unassigned units, units in two areas, and entries that match no unit.

    Severity: error, except a ward written for a municipality-level plan (info).
    """
    plan = ctx.plan
    out: list[Finding] = []
    assigned = plan.assignment
    for code in plan.units.index.tolist():
        if code not in assigned:
            out.append(finding("error", "unassigned", units=(code,), unit=_unit(plan, code)))
    for p in plan.problems:
        if p.kind == "duplicate":
            out.append(
                finding(
                    "error",
                    "duplicate",
                    area=p.area,
                    units=p.units,
                    unit=_unit(plan, p.units[0]),
                    areas="・".join(p.candidates),
                )
            )
        elif p.kind == "unknown":
            parts = labels.ERROR_PARTS
            hint = parts["candidates"].format(names="・".join(p.candidates)) if p.candidates else ""
            hint_en = parts["candidates_en"].format(names=", ".join(p.candidates)) if p.candidates else ""
            out.append(
                finding("error", "unknown_entry", area=p.area, entry=p.entry, hint=hint, hint_en=hint_en)
            )
        elif p.kind == "ambiguous":
            out.append(
                finding(
                    "error",
                    "ambiguous_entry",
                    area=p.area,
                    entry=p.entry,
                    candidates="・".join(p.candidates),
                )
            )
        elif p.kind == "ward_to_city":
            out.append(
                finding(
                    "info",
                    "ward_to_city",
                    area=p.area,
                    units=p.units,
                    entry=p.entry,
                    unit=_unit(plan, p.units[0]),
                )
            )
        elif p.kind == "unknown_link":
            out.append(finding("error", "unknown_link", entry=p.entry, kind=p.detail))
        elif p.kind == "empty_area":
            out.append(finding("error", "empty_area", area=p.area))
    return out


def _unit(plan: Plan, code: str) -> str:
    return f"{plan.unit_name(code)}（{code}）"
