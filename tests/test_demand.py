import csv

import numpy as np
import pandas as pd
import pytest
from conftest import make_grid, write_plan

from geo_zaitaku._errors import InputError
from geo_zaitaku.cli import main
from geo_zaitaku.demand import (
    RateTable,
    band_population,
    default_rates,
    demand_by_area,
    estimate_demand,
    expected_demand,
    load_rates,
)
from geo_zaitaku.sources.population import load_population, load_projection
from geo_zaitaku.units import units_from_frame

# Projection of a 2-unit grid (99201, 99202) in the long layout; with RATES below the
# expected patients are 99201: 201 (2025) and 288 (2040); 99202: 93 and 136.5.
PROJECTION = """code,year,age_group,population
99201,2025,0-64,6000
99201,2025,65-74,2000
99201,2025,75-84,1500
99201,2025,85+,500
99202,2025,0-64,3000
99202,2025,65-74,1000
99202,2025,75-84,800
99202,2025,85+,200
99201,2040,0-64,5000
99201,2040,65-74,1800
99201,2040,75-84,1700
99201,2040,85+,900
99202,2040,0-64,2500
99202,2040,65-74,900
99202,2040,75-84,900
99202,2040,85+,400
"""
RATES = "# measure: 患者数（テスト）\nage_group,rate\n0-64,0.001\n65-74,0.01\n75-84,0.05\n85+,0.2\n"
CENSUS = (
    "code,population,pop_65over,pop_75over,pop_85over\n99201,10000,4000,2000,500\n99202,5000,2000,1000,200\n"
)
PLAN = '[plan]\nname = "テスト計画"\n[areas]\n"甲" = ["99201"]\n"乙" = ["町1"]\n'


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def units():
    return units_from_frame(make_grid(2, 1))


@pytest.fixture
def files(tmp_path):
    grid = tmp_path / "grid.geojson"
    make_grid(2, 1).to_file(grid, driver="GeoJSON")
    return {
        "units": grid,
        "plan": write_plan(tmp_path / "plan.toml", PLAN),
        "projection": write(tmp_path / "projection.csv", PROJECTION),
        "rates": write(tmp_path / "rates.csv", RATES),
        "census": write(tmp_path / "census.csv", CENSUS, "cp932"),
    }


def test_default_rates_are_documented():
    rates = default_rates()
    assert rates.default
    assert [(b.label, round(b.rate * 100_000, 1)) for b in rates.bands] == [("0-74", 35.0), ("75+", 1008.6)]
    assert "患者調査" in rates.meta["source"] and "人口推計" in rates.meta["source"]
    assert rates.meta["year"] == "2023"
    assert "置き換えて" in rates.meta["note"]
    assert "1日あたり" in rates.measure


def test_rate_column_units_and_comments(tmp_path):
    a = load_rates(write(tmp_path / "a.csv", "年齢階級,人口10万対\n0〜74歳,35\n75歳以上,1000\n"))
    b = load_rates(write(tmp_path / "b.csv", "# source: x\nage_group,rate_per_1000\n75+,10\n0-74,0.35\n"))
    assert [(x.group, x.rate) for x in a.bands] == [((0, 74), 0.00035), ((75, None), 0.01)]
    assert [(x.group, x.rate) for x in b.bands] == [((0, 74), 0.00035), ((75, None), 0.01)]
    assert b.meta == {"source": "x"}
    assert a.to_frame()["rate_per_100000"].tolist() == [35.0, 1000.0]


def test_expected_demand_per_unit_from_projection(tmp_path, units, files):
    proj = load_projection(files["projection"], units)
    rates = load_rates(files["rates"])
    d25 = expected_demand(proj.select(2025), rates)
    assert d25["patients"].tolist() == pytest.approx([201.0, 93.0])
    assert d25.loc["99201", ["population", "pop_65over", "pop_75over", "pop_85over"]].tolist() == [
        10000,
        4000,
        2000,
        500,
    ]
    d40 = expected_demand(proj.select(2040), rates)
    assert d40["patients"].tolist() == pytest.approx([288.0, 136.5])
    assert band_population(proj.select(2040), rates).loc["99202"].tolist() == [2500, 900, 900, 400]


def test_expected_demand_from_totals_and_default_rates(units, files):
    census = load_population(files["census"], units)
    out = expected_demand(census)
    # (10000 - 2000) × 35.0e-5 + 2000 × 1008.6e-5
    assert out.loc["99201", "patients"] == pytest.approx(8000 * 0.00035 + 2000 * 0.010086)
    assert out.loc["99202", "patients"] == pytest.approx(4000 * 0.00035 + 1000 * 0.010086)
    # custom bands at 65, 75 and 85 are computed from the cumulative columns
    custom = expected_demand(census, load_rates(files["rates"]))
    assert custom["patients"].tolist() == pytest.approx([201.0, 93.0])


def test_expected_demand_five_year_groups_and_frames(tmp_path, units):
    header = ",".join(["code", *[f"{a}〜{a + 4}歳" for a in range(0, 85, 5)], "85歳以上"])
    text = f"{header}\n99201,{','.join(['100'] * 17)},50\n99202,{','.join(['10'] * 17)},-\n"
    pop = load_population(write(tmp_path / "p.csv", text), units)
    out = expected_demand(pop)
    assert out["population"].tolist() == [1750, 170]
    # 0-74: 15 groups; 75+: 75-79, 80-84 and 85+
    assert out["patients"].tolist() == pytest.approx(
        [1500 * 0.00035 + 250 * 0.010086, 150 * 0.00035 + 20 * 0.010086]
    )
    # a plain frame with age-group columns works too
    frame = pd.DataFrame({"0-74": [100.0], "75+": [10.0]}, index=["99201"])
    assert expected_demand(frame)["patients"].tolist() == pytest.approx([100 * 0.00035 + 10 * 0.010086])
    # rates bands of 5 years with finer groups than needed
    fine = load_rates(
        write(
            tmp_path / "r.csv",
            "# measure: 訪問回数（年間）\nage_group,rate\n0-64,0\n65-69,1\n70-74,2\n75+,3\n",
        )
    )
    assert expected_demand(pop, fine)["patients"].tolist() == [100 + 200 + 750, 10 + 20 + 60]


def test_unknown_cell_makes_the_unit_unknown(tmp_path, units):
    text = "code,0-74,75+\n99201,100,…\n99202,10,1\n"
    pop = load_population(write(tmp_path / "p.csv", text), units)
    out = expected_demand(pop)
    assert np.isnan(out.loc["99201", "patients"])
    assert out.loc["99202", "patients"] == pytest.approx(10 * 0.00035 + 0.010086)


@pytest.mark.parametrize(
    ("rates_text", "needle"),
    [
        ("age_group,rate\n0-72,0.1\n73+,0.2\n", "65〜74歳"),  # a band splits a population group
        ("age_group,rate\n65-74,0.1\n75+,0.2\n", "0〜64歳"),  # young ages not covered
        ("age_group,rate\n0-64,0.1\n65-74,0.2\n", "75〜84歳"),  # no open top band
    ],
)
def test_rates_must_cover_population_groups(tmp_path, units, files, rates_text, needle):
    proj = load_projection(files["projection"], units)
    rates = load_rates(write(tmp_path / "bad.csv", rates_text))
    with pytest.raises(InputError) as e:
        expected_demand(proj.select(2025), rates)
    assert needle in str(e.value)
    assert str(e.value).startswith(str(tmp_path / "bad.csv"))


@pytest.mark.parametrize(
    ("rates_text", "needle", "where"),
    [
        ("age_group,rate\n0-69,0.1\n70+,0.2\n", "0〜69歳", "行 2"),
        ("age_group,rate\n0-64,0.1\n75+,0.2\n", "65歳から74歳", "行 3"),
        ("age_group,rate\n0-74,0.1\n75-84,0.2\n", "85歳以上の率", None),
    ],
)
def test_rates_against_totals_only_population(tmp_path, units, files, rates_text, needle, where):
    census = load_population(files["census"], units)
    with pytest.raises(InputError) as e:
        expected_demand(census, load_rates(write(tmp_path / "bad.csv", rates_text)))
    assert needle in str(e.value)
    assert e.value.where == where


@pytest.mark.parametrize(
    ("text", "needle", "where"),
    [
        ("age,value\n0-74,1\n", "率の列", "行 1"),
        ("age_group,rate\n0-74,0.1\n高齢者,0.2\n", "高齢者", "行 3"),
        ("age_group,rate\n0-74,0.1\n75+,-1\n", "0以上", "行 3"),
        ("age_group,rate\n0-74,0.1\n75+,many\n", "many", "行 3"),
        ("age_group,rate\n0-74,0.1\n75+,inf\n", "値 'inf' を0以上の有限の数値として読めません", "行 3"),
        ("age_group,rate\n0-74,nan\n75+,0.1\n", "値 'nan' を0以上の有限の数値として読めません", "行 2"),
        ("age_group,rate\n0-74,1e309\n75+,0.1\n", "値 '1e309' を0以上の有限の数値として読めません", "行 2"),
        ("age_group,rate\n0-74,0.1\n75+,-inf\n", "値 '-inf' を0以上の有限の数値として読めません", "行 3"),
        ("age_group,rate\n0-74,0.1\n75+,\n", "値 None を0以上の有限の数値として読めません", "行 3"),
        ("age_group,rate\n0-74,0.1\n70+,0.2\n", "重なっています", "行 3"),
    ],
)
def test_unusable_rate_files(tmp_path, text, needle, where):
    path = write(tmp_path / "rates.csv", text)
    with pytest.raises(InputError) as e:
        load_rates(path)
    assert needle in str(e.value)
    assert e.value.where == where
    assert e.value.path == path


def test_demand_by_area_exact(files):
    run = estimate_demand(
        files["plan"],
        units=[files["units"]],
        population=files["census"],
        projection=files["projection"],
        years=(2025, 2040),
        rates=files["rates"],
        cache=False,
    )
    result = run.result
    assert result.periods == ("現況", "2025年", "2040年")
    assert result.change == ("2025年", "2040年")
    assert result.area_values("甲", "2025年")["patients"] == pytest.approx(201.0)
    assert result.area_values("乙", "2040年")["patients"] == pytest.approx(136.5)
    assert result.area_values("合計", "2040年") == pytest.approx(
        {"population": 14100, "pop_65over": 6600, "pop_75over": 3900, "pop_85over": 1300, "patients": 424.5}
    )
    table = result.area_table()
    assert table["圏域"].tolist() == ["甲", "乙", "合計"]
    assert table["市区町村数"].tolist() == [1, 1, 2]
    assert table["在宅医療の推計患者数（2025年）"].tolist() == [201.0, 93.0, 294.0]
    assert table["推計患者数の増減（2025年→2040年）"].tolist() == [87.0, 43.5, 130.5]
    assert table["推計患者数の増減率(%)（2025年→2040年）"].tolist() == [43.3, 46.8, 44.4]
    assert table["75歳以上人口（現況）"].tolist() == [2000, 1000, 3000]
    units = result.unit_table()
    assert units["市区町村コード"].tolist() == ["99201", "99202"]
    assert units["市区町村"].tolist() == ["町0", "町1"]
    assert dict(result.missing) == {"現況": (), "2025年": (), "2040年": ()}


def test_demand_by_area_reports_units_without_population(tmp_path, files):
    from geo_zaitaku.pipeline import check_plan

    plan = check_plan(files["plan"], units=[files["units"]], facilities=(), cache=False).plan
    pop = load_population(write(tmp_path / "p.csv", "code,population,pop_75over\n99201,100,10\n"), plan.units)
    result = demand_by_area(plan, {"現況": pop}, default_rates())
    assert result.missing["現況"] == ("99202",)
    total = result.areas[result.areas["area"] == "合計"].iloc[0]
    assert total["n_missing"] == 1
    assert total["patients"] == pytest.approx(90 * 0.00035 + 10 * 0.010086)
    assert result.change is None
    assert isinstance(result.rates, RateTable)


def _run(capsys, *args):
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_demand_prints_table_and_writes_csv(tmp_path, capsys, files):
    out_dir = tmp_path / "out"
    code, out, err = _run(
        capsys,
        "demand",
        files["plan"],
        "--units",
        files["units"],
        "--population",
        files["census"],
        "--projection",
        files["projection"],
        "--target-year",
        "2025",
        "--target-year",
        "2040",
        "--rates",
        files["rates"],
        "--out",
        out_dir,
        "--no-cache",
    )
    assert code == 0, err
    assert "在宅医療の需要推計 — テスト計画" in out
    for text in ("甲", "乙", "合計", "2025年", "2040年", "201.0", "288.0", "+87.0", "(+43.3%)", "424.5"):
        assert text in out, text
    assert "患者数（テスト）" in out
    raw = (out_dir / "demand.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert [r["圏域"] for r in rows] == ["甲", "乙", "合計"]
    assert rows[0]["在宅医療の推計患者数（2040年）"] == "288.0"
    assert rows[2]["人口（現況）"] == "15000"
    units = list(csv.DictReader((out_dir / "demand_units.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert units[1]["市区町村コード"] == "99202" and units[1]["圏域"] == "乙"


def test_cli_demand_with_default_rates_warns(tmp_path, capsys, files):
    code, out, _err = _run(
        capsys,
        "demand",
        files["plan"],
        "-u",
        files["units"],
        "-p",
        files["census"],
        "--out",
        tmp_path / "o",
        "--no-cache",
    )
    assert code == 0
    assert "既定の率" in out and "--rates" in out
    assert "現況" in out and "増減" not in out


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--projection", "{projection}", "--target-year", "2030"], "2030年の推計がありません"),
        (["--target-year", "2025"], "--projection"),
        (["--projection", "{projection}", "--rates", "{bad_rates}"], "0〜64歳"),
        (["--projection", "{missing}"], "見つかりません"),
        ([], "人口データがありません"),
    ],
)
def test_cli_demand_bad_input_exits_2(tmp_path, capsys, files, extra, needle):
    bad_rates = write(tmp_path / "bad_rates.csv", "age_group,rate\n65+,0.1\n")
    names = {"projection": files["projection"], "bad_rates": bad_rates, "missing": tmp_path / "nope.csv"}
    args = [a.format(**names) for a in extra]
    code, out, err = _run(
        capsys, "demand", files["plan"], "-u", files["units"], *args, "--out", tmp_path / "o"
    )
    assert code == 2
    assert needle in err
    assert "Traceback" not in err + out
    assert not (tmp_path / "o" / "demand.csv").exists()


def test_cli_demand_on_the_sample(tmp_path, capsys):
    from geo_zaitaku.sample import write_sample

    files = write_sample(tmp_path / "input")
    assert files.projection is not None and files.projection.exists()
    code, _out, err = _run(
        capsys,
        "demand",
        files.plan,
        "--projection",
        files.projection,
        "--target-year",
        "2025",
        "--target-year",
        "2040",
        "--out",
        tmp_path / "out",
        "--no-cache",
    )
    assert code == 0, err
    assert "区の行（市全体の行を使用） 4行" in err  # the census lists the city and its wards
    rows = list(
        csv.DictReader((tmp_path / "out" / "demand.csv").read_text(encoding="utf-8-sig").splitlines())
    )
    assert [r["圏域"] for r in rows] == ["さくら市", "東部", "北部", "西部", "南部", "合計"]
    assert rows[-1]["人口（現況）"] == "1339100"
    # the sample's 2020 projection equals its census totals
    proj = load_projection(files.projection, run_units(files))
    assert proj.years == (2020, 2025, 2030, 2035, 2040, 2045, 2050)
    assert proj.select(2020).frame["population"].sum() == 1339100
    change = float(rows[-1]["推計患者数の増減（2025年→2040年）"])
    assert change > 0


def run_units(files):
    from geo_zaitaku.units import load_units

    return load_units(files.units, cache=False)


@pytest.mark.parametrize(
    ("rates_text", "per_person"),
    [
        ("age_group,rate\n0-74,10\n75+,1000\n", "10"),  # a table per 100,000 headed `rate`
        ("age_group,rate_per_100000\n0-74,35\n75+,1e308\n", "1e+303"),  # before: inf patients
    ],
)
def test_rates_above_one_per_person_are_refused(tmp_path, rates_text, per_person):
    with pytest.raises(InputError) as e:
        load_rates(write(tmp_path / "r.csv", rates_text))
    assert f"は1人あたり {per_person} 人で、1を超えます" in str(e.value)
    assert "rate_per_100000（人口10万対・受療率）" in str(e.value)


def test_a_rate_beyond_any_count_is_refused_even_with_a_measure(tmp_path):
    """`# measure:` lets rates exceed one per person (visits), not reach 1e303 (inf patients)."""
    text = "# measure: 訪問回数（年間）\nage_group,rate_per_100000\n0-74,35\n75+,1e308\n"
    with pytest.raises(InputError) as e:
        load_rates(write(tmp_path / "r.csv", text))
    assert "は1人あたり 1,000 を超えます" in str(e.value) and e.value.where == "行 4"


def test_unit_counts_are_written_as_whole_numbers_when_some_are_unknown(sample_files, tmp_path):
    """demand_units.csv wrote 5754.0 once a unit's population was unknown (a column of
    whole numbers and blanks became floats)."""
    lines = sample_files.population.read_text(encoding="utf-8-sig").splitlines()
    pop = tmp_path / "pop.csv"
    pop.write_text("\n".join(ln for ln in lines if not ln.startswith("992038")) + "\n", encoding="utf-8")
    out = tmp_path / "d"
    assert main(["demand", str(sample_files.plan), "--population", str(pop), "--out", str(out), "-q"]) == 0
    rows = list(csv.reader((out / "demand_units.csv").read_text(encoding="utf-8-sig").splitlines()))
    header, body = rows[0], rows[1:]
    col = header.index("人口（現況）")
    values = [r[col] for r in body]
    assert "" in values and all(v == "" or v.isdigit() for v in values)
