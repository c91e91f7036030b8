"""One table reader for every user table: the same small population, reference,
rate, facility and key-institution-list table, written as CSV (UTF-8, UTF-8 with
BOM, cp932), TSV, Excel ``.xlsx`` and a zipped CSV, reads the same with its loader."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import make_grid

from geo_zaitaku._errors import InputError
from geo_zaitaku.demand import load_rates
from geo_zaitaku.sources.facilities import load_facilities
from geo_zaitaku.sources.keyinst import read_list
from geo_zaitaku.sources.population import load_population
from geo_zaitaku.sources.reference import load_reference
from geo_zaitaku.units import units_from_frame

UNITS = units_from_frame(make_grid(3, 3))


def _centre(code: str) -> tuple[str, str]:
    return f"{UNITS.loc[code, 'lat']:.6f}", f"{UNITS.loc[code, 'lon']:.6f}"


#: kind -> rows (the first rows may be a title or notes above the header).
TABLES: dict[str, list[list[str]]] = {
    "population": [
        ["国勢調査 人口（テスト県）"],
        ["code", "name", "population", "pop_65over", "pop_75over", "pop_85over"],
        ["99201", "町0", "12,000", "4000", "2000", "500"],
        ["99202", "町1", "800", "-", "…", "40"],
        ["99203", "町2", "多数", "10", "5", "1"],
        ["99999", "よその町", "100", "10", "5", "1"],
    ],
    "reference": [
        ["n03_code", "municipality", "secondary_medical_area", "health_center"],
        *([f"992{k:02d}", f"町{k - 1}", "北部" if k < 6 else "南部", f"保健所{k % 3}"] for k in range(1, 10)),
    ],
    "rates": [
        ["# measure: 調査日1日あたりの患者数 / patients per day"],
        ["# source: テスト用の率"],
        ["age_group", "rate_per_100000"],
        ["0-74", "35.0"],
        ["75+", "1008.6"],
    ],
    "facilities": [
        ["id", "name", "kind", "lat", "lon", "municipality_code", "key_institution", "hub", "address"],
        ["F1", "さくら診療所", "clinic", *_centre("99201"), "", "1", "0", "テスト県町0本町1-1"],
        ["F2", "みどり病院", "病院", "", "", "99205", "○", "×", ""],
        ["F3", "うみ薬局", "pharmacy", "0", "0", "", "", "", ""],
        ["F4", "", "clinic", *_centre("99203"), "", "", "", ""],
        ["F5", "やま訪問看護ステーション", "visiting_nursing", *_centre("99209"), "", "はい", "", ""],
    ],
    "list": [
        ["在宅療養支援診療所の届出一覧"],
        ["医療機関コード", "医療機関名称", "所在地", "24時間対応"],
        ["9911234567", "医療法人社団　さくら会　さくら診療所", "テスト県町0本町1-1", "○"],
        ["", "みどり病院", "テスト県町4", ""],
        ["", "どこにもない医院", "", ""],
    ],
}
FORMATS = ("utf-8", "utf-8-sig", "cp932", "tsv", "xlsx", "zip")


def _cell(text: str) -> object:
    """A worksheet cell as Excel would hold it: numbers as numbers, the rest as text."""
    plain = text.replace(",", "")
    if plain.isdigit() and not plain.startswith("0"):
        return int(plain) if text == plain else text
    try:
        return float(text)
    except ValueError:
        return text


def write_table(kind: str, fmt: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rows = TABLES[kind]
    if fmt == "xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        for row in rows:
            sheet.append([_cell(c) if c else None for c in row])
        path = folder / f"{kind}.xlsx"
        book.save(path)
        return path
    sep = "\t" if fmt == "tsv" else ","
    text = "".join(sep.join(f'"{c}"' if sep in c else c for c in row) + "\r\n" for row in rows)
    if fmt == "zip":
        path = folder / f"{kind}.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(f"data/{kind}.csv", text.encode("utf-8"))
        return path
    path = folder / (f"{kind}.tsv" if fmt == "tsv" else f"{kind}.csv")
    path.write_bytes(text.encode("utf-8" if fmt == "tsv" else fmt))
    return path


def _issues(items) -> list[tuple[int, str, str]]:
    return [(r.line, r.reason, str(r.message)) for r in items]


def read_as(kind: str, path: Path) -> dict[str, object]:
    """What the loader of ``kind`` makes of the file, without the file's own name."""
    if kind == "population":
        pop = load_population(path, UNITS)
        return {
            "frame": pop.frame,
            "rows": pop.rows,
            "skipped": _issues(pop.skipped),
            "notes": _issues(pop.notes),
            "missing": pop.missing,
        }
    if kind == "reference":
        ref = load_reference(path, UNITS)
        return {"frame": ref, "unmatched": ref.attrs["unmatched"]}
    if kind == "rates":
        rates = load_rates(path)
        return {"bands": rates.bands, "meta": dict(rates.meta)}
    if kind == "facilities":
        imported = load_facilities(path, UNITS)
        (log,) = imported.logs
        frame = pd.DataFrame(imported.frame.drop(columns=["source", "geometry"]))
        return {
            "frame": frame,
            "points": imported.frame.geometry.to_wkt().tolist(),
            "rows": log.rows,
            "placed": dict(log.placed),
            "rejected": _issues(log.rejected),
            "notes": _issues(log.notes),
            "preset": log.preset,
        }
    return {"entries": read_list(path)}


def _assert_same(got: dict[str, object], want: dict[str, object]) -> None:
    assert got.keys() == want.keys()
    for key, value in want.items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(got[key], value, check_dtype=False)
        else:
            assert got[key] == value, key


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", list(TABLES))
def test_every_table_reads_the_same_in_every_format(tmp_path, kind, fmt):
    want = read_as(kind, write_table(kind, "utf-8", tmp_path / "want"))
    got = read_as(kind, write_table(kind, fmt, tmp_path / "got"))
    _assert_same(got, want)


def test_the_tables_say_something(tmp_path):
    """The shared tables exercise the readers (a guard against a vacuous comparison)."""
    tables = {kind: read_as(kind, write_table(kind, "utf-8", tmp_path)) for kind in TABLES}
    pop = tables["population"]
    assert pop["frame"].loc["99201", "population"] == 12_000
    assert [reason for _, reason, _ in pop["skipped"]] == ["bad_number", "unknown_code"]
    assert tables["reference"]["frame"].loc["99206", "secondary_medical_area"] == "南部"
    assert tables["rates"]["meta"]["source"] == "テスト用の率"
    assert [b.label for b in tables["rates"]["bands"]] == ["0-74", "75+"]
    facilities = tables["facilities"]
    assert facilities["placed"] == {"point": 2, "code": 1, "swapped": 0}
    assert [reason for _, reason, _ in facilities["rejected"]] == ["no_location", "no_name"]
    assert [e.name for e in tables["list"]["entries"]][:1] == ["医療法人社団　さくら会　さくら診療所"]


@pytest.mark.parametrize("kind", ["population", "reference", "rates"])
def test_old_excel_files_are_named_as_such(tmp_path, kind):
    """A ``.xls`` population, reference or rate file is refused as an old workbook, not
    as a text file in an unknown encoding."""
    path = tmp_path / f"{kind}.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200))
    with pytest.raises(InputError, match=r"古い Excel 形式（\.xls）") as e:
        read_as(kind, path)
    assert "文字コード" not in str(e.value)


def test_a_reference_code_with_two_different_rows_is_refused(tmp_path):
    """A second row of one code with other values was merged into 「八代・球磨」 without a
    word; a row repeated as it is stays harmless."""
    path = tmp_path / "ref.csv"
    path.write_text("code,secondary_medical_area\n99201,北\n99202,南\n99201,北\n", encoding="utf-8")
    assert load_reference(path, UNITS).loc["99201", "secondary_medical_area"] == "北"
    path.write_text("code,secondary_medical_area\n99201,北\n99202,南\n99201,南\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_reference(path, UNITS)
    assert err.value.where == "行 4" and "コード 99201 の行が行 2 にもあり、値が違います" in str(err.value)


def test_an_empty_reference_code_cell_says_so(tmp_path):
    """It read 「コード None を読めません」."""
    path = tmp_path / "ref.csv"
    path.write_text("code,secondary_medical_area\n99201,北\n,南\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_reference(path, UNITS)
    assert (
        err.value.where == "行 3" and "code の列が空です" in str(err.value) and "None" not in str(err.value)
    )


def test_a_free_text_reference_column_is_no_layer(tmp_path):
    """A 「備考」 column was a layer: every area 「備考の2圏域（メモ7・メモ38）をまとめています」."""
    path = tmp_path / "ref.csv"
    path.write_text("code,secondary_medical_area,備考\n99201,北,メモ1\n99202,北,メモ2\n", encoding="utf-8")
    ref = load_reference(path, UNITS)
    assert list(ref.columns) == ["secondary_medical_area"] and ref.attrs["note_columns"] == ["備考"]


def test_a_layer_of_the_user_s_own_keeps_its_name_as_written(tmp_path):
    """A reference column 「My Area」 (or =HYPERLINK(…)) was shown lower-cased: the user's
    text changed."""
    path = tmp_path / "ref.csv"
    path.write_text("Code,Secondary_Medical_Area,My Area,Memo\n99201,北,X,m\n", encoding="utf-8")
    ref = load_reference(path, UNITS)
    assert list(ref.columns) == ["secondary_medical_area", "My Area"] and ref.attrs["note_columns"] == [
        "Memo"
    ]
