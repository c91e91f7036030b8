"""Scenarios (closures, designations, additions, moves, thresholds) and plan comparisons."""

from __future__ import annotations

import json
import math

import pytest
from conftest import make_grid, write_plan

from geo_zaitaku import InputError
from geo_zaitaku.cli import main
from geo_zaitaku.pipeline import check_plan
from geo_zaitaku.scenarios import compare_plans, compare_runs, read_scenario, run_scenario
from geo_zaitaku.scenarios.changes import parse_scenario

# 3 x 3 grid of 10 km squares, codes 99201 (south-west) … 99209 (north-east); area A is the
# bottom row, B the rest. K1 (key institution and hub) in 99201, K2 (key) in 99205,
# H2 (hub) in 99208.
FACILITIES = """id,name,kind,municipality_code,key_institution,hub,is_24h
K1,南診療所,support_clinic,99201,1,1,1
K2,中央病院,support_hospital,99205,1,0,1
H2,北医師会,medical_association,99208,0,1,0
V1,訪問看護あおば,visiting_nursing,99203,0,0,1
"""
PLAN = """[plan]
name = "grid"
[areas]
"A" = ["99201", "99202", "99203"]
"B" = ["99204", "99205", "99206", "99207", "99208", "99209"]
[checks]
reach_km = 25
"""


@pytest.fixture
def grid_run(tmp_path):
    units = tmp_path / "grid.geojson"
    make_grid().to_file(units, driver="GeoJSON")
    (tmp_path / "f.csv").write_text(FACILITIES, encoding="utf-8")
    plan = write_plan(tmp_path / "plan.toml", PLAN)
    run = check_plan(plan, units=units, facilities=[tmp_path / "f.csv"], cache=False)
    return run, tmp_path


def _scenario(tmp_path, text, name="s.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _codes(findings):
    return sorted((f.rule, f.area) for f in findings)


def test_closing_the_only_key_institution_fails_its_area(grid_run):
    run, tmp = grid_run
    assert run.report.ok
    result = run_scenario(run, _scenario(tmp, '[scenario]\nname = "K1閉院"\n[[close]]\nid = "K1"\n'))
    cmp = compare_runs(result.before, result.after, changes=result.changes.to_dict(), after_name="K1閉院")
    assert [c["id"] for c in result.changes.closed] == ["K1"]
    assert _codes(f for f in cmp.new if f.severity == "error") == [("hub", "A"), ("key_institution", "A")]
    assert cmp.resolved == ()
    assert cmp.errors == (0, 2) and cmp.after == "K1閉院"
    a = next(x for x in cmp.areas if x.area == "A")
    assert (a.before.key_institutions, a.after.key_institutions) == (1, 0)
    assert (a.before.hubs, a.after.hubs) == (1, 0)
    assert a.after.beyond_reach is None  # no population in this fixture
    # A's units lose their reach (no key institution left in their own area)
    changed = {r.code: (r.reach_before, r.reach_after) for r in cmp.reach}
    assert set(changed) == {"99201", "99202", "99203"}
    assert changed["99201"][0] == pytest.approx(0.0, abs=1e-6) and changed["99201"][1] is None
    assert len(run.facilities.frame) == 4 and len(result.after.facilities.frame) == 3


def test_designating_and_adding_hubs(grid_run):
    run, tmp = grid_run
    text = """
[[close]]
id = "K1"
[[designate]]
name = "訪問看護あおば"
hub = true
[[add]]
id = "NEW"
name = "新しい在支診"
kind = "在宅療養支援診療所"
municipality_code = "99202"
key_institution = true
"""
    result = run_scenario(run, _scenario(tmp, text))
    assert result.after.report.ok
    d = result.changes.designated
    assert [(x["id"], x["field"], x["before"], x["after"]) for x in d] == [("V1", "hub", False, True)]
    assert [(a["id"], a["unit"], a["area"]) for a in result.changes.added] == [("NEW", "99202", "A")]
    frame = result.after.facilities.frame.set_index("id")
    assert frame.loc["NEW", "kind"] == "support_clinic" and bool(frame.loc["NEW", "key_institution"])
    assert frame.loc["NEW", "placed_by"] == "code"
    a = next(s for s in result.after.report.areas if s.name == "A")
    assert a.key_institutions == ("NEW",) and a.hubs == ("V1",)


def test_moving_a_unit_and_changing_thresholds(grid_run):
    run, tmp = grid_run
    result = run_scenario(run, _scenario(tmp, '[move]\n"町8" = "A"\n[checks]\nreach_km = 5\n'))
    cmp = compare_runs(result.before, result.after)
    assert [(m.code, m.area_before, m.area_after) for m in cmp.moved] == [("99209", "B", "A")]
    assert ("contiguity", "A") in _codes(cmp.new)  # 99209 does not touch the bottom row
    assert result.after.plan.config.reach_km == 5.0
    reach = [f for f in result.after.report.findings if f.rule == "reach"]
    assert {f.units[0] for f in reach} == {"99202", "99203", "99204", "99206", "99207", "99208", "99209"}
    # 99209 is now reached from K1 in A: sqrt(20² + 20²) km
    u = next(u for u in result.after.report.units if u.code == "99209")
    assert u.reach_km == pytest.approx(math.hypot(20, 20), rel=2e-3)


def test_a_lack_that_stays_is_neither_resolved_nor_new(grid_run):
    """Closing K1 leaves A without a key institution and a hub; moving one of A's units
    to B as well keeps both lacks: they are new once (against the plan before), and a
    second scenario that only moves a unit out of the lacking A shows them in neither
    list, although the findings' units changed."""
    run, tmp = grid_run
    closed = run_scenario(run, _scenario(tmp, '[[close]]\nid = "K1"\n', name="c.toml"))
    moved = run_scenario(closed.after, _scenario(tmp, '[move]\n"町2" = "B"\n', name="m.toml"))
    cmp = compare_runs(moved.before, moved.after)
    assert [(m.code, m.area_before, m.area_after) for m in cmp.moved] == [("99203", "A", "B")]
    assert [f.units for f in moved.after.report.errors if f.area == "A"] == [("99201", "99202")] * 2
    assert _codes(f for f in cmp.new if f.severity == "error") == []
    assert _codes(f for f in cmp.resolved if f.severity == "error") == []
    assert cmp.errors == (2, 2)


def test_selector_keys_must_all_match(grid_run):
    run, tmp = grid_run
    result = run_scenario(run, _scenario(tmp, '[[close]]\nkind = "support_clinic"\narea = "A"\n'))
    assert [c["id"] for c in result.changes.closed] == ["K1"]
    with pytest.raises(InputError, match="当てはまる施設がありません") as err:
        run_scenario(run, _scenario(tmp, '[[close]]\nkind = "support_clinic"\narea = "B"\n'))
    assert err.value.where == "[[close]] 1番目" and err.value.path.name == "s.toml"


@pytest.mark.parametrize(
    ("text", "where", "match"),
    [
        ("[close]\nid = 'x'\n", "[[close]]", "表の配列"),
        ("[[close]]\nfoo = 1\n", "[[close]] 1番目", "未知のキー"),
        ("[[close]]\n", "[[close]] 1番目", "1つ以上"),
        ("[[designate]]\nid = 'K1'\nhub = 'yes'\n", "[[designate]] 1番目 hub", "true か false"),
        ("[[designate]]\nid = 'K1'\n", "[[designate]] 1番目", "変える項目"),
        ("[[add]]\nname = 'x'\n", "[[add]] 1番目", "municipality_code"),
        ("[[add]]\nmunicipality_code = '99201'\n", "[[add]] 1番目", "name"),
        ("[move]\n'99201' = 3\n", '[move] "99201"', "圏域名"),
        (
            "[[move]]\nunit = '町2'\nto = 'B'\n",
            "[[move]]",
            "1つの表 \\[move\\] に「市区町村 = 移す先の圏域」",
        ),
        ("[checks]\nreach_km = nan\n", "[checks] reach_km", "有限"),
        ("[nope]\n", "nope", "未知の表"),
    ],
)
def test_scenario_file_errors(text, where, match):
    with pytest.raises(InputError, match=match) as err:
        parse_scenario(text)
    assert err.value.where == where


def test_unknown_move_and_taken_id(grid_run):
    run, tmp = grid_run
    with pytest.raises(InputError, match="見つかりません") as err:
        run_scenario(run, _scenario(tmp, '[move]\n"町99" = "A"\n'))
    assert err.value.where == '[move] "町99"'
    with pytest.raises(InputError, match="すでに使われています"):
        run_scenario(run, _scenario(tmp, '[[add]]\nid = "K2"\nname = "x"\nmunicipality_code = "99201"\n'))
    with pytest.raises(InputError, match="配置できません"):
        run_scenario(run, _scenario(tmp, '[[add]]\nname = "x"\nmunicipality_code = "12345"\n'))


def test_scenario_command_writes_after_state_and_comparison(grid_run, capsys):
    _run, tmp = grid_run
    scen = _scenario(tmp, '[scenario]\nname = "K1閉院"\n[[close]]\nid = "K1"\n', name="close_k1.toml")
    inputs = {p.name: p.read_bytes() for p in tmp.iterdir() if p.is_file()}
    out = tmp / "out"
    args = ["scenario", str(tmp / "plan.toml"), str(scen), "--units", str(tmp / "grid.geojson")]
    args += ["--facilities", str(tmp / "f.csv"), "--out", str(out), "--no-basemap", "-q"]
    assert main(args) == 1
    assert {p.name for p in out.iterdir()} >= {
        "report.json",
        "comparison.json",
        "comparison.md",
        "areas_map.html",
    }
    data = json.loads((out / "comparison.json").read_text(encoding="utf-8"))
    assert data["after"] == "K1閉院" and data["errors"] == {"before": 0, "after": 2}
    assert [c["id"] for c in data["changes"]["closed"]] == ["K1"]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["ok"] is False and report["counts"]["error"] == 2
    assert "閉鎖: 南診療所（K1、A）" in (out / "comparison.md").read_text(encoding="utf-8")
    assert {p.name: p.read_bytes() for p in tmp.iterdir() if p.is_file()} == inputs
    bad = _scenario(tmp, '[[close]]\nid = "NOPE"\n', name="bad.toml")
    capsys.readouterr()
    assert main([*args[:2], str(bad), *args[3:]]) == 2
    err = capsys.readouterr().err
    assert "bad.toml" in err and "[[close]] 1番目" in err and "Traceback" not in err


def test_diff_of_two_plans(grid_run, capsys):
    run, tmp = grid_run
    plan_b = write_plan(
        tmp / "b.toml",
        PLAN.replace('"A" = ["99201", "99202", "99203"]', '"南" = ["99201", "99202", "99203"]'),
    )
    _after, cmp = compare_plans(run, plan_b)
    assert cmp.renamed_areas == (("A", "南"),) and cmp.moved == () and cmp.added_areas == ()
    from geo_zaitaku.cli._output import print_comparison

    capsys.readouterr()
    print_comparison(cmp)
    assert (
        "名前の変わった圏域: A → 南（市区町村は同じ）" in capsys.readouterr().out
    )  # (only comparison.md had it)
    plan_c = write_plan(
        tmp / "c.toml",
        PLAN.replace(
            '"A" = ["99201", "99202", "99203"]', '"A" = ["99201", "99202", "99203", "99209"]'
        ).replace(', "99209"]\n[checks]', "]\n[checks]"),
    )
    _after, cmp = compare_plans(run, plan_c)
    assert [(m.code, m.area_before, m.area_after) for m in cmp.moved] == [("99209", "B", "A")]
    pop = next(a for a in cmp.areas if a.area == "A")
    assert (pop.before.units, pop.after.units) == (3, 4)
    out = tmp / "d"
    code = main(
        ["diff", str(tmp / "plan.toml"), str(plan_c), "--units", str(tmp / "grid.geojson"), "--facilities",
         str(tmp / "f.csv"), "--out", str(out), "-q", "--no-basemap"]
    )  # fmt: skip
    assert code == 1  # 99209 does not touch A's row: a detached part
    data = json.loads((out / "comparison.json").read_text(encoding="utf-8"))
    [moved] = data["units_moved"]
    assert (moved["code"], moved["name"], moved["area_before"], moved["area_after"]) == (
        "99209",
        "町8",
        "B",
        "A",
    )
    # nearest key institution: K2 (centre cell) before, K1 (south-west corner) after
    assert moved["reach_before"] == pytest.approx(math.hypot(10, 10), rel=2e-3)
    assert moved["reach_after"] == pytest.approx(math.hypot(20, 20), rel=2e-3)
    assert any(f["rule"] == "contiguity" and f["area"] == "A" for f in data["findings_new"])
    capsys.readouterr()
    assert main(
        ["diff", str(tmp / "plan.toml"), str(plan_c), "--units", str(tmp / "grid.geojson"), "--facilities",
         str(tmp / "f.csv"), "--out", str(tmp / "d2"), "--no-basemap"]
    ) == 1  # fmt: skip
    shown = capsys.readouterr().out
    # the moved unit on screen (only comparison.md had it), and the infos counted there
    # are said to be left out rather than missing from the lines
    assert "移動した市区町村: 町8（99209） B → A" in shown
    infos = sum(1 for f in (*data["findings_resolved"], *data["findings_new"]) if f["severity"] == "info")
    assert (f"ほかに情報の指摘 {infos}件（解消・新規。一覧は comparison.md）" in shown) == (infos > 0)
    from conftest import page_config

    config = page_config((out / "areas_map.html").read_text(encoding="utf-8"))
    marked = next(layer for layer in config["layers"] if layer["name"] == "圏域の変わった市区町村")
    assert marked["tips"] == [{"t": "町8（99209）", "l": ["移動: B → A"]}]


def test_findings_of_one_kind_in_one_area_are_each_listed(grid_run):
    """Findings with the same rule, area and units (two entries matching no municipality)
    were one key: of 5 unmatched names a diff listed 1, and counted 7 errors → 3 new."""
    run, tmp = grid_run
    plan_b = write_plan(
        tmp / "typos.toml",
        PLAN.replace(
            '"A" = ["99201", "99202", "99203"]', '"A" = ["99201", "99202", "99203", "三角町", "松橋町"]'
        ),
    )
    after, cmp = compare_plans(run, plan_b)
    unmatched = [f.message for f in cmp.new if "一致する市区町村がありません" in f.message]
    assert unmatched == [
        "圏域「A」の「三角町」に一致する市区町村がありません",
        "圏域「A」の「松橋町」に一致する市区町村がありません",
    ]
    assert len(cmp.new) == len(after.report.findings) - len(run.report.findings) + len(cmp.resolved)


def test_read_scenario_needs_utf8(tmp_path):
    path = tmp_path / "s.toml"
    path.write_bytes("[scenario]\nname = '閉院'\n".encode("cp932"))
    with pytest.raises(InputError, match="UTF-8"):
        read_scenario(path)


def test_unknown_hubs_compare_as_unknown_not_zero(grid_run):
    """Facility data without a hub column: the comparison's hub counts are unknown
    (``?`` in comparison.md and the console), not 0 → 0."""
    from geo_zaitaku.scenarios.compare import figure_pair

    _run, tmp = grid_run
    (tmp / "nohub.csv").write_text(FACILITIES.replace(",hub,", ",拠点フラグ,", 1), encoding="utf-8")
    base = check_plan(
        tmp / "plan.toml", units=tmp / "grid.geojson", facilities=[tmp / "nohub.csv"], cache=False
    )
    result = run_scenario(base, _scenario(tmp, '[[close]]\nid = "K2"\n'))
    cmp = compare_runs(result.before, result.after)
    b = next(x for x in cmp.areas if x.area == "B")
    assert (b.before.hubs, b.after.hubs, b.before.key_institutions, b.after.key_institutions) == (
        None,
        None,
        1,
        0,
    )
    assert figure_pair(b.before, b.after, "hubs", "{:,.0f}") == "?"
    assert figure_pair(b.before, b.after, "key_institutions", "{:,.0f}") == "1 → 0"


def test_batch_inputs_of_one_name_get_folders_of_their_own(sample_files, tmp_path, monkeypatch):
    """Two scenario files both called s.toml (or two plan.toml) used to be written into
    one folder, the second replacing the first; now each has its own."""
    from geo_zaitaku.cli import main
    from geo_zaitaku.outputs import distinct_names

    assert distinct_names(["a/plan.toml", "b/plan.toml", "c/other.toml", "c/other.toml"]) == [
        "a_plan",
        "b_plan",
        "c_other",
        "c_other-2",
    ]
    assert distinct_names(["x/s.toml", "y/t.toml"]) == ["s", "t"]
    for d in ("x", "y"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "s.toml").write_text(
            '[[close]]\nid = "S0001"\n' if d == "x" else '[[close]]\nid = "S0002"\n', encoding="utf-8"
        )
    plan = str(sample_files.plan)
    out = tmp_path / "out"
    assert main(
        ["scenario", plan, str(tmp_path / "x/s.toml"), str(tmp_path / "y/s.toml"), "--out", str(out), "-q"]
    ) in (0, 1)
    assert sorted(p.name for p in out.iterdir()) == ["x_s", "y_s"]
    x = json.loads((out / "x_s" / "comparison.json").read_text(encoding="utf-8"))
    y = json.loads((out / "y_s" / "comparison.json").read_text(encoding="utf-8"))
    assert "S0001" in json.dumps(x["changes"]) and "S0002" in json.dumps(y["changes"])
    copy = tmp_path / "copy"
    copy.mkdir()
    for f in sample_files.directory.iterdir():
        (copy / f.name).write_bytes(f.read_bytes())
    monkeypatch.chdir(tmp_path)
    assert main(["robustness", plan, str(copy / "plan.toml"), "-q"]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if (p / "robustness").is_dir()) == [
        "copy_plan",
        f"{sample_files.directory.name}_plan",
    ]


def test_a_renamed_area_keeps_its_findings(sample_files, tmp_path):
    """Renaming 西部 (no hub) is no fix: its finding is neither resolved nor new (it was
    listed as both), one row per area, and its people per hub reads 「拠点なし」."""
    from geo_zaitaku.scenarios import compare_plans

    renamed = tmp_path / "renamed.toml"
    text = sample_files.plan.read_text(encoding="utf-8").replace('"西部" = ', '"西の圏域" = ')
    for name in ("units.geojson", "reference.csv", "facilities.csv", "population.csv", "projection.csv"):
        text = text.replace(f'"{name}"', f'"{(sample_files.directory / name).as_posix()}"')
    renamed.write_text(text, encoding="utf-8")
    before = check_plan(sample_files.plan, cache=False)
    _, cmp = compare_plans(before, renamed)
    assert cmp.renamed_areas == (("西部", "西の圏域"),)
    assert cmp.resolved == () and cmp.new == ()
    rows = {a.area: a for a in cmp.areas}
    assert "西部" not in rows and rows["西の圏域"].before.hubs == 0 == rows["西の圏域"].after.hubs
    from geo_zaitaku.scenarios.compare import figure_pair

    assert (
        figure_pair(rows["西の圏域"].before, rows["西の圏域"].after, "people_per_hub", "{:,.0f}")
        == "拠点なし"
    )
    assert figure_pair(rows["北部"].before, rows["北部"].after, "people_per_hub", "{:,.0f}") == "98,300"


@pytest.mark.parametrize(
    ("text", "where", "needle"),
    [
        (
            '[[close]]\nid = "S0128"\n[[designate]]\nid = "S0128"\nhub = true\n',
            "[[designate]] 1番目",
            "この施設は [[close]] 1番目 で閉じています",
        ),
        (
            '[[close]]\nid = "S0128"\n[[close]]\nid = "S0128"\n',
            "[[close]] 2番目",
            "すべて [[close]] 1番目 で閉じています",
        ),
        ("", None, "シナリオに変更がありません"),
        ('[scenario]\nname = "x"\n', None, "シナリオに変更がありません"),
        # the sample's row 246 (S0245, 海上クリニック) lies at sea and is set aside on import
        (
            '[[close]]\nid = "S0245"\n',
            "[[close]] 1番目",
            "この施設（id = 'S0245'）は施設データの facilities.csv 246行目にありますが、取り込めなかったため"
            "使われていません（緯度経度がどの市区町村の区域にも入りません",
        ),
        (
            '[[designate]]\nname = "海上クリニック"\nhub = true\n',
            "[[designate]] 1番目",
            "この施設（name = '海上クリニック'）は施設データの facilities.csv 246行目にありますが",
        ),
        ('[[close]]\nid = "S9999"\n', "[[close]] 1番目", "条件（id = 'S9999'）に当てはまる施設がありません"),
    ],
)
def test_scenario_mistakes_say_what_is_wrong(sample_run, tmp_path, text, where, needle):
    """Designating a facility the scenario closed said 「当てはまる施設がありません」;
    closing one twice and an empty scenario were accepted; a facility whose row was set
    aside on import was 「当てはまる施設がありません」 as if it did not exist."""
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        run_scenario(sample_run, path)
    assert err.value.where == where and needle in str(err.value)


def test_console_lists_what_was_resolved_too(sample_files, tmp_path, capsys):
    """The console said 「解消した指摘 1件」 without naming it; it now lists it as 解消."""
    from geo_zaitaku.cli import main

    plan, scenario = str(sample_files.plan), str(sample_files.directory / "scenario.toml")
    main(["scenario", plan, scenario, "--out", str(tmp_path / "sc")])
    out = capsys.readouterr().out
    assert "解消 ［西部］連携を担う拠点がありません（0か所、必要数 1）" in out
    assert "新しい指摘 ［北部］連携を担う拠点がありません（0か所、必要数 1）" in out


@pytest.mark.parametrize(
    ("move", "needle"),
    [
        (
            '"港原市" = "北部"\n"99201" = "西部"\n',
            "[move] の '99201' と '港原市' は同じ市区町村（港原市）です。移す先を1つにしてください。",
        ),
        (
            '"さくら市中央区" = "北部"\n',
            "'さくら市中央区' は区ですが、この計画は市区町村単位なので、移すとさくら市全体が移ります。",
        ),
    ],
)
def test_a_move_that_would_be_taken_otherwise_is_refused(sample_files, tmp_path, capsys, move, needle):
    """Two [move] entries for one municipality (the last won without a word), and a ward
    of a municipality plan (its whole city moved, the city's area vanished)."""
    scenario = tmp_path / "s.toml"
    scenario.write_text(f'[scenario]\nname = "x"\n[move]\n{move}', encoding="utf-8")
    assert main(["scenario", str(sample_files.plan), str(scenario), "--out", str(tmp_path / "o"), "-q"]) == 2
    assert needle in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_a_diff_across_unit_levels_says_what_to_do(grid_run):
    run, tmp = grid_run
    plan_b = write_plan(tmp / "ward.toml", PLAN.replace("[plan]\n", '[plan]\nunits = "ward"\n', 1))
    with pytest.raises(InputError) as err:
        compare_plans(run, plan_b)
    assert '計画は units = "ward" ですが、境界は municipality 単位で読み込まれています。' in str(err.value)
    assert "[plan] units をそろえるか、それぞれを check してください" in str(err.value)
