"""Guards against drift: what is defined once must agree wherever it is used."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from geo_zaitaku import labels, schema
from geo_zaitaku.checks import RULE_ORDER, RULES
from geo_zaitaku.maps._facilities import COLUMNS as MAP_COLUMNS
from geo_zaitaku.sources import presets

PACKAGE = Path(__file__).resolve().parents[1] / "geo_zaitaku"
SCRIPT = (PACKAGE / "maps" / "static" / "gz_map.js").read_text(encoding="utf-8")


def test_every_rule_has_a_name_and_every_name_a_rule():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    assert set(ids) == set(labels.RULES)
    assert list(RULE_ORDER) == ids
    assert all(r.label == labels.RULES[r.id] for r in RULES)


def _finding_codes() -> set[str]:
    codes = set()
    for path in (PACKAGE / "checks").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None)
            if name == "finding" and isinstance(node.args[1], ast.Constant):
                codes.add(node.args[1].value)
            elif name == "_minimum":  # institutions.py passes its codes on
                codes.add(node.args[2].value)
    return codes


def test_every_finding_message_exists():
    codes = _finding_codes()
    assert codes, "no finding() call found"
    assert codes <= set(labels.MESSAGES), codes - set(labels.MESSAGES)


def test_kinds_and_functions_are_named_where_they_are_defined():
    assert set(schema.KINDS) == set(labels.KINDS)
    assert tuple(labels.FUNCTIONS) == schema.FUNCTION_FIELDS
    assert schema.OTHER_KIND in schema.KINDS


def test_canonical_preset_names_every_canonical_field():
    canonical = presets.builtin(presets.DEFAULT)
    # plus the fields that only help to place rows: a prefecture column and the postal code
    assert set(canonical.columns) == set(schema.CANONICAL_FIELDS) | {"prefecture_code", "postcode"}


def test_page_script_uses_only_names_the_data_give():
    """gz_map.js reads flags (F.x), table columns (c.x) and words (t.x / text.x) by name."""
    from geo_zaitaku.maps._facilities import NOT_24H

    known = {*schema.FLAG_BITS, "not_24h"}  # not_24h: the data say no (NOT_24H)
    assert NOT_24H not in schema.FLAG_BITS.values()
    flags = set(re.findall(r"\bF\.(\w+)", SCRIPT))
    assert flags and flags <= known, flags - known
    assert "& 7" not in SCRIPT and "& 4" not in SCRIPT  # no magic bit numbers
    columns = set(re.findall(r"\bc\.(\w+)", SCRIPT))
    assert columns <= set(MAP_COLUMNS), columns - set(MAP_COLUMNS)
    words = set(re.findall(r"\b(?:t|text)\.(\w+)", SCRIPT))
    assert words <= set(labels.MAP_TEXT), words - set(labels.MAP_TEXT)


def test_public_api_is_one_list():
    import geo_zaitaku
    from geo_zaitaku import _api

    names = {n for n in vars(_api) if not n.startswith("_") and n != "annotations"}
    assert set(geo_zaitaku.__all__) - {"__version__"} == names
    for name in geo_zaitaku.__all__:
        assert getattr(geo_zaitaku, name) is not None
    assert "build_graph" not in geo_zaitaku.__all__ and "attach_population" not in geo_zaitaku.__all__


def test_cli_starts_without_the_geospatial_stack():
    """``geo-zaitaku --help`` must not import geopandas (it takes about a second)."""
    import subprocess
    import sys

    code = "import sys, geo_zaitaku.cli; print('geopandas' in sys.modules, 'folium' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


HEAVY = ("geopandas", "pandas", "numpy", "shapely", "folium", "pyogrio", "networkx", "scipy", "rich")


def test_every_help_is_fast_and_imports_nothing_heavy():
    """``geo-zaitaku --help`` and every command's ``--help``: no heavy module imported, and
    the whole process (interpreter start included) well under 0.3 s (best of 5)."""
    import subprocess
    import sys
    import time

    code = (
        "import sys, contextlib, io\n"
        "from geo_zaitaku.cli import cli, main\n"
        "import click\n"
        "paths = [[]]\n"
        "for name, cmd in cli.commands.items():\n"
        "    paths.append([name])\n"
        "    if isinstance(cmd, click.Group):\n"
        "        paths += [[name, sub] for sub in cmd.commands]\n"
        "for p in paths:\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        assert main([*p, '--help']) == 0, p\n"
        f"print(len(paths), [m for m in {HEAVY!r} if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    n, heavy = out.split(" ", 1)
    assert int(n) >= 20 and heavy.strip() == "[]"
    times = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "geo_zaitaku", "--help"], capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    assert min(times) < 0.3, times


def test_console_lines_are_never_wrapped_mid_message():
    """Every line the CLI prints that is not a table passes ``soft_wrap=True``, so that a
    long finding or facility name is not broken across lines at 80 columns when the
    output goes to a file or a pipe (the terminal wraps it instead)."""
    unwrapped = []
    for path in sorted((PACKAGE / "cli").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            target = node.func.value
            is_console = isinstance(target, ast.Call) and "console" in ast.unparse(target.func)
            if node.func.attr != "print" or not is_console or not node.args:
                continue
            if ast.unparse(node.args[0]) in ("table", "t"):
                continue
            if not any(k.arg == "soft_wrap" for k in node.keywords):
                unwrapped.append(f"{path.name}:{node.lineno}")
    assert unwrapped == []


def test_the_what_if_and_design_functions_document_their_parameters():
    """analyse, run_scenario, apply_scenario, compare_plans, read_scenario, proposed_run
    and write_design had no Parameters section (help() said nothing of seeds, samples or
    what a scenario may hold)."""
    import inspect

    from geo_zaitaku.design.output import proposed_run, write_design
    from geo_zaitaku.scenarios.access import measure_access
    from geo_zaitaku.scenarios.changes import apply_scenario, read_scenario, run_scenario
    from geo_zaitaku.scenarios.compare import compare_plans
    from geo_zaitaku.scenarios.robustness import analyse

    for fn in (analyse, run_scenario, apply_scenario, compare_plans, read_scenario, proposed_run, write_design,
               measure_access):  # fmt: skip
        doc = inspect.getdoc(fn) or ""
        assert "Parameters\n----------" in doc, fn.__name__
        for name in inspect.signature(fn).parameters:
            assert f"\n{name}\n" in doc or f"\n{name}," in doc or f", {name}\n" in doc, (fn.__name__, name)
