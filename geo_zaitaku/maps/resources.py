"""The residents' resource map: home-care services by kind, with name search, current
location, popups with address, phone and website, and a printable list; plus the
companion list (CSV and HTML) of the same facilities.

The map is described as data and drawn by the page's script (see
:mod:`geo_zaitaku.maps.base`); the list page is rendered by an autoescaping Jinja2
environment from a template shipped with the package, with the facilities as data.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote

import jinja2
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo_zaitaku import labels, schema
from geo_zaitaku._errors import InputError
from geo_zaitaku._io import write_csv, write_pieces
from geo_zaitaku.maps import _geo, base
from geo_zaitaku.maps._facilities import facility_table as _table
from geo_zaitaku.maps._facilities import kind_order, no_facility_file, packed_table, safe_url, tel_href
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
    municipality and name (code-point order, ties in file order).

    Built column by column without a Python object per row: free text stays in Arrow
    string columns, and kinds, yes/no and functions are a few shared labels."""
    table, order = _list_and_order(facilities)
    return table.take(order).reset_index(drop=True)


def _list_and_order(facilities: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The list in the facilities' order and the positions that sort it (see
    :func:`resource_list`): a large list is written in order without a sorted copy."""
    n = len(facilities)
    raw_kind = _text(facilities["kind"])
    kind_codes, kinds = pd.factorize(raw_kind.where(raw_kind != "", "other"))
    kinds = [str(k) for k in kinds]
    order = {k: i for i, k in enumerate(kind_order(kinds))}
    bits = np.zeros(n, dtype=np.int64)
    for b, f in enumerate(schema.FUNCTION_FIELDS):
        bits |= np.where(_flags(facilities[f]), 1 << b, 0)
    names = [labels.FUNCTIONS[f][0] for f in schema.FUNCTION_FIELDS]
    joined = np.array(
        ["・".join(names[b] for b in range(len(names)) if code >> b & 1) for code in range(1 << len(names))],
        dtype=object,
    )
    said = pd.array(facilities["is_24h"], dtype="boolean")
    answers = np.array([labels.TEXT["no"], labels.TEXT["yes"], labels.TEXT["unknown"]], dtype=object)
    url = _text(facilities["url"])
    values = {
        "kind": np.array([labels.kind_label(k) for k in kinds], dtype=object)[kind_codes],
        "name": _text(facilities["name"]),
        "address": _text(facilities["address"]),
        "position": _position_labels(facilities),
        "phone": _text(facilities["phone"]),
        "is_24h": answers[np.where(said.isna(), 2, said.fillna(False).to_numpy(dtype=bool).astype(np.int64))],
        "functions": joined[bits],
        # http(s) only, as safe_url: javascript: and the like are dropped
        "url": url.where(url.str.strip().str.match(r"https?://", case=False).astype(bool), ""),
        "municipality": _text(facilities["municipality"]),
        "area": _text(facilities["area"]),
    }
    rank = np.array([order[k] for k in kinds], dtype=np.int64)[kind_codes]
    sort = np.lexsort((_ranks(values["name"]), _ranks(values["municipality"]), rank))  # stable
    table = pd.DataFrame(
        {
            labels.LIST_COLUMNS[k]: (v if isinstance(v, np.ndarray) else v.array)
            for k, v in ((k, values[k]) for k in LIST_KEYS)
        }
    )
    return table, sort


@cache
def _templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("geo_zaitaku.maps", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


#: Facilities on one page of the HTML list (about 5.5 MB of HTML: a browser opens and
#: prints it well, a phone still scrolls it). A longer list is split into pages of this
#: many rows, linked to each other; the CSV stays one file.
LIST_PAGE_LIMIT = 10_000


@dataclass(frozen=True)
class ListPage:
    """One page of the HTML list: its rows ``start:stop`` of the sorted list and file name."""

    number: int
    start: int
    stop: int
    name: str


def list_page_plan(n: int, stem: str, *, limit: int = LIST_PAGE_LIMIT) -> list[ListPage]:
    """The pages of a list of ``n`` facilities: ``<stem>.html`` alone up to ``limit``
    rows, else ``<stem>.html`` (rows 1..limit), ``<stem>_p2.html``, ``<stem>_p3.html`` …"""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    count = max(1, -(-n // limit))
    return [
        ListPage(
            k + 1, k * limit, min(n, (k + 1) * limit), f"{stem}.html" if k == 0 else f"{stem}_p{k + 1}.html"
        )
        for k in range(count)
    ]


def list_pages(
    table: pd.DataFrame,
    title: str,
    *,
    note: str = "",
    pages: Sequence[ListPage] = (),
    page: int = 1,
    order: np.ndarray | None = None,
) -> Iterator[str]:
    """A simple, printable HTML page of the companion list, piece by piece (a long list
    is written without ever being one string).

    With ``pages`` (from :func:`list_page_plan`), the page ``page`` of them: its rows
    only, its place in the whole list, and links to every page. With ``order``, the
    rows are those positions of ``table``, in that order.

    Rendered from the package's ``templates/resources_list.html`` with autoescaping:
    every cell is data, phone links carry digits only and website links http(s) only;
    the links between pages are percent-encoded relative file names.
    """
    phone = labels.LIST_COLUMNS["phone"]
    url = labels.LIST_COLUMNS["url"]
    t = labels.MAP_TEXT
    # a column empty in every row (no phone or website in the data) is left out of the
    # page (the CSV keeps it); short columns do not wrap (電話 0990-12-3456 on one line)
    columns = [c for c in table.columns if _filled(table[c])]
    short = {labels.LIST_COLUMNS[k] for k in ("kind", "phone", "is_24h", "municipality", "area")}
    total = len(table)
    nav: list[dict[str, object]] = []
    if len(pages) > 1:
        here = pages[page - 1]
        part = _rows(table, order, here.start, here.stop)
        count = t["list_page_count"].format(
            n=total, first=here.start + 1, last=here.stop, page=page, pages=len(pages)
        )
        split = t["list_split"].format(limit=LIST_PAGE_LIMIT, pages=len(pages))
        note = f"{note}　{split}" if note else split
        nav = [{"text": str(p.number), "href": quote(p.name), "current": p.number == page} for p in pages]
    else:
        part = _rows(table, order, 0, total)
        count = t["list_count"].format(n=total)

    part = part[columns]

    def rows() -> Iterator[list[dict[str, object]]]:
        for record in part.itertuples(index=False, name=None):
            cells = []
            for column, value in zip(columns, record, strict=True):
                text = "" if value is None else str(value)
                href = None
                if column == phone and text:
                    href = tel_href(text)
                elif column == url and text:
                    href = safe_url(text)
                cells.append({"column": column, "text": text, "href": href, "external": column == url})
            yield cells

    return (
        _templates()
        .get_template("resources_list.html")
        .generate(
            title=title,
            columns=columns,
            rows=rows(),
            count=count,
            note=note,
            nav=nav,
            nav_label=t["list_pages_nav"],
            # columns styled by position (CSS nth-child), not by a class on each of 5 million cells
            nowrap=[i + 1 for i, c in enumerate(columns) if c in short],
            url_column=columns.index(url) + 1 if url in columns else None,
            credit=labels.N03_CREDIT,
        )
    )


def _rows(table: pd.DataFrame, order: np.ndarray | None, start: int, stop: int) -> pd.DataFrame:
    return table.iloc[start:stop] if order is None else table.take(order[start:stop])


def list_html(table: pd.DataFrame, title: str, *, note: str = "") -> str:
    """The list as one page, one string (see :func:`list_pages`)."""
    return "".join(list_pages(table, title, note=note))


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
        "table": packed_table(table, above=base.COMPRESS_ABOVE),
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


def _filled(column: pd.Series) -> bool:
    """Whether any cell of a list column holds text (no copy of the column is made: a
    list of 500,000 facilities is checked column by column in boolean arrays)."""
    return bool((column.notna() & (column != "")).any())


def write_resource_list(
    run: CheckRun,
    out_dir: str | Path,
    *,
    areas: Sequence[str] = (),
    stem: str = "resources_list",
    limit: int = LIST_PAGE_LIMIT,
) -> list[Path]:
    """Write the companion list as ``<stem>.csv`` (UTF-8 with BOM) and ``<stem>.html``;
    a list of more than ``limit`` facilities as pages ``<stem>.html``, ``<stem>_p2.html``
    … of ``limit`` rows each (see :func:`list_page_plan`). Returns the CSV, then the pages."""
    facilities = select_facilities(run, areas)
    table, order = _list_and_order(facilities)
    del facilities
    place = "・".join(areas) if areas else run.plan.name
    note = (
        labels.MAP_TEXT["no_facility_file"]
        if no_facility_file(run.facilities.logs, run.facilities.frame)
        else ""
    )
    out = Path(out_dir)
    title = f"{labels.MAP_TEXT['list_title']}（{place}）"
    pages = list_page_plan(len(table), stem, limit=limit)
    written = [write_csv(out / f"{stem}.csv", table, order=order)]
    for p in pages:
        pieces = list_pages(table, title, note=note, pages=pages, page=p.number, order=order)
        written.append(write_pieces(out / p.name, pieces))
    return written


def _legend(table: dict) -> list[dict[str, object]]:
    t = labels.MAP_TEXT
    rows = [heading(t["resources_title"])]
    rows += [legend_item(kind["label"], swatch=kind["color"]) for kind in table["kinds"]]
    rows.append(legend_item(t["h24"], badge="24"))
    if table["unlocated"]:
        rows.append(note(t["no_location"].format(n=table["unlocated"])))
    return rows


def _text(values: pd.Series) -> pd.Series:
    """A text column as an Arrow-backed string series, empty where missing (no copy
    for a column that is one already), indexed 0..n-1."""
    out = values.reset_index(drop=True)
    if not isinstance(out.dtype, pd.StringDtype):
        out = out.astype("str")
    return out.fillna("")


def _position_labels(facilities: pd.DataFrame) -> np.ndarray:
    """「町丁目の位置」 for a facility placed at its town's point, else empty (shared labels)."""
    out = np.full(len(facilities), "", dtype=object)
    if "position" in facilities:
        position = _text(facilities["position"])
        for key, label in labels.POSITIONS.items():
            out[(position == key).to_numpy(dtype=bool)] = label
    return out


def _ranks(values: pd.Series) -> np.ndarray:
    """Each value's place among the distinct values in code-point order (as ``sorted``:
    UTF-8 bytes sort as code points), computed by Arrow without Python strings."""
    arrow = pa.array(values.array)
    return pc.rank(arrow, sort_keys="ascending", tiebreaker="dense").to_numpy()


def _flags(values: pd.Series) -> np.ndarray:
    """Known-true flags (unknown is not true)."""
    return pd.array(values, dtype="boolean").fillna(False).to_numpy(dtype=bool)
