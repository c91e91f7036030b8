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
    # a city in several areas because its wards were written in them (a municipality plan)
    by_ward = {u for p in plan.problems if p.kind == "ward_to_city" for u in p.units}
    for p in plan.problems:
        if p.kind == "duplicate":
            split = p.units[0] in by_ward
            out.append(
                finding(
                    "error",
                    "duplicate",
                    area=p.area,
                    units=p.units,
                    unit=_unit(plan, p.units[0]),
                    areas="・".join(p.candidates),
                    hint=labels.ERROR_PARTS["wards_split"] if split else "",
                    hint_en=' (a ward plan: [plan] units = "ward")' if split else "",
                )
            )
        elif p.kind == "unknown":
            parts = labels.ERROR_PARTS
            hint = parts["candidates"].format(names="・".join(p.candidates)) if p.candidates else ""
            hint_en = parts["candidates_en"].format(names=", ".join(p.candidates)) if p.candidates else ""
            about = _code_hint(plan, p.entry)
            if about is not None:  # a code: say what it is rather than list names of like digits
                hint, hint_en = about
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
        elif p.kind in ("ward_to_city", "ward_to_city_link"):  # an area's entry, or a link's end
            where = {"area": p.area} if p.kind == "ward_to_city" else {"kind": p.detail}
            out.append(
                finding("info", p.kind, units=p.units, entry=p.entry, unit=_unit(plan, p.units[0]), **where)
            )
        elif p.kind == "unknown_link":
            parts = labels.ERROR_PARTS
            if len(p.units) > 1:  # 「熊本市」 in a ward plan is five wards; a link joins two units
                hint = parts["link_several"].format(names="・".join(plan.unit_name(u) for u in p.units))
            elif p.candidates:
                hint = parts["candidates"].format(names="・".join(p.candidates))
            else:
                about = _code_hint(plan, p.entry)
                hint = about[0] if about is not None else ""
            out.append(finding("error", "unknown_link", entry=p.entry, kind=p.detail, hint=hint))
        elif p.kind == "empty_area":
            out.append(finding("error", "empty_area", area=p.area))
    return out


def _code_hint(plan: Plan, entry: str) -> tuple[str, str] | None:
    """What an entry written as a code that matches no unit is, when it is a code: a
    code of a prefecture the boundaries do not hold (46208 in a Kumamoto plan), a six
    digit code whose check digit is wrong, or a code of the prefecture that no unit has
    (a municipality merged away, or a typo). ``None`` for a name."""
    import unicodedata

    from geo_zaitaku.codes import PREFECTURES, check_digit, normalize_code

    text = unicodedata.normalize("NFKC", entry).strip()
    if not text.isdigit() or len(text) not in (5, 6):
        return None
    parts = labels.ERROR_PARTS
    if len(text) == 6 and normalize_code(text) is None:
        return parts["code_check_digit"].format(
            right=text[:5] + check_digit(text[:5])
        ), " (wrong check digit)"
    pref = text[:2]
    held = sorted({str(c)[:2] for c in plan.units.index})
    if pref not in held:
        named = {}
        if "pref" in plan.units.columns:  # the boundaries' own names (a test prefecture has no code)
            named = {str(c)[:2]: str(n) for c, n in zip(plan.units.index, plan.units["pref"], strict=True)}
        names = "・".join(PREFECTURES.get(h) or named.get(h, h) for h in held)
        return parts["code_other_pref"].format(
            pref=PREFECTURES.get(pref, pref), held=names
        ), " (another prefecture)"
    return parts["code_not_held"], " (no unit has this code: merged away, or a typo)"


def _unit(plan: Plan, code: str) -> str:
    return f"{plan.unit_name(code)}（{code}）"
