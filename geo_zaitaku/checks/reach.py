"""Reach: distance (or travel time) from each unit to the nearest key institution of
its area.

The cost is measured from the unit's population centroid when the population table
gives one (人口重心), else from its geometric centroid, to the institution's point (or
its unit's centroid when it was placed by code only): along the great circle in km by
default, or by car (and ferry) in minutes on a road network (``--travel-time``).
Home visits are in principle for patients within 16 km (fee schedule); with travel
time the threshold is ``reach_min`` (30 minutes by default).

Units that no key institution of their area can be reached from by road or ferry at
all (an island without a ferry, a point far from any road) are a finding of their own
(``unreachable``); units with a route longer than the horizon measured are
``reach_beyond``.
"""

from __future__ import annotations

import math

import numpy as np

from geo_zaitaku.checks._base import CheckContext, Finding, finding, rule


@rule("reach")
def check_reach(ctx: CheckContext) -> list[Finding]:
    """Flag units beyond the reach threshold of the nearest key institution of their
    area, and units that cannot reach one at all."""
    limit = ctx.reach_limit
    table = ctx.reach
    cost = table["km"].to_numpy(dtype=float)
    known = ~np.isnan(cost)
    severity = ctx.config.reach_severity
    out = []
    far = table[known & np.isfinite(cost) & (cost > limit)]  # minutes are shown rounded up
    code = "reach_min" if ctx.measure == "min" else "reach"
    for row in far.sort_values("km", ascending=False).itertuples():
        out.append(
            finding(
                severity,
                code,
                area=row.area,
                units=(row.Index,),
                facilities=(row.facility,),
                value=round(float(row.km), 2),
                unit=ctx.plan.unit_name(row.Index),
                facility=row.facility_name,
                km=float(row.km) if code == "reach" else math.ceil(float(row.km)),
                limit=limit,
            )
        )
    beyond = table[known & np.isinf(cost)]
    horizon = float(getattr(ctx.backend, "horizon", np.inf))
    for unit, row in beyond.iterrows():
        if row["reachable"]:
            out.append(
                finding(
                    severity,
                    "reach_beyond",
                    area=row["area"],
                    units=(unit,),
                    unit=ctx.plan.unit_name(unit),
                    horizon=horizon,
                    limit=limit,
                )
            )
        else:
            out.append(
                finding(
                    severity, "unreachable", area=row["area"], units=(unit,), unit=ctx.plan.unit_name(unit)
                )
            )
    return out
