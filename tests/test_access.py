"""2SFCA and E2SFCA against PySAL ``access`` on the same costs, and the supply invariant."""

from __future__ import annotations

import dataclasses
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo_zaitaku import InputError
from geo_zaitaku.cli import main
from geo_zaitaku.costs import cost_pairs
from geo_zaitaku.pipeline import check_plan
from geo_zaitaku.scenarios.access import Weighting, capacity_column, measure_access, two_step_fca, weighting

access = pytest.importorskip("access", reason="PySAL access not installed (pip install access)")


def _random_case(seed=3, n_units=40, n_fac=25):
    rng = np.random.default_rng(seed)
    units = pd.DataFrame(
        {"lon": rng.uniform(130.0, 130.6, n_units), "lat": rng.uniform(32.5, 33.0, n_units)},
        index=pd.Index([f"4{i:04d}" for i in range(n_units)], name="code"),
    )
    fac = pd.DataFrame(
        {
            "id": [f"F{j}" for j in range(n_fac)],
            "lon": rng.uniform(130.0, 130.6, n_fac),
            "lat": rng.uniform(32.5, 33.0, n_fac),
            "unit": ["40000"] * n_fac,
        }
    )
    demand = rng.integers(100, 20_000, n_units).astype(float)
    supply = rng.integers(1, 6, n_fac).astype(float)
    return units, fac, demand, supply


def _pysal(units, fac, demand, supply, pairs, method, catchment, weight_fn=None):
    cost = pd.DataFrame(
        {
            "origin": [pairs.units[i] for i in pairs.rows],
            "dest": [pairs.facilities[j] for j in pairs.cols],
            "cost": pairs.values,
        }
    )
    a = access.Access(
        demand_df=pd.DataFrame({"geoid": list(units.index), "pop": demand}),
        demand_index="geoid",
        demand_value="pop",
        supply_df=pd.DataFrame({"geoid": list(fac["id"]), "cap": supply}),
        supply_index="geoid",
        supply_value="cap",
        cost_df=cost,
        cost_origin="origin",
        cost_dest="dest",
        cost_name="cost",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "2sfca":
            out = a.two_stage_fca(name="x", max_cost=catchment)
        else:
            out = a.enhanced_two_stage_fca(name="x", max_cost=catchment, weight_fn=weight_fn)
    return out["x_cap"].reindex(units.index).fillna(0.0).to_numpy()


@pytest.mark.parametrize("catchment", [8.0, 16.0, 30.0])
def test_2sfca_equals_pysal(catchment):
    units, fac, demand, supply = _random_case()
    pairs = cost_pairs(units, fac, limit=catchment)
    ours = two_step_fca(demand, supply, pairs.rows, pairs.cols, pairs.values, Weighting("2sfca"))
    theirs = _pysal(units, fac, demand, supply, pairs, "2sfca", catchment)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-9)
    assert (ours > 0).any()
    if catchment == 8.0:
        assert (ours == 0).any()  # some units have no supply within 8 km


def test_e2sfca_steps_and_gaussian_equal_pysal():
    from access import weights as pysal_weights

    units, fac, demand, supply = _random_case(seed=11)
    pairs = cost_pairs(units, fac, limit=30.0)
    steps = Weighting("e2sfca")  # PySAL's default steps {10: 1, 20: 0.68, 30: 0.22}
    ours = two_step_fca(demand, supply, pairs.rows, pairs.cols, pairs.values, steps)
    theirs = _pysal(units, fac, demand, supply, pairs, "e2sfca", 30.0)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-9)
    gauss = Weighting("gaussian", sigma=8.0)
    ours = two_step_fca(demand, supply, pairs.rows, pairs.cols, pairs.values, gauss)
    theirs = _pysal(units, fac, demand, supply, pairs, "e2sfca", 30.0, weight_fn=pysal_weights.gaussian(8.0))
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-9)


def test_total_access_equals_the_supply_that_reaches_demand():
    units, fac, demand, supply = _random_case(seed=5)
    pairs = cost_pairs(units, fac, limit=12.0)
    a = two_step_fca(demand, supply, pairs.rows, pairs.cols, pairs.values, Weighting("2sfca"))
    reaching = np.unique(pairs.cols)
    assert (demand * a).sum() == pytest.approx(supply[reaching].sum(), rel=1e-12)


def test_closed_form_on_two_units():
    """Two units 0 and 10 km from one supply of 3: R = 3 / (P1 + P2), both get R."""
    units = pd.DataFrame(
        {"lon": [130.0, 130.0], "lat": [33.0, 33.0 + 10 / 111.2]}, index=pd.Index(["1", "2"], name="code")
    )
    fac = pd.DataFrame({"id": ["S"], "lon": [130.0], "lat": [33.0], "unit": ["1"]})
    pairs = cost_pairs(units, fac, limit=16.0)
    a = two_step_fca(
        np.array([1000.0, 3000.0]), np.array([3.0]), pairs.rows, pairs.cols, pairs.values, Weighting()
    )
    np.testing.assert_allclose(a, [3 / 4000, 3 / 4000])


def test_weighting_options():
    assert weighting("e2sfca", steps="5:1,15:0.5", catchment=16).steps == ((5.0, 1.0), (15.0, 0.5))
    assert weighting("gaussian", catchment=16).sigma == 8.0
    for kwargs, where in (
        ({"method": "nope"}, "--method"),
        ({"steps": "5-1"}, "--steps"),
        ({"sigma": -1.0}, "--sigma"),
    ):
        with pytest.raises(InputError) as err:
            weighting(**{"method": "e2sfca", **kwargs}, catchment=16)
        assert err.value.where == where


def test_access_on_the_sample(sample_run, sample_files, tmp_path, capsys):
    result = measure_access(sample_run, supply="key", demand="pop_75over")
    units = result.units
    assert len(units) == len(sample_run.plan.units) and (units["score"] >= 0).all()
    # the invariant, in per-10,000 units: Σ demand × score / 10,000 = capacity reaching demand
    assert (units["demand"] * units["score"]).sum() / 10_000 == pytest.approx(
        result.notes["capacity_reaching_demand"]
    )
    west = result.areas.set_index("area").loc["西部"]
    assert west["demand"] == pytest.approx(units[units["area"] == "西部"]["demand"].sum())
    out = tmp_path / "acc"
    code = main(
        [
            "access",
            str(sample_files.plan),
            "--supply",
            "key",
            "--demand",
            "pop_75over",
            "--out",
            str(out),
            "-q",
            "--no-basemap",
        ]
    )
    assert code == 0
    without = int((units["supply_in_reach"] == 0).sum())
    assert (
        f"供給 {result.supplies}施設（積極的医療機関）・需要 75歳以上人口・圏 16km（2SFCA）: "
        f"圏内に供給のない市区町村 {without}\n"
    ) in capsys.readouterr().out  # Japanese names, not the ids key / pop_75over / 2sfca
    kinds = measure_access(sample_run, supply="visiting_nursing,在宅療養支援診療所", demand="population")
    assert (kinds.supply_label, kinds.demand_label) == ("訪問看護ステーション・在宅療養支援診療所", "人口")
    assert dataclasses.replace(kinds, demand="patients").demand_label == "在宅医療の推計患者数"
    data = json.loads((out / "access.json").read_text(encoding="utf-8"))
    assert data["per"] == 10_000 and data["supply"] == "key" and len(data["units"]) == len(units)
    assert {p.name for p in out.iterdir()} >= {
        "access.csv",
        "access_areas.csv",
        "access.json",
        "access_map.html",
    }
    capsys.readouterr()
    assert (
        main(["access", str(sample_files.plan), "--supply", "どれでもない", "--out", str(tmp_path / "x")])
        == 2
    )
    assert "--supply" in capsys.readouterr().err


def test_capacity_column_closed_form(tmp_path, capsys):
    """Two units (1,000 and 3,000 people, 10 km apart) both within 16 km of two key
    institutions of 10 and 30 beds: every unit scores (10 + 30) / 4,000 per person."""
    from conftest import make_grid, write_plan

    make_grid(2, 1).to_file(tmp_path / "g.geojson", driver="GeoJSON")
    (tmp_path / "p.csv").write_text("code,population\n99201,1000\n99202,3000\n", encoding="utf-8")
    write_plan(tmp_path / "plan.toml", '[areas]\n"全" = ["99201", "99202"]\n[checks]\nreach_km = 16\n')

    def facilities(beds_a: str, beds_b: str) -> Path:
        path = tmp_path / "f.csv"
        path.write_text(
            "id,name,kind,municipality_code,key_institution,hub,病床数\n"
            f"A,A,support_hospital,99201,1,1,{beds_a}\nB,B,support_hospital,99202,1,0,{beds_b}\n"
            "C,C,clinic,99202,0,0,\n",
            encoding="utf-8",
        )
        return path

    run = check_plan(tmp_path / "plan.toml", units=tmp_path / "g.geojson", facilities=[facilities("10", "３０")],
                     population=tmp_path / "p.csv", cache=False)  # fmt: skip
    caps = capacity_column(run, "病床数")
    assert caps == {"A": 10.0, "B": 30.0}  # full-width digits read; C's empty cell gives none
    result = measure_access(run, supply="key", capacity=caps)
    assert result.units["score"].tolist() == pytest.approx([40 / 4000 * 10_000] * 2)
    assert result.capacity == 40.0
    plain = measure_access(run, supply="key")
    assert plain.units["score"].tolist() == pytest.approx([2 / 4000 * 10_000] * 2)
    base = ["access", str(tmp_path / "plan.toml"), "--units", str(tmp_path / "g.geojson"),
            "--population", str(tmp_path / "p.csv"), "--out", str(tmp_path / "o"), "-q", "--no-basemap"]  # fmt: skip
    assert main([*base, "--facilities", str(facilities("10", "30")), "--capacity-col", "病床数"]) == 0
    data = json.loads((tmp_path / "o" / "access.json").read_text(encoding="utf-8"))
    assert [u["score"] for u in data["units"]] == pytest.approx([100.0, 100.0])
    capsys.readouterr()
    # a cell that is no number, a supplying facility without a value, a column no file has
    for beds, col, needles in (
        ("多い", "病床数", ["f.csv", "行 2", "'多い'"]),
        ("", "病床数", ["1施設に容量の値がありません: A"]),
        ("10", "職員数", ["列 '職員数' がありません"]),
    ):
        code = main([*base, "--facilities", str(facilities(beds, "30")), "--capacity-col", col])
        err = capsys.readouterr().err
        assert code == 2 and all(n in err for n in needles) and "Traceback" not in err, err


def test_key_institutions_as_supply_need_facility_data(sample_files, tmp_path, capsys):
    """--supply key without facility data (or with data that do not say which are key
    institutions) is refused with one message (exit 2), not scored 0 everywhere."""
    plan = str(sample_files.plan)
    bare = check_plan(plan, facilities=[], cache=False)
    with pytest.raises(InputError, match="施設データに積極的役割を担う医療機関の指定がないため") as err:
        measure_access(bare, supply="key", demand="population")
    assert err.value.where == "--supply"
    nohub = tmp_path / "nohub.csv"
    nohub.write_text("name,lat,lon,key_institution\n甲,31.21,137.16,1\n", encoding="utf-8")
    capsys.readouterr()
    assert (
        main(["access", plan, "--facilities", str(nohub), "--supply", "hub", "--out", str(tmp_path / "b")])
        == 2
    )
    err = capsys.readouterr().err
    assert "施設データに連携を担う拠点の指定がないため" in err and "Traceback" not in err
    assert not (tmp_path / "b").exists()


def test_a_misspelt_kind_is_refused_with_the_kinds(sample_run):
    """--supply clinic,hospitl used to run on the clinics alone (「診療所・hospitl」)."""
    with pytest.raises(InputError) as err:
        measure_access(sample_run, supply="clinic,hospitl", demand="population")
    assert err.value.where == "--supply"
    assert str(err.value).startswith(
        "--supply: 種別 'hospitl' はありません（綴りを確かめてください）。使える種別: "
    )
    result = measure_access(sample_run, supply="clinic,病院", demand="population")  # ids and Japanese names
    assert result.units["score"].notna().any()


@pytest.mark.parametrize(
    ("method", "steps", "sigma", "where", "needle"),
    [
        ("2sfca", "10:1", None, "--steps", "--steps は --method e2sfca のときだけ使います"),
        ("2sfca", None, 3.0, "--sigma", "--sigma は --method gaussian のときだけ使います"),
        ("e2sfca", "10:1,5:0.5", None, "--steps", "重みが距離とともに増えています"),
        ("e2sfca", "30:1", None, "--steps", "どの段階も圏（16）の外です"),
    ],
)
def test_access_options_that_would_be_ignored_or_invert_the_decay(method, steps, sigma, where, needle):
    with pytest.raises(InputError) as err:
        weighting(method, steps=steps, sigma=sigma, catchment=16.0)
    assert err.value.where == where and needle in str(err.value)
    assert weighting("e2sfca", steps="5:1,10:0.5,30:0.1", catchment=16.0).steps == (
        (5.0, 1.0),
        (10.0, 0.5),
        (30.0, 0.1),
    )


def test_catchment_is_bounded_as_reach_km(sample_files, capsys):
    plan = str(sample_files.plan)
    assert main(["access", plan, "--supply", "key", "--catchment-km", "1e9"]) == 2
    assert "--catchment-km は 0 より大きく 10,000 以下にしてください" in capsys.readouterr().err


def test_e2sfca_steps_end_the_catchment_unless_one_is_given(sample_run, sample_files, tmp_path, capsys):
    """PySAL's default steps reach 30 km; with the plan's 16 km as the catchment the
    30 km step was silently unused. Now the steps end the catchment by default, and a
    catchment that cuts steps off says which."""
    assert Weighting("e2sfca").reach == 30.0 and Weighting("2sfca").reach is None
    assert Weighting("e2sfca").unused_steps(16.0) == [30.0]
    assert Weighting("e2sfca").unused_steps(20.0) == [30.0]  # the 30 km step starts at 20 km
    assert Weighting("e2sfca").unused_steps(20.5) == []
    assert measure_access(sample_run, weights=Weighting("e2sfca")).catchment == 30.0
    assert measure_access(sample_run).catchment == 16.0  # plain 2SFCA: the plan's reach_km
    plan = str(sample_files.plan)
    assert main(["access", plan, "--method", "e2sfca", "--out", str(tmp_path / "a"), "-q"]) == 0
    out = capsys.readouterr().out
    assert "圏 30km（E2SFCA" in out and "使われません" not in out
    args = ["access", plan, "--method", "e2sfca", "--catchment-km", "16", "--out", str(tmp_path / "b"), "-q"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "圏 16km（E2SFCA" in out
    assert "距離の段階 30km は圏（16km）の外のため使われません" in out


def test_units_of_unknown_demand_get_no_score_and_are_named(sample_files, tmp_path, capsys):
    """北山市 without population scored 0.0 with two supplies in reach, and nothing said so."""
    from geo_zaitaku import check_plan

    lines = sample_files.population.read_text(encoding="utf-8-sig").splitlines()
    pop = tmp_path / "pop.csv"
    pop.write_text(
        "\n".join(ln for ln in lines if not ln.startswith(("992038", "993816"))) + "\n", encoding="utf-8"
    )
    run = check_plan(sample_files.plan, population=pop)
    result = measure_access(run, supply="key", demand="population")
    units = result.units.set_index("code")
    assert np.isnan(units.at["99203", "score"]) and np.isnan(units.at["99203", "demand"])
    assert units.at["99203", "supply_in_reach"] == 2
    assert result.notes["units_unknown_demand"] == ["99203", "99381"]
    north = result.areas.set_index("area").loc["北部"]
    known = units[(units["area"] == "北部") & units["demand"].notna()]
    assert north["demand"] == known["demand"].sum() == 51_300
    assert north["score"] == pytest.approx((known["demand"] * known["score"]).sum() / known["demand"].sum())
    args = ["access", str(sample_files.plan), "--population", str(pop), "--out", str(tmp_path / "a"), "-q"]
    assert main(args) == 0
    assert "人口の分からない市区町村 2（北山市・浮島町）は指標を空欄にし" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("kwargs", "where"),
    [
        ({"method": "Gauss"}, "--method"),
        ({"method": "e2sfca", "steps": ((10.0, -1.0),)}, "--steps"),
        ({"method": "e2sfca", "steps": ((10.0, 0.5), (20.0, 1.0))}, "--steps"),
        ({"method": "e2sfca", "steps": ()}, "--steps"),
        ({"method": "gaussian", "sigma": -5.0}, "--sigma"),
        ({"method": "gaussian", "sigma": float("nan")}, "--sigma"),
    ],
)
def test_weighting_refuses_weights_no_pair_could_mean(kwargs, where):
    """Weighting("Gauss") ran as steps, a negative step weight made every score 0 and
    sigma=-5 was taken: only the command line checked them."""
    with pytest.raises(InputError) as err:
        Weighting(**kwargs)
    assert err.value.where == where


def test_a_gaussian_without_sigma_takes_half_the_catchment(sample_run):
    """Weighting("gaussian") from Python raised TypeError (float(None)); the README's
    default, half the catchment, only applied on the command line."""
    ours = measure_access(sample_run, weights=Weighting("gaussian"), catchment=16.0)
    assert ours.weighting.sigma == 8.0
    given = measure_access(sample_run, weights=Weighting("gaussian", sigma=8.0), catchment=16.0)
    np.testing.assert_array_equal(ours.units["score"].to_numpy(), given.units["score"].to_numpy())
