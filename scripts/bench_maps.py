"""Benchmark: the resource map against Folium's naive way, in the same run.

The naive way is what a Folium user writes first: one ``folium.Marker`` with a
``folium.Popup`` per facility inside a ``MarkerCluster``. geo_zaitaku writes the
facilities once as a compact JSON table and builds the markers in the browser.

For each size the script times building the map and writing the HTML file, reports its
size (without inlined libraries: both link Leaflet from the CDN), and for geo_zaitaku
also the self-contained file; with ``--browser`` it opens the self-contained map in
headless Chromium (DevTools protocol, real time) and reports the time the page itself
measured from navigation start until every marker was clustered (``performance.now()``),
and the wall time this script saw from the navigation command to that moment.

Facilities are synthetic, with realistic field lengths, placed in real N03 municipalities
of ../shared/data when present (up to 10,000 facilities: one prefecture, 熊本県, as a health
center or prefecture publishes; above: all of Japan, one area per prefecture), else in the
built-in sample.

Usage::

    python scripts/bench_maps.py [--sizes 1000 5000 100000] [--naive-max 5000] [--browser]
"""

from __future__ import annotations

import argparse
import html
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "n03_2021_simplified" / "pref_1pct"
KINDS = synthetic.FACILITY_KINDS


def make_run(n: int, tmp: Path):
    """A CheckRun with n synthetic facilities (one area per prefecture, or the sample plan)."""

    from geo_zaitaku import check_plan
    from geo_zaitaku.sample import write_sample
    from geo_zaitaku.units import load_units

    boundaries = DATA / "N03-21_43_210101.json" if n <= 10_000 else DATA
    if DATA.exists():
        units = load_units(boundaries, level="ward")
        plan = synthetic.plan_by_prefecture(units.index, tmp / "plan.toml", name="全国")
        source = "熊本県" if n <= 10_000 else "all of Japan (47 prefectures)"
    else:
        files = write_sample(tmp / "sample")
        plan, units = files.plan, load_units(files.units)
        source = "built-in sample"
    rng = np.random.default_rng(n)
    rows = []
    for i, (k, x, y) in enumerate(synthetic.points_in(units.geometry.values, n, rng, tries=50)):
        u = units.iloc[k]
        rows.append(
            {
                "id": f"B{i:06d}",
                "name": f"医療法人社団ひかり会 さくら{i:06d}クリニック",
                "kind": KINDS[i % len(KINDS)],
                "lat": round(y, 6),
                "lon": round(x, 6),
                "key_institution": int(rng.random() < 0.05),
                "hub": int(rng.random() < 0.01),
                "is_24h": int(rng.random() < 0.2),
                "discharge": int(rng.random() < 0.3),
                "daily": int(rng.random() < 0.6),
                "emergency": int(rng.random() < 0.3),
                "end_of_life": int(rng.random() < 0.3),
                "phone": f"0{rng.integers(10, 99)}-{rng.integers(100, 999)}-{rng.integers(1000, 9999)}",
                "address": f"{u['pref']}{u['name']}大字本町{rng.integers(1, 999)}番地{rng.integers(1, 30)}",
                "url": f"https://www.example-clinic-{i:06d}.jp/" if rng.random() < 0.4 else "",
            }
        )
    fac = tmp / f"facilities_{n}.csv"
    pd.DataFrame(rows).to_csv(fac, index=False)
    return check_plan(plan, units=None if not DATA.exists() else boundaries, facilities=[fac]), source


def naive(run, path: Path) -> None:
    """One folium.Marker with a Popup per facility in a MarkerCluster."""
    import folium
    from folium.plugins import MarkerCluster

    f = run.facilities.frame
    m = folium.Map(location=[float(f["lat"].mean()), float(f["lon"].mean())], zoom_start=6, tiles=None)
    cluster = MarkerCluster().add_to(m)
    for r in f.itertuples(index=False):
        if np.isnan(r.lat):
            continue
        body = "<br>".join(
            html.escape(str(v)) for v in (r.name, r.kind, r.address, r.phone, r.url) if isinstance(v, str)
        )
        folium.Marker([r.lat, r.lon], popup=folium.Popup(body, max_width=320)).add_to(cluster)
    m.save(str(path))


def ours(run, path: Path, *, self_contained: bool) -> None:
    from geo_zaitaku.maps import resource_map

    resource_map(run, basemap=False).save(path, self_contained=self_contained)


def timed(fn, *args, **kwargs) -> float:
    t = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - t


def browser(path: Path) -> tuple[float, float] | None:
    """Open a map in headless Chromium over the DevTools protocol (real time, no virtual
    time budget) and wait until the page says every marker is clustered.

    Returns (ms from navigation start to ready as measured by the page, wall seconds
    from the navigation command to ready seen by this script), or None when Chromium or
    websocket-client is missing.
    """
    import json

    import cdp

    try:
        import websocket  # noqa: F401
    except ImportError:
        return None
    if cdp.find_chromium() is None:
        return None
    with cdp.browser() as page:
        t = time.perf_counter()
        page.navigate(path.resolve().as_uri())
        value = page.wait_for("document.documentElement.getAttribute('data-gz-ready')", timeout=120)
        wall = time.perf_counter() - t
    return float(json.loads(value)["ms"]), wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 100000])
    parser.add_argument("--naive-max", type=int, default=5000, help="largest size also run the naive way")
    parser.add_argument(
        "--browser", action="store_true", help="open the self-contained maps in headless Chromium"
    )
    args = parser.parse_args()
    os.environ.setdefault(
        "GEO_ZAITAKU_CACHE_DIR", str(Path(tempfile.gettempdir()) / "geo_zaitaku_bench_cache")
    )
    print(
        f"{'facilities':>10} | {'naive s':>8} {'naive MB':>8} | {'ours s':>7} {'ours MB':>7} {'speed-up':>8} | "
        f"{'self-contained s':>16} {'MB':>6} | {'browser ms':>10} {'wall s':>6}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for n in args.sizes:
            run, source = make_run(n, tmp)
            ours(run, tmp / "warm.html", self_contained=True)  # warm imports and asset reads
            t_ours = timed(ours, run, tmp / f"ours_{n}.html", self_contained=False)
            mb_ours = (tmp / f"ours_{n}.html").stat().st_size / 1e6
            t_self = timed(ours, run, tmp / f"self_{n}.html", self_contained=True)
            mb_self = (tmp / f"self_{n}.html").stat().st_size / 1e6
            if n <= args.naive_max:
                t_naive = timed(naive, run, tmp / f"naive_{n}.html")
                mb_naive = (tmp / f"naive_{n}.html").stat().st_size / 1e6
                naive_cols = f"{t_naive:8.2f} {mb_naive:8.2f} | "
                ratio = f"{t_naive / t_ours:7.1f}x"
            else:
                naive_cols, ratio = f"{'-':>8} {'-':>8} | ", f"{'-':>8}"
            b = browser(tmp / f"self_{n}.html") if args.browser else None
            bcols = f"{b[0]:10.0f} {b[1]:6.1f}" if b else f"{'-':>10} {'-':>6}"
            print(
                f"{n:>10,} | {naive_cols}{t_ours:7.2f} {mb_ours:7.2f} {ratio} | {t_self:16.2f} {mb_self:6.2f} | {bcols}"
                f"   ({source})",
                flush=True,
            )
    print(f"Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
