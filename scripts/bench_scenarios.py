"""Benchmark: robustness and accessibility against their peers, in the same run.

1. Robustness on Kumamoto (real N03 units, the shipped 11-area plan, 2,000 synthetic
   facilities, synthetic population): random closures (p = 0.1, 10,000 samples, reach
   included) and N-1, after loading; against the naive peer that rebuilds the facility
   table and calls ``run_checks`` for every sample (200 samples timed, extrapolated).
2. 2SFCA for all of Japan (the national N03 file, about 1,900 units × 20,000 synthetic
   facilities, 16 km catchment): ours (KD-tree pairs + sparse sums) against PySAL
   ``access`` (``Access.two_stage_fca``) given the same pairs; the answers are compared.

Usage::

    python scripts/bench_scenarios.py [--data ../shared/data/n03_2021_simplified] [--naive 200]

Needs the real data (not shipped) and PySAL ``access`` (the test extra).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "n03_2021_simplified"
KINDS = (
    "clinic",
    "support_clinic",
    "hospital",
    "support_hospital",
    "visiting_nursing",
    "pharmacy",
    "medical_association",
)


def facilities_csv(units, n: int, path: Path, rng: np.random.Generator) -> Path:
    pts = synthetic.points_in(units.geometry.values, n, rng)
    key = rng.random(n) < 0.15
    hub = rng.random(n) < 0.04
    frame = pd.DataFrame(
        {
            "id": [f"B{i:05d}" for i in range(n)],
            "name": [f"施設{i}" for i in range(n)],
            "kind": rng.choice(KINDS, n),
            "lat": [round(y, 6) for _, _, y in pts],
            "lon": [round(x, 6) for _, x, _ in pts],
            "key_institution": key.astype(int),
            "hub": hub.astype(int),
        }
    )
    frame.to_csv(path, index=False)
    return path


def population_csv(units, path: Path, rng: np.random.Generator) -> Path:
    pop = np.round(units["area_km2"].to_numpy() * rng.uniform(50, 800, len(units)))
    pd.DataFrame(
        {"code": list(units.index), "population": pop.astype(int), "pop_65over": (pop * 0.3).astype(int)}
    ).to_csv(path, index=False)
    return path


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def bench_robustness(data: Path, n_naive: int, tmp: Path) -> None:
    from geo_zaitaku.checks import run_checks
    from geo_zaitaku.pipeline import check_plan
    from geo_zaitaku.scenarios.robustness import Closures, analyse, network, single_points_of_failure
    from geo_zaitaku.sources.facilities import FacilityImport
    from geo_zaitaku.units import load_units

    rng = np.random.default_rng(2026)
    source = data / "pref_1pct" / "N03-21_43_210101.json"
    units = load_units(source, cache=False)
    fac = facilities_csv(units, 2000, tmp / "kumamoto_facilities.csv", rng)
    pop = population_csv(units, tmp / "kumamoto_population.csv", rng)
    plan = ROOT / "boundaries" / "43_kumamoto" / "plan_health_center.toml"
    run = check_plan(plan, units=source, facilities=[fac], population=pop, cache=False)
    frame = run.facilities.frame
    print(f"Kumamoto: {len(run.plan.units)} units, {len(run.plan.areas)} areas, {len(frame):,} facilities")
    samples = 10_000
    result, t_ours = timed(analyse, run, closures=Closures(p=0.1), samples=samples, seed=1)
    net = network(run)
    _, t_n1 = timed(single_points_of_failure, net)
    # the naive peer: per sample, rebuild the facility table and run every check
    keep_rng = np.random.default_rng(1)
    start = time.perf_counter()
    failing = 0
    for _ in range(n_naive):
        closed = keep_rng.random(len(frame)) < 0.1
        sub = FacilityImport(frame.loc[~closed].reset_index(drop=True), run.facilities.logs)
        report = run_checks(run.plan, sub, population=run.population)
        failing += any(f.rule in ("key_institution", "hub", "reach") for f in report.findings)
    t_naive = time.perf_counter() - start
    per_ours = t_ours / samples
    per_naive = t_naive / n_naive
    print(
        f"robustness, {samples:,} samples (p=0.1, with reach): {t_ours:.2f} s ({per_ours * 1e6:.1f} µs/sample)"
    )
    print(
        f"naive peer (run_checks per sample), {n_naive} samples: {t_naive:.2f} s ({per_naive * 1e3:.1f} ms/sample; "
        f"{per_naive * samples:.0f} s for {samples:,})   ratio {per_naive / per_ours:,.0f}x faster per sample"
    )
    print(
        f"N-1 over {len(net.ids):,} key institutions and hubs ({len(frame):,} facilities): {t_n1 * 1e3:.0f} ms"
    )
    worst = max(result.risks, key=lambda r: r.p_fail)
    print(
        f"  (highest p_fail: {worst.area} {worst.p_fail:.3f}; single points of failure: {len(result.single_points_of_failure)})"
    )


def bench_access(data: Path, tmp: Path) -> None:
    import access as pysal_access

    from geo_zaitaku.costs import cost_pairs
    from geo_zaitaku.scenarios.access import Weighting, two_step_fca
    from geo_zaitaku.units import load_units

    rng = np.random.default_rng(7)
    units = load_units(data / "national_0p1pct" / "N03-21_210101.json", cache=False)
    n = 20_000
    pts = synthetic.points_in(units.geometry.values, n, rng)
    fac = pd.DataFrame(
        {"id": [f"S{i:05d}" for i in range(n)], "lon": [x for _, x, _ in pts], "lat": [y for _, _, y in pts]}
    )
    fac["unit"] = [units.index[k] for k, _, _ in pts]
    demand = np.round(units["area_km2"].to_numpy() * rng.uniform(50, 800, len(units)))
    supply = rng.integers(1, 6, n).astype(float)
    catchment = 16.0

    def ours():
        pairs = cost_pairs(units, fac, limit=catchment)
        return pairs, two_step_fca(demand, supply, pairs.rows, pairs.cols, pairs.values, Weighting())

    ours()  # warm: imports and first-call costs are not what is measured
    (pairs, a), t_ours = timed(ours)
    _, t_pairs = timed(cost_pairs, units, fac, limit=catchment)

    def theirs(cost: pd.DataFrame) -> np.ndarray:
        model = pysal_access.Access(
            demand_df=pd.DataFrame({"geoid": np.arange(len(units)), "pop": demand}),
            demand_index="geoid",
            demand_value="pop",
            supply_df=pd.DataFrame({"geoid": np.arange(n), "cap": supply}),
            supply_index="geoid",
            supply_value="cap",
            cost_df=cost,
            cost_origin="origin",
            cost_dest="dest",
            cost_name="cost",
        )
        out = model.two_stage_fca(name="x", max_cost=catchment)
        return out["x_cap"].reindex(np.arange(len(units))).fillna(0.0).to_numpy()

    # PySAL takes a table of origin-destination costs: every pair (how it is used) ...
    from geo_zaitaku.costs import STRAIGHT_LINE, facility_points, unit_origins

    def all_pairs() -> pd.DataFrame:
        d = STRAIGHT_LINE.dense(unit_origins(units), facility_points(fac, units))
        rows, cols = np.indices(d.shape)
        return pd.DataFrame({"origin": rows.ravel(), "dest": cols.ravel(), "cost": d.ravel()})

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full, t_full_costs = timed(all_pairs)
        b_full, t_full = timed(theirs, full)
        del full
        # ... or only the pairs within the catchment, found by our KD-tree (not timed for PySAL)
        near = pd.DataFrame({"origin": pairs.rows, "dest": pairs.cols, "cost": pairs.values})
        b_near, t_near = timed(theirs, near)
    diff = max(float(np.abs(a - b_full).max()), float(np.abs(a - b_near).max()))
    print(
        f"2SFCA, all Japan: {len(units):,} units x {n:,} facilities, {len(pairs.values):,} pairs within {catchment:g} km"
    )
    print(f"ours (KD-tree pairs {t_pairs:.2f} s + sparse sums): {t_ours:.2f} s")
    print(
        f"PySAL access two_stage_fca, every pair ({len(units) * n:,}; cost table {t_full_costs:.1f} s + "
        f"{t_full:.1f} s): {t_full_costs + t_full:.1f} s   ratio {(t_full_costs + t_full) / t_ours:.0f}x"
    )
    print(
        f"PySAL access two_stage_fca, given our pairs within the catchment: {t_near:.2f} s   ratio {t_near / t_ours:.1f}x"
    )
    print(f"largest difference in scores: {diff:.2e}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--naive", type=int, default=200, help="samples for the naive robustness peer")
    args = parser.parse_args()
    if not args.data.exists():
        print(f"real data not found: {args.data}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        bench_robustness(args.data, args.naive, Path(tmp))
        print()
        bench_access(args.data, Path(tmp))
    print(f"Python {sys.version.split()[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
