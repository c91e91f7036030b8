"""Robustness: N-1, N-2, random closures; exact probabilities against brute force."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
from conftest import make_grid, write_plan

from geo_zaitaku import InputError
from geo_zaitaku.cli import main
from geo_zaitaku.pipeline import check_plan
from geo_zaitaku.scenarios.robustness import (
    AreaFacilities,
    Closures,
    Network,
    analyse,
    closures_from_options,
    exact_failure,
    random_closures,
)


def _net(key, hub, *, total=None, min_key=1, min_hub=1, kinds=None):
    """One area with the given key/hub masks, no units (rules: minimum counts only)."""
    key, hub = np.asarray(key, bool), np.asarray(hub, bool)
    r = len(key)
    area = AreaFacilities("A", (), np.zeros(0), np.arange(r), key, hub, np.zeros((0, int(key.sum()))))
    return Network(
        ids=tuple(f"F{i}" for i in range(r)),
        names=tuple(f"施設{i}" for i in range(r)),
        kinds=tuple(kinds or ["clinic"] * r),
        areas=(area,),
        min_key=min_key,
        min_hub=min_hub,
        limit=16.0,
        measure="km",
        total_facilities=total or r,
    )


def _brute_independent(key, hub, q, min_key, min_hub):
    out = {"key_institution": 0.0, "hub": 0.0, "minimum": 0.0}
    for closed in itertools.product([False, True], repeat=len(key)):
        w = math.prod(qi if c else 1 - qi for c, qi in zip(closed, q, strict=True))
        k = sum(1 for c, m in zip(closed, key, strict=True) if m and not c) < min_key
        h = sum(1 for c, m in zip(closed, hub, strict=True) if m and not c) < min_hub
        out["key_institution"] += w * k
        out["hub"] += w * h
        out["minimum"] += w * (k or h)
    return out


def _brute_fixed(key, hub, total, closures, min_key, min_hub):
    out = {"key_institution": 0.0, "hub": 0.0, "minimum": 0.0}
    subsets = list(itertools.combinations(range(total), closures))
    for closed in subsets:
        k = sum(1 for i, m in enumerate(key) if m and i not in closed) < min_key
        h = sum(1 for i, m in enumerate(hub) if m and i not in closed) < min_hub
        out["key_institution"] += k / len(subsets)
        out["hub"] += h / len(subsets)
        out["minimum"] += (k or h) / len(subsets)
    return out


CASES = [
    # key, hub, min_key, min_hub
    ([1, 1, 0, 0, 1], [0, 1, 1, 1, 0], 1, 1),
    ([1, 1, 1, 0, 0, 1], [1, 0, 1, 1, 1, 0], 2, 2),
    ([1, 0, 0], [1, 0, 0], 1, 1),  # one facility both key institution and hub
    ([1, 1, 1, 1], [0, 0, 0, 0], 3, 0),
]


@pytest.mark.parametrize(("key", "hub", "min_key", "min_hub"), CASES)
def test_exact_independent_closures_match_brute_force(key, hub, min_key, min_hub):
    q = [0.1, 0.25, 0.5, 0.05, 0.3, 0.7][: len(key)]
    kinds = ["k%d" % i for i in range(len(key))]
    net = _net(key, hub, min_key=min_key, min_hub=min_hub, kinds=kinds)
    how = Closures(p=0.0, p_kind=dict(zip(kinds, q, strict=True)))
    exact = exact_failure(net, net.areas[0], how)
    brute = _brute_independent(key, hub, q, min_key, min_hub)
    for rule in brute:
        assert exact[rule] == pytest.approx(brute[rule], abs=1e-12)
    assert exact["reach"] is None


def test_closed_form_for_minimums_of_one():
    """P = p^|K| + p^|H| - p^|K ∪ H| (DOMAIN.md)."""
    key, hub, p = [1, 1, 0, 1], [0, 1, 1, 0], 0.2
    net = _net(key, hub)
    exact = exact_failure(net, net.areas[0], Closures(p=p))
    k, h, union = 3, 2, 4
    assert exact["minimum"] == pytest.approx(p**k + p**h - p**union, abs=1e-15)
    assert exact["key_institution"] == pytest.approx(p**k, abs=1e-15)


@pytest.mark.parametrize(("key", "hub", "min_key", "min_hub"), CASES)
@pytest.mark.parametrize("extra", [0, 3])
def test_exact_fixed_closures_match_brute_force(key, hub, min_key, min_hub, extra):
    total = len(key) + extra
    for closures in range(total + 1):
        net = _net(key, hub, total=total, min_key=min_key, min_hub=min_hub)
        exact = exact_failure(net, net.areas[0], Closures(closures=closures))
        brute = _brute_fixed(key, hub, total, closures, min_key, min_hub)
        for rule in brute:
            assert exact[rule] == pytest.approx(brute[rule], abs=1e-12), (closures, rule)


@pytest.mark.parametrize("how", [Closures(p=0.3), Closures(closures=3)])
def test_monte_carlo_agrees_with_exact_within_three_standard_errors(how):
    net = _net([1, 1, 0, 1, 0, 0], [0, 1, 1, 0, 1, 0], total=9)
    n = 20_000
    [risk] = random_closures(net, how, samples=n, seed=7)
    for rule, mc in (
        ("key_institution", risk.p_fail_key_institution),
        ("hub", risk.p_fail_hub),
        ("minimum", risk.p_fail),
    ):
        p = risk.exact[rule]
        se = math.sqrt(p * (1 - p) / n)
        assert abs(mc - p) <= 3 * se, (rule, mc, p, se)
    # same seed, same numbers, however the blocks are split
    from geo_zaitaku.scenarios.robustness import block_counts, risks_from_counts

    parts = [block_counts(net, how, samples=n, seed=7, blocks=b) for b in (range(0, 7), range(7, 20))]
    [again] = risks_from_counts(net, how, parts[0] + parts[1], n)
    assert again == risk


# --------------------------------------------------------------------------- on a plan

# 3 x 3 grid, 10 km squares. A = bottom row (99201-99203), B = the rest.
FACILITIES = """id,name,kind,municipality_code,key_institution,hub
KA1,A西,support_clinic,99201,1,0
KA2,A東,support_clinic,99203,1,1
KB1,B中央,support_hospital,99205,1,1
KB2,B北東,support_clinic,99209,1,0
HB2,B医師会,medical_association,99207,0,1
"""
PLAN = """[areas]
"A" = ["99201", "99202", "99203"]
"B" = ["99204", "99205", "99206", "99207", "99208", "99209"]
[checks]
reach_km = 15
"""


@pytest.fixture
def grid(tmp_path):
    units = tmp_path / "grid.geojson"
    make_grid().to_file(units, driver="GeoJSON")
    (tmp_path / "f.csv").write_text(FACILITIES, encoding="utf-8")
    plan = write_plan(tmp_path / "plan.toml", PLAN)
    return check_plan(plan, units=units, facilities=[tmp_path / "f.csv"], cache=False), tmp_path


def test_single_points_of_failure_and_pairs(grid):
    run, _ = grid
    result = analyse(run, pairs=True)
    assert dict(result.baseline) == {"A": (), "B": ()}
    found = {
        c.facilities[0]: [(f.area, f.rules, f.units_beyond) for f in c.failures]
        for c in result.single_points_of_failure
    }
    # A: without KA1, 99201 is 20 km from KA2 (beyond 15 km); KA2 is A's only hub and
    # without it 99203 is 20 km from KA1. B: without KB1, 99204 is hypot(20, 10) = 22.4 km
    # and 99207 is 20 km from KB2; KB2 and HB2 are covered by KB1.
    assert found == {
        "KA1": [("A", ("reach",), ("99201",))],
        "KA2": [("A", ("hub", "reach"), ("99203",))],
        "KB1": [("B", ("reach",), ("99204", "99207"))],
    }
    # pairs: A has 2 members (1 pair), B has 3 (3 pairs); closing KB2 and HB2 together
    # leaves KB1, which still covers B (99209 is 14.1 km from it)
    assert result.pairs_tested == 4 and result.pairs == ()


def test_pair_of_hubs_fails_only_together(tmp_path):
    units = tmp_path / "grid.geojson"
    make_grid().to_file(units, driver="GeoJSON")
    (tmp_path / "f.csv").write_text(
        "id,name,municipality_code,key_institution,hub\nK,K,99205,1,0\nH1,H1,99201,0,1\nH2,H2,99209,0,1\n",
        encoding="utf-8",
    )
    plan = write_plan(
        tmp_path / "p.toml",
        '[areas]\n"全" = ["99201","99202","99203","99204","99205","99206","99207","99208","99209"]\n',
    )
    run = check_plan(plan, units=units, facilities=[tmp_path / "f.csv"], cache=False)
    result = analyse(run, pairs=True)
    assert [c.facilities for c in result.single_points_of_failure] == [("K",)]
    assert [(c.facilities, c.failures[0].rules) for c in result.pairs] == [(("H1", "H2"), ("hub",))]
    assert result.pairs_tested == 3


def test_robustness_command(grid, capsys):
    _run, tmp = grid
    out = tmp / "rob"
    args = [
        "robustness",
        str(tmp / "plan.toml"),
        "--units",
        str(tmp / "grid.geojson"),
        "--facilities",
        str(tmp / "f.csv"),
    ]
    assert (
        main(
            [*args, "--p", "0.1", "--samples", "5000", "--seed", "3", "--out", str(out), "--no-basemap", "-q"]
        )
        == 0
    )
    data = json.loads((out / "robustness.json").read_text(encoding="utf-8"))
    assert data["samples"] == 5000 and data["seed"] == 3 and data["p"] == 0.1
    assert [s["facility"] for s in data["single_points_of_failure"]] == ["KA1", "KA2", "KB1"]
    a = next(x for x in data["areas"] if x["area"] == "A")
    assert a["exact"]["hub"] == pytest.approx(0.1) and a["critical_facilities"] == ["KA1", "KA2"]
    assert abs(a["p_fail_hub"] - 0.1) <= 3 * math.sqrt(0.09 / 5000)
    assert {p.name for p in out.iterdir()} == {
        "robustness.json",
        "robustness.csv",
        "robustness.md",
        "robustness_map.html",
        "run.json",
    }
    capsys.readouterr()
    for bad, where in ((["--p", "1.5"], "--p"), (["--closures", "99"], "--closures"), (["--p", "0.1", "--closures", "1"], "--closures"),
                       (["--p-kind", "clinic"], "--p-kind"), (["--p", "0.1", "--samples", "0"], "--samples")):  # fmt: skip
        assert main([*args, *bad, "--out", str(tmp / "x")]) == 2, bad
        err = capsys.readouterr().err
        assert where in err and "Traceback" not in err


def test_closure_options():
    assert closures_from_options(None, (), None, total=5) is None
    how = closures_from_options(0.1, ("病院=0.05",), None, total=5)
    assert how.p == 0.1 and dict(how.p_kind) == {"hospital": 0.05}
    with pytest.raises(InputError):
        closures_from_options(float("nan"), (), None, total=5)


def test_robustness_needs_to_know_the_key_institutions_and_hubs(grid, capsys):
    """Without facility data, or with a file that has no hub column, closures cannot be
    analysed (every area would 'fail' at baseline): exit 2, one message, nothing written."""
    run, tmp = grid
    assert run.unknown_roles == ()
    no_hub = tmp / "no_hub.csv"
    no_hub.write_text(FACILITIES.replace(",hub\n", ",拠点フラグ\n", 1), encoding="utf-8")
    base = ["robustness", str(tmp / "plan.toml"), "--units", str(tmp / "grid.geojson"), "--no-basemap"]
    for extra, roles in (
        ([], "積極的役割を担う医療機関・連携を担う拠点"),
        (["--facilities", str(no_hub)], "連携を担う拠点"),
    ):
        capsys.readouterr()
        assert main([*base, *extra, "--out", str(tmp / "r")]) == 2
        err = capsys.readouterr().err
        assert (
            f"施設データに{roles}の指定がないため" in err
            and "施設の閉鎖に対する頑健性を調べられません" in err
        )
        assert "Traceback" not in err
    assert not (tmp / "r").exists()
    unknown = check_plan(tmp / "plan.toml", units=tmp / "grid.geojson", facilities=[no_hub], cache=False)
    assert unknown.unknown_roles == ("hub",)
    with pytest.raises(InputError):
        analyse(unknown)


def test_exact_probabilities_are_summed_over_failing_outcomes():
    """Seven key institutions cannot all close when five facilities of 600 close: the
    probability is exactly 0 (1 − Σ P(ok) gave −4.8e-13); three hubs all close with the
    hypergeometric closed form C(597, 2) / C(600, 5)."""
    from math import comb

    from geo_zaitaku.scenarios.robustness import _from_hypergeometric, _from_independent, _open_pmf

    key, hub, either = _from_hypergeometric((7, 3, 0), 600, 5, 1, 1)
    assert key == 0.0
    assert hub == pytest.approx(comb(597, 2) / comb(600, 5), rel=1e-12)
    assert either == pytest.approx(hub, rel=1e-12)
    # independent closures: one key institution (q = 0.3) and one hub (q = 0.2)
    key, hub, either = _from_independent(
        _open_pmf(np.array([0.3])), _open_pmf(np.array([0.2])), np.array([1.0]), 1, 1
    )
    assert (key, hub) == pytest.approx((0.3, 0.2)) and either == pytest.approx(1 - 0.7 * 0.8)


def test_seed_and_kind_typos_are_refused(sample_files, capsys):
    """--seed -5 and --p-kind hospitl=0.1 stop with exit 2 and a message (before: a
    traceback, and a run in which nothing ever closed)."""
    from geo_zaitaku.cli import main

    plan = str(sample_files.plan)
    assert main(["robustness", plan, "--seed", "-5", "--p", "0.1"]) == 2
    assert "--seed は 0 以上の整数にしてください（指定値: -5）" in capsys.readouterr().err
    assert main(["robustness", plan, "--p-kind", "hospitl=0.1"]) == 2
    err = capsys.readouterr().err
    assert "種別 'hospitl' はありません" in err and "hospital（病院）" in err and "Traceback" not in err


def test_samples_out_of_range_is_refused_without_p(sample_files, capsys):
    """--samples 0 with nothing sampled used to run (the README says exit 2)."""
    assert main(["robustness", str(sample_files.plan), "--samples", "0"]) == 2
    assert "--samples は 1 以上" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("closures", "samples", "where"),
    [
        (Closures(p=-0.5), 100, "--p"),
        (Closures(p=1.5), 100, "--p"),
        (Closures(p=float("nan")), 100, "--p"),
        (Closures(p=0.1, p_kind={"hospital": -1.0}), 100, "--p-kind hospital"),
        (Closures(p=0.1, p_kind={"hospitl": 0.5}), 100, "--p-kind"),
        (Closures(closures=-3), 100, "--closures"),
        (Closures(closures=10**6), 100, "--closures"),
        (Closures(closures=2.5), 100, "--closures"),
        (Closures(p=0.1, closures=2), 100, "--closures"),
        (Closures(p=0.1), 2.5, "--samples"),
        (Closures(p=0.1), 0, "--samples"),
    ],
)
def test_the_python_api_checks_closures_as_the_command_line_does(sample_run, closures, samples, where):
    """analyse() took p=-0.5 (an exact probability of 0.25), p=1.5 (minimum 0), a
    misspelt kind (ignored) and closures=-3 (a numpy error)."""
    with pytest.raises(InputError) as err:
        analyse(sample_run, closures=closures, samples=samples)
    assert err.value.where == where


def test_python_and_command_line_default_to_the_same_seed(sample_files, sample_run, tmp_path):
    from geo_zaitaku.cli import main

    ours = analyse(sample_run, closures=Closures(p=0.1), samples=2000)
    assert ours.seed == 1
    args = [
        "robustness",
        str(sample_files.plan),
        "--p",
        "0.1",
        "--samples",
        "2000",
        "--out",
        str(tmp_path),
        "-q",
    ]
    assert main(args) == 0
    cli = json.loads((tmp_path / "robustness.json").read_text(encoding="utf-8"))
    assert cli["seed"] == 1
    assert [a["p_fail"] for a in cli["areas"]] == [r.p_fail for r in ours.risks]
