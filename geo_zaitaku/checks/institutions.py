"""Each area has a key institution (24-hour) and a coordination hub (guideline minimum)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from geo_zaitaku.checks._base import CheckContext, Finding, finding, rule


@rule("key_institution")
def check_key_institutions(ctx: CheckContext) -> list[Finding]:
    """Error for each area with fewer key institutions than ``min_key_institutions``.

    Without any facility data, one warning says that facilities were not checked.
    """
    if not ctx.has_facility_data:
        return [finding("warning", "no_facility_data")]
    return _minimum(ctx, ctx.key_rows, "no_key_institution", ctx.config.min_key_institutions)


@rule("hub")
def check_hubs(ctx: CheckContext) -> list[Finding]:
    """Error for each area with fewer coordination hubs than ``min_hubs``."""
    if not ctx.has_facility_data:
        return []
    return _minimum(ctx, ctx.hub_rows, "no_hub", ctx.config.min_hubs)


def _minimum(ctx: CheckContext, by_area: Mapping[str, np.ndarray], code: str, minimum: int) -> list[Finding]:
    out = []
    id_of = ctx.column("id")
    for area, rows in by_area.items():
        if not ctx.plan.areas[area]:
            continue
        ids = id_of[rows]
        if len(ids) < minimum:
            out.append(
                finding(
                    "error",
                    code,
                    area=area,
                    units=ctx.plan.areas[area],
                    facilities=tuple(ids),
                    n=len(ids),
                    min=minimum,
                )
            )
    return out
