"""Property-based tests (hypothesis): mutated plans, facility CSVs and population CSVs.

Whatever a user's file holds, a command ends with exit status 0, 1 or 2 and never a
traceback; the inputs are byte-identical afterwards; ``report.json`` is strict JSON;
and every facility row read is either placed or rejected.

The CI profile runs a bounded number of examples with a fixed seed
(``derandomize``); ``scripts/fuzz.py`` runs the long profile on demand.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo_zaitaku.cli import main

#: Text users put in files: ordinary Japanese, numbers, template and markup syntax,
#: formulas, control characters, and the odd float spelling.
FUNNY = [
    "",
    " ",
    "nan",
    "inf",
    "-inf",
    "1e309",
    "-5",
    "0",
    "0.0",
    "99999",
    "{{ 7*7 }}",
    "{% for x in y %}",
    "{#",
    "=1+2",
    "@SUM(A1)",
    "<script>alert(1)</script>",
    '"',
    "'",
    ",",
    "\t",
    "\u3000",
    "さくら市",
    "９９２０１",
    "○",
    "×",
    "true",
    "__GZ_DATA_1__",
]
cells = st.one_of(
    st.sampled_from(FUNNY),
    st.text(max_size=12),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _strict_json(text: str) -> object:
    def refuse(constant: str) -> object:
        raise AssertionError(f"report.json holds {constant}")

    return json.loads(text, parse_constant=refuse)


@contextlib.contextmanager
def _workspace(sample_files):
    """A fresh copy of the sample inputs and an output folder, removed afterwards."""
    root = Path(tempfile.mkdtemp(prefix="gz-prop-"))
    try:
        inputs = root / "in"
        shutil.copytree(sample_files.directory, inputs)
        yield inputs, root / "out"
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _run_check(inputs: Path, out: Path, *extra: str) -> int:
    before = _digest(inputs)
    code = main(["check", str(inputs / "plan.toml"), "--no-cache", "--out", str(out), "-q", *extra])
    assert code in (0, 1, 2)
    assert _digest(inputs) == before, "an input file changed"
    if code in (0, 1):
        report = _strict_json((out / "report.json").read_text(encoding="utf-8"))
        for log in report["inputs"]["facilities"]:
            assert log["rows"] == sum(log["placed"].values()) + len(log["rejected"])
    return code


def _rewrite_csv(path: Path, edits: list[tuple[int, int, str]], *, truncate: int | None = None) -> None:
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    for r, c, value in edits:
        row = rows[r % len(rows)]
        if row:
            row[c % len(row)] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    data = buffer.getvalue()
    if truncate is not None:
        data = data[: truncate % (len(data) + 1)]
    path.write_text(data, encoding="utf-8")


# ----------------------------------------------------------------------------- plans

check_keys = st.sampled_from(
    ["reach_km", "people_per_hub", "min_hubs", "min_key_institutions", "point_contact", "functions_severity"]
)
toml_values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(lambda v: repr(v).replace("nan", "nan")),
    st.integers(min_value=-(10**6), max_value=10**9).map(str),
    st.sampled_from(["true", "false", '"warning"', '"x"', "[]", "{}", "nan", "inf", "-inf", "1.5"]),
    st.text(max_size=8).map(json.dumps),
)
names = st.one_of(st.sampled_from(FUNNY), st.text(min_size=1, max_size=10))


@given(
    checks=st.lists(st.tuples(check_keys, toml_values), max_size=3),
    area=names,
    entry=names,
    cut=st.none() | st.integers(min_value=0, max_value=4000),
)
def test_mutated_plans(sample_files, checks, area, entry, cut):
    with _workspace(sample_files) as (inputs, out):
        plan = (inputs / "plan.toml").read_text(encoding="utf-8")
        plan = plan.replace('"南部" = [', f"{json.dumps(area)} = [{json.dumps(entry)}, ", 1)
        for key, value in checks:
            plan = plan.replace("[checks]\n", f"[checks]\n{key} = {value}\n", 1)
        if cut is not None:
            plan = plan[: cut % (len(plan) + 1)]
        (inputs / "plan.toml").write_text(plan, encoding="utf-8")
        _run_check(inputs, out)


# ----------------------------------------------------------------------------- facilities

edits = st.lists(
    st.tuples(st.integers(min_value=0, max_value=300), st.integers(min_value=0, max_value=15), cells),
    max_size=8,
)


@given(edits=edits, truncate=st.none() | st.integers(min_value=0, max_value=60_000))
def test_mutated_facility_csv(sample_files, edits, truncate):
    with _workspace(sample_files) as (inputs, out):
        _rewrite_csv(inputs / "facilities.csv", edits, truncate=truncate)
        code = _run_check(inputs, out)
        if code in (0, 1):
            before = _digest(inputs)
            assert (
                main(
                    [
                        "map",
                        "resources",
                        str(inputs / "plan.toml"),
                        "--no-cache",
                        "--out",
                        str(out / "m.html"),
                    ]
                )
                == 0
            )
            assert _digest(inputs) == before


# ----------------------------------------------------------------------------- population


@given(
    edits=st.lists(
        st.tuples(st.integers(min_value=0, max_value=40), st.integers(min_value=0, max_value=8), cells),
        max_size=6,
    )
)
def test_mutated_population_csv(sample_files, edits):
    with _workspace(sample_files) as (inputs, out):
        _rewrite_csv(inputs / "population.csv", edits)
        _run_check(inputs, out)


@pytest.mark.parametrize(
    "raw", [b"\xff\xfe\x00garbage", b"\x00" * 64, "名称,緯度\n".encode("cp932") + b"\x81"]
)
def test_undecodable_facility_files(sample_files, raw):
    with _workspace(sample_files) as (inputs, out):
        (inputs / "facilities.csv").write_bytes(raw)
        assert _run_check(inputs, out) == 2
