"""The planner's area map: home-care areas, where the plan departs from the reference
layers, which areas fail the checks and why, and the key institutions and hubs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import folium
import numpy as np
import pandas as pd

from geo_zaitaku import labels
from geo_zaitaku._errors import InputError
from geo_zaitaku.checks import AreaSummary, Report, UnitSummary
from geo_zaitaku.maps import _geo
from geo_zaitaku.maps._facilities import facility_table
from geo_zaitaku.maps._style import ERROR_COLOR, REFERENCE_STYLES, SEQUENTIAL, color_areas
from geo_zaitaku.maps.base import MapDocument, Script, add_legend, esc, finish, js_data, js_json, new_map
from geo_zaitaku.pipeline import CheckRun
from geo_zaitaku.plan import Plan

#: Kinds hidden at first on the planner's map (shown from the layer control).
HIDDEN_KINDS = ("pharmacy", "dental", "care_management", "community_support", "other")
#: A tooltip: title, lines, error lines (all plain text; the script escapes them).
Tip = dict[str, object]


def area_map(
    run: CheckRun,
    *,
    basemap: bool = True,
    reach: bool = True,
    choropleth: str | None = None,
    title: str | None = None,
) -> MapDocument:
    """Build the planner's map of a checked plan.

    Layers: the areas (each municipality coloured by its area, with a tooltip giving
    its area, population, nearest key institution and the area's errors), area
    outlines, hatched areas with errors, the reference layers' outlines (secondary
    medical areas, health-center areas), area names, key institutions and hubs, other
    facilities by kind, circles of ``reach_km`` around key institutions, and an
    optional choropleth. A Japanese legend, the N03 credit, a scale bar and a
    fullscreen button.

    Parameters
    ----------
    run
        The result of :func:`geo_zaitaku.check_plan`.
    basemap
        Show 地理院タイル / OpenStreetMap (``False``: blank background).
    reach
        Add the (initially hidden) layer of circles of ``reach_km`` around key institutions.
    choropleth
        A numeric unit column to shade municipalities by (``population``,
        ``pop_65over``, ``pop_75over`` or any numeric column of the units); an
        initially hidden layer with its classes in the legend.
    title
        Page title (default: the plan name).

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
    title = title or f"{labels.MAP_TEXT['areas_title']}: {plan.name}"
    m, control = new_map(units.total_bounds, basemap=basemap, title=title)
    geoms = _geo.display_geometry(units)
    assignment = plan.assignment
    area_of = [assignment.get(c) for c in units.index]
    area_geoms = _geo.dissolve(geoms, area_of)
    colors = color_areas(list(plan.areas), _touching_areas(plan))
    errors = _errors_by_area(report)
    summaries = {a.name: a for a in report.areas}
    unit_info = {u.code: u for u in report.units}
    tips: list[list[Tip]] = []
    scripts: list[str] = []

    def tooltip_layer(layer: folium.GeoJson, layer_tips: list[Tip]) -> None:
        tips.append(layer_tips)
        scripts.append(f"GZ.tips({layer.get_name()}, tips[{len(tips) - 1}]);")

    # 1. areas, drawn per unit so that each unit's tooltip tells its area and status
    fills = [colors.get(a, "#FFFFFF") if a else "#FFFFFF" for a in area_of]
    areas_layer = folium.GeoJson(
        _geo.feature_collection(geoms, [{"i": i, "fill": f} for i, f in enumerate(fills)]),
        name=esc(labels.MAP_TEXT["areas_layer"]),
        style_function=lambda f: {
            "fillColor": f["properties"]["fill"],
            "fillOpacity": 0.55,
            "color": "#666666",
            "weight": 0.8,
        },
        highlight_function=lambda f: {"weight": 2.5, "color": "#000000"},
        zoom_on_click=False,
    ).add_to(m)
    tooltip_layer(
        areas_layer,
        [
            _unit_tip(
                code,
                plan.unit_name(code),
                area,
                unit_info.get(code),
                summaries.get(area),
                errors.get(area, []),
            )
            for code, area in zip(units.index, area_of, strict=True)
        ],
    )
    # 2. area outlines and hatched error areas (not interactive)
    folium.GeoJson(
        _geo.feature_collection([_geo.outline(g) for g in area_geoms.values()], [{} for _ in area_geoms]),
        name=esc(labels.MAP_TEXT["area_borders_layer"]),
        style_function=lambda f: {"color": "#222222", "weight": 2.5, "opacity": 0.9},
        interactive=False,
    ).add_to(m)
    error_areas = [a for a in plan.areas if errors.get(a) and a in area_geoms]
    if error_areas:
        folium.GeoJson(
            _geo.feature_collection([area_geoms[a] for a in error_areas], [{} for _ in error_areas]),
            name=esc(labels.MAP_TEXT["errors_layer"]),
            style_function=lambda f: {
                "fillColor": "url(#gz-hatch)",
                "fillOpacity": 0.7,
                "color": ERROR_COLOR,
                "weight": 4,
                "dashArray": "8 4",
            },
            interactive=False,
        ).add_to(m)
    # 3. reference layers as outlines
    if plan.reference is not None:
        for i, layer in enumerate(plan.reference.columns):
            ja = labels.LAYERS.get(layer, (layer,))[0]
            color, dash = REFERENCE_STYLES[i % len(REFERENCE_STYLES)]
            regions = _geo.dissolve(geoms, [plan.reference[layer].get(c) for c in units.index])
            ref_layer = folium.GeoJson(
                _geo.feature_collection(
                    [_geo.outline(g) for g in regions.values()], [{"i": k} for k in range(len(regions))]
                ),
                name=esc(ja),
                style_function=lambda f, c=color, d=dash: {
                    "color": c,
                    "weight": 3,
                    "dashArray": d,
                    "opacity": 0.9,
                },
                show=i == 0,
            ).add_to(m)
            tooltip_layer(ref_layer, [{"t": f"{ja}: {r}"} for r in regions])
    # 4. choropleth of a unit attribute (hidden at first)
    legend_choropleth = ""
    if choropleth:
        layer, layer_tips, legend_choropleth = _choropleth(units, geoms, choropleth)
        layer.add_to(m)
        tooltip_layer(layer, layer_tips)
    # 5. area names
    names = folium.FeatureGroup(name=esc(labels.MAP_TEXT["labels_layer"]))
    for area, geom in area_geoms.items():
        point = geom.representative_point()
        cls = "gz-label gz-error-label" if errors.get(area) else "gz-label"
        folium.Marker(
            [point.y, point.x],
            icon=folium.DivIcon(html=f"<span>{esc(area)}</span>", class_name=cls, icon_size=(0, 0)),
            interactive=False,
        ).add_to(names)
    names.add_to(m)
    # 6. facilities: key institutions and hubs on top, other kinds togglable; reach circles
    table = facility_table(run.facilities.frame, units, hidden_kinds=HIDDEN_KINDS, cluster=True)
    reach_km = plan.config.reach_km
    body = (
        "GZ.facilities(map, data, control, {roles: true, done: function (info) {"
        " info.areas = %d; GZ.ready(info, map); }});" % len(plan.areas)
    )
    if reach:
        body += "GZ.reachCircles(map, control, data, %d, %s);" % (
            round(reach_km * 1000),
            js_json(labels.MAP_TEXT["reach_layer"].format(km=reach_km)),
        )
    facility_slot, tips_slot = js_data(table), js_data(tips)
    finish(m, control, text=dict(labels.MAP_TEXT))
    Script(
        "GZ.hatch(map, %s); var tips = %s; %s GZ.load(%s, function (data) { %s });"
        % (js_json(ERROR_COLOR), tips_slot, " ".join(scripts), facility_slot, body),
        control,
    ).add_to(m)
    add_legend(m, _legend(plan, colors, errors, table, reach_km if reach else None, legend_choropleth))
    return MapDocument(m, cluster=True, data=(facility_slot, tips_slot))


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
) -> Tip:
    """Tooltip of one unit: its area, population, nearest key institution, area errors."""
    t = labels.MAP_TEXT
    title = f"{name}（{code}）"
    if area is None:
        return {"t": title, "e": [labels.MESSAGES["unassigned"][0].format(unit=name)]}
    lines = [f"{labels.COLUMNS['area']}: {area}"]
    if unit is not None and unit.population is not None:
        lines.append(f"{t['population']}: {unit.population:,.0f}")
    if unit is not None and unit.reach_km is not None:
        lines.append(
            f"{labels.COLUMNS['nearest_key_institution']}: {unit.nearest_key_institution_name}"
            f"（{unit.reach_km:.1f} km）"
        )
    if summary is not None:
        lines.append(
            f"{labels.SHORT['n_key_institutions']} {len(summary.key_institutions)}・"
            f"{labels.SHORT['n_hubs']} {len(summary.hubs)}"
        )
    return {"t": title, "l": lines, "e": list(errors)}


def _choropleth(units: pd.DataFrame, geoms: np.ndarray, column: str) -> tuple[folium.GeoJson, list[Tip], str]:
    """The choropleth layer (quantile classes), its tooltips and its legend HTML."""
    numeric = [c for c in units.columns if c != "geometry" and pd.api.types.is_numeric_dtype(units[c])]
    if column not in units.columns:
        raise InputError(
            f"市区町村の列 {column!r} がありません。使える列: {', '.join(numeric)} / unknown column.",
            where="--choropleth",
        )
    values = pd.to_numeric(units[column], errors="coerce").to_numpy(dtype=float)
    if np.isnan(values).all():
        raise InputError(
            f"列 {column!r} に数値がありません（人口CSVを --population で指定しましたか）。 / no numeric values.",
            where="--choropleth",
        )
    edges = np.unique(np.quantile(values[~np.isnan(values)], np.linspace(0, 1, len(SEQUENTIAL) + 1)))
    label = labels.MAP_TEXT.get(column, column)
    fills, tips = [], []
    for v in values:
        if np.isnan(v):
            fills.append("#FFFFFF")
            tips.append({"t": f"{label}: {labels.MAP_TEXT['no_data']}"})
            continue
        k = min(max(int(np.searchsorted(edges, v, side="right")) - 1, 0), len(edges) - 2)
        fills.append(SEQUENTIAL[max(k, 0)])
        tips.append({"t": f"{label}: {v:,.0f}"})
    name = labels.MAP_TEXT["choropleth"].format(label=label)
    layer = folium.GeoJson(
        _geo.feature_collection(geoms, [{"i": i, "fill": f} for i, f in enumerate(fills)]),
        name=esc(name),
        style_function=lambda f: {
            "fillColor": f["properties"]["fill"],
            "fillOpacity": 0.75,
            "color": "#555555",
            "weight": 0.5,
        },
        show=False,
    )
    rows = "".join(
        f'<div class="gz-row"><span class="gz-fill" style="background:{SEQUENTIAL[i]}"></span>'
        f"{edges[i]:,.0f} – {edges[i + 1]:,.0f}</div>"
        for i in range(max(len(edges) - 1, 1))
        if i < len(edges) - 1
    )
    return layer, tips, f"<h4>{esc(name)}</h4>{rows}"


def _legend(
    plan: Plan,
    colors: Mapping[str, str],
    errors: Mapping[str, list[str]],
    table: Mapping[str, object],
    reach_km: float | None,
    choropleth_html: str,
) -> str:
    t = labels.MAP_TEXT
    row = '<div class="gz-row">{}{}</div>'.format
    parts = [f"<h4>{esc(t['areas_layer'])}</h4>"]
    for a in plan.areas:
        parts.append(
            row(
                f'<span class="gz-fill" style="background:{colors[a]}"></span>',
                esc(a) + (" ⚠" if errors.get(a) else ""),
            )
        )
    if errors:
        hatch = f"background:repeating-linear-gradient(45deg,{ERROR_COLOR} 0 2px,#fff 2px 6px);border:2px dashed {ERROR_COLOR}"
        parts.append(row(f'<span class="gz-fill" style="{hatch}"></span>', esc(t["error_legend"])))
    parts.append(
        row('<span class="gz-line" style="border-top:3px solid #222"></span>', esc(t["area_borders_layer"]))
    )
    parts.append(
        row('<span class="gz-line" style="border-top:1px solid #666"></span>', esc(t["units_layer"]))
    )
    if plan.reference is not None:
        for i, layer in enumerate(plan.reference.columns):
            color, dash = REFERENCE_STYLES[i % len(REFERENCE_STYLES)]
            style = "dotted" if dash.startswith("2 ") else "dashed"
            parts.append(
                row(
                    f'<span class="gz-line" style="border-top:3px {style} {color}"></span>',
                    esc(labels.LAYERS.get(layer, (layer,))[0]),
                )
            )
    parts.append(f"<h4>{esc(t['facilities_heading'])}</h4>")
    parts.append(row('<span class="gz-swatch gz-role-key"></span>', esc(t["key"])))
    parts.append(row('<span class="gz-swatch gz-role-hub"></span>', esc(t["hub"])))
    parts.append(row('<span class="gz-badge">24</span>&nbsp;', esc(t["h24"])))
    for kind in table["kinds"]:
        parts.append(
            row(f'<span class="gz-swatch" style="background:{kind["color"]}"></span>', esc(kind["label"]))
        )
    if reach_km is not None:
        parts.append(
            row(
                '<span class="gz-line" style="border-top:1px dashed #000"></span>',
                esc(t["reach_layer"].format(km=reach_km)),
            )
        )
    if table["unlocated"]:
        parts.append(f"<div>{esc(t['no_location'].format(n=table['unlocated']))}</div>")
    return "".join(parts) + choropleth_html
