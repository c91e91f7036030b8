"""Real-browser tests: headless Chromium opens the self-contained maps from files with
all network lookups refused, and the rendered DOM is checked (markers or clusters,
layer control, escaped popup text); screenshots are kept in the test's temp folder."""

import html as htmllib
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import EVIL_ATTR, EVIL_NAME

from geo_zaitaku.maps import area_map, resource_map

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import cdp

CHROMIUM = cdp.find_chromium()
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium not found (Debian: apt-get install chromium)"),
]
FLAGS = [
    *cdp.FLAGS,
    "--host-resolver-rules=MAP * ~NOTFOUND",  # no network at all: the map must not need it
    "--window-size=1200,900",
    "--virtual-time-budget=15000",
]


def chromium(tmp_path, url: str, *extra: str) -> str:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    proc = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *extra, url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


class Elements(HTMLParser):
    """Collects the elements of a serialised DOM: tag names, and script texts."""

    def __init__(self, dom: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(dom)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def ready(dom: str) -> dict:
    match = re.search(r'data-gz-ready="([^"]*)"', dom)
    assert match, "the page never reported ready (a script error?)"
    return json.loads(htmllib.unescape(match.group(1)))


def test_resource_map_in_chromium(evil_run, tmp_path):
    path = tmp_path / "resources.html"
    resource_map(evil_run, basemap=False).save(path, self_contained=True)
    dom = chromium(tmp_path, path.as_uri() + "#f=E1", "--dump-dom")
    info = ready(dom)
    assert info["facilities"] == 244 and info["unlocated"] == 1
    assert len(re.findall(r'class="[^"]*\b(gz-icon|gz-cluster)\b', dom)) > 10
    layer_labels = re.findall(r'<span class="gz-layer-label">.*?</span>([^<]+)</span>', dom)
    assert any(label.startswith("在宅療養支援診療所 (") for label in layer_labels)
    assert any(label.startswith("訪問看護ステーション (") for label in layer_labels)
    popup = re.search(r'<div class="leaflet-popup-content"[^>]*>(.*?)</div></div>', dom, flags=re.S)
    assert popup, "deep link #f=E1 did not open the popup"
    assert htmllib.escape(EVIL_NAME, quote=False) in popup.group(1)
    elements = Elements(dom)
    assert "img" not in elements.tags  # the hostile name made no element
    assert not [t for t in elements.scripts if t.lstrip().startswith("alert(")]
    assert 'href="tel:0990112222"' in popup.group(1)
    assert "javascript:" not in popup.group(1)
    shot = tmp_path / "resources.png"
    chromium(tmp_path, path.as_uri() + "#f=E2", f"--screenshot={shot}")
    assert shot.stat().st_size > 20_000


def test_area_map_in_chromium(sample_run, tmp_path):
    path = tmp_path / "areas.html"
    area_map(sample_run, basemap=False, choropleth="pop_75over").save(path, self_contained=True)
    dom = chromium(tmp_path, path.as_uri(), "--dump-dom")
    info = ready(dom)
    assert info["areas"] == 5 and info["facilities"] == 242
    # the view is fitted to the prefecture (about 130 km across), not the whole world
    assert 8 <= info["zoom"] <= 11
    assert 30.8 < info["center"][0] < 31.8 and 136.5 < info["center"][1] < 137.8
    assert 'id="gz-hatch"' in dom
    assert 'fill="url(#gz-hatch)"' in dom
    assert "西部 ⚠" in dom and "gz-legend" in dom
    assert "gz-role-key" in dom  # key institutions overlay in the layer control
    assert re.search(r'class="[^"]*gz-label gz-error-label', dom)
    shot = tmp_path / "areas.png"
    chromium(tmp_path, path.as_uri(), f"--screenshot={shot}")
    assert shot.stat().st_size > 20_000


def test_search_and_click_in_chromium(evil_run, tmp_path):
    """Type in the name search, pick a result, read the popup (DevTools protocol)."""
    pytest.importorskip("websocket", reason="websocket-client not installed (pip install '.[test]')")
    path = tmp_path / "resources.html"
    resource_map(evil_run, basemap=False).save(path, self_contained=True)
    with cdp.browser("--host-resolver-rules=MAP * ~NOTFOUND", width=390, height=844) as page:
        page.navigate(path.as_uri())
        page.wait_for("document.documentElement.getAttribute('data-gz-ready')")
        page.evaluate(
            "var i = document.querySelector('.gz-search input'); i.value = 'ALERT';"
            " i.dispatchEvent(new Event('input'));"
        )
        hits = page.evaluate(
            "[...document.querySelectorAll('.gz-search-results li')].map(li => li.textContent)"
        )
        assert hits == [EVIL_NAME, EVIL_ATTR]  # full-width/case-insensitive match, shown as text
        page.evaluate("document.querySelector('.gz-search-results li').click()")
        text = page.wait_for("(document.querySelector('.leaflet-popup-content') || {}).textContent")
        assert text.startswith(EVIL_NAME + "診療所")
        assert (
            page.evaluate(
                "document.querySelectorAll('.leaflet-popup-content script, .leaflet-popup-content img').length"
            )
            == 0
        )
        assert page.evaluate("map_zoom = Object.values(window).find(v => v instanceof L.Map).getZoom()") >= 16
        page.evaluate(
            "var i = document.querySelector('.gz-search input'); i.value = 'どこにもない'; i.dispatchEvent(new Event('input'));"
        )
        assert (
            page.evaluate("document.querySelector('.gz-search-results').textContent")
            == "該当する施設がありません"
        )
        # printing adds the list of every facility shown, after the map
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        assert page.evaluate("document.querySelectorAll('#gz-list tr').length") == 244 + 1
        assert EVIL_NAME in page.evaluate("document.querySelector('#gz-list').textContent")
        # the legend starts collapsed on a phone-sized screen and opens with its button
        assert page.evaluate("document.querySelector('.gz-legend').classList.contains('gz-collapsed')")
        page.evaluate("document.querySelector('.gz-legend-toggle').click()")
        assert not page.evaluate("document.querySelector('.gz-legend').classList.contains('gz-collapsed')")


def test_a_key_institution_that_is_a_hub_is_in_both_overlays(sample_files, tmp_path):
    """Counted and drawn as a hub too (the hub overlay used to miss it: 10 of 13 hubs),
    with its own symbol, and still shown as a hub when the key-institution overlay is
    turned off."""
    pytest.importorskip("websocket", reason="websocket-client not installed (pip install '.[test]')")
    from geo_zaitaku.pipeline import check_plan

    fac = tmp_path / "f.csv"
    fac.write_text(
        "id,name,lat,lon,kind,key_institution,hub\n"
        "A,両方病院,31.21,137.16,hospital,1,1\nB,拠点診療所,31.22,137.17,clinic,0,1\n"
        "C,積極病院,31.23,137.18,hospital,1,0\n",
        encoding="utf-8",
    )
    run = check_plan(sample_files.plan, facilities=[fac], cache=False)
    path = tmp_path / "areas.html"
    area_map(run, basemap=False).save(path)
    with cdp.browser("--host-resolver-rules=MAP * ~NOTFOUND") as page:
        page.navigate(path.as_uri())
        page.wait_for("document.documentElement.getAttribute('data-gz-ready')")
        overlays = page.evaluate(
            "[...document.querySelectorAll('.leaflet-control-layers-overlays label')].map(l => l.textContent.trim())"
        )
        assert "積極的役割を担う医療機関 (2)" in overlays and "連携を担う拠点 (2)" in overlays
        assert page.evaluate("document.querySelectorAll('.gz-icon.gz-both').length") == 1
        assert "積極的医療機関で連携拠点（両方のレイヤに入ります）" in page.evaluate(
            "document.querySelector('.gz-legend').textContent"
        )
        page.evaluate(
            "[...document.querySelectorAll('.leaflet-control-layers-overlays label')]"
            ".find(l => l.textContent.trim().startsWith('積極的役割')).querySelector('input').click(); 1"
        )
        shown = "GZ.facilityLayers.hub.getLayers().filter(m => GZ.map.hasLayer(m)).map(m => m.options.title)"
        assert sorted(page.evaluate(shown)) == ["両方病院", "拠点診療所"]
        assert page.evaluate("GZ.facilityLayers.key.getLayers().filter(m => GZ.map.hasLayer(m)).length") == 1


def test_legend_rows_follow_their_layers_and_marks_show_their_symbol(sample_run, tmp_path):
    """The 保健所圏域 row is listed only while that layer is on (it starts off); the single
    points of failure of a robustness map are rings in the legend, as on the map."""
    pytest.importorskip("websocket", reason="websocket-client not installed (pip install '.[test]')")
    from geo_zaitaku.maps import robustness_map
    from geo_zaitaku.scenarios.robustness import analyse

    path = tmp_path / "robust.html"
    robustness_map(sample_run, analyse(sample_run), basemap=False).save(path)
    rows = (
        "[...document.querySelectorAll('.gz-legend .gz-row')].filter(r => !r.classList.contains('gz-hidden'))"
        ".map(r => [r.textContent, (r.firstChild || {}).className || ''])"
    )
    with cdp.browser("--host-resolver-rules=MAP * ~NOTFOUND") as page:
        page.navigate(path.as_uri())
        page.wait_for("document.documentElement.getAttribute('data-gz-ready')")
        shown = dict(page.evaluate(rows))
        assert shown["単一障害点"] == "gz-ring" and "二次医療圏" in shown and "保健所圏域" not in shown
        page.evaluate(
            "[...document.querySelectorAll('.leaflet-control-layers-overlays label')]"
            ".find(l => l.textContent.trim() === '保健所圏域').querySelector('input').click(); 1"
        )
        assert "保健所圏域" in dict(page.evaluate(rows))
