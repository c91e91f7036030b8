"""The planner's area map: home-care areas, where the plan departs from the reference
layers, which areas fail the checks and why, the declared links, and the key
institutions and hubs.

The map is described as data (layers, labels, legend, facilities; see
:mod:`geo_zaitaku.maps.base`) and drawn by the page's script.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
import shapely

from geo_zaitaku import labels
from geo_zaitaku.checks import AreaSummary, Report, UnitSummary
from geo_zaitaku.maps import _geo, base
from geo_zaitaku.maps._facilities import facility_table, no_facility_file, packed_table
from geo_zaitaku.maps._style import ERROR_COLOR, REFERENCE_STYLES, SEQUENTIAL, color_areas
from geo_zaitaku.maps.base import (
    MapDocument,
    base_config,
    data_dates,
    heading,
    legend_item,
    new_map,
    note,
    unit_labels,
)
from geo_zaitaku.maps.choropleth import decimals, measure, nice_breaks, without_hub
from geo_zaitaku.pipeline import CheckRun
from geo_zaitaku.plan import Plan

#: Kinds shown at first on the planner's map besides the key institutions and hubs (the
#: home-care support clinics and hospitals, from which key institutions are chosen); the
#: other kinds start hidden (shown from the layer control) so that the areas stay readable.
SHOWN_KINDS = ("support_clinic", "support_hospital")
#: A tooltip: title, lines, error lines (all plain text; the script inserts them as text).
Tip = dict[str, object]
#: Style of the declared links (bridges, ferries …).
LINK_STYLE = {"color": "#000000", "weight": 3, "dashArray": "6 6", "opacity": 0.9}
#: Colour of what a comparison, robustness run or design points out (magenta: apart
#: from the area palette and from the error red).
MARK_COLOR = "#CC0077"


@dataclass(frozen=True)
class Marks:
    """What to point out on the area map beside the plan itself.

    Attributes
    ----------
    name
        Layer and legend name (「移動した市区町村」, 「単一障害点」 …).
    units
        Unit code -> note (outlined; the note is added to the unit's tooltip).
    facilities
        Facility id -> note (drawn as rings, with the note in their tooltip).
    area_values
        Area -> value; when given, areas are shaded by it instead of by the area
        palette (e.g. failure probabilities).
    value_name
        Legend heading of the shading.
    breaks
        Class breaks of the shading (values from ``breaks[k]`` up to ``breaks[k + 1]``).
    percent
        Show the values as percentages.
    """

    name: str
    units: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    facilities: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    area_values: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    value_name: str = ""
    breaks: tuple[float, ...] = (0.0, 0.01, 0.05, 0.1, 0.25, 1.0)
    percent: bool = True


def area_map(
    run: CheckRun,
    *,
    basemap: bool = True,
    reach: bool = True,
    choropleth: str | None = None,
    title: str | None = None,
    marks: Marks | None = None,
    show_choropleth: bool | None = None,
    rates: Path | None = None,
) -> MapDocument:
    """Build the planner's map of a checked plan.

    Layers: the areas (each municipality coloured by its area, with a tooltip giving
    its area, population, nearest key institution and the area's errors), area
    outlines, hatched areas with errors, the reference layers' outlines (secondary
    medical areas, health-center areas), the declared links, area names, key
    institutions and hubs, other facilities by kind, circles of ``reach_km`` around key
    institutions, and an optional choropleth. A Japanese legend, the N03 credit, a
    scale bar and a fullscreen button.

    Parameters
    ----------
    run
        The result of :func:`geo_zaitaku.check_plan`.
    basemap
        Show 地理院タイル / OpenStreetMap (``False``: blank background).
    reach
        Add the (initially hidden) layer of circles of ``reach_km`` around key institutions.
    choropleth
        What to shade municipalities by: a rate of
        :data:`geo_zaitaku.maps.choropleth.RATES` (``aging_rate`` 高齢化率,
        ``pop_75over_rate``, ``people_per_hub``, ``patients_per_1000``), a count
        (``population``, ``pop_65over``, ``pop_75over``, ``pop_85over``) or any numeric
        column of the units; an initially hidden layer with readable class breaks, its
        legend (stating the unit) shown while the layer is on.
    title
        Page title (default: the plan name).
    marks
        Municipalities and facilities to point out, and values to shade areas by
        (comparisons, robustness, designs).
    show_choropleth
        Show the choropleth layer when the page opens (default: yes, as ``map areas
        --choropleth`` does; ``False`` starts it hidden in the layer list).
    rates
        Demand rate table for ``patients_per_1000`` (default: the shipped national rates).

    Returns
    -------
    MapDocument

    Raises
    ------
    InputError
        ``choropleth`` names a column the units do not have or that holds no number.
    """
    plan, report = run.plan, run.report
    units = plan.units
    t = labels.MAP_TEXT
    m, control = new_map(units.total_bounds, basemap=basemap)
    config = base_config(
        kind="areas",
        title=title or f"{t['areas_title']}: {plan.name}",
        date=data_dates(units.attrs.get("sources", []), [log.source for log in run.facilities.logs]),
        bounds=units.total_bounds,
    )
    config["legend"]["position"] = "bottomleft"
    geoms = _geo.display_geometry(units)
    assignment = plan.assignment
    area_of = [assignment.get(c) for c in units.index]
    area_geoms = _geo.dissolve(geoms, area_of)
    colors = color_areas(list(plan.areas), _touching_areas(plan))
    errors = _errors_by_area(report)
    summaries = {a.name: a for a in report.areas}
    notes = {a.name: a.note for a in plan.spec.areas if a.note}
    unit_info = {u.code: u for u in report.units}
    layers: list[dict[str, Any]] = config["layers"]
    legend: list[dict[str, object]] = config["legend"]["items"]

    # the choropleth of a unit attribute (hidden at first): drawn just above the areas,
    # whose fill it turns off while it is on; its value joins the areas' tooltips
    shade: dict[str, Any] | None = None
    choropleth_legend: list[dict[str, object]] = []
    values: list[str] = []
    if choropleth:
        shade, choropleth_legend, values = _choropleth(run, geoms, choropleth, rates)
        shade["show"] = show_choropleth is not False
        shade["covers"] = t["areas_layer"]
    # 1. areas, drawn per unit so that each unit's tooltip tells its area and status
    fills = [colors.get(a, "#FFFFFF") if a else "#FFFFFF" for a in area_of]
    if marks is not None and marks.area_values:
        fills = [_value_fill(marks, marks.area_values.get(a or "")) for a in area_of]
    tips = [
        _unit_tip(
            code,
            plan.unit_name(code),
            area,
            unit_info.get(code),
            summaries.get(area),
            errors.get(area, []),
            notes.get(area or ""),
            marks.units.get(code) if marks is not None else None,
            measure=run.measure,
        )
        for code, area in zip(units.index, area_of, strict=True)
    ]
    for tip, value in zip(tips, values, strict=False):
        tip["v"] = value
    layers.append(
        {
            "name": t["areas_layer"],
            "data": _geo.feature_collection(geoms, [{"i": i, "fill": f} for i, f in enumerate(fills)]),
            "style": {"fillOpacity": 0.55, "color": "#666666", "weight": 0.8},
            "fill": "fill",
            "highlight": {"weight": 2.5, "color": "#000000"},
            "tips": tips,
            **({"valueLayer": shade["name"]} if shade is not None else {}),
        }
    )
    if shade is not None:
        layers.append(shade)
    # 2. area outlines and hatched error areas (not interactive)
    layers.append(
        {
            "name": t["area_borders_layer"],
            "data": _geo.feature_collection(
                [_geo.outline(g) for g in area_geoms.values()], [{} for _ in area_geoms]
            ),
            "style": {"color": "#222222", "weight": 2.5, "opacity": 0.9},
            "interactive": False,
        }
    )
    error_areas = [a for a in plan.areas if errors.get(a) and a in area_geoms]
    if error_areas:
        config["hatch"] = ERROR_COLOR
        layers.append(
            {
                "name": t["errors_layer"],
                "data": _geo.feature_collection(
                    [area_geoms[a] for a in error_areas], [{} for _ in error_areas]
                ),
                "style": {"fillOpacity": 0.7, "color": ERROR_COLOR, "weight": 4, "dashArray": "8 4"},
                "hatch": True,
                "interactive": False,
            }
        )
    # 3. reference layers as outlines
    if plan.reference is not None:
        for i, layer in enumerate(plan.reference.columns):
            ja = _layer_name(layer)
            color, dash = REFERENCE_STYLES[i % len(REFERENCE_STYLES)]
            regions = _geo.dissolve(geoms, [plan.reference[layer].get(c) for c in units.index])
            layers.append(
                {
                    "name": ja,
                    "data": _geo.feature_collection(
                        [_geo.outline(g) for g in regions.values()], [{"i": k} for k in range(len(regions))]
                    ),
                    "style": {"color": color, "weight": 3, "dashArray": dash, "opacity": 0.9},
                    "show": i == 0,
                    "tips": [{"t": f"{ja}: {r}"} for r in regions],
                }
            )
    # 4. declared links (bridges, ferries …) between the units' centroids
    if plan.links:
        layers.append(_links_layer(plan))
    # 5. marked municipalities and facilities
    if marks is not None:
        layers += _mark_layers(plan, geoms, run.facilities.frame, marks)
    # 6. area names, on top of everything
    config["labels"] = {
        "name": t["labels_layer"],
        "items": [
            {
                "lat": round(p.y, 5),
                "lon": round(p.x, 5),
                "text": area,
                "error": bool(errors.get(area)),
            }
            for area, p in ((a, g.representative_point()) for a, g in area_geoms.items())
        ],
    }
    # municipality names where they fit (below the area names)
    config["unitLabels"] = unit_labels(units, geoms)
    # 7. facilities: key institutions and hubs on top, other kinds togglable; reach circles
    kinds = run.facilities.frame["kind"].dropna().unique().tolist()
    hidden = [k for k in {*kinds, "other"} if k not in SHOWN_KINDS]
    table = facility_table(run.facilities.frame, units, hidden_kinds=hidden, cluster=True)
    reach_km = plan.config.reach_km
    reach = reach and run.measure == "km"  # circles only for straight-line distance
    config["facilities"] = {
        "table": packed_table(table, above=base.COMPRESS_ABOVE),
        "roles": True,
        "reach": {"radius": round(reach_km * 1000), "name": t["reach_layer"].format(km=reach_km)}
        if reach
        else None,
    }
    config["ready"] = {"areas": len(plan.areas)}
    legend += _legend(
        plan, colors, errors, table, reach_km if reach else None, marks, shade["name"] if shade else None
    )
    if no_facility_file(run.facilities.logs, run.facilities.frame):
        legend.append(note(t["no_facility_file"]))
    legend += choropleth_legend
    return MapDocument(m, control, config, cluster=True)


def _layer_name(layer: str) -> str:
    return labels.LAYERS.get(layer, (layer,))[0]


def _touching_areas(plan: Plan) -> dict[str, set[str]]:
    assignment = plan.assignment
    out: dict[str, set[str]] = {a: set() for a in plan.areas}
    for a, b in plan.graph.edges():
        x, y = assignment.get(a), assignment.get(b)
        if x and y and x != y:
            out[x].add(y)
            out[y].add(x)
    return out


def _errors_by_area(report: Report) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in report.findings:
        if f.severity == "error" and f.area:
            out.setdefault(f.area, []).append(f.message)
    return out


def _unit_tip(
    code: str,
    name: str,
    area: str | None,
    unit: UnitSummary | None,
    summary: AreaSummary | None,
    errors: Sequence[str],
    area_note: str | None = None,
    mark: str | None = None,
    *,
    measure: str = "km",
) -> Tip:
    """Tooltip of one unit: its area (and the area's note), population, nearest key
    institution, area errors."""
    t = labels.MAP_TEXT
    title = f"{name}（{code}）"
    if area is None:
        return {"t": title, "e": [labels.MESSAGES["unassigned"][0].format(unit=name)]}
    lines = [f"{labels.COLUMNS['area']}: {area}"]
    if area_note:
        lines.append(area_note)
    if mark:
        lines.append(mark)
    if unit is not None and unit.population is not None:
        lines.append(f"{t['population']}: {unit.population:,.0f}")
    if unit is not None and unit.reach_km is not None:
        lines.append(
            f"{labels.COLUMNS['nearest_key_institution']}: {unit.nearest_key_institution_name}"
            + (
                f"（{labels.MAP_TEXT['by_car'].format(min=unit.reach_km)}）"
                if measure == "min"
                else f"（{unit.reach_km:.1f} km）"
            )
        )
    if summary is not None:
        unknown = labels.TEXT["not_checked"]
        key = unknown if summary.n_key_institutions is None else summary.n_key_institutions
        hubs = unknown if summary.n_hubs is None else summary.n_hubs
        counts = f"{labels.SHORT['n_key_institutions']} {key}・{labels.SHORT['n_hubs']} {hubs}"
        lines.append(t["area_counts"].format(counts=counts))  # the area's, not the municipality's
    return {"t": title, "l": lines, "e": list(errors)}


def _value_fill(marks: Marks, value: float | None) -> str:
    """The sequential class colour of an area's value (white when it has none)."""
    if value is None or not np.isfinite(value):
        return "#FFFFFF"
    k = int(np.searchsorted(np.asarray(marks.breaks[1:-1]), value, side="right"))
    return SEQUENTIAL[min(k, len(SEQUENTIAL) - 1)]


def _mark_layers(
    plan: Plan, geoms: np.ndarray, facilities: pd.DataFrame, marks: Marks
) -> list[dict[str, Any]]:
    """Outlines of the marked units and rings around the marked facilities."""
    out: list[dict[str, Any]] = []
    if marks.units:
        pos = {c: i for i, c in enumerate(plan.units.index)}
        codes = [c for c in marks.units if c in pos]
        out.append(
            {
                "name": marks.name,
                "data": _geo.feature_collection(
                    [geoms[pos[c]] for c in codes], [{"i": k} for k in range(len(codes))]
                ),
                "style": {"color": MARK_COLOR, "weight": 4, "fill": False, "dashArray": "6 3", "opacity": 1},
                "tips": [{"t": f"{plan.unit_name(c)}（{c}）", "l": [marks.units[c]]} for c in codes],
            }
        )
    if marks.facilities:
        rows = facilities[facilities["id"].isin(list(marks.facilities))]
        rows = rows[np.isfinite(rows["lat"].to_numpy(dtype=float))]
        points = [
            shapely.Point(round(x, 5), round(y, 5)) for x, y in zip(rows["lon"], rows["lat"], strict=True)
        ]
        out.append(
            {
                "name": marks.name,
                "data": _geo.feature_collection(points, [{"i": k} for k in range(len(points))]),
                "points": {"radius": 14, "color": MARK_COLOR, "weight": 4, "fill": False},
                "tips": [
                    {"t": name, "l": [marks.facilities[fid]]}
                    for fid, name in zip(rows["id"], rows["name"], strict=True)
                ],
            }
        )
    return out


def _links_layer(plan: Plan) -> dict[str, Any]:
    """Dashed lines for the plan's declared links, with kind and note in the tooltip."""
    lines, tips = [], []
    for link in plan.links:
        (x1, y1), (x2, y2) = plan.graph.nodes[link.a]["centroid"], plan.graph.nodes[link.b]["centroid"]
        lines.append(shapely.LineString([(round(x1, 5), round(y1, 5)), (round(x2, 5), round(y2, 5))]))
        kind = labels.LINK_KINDS.get(link.kind, link.kind)
        tip: Tip = {"t": f"{kind}: {plan.unit_name(link.a)} – {plan.unit_name(link.b)}"}
        if link.note:
            tip["l"] = [link.note]
        tips.append(tip)
    return {
        "name": labels.MAP_TEXT["links_layer"],
        "data": _geo.feature_collection(lines, [{"i": i} for i in range(len(lines))]),
        "style": LINK_STYLE,
        "tips": tips,
    }


def _choropleth(
    run: CheckRun, geoms: np.ndarray, column: str, rates: Path | None = None
) -> tuple[dict[str, Any], list[dict[str, object]], list[str]]:
    """The choropleth layer (classes with readable breaks; not interactive), its legend
    rows, whose heading states the unit (see :mod:`geo_zaitaku.maps.choropleth`), and
    each unit's value as its tooltip line. For people per hub, the units of an area
    known to have no hub form a class of their own (「拠点なし」), not 「データなし」."""
    c = labels.CHOROPLETH
    m, values = measure(run, column, rates=rates)
    no_hub = without_hub(run) if column == "people_per_hub" else np.zeros(len(values), dtype=bool)
    edges = nice_breaks(values, classes=len(SEQUENTIAL))
    places = decimals(edges)
    shown = max(places, 1) if m.unit == "%" or column == "patients_per_1000" else places

    def fmt(v: float, d: int) -> str:
        return f"{v:,.{d}f}"

    fills, tips = [], []
    for v, none in zip(values, no_hub, strict=True):
        if none:
            fills.append(ERROR_COLOR)
            tips.append(c["value"].format(label=m.label, value=c["no_hub"], unit=""))
        elif np.isnan(v):
            fills.append("#FFFFFF")
            tips.append(f"{m.label}: {labels.MAP_TEXT['no_data']}")
        else:
            k = min(max(int(np.searchsorted(edges, v, side="right")) - 1, 0), len(edges) - 2)
            fills.append(SEQUENTIAL[k])
            tips.append(c["value"].format(label=m.label, value=fmt(v, shown), unit=m.unit))
    name = (c["heading"] if m.unit else c["heading_plain"]).format(label=m.label, unit=m.unit)
    layer = {
        "name": name,
        "data": _geo.feature_collection(geoms, [{"i": i, "fill": f} for i, f in enumerate(fills)]),
        "style": {"fillOpacity": 0.8, "color": "#555555", "weight": 0.5},
        "fill": "fill",
        "show": False,
        "interactive": False,
    }
    unit = m.unit if m.unit == "%" else ""
    rows = [{**heading(name), "layer": name}]
    rows += [
        legend_item(
            c["class"].format(lo=fmt(edges[i], places), hi=fmt(edges[i + 1], places), unit=unit),
            fill=SEQUENTIAL[i],
        )
        for i in range(len(edges) - 1)
    ]
    if no_hub.any():
        rows.append(legend_item(c["no_hub"], fill=ERROR_COLOR))
    if (np.isnan(values) & ~no_hub).any():
        rows.append(legend_item(labels.MAP_TEXT["no_data"], fill="#FFFFFF"))
    if column == "patients_per_1000":
        from geo_zaitaku.demand import default_rates, load_rates

        table = load_rates(rates) if rates is not None else default_rates()
        default = table.default or rates is None
        rows.append(
            note(labels.DEMAND["default_rates"] if default else c["rates_note"].format(source=rates.name))
        )
    return layer, rows, tips


def _legend(
    plan: Plan,
    colors: Mapping[str, str],
    errors: Mapping[str, list[str]],
    table: Mapping[str, Any],
    reach_km: float | None,
    marks: Marks | None = None,
    covered_by: str | None = None,
) -> list[dict[str, object]]:
    """The legend; the area colours are hidden while the layer ``covered_by`` (the
    choropleth) is on, since it turns their fill off."""
    t = labels.MAP_TEXT
    rows = [heading(t["areas_layer"])]
    hide = {"unless": covered_by} if covered_by else {}
    if marks is not None and marks.area_values:
        rows = [heading(marks.value_name)]
        b = marks.breaks
        shown = (lambda v: f"{v:.0%}") if marks.percent else (lambda v: f"{v:,g}")
        rows += [
            legend_item(f"{shown(b[k])} – {shown(b[k + 1])}", fill=SEQUENTIAL[k], **hide)
            for k in range(len(b) - 1)
        ]
    else:
        rows += [legend_item(a + (" ⚠" if errors.get(a) else ""), fill=colors[a], **hide) for a in plan.areas]
    if marks is not None and marks.units:  # marked municipalities: dashed outlines
        rows.append(legend_item(marks.name, line={"width": 4, "style": "dashed", "color": MARK_COLOR}))
    if marks is not None and marks.facilities:  # marked facilities: rings
        rows.append(legend_item(marks.name, ring=MARK_COLOR))
    if errors:
        rows.append(legend_item(t["error_legend"], hatch=ERROR_COLOR))
    rows.append(legend_item(t["area_borders_layer"], line={"width": 3, "style": "solid", "color": "#222222"}))
    rows.append(legend_item(t["units_layer"], line={"width": 1, "style": "solid", "color": "#666666"}))
    if plan.reference is not None:
        for i, layer in enumerate(plan.reference.columns):
            color, dash = REFERENCE_STYLES[i % len(REFERENCE_STYLES)]
            style = "dotted" if dash.startswith("2 ") else "dashed"
            name = _layer_name(layer)  # listed while its layer is on (only the first is at first)
            rows.append(legend_item(name, line={"width": 3, "style": style, "color": color}, only=name))
    if plan.links:
        rows.append(legend_item(t["links_layer"], line={"width": 3, "style": "dashed", "color": "#000000"}))
    rows.append(heading(t["facilities_heading"]))
    rows.append(legend_item(t["key"], role="key"))
    rows.append(legend_item(t["hub"], role="hub"))
    if table.get("both"):
        rows.append(legend_item(t["key_and_hub"], role="both"))
    rows.append(legend_item(t["h24"], badge="24"))
    rows += [legend_item(kind["label"], swatch=kind["color"]) for kind in table["kinds"]]
    if reach_km is not None:
        rows.append(
            legend_item(
                t["reach_layer"].format(km=reach_km), line={"width": 1, "style": "dashed", "color": "#000000"}
            )
        )
    if table["unlocated"]:
        rows.append(note(t["no_location"].format(n=table["unlocated"])))
    return rows


def comparison_map(run: CheckRun, comparison: Any, **kwargs: Any) -> MapDocument:
    """The area map of the *after* state of a comparison, with the municipalities that
    moved outlined (「移動: 北部 → 東部」 in their tooltip).

    Parameters
    ----------
    run
        The after state.
    comparison
        A :class:`geo_zaitaku.scenarios.Comparison`.
    **kwargs
        Passed to :func:`area_map`.
    """
    t = labels.COMPARE
    marks = Marks(
        name=t["moved_layer"],
        units={
            m.code: t["moved_tip"].format(a=m.area_before or "—", b=m.area_after or "—")
            for m in comparison.moved
        },
    )
    return area_map(run, marks=marks, **kwargs)


def robustness_map(run: CheckRun, result: Any, **kwargs: Any) -> MapDocument:
    """The area map of a robustness analysis: areas shaded by their probability of
    failing (when random closures were sampled) and the single points of failure ringed.

    Parameters
    ----------
    run
        The check run analysed.
    result
        A :class:`geo_zaitaku.scenarios.robustness.RobustnessResult`.
    **kwargs
        Passed to :func:`area_map`.
    """
    t = labels.ROBUSTNESS
    notes: dict[str, str] = {}
    for c in result.single_points_of_failure:
        for f in c.failures:
            rules = "・".join(labels.RULES[r][0] for r in f.rules)
            notes[c.facilities[0]] = t["spof_tip"].format(area=f.area, rules=rules)
    marks = Marks(
        name=t["spof_layer"],
        facilities=notes,
        area_values={r.area: r.p_fail for r in result.risks},
        value_name=t["p_fail_legend"],
    )
    kwargs.setdefault("title", f"{t['map_title']}: {run.plan.name}")
    return area_map(run, marks=marks, **kwargs)


def access_map(run: CheckRun, result: Any, **kwargs: Any) -> MapDocument:
    """The area map with municipalities shaded by their accessibility score
    (a :class:`geo_zaitaku.scenarios.access.AccessResult`), the layer shown at first."""
    from dataclasses import replace

    scores = result.units.set_index("code")["score"]
    units = run.plan.units.assign(access_score=scores.reindex(run.plan.units.index).to_numpy(dtype=float))
    shaded = replace(run, plan=replace(run.plan, units=units))
    kwargs.setdefault("title", f"{labels.ACCESS['map_title']}: {run.plan.name}")
    return area_map(shaded, choropleth="access_score", show_choropleth=True, **kwargs)
