"""Each area has a key institution (24-hour) and a coordination hub (guideline minimum)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from geo_zaitaku import labels, schema
from geo_zaitaku.checks._base import CheckContext, Finding, finding, rule
from geo_zaitaku.sources.facilities import CANONICAL_COLUMNS

#: Unused headers named in a role-unknown finding, at most.
SHOWN_UNUSED = 10


@rule("key_institution")
def check_key_institutions(ctx: CheckContext) -> list[Finding]:
    """Error for each area with fewer key institutions than ``min_key_institutions``;
    a warning for each area whose key institutions include a facility whose kind is not
    a medical institution (a pharmacy, a visiting nursing station …: still counted, as
    designated).

    Without any facility data, one warning says that facilities were not checked; with
    facility data that do not say which facilities are key institutions (no such
    column, or all blank), one warning says so and names the columns not used.
    """
    if not ctx.has_facility_data:
        return [finding("warning", "no_facility_data")]
    if not ctx.roles_known["key_institution"]:
        return [_role_unknown(ctx, "key_institution")]
    out = _minimum(ctx, ctx.key_rows, "no_key_institution", ctx.config.min_key_institutions)
    return out + _not_medical(ctx)


@rule("hub")
def check_hubs(ctx: CheckContext) -> list[Finding]:
    """Error for each area with fewer coordination hubs than ``min_hubs`` (one warning
    instead when the facility data do not say which facilities are hubs)."""
    if not ctx.has_facility_data:
        return []
    if not ctx.roles_known["hub"]:
        return [_role_unknown(ctx, "hub")]
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


def _not_medical(ctx: CheckContext) -> list[Finding]:
    """One warning per area naming its key institutions of a non-medical kind."""
    kinds, ids, names = ctx.column("kind"), ctx.column("id"), ctx.column("name")
    out = []
    for area, rows in ctx.key_rows.items():
        odd = [r for r in rows.tolist() if kinds[r] in schema.NON_MEDICAL_KINDS]
        if not odd:
            continue
        out.append(
            finding(
                "warning",
                "key_not_medical",
                area=area,
                facilities=tuple(ids[odd]),
                n=len(odd),
                names="・".join(f"{names[r]}（{labels.kind_label(kinds[r])}）" for r in odd),
                names_en=", ".join(f"{names[r]} ({labels.KINDS[kinds[r]][1]})" for r in odd),
            )
        )
    return out


def _role_unknown(ctx: CheckContext, role: str) -> Finding:
    """The warning that no facility file says which facilities hold ``role``, with the
    headers read for it and the files' columns that were not used."""
    unused = ctx.unused_columns
    hint = hint_en = ""
    if unused:
        hint = labels.ERROR_PARTS["unused_columns"].format(
            text=labels.unused_columns_text(unused, SHOWN_UNUSED)
        )
        hint_en = labels.ERROR_PARTS["unused_columns_en"].format(columns=", ".join(unused[:SHOWN_UNUSED]))
    return finding(
        "warning",
        f"{role}_unknown",
        columns="・".join(CANONICAL_COLUMNS[role]),
        columns_en=", ".join(CANONICAL_COLUMNS[role]),
        unused=hint,
        unused_en=hint_en,
    )
