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
    population = ctx.plan.units["population"]
    out = []
    for area, codes in ctx.plan.areas.items():
        facilities = ctx.by_area[area]
        hubs = int(facilities["hub"].sum())
        pop = float(population.reindex(list(codes)).sum())
        if hubs == 0 or limit <= 0:
            continue
        per = pop / hubs
        if per > limit:
            out.append(
                finding(
                    ctx.config.density_severity,
                    "hub_density",
                    area=area,
                    units=codes,
                    value=round(per),
                    per=per,
                    limit=limit,
                    pop=pop,
                    n=hubs,
                )
            )
    return out
