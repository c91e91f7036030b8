"""Reach: distance from each unit to the nearest key institution of its area.

The distance is measured from the unit's population centroid when the population
table gives one (人口重心), else from its geometric centroid, to the institution's
point (or its unit's centroid when it was placed by code only), along the great
circle. Home visits are in principle for patients within 16 km (fee schedule).
"""

from __future__ import annotations

import numpy as np

from geo_zaitaku.checks._base import CheckContext, Finding, finding, rule


@rule("reach")
def check_reach(ctx: CheckContext) -> list[Finding]:
    """Flag units farther than ``reach_km`` from the nearest key institution of their area."""
    limit = ctx.config.reach_km
    table = ctx.reach
    far = table[(table["km"] > limit) & ~np.isnan(table["km"])]
    out = []
    for row in far.sort_values("km", ascending=False).itertuples():
        out.append(
            finding(
                ctx.config.reach_severity,
                "reach",
                area=row.area,
                units=(row.Index,),
                facilities=(row.facility,),
                value=round(float(row.km), 2),
                unit=ctx.plan.unit_name(row.Index),
                facility=row.facility_name,
                km=float(row.km),
                limit=limit,
            )
        )
    return out
