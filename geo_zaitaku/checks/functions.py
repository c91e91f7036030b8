"""The four care functions: discharge support, daily care, sudden deterioration,
end-of-life care. Each area needs some facility providing each function."""

from __future__ import annotations

from geo_zaitaku import labels, schema
from geo_zaitaku.checks._base import CheckContext, Finding, finding, rule


@rule("functions")
def check_functions(ctx: CheckContext) -> list[Finding]:
    """Flag each function no facility of an area provides.

    A function whose column is empty in every facility row is not judged (the data
    do not say), and one info finding says so.
    """
    out = []
    facilities = ctx.facilities
    for function in schema.FUNCTION_FIELDS:
        ja, en = labels.FUNCTIONS[function]
        if facilities[function].isna().all():
            if len(facilities):
                out.append(finding("info", "function_unknown", function=ja, function_en=en))
            continue
        provides = ctx.column(function) == 1
        for area, rows in ctx.rows.items():
            if not ctx.plan.areas[area]:
                continue
            if not provides[rows].any():
                out.append(
                    finding(
                        ctx.config.functions_severity,
                        "function_missing",
                        area=area,
                        units=ctx.plan.areas[area],
                        function=ja,
                        function_en=en,
                    )
                )
    return out
