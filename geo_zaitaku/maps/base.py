"""What every geo_zaitaku map shares: the Folium map with its basemaps and layer control,
one JSON configuration that the page's script (``static/gz_map.js``) turns into layers,
labels, legend and controls, and writing the page as one HTML file.

**User text never becomes template source.** Branca renders every Folium element's
macros and then compiles their output again as a Jinja2 template, so any text placed in
a Folium element would be evaluated (``{{ … }}`` in a facility name would run code on
the planner's machine). Here Folium only ever sees fixed text: the basemaps, the
variable names it generates, and numbers. Everything that comes from users' files —
plan, area, municipality and facility names, addresses, notes, reference layers — goes
into the JSON configuration, which is written by a plain element (rendered once, never
compiled) inside ``<script type="application/json">`` with ``<``, ``>`` and ``&``
escaped, and which the script inserts into the page with ``textContent`` only.
"""

from __future__ import annotations

import base64
import datetime
import gzip
import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import folium
from branca.element import Element, MacroElement
from folium.template import Template

from geo_zaitaku import labels
from geo_zaitaku._io import write_text
from geo_zaitaku.maps._assets import assets

GSI_STD = "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png"
GSI_ATTR = '<a href="https://maps.gsi.go.jp/development/ichiran.html">地理院タイル</a>'
#: Id of the element holding the page's configuration.
CONFIG_ID = "gz-config"
#: Facility tables larger than this (bytes of JSON) are embedded gzip-compressed.
COMPRESS_ABOVE = 2_000_000


def html_json(value: object) -> str:
    """JSON safe to place inside any HTML element: ``<``, ``>``, ``&``, U+2028 and U+2029
    are written as ``\\u`` escapes, so the text can never end the element or open a
    comment, and ``JSON.parse`` reads it back unchanged. NaN and infinity are refused."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def packed(value: object) -> object:
    """``value`` as it is, or for a large table a base64 string of its gzip-compressed JSON
    (the page decompresses it with the browser's ``DecompressionStream``)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    if len(text) <= COMPRESS_ABOVE:
        return value
    return base64.b64encode(gzip.compress(text.encode("utf-8"), compresslevel=4, mtime=0)).decode("ascii")


class _Title(Element):
    """The page's ``<title>``: text escaped here, substituted once by a fixed template."""

    _template = Template("<title>{{ this.escaped }}</title>")

    def __init__(self, title: str) -> None:
        super().__init__()
        self.escaped = html.escape(title, quote=True)


class _JsonData(Element):
    """The configuration as ``<script type="application/json">``: a plain element, rendered
    once with a fixed template; its text is :func:`html_json` output."""

    _template = Template(
        '<script type="application/json" id="{{ this.element_id }}">{{ this.text }}</script>'
    )

    def __init__(self, value: object, element_id: str = CONFIG_ID) -> None:
        super().__init__()
        self.element_id = element_id
        self.text = html_json(value)


class _Start(MacroElement):
    """Runs ``GZ.start`` with the map, its layer control and the configuration element.
    The macro holds only names Folium generated."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        GZ.start({{ this._parent.get_name() }}, {{ this.control_name }}, "{{ this.config_id }}");
        {% endmacro %}
        """
    )

    def __init__(self, control: folium.LayerControl, config_id: str = CONFIG_ID) -> None:
        super().__init__()
        self._name = "GzStart"
        self.control_name = control.get_name()
        self.config_id = config_id


def new_map(bounds: Sequence[float], *, basemap: bool = True) -> tuple[folium.Map, folium.LayerControl]:
    """Create a map fitted to ``bounds`` (minx, miny, maxx, maxy in lon/lat).

    The basemap is 地理院タイル (GSI standard map) with OpenStreetMap as an alternative;
    ``basemap=False`` gives a blank background. A scale bar is shown. Only fixed text
    and numbers are given to Folium (see the module docstring).
    """
    m = folium.Map(location=None, tiles=None, control_scale=True, zoom_control=True, prefer_canvas=False)
    m.default_js = []
    m.default_css = []
    if basemap:
        folium.TileLayer(
            GSI_STD,
            attr=GSI_ATTR,
            name=labels.MAP_TEXT["gsi_layer"],
            max_zoom=18,
            min_zoom=5,
            max_native_zoom=18,
        ).add_to(m)
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap", show=False).add_to(m)
    # marker clustering needs zoom limits (Japan fits from zoom 4, streets need 18); set as
    # map options: calling setMinZoom later starts a zoom animation that swallows fitBounds
    m.options["minZoom"] = 4
    m.options["maxZoom"] = 18
    # fractional zoom, so that fitting the data beside the legend does not drop a whole level
    m.options["zoomSnap"] = 0.25
    m.options["zoomDelta"] = 0.5
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    control = folium.LayerControl(collapsed=True, position="topright")
    return m, control


@dataclass(frozen=True, eq=False)
class MapDocument:
    """A map ready to be written: the Folium map and the configuration of its script.

    Attributes
    ----------
    map
        The Folium map (fixed text only; see the module docstring).
    control
        Its layer control (the script adds the overlays to it).
    config
        Everything the script draws, as JSON-ready data (see ``static/gz_map.js``,
        ``GZ.start``).
    cluster
        Whether Leaflet.markercluster is needed.
    """

    map: folium.Map
    control: folium.LayerControl
    config: Mapping[str, Any] = field(default_factory=dict)
    cluster: bool = False

    def html(self, *, self_contained: bool = True) -> str:
        """The map as one HTML document.

        Parameters
        ----------
        self_contained
            Inline Leaflet and the plugins (default): the file opens with no network
            (basemap tiles are then simply absent). ``False`` links them from a CDN.
        """
        return render(self, self_contained=self_contained)

    def save(self, path: str | Path, *, self_contained: bool = True) -> Path:
        """Write the HTML file atomically; return its path."""
        return write_text(path, self.html(self_contained=self_contained))


def render(doc: MapDocument, *, self_contained: bool) -> str:
    """Render a :class:`MapDocument` as one HTML document (the same bytes for the same
    map: element names are numbered in tree order, not Folium's random ids)."""
    m = doc.map
    root = m.get_root()
    _number_elements(root, doc.control)
    for i, asset in enumerate(assets(cluster=doc.cluster, self_contained=self_contained)):
        root.header.add_child(Element(asset.html()), name=f"gz_asset_{i}", index=i)
    if "meta_http" in root.header._children:  # the encoding before the inlined libraries:
        root.header._children.move_to_end("meta_http", last=False)  # browsers look in the first 1,024 bytes
    title = str(doc.config.get("title", {}).get("title", ""))
    root.header.add_child(_Title(title), name="gz_title")
    root.html.add_child(_JsonData(doc.config), name="gz_config")
    if doc.control.get_name() not in m._children:  # the control after the basemaps
        doc.control.add_to(m)
        m.add_child(_Start(doc.control), name="gz_start")
    document = root.render()
    head = "<!DOCTYPE html>\n<html>"
    if document.startswith(head):  # Folium's own first line, before any data
        document = '<!DOCTYPE html>\n<html lang="ja">' + document[len(head) :]
    return document


def _number_elements(*roots: Element) -> None:
    """Give every element under ``roots`` an id from its place in the tree (Folium
    draws a random one for each, so that two renderings of one map differed in every
    ``map_<hex>`` and ``geo_json_<hex>``). Done before any name is written anywhere."""
    seen: set[int] = set()
    count = 0

    def walk(element: Element) -> None:
        nonlocal count
        if id(element) in seen:
            return
        seen.add(id(element))
        element._id = f"{count:08x}"
        count += 1
        for child in list(element._children.values()):
            walk(child)

    for root in roots:
        walk(root)


def legend_item(text: str, **style: object) -> dict[str, object]:
    """One legend row: ``text`` with a symbol (``fill``, ``line``, ``swatch``, ``role``,
    ``badge`` or ``hatch``; see ``GZ.legend`` in ``static/gz_map.js``)."""
    return {"t": text, **style}


def heading(text: str) -> dict[str, object]:
    """A legend heading."""
    return {"h": text}


def note(text: str) -> dict[str, object]:
    """A line of text in the legend."""
    return {"note": text}


def base_config(
    *,
    kind: str,
    title: str,
    subtitle: str = "",
    date: str = "",
    bounds: Sequence[float],
) -> dict[str, Any]:
    """The parts of a page configuration every map has.

    Parameters
    ----------
    kind
        ``"areas"`` or ``"resources"``.
    title, subtitle
        The title block (plan or map name, the areas shown).
    date
        The data's dates (:func:`data_dates`), shown in the title block and in print.
    bounds
        minx, miny, maxx, maxy (lon/lat) of the data, for fitting the view.
    """
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    return {
        "kind": kind,
        "title": {"title": title, "subtitle": subtitle, "date": date},
        "text": dict(labels.MAP_TEXT),
        "credit": labels.N03_CREDIT,
        "bounds": [[miny, minx], [maxy, maxx]],
        "layers": [],
        "legend": {"position": "bottomright", "items": []},
    }


#: Dates in file names: N03 editions (``N03-21_43_210101``, ``N03-20240101``) and the
#: open-data files' ``YYYYMMDD`` (``02-1_clinic_facility_info_20240601.csv``).
_N03_SHORT = re.compile(r"N03-\d{2}_(?:\d{2}_)?(\d{2})(\d{2})(\d{2})")
_YYYYMMDD = re.compile(r"(?<!\d)(20\d{2})(\d{2})(\d{2})(?!\d)")


def data_dates(units_sources: Sequence[str], facility_sources: Sequence[str] = ()) -> str:
    """The dates of the data shown, for the title block: the boundaries' N03 edition and
    the facility lists' dates (from their file names, e.g. 「境界: 2021年1月1日・施設:
    2024年6月1日」; a list whose name holds no date is dated by the file's modification,
    and says so: 「施設: 2026年12月1日（ファイルの更新日）」, since a copied file is dated
    the day it was copied); empty when none is known."""
    t = labels.MAP_TEXT
    parts = []
    edition = next((d for d in (_name_date(s, n03=True) for s in units_sources) if d), None)
    if edition:
        parts.append(t["date_boundaries"].format(date=edition))
    named = [d for d in (_name_date(s) for s in facility_sources) if d]
    stamped = [d for s in facility_sources if not _name_date(s) and (d := _file_date(s))]
    dates = [*sorted(set(named)), *(t["date_of_file"].format(date=d) for d in sorted(set(stamped)))]
    if dates:
        parts.append(t["date_facilities"].format(date="・".join(dates)))
    return "・".join(parts)


def _name_date(source: str, *, n03: bool = False) -> str | None:
    name = Path(str(source).split("!")[-1]).name
    match = _N03_SHORT.search(name) if n03 else None
    if match:
        yy, mm, dd = match.groups()
        return _ja_date(2000 + int(yy), int(mm), int(dd))
    match = _YYYYMMDD.search(name)
    return _ja_date(*(int(v) for v in match.groups())) if match else None


def _file_date(source: str) -> str | None:
    try:
        stamp = Path(source).stat().st_mtime
    except (OSError, ValueError):
        return None
    day = datetime.date.fromtimestamp(stamp)
    return _ja_date(day.year, day.month, day.day)


def _ja_date(year: int, month: int, day: int) -> str | None:
    try:
        datetime.date(year, month, day)
    except ValueError:
        return None
    return labels.MAP_TEXT["date"].format(y=year, m=month, d=day)


def unit_labels(units: Any, geoms: Any) -> dict[str, Any]:
    """Municipality names for the map: each unit's name at a point inside it, with its
    bounding box (the page shows a name where it fits and does not collide)."""
    items = []
    for name, geom in zip(units["name"].tolist(), geoms, strict=True):
        if geom is None or geom.is_empty:
            continue
        p = geom.representative_point()
        minx, miny, maxx, maxy = geom.bounds
        items.append(
            {
                "lat": round(p.y, 5),
                "lon": round(p.x, 5),
                "text": str(name),
                "box": [round(miny, 4), round(minx, 4), round(maxy, 4), round(maxx, 4)],
            }
        )
    return {"name": labels.MAP_TEXT["unit_labels_layer"], "items": items}
