import pandas as pd
import pytest
from conftest import make_grid

from geo_zaitaku._errors import InputError
from geo_zaitaku.sources.facilities import load_facilities
from geo_zaitaku.sources.keyinst import address_key, institution_keys, mark_from_list, match_list, read_list
from geo_zaitaku.units import units_from_frame


@pytest.fixture
def grid():
    return units_from_frame(make_grid(3, 3))


def centre(units, code):
    return units.loc[code, "lat"], units.loc[code, "lon"]


@pytest.fixture
def imported(tmp_path, grid):
    rows = [
        ("9911234567", "医療法人社団　愛育会　愛育クリニック", "99201", "テスト県町0本町1-1"),
        ("A2", "愛育クリニック", "99205", "テスト県町4栄町2"),
        ("A3", "緑ヶ丘診療所", "99202", "テスト県町1緑町3"),
        ("A4", "社会医療法人春回会　井上病院", "99203", "テスト県町2港町4"),
        ("A5", "さくら医院", "99204", "テスト県町3本町1丁目2番3号"),
        ("A6", "さくら医院", "99204", "テスト県町3栄町9-9"),
        ("A7", "ＡＢＣ内科クリニック", "99206", "テスト県町5旭町1"),
    ]
    lines = ["id,name,lat,lon,address"]
    for fid, name, code, address in rows:
        lat, lon = centre(grid, code)
        lines.append(f"{fid},{name},{lat},{lon},{address}")
    path = tmp_path / "facilities.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_facilities(path, grid)


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        (
            "医療法人社団　愛育会　愛育クリニック",
            ("医療法人社団愛育会愛育クリニック", "愛育会愛育クリニック", "愛育クリニック"),
        ),
        (
            "医療法人社団愛育会愛育クリニック",
            ("医療法人社団愛育会愛育クリニック", "愛育会愛育クリニック", "愛育クリニック"),
        ),
        ("社会医療法人 春回会 井上病院", ("社会医療法人春回会井上病院", "春回会井上病院", "井上病院")),
        ("(医)清和会 清和会病院", ("(医)清和会清和会病院", "清和会清和会病院", "清和会病院")),
        ("井上病院（社会医療法人春回会）", ("井上病院",)),
        ("医療法人 会田医院", ("医療法人会田医院", "会田医院")),
        ("医療法人社団 東会病院", ("医療法人社団東会病院", "東会病院")),  # 「病院」alone is too generic
        ("緑ヶ丘診療所", ("緑ケ丘診療所",)),
        ("ＡＢＣ　内科・クリニック", ("ABC内科クリニック",)),
        ("ｻｸﾗ ｹ丘クリニック", ("サクラケ丘クリニック",)),
    ],
)
def test_institution_keys(name, keys):
    assert institution_keys(name) == keys


def test_address_key():
    assert address_key("〒865-0000 熊本県玉名市岩崎１丁目９番１号　ビル2F") == "玉名市岩崎1-9-1ビル2F"
    assert address_key("玉名市岩崎1-9-1") == "玉名市岩崎1-9-1"
    assert address_key(None) == ""


def write_list(tmp_path, text, name="list.csv", encoding="cp932"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_matching_by_code_name_municipality_and_address(tmp_path, grid, imported):
    text = (
        "在宅療養支援診療所・病院 届出受理医療機関名簿,,,,\n"  # title row
        "医療機関番号,医療機関名称,医療機関所在地（住所）,市区町村,24時間対応\n"
        "1234567,どこかの名前,,,○\n"  # 7-digit number at the end of a 10-digit code
        ",社会医療法人　春回会　井上病院,テスト県町2港町4,,\n"
        ",愛育クリニック,テスト県町4栄町2,,○\n"
        ",医療法人社団愛育会愛育クリニック,,町0,\n"
        ",緑ケ丘診療所,,,\n"
        ",さくら医院,,町3,\n"
        ",さくら医院,テスト県町3本町1-2-3,,\n"
        ",存在しない病院,,,\n"
        ",井上病院,テスト県町7,,\n"
        ",福岡の病院,福岡県福岡市中央区1,,\n"
        ",ABC内科クリニック,,,\n"
        ",,,,\n"
        ",愛育クリニック,,,\n"
    )
    entries = read_list(write_list(tmp_path, text))
    assert [e.line for e in entries] == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15]
    match = match_list(entries, pd.DataFrame(imported.frame), grid, source="list.csv")
    got = [(e.line, e.status, e.method, e.facilities) for e in match.entries]
    assert got == [
        (3, "matched", "code", ("9911234567",)),
        (4, "matched", "name_municipality", ("A4",)),
        (5, "matched", "name_municipality", ("A2",)),
        (6, "matched", "name_municipality", ("9911234567",)),
        (7, "matched", "name", ("A3",)),
        (8, "ambiguous", "", ("A5", "A6")),
        (9, "matched", "name_address", ("A5",)),
        (10, "unmatched", "", ()),
        (11, "unmatched", "", ("A4",)),
        (12, "unmatched", "", ()),
        (13, "matched", "name", ("A7",)),
        (15, "ambiguous", "", ("9911234567", "A2")),
    ]
    messages = {e.line: e.message for e in match.entries}
    assert messages[8].startswith("名称が一致する施設が複数あります: さくら医院（A5）、さくら医院（A6）")
    assert messages[10].startswith("名称が一致する施設がありません")
    assert messages[11].startswith("同じ名称の施設は別の市区町村（町2）にあります")
    assert messages[12].startswith("住所が境界データにない都道府県（福岡県）です")
    assert match.counts() == {"matched": 7, "ambiguous": 2, "unmatched": 3}


def test_marking_sets_flags_and_keeps_others(tmp_path, grid, imported):
    key = write_list(tmp_path, "名称,住所,24時間\n井上病院,テスト県町2,○\n緑ヶ丘診療所,,\n", name="key.csv")
    hubs = write_list(tmp_path, "name\nABC内科クリニック\n", name="hubs.csv", encoding="utf-8")
    result, key_match = mark_from_list(imported, key, grid)
    result, hub_match = mark_from_list(result, hubs, grid, field="hub")
    f = result.frame.set_index("id")
    assert key_match.counts() == {"matched": 2, "ambiguous": 0, "unmatched": 0}
    assert hub_match.field == "hub" and hub_match.counts()["matched"] == 1
    assert f["key_institution"].tolist() == [pd.NA, pd.NA, True, True, pd.NA, pd.NA, pd.NA]
    assert f["is_24h"].tolist() == [pd.NA, pd.NA, pd.NA, True, pd.NA, pd.NA, pd.NA]
    assert f["hub"].tolist() == [pd.NA, pd.NA, pd.NA, pd.NA, pd.NA, pd.NA, True]
    assert result.logs == imported.logs
    assert imported.frame["key_institution"].isna().all()  # the input is not modified


def test_excel_list(tmp_path, grid, imported):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["九州厚生局 施設基準の届出受理状況"])
    sheet.append(["項番", "医療機関番号", "医療機関名称", "医療機関所在地（住所）", "受理届出名称"])
    sheet.append(
        [
            1,
            1234567,
            "医療法人社団愛育会愛育クリニック",
            "テスト県町0本町1-1",
            "在宅療養支援診療所（機能強化型）",
        ]
    )
    sheet.append([2, None, "緑ヶ丘診療所", "テスト県町1", "在宅療養支援診療所"])
    book.save(tmp_path / "list.xlsx")
    result, match = mark_from_list(imported, tmp_path / "list.xlsx", grid)
    assert [(e.line, e.status, e.method) for e in match.entries] == [
        (3, "matched", "code"),
        (4, "matched", "name_municipality"),
    ]
    assert result.frame["key_institution"].sum() == 2


def test_unusable_lists(tmp_path, grid, imported):
    with pytest.raises(InputError, match="名称の列"):
        mark_from_list(imported, write_list(tmp_path, "住所,電話\nどこか,0\n"), grid)
    with pytest.raises(InputError, match="見つかりません"):
        mark_from_list(imported, tmp_path / "none.csv", grid)
    with pytest.raises(InputError, match="field"):
        mark_from_list(imported, write_list(tmp_path, "name\nA\n"), grid, field="x")


def test_a_bureau_list_marks_only_its_home_care_support_rows(tmp_path, grid, imported):
    """The 届出受理医療機関名簿 lists every 届出: a clinic with only 明細書発行体制等加算
    became a key institution when the list was given as it is."""
    key = write_list(
        tmp_path,
        "医療機関名称,医療機関所在地,受理届出名称,受理記号\n"
        "井上病院,テスト県町2,在宅療養支援病院（１）,支援病１\n"
        "井上病院,テスト県町2,明細書発行体制等加算,明細\n"
        "緑ヶ丘診療所,,明細書発行体制等加算,明細\n"
        "ＡＢＣ内科クリニック,,在宅療養支援診療所（３）,支援診３\n",
        name="meibo.csv",
    )
    result, match = mark_from_list(imported, key, grid)
    f = result.frame.set_index("id")
    assert match.other_notifications == (3, 4)
    assert match.counts() == {"matched": 2, "ambiguous": 0, "unmatched": 0}
    assert f["key_institution"].tolist() == [pd.NA, pd.NA, pd.NA, True, pd.NA, pd.NA, True]
    # a hub list, or a list without a 届出 column, is used whole
    plain = write_list(tmp_path, "名称\n緑ヶ丘診療所\n", name="plain.csv")
    assert mark_from_list(imported, plain, grid)[1].counts()["matched"] == 1


def test_hubs_not_in_the_lists_are_told_how_to_add(sample_files, tmp_path, capsys):
    """A hub list naming a 医師会 or a 市役所 (not in any medical list) said only
    「一致なし」, with no way forward."""
    from geo_zaitaku.cli import main

    hubs = write_list(tmp_path, "名称\n架空市医師会\n", name="hubs.csv")
    fac, units = sample_files.directory / "facilities.csv", sample_files.directory / "units.geojson"
    args = [
        "facilities",
        "import",
        str(fac),
        "--units",
        str(units),
        "--hubs",
        str(hubs),
        "--out",
        str(tmp_path / "o"),
    ]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert (
        "一致なし 1" in out and "施設CSVにその行（name・kind〔medical_association・municipality など〕" in out
    )
    assert "一致しない連携拠点" in (tmp_path / "o" / "import_log.md").read_text(encoding="utf-8")
