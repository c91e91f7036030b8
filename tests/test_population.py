import numpy as np
import pytest
from conftest import make_grid
from test_units import _city_grid

from geo_zaitaku._errors import InputError
from geo_zaitaku.codes import check_digit
from geo_zaitaku.sources.population import POPULATION_FIELDS, attach_population, load_population
from geo_zaitaku.units import units_from_frame


def write(tmp_path, text, encoding="utf-8", name="pop.csv"):
    path = tmp_path / name
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
    pop = load_population(write(tmp_path, "code,population\n99201,1\n99201,1\nabc,3\n99202,4\n"), units)
    assert [(s.line, s.reason) for s in pop.skipped] == [(3, "duplicate_code"), (4, "bad_code")]
    assert pop.frame["population"].tolist() == [1, 4]


def test_rows_of_one_code_with_different_counts_are_refused(tmp_path):
    """A second row of a code with other counts (a breakdown kept in rows) was listed
    as 「重複」 and the first row used: a part taken for the whole."""
    units = units_from_frame(make_grid(2, 1))
    path = write(tmp_path, "code,population\n99201,1\n99201,2\n99202,4\n")
    with pytest.raises(InputError) as err:
        load_population(path, units)
    assert err.value.where == "行 3" and "コード 99201 の行が2つあり、人数が違います（2行目とこの行）" in str(
        err.value
    )


def test_an_estat_table_with_its_sex_rows_uses_the_totals(tmp_path):
    """e-Stat's table with 男女 rows (男 first): the men's row was taken as the total."""
    units = units_from_frame(make_grid(2, 1))
    text = (
        "地域コード,地域,男女,総数\n"
        "99201,町0,男,480\n99201,町0,女,520\n99201,町0,総数,1000\n"
        "99202,町1,総数,300\n99202,町1,男,140\n99202,町1,女,160\n"
    )
    pop = load_population(write(tmp_path, text), units)
    assert pop.frame["population"].tolist() == [1000, 300]
    assert pop.rows == 6
    assert [(s.line, s.reason, s.message.ja) for s in pop.skipped] == [
        (2, "sex_row", "男女別の行（男）。総数の行を使用"),
        (3, "sex_row", "男女別の行（女）。総数の行を使用"),
        (6, "sex_row", "男女別の行（男）。総数の行を使用"),
        (7, "sex_row", "男女別の行（女）。総数の行を使用"),
    ]
    men = write(tmp_path, "地域コード,男女,総数\n99201,男,480\n99202,男,140\n", name="men.csv")
    with pytest.raises(InputError) as err:
        load_population(men, units)
    assert "男女の列「男女」に総数の行がありません（値: 男）" in str(err.value)


def test_a_city_total_without_ward_rows_says_so(tmp_path):
    """--level ward with only the city's row said 「区ごとの行を使用」 though there were none."""
    units = units_from_frame(_city_grid("old"), level="ward")  # 熊本市 43100: wards 43101, 43102
    pop = load_population(write(tmp_path, "code,population\n43100,1000\n43206,50\n43364,20\n"), units)
    [row] = pop.skipped
    assert row.reason == "city_without_wards" and "区ごとの行がありません" in row.message.ja
    assert "--level municipality" in row.message.ja


# --------------------------------------------------------------------------- age groups

FIVE_YEAR = [f"{a}〜{a + 4}歳" for a in range(0, 100, 5)] + ["100歳以上"]


def _estat_row(code, name, total, values):
    cells = [code, name, total, *values]
    return ",".join(f'"{c}"' if "," in c else c for c in cells)


def test_parse_age_group_spellings():
    from geo_zaitaku.sources.population import age_group_label, parse_age_group

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
    from geo_zaitaku.sources.population import load_projection

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
    from geo_zaitaku.sources.population import load_projection

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
    from geo_zaitaku.sources.population import load_projection

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
    assert [(r["行"], r["reason"]) for r in log] == [
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


# --------------------------------------------------------------------------- unusable numbers


def test_unusable_count_cells_skip_their_rows_and_the_rest_is_read(tmp_path):
    text = (
        "code,population,pop_65over,pop_lat,pop_lon\n"
        "99201,1000,300,,\n"
        "99202,inf,10,,\n"
        "99203,1e309,10,,\n"
        "99204,-5,,,\n"
        "99205,500,nan,,\n"
        "99206,many,Infinity,,\n"
        "99202,700,70,,\n"
    )
    units = units_from_frame(make_grid(3, 2))
    pop = load_population(write(tmp_path, text), units)
    assert pop.frame.index.tolist() == ["99201"]
    assert pop.frame.loc["99201", ["population", "pop_65over"]].tolist() == [1000, 300]
    assert [(s.line, s.reason) for s in pop.skipped] == [
        (3, "bad_number"),
        (4, "bad_number"),
        (5, "bad_number"),
        (6, "bad_number"),
        (7, "bad_number"),
        (8, "duplicate_code"),  # the first row of a code decides, even when it is not used
    ]
    messages = {s.line: s.message for s in pop.skipped}
    assert messages[3].startswith("99202: 列「population」の値 'inf'（有限の数値ではありません）。")
    assert "0以上1,000,000,000以下の有限の数値" in messages[3]
    assert "column 'population': 'inf' is not finite" in messages[3]
    assert "列「population」の値 '1e309'（有限の数値ではありません）" in messages[4]
    assert "列「population」の値 '-5'（負の数です）" in messages[5]
    assert "column 'pop_65over': 'nan' is not finite" in messages[6]
    assert messages[7].startswith(
        "99206: 列「population」の値 'many'（数値ではありません）・列「pop_65over」の値 'Infinity'（有限の数値ではありません）。"
    )
    assert messages[8] == "99202: 行 3 と重複 / duplicate of line 3"
    assert pop.missing == ("99202", "99203", "99204", "99205", "99206")
    assert pop.to_dict()["rows"] == 7 and pop.to_dict()["used"] == 1
    assert pop.notes == ()


def test_unusable_age_group_cell_skips_the_row(tmp_path):
    text = "タイトル\ncode,0〜4歳,5歳以上\n99201,1,2\n99202,1,多数\n"
    units = units_from_frame(make_grid(2, 1))
    pop = load_population(write(tmp_path, text), units)
    assert pop.frame["population"].to_dict() == {"99201": 3}
    assert [(s.line, s.reason) for s in pop.skipped] == [(4, "bad_number")]
    assert pop.skipped[0].message.startswith("99202: 列「5歳以上」の値 '多数'（数値ではありません）。")
    assert pop.missing == ("99202",)


def test_unusable_cell_of_a_long_layout_row(tmp_path):
    text = (
        "code,age_group,population\n"
        "99201,0-64,10\n"
        "99201,65+,inf\n"
        "99202,0-64,-1\n"
        "99202,65+,-1\n"
        "99203,0-64,3\n"
        "99203,65+,4\n"
    )
    units = units_from_frame(make_grid(3, 1))
    pop = load_population(write(tmp_path, text), units)
    assert [(s.line, s.reason) for s in pop.skipped] == [
        (3, "bad_number"),
        (4, "bad_number"),
        (5, "bad_number"),
    ]
    assert pop.skipped[0].message.startswith("99201 65+: 列「population」の値 'inf'")
    # 99201 is read with its 65+ group unknown (so its total is unknown); 99202 has no row left
    assert pop.frame.index.tolist() == ["99201", "99203"]
    assert np.isnan(pop.frame.loc["99201", "population"])
    assert pop.ages.loc["99201", "0-64"] == 10 and np.isnan(pop.ages.loc["99201", "65+"])
    assert pop.frame.loc["99203", ["population", "pop_65over"]].tolist() == [7, 4]
    assert pop.missing == ("99201", "99202")
    assert pop.to_dict()["used"] == 3


def test_unusable_projection_cell_skips_that_year_row(tmp_path):
    from geo_zaitaku.sources.population import load_projection

    text = "code,year,0-64,65+\n99201,2025,60,40\n99201,2040,1e309,50\n99202,2025,6,4\n99202,2040,5,5\n"
    units = units_from_frame(make_grid(2, 1))
    proj = load_projection(write(tmp_path, text), units)
    assert proj.select(2025).frame["population"].to_dict() == {"99201": 100, "99202": 10}
    p40 = proj.select(2040)
    assert p40.frame["population"].to_dict() == {"99202": 10}
    assert [(s.line, s.reason) for s in p40.skipped] == [(3, "bad_number")]
    assert p40.rows == 2 and p40.to_dict()["used"] == 1
    assert [(s.line, s.reason) for s in proj.skipped] == [(3, "bad_number")]


@pytest.mark.parametrize(
    ("lat", "lon", "detail"),
    [
        ("0", "0", "緯度 '0'（日本の範囲外です）・経度 '0'（日本の範囲外です）"),
        ("130.7", "32.8", "緯度 '130.7'（日本の範囲外です）・経度 '32.8'（日本の範囲外です）"),
        ("19.9", "135", "緯度 '19.9'（日本の範囲外です）"),
        ("31", "154.5", "経度 '154.5'（日本の範囲外です）"),
        ("nan", "135", "緯度 'nan'（有限の数値ではありません）"),
        ("31", "inf", "経度 'inf'（有限の数値ではありません）"),
        ("北緯31度", "135", "緯度 '北緯31度'（数値ではありません）"),
        ("31.5", "", "緯度と経度の片方しかありません"),
    ],
)
def test_unusable_centroid_is_dropped_and_the_population_used(tmp_path, lat, lon, detail):
    text = f"code,population,pop_lat,pop_lon\n99201,1000,{lat},{lon}\n99202,500,31.7,135.1\n"
    units = units_from_frame(make_grid(2, 1))
    pop = load_population(write(tmp_path, text), units)
    assert pop.frame["population"].to_dict() == {"99201": 1000, "99202": 500}
    assert np.isnan(pop.frame.loc["99201", "pop_lat"]) and np.isnan(pop.frame.loc["99201", "pop_lon"])
    assert pop.frame.loc["99202", ["pop_lat", "pop_lon"]].tolist() == [31.7, 135.1]
    assert pop.skipped == ()
    assert [(n.line, n.reason) for n in pop.notes] == [(2, "bad_centroid")]
    assert pop.notes[0].message.startswith(f"99201: 人口重心を使いません（{detail}。緯度20〜46・経度122〜154")
    summary = pop.to_dict()
    assert summary["used"] == summary["rows"] == 2
    assert summary["notes"][0]["reason"] == "bad_centroid"


def test_centroid_note_only_on_rows_used(tmp_path):
    text = "code,population,pop_lat,pop_lon\n99201,1000,0,0\n99999,5,0,0\n99202,-1,0,0\n"
    units = units_from_frame(make_grid(2, 1))
    pop = load_population(write(tmp_path, text), units)
    assert [(s.line, s.reason) for s in pop.skipped] == [(3, "unknown_code"), (4, "bad_number")]
    assert [(n.line, n.reason) for n in pop.notes] == [(2, "bad_centroid")]


def test_centroid_outside_japan_is_not_used_for_reach(tmp_path, grid_file, capsys):
    import csv
    import json

    from conftest import write_plan

    from geo_zaitaku.cli import main

    fac = tmp_path / "f.csv"
    fac.write_text("name,lat,lon,key_institution,hub\n甲,31.66,135.05,1,1\n", encoding="utf-8")
    pop = tmp_path / "pop.csv"
    rows = [f"99{k},1000,31.66,135.06" for k in range(203, 210)]
    pop.write_text(
        "code,population,pop_lat,pop_lon\n99201,1000,0,0\n99202,1000,31.66,135.15\n" + "\n".join(rows) + "\n",
        encoding="utf-8",
    )
    plan = write_plan(
        tmp_path / "p.toml",
        '[areas]\n"全域" = ["99201","99202","99203","99204","99205","99206","99207","99208","99209"]\n',
    )
    out = tmp_path / "o"
    args = ["check", plan, "--units", grid_file, "--facilities", fac, "--population", pop, "--out", out]
    assert main([str(a) for a in args]) == 0
    capsys.readouterr()
    units = {
        r["市区町村コード"]: r
        for r in csv.DictReader((out / "units.csv").read_text("utf-8-sig").splitlines())
    }
    assert units["99201"]["距離の起点"] == "区域の重心"
    assert units["99202"]["距離の起点"] == "人口重心"
    assert float(units["99201"]["積極的医療機関までの距離(km)"]) < 10  # not 14,000 km from (0, 0)
    assert units["99201"]["人口"] == "1000"
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    population = report["inputs"]["population"]
    assert (population["rows"], population["used"], population["skipped"]) == (9, 9, [])
    assert [(n["line"], n["reason"]) for n in population["notes"]] == [(2, "bad_centroid")]
    codes = [f["code"] for f in report["findings"]]
    assert "population_notes" in codes and "reach" not in codes
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "（使用 9・不使用 0・人口重心を除いて使用 1）" in md
    assert "  - 行 2: 99201: 人口重心を使いません（緯度 '0'（日本の範囲外です）" in md


def test_population_import_logs_unusable_rows(sample_files, tmp_path, capsys):
    import csv

    from geo_zaitaku.cli import main

    source = tmp_path / "pop.csv"
    source.write_text(
        "code,population,pop_lat,pop_lon\n99201,inf,,\n99202,400,0,0\n99203,-5,,\n", encoding="utf-8"
    )
    units = tmp_path / "grid.geojson"
    make_grid(3, 1).to_file(units, driver="GeoJSON")
    out = tmp_path / "o"
    assert main(["population", "import", str(source), "--units", str(units), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "一部の値（人口重心・年齢別の数）を使わなかった行 1" in err
    log = list(csv.DictReader((out / "population_log.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert list(log[0]) == ["ファイル", "行", "状態", "内容", "status", "reason"]
    assert [(r["行"], r["status"], r["reason"]) for r in log] == [
        ("2", "skipped", "bad_number"),
        ("4", "skipped", "bad_number"),
        ("3", "corrected", "bad_centroid"),
        ("", "missing", "missing"),
        ("", "missing", "missing"),
    ]
    rows = list(csv.DictReader((out / "population.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert [(r["code"], r["population"], r["pop_lat"]) for r in rows] == [
        ("99201", "", ""),
        ("99202", "400", ""),
        ("99203", "", ""),
    ]


def test_ward_plan_with_city_population_points_at_the_ward_import(sample_files, tmp_path):
    """A ward-level plan read with a table holding only the city's row: one warning that
    says how to get ward rows (population import --level ward), not 人口が分からない."""
    import shutil

    from geo_zaitaku.pipeline import check_plan

    for name in ("units.geojson", "reference.csv", "facilities.csv", "projection.csv"):
        shutil.copy(sample_files.directory / name, tmp_path / name)
    lines = sample_files.population.read_text(encoding="utf-8-sig").splitlines()
    city_only = [line for line in lines if not line.startswith("9910") or line.startswith("991007")]
    (tmp_path / "population.csv").write_text("\n".join(city_only) + "\n", encoding="utf-8")
    text = sample_files.plan.read_text(encoding="utf-8").replace('units = "municipality"', 'units = "ward"')
    (tmp_path / "plan.toml").write_text(text, encoding="utf-8")
    run = check_plan(tmp_path / "plan.toml", cache=False)
    codes = [f.code for f in run.report.findings]
    assert "population_city_only" in codes and "population_missing" not in codes
    (f,) = [f for f in run.report.findings if f.code == "population_city_only"]
    assert f.units == ("99101", "99102", "99103", "99104")
    assert "geo-zaitaku population import 表.csv --level ward" in f.message
    assert "政令市（さくら市）" in f.message


def test_age_counts_above_the_total_are_not_used(tmp_path):
    """65歳以上 200 of 総数 100 (columns swapped, a typo): the age counts of that row are
    unknown and noted with the line; the total is kept; a row that nests is kept whole."""
    path = tmp_path / "p.csv"
    path.write_text(
        "code,population,pop_65over,pop_75over,pop_85over\n99201,100,200,50,10\n99202,500,100,150,10\n"
        "99203,500,100,50,10\n",
        encoding="utf-8",
    )
    from conftest import make_grid

    imported = load_population(path, units_from_frame(make_grid()))
    frame = imported.frame
    assert frame.loc["99201", "population"] == 100 and np.isnan(frame.loc["99201", "pop_65over"])
    assert np.isnan(frame.loc["99202", "pop_75over"]) and np.isnan(frame.loc["99202", "pop_65over"])
    assert frame.loc["99203", ["population", "pop_65over", "pop_75over", "pop_85over"]].tolist() == [
        500,
        100,
        50,
        10,
    ]
    assert [(n.line, n.reason) for n in imported.notes] == [
        (2, "inconsistent_ages"),
        (3, "inconsistent_ages"),
    ]
    assert str(imported.notes[0].message.ja).startswith("99201: 65歳以上 200 が 総数 100 を超えています")
    assert str(imported.notes[1].message.ja).startswith("99202: 75歳以上 150 が 65歳以上 100 を超えています")


def test_suppressed_age_cells_are_noted_and_the_area_sums_say_they_are_partial(tmp_path):
    """五木村's suppressed 90-94 cell made its 65+ count unknown without a word, and the
    area's 65+ sum (without it) read as complete."""
    from geo_zaitaku import check_plan
    from geo_zaitaku.report.tables import areas_frame

    grid = make_grid(3, 1)
    units_file = tmp_path / "u.geojson"
    grid.to_file(units_file, driver="GeoJSON")
    groups = [f"{a}〜{a + 4}歳" for a in range(0, 100, 5)] + ["100歳以上"]
    row0 = ["10"] * 21
    row1 = ["20"] * 21
    row1[18] = "***"  # 90〜94歳 suppressed
    row2 = ["1"] * 21
    row2[13] = "…"  # 65〜69歳 suppressed: 65+ unknown, 75+ known
    text = "地域コード,地域,総数," + ",".join(groups) + "\n"
    text += "99201,町0,210," + ",".join(row0) + "\n" + "99202,町1,420," + ",".join(row1) + "\n"
    text += "99203,町2,21," + ",".join(row2) + "\n"
    pop_path = write(tmp_path, text)
    pop = load_population(pop_path, units_from_frame(grid))
    assert pop.frame.loc["99202", "population"] == 420 and np.isnan(pop.frame.loc["99202", "pop_65over"])
    assert pop.frame.loc["99201", "pop_65over"] == 80  # 65〜69 … 100歳以上: 8 groups of 10
    note, _ = pop.notes
    assert (note.line, note.reason) == (3, "ages_unknown")
    assert note.message.ja.startswith("99202: 年齢階級 90-94 の値が不明（秘匿など）")
    plan = tmp_path / "plan.toml"
    plan.write_text(
        f'[plan]\nname = "x"\nboundaries = "{units_file.name}"\n[areas]\n"A" = ["99201", "99202", "99203"]\n',
        encoding="utf-8",
    )
    run = check_plan(plan, population=pop_path)
    [area] = run.report.areas
    assert area.population == 651 and area.pop_65over == 80 and area.pop_75over == 60 + 6
    assert dict(area.ages_unknown) == {"99202": ("pop_65over", "pop_75over"), "99203": ("pop_65over",)}
    row = areas_frame(run.report).iloc[0]
    # (町2's 75+ is in the 75+ sum: it said 「65歳以上・75歳以上のみ」 of every unit)
    assert (
        row["人口の分からない市区町村（人口はその分を除いた数）"]
        == "町1（65歳以上・75歳以上のみ）・町2（65歳以上のみ）"
    )


def test_headers_with_spaces_and_the_projection_code_header_are_found(tmp_path):
    """e-Stat's 「地域 コード」 (with a space) and the 社人研 tables' 「コード」 were not
    found: the header row was missed and the error pointed at line 1."""
    units = units_from_frame(make_grid(2, 1))
    estat = "統計名：,国勢調査\n\n表章項目,地域 コード,地域,総数\n人口,99201,町0,100\n人口,99202,町1,200\n"
    pop = load_population(write(tmp_path, estat, name="estat.csv"), units)
    assert pop.frame["population"].tolist() == [100, 200]
    ipss = "コード,市区町村,総数\n99201,町0,90\n99202,町1,180\n"
    assert load_population(write(tmp_path, ipss, name="ipss.csv"), units).frame["population"].tolist() == [
        90,
        180,
    ]
    from geo_zaitaku._cells import clean_header

    assert clean_header("municipality code") == "municipality code"  # spaces between ASCII words stay


def test_a_workbook_is_read_from_its_table_sheet_and_several_tables_are_refused(tmp_path):
    """A notes sheet before the table made the header unfindable; a projection workbook
    with a sheet per year was read from its first sheet only, with exit 0."""
    import openpyxl

    units = units_from_frame(make_grid(2, 1))
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "注記"
    notes.append(["この表は令和2年国勢調査から作成"])
    data = book.create_sheet("人口")
    data.append(["地域コード", "総数"])
    data.append(["99201", 100])
    data.append(["99202", 200])
    path = tmp_path / "pop.xlsx"
    book.save(path)
    assert load_population(path, units).frame["population"].tolist() == [100, 200]
    other = book.create_sheet("2025年")
    other.append(["地域コード", "総数"])
    other.append(["99201", 90])
    book.save(path)
    with pytest.raises(InputError) as err:
        load_population(path, units)
    assert "ブックの複数のシート（人口・2025年）に表があります" in str(err.value)


def test_a_population_file_s_columns_are_named_as_written_in_messages(tmp_path):
    units = units_from_frame(make_grid(2, 1))
    path = tmp_path / "pop.csv"
    path.write_text("Code,Pop Total\n99201,100\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_population(path, units)
    assert "Code, Pop Total" in str(err.value) and "pop total" not in str(err.value)
