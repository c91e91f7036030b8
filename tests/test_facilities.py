import pytest
from conftest import make_grid

from geo_zaitaku._errors import InputError
from geo_zaitaku.codes import check_digit
from geo_zaitaku.facilities import load_facilities, parse_bool
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
    assert [(n.line, n.reason) for n in log.notes] == [(12, "outside")]
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
