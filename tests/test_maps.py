"""Structural tests of the HTML maps (the browser test is in test_maps_browser.py)."""

import csv
import itertools
import json
import re
from pathlib import Path

import pytest
from conftest import EVIL_ATTR, EVIL_NAME, facility_data, page_config

from geo_zaitaku._errors import InputError
from geo_zaitaku.maps import area_map, resource_map, write_resource_list
from geo_zaitaku.maps._facilities import facility_table, table_rows
from geo_zaitaku.maps._style import AREA_COLORS, color_areas
from geo_zaitaku.pipeline import check_plan


def has(html: str, text: str) -> bool:
    """Whether text appears raw, or as Folium writes non-ASCII into JSON (\\uXXXX)."""
    return text in html or json.dumps(text)[1:-1] in html


def data_table(html: str) -> dict:
    return facility_data(page_config(html))


def texts(config: dict) -> list[str]:
    """Every legend text of a page configuration."""
    return [i.get("t") or i.get("h") or i.get("note") for i in config["legend"]["items"]]


def test_area_map_layers_legend_and_errors(sample_run):
    html = area_map(sample_run, basemap=False, choropleth="pop_75over").html(self_contained=True)
    config = page_config(html)
    names = [layer["name"] for layer in config["layers"]] + [config["labels"]["name"]]
    assert names == [  # the choropleth just above the areas, under their borders
        "在宅医療圏",
        "市区町村別: 75歳以上人口（単位: 人）",
        "在宅医療圏の境界",
        "エラーのある圏域",
        "二次医療圏",
        "保健所圏域",
        "橋・航路などの連結",
        "圏域名",
    ]
    assert config["unitLabels"]["name"] == "市区町村名" and len(config["unitLabels"]["items"]) == 26
    hatched = [layer for layer in config["layers"] if layer.get("hatch")]
    assert config["hatch"] == "#B00000" and [h["name"] for h in hatched] == ["エラーのある圏域"]
    west = [tip for tip in config["layers"][0]["tips"] if "圏域: 西部" in tip.get("l", [])]
    assert len(west) == 7 and all("連携を担う拠点がありません（0か所、必要数 1）" in tip["e"] for tip in west)
    assert config["credit"] == "出典：国土数値情報（行政区域データ）（国土交通省）を加工して作成"
    assert "cyberjapandata" not in html  # no basemap
    legend = texts(config)
    for area in ("さくら市", "東部", "北部", "西部 ⚠", "南部"):
        assert area in legend
    links = config["layers"][6]
    assert links["tips"] == [{"t": "橋: 潮見町 – 浮島町", "l": ["さくら大橋"]}]
    table = data_table(html)
    assert len(table["rows"]) == 242  # 243 placed facilities, one of them by code only
    assert table["unlocated"] == 1
    kinds = {k["id"]: k for k in table["kinds"]}
    assert kinds["pharmacy"]["visible"] is False and kinds["support_clinic"]["visible"] is True
    assert kinds["clinic"]["visible"] is False  # only 在支診・在支病 beside the key institutions and hubs


def test_area_map_with_basemap_links_cdn(sample_run):
    html = area_map(sample_run).html(self_contained=False)
    assert "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png" in html
    assert has(html, "地理院タイル（標準地図）") and "OpenStreetMap" in html
    assert re.search(
        r'<script src="https://cdn\.jsdelivr\.net/npm/leaflet@1\.9\.\d/dist/leaflet\.js"[^>]*>', html
    )
    assert "jquery" not in html and "bootstrap" not in html and "fontawesome" not in html


def test_self_contained_map_needs_no_network(sample_run):
    html = resource_map(sample_run).html(self_contained=True)
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=", html)
    assert "url(images/" not in html  # leaflet.css images inlined as data URIs
    assert "<script>/* leaflet.js */" in html and "<script>/* leaflet.markercluster.js */" in html
    assert "<style>/* MarkerCluster.css */" in html and "<script>/* gz_map.js */" in html


def test_hostile_strings_are_escaped(evil_run, tmp_path):
    for doc in (area_map(evil_run, basemap=False), resource_map(evil_run, basemap=False)):
        html = doc.html(self_contained=True)
        assert EVIL_NAME not in html  # never raw, not even inside the data script
        assert EVIL_ATTR not in html
        assert "<img src=x" not in html and "<b>" not in html
        assert "javascript:alert(2)" not in html  # unsafe URL dropped
        config = page_config(html)  # ... but the text itself travels intact, as data
        assert config["title"]["title"].startswith(("在宅医療圏", "在宅医療・介護の資源マップ"))
    table = data_table(resource_map(evil_run, basemap=False).html())
    rows = {r[0]: r for r in table["rows"]}
    assert rows["E1"][5] == EVIL_NAME and rows["E1"][9] == ""
    assert rows["E2"][5] == EVIL_ATTR and rows["E2"][9] == "https://example.com/ok"
    config = page_config(area_map(evil_run, basemap=False).html())
    assert EVIL_ATTR + " ⚠" in texts(config)  # the area name, as legend text
    written = write_resource_list(evil_run, tmp_path)
    listing = written[1].read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listing and EVIL_NAME not in listing


def test_resource_map_per_area_and_list(sample_run, tmp_path):
    doc = resource_map(sample_run, areas=["南部"], basemap=False)
    table = data_table(doc.html())
    names = {r[5] for r in table["rows"]}
    assert "南部中央病院" in names and "北部中央病院" not in names
    south = next(a for a in sample_run.report.areas if a.name == "南部")
    assert len(table["rows"]) == south.n_facilities == 27
    csv_path, html_path = write_resource_list(sample_run, tmp_path, areas=["南部"])
    rows = list(csv.DictReader(csv_path.read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == 27
    assert list(rows[0]) == [
        "種別",
        "名称",
        "住所",
        "地図の位置",  # 「町丁目の位置」 for town-level points
        "電話",
        "24時間対応",
        "対応",
        "ウェブサイト",
        "市区町村",
        "圏域",
    ]
    assert {r["圏域"] for r in rows} == {"南部"}
    assert rows[0]["種別"] == "在宅療養支援診療所"
    assert 'href="tel:' in html_path.read_text(encoding="utf-8")
    with pytest.raises(InputError, match="東方"):
        resource_map(sample_run, areas=["東方"])


def test_whole_plan_list_counts_every_facility(sample_run, tmp_path):
    csv_path, _ = write_resource_list(sample_run, tmp_path)
    rows = list(csv.DictReader(csv_path.read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == len(sample_run.facilities.frame) == 243


def test_choropleth_errors(sample_run):
    with pytest.raises(InputError, match="pop_95over"):
        area_map(sample_run, choropleth="pop_95over")


def test_facility_table_compacts_addresses(sample_run):
    table = facility_table(sample_run.facilities.frame, sample_run.plan.units)
    c = table["columns"]
    row = next(r for r in table_rows(table) if r[c["name"]] == "南部中央病院")
    assert table["units"][row[c["unit"]]] == "さくら県南岬市"
    assert not row[c["address"]].startswith("さくら県")
    assert row[c["flags"]] & 1 and row[c["flags"]] & 4 and not row[c["flags"]] & 2


def test_area_colours():
    assert color_areas(["a", "b", "c"], {}) == {"a": AREA_COLORS[0], "b": AREA_COLORS[1], "c": AREA_COLORS[2]}
    names = [f"a{i}" for i in range(12)]
    ring = {n: {names[(i - 1) % 12], names[(i + 1) % 12]} for i, n in enumerate(names)}
    colours = color_areas(names, ring)
    assert all(colours[n] != colours[m] for n in names for m in ring[n])


def test_large_tables_are_compressed(sample_run, monkeypatch):
    from geo_zaitaku.maps import base

    monkeypatch.setattr(base, "COMPRESS_ABOVE", 1000)
    config = page_config(resource_map(sample_run, basemap=False).html())
    assert isinstance(config["facilities"]["table"], str)
    assert re.fullmatch(r"[A-Za-z0-9+/=]+", config["facilities"]["table"])
    assert len(facility_data(config)["rows"]) == 242


def test_map_commands(sample_files, tmp_path, capsys):
    from geo_zaitaku.cli import main

    code = main(
        [
            "map",
            "areas",
            str(sample_files.plan),
            "--no-basemap",
            "--choropleth",
            "pop_65over",
            "--out",
            str(tmp_path / "a.html"),
        ]
    )
    assert code == 0
    html = (tmp_path / "a.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="ja">' in html
    # a choropleth asked for on the command line is shown when the page opens
    shown = [x["show"] for x in page_config(html)["layers"] if x["name"].startswith("市区町村別: ")]
    assert shown == [True]
    # and from Python the same (it opened hidden there), unless asked otherwise
    from geo_zaitaku import check_plan
    from geo_zaitaku.maps import area_map

    run = check_plan(sample_files.plan)
    for kwargs, expected in (({}, [True]), ({"show_choropleth": False}, [False])):
        page = area_map(run, basemap=False, choropleth="pop_65over", **kwargs).html()
        layers = page_config(page)["layers"]
        assert [x["show"] for x in layers if x["name"].startswith("市区町村別: ")] == expected
    code = main(
        ["map", "resources", str(sample_files.plan), "--area", "北部", "--out", str(tmp_path / "r_map.html")]
    )
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "a.html",
        "r_list.csv",
        "r_list.html",
        "r_map.html",
        "run.json",
    ]
    capsys.readouterr()
    assert (
        main(
            [
                "map",
                "resources",
                str(sample_files.plan),
                "--area",
                "どこにもない",
                "--out",
                str(tmp_path / "x.html"),
            ]
        )
        == 2
    )
    assert (
        main(
            [
                "map",
                "areas",
                str(sample_files.plan),
                "--choropleth",
                "nope",
                "--out",
                str(tmp_path / "y.html"),
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "どこにもない" in err and "nope" in err and "Traceback" not in err
    assert not (tmp_path / "x.html").exists() and not (tmp_path / "y.html").exists()


def test_list_with_unknown_flags(sample_files, tmp_path):
    """Facility files often leave the function and 24-hour columns empty (unknown)."""
    fac = tmp_path / "f.csv"
    fac.write_text(
        "name,lat,lon,is_24h,discharge\n空欄クリニック,31.21,137.16,,\n夜間休診クリニック,31.21,137.16,0,\n"
        "終日クリニック,31.21,137.16,1,\n",
        encoding="utf-8",
    )
    run = check_plan(sample_files.plan, facilities=[fac], cache=False)
    (csv_path, _) = write_resource_list(run, tmp_path)
    rows = list(csv.DictReader(csv_path.read_text(encoding="utf-8-sig").splitlines()))
    # 24時間対応: ○ yes, × no, 不明 unknown (never blank for both no and unknown)
    assert [(r["名称"], r["24時間対応"]) for r in rows] == [
        ("夜間休診クリニック", "×"),
        ("空欄クリニック", "不明"),
        ("終日クリニック", "○"),
    ]
    assert all(r["地図の位置"] == "" for r in rows)  # no town-level positions here
    table = facility_table(run.facilities.frame, run.plan.units)
    c, f = table["columns"], table["flags"]
    bits = {
        r[c["name"]]: (bool(r[c["flags"]] & f["is_24h"]), bool(r[c["flags"]] & f["not_24h"]))
        for r in table_rows(table)
    }
    assert bits == {
        "空欄クリニック": (False, False),
        "夜間休診クリニック": (False, True),
        "終日クリニック": (True, False),
    }
    assert rows[1] == {
        "種別": "その他",
        "名称": "空欄クリニック",
        "住所": "",
        "地図の位置": "",
        "電話": "",
        "24時間対応": "不明",
        "対応": "",
        "ウェブサイト": "",
        "市区町村": "さくら市",
        "圏域": "さくら市",
    }


def plan_without_facilities(sample_files, folder):
    """A copy of the sample plan (and its inputs) with no facility file."""
    import shutil

    for name in ("units.geojson", "reference.csv", "population.csv", "projection.csv"):
        shutil.copy(sample_files.directory / name, folder / name)
    text = sample_files.plan.read_text(encoding="utf-8")
    plan = folder / "plan.toml"
    plan.write_text(text.replace('facilities = ["facilities.csv"]\n', ""), encoding="utf-8")
    return plan


def test_maps_without_facilities_say_so(sample_files, tmp_path, capsys):
    """No --facilities: the areas are drawn and the legend says no facility file was
    given (it used to end in KeyError: 'lat')."""
    from geo_zaitaku.cli import main

    plan = plan_without_facilities(sample_files, tmp_path)
    out = tmp_path / "out"
    assert (
        main(
            [
                "map",
                "resources",
                str(plan),
                "--area",
                "南部",
                "--no-basemap",
                "--out",
                str(out / "r_map.html"),
            ]
        )
        == 0
    )
    assert main(["map", "areas", str(plan), "--no-basemap", "--out", str(out / "a.html")]) == 0
    note = "施設データが指定されていません（施設CSVを --facilities で指定すると施設を表示します）"
    for name in ("r_map.html", "a.html"):
        config = page_config((out / name).read_text(encoding="utf-8"))
        assert note in texts(config)
        assert facility_data(config)["rows"] == []
    assert "Traceback" not in capsys.readouterr().err


def test_resource_maps_of_several_areas_do_not_replace_each_other(sample_files, tmp_path, monkeypatch):
    from geo_zaitaku.cli import main
    from geo_zaitaku.cli.maps import list_stem, resources_file

    monkeypatch.chdir(tmp_path)
    for area in ("南部", "北部"):
        assert main(["map", "resources", str(sample_files.plan), "--area", area, "--no-basemap"]) == 0
    assert main(["map", "resources", str(sample_files.plan), "--no-basemap"]) == 0
    folder = tmp_path / "out" / "plan"
    assert sorted(p.name for p in folder.iterdir()) == [
        "resources_list.csv",
        "resources_list.html",
        "resources_list_北部.csv",
        "resources_list_北部.html",
        "resources_list_南部.csv",
        "resources_list_南部.html",
        "resources_map.html",
        "resources_map_北部.html",
        "resources_map_南部.html",
        "run.json",
    ]
    assert (
        "南部"
        in page_config((folder / "resources_map_南部.html").read_text(encoding="utf-8"))["title"]["title"]
    )
    assert resources_file(("a/b", "c:d")) == "resources_map_a_b_c_d.html"
    assert list_stem(Path("resources_map_有明.html")) == "resources_list_有明"
    assert list_stem(Path("r_map.html")) == "r_list"


def test_map_out_may_be_a_folder(sample_files, tmp_path, capsys):
    """``--out`` naming an existing folder (as for the other commands) puts the map
    under its default name inside it; a name without .html is refused (exit 2)."""
    from geo_zaitaku.cli import main

    folder = tmp_path / "maps"
    folder.mkdir()
    plan = str(sample_files.plan)
    assert main(["map", "resources", plan, "--area", "南部", "--no-basemap", "--out", str(folder)]) == 0
    assert main(["map", "areas", plan, "--no-basemap", "--out", str(folder)]) == 0
    assert sorted(p.name for p in folder.iterdir()) == [
        "areas_map.html",
        "resources_list_南部.csv",
        "resources_list_南部.html",
        "resources_map_南部.html",
        "run.json",
    ]
    capsys.readouterr()
    assert main(["map", "areas", plan, "--no-basemap", "--out", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert "で終わるファイル名（例: map.html）か、フォルダ（既にあるフォルダか、末尾に / を付けた名前" in err
    assert "Traceback" not in err and not (tmp_path / "missing").exists()
    # a name ending in a separator is a folder, made when the map is written
    assert main(["map", "areas", plan, "--no-basemap", "--out", str(tmp_path / "new") + "/"]) == 0
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == ["areas_map.html", "run.json"]


def test_choropleth_rates_and_readable_breaks(sample_run):
    """高齢化率, 75+ share, people per hub and patients per 1,000: exact values, class
    breaks on round numbers, the unit in the legend heading."""
    import numpy as np

    from geo_zaitaku.demand import CURRENT, demand_by_area
    from geo_zaitaku.maps.choropleth import measure, nice_breaks

    units = sample_run.plan.units
    m, aging = measure(sample_run, "aging_rate")
    assert m.unit == "%" and aging[0] == pytest.approx(
        100 * units["pop_65over"].iloc[0] / units["population"].iloc[0]
    )
    _, share75 = measure(sample_run, "pop_75over_rate")
    assert np.nanmax(share75) < np.nanmax(aging)
    _, per_hub = measure(sample_run, "people_per_hub")
    areas = {a.name: a.people_per_hub for a in sample_run.report.areas}
    assert per_hub[0] == areas["さくら市"] == 370000 and np.isnan(
        per_hub[list(units.index).index("99202")]
    )  # 西部: no hub
    _, patients = measure(sample_run, "patients_per_1000")
    demand = demand_by_area(sample_run.plan, {CURRENT: sample_run.population}).units.set_index("code")
    assert patients[0] == pytest.approx(demand.loc["99100", "patients"] / 740000 * 1000)
    edges = nice_breaks(aging)
    steps = np.diff(edges)
    assert edges[0] <= np.nanmin(aging) and edges[-1] >= np.nanmax(aging) and len(edges) <= 6
    assert all(float(e) == round(float(e)) for e in edges) and all(s % 5 == 0 for s in steps)
    config = page_config(area_map(sample_run, basemap=False, choropleth="aging_rate").html())
    section = next(i for i, item in enumerate(config["legend"]["items"]) if item.get("layer"))
    rows = config["legend"]["items"][section:]
    assert rows[0]["h"] == "市区町村別: 高齢化率（65歳以上の割合）（単位: %）"
    assert [r["t"] for r in rows[1:]] == [f"{a:.0f} – {b:.0f}%" for a, b in itertools.pairwise(edges)]
    layer = next(x for x in config["layers"] if x["name"] == rows[0]["h"])
    areas = config["layers"][0]
    assert layer["interactive"] is False and layer["covers"] == areas["name"] == "在宅医療圏"
    assert areas["valueLayer"] == layer["name"]
    assert areas["tips"][0]["v"] == f"高齢化率（65歳以上の割合）: {aging[0]:.1f}%"
    assert areas["tips"][0]["t"] == "さくら市（99100）"  # the unit's own tooltip, the value added
    assert [r.get("unless") for r in config["legend"]["items"] if r.get("fill")][:5] == [layer["name"]] * 5
    with pytest.raises(InputError, match="aging_rate"):
        area_map(sample_run, choropleth="nope")


def test_choropleth_refuses_bookkeeping_columns_and_names_a_missing_age_column(sample_files, tmp_path):
    """Internal numeric columns (zone, lon …) are not offered; a population file without
    the 85+ column is told so, not asked for --population again."""
    from geo_zaitaku.maps.choropleth import measure
    from geo_zaitaku.pipeline import check_plan

    pop = tmp_path / "pop.csv"
    pop.write_text("code,population,pop_65over\n99100,740000,200000\n", encoding="utf-8")
    run = check_plan(sample_files.plan, population=pop, cache=False)
    for column in ("zone", "lon", "pop_lat"):
        with pytest.raises(InputError) as err:
            measure(run, column)
        assert str(err.value).startswith(f"--choropleth: {column!r} は使えません")
        assert ", zone" not in str(err.value) and "lon," not in str(err.value)
    for column, label in (("pop_85over", "85歳以上人口"), ("pop_75over_rate", "75歳以上人口")):
        with pytest.raises(InputError) as err:
            measure(run, column)
        assert str(err.value).startswith(f"--choropleth: 人口データに {label}（")
    _, area = measure(run, "area_km2")
    assert (area > 0).all()


def test_people_per_hub_without_a_hub_is_its_own_class(sample_run):
    """An area known to have no hub (西部) is 「拠点なし」 in red, not 「データなし」."""
    config = page_config(area_map(sample_run, basemap=False, choropleth="people_per_hub").html())
    layer = next(x for x in config["layers"] if x["name"].startswith("市区町村別: 拠点あたり人口"))
    codes = list(sample_run.plan.units.index)
    west = [i for i, c in enumerate(codes) if sample_run.plan.assignment[c] == "西部"]
    fills = [f["properties"]["fill"] for f in layer["data"]["features"]]
    assert {fills[i] for i in west} == {"#B00000"} and "#FFFFFF" not in fills
    tips = config["layers"][0]["tips"]
    assert {tips[i]["v"] for i in west} == {"拠点あたり人口（圏域の値）: 拠点なし（0か所）"}
    texts = [r.get("t") for r in config["legend"]["items"]]
    assert "拠点なし（0か所）" in texts and "データなし" not in texts


def test_people_per_hub_without_known_hubs_says_why(sample_files, tmp_path):
    """Population given but no hub known (a file without a hub column): the choropleth
    of people per hub is refused with the reason, not 「--population を指定」."""
    from geo_zaitaku.maps.choropleth import measure
    from geo_zaitaku.pipeline import check_plan

    fac = tmp_path / "f.csv"
    fac.write_text("name,lat,lon,key_institution,拠点フラグ\n甲病院,31.21,137.16,1,1\n", encoding="utf-8")
    run = check_plan(sample_files.plan, facilities=[fac], cache=False)
    assert run.plan.units["population"].notna().any()
    with pytest.raises(InputError, match="拠点あたり人口が分かる圏域がありません") as err:
        measure(run, "people_per_hub")
    assert err.value.where == "--choropleth"
    _, aging = measure(run, "aging_rate")  # the population's own rates are unaffected
    assert (aging > 0).all()


def test_title_date_says_when_it_is_only_the_files_date(tmp_path):
    """A facility list dated by its file name gives that date; one without a date in its
    name is dated by the file and says so (a copied file is dated the day of the copy)."""
    import os

    from geo_zaitaku.maps.base import data_dates

    named, plain = tmp_path / "届出受理_20240601.csv", tmp_path / "facilities.csv"
    for path in (named, plain):
        path.write_text("x\n", encoding="utf-8")
    os.utime(plain, (1_700_049_600, 1_700_049_600))  # 2023-11-15 12:00 UTC (21:00 in Japan)
    assert data_dates(["N03-21_43_210101.json"], [str(named)]) == "境界: 2021年1月1日・施設: 2024年6月1日"
    assert data_dates([], [str(plain)]) == "施設: 2023年11月15日（ファイルの更新日）"
    assert (
        data_dates([], [str(named), str(plain)]) == "施設: 2024年6月1日・2023年11月15日（ファイルの更新日）"
    )


def test_list_page_leaves_out_empty_columns_and_prints_landscape(sample_files, tmp_path):
    """A list whose facilities have no phone or website has no such columns on the page
    (the CSV keeps them); short columns do not wrap; the page prints on A4 landscape."""
    fac = tmp_path / "f.csv"
    fac.write_text("id,name,lat,lon,kind\nA,甲診療所,31.2317,137.1762,clinic\n", encoding="utf-8")
    run = check_plan(sample_files.plan, facilities=[fac], cache=False)
    write_resource_list(run, tmp_path / "l")
    page = (tmp_path / "l" / "resources_list.html").read_text(encoding="utf-8")
    headers = re.findall(r"<th>([^<]*)</th>", page)
    assert "電話" not in headers and "ウェブサイト" not in headers and "名称" in headers
    assert "td:nth-child(1), " in page and "{ white-space: nowrap; }" in page  # 種別 first
    assert "@page { size: A4 landscape" in page
    listed = next(
        csv.reader((tmp_path / "l" / "resources_list.csv").read_text(encoding="utf-8-sig").splitlines())
    )
    assert "電話" in listed and "ウェブサイト" in listed


def test_the_encoding_is_declared_before_the_inlined_libraries(sample_run):
    """<meta charset> came after 250 kB of inlined Leaflet, beyond the first 1,024 bytes
    where browsers look for it."""
    from geo_zaitaku.maps import area_map, resource_map

    for doc in (area_map(sample_run, basemap=False), resource_map(sample_run)):
        page = doc.html()
        assert page.encode("utf-8").find(b"charset=UTF-8") < 1024
        assert page.count("charset") == 1


PHONES = [
    "=1+1",
    "096-123-4567（代表）",
    "+81-96-000-0000",
    "(096) 123",
    "12",
    "電話: 096",
    "",
    "0990 11 2222",
]


def test_a_phone_link_is_made_from_the_number_the_cell_starts_with():
    """「=1+1」 became the link tel:1+1 (the digits of any text were taken)."""
    from geo_zaitaku.maps._facilities import tel_href

    assert [tel_href(p) for p in PHONES] == [
        None, "tel:0961234567", "tel:+81960000000", "tel:096123", None, None, None, "tel:0990112222",
    ]  # fmt: skip


def test_the_page_script_makes_the_same_phone_links():
    """The map's popups (gz_map.js telHref) and the list (Python tel_href) agree."""
    import shutil
    import subprocess
    from importlib import resources

    from geo_zaitaku.maps._facilities import tel_href

    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed (the page script's rule is run with it)")
    script = resources.files("geo_zaitaku").joinpath("maps/static/gz_map.js").read_text(encoding="utf-8")
    function = re.search(r"function telHref\(phone\) \{.*?\n  \}", script, flags=re.S).group(0)
    program = f"{function}\nconsole.log(JSON.stringify({json.dumps(PHONES)}.map(telHref)));"
    out = subprocess.run([node, "-e", program], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == [tel_href(p) for p in PHONES]


def test_cdn_links_carry_subresource_integrity():
    """--cdn pages loaded Leaflet from jsDelivr with no integrity check."""
    import base64
    import hashlib

    from geo_zaitaku.maps._assets import INTEGRITY, _xstatic, assets

    linked = [a for a in assets(cluster=True, self_contained=False) if a.url is not None]
    assert len(linked) == 4
    for asset in linked:
        known = INTEGRITY.get(asset.url.split("/npm/", 1)[1])
        if known is None:  # a newer XStatic release than the hashes shipped: linked without
            assert "integrity" not in asset.html()
            continue
        assert f'integrity="{known}" crossorigin="anonymous"' in asset.html()
    # the XStatic copies of three of the files are the npm package's bytes: their hashes
    # must be the ones shipped (MarkerCluster.css of XStatic differs from npm's)
    for module, name, key in (
        ("leaflet", "leaflet.js", "leaflet@1.9.3/dist/leaflet.js"),
        ("leaflet", "leaflet.css", "leaflet@1.9.3/dist/leaflet.css"),
        (
            "leaflet_markercluster",
            "leaflet.markercluster.js",
            "leaflet.markercluster@1.4.1/dist/leaflet.markercluster.js",
        ),
    ):
        folder, version = _xstatic(module)
        if key.split("@", 1)[1].split("/", 1)[0] != version:
            continue
        digest = base64.b64encode(hashlib.sha384((folder / name).read_bytes()).digest()).decode("ascii")
        assert INTEGRITY[key] == f"sha384-{digest}"
