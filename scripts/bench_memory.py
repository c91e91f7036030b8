"""Benchmark: peak memory and wall time of `check` and `map resources` on a large facility file.

Generates N synthetic facilities (default 500,000) with realistic Japanese field lengths —
a long legal-entity name, a full address, a phone number, a website for some, the flags —
placed in real municipalities: the national N03 file of ../shared/data when present (all of
Japan, one area per prefecture), else the built-in sample prefecture. Then it runs, each as
its own child process, start to exit:

* ``geo-zaitaku check PLAN --units ... --facilities CSV --out TMP -q``
* ``geo-zaitaku map resources PLAN --units ... --facilities CSV --out TMP/map.html``
  (the map plus the companion list CSV and HTML)
* a peer doing the minimum a plain pipeline needs: pandas ``read_csv`` of the same file,
  geopandas ``points_from_xy`` and ``sjoin`` to the units, facilities counted per prefecture

and prints, for each, the peak resident memory of that child (``ru_maxrss`` from
``os.wait4``) and its wall time, with the ratio to the peer, and the size of what it wrote.
The boundary cache is warmed first (one small ``check``), so the figures are those of a
later run. Everything is written to a temporary folder and removed.

Usage::

    python scripts/bench_memory.py [--n 500000] [--data ../shared/data/n03_2021_simplified/national_0p1pct/N03-21_210101.json]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "n03_2021_simplified" / "national_0p1pct" / "N03-21_210101.json"
KINDS = synthetic.FACILITY_KINDS
ENTITIES = ("医療法人社団ひかり会", "医療法人", "社会福祉法人さくら福祉会", "株式会社やまびこケア", "")
SUFFIXES = ("クリニック", "内科医院", "訪問看護ステーション", "歯科医院", "調剤薬局", "地域包括支援センター")

PEER = textwrap.dedent(
    """
    import sys
    import geopandas as gpd, pandas as pd
    units = gpd.read_file(sys.argv[1])
    units = units[units["N03_007"].notna()] if "N03_007" in units else units
    f = pd.read_csv(sys.argv[2], dtype={"id": str, "phone": str})
    points = gpd.GeoDataFrame(f, geometry=gpd.points_from_xy(f["lon"], f["lat"]), crs="EPSG:4326")
    units = units.to_crs("EPSG:4326")
    joined = gpd.sjoin(points, units[["geometry"]], predicate="within")
    pref = f["address"].str[:3]
    print(len(joined), int(joined["key_institution"].sum()), pref.nunique())
    """
)


def points(geoms: np.ndarray, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``n`` random points inside polygons (drawn in proportion to area), vectorised:
    (polygon index, x, y); a polygon that rejects every try gives its representative point."""
    weights = shapely.area(geoms)
    which = rng.choice(len(geoms), size=n, p=weights / weights.sum())
    bounds = shapely.bounds(geoms)
    x, y = np.empty(n), np.empty(n)
    todo = np.arange(n)
    for _ in range(30):
        if not len(todo):
            break
        b = bounds[which[todo]]
        tx, ty = rng.uniform(b[:, 0], b[:, 2]), rng.uniform(b[:, 1], b[:, 3])
        inside = shapely.contains_xy(geoms[which[todo]], tx, ty)
        x[todo[inside]], y[todo[inside]] = tx[inside], ty[inside]
        todo = todo[~inside]
    if len(todo):
        rep = shapely.point_on_surface(geoms[which[todo]])
        x[todo], y[todo] = shapely.get_x(rep), shapely.get_y(rep)
    return which, x, y


def make_inputs(n: int, tmp: Path, data: Path = DATA) -> tuple[Path, list[str], Path, Path, str]:
    """Write the plan and the facility CSV; return (plan, unit options, boundary file, csv, source)."""
    from geo_zaitaku.sample import write_sample
    from geo_zaitaku.units import load_units

    if data.exists():
        boundary = data
        units = load_units(boundary, level="ward", cache=False)
        plan = synthetic.plan_by_prefecture(units.index, tmp / "plan.toml", name="全国")
        source = f"{data.name} ({len(units):,} units, one area per prefecture)"
    else:
        files = write_sample(tmp / "sample")
        boundary, plan = Path(files.units), Path(files.plan)
        units = load_units(boundary, cache=False)
        source = f"built-in sample ({len(units)} units)"
    rng = np.random.default_rng(n)
    which, x, y = points(units.geometry.values, n, rng)
    i = np.arange(n)
    pref = units["pref"].to_numpy(dtype=object)[which]
    name = units["name"].to_numpy(dtype=object)[which]
    entity = np.array(ENTITIES, dtype=object)[rng.integers(0, len(ENTITIES), n)]
    suffix = np.array(SUFFIXES, dtype=object)[rng.integers(0, len(SUFFIXES), n)]
    ids = np.char.add("B", np.char.zfill(i.astype(str), 7))
    block, lot = rng.integers(1, 999, n), rng.integers(1, 30, n)
    frame = pd.DataFrame(
        {
            "id": ids,
            "name": [f"{e} {m}さくら{k:06d}{s}" for e, m, k, s in zip(entity, name, i, suffix, strict=True)],
            "kind": np.array(KINDS, dtype=object)[i % len(KINDS)],
            "lat": np.round(y, 6),
            "lon": np.round(x, 6),
            "key_institution": (rng.random(n) < 0.05).astype(int),
            "hub": (rng.random(n) < 0.01).astype(int),
            "is_24h": (rng.random(n) < 0.2).astype(int),
            "discharge": (rng.random(n) < 0.3).astype(int),
            "daily": (rng.random(n) < 0.6).astype(int),
            "emergency": (rng.random(n) < 0.3).astype(int),
            "end_of_life": (rng.random(n) < 0.3).astype(int),
            "phone": [
                f"0{a}-{b}-{c}"
                for a, b, c in zip(
                    rng.integers(10, 99, n),
                    rng.integers(100, 999, n),
                    rng.integers(1000, 9999, n),
                    strict=True,
                )
            ],
            "address": [
                f"{p}{m}大字本町{b}番地{c}" for p, m, b, c in zip(pref, name, block, lot, strict=True)
            ],
            "url": np.where(
                rng.random(n) < 0.4, np.char.add(np.char.add("https://www.example-", ids), ".jp/"), ""
            ),
        }
    )
    fac = tmp / "facilities.csv"
    frame.to_csv(fac, index=False)
    return plan, ["--units", str(boundary)], boundary, fac, source


def measured(cmd: list[str], env: dict[str, str]) -> tuple[float, float, int, str]:
    """Run ``cmd`` as a child; return (wall s, peak RSS MiB, exit status, stderr)."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    err = proc.stderr.read() if proc.stderr else ""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{err}")
    return elapsed, usage.ru_maxrss / 1024, proc.returncode, err  # ru_maxrss is in KiB on Linux


def _written(paths: list[Path]) -> str:
    """What a run wrote: the map, the list CSV and the list pages (number, largest), or
    the total of a report."""
    if not paths:
        return ""
    mb = {p.name: p.stat().st_size / 1e6 for p in paths}
    pages = [v for k, v in mb.items() if k.startswith("resources_list") and k.endswith(".html")]
    if not pages:
        return f"{sum(mb.values()):,.1f} MB in {len(mb)} files"
    csv_mb = sum(v for k, v in mb.items() if k.endswith(".csv"))
    map_mb = sum(v for k, v in mb.items() if k.startswith("resources_map"))
    return f"map {map_mb:,.1f} MB, list CSV {csv_mb:,.1f} MB, list HTML {len(pages)} pages of up to {max(pages):,.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500_000, help="facilities (default 500,000)")
    parser.add_argument("--data", type=Path, default=DATA, help="N03 GeoJSON (default: the national file)")
    args = parser.parse_args()
    import compileall

    import geo_zaitaku

    # byte-compile the package as `pip install` does
    compileall.compile_dir(Path(geo_zaitaku.__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        t = time.perf_counter()
        plan, unit_opts, boundary, fac, source = make_inputs(args.n, tmp, args.data)
        made = time.perf_counter() - t
        env = dict(os.environ, GEO_ZAITAKU_CACHE_DIR=str(tmp / "cache"))
        gz = [sys.executable, "-m", "geo_zaitaku"]
        small = tmp / "small.csv"
        pd.read_csv(fac, nrows=100, dtype=str).to_csv(small, index=False)
        measured(
            [*gz, "check", str(plan), *unit_opts, "--facilities", str(small), "--out", str(tmp / "w"), "-q"],
            env,
        )
        peer_py = tmp / "peer.py"
        peer_py.write_text(PEER, encoding="utf-8")
        out_check, out_map = tmp / "check", tmp / "map"
        runs = {
            "peer (read_csv + points_from_xy + sjoin)": (
                [sys.executable, str(peer_py), str(boundary), str(fac)],
                lambda: [],
            ),
            "geo-zaitaku check": (
                [
                    *gz,
                    "check",
                    str(plan),
                    *unit_opts,
                    "--facilities",
                    str(fac),
                    "--out",
                    str(out_check),
                    "-q",
                ],
                lambda: list(out_check.glob("*")),
            ),
            "geo-zaitaku map resources": (
                [
                    *gz,
                    "map",
                    "resources",
                    str(plan),
                    *unit_opts,
                    "--facilities",
                    str(fac),
                    "--out",
                    str(out_map / "resources_map.html"),
                ],
                lambda: list(out_map.glob("*")),
            ),
        }
        results = {}
        for label, (cmd, outputs) in runs.items():
            wall, peak, _status, _err = measured(cmd, env)
            results[label] = (wall, peak, _written(outputs()))
        fac_mb = fac.stat().st_size / 1e6
    peer_wall, peer_peak, _ = next(iter(results.values()))
    print(f"{args.n:,} facilities ({fac_mb:,.0f} MB CSV, made in {made:.0f} s) in {source}")
    print(f"{'':44} | peak MiB | ratio |  wall s | ratio | written")
    for label, (wall, peak, sizes) in results.items():
        print(
            f"{label:44} | {peak:8,.0f} | {peak / peer_peak:4.2f}x | {wall:7.1f} | {wall / peer_wall:4.2f}x | {sizes}"
        )
    print(f"Python {platform.python_version()}, {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
