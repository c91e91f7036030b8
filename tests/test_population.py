import numpy as np
import pytest
from conftest import make_grid
from test_units import _city_grid

from geo_zaitaku._errors import InputError
from geo_zaitaku.codes import check_digit
from geo_zaitaku.population import POPULATION_FIELDS, attach_population, load_population
from geo_zaitaku.units import units_from_frame


def write(tmp_path, text, encoding="utf-8"):
    path = tmp_path / "pop.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_city_row_used_for_municipalities_ward_rows_for_wards(tmp_path):
    text = (
        "市区町村コード,市区町村名,人口総数,65歳以上,75歳以上,85歳以上,人口重心緯度,人口重心経度\n"
        f'43100{check_digit("43100")},熊本市,"738,865",190000,100000,30000,32.80,130.70\n'
        f"43101{check_digit('43101')},熊本市中央区,186000,45000,24000,8000,32.80,130.71\n"
        f"43102{check_digit('43102')},熊本市東区,190000,48000,25000,8100,32.79,130.76\n"
        "43206,玉名市,６４２９２,23000,12000,4000,,\n"
        "43000,熊本県,1738301,,,,,\n"
    )
    path = write(tmp_path, text, "cp932")
    m = units_from_frame(_city_grid("old"))
    pop = load_population(path, m)
    assert pop.frame.loc["43100", "population"] == 738865
    assert pop.frame.loc["43206", "population"] == 64292
    assert np.isnan(pop.frame.loc["43206", "pop_lat"])
    assert [(s.line, s.reason) for s in pop.skipped] == [
        (3, "ward_row"),
        (4, "ward_row"),
        (6, "unknown_code"),
    ]
    assert pop.missing == ("43364",)
    w = units_from_frame(_city_grid("old"), level="ward")
    pop_w = load_population(path, w)
    assert pop_w.frame.loc["43101", "population"] == 186000
    assert [(s.line, s.reason) for s in pop_w.skipped] == [(2, "city_total"), (6, "unknown_code")]


def test_wards_summed_when_no_city_row(tmp_path):
    text = "code,population,pop_65over,pop_lat,pop_lon\n43101,100,10,32.0,130.0\n43102,300,30,33.0,131.0\n"
    m = units_from_frame(_city_grid("new"))
    pop = load_population(write(tmp_path, text), m)
    row = pop.frame.loc["43100"]
    assert row["population"] == 400
    assert row["pop_65over"] == 40
    assert row["pop_lat"] == pytest.approx(32.75)
    assert row["pop_lon"] == pytest.approx(130.75)
    assert pop.skipped == ()


def test_attach_population_keeps_attrs(tmp_path):
    units = units_from_frame(make_grid(2, 1))
    pop = load_population(write(tmp_path, "code,population\n99201,5000\n"), units)
    out = attach_population(units, pop)
    assert out["population"].tolist()[0] == 5000
    assert np.isnan(out["population"].tolist()[1])
    assert out.attrs["level"] == "municipality"
    assert pop.missing == ("99202",)


@pytest.mark.parametrize(
    ("text", "needle", "where"),
    [
        ("name,population\nA,1\n", "コード列", "行 1"),
        ("code,人数\n99201,1\n", "人口の列", "行 1"),
        ("code,population\n99201,many\n", "数値", "行 2"),
    ],
)
def test_unusable_population(tmp_path, text, needle, where):
    units = units_from_frame(make_grid(2, 1))
    with pytest.raises(InputError) as e:
        load_population(write(tmp_path, text), units)
    assert needle in str(e.value)
    assert e.value.where == where


def test_duplicate_and_malformed_codes_are_listed(tmp_path):
    units = units_from_frame(make_grid(2, 1))
    pop = load_population(write(tmp_path, "code,population\n99201,1\n99201,2\nabc,3\n99202,4\n"), units)
    assert [(s.line, s.reason) for s in pop.skipped] == [(3, "duplicate_code"), (4, "bad_code")]
    assert pop.frame["population"].tolist() == [1, 4]


# --------------------------------------------------------------------------- age groups

FIVE_YEAR = [f"{a}〜{a + 4}歳" for a in range(0, 100, 5)] + ["100歳以上"]


def _estat_row(code, name, total, values):
    cells = [code, name, total, *values]
    return ",".join(f'"{c}"' if "," in c else c for c in cells)


def test_parse_age_group_spellings():
    from geo_zaitaku.population import age_group_label, parse_age_group

    cases = {
        "0〜4歳": (0, 4),
        "5～9歳": (5, 9),
        "0-4": (0, 4),
        "９０～９４歳": (90, 94),
        "85歳以上": (85, None),
        "100歳以上": (100, None),
        "90+": (90, None),
        "15歳未満": (0, 14),
        "0歳": (0, 0),
        "（再掲）65歳以上": (65, None),
        "総数": None,
        "年齢不詳": None,
        "平均年齢": None,
    }
    assert {k: parse_age_group(k) for k in cases} == cases
    assert [age_group_label(g) for g in [(0, 4), (85, None)]] == ["0-4", "85+"]


def test_five_year_groups_cp932_title_row_and_designated_city(tmp_path):
    """e-Stat layout: title row, 6-digit codes, separators, full-width digits, '-' for nobody."""
    header = ["地域コード", "地域識別", "総数", *FIVE_YEAR, "（再掲）65歳以上"]
    city = ["1,000"] * 20 + ["30"]
    ward = ["500"] * 19 + ["-", "１２"]
    tamana = ["100"] * 20 + ["5"]
    lines = [
        "表章項目 人口　年齢（5歳階級）別　令和2年国勢調査",
        ",".join(header),
        _estat_row(f"43100{check_digit('43100')}", "熊本市", "20,030", [*city, "7,030"]),
        _estat_row(f"43101{check_digit('43101')}", "熊本市中央区", "9,512", [*ward, "3,012"]),
        _estat_row("43206", "玉名市", "", [*tamana, "705"]),
        _estat_row("43000", "熊本県", "１７３８３０１", ["…"] * 22),
        "注）総数には年齢「不詳」を含む。",
    ]
    path = write(tmp_path, "\n".join(lines) + "\n", "cp932")
    m = units_from_frame(_city_grid("old"))
    pop = load_population(path, m)
    assert pop.frame.loc["43100", list(POPULATION_FIELDS)].tolist() == [20030, 7030, 5030, 3030]
    # no total given: the sum of the groups
    assert pop.frame.loc["43206", list(POPULATION_FIELDS)].tolist() == [2005, 705, 505, 305]
    assert list(pop.ages.columns) == [f"{a}-{a + 4}" for a in range(0, 100, 5)] + ["100+"]
    assert pop.ages.loc["43100", "100+"] == 30
    assert pop.ages.loc["43206", "0-4"] == 100
    assert pop.age_groups[0] == (0, 4) and pop.age_groups[-1] == (100, None)
    assert [(s.line, s.reason) for s in pop.skipped] == [
        (4, "ward_row"),
        (6, "unknown_code"),
        (7, "bad_code"),
    ]
    assert pop.rows == 5
    assert pop.missing == ("43364",)
    w = load_population(path, units_from_frame(_city_grid("old"), level="ward"))
    # '-' in 95〜99歳 means nobody; the total column is used as given
    assert w.frame.loc["43101", list(POPULATION_FIELDS)].tolist() == [9512, 3012, 2012, 1012]
    assert w.ages.loc["43101", "95-99"] == 0
    assert [(s.line, s.reason) for s in w.skipped] == [
        (3, "city_total"),
        (6, "unknown_code"),
        (7, "bad_code"),
    ]


def test_groups_without_total_use_unknown_age_and_wards_are_summed(tmp_path):
    text = (
        "code,0-14,15-64,65-74,75-84,85+,年齢不詳,pop_lat,pop_lon\n"
        "43101,10,50,20,15,5,3,32.0,130.0\n"
        "43102,20,100,40,30,10,,33.0,131.0\n"
    )
    m = units_from_frame(_city_grid("new"))
    pop = load_population(write(tmp_path, text), m)
    row = pop.frame.loc["43100"]
    assert row[list(POPULATION_FIELDS)].tolist() == [303, 120, 60, 15]
    assert row["pop_lat"] == pytest.approx((103 * 32.0 + 200 * 33.0) / 303)
    assert pop.ages.loc["43100"].tolist() == [30, 150, 60, 45, 15]
    assert pop.skipped == ()


def test_long_layout_census(tmp_path):
    text = (
        "code,age_group,population\n"
        "99201,総数,1000\n"
        "99201,0〜64歳,600\n"
        "99201,65〜74歳,250\n"
        "99201,75歳以上,150\n"
        "99201,(再掲)65歳以上,400\n"
        "99202,0〜64歳,60\n"
        "99202,65〜74歳,25\n"
        "99202,75歳以上,15\n"
    )
    units = units_from_frame(make_grid(2, 1))
    pop = load_population(write(tmp_path, text), units)
    assert pop.frame[list(POPULATION_FIELDS[:3])].to_numpy().tolist() == [[1000, 400, 150], [100, 40, 15]]
    assert np.isnan(pop.frame.loc["99201", "pop_85over"])
    assert [(s.line, s.reason) for s in pop.skipped] == [(6, "relisted")]
    assert pop.rows == 8


@pytest.mark.parametrize(
    ("text", "needle", "where"),
    [
        ("code,0〜4歳,5〜9歳,10歳超\n99201,1,2,3\n", "10歳超", "行 1"),
        ("code,0〜4歳,10〜14歳,15歳以上\n99201,1,2,3\n", "連続していません", "行 1"),
        ("code,0〜4歳,5〜9歳\n99201,1,2\n", "10歳以上", "行 1"),
        ("code,5〜9歳,10歳以上\n99201,1,2\n", "0歳から", "行 1"),
        ("タイトル\ncode,0〜4歳,5歳以上\n99201,1,2\n99202,1,多数\n", "5歳以上", "行 4"),
        ("code,age_group,population\n99201,0-4,1\n99201,幼児,2\n", "幼児", "行 3"),
        ("地域,0〜4歳,5歳以上\nA,1,2\n", "コード列", "行 1"),
    ],
)
def test_unusable_age_group_files(tmp_path, text, needle, where):
    units = units_from_frame(make_grid(2, 1))
    with pytest.raises(InputError) as e:
        load_population(write(tmp_path, text), units)
    assert needle in str(e.value)
    assert e.value.where == where
    assert str(e.value).startswith(str(tmp_path / "pop.csv"))


# --------------------------------------------------------------------------- projections


def test_projection_wide_two_years_select_and_attach(tmp_path):
    text = (
        "将来推計人口（架空）\n"
        "市区町村コード,市区町村名,年,0〜64歳,65〜74歳,75〜84歳,85歳以上\n"
        "43101,熊本市中央区,2025,600,200,150,50\n"
        "43102,熊本市東区,2025,400,100,100,50\n"
        "43206,玉名市,2025,300,100,80,20\n"
        "43101,熊本市中央区,2040年,500,180,170,90\n"
        "43102,熊本市東区,2040年,300,120,110,70\n"
        "43206,玉名市,2040年,250,90,100,40\n"
        "43206,玉名市,令和22年,1,1,1,1\n"
        "43000,熊本県,2040,1,1,1,1\n"
    )
    from geo_zaitaku.population import load_projection

    m = units_from_frame(_city_grid("new"))
    proj = load_projection(write(tmp_path, text), m)
    assert proj.years == (2025, 2040)
    assert proj.rows == 8
    p25 = proj.select(2025)
    assert p25.year == 2025
    assert p25.frame.loc["43100", list(POPULATION_FIELDS)].tolist() == [1650, 650, 350, 100]
    assert p25.frame.loc["43206", "population"] == 500
    p40 = proj.select(2040)
    assert p40.frame.loc["43100", list(POPULATION_FIELDS)].tolist() == [1540, 740, 440, 160]
    assert p40.ages.loc["43206"].tolist() == [250, 90, 100, 40]
    assert [(s.line, s.reason) for s in p40.skipped] == [(10, "unknown_code")]
    assert [(s.line, s.reason) for s in proj.skipped] == [(9, "bad_year"), (10, "unknown_code")]
    assert p40.missing == ("43364",)
    units = attach_population(m, p40)
    assert units.loc["43100", "pop_75over"] == 440
    with pytest.raises(InputError) as e:
        proj.select(2030)
    assert "2025, 2040" in str(e.value)


def test_projection_long_layout(tmp_path):
    from geo_zaitaku.population import load_projection

    text = "code,year,age_group,population\n"
    for year, values in ((2025, (60, 20, 15, 5)), (2040, (50, 18, 17, 9))):
        for code in ("99201", "99202"):
            for group, v in zip(("0-64", "65-74", "75-84", "85+"), values, strict=True):
                text += f"{code},{year},{group},{v * (1 if code == '99201' else 2)}\n"
    units = units_from_frame(make_grid(2, 1))
    proj = load_projection(write(tmp_path, text), units)
    assert proj.years == (2025, 2040)
    assert proj.select(2040).frame["population"].tolist() == [94, 188]
    assert proj.select(2025).frame["pop_75over"].tolist() == [20, 40]
    assert proj.select(2025).rows == 8


def test_projection_needs_a_year_column(tmp_path):
    from geo_zaitaku.population import load_projection

    units = units_from_frame(make_grid(2, 1))
    with pytest.raises(InputError) as e:
        load_projection(write(tmp_path, "code,0-64,65+\n99201,1,2\n"), units)
    assert "年の列" in str(e.value) and e.value.where == "行 1"


def test_population_import_command_round_trip(sample_files, tmp_path, capsys):
    import csv

    from geo_zaitaku.cli import main
    from geo_zaitaku.units import load_units

    out = tmp_path / "pop"
    assert (
        main(
            [
                "population",
                "import",
                str(sample_files.population),
                "--units",
                str(sample_files.units),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    rows = list(csv.DictReader((out / "population.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == 26
    assert rows[0]["code"] == "99100" and rows[0]["name"] == "さくら市" and rows[0]["population"] == "740000"
    log = list(csv.DictReader((out / "population_log.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert [(r["line"], r["reason"]) for r in log] == [
        ("3", "ward_row"),
        ("4", "ward_row"),
        ("5", "ward_row"),
        ("6", "ward_row"),
    ]
    units = load_units(sample_files.units)
    again = load_population(out / "population.csv", units)
    original = load_population(sample_files.population, units)
    assert again.frame["population"].to_dict() == original.frame["population"].to_dict()
    assert again.skipped == ()
    assert (
        main(
            [
                "population",
                "import",
                str(sample_files.projection),
                "--units",
                str(sample_files.units),
                "--target-year",
                "2040",
                "--out",
                str(tmp_path / "p2040"),
            ]
        )
        == 0
    )
    rows = list(
        csv.DictReader((tmp_path / "p2040" / "population.csv").read_text(encoding="utf-8-sig").splitlines())
    )
    assert "90+" in rows[0] and rows[0]["0-4"]
    capsys.readouterr()
    assert (
        main(
            [
                "population",
                "import",
                str(sample_files.projection),
                "--units",
                str(sample_files.units),
                "--out",
                str(tmp_path / "bad"),
            ]
        )
        == 2
    )
    assert "--target-year" in capsys.readouterr().err
