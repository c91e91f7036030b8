"""The check report as Japanese Markdown (``report.md``): the verdict, the areas, the
findings, the declared links, the inputs and the settings. Files are named relative to
the working folder (or by name), never by the author's absolute paths."""

from __future__ import annotations

from geo_zaitaku import labels
from geo_zaitaku._io import md_cell as _md
from geo_zaitaku._io import md_table, public_paths
from geo_zaitaku.checks import Report
from geo_zaitaku.report.tables import areas_frame, findings_frame, links_frame, measure, network

#: Population rows listed one by one in ``report.md``: values that could not be used
#: (other skipped rows, such as ward rows beside a city row, are only counted).
UNUSABLE_REASONS = ("bad_number", "bad_centroid")


def to_markdown(report: Report) -> str:
    """The report as Japanese Markdown (``report.md``)."""
    t = labels.TEXT
    counts = report.counts()
    lines = [f"# {t['report_title']}: {_md(report.plan)}", ""]
    verdict = report.verdict()
    lines += [
        f"**{verdict}**（{t['summary'].format(errors=counts['error'], warnings=counts['warning'], infos=counts['info'])}）",
        "",
    ]
    lines += [f"## {t['areas_title']}", ""]
    frame = areas_frame(report).drop(columns=[labels.COLUMNS["units"]])
    lines += md_table(frame, thousands=True)
    lines += ["", f"## {t['findings_title']}", ""]
    if report.findings:
        f = findings_frame(report)[
            [
                labels.COLUMNS["severity"],
                labels.COLUMNS["rule"],
                labels.COLUMNS["area"],
                labels.COLUMNS["message"],
            ]
        ]
        lines += md_table(f)
    else:
        lines.append(t["none"])
    links = links_frame(report)
    if len(links):
        lines += ["", f"## {labels.MAP_TEXT['links_layer']}", ""]
        lines += md_table(links)
    lines += ["", f"## {t['inputs_title']}", ""]
    inputs = public_paths(dict(report.inputs))
    units = inputs.get("units", {})
    w = labels.REPORT_MD
    sources = ", ".join(_md(s) for s in units.get("sources", []))
    lines.append(w["units"].format(sources=sources, count=units.get("count"), level=units.get("level")))
    for s in units.get("set_aside", []):
        lines.append(
            w["set_aside"].format(
                file=_md(s["file"]), feature=s["feature"], name=_md(s["name"]), reason=s["reason"]
            )
        )
    pairs: dict[tuple[str, str], list[str]] = {}
    for d in units.get("duplicates", []):
        pairs.setdefault(tuple(d["sources"]), []).append(f"{d['code']} {d['name']}")
    for (kept, dropped), found in pairs.items():
        shown = "・".join(found[:20]) + (w["more"].format(n=len(found) - 20) if len(found) > 20 else "")
        lines.append(
            w["duplicates"].format(kept=_md(kept), dropped=_md(dropped), n=len(found), shown=_md(shown))
        )
    for log in inputs.get("facilities", []):
        placed = "・".join(f"{labels.PLACED_BY[k]} {v}" for k, v in log["placed"].items() if v)
        lines.append(
            w["facilities"].format(
                source=_md(log["source"]),
                encoding=log["encoding"],
                rows=log["rows"],
                placed=placed,
                rejected=len(log["rejected"]),
            )
            + (
                f"・{_md(unused)}"
                if (unused := labels.unused_columns_text(log.get("unused_columns", [])))
                else ""
            )
        )
        for r in log["rejected"][:50]:
            lines.append(w["row"].format(line=r["line"], name=_md(r["name"]), message=r["message"]))
        if len(log["rejected"]) > 50:
            lines.append(w["more_rows"].format(n=len(log["rejected"]) - 50, file="facilities_rejected.csv"))
    pop = inputs.get("population")
    if pop:
        centroids = w["centroids"].format(n=len(pop["notes"])) if pop.get("notes") else ""
        lines.append(
            w["population"].format(
                source=_md(pop["source"]),
                rows=pop["rows"],
                used=pop["used"],
                skipped=len(pop["skipped"]),
                centroids=centroids,
            )
        )
        unusable = [r for r in (*pop["skipped"], *pop.get("notes", ())) if r["reason"] in UNUSABLE_REASONS]
        for r in sorted(unusable, key=lambda r: r["line"])[:50]:
            message = _md(labels.Message.from_text(r["message"]).ja)
            lines.append(w["population_row"].format(line=r["line"], message=message))
        if len(unusable) > 50:
            lines.append(w["more_rows"].format(n=len(unusable) - 50, file="report.json"))
    if inputs.get("reference"):
        lines.append(w["reference"].format(reference=_md(inputs["reference"])))
    lines += _network_lines(report)
    s = report.settings
    lines += [
        "",
        f"## {w['settings']}",
        "",
        w["key"].format(n=s.get("min_key_institutions")),
        w["hubs"].format(n=s.get("min_hubs"), people=s.get("people_per_hub")),
        f"- {_reach_setting(report)}",
        "",
        labels.N03_CREDIT,
        "",
    ]
    return "\n".join(lines)


def _network_lines(report: Report) -> list[str]:
    """The road network used, and the points too far from its roads."""
    net = network(report)
    if net is None:
        return []
    t = labels.ROADS_TEXT
    km = float(net.get("max_snap_km") or 1.0)
    text = t["network"].format(
        name=net.get("name"),
        extract=net.get("extract"),
        date=net.get("date"),
        sha256=net.get("sha256"),
        km=km,
    )
    lines = ["- " + _md(text)]
    far = net.get("far_from_road") or []
    for r in far[:50]:
        kind = t["far_unit"] if r["kind"] == "unit" else t["far_facility"]
        lines.append(f"  - {kind} {_md(r['id'])} {_md(r.get('name') or '')}: {r['km']:.2f} km")
    if len(far) > 50:
        lines.append(labels.REPORT_MD["more_points"].format(n=len(far) - 50, file="road_snapping.csv"))
    return lines


def _reach_setting(report: Report) -> str:
    s = report.settings
    t = labels.ROADS_TEXT
    if measure(report) == "min":
        horizon = (network(report) or {}).get("horizon_min") or 0
        return t["reach_setting"].format(limit=s.get("reach_min"), horizon=horizon)
    return t["reach_setting_km"].format(limit=s.get("reach_km"))
