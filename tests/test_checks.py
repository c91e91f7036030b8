import math

import pandas as pd
import pytest
from conftest import make_grid

from geo_zaitaku.checks import run_checks
from geo_zaitaku.config import CheckConfig
from geo_zaitaku.plan import Plan, parse_plan
from geo_zaitaku.sources.facilities import load_facilities
from geo_zaitaku.sources.population import attach_population, load_population
from geo_zaitaku.units import units_from_frame

R = 6371.0088


@pytest.fixture
def grid():
    return units_from_frame(make_grid(3, 3))


def make_plan(units, areas, *, links="", checks="", reference=None, config=None):
    body = "".join(
        f'"{name}" = [{", ".join(chr(34) + c + chr(34) for c in codes)}]\n' for name, codes in areas.items()
    )
    spec = parse_plan(f'[plan]\nname = "T"\n[areas]\n{body}{links}{checks}')
    return Plan.from_spec(spec, units, reference=reference, config=config)


def facilities_csv(tmp_path, units, rows):
    """rows: (code, name, flags...) placed at the unit's centroid."""
    lines = ["name,lat,lon,key_institution,hub,discharge,daily,emergency,end_of_life"]
    for code, name, key, hub, *fn in rows:
        lat, lon = units.loc[code, ["lat", "lon"]]
        fn = fn or [1, 1, 1, 1]
        lines.append(f"{name},{lat},{lon},{key},{hub},{','.join(map(str, fn))}")
    path = tmp_path / "fac.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_facilities(path, units)


def codes_of(report, severity=None):
    return [f.code for f in report.findings if severity is None or f.severity == severity]


def test_clean_plan_has_no_finding(tmp_path, grid):
    plan = make_plan(
        grid, {"A": ["99201", "99202", "99203"], "B": ["99204", "99205", "99206", "99207", "99208", "99209"]}
    )
    fac = facilities_csv(
        tmp_path, grid, [("99202", "甲", 1, 1), ("99205", "乙", 1, 1), ("99208", "丙", 1, 0)]
    )
    report = run_checks(plan, fac)
    assert report.findings == ()
    assert report.ok
    a, b = report.areas
    assert a.units == ("99201", "99202", "99203")
    assert a.key_institution_names == ("甲",) and a.hubs == ("fac:2",)
    assert b.key_institutions == ("fac:3", "fac:4") and b.hub_names == ("乙",)
    assert a.contiguous and a.components == (("99201", "99202", "99203"),)
    assert a.area_km2 == pytest.approx(300.0, rel=1e-9)
    assert dict(a.functions) == {"discharge": 1, "daily": 1, "emergency": 1, "end_of_life": 1}
    assert a.max_reach_km == pytest.approx(10.0, rel=5e-3)


def test_completeness_findings(tmp_path, grid):
    plan = make_plan(grid, {"A": ["99201", "99202", "町9"], "B": ["99202", "99203"]})
    report = run_checks(plan, facilities_csv(tmp_path, grid, [("99201", "甲", 1, 1)]))
    comp = [f for f in report.findings if f.rule == "completeness"]
    assert [(f.code, f.severity) for f in comp] == [("unassigned", "error")] * 6 + [
        ("unknown_entry", "error"),
        ("duplicate", "error"),
    ]
    assert [f.units for f in comp[:6]] == [
        (c,) for c in ("99204", "99205", "99206", "99207", "99208", "99209")
    ]
    assert comp[0].message == "町3（99204）がどの圏域にも含まれていません"
    assert comp[6].message.startswith("圏域「A」の「町9」に一致する市区町村がありません（候補: ")
    assert comp[7].message == "町1（99202）が複数の圏域（A・B）に含まれています"


def test_contiguity_pieces_links_and_point_contact(tmp_path, grid):
    fac = facilities_csv(tmp_path, grid, [("99201", "甲", 1, 1), ("99202", "乙", 1, 1)])
    rest = {"R": ["99202", "99203", "99204", "99205", "99206", "99207", "99208"]}
    split = make_plan(grid, {"A": ["99201", "99209"], **rest})
    report = run_checks(split, fac)
    (f,) = [f for f in report.findings if f.code == "not_contiguous"]
    assert f.area == "A" and f.severity == "error"
    assert f.message == "飛び地: 圏域「A」が2か所に分かれています（町0 / 町8）"
    assert f.units == ("99209",)
    assert report.areas[0].components == (("99201",), ("99209",))
    linked = make_plan(
        grid, {"A": ["99201", "99209"], **rest}, links='[[links]]\na = "99201"\nb = "99209"\nkind = "ferry"\n'
    )
    assert "not_contiguous" not in codes_of(run_checks(linked, fac))
    diagonal = make_plan(
        grid, {"A": ["99201", "99205"], "R": ["99202", "99203", "99204", "99206", "99207", "99208", "99209"]}
    )
    codes = codes_of(run_checks(diagonal, fac))
    assert codes.count("not_contiguous") == 1 and codes.count("point_contact") == 1
    allowed = make_plan(
        grid,
        {"A": ["99201", "99205"], "R": ["99202", "99203", "99204", "99206", "99207", "99208", "99209"]},
        checks="[checks]\npoint_contact = true\n",
    )
    assert "not_contiguous" not in codes_of(run_checks(allowed, fac))


def test_key_institution_and_hub_minimums(tmp_path, grid):
    plan = make_plan(
        grid,
        {
            "A": ["99201", "99202", "99203"],
            "B": ["99204", "99205", "99206"],
            "C": ["99207", "99208", "99209"],
        },
    )
    fac = facilities_csv(
        tmp_path, grid, [("99201", "甲", 1, 0), ("99204", "乙", 0, 1), ("99207", "丙", 1, 1)]
    )
    report = run_checks(plan, fac)
    assert [(f.code, f.area) for f in report.errors] == [("no_key_institution", "B"), ("no_hub", "A")]
    assert report.errors[1].message == "連携を担う拠点がありません（0か所、必要数 1）"
    strict = make_plan(
        grid,
        {
            "A": ["99201", "99202", "99203"],
            "B": ["99204", "99205", "99206"],
            "C": ["99207", "99208", "99209"],
        },
        checks="[checks]\nmin_hubs = 2\n",
    )
    assert [(f.code, f.area) for f in run_checks(strict, fac).errors] == [
        ("no_key_institution", "B"),
        ("no_hub", "A"),
        ("no_hub", "B"),
        ("no_hub", "C"),
    ]


def test_without_facilities_one_warning_instead_of_errors(grid):
    plan = make_plan(grid, {"A": [f"99{k}" for k in range(201, 210)]})
    report = run_checks(plan)
    assert [(f.severity, f.code) for f in report.findings] == [("warning", "no_facility_data")]
    assert report.ok


def _csv(tmp_path, units, header, rows):
    """A facility file with the given header: (code, cells...) rows at unit centroids."""
    lines = [header]
    for code, *cells in rows:
        lat, lon = units.loc[code, ["lat", "lon"]]
        lines.append(",".join([*map(str, cells[:1]), str(lat), str(lon), *map(str, cells[1:])]))
    path = tmp_path / "roles.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_facilities(path, units)


@pytest.mark.parametrize(
    ("header", "cells"),
    [
        ("name,lat,lon,key_institution,拠点フラグ,備考", ["1", "1", "メモ"]),  # no hub column
        ("name,lat,lon,key_institution,hub,拠点フラグ,備考", ["1", "", "1", "メモ"]),  # hub all blank
    ],
)
def test_hubs_unknown_read_as_unknown_not_missing(tmp_path, grid, header, cells):
    """Facility data that do not say which facilities are hubs: one warning naming the
    headers read and the columns not used, no "no hub" error per area, hubs 未確認."""
    plan = make_plan(grid, {"A": ["99201", "99202", "99203"], "B": [f"99{k}" for k in range(204, 210)]})
    fac = _csv(tmp_path, grid, header, [("99202", "甲", *cells), ("99205", "乙", *cells)])
    assert fac.logs[0].unused_columns == ("拠点フラグ", "備考")
    report = run_checks(plan, fac)
    facility_rules = [f for f in report.findings if f.rule != "functions"]  # no function columns
    assert [(f.severity, f.code, f.rule, f.area) for f in facility_rules] == [
        ("warning", "hub_unknown", "hub", None)
    ]
    (f,) = facility_rules
    assert f.message == (
        "施設データに連携拠点の指定がないため（hub・連携拠点・拠点 の列がないか、すべて空欄）、各圏域の連携拠点と"
        "拠点あたり人口は点検していません（未確認）。列の見出しを hub にするか、geo-zaitaku facilities import の"
        " --hubs で連携拠点の一覧を指定してください（施設データの使っていない列 2: 拠点フラグ・備考）"
    )
    assert f.message_en.endswith("(columns of the facility data not used: 拠点フラグ, 備考)")
    assert [(a.key_institutions_checked, a.hubs_checked, a.fully_checked) for a in report.areas] == [
        (True, False, False),
        (True, False, False),
    ]
    assert report.ok and not report.facilities_checked
    assert report.verdict() == "計画にエラーはありません（施設データに指定がないため、連携拠点は未確認）"


def test_hubs_all_no_are_missing_not_unknown(tmp_path, grid):
    """A hub column saying no everywhere is known: each area lacks a hub (an error each)."""
    plan = make_plan(grid, {"A": ["99201", "99202", "99203"], "B": [f"99{k}" for k in range(204, 210)]})
    fac = _csv(
        tmp_path, grid, "name,lat,lon,key_institution,hub", [("99202", "甲", 1, 0), ("99205", "乙", 1, 0)]
    )
    assert fac.logs[0].unused_columns == ()
    report = run_checks(plan, fac)
    assert [(f.code, f.area) for f in report.findings if f.rule != "functions"] == [
        ("no_hub", "A"),
        ("no_hub", "B"),
    ]
    assert all(a.hubs_checked for a in report.areas)


def test_no_facility_placed_means_none_not_unknown(tmp_path, grid):
    """A file with role columns whose every row is set aside (outside the units): each
    area has no key institution and no hub (errors), not 未確認."""
    plan = make_plan(grid, {"A": ["99201", "99202", "99203"], "B": [f"99{k}" for k in range(204, 210)]})
    path = tmp_path / "outside.csv"
    path.write_text("name,lat,lon,key_institution,hub\n遠方,43.0,141.3,1,1\n", encoding="utf-8")
    fac = load_facilities(path, grid)
    assert len(fac.frame) == 0 and len(fac.rejected) == 1
    report = run_checks(plan, fac)
    assert [(f.code, f.area) for f in report.findings if f.rule in ("key_institution", "hub")] == [
        ("no_key_institution", "A"),
        ("no_key_institution", "B"),
        ("no_hub", "A"),
        ("no_hub", "B"),
    ]
    # the same rows from a file without the role columns: nothing said which they are
    bare = tmp_path / "bare.csv"
    bare.write_text("name,lat,lon\n遠方,43.0,141.3\n", encoding="utf-8")
    fac = load_facilities(bare, grid)
    assert len(fac.frame) == 0 and fac.logs[0].fields == ("name", "lat", "lon")
    report = run_checks(plan, fac)
    assert [(f.code, f.area) for f in report.findings if f.rule in ("key_institution", "hub")] == [
        ("key_institution_unknown", None),
        ("hub_unknown", None),
    ]
    assert report.areas[0].n_key_institutions is None and report.areas[0].n_hubs is None


def test_key_institutions_unknown_read_as_unknown_not_missing(tmp_path, grid):
    """No key_institution column: one warning, no per-area error and no reach finding
    (there is nothing to measure to), the verdict names both unknowns when hubs are also
    unknown."""
    plan = make_plan(grid, {"A": [f"99{k}" for k in range(201, 210)]})
    fac = _csv(tmp_path, grid, "name,lat,lon,在支診", [("99201", "甲", 1)])
    report = run_checks(plan, fac)
    assert [(f.severity, f.code) for f in report.findings if f.rule != "functions"] == [
        ("warning", "key_institution_unknown"),
        ("warning", "hub_unknown"),
    ]
    assert "（施設データの使っていない列 1: 在支診）" in report.findings[0].message
    (a,) = report.areas
    assert (a.key_institutions_checked, a.hubs_checked, a.max_reach_km) == (False, False, None)
    assert report.verdict() == (
        "計画にエラーはありません（施設データに指定がないため、積極的医療機関・距離・連携拠点は未確認）"
    )


def test_key_institution_of_a_non_medical_kind_is_warned_and_counted(tmp_path, grid):
    """A pharmacy or a visiting nursing station designated key institution: one warning
    per area naming them with their kinds; they still count (no 'no key institution'
    error), and clinics, hospitals and kinds written as free text are not judged."""
    plan = make_plan(grid, {"A": ["99201", "99202", "99203"], "B": [f"99{k}" for k in range(204, 210)]})
    rows = [
        ("99201", "甲薬局", "薬局", 1),
        ("99202", "乙訪問看護", "visiting_nursing", 1),
        ("99203", "丙診療所", "clinic", 1),
        ("99205", "丁センター", "在宅ケア拠点", 1),  # free text: not judged
        ("99206", "戊病院", "hospital", 1),
    ]
    fac = _csv(tmp_path, grid, "name,lat,lon,kind,key_institution,hub", [(*r, 1) for r in rows])
    report = run_checks(plan, fac)
    found = [f for f in report.findings if f.rule == "key_institution"]
    assert [(f.severity, f.code, f.area, f.facilities) for f in found] == [
        ("warning", "key_not_medical", "A", ("roles:2", "roles:3"))
    ]
    assert found[0].message.startswith(
        "積極的医療機関に指定された甲薬局（薬局）・乙訪問看護（訪問看護ステーション）は医療機関（病院・診療所）ではありません。"
    )
    assert report.areas[0].key_institutions == ("roles:2", "roles:3", "roles:4")
    assert report.ok


def test_hub_density_with_population(tmp_path, grid):
    pop_csv = tmp_path / "pop.csv"
    pop_csv.write_text(
        "code,population\n" + "".join(f"99{k},{50000}\n" for k in range(201, 210)), encoding="utf-8"
    )
    units = attach_population(grid, load_population(pop_csv, grid))
    plan = make_plan(
        units, {"A": ["99201", "99202", "99203"], "B": ["99204", "99205", "99206", "99207", "99208", "99209"]}
    )
    fac = facilities_csv(
        tmp_path, units, [("99202", "甲", 1, 1), ("99201", "乙", 0, 1), ("99205", "丙", 1, 1)]
    )
    report = run_checks(plan, fac)
    assert [f.code for f in report.findings] == ["hub_density"], [f.message for f in report.findings]
    (f,) = report.findings
    assert (f.code, f.area, f.severity, f.value) == ("hub_density", "B", "warning", 300000)
    assert (
        f.message
        == "拠点あたり人口が300,000人で、目安（100,000人に1か所）を超えています（人口300,000人・拠点1か所）"
    )
    assert report.areas[0].people_per_hub == 75000
    assert report.areas[1].population == 300000


def test_reach_from_population_centroid_exact(tmp_path, grid):
    lat0, lon0 = grid.loc["99201", ["lat", "lon"]]
    pop_csv = tmp_path / "pop.csv"
    pop_csv.write_text(
        "code,population,pop_lat,pop_lon\n"
        f"99201,1000,{lat0},{lon0}\n99204,1000,{lat0 + 0.1},{lon0}\n99207,1000,{lat0 + 0.2},{lon0}\n",
        encoding="utf-8",
    )
    units = attach_population(grid, load_population(pop_csv, grid))
    plan = make_plan(
        units, {"A": ["99201", "99204", "99207"], "B": ["99202", "99203", "99205", "99206", "99208", "99209"]}
    )
    fac = facilities_csv(tmp_path, units, [("99201", "甲", 1, 1), ("99205", "乙", 1, 1)])
    report = run_checks(plan, fac)
    reach = [f for f in report.findings if f.rule == "reach"]
    assert [(f.area, f.units, f.facilities) for f in reach] == [("A", ("99207",), ("fac:2",))]
    expected = R * math.radians(0.2)
    assert reach[0].value == round(expected, 2)
    assert reach[0].message == f"町6から最寄りの積極的医療機関（甲）まで{expected:.1f}km（目安16km）"
    relaxed = make_plan(
        units,
        {"A": ["99201", "99204", "99207"], "B": ["99202", "99203", "99205", "99206", "99208", "99209"]},
        config=CheckConfig(reach_km=25),
    )
    assert not [f for f in run_checks(relaxed, fac).findings if f.rule == "reach"]


def test_functions(tmp_path, grid):
    plan = make_plan(
        grid, {"A": ["99201", "99202", "99203"], "B": ["99204", "99205", "99206", "99207", "99208", "99209"]}
    )
    fac = facilities_csv(
        tmp_path, grid, [("99202", "甲", 1, 1, 1, 1, 1, 0), ("99205", "乙", 1, 1, 0, 1, 1, 1)]
    )
    report = run_checks(plan, fac)
    assert [(f.area, f.severity, f.message) for f in report.findings] == [
        ("A", "warning", "看取りを担う施設がありません"),
        ("B", "warning", "退院支援を担う施設がありません"),
    ]
    strict = make_plan(
        grid,
        {"A": ["99201", "99202", "99203"], "B": ["99204", "99205", "99206", "99207", "99208", "99209"]},
        checks='[checks]\nfunctions_severity = "error"\n',
    )
    assert len(run_checks(strict, fac).errors) == 2


def test_reference_splits_and_merges(tmp_path, grid):
    ref = pd.DataFrame(
        {"secondary_medical_area": ["X", "X", "X", "X", "Y", "Y", "Y", "Y", None]}, index=grid.index
    )
    plan = make_plan(
        grid,
        {
            "A": ["99201", "99202", "99203"],
            "B": ["99204", "99205", "99206"],
            "C": ["99207", "99208", "99209"],
        },
        reference=ref,
    )
    fac = facilities_csv(tmp_path, grid, [(c, f"f{c}", 1, 1) for c in ("99202", "99205", "99208")])
    report = run_checks(plan, fac)
    assert [(f.code, f.severity, f.message) for f in report.findings] == [
        ("reference_missing", "warning", "参照レイヤ（二次医療圏）にない市区町村があります: 町8"),
        ("splits_reference", "info", "二次医療圏「X」を2圏域（A・B）に分けています"),
        ("splits_reference", "info", "二次医療圏「Y」を2圏域（B・C）に分けています"),
        ("merges_reference", "info", "圏域「B」は二次医療圏の2圏域（X・Y）をまとめています"),
    ]
    assert dict(report.areas[1].reference) == {"secondary_medical_area": ("X", "Y")}
    assert dict(report.areas[2].reference) == {"secondary_medical_area": ("Y",)}


def test_findings_are_sorted_errors_first(tmp_path, grid):
    plan = make_plan(
        grid, {"A": ["99201", "99209"], "B": ["99202", "99203", "99204", "99205", "99206", "99207", "99208"]}
    )
    fac = facilities_csv(tmp_path, grid, [("99201", "甲", 1, 0, 1, 1, 1, 0), ("99205", "乙", 1, 1)])
    report = run_checks(plan, fac)
    sev = [f.severity for f in report.findings]
    assert sev == sorted(sev, key=["error", "warning", "info"].index)
    assert codes_of(report, "error") == ["not_contiguous", "no_hub"]


def test_long_pieces_are_shortened_in_messages(tmp_path):
    units = units_from_frame(make_grid(4, 3))
    main = ["99201", "99202", "99203", "99204", "99205", "99206"]
    rest = ["99207", "99208", "99209", "99210", "99211"]
    plan = make_plan(units, {"A": [*main, "99212"], "B": rest})
    fac = facilities_csv(tmp_path, units, [("99202", "甲", 1, 1), ("99209", "乙", 1, 1)])
    (f,) = [f for f in run_checks(plan, fac).findings if f.code == "not_contiguous"]
    assert f.message == "飛び地: 圏域「A」が2か所に分かれています（町0・町1・町2ほか3市区町村 / 町11）"


def test_a_unit_in_two_areas_is_one_finding(tmp_path, grid):
    """Listing 町8 in A by mistake (it belongs to B, where the hub is) is one error: no
    false piece in A, no missing hub or key institution in B, no reach warning."""
    fac = facilities_csv(
        tmp_path, grid, [("99201", "甲", 1, 1), ("99205", "丙", 1, 0), ("99209", "乙", 0, 1)]
    )
    rest = ["99202", "99203", "99204", "99205", "99206", "99207", "99208", "99209"]
    plan = make_plan(grid, {"A": ["99201", "99209"], "B": rest})
    report = run_checks(plan, fac)
    assert [(f.code, f.severity) for f in report.findings] == [("duplicate", "error")]
    assert report.findings[0].message == "町8（99209）が複数の圏域（A・B）に含まれています"
    a, b = report.areas
    assert a.contiguous and a.components == (("99201",),)
    assert b.contiguous and b.hub_names == ("乙",) and b.key_institution_names == ("丙",)
    # a real split is still found: 町2 is far from A whichever way 町8 is settled
    split = make_plan(grid, {"A": ["99201", "99203", "99209"], "B": [c for c in rest if c != "99203"]})
    report = run_checks(split, fac)
    assert codes_of(report, "error") == ["duplicate", "not_contiguous"]
    assert report.areas[0].components == (("99201",), ("99203",))


def test_run_checks_takes_a_facility_table_of_ones_own():
    """A researcher's GeoDataFrame needed kind, lon, lat and the four functions, one
    KeyError at a time; a unit outside the plan was dropped silently."""
    import geopandas as gpd
    import pandas as pd

    from geo_zaitaku import InputError, Plan, run_checks
    from geo_zaitaku.plan import parse_plan
    from geo_zaitaku.units import units_from_frame

    units = units_from_frame(make_grid(3, 1))
    plan = Plan.from_spec(parse_plan('[areas]\n"A" = ["99201", "99202"]\n"B" = ["99203"]\n'), units)
    own = pd.DataFrame(
        {"id": ["K1", "K2"], "name": ["中央病院", "東診療所"], "unit": ["99201", "99203"],
         "key_institution": ["yes", 1], "hub": [True, "no"]}
    )  # fmt: skip
    report = run_checks(plan, own)
    counts = {a.name: (a.n_key_institutions, a.n_hubs) for a in report.areas}
    assert counts == {"A": (1, 1), "B": (1, 0)}
    at = units.loc[["99201", "99203"]]
    points = gpd.GeoDataFrame(own, geometry=gpd.points_from_xy(at["lon"], at["lat"]), crs=6668)
    assert {a.name: a.n_key_institutions for a in run_checks(plan, points).areas} == {"A": 1, "B": 1}
    for change, where in (
        ({"unit": ["99201", "99999"]}, "unit"),
        ({"hub": ["maybe", 0]}, "hub"),
    ):
        with pytest.raises(InputError) as err:
            run_checks(plan, own.assign(**change))
        assert err.value.where == where
    with pytest.raises(InputError) as err:
        run_checks(plan, own.drop(columns="unit"))
    assert "施設の表に列 unit がありません" in str(err.value)
