"""Travel time end to end: ``roads build`` over a road grid the test writes, then
``check`` / ``scenario`` / ``robustness`` / ``access`` / ``design`` with ``--travel-time``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
import shapely
from conftest import make_grid, write_osm, write_plan

from geo_zaitaku import InputError, check_plan
from geo_zaitaku.cli import main
from geo_zaitaku.costs import facility_points, unit_origins
from geo_zaitaku.roads import TravelTime, list_networks, load_network

STEP = 0.01  # degrees between road nodes (about 1 km: every point is within 1 km of a node)


@pytest.fixture
def world(tmp_path):
    """A 3 × 3 grid of 10 km municipalities; a residential road grid over all but the
    north-east one (町8, left without roads); two key institutions that are also hubs."""
    grid = make_grid()
    units_file = tmp_path / "grid.geojson"
    grid.to_file(units_file, driver="GeoJSON")
    x0, y0, x1, y1 = grid.total_bounds
    cell8 = grid.geometry.iloc[8]
    lons = np.arange(x0 - 0.02, x1 + 0.02, STEP)
    lats = np.arange(y0 - 0.02, y1 + 0.02, STEP)
    nodes, ids = {}, {}
    for i, lat in enumerate(lats):
        for j, lon in enumerate(lons):
            if shapely.contains_xy(cell8.buffer(0.005), lon, lat):
                continue
            ids[i, j] = len(nodes) + 1
            nodes[ids[i, j]] = (float(lon), float(lat))
    ways, wid = [], 1
    for i in range(len(lats)):
        for j in range(len(lons) - 1):
            if (i, j) in ids and (i, j + 1) in ids:
                ways.append((wid, [ids[i, j], ids[i, j + 1]], {"highway": "residential"}))
                wid += 1
    for j in range(len(lons)):
        for i in range(len(lats) - 1):
            if (i, j) in ids and (i + 1, j) in ids:
                ways.append((wid, [ids[i, j], ids[i + 1, j]], {"highway": "residential"}))
                wid += 1
    pbf = write_osm(tmp_path / "grid.osm.pbf", nodes, ways)
    centre = {k: grid.geometry.iloc[k].centroid for k in range(9)}
    fac = tmp_path / "facilities.csv"
    with fac.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "name", "lat", "lon", "kind", "key_institution", "hub"])
        w.writerow(["K1", "南診療所", centre[0].y, centre[0].x, "support_clinic", 1, 1])
        w.writerow(["K2", "北診療所", centre[6].y, centre[6].x, "support_clinic", 1, 1])
        w.writerow(["N1", "訪問看護", centre[4].y, centre[4].x, "visiting_nursing", 0, 0])
    pop = tmp_path / "population.csv"
    pop.write_text(
        "code,population,pop_65over,pop_75over,pop_85over\n"
        + "".join(
            f"{99201 + k},{1000 * (k + 1)},{300 * (k + 1)},{150 * (k + 1)},{50 * (k + 1)}\n" for k in range(9)
        ),
        encoding="utf-8",
    )
    plan = write_plan(
        tmp_path / "plan.toml",
        f"""[plan]
name = "道路の点検"
boundaries = "{units_file.name}"
facilities = ["{fac.name}"]
population = "{pop.name}"

[areas]
"南" = ["99201", "99202", "99203", "99204", "99205", "99206"]
"北" = ["99207", "99208", "99209"]
""",
    )
    return {"pbf": pbf, "units": units_file, "facilities": fac, "plan": plan, "grid": grid, "tmp": tmp_path}


def build(world, *extra):
    return main(
        ["roads", "build", str(world["pbf"]), "--units", str(world["units"]), "--name", "grid", *extra]
    )


def test_build_clips_and_stores_the_network(world, capsys):
    assert build(world) == 0
    out = capsys.readouterr()
    assert "道路網 grid" in out.out and "2024-06-01T20:21:02Z" in out.out
    assert "町8" in out.err  # the unit without roads is named
    [item] = list_networks()
    assert item["name"] == "grid" and item["prefectures"] == ["99"]
    assert item["units_without_roads"] == ["町8"]
    assert main(["roads", "list"]) == 0 and "grid" in capsys.readouterr().out
    assert main(["roads", "clear"]) == 0 and list_networks() == []


def test_bad_inputs_exit_2_and_store_nothing(world, tmp_path, capsys):
    bad = tmp_path / "x.osm.pbf"
    bad.write_text("not osm")
    assert main(["roads", "build", str(bad)]) == 2
    speeds = tmp_path / "s.toml"
    speeds.write_text("[highway]\nfootpath = 5\n", encoding="utf-8")
    assert main(["roads", "build", str(world["pbf"]), "--speeds", str(speeds)]) == 2
    speeds.write_text("[highway]\nprimary = -1\n", encoding="utf-8")
    assert main(["roads", "build", str(world["pbf"]), "--speeds", str(speeds)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "[highway] primary" in err and "[highway] footpath" in err
    assert list_networks() == []


def test_check_in_minutes(world, capsys):
    assert build(world) == 0
    out = world["tmp"] / "out"
    code = main(
        ["check", str(world["plan"]), "--travel-time", "grid", "--reach-min", "40", "--out", str(out)]
    )
    assert code == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["settings"]["measure"] == "min" and report["settings"]["reach_min"] == 40
    network = report["inputs"]["network"]
    assert network["name"] == "grid" and network["date"] == "2024-06-01T20:21:02Z"
    assert network["extract"] == "grid.osm.pbf" and len(network["sha256"]) == 64
    codes = {(f["code"], tuple(f["units"])) for f in report["findings"]}
    assert ("unreachable", ("99209",)) in codes  # 町8: no road within 1 km
    north = next(a for a in report["areas"] if a["name"] == "北")
    assert north["unreachable"] == ["99209"] and north["reach_beyond"] == []
    with (out / "areas.csv").open(encoding="utf-8-sig") as f:
        rows = {r["圏域"]: r for r in csv.DictReader(f)}
    assert rows["北"]["最遠に含まない市区町村（積極的医療機関に届かない）"] == "町8（行けません）"
    assert rows["南"]["最遠に含まない市区町村（積極的医療機関に届かない）"] == ""
    assert any(c == "far_from_road" and u == ("99209",) for c, u in codes)
    # the minutes are those of the backend on the same network
    run = check_plan(world["plan"], travel_time="grid")
    backend = TravelTime(load_network("grid"), disk_cache=False)
    units = run.plan.units
    key = run.facilities.frame[run.facilities.frame["id"] == "K1"]
    direct = backend.dense(unit_origins(units), facility_points(key, units))[:, 0]
    by_code = {u["code"]: u["reach_km"] for u in report["units"]}
    for code, minutes in zip(units.index, direct, strict=True):
        if code in ("99201", "99202", "99203", "99204", "99205", "99206"):
            assert by_code[code] == pytest.approx(round(minutes, 2))
    assert by_code["99201"] == pytest.approx(0.0, abs=0.01)
    far = [f for f in report["findings"] if f["code"] == "reach_min"]
    assert far and all("車で" in f["message"] and "分（目安40分）" in f["message"] for f in far)
    assert all(f["value"] > 40 for f in far)
    header = (out / "units.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert "積極的医療機関までの所要時間(分)" in header
    snapping = (out / "road_snapping.csv").read_text(encoding="utf-8-sig")
    assert "町8" in snapping and "99209" in snapping
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "道路網: grid（grid.osm.pbf、2024-06-01T20:21:02Z" in md and "40 分以内" in md
    assert "最遠所要時間(分)" in (out / "areas.csv").read_text(encoding="utf-8-sig")


def test_straight_line_is_unchanged_without_travel_time(world):
    out = world["tmp"] / "km"
    assert main(["check", str(world["plan"]), "--out", str(out), "-q"]) in (0, 1)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["settings"]["measure"] == "km" and report["inputs"]["network"] is None
    assert not (out / "road_snapping.csv").exists()


def test_unknown_network_and_bad_reach_min_exit_2(world, capsys):
    out = str(world["tmp"] / "o")
    assert main(["check", str(world["plan"]), "--travel-time", "nowhere", "--out", out]) == 2
    assert "roads build" in capsys.readouterr().err
    assert build(world) == 0
    assert main(["check", str(world["plan"]), "--travel-time", "grid", "--reach-min", "0", "--out", out]) == 2
    assert (
        main(["check", str(world["plan"]), "--travel-time", "grid", "--reach-min", "nan", "--out", out]) == 2
    )
    with pytest.raises(InputError, match="reach_min"):
        check_plan(world["plan"], travel_time="grid", settings={"reach_min": -1})


def test_plan_checks_table_takes_reach_min(world):
    assert build(world) == 0
    text = world["plan"].read_text(encoding="utf-8") + "\n[checks]\nreach_min = 200\n"
    plan = write_plan(world["tmp"] / "plan200.toml", text)
    run = check_plan(plan, travel_time="grid")
    assert run.plan.config.reach_min == 200
    assert not [f for f in run.report.findings if f.code == "reach_min"]
    bad = write_plan(
        world["tmp"] / "bad.toml", world["plan"].read_text(encoding="utf-8") + "\n[checks]\nreach_min = inf\n"
    )
    with pytest.raises(InputError, match="reach_min"):
        check_plan(bad, travel_time="grid")


def test_scenario_robustness_access_and_design_use_minutes(world):
    assert build(world) == 0
    tmp = world["tmp"]
    tt = ["--travel-time", "grid", "--reach-min", "40"]
    scenario = write_plan(tmp / "close.toml", '[scenario]\nname = "K2 閉鎖"\n[[close]]\nid = "K2"\n')
    assert main(["scenario", str(world["plan"]), str(scenario), *tt, "--out", str(tmp / "s"), "-q"]) == 1
    cmp = json.loads((tmp / "s" / "comparison.json").read_text(encoding="utf-8"))
    assert cmp["measure"] == "min"
    assert main(["robustness", str(world["plan"]), *tt, "--out", str(tmp / "r"), "-q"]) == 0
    rob = json.loads((tmp / "r" / "robustness.json").read_text(encoding="utf-8"))
    assert rob["measure"] == "min" and rob["reach_limit"] == 40
    assert main(["access", str(world["plan"]), *tt, "--out", str(tmp / "a"), "-q"]) == 0
    acc = json.loads((tmp / "a" / "access.json").read_text(encoding="utf-8"))
    assert acc["measure"] == "min" and acc["catchment"] == 40
    assert main(["access", str(world["plan"]), *tt, "--catchment-km", "10", "--out", str(tmp / "b")]) == 2
    assert main(["access", str(world["plan"]), "--catchment-min", "10", "--out", str(tmp / "b")]) == 2
    design = ["design", "areas", "--plan", str(world["plan"]), "--mode", "repair", *tt, "--time-limit", "20"]
    assert main([*design, "--out", str(tmp / "d"), "-q"]) in (0, 1)
    doc = json.loads((tmp / "d" / "design.json").read_text(encoding="utf-8"))
    assert doc["status"] in ("optimal", "feasible", "infeasible")


def test_minutes_are_never_called_km_and_reach_options_need_their_measure(world, capsys):
    """design hubs --travel-time said 「目安の距離 30km 以内の人口」 of a 30-minute limit;
    --reach-min without --travel-time (and --reach-km with it) were silently ignored."""
    assert build(world) == 0
    tmp, plan = world["tmp"], str(world["plan"])
    capsys.readouterr()
    args = ["design", "hubs", plan, "--travel-time", "grid", "--reach-min", "40"]
    assert main([*args, "--out", str(tmp / "h"), "-q"]) in (0, 1)
    out = capsys.readouterr().out
    assert "目安 40分 以内の" in out and "40km" not in out
    hubs = json.loads((tmp / "h" / "hubs.json").read_text(encoding="utf-8"))
    assert hubs["distance"] == 40 and hubs["measure"] == "min"
    for command in (["check", plan], ["robustness", plan], ["design", "hubs", plan]):
        assert main([*command, "--reach-min", "30", "--out", str(tmp / "x")]) == 2
        assert "--reach-min: --reach-min（分）は --travel-time と一緒に使います" in capsys.readouterr().err
    assert main(["check", plan, "--travel-time", "grid", "--reach-km", "5", "--out", str(tmp / "x")]) == 2
    assert "--reach-km: --travel-time では所要時間" in capsys.readouterr().err
    assert not (tmp / "x").exists()


def test_python_api_in_minutes(world):
    assert build(world) == 0
    from geo_zaitaku.scenarios.access import measure_access
    from geo_zaitaku.scenarios.robustness import analyse

    run = check_plan(world["plan"], travel_time="grid", settings={"reach_min": 40})
    assert run.measure == "min" and run.backend.method == "road:grid"
    assert analyse(run).measure == "min"
    from geo_zaitaku.design.problem import DesignOptions, problem_from_run

    problem = problem_from_run(run, DesignOptions())
    assert problem.measure == "min" and problem.limit == 40
    assert np.isinf(problem.dist[list(problem.codes).index("99209")]).all()  # 町8 has no road
    acc = measure_access(run, supply="key")
    assert acc.measure == "min" and acc.catchment == 40
    assert acc.units.set_index("code").loc["99209", "supply_in_reach"] == 0


def test_units_beyond_the_horizon_are_said_so(world):
    assert build(world) == 0
    backend = TravelTime(load_network("grid"), horizon=45, disk_cache=False)
    run = check_plan(world["plan"], travel_time=backend, settings={"reach_min": 40})
    beyond = {f.units[0]: f.message for f in run.report.findings if f.code == "reach_beyond"}
    assert beyond and all("車で45分を超えます（目安40分）" in m for m in beyond.values()), beyond
    units = {u.code: u for u in run.report.units}
    assert all(units[c].reach_km is None and units[c].nearest_key_institution is None for c in beyond)
    # 町2, 町4 and 町5 are an hour or more away from 南診療所; the others are within 40 minutes
    assert set(beyond) == {"99203", "99205", "99206"}
    assert not [f for f in run.report.findings if f.code == "reach_min"]
    assert units["99202"].reach_km < 40 and units["99202"].nearest_key_institution == "K1"
    # the area's 最遠 figure is that of the units in reach, and names the ones left out
    # (it used to be blank: the largest of inf)
    south = next(a for a in run.report.areas if a.name == "南")
    assert south.reach_beyond == ("99203", "99205", "99206") and south.unreachable == ()
    in_reach = [units[c].reach_km for c in ("99201", "99202", "99204")]
    assert south.max_reach_km == pytest.approx(max(in_reach), abs=0.01)
    from geo_zaitaku.cli._output import reach_text
    from geo_zaitaku.report.tables import areas_frame

    assert reach_text(south) == f"{south.max_reach_km:.1f}以上"
    row = areas_frame(run.report).set_index("圏域").loc["南"]
    assert (
        row["最遠に含まない市区町村（積極的医療機関に届かない）"]
        == "町2（45分超）・町4（45分超）・町5（45分超）"
    )
    assert row["最遠所要時間(分)"] == south.max_reach_km


@pytest.mark.parametrize(
    "name", ["VICTIM", ".", "..", "../../escaped", "a/b", "a\\b", "a\nb", ".hidden", "長" * 41]
)
def test_a_network_name_is_never_a_path(world, capsys, name):
    """--name was joined to the cache folder and whatever it named was removed before
    writing: --name /some/folder deleted the user's files, --name . every network."""
    victim = world["tmp"] / "victim"
    victim.mkdir()
    (victim / "notes.txt").write_text("precious", encoding="utf-8")
    assert build(world) == 0  # a network that must survive
    capsys.readouterr()
    name = str(victim) if name == "VICTIM" else name
    args = ["roads", "build", str(world["pbf"]), "--units", str(world["units"]), "--name", name]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "--name: 道路網の名前" in err and "は使えません" in err and "Traceback" not in err
    assert (victim / "notes.txt").read_text(encoding="utf-8") == "precious"
    assert [n["name"] for n in list_networks()] == ["grid"]
    assert not (world["tmp"].parent / "escaped").exists()


def test_delete_one_network_and_say_when_one_is_replaced(world, capsys):
    assert build(world) == 0
    assert main(["roads", "build", str(world["pbf"]), "--units", str(world["units"]), "--name", "grid2"]) == 0
    capsys.readouterr()
    assert build(world) == 0
    assert "同じ名前の道路網 grid を置き換えます" in capsys.readouterr().err
    assert main(["roads", "delete", "grid", "nope"]) == 2  # every name is checked first: nothing removed
    assert "作成済み: grid, grid2" in capsys.readouterr().err
    assert sorted(n["name"] for n in list_networks()) == ["grid", "grid2"]
    assert main(["roads", "delete", "grid"]) == 0
    assert "道路網 grid を削除しました" in capsys.readouterr().out
    assert [n["name"] for n in list_networks()] == ["grid2"]


@pytest.mark.parametrize(
    ("array", "damage", "problem"),
    [
        ("lat", lambda a: a[:-5], "lon/lat/indptr lengths differ"),
        (
            "indices",
            lambda a: np.where(np.arange(len(a)) == 0, 10**8, a).astype(a.dtype),
            "an edge leads to no node",
        ),
        (
            "minutes",
            lambda a: np.where(np.arange(len(a)) == 0, -1.0, a),
            "travel times not finite and non-negative",
        ),
        (
            "minutes",
            lambda a: np.where(np.arange(len(a)) == 0, np.nan, a),
            "travel times not finite and non-negative",
        ),
        ("indices", lambda a: a[:-1], "indptr/indices/minutes lengths differ"),
    ],
)
def test_a_damaged_network_says_build_it_again(world, capsys, array, damage, problem):
    """A truncated lat.npy gave an IndexError traceback; an edge index out of range
    crashed the process (segmentation fault in scipy)."""
    assert build(world) == 0
    [item] = list_networks()
    path = Path(item["path"]) / f"{array}.npy"
    np.save(path, damage(np.load(path)))
    capsys.readouterr()
    assert main(["check", str(world["plan"]), "--travel-time", "grid", "--out", str(world["tmp"] / "o")]) == 2
    err = capsys.readouterr().err
    assert f"キャッシュの道路網を読めません（{problem}）" in err and "Traceback" not in err
