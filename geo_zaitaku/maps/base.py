"""What every geo_zaitaku map shares: the Folium map, basemaps, controls, legend,
credits, and writing one HTML file (optionally self-contained)."""

from __future__ import annotations

import base64
import gzip
import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import folium
from branca.element import Element, MacroElement
from folium.template import Template

from geo_zaitaku import labels
from geo_zaitaku._io import write_text
from geo_zaitaku.maps._assets import assets

GSI_STD = "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png"
GSI_ATTR = '<a href="https://maps.gsi.go.jp/development/ichiran.html">地理院タイル</a>'
N03_ATTR = html.escape(labels.N03_CREDIT)


def esc(value: object) -> str:
    """HTML-escape any value for insertion as HTML text (``None`` -> ``""``)."""
    return "" if value is None else html.escape(str(value), quote=True)


def js_json(value: object) -> str:
    """JSON for embedding inside a ``<script>`` element (no ``</script>``, no U+2028)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("</", "<\\/")
        .replace("<!--", "<\\!--")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


#: Tables larger than this (bytes of JSON) are embedded gzip-compressed.
COMPRESS_ABOVE = 2_000_000


class DataSlot:
    """A large data table kept out of the template engine: scripts contain a short
    placeholder, and :func:`render` puts the data in after rendering the page."""

    _count = 0

    def __init__(self, value: object) -> None:
        DataSlot._count += 1
        self.token = f"__GZ_DATA_{DataSlot._count}__"
        self.value = value

    def __str__(self) -> str:
        return self.token

    def expression(self) -> str:
        """A JavaScript expression for the table: JSON, or for large tables a base64
        string of gzip-compressed JSON (read with ``GZ.load``)."""
        text = json.dumps(self.value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        if len(text) <= COMPRESS_ABOVE:
            return js_json(self.value)
        packed = base64.b64encode(gzip.compress(text.encode("utf-8"), compresslevel=4, mtime=0)).decode(
            "ascii"
        )
        return '"' + packed + '"'


def js_data(value: object) -> DataSlot:
    """A placeholder for a data table in a script (see :class:`DataSlot`)."""
    return DataSlot(value)


def new_map(
    bounds: Sequence[float],
    *,
    basemap: bool = True,
    title: str = "",
) -> tuple[folium.Map, folium.LayerControl]:
    """Create a map fitted to ``bounds`` (minx, miny, maxx, maxy in lon/lat).

    The basemap is 地理院タイル (GSI standard map) with OpenStreetMap as an alternative;
    ``basemap=False`` gives a blank background. A scale bar is shown. The layer control
    is returned so that callers add overlays to it; it must be added to the map after
    the overlays (see :func:`finish`).
    """
    m = folium.Map(location=None, tiles=None, control_scale=True, zoom_control=True, prefer_canvas=False)
    m.default_js = []
    m.default_css = []
    if basemap:
        folium.TileLayer(
            GSI_STD,
            attr=GSI_ATTR,
            name="地理院タイル（標準地図）",
            max_zoom=18,
            min_zoom=5,
            max_native_zoom=18,
        ).add_to(m)
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap", show=False).add_to(m)
    # marker clustering needs zoom limits (Japan fits from zoom 4, streets need 18); set as
    # map options: calling setMinZoom later starts a zoom animation that swallows fitBounds
    m.options["minZoom"] = 4
    m.options["maxZoom"] = 18
    minx, miny, maxx, maxy = bounds
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    Script("map._gzBounds = L.latLngBounds(%s);" % js_json([[miny, minx], [maxy, maxx]])).add_to(m)
    if title:
        m.get_root().header.add_child(Element(f"<title>{esc(title)}</title>"), name="gz_title")
    control = folium.LayerControl(collapsed=True, position="topright")
    return m, control


class Script(MacroElement):
    """Arbitrary JavaScript run after the map (and its layer control) exist.

    ``code`` may use ``{map}`` and ``{control}`` placeholders for the Leaflet variable
    names of the map and the layer control.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(map, control) {
        {{ this.code }}
        })({{ this._parent.get_name() }}, {{ this.control_name }});
        {% endmacro %}
        """
    )

    def __init__(self, code: str, control: folium.LayerControl | None = None) -> None:
        super().__init__()
        self._name = "GzScript"
        self.code = code
        self.control_name = control.get_name() if control is not None else "null"


def add_legend(m: folium.Map, body_html: str, *, position: str = "bottomright") -> None:
    """Add a legend control whose inner HTML is ``body_html`` (already escaped) plus the
    N03 credit line. On a narrow screen it collapses behind a 凡例 button."""
    content = (
        f'<button type="button" class="gz-legend-toggle">{esc(labels.MAP_TEXT["legend"])}</button>'
        f'{body_html}<div class="gz-credit">{N03_ATTR}</div>'
    )
    code = (
        "var C = L.Control.extend({options: {position: %s}, onAdd: function () {"
        "var d = L.DomUtil.create('div', 'gz-legend' + (window.innerWidth < 600 ? ' gz-collapsed' : ''));"
        "d.innerHTML = %s; L.DomEvent.disableClickPropagation(d); L.DomEvent.disableScrollPropagation(d);"
        "d.querySelector('.gz-legend-toggle').addEventListener('click', function () {"
        "d.classList.toggle('gz-collapsed'); });"
        "return d; }}); var legend = new C().addTo(map);"
        # on a wide screen, fit the data beside the legend rather than under it
        "if (window.innerWidth >= 600 && map._gzBounds) { var w = legend.getContainer().offsetWidth;"
        " map.fitBounds(map._gzBounds, {paddingBottomRight: [w + 10, 0], animate: false}); }"
    ) % (js_json(position), js_json(content))
    Script(code).add_to(m)


def finish(m: folium.Map, control: folium.LayerControl, *, text: dict[str, str]) -> None:
    """Add the layer control, fullscreen button and N03 attribution (call last)."""
    control.add_to(m)
    Script(
        "map.attributionControl.addAttribution(%s); GZ.fullscreen(map, %s);"
        % (js_json(N03_ATTR), js_json(text))
    ).add_to(m)


def render(
    m: folium.Map,
    *,
    cluster: bool,
    self_contained: bool,
    after_body: str = "",
    data: Sequence[DataSlot] = (),
) -> str:
    """Render the map as one HTML document.

    Parameters
    ----------
    m
        The map.
    cluster
        Whether Leaflet.markercluster is needed.
    self_contained
        Inline Leaflet and the plugins (no network needed; basemap tiles are then
        simply absent offline).
    after_body
        Extra HTML placed after the map (e.g. a printable list), already escaped.
    data
        Data tables whose placeholders the map's scripts contain.
    """
    root = m.get_root()
    for i, asset in enumerate(assets(cluster=cluster, self_contained=self_contained)):
        root.header.add_child(Element(asset.html()), name=f"gz_asset_{i}", index=i)
    if after_body:
        root.html.add_child(Element(after_body), name="gz_after_body")
    document = root.render().replace("<html>", '<html lang="ja">', 1)
    for slot in data:
        document = document.replace(slot.token, slot.expression(), 1)
    return document


def save(document: str, path: str | Path) -> Path:
    """Write an HTML document atomically."""
    return write_text(path, document)


@dataclass(frozen=True, eq=False)
class MapDocument:
    """A map ready to be written: the Folium map, and how to render it.

    Attributes
    ----------
    map
        The Folium map (add layers to it before writing, if you like).
    cluster
        Whether Leaflet.markercluster is needed.
    after_body
        HTML placed after the map.
    data
        Data tables referred to by the map's scripts.
    """

    map: folium.Map
    cluster: bool
    after_body: str = ""
    data: tuple[DataSlot, ...] = ()

    def html(self, *, self_contained: bool = False) -> str:
        """The map as one HTML document (``self_contained``: no network needed)."""
        return render(
            self.map,
            cluster=self.cluster,
            self_contained=self_contained,
            after_body=self.after_body,
            data=self.data,
        )

    def save(self, path: str | Path, *, self_contained: bool = False) -> Path:
        """Write the HTML file atomically; return its path."""
        return save(self.html(self_contained=self_contained), path)
