"""Run the property-based tests (tests/test_properties.py) with the long profile.

    .venv/bin/python scripts/fuzz.py                 # 400 examples per property
    .venv/bin/python scripts/fuzz.py --examples 2000 --seed 7

Each property is run with hypothesis' statistics; the script prints how many cases were
tried per test and the outcome (a failing case is printed by pytest, shrunk).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--examples", type=int, default=400, help="examples per property (default 400)")
    parser.add_argument("--seed", type=int, default=None, help="hypothesis seed (default: random)")
    args = parser.parse_args()
    env = dict(os.environ, GZ_HYPOTHESIS_EXAMPLES=str(args.examples))
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        str(ROOT / "tests" / "test_properties.py"),
        "--hypothesis-profile=long",
        "--hypothesis-show-statistics",
    ]
    if args.seed is not None:
        cmd.append(f"--hypothesis-seed={args.seed}")
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    out = proc.stdout + proc.stderr
    total = 0
    stats = re.findall(r"test_properties\.py::(\w+):\s*\n(.*?)(?=\ntests/|\n=+|\Z)", out, flags=re.S)
    for name, block in stats:
        counts = re.findall(r"(\d+) passing, (\d+) failing, and (\d+) invalid", block)
        passing = sum(int(p) for p, _f, _i in counts)
        failing = sum(int(f) for _p, f, _i in counts)
        print(f"{name}: {passing} passing, {failing} failing cases")
        total += passing + failing
    print(out.strip().splitlines()[-1] if out.strip() else "(no output)")
    print(f"total: {total} generated cases in {seconds:.0f} s; pytest exit status {proc.returncode}")
    if proc.returncode:
        print(out[-6000:])
    return proc.returncode


if __name__ == "__main__":
    raise SystemExit(main())
