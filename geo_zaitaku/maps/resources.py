"""The residents' resource map: home-care services by kind, with name search, current
location, popups with address, phone and website, and a printable list; plus the
companion list (CSV and HTML) of the same facilities.

The map is described as data and drawn by the page's script (see
:mod:`geo_zaitaku.maps.base`); the list page is rendered by an autoescaping Jinja2
environment from a template shipped with the package, with the facilities as data.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

import jinja2
import numpy as np
import pandas as pd

from geo_zaitaku import labels, schema
from geo_zaitaku._errors import InputError
from geo_zaitaku._io import write_csv, write_text
from geo_zaitaku.maps import _geo
from geo_zaitaku.maps._facilities import facility_table as _table
from geo_zaitaku.maps._facilities import kind_order, no_facility_file, safe_url, tel_href
from geo_zaitaku.maps.base import (
    MapDocument,
    base_config,
    data_dates,
    heading,
    legend_item,
    new_map,
    note,
    packed,
    unit_labels,
)
from geo_zaitaku.pipeline import CheckRun


def select_facilities(run: CheckRun, areas: Sequence[str] = ()) -> pd.DataFrame:
    """Facilities of the chosen areas (all when none), with ``area`` and ``municipality``.

    Raises
    ------
    InputError
        An area name that is not in the plan (the message lists the plan's areas).
    """
    unknown = [a for a in areas if a not in run.plan.areas]
    if unknown:
        raise InputError(
            labels.error("map_unknown_area", areas="・".join(unknown), known="・".join(run.plan.areas)),
            where="--area",
        )
    frame = run.facilities.frame
    assignment = run.plan.assignment
    names = run.plan.units["name"].to_dict()
    unit = frame["unit"].tolist()
    area = [assignment.get(u) for u in unit]
    out = frame.assign(area=area, municipality=[names.get(u, u) for u in unit])
    if areas:  # a boolean array: an empty list would select columns, not rows
        out = out[np.fromiter((a in areas for a in area), dtype=bool, count=len(area))]
    return out


#: Columns of the companion list (keys of :data:`geo_zaitaku.labels.LIST_COLUMNS`).
LIST_KEYS = (
    "kind",
    "name",
    "address",
    "position",
    "phone",
    "is_24h",
    "functions",
    "url",
    "municipality",
    "area",
)


def resource_list(facilities: pd.DataFrame) -> pd.DataFrame:
    """The companion list: one row per facility, Japanese headers, sorted by kind,
    municipality and name."""
    order = {k: i for i, k in enumerate(kind_order(facilities["kind"].tolist()))}
    rows = []
    for r in facilities.itertuples(index=False):
        kind = r.kind if isinstance(r.kind, str) and r.kind else "other"
        functions = "・".join(labels.FUNCTIONS[f][0] for f in schema.FUNCTION_FIELDS if _true(getattr(r, f)))
        values = {
            "kind": labels.kind_label(kind),
            "name": r.name,
            "address": r.address if isinstance(r.address, str) else "",
            "position": labels.POSITIONS.get(getattr(r, "position", None) or "", ""),
            "phone": r.phone if isinstance(r.phone, str) else "",
            "is_24h": _yes_no(r.is_24h),
            "functions": functions,
            "url": safe_url(r.url) or "",
            "municipality": r.municipality or "",
            "area": r.area or "",
        }
        rows.append((order[kind], r.municipality or "", r.name, values))
    rows.sort(key=lambda x: (x[0], x[1], x[2]))
    columns = [labels.LIST_COLUMNS[k] for k in LIST_KEYS]
    return pd.DataFrame([[r[3][k] for k in LIST_KEYS] for r in rows], columns=columns)


@cache
def _templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("geo_zaitaku.maps", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def list_html(table: pd.DataFrame, title: str) -> str:
    """A simple, printable HTML page of the companion list.

    Rendered from the package's ``templates/resources_list.html`` with autoescaping:
    every cell is data, phone links carry digits only and website links http(s) only.
    """
    phone = labels.LIST_COLUMNS["phone"]
    url = labels.LIST_COLUMNS["url"]
    rows = []
    for record in table.to_dict("records"):
        cells = []
        for column, value in record.items():
            text = "" if value is None else str(value)
            href = None
            if column == phone and text:
                href = tel_href(text)
            elif column == url and text:
                href = safe_url(text)
            cells.append({"column": column, "text": text, "href": href, "external": column == url})
        rows.append(cells)
    return (
        _templates()
        .get_template("resources_list.html")
        .render(
            title=title,
            columns=list(table.columns),
            rows=rows,
            count=labels.MAP_TEXT["list_count"].format(n=len(table)),
            credit=labels.N03_CREDIT,
        )
    )


def resource_map(
    run: CheckRun,
    *,
    areas: Sequence[str] = (),
    basemap: bool = True,
    cluster: bool = True,
    title: str | None = None,
) -> MapDocument:
    """Build the residents' resource map.

    Parameters
    ----------
    run
        The result of :func:`geo_zaitaku.check_plan` (plan, units, facilities).
    areas
        Home-care areas to show (default: the whole plan).
    basemap
        Show 地理院タイル / OpenStreetMap.
    cluster
        Cluster markers where they are dense.
    title
        Page title.
    """
    facilities = select_facilities(run, areas)
    units = run.plan.units
    chosen = [c for c in units.index if not areas or run.plan.assignment.get(c) in areas]
    shown = units.loc[chosen]
    t = labels.MAP_TEXT
    place = "・".join(areas) if areas else run.plan.name
    m, control = new_map(shown.total_bounds, basemap=basemap)
    config = base_config(
        kind="resources",
        title=title or f"{t['resources_title']}（{place}）",
        subtitle=run.plan.name if areas else "",
        date=data_dates(units.attrs.get("sources", []), [log.source for log in run.facilities.logs]),
        bounds=shown.total_bounds,
    )
    geoms = _geo.display_geometry(shown)
    config["unitLabels"] = unit_labels(shown, geoms)
    outlines = _geo.dissolve(geoms, [run.plan.assignment.get(c) for c in shown.index])
    config["layers"] += [
        {
            "name": t["area_outline"],
            "data": _geo.feature_collection(
                [_geo.outline(g) for g in outlines.values()], [{} for _ in outlines]
            ),
            "style": {"color": "#222222", "weight": 3, "opacity": 0.8},
            "interactive": False,
        },
        {
            "name": t["units_layer"],
            "data": _geo.feature_collection([_geo.outline(g) for g in geoms], [{} for _ in geoms]),
            "style": {"color": "#666666", "weight": 1, "opacity": 0.6},
            "interactive": False,
        },
    ]
    table = _table(facilities, units, cluster=cluster)
    config["facilities"] = {
        "table": packed(table),
        "search": True,
        "locate": True,
        "print": True,
        "deepLink": True,
        "expandControl": True,
    }
    legend = _legend(table)
    if no_facility_file(run.facilities.logs, run.facilities.frame):
        legend.append(note(t["no_facility_file"]))
    config["legend"] = {"position": "bottomleft", "items": legend}
    return MapDocument(m, control, config, cluster=cluster)


def write_resource_list(
    run: CheckRun, out_dir: str | Path, *, areas: Sequence[str] = (), stem: str = "resources_list"
) -> list[Path]:
    """Write the companion list as ``<stem>.csv`` (UTF-8 with BOM) and ``<stem>.html``."""
    facilities = select_facilities(run, areas)
    table = resource_list(facilities)
    place = "・".join(areas) if areas else run.plan.name
    out = Path(out_dir)
    return [
        write_csv(out / f"{stem}.csv", table),
        write_text(out / f"{stem}.html", list_html(table, f"{labels.MAP_TEXT['list_title']}（{place}）")),
    ]


def _legend(table: dict) -> list[dict[str, object]]:
    t = labels.MAP_TEXT
    rows = [heading(t["resources_title"])]
    rows += [legend_item(kind["label"], swatch=kind["color"]) for kind in table["kinds"]]
    rows.append(legend_item(t["h24"], badge="24"))
    if table["unlocated"]:
        rows.append(note(t["no_location"].format(n=table["unlocated"])))
    return rows


def _yes_no(value: object) -> str:
    """○ yes, × no, 不明 where the data say nothing (never a blank for both)."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return labels.TEXT["unknown"]
    return labels.TEXT["yes"] if bool(value) else labels.TEXT["no"]


def _true(value: object) -> bool:
    """True only for a known true flag (unknown — None, NA, NaN — is not true)."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return False
    return bool(value)


__all__ = ["list_html", "resource_list", "resource_map", "select_facilities", "write_resource_list"]
