"""Spreadsheet formulas in users' cells are neutralised in every CSV the tool writes."""

import csv
import json

import numpy as np
import pandas as pd
import pytest

from geo_zaitaku._cells import neutralise_cell, restore_cell
from geo_zaitaku._io import read_text_table, write_csv
from geo_zaitaku.cli import main

FORMULA = '=HYPERLINK("http://x","y")'
ADDRESS = "@SUM(1)"
PHONE = "+81-96-000-0000"
NOTE = "-2+3"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (FORMULA, "'" + FORMULA),
        (ADDRESS, "'@SUM(1)"),
        (PHONE, "'+81-96-000-0000"),
        (NOTE, "'-2+3"),
        ("+1+1", "'+1+1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-1e5", "'-1e5"),
        ("-1,000", "'-1,000"),
        ("-５", "'-５"),  # not an ASCII number
        ("-", "-"),
        ("-5", "-5"),
        ("+3", "+3"),
        ("-12.5", "-12.5"),
        ("12", "12"),
        ("熊本市=1", "熊本市=1"),
        ("", ""),
        (None, None),
        (-5, -5),
        (2.5, 2.5),
    ],
)
def test_neutralise_cell(value, expected):
    assert neutralise_cell(value) == expected
    if isinstance(value, str):
        assert restore_cell(neutralise_cell(value)) == value


def test_neutralise_cell_keeps_nan():
    assert np.isnan(neutralise_cell(np.nan))


def test_restore_cell_removes_only_our_quote():
    assert restore_cell("'=1") == "=1"
    assert restore_cell("'0123") == "'0123"
    assert restore_cell("'-5") == "'-5"
    assert restore_cell("'-") == "'-"
    assert restore_cell("''=1") == "''=1"
    # a user's own "'=1" is not quoted again and reads back as "=1" (written out again: "'=1")
    assert neutralise_cell("'=1") == "'=1" and restore_cell("'=1") == "=1"


def test_write_csv_quotes_formulas_and_keeps_numbers(tmp_path):
    frame = pd.DataFrame(
        {
            "name": [FORMULA, "甲", "-"],
            "address": [ADDRESS, "-5", None],
            "phone": [PHONE, "+3", ""],
            "note": [NOTE, "-12.5", "-x"],
            "count": [-5, 3, 0],
            "value": [-2.5, np.nan, 1.0],
            "whole": pd.array([-1, None, 2], dtype="Int64"),
            "flag": [True, False, True],
            "=header": ["a", "b", "c"],
        }
    )
    path = write_csv(tmp_path / "t.csv", frame)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig").split("\r\n") == [
        "name,address,phone,note,count,value,whole,flag,'=header",
        '"\'=HYPERLINK(""http://x"",""y"")",\'@SUM(1),\'+81-96-000-0000,\'-2+3,-5,-2.5,-1,True,a',
        "甲,-5,+3,-12.5,3,,,False,b",
        "-,,,'-x,0,1.0,2,True,c",
        "",
    ]
    assert list(frame["name"]) == [FORMULA, "甲", "-"]  # the frame given is not changed
    back = read_text_table(path, what="CSV").frame
    assert back["name"].tolist() == [FORMULA, "甲", "-"]
    assert back["address"].tolist() == [ADDRESS, "-5", None]
    assert back["phone"].tolist() == [PHONE, "+3", None]
    assert back["note"].tolist() == [NOTE, "-12.5", "-x"]
    assert back["count"].tolist() == ["-5", "3", "0"]


def test_write_csv_title_line(tmp_path):
    path = write_csv(tmp_path / "t.csv", pd.DataFrame({"a": [1]}), title="=表, タイトル")
    assert path.read_bytes().decode("utf-8-sig") == '"\'=表, タイトル"\r\na\r\n1\r\n'


@pytest.fixture
def hostile(sample_files, tmp_path):
    """The sample plan with an area named like a formula, and facility rows with formulas
    in their name, address and phone (one placed, one without location)."""
    plan = tmp_path / "plan.toml"
    text = sample_files.plan.read_text(encoding="utf-8").replace('"西部" =', '"=SUM(A1)" =')
    for name in ("units.geojson", "reference.csv", "facilities.csv", "population.csv"):
        text = text.replace(f'"{name}"', json.dumps(str(sample_files.directory / name)))
    plan.write_text(text, encoding="utf-8")
    rows = sample_files.facilities.read_text(encoding="utf-8-sig")
    quoted = FORMULA.replace('"', '""')
    rows += (
        f'X1,"{quoted}",clinic,31.21,137.16,,0,0,1,0,1,0,0,{PHONE},{ADDRESS},https://example.com/x\r\n'
        f"X2,{NOTE},clinic,31.22,137.17,,0,0,0,0,1,0,0,-5,-,\r\n"
        f'X3,"{quoted}",clinic,,,,0,0,0,0,0,0,0,,,\r\n'
    )
    facilities = tmp_path / "f.csv"
    facilities.write_text(rows, encoding="utf-8")
    return plan, facilities


def _rows(path):
    return list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))


def test_check_outputs_are_neutralised(hostile, tmp_path, capsys):
    plan, facilities = hostile
    out = tmp_path / "o"
    assert main(["check", str(plan), "--facilities", str(facilities), "--out", str(out), "--quiet"]) == 1
    capsys.readouterr()
    rejected = [
        r for r in _rows(out / "facilities_rejected.csv") if r["行"] == str(_line_of(facilities, "X3"))
    ]
    assert [(r["状態"], r["reason"], r["名称"]) for r in rejected] == [
        ("不採用", "no_location", "'" + FORMULA)
    ]
    areas = [r["圏域"] for r in _rows(out / "areas.csv")]
    assert "'=SUM(A1)" in areas and "=SUM(A1)" not in areas
    assert {r["圏域"] for r in _rows(out / "units.csv")} >= {"'=SUM(A1)"}
    assert "'=SUM(A1)" in {r["圏域"] for r in _rows(out / "findings.csv")}
    # numbers stay numbers, and the JSON keeps the values as given
    assert all(r["人口"].isdigit() for r in _rows(out / "areas.csv"))
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert "=SUM(A1)" in [a["name"] for a in report["areas"]]


def test_resource_list_is_neutralised(hostile, tmp_path, capsys):
    plan, facilities = hostile
    target = tmp_path / "m" / "resources_map.html"
    assert main(["map", "resources", str(plan), "--facilities", str(facilities), "-o", str(target)]) == 0
    capsys.readouterr()
    rows = {r["名称"]: r for r in _rows(target.parent / "resources_list.csv")}
    x1 = rows["'" + FORMULA]
    assert (x1["住所"], x1["電話"], x1["圏域"]) == ("'@SUM(1)", "'+81-96-000-0000", "さくら市")
    x2 = rows["'-2+3"]
    assert x2["電話"] == "-5"
    assert FORMULA not in rows and NOTE not in rows


def test_facility_import_outputs_are_neutralised_and_read_back(hostile, sample_files, tmp_path, capsys):
    from geo_zaitaku.sources.facilities import load_facilities
    from geo_zaitaku.units import load_units

    _plan, facilities = hostile
    out = tmp_path / "imp"
    args = ["facilities", "import", str(facilities), "--units", str(sample_files.units), "--out", str(out)]
    assert main(args) == 0
    capsys.readouterr()
    written = {r["id"]: r for r in _rows(out / "facilities.csv")}
    assert (written["X1"]["name"], written["X1"]["address"], written["X1"]["phone"]) == (
        "'" + FORMULA,
        "'@SUM(1)",
        "'+81-96-000-0000",
    )
    assert (written["X2"]["name"], written["X2"]["phone"], written["X2"]["address"]) == ("'-2+3", "-5", "-")
    assert float(written["X1"]["lat"]) == 31.21
    issues = [r for r in _rows(out / "import_issues.csv") if r["名称"].endswith('HYPERLINK("http://x","y")')]
    assert [(r["reason"], r["名称"]) for r in issues] == [("no_location", "'" + FORMULA)]
    # the project's reader takes the quote off again
    again = load_facilities([out / "facilities.csv"], load_units(sample_files.units)).frame.set_index("id")
    assert (again.at["X1", "name"], again.at["X1", "address"], again.at["X1", "phone"]) == (
        FORMULA,
        ADDRESS,
        PHONE,
    )
    assert (again.at["X2", "name"], again.at["X2", "phone"]) == (NOTE, "-5")


def test_population_outputs_are_neutralised(tmp_path, capsys):
    from conftest import make_grid

    units = tmp_path / "grid.geojson"
    grid = make_grid(2, 1)
    grid.loc[0, "N03_004"] = "=町0"
    grid.to_file(units, driver="GeoJSON")
    source = tmp_path / "pop.csv"
    source.write_text("code,population\n99201,100\n99202,=1+1\n", encoding="utf-8")
    out = tmp_path / "o"
    assert main(["population", "import", str(source), "--units", str(units), "--out", str(out)]) == 0
    capsys.readouterr()
    assert [(r["code"], r["name"], r["population"]) for r in _rows(out / "population.csv")] == [
        ("99201", "'=町0", "100"),
        ("99202", "町1", ""),
    ]
    log = _rows(out / "population_log.csv")
    assert log[0]["reason"] == "bad_number" and "'=1+1'" in log[0]["内容"]


def _line_of(path, facility_id):
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith(facility_id + ","):
            return i
    raise AssertionError(facility_id)
