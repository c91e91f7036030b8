"""Hub density: about one hub per 70,000-100,000 people (2012 guideline)."""

from __future__ import annotations

from geo_zaitaku.checks._base import CheckContext, Finding, finding, rule


@rule("hub_density")
def check_hub_density(ctx: CheckContext) -> list[Finding]:
    """Flag areas with more than ``people_per_hub`` people per hub (needs population).

    Areas with no hub at all are left to the hub rule.
    """
    if not ctx.has_population:
        return []
    limit = ctx.config.people_per_hub
    out = []
    for area, codes in ctx.plan.areas.items():
        per = ctx.people_per_hub[area]
        if per is None or per <= limit:
            continue
        out.append(
            finding(
                ctx.config.density_severity,
                "hub_density",
                area=area,
                units=codes,
                value=round(per),
                per=per,
                limit=limit,
                pop=ctx.area_population[area],
                n=len(ctx.hub_rows[area]),
            )
        )
    return out
