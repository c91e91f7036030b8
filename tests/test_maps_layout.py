"""What people see on the maps, checked in headless Chromium at a desktop size
(1400×900) and a phone size (390×844), with every network lookup refused: controls that
do not cover each other, a view fitted to the data beside the legend, municipality
names where they fit, small institution markers at low zoom, readable tooltips, no focus
rectangle on click, the printed page, the list on a phone, and a --cdn map opened
offline. Screenshots are written to the test's temp folder (``*.png``)."""

import base64
import sys
import time
from pathlib import Path

import pytest

from geo_zaitaku.maps import area_map, resource_map, write_resource_list

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import cdp

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        cdp.find_chromium() is None, reason="chromium not found (Debian: apt-get install chromium)"
    ),
]
pytest.importorskip("websocket", reason="websocket-client not installed (pip install '.[test]')")
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND"
DESKTOP, PHONE = (1400, 900), (390, 844)
READY = "document.documentElement.getAttribute('data-gz-ready')"
RECT = """(function (sel) { var e = document.querySelector(sel); if (!e || !e.offsetParent) return null;
  var r = e.getBoundingClientRect(); return r.width && r.height ? [r.left, r.top, r.right, r.bottom] : null; })"""


def open_page(page, url: str, size: tuple[int, int], *, ready: str = READY) -> None:
    w, h = size
    page.call("Emulation.setDeviceMetricsOverride", width=w, height=h, deviceScaleFactor=1, mobile=w < 600)
    page.navigate(url)
    page.wait_for(ready)
    time.sleep(0.3)  # clusters and labels placed after the last chunk


def rect(page, selector: str):
    return page.evaluate(f"{RECT}({selector!r})")


def shoot(page, path: Path) -> Path:
    path.write_bytes(base64.b64decode(page.call("Page.captureScreenshot", format="png")["data"]))
    return path


def intersect(a, b) -> bool:
    return a[0] < b[2] and a[2] > b[0] and a[1] < b[3] and a[3] > b[1]


def inside(r, size) -> bool:
    return r[0] >= 0 and r[1] >= 0 and r[2] <= size[0] + 0.5 and r[3] <= size[1] + 0.5


@pytest.fixture(scope="module")
def pages(sample_run, tmp_path_factory):
    """The sample's area map (with the 高齢化率 choropleth shown) and resource map."""
    d = tmp_path_factory.mktemp("layout")
    areas = d / "areas.html"
    area_map(sample_run, basemap=False, choropleth="aging_rate", show_choropleth=True).save(areas)
    resources = d / "resources.html"
    resource_map(sample_run, basemap=False).save(resources)
    write_resource_list(sample_run, d)
    return {"areas": areas, "resources": resources, "list": d / "resources_list.html", "dir": d}


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("kind", ["areas", "resources"])
def test_controls_do_not_cover_each_other(pages, tmp_path, kind, size):
    """Legend and layer control (and the title, zoom buttons, scale bar and attribution)
    do not intersect, and all lie inside the viewport."""
    with cdp.browser(OFFLINE, width=size[0], height=size[1]) as page:
        open_page(page, pages[kind].as_uri(), size)
        shoot(page, tmp_path / f"{kind}_{size[0]}.png")
        boxes = {
            name: rect(page, sel)
            for name, sel in {
                "legend": ".gz-legend",
                "layers": ".leaflet-control-layers",
                "title": ".gz-title",
                "zoom": ".leaflet-control-zoom",
                "scale": ".leaflet-control-scale",
                "attribution": ".leaflet-control-attribution",
            }.items()
        }
        assert all(boxes.values()), boxes
        for name, r in boxes.items():
            assert inside(r, size), (name, r)
        pairs = [
            ("legend", "layers"),
            ("title", "layers"),
            ("title", "zoom"),
            ("scale", "attribution"),
            ("legend", "attribution"),
            ("legend", "title"),
        ]
        for a, b in pairs:
            assert not intersect(boxes[a], boxes[b]), (a, b, boxes[a], boxes[b])
        # the open layer list (hovered on a desktop, tapped on a phone) stops above the legend
        page.evaluate("GZ.control.expand(); 1")
        layers, legend = rect(page, ".leaflet-control-layers"), rect(page, ".gz-legend")
        assert inside(layers, size) and not intersect(layers, legend), (layers, legend)


def test_choropleth_legend_is_in_view_with_its_unit(pages, tmp_path):
    """At 1400×900 the choropleth's classes are on screen (not below the fold), first in
    the legend, with the unit in the heading; turning the layer off hides them."""
    with cdp.browser(OFFLINE, width=DESKTOP[0], height=DESKTOP[1]) as page:
        open_page(page, pages["areas"].as_uri(), DESKTOP)
        section = page.evaluate(
            "(function(){var s=document.querySelector('.gz-legend-section[data-layer]');"
            "var r=s.getBoundingClientRect(), l=document.querySelector('.gz-legend').getBoundingClientRect();"
            "return [s.querySelector('h4').textContent, s.parentNode.firstChild === s, r.top >= l.top, r.bottom <= l.bottom,"
            " [...s.querySelectorAll('.gz-row span:last-child')].map(x => x.textContent)];})()"
        )
        heading, first, top_in, bottom_in, rows = section
        assert heading == "市区町村別: 高齢化率（65歳以上の割合）（単位: %）"
        assert first and top_in and bottom_in
        assert rows and all(r.endswith("%") for r in rows)
        page.evaluate("GZ.map.removeLayer(GZ.layers[" + repr(heading) + "]); 1")
        assert page.evaluate(
            "document.querySelector('.gz-legend-section[data-layer]').classList.contains('gz-hidden')"
        )


def test_view_fits_the_data_beside_the_legend(pages):
    """The prefecture fills the room right of the legend (not a third of the screen)."""
    with cdp.browser(OFFLINE, width=DESKTOP[0], height=DESKTOP[1]) as page:
        open_page(page, pages["areas"].as_uri(), DESKTOP)
        data = page.evaluate(
            "(function(){var b=L.latLngBounds(GZ.config.bounds), m=GZ.map;"
            "var a=m.latLngToContainerPoint(b.getSouthWest()), c=m.latLngToContainerPoint(b.getNorthEast());"
            "return [a.x, c.y, c.x, a.y];})()"
        )
        legend, title = rect(page, ".gz-legend"), rect(page, ".gz-title")
        free_w, free_h = DESKTOP[0] - legend[2] - 20, DESKTOP[1] - title[3] - 20
        assert data[0] >= legend[2] - 2 and data[1] >= title[3] - 2  # not under the legend or title
        assert data[2] <= DESKTOP[0] + 1 and data[3] <= DESKTOP[1] + 1
        assert (data[2] - data[0]) >= 0.85 * free_w or (data[3] - data[1]) >= 0.85 * free_h, data


def test_names_on_top_and_institutions_small_at_low_zoom(pages, tmp_path):
    """Municipality names appear where they fit (more as one zooms in); area names sit
    above the markers on a white label; key institutions are drawn small at low zoom."""
    with cdp.browser(OFFLINE, width=DESKTOP[0], height=DESKTOP[1]) as page:
        open_page(page, pages["areas"].as_uri(), DESKTOP)
        page.evaluate("GZ.map.removeLayer(GZ.layers['市区町村別: 高齢化率（65歳以上の割合）（単位: %）']); 1")
        assert page.evaluate("getComputedStyle(GZ.map.getPane('gzLabels')).zIndex") == "650"
        assert page.evaluate("getComputedStyle(GZ.map.getPane('markerPane')).zIndex") == "600"
        background = page.evaluate(
            "getComputedStyle(document.querySelector('.gz-label span')).backgroundColor"
        )
        assert background.startswith("rgba(255, 255, 255")
        zoom = page.evaluate("GZ.map.getZoom()")
        shown = int(page.evaluate("GZ.map.getContainer().getAttribute('data-gz-unit-labels')"))
        names = page.evaluate(
            "[...document.querySelectorAll('.gz-unit-label:not(.gz-hidden) span')].map(s => s.textContent)"
        )
        assert zoom < 10 and 0 < shown == len(names) < 26 and "桜台町" in names
        key = page.evaluate("document.querySelector('.gz-icon.gz-key span').getBoundingClientRect().width")
        assert key <= 13  # 22 px icons drawn at about half size
        shoot(page, tmp_path / "areas_low_zoom.png")
        page.evaluate("GZ.map.setZoom(12, {animate: false}); 1")
        time.sleep(0.5)
        more = int(page.evaluate("GZ.map.getContainer().getAttribute('data-gz-unit-labels')"))
        big = page.evaluate(
            "Math.max(...[...document.querySelectorAll('.gz-icon.gz-key span')].map(s => s.getBoundingClientRect().width))"
        )
        assert big >= 20
        page.evaluate(
            "GZ.map.setZoom(11, {animate: false}); GZ.map.panTo([31.25, 137.17], {animate: false}); 1"
        )
        time.sleep(0.5)
        more = max(more, int(page.evaluate("GZ.map.getContainer().getAttribute('data-gz-unit-labels')")))
        assert more >= 1
        page.evaluate("GZ.map.setZoom(6, {animate: false}); 1")
        time.sleep(0.5)
        assert int(page.evaluate("GZ.map.getContainer().getAttribute('data-gz-unit-labels')")) < shown


def test_tooltip_is_wide_and_a_click_draws_no_focus_box(pages, tmp_path):
    with cdp.browser(OFFLINE, width=DESKTOP[0], height=DESKTOP[1]) as page:
        open_page(page, pages["areas"].as_uri(), DESKTOP)
        page.evaluate(
            "Object.values(GZ.facilityLayers).forEach(l => GZ.map.removeLayer(l));"
            "['圏域名', '市区町村名', '二次医療圏', '保健所圏域', '市区町村別: 高齢化率（65歳以上の割合）（単位: %）']"
            ".forEach(n => GZ.layers[n] && GZ.map.removeLayer(GZ.layers[n])); 1"
        )
        xy = page.evaluate(
            "(function(){var out; GZ.layers['在宅医療圏'].eachLayer(function(f){"
            " if (!out && f.feature.properties.i === 0) { var p = GZ.map.latLngToContainerPoint(f.getCenter());"
            " var r = GZ.map.getContainer().getBoundingClientRect(); out = [p.x + r.left, p.y + r.top]; }}); return out;})()"
        )
        page.call("Input.dispatchMouseEvent", type="mouseMoved", x=xy[0], y=xy[1])
        time.sleep(0.3)
        tip = page.evaluate(
            "(function(){var t=document.querySelector('.leaflet-tooltip'); var r=t.getBoundingClientRect();"
            "return [r.width, [...t.querySelectorAll('.gz-tip > div')].map(d => [d.textContent, d.getBoundingClientRect().height])];})()"
        )
        width, lines = tip
        assert 200 <= width <= 360, tip
        assert lines[0][0] == "さくら市（99100）"
        assert all(h < 2 * 20 for text, h in lines if len(text) <= 20), lines  # short lines on one line
        for kind in ("mousePressed", "mouseReleased"):
            page.call("Input.dispatchMouseEvent", type=kind, x=xy[0], y=xy[1], button="left", clickCount=1)
        time.sleep(0.2)
        focus = page.evaluate(
            "(function(){var e=document.activeElement; var s=getComputedStyle(e);"
            "return [e.tagName, s.outlineStyle, getComputedStyle(GZ.map.getContainer()).outlineStyle];})()"
        )
        assert focus[1] == "none" and focus[2] == "none", focus
        shoot(page, tmp_path / "tooltip_click.png")


def test_phone_attribution_leaves_the_scale_bar_visible(pages, tmp_path):
    with cdp.browser(OFFLINE, width=PHONE[0], height=PHONE[1]) as page:
        open_page(page, pages["resources"].as_uri(), PHONE)
        scale, attribution = rect(page, ".leaflet-control-scale"), rect(page, ".leaflet-control-attribution")
        assert not intersect(scale, attribution) and scale[3] <= attribution[1] + 1
        assert page.evaluate("document.querySelector('.gz-legend').classList.contains('gz-collapsed')")
        page.evaluate("document.querySelector('.gz-legend-toggle').click(); 1")
        time.sleep(0.2)
        legend = rect(page, ".gz-legend")
        assert inside(legend, PHONE) and not intersect(legend, rect(page, ".leaflet-control-layers"))
        assert not intersect(legend, attribution)
        shoot(page, tmp_path / "phone_legend_open.png")


#: An A4 page less 12 mm margins, in CSS pixels (186 mm × 273 mm at 96 dpi).
A4 = (703, 1032)


def test_printed_resource_map_has_title_map_compact_legend_then_list(pages, tmp_path, sample_run):
    """Printed: the title and area, the map fitted to the page, a compact legend below it,
    then the list (checked on a page-sized viewport in print media; the PDF is kept)."""
    with cdp.browser(OFFLINE, width=A4[0], height=A4[1]) as page:
        path = pages["dir"] / "south.html"
        resource_map(sample_run, areas=["南部"], basemap=False).save(path)
        open_page(page, path.as_uri(), A4)
        page.call("Emulation.setEmulatedMedia", media="print")
        page.evaluate("window.dispatchEvent(new Event('beforeprint')); 1")
        time.sleep(0.3)
        header = page.evaluate("document.querySelector('.gz-print-header').innerText")
        assert (
            header.startswith("在宅医療・介護の資源マップ（南部）")
            and "さくら県 在宅医療圏（保健所圏域）" in header
        )
        m = rect(page, ".folium-map")
        head, legend, listing = (
            rect(page, ".gz-print-header"),
            rect(page, "#gz-print-legend"),
            rect(page, "#gz-list"),
        )
        assert head[3] <= m[1] + 1 and legend[1] >= m[3] - 1 and listing[1] >= legend[3] - 1
        assert legend[3] - legend[1] < 0.5 * (m[3] - m[1])  # compact: well under half the map's height
        assert rect(page, ".gz-legend") is None and rect(page, ".leaflet-control-layers") is None
        assert "在宅療養支援診療所" in page.evaluate("document.querySelector('#gz-print-legend').innerText")
        assert page.evaluate("document.querySelectorAll('#gz-list tr').length") == 27 + 1
        assert page.evaluate("document.documentElement.scrollWidth") <= A4[0]
        data = page.evaluate(
            "(function(){var b=L.latLngBounds(GZ.config.bounds), m=GZ.map;"
            "var a=m.latLngToContainerPoint(b.getSouthWest()), c=m.latLngToContainerPoint(b.getNorthEast());"
            "return [a.x, c.y, c.x, a.y, m.getSize().x, m.getSize().y];})()"
        )
        assert (
            data[0] >= 0 and data[1] >= 0 and data[2] <= data[4] and data[3] <= data[5]
        )  # fitted to the page
        assert data[2] - data[0] >= 0.8 * data[4] or data[3] - data[1] >= 0.8 * data[5]
        shoot(page, tmp_path / "print.png")
        pdf = base64.b64decode(
            page.call("Page.printToPDF", printBackground=True, preferCSSPageSize=True)["data"]
        )
        (tmp_path / "print.pdf").write_bytes(pdf)
        assert pdf.startswith(b"%PDF")


def test_list_on_a_phone_is_one_card_per_facility(pages, tmp_path):
    with cdp.browser(OFFLINE, width=PHONE[0], height=PHONE[1]) as page:
        open_page(page, pages["list"].as_uri(), PHONE, ready="document.readyState === 'complete'")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]  # no sideways scroll
        cells = page.evaluate(
            "[...document.querySelectorAll('tbody tr:first-child td')].filter(td => td.offsetParent)"
            ".map(td => td.getBoundingClientRect().width)"
        )
        assert cells and min(cells) > 300
        assert page.evaluate("getComputedStyle(document.querySelector('thead')).display") == "none"
        label = page.evaluate("getComputedStyle(document.querySelector('tbody td'), '::before').content")
        assert label == '"種別："'
        shoot(page, tmp_path / "list_phone.png")


def test_cdn_map_offline_says_what_to_do(sample_run, tmp_path):
    """A map written with --cdn, opened with no network, explains itself (not a white page)."""
    path = tmp_path / "cdn.html"
    area_map(sample_run, basemap=False).save(path, self_contained=False)
    with cdp.browser(OFFLINE, width=DESKTOP[0], height=DESKTOP[1]) as page:
        open_page(page, path.as_uri(), DESKTOP, ready="!!document.querySelector('.gz-offline')")
        text = page.evaluate("document.querySelector('.gz-offline').textContent")
        assert text.startswith("地図のスクリプト（Leaflet）を読み込めませんでした") and "--cdn" in text
        assert inside(rect(page, ".gz-offline"), DESKTOP)
        shoot(page, tmp_path / "cdn_offline.png")


def test_choropleth_covers_the_area_fill_and_joins_the_tooltip(sample_run, tmp_path):
    """With a choropleth on, the areas' own fill is off (the colours are the legend's),
    the area colours leave the legend, the hover shows the usual municipality tooltip
    with the value added, and an area without a hub is a class of its own; turned off,
    all of it comes back."""
    path = tmp_path / "areas.html"
    area_map(sample_run, basemap=False, choropleth="people_per_hub", show_choropleth=True).save(path)
    name = "市区町村別: 拠点あたり人口（圏域の値）（単位: 人）"
    state = (
        """(function(){var a = GZ.layers['在宅医療圏'], c = GZ.layers[%r], out = {fill: [], shade: {}};
      a.eachLayer(function (f) { out.fill.push(f.options.fillOpacity); });
      c.eachLayer(function (f) { out.shade[f.feature.properties.i] = [f.options.fillColor, f.options.interactive]; });
      out.rows = [...document.querySelectorAll('.gz-legend [data-unless]')].map(r => !r.classList.contains('gz-hidden'));
      out.legend = document.querySelector('.gz-legend').textContent; return out;})()"""
        % name
    )
    hover = (
        "(function(){var out; GZ.layers['在宅医療圏'].eachLayer(function(f){"
        " if (!out && f.feature.properties.i === %d) { var p = GZ.map.latLngToContainerPoint(f.getCenter());"
        " var r = GZ.map.getContainer().getBoundingClientRect(); out = [p.x + r.left, p.y + r.top]; }}); return out;})()"
    )
    lines = "[...document.querySelectorAll('.leaflet-tooltip .gz-tip > div')].map(d => d.textContent)"
    codes = list(sample_run.plan.units.index)
    west = [i for i, c in enumerate(codes) if sample_run.plan.assignment[c] == "西部"]
    with cdp.browser(OFFLINE, width=DESKTOP[0], height=DESKTOP[1]) as page:
        open_page(page, path.as_uri(), DESKTOP)
        page.evaluate(
            "Object.values(GZ.facilityLayers).forEach(l => GZ.map.removeLayer(l));"
            "['圏域名', '市区町村名'].forEach(n => GZ.layers[n] && GZ.map.removeLayer(GZ.layers[n])); 1"
        )
        on = page.evaluate(state)
        assert set(on["fill"]) == {0}
        assert {on["shade"][str(i)][0] for i in west} == {"#B00000"}  # 西部 has no hub
        # classes 50,000 – 100,000 – 200,000 – 400,000: さくら市's 370,000 is the third
        assert on["shade"]["0"] == ["#21918C", False]  # and the choropleth is not interactive
        assert "200,000 – 400,000" in on["legend"] and "400,000 – " not in on["legend"]
        assert on["rows"] == [False] * 5 and "拠点なし（0か所）" in on["legend"]
        xy = page.evaluate(hover % 0)
        page.call("Input.dispatchMouseEvent", type="mouseMoved", x=xy[0], y=xy[1])
        time.sleep(0.3)
        tip = page.evaluate(lines)
        assert tip[:3] == ["さくら市（99100）", "拠点あたり人口（圏域の値）: 370,000人", "圏域: さくら市"], (
            tip
        )
        shoot(page, tmp_path / "choropleth_on.png")
        # the layer control's checkbox turns the choropleth off: the areas' colours return
        page.evaluate(
            "[...document.querySelectorAll('.leaflet-control-layers-overlays label')]"
            f".find(l => l.textContent.trim() === {name!r}).querySelector('input').click(); 1"
        )
        off = page.evaluate(state)
        assert set(off["fill"]) == {0.55} and off["rows"] == [True] * 5
        for x, y in ((DESKTOP[0] - 5, DESKTOP[1] // 2), xy):  # off the map's shapes and back
            page.call("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
            time.sleep(0.3)
        tip = page.evaluate(lines)
        assert tip[:2] == ["さくら市（99100）", "圏域: さくら市"], tip


def test_a_long_popup_on_a_phone_stays_clear_of_the_controls(sample_files, tmp_path):
    """A 200-character name: the popup lies inside the screen, below the title and the
    search box (it used to slide under them and off the right edge)."""
    from geo_zaitaku.pipeline import check_plan

    fac = tmp_path / "f.csv"
    fac.write_text(
        "id,name,lat,lon,kind\nL1," + "とても長い名前の診療所" * 20 + ",31.2317,137.1762,clinic\n",
        encoding="utf-8",
    )
    run = check_plan(sample_files.plan, facilities=[fac], cache=False)
    path = tmp_path / "r.html"
    resource_map(run, basemap=False).save(path)
    with cdp.browser(OFFLINE, width=PHONE[0], height=PHONE[1]) as page:
        open_page(page, path.as_uri() + "#f=L1", PHONE)
        time.sleep(1.0)  # the pan that makes room for the popup
        shoot(page, tmp_path / "long_popup.png")
        popup = rect(page, ".leaflet-popup")
        assert popup and inside(popup, PHONE), popup
        for control in (".gz-search", ".gz-title", ".leaflet-control-zoom"):
            assert not intersect(popup, rect(page, control)), (control, popup, rect(page, control))
