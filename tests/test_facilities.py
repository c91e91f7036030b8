import numpy as np
import pytest
from conftest import make_grid
from hypothesis import given
from hypothesis import strategies as st

from geo_zaitaku import crs, labels
from geo_zaitaku._errors import InputError
from geo_zaitaku.codes import check_digit
from geo_zaitaku.sources.facilities import load_facilities, parse_bool
from geo_zaitaku.units import units_from_frame


@pytest.fixture
def grid():
    return units_from_frame(make_grid(3, 3))


def centre(units, code):
    row = units.loc[code]
    return row["lat"], row["lon"]


def write(tmp_path, text, encoding="utf-8", name="f.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_canonical_csv_all_placements(tmp_path, grid):
    lat0, lon0 = centre(grid, "99201")
    lat4, lon4 = centre(grid, "99205")
    text = (
        "id,name,kind,lat,lon,municipality_code,key_institution,hub,is_24h,discharge,daily,emergency,end_of_life,phone,address,url\n"
        f"A1,甲診療所,在宅療養支援診療所,{lat0},{lon0},,○,×,yes,,1,true,1,03-0000-0000,テスト県町0,https://example.com/a\n"
        f"A2,乙病院,support_hospital,{lon4},{lat4},,1,0,1,1,1,1,1,,,\n"  # swapped
        "A3,丙ステーション,訪問看護ステーション,,,99209,0,1,,,,,,,,\n"  # code only
        f",丁薬局,pharmacy,0.0,0.0,99203{check_digit('99203')},,,,,,,,,,\n"  # 0,0 is missing: placed by 6-digit code
    )
    result = load_facilities(write(tmp_path, text), grid)
    f = result.frame
    assert list(f["id"]) == ["A1", "A2", "A3", "f:5"]
    assert list(f["unit"]) == ["99201", "99205", "99209", "99203"]
    assert list(f["placed_by"]) == ["point", "swapped", "code", "code"]
    assert list(f["kind"]) == ["support_clinic", "support_hospital", "visiting_nursing", "pharmacy"]
    assert f["key_institution"].tolist()[:3] == [True, True, False]
    assert f["key_institution"].isna().tolist() == [False, False, False, True]
    assert f.loc[0, "is_24h"] and f.loc[0, "emergency"]
    assert f.loc[1, "lat"] == pytest.approx(lat4) and f.loc[1, "lon"] == pytest.approx(lon4)
    assert f.geometry.iloc[2] is None
    log = result.logs[0]
    assert log.rows == 4
    assert dict(log.placed) == {"point": 1, "code": 2, "swapped": 1}
    assert log.rejected == ()
    assert [(n.line, n.reason) for n in log.notes] == [(3, "swapped")]
    assert log.encoding == "utf-8"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_encodings_detected(tmp_path, grid, encoding):
    lat, lon = centre(grid, "99202")
    text = f"名称,緯度,経度,種別\n医療法人社団　髙橋医院,{lat},{lon},診療所\n"
    result = load_facilities(write(tmp_path, text, encoding), grid)
    assert result.frame["name"].tolist() == ["医療法人社団　髙橋医院"]
    assert result.frame["unit"].tolist() == ["99202"]
    assert result.logs[0].encoding == encoding


@pytest.mark.parametrize("quoted", [False, True])  # the Arrow reader and the csv module
def test_an_euc_jp_file_is_refused_not_misread(tmp_path, grid, quoted):
    """EUC-JP decodes as cp932 too: 熊本市 was read as 「ｷｧﾋﾜｻﾔ」, with exit 0."""
    lat, lon = centre(grid, "99202")
    name = '"熊本市"' if quoted else "熊本市"
    path = write(tmp_path, f"id,name,lat,lon\nA1,{name},{lat},{lon}\nA2,玉名市,{lat},{lon}\n", "euc_jp")
    assert path.read_bytes().decode("cp932")  # the trap: no decoding error
    with pytest.raises(InputError) as err:
        load_facilities(path, grid)
    assert str(err.value).startswith(
        f"{path}: 施設CSVは EUC-JP で書かれているようです（このまま Shift_JIS として読むと文字化けします）。"
        "UTF-8 か Shift_JIS で保存し直してください"
    )


_JAPANESE = st.text(
    alphabet=st.sampled_from(
        "あいうえおかきくけこさしアイウエオ熊本市八代人吉病院診療所訪問看護漢字区町村ｱｲｳｴｵ、。ー"
    ),
    min_size=1,
    max_size=12,
)


@given(names=st.lists(_JAPANESE, min_size=1, max_size=5))
def test_shift_jis_files_are_never_taken_for_euc_jp(names):
    """Shift_JIS text with any Japanese (even half-width katakana among it) is read."""
    import tempfile
    from pathlib import Path

    from geo_zaitaku._io import decode_text

    text = "id,name\n" + "".join(f"{k},{n}\n" for k, n in enumerate(names))
    path = Path(tempfile.mkdtemp()) / "t.csv"
    path.write_bytes(text.encode("cp932"))
    assert decode_text(path, what="テスト") == (text, "cp932")


def test_rejected_rows_are_listed_with_line_and_reason(tmp_path, grid):
    lat, lon = centre(grid, "99201")
    text = (
        "施設一覧（令和6年4月1日現在）\n"  # a title row above the header
        "\n"
        "name,lat,lon,municipality_code\n"
        f"良い,{lat},{lon},\n"
        "\n"
        "位置なし,,,\n"
        "海の上,20.0,140.0,\n"
        f",{lat},{lon},\n"
        "壊れた座標,abc,135.1,\n"
        "不明コード,,,99999\n"
        "変なコード,,,12x\n"
        "遠いがコードあり,35.0,139.0,99202\n"
    )
    result = load_facilities(write(tmp_path, text), grid)
    log = result.logs[0]
    assert log.rows == 8
    assert [(r.line, r.reason) for r in log.rejected] == [
        (6, "no_location"),
        (7, "outside"),
        (8, "no_name"),
        (9, "bad_coordinates"),
        (10, "unknown_code"),
        (11, "bad_code"),
    ]
    assert result.frame["name"].tolist() == ["良い", "遠いがコードあり"]
    assert dict(log.placed) == {"point": 1, "code": 1, "swapped": 0}
    assert [(n.line, n.reason) for n in log.notes] == [
        (12, "far_point")
    ]  # far from its coded unit: the point is not used
    assert log.rows == sum(log.placed.values()) + len(log.rejected)


def test_bad_boolean_is_noted_not_dropped(tmp_path, grid):
    lat, lon = centre(grid, "99201")
    result = load_facilities(write(tmp_path, f"name,lat,lon,hub\nA,{lat},{lon},たぶん\n"), grid)
    assert len(result.frame) == 1
    assert result.frame["hub"].isna().all()
    assert [(n.line, n.reason) for n in result.logs[0].notes] == [(2, "bad_boolean")]


def test_duplicate_ids_are_renamed_and_noted(tmp_path, grid):
    lat, lon = centre(grid, "99201")
    a = write(tmp_path, f"id,name,lat,lon\nX,A,{lat},{lon}\nX,B,{lat},{lon}\n", name="a.csv")
    b = write(tmp_path, f"id,name,lat,lon\nX,C,{lat},{lon}\n", name="b.csv")
    result = load_facilities([a, b], grid)
    assert result.frame["id"].tolist() == ["X", "X#2", "X#3"]
    assert result.frame["source"].tolist() == ["a.csv", "a.csv", "b.csv"]


def test_ids_unique_files_kept_and_later_repeats_renamed(tmp_path, grid):
    """Files whose ids are all present and new keep them as they are; a later file
    repeating one, or a row without an id, is renamed as before."""
    lat, lon = centre(grid, "99201")
    a = write(tmp_path, f"id,name,lat,lon\nA1,A,{lat},{lon}\nA2,B,{lat},{lon}\n", name="a.csv")
    b = write(tmp_path, f"id,name,lat,lon\nB1,C,{lat},{lon}\nB2,D,{lat},{lon}\n", name="b.csv")
    c = write(
        tmp_path, f"id,name,lat,lon\nB2,E,{lat},{lon}\n,F,{lat},{lon}\nC3,G,{lat},{lon}\n", name="c.csv"
    )
    result = load_facilities([a, b, c], grid)
    assert result.frame["id"].tolist() == ["A1", "A2", "B1", "B2", "B2#2", "c:3", "C3"]
    renamed = [(n.source, n.line, n.reason, n.name) for log in result.logs for n in log.notes]
    assert renamed == [("c.csv", 2, "duplicate_id", "E")]  # the row's name, for import_issues.csv


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("name,address\nA,どこか\n", "位置を表す列"),
        ("lat,lon\n33,130\n", "名称の列"),
        ("", "空"),
        ("name,lat,lon\n", "データがありません"),
    ],
)
def test_unusable_facility_files(tmp_path, grid, text, needle):
    path = write(tmp_path, text)
    if not text:
        path.write_bytes(b"")
    with pytest.raises(InputError) as e:
        load_facilities(path, grid)
    assert str(path) in str(e.value)
    assert needle in str(e.value)


def test_undecodable_file(tmp_path, grid):
    path = tmp_path / "bin.csv"
    path.write_bytes(b"name,lat\n\xff\xfe\x80\x81\n")
    with pytest.raises(InputError, match="文字コード"):
        load_facilities(path, grid)


def test_input_file_is_not_modified(tmp_path, grid):
    lat, lon = centre(grid, "99201")
    path = write(tmp_path, f"name,lat,lon\nA,{lon},{lat}\n", encoding="cp932")
    before = path.read_bytes()
    load_facilities(path, grid)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", True),
        ("TRUE", True),
        ("ｙｅｓ", True),
        ("○", True),
        ("◯", True),
        ("あり", True),
        ("0", False),
        ("no", False),
        ("×", False),
        ("なし", False),
        ("", None),
        (None, None),
    ],
)
def test_parse_bool(value, expected):
    assert parse_bool(value) is expected


# --- presets, official layouts, generic columns, robust reading -------------------------

import json  # noqa: E402
import zipfile  # noqa: E402

import pandas as pd  # noqa: E402
from conftest import KUMAMOTO_N03, requires_kumamoto  # noqa: E402

from geo_zaitaku.cli import main  # noqa: E402
from geo_zaitaku.sources.importlog import write_import  # noqa: E402
from geo_zaitaku.sources.presets import preset_from_options  # noqa: E402

FULL_WIDTH = str.maketrans("0123456789.-", "０１２３４５６７８９．－")
MHLW_FILES = {
    "hospital": ("01-1_hospital_facility_info_20240601.csv", "正式名称", "案内用ホームページアドレス"),
    "clinic": ("02-1_clinic_facility_info_20240601.csv", "正式名称", "案内用ホームページアドレス"),
    "dental": ("03-1_dental_facility_info_20240601.csv", "正式名称", "案内用ホームページアドレス"),
    "pharmacy": ("05_pharmacy_20240601.csv", "名称", "薬局のホームページアドレス"),
}


def official_csv(path, header, rows, *, bare=(), encoding="utf-8-sig"):
    """Write a CSV the way MHLW does: every cell quoted except the ``bare`` columns, CRLF."""

    def record(cells, unquoted):
        return ",".join(c if i in unquoted else '"' + c.replace('"', '""') + '"' for i, c in enumerate(cells))

    idx = {header.index(b) for b in bare}
    text = "\r\n".join([record(header, set()), *(record([str(c) for c in r], idx) for r in rows)]) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def mhlw_file(tmp_path, grid, kind):
    filename, name_col, url_col = MHLW_FILES[kind]
    lat0, lon0 = centre(grid, "99201")
    lat1, lon1 = centre(grid, "99202")
    header = ["ID", name_col, "フリガナ", "都道府県コード", "市区町村コード", "所在地",
              "所在地座標（緯度）", "所在地座標（経度）", url_col]  # fmt: skip
    rows = [
        [
            "0000000000001",
            "医療法人社団　甲会　甲病院",
            "",
            "99",
            "201",
            "テスト県町0本町1-1",
            lat0,
            lon0,
            "https://a",
        ],
        ["0000000000002", "乙", "", "99", "205", "テスト県町4栄町2", "0.0", "0.0", ""],
        ["0000000000003", "丙", "", "99", "", "テスト県町8旭町3", "0.0", "0.0", ""],
        ["0000000000004", "丁", "", "40", "131", "福岡県福岡市東区1", "33.6", "130.4", ""],
        ["0000000000005", "戊", "", "99", "202", "", lon1, lat1, ""],
        ["0000000000006", "己", "", "99", "", "", "0.0", "0.0", ""],
    ]
    return official_csv(tmp_path / filename, header, rows, bare=("所在地座標（緯度）", "所在地座標（経度）"))


@pytest.mark.parametrize("kind", ["hospital", "clinic", "dental", "pharmacy"])
def test_mhlw_open_data_detected_and_placed(tmp_path, grid, kind):
    result = load_facilities(mhlw_file(tmp_path, grid, kind), grid)
    f = result.frame
    log = result.logs[0]
    assert (log.preset, log.preset_detected, log.encoding) == (f"mhlw_{kind}", True, "utf-8-sig")
    assert log.credit.startswith("出典：厚生労働省「医療情報ネット（ナビイ）」")
    assert list(f["id"]) == ["0000000000001", "0000000000002", "0000000000003", "0000000000005"]
    assert list(f["unit"]) == ["99201", "99205", "99209", "99202"]
    # the third row has 都道府県コード 99 and an address: its municipality name within the prefecture
    assert list(f["placed_by"]) == ["point", "code", "prefecture", "swapped"]
    assert [None if pd.isna(c) else c for c in f["municipality_code"]] == ["99201", "99205", None, "99202"]
    assert list(f["kind"]) == [kind] * 4
    assert f.loc[0, "url"] == "https://a"
    assert dict(log.placed) == {"point": 1, "code": 1, "swapped": 1, "prefecture": 1}
    assert [(r.line, r.reason, r.name) for r in log.rejected] == [
        (5, "other_prefecture", "丁"),
        (7, "no_location", "己"),
    ]
    assert log.rejected[0].message.startswith("境界データにない都道府県の施設です（福岡県）")
    assert [(n.line, n.reason) for n in log.notes] == [(6, "swapped")]
    assert log.rows == sum(log.placed.values()) + len(log.rejected)


def test_renamed_mhlw_file_uses_the_kindless_preset_and_preset_can_be_forced(tmp_path, grid):
    path = mhlw_file(tmp_path, grid, "clinic").rename(tmp_path / "診療所一覧.csv")
    auto = load_facilities(path, grid)
    assert auto.logs[0].preset == "mhlw_medical"
    assert auto.frame["kind"].isna().all()
    forced = load_facilities(path, grid, preset="mhlw_clinic")
    assert (forced.logs[0].preset, forced.logs[0].preset_detected) == ("mhlw_clinic", False)
    assert list(forced.frame["kind"]) == ["clinic"] * 4


def test_kaigo_open_data_cp932_codes_with_check_digit_and_service_types(tmp_path, grid):
    lat, lon = centre(grid, "99203")
    lat6, lon6 = centre(grid, "99207")
    header = ["都道府県コード又は市区町村コード", "NO（※システム内の固有の番号、連番）", "都道府県名", "市区町村名",
              "事業所名", "事業所名カナ", "サービスの種類", "住所", "方書（ビル名等）", "緯度", "経度", "電話番号",
              "事業所番号", "URL"]  # fmt: skip
    code = f"99203{check_digit('99203')}"
    rows = [
        [code, "1", "テスト県", "町2", "訪問看護ステーションさくら", "", "訪問看護", "テスト県町2本町1", "", lat, lon,
         "0990-00-0001", "9960000001", ""],
        [code, "2", "テスト県", "町2", "ケアプランさくら", "", "居宅介護支援", "テスト県町2本町2", "", "", "",
         "０９９０ー００ー０００２", "9960000002", ""],
        [f"99207{check_digit('99207')}", "3", "テスト県", "町6", "デイサービスさくら", "", "通所介護", "", "",
         str(lat6).translate(FULL_WIDTH), str(lon6).translate(FULL_WIDTH), "＋８１－９９０ － ００（代表）",
         "9960000003", ""],
    ]  # fmt: skip
    result = load_facilities(
        official_csv(tmp_path / "jigyosho_130.csv", header, rows, encoding="cp932"), grid
    )
    f = result.frame
    assert (result.logs[0].preset, result.logs[0].encoding) == ("kaigo_kohyo", "cp932")
    assert list(f["id"]) == ["9960000001", "9960000002", "9960000003"]
    assert list(f["kind"]) == ["visiting_nursing", "care_management", "通所介護"]
    assert list(f["unit"]) == ["99203", "99203", "99207"]
    assert list(f["placed_by"]) == ["point", "code", "point"]
    assert f.loc[2, "lat"] == pytest.approx(lat6)
    assert f.loc[0, "phone"] == "0990-00-0001"
    # typed in Japanese input mode: full-width digits, ー for the hyphens (no 電話 link
    # on the maps before: the digits were not 0-9)
    assert list(f.loc[1:, "phone"]) == ["0990-00-0002", "+81-990-00（代表）"]


def test_municipal_standard_open_data_with_title_row_and_prefecture_code(tmp_path, grid):
    lat, lon = centre(grid, "99201")
    pref6 = f"99000{check_digit('99000')}"  # the publishing prefecture's own code
    text = (
        "医療機関一覧（令和6年4月1日現在）,,,,,,\n"
        "\n"
        "都道府県コード又は市区町村コード,NO,名称,医療機関の種類,住所,緯度,経度,,\n"
        f"{pref6},1,さくら病院,病院,テスト県町0本町1,{lat},{lon},,\n"
        f"{pref6},2,さくら内科,一般診療所,町3栄町2,,,,\n"
        f"{pref6},3,どこか歯科,歯科診療所,,,,,\n"
    )
    result = load_facilities(write(tmp_path, text, "cp932", name="iryou.csv"), grid)
    log = result.logs[0]
    assert log.preset == "opendata_medical"
    assert list(result.frame["kind"]) == ["hospital", "clinic"]
    assert list(result.frame["unit"]) == ["99201", "99204"]
    assert list(result.frame["placed_by"]) == ["point", "prefecture"]  # the publishing prefecture's code
    assert [(r.line, r.reason) for r in log.rejected] == [(6, "unknown_code")]
    assert "都道府県のコード" in log.rejected[0].message


def municipal_file(tmp_path, grid, encoding="cp932"):
    """A municipal open-data list: title row, odd column names, lon/lat in named columns."""
    lat0, lon0 = centre(grid, "99201")
    lat1, lon1 = centre(grid, "99202")
    text = (
        "○○市 在宅医療資源一覧,,,,作成日 2024/04/01\n"
        "番号,施設正式名称,種別,所在地,fX,fY\n"
        f"1,医療法人　さくら会　さくら診療所,診療所,テスト県町0本町1,{lon0},{lat0}\n"
        f"2,入替クリニック,診療所,,{lat1},{lon1}\n"
        "3,住所だけ訪問看護,訪問看護ステーション,テスト県町6本町3,0.0,0.0\n"
        "4,所在不明薬局,薬局,どこか1-2,,\n"
        "5,大阪の病院,病院,,34.5,135.5\n"
        "6,,診療所,テスト県町1,,\n"
    )
    return write(tmp_path, text, encoding, name="shiryo.csv")


def test_generic_columns_from_the_command_line(tmp_path, grid):
    preset = preset_from_options(None, columns={"name": "施設正式名称", "lon": "fX", "lat": "fY"})
    result = load_facilities(municipal_file(tmp_path, grid), grid, preset=preset)
    f = result.frame
    log = result.logs[0]
    assert log.preset == "canonical（列指定: name=施設正式名称, lon=fX, lat=fY）"
    assert list(f["name"]) == ["医療法人　さくら会　さくら診療所", "入替クリニック", "住所だけ訪問看護"]
    assert list(f["unit"]) == ["99201", "99202", "99207"]
    assert list(f["placed_by"]) == ["point", "swapped", "address"]
    assert list(f["kind"]) == ["clinic", "clinic", "visiting_nursing"]
    assert [(r.line, r.reason) for r in log.rejected] == [(6, "no_location"), (7, "outside"), (8, "no_name")]
    assert "住所「どこか1-2」の先頭に市区町村名が見つかりません" in log.rejected[0].message
    assert "緯度 34.500000, 経度 135.500000" in log.rejected[1].message


def test_generic_column_missing_is_an_input_error(tmp_path, grid):
    preset = preset_from_options(None, columns={"name": "施設名称", "lon": "fX", "lat": "fY"})
    with pytest.raises(InputError) as e:
        load_facilities(municipal_file(tmp_path, grid), grid, preset=preset)
    assert "「施設名称」" in str(e.value) and "施設正式名称" in str(e.value)


def test_address_only_file_needs_the_address_option(tmp_path, grid):
    path = write(tmp_path, "名称,住所\n甲,テスト県町5本町\n乙,町8\n丙,福岡県福岡市\n")
    with pytest.raises(InputError) as e:
        load_facilities(path, grid)
    assert "--address-col 住所" in str(e.value)
    result = load_facilities(path, grid, preset=preset_from_options(None, columns={"address": "住所"}))
    assert list(result.frame["unit"]) == ["99206", "99209"]
    assert dict(result.logs[0].placed) == {"point": 0, "code": 0, "swapped": 0, "address": 2}
    assert [(r.line, r.reason) for r in result.logs[0].rejected] == [(4, "other_prefecture")]


@pytest.fixture
def city_grid():
    g = make_grid(3, 1)
    g.loc[0:1, "N03_004"] = "さくら市"
    g.loc[0, "N03_005"] = "中央区"
    g.loc[1, "N03_005"] = "東区"
    return g


def test_designated_city_wards_from_codes_and_addresses(tmp_path, city_grid):
    text = (
        "name,municipality_code,address\n"
        "甲,,テスト県さくら市東区本町1\n"
        "乙,,さくら市本町2\n"
        "丙,,中央区本町3\n"
        "丁,99200,\n"
        "戊,99200,さくら市中央区本町5\n"
    )
    path = write(tmp_path, text)
    munis = load_facilities(path, units_from_frame(city_grid))
    assert list(munis.frame["unit"]) == ["99200"] * 5
    assert list(munis.frame["placed_by"]) == ["address", "address", "address", "code", "code"]
    wards = load_facilities(path, units_from_frame(city_grid, level="ward"))
    assert list(wards.frame["unit"]) == ["99202", "99201", "99201"]
    log = wards.logs[0]
    assert [(r.line, r.reason) for r in log.rejected] == [(3, "address_ambiguous"), (5, "ambiguous_code")]
    assert "候補: 99201・99202" in log.rejected[0].message
    assert [(n.line, n.reason) for n in log.notes] == [(6, "ambiguous_code")]


def test_excel_and_zipped_csv(tmp_path, grid):
    import openpyxl

    lat, lon = centre(grid, "99204")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["施設一覧"])
    sheet.append([])
    sheet.append(["名称", "緯度", "経度", "市区町村コード"])
    sheet.append(["表の病院", lat, lon, 99204])
    sheet.append(["コードだけ", None, None, 99208])
    book.save(tmp_path / "list.xlsx")
    result = load_facilities(tmp_path / "list.xlsx", grid)
    assert result.logs[0].encoding == "xlsx"
    assert list(result.frame["line"]) == [4, 5]
    assert list(result.frame["unit"]) == ["99204", "99208"]
    assert list(result.frame["municipality_code"]) == ["99204", "99208"]

    inner = mhlw_file(tmp_path, grid, "clinic")
    with zipfile.ZipFile(tmp_path / "02-1_clinic_facility_info_20240601.zip", "w") as zf:
        zf.write(inner, inner.name)
    zipped = load_facilities(tmp_path / "02-1_clinic_facility_info_20240601.zip", grid)
    assert zipped.logs[0].source.endswith("02-1_clinic_facility_info_20240601.zip!" + inner.name)
    assert zipped.logs[0].preset == "mhlw_clinic"
    assert len(zipped.frame) == 4
    with zipfile.ZipFile(tmp_path / "two.zip", "w") as zf:
        zf.writestr("a.csv", "name,lat,lon\n")
        zf.writestr("b.csv", "name,lat,lon\n")
    with pytest.raises(InputError, match=r"a\.csv, b\.csv"):
        load_facilities(tmp_path / "two.zip", grid)
    # the entries any archive refuses: read as a CSV before
    with zipfile.ZipFile(tmp_path / "slip.zip", "w") as zf:
        zf.writestr("../f.csv", "name,lat,lon\n")
    with pytest.raises(
        InputError, match=r"zip に安全でない項目 '\.\./f\.csv' があるため、読まずに中止しました"
    ):
        load_facilities(tmp_path / "slip.zip", grid)
    link = zipfile.ZipInfo("l.csv")
    link.external_attr = 0o120777 << 16  # a symbolic link
    with zipfile.ZipFile(tmp_path / "link.zip", "w") as zf:
        zf.writestr(link, "/etc/passwd")
    with pytest.raises(InputError, match=r"zip に安全でない項目 'l\.csv'"):
        load_facilities(tmp_path / "link.zip", grid)
    (tmp_path / "bad.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(InputError, match="xlsx"):
        load_facilities(tmp_path / "bad.xlsx", grid)
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputError, match=r"\.xls"):
        load_facilities(tmp_path / "old.xls", grid)


def test_user_preset_with_point_column_projected_crs_and_values(tmp_path, grid):
    import pyproj

    lat, lon = centre(grid, "99205")
    x, y = pyproj.Transformer.from_crs(6668, 6690, always_xy=True).transform(lon, lat)
    preset = tmp_path / "city.toml"
    preset.write_text(
        '[preset]\nname = "city"\ncredit = "出典：○○市"\n[columns]\nname = "施設"\nlon = "東"\nlat = "北"\n'
        'kind = "区分"\n[values.kind]\n"医" = "clinic"\n[constants]\nhub = true\n'
        '[coordinates]\ncrs = "EPSG:6690"\n',
        encoding="utf-8",
    )
    path = write(tmp_path, f"施設,東,北,区分\nA,{x},{y},医\nB,{y},{x},医\n")
    result = load_facilities(path, grid, preset=preset)
    f = result.frame
    assert (result.logs[0].preset, result.logs[0].credit) == ("city", "出典：○○市")
    assert list(f["unit"]) == ["99205", "99205"]
    assert list(f["placed_by"]) == ["point", "swapped"]
    assert list(f["kind"]) == ["clinic", "clinic"]
    assert f["hub"].tolist() == [True, True]
    assert f.loc[1, "lon"] == pytest.approx(lon)

    point = tmp_path / "point.toml"
    point.write_text(
        '[preset]\nname = "pt"\n[columns]\nname = "名称"\npoint = "位置"\n[coordinates]\norder = "lonlat"\n',
        encoding="utf-8",
    )
    text = f'名称,位置\nA,"{lon},{lat}"\nB,"{lon} {lat}"\nC,壊れた\n'
    result = load_facilities(write(tmp_path, text, name="pt.csv"), grid, preset=point)
    assert list(result.frame["unit"]) == ["99205", "99205"]
    assert [(r.line, r.reason) for r in result.logs[0].rejected] == [(4, "bad_coordinates")]


def test_legacy_columns_argument(tmp_path, grid):
    lat, lon = centre(grid, "99201")
    path = write(tmp_path, f"施設,北緯,東経\nA,{lat},{lon}\n")
    result = load_facilities(path, grid, columns={"name": ["施設"], "lat": ["北緯"], "lon": ["東経"]})
    assert list(result.frame["unit"]) == ["99201"]
    assert result.logs[0].preset == "custom"


def test_written_canonical_csv_reads_back_the_same(tmp_path, grid):
    result = load_facilities(mhlw_file(tmp_path, grid, "clinic"), grid)
    files = write_import(result, tmp_path / "out", units=grid)
    assert [p.name for p in files] == ["facilities.csv", "import_log.md", "import_issues.csv"]
    raw = (tmp_path / "out" / "facilities.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(
        tmp_path / "out" / "facilities.csv", dtype=str, encoding="utf-8-sig", keep_default_na=False
    )
    assert list(table.columns[:16]) == [
        "id", "name", "kind", "lat", "lon", "municipality_code", "key_institution", "hub", "is_24h",
        "discharge", "daily", "emergency", "end_of_life", "phone", "address", "url",
    ]  # fmt: skip
    assert list(table["id"]) == ["0000000000001", "0000000000002", "0000000000003", "0000000000005"]
    assert list(table["municipality_code"]) == ["99201", "99205", "99209", "99202"]
    assert list(table["placed_by"]) == ["point", "code", "prefecture", "swapped"]
    again = load_facilities(tmp_path / "out" / "facilities.csv", grid, preset="canonical")
    assert list(again.frame["id"]) == list(result.frame["id"])
    assert list(again.frame["unit"]) == list(result.frame["unit"])
    assert list(again.frame["placed_by"]) == ["point", "code", "code", "point"]
    assert again.logs[0].rejected == () and again.logs[0].notes == ()
    issues = pd.read_csv(tmp_path / "out" / "import_issues.csv", dtype=str, encoding="utf-8-sig")
    assert list(issues.columns) == ["ファイル", "行", "状態", "内容", "名称", "status", "reason"]
    assert list(zip(issues["行"], issues["status"], issues["reason"], strict=True)) == [
        ("5", "rejected", "other_prefecture"),
        ("7", "rejected", "no_location"),
        ("6", "corrected", "swapped"),
    ]
    md = (tmp_path / "out" / "import_log.md").read_text(encoding="utf-8")
    assert (
        "合計: 読み込み 6行 → 配置 4行（緯度経度 1・緯度経度の入替え 1・市区町村コード 1・都道府県＋市区町村名 1）・不採用 2行"
        in md
    )
    assert "| 02-1_clinic_facility_info_20240601.csv | mhlw_clinic（自動判別） | UTF-8（BOM付き） | 6 |" in md
    assert "出典：厚生労働省「医療情報ネット（ナビイ）」オープンデータ（PDL1.0）を加工して作成" in md


# --- the CLI ---------------------------------------------------------------------------


def run_cli(capsys, *args):
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_import_writes_outputs_and_summary(tmp_path, capsys, grid_file):
    grid = units_from_frame(make_grid(3, 3))
    fac = mhlw_file(tmp_path, grid, "clinic")
    key = tmp_path / "在支診.csv"
    key.write_text(
        "医療機関名称,医療機関所在地（住所）,24時間対応\n甲病院,テスト県町0本町1-1,○\nない病院,テスト県町1,\n",
        encoding="cp932",
    )
    code, out, err = run_cli(
        capsys,
        "facilities",
        "import",
        fac,
        "--units",
        grid_file,
        "--key-institutions",
        key,
        "--out",
        tmp_path / "o",
    )
    assert code == 0, err
    assert "mhlw_clinic（自動判別）" in out
    assert (
        "合計: 読み込み 6行 → 配置 4行（緯度経度 1・緯度経度の入替え 1・市区町村コード 1・都道府県＋市区町村名 1）・不採用 2行"
        in out
    )
    assert "積極的医療機関リスト（在支診.csv）: 2件 → 一致 1・候補が複数 0・一致なし 1" in out
    assert "指定: 積極的医療機関 1・連携拠点 未指定（" in out  # the list marks one; no hub column
    assert "- 指定: 積極的医療機関 1・連携拠点 未指定（" in (tmp_path / "o" / "import_log.md").read_text(
        encoding="utf-8"
    )
    assert "行 5 丁: 境界データにない都道府県の施設です（福岡県）" in out
    for name in ("facilities.csv", "import_log.md", "import_issues.csv"):
        assert (tmp_path / "o" / name).exists()
    assert "facilities.csv" in err
    table = pd.read_csv(
        tmp_path / "o" / "facilities.csv", dtype=str, encoding="utf-8-sig", keep_default_na=False
    )
    assert list(table["key_institution"]) == ["1", "", "", ""]
    assert list(table["is_24h"]) == ["1", "", "", ""]
    issues = pd.read_csv(tmp_path / "o" / "import_issues.csv", dtype=str, encoding="utf-8-sig")
    assert list(issues["status"]) == ["rejected", "rejected", "corrected", "unmatched"]
    assert list(issues["状態"]) == ["不採用", "不採用", "補正", "一致なし"]
    assert issues["ファイル"].iloc[-1] == "在支診.csv"


def test_cli_import_generic_columns_and_check_on_the_result(tmp_path, capsys, grid_file):
    grid = units_from_frame(make_grid(3, 3))
    src = municipal_file(tmp_path, grid)
    code, out, err = run_cli(
        capsys, "facilities", "import", src, "--units", grid_file, "--name-col", "施設正式名称",
        "--lon-col", "fX", "--lat-col", "fY", "--out", tmp_path / "o",
    )  # fmt: skip
    assert code == 0, err
    assert "不採用 3" in out
    assert "  使っていない列 1: 番号\n" in out  # nothing dropped silently, columns included
    unknown = "未指定（列がないか、すべて空欄。--key-institutions・--hubs で一覧から指定できます）"
    assert f"指定: 積極的医療機関 {unknown}・連携拠点 {unknown}\n" in out
    assert "\n- 使っていない列 1: 番号\n" in (tmp_path / "o" / "import_log.md").read_text(encoding="utf-8")
    plan = tmp_path / "p.toml"
    plan.write_text(
        '[areas]\n"全域" = ["99201","99202","99203","99204","99205","99206","99207","99208","99209"]\n',
        encoding="utf-8",
    )
    code, out, err = run_cli(
        capsys, "check", plan, "--units", grid_file, "--facilities", tmp_path / "o" / "facilities.csv",
        "--out", tmp_path / "r",
    )  # fmt: skip
    assert code in (0, 1), err
    report = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    (log,) = report["inputs"]["facilities"]
    assert (log["preset"], log["rows"], log["placed"]["point"]) == ("canonical", 3, 2)
    # check reads the municipal file itself with the same options
    code, out, err = run_cli(
        capsys, "check", plan, "--units", grid_file, "--facilities", src, "--name-col", "施設正式名称",
        "--lon-col", "fX", "--lat-col", "fY", "--out", tmp_path / "r2",
    )  # fmt: skip
    assert code in (0, 1), err
    report = json.loads((tmp_path / "r2" / "report.json").read_text(encoding="utf-8"))
    assert report["inputs"]["facilities"][0]["preset"].startswith("canonical（列指定: name=施設正式名称")
    assert report["inputs"]["facilities_placed"] == 3


@pytest.mark.parametrize(
    ("make", "extra", "needle"),
    [
        (lambda d: d / "missing.csv", [], "missing.csv"),
        (lambda d: write(d, "施設,fX\nA,1\n"), [], "名称の列"),
        (lambda d: write(d, "name,lat,lon\nA,1,2\n"), ["--preset", "nosuch"], "canonical"),
        (lambda d: write(d, "name,lat,lon\nA,1,2\n"), ["--preset", "bad.toml"], "bad.toml"),
        (lambda d: write(d, "name,lat,lon\nA,1,2\n"), ["--key-institutions", "nokey.csv"], "nokey.csv"),
        (lambda d: write(d, "name,lat,lon\nA,1,2\n"), ["--name-col", "施設"], "「施設」"),
        (lambda d: write(d, "name,lat,lon\nA,1,2\n"), ["--crs", "EPSG:0"], "EPSG:0"),
    ],
)
def test_cli_import_bad_input_exit_2_without_traceback(tmp_path, capsys, grid_file, make, extra, needle):
    (tmp_path / "bad.toml").write_text("[preset\n", encoding="utf-8")
    path = make(tmp_path)
    extra = [str(tmp_path / e) if e.endswith((".toml", ".csv")) else e for e in extra]
    code, out, err = run_cli(
        capsys, "facilities", "import", path, "--units", grid_file, *extra, "--out", tmp_path / "o"
    )
    assert code == 2
    assert needle in err
    assert "Traceback" not in out + err
    assert not (tmp_path / "o").exists()


def test_cli_import_without_units_and_preset_listing(tmp_path, capsys):
    code, _, err = run_cli(capsys, "facilities", "import", write(tmp_path, "name,lat,lon\nA,1,2\n"))
    assert code == 2 and "--units" in err
    code, _, err = run_cli(
        capsys, "facilities", "import", tmp_path / "f.csv", "--pref", "43", "--year", "2024"
    )
    assert code == 2 and "geo-zaitaku fetch n03 --pref 43 --year 2024" in err  # nothing cached in tests
    code, out, _ = run_cli(capsys, "facilities", "presets")
    assert code == 0
    for name in ("canonical", "mhlw_hospital", "mhlw_pharmacy", "kaigo_kohyo", "opendata_medical"):
        assert name in out


# --- real data: a municipal open-data layout on the real Kumamoto boundaries -------------


@pytest.mark.realdata
@requires_kumamoto()
def test_kumamoto_municipal_layout_every_row_placed_or_explained(tmp_path, capsys):
    from pathlib import Path

    from geo_zaitaku.units import load_units

    units = load_units(KUMAMOTO_N03, cache=False)
    lines = ["熊本県 在宅医療・介護資源一覧（架空データ）,,,,,", "No.,施設正式名称,区分,所在地,fX,fY"]
    k = 0
    for code, geom in zip(units.index, units.geometry, strict=True):  # one fictional facility per unit
        p = geom.representative_point()
        k += 1
        lines.append(f"{k},架空{units.loc[code, 'name']}診療所,診療所,,{p.x:.6f},{p.y:.6f}")
    p = units.loc["43206"].geometry.representative_point()  # 玉名市, lat/lon swapped
    lines.append(f"{k + 1},架空入替病院,病院,,{p.y:.6f},{p.x:.6f}")
    lines.append(f"{k + 2},架空長洲訪問看護,訪問看護ステーション,熊本県玉名郡長洲町長洲１２３,0.0,0.0")
    lines.append(f"{k + 3},架空玉名薬局,薬局,玉名市岩崎１－２,,")
    lines.append(f"{k + 4},架空中央区クリニック,診療所,熊本市中央区水前寺１丁目,,")
    lines.append(f"{k + 5},架空県外病院,病院,福岡県大牟田市不知火町１,,")
    lines.append(f"{k + 6},架空海上診療所,診療所,,129.5,32.0")
    src = tmp_path / "kumamoto_shigen.csv"
    src.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))
    code, out, err = run_cli(
        capsys, "facilities", "import", src, "--units", KUMAMOTO_N03, "--name-col", "施設正式名称",
        "--lon-col", "fX", "--lat-col", "fY", "--kind-col", "区分", "--out", tmp_path / "o", "--no-cache",
    )  # fmt: skip
    assert code == 0, err
    assert (
        "合計: 読み込み 51行 → 配置 49行（緯度経度 45・緯度経度の入替え 1・市区町村コード 0・郡＋町村名 1・"
        "住所の市区町村名 2）・不採用 2行" in out
    )
    issues = pd.read_csv(tmp_path / "o" / "import_issues.csv", dtype=str, encoding="utf-8-sig")
    rejected = issues[issues["status"] == "rejected"]
    assert list(zip(rejected["行"], rejected["reason"], strict=True)) == [
        ("52", "other_prefecture"),
        ("53", "outside"),
    ]
    table = pd.read_csv(
        tmp_path / "o" / "facilities.csv", dtype=str, encoding="utf-8-sig", keep_default_na=False
    )
    by_name = dict(zip(table["name"], table["unit"], strict=True))
    assert by_name["架空長洲訪問看護"] == "43368"
    assert by_name["架空玉名薬局"] == "43206"
    assert by_name["架空中央区クリニック"] == "43100"
    assert by_name["架空入替病院"] == "43206"
    assert sorted(set(table["unit"])) == sorted(units.index)
    plans = Path(__file__).resolve().parents[1] / "boundaries" / "43_kumamoto"
    code, out, err = run_cli(
        capsys, "check", plans / "plan_health_center.toml", "--units", KUMAMOTO_N03, "--facilities",
        tmp_path / "o" / "facilities.csv", "--out", tmp_path / "r", "--no-cache",
    )  # fmt: skip
    assert code in (0, 1), err
    report = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert report["inputs"]["facilities_placed"] == 49
    assert report["inputs"]["facilities"][0]["rejected"] == []


def test_line_numbers_with_quoted_line_breaks(tmp_path, grid):
    """A quoted cell with a line break shifts the physical line numbers of later rows."""
    lat, lon = centre(grid, "99201")
    text = f'name,lat,lon,address\n"複数行\nの名称",{lat},{lon},"a"\n\n位置なし,,,\n'
    result = load_facilities(write(tmp_path, text), grid)
    assert result.frame["name"].tolist() == ["複数行\nの名称"]
    assert [(r.line, r.reason) for r in result.logs[0].rejected] == [(5, "no_location")]


def test_rejection_reasons_are_tried_in_table_order(tmp_path, grid):
    """A row with several faults gets the first reason of the ordered table; every
    reason of the table has its message in labels."""
    from geo_zaitaku import labels
    from geo_zaitaku.sources.facilities import _NOTES, _REJECTIONS

    reasons = [r for r, _ in _REJECTIONS if r is not None]
    assert set(reasons) <= set(labels.REASONS)
    assert reasons[:2] == ["no_name", "other_prefecture"] and reasons[-1] == "no_location"
    assert {k for k, _ in _NOTES} <= set(labels.REASONS) | {"swapped"}
    text = (
        "name,lat,lon,municipality_code\n"
        ",abc,xyz,40100\n"  # no name, other prefecture, bad coordinates
        "甲,abc,xyz,40100\n"  # other prefecture, bad coordinates
        "乙,abc,xyz,9x9\n"  # bad coordinates, bad code
        "丙,,,9x9\n"  # bad code
        "丁,34.5,135.5,99999\n"  # outside, unknown code
    )
    log = load_facilities(write(tmp_path, text), grid).logs[0]
    assert [(r.line, r.reason) for r in log.rejected] == [
        (2, "no_name"),
        (3, "other_prefecture"),
        (4, "bad_coordinates"),
        (5, "bad_code"),
        (6, "outside"),
    ]


_NUMBER_TEXT = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**20), 10**20).map(str),
    st.sampled_from(
        [
            "１３０．７",
            "1,234.5",
            " 33.1 ",
            "\u300032.8",
            "1_000",
            "nan",
            "-inf",
            "1e309",
            "0x10",
            "",
            "abc",
            "３３",
        ]
    ),
    st.text(alphabet="0123456789.,-+e _\u3000１２３", max_size=8),
)


@given(st.lists(_NUMBER_TEXT, max_size=30))
def test_numbers_at_once_equal_one_by_one(values):
    """The vectorised reading of a number column gives exactly what reading each cell
    does (Python's float, then NFKC without thousands separators; non-finite -> NaN)."""
    from geo_zaitaku.sources.facilities import _numbers, _numbers_one_by_one

    expected = _numbers_one_by_one(values)
    expected[~np.isfinite(expected)] = np.nan
    got = _numbers(values)
    assert got.dtype == np.float64 and len(got) == len(values)
    np.testing.assert_array_equal(got, expected)
    assert (np.signbit(got) == np.signbit(expected)).all()


def test_a_point_outside_names_the_nearest_unit_and_how_far(tmp_path, grid):
    """A row whose point lies just outside every unit is set aside with the nearest unit
    and the distance to its boundary, and what would place it. The point is 500 m west
    of 町0 on the UTM grid: 499 m along the great circle of the mean-radius sphere
    (:func:`geo_zaitaku.crs.haversine_km`, within its stated 0.5 %)."""
    from conftest import ORIGIN
    from pyproj import Transformer

    lon, lat = Transformer.from_crs(6690, 6668, always_xy=True).transform(ORIGIN[0] - 500, ORIGIN[1] + 5000)
    text = f"name,lat,lon\n岸辺の診療所,{lat},{lon}\n沖の診療所,{lat},{lon - 0.2}\n"
    (near, far) = load_facilities(write(tmp_path, text), grid).rejected
    assert (near.reason, far.reason) == ("outside", "outside")
    assert labels.Message.from_text(near.message).ja == (
        f"緯度経度がどの市区町村の区域にも入りません（緯度 {lat:.6f}, 経度 {lon:.6f}）。最寄りは町0（境界まで 499 m）。"
        "簡略化した境界や埋立地では海岸近くの点が外れることがあります。市区町村コードの列があればコードで配置します"
    )
    # 0.2° further west along the parallel, plus the 499 m
    far_km = float(crs.haversine_km(lon - 0.2, lat, lon, lat)) + 0.499
    assert f"。最寄りは町0（境界まで {far_km:.1f} km）。" in far.message.ja and far_km == pytest.approx(
        19.4, abs=0.05
    )


def test_the_import_output_reads_back_without_unused_columns(sample_files, tmp_path, capsys):
    """check --facilities out/…/facilities.csv (facilities import's own output) listed
    「使っていない列 4: unit・placed_by・source・line」, the tool's bookkeeping."""
    from geo_zaitaku.cli import main
    from geo_zaitaku.sources.facilities import load_facilities
    from geo_zaitaku.units import load_units

    out = tmp_path / "imp"
    fac = sample_files.directory / "facilities.csv"
    units = sample_files.directory / "units.geojson"
    assert main(["facilities", "import", str(fac), "--units", str(units), "--out", str(out), "-q"]) == 0
    header = (out / "facilities.csv").read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header[-4:] == ["unit", "placed_by", "source", "line"]
    again = load_facilities([out / "facilities.csv"], load_units(units))
    assert again.logs[0].unused_columns == ()
    assert len(again.frame) == 243 and not again.rejected


def test_one_facility_in_two_rows_or_two_files_is_counted_once(tmp_path, grid):
    """A clinic in two files (or a 名簿 with one row per 届出) became ID and ID#2: two
    facilities, counted twice, and a key list then found two candidates."""
    a = tmp_path / "a.csv"
    a.write_text(
        "id,name,municipality_code,kind\n"
        "C1,さくら診療所,99201,clinic\n"
        "C1,さくら 診療所,99201,clinic\n"  # the same id and name (a space aside), another row
        "C2,もみじ医院,99202,clinic\n",
        encoding="utf-8",
    )
    b = tmp_path / "b.csv"
    b.write_text(
        "id,name,municipality_code,kind\nC1,さくら診療所,99201,clinic\nC2,別の医院,99202,clinic\n",
        encoding="utf-8",
    )
    result = load_facilities([a, b], grid)
    assert result.frame["id"].tolist() == ["C1", "C2", "C2#2"]
    merged = [(r.source, r.line, r.reason) for log in result.logs for r in log.merged]
    assert merged == [("a.csv", 3, "same_facility"), ("b.csv", 2, "same_facility")]
    messages = [r.message.ja for log in result.logs for r in log.merged]
    assert messages[0].startswith("行 2 と同じ ID・名称の施設です")
    assert messages[1].startswith("a.csv の行 2 と同じ ID・名称の施設です")
    for log in result.logs:
        assert log.rows == sum(log.placed.values()) + len(log.rejected) + len(log.merged)
    # a file whose every row is such a repeat (with coordinates: the empty rest is read too)
    c = tmp_path / "c.csv"
    c.write_text("id,name,lat,lon\nC1,さくら診療所,1,1\n", encoding="utf-8")
    again = load_facilities([a, c], grid)
    assert again.frame["id"].tolist() == ["C1", "C2"] and len(again.logs[1].merged) == 1


@pytest.mark.parametrize("quoted", [False, True])  # the Arrow reader and the csv module
def test_unused_columns_are_named_as_the_file_writes_them(tmp_path, grid, quoted):
    """「使っていない列 2: memo・abc」 for the headers Memo and ＡＢＣ: names the user could
    not find in the file."""
    lat, lon = centre(grid, "99202")
    name = '"甲"' if quoted else "甲"
    path = write(tmp_path, f"名称,緯度,経度,Memo,ＡＢＣ\n{name},{lat},{lon},x,y\n")
    assert load_facilities(path, grid).logs[0].unused_columns == ("Memo", "ＡＢＣ")
