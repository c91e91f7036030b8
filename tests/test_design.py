"""Area design: optima against brute force on a small grid with an island and a link,
necessary conditions, and the built-in sample (the proposed plan has no error)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
import shapely
from conftest import ORIGIN, make_grid, write_plan

from geo_zaitaku import InputError
from geo_zaitaku.cli import main
from geo_zaitaku.design.areas import design_areas
from geo_zaitaku.design.output import proposed_run
from geo_zaitaku.design.problem import DesignOptions, problem_from_run
from geo_zaitaku.pipeline import check_plan

# 3 x 3 grid of 10 km squares (99201 … 99209, row-major from the south-west) and an
# island 99210 east of 99206, joined to it by a declared ferry link.
FACILITIES = """id,name,municipality_code,key_institution,hub
K1,K1,99201,1,1
K3,K3,99203,1,0
K5,K5,99205,1,1
K7,K7,99207,1,0
K9,K9,99209,1,1
H2,H2,99202,0,1
H8,H8,99208,0,1
KI,KI,99210,1,0
"""
POPULATION = "code,population\n" + "\n".join(
    f"{c},{p}"
    for c, p in zip(
        range(99201, 99211), (5000, 800, 3000, 1200, 9000, 700, 2500, 600, 4000, 300), strict=True
    )
)
PLAN = """[plan]
name = "grid"
[areas]
"南" = ["99201", "99202", "99203"]
"中" = ["99204", "99205", "99206", "99210"]
"北" = ["99207", "99208", "99209"]
[[links]]
a = "99206"
b = "99210"
kind = "ferry"
"""


def _island() -> shapely.Polygon:
    import geopandas as gpd

    s = 10_000
    x0, y0 = ORIGIN[0] + 3.5 * s, ORIGIN[1] + 1 * s
    return gpd.GeoSeries([shapely.box(x0, y0, x0 + s / 2, y0 + s / 2)], crs=6690).to_crs(6668).iloc[0]


@pytest.fixture(scope="module")
def grid(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("design")
    g = make_grid()
    island = g.iloc[[0]].copy()
    island["N03_004"], island["N03_007"] = "島", "99210"
    island["geometry"] = [_island()]
    import pandas as pd

    units = pd.concat([g, island], ignore_index=True)
    units.to_file(tmp / "grid.geojson", driver="GeoJSON")
    (tmp / "f.csv").write_text(FACILITIES, encoding="utf-8")
    (tmp / "p.csv").write_text(POPULATION, encoding="utf-8")
    write_plan(tmp / "plan.toml", PLAN)
    return tmp


def _run(tmp, plan_text=PLAN, facilities=FACILITIES):
    write_plan(tmp / "case.toml", plan_text)
    (tmp / "case_f.csv").write_text(facilities, encoding="utf-8")
    return check_plan(
        tmp / "case.toml",
        units=tmp / "grid.geojson",
        facilities=[tmp / "case_f.csv"],
        population=tmp / "p.csv",
        cache=False,
    )


# --------------------------------------------------------------------------- brute force


def _valid_blocks(p):
    """Every unit set that can be an area: connected, enough key institutions and hubs."""
    n = p.n
    adj = [set() for _ in range(n)]
    for a, b in p.edges:
        adj[a].add(b)
        adj[b].add(a)
    out = {}
    for mask in range(1, 1 << n):
        members = [i for i in range(n) if mask >> i & 1]
        if sum(p.n_key[members]) < p.min_key or sum(p.n_hub[members]) < p.min_hub:
            continue
        seen, todo = {members[0]}, [members[0]]
        while todo:
            u = todo.pop()
            for v in adj[u]:
                if mask >> v & 1 and v not in seen:
                    seen.add(v)
                    todo.append(v)
        if len(seen) == len(members):
            out[mask] = members
    return out


def _partitions(n, blocks):
    """Every partition of the n units into valid blocks."""
    by_low = {}
    for mask in blocks:
        low = (mask & -mask).bit_length() - 1
        by_low.setdefault(low, []).append(mask)

    def rec(free):
        if free == 0:
            yield []
            return
        low = (free & -free).bit_length() - 1
        for mask in by_low.get(low, []):
            if mask & free == mask:
                for rest in rec(free & ~mask):
                    yield [mask, *rest]

    yield from rec((1 << n) - 1)


def _mean_distance(p, blocks, partition):
    total = p.pop.sum()
    cost = 0.0
    for mask in partition:
        members = blocks[mask]
        cols = [k for k, c in enumerate(p.centres) if c in members]
        for i in members:
            cost += p.pop[i] * p.dist[i, cols].min()
    return cost / total


@pytest.fixture(scope="module")
def brute(grid):
    run = _run(grid)
    p = problem_from_run(run, DesignOptions(mode="max"))
    blocks = _valid_blocks(p)
    parts = list(_partitions(p.n, blocks))
    assert len(parts) > 100
    return run, p, blocks, parts


def test_max_areas_equals_brute_force(brute):
    run, _p, _blocks, parts = brute
    best = max(len(x) for x in parts)
    d = design_areas(run, DesignOptions(mode="max"))
    assert d.status == "optimal" and d.objective == best == len(d.areas) and d.bound == best
    assert proposed_run(d).report.ok


@pytest.mark.parametrize("k", [1, 2, 3])
def test_count_mean_distance_equals_brute_force(brute, k):
    run, p, blocks, parts = brute
    best = min(_mean_distance(p, blocks, x) for x in parts if len(x) == k)
    d = design_areas(run, DesignOptions(mode="count", areas=k))
    assert d.status == "optimal" and len(d.areas) == k
    assert d.objective == pytest.approx(best, abs=1e-7)
    assert d.measures["mean_distance"] == pytest.approx(best, abs=1e-7)
    assert proposed_run(d).report.ok


def test_repair_moves_equal_brute_force(brute, grid):
    # the starting plan: 北 has no hub of its own after H8 and K9 lose theirs
    facilities = FACILITIES.replace("H8,H8,99208,0,1", "H8,H8,99208,0,0").replace(
        "K9,K9,99209,1,1", "K9,K9,99209,1,0"
    )
    run = _run(grid, facilities=facilities)
    assert not run.report.ok
    p = problem_from_run(run, DesignOptions(mode="repair"))
    blocks = _valid_blocks(p)
    best = None
    for part in _partitions(p.n, blocks):
        for labels in itertools.permutations(range(len(p.area_names)), len(part)):
            moved = [
                i for mask, a in zip(part, labels, strict=True) for i in blocks[mask] if p.original[i] != a
            ]
            key = (len(moved), p.pop[moved].sum())
            best = key if best is None or key < best else best
    d = design_areas(run, DesignOptions(mode="repair"))
    assert d.status == "optimal"
    assert (len(d.moved), d.measures["people_moved"]) == best
    assert d.objective == best[0]
    assert d.bound == best[0]  # in moves too: the solver's moves + population share, floored (was 1 → 2)
    check = proposed_run(d)
    assert check.report.ok, [f.message for f in check.report.errors]


def test_island_needs_its_link(grid):
    no_link = PLAN.split("[[links]]")[0]
    facilities = FACILITIES.replace("KI,KI,99210,1,0\n", "")
    run = _run(grid, plan_text=no_link, facilities=facilities)
    d = design_areas(run, DesignOptions(mode="max"))
    assert d.status == "infeasible" and d.areas == ()
    assert any(
        "島（島など、他とつながらない部分）はリンクがなく、積極的医療機関もない" in r.ja for r in d.reasons
    )
    assert any(r.units == ("99210",) for r in d.reasons)


def test_count_needs_enough_key_institutions(brute):
    run, p, _b, _parts = brute
    d = design_areas(run, DesignOptions(mode="count", areas=7))
    assert d.status == "infeasible"
    assert any(
        f"7圏域には、積極的医療機関のある市区町村が7必要ですが、{len(p.centres)}しかありません" in r.ja
        for r in d.reasons
    )
    assert any(
        f"K = 7 areas need 7 key institutions in separate municipalities; there are {len(p.centres)}" == r.en
        for r in d.reasons
    )


@pytest.mark.parametrize(
    ("options", "where"),
    [
        ({"mode": "count"}, "--areas"),
        ({"mode": "count", "areas": 0}, "--areas"),
        ({"mode": "max", "min_pop": 10, "max_pop": 5}, "--min-pop"),
        ({"mode": "max", "reach": "maybe"}, "--reach"),
        ({"mode": "nope"}, "--mode"),
        ({"mode": "max", "time_limit": 0}, "--time-limit"),
    ],
)
def test_bad_options(options, where):
    with pytest.raises(InputError) as err:
        DesignOptions(**options)
    assert err.value.where == where


def test_unknown_nest_column_and_no_key_institution(grid):
    run = _run(grid)
    with pytest.raises(InputError, match="参照レイヤに列") as err:
        design_areas(run, DesignOptions(mode="max", nest="secondary_medical_area"))
    assert err.value.where == "--nest"
    none = _run(grid, facilities="id,name,municipality_code,key_institution,hub\nX,X,99201,0,1\n")
    with pytest.raises(InputError, match="積極的役割を担う医療機関が1つもない"):
        design_areas(none, DesignOptions(mode="max"))
    # a file that does not say which facilities are hubs: refused as unknown, not
    # "no hub can be reached" for every piece
    unknown = _run(grid, facilities="id,name,municipality_code,key_institution,拠点フラグ\nX,X,99201,1,1\n")
    with pytest.raises(
        InputError, match=r"施設データに連携を担う拠点の指定がないため.*圏域を設計できません"
    ) as err:
        design_areas(unknown, DesignOptions(mode="max"))
    assert err.value.where == "--facilities"


def test_reach_hard_and_population_bounds(brute):
    run, p, blocks, parts = brute
    d = design_areas(run, DesignOptions(mode="max", reach="hard", max_pop=15_000))
    assert d.status == "optimal"
    for a in d.areas:
        assert a.population <= 15_000
    report = proposed_run(d).report
    assert report.ok and not [f for f in report.findings if f.rule == "reach"]
    # brute force under the same rules
    near = p.within(p.limit)

    def ok(part):
        for mask in part:
            members = blocks[mask]
            if p.pop[members].sum() > 15_000:
                return False
            for i in members:
                if not {int(p.centres[k]) for k in near[i]} & set(members):
                    return False
        return True

    assert len(d.areas) == max(len(x) for x in parts if ok(x))


def test_same_inputs_same_design(brute):
    run = brute[0]
    a = design_areas(run, DesignOptions(mode="count", areas=2))
    b = design_areas(run, DesignOptions(mode="count", areas=2))
    assert [x.units for x in a.areas] == [x.units for x in b.areas]


def test_sample_repair_writes_a_plan_that_checks(sample_files, tmp_path, capsys):
    out = tmp_path / "design"
    code = main(
        [
            "design",
            "areas",
            "--plan",
            str(sample_files.plan),
            "--mode",
            "repair",
            "--out",
            str(out),
            "-q",
            "--no-basemap",
        ]
    )
    assert code == 0
    data = json.loads((out / "design.json").read_text(encoding="utf-8"))
    assert (
        data["status"] == "optimal" and data["check"]["ok"] is True and data["check"]["counts"]["error"] == 0
    )
    assert [m["name"] for m in data["moved"]] == ["さくら市"] and data["objective"] == 1
    text = (out / "plan.toml").read_text(encoding="utf-8")
    assert text.startswith("# geo_zaitaku が提案した計画です") and "状態: 最適（証明済み）" in text
    capsys.readouterr()
    assert main(["check", str(out / "plan.toml"), "--out", str(tmp_path / "c"), "-q"]) == 0
    assert {p.name for p in out.iterdir()} == {
        "plan.toml",
        "design.json",
        "design.md",
        "design_map.html",
        "run.json",
    }


def test_sample_modes_and_exit_codes(sample_files, tmp_path, capsys):
    base = ["design", "areas", "--plan", str(sample_files.plan), "-q", "--no-basemap"]
    assert main([*base, "--mode", "max", "--out", str(tmp_path / "m")]) == 0
    data = json.loads((tmp_path / "m" / "design.json").read_text(encoding="utf-8"))
    assert data["status"] == "optimal" and data["check"]["ok"]
    assert main([*base, "--mode", "repair", "--keep-areas", "--out", str(tmp_path / "k")]) == 1
    assert main([*base, "--mode", "count", "--areas", "40", "--out", str(tmp_path / "c")]) == 1
    out = capsys.readouterr().out
    assert "40圏域には、積極的医療機関のある市区町村が40必要ですが" in out
    capsys.readouterr()
    assert (
        main(
            [
                "design",
                "areas",
                "--units",
                str(sample_files.units),
                "--mode",
                "repair",
                "--out",
                str(tmp_path / "x"),
            ]
        )
        == 2
    )
    assert "--plan" in capsys.readouterr().err
    # --level that the --plan's units contradict: refused (it was ignored, exit 0)
    assert main([*base, "--level", "ward", "--out", str(tmp_path / "w")]) == 2
    assert (
        "--level: --plan の計画は単位 municipality で書かれているため、--level ward では設計できません。"
        in capsys.readouterr().err
    )
    assert not (tmp_path / "w").exists()
    assert main([*base, "--level", "municipality", "--mode", "max", "--out", str(tmp_path / "m2")]) == 0


# --------------------------------------------------------------------------- batches


@pytest.fixture(scope="module")
def two_prefectures(tmp_path_factory):
    """A 3 x 3 grid coded as 熊本県 (43) and a 2 x 2 grid coded as 長崎県 (42), in one file."""
    import pandas as pd

    tmp = tmp_path_factory.mktemp("batch")
    units = pd.concat([make_grid(pref="43"), make_grid(2, 2, pref="42")], ignore_index=True)
    units.to_file(tmp / "japan.geojson", driver="GeoJSON")
    (tmp / "f.csv").write_text(
        "id,name,kind,municipality_code,key_institution,hub\n"
        "A,A,support_clinic,43201,1,1\nB,B,support_clinic,43209,1,1\nC,C,support_hospital,42201,1,1\n",
        encoding="utf-8",
    )
    return tmp


def test_pref_batch_designs_each_prefecture(two_prefectures, tmp_path, capsys):
    tmp = two_prefectures
    base = ["design", "areas", "--units", str(tmp / "japan.geojson"), "--facilities", str(tmp / "f.csv")]
    out = tmp_path / "batch"
    code = main([*base, "--pref", "43,長崎", "--mode", "max", "--out", str(out), "-q", "--no-basemap"])
    text = capsys.readouterr().out
    assert code == 0
    assert "43_熊本県: 最適（証明済み）: 2圏域。計画にエラーはありません" in text
    assert "42_長崎県: 最適（証明済み）: 1圏域。計画にエラーはありません" in text
    for folder, n in (("43_熊本県", 2), ("42_長崎県", 1)):
        data = json.loads((out / folder / "design.json").read_text(encoding="utf-8"))
        assert data["status"] == "optimal" and len(data["areas"]) == n and data["check"]["ok"] is True
        units = {u for a in data["areas"] for u in a["units"]}
        assert units == {f"{folder[:2]}{201 + k}" for k in range(9 if n == 2 else 4)}
    import csv

    with (out / "design_summary.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert [(r["都道府県コード"], r["都道府県"], r["圏域数"], r["提案の点検エラー"]) for r in rows] == [
        ("43", "熊本県", "2", "0"),
        ("42", "長崎県", "1", "0"),
    ]
    # the proposal names the files it was made from, relative to its folder
    text = (out / "43_熊本県" / "plan.toml").read_text(encoding="utf-8")
    assert 'name = "熊本県（最も細かい案）"' in text and 'prefecture = "43"' in text
    import os

    rel = Path(os.path.relpath(tmp, (out / "43_熊本県").resolve())).as_posix()
    assert f'boundaries = "{rel}/japan.geojson"' in text and f'facilities = ["{rel}/f.csv"]' in text
    # the proposal of one prefecture checks on its own, against the file of both
    assert main(["check", str(out / "43_熊本県" / "plan.toml"), "--out", str(tmp_path / "c"), "-q"]) == 0
    # one prefecture cut from the file: written straight into OUT
    one = tmp_path / "one"
    assert main([*base, "--pref", "42", "--mode", "max", "--out", str(one), "-q", "--no-basemap"]) == 0
    assert (one / "plan.toml").exists() and (one / "design_summary.csv").exists()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--pref", "41"], "境界データに佐賀県（コード 41）の市区町村がありません"),
        (
            ["--pref", "43,42", "--plan", "PLAN"],
            "--pref に複数の都道府県を指定したときは --plan を指定できません",
        ),
        (["--pref", "43,熊本"], None),  # the same prefecture twice is one task
        (["--pref", "43,九州"], "都道府県の指定 '九州' が分かりません"),
    ],
)
def test_pref_batch_bad_requests(two_prefectures, tmp_path, capsys, args, needle):
    tmp = two_prefectures
    write_plan(tmp_path / "p.toml", '[areas]\n"全" = ["43201"]\n')
    args = [str(tmp_path / "p.toml") if a == "PLAN" else a for a in args]
    code = main(["design", "areas", "--units", str(tmp / "japan.geojson"), "--facilities", str(tmp / "f.csv"),
                 "--mode", "max", "--out", str(tmp_path / "o"), "-q", "--no-basemap", *args])  # fmt: skip
    err = capsys.readouterr().err
    if needle is None:
        assert code == 0 and not (tmp_path / "o" / "43_熊本県").exists()
    else:
        assert code == 2 and needle in err and "Traceback" not in err
        assert not (tmp_path / "o").exists()


def test_pref_batch_needs_every_prefecture_cached(tmp_path, capsys):
    code = main(["design", "areas", "--pref", "43,42", "--mode", "max", "--out", str(tmp_path / "o"), "-q"])
    err = capsys.readouterr().err
    assert code == 2 and "geo-zaitaku fetch n03" in err and not (tmp_path / "o").exists()


def test_repair_keeps_an_island_pair_of_its_own(tmp_path):
    """Two islands joined only to each other form an area that takes every unit it can:
    the flow bound must still let its root reach the other island (a bound of size - 1
    made this plan infeasible)."""
    import geopandas as gpd
    import pandas as pd

    g = make_grid()
    s = 10_000
    x0, y0 = ORIGIN[0] + 4 * s, ORIGIN[1]
    islands = gpd.GeoDataFrame(
        {
            "N03_001": "テスト県",
            "N03_002": None,
            "N03_003": None,
            "N03_004": ["東島", "西島"],
            "N03_005": None,
            "N03_007": ["99210", "99211"],
            "geometry": [shapely.box(x0, y0, x0 + s, y0 + s), shapely.box(x0 + s, y0, x0 + 2 * s, y0 + s)],
        },
        crs=6690,
    ).to_crs(6668)
    pd.concat([g, islands], ignore_index=True).to_file(tmp_path / "u.geojson", driver="GeoJSON")
    facilities = (
        FACILITIES.replace("H8,H8,99208,0,1", "H8,H8,99208,0,0")
        .replace("K9,K9,99209,1,1", "K9,K9,99209,1,0")
        .replace("KI,KI,99210,1,0", "KI,KI,99210,1,1")
    )
    (tmp_path / "f.csv").write_text(facilities, encoding="utf-8")
    write_plan(
        tmp_path / "plan.toml",
        '[areas]\n"南" = ["99201", "99202", "99203"]\n"中" = ["99204", "99205", "99206"]\n'
        '"北" = ["99207", "99208", "99209"]\n"島" = ["99210", "99211"]\n',
    )
    run = check_plan(tmp_path / "plan.toml", units=tmp_path / "u.geojson", facilities=[tmp_path / "f.csv"],
                     cache=False)  # fmt: skip
    assert [f.area for f in run.report.errors] == ["北"]
    d = design_areas(run, DesignOptions(mode="repair"))
    assert d.status == "optimal"
    p = problem_from_run(run, DesignOptions(mode="repair"))
    blocks = _valid_blocks(p)
    best = min(
        (len(moved), p.pop[moved].sum())
        for part in _partitions(p.n, blocks)
        for names in itertools.permutations(range(len(p.area_names)), len(part))
        for moved in [[i for m, a in zip(part, names, strict=True) for i in blocks[m] if p.original[i] != a]]
    )
    assert (len(d.moved), d.measures["people_moved"]) == best
    # 北 takes the left column down to K1 (the hub); 中 and 南 keep the rest
    assert [(m.code, m.before, m.after) for m in d.moved] == [("99201", "南", "北"), ("99204", "中", "北")]
    assert {a.name: a.units for a in d.areas}["島"] == ("99210", "99211")
    assert proposed_run(d).report.ok


# --------------------------------------------------------------------------- nest, keep, soft reach

#: ``zone``: the two left columns / the right column with the island; ``old``: the plan's areas.
REFERENCE = "code,zone,old\n" + "\n".join(
    f"{c},{'B' if c in (99203, 99206, 99209, 99210) else 'A'},"
    f"{'南' if c <= 99203 else '北' if 99207 <= c <= 99209 else '中'}"
    for c in range(99201, 99211)
)


@pytest.fixture(scope="module")
def brute_ref(grid):
    (grid / "ref.csv").write_text(REFERENCE, encoding="utf-8")
    plan = PLAN.replace('name = "grid"\n', 'name = "grid"\nreference = "ref.csv"\n')
    run = _run(grid, plan)
    p = problem_from_run(run, DesignOptions(mode="max", nest="zone", keep="old"))
    blocks = _valid_blocks(p)
    return run, p, blocks, list(_partitions(p.n, blocks))


def _kept(groups, blocks, part):
    """Most units kept with their group: each area stands for one group at most, each
    group for one area (every one-to-one choice tried)."""
    k = int(groups.max()) + 1
    best = 0
    members = [blocks[m] for m in part]
    for chosen in itertools.permutations(range(len(members)), min(k, len(members))):
        kept = sum(int((groups[members[a]] == g).sum()) for g, a in enumerate(chosen))
        best = max(best, kept)
    return best


def test_nest_keeps_areas_inside_their_group_as_brute_force(brute_ref):
    run, p, blocks, parts = brute_ref
    inside = [x for x in parts if all(len(set(p.nest[blocks[m]])) == 1 for m in x)]
    d = design_areas(run, DesignOptions(mode="max", nest="zone"))
    assert d.status == "optimal"
    assert len(d.areas) == max(len(x) for x in inside) == 4
    zone = dict(zip(p.codes, p.nest.tolist(), strict=True))
    assert all(len({zone[u] for u in a.units}) == 1 for a in d.areas)
    assert len(design_areas(run, DesignOptions(mode="max")).areas) == max(len(x) for x in parts) == 5


@pytest.mark.parametrize("weight", [1.0, 10.0])
def test_keep_penalty_equals_brute_force(brute_ref, weight):
    run, p, blocks, parts = brute_ref
    value = {tuple(x): len(x) - weight * (p.n - _kept(p.keep, blocks, x)) for x in parts}
    d = design_areas(run, DesignOptions(mode="max", keep="old", keep_weight=weight))
    assert d.status == "optimal"
    assert d.objective == pytest.approx(max(value.values()))
    if weight == 10.0:  # leaving a unit out costs more than an area gains: the old areas stay
        assert sorted(a.units for a in d.areas) == sorted(
            (("99201", "99202", "99203"), ("99204", "99205", "99206", "99210"), ("99207", "99208", "99209"))
        )


def test_soft_reach_penalty_equals_brute_force(grid):
    # 12 km: a unit is within reach of the key institution of a side neighbour (10 km
    # between centres), not of a diagonal one (14 km)
    facilities = "id,name,municipality_code,key_institution,hub\n" + "\n".join(
        [
            "K1,K1,99201,1,1",
            "K5,K5,99205,1,0",
            "K9,K9,99209,1,1",
            "KI,KI,99210,1,1",
            "H3,H3,99203,0,1",
            "H7,H7,99207,0,1",
        ]
    )
    run = _run(grid, PLAN + "[checks]\nreach_km = 12\n", facilities)
    p = problem_from_run(run, DesignOptions(mode="max"))
    blocks = _valid_blocks(p)
    parts = list(_partitions(p.n, blocks))
    near = p.within(p.limit)

    def unreached(part):
        return sum(
            1 for m in part for i in blocks[m] if not {int(p.centres[k]) for k in near[i]} & set(blocks[m])
        )

    assert max(unreached(x) for x in parts) > 0  # the penalty matters in some plans
    best = max(len(x) - unreached(x) for x in parts)
    d = design_areas(run, DesignOptions(mode="max", reach="soft"))
    assert d.status == "optimal"
    assert d.objective == pytest.approx(best)
    assert best < max(len(x) for x in parts)  # the finest plan leaves someone beyond reach


@pytest.mark.parametrize(
    ("options", "where"),
    [({"mode": "repair", "areas": 3}, "--areas"), ({"mode": "max", "keep_areas": True}, "--keep-areas")],
)
def test_options_another_mode_would_ignore_are_refused(options, where):
    """design areas --plan P --areas 3 ran a repair and returned 4 areas; --mode max
    --keep-areas kept nothing."""
    with pytest.raises(InputError) as err:
        DesignOptions(**options)
    assert err.value.where == where and "のときだけ使います" in str(err.value)


def test_design_options_are_whole_numbers_and_an_empty_design_has_no_run(sample_run):
    """DesignOptions(areas=2.5) solved as 2 areas, SitingOptions(max_new=1.5) chose one
    site, and proposed_run() of an unsolved design checked an empty plan."""
    from geo_zaitaku.design.areas import AreaDesign
    from geo_zaitaku.design.hubs import SitingOptions
    from geo_zaitaku.design.output import proposed_run
    from geo_zaitaku.design.problem import DesignOptions

    with pytest.raises(InputError) as err:
        DesignOptions(mode="count", areas=2.5)
    assert err.value.where == "--areas" and "1 以上の整数" in str(err.value)
    with pytest.raises(InputError) as err:
        SitingOptions(max_new=1.5)
    assert err.value.where == "--max-new"
    design = AreaDesign(sample_run, DesignOptions(mode="count", areas=3))  # not solved yet
    with pytest.raises(InputError) as err:
        proposed_run(design)
    assert "この設計には提案がありません" in str(err.value)
