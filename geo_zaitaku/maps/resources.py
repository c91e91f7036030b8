"""The residents' resource map: home-care services by kind, with name search, current
location, popups with address, phone and website, and a printable list; plus the
companion list (CSV and HTML) of the same facilities."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import folium
import numpy as np
import pandas as pd

from geo_zaitaku import labels
from geo_zaitaku._errors import InputError
from geo_zaitaku._io import write_csv, write_text
from geo_zaitaku.maps import _geo
from geo_zaitaku.maps._facilities import FLAGS, kind_order, safe_url
from geo_zaitaku.maps._facilities import facility_table as _table
from geo_zaitaku.maps.base import MapDocument, Script, add_legend, esc, finish, js_data, new_map
from geo_zaitaku.pipeline import CheckRun

LIST_COLUMNS = ("kind", "name", "address", "phone", "is_24h", "functions", "url", "municipality", "area")


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
            f"圏域 {', '.join(unknown)} は計画にありません。計画の圏域: {', '.join(run.plan.areas)} / unknown area.",
            where="--area",
        )
    frame = run.facilities.frame
    assignment = run.plan.assignment
    names = run.plan.units["name"].to_dict()
    unit = frame["unit"].tolist()
    area = [assignment.get(u) for u in unit]
    out = frame.assign(area=area, municipality=[names.get(u, u) for u in unit])
    if areas:
        out = out[[a in areas for a in area]]
    return out


def resource_list(facilities: pd.DataFrame) -> pd.DataFrame:
    """The companion list: one row per facility, Japanese headers, sorted by kind,
    municipality and name."""
    order = {k: i for i, k in enumerate(kind_order(facilities["kind"].tolist()))}
    rows = []
    for r in facilities.itertuples(index=False):
        kind = r.kind if isinstance(r.kind, str) and r.kind else "other"
        functions = "・".join(ja for f, (ja, _en) in labels.FUNCTIONS.items() if _true(getattr(r, f)))
        rows.append(
            (
                order[kind],
                r.municipality or "",
                r.name,
                {
                    "種別": labels.kind_label(kind),
                    "名称": r.name,
                    "住所": r.address if isinstance(r.address, str) else "",
                    "電話": r.phone if isinstance(r.phone, str) else "",
                    "24時間対応": labels.TEXT["yes"] if _true(r.is_24h) else "",
                    "対応": functions,
                    "ウェブサイト": safe_url(r.url) or "",
                    "市区町村": r.municipality or "",
                    "圏域": r.area or "",
                },
            )
        )
    rows.sort(key=lambda x: (x[0], x[1], x[2]))
    columns = ["種別", "名称", "住所", "電話", "24時間対応", "対応", "ウェブサイト", "市区町村", "圏域"]
    return pd.DataFrame([r[3] for r in rows], columns=columns)


def list_html(table: pd.DataFrame, title: str) -> str:
    """A simple, printable HTML page of the companion list (every cell escaped)."""
    head = "".join(f"<th>{esc(c)}</th>" for c in table.columns)
    body = []
    for row in table.itertuples(index=False):
        cells = []
        for col, value in zip(table.columns, row, strict=True):
            text = esc(value)
            if col == "電話" and value:
                digits = "".join(ch for ch in str(value) if ch.isdigit() or ch == "+")
                text = f'<a href="tel:{esc(digits)}">{text}</a>'
            elif col == "ウェブサイト" and value:
                text = f'<a href="{esc(value)}" rel="noopener noreferrer">{text}</a>'
            cells.append(f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        '<!DOCTYPE html>\n<html lang="ja"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>body{{font-family:sans-serif;margin:1em}}"
        "table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:3px 6px;"
        "text-align:left;vertical-align:top;font-size:14px}th{background:#eee}</style></head><body>"
        f"<h1>{esc(title)}</h1><p>{len(table)}件</p><table><thead><tr>{head}</tr></thead><tbody>"
        + "".join(body)
        + f"</tbody></table><p>{esc(labels.N03_CREDIT)}</p></body></html>\n"
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
    place = "・".join(areas) if areas else run.plan.name
    title = title or f"{labels.MAP_TEXT['resources_title']}（{place}）"
    m, control = new_map(shown.total_bounds, basemap=basemap, title=title)
    geoms = _geo.display_geometry(shown)
    outlines = _geo.dissolve(geoms, [run.plan.assignment.get(c) for c in shown.index])
    folium.GeoJson(
        _geo.feature_collection([_geo.outline(g) for g in outlines.values()], [{} for _ in outlines]),
        name=esc(labels.MAP_TEXT["area_outline"]),
        style_function=lambda f: {"color": "#222222", "weight": 3, "opacity": 0.8},
        interactive=False,
    ).add_to(m)
    folium.GeoJson(
        _geo.feature_collection([_geo.outline(g) for g in geoms], [{} for _ in geoms]),
        name=esc(labels.MAP_TEXT["units_layer"]),
        style_function=lambda f: {"color": "#666666", "weight": 1, "opacity": 0.6},
        interactive=False,
    ).add_to(m)
    table = _table(facilities, units, cluster=cluster)
    finish(m, control, text=dict(labels.MAP_TEXT))
    code = (
        "GZ.load(%s, function (data) {"
        " GZ.facilities(map, data, control, {done: function (info) {"
        "  info.unlocated = data.unlocated; GZ.ready(info, map);"
        "  var h = (location.hash || '').match(/^#f=(.+)$/); if (h) GZ.open(map, decodeURIComponent(h[1]));"
        " }});"
        " GZ.searchControl(map, data, data.text); GZ.locate(map, data.text);"
        " if (window.innerWidth > 800) control.expand();"
        " window.addEventListener('beforeprint', function () { GZ.printList(data); });"
        "});"
    ) % (slot := js_data(table))
    Script(code, control).add_to(m)
    add_legend(m, _legend(table), position="bottomleft")
    after = f'<div class="gz-list" id="gz-list"><h2>{esc(labels.MAP_TEXT["list_title"])}</h2></div>'
    return MapDocument(m, cluster=cluster, after_body=after, data=(slot,))


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


def _legend(table: dict) -> str:
    t = labels.MAP_TEXT
    parts = [f"<h4>{esc(t['resources_title'])}</h4>"]
    for kind in table["kinds"]:
        parts.append(
            f'<div class="gz-row"><span class="gz-swatch" style="background:{kind["color"]}"></span>{esc(kind["label"])}</div>'
        )
    parts.append(f'<div class="gz-row"><span class="gz-badge">24</span>&nbsp;{esc(t["h24"])}</div>')
    if table["unlocated"]:
        parts.append(f"<div>{esc(t['no_location'].format(n=table['unlocated']))}</div>")
    return "".join(parts)


def _true(value: object) -> bool:
    """True only for a known true flag (unknown — None, NA, NaN — is not true)."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return False
    return bool(value)


__all__ = ["FLAGS", "list_html", "resource_list", "resource_map", "select_facilities", "write_resource_list"]
