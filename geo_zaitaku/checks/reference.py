"""Comparison with reference layers (secondary medical areas, health-center areas).

Home-care areas may split or merge secondary medical areas (the guideline allows
it), so these findings are informational: they tell the planner where the plan
departs from the layers the consultation bodies are organised by.
"""

from __future__ import annotations

from geo_zaitaku import labels
from geo_zaitaku.checks._base import CheckContext, Finding, finding, rule


@rule("reference")
def check_reference(ctx: CheckContext) -> list[Finding]:
    """Info findings: reference regions split across areas, areas merging regions,
    and units the reference layer does not cover."""
    ref = ctx.plan.reference
    if ref is None:
        return []
    assignment = ctx.plan.assignment
    out = []
    for layer in ref.columns:
        ja, en = labels.LAYERS.get(layer, (layer, layer))
        values = ref[layer]
        missing = [c for c in values.index if values[c] is None or values[c] != values[c]]
        if missing:
            names = "・".join(ctx.plan.unit_name(c) for c in missing)
            out.append(
                finding(
                    "warning",
                    "reference_missing",
                    units=tuple(missing),
                    layer=ja,
                    layer_en=en,
                    names=names,
                )
            )
        regions: dict[str, list[str]] = {}
        for code, region in values.items():
            if isinstance(region, str) and code in assignment:
                areas = regions.setdefault(region, [])
                if assignment[code] not in areas:
                    areas.append(assignment[code])
        for region, areas in regions.items():
            if len(areas) > 1:
                codes = tuple(c for c, r in values.items() if r == region)
                out.append(
                    finding(
                        "info",
                        "splits_reference",
                        units=codes,
                        layer=ja,
                        layer_en=en,
                        ref=region,
                        n=len(areas),
                        areas="・".join(areas),
                    )
                )
        for area, codes in ctx.plan.areas.items():
            refs: list[str] = []
            for c in codes:
                r = values.get(c)
                if isinstance(r, str) and r not in refs:
                    refs.append(r)
            if len(refs) > 1:
                out.append(
                    finding(
                        "info",
                        "merges_reference",
                        area=area,
                        units=codes,
                        layer=ja,
                        layer_en=en,
                        n=len(refs),
                        refs="・".join(refs),
                    )
                )
    return out
