"""Write a check :class:`~geo_zaitaku.checks.Report` as files for the plan documents.

``report.json`` (everything, machine-readable; strict JSON, unknown values ``null``), ``report.md`` (readable, Japanese),
``areas.csv`` and ``findings.csv`` (UTF-8 with BOM for Excel, codes as text) and
``facilities_rejected.csv`` (every facility row that could not be placed or was read
with a correction). Every file is written under a temporary name and moved into place.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geo_zaitaku import labels
from geo_zaitaku._io import json_text, md_table, write_csv, write_text
from geo_zaitaku._io import md_cell as _md
from geo_zaitaku.checks import Report

REPORT_FILES = (
    "report.json",
    "report.md",
    "areas.csv",
    "units.csv",
    "findings.csv",
    "facilities_rejected.csv",
)
#: Population rows listed one by one in ``report.md``: values that could not be used
#: (other skipped rows, such as ward rows beside a city row, are only counted).
UNUSABLE_REASONS = ("bad_number", "bad_centroid")


def _measure(report: Report) -> str:
    """``"km"`` or ``"min"``: what the report's reach figures are in."""
    return str(report.settings.get("measure", "km"))


def areas_frame(report: Report) -> pd.DataFrame:
    """One row per area with Japanese column headers (the table of ``areas.csv``)."""
    c = labels.COLUMNS
    reach_col = c[labels.REACH_COLUMNS[_measure(report)][1]]
    rows = []
    for a in report.areas:
        missing = [labels.FUNCTIONS[f][0] for f, n in a.functions.items() if n == 0]
        errors = sum(1 for f in report.findings if f.area == a.name and f.severity == "error")
        warnings = sum(1 for f in report.findings if f.area == a.name and f.severity == "warning")
        row = {
            c["area"]: a.name,
            c["n_units"]: len(a.units),
            c["unit_names"]: "・".join(a.unit_names),
            c["units"]: " ".join(a.units),
            c["population"]: _int(a.population),
            c["pop_65over"]: _int(a.pop_65over),
            c["pop_75over"]: _int(a.pop_75over),
            c["area_km2"]: round(a.area_km2, 1),
            c["contiguous"]: labels.TEXT["yes"] if a.contiguous else labels.TEXT["no"],
            c["components"]: len(a.components),
            c["n_key_institutions"]: len(a.key_institutions),
            c["key_institutions"]: "・".join(a.key_institution_names),
            c["n_hubs"]: len(a.hubs),
            c["hubs"]: "・".join(a.hub_names),
            c["n_facilities"]: a.n_facilities,
            c["people_per_hub"]: _int(a.people_per_hub),
            reach_col: a.max_reach_km,
            c["functions_missing"]: "・".join(missing),
        }
        for layer, regions in a.reference.items():
            row[labels.LAYERS.get(layer, (layer,))[0]] = "・".join(regions)
        row[c["errors"]] = errors
        row[c["warnings"]] = warnings
        rows.append(row)
    frame = pd.DataFrame(rows)
    return _whole_numbers(frame, [c[k] for k in ("population", "pop_65over", "pop_75over", "people_per_hub")])


def units_frame(report: Report) -> pd.DataFrame:
    """One row per unit: area, population and distance (or travel time) to the nearest
    key institution."""
    c = labels.COLUMNS
    reach = labels.REACH_COLUMNS[_measure(report)][0]
    keys = (
        "code",
        "unit_name",
        "area",
        "population",
        "pop_65over",
        reach,
        "nearest_key_institution",
        "origin",
    )
    frame = pd.DataFrame(
        [
            {
                c["code"]: u.code,
                c["unit_name"]: u.name,
                c["area"]: u.area or "",
                c["population"]: _int(u.population),
                c["pop_65over"]: _int(u.pop_65over),
                c[reach]: u.reach_km,
                c["nearest_key_institution"]: u.nearest_key_institution_name or "",
                c["origin"]: labels.ORIGINS[u.origin],
            }
            for u in report.units
        ],
        columns=[c[k] for k in keys],
    )
    return _whole_numbers(frame, [c["population"], c["pop_65over"]])


def findings_frame(report: Report) -> pd.DataFrame:
    """One row per finding with Japanese column headers."""
    return pd.DataFrame(
        [
            {
                labels.COLUMNS["severity"]: labels.SEVERITY[f.severity],
                labels.COLUMNS["rule"]: labels.RULES[f.rule][0],
                labels.COLUMNS["area"]: f.area or "",
                labels.COLUMNS["message"]: f.message,
                "message_en": f.message_en,
                "severity": f.severity,
                "rule": f.rule,
                "code": f.code,
                "units": " ".join(f.units),
                "facilities": " ".join(f.facilities),
            }
            for f in report.findings
        ],
        columns=[
            labels.COLUMNS["severity"],
            labels.COLUMNS["rule"],
            labels.COLUMNS["area"],
            labels.COLUMNS["message"],
            "message_en",
            "severity",
            "rule",
            "code",
            "units",
            "facilities",
        ],
    )


def rejected_frame(report: Report) -> pd.DataFrame:
    """Every facility row rejected or corrected, with file, line and reason."""
    rows = []
    for log in report.inputs.get("facilities", []):
        for status, items in (("rejected", log["rejected"]), ("corrected", log["notes"])):
            for r in items:
                rows.append(
                    {
                        "file": log["source"],
                        "line": r["line"],
                        "status": status,
                        "reason": r["reason"],
                        "message": r["message"],
                        "name": r["name"],
                    }
                )
    return pd.DataFrame(rows, columns=["file", "line", "status", "reason", "message", "name"])


def to_markdown(report: Report) -> str:
    """The report as Japanese Markdown (``report.md``)."""
    t = labels.TEXT
    counts = report.counts()
    lines = [f"# {t['report_title']}: {_md(report.plan)}", ""]
    verdict = t["plan_ok"] if report.ok else t["plan_errors"].format(n=counts["error"])
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
    lines += ["", f"## {t['inputs_title']}", ""]
    units = report.inputs.get("units", {})
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
    for log in report.inputs.get("facilities", []):
        placed = "・".join(f"{labels.PLACED_BY[k]} {v}" for k, v in log["placed"].items() if v)
        lines.append(
            f"- 施設: {_md(log['source'])}（{log['encoding']}）{log['rows']}行 → 配置 {placed}・不採用 {len(log['rejected'])}"
        )
        for r in log["rejected"][:50]:
            lines.append(f"  - 行 {r['line']} {_md(r['name'])}: {r['message']}")
        if len(log["rejected"]) > 50:
            lines.append(f"  - … ほか {len(log['rejected']) - 50} 行（facilities_rejected.csv）")
    pop = report.inputs.get("population")
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
    if report.inputs.get("reference"):
        lines.append(f"- 参照レイヤ: {_md(report.inputs['reference'])}")
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


def _network(report: Report) -> dict[str, object] | None:
    network = report.inputs.get("network")
    return network if isinstance(network, dict) else None


def _network_lines(report: Report) -> list[str]:
    """The road network used, and the points too far from its roads (``report.md``)."""
    network = _network(report)
    if network is None:
        return []
    t = labels.ROADS_TEXT
    km = float(network.get("max_snap_km") or 1.0)
    lines = [
        "- "
        + _md(
            t["network"].format(
                name=network.get("name"),
                extract=network.get("extract"),
                date=network.get("date"),
                sha256=network.get("sha256"),
                km=km,
            )
        )
    ]
    far = network.get("far_from_road") or []
    for r in far[:50]:
        kind = t["far_unit"] if r["kind"] == "unit" else t["far_facility"]
        lines.append(f"  - {kind} {_md(r['id'])} {_md(r.get('name') or '')}: {r['km']:.2f} km")
    if len(far) > 50:
        lines.append(f"  - … ほか {len(far) - 50}（road_snapping.csv）")
    return lines


def _reach_setting(report: Report) -> str:
    s = report.settings
    t = labels.ROADS_TEXT
    if _measure(report) == "min":
        network = _network(report) or {}
        return t["reach_setting"].format(limit=s.get("reach_min"), horizon=network.get("horizon_min") or 0)
    return t["reach_setting_km"].format(limit=s.get("reach_km"))


def snapping_frame(report: Report) -> pd.DataFrame:
    """Units and facilities farther than the snapping distance from any road, with
    Japanese headers (``road_snapping.csv``; empty without a road network)."""
    c = labels.ROADS_COLUMNS
    t = labels.ROADS_TEXT
    network = _network(report) or {}
    rows = [
        {
            c["kind"]: t["far_unit"] if r["kind"] == "unit" else t["far_facility"],
            c["id"]: r["id"],
            c["name"]: r.get("name") or "",
            c["km"]: r["km"],
            c["lon"]: r["lon"],
            c["lat"]: r["lat"],
        }
        for r in network.get("far_from_road") or []
    ]
    return pd.DataFrame(rows, columns=list(c.values()))


def write_report(report: Report, out_dir: str | Path) -> list[Path]:
    """Write the report files into ``out_dir`` (created when missing).

    Returns
    -------
    list of pathlib.Path
        The files written (:data:`REPORT_FILES`, and ``road_snapping.csv`` when costs
        were measured on a road network).
    """
    out = Path(out_dir)
    written = [
        write_text(
            out / "report.json",
            json_text(report.to_dict(), indent=2) + "\n",
        ),
        write_text(out / "report.md", to_markdown(report)),
        write_csv(out / "areas.csv", areas_frame(report)),
        write_csv(out / "units.csv", units_frame(report)),
        write_csv(out / "findings.csv", findings_frame(report)),
        write_csv(out / "facilities_rejected.csv", rejected_frame(report)),
    ]
    if _network(report) is not None:
        written.append(write_csv(out / "road_snapping.csv", snapping_frame(report)))
    return written


def _whole_numbers(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Columns of whole numbers written as such (370000, not 370000.0), blank where unknown."""
    for column in columns:
        if column in frame.columns:
            frame[column] = frame[column].astype("Int64")
    return frame


def _int(value: float | None) -> int | None:
    return None if value is None else round(value)
