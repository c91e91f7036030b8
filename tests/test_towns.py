"""Town-level positions (大字・町丁目) from MLIT 位置参照情報: reading the official layout
(a cp932 CSV, alone or in a zip), the cache and ``geo-zaitaku fetch isj``, matching
addresses to towns, and how such points are marked in the outputs and maps.

Every 位置参照情報 file here is written by the tests in the real layout, with towns at
points inside a hand-made grid; zips are served from a loopback server."""

import io
import json
import re
import zipfile

import pandas as pd
import pytest
from test_fetch import LoopbackServer
from test_placement import BUREAU, bureau_list, national_frame

from geo_zaitaku import labels, schema
from geo_zaitaku._errors import InputError
from geo_zaitaku.cli import main
from geo_zaitaku.sources import isj
from geo_zaitaku.sources.facilities import load_facilities
from geo_zaitaku.sources.importlog import canonical_frame, write_import
from geo_zaitaku.sources.towns import TownIndex, kanji_number, town_key
from geo_zaitaku.units import units_from_frame

HEADER = (
    '"都道府県コード","都道府県名","市区町村コード","市区町村名","大字町丁目コード","大字町丁目名",'
    '"緯度","経度","原典資料コード","大字・字・丁目区分コード"'
)


@pytest.fixture(scope="module")
def units():
    return units_from_frame(national_frame())


def text(value):
    """A text cell, ``None`` when empty (pandas writes missing text as NaN)."""
    return value if isinstance(value, str) else None


def inside(units, code, dx=0.0, dy=0.0):
    p = units.loc[code].geometry.representative_point()
    return p.x + dx, p.y + dy


def isj_rows(units):
    """(municipality code, name, lon, lat) of the towns written to the test file."""
    x, y = inside(units, "01233")
    return [
        ("01233", "末永町一丁目", x, y),
        ("01233", "末永町二丁目", x + 0.001, y),
        ("01233", "大字長和", x, y + 0.001),
        ("01233", "霞ヶ丘", x + 0.002, y),
        ("01233", "本町", x, y + 0.002),
        ("01233", "本町", x + 0.3, y),  # the same name far away: ambiguous
        ("01345", "字上台町", *inside(units, "01345")),
        ("06302", "大字長崎", *inside(units, "06302")),
        ("22461", "森", 139.0, 35.0),  # a point outside its municipality's polygon
    ]


def isj_text(units, rows=None) -> str:
    lines = [HEADER]
    for k, (code, name, x, y) in enumerate(rows or isj_rows(units)):
        pref = units.loc[code, "pref"]
        muni = units.loc[code, "name"]
        lines.append(
            f'"{code[:2]}","{pref}","{code}","{muni}","{code}{k:07d}","{name}","{y:.6f}","{x:.6f}","1","1"'
        )
    return "\r\n".join(lines) + "\r\n"


@pytest.fixture
def isj_csv(tmp_path, units):
    path = tmp_path / "01000_2024.csv"
    path.write_bytes(isj_text(units).encode("cp932"))
    return path


def isj_zip(text: str, *, name="01000-18.0b/01_2024.csv", extra=()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        if name:
            zf.writestr(name, text.encode("cp932"))
        zf.writestr("01000-18.0b/README.txt", "位置参照情報".encode("cp932"))
        for entry, data in extra:
            zf.writestr(entry, data)
    return buffer.getvalue()


# --- names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("末永町一丁目", "末永町1丁目"),
        ("末永町一丁目", "末永町１丁目"),
        ("末永町十二丁目", "末永町12丁目"),
        ("北一条西二丁目", "北1条西2丁目"),
        ("大字長崎", "長崎"),
        ("字上台町", "上台町"),
        ("霞ヶ丘", "霞ケ丘"),
        ("霞ヶ丘", "霞が丘"),
        ("一ノ宮", "一の宮"),
        ("本 町", "本町"),
    ],
)
def test_town_names_are_compared_normalised(a, b):
    assert town_key(a) == town_key(b)


def test_kanji_numbers():
    assert [kanji_number(t) for t in ("一", "十", "十二", "二十", "二十一", "二〇", "百五")] == [
        1,
        10,
        12,
        20,
        21,
        20,
        105,
    ]


def test_url_template_and_version():
    assert isj.isj_url(43, 2024) == "https://nlftp.mlit.go.jp/isj/dls/data/18.0b/43000-18.0b.zip"
    assert isj.isj_url("北海道", 2022) == "https://nlftp.mlit.go.jp/isj/dls/data/16.0b/01000-16.0b.zip"
    with pytest.raises(InputError, match="--url"):
        isj.isj_url(43, 2010)


# --- reading -------------------------------------------------------------------------------


def test_read_the_official_csv_and_zip(tmp_path, units, isj_csv):
    frame = isj.read_isj(isj_csv)
    assert len(frame) == 9 and frame.crs.to_epsg() == 6668
    assert list(frame.columns[:6]) == [
        "pref_code",
        "pref",
        "municipality_code",
        "municipality",
        "town_code",
        "town",
    ]
    assert frame.loc[0, "town"] == "末永町一丁目" and frame.loc[0, "municipality_code"] == "01233"
    z = tmp_path / "01000-18.0b.zip"
    z.write_bytes(isj_zip(isj_text(units)))
    zipped = isj.read_isj(z)
    assert zipped.attrs["members"] == ["01000-18.0b/01_2024.csv"]
    assert zipped["town"].tolist() == frame["town"].tolist()


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda u: isj_zip("", name=None), "zip の中に CSV がありません"),
        (lambda u: isj_zip(isj_text(u), extra=[("../evil.csv", "x")]), "「..」"),
        (
            lambda u: isj_zip(
                '"都道府県名","市区町村名","大字・丁目名","街区符号・地番","緯度","経度"\r\n"北海道","伊達市","末永町","1","42.0","140.0"\r\n'
            ),
            "大字町丁目名",
        ),
        (
            lambda u: isj_zip(HEADER + '\r\n"01","北海道","01233","伊達市","1","","x","y","1","1"\r\n'),
            "読める行が1つもありません",
        ),
    ],
)
def test_unusable_files_are_input_errors(tmp_path, units, make, needle):
    z = tmp_path / "bad.zip"
    z.write_bytes(make(units))
    with pytest.raises(InputError) as e:
        isj.read_isj(z)
    assert needle in str(e.value) and "bad.zip" in str(e.value)


def test_towns_source_is_a_file_or_a_fetched_prefecture(tmp_path):
    with pytest.raises(InputError) as e:
        isj.load_towns(["01"])
    assert "geo-zaitaku fetch isj --pref 01 --year 2024" in str(e.value)
    with pytest.raises(InputError) as e:
        isj.load_towns(["どこか"])
    assert "ファイルでも都道府県でもありません" in str(e.value)
    with pytest.raises(InputError, match="位置参照情報が見つかりません"):
        isj.load_towns([tmp_path / "missing.zip"])


# --- positions -----------------------------------------------------------------------------


def test_rows_without_coordinates_get_their_towns_point(tmp_path, units, isj_csv):
    towns = isj.load_towns([isj_csv])
    assert isinstance(towns, TownIndex) and len(towns) == 8  # 本町 twice is one (ambiguous) name
    rows = [
        ("0112345678", "一", "", "伊達市末永町1丁目2-3"),
        ("0112345679", "二", "", "伊達市末永町１－２－３"),  # 1-2-3 is 一丁目 when there is one
        ("0112345680", "三", "", "伊達市末永町二丁目5"),
        ("0112345681", "四", "", "伊達市長和123"),  # 大字 left out
        ("0112345682", "五", "", "伊達市大字長和 45"),
        ("0112345683", "六", "", "伊達市霞が丘3"),
        ("0112345684", "七", "", "伊達市本町1"),  # ambiguous town name: no position
        ("0112345685", "八", "", "伊達市どこか1"),
        ("", "九", "", "茅部郡森町字上台町12"),
        ("", "十", "", "東村山郡中山町大字長崎123"),
        ("", "十一", "", "周智郡森町森1"),  # the town's point lies outside 森町: not used
    ]
    result = load_facilities(bureau_list(tmp_path, rows), units, preset=BUREAU, towns=towns)
    f = result.frame.set_index("name")
    town = schema.TOWN_POSITION
    got = {
        n: (text(f.loc[n, "position"]), None if pd.isna(f.loc[n, "lon"]) else round(f.loc[n, "lon"], 6))
        for n in f.index
    }
    x1, _ = inside(units, "01233")
    assert got["一"] == got["二"] == (town, round(x1, 6))
    assert got["三"] == (town, round(x1 + 0.001, 6))
    assert got["四"][0] == got["五"][0] == got["六"][0] == got["九"][0] == got["十"][0] == town
    assert got["七"] == got["八"] == got["十一"] == (None, None)
    assert dict(result.logs[0].towns) == {"town": 8, "unmatched": 2, "outside": 1}
    assert list(f["placed_by"])[:2] == ["prefecture", "prefecture"]  # the unit came from the rules
    assert f.loc["一"].geometry is not None and f.loc["七"].geometry is None


def test_town_positions_in_the_outputs_read_back_and_on_the_maps(tmp_path, units, isj_csv):
    from geo_zaitaku.maps._facilities import COLUMNS, facility_table, table_rows
    from geo_zaitaku.maps.resources import resource_list

    rows = [("0112345678", "一", "", "伊達市末永町1丁目2-3"), ("0112345679", "二", "", "伊達市本町1")]
    result = load_facilities(
        bureau_list(tmp_path, rows), units, preset=BUREAU, towns=isj.load_towns([isj_csv])
    )
    table = canonical_frame(result.frame)
    assert list(table["position"]) == ["town", ""]
    assert table.loc[0, "lat"] != "" and table.loc[1, "lat"] == ""
    write_import(result, tmp_path / "out", units=units)
    md = (tmp_path / "out" / "import_log.md").read_text(encoding="utf-8")
    assert (
        "座標のない配置済みの行 2行のうち 1行に町丁目の代表点を付けました（町丁目が見つからない 1・代表点が市区町村の外 0）"
        in md
    )
    assert labels.ISJ_CREDIT in md
    again = load_facilities(tmp_path / "out" / "facilities.csv", units, preset="canonical")
    assert list(again.frame["unit"]) == ["01233", "01233"]
    assert list(again.frame["placed_by"]) == ["point", "code"]
    assert [text(p) for p in again.frame["position"]] == ["town", None]
    page = facility_table(again.frame, units)
    assert [r[COLUMNS.index("position")] for r in table_rows(page)] == ["town"]
    listed = resource_list(again.frame.assign(area="北", municipality="伊達市"))
    assert list(listed[labels.LIST_COLUMNS["position"]]) == ["町丁目の位置", ""]


def test_a_designated_city_looks_in_the_ward_named(tmp_path):
    g = national_frame().iloc[:3].copy()
    g.loc[0, ["N03_003", "N03_004", "N03_007"]] = ["札幌市", "中央区", "01101"]
    g.loc[1, ["N03_003", "N03_004", "N03_007"]] = ["札幌市", "北区", "01102"]
    units = units_from_frame(g)
    assert list(units.index) == ["01100", "01331"]
    p = units.loc["01100"].geometry.representative_point()
    rows = [("01101", "中央区", p.x, p.y), ("01102", "北区", p.x + 0.01, p.y + 0.01)]
    lines = [HEADER] + [
        f'"01","北海道","{c}","札幌市{ward}","{c}0000001","本町","{y:.6f}","{x:.6f}","1","1"'
        for c, ward, x, y in rows
    ]  # 位置参照情報 lists a designated city by ward
    path = tmp_path / "sapporo.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))
    towns = isj.load_towns([path])
    listing = [("0112345678", "甲", "", "札幌市北区本町1"), ("0112345679", "乙", "", "札幌市本町1")]
    result = load_facilities(bureau_list(tmp_path, listing), units, preset=BUREAU, towns=towns)
    f = result.frame
    assert list(f["unit"]) == ["01100", "01100"]
    assert f.loc[0, "position"] == "town" and round(f.loc[0, "lon"], 6) == round(p.x + 0.01, 6)
    assert text(f.loc[1, "position"]) is None  # 本町 is in both wards: no position


# --- the cache and the commands --------------------------------------------------------------


@pytest.fixture
def server():
    s = LoopbackServer()
    yield s
    s.close()


def run(capsys, *args):
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_fetch_isj_caches_and_import_uses_the_cached_prefecture(tmp_path, capsys, units, server):
    url = server.serve("/isj/01000-18.0b.zip", isj_zip(isj_text(units)))
    code, out, err = run(capsys, "fetch", "isj", "--pref", "01", "--url", url)
    assert code == 0, err
    assert "北海道（01）2024年版 位置参照情報: 大字・町丁目 9件・市区町村 4件" in out
    cached = isj.cached_isj("01", 2024)
    assert cached is not None and cached.with_suffix(".json").is_file()
    meta = json.loads(cached.with_suffix(".json").read_text(encoding="utf-8"))
    assert meta["url"] == url and len(meta["zip_sha256"]) == 64
    code, out, _ = run(capsys, "fetch", "isj", "--pref", "北海道", "--url", url)  # cached: no download
    assert code == 0 and "取得済み" in out + _ and server.requests == ["/isj/01000-18.0b.zip"]
    code, out, _ = run(capsys, "fetch", "--list")
    assert code == 0 and "取得済みの位置参照情報" in out and "北海道" in out
    grid = tmp_path / "grid.geojson"
    national_frame().to_file(grid, driver="GeoJSON")
    listing = bureau_list(tmp_path, [("0112345678", "一", "", "伊達市末永町1丁目2-3")])
    code, out, err = run(
        capsys, "facilities", "import", listing, "--units", grid, "--name-col", "医療機関名称",
        "--address-col", "医療機関所在地", "--id-col", "医療機関コード", "--towns", "01", "--out", tmp_path / "o",
    )  # fmt: skip
    assert code == 0, err
    assert "座標のない配置済みの行 1行のうち 1行に町丁目の代表点を付けました" in out
    table = pd.read_csv(
        tmp_path / "o" / "facilities.csv", dtype=str, encoding="utf-8-sig", keep_default_na=False
    )
    assert list(table["position"]) == ["town"] and list(table["placed_by"]) == ["prefecture"]
    assert labels.ISJ_CREDIT in (tmp_path / "o" / "import_log.md").read_text(encoding="utf-8")
    code, out, _ = run(capsys, "fetch", "--clear")
    assert code == 0 and "位置参照情報 1件を削除しました" in out and isj.cached_isj("01", 2024) is None


def test_cli_towns_errors_exit_2(tmp_path, capsys):
    grid = tmp_path / "grid.geojson"
    national_frame().to_file(grid, driver="GeoJSON")
    listing = bureau_list(tmp_path, [("0112345678", "一", "", "伊達市末永町1")])
    base = [
        "facilities",
        "import",
        listing,
        "--units",
        grid,
        "--address-col",
        "医療機関所在地",
        "--out",
        tmp_path / "o",
    ]
    for towns, needle in (
        ("13", "geo-zaitaku fetch isj --pref 13 --year 2024"),
        ("どこか", "ファイルでも都道府県でもありません"),
    ):
        code, out, err = run(capsys, *base, "--towns", towns)
        assert code == 2 and needle in err and "Traceback" not in out + err
    assert not (tmp_path / "o").exists()


def test_fetch_isj_refuses_a_download_without_csv(tmp_path, capsys, server):
    url = server.serve("/isj/bad.zip", isj_zip("", name=None))
    code, _, err = run(capsys, "fetch", "isj", "--pref", "01", "--url", url)
    assert code == 2 and "zip の中に CSV がありません" in err
    assert isj.cached_isj("01", 2024) is None


# --- the residents' map in a browser --------------------------------------------------------


@pytest.mark.browser
def test_town_level_point_says_so_in_the_popup(sample_files, tmp_path):
    """The popup of a facility at its town's point says 「町丁目の位置」; others do not."""
    from test_maps_browser import CHROMIUM, chromium, ready

    if CHROMIUM is None:
        pytest.skip("chromium not found (Debian: apt-get install chromium)")
    from geo_zaitaku.maps import resource_map
    from geo_zaitaku.pipeline import check_plan

    extra = tmp_path / "towns.csv"
    extra.write_text(
        "id,name,kind,lat,lon,position\nT1,町丁目の診療所,clinic,31.21,137.16,town\nT2,正確な診療所,clinic,31.22,137.17,\n",
        encoding="utf-8",
    )
    run = check_plan(sample_files.plan, facilities=[sample_files.facilities, extra], cache=False)
    path = tmp_path / "resources.html"
    resource_map(run, basemap=False).save(path, self_contained=True)
    popups = {}
    for fid in ("T1", "T2"):
        dom = chromium(tmp_path, path.as_uri() + f"#f={fid}", "--dump-dom")
        assert ready(dom)["facilities"] > 200
        found = re.search(r'<div class="leaflet-popup-content"[^>]*>(.*?)</div></div>', dom, flags=re.S)
        assert found, f"deep link #f={fid} did not open the popup"
        popups[fid] = found.group(1)
    assert "町丁目の診療所" in popups["T1"] and labels.MAP_TEXT["town_position"] in popups["T1"]
    assert "正確な診療所" in popups["T2"] and labels.MAP_TEXT["town_position"] not in popups["T2"]
