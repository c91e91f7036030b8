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
    lines += md_table(frame)
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
    lines.append(
        f"- 境界: {', '.join(_md(s) for s in units.get('sources', []))}（{units.get('count')}単位・{units.get('level')}）"
    )
    for s in units.get("set_aside", []):
        lines.append(f"  - 除外: {_md(s['file'])} 地物 {s['feature']} {_md(s['name'])}: {s['reason']}")
    pairs: dict[tuple[str, str], list[str]] = {}
    for d in units.get("duplicates", []):
        pairs.setdefault(tuple(d["sources"]), []).append(f"{d['code']} {d['name']}")
    for (kept, dropped), found in pairs.items():
        shown = "・".join(found[:20]) + (f" … ほか {len(found) - 20}" if len(found) > 20 else "")
        lines.append(
            f"  - 重複（同じ形のため1つとして使用）: {_md(kept)} と {_md(dropped)} の {len(found)} 市区町村: {_md(shown)}"
        )
    for log in inputs.get("facilities", []):
        placed = "・".join(f"{labels.PLACED_BY[k]} {v}" for k, v in log["placed"].items() if v)
        lines.append(
            f"- 施設: {_md(log['source'])}（{log['encoding']}）{log['rows']}行 → 配置 {placed}・不採用 {len(log['rejected'])}"
        )
        for r in log["rejected"][:50]:
            lines.append(f"  - 行 {r['line']} {_md(r['name'])}: {r['message']}")
        if len(log["rejected"]) > 50:
            lines.append(f"  - … ほか {len(log['rejected']) - 50} 行（facilities_rejected.csv）")
    pop = inputs.get("population")
    if pop:
        centroids = f"・人口重心を除いて使用 {len(pop['notes'])}" if pop.get("notes") else ""
        lines.append(
            f"- 人口: {_md(pop['source'])} {pop['rows']}行（使用 {pop['used']}・不使用 {len(pop['skipped'])}{centroids}）"
        )
        unusable = [r for r in (*pop["skipped"], *pop.get("notes", ())) if r["reason"] in UNUSABLE_REASONS]
        for r in sorted(unusable, key=lambda r: r["line"])[:50]:
            lines.append(f"  - 行 {r['line']}: {_md(labels.Message.from_text(r['message']).ja)}")
        if len(unusable) > 50:
            lines.append(f"  - … ほか {len(unusable) - 50} 行（report.json）")
    if inputs.get("reference"):
        lines.append(f"- 参照レイヤ: {_md(inputs['reference'])}")
    lines += _network_lines(report)
    s = report.settings
    lines += [
        "",
        "## 点検の設定",
        "",
        f"- 積極的医療機関: 各圏域 {s.get('min_key_institutions')} か所以上",
        f"- 連携拠点: 各圏域 {s.get('min_hubs')} か所以上、拠点あたり人口 {s.get('people_per_hub'):,} 人以下",
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
        lines.append(f"  - … ほか {len(far) - 50}（road_snapping.csv）")
    return lines


def _reach_setting(report: Report) -> str:
    s = report.settings
    t = labels.ROADS_TEXT
    if measure(report) == "min":
        horizon = (network(report) or {}).get("horizon_min") or 0
        return t["reach_setting"].format(limit=s.get("reach_min"), horizon=horizon)
    return t["reach_setting_km"].format(limit=s.get("reach_km"))
