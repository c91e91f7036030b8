"""Template injection: text from users' files is data, never template source.

Jinja2 payloads go through every user-text field — facility name, kind, address, phone,
url and id; plan name; area name; area note; link note; reference column and values;
a user preset's labels — into both maps and the residents' list. Nothing may be
evaluated (no arithmetic result, no loop output, no file created by a payload that
calls ``os.system``, no syntax error from a half template), and the text must arrive
literally: in the page configuration, in the list, and in the DOM Chromium builds.
"""

from __future__ import annotations

import csv
import html as htmllib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import facility_data, page_config

from geo_zaitaku._cells import clean_header
from geo_zaitaku.maps import area_map, resource_map, write_resource_list
from geo_zaitaku.pipeline import CheckRun, check_plan

#: Payloads that change the output if compiled as a template (or fail to compile).
PAYLOADS = {
    "rce": "{{ lipsum.__globals__.os.system(dict(id=1)|first) }}",
    "arith": "{{ 1234*5678 }}",
    "loop": "{% for x in range(3) %}GZLOOP{% endfor %}",
    "comment": "{# GZHIDDEN #}",
    "open": "{{ x",
    "block": "{% if %}",
    "placeholders": "__GZ_DATA_1__ __GZ_DATA_2__",
}
#: What a compiled payload would have left in the output.
EVALUATED = ("7006652", "GZLOOPGZLOOP", "uid=")
FIELDS = (
    "plan",
    "area",
    "note",
    "link",
    "refcol",
    "refval",
    "name",
    "kind",
    "address",
    "phone",
    "url",
    "id",
    "preset",
)


@dataclass(frozen=True)
class Hostile:
    run: CheckRun
    texts: dict[str, str]
    marker: Path


def _hostile(tmp: Path, sample_files, payload: str) -> Hostile:
    """The sample with ``payload`` in every user-text field (each tagged ``F<field>:``)."""
    marker = tmp / "pwned"
    payload = payload.replace("MARKER", str(marker))
    texts = {f: f"F{f}:{payload}" for f in FIELDS}
    texts["url"] = "https://example.com/?q=" + payload
    texts["refcol"] = clean_header(texts["refcol"])  # reference headers are read lower-cased
    plan = sample_files.plan.read_text(encoding="utf-8")
    plan = plan.replace('name = "さくら県 在宅医療圏（保健所圏域）"', f"name = {json.dumps(texts['plan'])}")
    plan = plan.replace('"南部" = [', f"{json.dumps(texts['area'])} = [")
    plan = plan.replace(
        '"北部" = ["北山市", "高原市", "雲井村", "99342", "沢渡村", "99344", "千鳥町"]',
        '"北部" = { units = ["北山市", "高原市", "雲井村", "99342", "沢渡村", "99344", "千鳥町"], '
        f"note = {json.dumps(texts['note'])} }}",
    )
    plan = plan.replace('note = "さくら大橋"', f"note = {json.dumps(texts['link'])}")
    plan = plan.replace('boundaries = "units.geojson"', f"boundaries = {json.dumps(str(sample_files.units))}")
    plan = plan.replace('reference = "reference.csv"', 'reference = "reference.csv"')
    plan = plan.replace('facilities = ["facilities.csv"]', 'facilities = ["hostile.csv"]')
    plan = plan.replace(
        'population = "population.csv"', f"population = {json.dumps(str(sample_files.population))}"
    )
    plan = plan.replace('projection = "projection.csv"\n', "")
    assert texts["plan"] in plan and texts["area"] in plan and texts["note"] in plan and texts["link"] in plan
    (tmp / "plan.toml").write_text(plan, encoding="utf-8")
    with sample_files.reference.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    rows[0].append(texts["refcol"])
    for i, row in enumerate(rows[1:]):
        row.append(texts["refval"] if i < 10 else "その他")
    with (tmp / "reference.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    preset = tmp / "preset.toml"
    preset.write_text(
        "[preset]\n"
        f"name = {json.dumps('mine')}\n"
        f"title = {json.dumps(texts['preset'])}\n"
        "[columns]\n"
        'id = "施設ID"\nname = "名称"\nlat = "緯度"\nlon = "経度"\nkind = "種別"\n'
        'key_institution = "積極的"\nhub = "拠点"\nis_24h = "24時間"\n'
        'phone = "電話"\naddress = "住所"\nurl = "URL"\n'
        "[constants]\n"
        f"kind = {json.dumps(texts['preset'])}\n",
        encoding="utf-8",
    )
    facilities = [
        ["施設ID", "名称", "緯度", "経度", "種別", "積極的", "拠点", "24時間", "電話", "住所", "URL"],
        # in 南部 (潮見町), which every payload renames
        [texts["id"], texts["name"], "31.080", "137.24", texts["kind"], "1", "1", "1", texts["phone"], texts["address"], texts["url"]],
        # the preset's constant kind, for a row without one
        ["P2", "定数の種別", "31.085", "137.25", "", "0", "0", "0", "", "", ""],
    ]  # fmt: skip
    for area_xy in ((31.23, 137.18), (31.52, 137.15), (31.33, 136.75), (31.25, 137.45)):  # the other areas
        facilities.append(
            ["K" + str(area_xy), "拠点病院", *map(str, area_xy), "hospital", "1", "1", "1", "", "", ""]
        )
    with (tmp / "hostile.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(facilities)
    run = check_plan(tmp / "plan.toml", facility_preset=preset, cache=False)
    return Hostile(run, texts, marker)


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.fixture(scope="module", params=list(PAYLOADS), ids=list(PAYLOADS))
def hostile(request, tmp_path_factory, sample_files) -> Hostile:
    return _hostile(tmp_path_factory.mktemp(request.param), sample_files, PAYLOADS[request.param])


def test_every_field_reaches_the_run(hostile):
    run, t = hostile.run, hostile.texts
    assert run.plan.name == t["plan"] and t["area"] in run.plan.areas
    assert t["refcol"] in run.plan.reference.columns
    frame = run.facilities.frame.set_index("id")
    row = frame.loc[t["id"]]
    assert (row["name"], row["kind"], row["phone"], row["address"], row["url"]) == (
        t["name"],
        t["kind"],
        t["phone"],
        t["address"],
        t["url"],
    )
    assert frame.loc["P2", "kind"] == t["preset"]
    assert run.report.areas  # the check itself ran


def test_maps_and_list_carry_the_text_as_data(hostile, tmp_path):
    run, t = hostile.run, hostile.texts
    pages = {
        "areas": area_map(run, basemap=False).html(),
        "resources": resource_map(run, basemap=False).html(),
        "area_only": resource_map(run, areas=[t["area"]], basemap=False).html(),
    }
    written = write_resource_list(run, tmp_path, areas=[t["area"]])
    listing = {p.suffix: p.read_text(encoding="utf-8-sig") for p in written}
    outputs = [*pages.values(), *listing.values()]
    for text in outputs:
        for mark in EVALUATED:
            assert mark not in text
    assert not hostile.marker.exists()
    expected = {
        "areas": ("plan", "area", "note", "link", "refcol", "refval", "name", "kind", "address", "phone", "url", "id", "preset"),
        "resources": ("plan", "name", "kind", "address", "phone", "url", "id", "preset"),
        "area_only": ("area", "plan", "name", "kind", "address", "phone", "url", "id"),
    }  # fmt: skip
    for page, html in pages.items():
        config = page_config(html)
        strings = _strings(config) + _strings(facility_data(config))
        for field in expected[page]:
            assert any(t[field] in s for s in strings), (page, field)
        title = f"<title>{htmllib.escape(config['title']['title'])}</title>"
        assert title in html
        outside = _outside_config(html).replace(title, "")
        for field in expected[page]:
            assert t[field] not in outside, (page, field)  # user text lives only in the data
    rows = list(csv.DictReader(listing[".csv"].splitlines()))
    hostile_row = next(r for r in rows if r["名称"] == t["name"])
    assert (hostile_row["種別"], hostile_row["住所"], hostile_row["圏域"]) == (
        t["kind"],
        t["address"],
        t["area"],
    )
    assert htmllib.escape(t["name"], quote=False) in listing[".html"]
    assert f"<title>{htmllib.escape('施設一覧（' + t['area'] + '）')}</title>" in listing[".html"]


def _outside_config(html: str) -> str:
    """The page without its JSON configuration element."""
    start = html.index('<script type="application/json" id="gz-config">')
    end = html.index("</script>", start)
    return html[:start] + html[end:]


def test_os_system_payload_creates_no_file(tmp_path, sample_files):
    hostile = _hostile(tmp_path, sample_files, "{{ lipsum.__globals__.os.system('touch MARKER') }}")
    area_map(hostile.run, basemap=False).save(tmp_path / "a.html")
    resource_map(hostile.run, basemap=False).save(tmp_path / "r.html")
    write_resource_list(hostile.run, tmp_path)
    assert not hostile.marker.exists()


def test_cli_maps_with_payloads(tmp_path, sample_files, capsys):
    """The CLI route, with the payload that used to raise TemplateSyntaxError."""
    from geo_zaitaku.cli import main

    hostile = _hostile(tmp_path, sample_files, PAYLOADS["open"])
    plan = str(tmp_path / "plan.toml")
    preset = ["--preset", str(tmp_path / "preset.toml")]
    assert main(["map", "areas", plan, *preset, "--no-basemap", "--out", str(tmp_path / "a.html")]) == 0
    code = main(
        [
            "map",
            "resources",
            plan,
            *preset,
            "--area",
            hostile.texts["area"],
            "--out",
            str(tmp_path / "r_map.html"),
        ]
    )
    assert code == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err and "TemplateSyntaxError" not in err
    config = page_config((tmp_path / "r_map.html").read_text(encoding="utf-8"))
    assert config["title"]["title"] == f"在宅医療・介護の資源マップ（{hostile.texts['area']}）"


# --------------------------------------------------------------------------- in Chromium

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import cdp  # noqa: E402

#: The page's visible text: everything but scripts (the configuration script holds the raw text).
VISIBLE_TEXT = """(() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll('script, style').forEach(s => s.remove());
  return body.textContent;
})()"""
OPEN_TOOLTIPS = """(() => {
  const map = GZ.map, control = GZ.control;
  control._layers.forEach(o => { if (o.overlay) map.addLayer(o.layer); });
  let n = 0;
  map.eachLayer(l => { if (l.feature && l.getTooltip && l.getTooltip()) { l.openTooltip(); n += 1; } });
  return n;
})()"""


@pytest.mark.browser
@pytest.mark.skipif(
    cdp.find_chromium() is None, reason="chromium not found (Debian: apt-get install chromium)"
)
@pytest.mark.parametrize("payload", ["arith", "loop", "open"])
def test_payloads_appear_literally_in_the_dom(payload, tmp_path, sample_files):
    pytest.importorskip("websocket", reason="websocket-client not installed (pip install '.[test]')")
    hostile = _hostile(tmp_path, sample_files, PAYLOADS[payload])
    t = hostile.texts
    areas, resources = tmp_path / "areas.html", tmp_path / "resources.html"
    area_map(hostile.run, basemap=False).save(areas)
    resource_map(hostile.run, basemap=False).save(resources)
    with cdp.browser("--host-resolver-rules=MAP * ~NOTFOUND", width=1400, height=900) as page:
        page.navigate(areas.as_uri())
        page.wait_for("document.documentElement.getAttribute('data-gz-ready')")
        page.evaluate(
            "document.querySelector('.leaflet-control-layers').classList.add('leaflet-control-layers-expanded')"
        )
        assert page.evaluate(OPEN_TOOLTIPS) > 20
        assert page.evaluate("document.title") == "在宅医療圏: " + t["plan"]
        text = page.evaluate(VISIBLE_TEXT)
        for field in ("plan", "area", "note", "link", "refcol", "refval", "kind"):
            assert t[field] in text, field
        for mark in EVALUATED:
            assert mark not in text
        page.navigate(resources.as_uri() + "#f=" + _quote(t["id"]))
        page.wait_for("document.documentElement.getAttribute('data-gz-ready')")
        popup = page.wait_for("(document.querySelector('.leaflet-popup-content') || {}).textContent")
        assert popup.startswith(t["name"]) and t["address"] in popup and t["phone"] in popup
        assert page.evaluate("document.querySelector('.gz-popup-url').getAttribute('href')") == t["url"]
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        listing = page.evaluate("document.querySelector('#gz-list').textContent")
        assert t["name"] in listing and t["preset"] in listing
        text = page.evaluate(VISIBLE_TEXT)
        assert t["plan"] in text
        for mark in EVALUATED:
            assert mark not in text
        assert page.evaluate("document.querySelectorAll('.gz-popup script, .gz-popup img').length") == 0
    assert not hostile.marker.exists()


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


HOSTILE_NAME = "南部<script>alert(1)</script>\n[evil]\nx = 1\x7f|"


@pytest.mark.parametrize(
    ("value", "line", "toml", "md"),
    [
        ("a\nb\r\nc", "a b  c", '"a\\nb\\r\\nc"', "a b  c"),
        ("<b>&|", "<b>&|", '"<b>&|"', "&lt;b&gt;&amp;\\|"),
        ("x\x7fy\u2028z", "x y z", '"x\\u007fy\u2028z"', "x y z"),
        ('引用"符', '引用"符', '"引用\\"符"', '引用"符'),
    ],
)
def test_text_helpers(value, line, toml, md):
    import tomllib

    from geo_zaitaku._io import md_cell, one_line, toml_string

    assert one_line(value) == line
    assert toml_string(value) == toml
    assert tomllib.loads(f"k = {toml_string(value)}")["k"] == value
    assert md_cell(value) == md


def test_design_outputs_keep_names_as_data(tmp_path, sample_files, capsys):
    """An area name with a line break, a TOML table, HTML and DEL stays one key of the
    proposed plan, one line of each comment and escaped text in design.md."""
    import tomllib

    from geo_zaitaku._io import toml_string
    from geo_zaitaku.cli import main

    def plan_named(area: str):
        text = sample_files.plan.read_text(encoding="utf-8").replace('"南部" = [', f"{toml_string(area)} = [")
        for name in ("units.geojson", "facilities.csv", "population.csv", "reference.csv", "projection.csv"):
            text = text.replace(f'"{name}"', json.dumps(str(sample_files.directory / name)))
        plan = tmp_path / "plan.toml"
        plan.write_text(text, encoding="utf-8")
        return plan

    out = tmp_path / "design"
    # line breaks and DEL in an area name are refused at the door
    assert main(["design", "areas", "--plan", str(plan_named(HOSTILE_NAME)), "--out", str(out), "-q"]) == 2
    assert "制御文字を含んでいます" in capsys.readouterr().err
    hostile = HOSTILE_NAME.replace("\n", " ").replace("\x7f", " ")
    plan = plan_named(hostile)
    assert main(["design", "areas", "--plan", str(plan), "--out", str(out), "-q", "--no-basemap"]) == 0
    proposed = (out / "plan.toml").read_text(encoding="utf-8")
    parsed = tomllib.loads(proposed)
    assert set(parsed) == {"plan", "areas", "links", "checks"} and "evil" not in parsed
    assert set(parsed["areas"]) == {"東部", "北部", "西部", hostile}
    assert all(line.startswith(("#", "[", '"', "a ", "b ", "kind", "note", "name", "units")) or "=" in line
               for line in proposed.splitlines() if line)  # fmt: skip
    md = (out / "design.md").read_text(encoding="utf-8")
    assert "<script>" not in md and "南部&lt;script&gt;alert(1)&lt;/script&gt; \\[evil\\] x = 1 \\|" in md


def test_import_log_keeps_a_preset_credit_and_a_list_file_name_as_text(tmp_path, sample_files, capsys):
    """A preset's credit and the file name of a --key-institutions list went into
    import_log.md as they were: rendered, the <img onerror> ran."""
    from geo_zaitaku.cli import main

    preset = tmp_path / "my.toml"
    preset.write_text(
        '[preset]\nname = "my"\ntitle = "my"\nfiles = ["*.csv"]\ndetect = ["name"]\n'
        'credit = "出典 <img src=x onerror=alert(1)>\\n# injected\\n[click](javascript:alert(1))"\n'
        '[columns]\nid = "id"\nname = "name"\nlat = "lat"\nlon = "lon"\n',
        encoding="utf-8",
    )
    listed = tmp_path / "<img src=x onerror=alert(2)>.csv"
    listed.write_text("名称\n架空の病院\n", encoding="utf-8")
    out = tmp_path / "o"
    code = main(
        ["facilities", "import", str(sample_files.facilities), "--units", str(sample_files.units),
         "--preset", str(preset), "--key-institutions", str(listed), "--out", str(out)]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    log = (out / "import_log.md").read_text(encoding="utf-8")
    assert "<img" not in log and "\n# injected" not in log and "[click](" not in log
    assert "- 出典 &lt;img src=x onerror=alert(1)&gt; # injected \\[click\\](javascript:alert(1))" in log
    assert "（&lt;img src=x onerror=alert(2)&gt;.csv）" in log
