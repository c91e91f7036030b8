"""Findings about the inputs: rows set aside or corrected, boundaries given twice,
units without population."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from geo_zaitaku import labels
from geo_zaitaku._errors import show_path
from geo_zaitaku.checks._base import CheckContext, Finding, finding, rule
from geo_zaitaku.codes import PREFECTURES
from geo_zaitaku.units import duplicates, set_aside


@rule("inputs")
def check_inputs(ctx: CheckContext) -> list[Finding]:
    """Warnings for facility rows that could not be placed and units lacking population;
    info for the units of other prefectures left out (once), boundary features set aside,
    boundaries found in two sources (same shapes, used once), population rows not used,
    rows read with corrections (facilities; population rows whose centroid was dropped)
    and facility rows merged with the row they repeat cell for cell."""
    out = []
    for log in ctx.facility_logs:
        name = Path(log.source).name
        if log.rejected:
            out.append(
                finding(
                    "warning",
                    "facilities_rejected",
                    n=len(log.rejected),
                    file=name,
                    value=len(log.rejected),
                )
            )
        if log.notes:
            out.append(finding("info", "facility_notes", n=len(log.notes), file=name, value=len(log.notes)))
        if log.merged:
            out.append(
                finding("info", "facility_merged", n=len(log.merged), file=name, value=len(log.merged))
            )
    outside = ctx.plan.units.attrs.get("outside_plan")
    if outside:
        kept = "・".join(PREFECTURES.get(p, p) for p in outside["kept"])
        out.append(
            finding(
                "info",
                "other_prefectures",
                n=outside["units"],
                n_prefs=len(outside["prefectures"]),
                kept=kept,
                value=outside["units"],
            )
        )
    aside = set_aside(ctx.plan.units)
    if aside:
        counts = Counter(labels.Message.from_text(a["reason"]).ja for a in aside)
        reasons = "、".join(f"{r}: {n}" for r, n in counts.items())
        out.append(finding("info", "set_aside", n=len(aside), reasons=reasons, value=len(aside)))
    out.extend(_duplicate_findings(ctx))
    far = ctx.far_from_road
    if len(far):
        shown = [
            str(n) if isinstance(n, str) and n else str(i)
            for n, i in zip(far["name"], far["id"], strict=True)
        ]
        names = "・".join(shown[:20]) + (" …" if len(shown) > 20 else "")
        out.append(
            finding(
                "warning",
                "far_from_road",
                units=tuple(far.loc[far["kind"] == "unit", "id"]),
                facilities=tuple(far.loc[far["kind"] == "facility", "id"]),
                n=len(far),
                km=float(getattr(ctx.backend, "max_snap_km", 1.0)),
                names=names,
                value=len(far),
            )
        )
    if ctx.population is not None:
        city_only, missing = _city_only(ctx)
        if city_only:
            out.append(
                finding(
                    "warning",
                    "population_city_only",
                    units=tuple(c for codes in city_only.values() for c in codes),
                    cities="・".join(city_only),
                    file=Path(ctx.population.source).name,
                )
            )
        if missing:
            names = "・".join(ctx.plan.unit_name(c) for c in missing[:20])
            if len(missing) > 20:
                names += " …"
            out.append(finding("warning", "population_missing", units=missing, n=len(missing), names=names))
        if ctx.population.skipped:
            out.append(
                finding(
                    "info",
                    "population_skipped",
                    n=len(ctx.population.skipped),
                    file=Path(ctx.population.source).name,
                )
            )
        if ctx.population.notes:
            out.append(
                finding(
                    "info",
                    "population_notes",
                    n=len(ctx.population.notes),
                    file=Path(ctx.population.source).name,
                    value=len(ctx.population.notes),
                )
            )
    ref = ctx.plan.reference
    if ref is not None and ref.attrs.get("unmatched"):
        unmatched = ref.attrs["unmatched"]
        lines = ", ".join(str(u["line"]) for u in unmatched[:10]) + (" …" if len(unmatched) > 10 else "")
        out.append(finding("warning", "reference_unmatched", n=len(unmatched), lines=lines))
    if ref is not None and ref.attrs.get("note_columns"):
        out.append(finding("info", "reference_note_columns", columns="・".join(ref.attrs["note_columns"])))
    return out


def _city_only(ctx: CheckContext) -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    """Wards without population because the table has only their city's row (a
    ward-level plan read with city-level population): city name -> ward codes, and the
    other units without population."""
    assert ctx.population is not None
    units = ctx.plan.units
    # the message of a skipped row starts with its code ("43100: 政令市全体の行 …")
    city_rows = {
        str(r.message).split(":")[0]
        for r in ctx.population.skipped
        if r.reason in ("city_total", "city_without_wards")
    }
    by_city: dict[str, list[str]] = {}
    rest = []
    for code in ctx.population.missing:
        city = units.at[code, "municipality_code"] if code in units.index else None
        if isinstance(city, str) and city != code and city in city_rows:
            by_city.setdefault(str(units.at[code, "municipality"]), []).append(code)
        else:
            rest.append(code)
    return {k: tuple(v) for k, v in by_city.items()}, tuple(rest)


def _duplicate_findings(ctx: CheckContext) -> list[Finding]:
    """One info finding per pair of sources that carry the same boundaries."""
    by_pair: dict[tuple[str, str], list[str]] = {}
    for record in duplicates(ctx.plan.units):
        kept, dropped = (str(s) for s in record["sources"])
        by_pair.setdefault((kept, dropped), []).append(str(record["code"]))
    out = []
    index = ctx.plan.units.index
    for (kept, dropped), found in by_pair.items():
        a, b = _short_names(kept, dropped)
        out.append(
            finding(
                "info",
                "boundary_duplicates",
                units=sorted(c for c in set(found) if c in index),
                n=len(found),
                a=a,
                b=b,
                value=len(found),
            )
        )
    return out


def _short_names(a: str, b: str) -> tuple[str, str]:
    """File names for a message: the base names, or the whole paths when those are alike."""
    short = tuple(_base(x) for x in (a, b))
    return (show_path(a), show_path(b)) if short[0] == short[1] else short


def _base(source: str) -> str:
    """``N03.geojson`` of ``/x/N03.geojson``; ``N03.zip!a/b.geojson`` of a zip member."""
    if "!" in source:
        archive, member = source.split("!", 1)
        return show_path(f"{Path(archive).name}!{member}")
    return show_path(Path(source).name)
