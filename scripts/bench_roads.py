"""Benchmark: building a road network and a travel-time matrix, against networkx.

1. **Build** (``geo-zaitaku roads build``, run as a separate process as users run it):
   wall time and peak memory (the child's maximum resident set size) on the largest
   extract given with ``--extract`` (a regional ``.osm.pbf``, e.g. Geofabrik's
   ``kyushu-latest.osm.pbf`` with ``--pref 43``), or on a synthetic grid of
   ``--side`` × ``--side`` nodes (default 1,000 × 1,000 = a million nodes, rows and
   columns as residential streets with every tenth one primary) written with osmium's
   writer when no extract is given.
2. **Matrix**: ``--origins`` × ``--destinations`` (default 2,000 × 1,000) random points
   over the network, travel time up to ``--limit`` minutes: ours
   (:class:`geo_zaitaku.roads.TravelTime`: KD-tree snapping, ``scipy.sparse.csgraph.dijkstra``
   from the distinct nodes of the smaller side with the cut-off) against a networkx
   baseline in the same run (``single_source_dijkstra_path_length`` with the same cut-off
   from each destination over the reversed graph, the same snapped nodes); the two
   matrices are compared and the ratio printed.

Usage::

    python scripts/bench_roads.py [--side 1000] [--origins 2000] [--destinations 1000] [--limit 30]
    python scripts/bench_roads.py --extract kyushu-latest.osm.pbf --pref 43 --year 2024
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def synthetic_grid(path: Path, side: int) -> Path:
    """A side × side grid of streets 0.001° apart (about 100 m) near 130E 32N."""
    import osmium

    header = osmium.io.Header()
    header.set("generator", "geo_zaitaku bench_roads")
    header.set("osmosis_replication_timestamp", "2024-01-01T00:00:00Z")
    w = osmium.SimpleWriter(str(path), header=header, overwrite=True)
    node = osmium.osm.mutable.Node
    way = osmium.osm.mutable.Way
    try:
        for i in range(side):
            for j in range(side):
                w.add_node(node(id=i * side + j + 1, location=(130.0 + 0.001 * j, 32.0 + 0.001 * i)))
        wid = 1
        for i in range(side):
            tags = {"highway": "primary" if i % 10 == 0 else "residential"}
            w.add_way(way(id=wid, nodes=[i * side + j + 1 for j in range(side)], tags=tags))
            wid += 1
        for j in range(side):
            tags = {"highway": "primary" if j % 10 == 0 else "residential"}
            w.add_way(way(id=wid, nodes=[i * side + j + 1 for i in range(side)], tags=tags))
            wid += 1
    finally:
        w.close()
    return path


def build(extract: Path, name: str, prefs: list[str], year: str | None, cache: Path) -> tuple[float, float]:
    """Run ``geo-zaitaku roads build`` as a child process; return (seconds, peak MB)."""
    cmd = [sys.executable, "-m", "geo_zaitaku", "roads", "build", str(extract), "--name", name]
    for p in prefs:
        cmd += ["--pref", p]
    if year:
        cmd += ["--year", year]
    env = {**os.environ, "GEO_ZAITAKU_CACHE_DIR": str(cache)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"roads build failed ({done.returncode}):\n{done.stderr}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if peak < before:
        peak = before
    print(done.stdout.strip().splitlines()[0])
    return seconds, peak / 1024


def networkx_matrix(network, src: np.ndarray, dst: np.ndarray, limit: float) -> np.ndarray:
    """The same matrix with networkx: one cut-off Dijkstra per destination node over the
    reversed graph (from the smaller side, as ours does)."""
    import networkx as nx

    coo = network.csr.tocoo()
    g = nx.DiGraph()
    g.add_weighted_edges_from(zip(coo.col.tolist(), coo.row.tolist(), coo.data.tolist(), strict=True))
    out = np.full((len(src), len(dst)), np.inf)
    rows = {}
    for i, s in enumerate(src.tolist()):
        rows.setdefault(s, []).append(i)
    t0 = time.perf_counter()
    for j, d in enumerate(dst.tolist()):
        if d < 0:
            continue
        lengths = nx.single_source_dijkstra_path_length(g, d, cutoff=limit)
        for s, idx in rows.items():
            value = lengths.get(s)
            if value is not None and s >= 0:
                out[idx, j] = value
    return out, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--extract", type=Path, default=None, help="a real .osm.pbf (default: synthetic grid)"
    )
    parser.add_argument("--pref", action="append", default=[], help="prefectures to clip to (with --extract)")
    parser.add_argument("--year", default=None)
    parser.add_argument("--side", type=int, default=1000, help="synthetic grid: nodes per side")
    parser.add_argument("--origins", type=int, default=2000)
    parser.add_argument("--destinations", type=int, default=1000)
    parser.add_argument("--limit", type=float, default=30.0, help="cut-off (minutes)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--build-only",
        action="store_true",
        help="time the build and its peak memory only (for a large grid or extract; no matrix, no peer)",
    )
    parser.add_argument(
        "--nx-destinations",
        type=int,
        default=None,
        help="run networkx for the first N destinations only and scale its time to all (default: all)",
    )
    args = parser.parse_args()

    from geo_zaitaku.costs import Points
    from geo_zaitaku.roads import TravelTime, load_network

    with tempfile.TemporaryDirectory(prefix="bench_roads_") as tmp:
        tmpdir = Path(tmp)
        cache = tmpdir / "cache"
        if args.extract is None:
            t0 = time.perf_counter()
            extract = synthetic_grid(tmpdir / "grid.osm.pbf", args.side)
            what = f"synthetic grid {args.side:,} x {args.side:,} = {args.side**2:,} nodes"
            print(
                f"{what}: written in {time.perf_counter() - t0:.1f} s ({extract.stat().st_size / 1e6:.1f} MB)"
            )
        else:
            extract = args.extract
            what = f"{extract.name} ({extract.stat().st_size / 1e6:,.0f} MB) {'+'.join(args.pref) or 'whole extract'}"
        seconds, peak_mb = build(extract, "bench", args.pref, args.year, cache)
        print(
            f"build (geo-zaitaku roads build, own process): {seconds:.1f} s, peak memory {peak_mb:,.0f} MB  [{what}]"
        )
        if args.build_only:
            return

        os.environ["GEO_ZAITAKU_CACHE_DIR"] = str(cache)
        network = load_network(cache / "roads" / "bench")
        print(f"network: {network.n_nodes:,} nodes, {network.n_edges:,} directed edges")
        rng = np.random.default_rng(args.seed)
        lon, lat = np.asarray(network.lon), np.asarray(network.lat)
        x0, x1, y0, y1 = lon.min(), lon.max(), lat.min(), lat.max()

        def random_points(n: int, prefix: str) -> Points:
            px = rng.uniform(x0, x1, n)
            py = rng.uniform(y0, y1, n)
            return Points(tuple(f"{prefix}{i}" for i in range(n)), px, py, ("point",) * n)

        origins = random_points(args.origins, "u")
        dest = random_points(args.destinations, "f")
        backend = TravelTime(network, disk_cache=False)
        t0 = time.perf_counter()
        ours = backend.dense(origins, dest, limit=args.limit)
        t_ours = time.perf_counter() - t0
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        within = np.isfinite(ours).sum()
        print(
            f"matrix {args.origins:,} x {args.destinations:,} within {args.limit:g} min "
            f"({within:,} pairs within): geo_zaitaku {t_ours:.2f} s (peak memory of this process {rss:,.0f} MB)"
        )
        src, dst = backend.snap(origins).node, backend.snap(dest).node
        k = len(dst) if args.nx_destinations is None else min(args.nx_destinations, len(dst))
        theirs, t_nx = networkx_matrix(network, src, dst[:k], args.limit)
        mine = ours[:, :k]
        same = np.array_equal(np.isfinite(mine), np.isfinite(theirs))
        finite = np.isfinite(mine)
        diff = float(np.abs(mine[finite] - theirs[finite]).max()) if same and finite.any() else float("nan")
        if k < len(dst):
            print(f"networkx measured on {k:,} of {len(dst):,} destinations: {t_nx:.2f} s, scaled to all")
            t_nx *= len(dst) / k
        print(f"networkx (single_source_dijkstra_path_length, cutoff, per destination): {t_nx:.2f} s")
        print(
            f"ratio networkx / geo_zaitaku: {t_nx / t_ours:.1f}x; same pairs: {same}, largest difference {diff:.2e} min"
        )
        print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
