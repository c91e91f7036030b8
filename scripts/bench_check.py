"""Benchmark: `geo-zaitaku check` on all of Japan against a plain peer pipeline.

Both run as separate processes, start to exit, in the same run:

* geo_zaitaku: ``geo-zaitaku check PLAN --units DIR --facilities CSV --out TMP -q``
  (one home-care area per prefecture, the 47 per-prefecture N03 files, 20,000 synthetic
  facilities), on an empty cache (a first run) and on the cache it wrote (a later run),
  each run after a run of the peer;
* peer: geopandas read + dissolve, libpysal Queen weights, networkx components per
  prefecture, geopandas sjoin of the facilities, per-area counts.

It also times the checks alone, in process, after loading (``run_checks``).

Usage::

    python scripts/bench_check.py [--data ../shared/data/n03_2021_simplified/pref_1pct] [--runs 5]

Needs the real data (not shipped) and the ``bench`` extra (libpysal).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "n03_2021_simplified" / "pref_1pct"
N_FACILITIES = 20_000

PEER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    import geopandas as gpd, pandas as pd, networkx as nx
    from libpysal.weights import Queen
    data, fac = Path(sys.argv[1]), sys.argv[2]
    frames = [gpd.read_file(p) for p in sorted(data.glob("*.json"))]
    raw = pd.concat(frames, ignore_index=True)
    raw = raw[raw["N03_007"].notna()]
    units = raw.dissolve("N03_007").reset_index()
    units["pref"] = units["N03_007"].str[:2]
    w = Queen.from_dataframe(units, use_index=False, silence_warnings=True)
    g = w.to_networkx()
    pieces = {p: nx.number_connected_components(g.subgraph(list(idx))) for p, idx in units.groupby("pref").groups.items()}
    f = pd.read_csv(fac, dtype={"municipality_code": str})
    points = gpd.GeoDataFrame(f, geometry=gpd.points_from_xy(f["lon"], f["lat"]), crs=units.crs)
    joined = gpd.sjoin(points, units[["N03_007", "pref", "geometry"]], predicate="within")
    counts = joined.groupby("pref")[["key_institution", "hub"]].sum()
    print(len(units), sum(pieces.values()), int(counts.values.sum()))
    """
)


def make_inputs(data: Path, out: Path) -> tuple[Path, Path]:
    """Write the 47-area plan and 20,000 synthetic facilities (points inside units)."""
    import geopandas as gpd

    frames = [gpd.read_file(p) for p in sorted(data.glob("*.json"))]
    raw = pd.concat(frames, ignore_index=True)
    raw = raw[raw["N03_007"].notna()]
    rng = np.random.default_rng(47)
    rows = [
        (
            f"F{i:05d}",
            f"施設{i:05d}",
            round(y, 6),
            round(x, 6),
            int(rng.random() < 0.1),
            int(rng.random() < 0.03),
            *(int(v) for v in rng.random(4) < 0.5),
        )
        for i, (_k, x, y) in enumerate(synthetic.points_in(raw.geometry.values, N_FACILITIES, rng))
    ]
    fac = out / "facilities.csv"
    pd.DataFrame(
        rows,
        columns=[
            "id",
            "name",
            "lat",
            "lon",
            "key_institution",
            "hub",
            "discharge",
            "daily",
            "emergency",
            "end_of_life",
        ],
    ).to_csv(fac, index=False)
    plan = synthetic.plan_by_prefecture(set(raw["N03_007"]), out / "plan.toml")
    return plan, fac


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr}")
    return elapsed, proc.returncode, proc.stdout


def checks_only(plan: Path, data: Path, fac: Path, repeats: int = 5) -> tuple[float, float]:
    """Time loading (warm cache) and run_checks in process; return (load s, checks s)."""
    from geo_zaitaku import check_plan, run_checks

    t = time.perf_counter()
    run = check_plan(plan, units=data, facilities=[fac])
    load = time.perf_counter() - t
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        run_checks(run.plan, run.facilities)
        times.append(time.perf_counter() - t)
    return load, statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not args.data.exists():
        raise SystemExit(f"real data not found: {args.data}")
    exe = Path(sys.executable).with_name("geo-zaitaku")
    # byte-compile the package as `pip install` does (an editable checkout run with
    # PYTHONDONTWRITEBYTECODE would otherwise recompile every module in every process)
    import compileall

    import geo_zaitaku

    compileall.compile_dir(Path(geo_zaitaku.__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        plan, fac = make_inputs(args.data, tmp)
        peer_py = tmp / "peer.py"
        peer_py.write_text(PEER, encoding="utf-8")
        ours_cmd = [
            str(exe),
            "check",
            str(plan),
            "--units",
            str(args.data),
            "--facilities",
            str(fac),
            "--out",
            str(tmp / "out"),
            "-q",
        ]
        peer_cmd = [sys.executable, str(peer_py), str(args.data), str(fac)]
        ours, cold, peer = [], [], []
        for k in range(args.runs):  # in turn: the peer, a first run on an empty cache, a later run
            env = dict(os.environ, GEO_ZAITAKU_CACHE_DIR=str(tmp / f"cache{k}"))
            peer.append(timed(peer_cmd, env)[0])
            elapsed, status, _ = timed(ours_cmd, env)
            cold.append(elapsed)
            ours.append(timed(ours_cmd, env)[0])
        os.environ["GEO_ZAITAKU_CACHE_DIR"] = env["GEO_ZAITAKU_CACHE_DIR"]
        load, checks = checks_only(plan, args.data, fac)
    p, c, o = statistics.median(peer), statistics.median(cold), statistics.median(ours)
    print(f"data: {args.data} (47 files), {N_FACILITIES:,} facilities, 47 areas; median of {args.runs} runs")
    print(f"peer (geopandas + libpysal Queen + networkx + sjoin): {p:6.2f} s")
    print(f"geo-zaitaku check, cold cache (empty cache):        {c:6.2f} s   ratio {c / p:.2f}x")
    print(f"geo-zaitaku check, warm cache:                      {o:6.2f} s   ratio {o / p:.2f}x")
    print(f"in process: load (warm cache) {load:.2f} s, checks alone (run_checks) {checks:.3f} s")
    print(f"(check exit status {status}: {'errors found' if status else 'no errors'})")


if __name__ == "__main__":
    main()
