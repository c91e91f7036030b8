"""The tables of a check report, with Japanese headers: areas, units, findings,
facilities, rejected facility rows, inputs and declared links (what ``areas.csv`` …,
``report.md`` and the sheets of ``report.xlsx`` hold)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo_zaitaku import labels, schema
from geo_zaitaku._io import public_path
from geo_zaitaku.checks import AreaSummary, Report
from geo_zaitaku.codes import PREFECTURES


def measure(report: Report) -> str:
    """``"km"`` or ``"min"``: what the report's reach figures are in."""
    return str(report.settings.get("measure", "km"))


def network(report: Report) -> dict[str, object] | None:
    """The road network the costs were measured on (``report.inputs["network"]``), if any."""
    value = report.inputs.get("network")
    return value if isinstance(value, dict) else None


def areas_frame(report: Report) -> pd.DataFrame:
    """One row per area with Japanese column headers (the table of ``areas.csv``)."""
    c = labels.COLUMNS
    reach_col = c[labels.REACH_COLUMNS[measure(report)][1]]
    rows = []
    unknown = labels.TEXT["not_checked"]
    partial = any(a.population_unknown or a.ages_unknown for a in report.areas)  # a lower bound
    left_out = any(a.reach_beyond or a.unreachable for a in report.areas)  # the 最遠 figure too
    noted = any(a.note for a in report.areas)  # the plan's notes on its areas
    horizon = float((network(report) or {}).get("horizon_min") or 0)
    for a in report.areas:
        checked = a.facilities_checked
        names = dict(zip(a.units, a.unit_names, strict=True))
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
            **(
                {
                    c["population_unknown"]: "・".join(
                        [names[u] for u in a.population_unknown]
                        + [
                            labels.TEXT["ages_unknown_unit"].format(
                                name=names[u], groups="・".join(labels.POPULATION_GROUPS[g] for g in groups)
                            )
                            for u, groups in a.ages_unknown.items()
                        ]
                    )
                }
                if partial
                else {}
            ),
            c["area_km2"]: round(a.area_km2, 1),
            c["contiguous"]: labels.TEXT["yes"] if a.contiguous else labels.TEXT["no"],
            c["components"]: max(len(a.components) - 1, 0),
            c["n_key_institutions"]: unknown if a.n_key_institutions is None else a.n_key_institutions,
            c["key_institutions"]: "・".join(a.key_institution_names),
            c["n_hubs"]: unknown if a.n_hubs is None else a.n_hubs,
            c["hubs"]: "・".join(a.hub_names),
            c["n_facilities"]: a.n_facilities if checked else unknown,
            c["people_per_hub"]: _int(a.people_per_hub),
            reach_col: a.max_reach_km,
            **(
                {
                    c["reach_left_out"]: "・".join(
                        [
                            labels.TEXT["reach_beyond_unit"].format(name=names[u], horizon=horizon)
                            for u in a.reach_beyond
                        ]
                        + [labels.TEXT["unreachable_unit"].format(name=names[u]) for u in a.unreachable]
                    )
                }
                if left_out
                else {}
            ),
            c["functions_missing"]: functions_missing_text(a),
        }
        for layer, regions in a.reference.items():
            row[labels.LAYERS.get(layer, (layer,))[0]] = "・".join(regions)
        if noted:
            row[c["note"]] = a.note
        row[c["errors"]] = errors
        row[c["warnings"]] = warnings
        rows.append(row)
    frame = pd.DataFrame(rows)
    return _whole_numbers(frame, [c[k] for k in ("population", "pop_65over", "pop_75over", "people_per_hub")])


def functions_missing_text(area: AreaSummary) -> str:
    """The 不足する機能 cell: the functions no facility provides, then those not checked
    (「未確認」, never counted as missing): 「急変時の対応・看取り」, 「未確認」 (none of the four
    known), 「看取り（未確認: 退院支援）」."""
    missing = "・".join(labels.FUNCTIONS[f][0] for f in area.functions_missing)
    unchecked = area.functions_unchecked
    if not unchecked:
        return missing
    if len(unchecked) == len(area.functions):
        return labels.TEXT["not_checked"]
    note = labels.TEXT["not_checked_functions"].format(
        names="・".join(labels.FUNCTIONS[f][0] for f in unchecked)
    )
    return f"{missing}（{note}）" if missing else note


def units_frame(report: Report) -> pd.DataFrame:
    """One row per unit: area, population and distance (or travel time) to the nearest
    key institution."""
    c = labels.COLUMNS
    reach = labels.REACH_COLUMNS[measure(report)][0]
    keys = (
        "code",
        "unit_name",
        "area",
        "population",
        "pop_65over",
        "pop_75over",
        "pop_85over",
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
                c["pop_75over"]: _int(u.pop_75over),
                c["pop_85over"]: _int(u.pop_85over),
                c[reach]: u.reach_km,
                c["nearest_key_institution"]: u.nearest_key_institution_name or "",
                c["origin"]: labels.ORIGINS[u.origin],
            }
            for u in report.units
        ],
        columns=[c[k] for k in keys],
    )
    return _whole_numbers(frame, [c[k] for k in ("population", "pop_65over", "pop_75over", "pop_85over")])


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
    """Every facility row rejected or corrected: file, line, 不採用 or 補正, what was
    wrong and the name, under Japanese headers (as the other tables), then the same
    status and reason as codes (``status``: rejected/corrected, ``reason``:
    no_location …) for filtering (:func:`geo_zaitaku.sources.tabular.issue_table`)."""
    from geo_zaitaku.sources.tabular import issue_table

    rows = [
        (public_path(log["source"]), r["line"], status, r["reason"], r["message"], r["name"])
        for log in report.inputs.get("facilities", [])
        for status, items in (("rejected", log["rejected"]), ("corrected", log["notes"]))
        for r in items
    ]
    return issue_table(rows)


def _whole_numbers(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Columns of whole numbers written as such (370000, not 370000.0), blank where unknown."""
    for column in columns:
        if column in frame.columns:
            frame[column] = frame[column].astype("Int64")
    return frame


def _int(value: float | None) -> int | None:
    return None if value is None else round(value)


def facilities_frame(
    report: Report, facilities: pd.DataFrame | None, *, roles_only: bool = False
) -> pd.DataFrame:
    """Facilities with their municipality and area, sorted by area (plan order),
    municipality and name.

    Yes/no fields read ○ or ×, and 不明 where the data say nothing.

    Parameters
    ----------
    report
        The check report (units, areas).
    facilities
        The facilities placed (``CheckRun.facilities.frame``).
    roles_only
        Only the key institutions and hubs (the sheet of ``report.xlsx``: the
        facilities the plan counts on, as plan documents list them; every facility is in
        ``facilities.csv`` and the resource list).
    """
    t = labels.TABLE_COLUMNS
    flag_columns = {f: labels.FUNCTIONS[f][0] if f in labels.FUNCTIONS else t[f] for f in schema.FLAG_FIELDS}
    columns = [
        t["id"],
        t["name"],
        t["kind"],
        *flag_columns.values(),
        t["code"],
        t["unit_name"],
        t["area"],
        t["address"],
        t["phone"],
        t["url"],
        t["placed_by"],
        t["file"],
        t["line"],
    ]
    if facilities is not None and roles_only and len(facilities):
        role = np.zeros(len(facilities), dtype=bool)
        for column in schema.ROLE_FIELDS:
            role |= pd.array(facilities[column], dtype="boolean").fillna(False).to_numpy(dtype=bool)
        facilities = facilities.loc[role]
    if facilities is None or not len(facilities):
        if roles_only:
            columns = [c for c in columns if c not in (t["placed_by"], t["file"], t["line"])]
        return pd.DataFrame(columns=columns)
    units = {u.code: u for u in report.units}
    order = {a.name: i for i, a in enumerate(report.areas)}
    unit_codes = [str(c) for c in facilities["unit"].tolist()]
    names = [str(n) for n in facilities["name"].tolist()]
    rank = [order.get(units[c].area if c in units else None, len(order)) for c in unit_codes]
    sort = sorted(range(len(facilities)), key=lambda k: (rank[k], unit_codes[k], names[k]))
    facilities = facilities.iloc[sort]
    data: dict[str, list[object]] = {
        t["id"]: _texts(facilities["id"]),
        t["name"]: _texts(facilities["name"]),
        t["kind"]: [labels.kind_label(k if isinstance(k, str) else None) for k in facilities["kind"]],
    }
    for field, header in flag_columns.items():
        data[header] = [_flag(v) for v in facilities[field].tolist()]
    codes = _texts(facilities["unit"])
    data[t["code"]] = codes
    data[t["unit_name"]] = [units[c].name if c in units else "" for c in codes]
    data[t["area"]] = [(units[c].area or "") if c in units else "" for c in codes]
    for key in ("address", "phone", "url"):
        data[t[key]] = _texts(facilities[key])
    data[t["placed_by"]] = [
        labels.PLACED_BY.get(v, v) if isinstance(v, str) else "" for v in facilities["placed_by"]
    ]
    files = {v: public_path(v) for v in set(facilities["source"]) if isinstance(v, str) and v}
    data[t["file"]] = [files.get(v, "") if isinstance(v, str) else "" for v in facilities["source"]]
    data[t["line"]] = pd.array(
        [int(v) if isinstance(v, int | float) and v == v else None for v in facilities["line"]], dtype="Int64"
    )
    if roles_only:  # where each row came from is in facilities.csv and report.json
        columns = [c for c in columns if c not in (t["placed_by"], t["file"], t["line"])]
    return pd.DataFrame(data, columns=columns)


def inputs_frame(report: Report) -> pd.DataFrame:
    """One row per input file: what it is, how many rows or features it had, how many
    were used, set aside or corrected (the 入力データ sheet)."""
    t = labels.TABLE_COLUMNS
    k = labels.INPUT_KINDS
    rows: list[dict[str, object]] = []

    def add(
        kind: str,
        file: object,
        n: object = None,
        used: object = None,
        out: object = None,
        fixed: object = None,
        detail: str = "",
    ) -> None:
        rows.append(
            {
                t["input"]: k[kind],
                t["file"]: public_path(str(file)) if file else "",
                t["rows"]: n,
                t["used"]: used,
                t["not_used"]: out,
                t["corrected"]: fixed,
                t["detail"]: detail,
            }
        )

    inputs = report.inputs
    if inputs.get("plan_file"):
        add("plan", inputs["plan_file"], detail=report.plan)
    units = inputs.get("units") or {}
    outside = units.get("outside_plan")
    for i, source in enumerate(units.get("sources", [])):
        detail = ""
        if i == 0 and outside:
            detail = labels.message(
                "other_prefectures",
                n=outside["units"],
                n_prefs=len(outside["prefectures"]),
                kept="・".join(PREFECTURES.get(p, p) for p in outside["kept"]),
            ).ja
        add(
            "units",
            source,
            used=units.get("count") if i == 0 else None,
            out=len(units.get("set_aside", [])) if i == 0 else None,
            detail=detail,
        )
    for log in inputs.get("facilities", []):
        placed = sum(log["placed"].values())
        detail = "・".join(f"{labels.PLACED_BY[key]} {v}" for key, v in log["placed"].items() if v)
        unused = labels.unused_columns_text(log.get("unused_columns", []))
        detail += f"（{unused}）" if unused else ""
        add("facilities", log["source"], log["rows"], placed, len(log["rejected"]), len(log["notes"]), detail)
    pop = inputs.get("population")
    if pop:
        missing = len(pop.get("missing_units", []))
        detail = labels.TEXT["units_without_population"].format(n=missing) if missing else ""
        add(
            "population",
            pop["source"],
            pop["rows"],
            pop["used"],
            len(pop["skipped"]),
            len(pop.get("notes", [])),
            detail,
        )
    if inputs.get("reference"):
        add("reference", inputs["reference"])
    frame = pd.DataFrame(
        rows, columns=[t[c] for c in ("input", "file", "rows", "used", "not_used", "corrected", "detail")]
    )
    return _whole_numbers(frame, [t[c] for c in ("rows", "used", "not_used", "corrected")])


def links_frame(report: Report) -> pd.DataFrame:
    """The plan's declared links (bridges, ferries …): kind, the two units, note."""
    t = labels.TABLE_COLUMNS
    names = {u.code: u.name for u in report.units}
    rows = [
        {
            t["link_kind"]: labels.LINK_KINDS.get(link["kind"], link["kind"]),
            t["a"]: f"{names.get(link['a'], link['a'])}（{link['a']}）",
            t["b"]: f"{names.get(link['b'], link['b'])}（{link['b']}）",
            t["note"]: link.get("note") or "",
        }
        for link in report.inputs.get("links", [])
    ]
    return pd.DataFrame(rows, columns=[t[c] for c in ("link_kind", "a", "b", "note")])


def _texts(values: pd.Series) -> list[str]:
    return [v if isinstance(v, str) else "" for v in values.tolist()]


def _flag(value: object) -> str:
    """○ yes, × no, 不明 unknown (None, NA, NaN)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return labels.TEXT["unknown"]
    return labels.TEXT["yes"] if bool(value) else labels.TEXT["no"]


def snapping_frame(report: Report) -> pd.DataFrame:
    """Units and facilities farther than the snapping distance from any road, with
    Japanese headers (``road_snapping.csv``; empty without a road network)."""
    c = labels.ROADS_COLUMNS
    t = labels.ROADS_TEXT
    rows = [
        {
            c["kind"]: t["far_unit"] if r["kind"] == "unit" else t["far_facility"],
            c["id"]: r["id"],
            c["name"]: r.get("name") or "",
            c["km"]: r["km"],
            c["lon"]: r["lon"],
            c["lat"]: r["lat"],
        }
        for r in (network(report) or {}).get("far_from_road") or []
    ]
    return pd.DataFrame(rows, columns=list(c.values()))
