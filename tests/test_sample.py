import filecmp

from geo_zaitaku.pipeline import check_plan
from geo_zaitaku.plan import read_plan
from geo_zaitaku.sample import NO_HUB_AREA, sample_boundaries, sample_facilities, write_sample
from geo_zaitaku.units import load_units, set_aside


def test_sample_boundaries_shape():
    b = sample_boundaries()
    assert len(b) == 31  # 29 units, an islet of 磯辺町, one feature without a code
    assert b["N03_007"].isna().sum() == 1
    assert (b["N03_007"] == "99362").sum() == 2
    assert b.crs.to_epsg() == 6668
    assert b.geometry.is_valid.all()


def test_sample_units_at_both_levels(sample_files):
    m = load_units(sample_files.units)
    w = load_units(sample_files.units, level="ward")
    assert len(m) == 26
    assert len(w) == 29
    assert m.loc["99100", "name"] == "さくら市"
    assert m.loc["99100", "ward_codes"] == "99101・99102・99103・99104"
    assert w.loc["99101", "name"] == "さくら市中央区"
    assert m.loc["99362", "geometry"].geom_type == "MultiPolygon"
    assert len(set_aside(m)) == 1


def test_sample_report_has_exactly_the_deliberate_error(sample_run):
    report = sample_run.report
    assert [(f.rule, f.code, f.area) for f in report.errors] == [("hub", "no_hub", NO_HUB_AREA)]
    assert report.counts() == {"error": 1, "warning": 7, "info": 5}
    assert [(f.code, f.area) for f in report.warnings] == [
        ("hub_density", "さくら市"),
        ("hub_density", "東部"),
        ("reach", "北部"),
        ("reach", "北部"),
        ("reach", "北部"),
        ("reach", "南部"),
        ("facilities_rejected", None),
    ]
    assert [a.name for a in report.areas] == ["さくら市", "東部", "北部", "西部", "南部"]
    assert all(a.contiguous for a in report.areas)
    assert sum(len(a.units) for a in report.areas) == 26
    assert report.areas[0].population == 740000
    assert report.areas[3].hubs == ()


def test_sample_facilities_are_all_accounted_for(sample_run):
    (log,) = sample_run.facilities.logs
    assert log.rows == len(sample_facilities())
    assert dict(log.placed) == {"point": log.rows - 4, "code": 1, "swapped": 1}
    assert [(r.reason, r.name) for r in log.rejected] == [
        ("no_location", "所在地不明クリニック"),
        ("outside", "海上クリニック"),
    ]
    assert 200 <= log.rows <= 400


def test_island_needs_its_bridge(sample_files):
    text = sample_files.plan.read_text(encoding="utf-8")
    no_link = sample_files.directory / "no_link.toml"
    no_link.write_text(text.split("# 浮島町は")[0], encoding="utf-8")
    report = check_plan(no_link, cache=False).report
    errors = [(f.code, f.area, f.message) for f in report.errors]
    assert (
        "not_contiguous",
        "南部",
        "飛び地: 圏域「南部」が2か所に分かれています（南岬市・若葉町・潮見町・磯辺町 / 浮島町）",
    ) in errors
    assert [f.units for f in report.findings if f.code == "island_unit"] == [("99381",)]


def test_sample_is_deterministic(tmp_path):
    a = write_sample(tmp_path / "a")
    b = write_sample(tmp_path / "b")
    for name in ("plan.toml", "reference.csv", "facilities.csv", "population.csv", "units.geojson"):
        assert filecmp.cmp(a.directory / name, b.directory / name, shallow=False), name


def test_sample_plan_names_its_inputs(sample_files):
    spec = read_plan(sample_files.plan)
    assert spec.inputs["boundaries"] == (sample_files.units.resolve(),)
    assert [a.name for a in spec.areas] == ["さくら市", "東部", "北部", "西部", "南部"]
    assert spec.links[0].kind == "bridge"
