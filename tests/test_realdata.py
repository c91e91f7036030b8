"""Integration tests on the real N03 data in ../shared/data (skipped when absent)."""

from pathlib import Path

import pytest
from conftest import KUMAMOTO_N03, requires_kumamoto

from geo_zaitaku.graph import adjacency, build_graph, islands
from geo_zaitaku.pipeline import check_plan
from geo_zaitaku.units import load_units

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "boundaries" / "43_kumamoto"

pytestmark = [pytest.mark.realdata, requires_kumamoto()]


def test_kumamoto_units_at_both_levels():
    wards = load_units(KUMAMOTO_N03, level="ward")
    munis = load_units(KUMAMOTO_N03)
    assert len(wards) == 49
    assert len(munis) == 45
    assert munis.loc["43100", "name"] == "熊本市"
    assert munis.loc["43100", "ward_codes"] == "43101・43102・43103・43104・43105"
    assert wards.loc["43101", "name"] == "熊本市中央区"
    # 熊本市 is 390.32 km² (GSI 2021); the 1 % simplification keeps it within 1 %
    assert munis.loc["43100", "area_km2"] == pytest.approx(390.32, rel=0.01)


def test_kumamoto_graph_is_connected():
    units = load_units(KUMAMOTO_N03)
    g = build_graph(units, edges=adjacency(units))
    assert islands(g) == []
    assert g.degree("43100") >= 6


def test_health_center_plan_is_complete_and_contiguous():
    run = check_plan(PLANS / "plan_health_center.toml", units=KUMAMOTO_N03)
    report = run.report
    assert len(report.areas) == 11
    assert sum(len(a.units) for a in report.areas) == 45
    assert all(a.contiguous for a in report.areas)
    assert [f for f in report.findings if f.rule in ("completeness", "contiguity")] == []
    splits = [f for f in report.findings if f.code == "splits_reference"]
    assert [(f.message) for f in splits] == [
        "二次医療圏「熊本・上益城」を2圏域（熊本市・上益城）に分けています"
    ]


def test_secondary_plan_merges_two_health_centers():
    report = check_plan(PLANS / "plan_secondary.toml", units=KUMAMOTO_N03).report
    assert len(report.areas) == 10
    merges = [f.message for f in report.findings if f.code == "merges_reference"]
    assert merges == ["圏域「熊本・上益城」は保健所圏域の2圏域（熊本市保健所・御船保健所）をまとめています"]


def test_health_center_plan_at_ward_level(tmp_path):
    text = (
        (PLANS / "plan_health_center.toml")
        .read_text(encoding="utf-8")
        .replace('units = "municipality"', 'units = "ward"')
    )
    plan = tmp_path / "ward.toml"
    plan.write_text(
        text.replace('reference = "reference.csv"', f'reference = "{PLANS / "reference.csv"}"'),
        encoding="utf-8",
    )
    report = check_plan(plan, units=KUMAMOTO_N03).report
    assert report.areas[0].units == ("43101", "43102", "43103", "43104", "43105")
    assert sum(len(a.units) for a in report.areas) == 49
    assert all(a.contiguous for a in report.areas)


NATIONAL = KUMAMOTO_N03.parents[1] / "national_0p1pct" / "N03-21_210101.json"


@pytest.mark.skipif(not NATIONAL.exists(), reason=f"real data not found: {NATIONAL}")
def test_prefecture_plan_against_the_national_file():
    """One note about the other prefectures, not one finding per municipality of them."""
    run = check_plan(PLANS / "plan_health_center.toml", units=NATIONAL, cache=False)
    assert len(run.plan.units) == 45
    assert run.report.ok
    notes = [f for f in run.report.findings if f.code == "other_prefectures"]
    assert len(notes) == 1 and notes[0].value == len(load_units(NATIONAL, cache=False)) - 45
    assert len(run.report.findings) <= 4
