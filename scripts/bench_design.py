"""Benchmark: exact area design on real N03 units with synthetic facilities.

1. Kumamoto (45 municipalities; the shipped 11-area plan, plus the bridge of 天草五橋)
   and Nagasaki (21; its 8 secondary medical areas as the starting plan, five islands
   joined by declared ferry links): ``repair`` and ``max``, status and seconds.
2. All 47 prefectures, one task each, ``max``: how many are proven optimal within the
   time limit, the gap of the rest, total time in process and on a 2-worker Dask
   LocalCluster.
3. PySAL spopt ``MaxPHeuristic`` (threshold: one key institution) and ``Skater`` (as many
   regions as our ``max``) on the same units (libpysal Queen weights), their regions
   run through our checks: areas not contiguous, without a key institution or a hub.

Synthetic facilities (fixed seed): key institutions in about 40 % of the municipalities,
hubs in about 30 % (mostly others), every connected part of the prefecture with one of
each; synthetic population by area. Nothing here is committed.

Usage::

    python scripts/bench_design.py [--data ../shared/data/n03_2021_simplified/pref_1pct] [--time-limit 60] [--skip-all]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "n03_2021_simplified" / "pref_1pct"

NAGASAKI_PLAN = """[plan]
name = "長崎県（二次医療圏、合成データ）"
[areas]
"長崎" = ["長崎市", "西海市", "長与町", "時津町"]
"佐世保県北" = ["佐世保市", "平戸市", "松浦市", "佐々町", "小値賀町"]
"県央" = ["諫早市", "大村市", "東彼杵町", "川棚町", "波佐見町"]
"県南" = ["島原市", "雲仙市", "南島原市"]
"五島" = ["五島市"]
"上五島" = ["新上五島町"]
"壱岐" = ["壱岐市"]
"対馬" = ["対馬市"]
"""
#: Ferry links declared for the benchmark (plausible routes; 壱岐 and 対馬 reach the
#: mainland through other prefectures, so they are joined to each other only).
NAGASAKI_LINKS = (
    ("五島市", "長崎市"),
    ("新上五島町", "佐世保市"),
    ("新上五島町", "長崎市"),
    ("小値賀町", "佐世保市"),
    ("壱岐市", "対馬市"),
)
KUMAMOTO_LINKS = (("上天草市", "宇城市", "bridge", "天草五橋"),)


def links_toml(links) -> str:
    out = []
    for link in links:
        a, b = link[0], link[1]
        kind = link[2] if len(link) > 2 else "ferry"
        note = link[3] if len(link) > 3 else "ベンチマーク用"
        out.append(f'\n[[links]]\na = "{a}"\nb = "{b}"\nkind = "{kind}"\nnote = "{note}"\n')
    return "".join(out)


def synthetic_inputs(units_path: Path, links, tmp: Path, seed: int) -> tuple[Path, Path]:
    """Facilities and population for one prefecture (every connected part gets a key
    institution and a hub)."""
    import networkx as nx

    from geo_zaitaku.graph import adjacency, build_graph, contiguity_view
    from geo_zaitaku.lookup import UnitLookup
    from geo_zaitaku.units import load_units

    rng = np.random.default_rng(seed)
    units = load_units(units_path, cache=False)
    lookup = UnitLookup(units)
    g = contiguity_view(build_graph(units, edges=adjacency(units, cache=False)))
    g = nx.Graph(g)
    for link in links:
        a, b = (lookup.resolve(x).codes for x in link[:2])
        if a and b:
            g.add_edge(a[0], b[0])
    codes = list(units.index)
    key_units = {c for c in codes if rng.random() < 0.4}
    hub_units = {c for c in codes if (c not in key_units and rng.random() < 0.35) or rng.random() < 0.05}
    for part in nx.connected_components(g):
        part = sorted(part)
        if not key_units & set(part):
            key_units.add(part[int(rng.integers(len(part)))])
        if not hub_units & set(part):
            hub_units.add(part[int(rng.integers(len(part)))])
    rows = []
    geoms = units.geometry
    for c in codes:
        n_key = int(rng.integers(1, 3)) if c in key_units else 0
        n_hub = 1 if c in hub_units else 0
        n_other = int(rng.integers(0, 4))
        for role in ["key"] * n_key + ["hub"] * n_hub + ["other"] * n_other:
            (_, x, y) = synthetic.points_in(np.array([geoms[c]]), 1, rng)[0]
            rows.append(
                {
                    "id": f"{c}-{len(rows)}",
                    "name": f"施設{len(rows)}",
                    "kind": "support_clinic"
                    if role == "key"
                    else ("medical_association" if role == "hub" else "clinic"),
                    "lat": round(y, 6),
                    "lon": round(x, 6),
                    "key_institution": int(role == "key"),
                    "hub": int(role == "hub"),
                }
            )
    fac = tmp / f"{units_path.stem}_facilities.csv"
    pd.DataFrame(rows).to_csv(fac, index=False)
    pop = tmp / f"{units_path.stem}_population.csv"
    density = rng.uniform(30, 900, len(codes))
    pd.DataFrame(
        {"code": codes, "population": np.round(units["area_km2"].to_numpy() * density).astype(int)}
    ).to_csv(pop, index=False)
    return fac, pop


def run_design(plan, units, fac, pop, mode, time_limit):
    from geo_zaitaku.design.areas import design_areas
    from geo_zaitaku.design.output import proposed_run
    from geo_zaitaku.design.problem import DesignOptions
    from geo_zaitaku.pipeline import check_plan

    run = check_plan(plan, units=units, facilities=[fac], population=pop, cache=False)
    start = time.perf_counter()
    d = design_areas(run, DesignOptions(mode=mode, time_limit=time_limit))
    seconds = time.perf_counter() - start
    errors = len(proposed_run(d).report.errors) if d.areas else None
    return run, d, seconds, errors


def pref_task(args):
    """One prefecture, --mode max (a batch task)."""
    units, fac, pop, time_limit = args
    from geo_zaitaku.pipeline import whole_plan

    plan = whole_plan(units=units, cache=False)
    _, d, seconds, errors = run_design(plan, units, fac, pop, "max", time_limit)
    return units.stem, d.status, len(d.areas), d.gap, seconds, errors, len(d.problem.codes)


def _run_peer(make, timeout):
    """Solve a peer model in a child process (forked: it sees the data) within ``timeout``
    seconds; return (labels, None) or (None, what went wrong)."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)

    def child():
        try:
            model = make()
            model.solve()
            send.send((np.asarray(model.labels_), None))
        except Exception as exc:  # report a peer's failure as it is
            send.send((None, f"failed: {type(exc).__name__}: {exc}"))

    proc = ctx.Process(target=child)
    proc.start()
    if receive.poll(timeout):
        result = receive.recv()
        proc.join()
        return result
    proc.kill()
    proc.join()
    return None, f"no result within {timeout:g} s (stopped)"


def spopt_compare(run, n_regions, timeout=300.0):
    """MaxPHeuristic and Skater on the same units (each within ``timeout`` seconds);
    their regions run through our checks."""
    import warnings

    from libpysal.weights import Queen
    from spopt.region import MaxPHeuristic, Skater

    from geo_zaitaku.checks import run_checks
    from geo_zaitaku.graph import adjacency
    from geo_zaitaku.plan import AreaSpec, Plan, PlanSpec

    units = run.plan.units.reset_index()
    frame = run.facilities.frame
    keys = frame[frame["key_institution"].fillna(False).astype(bool)].groupby("unit").size()
    units["n_key"] = units["code"].map(keys).fillna(0).astype(float)
    units["population"] = units["population"].fillna(0.0)
    units["x"], units["y"] = units["lon"], units["lat"]
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = Queen.from_dataframe(units, use_index=False, silence_warnings=True)
        models = {
            "spopt MaxPHeuristic (threshold: 1 key institution)": lambda: MaxPHeuristic(
                units, w, ["population"], "n_key", 1, top_n=2
            ),
            f"spopt Skater ({n_regions} regions)": lambda: Skater(
                units, w, ["x", "y"], n_clusters=n_regions, islands="increase"
            ),
        }
        for name, make in models.items():
            start = time.perf_counter()
            labels, failure = _run_peer(make, timeout)
            seconds = time.perf_counter() - start
            if labels is None:
                out.append((name, seconds, None, failure))
                continue
            areas = {}
            for code, lab in zip(units["code"], labels, strict=True):
                areas.setdefault(f"R{lab}", []).append(code)
            spec = PlanSpec(
                name=name,
                level=run.plan.spec.level,
                areas=tuple(AreaSpec(a, tuple(c)) for a, c in areas.items()),
                links=run.plan.spec.links,
            )
            plan = Plan.from_spec(
                spec, run.plan.units, edges=adjacency(run.plan.units), config=run.plan.config
            )
            report = run_checks(plan, run.facilities, population=run.population)
            rules = {
                r: {f.area for f in report.errors if f.rule == r}
                for r in ("contiguity", "key_institution", "hub")
            }
            out.append((name, seconds, len(areas), rules))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--skip-all", action="store_true", help="skip the 47-prefecture run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--peer-timeout", type=float, default=300.0, help="seconds given to each spopt model")
    args = parser.parse_args()
    if not args.data.exists():
        print(f"real data not found: {args.data}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        kumamoto = args.data / "N03-21_43_210101.json"
        nagasaki = args.data / "N03-21_42_210101.json"
        plan_k = tmp / "kumamoto.toml"
        text = (ROOT / "boundaries" / "43_kumamoto" / "plan_health_center.toml").read_text(encoding="utf-8")
        plan_k.write_text(
            text.replace(
                'reference = "reference.csv"',
                f'reference = "{(ROOT / "boundaries" / "43_kumamoto" / "reference.csv").as_posix()}"',
            )
            + links_toml(KUMAMOTO_LINKS),
            encoding="utf-8",
        )
        plan_n = tmp / "nagasaki.toml"
        plan_n.write_text(NAGASAKI_PLAN + links_toml(NAGASAKI_LINKS), encoding="utf-8")
        print("1. Kumamoto and Nagasaki (real N03 units, synthetic facilities, seed 2026)")
        print(
            f"{'prefecture':<10} {'mode':<7} {'status':<10} {'areas':>5} {'moved':>5} {'seconds':>8}  check errors"
        )
        maxima = {}
        for name, units, plan, links in (
            ("Kumamoto", kumamoto, plan_k, KUMAMOTO_LINKS),
            ("Nagasaki", nagasaki, plan_n, NAGASAKI_LINKS),
        ):
            fac, pop = synthetic_inputs(units, links, tmp, seed=2026)
            for mode in ("repair", "max"):
                run, d, seconds, errors = run_design(plan, units, fac, pop, mode, args.time_limit)
                moved = len(d.moved) if mode == "repair" else ""
                before = len(run.report.errors) if mode == "repair" else ""
                print(
                    f"{name:<10} {mode:<7} {d.status:<10} {len(d.areas):>5} {moved!s:>5} {seconds:>8.2f}  {errors}"
                    + (f" (start plan: {before})" if mode == "repair" else "")
                )
                if mode == "max":
                    maxima[name] = (run, len(d.areas))
        print()
        print("3. spopt on the same units (their regions through our checks)")
        print(
            f"{'prefecture':<10} {'method':<52} {'seconds':>8} {'areas':>5}  not contiguous / no key institution / no hub"
        )
        for name, (run, n) in maxima.items():
            print(f"{name:<10} {'geo_zaitaku design areas --mode max (exact)':<52} {'':>8} {n:>5}  0 / 0 / 0")
            for method, seconds, areas, rules in spopt_compare(run, n, args.peer_timeout):
                if areas is None:
                    print(f"{name:<10} {method:<52} {seconds:>8.2f}  {rules}")
                    continue
                counts = " / ".join(str(len(rules[r])) for r in ("contiguity", "key_institution", "hub"))
                print(f"{name:<10} {method:<52} {seconds:>8.2f} {areas:>5}  {counts}")
        if args.skip_all:
            return 0
        print()
        print(f"2. all 47 prefectures, --mode max, time limit {args.time_limit:g} s each")
        from geo_zaitaku.batch import Engine

        tasks = []
        for path in sorted(args.data.glob("N03-21_*_210101.json")):
            fac, pop = synthetic_inputs(path, (), tmp, seed=int(path.stem.split("_")[1]))
            tasks.append((path, fac, pop, args.time_limit))
        start = time.perf_counter()
        results = Engine(progress=False).map(pref_task, tasks)
        t_process = time.perf_counter() - start
        start = time.perf_counter()
        cluster = Engine(workers=args.workers, progress=False).map(pref_task, tasks)
        t_cluster = time.perf_counter() - start
        optimal = [r for r in results if r[1] == "optimal"]
        other = [r for r in results if r[1] != "optimal"]
        same = all(a[:4] == b[:4] for a, b in zip(results, cluster, strict=True))
        print(
            f"proven optimal: {len(optimal)} of {len(results)}; in process {t_process:.0f} s, on a {args.workers}-worker LocalCluster {t_cluster:.0f} s; same results: {same}"
        )
        slowest = sorted(results, key=lambda r: -r[4])[:5]
        print(
            "slowest: "
            + ", ".join(f"{r[0].split('_')[1]} ({r[6]} units) {r[4]:.1f} s {r[1]}" for r in slowest)
        )
        for r in other:
            gap = "—" if r[3] is None else f"{r[3]:.1%}"
            print(f"  not proven: {r[0]} ({r[6]} units): {r[1]}, {r[2]} areas, gap {gap}")
        errors = [r for r in results if r[5]]
        print(f"designs with check errors: {len(errors)}")
    print(f"Python {sys.version.split()[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
