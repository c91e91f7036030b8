import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from conftest import make_grid, write_plan
from shapely.geometry import GeometryCollection, LineString, Point, Polygon

from geo_zaitaku import labels
from geo_zaitaku import units as units_mod
from geo_zaitaku._errors import GeometryError, InputError
from geo_zaitaku.graph import adjacency
from geo_zaitaku.pipeline import check_plan
from geo_zaitaku.report import to_markdown
from geo_zaitaku.sources import fetch
from geo_zaitaku.units import duplicates, load_units, set_aside, units_from_frame


def test_grid_units(grid_file):
    u = load_units(grid_file)
    assert list(u.index) == [f"99{k}" for k in range(201, 210)]
    assert u.index.name == "code"
    assert list(u["name"]) == [f"町{k}" for k in range(9)]
    assert u["area_km2"].to_numpy() == pytest.approx([100.0] * 9, rel=1e-9)
    assert set(u["zone"]) == {53}
    assert u.crs.to_epsg() == 6668
    assert u.attrs["level"] == "municipality"
    assert set_aside(u) == []


def test_polygon_parts_dissolve_by_code(tmp_path):
    g = make_grid(2, 1)
    g.loc[1, "N03_007"] = g.loc[0, "N03_007"]
    g.to_file(tmp_path / "parts.geojson")
    u = load_units(tmp_path / "parts.geojson")
    assert list(u.index) == ["99201"]
    assert u["area_km2"].iloc[0] == pytest.approx(200.0, rel=1e-9)
    assert u.geometry.iloc[0].geom_type == "Polygon"


def test_null_code_is_set_aside_and_listed(tmp_path):
    g = make_grid(3, 1)
    g.loc[2, "N03_007"] = None
    g.loc[2, "N03_004"] = "所属未定地"
    g.to_file(tmp_path / "g.geojson")
    u = load_units(tmp_path / "g.geojson")
    assert list(u.index) == ["99201", "99202"]
    aside = set_aside(u)
    assert len(aside) == 1
    assert aside[0]["feature"] == 3
    assert "所属未定地" in aside[0]["name"]
    assert "N03_007" in aside[0]["reason"]


def _city_grid(layout: str) -> gpd.GeoDataFrame:
    """2x2 grid: cells 0 and 1 are wards of a designated city."""
    g = make_grid(2, 2, pref="43", first=101)
    g["N03_001"] = "熊本県"
    g.loc[2, ["N03_004", "N03_007"]] = ["玉名市", "43206"]
    g.loc[3, ["N03_003", "N03_004", "N03_007"]] = ["玉名郡", "玉東町", "43364"]
    for i, ward in ((0, "中央区"), (1, "東区")):
        if layout == "old":  # 2021 and earlier: N03_003 city, N03_004 ward
            g.loc[i, ["N03_003", "N03_004"]] = ["熊本市", ward]
        else:  # recent editions: N03_004 city, N03_005 ward
            g.loc[i, ["N03_003", "N03_004", "N03_005"]] = ["熊本市", "熊本市", ward]
    return g


@pytest.mark.parametrize("layout", ["old", "new"])
def test_designated_city_wards_merged_or_kept(tmp_path, layout):
    path = tmp_path / f"{layout}.geojson"
    _city_grid(layout).to_file(path)
    m = load_units(path)
    assert list(m.index) == ["43100", "43206", "43364"]
    assert m.loc["43100", "name"] == "熊本市"
    assert m.loc["43100", "area_km2"] == pytest.approx(200.0, rel=1e-9)
    assert m.loc["43100", "ward_codes"] == "43101・43102"
    assert m.loc["43100", "ward_names"] == "中央区・東区"
    w = load_units(path, level="ward")
    assert list(w.index) == ["43101", "43102", "43206", "43364"]
    assert list(w["name"]) == ["熊本市中央区", "熊本市東区", "玉名市", "玉東町"]
    assert list(w["municipality_code"]) == ["43100", "43100", "43206", "43364"]


def _write_cp932_shapefile(frame: gpd.GeoDataFrame, path: Path) -> None:
    """A Shapefile whose DBF is cp932 and which, like N03, has no .cpg file."""
    pyogrio.write_dataframe(frame, path, encoding="cp932")
    path.with_suffix(".cpg").unlink(missing_ok=True)


def test_cp932_shapefile_without_cpg(tmp_path):
    g = _city_grid("old")
    _write_cp932_shapefile(g, tmp_path / "n03.shp")
    raw = (tmp_path / "n03.dbf").read_bytes()
    assert "熊本県".encode("cp932") in raw
    u = load_units(tmp_path / "n03.shp")
    assert list(u["name"]) == ["熊本市", "玉名市", "玉東町"]
    assert set(u["pref"]) == {"熊本県"}


def test_official_zip_prefers_geojson_and_reads_shapefile_alone(tmp_path):
    g = _city_grid("new")
    folder = tmp_path / "N03-20240101_43_GML"
    folder.mkdir()
    _write_cp932_shapefile(g, folder / "N03-20240101_43.shp")
    g.to_file(folder / "N03-20240101_43.geojson")
    _write_cp932_shapefile(g.dissolve(), folder / "N03-20240101_43_prefecture.shp")
    both = tmp_path / "both.zip"
    shp_only = tmp_path / "shp.zip"
    with zipfile.ZipFile(both, "w") as zb, zipfile.ZipFile(shp_only, "w") as zs:
        for f in sorted(folder.iterdir()):
            zb.write(f, f"{folder.name}/{f.name}")
            if f.suffix != ".geojson":
                zs.write(f, f"{folder.name}/{f.name}")
    for path in (both, shp_only, folder):
        u = load_units(path, cache=False)
        assert list(u.index) == ["43100", "43206", "43364"], path
        assert list(u["name"]) == ["熊本市", "玉名市", "玉東町"], path
        assert u.attrs["sources"] == [
            str(path / "N03-20240101_43.geojson")
            if path.is_dir()
            else f"{path}!N03-20240101_43_GML/N03-20240101_43.{'shp' if path == shp_only else 'geojson'}"
        ]


@pytest.mark.parametrize("suffix", [".gpkg", ".parquet", ".json"])
def test_other_formats(tmp_path, suffix):
    g = make_grid(2, 2)
    path = tmp_path / f"units{suffix}"
    if suffix == ".parquet":
        g.to_parquet(path)
    elif suffix == ".gpkg":
        g.to_file(path, driver="GPKG")
    else:
        g.to_file(path, driver="GeoJSON")
    u = load_units(path)
    assert list(u.index) == ["99201", "99202", "99203", "99204"]


def test_projected_input_is_converted(tmp_path):
    make_grid(2, 1).to_crs(6690).to_file(tmp_path / "utm.gpkg", driver="GPKG")
    u = load_units(tmp_path / "utm.gpkg")
    assert u.crs.to_epsg() == 6668
    assert u["area_km2"].to_numpy() == pytest.approx([100.0, 100.0], rel=1e-9)


def test_several_files_and_folders(tmp_path):
    make_grid(2, 1).to_file(tmp_path / "a.geojson")
    make_grid(2, 1, first=301).to_file(tmp_path / "b.geojson")
    u = load_units([tmp_path / "a.geojson", tmp_path / "b.geojson"])
    assert list(u.index) == ["99201", "99202", "99301", "99302"]
    assert list(load_units(tmp_path).index) == list(u.index)


def test_missing_code_column_is_a_clear_error(tmp_path):
    g = make_grid(2, 1).drop(columns=["N03_007"])
    g.to_file(tmp_path / "nocode.geojson")
    with pytest.raises(GeometryError) as e:
        load_units(tmp_path / "nocode.geojson")
    assert "N03_007" in str(e.value)
    assert "nocode.geojson" in str(e.value)
    assert "N03_004" in str(e.value)  # lists the columns found


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("empty.geojson", b"", "読めません"),
        ("broken.zip", b"PK\x03\x04 truncated", "zip"),
        ("table.csv", b"a,b\n1,2\n", "形式"),
        ("nothing.geojson", b'{"type": "FeatureCollection", "features": []}', ""),
    ],
)
def test_unusable_files(tmp_path, name, content, needle):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as e:
        load_units(path)
    assert str(path) in str(e.value)
    assert needle in str(e.value)


def test_missing_path_and_empty_folder(tmp_path):
    with pytest.raises(InputError, match="見つかりません"):
        load_units(tmp_path / "nope.zip")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="ありません"):
        load_units(tmp_path / "empty")
    with pytest.raises(InputError):
        load_units(tmp_path / "nope.zip", level="prefecture")


def test_second_load_comes_from_the_cache(grid_file, monkeypatch):
    first = load_units(grid_file)

    def fail(*_a, **_k):
        raise AssertionError("source read again")

    monkeypatch.setattr(units_mod, "read_boundary_file", fail)
    second = load_units(grid_file)
    assert list(second.index) == list(first.index)
    assert second.attrs["level"] == "municipality"
    # read back from GeoParquet with pyarrow alone: the same frame, column for column
    assert second.crs == first.crs and second.geometry.name == first.geometry.name
    assert second.dtypes.equals(first.dtypes) and list(second.columns) == list(first.columns)
    assert second.geom_equals_exact(first, tolerance=0).all()
    assert second.drop(columns="geometry").equals(first.drop(columns="geometry"))
    with pytest.raises(AssertionError):
        load_units(grid_file, cache=False)


def test_touching_file_invalidates_cache(grid_file):
    load_units(grid_file)
    g = make_grid(2, 1)
    g.to_file(grid_file, driver="GeoJSON")
    assert len(load_units(grid_file)) == 2


def test_invalid_polygon_is_repaired(tmp_path):
    g = make_grid(2, 1)
    x0, y0, x1, y1 = g.geometry.iloc[1].bounds
    from shapely.geometry import Polygon

    g.loc[1, "geometry"] = Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])  # bow-tie
    g.to_file(tmp_path / "bad.geojson")
    u = load_units(tmp_path / "bad.geojson")
    assert u.geometry.is_valid.all()
    assert len(u) == 2
    # the bow-tie is kept as its two triangles: half the square
    assert u.geometry.loc["99202"].geom_type == "MultiPolygon"
    assert u.loc["99202", "area_km2"] == pytest.approx(50.0, rel=5e-3)  # diagonals drawn in lon/lat


# --- coordinate systems ------------------------------------------------------------


def test_sources_in_jgd2011_and_wgs84_load_together(tmp_path):
    g = make_grid()
    g.iloc[:5].to_file(tmp_path / "a.geojson")
    g.iloc[5:].to_crs(4326).to_file(tmp_path / "b.geojson")
    assert pyogrio.read_info(tmp_path / "a.geojson")["crs"] == "EPSG:6668"
    assert pyogrio.read_info(tmp_path / "b.geojson")["crs"] == "EPSG:4326"
    u = load_units([tmp_path / "a.geojson", tmp_path / "b.geojson"])
    assert list(u.index) == [f"99{k}" for k in range(201, 210)]
    assert u.crs.to_epsg() == 6668
    assert u["area_km2"].to_numpy() == pytest.approx([100.0] * 9, rel=1e-6)
    edges = adjacency(u, cache=False)
    across = edges[(edges["a"] == "99205") & (edges["b"] == "99208")]  # cell 4 (file a) and 7 (file b)
    assert list(across["kind"]) == ["border"]
    assert across["shared_km"].iloc[0] == pytest.approx(10.0, rel=1e-6)


@pytest.mark.parametrize("suffix", [".geojson", ".shp", ".gpkg"])
def test_projected_coordinates_without_crs_are_refused(tmp_path, suffix):
    path = tmp_path / f"metres{suffix}"
    frame = make_grid().to_crs(6690).set_crs(None, allow_override=True)
    with pytest.warns(UserWarning, match="crs"):
        frame.to_file(path)
    with pytest.raises(InputError) as e:
        load_units(path)
    message = str(e.value)
    assert str(path) in message
    assert "緯度経度の範囲" in message and ".prj" in message and "EPSG:6668" in message
    assert "x 500,000〜530,000" in message


def test_boundaries_outside_japan_are_refused(tmp_path):
    g = make_grid()
    g["geometry"] = g.geometry.translate(-135.0, 0.0)  # the same grid at lon 0
    g.to_file(tmp_path / "greenwich.geojson")
    with pytest.raises(InputError) as e:
        load_units(tmp_path / "greenwich.geojson")
    message = str(e.value)
    assert "greenwich.geojson" in message
    assert "日本（経度 122〜154・緯度 20〜46）にかかりません" in message and "CRS" in message
    with pytest.raises(InputError, match="にかかりません"):
        units_from_frame(g)


# --- geometry that cannot be used as it is ------------------------------------------


def _spiked_grid() -> gpd.GeoDataFrame:
    """3x3 grid whose centre cell (町4, 99205) has a zero-width spike out of its
    north-east corner: invalid, and repaired by make_valid into a polygon and a line."""
    g = make_grid()
    se, ne, nw, sw = list(g.geometry.iloc[4].exterior.coords)[:4]
    tip = (ne[0] + 0.02, ne[1] + 0.02)
    g.loc[4, "geometry"] = Polygon([se, ne, tip, ne, nw, sw])
    assert not g.geometry.iloc[4].is_valid
    assert shapely.make_valid(g.geometry.iloc[4]).geom_type == "GeometryCollection"
    return g


def test_spike_is_repaired_to_a_polygon_with_full_borders(tmp_path):
    path = tmp_path / "spike.geojson"
    _spiked_grid().to_file(path)
    u = load_units(path)
    assert u.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    assert u.geometry.is_valid.all()
    assert u.loc["99205", "area_km2"] == pytest.approx(100.0, rel=1e-6)
    edges = adjacency(u, cache=False)
    centre = edges[(edges["a"] == "99205") | (edges["b"] == "99205")].set_index(["a", "b"])
    for pair in (("99202", "99205"), ("99204", "99205"), ("99205", "99206"), ("99205", "99208")):
        assert centre.loc[pair, "kind"] == "border", pair
        assert centre.loc[pair, "shared_km"] == pytest.approx(10.0, rel=1e-6), pair
    assert centre.loc[("99205", "99209"), "kind"] == "point"  # the spike's corner only
    assert set_aside(u) == []
    plan = write_plan(
        tmp_path / "p.toml", '[plan]\nname = "T"\n[areas]\n"中央" = ["99202", "99205", "99208"]\n'
    )
    report = check_plan(plan, units=path).report
    assert [f.code for f in report.findings if f.rule == "contiguity"] == []
    assert report.areas[0].contiguous


def test_features_without_polygon_are_set_aside_with_their_reason(tmp_path):
    g = make_grid(3, 2)
    g.loc[1, "geometry"] = None  # 町1: no geometry
    g.loc[2, "geometry"] = Polygon()  # 町2: empty geometry
    g.loc[3, "geometry"] = g.geometry.iloc[3].centroid  # 町3: a point
    g.loc[4, "geometry"] = LineString(g.geometry.iloc[4].exterior.coords)  # 町4: a line
    extra = g.iloc[[0]].copy()  # a point part beside 町0's polygon
    extra["geometry"] = [Point(135.1, 31.7)]
    mixed = GeometryCollection([g.geometry.iloc[5], LineString([(135.3, 31.7), (135.4, 31.8)])])
    g.loc[5, "geometry"] = mixed  # 町5: a polygon and a line: the polygon is kept
    gpd.GeoDataFrame(pd.concat([g, extra], ignore_index=True), crs=g.crs).to_file(tmp_path / "g.gpkg")
    u = load_units(tmp_path / "g.gpkg")
    assert list(u.index) == ["99201", "99206"]
    assert u.geometry.geom_type.tolist() == ["Polygon", "Polygon"]
    assert u["area_km2"].to_numpy() == pytest.approx([100.0, 100.0], rel=1e-6)
    aside = {(a["feature"], a["code"]): a["reason"] for a in set_aside(u)}
    assert aside == {
        (2, "99202"): labels.REASONS["no_geometry"],
        (3, "99203"): labels.REASONS["no_geometry"],
        (4, "99204"): labels.REASONS["not_polygon"],
        (5, "99205"): labels.REASONS["not_polygon"],
        (7, "99201"): labels.REASONS["not_polygon"],
    }
    assert all(a["file"] == str(tmp_path / "g.gpkg") for a in set_aside(u))
    plan = write_plan(tmp_path / "p.toml", '[plan]\nname = "T"\n[areas]\n"A" = ["99201", "99206"]\n')
    (info,) = [
        f for f in check_plan(plan, units=tmp_path / "g.gpkg").report.findings if f.code == "set_aside"
    ]
    assert info.message.startswith("境界データの5地物を除外しました")
    reasons = {key: labels.REASONS[key].split(" / ")[0] for key in ("no_geometry", "not_polygon")}
    assert f"（{reasons['no_geometry']}: 2、{reasons['not_polygon']}: 3）" in info.message


def test_no_usable_polygon_at_all_is_a_clear_error(tmp_path):
    g = make_grid(2, 1)
    g["geometry"] = g.geometry.representative_point()
    g.to_file(tmp_path / "points.geojson")
    with pytest.raises(InputError, match="面（ポリゴン）の形状をもつ地物が1つもありません") as e:
        load_units(tmp_path / "points.geojson")
    assert "points.geojson" in str(e.value)
    assert f"（{labels.REASONS['not_polygon'].split(' / ')[0]}: 2）" in str(e.value)


# --- the same boundaries from two sources -------------------------------------------


def test_the_same_boundaries_twice_are_used_once_and_reported(tmp_path, grid_file):
    copy = tmp_path / "copy.geojson"
    copy.write_bytes(grid_file.read_bytes())
    u = load_units([grid_file, copy])
    assert list(u.index) == [f"99{k}" for k in range(201, 210)]
    assert u["area_km2"].to_numpy() == pytest.approx([100.0] * 9, rel=1e-9)
    dups = duplicates(u)
    assert [d["code"] for d in dups] == [f"99{k}" for k in range(201, 210)]
    assert dups[0] == {"code": "99201", "name": "町0", "sources": [str(grid_file), str(copy)]}
    cached = load_units([grid_file, copy])  # the record survives the cache
    assert duplicates(cached) == dups and cached.attrs["sources"] == u.attrs["sources"]
    plan = write_plan(tmp_path / "p.toml", '[plan]\nname = "T"\n[areas]\n"A" = ["99201"]\n')
    report = check_plan(plan, units=[grid_file, copy]).report
    (info,) = [f for f in report.findings if f.code == "boundary_duplicates"]
    assert info.severity == "info" and info.rule == "inputs"
    assert (
        info.message
        == "境界データの9市区町村がgrid.geojsonとcopy.geojsonの両方にあります（同じ形のため1つとして扱いました）"
    )
    assert info.units == tuple(f"99{k}" for k in range(201, 210))
    assert report.inputs["units"]["duplicates"] == dups
    assert (
        "  - 重複（同じ形のため1つとして使用）: grid.geojson と copy.geojson の 9 市区町村: 99201 町0・99202 町1・"
        in to_markdown(report)  # files named without the local folders
    )


def test_same_shape_within_tolerance_counts_as_the_same(tmp_path):
    g = make_grid(2, 1)
    g.to_file(tmp_path / "a.geojson")
    g.to_crs(6690).to_file(tmp_path / "b.shp")  # other format, other CRS: coordinates differ slightly
    u = load_units([tmp_path / "a.geojson", tmp_path / "b.shp"])
    assert len(u) == 2 and len(duplicates(u)) == 2


def test_the_same_code_with_different_shapes_is_refused(tmp_path):
    make_grid(2, 1).to_file(tmp_path / "old.geojson")
    moved = make_grid(2, 1)
    moved["geometry"] = moved.geometry.translate(0.01, 0.0)
    moved.to_file(tmp_path / "new.geojson")
    with pytest.raises(InputError) as e:
        load_units([tmp_path / "old.geojson", tmp_path / "new.geojson"])
    message = str(e.value)
    assert "市区町村コード 99201（町0）" in message and "ほかに 1 件" in message
    assert str(tmp_path / "old.geojson") in message and str(tmp_path / "new.geojson") in message
    assert "どちらか一方のファイルだけを指定してください" in message and "give only one" in message


def test_two_members_of_one_zip_with_the_same_codes(tmp_path):
    g = make_grid(2, 1)
    g.to_file(tmp_path / "a.geojson")
    g.to_file(tmp_path / "b.geojson")
    moved = g.copy()
    moved["geometry"] = moved.geometry.translate(0.01, 0.0)
    moved.to_file(tmp_path / "c.geojson")
    same, differ = tmp_path / "same.zip", tmp_path / "differ.zip"
    with zipfile.ZipFile(same, "w") as zs, zipfile.ZipFile(differ, "w") as zd:
        for name in ("a", "b"):
            zs.write(tmp_path / f"{name}.geojson", f"N03/{name}.geojson")
        for name in ("a", "c"):
            zd.write(tmp_path / f"{name}.geojson", f"N03/{name}.geojson")
    u = load_units(same)
    assert len(u) == 2
    assert duplicates(u)[0]["sources"] == [f"{same}!N03/a.geojson", f"{same}!N03/b.geojson"]
    with pytest.raises(InputError, match=r"differ.zip!N03/a.geojson と .*differ.zip!N03/c.geojson"):
        load_units(differ)
    frame, members = fetch.read_n03_zip(same)
    assert members == ["N03/a.geojson", "N03/b.geojson"]
    assert len(frame) == 2 and [d["code"] for d in frame.attrs["duplicates"]] == ["99201", "99202"]
    with pytest.raises(InputError, match="形が異なります"):
        fetch.read_n03_zip(differ)


def test_several_features_of_a_code_in_one_file_are_still_parts(tmp_path):
    g = make_grid(2, 1)
    pd.concat([g, g], ignore_index=True).to_file(tmp_path / "twice.geojson")  # overlapping parts
    u = load_units(tmp_path / "twice.geojson")
    assert list(u.index) == ["99201", "99202"] and duplicates(u) == []
    assert u["area_km2"].to_numpy() == pytest.approx([100.0, 100.0], rel=1e-9)


def test_files_read_side_by_side_fail_as_one_at_a_time(tmp_path, monkeypatch):
    from geo_zaitaku import _threads

    folder = tmp_path / "n03"
    folder.mkdir()
    make_grid(2, 1).to_file(folder / "a_good.geojson", driver="GeoJSON")
    (folder / "b_bad.geojson").write_text("{not json", encoding="utf-8")
    (folder / "c_bad.geojson").write_text("[]", encoding="utf-8")
    messages = []
    for n in (1, 4):
        monkeypatch.setattr(_threads, "workers", lambda n=n: n)
        with pytest.raises(InputError) as caught:
            load_units(folder, cache=False)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert "b_bad.geojson" in messages[0] and "c_bad" not in messages[0]


@pytest.mark.parametrize(
    ("entries", "needle"),
    [
        (["/tmp/abs.geojson"], "絶対パスです"),
        (["../up.geojson"], "zip に安全でない項目 '../up.geojson'"),
        (
            [f"x/{k}.txt" for k in range(1001)] + ["N03.geojson"],
            "zip の項目数が 1,002 個で、上限 1,000 個を超えています",
        ),
    ],
)
def test_a_boundary_zip_given_by_the_user_gets_the_archive_checks(tmp_path, entries, needle):
    """--units ZIP was read through GDAL's /vsizip/ without the checks downloads get:
    absolute and .. entries and 20,001 entries were accepted."""
    from geo_zaitaku import InputError
    from geo_zaitaku.units import load_units

    geojson = tmp_path / "g.geojson"
    make_grid().to_file(geojson, driver="GeoJSON")
    path = tmp_path / "N03.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for name in entries:
            zf.writestr(name, geojson.read_bytes() if name.endswith(".geojson") else "x")
    with pytest.raises(InputError, match=needle):
        load_units(path, cache=False)
