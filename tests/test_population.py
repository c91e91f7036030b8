import numpy as np
import pytest
from conftest import make_grid
from test_units import _city_grid

from geo_zaitaku._errors import InputError
from geo_zaitaku.codes import check_digit
from geo_zaitaku.population import attach_population, load_population
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
