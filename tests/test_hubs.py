"""Hub and key-institution siting against brute force on a small grid."""

from __future__ import annotations

import itertools
import json
import math

import pytest
from conftest import make_grid, write_plan

from geo_zaitaku import InputError
from geo_zaitaku.cli import main
from geo_zaitaku.design.hubs import SitingOptions, site
from geo_zaitaku.pipeline import check_plan

# 3 x 3 grid (10 km squares); two areas. Candidates (clinics, nursing) spread around.
FACILITIES = """id,name,kind,municipality_code,key_institution,hub
K1,K1,support_clinic,99201,1,0
K9,K9,support_hospital,99209,1,1
C2,C2,clinic,99202,0,0
C3,C3,clinic,99203,0,0
C5,C5,visiting_nursing,99205,0,0
C6,C6,clinic,99206,0,0
C7,C7,support_clinic,99207,0,0
C8,C8,support_clinic,99208,0,0
P4,P4,pharmacy,99204,0,0
"""
POPULATION = "code,population\n" + "\n".join(
    f"{c},{p}"
    for c, p in zip(
        range(99201, 99210),
        (90_000, 30_000, 20_000, 60_000, 40_000, 10_000, 5_000, 70_000, 50_000),
        strict=True,
    )
)
PLAN = """[areas]
"西" = ["99201", "99202", "99204", "99205", "99207"]
"東" = ["99203", "99206", "99208", "99209"]
[checks]
people_per_hub = 100000
reach_km = 12
"""


@pytest.fixture
def grid(tmp_path):
    make_grid().to_file(tmp_path / "g.geojson", driver="GeoJSON")
    (tmp_path / "f.csv").write_text(FACILITIES, encoding="utf-8")
    (tmp_path / "p.csv").write_text(POPULATION, encoding="utf-8")
    write_plan(tmp_path / "plan.toml", PLAN)
    run = check_plan(tmp_path / "plan.toml", units=tmp_path / "g.geojson", facilities=[tmp_path / "f.csv"],
                     population=tmp_path / "p.csv", cache=False)  # fmt: skip
    return run, tmp_path


def test_fewest_hubs_meet_each_areas_need(grid):
    run, _ = grid
    s = site(run, SitingOptions())
    assert s.status == "optimal"
    needs = {a.area: a.need for a in s.areas}
    # 西: 225,000 people -> ceil(2.25) = 3 hubs, none yet; 東: 130,000 -> 2, has K9
    assert needs == {"西": 3, "東": 2}
    assert {a.area: a.existing for a in s.areas} == {"西": 0, "東": 1}
    assert len(s.new) == 4 == s.objective and s.bound == 4
    assert sum(d.area == "西" for d in s.new) == 3 and sum(d.area == "東" for d in s.new) == 1
    assert all(d.id not in ("P4", "K9") for d in s.new)  # pharmacies are no default candidates


def test_max_new_gives_the_maximal_cover(grid):
    """With the needs met, --max-new caps new hubs; brute force over the candidates."""
    run, _ = grid
    s = site(run, SitingOptions(max_new=5, cover_km=10.5))
    assert s.status == "optimal" and len(s.new) <= 5
    units = run.plan.units
    pop = units["population"].to_dict()
    cands = ["K1", "C2", "C3", "C5", "C6", "C7", "C8"]
    area = {"K1": "西", "C2": "西", "C5": "西", "C7": "西", "C3": "東", "C6": "東", "C8": "東"}
    cell = {fid: int(run.facilities.frame.set_index("id").loc[fid, "unit"]) - 99201 for fid in [*cands, "K9"]}
    unit_area = run.plan.assignment

    def covered(hubs):
        out = 0.0
        for code, p in pop.items():
            k = int(code) - 99201
            for h in hubs:
                dr, dc = divmod(k, 3)[0] - divmod(cell[h], 3)[0], divmod(k, 3)[1] - divmod(cell[h], 3)[1]
                same = unit_area[code] == (area.get(h) or "東")
                if same and math.hypot(dr, dc) * 10 <= 10.5:
                    out += p
                    break
        return out

    best = max(
        covered([*chosen, "K9"])
        for r in range(6)
        for chosen in itertools.combinations(cands, r)
        if sum(area[c] == "西" for c in chosen) >= 3 and sum(area[c] == "東" for c in chosen) >= 1
    )
    assert s.covered["after"] == pytest.approx(best)
    assert s.shortfall == 0 and s.reasons == ()

    # a budget below the needs (3 + 1): the least shortfall first, then the most people
    def shortfall(chosen):
        return max(0, 3 - sum(area[c] == "西" for c in chosen)) + max(
            0, 1 - sum(area[c] == "東" for c in chosen)
        )

    for budget in (0, 1, 2, 3):
        s = site(run, SitingOptions(max_new=budget, cover_km=10.5))
        options = [c for r in range(budget + 1) for c in itertools.combinations(cands, r)]
        least = min(shortfall(c) for c in options)
        best = max(covered([*c, "K9"]) for c in options if shortfall(c) == least)
        assert s.status == "optimal" and len(s.new) == budget
        assert s.shortfall == least == 4 - budget and s.covered["after"] == pytest.approx(best)
        assert {a.area: a.short for a in s.areas} == {
            "西": 3 - sum(d.area == "西" for d in s.new),
            "東": 1 - sum(d.area == "東" for d in s.new),
        }
        assert (s.reasons != ()) == (least > 0)


def test_key_institution_set_cover_equals_brute_force(grid):
    run, _ = grid
    s = site(run, SitingOptions(role="key"))
    assert s.status == "optimal"
    # brute force: the fewest support clinics/hospitals so that every unit is within 12 km
    # of a key institution of its own area (K1 in 西, K9 in 東 already)
    frame = run.facilities.frame.set_index("id")
    cands = [f for f in ("C7", "C8") if frame.loc[f, "kind"] in ("support_clinic", "support_hospital")]
    cell = {f: int(frame.loc[f, "unit"]) - 99201 for f in [*cands, "K1", "K9"]}
    area = run.plan.assignment

    def near(code, f):
        k = int(code) - 99201
        same = area[frame.loc[f, "unit"]] == area[code]
        return same and math.hypot(k // 3 - cell[f] // 3, k % 3 - cell[f] % 3) * 10 <= 12

    everything = ["K1", "K9", *cands]
    coverable = [c for c in run.plan.units.index if any(near(c, f) for f in everything)]
    # 99205 (centre) is 14.1 km from K1 and C7; 99203 (south-east) is 20 km from K9, 22.4 km from C8
    assert sorted(set(run.plan.units.index) - set(coverable)) == ["99203", "99205"]
    sizes = [
        len(chosen)
        for r in range(len(cands) + 1)
        for chosen in itertools.combinations(cands, r)
        if all(any(near(c, f) for f in ["K1", "K9", *chosen]) for c in coverable)
    ]
    assert s.uncovered == ("99203", "99205")
    assert len(s.new) == min(sizes) == 1 and [d.id for d in s.new] == ["C7"]


def test_not_enough_candidates_is_explained(grid):
    run, _ = grid
    s = site(run, SitingOptions(candidates=("visiting_nursing",)))
    # too few candidates: what there is is proposed (C5, the only one, in 西), the other
    # areas are still solved, and the areas left short are named (it used to be all or nothing)
    assert s.status == "optimal" and [d.id for d in s.new] == ["C5"]
    assert {a.area: a.short for a in s.areas} == {"西": 2, "東": 1} and s.shortfall == 3
    assert [r.ja for r in s.reasons][:2] == [
        "圏域「西」には3か所必要ですが、既存 0か所と候補 1か所しかありません（--candidates で候補を広げてください）",
        "圏域「東」には2か所必要ですが、既存 1か所と候補 0か所しかありません（--candidates で候補を広げてください）",
    ]
    with pytest.raises(InputError):
        SitingOptions(role="both")


def test_no_candidate_anywhere_is_a_shortfall_not_a_solver_error(grid):
    """With no candidate in any area the model had no variable, and HiGHS's empty-model
    status was reported as 「求解エラー」 with shortfall 0."""
    run, _ = grid
    s = site(run, SitingOptions(candidates=("municipality",)))
    assert s.status == "optimal" and s.new == ()
    assert {a.area: a.short for a in s.areas} == {"西": 3, "東": 1} and s.shortfall == 4
    assert [r.ja for r in s.reasons] == [
        "圏域「西」には3か所必要ですが、既存 0か所と候補 0か所しかありません（--candidates で候補を広げてください）",
        "圏域「東」には2か所必要ですが、既存 1か所と候補 0か所しかありません（--candidates で候補を広げてください）",
    ]


def test_an_empty_model_is_solved_without_highs():
    from geo_zaitaku.design._model import Model

    model = Model()
    assert model.solve().status == "optimal"
    model.add_row([], 1.0, 1.0, 2.0)  # 1 <= 0: impossible
    assert model.solve().status == "infeasible"


def test_hubs_command_and_its_scenario(grid, capsys):
    _run, tmp = grid
    base = [
        "--units",
        str(tmp / "g.geojson"),
        "--facilities",
        str(tmp / "f.csv"),
        "--population",
        str(tmp / "p.csv"),
    ]
    out = tmp / "hubs"
    assert (
        main(["design", "hubs", str(tmp / "plan.toml"), *base, "--out", str(out), "-q", "--no-basemap"]) == 0
    )
    data = json.loads((out / "hubs.json").read_text(encoding="utf-8"))
    assert data["status"] == "optimal" and len(data["new"]) == 4
    assert {p.name for p in out.iterdir()} == {
        "hubs.csv",
        "hubs.json",
        "hubs_scenario.toml",
        "hubs_map.html",
        "run.json",
    }
    scen = [
        "scenario",
        str(tmp / "plan.toml"),
        str(out / "hubs_scenario.toml"),
        *base,
        "--out",
        str(tmp / "s"),
        "-q",
        "--no-basemap",
    ]
    assert main(scen) == 0  # the designations give every area its hubs: no error
    cmp = json.loads((tmp / "s" / "comparison.json").read_text(encoding="utf-8"))
    assert cmp["errors"] == {"before": 1, "after": 0}
    assert not [f for f in cmp["findings_new"] if f["rule"] in ("hub", "hub_density")]
    (tmp / "ids.csv").write_text("id\nC2\nC5\nC7\nC3\n", encoding="utf-8")
    code = main(
        [
            "design",
            "hubs",
            str(tmp / "plan.toml"),
            *base,
            "--candidates",
            str(tmp / "ids.csv"),
            "--out",
            str(tmp / "h2"),
            "-q",
            "--no-basemap",
        ]
    )
    assert code == 0
    assert sorted(
        d["id"] for d in json.loads((tmp / "h2" / "hubs.json").read_text(encoding="utf-8"))["new"]
    ) == ["C2", "C3", "C5", "C7"]


def test_without_population_units_are_counted_not_zero_people(grid, capsys):
    """No population: the coverage is the number of units within reach (never 「人口 0人
    → 0人」), and with a budget the most units are covered; brute force."""
    _, tmp = grid
    run = check_plan(tmp / "plan.toml", units=tmp / "g.geojson", facilities=[tmp / "f.csv"], cache=False)
    cands = ["K1", "C2", "C3", "C5", "C6", "C7", "C8"]
    area = {"K1": "西", "C2": "西", "C5": "西", "C7": "西", "C3": "東", "C6": "東", "C8": "東"}
    cell = {fid: int(run.facilities.frame.set_index("id").loc[fid, "unit"]) - 99201 for fid in [*cands, "K9"]}

    def covered(hubs):
        n = 0
        for code, a in run.plan.assignment.items():
            k = int(code) - 99201
            near = (
                a == (area.get(h) or "東") and math.dist(divmod(k, 3), divmod(cell[h], 3)) * 10 <= 10.5
                for h in hubs
            )
            n += any(near)
        return n

    for budget in (1, 2):
        s = site(run, SitingOptions(max_new=budget, cover_km=10.5))
        options = [c for r in range(budget + 1) for c in itertools.combinations(cands, r)]
        least = min(max(0, 1 - sum(area[x] == "西" for x in c)) for c in options)
        best = max(
            covered([*c, "K9"]) for c in options if max(0, 1 - sum(area[x] == "西" for x in c)) == least
        )
        assert s.status == "optimal" and s.shortfall == least == 0
        assert (s.covered["before"], s.covered["after"]) == (None, None)
        assert (s.covered["units_before"], s.covered["units_after"], s.covered["units"]) == (
            covered(["K9"]),
            best,
            9,
        )
        assert s.objective == best
    code = main(["design", "hubs", str(tmp / "plan.toml"), "--units", str(tmp / "g.geojson"),
                 "--facilities", str(tmp / "f.csv"), "--max-new", "2", "--cover-km", "10.5",
                 "--out", str(tmp / "o")])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert (
        f"以内の市区町村 {covered(['K9'])}/9 → {best}/9（人口が分からないため市区町村の数で数えました" in out
    )
    assert "人口 0人" not in out
    saved = json.loads((tmp / "o" / "hubs.json").read_text(encoding="utf-8"))
    assert saved["covered"]["before"] is None and saved["covered"]["units_after"] == best


def test_unknown_hubs_are_proposed_from_none_and_said_so(grid, capsys):
    """A facility file with no hub column: the proposal starts from no hub designated,
    and the command says why (not a silent 「既存 0」)."""
    _, tmp = grid
    (tmp / "nohub.csv").write_text(FACILITIES.replace(",hub\n", ",拠点フラグ\n", 1), encoding="utf-8")
    run = check_plan(tmp / "plan.toml", units=tmp / "g.geojson", facilities=[tmp / "nohub.csv"],
                     population=tmp / "p.csv", cache=False)  # fmt: skip
    s = site(run, SitingOptions())
    assert s.existing_unknown and {a.area: a.existing for a in s.areas} == {"西": 0, "東": 0}
    assert not site(run, SitingOptions(role="key")).existing_unknown
    code = main(["design", "hubs", str(tmp / "plan.toml"), "--units", str(tmp / "g.geojson"),
                 "--facilities", str(tmp / "nohub.csv"), "--out", str(tmp / "o")])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith(
        "施設データに連携拠点の指定がないため（列がないか、すべて空欄）、指定済みの連携拠点を0か所として提案します"
    )
    assert json.loads((tmp / "o" / "hubs.json").read_text(encoding="utf-8"))["existing_unknown"] is True


def test_no_facilities_no_candidates(grid):
    """Without facility data there is nothing to designate: refused (exit 2 from the
    command), not one 「候補 0か所」 line per area."""
    _, tmp = grid
    run = check_plan(tmp / "plan.toml", units=tmp / "g.geojson", population=tmp / "p.csv", cache=False)
    with pytest.raises(InputError, match="施設データがないため") as err:
        site(run, SitingOptions())
    assert err.value.where == "--facilities"


def test_a_misspelt_candidate_kind_is_refused(grid):
    """--candidates clinik used to give 「候補 0か所」 per area; clinic,hospitl ran on the clinics."""
    run, _ = grid
    for bad in (("clinik",), ("clinic", "hospitl")):
        with pytest.raises(InputError) as err:
            site(run, SitingOptions(candidates=bad))
        assert err.value.where == "--candidates" and f"種別 '{bad[-1]}' はありません" in str(err.value)
    assert (
        site(run, SitingOptions(candidates=("clinic", "在宅療養支援診療所", "visiting_nursing"))).status
        == "optimal"
    )


def test_candidate_ids_not_placed_are_left_out_and_named(grid, capsys):
    """A candidate list that is the facility file itself names rows set aside on import:
    they are left out and named (the run used to be refused); none found is an error."""
    run, _ = grid
    s = site(run, SitingOptions(candidate_ids=("C2", "C3", "C5", "C6", "C7", "C8", "X404")))
    assert s.candidates_not_found == ("X404",) and s.status == "optimal"
    assert s.to_dict()["candidates_not_found"] == ["X404"]
    with pytest.raises(InputError, match="候補の施設ID X404, X405 は施設データにありません"):
        site(run, SitingOptions(candidate_ids=("X404", "X405")))
    from geo_zaitaku.cli._output import print_siting

    print_siting(s, quiet=True)
    assert (
        "候補の施設ID 1件は施設データにないため除きました（取り込みで除いた行か、IDの誤り）: X404"
        in capsys.readouterr().out
    )
